/*
 * Missile catalogue: reads data/missiles.yaml into ts_missile records.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Method: the file is read with the project's YAML layer (yamlutil.h: a
 * libfyaml event tree whose every node keeps its line and column); every
 * entry is checked against the schema below, quantities are converted to SI
 * with ts_quantity_parse (units.c), and every fault of the file is gathered
 * and refused at once with TS_ESCENARIO, one "path:line:col: error: problem
 * (hint)" line each, pointing at the offending node (or at the fault inside
 * a quantity).  Nothing is printed.
 *
 * Schema (docs/models-missiles.md gives it with examples):
 *   drag_curves:  {NAME: {mach: [..], cd: [..], notional: bool, source: str}}
 *   missiles:
 *     - id, name, class (SRBM|MRBM|IRBM|ICBM), country, notional: bool,
 *       range_published: length, payload: mass,
 *       drag: NAME of a drag curve, or an inline {mach, cd, ...} mapping,
 *       sources: str or [str, ...], notes: str (optional),
 *       stages: 1..TS_MAX_STAGES mappings with the keys of a scenario's
 *         stage overrides (catalog.c, ts_stages_apply): gross_mass,
 *         propellant, isp and/or thrust (vacuum), burn_time, diameter or
 *         area (drag reference), exit_area (optional, 0 if absent).
 * Relations filling the missing one of Isp and thrust, with constant thrust
 * and mass flow over the burn (e.g. Sutton & Biblarz, Rocket Propulsion
 * Elements, 8th ed. 2010, eqs. 2-5 and 3-30):
 *   mdot = propellant / burn_time,  F_vac = mdot g0 Isp_vac.
 * When both are given they must agree within TS_ISP_THRUST_TOL.
 */
#include "scenario_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names of the flight shapes in scenario files and output, by
 * ts_flight_shape (docs/scenario-format.md). */
const char *const ts_flight_shape_names[] = {"min-energy", "lofted", "depressed", NULL};

/* Largest relative disagreement accepted between a given vacuum thrust and
 * the one implied by Isp, propellant and burn time (1%). */
#define TS_ISP_THRUST_TOL 0.01
/* Sea-level pressure, Pa (US Standard Atmosphere 1976, table 2). */
#define TS_P0_PA 101325.0
/* Most drag curves a catalogue may declare. */
#define TS_MAX_CURVES 16

typedef struct {
    char name[TS_NAME_LEN];
    const ts_y_node *node; /* its key, for duplicate messages */
    int n;
    double mach[TS_MAX_CD], cd[TS_MAX_CD];
} drag_curve;

static const char *const class_names[] = {"SRBM", "MRBM", "IRBM", "ICBM", NULL};

/*
 * A quantity in (lo, hi] (or [lo, hi] when lo_closed), in SI.  unit names the
 * unit of lo and hi for the message, scale their SI value.  Returns the
 * number of errors (0 or 1).
 */
static int quantity(ts_y_errs *errs, const ts_y_node *node, const char *what, const char *in,
                    ts_quantity_kind kind, double lo, double hi, int lo_closed,
                    const char *unit, double scale, double *si)
{
    if (ts_y_quantity(errs, node, what, kind, si))
        return 1;
    if (!(lo_closed ? *si >= lo : *si > lo) || !(*si <= hi)) {
        ts_y_err(errs, node, "%s %.6g %s in %s is out of range (expected %g %s %s value <= %g %s)",
                 what, *si / scale, unit, in, lo / scale, unit, lo_closed ? "<=" : "<",
                 hi / scale, unit);
        return 1;
    }
    return 0;
}

/* A list of plain numbers in out[0..max), each in [lo, hi]. */
static int number_list(ts_y_errs *errs, const ts_y_node *node, const char *what,
                       const char *in, double lo, double hi, double *out, int max, int *n)
{
    *n = 0;
    if (ts_y_expect(errs, node, TS_Y_SEQ, what))
        return 1;
    if (node->n < 1 || node->n > max) {
        ts_y_err(errs, node, "%s in %s: %d values, expected 1 to %d", what, in, node->n, max);
        return 1;
    }
    int bad = 0;
    for (int i = 0; i < node->n; i++) {
        const ts_y_node *it = node->item[i];
        double v = 0.0;
        if (ts_y_quantity(errs, it, what, TS_Q_RATIO, &v)) {
            bad++;
            continue;
        }
        if (!(v >= lo && v <= hi)) {
            ts_y_err(errs, it, "%s %.6g in %s is out of range (expected %g to %g)", what, v, in,
                     lo, hi);
            bad++;
        }
        out[i] = v;
    }
    *n = node->n;
    return bad;
}

