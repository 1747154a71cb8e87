/*
 * Settings applied to a scenario's YAML tree (settings.c), for the loader.
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_SETTINGS_H
#define TS_SETTINGS_H

#include "yamlutil.h"

/* Applies settings[0..n) in order to doc's tree.  Each value is parsed into
 * value_docs[i] (NULL when it failed), which the caller frees after the tree
 * was read: the tree points into them.  Errors go to errs, labelled
 * "--set PATH".  Returns the number of settings that failed. */
int ts_settings_apply(ts_y_errs *errs, ts_y_doc *doc, const ts_setting *settings, int n,
                      ts_y_doc **value_docs);

#endif /* TS_SETTINGS_H */
