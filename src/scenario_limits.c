/*
 * Limits on the defense written in a scenario (docs/scenario-format.md,
 * "Limits"; the engine's effects: docs/models-defense.md, "Limits").
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each limit is a key of a sensor or battery entry; a variant's entry
 * overrides the base's key by key.  `verify` gives what a monitor would
 * observe to verify the entry's limits: one text for all of them, or a
 * mapping from limit key to text.  A limit without a text gets the default
 * of default_verify() below, sourced to the 2007-08 proposals where one
 * applies (the Gates/Rice offer of 25 Oct 2007: Russian observers at the
 * sites, interceptors built but not activated until an Iranian threat is
 * proven; AFPS 25 Oct 2007, shared/docs/SOURCES.md) and marked notional
 * where none does.
 */
#include "ts_internal.h"
#include "scenario_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ts_sensor_limit_keys[] = {"off", "fences", "range_max", "power",
                                            "power_max", "verify", NULL};
const char *const ts_battery_limit_keys[] = {"off",           "state",
                                             "activation_delay", "inventory_max",
                                             "burnout_speed_max", "engage_on_remote",
                                             "verify",        NULL};

static const char *const state_names[] = {"ready", "emplaced-unfuelled", "not-emplaced",
                                          NULL};

const char *ts_readiness_state_name(ts_readiness_state state)
{
    return state >= TS_STATE_READY && state <= TS_STATE_NOT_EMPLACED ? state_names[state]
                                                                      : "ready";
}

/* The 2007-08 offer the default texts rest on. */
#define OFFER_2007 "Gates/Rice offer of Russian monitors at the sites, 25 Oct 2007 (AFPS)"

/* What a monitor would observe, by limit key, when the scenario says
 * nothing. */
static const char *default_verify(const char *kind, const char *limit)
{
    int sensor = !strcmp(kind, "sensor");
    if (sensor && !strcmp(limit, "off"))
        return "radar not radiating: no emission in its band measured at the site boundary; "
               "transmitter powered down, seen by monitors on site (" OFFER_2007 ")";
    if (!strcmp(limit, "fences"))
        return "radar face azimuth and elevation: the face's heading and the pedestal's "
               "mechanical slew stops, visible from the site boundary and inspected by "
               "monitors on site (" OFFER_2007 ")";
    if (!strcmp(limit, "range_max"))
        return "instrumented range: the range gates of the signal processor, read by "
               "monitors on site (notional: no 2007-08 proposal named it)";
    if (!strcmp(limit, "power_max"))
        return "transmitter power: the transmitter modules installed and the prime power "
               "and cooling plant's rating, counted by monitors on site (notional: no "
               "2007-08 proposal named it)";
    if (!strcmp(limit, "off"))
        return "no interceptor loaded and the launch control unmanned: silo covers and "
               "launch control inspected by monitors on site (" OFFER_2007 ")";
    if (!strcmp(limit, "state") || !strcmp(limit, "activation_delay"))
        return "interceptors built but not activated: boosters and kill vehicles stored "
               "apart from the silos, the time to load and arm them observed by monitors "
               "on site (" OFFER_2007 ": not activated until an Iranian threat is proven)";
    if (!strcmp(limit, "inventory_max"))
        return "interceptor count: silos and canisters counted at loading by monitors on "
               "site (" OFFER_2007 "; the 10 silos of the State Dept fact sheet, 16 Apr 2007)";
    if (!strcmp(limit, "burnout_speed_max"))
        return "booster stages: count and motor type at loading into the silo, and the "
               "propellant load, seen by monitors on site (" OFFER_2007 "; the two-stage "
               "GBI's speed was the 2007 dispute)";
    if (!strcmp(limit, "engage_on_remote") || !strcmp(limit, "launch_on_remote"))
        return "communications: no data link from other sites' radars into the battery's "
               "fire control, its terminals and cabling inspected by monitors on site "
               "(notional: no 2007-08 proposal named it)";
    return "notional: no verification named";
}

/* The verify text of limit `limit` of an entry: the entry's `verify` (a
 * text for all its limits, or a mapping by limit key), else the default. */