/* A drag curve: {mach: [..], cd: [..], notional: bool, source: str}. */
static int read_curve(ts_y_errs *errs, const ts_y_node *map, const char *what, drag_curve *c)
{
    static const char *const keys[] = {"mach", "cd", "notional", "source", NULL};
    if (ts_y_expect(errs, map, TS_Y_MAP, what))
        return 1;
    int bad = ts_y_check_keys(errs, map, what, keys);
    const ts_y_node *mach = ts_y_require(errs, map, "mach", what);
    const ts_y_node *cd = ts_y_require(errs, map, "cd", what);
    if (!mach || !cd)
        return bad + 1;
    int nm = 0, nc = 0;
    bad += number_list(errs, mach, "Mach number", what, 0.0, 100.0, c->mach, TS_MAX_CD, &nm);
    bad += number_list(errs, cd, "drag coefficient", what, 0.0, 10.0, c->cd, TS_MAX_CD, &nc);
    for (int i = 1; i < nm && !bad; i++)
        if (!(c->mach[i] > c->mach[i - 1])) {
            ts_y_err(errs, mach->item[i], "Mach numbers in %s must increase (%g after %g)", what,
                     c->mach[i], c->mach[i - 1]);
            bad++;
        }
    if (!bad && nm != nc) {
        ts_y_err(errs, cd, "%s has %d Mach numbers but %d drag coefficients", what, nm, nc);
        bad++;
    }
    const ts_y_node *v;
    int flag;
    if ((v = ts_y_get(map, "notional")) && ts_y_bool(errs, v, "notional", &flag))
        bad++;
    char text[TS_TEXT_LEN];
    if ((v = ts_y_get(map, "source")) && ts_y_text(errs, v, "source", text, sizeof text))
        bad++;
    c->n = nm;
    return bad;
}

static int read_curves(ts_y_errs *errs, const ts_y_node *map, drag_curve *curves, int *n)
{
    *n = 0;
    if (ts_y_expect(errs, map, TS_Y_MAP, "'drag_curves'"))
        return 1;
    int bad = 0;
    for (int i = 0; i < map->n; i++) {
        const ts_y_node *k = map->item[2 * i];
        if (*n >= TS_MAX_CURVES) {
            ts_y_err(errs, k, "too many drag curves (at most %d)", TS_MAX_CURVES);
            return bad + 1;
        }
        drag_curve *c = &curves[*n];
        memset(c, 0, sizeof *c);
        if (ts_y_ident(errs, k, "a drag curve name", c->name, sizeof c->name)) {
            bad++;
            continue;
        }
        int dup = 0;
        for (int j = 0; j < *n; j++)
            if (!strcmp(curves[j].name, c->name)) {
                ts_y_err(errs, k, "duplicate drag curve '%s' (first at line %d)", c->name,
                         curves[j].node->line);
                dup = 1;
            }
        char what[96];
        snprintf(what, sizeof what, "drag curve '%s'", c->name);
        int b = read_curve(errs, map->item[2 * i + 1], what, c);
        bad += b + dup;
        c->node = k;
        if (!b && !dup)
            (*n)++;
    }
    return bad;
}

