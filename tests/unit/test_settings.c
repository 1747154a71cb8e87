/*
 * Settings (`--set PATH=VALUE`), named answers and conditions (settings.c,
 * answers.c).  Truths: a setting gives the scenario that the file edited by
 * hand to hold the same value gives (a second load, of an edited copy);
 * ts_evaluate of one variant gives the answers of the full run of every
 * variant (a second computation); per-framing city counts from answers.c
 * agree with region.c's own headline count; conditions by their definition.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <criterion/criterion.h>

#include "run_result.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL TS_SOURCE_DIR "/tests/scenarios/small.yaml"
#define THIRD TS_SOURCE_DIR "/scenarios/third-site-2008.yaml"

static ts_scenario *load(ts_ctx *ctx, const char *path, const ts_setting *s, int n)
{
    ts_scenario *sc = NULL;
    const int st = ts_scenario_load_with(ctx, path, NULL, s, n, &sc);
    cr_assert_eq(st, TS_OK, "%s: %s", path, ts_ctx_message(ctx));
    return sc;
}

static ts_setting setting(const char *arg)
{
    ts_setting s;
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_setting_parse(ctx, arg, &s), TS_OK, "%s: %s", arg, ts_ctx_message(ctx));
    ts_ctx_free(ctx);
    return s;
}

/* A copy of the file at `path` with the first occurrence of `from`
 * replaced by `to`, in a temporary file (name into out). */
static void edited_copy(const char *path, const char *from, const char *to, char *out,
                        size_t size)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f);
    static char buf[1 << 16];
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    cr_assert(at, "'%s' not in %s", from, path);
    snprintf(out, size, "/tmp/ts-settings-XXXXXX");
    const int fd = mkstemp(out);
    cr_assert(fd >= 0);
    FILE *w = fdopen(fd, "wb");
    fwrite(buf, 1, (size_t)(at - buf), w);
    fputs(to, w);
    fputs(at + strlen(from), w);
    fclose(w);
}

Test(settings, parse_splits_at_the_first_equals_and_trims)
{
    ts_setting s = setting("  doctrine.sspk = 0.7 ");
    cr_assert_str_eq(s.path, "doctrine.sspk");
    cr_assert_str_eq(s.value, "0.7");
    s = setting("threats.iran-icbm.from=[semnan, a=b]");
    cr_assert_str_eq(s.value, "[semnan, a=b]");
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_setting_parse(ctx, "doctrine.sspk", &s), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "PATH=VALUE"), "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_setting_parse(ctx, "=0.7", &s), TS_EINVAL);
    cr_assert_eq(ts_setting_parse(ctx, "doctrine.sspk= ", &s), TS_EINVAL);
    ts_ctx_free(ctx);
}

/* The setting and the hand-edited file give the same resolved values. */
Test(settings, equal_to_the_value_written_in_the_file)
{
    ts_ctx *ctx = ts_ctx_create();
    const ts_setting s[] = {setting("batteries.redzikowo.readiness=75 s"),
                            setting("sensors.emr.ref_range=1500 km"),
                            setting("doctrine.sspk=70%")};
    ts_scenario *a = load(ctx, SMALL, s, 3);
    char p1[64], p2[64], p3[64];
    edited_copy(SMALL, "readiness: 30 s", "readiness: 75 s", p1, sizeof p1);
    edited_copy(p1, "sspk: 0.8", "sspk: 0.7", p2, sizeof p2);
    edited_copy(p2, "    - use: emr\n", "    - {use: emr, ref_range: 1500 km}\n", p3, sizeof p3);
    ts_scenario *b = load(ctx, p3, NULL, 0);
    cr_assert_eq(a->n_variants, b->n_variants);
    for (int v = 0; v < a->n_variants; v++) {
        const ts_defense *da = &a->variants[v].defense, *db = &b->variants[v].defense;
        NEAR(da->batteries[0].readiness_s, db->batteries[0].readiness_s, 0, "readiness");
        NEAR(da->batteries[0].readiness_s, 75.0, 0, "readiness = 75 s");
        NEAR(da->sensors[0].ref_range_m, db->sensors[0].ref_range_m, 0, "ref_range");
        NEAR(da->sensors[0].ref_range_m, 1.5e6, 0, "ref_range = 1500 km");
        NEAR(da->doctrine.sspk, 0.7, 1e-15, "sspk");
        NEAR(da->batteries[0].interceptor.burnout_speed_mps,
             db->batteries[0].interceptor.burnout_speed_mps, 0, "the variant's own speed");
    }
    cr_assert_eq(a->n_settings, 3);
    cr_assert_str_eq(a->settings[1].path, "sensors.emr.ref_range");
    ts_scenario_free(a);
    ts_scenario_free(b);
    remove(p1);
    remove(p2);
    remove(p3);
    ts_ctx_free(ctx);
}

