/*
 * The two framings in the tables and layers (tables.c, layers.c): the
 * words of a cell's status under each framing, the first intercept an
 * engagement reports under each, and the sensors that support an intercept.
 * Meanings: docs/report-format.md ("Framings"), docs/models-defense.md.
 * Private to the library; not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_FRAMING_H
#define TS_OUTPUT_FRAMING_H

#include "output/output.h"

/* A footprint cell's status (ts_cell_status) under framing f, as the
 * tables and layers write it: kinematic "within-reach" / "not-within-reach",
 * supported "defended" / "undefended"; "unreachable" (beyond the threat's
 * reach) under both.  The kinematic framing is never "defended". */
const char *ts_out_cell_status_word(ts_framing f, int status);

/* The headline framing of defense d (its doctrine's; supported unless it
 * says kinematic). */
ts_framing ts_out_headline(const ts_defense *d);

/* The battery of g whose framing f has a shot with the largest margin
 * (the one report.json's engagement-level `intercept` comes from); -1 when
 * no battery has a shot under f. */
int ts_out_best_battery(const ts_engagement *g, ts_framing f);

/* The ids of the sensors that support intercept x (x->supported_by),
 * joined by ';' into buf ("" when none). */
void ts_out_supported_by(const ts_defense *d, const ts_intercept *x, char *buf, size_t size);

/* The rule that refused the supported framing, as a phrase (""
 * when none). */
const char *ts_out_refusal(ts_refusal why);

#endif /* TS_OUTPUT_FRAMING_H */