/* One stage.  Returns the number of errors. */
static int read_stage(ts_y_errs *errs, const ts_y_node *m, const char *what, ts_stage *st)
{
    static const char *const keys[] = {"gross_mass", "propellant", "isp", "thrust",
                                       "burn_time", "diameter", "area", "exit_area", NULL};
    memset(st, 0, sizeof *st);
    if (ts_y_expect(errs, m, TS_Y_MAP, "a stage"))
        return 1;
    int bad = ts_y_check_keys(errs, m, what, keys);
    const ts_y_node *g = ts_y_require(errs, m, "gross_mass", what);
    const ts_y_node *p = ts_y_require(errs, m, "propellant", what);
    const ts_y_node *b = ts_y_require(errs, m, "burn_time", what);
    const ts_y_node *isp = ts_y_get(m, "isp"), *thr = ts_y_get(m, "thrust");
    const ts_y_node *dia = ts_y_get(m, "diameter"), *area = ts_y_get(m, "area");
    const ts_y_node *ex = ts_y_get(m, "exit_area");
    if (!g || !p || !b)
        bad++;
    if (g)
        bad += quantity(errs, g, "gross_mass", what, TS_Q_MASS, 0.0, 500e3, 0, "t", 1e3,
                        &st->m_gross_kg);
    if (p)
        bad += quantity(errs, p, "propellant", what, TS_Q_MASS, 0.0, 500e3, 0, "t", 1e3,
                        &st->m_prop_kg);
    if (b)
        bad += quantity(errs, b, "burn_time", what, TS_Q_TIME, 0.0, 1000.0, 0, "s", 1.0,
                        &st->burn_s);
    /* Vacuum Isp of chemical rockets stays below 500 s. */
    if (isp)
        bad += quantity(errs, isp, "isp", what, TS_Q_TIME, 0.0, 500.0, 0, "s", 1.0,
                        &st->isp_vac_s);
    if (thr)
        bad += quantity(errs, thr, "thrust", what, TS_Q_FORCE, 0.0, 20e6, 0, "kN", 1e3,
                        &st->thrust_vac_n);
    if (!isp && !thr) {
        ts_y_err(errs, m, "missing required key 'isp' or 'thrust' in %s", what);
        bad++;
    }
    if (dia && area) {
        ts_y_err(errs, area, "give either 'area' or 'diameter' in %s, not both", what);
        bad++;
    } else if (!dia && !area) {
        ts_y_err(errs, m, "missing required key 'diameter' or 'area' in %s", what);
        bad++;
    } else if (dia) {
        double d;
        if (!quantity(errs, dia, "diameter", what, TS_Q_LENGTH, 0.0, 20.0, 0, "m", 1.0, &d))
            st->area_ref_m2 = 0.25 * TS_PI * d * d;
        else
            bad++;
    } else
        bad += quantity(errs, area, "area", what, TS_Q_AREA, 0.0, 300.0, 0, "m^2", 1.0,
                        &st->area_ref_m2);
    if (ex)
        bad += quantity(errs, ex, "exit_area", what, TS_Q_AREA, 0.0, 50.0, 1, "m^2", 1.0,
                        &st->exit_area_m2);
    if (bad)
        return bad;
    if (!(st->m_prop_kg < st->m_gross_kg)) {
        ts_y_err(errs, p, "propellant (%.6g t) must be less than gross_mass (%.6g t) in %s",
                 st->m_prop_kg / 1e3, st->m_gross_kg / 1e3, what);
        return 1;
    }
    double mdot = st->m_prop_kg / st->burn_s; /* kg/s, constant over the burn */
    if (!thr)
        st->thrust_vac_n = mdot * TS_G0 * st->isp_vac_s;
    else if (!isp)
        st->isp_vac_s = st->thrust_vac_n / (mdot * TS_G0);
    else {
        double implied = mdot * TS_G0 * st->isp_vac_s;
        double rel = fabs(st->thrust_vac_n - implied) / implied;
        if (rel > TS_ISP_THRUST_TOL) {
            ts_y_err(errs, thr,
                     "thrust %.6g kN in %s disagrees by %.1f%% with the %.6g kN that isp, "
                     "propellant and burn_time imply (give one of isp and thrust, or make "
                     "them agree within %.0f%%)",
                     st->thrust_vac_n / 1e3, what, 100.0 * rel, implied / 1e3,
                     100.0 * TS_ISP_THRUST_TOL);
            return 1;
        }
    }
    if (!(st->isp_vac_s <= 500.0)) {
        ts_y_err(errs, thr, "thrust in %s implies a vacuum Isp of %.0f s (above 500 s)", what,
                 st->isp_vac_s);
        return 1;
    }
    /* the back-pressure loss p0 A_e must leave a positive sea-level thrust */
    if (ex && !(st->exit_area_m2 * TS_P0_PA < st->thrust_vac_n)) {
        ts_y_err(errs, ex, "exit_area %.6g m^2 in %s leaves no thrust at sea level "
                 "(p0 A_e = %.6g kN >= thrust %.6g kN)",
                 st->exit_area_m2, what, st->exit_area_m2 * TS_P0_PA / 1e3,
                 st->thrust_vac_n / 1e3);
        return 1;
    }
    return 0;
}

