/*
 * threshold.c's pieces that need no scenario: the sampled check's decision
 * (ts_threshold_classify: the count of changes of a boolean sequence, by
 * hand) and values as written (ts_value_text_parse: SI by the unit tables
 * of docs/scenario-format.md, NIST SP 811 appendix B).  The search itself
 * is checked against direct runs in tests/cli/threshold_checks.py.
 */
#include <criterion/criterion.h>
#include "ts_internal.h"
#include "threshold.h"
#include "test_util.h"

Test(threshold, classify_by_hand)
{
    static const struct {
        int holds[9];
        int n;
        ts_thr_shape want;
        int at;
    } cases[] = {
        {{1, 1, 1, 0, 0, 0, 0, 0, 0}, 9, TS_THR_ONE_CHANGE, 2},
        {{0, 0, 0, 0, 0, 0, 0, 0, 1}, 9, TS_THR_ONE_CHANGE, 7},
        {{1, 0}, 2, TS_THR_ONE_CHANGE, 0},
        {{1, 1, 0, 0, 1, 1, 1, 1, 1}, 9, TS_THR_BOTH_ENDS, 3},
        {{1, 1, 1, 1, 1, 1, 1, 1, 1}, 9, TS_THR_BOTH_ENDS, -1},
        {{0, 0, 0, 0, 0, 0, 0, 0, 0}, 9, TS_THR_NEITHER_END, -1},
        {{0, 1, 1, 0, 0, 0, 0, 0, 0}, 9, TS_THR_NEITHER_END, 2},
        {{1, 0, 1, 0, 0, 0, 0, 0, 0}, 9, TS_THR_NOT_MONOTONE, 2}, /* three changes */
        {{0, 0, 1, 1, 0, 0, 0, 1, 1}, 9, TS_THR_NOT_MONOTONE, 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int at = -2;
        const ts_thr_shape got = ts_threshold_classify(cases[i].holds, cases[i].n, &at);
        cr_assert_eq(got, cases[i].want, "case %zu: shape %d, want %d", i, got, cases[i].want);
        cr_assert_eq(at, cases[i].at, "case %zu: last change after %d, want %d", i, at, cases[i].at);
    }
}

Test(threshold, values_as_written)
{
    static const struct {
        const char *text;
        ts_quantity_kind kind;
        double si, unit_si;
        const char *unit;
    } cases[] = {
        {"5.4 km/s", TS_Q_SPEED, 5400.0, 1000.0, "km/s"},
        {"1500 km", TS_Q_LENGTH, 1.5e6, 1000.0, "km"},
        {"30 s", TS_Q_TIME, 30.0, 1.0, "s"},
        {"2 min", TS_Q_TIME, 120.0, 60.0, "min"},
        {"0.01 m^2", TS_Q_AREA, 0.01, 1.0, "m^2"},
        {"0.8", TS_Q_RATIO, 0.8, 1.0, ""},
        {"0 km/s", TS_Q_SPEED, 0.0, 1000.0, "km/s"},
    };
    ts_ctx *ctx = ts_ctx_create();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_value_text v;
        cr_assert_eq(ts_value_text_parse(ctx, cases[i].text, &v), TS_OK, "%s: %s", cases[i].text,
                     ts_ctx_message(ctx));
        cr_assert_eq(v.kind, cases[i].kind, "%s: kind %d", cases[i].text, v.kind);
        check_near_f(v.si, cases[i].si, 1e-9 * fmax(1.0, cases[i].si), "%s", cases[i].text);
        check_near_f(v.unit_si, cases[i].unit_si, 1e-12, "%s: unit", cases[i].text);
        cr_assert_str_eq(v.unit, cases[i].unit);
        /* the setting text of the SI value parses back to it */
        char buf[64];
        ts_value_text_format(v.si, v.kind, buf, sizeof buf);
        double back;
        cr_assert_eq(ts_quantity_parse(ctx, buf, v.kind, &back, NULL), TS_OK, "%s", buf);
        cr_assert_eq(back, v.si, "%s: %.17g back as %.17g", buf, v.si, back);
    }
    ts_value_text v;
    cr_assert_eq(ts_value_text_parse(ctx, "4 furlongs", &v), TS_EUNIT);
    cr_assert_eq(ts_value_text_parse(ctx, "fast", &v), TS_EUNIT);
    ts_ctx_free(ctx);
}
