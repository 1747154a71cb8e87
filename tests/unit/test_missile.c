/*
 * Missile catalogue loader (missile.c).
 * Independent truths, named per table: the shipped file's published values
 * (data/missiles.yaml, sources in data/PROVENANCE.md) and the MDA range
 * classes (SOURCES.md); the line and column of each planted fault counted
 * by hand in the test file below (1-based, as GCC and libfyaml count);
 * Sutton & Biblarz eq. 2-5 (F = mdot g0 Isp) for the derived thrust.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ts_internal.h"
#include "test_util.h"


/* ---- the shipped catalogue ---------------------------------------------- */

static ts_missile_list cat;

static void load_shipped(void)
{
    load_missile_catalogue(&cat);
}

static void free_shipped(void)
{
    ts_missiles_free(&cat);
}

/* The entries the issue asks for, with their published figures (the
 * catalogue's own sources: ACA 2002/AFP 2003, IISS 2010, the 2007 debate,
 * StrategyPage 2008, Podvig 2001, Oreanda 2021). */
static const struct {
    const char *id, *cls;
    int stages;
    double payload_kg, range_km;
} required[] = {
    {"shahab-3", "MRBM", 1, 1000.0, 1300.0},
    {"sajjil-2", "MRBM", 2, 750.0, 2200.0},
    {"iran-icbm-notional", "ICBM", 3, 1000.0, 10400.0},
    {"topol-m", "ICBM", 3, 1200.0, 10500.0},
    {"ss-19", "ICBM", 2, 4350.0, 10000.0},
    /* the 2008 force mix (issue 7): Podvig 2001; Oreanda 2021 for the SS-25 */
    {"ss-18", "ICBM", 2, 8800.0, 11000.0},
    {"ss-25", "ICBM", 3, 1000.0, 10500.0},
};

Test(missile, shipped_catalogue, .init = load_shipped, .fini = free_shipped)
{
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const ts_missile *m = ts_missiles_find(&cat, required[i].id);
        cr_assert_not_null(m, "missing '%s'", required[i].id);
        cr_assert_str_eq(m->range_class, required[i].cls, "%s", m->id);
        cr_assert_eq(m->n_stages, required[i].stages, "%s", m->id);
        check_near(m->payload_kg, required[i].payload_kg, 1e-9, m->id);
        check_near(m->range_published_m, required[i].range_km * 1e3, 1e-6, m->id);
    }
    cr_assert_null(ts_missiles_find(&cat, "shahab-4"));
    cr_assert_null(ts_missiles_find(NULL, "shahab-3"));
    for (int i = 0; i < cat.n; i++) {
        const ts_missile *m = &cat.items[i];
        cr_assert(strlen(m->sources) > 10, "%s: no sources", m->id);
        cr_assert(m->n_cd >= 2, "%s: no drag table", m->id);
        /* MDA classes: SRBM <= 1,000 km < MRBM <= 3,000 < IRBM <= 5,500 < ICBM */
        double r = m->range_published_m / 1e3;
        const char *cls = r <= 1000 ? "SRBM" : r <= 3000 ? "MRBM" : r <= 5500 ? "IRBM" : "ICBM";
        cr_assert_str_eq(m->range_class, cls, "%s: %.0f km", m->id, r);
        for (int k = 0; k < m->n_stages; k++) {
            const ts_stage *s = &m->stage[k];
            cr_assert(s->m_prop_kg < s->m_gross_kg && s->m_prop_kg > 0.0, "%s stage %d", m->id,
                      k + 1);
            /* F = (m_prop / t_burn) g0 Isp, within the loader's 1% */
            double f = s->m_prop_kg / s->burn_s * TS_G0 * s->isp_vac_s;
            cr_assert(fabs(s->thrust_vac_n / f - 1.0) <= 0.01, "%s stage %d: thrust %.0f N, "
                      "Isp implies %.0f N", m->id, k + 1, s->thrust_vac_n, f);
            cr_assert(s->area_ref_m2 > 0.0 && s->exit_area_m2 >= 0.0);
        }
    }
    /* SS-19 stage 1: 4 x 515.8 kN (RD-0233/0234, b14643.de via RealismOverhaul) */
    const ts_missile *ss19 = ts_missiles_find(&cat, "ss-19");
    check_near(ss19->stage[0].thrust_vac_n, 2063.2e3, 1e-6, "ss-19 stage 1 thrust");
    /* diameter 2.5 m -> reference area pi d^2 / 4 */
    check_near(ss19->stage[0].area_ref_m2, 0.25 * TS_PI * 2.5 * 2.5, 1e-12, "ss-19 area");
    /* SS-18 stage 1: the quoted 147.9 t burnt in the quoted 130 s at 318.7 s
     * is 71.8% of four RD-273 at their rated 1,237.6 kN (RealismOverhaul
     * RD263_Config, b14643.de): the dispute PROVENANCE.md describes */
    const ts_missile *ss18 = ts_missiles_find(&cat, "ss-18");
    cr_assert_not_null(ss18);
    check_near(ss18->stage[0].thrust_vac_n, 147.9e3 / 130.0 * TS_G0 * 318.7, 1e-9, "ss-18 thrust");
    cr_assert(fabs(ss18->stage[0].thrust_vac_n / (4.0 * 1237.6e3) - 0.718) < 0.001);
    check_near(ss18->stage[0].area_ref_m2, 0.25 * TS_PI * 3.0 * 3.0, 1e-12, "ss-18 area");
}