/* One missile entry.  Returns the number of errors.  scen: an entry of a
 * scenario (its `missiles:` list, or a threat's inline `missile:` mapping),
 * where only the stages and the payload are required (docs/
 * scenario-format.md), the drag curve defaults to `generic-ballistic` and
 * default_id (may be NULL) stands for a missing id. */
static int read_missile(ts_y_errs *errs, const ts_y_node *m, const drag_curve *curves,
                        int n_curves, ts_missile *ms, const ts_missile *prev,
                        const ts_y_node *const *prev_id, int n_prev, const ts_y_node **id_node,
                        int scen, const char *default_id)
{
    static const char *const keys[] = {"id", "name", "class", "country", "notional",
                                       "range_published", "payload", "drag", "sources",
                                       "notes", "stages", NULL};
    memset(ms, 0, sizeof *ms);
    *id_node = NULL;
    if (ts_y_expect(errs, m, TS_Y_MAP, "a missile"))
        return 1;
    int bad = ts_y_check_keys(errs, m, "a missile", keys);
    const ts_y_node *v = ts_y_get(m, "id");
    if (!v && !(scen && default_id))
        v = ts_y_require(errs, m, "id", "a missile");
    if (v) {
        if (ts_y_ident(errs, v, "a missile id", ms->id, sizeof ms->id))
            return bad + 1;
    } else if (scen && default_id) {
        snprintf(ms->id, sizeof ms->id, "%s", default_id);
    } else
        return bad + 1;
    *id_node = v ? v : m;
    for (int j = 0; j < n_prev; j++)
        if (!strcmp(prev[j].id, ms->id)) {
            ts_y_err(errs, *id_node, "duplicate missile id '%s' (first at line %d)", ms->id,
                     prev_id[j]->line);
            bad++;
        }
    char what[96];
    snprintf(what, sizeof what, "missile '%s'", ms->id);
    static const char *const need[] = {"name", "class", "country", "notional",
                                       "range_published", "payload", "drag", "sources",
                                       "stages"};
    const ts_y_node *n[9];
    for (int i = 0; i < 9; i++) {
        /* in a scenario only the payload and the stages are required */
        int required = !scen || i == 5 || i == 8;
        n[i] = required ? ts_y_require(errs, m, need[i], what) : ts_y_get(m, need[i]);
        if (required && !n[i])
            bad++;
    }
    if (scen) {
        snprintf(ms->name, sizeof ms->name, "%s", ms->id);
        if (!n[6]) { /* the catalogue's generic curve (PROVENANCE.md) */
            int found = -1;
            for (int i = 0; i < n_curves; i++)
                if (!strcmp(curves[i].name, "generic-ballistic"))
                    found = i;
            if (found >= 0) {
                ms->n_cd = curves[found].n;
                memcpy(ms->cd_mach, curves[found].mach, sizeof ms->cd_mach);
                memcpy(ms->cd, curves[found].cd, sizeof ms->cd);
            }
        }
    }
    int cls = 0;
    if (n[0])
        bad += !!ts_y_string(errs, n[0], "name", ms->name, sizeof ms->name);
    /* MDA range classes: SRBM <= 1,000 km, MRBM 1,000-3,000 km, IRBM
     * 3,000-5,500 km, ICBM > 5,500 km (SOURCES.md). */
    if (n[1] && !ts_y_enum(errs, n[1], "class", class_names, &cls))
        snprintf(ms->range_class, sizeof ms->range_class, "%s", class_names[cls]);
    else if (n[1])
        bad++;
    if (n[2])
        bad += !!ts_y_string(errs, n[2], "country", ms->country, sizeof ms->country);
    if (n[3])
        bad += !!ts_y_bool(errs, n[3], "notional", &ms->notional);
    if (n[4])
        bad += quantity(errs, n[4], "range_published", what, TS_Q_LENGTH, 0.0, 20037e3, 0,
                        "km", 1e3, &ms->range_published_m);
    if (n[5])
        bad += quantity(errs, n[5], "payload", what, TS_Q_MASS, 0.0, 100e3, 0, "t", 1e3,
                        &ms->payload_kg);
    if (n[6] && n[6]->kind == TS_Y_SCALAR) {
        int found = -1;
        for (int i = 0; i < n_curves; i++)
            if (!strcmp(curves[i].name, n[6]->text))
                found = i;
        if (found < 0) {
            const char *names[TS_MAX_CURVES];
            for (int i = 0; i < n_curves; i++)
                names[i] = curves[i].name;
            char hint[512];
            ts_y_hint(hint, sizeof hint, n[6]->text, names, n_curves, 20, NULL);
            ts_y_err(errs, n[6], "unknown drag curve '%.60s' in %s %s", n[6]->text, what,
                     n_curves ? hint : "(none declared under 'drag_curves')");
            bad++;
        } else {
            ms->n_cd = curves[found].n;
            memcpy(ms->cd_mach, curves[found].mach, sizeof ms->cd_mach);
            memcpy(ms->cd, curves[found].cd, sizeof ms->cd);
        }
    } else if (n[6]) {
        drag_curve c;
        memset(&c, 0, sizeof c);
        char w[128];
        snprintf(w, sizeof w, "the drag of %s", what);
        if (read_curve(errs, n[6], w, &c))
            bad++;
        else {
            ms->n_cd = c.n;
            memcpy(ms->cd_mach, c.mach, sizeof ms->cd_mach);
            memcpy(ms->cd, c.cd, sizeof ms->cd);
        }
    }
    if (n[7])
        bad += !!ts_y_text(errs, n[7], "sources", ms->sources, sizeof ms->sources);
    if ((v = ts_y_get(m, "notes"))) {
        char text[TS_TEXT_LEN];
        bad += !!ts_y_text(errs, v, "notes", text, sizeof text);
    }
    if (n[8]) {
        const ts_y_node *sl = n[8];
        if (ts_y_expect(errs, sl, TS_Y_SEQ, "'stages'"))
            bad++;
        else if (sl->n < 1 || sl->n > TS_MAX_STAGES) {
            ts_y_err(errs, sl, "%s has %d stages, expected 1 to %d", what, sl->n,
                     TS_MAX_STAGES);
            bad++;
        } else {
            for (int i = 0; i < sl->n; i++) {
                char w[128];
                snprintf(w, sizeof w, "stage %d of %s", i + 1, what);
                bad += read_stage(errs, sl->item[i], w, &ms->stage[i]);
            }
            ms->n_stages = sl->n;
        }
    }
    return bad;
}