static void verify_text(const ts_y_node *verify, const char *kind, const char *limit,
                        ts_limit *out)
{
    const ts_y_node *t = NULL;
    if (verify && verify->kind == TS_Y_MAP)
        t = ts_y_get(verify, limit);
    else if (verify)
        t = verify;
    out->verify[0] = '\0';
    if (t && ts_y_text(NULL, t, "'verify'", out->verify, sizeof out->verify) == TS_OK &&
        out->verify[0]) {
        out->verify_default = 0;
        return;
    }
    snprintf(out->verify, sizeof out->verify, "%s", default_verify(kind, limit));
    out->verify_default = 1;
}

/* Checks an entry's `verify`: a text, or a mapping whose keys are limit
 * keys of the entry and whose values are texts. */
static int verify_check(ts_y_errs *errs, const ts_y_node *verify, const char *const *keys,
                        const char *what)
{
    char w[160];
    snprintf(w, sizeof w, "'verify' of %s", what);
    char buf[TS_TEXT_LEN];
    if (verify->kind != TS_Y_MAP)
        return ts_y_text(errs, verify, w, buf, sizeof buf) ? 1 : 0;
    const char *known[16];
    int n = 0;
    for (int i = 0; keys[i] && n < 15; i++)
        if (strcmp(keys[i], "verify") && strcmp(keys[i], "power"))
            known[n++] = keys[i];
    known[n] = NULL;
    int bad = ts_y_check_keys(errs, verify, w, known);
    for (int i = 0; i < verify->n; i++)
        if (ts_y_text(errs, verify->item[2 * i + 1], w, buf, sizeof buf))
            bad++;
    return bad;
}

static const ts_y_node *merged(const ts_y_node *m, const ts_y_node *vm, const char *key)
{
    const ts_y_node *v = vm ? ts_y_get(vm, key) : NULL;
    return v ? v : ts_y_get(m, key);
}

/* Appends a limit; 1 on an allocation failure (recorded on errs). */
static ts_limit *limit_add(ts_y_errs *errs, ts_limit_list *list, const char *kind,
                           const char *entry, const char *limit)
{
    if (!list)
        return NULL;
    if (list->n == list->cap) {
        int cap = list->cap ? 2 * list->cap : 8;
        ts_limit *p = realloc(list->items, (size_t)cap * sizeof *p);
        if (!p) {
            ts_y_nomem(errs);
            return NULL;
        }
        list->items = p;
        list->cap = cap;
    }
    ts_limit *l = &list->items[list->n++];
    memset(l, 0, sizeof *l);
    snprintf(l->entry, sizeof l->entry, "%s", entry);
    snprintf(l->entry_kind, sizeof l->entry_kind, "%s", kind);
    snprintf(l->limit, sizeof l->limit, "%s", limit);
    l->si = NAN;
    return l;
}

/* Records a limit whose value is the node's text as written. */
static void record(ts_y_errs *errs, ts_limit_list *list, const char *kind, const char *entry,
                   const char *limit, const ts_y_node *value, double si, const char *unit,
                   const ts_y_node *verify)
{
    ts_limit *l = limit_add(errs, list, kind, entry, limit);
    if (!l)
        return;
    snprintf(l->value, sizeof l->value, "%s", value->kind == TS_Y_SCALAR ? value->text : "");
    l->si = si;
    snprintf(l->unit, sizeof l->unit, "%s", unit);
    verify_text(verify, kind, limit, l);
}

/* ---- fences ----------------------------------------------------------------------- */

/* Parses "LO..HI UNIT" (or "LO UNIT..HI UNIT") as two angles, rad; errors
 * at the fault. */