/* ---- planted faults at known lines and columns ------------------------------- */

/* A valid one-missile catalogue, one line per entry of the array. */
static const char *const base[] = {
    "drag_curves:",                 /* 1 */
    "  flat:",                      /* 2 */
    "    mach: [0.0, 2.0]",         /* 3 */
    "    cd: [0.3, 0.2]",           /* 4 */
    "missiles:",                    /* 5 */
    "  - id: test-1",               /* 6 */
    "    name: Test one",           /* 7 */
    "    class: MRBM",              /* 8 */
    "    country: Nowhere",         /* 9 */
    "    notional: true",           /* 10 */
    "    range_published: 1500 km", /* 11 */
    "    payload: 800 kg",          /* 12 */
    "    drag: flat",               /* 13 */
    "    sources: [a source]",      /* 14 */
    "    stages:",                  /* 15 */
    "      - gross_mass: 12.5 t",   /* 16 */
    "        propellant: 10.9 t",   /* 17 */
    "        isp: 250 s",           /* 18 */
    "        burn_time: 80 s",      /* 19 */
    "        diameter: 1.2 m",      /* 20 */
    "        exit_area: 0.3 m^2",   /* 21 */
};
#define N_BASE ((int)(sizeof base / sizeof base[0]))

/* Writes base with line `line` (1-based) replaced by `text` (NULL: deleted;
 * a leading '+' inserts text after the line instead), then `tail` lines. */
static void write_case(const char *path, int line, const char *text, const char *tail)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 1; i <= N_BASE; i++) {
        if (i != line || (text && text[0] == '+'))
            fprintf(f, "%s\n", base[i - 1]);
        if (i == line && text)
            fprintf(f, "%s\n", text[0] == '+' ? text + 1 : text);
    }
    if (tail)
        fputs(tail, f);
    fclose(f);
}

static const struct {
    const char *name;
    int line;          /* line replaced */
    const char *text;  /* its new text */
    const char *tail;  /* appended lines */
    int want_line, want_col;
    const char *want;  /* a part of the message at that position */
} faults[] = {
    {"unknown key", 19, "        burntime: 80 s", NULL, 19, 9,
     "unknown key 'burntime' in stage 1 of missile 'test-1' (did you mean 'burn_time'"},
    {"missing field", 12, NULL, NULL, 6, 5,
     "missing required key 'payload' in missile 'test-1'"},
    {"wrong unit", 18, "        isp: 250 m", NULL, 18, 18, "isp: "},
    {"negative mass", 16, "      - gross_mass: -12.5 t", NULL, 16, 21,
     "gross_mass -12.5 t in stage 1 of missile 'test-1' is out of range"},
    {"propellant over gross", 17, "        propellant: 13.9 t", NULL, 17, 21,
     "propellant (13.9 t) must be less than gross_mass (12.5 t)"},
    {"unknown drag curve", 13, "    drag: flatt", NULL, 13, 11,
     "unknown drag curve 'flatt' in missile 'test-1' (did you mean 'flat'"},
    {"thrust disagrees with isp", 18, "+        thrust: 400 kN", NULL, 19, 17,
     "thrust 400 kN in stage 1 of missile 'test-1' disagrees by 19.7%"},
    {"Mach not increasing", 3, "    mach: [0.0, 0.0]", NULL, 3, 17,
     "Mach numbers in drag curve 'flat' must increase"},
    {"unknown class", 8, "    class: XRBM", NULL, 8, 12, "unknown class 'XRBM'"},
    {"duplicate id", 0, NULL,
     "  - id: test-1\n    name: Again\n", 22, 9, "duplicate missile id 'test-1' (first at line 6)"},
    {"not a mapping", 0, NULL, "  - just-a-name\n", 22, 5,
     "expected a mapping for a missile, got 'just-a-name'"},
};

