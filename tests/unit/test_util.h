/*
 * Helpers shared by the unit tests: near-equality checks that print
 * want/got/diff on failure (STYLE.md "Tests") and the shipped missile
 * catalogue.  Include after <criterion/criterion.h> and ts_internal.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_TEST_UTIL_H
#define TS_TEST_UTIL_H

#include <math.h>
#include <stdio.h>

/* |got - want| <= tol; the last argument is a string naming the value. */
#define check_near(got, want, tol, ...)                                        \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        cr_assert(fabs(g_ - w_) <= (tol), "%s: want %.17g got %.17g diff %.3g " \
                  "(tol %.3g)", __VA_ARGS__, w_, g_, g_ - w_, (double)(tol));  \
    } while (0)

/* The same with 10 digits; the rest is a printf format naming the value. */
#define check_near_f(got, want, tol, ...)                                      \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        char m_[300];                                                          \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                  \
        cr_assert(fabs(g_ - w_) <= (tol), "%s: want %.10g got %.10g diff %.3g " \
                  "(tol %.3g)", m_, w_, g_, g_ - w_, (double)(tol));           \
    } while (0)

/* |got - want| <= tol at 12 digits, what naming the value. */
#define NEAR(got, want, tol, what)                                                       \
    cr_assert(fabs((got) - (want)) <= (tol), "%s: want %.12g got %.12g diff %.3g", what, \
              (double)(want), (double)(got), (double)((got) - (want)))

/* Loads the shipped missile catalogue (data/missiles.yaml) into *list;
 * the test fails if it does not load. */
static inline void load_missile_catalogue(ts_missile_list *list)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/missiles.yaml", ts_data_dir());
    ts_ctx *ctx = ts_ctx_create();
    int st = ts_missiles_load(ctx, path, list);
    cr_assert_eq(st, TS_OK, "loading %s: %s", path, ts_ctx_message(ctx));
    ts_ctx_free(ctx);
}

#endif