static int angle_range(ts_y_errs *errs, const ts_y_node *node, const char *what, double *lo,
                       double *hi)
{
    if (node->kind != TS_Y_SCALAR || node->len == 0) {
        ts_y_expect(errs, node, TS_Y_SCALAR, what);
        return 1;
    }
    const char *dots = strstr(node->text, "..");
    if (!dots || strstr(dots + 2, "..")) {
        ts_y_err(errs, node, "%s '%s' is not a range LO..HI with a unit (e.g. 45..135 deg)",
                 what, node->text);
        return 1;
    }
    size_t nl = (size_t)(dots - node->text);
    char left[128], right[128];
    if (nl >= sizeof left || strlen(dots + 2) >= sizeof right) {
        ts_y_err(errs, node, "%s: too long", what);
        return 1;
    }
    memcpy(left, node->text, nl);
    left[nl] = '\0';
    snprintf(right, sizeof right, "%s", dots + 2);
    ts_ctx c;
    memset(&c, 0, sizeof c);
    int off = 0;
    if (ts_quantity_parse(&c, right, TS_Q_ANGLE, hi, &off) < 0) {
        ts_y_err_in(errs, node, (int)nl + 2 + off, "%s: %s", what, c.msg);
        return 1;
    }
    /* the left end takes the right end's unit when it has none ("0..90 deg") */
    if (ts_quantity_parse(NULL, left, TS_Q_ANGLE, lo, NULL) < 0) {
        const char *u = right;
        while (*u == ' ' || *u == '\t')
            u++;
        while (*u == '+' || *u == '-' || *u == '.' || *u == ',' || (*u >= '0' && *u <= '9'))
            u++;
        char with[300];
        snprintf(with, sizeof with, "%s %s", left, u);
        if (ts_quantity_parse(&c, with, TS_Q_ANGLE, lo, &off) < 0) {
            ts_y_err_in(errs, node, off < (int)nl ? off : 0, "%s: %s", what, c.msg);
            return 1;
        }
    }
    return 0;
}

/* Reads `fences`: a list of at most TS_MAX_FENCES {azimuth, elevation}. */
static int read_fences(ts_y_errs *errs, const ts_y_node *list, const char *what, ts_sensor *s,
                       char *words, size_t size)
{
    static const char *const keys[] = {"azimuth", "elevation", NULL};
    char w[160];
    snprintf(w, sizeof w, "'fences' of %s", what);
    if (ts_y_expect(errs, list, TS_Y_SEQ, w))
        return 1;
    if (list->n > TS_MAX_FENCES) {
        ts_y_err(errs, list, "%d fences in %s (at most %d)", list->n, what, TS_MAX_FENCES);
        return 1;
    }
    int bad = 0;
    s->n_fences = 0;
    words[0] = '\0';
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *f = list->item[i];
        if (ts_y_expect(errs, f, TS_Y_MAP, "a fence {azimuth, elevation}")) {
            bad++;
            continue;
        }
        int b = ts_y_check_keys(errs, f, "a fence", keys);
        ts_sector k = {0.0, 2.0 * TS_PI, -0.5 * TS_PI, 0.5 * TS_PI};
        const ts_y_node *az = ts_y_require(errs, f, "azimuth", "a fence");
        const ts_y_node *el = ts_y_get(f, "elevation");
        if (!az)
            b++;
        else if (angle_range(errs, az, "fence azimuth", &k.az_min_rad, &k.az_max_rad))
            b++;
        else if (!(k.az_min_rad >= 0.0 && k.az_min_rad <= 2.0 * TS_PI &&
                   k.az_max_rad >= 0.0 && k.az_max_rad <= 2.0 * TS_PI)) {
            ts_y_err(errs, az, "fence azimuth '%s' of %s is out of range (each end 0..360 "
                     "deg, clockwise from north)", az->text, what);
            b++;
        } else if (k.az_min_rad == k.az_max_rad) {
            ts_y_err(errs, az, "fence azimuth '%s' of %s is empty (give LO..HI clockwise, "
                     "0..360 deg for all azimuths)", az->text, what);
            b++;
        }
        if (el) {
            if (angle_range(errs, el, "fence elevation", &k.el_min_rad, &k.el_max_rad))
                b++;
            else if (!(k.el_min_rad >= -0.5 * TS_PI - 1e-12 && k.el_max_rad <= 0.5 * TS_PI + 1e-12)) {
                ts_y_err(errs, el, "fence elevation '%s' of %s is outside -90..90 deg",
                         el->text, what);
                b++;
            } else if (!(k.el_min_rad < k.el_max_rad)) {
                ts_y_err(errs, el, "fence elevation '%s' of %s: the lower end must be below "
                         "the upper", el->text, what);
                b++;
            }
        }
        bad += b;
        if (b)
            continue;
        s->fence[s->n_fences++] = k;
        size_t len = strlen(words);
        snprintf(words + len, size - len, "%s%s azimuth, %s elevation", len ? "; " : "",
                 az->text, el ? el->text : "-90..90 deg");
    }
    return bad;
}

