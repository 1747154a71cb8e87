/*
 * Scenario files (scenario.c, yamlutil.c).
 *
 * Truth for the error cases: the line and column of each fault, counted by
 * hand in the file (1-based, characters), written beside it as
 * "# expect: LINE:COL: MESSAGE" (the files of tests/scenarios/bad) or in the
 * tables below; libfyaml's own syntax messages are its words.  Truth for
 * the resolved values: unit definitions (NIST SP 811 appendix B: 1 min =
 * 60 s, 1 t = 1000 kg, 1 deg = pi/180 rad), the catalogue entries the
 * scenarios name (the YAML files of data/, whose values SOURCES.md gives), and the
 * constant-thrust relation F = (m_prop / t_burn) g0 Isp (Sutton & Biblarz,
 * Rocket Propulsion Elements, 8th ed., eq. 2-5).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_internal.h"
#include "yamlutil.h"
#include "test_util.h"

#define BAD_DIR TS_SOURCE_DIR "/tests/scenarios/bad"
#define DEG (TS_PI / 180.0)

/* Writes text to a fresh temporary file; path receives its name. */
static void write_temp(const char *text, char *path, size_t size)
{
    snprintf(path, size, "/tmp/ts-scenario-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp failed");
    FILE *f = fdopen(fd, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* Counts the lines of a message. */
static int n_lines(const char *msg)
{
    if (!*msg)
        return 0;
    int n = 1;
    for (const char *p = msg; *p; p++)
        n += *p == '\n';
    return n;
}

/* Line i (0-based) of msg into buf. */
static void line_of(const char *msg, int i, char *buf, size_t size)
{
    const char *p = msg;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p) {
        buf[0] = '\0';
        return;
    }
    size_t len = strcspn(p, "\n");
    if (len >= size)
        len = size - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
}

/* Checks that loading `path` fails with exactly the expected errors, in
 * order: each "LINE:COL: TEXT" must be the line "path:LINE:COL: error: ..."
 * whose message contains TEXT. */
static void expect_errors(const char *path, const char *name, int n, char exp[][512])
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = (ts_scenario *)1;
    int st = ts_scenario_load(ctx, path, NULL, &sc);
    const char *msg = ts_ctx_message(ctx);
    cr_assert_eq(st, TS_ESCENARIO, "%s: want TS_ESCENARIO, got %d (%s)", name, st, msg);
    cr_assert_null(sc, "%s: *out must be NULL on error", name);
    cr_assert_eq(n_lines(msg), n, "%s: want %d error(s), got %d:\n%s", name, n, n_lines(msg),
                 msg);
    for (int i = 0; i < n; i++) {
        int line, col, used = 0;
        cr_assert(sscanf(exp[i], "%d:%d: %n", &line, &col, &used) == 2 && used > 0,
                  "%s: bad expectation '%s'", name, exp[i]);
        char prefix[1200], got[2048];
        snprintf(prefix, sizeof prefix, "%s:%d:%d: error: ", path, line, col);
        line_of(msg, i, got, sizeof got);
        cr_assert(!strncmp(got, prefix, strlen(prefix)),
                  "%s error %d: want position %d:%d\n  want: %s...\n  got:  %s", name, i + 1,
                  line, col, prefix, got);
        cr_assert(strstr(got + strlen(prefix), exp[i] + used) != NULL,
                  "%s error %d: message\n  want: %s\n  got:  %s", name, i + 1, exp[i] + used,
                  got + strlen(prefix));
    }
    ts_ctx_free(ctx);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every file of tests/scenarios/bad is refused with exactly the errors its
 * "# expect:" lines give. */
Test(scenario, bad_files_report_each_error_at_its_line_and_column)
{
    struct dirent **list;
    int n = scandir(BAD_DIR, &list, NULL, by_name);
    cr_assert(n > 0, "cannot read %s", BAD_DIR);
    int files = 0, errors = 0;
    for (int i = 0; i < n; i++) {
        const char *f = list[i]->d_name;
        size_t len = strlen(f);
        if (len < 6 || strcmp(f + len - 5, ".yaml")) {
            free(list[i]);
            continue;
        }
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, f);
        FILE *in = fopen(path, "r");
        cr_assert(in != NULL, "%s", path);
        static char exp[16][512];
        int ne = 0;
        char buf[1024];
        while (fgets(buf, sizeof buf, in))
            if (!strncmp(buf, "# expect: ", 10) && ne < 16) {
                buf[strcspn(buf, "\n")] = '\0';
                size_t elen = strlen(buf + 10);
                cr_assert(elen < sizeof exp[0], "%s: expectation too long", f);
                memcpy(exp[ne++], buf + 10, elen + 1);
            }
        fclose(in);
        cr_assert(ne > 0, "%s has no '# expect:' line", f);
        expect_errors(path, f, ne, exp);
        files++;
        errors += ne;
        free(list[i]);
    }
    free(list);
    /* the suite must not shrink unnoticed */
    cr_assert(files >= 40, "only %d bad scenario files", files);
    cr_assert(errors >= 45, "only %d expected errors", errors);
}

