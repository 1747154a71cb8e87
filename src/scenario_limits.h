/*
 * Limits on the defense written in a scenario: the keys of sensor and
 * battery entries that switch a part off, fence a radar's sectors, cap a
 * range, a power, a burnout speed or an inventory, set a readiness state,
 * or forbid engagement on remote tracks, each with what a monitor would
 * observe to verify it (docs/scenario-format.md, "Limits").
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_SCENARIO_LIMITS_H
#define TS_SCENARIO_LIMITS_H

#include "yamlutil.h"

/* The limit keys of a sensor entry and of a battery entry (NULL-terminated;
 * "verify" included). */
extern const char *const ts_sensor_limit_keys[];
extern const char *const ts_battery_limit_keys[];

/* A growing list of resolved limits (owned by the caller; free(items)). */
typedef struct {
    int n, cap;
    ts_limit *items;
} ts_limit_list;

/* Reads the limit keys of a sensor entry (m, and the variant's override
 * vm, which wins key by key) into s and appends each limit set to list
 * (list may be NULL).  Errors at their nodes; returns their number. */
int ts_sensor_limits_read(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                          const char *what, ts_sensor *s, ts_limit_list *list);
/* The same for a battery entry (b->interceptor must be resolved: the
 * burnout-speed cap goes on it). */
int ts_battery_limits_read(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                           const char *what, ts_battery *b, ts_limit_list *list);
/* `launch_on_remote: false` (no launch on remote, the same as []): records
 * the limit.  Returns the number of errors (0). */
int ts_launch_remote_limit(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                           const ts_y_node *value, const char *id, ts_limit_list *list);

#endif