/* ---- sensors ---------------------------------------------------------------------- */

/* power_max: a fraction of the power at which ref_range holds (a ratio),
 * or a power, then against the entry's `power`. */
static int read_power_cap(ts_y_errs *errs, const ts_y_node *pm, const ts_y_node *pw,
                          const char *what, ts_sensor *s)
{
    double x;
    if (pm->kind == TS_Y_SCALAR && ts_quantity_parse(NULL, pm->text, TS_Q_RATIO, &x, NULL) == TS_OK) {
        if (!(x > 0.0 && x <= 1.0)) {
            ts_y_err(errs, pm, "power_max %.6g in %s is out of range (expected a fraction of "
                     "the radar's power, 0 < value <= 100%%)", x, what);
            return 1;
        }
        s->power_cap = x;
        return 0;
    }
    double p_max, p_ref;
    if (ts_y_quantity(errs, pm, "power_max", TS_Q_POWER, &p_max))
        return 1;
    if (!pw) {
        ts_y_err(errs, pm, "power_max in watts needs the radar's 'power' in %s (the average "
                 "power at which its ref_range holds), or give a fraction (e.g. 25%%)", what);
        return 1;
    }
    if (ts_y_quantity(errs, pw, "power", TS_Q_POWER, &p_ref))
        return 1;
    if (!(p_ref > 0.0) || !(p_max > 0.0)) {
        ts_y_err(errs, !(p_ref > 0.0) ? pw : pm, "power and power_max in %s must be positive",
                 what);
        return 1;
    }
    s->power_cap = p_max >= p_ref ? 1.0 : p_max / p_ref;
    return 0;
}

int ts_sensor_limits_read(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                          const char *what, ts_sensor *s, ts_limit_list *list)
{
    int bad = 0;
    const ts_y_node *verify = merged(m, vm, "verify");
    if (verify)
        bad += verify_check(errs, verify, ts_sensor_limit_keys, what);
    const ts_y_node *n;
    if ((n = merged(m, vm, "off"))) {
        if (ts_y_bool(errs, n, "'off'", &s->off))
            bad++;
        else if (s->off)
            record(errs, list, "sensor", s->id, "off", n, NAN, "", verify);
    }
    if ((n = merged(m, vm, "fences"))) {
        char words[160];
        int b = read_fences(errs, n, what, s, words, sizeof words);
        bad += b;
        if (!b && s->n_fences > 0) {
            if (s->kind == TS_SENSOR_INFRARED) {
                ts_y_err(errs, n, "'fences' in %s: an infrared sensor has no sectors to fence",
                         what);
                bad++;
            } else {
                ts_limit *l = limit_add(errs, list, "sensor", s->id, "fences");
                if (l) {
                    snprintf(l->value, sizeof l->value, "%s", words);
                    verify_text(verify, "sensor", "fences", l);
                }
            }
        }
    }
    if ((n = merged(m, vm, "range_max"))) {
        double r;
        if (ts_y_quantity(errs, n, "range_max", TS_Q_LENGTH, &r))
            bad++;
        else if (!(r > 0.0 && r <= 40000e3)) {
            ts_y_err(errs, n, "range_max %.6g km in %s is out of range (expected 0 km < "
                     "value <= 40000 km)", r / 1e3, what);
            bad++;
        } else {
            s->range_cap_m = r;
            record(errs, list, "sensor", s->id, "range_max", n, r, "m", verify);
        }
    }
    const ts_y_node *pw = merged(m, vm, "power");
    if (pw) {
        double p;
        if (ts_y_quantity(errs, pw, "power", TS_Q_POWER, &p))
            bad++;
        else if (!(p > 0.0)) {
            ts_y_err(errs, pw, "power in %s must be positive", what);
            bad++;
        }
    }
    if ((n = merged(m, vm, "power_max"))) {
        if (read_power_cap(errs, n, pw, what, s))
            bad++;
        else if (s->kind == TS_SENSOR_INFRARED) {
            ts_y_err(errs, n, "'power_max' in %s: an infrared sensor has no transmitter", what);
            bad++;
        } else
            record(errs, list, "sensor", s->id, "power_max", n, s->power_cap, "1", verify);
    }
    return bad;
}