/* A defense setting wins over a variant that sets the same key; a path
 * through a variant whose name holds dots changes that variant only. */
Test(settings, defense_settings_win_over_variants_and_ids_may_hold_dots)
{
    ts_ctx *ctx = ts_ctx_create();
    const ts_setting s[] = {setting("sensors.emr.ref_rcs=0.05 m^2"),
                            setting("variants.emr-2000km-at-0.1m2.doctrine.sspk=0.5")};
    ts_scenario *sc = load(ctx, THIRD, s, 2);
    cr_assert_eq(sc->n_variants, 3);
    for (int v = 0; v < 3; v++) {
        const ts_defense *d = &sc->variants[v].defense;
        NEAR(d->sensors[0].ref_rcs_m2, 0.05, 1e-15, sc->variants[v].name);
        NEAR(d->doctrine.sspk, strcmp(sc->variants[v].name, "emr-2000km-at-0.1m2") ? 0.8 : 0.5,
             1e-15, sc->variants[v].name);
    }
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

static void expect_refused(const char *arg, const char *want)
{
    ts_ctx *ctx = ts_ctx_create();
    const ts_setting s = setting(arg);
    ts_scenario *sc = NULL;
    cr_assert_eq(ts_scenario_load_with(ctx, SMALL, NULL, &s, 1, &sc), TS_ESCENARIO, "%s", arg);
    cr_assert_null(sc);
    cr_assert(strstr(ts_ctx_message(ctx), want), "%s: want '%s' in: %s", arg, want,
              ts_ctx_message(ctx));
    ts_ctx_free(ctx);
}

Test(settings, bad_paths_and_values_are_named)
{
    expect_refused("batteries.redzikow.readiness=1 s",
                   "--set batteries.redzikow.readiness: error: no entry 'redzikow' in "
                   "'batteries' (known: redzikowo)");
    expect_refused("batteries.redzikowo.readines=1 s", "did you mean 'readiness'?");
    expect_refused("batteries.redzikowo.readiness=1 parsec",
                   "--set batteries.redzikowo.readiness:1:3: error:");
    expect_refused("batteries.redzikowo=1 s", "not a value");
    expect_refused("doctrine.sspk.x=1", "a single value");
    expect_refused("batteries.redzikowo.hears=[sbirs", "unclosed '['");
    expect_refused("nonsense=1", "unknown key 'nonsense' in the scenario");
}

static void answers_all(ts_ctx *ctx, const ts_scenario *sc, int v, ts_answers *out)
{
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = 2;
    ts_run_result res;
    cr_assert_eq(ts_run_compute(ctx, sc, &ro, &res), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_answers_of_result(ctx, &res, v, 0, out), TS_OK);
    /* region.c counts the headline framing's defended cities its own way */
    const ts_run_footprint *rf = &res.footprints[0];
    int headline = 0;
    for (int c = 0; c < rf->cities.n; c++)
        headline += rf->cities.status[v * rf->cities.n + c] == TS_CELL_DEFENDED;
    char name[128];
    snprintf(name, sizeof name, "%s.%s.cities_defended", rf->spec->name,
             ts_framing_name(sc->variants[v].defense.doctrine.headline));
    const ts_answer *a = ts_answers_find(out, name);
    cr_assert(a, "%s", name);
    NEAR(a->value, headline, 0, name);
    cr_assert_gt(rf->cities.n, 0, "the test needs cities in the region");
    ts_run_result_free(&res);
}

/* ts_evaluate of one variant, and of one analysis, against the full run. */
Test(answers, evaluate_equals_the_full_run, .timeout = 300)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load(ctx, SMALL, NULL, 0);
    for (int v = 0; v < sc->n_variants; v++) {
        ts_answers full, one;
        answers_all(ctx, sc, v, &full);
        ts_eval_opts o;
        memset(&o, 0, sizeof o);
        o.variant = v;
        o.threads = 1;
        cr_assert_eq(ts_evaluate(ctx, sc, &o, &one), TS_OK, "%s", ts_ctx_message(ctx));
        cr_assert_eq(one.n, full.n);
        for (int i = 0; i < full.n; i++) {
            cr_assert_str_eq(one.a[i].name, full.a[i].name);
            cr_assert(one.a[i].value == full.a[i].value ||
                          (isnan(one.a[i].value) && isnan(full.a[i].value)),
                      "%s: %.17g vs %.17g", full.a[i].name, one.a[i].value, full.a[i].value);
        }
        ts_answers_free(&one);
        /* one analysis only, with its grid */
        const char *only[] = {"eastern-europe"};
        o.only = only;
        o.n_only = 1;
        o.grids = 1;
        cr_assert_eq(ts_evaluate(ctx, sc, &o, &one), TS_OK, "%s", ts_ctx_message(ctx));
        cr_assert_eq(one.n_grids, 1);
        cr_assert_null(ts_answers_find(&one, "russian.kinematic.engaged"));
        const ts_answer *share = ts_answers_find(&one, "eastern-europe.supported.defended_land_share");
        const ts_answer *want = ts_answers_find(&full, "eastern-europe.supported.defended_land_share");
        cr_assert(share && want);
        NEAR(share->value, want->value, 0, "defended share, one analysis");
        const ts_answer_grid *g = &one.grids[0];
        int defended = 0, undefended = 0;
        for (int c = 0; c < g->n_lat * g->n_lon; c++) {
            defended += g->status[TS_FRAMING_KINEMATIC][c] == TS_CELL_DEFENDED;
            undefended += g->status[TS_FRAMING_KINEMATIC][c] == TS_CELL_UNDEFENDED;
            /* kinematic reach contains every supported intercept */
            cr_assert(g->status[TS_FRAMING_SUPPORTED][c] != TS_CELL_DEFENDED ||
                      g->status[TS_FRAMING_KINEMATIC][c] == TS_CELL_DEFENDED);
        }
        cr_assert(defended > 0 && undefended > 0, "the grid crosses the edge");
        ts_answers_free(&one);
        ts_answers_free(&full);
    }
    const char *bad[] = {"no-such-analysis"};
    ts_eval_opts o;
    memset(&o, 0, sizeof o);
    o.only = bad;
    o.n_only = 1;
    ts_answers a;
    cr_assert_eq(ts_evaluate(ctx, sc, &o, &a), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "no-such-analysis"));
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