/* More refused scenarios, inline: positions counted by hand. */
static const struct {
    const char *name, *text, *expect;
} inline_bad[] = {
    {"earth model",
     "name: e\nquestion: q\nearth: {model: wgs-84}\n",
     "3:16: unknown earth model 'wgs-84' (did you mean 'wgs84'?"},
    {"earth rotating",
     "name: e\nquestion: q\nearth:\n  model: sphere\n  rotating: no\n",
     "5:13: expected true or false for 'rotating', got 'no'"},
    {"scenario site without position",
     "name: s\nquestion: q\nsites:\n  - {id: home, name: Home}\n",
     "4:5: missing required key 'at' in site 'home'"},
    {"scenario site duplicated",
     "name: s\nquestion: q\nsites:\n  - {id: home, at: 10N 10E}\n  - {id: home, at: 11N 10E}\n",
     "5:10: duplicate site id 'home' in the scenario"},
    {"analyses key",
     "name: a\nquestion: q\nanalyses:\n  engagement: []\n",
     "4:3: unknown key 'engagement' in 'analyses' (did you mean 'engagements'?"},
    {"rcs range",
     "name: r\nquestion: q\nthreats:\n  t: {missile: shahab-3, from: tabriz, rcs: 0 m^2}\n",
     "4:45: rcs 0 m^2 in threat 't' is out of range"},
    {"payload unit",
     "name: p\nquestion: q\nthreats:\n  t:\n    missile: shahab-3\n    from: tabriz\n"
     "    payload: 750 kN\n",
     "7:18: payload: unknown unit 'kN' for a mass"},
    {"from is a mapping",
     "name: f\nquestion: q\nthreats:\n  t: {missile: shahab-3, from: {site: tabriz}}\n",
     "4:32: expected a site, a position or a list of them for 'from', got a mapping"},
    {"matrix without targets",
     "name: m\nquestion: q\nthreats:\n  t: {missile: topol-m, from: kozelsk}\nanalyses:\n"
     "  matrix:\n    - {threat: t, to: []}\n",
     "7:23: empty list for 'to'"},
    {"question list",
     "name: q\nquestion: [a, b]\n",
     "2:11: expected a string for 'question', got a list"},
};

Test(scenario, inline_errors)
{
    for (size_t i = 0; i < sizeof inline_bad / sizeof inline_bad[0]; i++) {
        char path[64];
        write_temp(inline_bad[i].text, path, sizeof path);
        /* every inline case lacks a defense: that error comes first or
         * second by position; keep only the case's own line */
        ts_ctx *ctx = ts_ctx_create();
        ts_scenario *sc = NULL;
        int st = ts_scenario_load(ctx, path, NULL, &sc);
        const char *msg = ts_ctx_message(ctx);
        cr_assert_eq(st, TS_ESCENARIO, "%s: status %d", inline_bad[i].name, st);
        int line, col, used = 0;
        sscanf(inline_bad[i].expect, "%d:%d: %n", &line, &col, &used);
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%s:%d:%d: error: ", path, line, col);
        int found = 0;
        for (int k = 0; k < n_lines(msg) && !found; k++) {
            char got[1024];
            line_of(msg, k, got, sizeof got);
            found = !strncmp(got, prefix, strlen(prefix)) &&
                    strstr(got, inline_bad[i].expect + used);
        }
        cr_assert(found, "%s:\n  want: %s%s\n  got:\n%s", inline_bad[i].name, prefix,
                  inline_bad[i].expect + used, msg);
        /* and the scenario's own lack of a defense at the root (1:1) */
        char root[128];
        snprintf(root, sizeof root, "%s:1:1: error: missing required key 'defense'", path);
        cr_assert(strstr(msg, root), "%s: the missing defense is not reported:\n%s",
                  inline_bad[i].name, msg);
        ts_ctx_free(ctx);
        unlink(path);
    }
}