/*
 * Reads a missile catalogue.
 * Given:    path of the YAML file.
 * Returned: *out (owned by the caller, release with ts_missiles_free); empty
 *           on failure.
 * Status:   TS_OK; TS_EIO when the file cannot be read; TS_ESCENARIO with one
 *           "path:line:col: error: ..." line per fault (all of the file's);
 *           TS_ENOMEM.
 */
int ts_missiles_load(ts_ctx *ctx, const char *path, ts_missile_list *out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "ts_missiles_load: no output list");
    out->n = 0;
    out->items = NULL;
    if (!path)
        return ts_error(ctx, TS_EINVAL, "ts_missiles_load: no path");
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *doc = NULL;
    ts_missile *items = NULL;
    const ts_y_node **id_nodes = NULL;
    drag_curve *curves = calloc(TS_MAX_CURVES, sizeof *curves);
    int n = 0, n_curves = 0;
    int st = curves ? ts_y_load(&errs, path, &doc) : TS_ENOMEM;
    if (st == TS_EIO || st == TS_ENOMEM) {
        if (st == TS_EIO)
            ts_y_errs_report(&errs, ctx);
        else
            ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if (st == TS_OK) {
        static const char *const top_keys[] = {"drag_curves", "missiles", NULL};
        const ts_y_node *root = ts_y_root(doc);
        if (!root) {
            ts_y_err_pos(&errs, path, 1, 1,
                         "empty catalogue (expected a mapping with 'drag_curves:' and "
                         "'missiles:')");
        } else if (!ts_y_expect(&errs, root, TS_Y_MAP, "the catalogue's top level")) {
            ts_y_check_keys(&errs, root, "the catalogue's top level", top_keys);
            const ts_y_node *dc = ts_y_get(root, "drag_curves");
            if (dc)
                read_curves(&errs, dc, curves, &n_curves);
            const ts_y_node *list = ts_y_require(&errs, root, "missiles", "the catalogue");
            if (list && !ts_y_expect(&errs, list, TS_Y_SEQ, "'missiles'")) {
                if (list->n == 0)
                    ts_y_err(&errs, list, "no missiles in the catalogue");
                items = calloc((size_t)list->n + 1, sizeof *items);
                id_nodes = calloc((size_t)list->n + 1, sizeof *id_nodes);
                if (!items || !id_nodes) {
                    st = ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
                    goto done;
                }
                for (int i = 0; i < list->n; i++) {
                    const ts_y_node *idn = NULL;
                    int bad = read_missile(&errs, list->item[i], curves, n_curves, &items[n],
                                           items, id_nodes, n, &idn, 0, NULL);
                    if (!bad) {
                        id_nodes[n] = idn;
                        n++;
                    }
                }
            }
        }
    }
    st = ts_y_errs_report(&errs, ctx);
    if (st == TS_OK) {
        out->n = n;
        out->items = items;
        items = NULL;
    }
done:
    free(items);
    free(id_nodes);
    free(curves);
    ts_y_doc_free(doc);
    ts_y_errs_free(&errs);
    return st;
}