Test(missile, errors_at_line_and_column)
{
    char path[] = "/tmp/ts_missile_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        write_case(path, faults[i].line, faults[i].text, faults[i].tail);
        ts_ctx *ctx = ts_ctx_create();
        ts_missile_list list = {7, (ts_missile *)&list};
        int st = ts_missiles_load(ctx, path, &list);
        const char *msg = ts_ctx_message(ctx);
        cr_assert_eq(st, TS_ESCENARIO, "%s: status %d (%s)", faults[i].name, st, msg);
        cr_assert(list.n == 0 && list.items == NULL, "%s: list not empty on failure",
                  faults[i].name);
        char head[4200];
        snprintf(head, sizeof head, "%s:%d:%d: error: ", path, faults[i].want_line,
                 faults[i].want_col);
        const char *at = strstr(msg, head);
        cr_assert_not_null(at, "%s: want a line starting '%s', got:\n%s", faults[i].name, head,
                           msg);
        cr_assert(at == msg || at[-1] == '\n', "%s: not at the start of a line", faults[i].name);
        const char *eol = strchr(at, '\n');
        size_t len = eol ? (size_t)(eol - at) : strlen(at);
        char line[4200];
        snprintf(line, sizeof line, "%.*s", (int)len, at);
        cr_assert(strstr(line + strlen(head), faults[i].want) != NULL,
                  "%s: want '%s' in:\n%s", faults[i].name, faults[i].want, line);
        ts_ctx_free(ctx);
    }
    unlink(path);
}

/* The unchanged base loads, and its derived values are those of the
 * rocket relations: F = mdot g0 Isp, A = pi d^2 / 4. */
Test(missile, base_loads)
{
    char path[] = "/tmp/ts_missile_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    write_case(path, 0, NULL, NULL);
    ts_ctx *ctx = ts_ctx_create();
    ts_missile_list list;
    cr_assert_eq(ts_missiles_load(ctx, path, &list), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(list.n, 1);
    const ts_missile *m = &list.items[0];
    cr_assert_str_eq(m->id, "test-1");
    cr_assert_eq(m->notional, 1);
    check_near(m->stage[0].thrust_vac_n, 10900.0 / 80.0 * 9.80665 * 250.0, 1e-6, "thrust");
    check_near(m->stage[0].area_ref_m2, 0.25 * TS_PI * 1.44, 1e-12, "area");
    check_near(m->stage[0].exit_area_m2, 0.3, 1e-12, "exit area");
    cr_assert_eq(m->n_cd, 2);
    check_near(m->cd[1], 0.2, 0.0, "cd");
    ts_missiles_free(&list);
    ts_missiles_free(&list); /* twice is harmless */
    ts_missiles_free(NULL);
    /* a file that is not there */
    unlink(path);
    cr_assert_eq(ts_missiles_load(ctx, path, &list), TS_EIO, "%s", ts_ctx_message(ctx));
    cr_assert(strstr(ts_ctx_message(ctx), path) != NULL);
    ts_ctx_free(ctx);
}

/* YAML syntax errors come back with libfyaml's position in the same form. */
Test(missile, syntax_error)
{
    char path[] = "/tmp/ts_missile_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    write_case(path, 3, "    mach: [0.0, 2.0", NULL);
    ts_ctx *ctx = ts_ctx_create();
    ts_missile_list list;
    cr_assert_eq(ts_missiles_load(ctx, path, &list), TS_ESCENARIO);
    char head[4200];
    snprintf(head, sizeof head, "%s:", path);
    cr_assert(strncmp(ts_ctx_message(ctx), head, strlen(head)) == 0, "%s",
              ts_ctx_message(ctx));
    cr_assert(strstr(ts_ctx_message(ctx), ": error: ") != NULL, "%s", ts_ctx_message(ctx));
    ts_ctx_free(ctx);
    unlink(path);
}