/* A scenario that exercises overrides, a variant, units and defaults. */
static const char good_text[] =
    "name: good\n"
    "title: Overrides, variants and units\n"
    "question: Does every value arrive where it should?\n"
    "sources: [one, two]\n"
    "earth: {model: sphere, rotating: false}\n"
    "sites:\n"
    "  - {id: brdy, name: Brdy moved, at: 50N 14E, height: 800 m, sources: test}\n"
    "  - {id: home, at: '10.5, -20.25'}\n"
    "defense:\n"
    "  name: mda\n"
    "  sensors:\n"
    "    - use: emr\n"
    "      ref_range: 3,000 km\n"
    "    - use: sbirs\n"
    "    - {id: ew, use: gabala, at: home, el_min: 1.5 deg, sources: a test}\n"
    "  batteries:\n"
    "    - id: slupsk\n"
    "      use: gbi-2stage-mda\n"
    "      at: 54.48N 17.11E\n"
    "      inventory: 10\n"
    "      readiness: 1.5 min\n"
    "      hears: [sbirs, ew]\n"
    "  doctrine: {mode: salvo, salvo: 2, sspk: 80%, decision: 45 s}\n"
    "variants:\n"
    "  fast:\n"
    "    description: Lewis-Postol speed\n"
    "    sensors:\n"
    "      emr: {sees_boost: true}\n"
    "    batteries:\n"
    "      slupsk: {burnout_speed: 8.3 km/s}\n"
    "    doctrine: {sspk: 0.5}\n"
    "  aegis:\n"
    "    batteries:\n"
    "      slupsk: {use: sm3-iia, fire_control: []}\n"
    "threats:\n"
    "  irbm:\n"
    "    missile: sajjil-2\n"
    "    from: [semnan, 36.2N 55.33E]\n"
    "    rcs: 0.01 m^2\n"
    "    payload: 1 t\n"
    "    stages:\n"
    "      - {burn_time: 55 s}\n"
    "analyses:\n"
    "  engagements:\n"
    "    - {threat: irbm, to: london}\n"
    "    - {name: home-run, threat: irbm, from: home, to: 51.5N 0.1W}\n"
    "  footprints:\n"
    "    - {threat: irbm, region: \"36N..48N 90W..66W\", step: 0.5 deg}\n"
    "    - {threat: irbm, region: europe}\n"
    "  matrix:\n"
    "    - {threat: irbm, to: [berlin, paris]}\n";