/* ---- batteries -------------------------------------------------------------------- */

int ts_battery_limits_read(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                           const char *what, ts_battery *b, ts_limit_list *list)
{
    int bad = 0;
    const ts_y_node *verify = merged(m, vm, "verify");
    if (verify)
        bad += verify_check(errs, verify, ts_battery_limit_keys, what);
    const ts_y_node *n;
    if ((n = merged(m, vm, "off"))) {
        if (ts_y_bool(errs, n, "'off'", &b->off))
            bad++;
        else if (b->off)
            record(errs, list, "battery", b->id, "off", n, NAN, "", verify);
    }
    const ts_y_node *st = merged(m, vm, "state");
    if (st) {
        int k = 0;
        if (ts_y_enum(errs, st, "'state'", state_names, &k))
            bad++;
        else {
            b->state = (ts_readiness_state)k;
            if (b->state != TS_STATE_READY)
                record(errs, list, "battery", b->id, "state", st, NAN, "", verify);
        }
    }
    const ts_y_node *ad = merged(m, vm, "activation_delay");
    if (ad) {
        double t;
        if (ts_y_quantity(errs, ad, "activation_delay", TS_Q_TIME, &t))
            bad++;
        else if (!(t >= 0.0 && t <= 30.0 * 86400.0)) {
            ts_y_err(errs, ad, "activation_delay %.6g h in %s is out of range (expected 0 h "
                     "<= value <= 720 h)", t / 3600.0, what);
            bad++;
        } else if (b->state != TS_STATE_EMPLACED_UNFUELLED) {
            ts_y_err(errs, ad, "activation_delay in %s needs 'state: emplaced-unfuelled' "
                     "(state is %s)", what, ts_readiness_state_name(b->state));
            bad++;
        } else {
            b->activation_delay_s = t;
            record(errs, list, "battery", b->id, "activation_delay", ad, t, "s", verify);
        }
    } else if (st && b->state == TS_STATE_EMPLACED_UNFUELLED) {
        ts_y_err(errs, st, "state emplaced-unfuelled in %s needs 'activation_delay' (the "
                 "time from commit to the first launch it adds, e.g. 48 h)", what);
        bad++;
    }
    if ((n = merged(m, vm, "inventory_max"))) {
        int k = 0;
        if (ts_y_int(errs, n, "'inventory_max'", 0, 10000, &k))
            bad++;
        else {
            b->has_inventory_max = 1;
            b->inventory_max = k;
            record(errs, list, "battery", b->id, "inventory_max", n, k, "1", verify);
        }
    }
    if ((n = merged(m, vm, "burnout_speed_max"))) {
        double v;
        if (ts_y_quantity(errs, n, "burnout_speed_max", TS_Q_SPEED, &v))
            bad++;
        else if (!(v > 0.0 && v <= 11000.0)) {
            ts_y_err(errs, n, "burnout_speed_max %.6g km/s in %s is out of range (expected "
                     "0 km/s < value <= 11 km/s)", v / 1e3, what);
            bad++;
        } else {
            b->interceptor.burnout_speed_cap_mps = v;
            record(errs, list, "battery", b->id, "burnout_speed_max", n, v, "m/s", verify);
        }
    }
    if ((n = merged(m, vm, "engage_on_remote"))) {
        int allowed = 1;
        if (ts_y_bool(errs, n, "'engage_on_remote'", &allowed))
            bad++;
        else {
            b->no_engage_on_remote = !allowed;
            if (!allowed)
                record(errs, list, "battery", b->id, "engage_on_remote", n, NAN, "", verify);
        }
    }
    return bad;
}

int ts_launch_remote_limit(ts_y_errs *errs, const ts_y_node *m, const ts_y_node *vm,
                           const ts_y_node *value, const char *id, ts_limit_list *list)
{
    record(errs, list, "battery", id, "launch_on_remote", value, NAN, "",
           merged(m, vm, "verify"));
    return 0;
}