/* Releases what ts_missiles_load allocated; accepts NULL and empty lists. */
void ts_missiles_free(ts_missile_list *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* The missile with catalogue key id, or NULL. */
const ts_missile *ts_missiles_find(const ts_missile_list *list, const char *id)
{
    if (!list || !id)
        return NULL;
    for (int i = 0; i < list->n; i++)
        if (!strcmp(list->items[i].id, id))
            return &list->items[i];
    return NULL;
}

/*
 * Missiles written in a scenario: its `missiles:` list, or one inline
 * mapping (a threat's `missile: {...}`), in the catalogue's format with
 * fewer required keys (read_missile, scen = 1).
 * Given:    node: a list of missile mappings, or one mapping (then
 *           default_id names it when it has no `id`); cat_path: the missile
 *           catalogue, whose drag curves a `drag: NAME` may name (default
 *           generic-ballistic); scen_name: for the default sources.
 * Returned: *out (owned by the caller, free()), *n entries; the entries
 *           with errors are left out.
 * Status:   the number of errors, each recorded on errs.
 */
int ts_missiles_read_scenario(ts_y_errs *errs, const ts_y_node *node, const char *cat_path,
                              const char *default_id, const char *scen_name, int *n,
                              ts_missile **out)
{
    *n = 0;
    *out = NULL;
    drag_curve *curves = calloc(TS_MAX_CURVES, sizeof *curves);
    if (!curves) {
        ts_y_err(errs, node, "out of memory");
        return 1;
    }
    int n_curves = 0;
    /* the catalogue's curves: its own errors are the catalogue's, said when
     * it was loaded */
    ts_y_errs scratch;
    ts_y_errs_init(&scratch);
    ts_y_doc *doc = NULL;
    if (cat_path && ts_y_load(&scratch, cat_path, &doc) == TS_OK && ts_y_root(doc) &&
        ts_y_root(doc)->kind == TS_Y_MAP) {
        const ts_y_node *dc = ts_y_get(ts_y_root(doc), "drag_curves");
        if (dc)
            read_curves(&scratch, dc, curves, &n_curves);
    }
    ts_y_errs_free(&scratch);
    int one = node->kind == TS_Y_MAP;
    int count = one ? 1 : node->kind == TS_Y_SEQ ? node->n : 0;
    int bad = 0;
    if (!one && ts_y_expect(errs, node, TS_Y_SEQ, "'missiles'"))
        bad++;
    ts_missile *items = calloc((size_t)count + 1, sizeof *items);
    const ts_y_node **id_nodes = calloc((size_t)count + 1, sizeof *id_nodes);
    if (!items || !id_nodes) {
        ts_y_err(errs, node, "out of memory");
        bad++;
        count = 0;
    }
    int k = 0;
    for (int i = 0; i < count; i++) {
        const ts_y_node *idn = NULL;
        int b = read_missile(errs, one ? node : node->item[i], curves, n_curves, &items[k],
                             items, id_nodes, k, &idn, 1, one ? default_id : NULL);
        bad += b;
        if (b)
            continue;
        if (!items[k].sources[0])
            snprintf(items[k].sources, sizeof items[k].sources, "defined in scenario %s "
                     "(no source given)", scen_name ? scen_name : "");
        id_nodes[k++] = idn;
    }
    ts_y_doc_free(doc);
    free(curves);
    free(id_nodes);
    if (k == 0) {
        free(items);
        items = NULL;
    }
    *out = items;
    *n = k;
    return bad;
}