Test(scenario, good_scenario_resolves_overrides_variants_and_units)
{
    char path[64];
    write_temp(good_text, path, sizeof path);
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    int st = ts_scenario_load(ctx, path, NULL, &sc);
    cr_assert_eq(st, TS_OK, "load: %s", ts_ctx_message(ctx));
    cr_assert_str_eq(sc->name, "good");
    cr_assert_str_eq(sc->sources, "one; two");
    cr_assert_eq(sc->earth.model, TS_EARTH_SPHERE);
    cr_assert(sc->earth.omega_rads == 0.0);

    /* base defense */
    cr_assert_eq(sc->n_variants, 3);
    cr_assert_str_eq(sc->variants[0].name, "mda");
    const ts_defense *d = &sc->variants[0].defense;
    cr_assert_eq(d->n_sensors, 3);
    const ts_sensor *emr = &d->sensors[0], *ew = &d->sensors[2];
    cr_assert_str_eq(emr->id, "emr");
    NEAR(emr->ref_range_m, 3.0e6, 1e-6, "emr ref_range (override '3,000 km')");
    NEAR(emr->ref_rcs_m2, 0.01, 1e-15, "emr ref_rcs (catalogue)");
    cr_assert(emr->needs_cue && emr->role == TS_ROLE_FIRE_CONTROL);
    cr_assert_eq(emr->boost_blind, 1, "emr: sees_boost false (catalogue)");
    cr_assert_eq(ew->boost_blind, 0, "gabala: sees_boost true (default)");
    cr_assert(strstr(emr->sources, "scenario good sets ref_range (no source given)"),
              "emr sources: %s", emr->sources);
    /* the EMR stands on brdy, which the scenario moved: 50N 14E, 800 m
     * (the catalogue's brdy is 718 m up and the antenna at the site) */
    NEAR(emr->lat_rad, 50.0 * DEG, 1e-12, "emr lat follows the redefined site");
    NEAR(emr->lon_rad, 14.0 * DEG, 1e-12, "emr lon");
    NEAR(emr->h_m, 800.0, 1e-9, "emr height");
    cr_assert_str_eq(ew->id, "ew");
    cr_assert_str_eq(ew->site_id, "home");
    NEAR(ew->lat_rad, 10.5 * DEG, 1e-12, "ew lat (decimal degrees)");
    NEAR(ew->lon_rad, -20.25 * DEG, 1e-12, "ew lon");
    NEAR(ew->el_min_rad, 1.5 * DEG, 1e-12, "ew el_min");
    NEAR(ew->sector[0].az_min_rad, 107.0 * DEG, 1e-12, "ew keeps gabala's sector");
    cr_assert(strstr(ew->sources, "scenario good sets at, el_min: a test"), "ew sources: %s",
              ew->sources);

    cr_assert_eq(d->n_batteries, 1);
    const ts_battery *b = &d->batteries[0];
    cr_assert_str_eq(b->id, "slupsk");
    cr_assert_str_eq(b->site_id, "");
    NEAR(b->lat_rad, 54.48 * DEG, 1e-12, "battery lat");
    NEAR(b->lon_rad, 17.11 * DEG, 1e-12, "battery lon");
    NEAR(b->readiness_s, 90.0, 1e-12, "readiness 1.5 min");
    cr_assert_eq(b->inventory, 10);
    NEAR(b->interceptor.burnout_speed_mps, 6300.0, 1e-9, "base burnout (catalogue MDA)");
    /* default fire control: the defense's fire-control sensors (emr) */
    cr_assert_eq(b->n_fire_control, 1);
    cr_assert_eq(b->fire_control[0], 0);
    cr_assert_eq(b->n_hears, 2);
    cr_assert(b->hears[0] == 1 && b->hears[1] == 2);
    cr_assert_eq(d->doctrine.mode, TS_DOCTRINE_SALVO);
    cr_assert_eq(d->doctrine.salvo, 2);
    NEAR(d->doctrine.sspk, 0.8, 1e-15, "sspk 80%");
    NEAR(d->doctrine.decision_s, 45.0, 1e-12, "decision");
    NEAR(d->doctrine.kill_assessment_s, 60.0, 1e-12, "kill_assessment default");

    /* variant "fast": the base with a burnout override and a doctrine change */
    const ts_variant *v = &sc->variants[1];
    cr_assert_str_eq(v->name, "fast");
    cr_assert_str_eq(v->description, "Lewis-Postol speed");
    const ts_battery *vb = &v->defense.batteries[0];
    NEAR(vb->interceptor.burnout_speed_mps, 8300.0, 1e-9, "variant burnout");
    NEAR(vb->readiness_s, 90.0, 1e-12, "variant keeps the base's readiness");
    NEAR(v->defense.doctrine.sspk, 0.5, 1e-15, "variant sspk");
    cr_assert_eq(v->defense.doctrine.salvo, 2, "variant keeps the base doctrine");
    NEAR(v->defense.sensors[0].ref_range_m, 3.0e6, 1e-6, "variant keeps the emr override");
    cr_assert_eq(v->defense.sensors[0].boost_blind, 0, "variant: emr sees_boost: true");
    cr_assert_eq(sc->variants[2].defense.sensors[0].boost_blind, 1,
                 "variant aegis keeps the catalogue's sees_boost: false");

    /* variant "aegis": another catalogue interceptor, base keys kept */
    const ts_battery *ab = &sc->variants[2].defense.batteries[0];
    cr_assert_str_eq(ab->interceptor.id, "sm3-iia");
    NEAR(ab->interceptor.range_max_m, 2.5e6, 1e-6, "sm3-iia range_max");
    cr_assert_eq(ab->inventory, 10);
    cr_assert_eq(ab->n_fire_control, 0, "fire_control: [] empties the list");

    /* threats: sajjil-2 with payload and stage-1 burn time overridden; the
     * thrust follows from the catalogue's Isp with the new mass flow */
    cr_assert_eq(sc->n_threats, 1);
    const ts_threat *t = &sc->threats[0];
    cr_assert_str_eq(t->missile.id, "sajjil-2");
    NEAR(t->missile.payload_kg, 1000.0, 1e-9, "payload 1 t");
    NEAR(t->rcs_m2, 0.01, 1e-15, "rcs");
    cr_assert_eq(t->shape, TS_SHAPE_MIN_ENERGY);
    const ts_stage *s1 = &t->missile.stage[0];
    NEAR(s1->burn_s, 55.0, 1e-12, "stage 1 burn");
    NEAR(s1->thrust_vac_n, s1->m_prop_kg / 55.0 * TS_G0 * s1->isp_vac_s, 1e-6,
         "stage 1 thrust = mdot g0 Isp");
    cr_assert(strstr(t->missile.sources, "scenario good sets payload, stages"));
    cr_assert_eq(t->n_from, 2);
    cr_assert_str_eq(t->from[0].name, "semnan");
    NEAR(t->from[1].lat_rad, 36.2 * DEG, 1e-12, "from[1] lat");

    /* analyses */
    cr_assert_eq(sc->n_engagements, 2);
    cr_assert_str_eq(sc->engagements[0].name, "semnan-london");
    cr_assert_str_eq(sc->engagements[0].from.name, "semnan");
    cr_assert_str_eq(sc->engagements[1].name, "home-run");
    NEAR(sc->engagements[1].to.lon_rad, -0.1 * DEG, 1e-12, "to lon");
    cr_assert_eq(sc->n_footprints, 2);
    const ts_footprint_spec *f = &sc->footprints[0];
    cr_assert_str_eq(f->name, "footprint-1");
    NEAR(f->lat_min_rad, 36.0 * DEG, 1e-12, "box south");
    NEAR(f->lat_max_rad, 48.0 * DEG, 1e-12, "box north");
    NEAR(f->lon_min_rad, -90.0 * DEG, 1e-12, "box west");
    NEAR(f->lon_max_rad, -66.0 * DEG, 1e-12, "box east");
    NEAR(f->step_rad, 0.5 * DEG, 1e-15, "step");
    cr_assert_str_eq(sc->footprints[1].name, "europe");
    NEAR(sc->footprints[1].step_rad, 0.5 * DEG, 1e-15, "default step (docs/scenario-format.md)");
    cr_assert_eq(sc->n_matrices, 1);
    cr_assert_eq(sc->matrices[0].n_from, 2, "matrix from defaults to the threat's");
    cr_assert_eq(sc->matrices[0].n_to, 2);
    cr_assert_str_eq(sc->matrices[0].to[1].name, "paris");
    cr_assert_not_null(sc->matrices[0].row_threat, "a one-threat matrix has its rows' threat too");
    cr_assert_eq(sc->matrices[0].row_threat[0], 0);
    cr_assert_eq(sc->matrices[0].row_threat[1], 0);

    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    unlink(path);
}