Test(answers, conditions)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_answer a[2] = {{"m.supported.engaged", 3, "1", ""}, {"m.supported.max_margin", NAN, "s", ""}};
    const ts_answers as = {2, a, 0, NULL};
    static const struct {
        const char *text;
        int holds;
    } cases[] = {{"m.supported.engaged == 3", 1}, {"m.supported.engaged != 3", 0},
                 {"m.supported.engaged<3", 0},    {"m.supported.engaged <= 3", 1},
                 {"m.supported.engaged>2.5", 1},  {"m.supported.engaged >= 400%", 0},
                 {"m.supported.max_margin >= -1e9 s", 0}, /* undefined: never holds */
                 {"m.supported.max_margin < 1 min", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_condition c;
        cr_assert_eq(ts_condition_parse(ctx, cases[i].text, &c), TS_OK, "%s: %s", cases[i].text,
                     ts_ctx_message(ctx));
        int holds = -1;
        cr_assert_eq(ts_condition_eval(ctx, &c, &as, &holds), TS_OK);
        cr_assert_eq(holds, cases[i].holds, "%s", cases[i].text);
    }
    ts_condition c;
    cr_assert_eq(ts_condition_parse(ctx, "x.y <= 60%", &c), TS_OK);
    NEAR(c.value, 0.6, 1e-15, "60%");
    cr_assert_eq(c.op, TS_CMP_LE);
    cr_assert_eq(ts_condition_parse(ctx, "x.y >= 30 s", &c), TS_OK);
    NEAR(c.value, 30.0, 0, "30 s");
    cr_assert_eq(ts_condition_parse(ctx, "x.y =< 3", &c), TS_EINVAL);
    cr_assert_eq(ts_condition_parse(ctx, "x.y == three", &c), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "'three' is not a number"), "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_condition_parse(ctx, "== 3", &c), TS_EINVAL);
    cr_assert_eq(ts_condition_parse(ctx, "x.y ==", &c), TS_EINVAL);
    cr_assert_eq(ts_condition_parse(ctx, "m.supported.engage == 3", &c), TS_OK);
    int holds;
    cr_assert_eq(ts_condition_eval(ctx, &c, &as, &holds), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "known: m.supported.engaged, m.supported.max_margin"),
              "%s", ts_ctx_message(ctx));
    char an[64];
    ts_answer_analysis("russian-icbms.supported.engaged", an, sizeof an);
    cr_assert_str_eq(an, "russian-icbms");
    ts_ctx_free(ctx);
}