/* A matrix of several threats: one row per (base, missile), in the order of
 * `threats`, each threat's bases in its own order; a base in two threats is
 * two rows; a variant overrides a sensor's reference RCS. */
Test(scenario, matrix_of_several_threats_flies_each_base_with_its_missile)
{
    static const char text[] =
        "name: mix\n"
        "question: Does each base fly its own missile?\n"
        "defense:\n"
        "  sensors: [{use: emr}, {use: sbirs}]\n"
        "  batteries:\n"
        "    - {id: redzikowo, use: gbi-2stage-mda, at: redzikowo, inventory: 10}\n"
        "  doctrine: {sspk: 0.8}\n"
        "variants:\n"
        "  threat-rcs:\n"
        "    sensors:\n"
        "      emr: {ref_rcs: 0.1 m^2}\n"
        "threats:\n"
        "  ss18: {missile: ss-18, from: [dombarovsky, uzhur]}\n"
        "  ss19: {missile: ss-19, from: [kozelsk, tatishchevo]}\n"
        "  topol-m: {missile: topol-m, from: [tatishchevo]}\n"
        "analyses:\n"
        "  matrix:\n"
        "    - {name: mix, threats: [ss19, topol-m, ss18], to: [new-york, chicago, boston]}\n"
        "    - {name: one, threats: [ss18], to: [washington]}\n";
    char path[64];
    write_temp(text, path, sizeof path);
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    cr_assert_eq(ts_scenario_load(ctx, path, NULL, &sc), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(sc->n_matrices, 2);
    const ts_matrix_spec *m = &sc->matrices[0];
    static const char *const base[] = {"kozelsk", "tatishchevo", "tatishchevo", "dombarovsky",
                                       "uzhur"};
    static const char *const missile[] = {"ss-19", "ss-19", "topol-m", "ss-18", "ss-18"};
    cr_assert_eq(m->n_from, 5);
    cr_assert_eq(m->n_to, 3);
    for (int a = 0; a < 5; a++) {
        cr_assert_str_eq(m->from[a].name, base[a], "row %d", a);
        cr_assert_str_eq(sc->threats[m->row_threat[a]].missile.id, missile[a], "row %d", a);
    }
    cr_assert_str_eq(sc->threats[m->threat].id, "ss19", "the first threat");
    /* Uzhur: 55.333N 89.800E (KeepTrack, data/sites.yaml) */
    NEAR(m->from[4].lat_rad, 55.333 * DEG, 1e-9, "uzhur lat");
    cr_assert_eq(sc->matrices[1].n_from, 2);
    cr_assert_str_eq(sc->threats[sc->matrices[1].row_threat[1]].id, "ss18");
    /* the variant's reference RCS, the base's catalogue one (data/sensors.yaml) */
    cr_assert_eq(sc->n_variants, 2);
    NEAR(sc->variants[0].defense.sensors[0].ref_rcs_m2, 0.01, 1e-15, "base emr ref_rcs");
    NEAR(sc->variants[1].defense.sensors[0].ref_rcs_m2, 0.1, 1e-15, "variant emr ref_rcs");
    NEAR(sc->variants[1].defense.sensors[0].ref_range_m, 2000e3, 1e-6, "variant emr ref_range");
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    unlink(path);
}

Test(scenario, shipped_scenarios_load)
{
    static const struct {
        const char *file;
        int n_sensors, n_hears, n_variants;
    } shipped[] = {
        {"third-site-2008.yaml", 2, 1, 3},
        {"gabala-2007.yaml", 4, 3, 4},
    };
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/%s", TS_SOURCE_DIR, shipped[i].file);
        ts_ctx *ctx = ts_ctx_create();
        ts_scenario *sc = NULL;
        int st = ts_scenario_load(ctx, path, NULL, &sc);
        cr_assert_eq(st, TS_OK, "%s: %s", shipped[i].file, ts_ctx_message(ctx));
        cr_assert(strlen(sc->question) > 100, "%s states its question", shipped[i].file);
        cr_assert(sc->sources[0], "%s states its sources", shipped[i].file);
        cr_assert_eq(sc->n_variants, shipped[i].n_variants, "%s variants", shipped[i].file);
        const ts_defense *d = &sc->variants[0].defense;
        cr_assert_eq(d->n_sensors, shipped[i].n_sensors, "%s sensors", shipped[i].file);
        cr_assert_eq(d->n_batteries, 1);
        const ts_battery *b = &d->batteries[0];
        cr_assert_str_eq(b->site_id, "redzikowo");
        cr_assert_eq(b->inventory, 10, "ten interceptors (State Dept, 16 Apr 2007)");
        cr_assert_eq(b->n_hears, shipped[i].n_hears);
        cr_assert_eq(b->n_fire_control, 1);
        cr_assert_str_eq(d->sensors[b->fire_control[0]].id, "emr");
        /* both disputed burnout speeds: MDA 6.3, Lewis-Postol 8.3 km/s */
        NEAR(b->interceptor.burnout_speed_mps, 6300.0, 1e-9, "base: MDA figure");
        cr_assert_str_eq(sc->variants[1].name, "lewis-postol-2007");
        NEAR(sc->variants[1].defense.batteries[0].interceptor.burnout_speed_mps, 8300.0, 1e-9,
             "variant: Lewis-Postol figure");
        cr_assert_eq(sc->n_threats, 5);
        cr_assert_eq(sc->n_engagements, 3);
        cr_assert_str_eq(sc->engagements[0].name, "semnan-london");
        cr_assert_str_eq(sc->engagements[1].to.name, "washington");
        cr_assert_str_eq(sc->engagements[2].from.name, "kozelsk");
        cr_assert_str_eq(sc->engagements[2].to.name, "new-york");
        cr_assert_eq(sc->n_footprints, 2);
        cr_assert_eq(sc->n_matrices, 1);
        /* the 2008 force mix (data/PROVENANCE.md): 2 SS-18 + 2 SS-19 + 6 SS-25
         * + 2 Topol-M bases; Kozelsk flies the SS-19 (Podvig, Nov 2008) */
        cr_assert_eq(sc->matrices[0].n_from, 12);
        cr_assert_eq(sc->matrices[0].n_to, 4);
        const ts_matrix_spec *mx = &sc->matrices[0];
        for (int a = 0; a < mx->n_from; a++)
            if (!strcmp(mx->from[a].name, "kozelsk"))
                cr_assert_str_eq(sc->threats[mx->row_threat[a]].missile.id, "ss-19");
            else if (!strcmp(mx->from[a].name, "uzhur") || !strcmp(mx->from[a].name, "dombarovsky"))
                cr_assert_str_eq(sc->threats[mx->row_threat[a]].missile.id, "ss-18");
        cr_assert_str_eq(sc->threats[sc->engagements[2].threat].missile.id, "ss-19");
        ts_scenario_free(sc);
        ts_ctx_free(ctx);
    }
}

Test(scenario, gabala_variant_takes_the_longer_ranges)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/gabala-2007.yaml", TS_SOURCE_DIR);
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    cr_assert_eq(ts_scenario_load(ctx, path, NULL, &sc), TS_OK, "%s", ts_ctx_message(ctx));
    const ts_defense *base = &sc->variants[0].defense, *lr = &sc->variants[2].defense;
    cr_assert_str_eq(sc->variants[2].name, "long-range-early-warning");
    NEAR(base->sensors[2].ref_range_m, 6.0e6, 1e-6, "gabala base (Interfax-AVN 2007)");
    NEAR(lr->sensors[2].ref_range_m, 7.2e6, 1e-6, "gabala long range");
    NEAR(base->sensors[3].ref_range_m, 4.0e6, 1e-6, "armavir base (RIA 2009)");
    NEAR(lr->sensors[3].ref_range_m, 6.0e6, 1e-6, "armavir long range");
    cr_assert(strstr(lr->sensors[3].sources, "sets ref_range: Russian MoD"), "%s",
              lr->sensors[3].sources);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

Test(scenario, missing_file_is_an_io_error)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    int st = ts_scenario_load(ctx, "/nonexistent/x.yaml", NULL, &sc);
    cr_assert_eq(st, TS_EIO);
    cr_assert_null(sc);
    cr_assert(strstr(ts_ctx_message(ctx), "/nonexistent/x.yaml: error: cannot read the file"),
              "%s", ts_ctx_message(ctx));
    ts_ctx_free(ctx);
}

/* Hundreds of errors: all counted, the message stays within the context's
 * buffer and says how many it left out. */
Test(scenario, many_errors_are_summarised)
{
    size_t size = 64 * 1024;
    char *text = malloc(size);
    size_t used = (size_t)snprintf(text, size, "name: many\nquestion: q\nthreats:\n");
    for (int i = 0; i < 300; i++)
        used += (size_t)snprintf(text + used, size - used,
                                 "  t%d: {missile: shahab-3, from: tabriz, rcs: %d}\n", i, i + 1);
    char path[64];
    write_temp(text, path, sizeof path);
    free(text);
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    cr_assert_eq(ts_scenario_load(ctx, path, NULL, &sc), TS_ESCENARIO);
    const char *msg = ts_ctx_message(ctx);
    cr_assert(strlen(msg) < TS_MSG_LEN);
    const char *tail = strrchr(msg, '\n');
    cr_assert(tail && strstr(tail, "more errors"), "no summary line: ...%s", tail);
    int shown = n_lines(msg) - 1, more = 0;
    cr_assert(sscanf(tail, "\n... and %d more errors", &more) == 1, "%s", tail);
    /* 300 missing units + the missing defense */
    cr_assert_eq(shown + more, 301, "shown %d + more %d", shown, more);
    ts_ctx_free(ctx);
    unlink(path);
}

/* ---- the hint helpers ------------------------------------------------------ */

Test(scenario, did_you_mean)
{
    static const char *const sites[] = {"redzikowo", "brdy", "semnan", "shahroud", "london"};
    static const struct {
        const char *word, *want;
    } cases[] = {
        {"redzikow", "redzikowo"}, /* one deletion */
        {"redzikwoo", "redzikowo"}, /* one transposition */
        {"Semnan", "semnan"},       /* case */
        {"redzik", "redzikowo"},    /* a prefix */
        {"brdi", "brdy"},           /* one substitution in four letters */
        {"paris", NULL},            /* nothing near */
        {"ldn", NULL},              /* too far for three letters */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = ts_y_suggest(cases[i].word, sites, 5);
        if (!cases[i].want)
            cr_assert_null(got, "'%s': want no suggestion, got '%s'", cases[i].word, got);
        else
            cr_assert(got && !strcmp(got, cases[i].want), "'%s': want '%s', got '%s'",
                      cases[i].word, cases[i].want, got ? got : "(none)");
    }
    char hint[256];
    ts_y_hint(hint, sizeof hint, "redzikow", sites, 5, 16, NULL);
    cr_assert_str_eq(hint, "(did you mean 'redzikowo'? known: redzikowo, brdy, semnan, "
                           "shahroud, london)");
    ts_y_hint(hint, sizeof hint, "x", sites, 5, 3, "thirdsite catalog sites");
    cr_assert_str_eq(hint, "(5 known: see `thirdsite catalog sites`)");
    ts_y_hint(hint, sizeof hint, "x", sites, 0, 3, NULL);
    cr_assert_str_eq(hint, "(none defined)");
}

/* The annotated example of docs/scenario-format.md is a valid scenario:
 * the documentation cannot drift from the loader. */
Test(scenario, documented_example_loads)
{
    FILE *f = fopen(TS_SOURCE_DIR "/docs/scenario-format.md", "r");
    cr_assert(f != NULL);
    static char doc[128 * 1024];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    char *start = strstr(doc, "```yaml\n# One file");
    cr_assert(start != NULL, "no annotated example in the document");
    start += strlen("```yaml\n");
    char *end = strstr(start, "```");
    cr_assert(end != NULL);
    *end = '\0';
    char path[64];
    write_temp(start, path, sizeof path);
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    cr_assert_eq(ts_scenario_load(ctx, path, NULL, &sc), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(sc->n_variants, 3);
    NEAR(sc->variants[0].defense.sensors[0].ref_range_m, 3.0e6, 1e-6, "emr override");
    NEAR(sc->variants[2].defense.doctrine.decision_s, 120.0, 1e-12, "slow-decision");
    NEAR(sc->threats[0].missile.payload_kg, 1200.0, 1e-9, "payload 1.2 t");
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    unlink(path);
}
