/*
 * The shipped catalogues of places, sensors and interceptors
 * (data/sites.yaml, data/sensors.yaml, data/interceptors.yaml) and the field
 * tables with which scenario.c reads inline definitions and overrides of
 * their entries.  docs/scenario-format.md documents every key; the numbers
 * and their sources live in the YAML files and data/PROVENANCE.md.
 *
 * Method: table-driven reading.  Each key names a struct field, its type,
 * its unit kind and its admissible range; a fresh entry starts with NaN in
 * every required quantity so that "missing" is a value test that also works
 * after a catalogue entry has been copied and overridden.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "scenario_catalog.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QTY(k, st, fld, q, lo_, hi_, fl, u) \
    {k, TS_F_QTY, offsetof(st, fld), 0, q, lo_, hi_, fl, u, NULL}
#define STR(k, t, st, fld) {k, t, offsetof(st, fld), sizeof(((st *)0)->fld), 0, 0, 0, 0, "", NULL}
#define FLAG(k, st, fld) {k, TS_F_BOOL, offsetof(st, fld), 0, 0, 0, 0, 0, "", NULL}
/* A flag stored negated: the key reads "true" where the field is 0, so that
 * a zero-initialised struct keeps the key's default of true. */
#define FLAG_NOT(k, st, fld) \
    {k, TS_F_BOOL, offsetof(st, fld), 0, 0, 0, 0, TS_F_NEGATE, "", NULL}
#define ENUM(k, st, fld, names) {k, TS_F_ENUM, offsetof(st, fld), 0, 0, 0, 0, 0, "", names}
#define ENUMSTR(k, st, fld, names) \
    {k, TS_F_ENUMSTR, offsetof(st, fld), sizeof(((st *)0)->fld), 0, 0, 0, 0, "", names}
#define SPECIAL(k) {k, TS_F_SPECIAL, 0, 0, 0, 0, 0, 0, "", NULL}
#define INT(k, st, fld, lo_, hi_) {k, TS_F_INT, offsetof(st, fld), 0, 0, lo_, hi_, 0, "", NULL}

#define KM 1e3
#define DEG TS_DEG

const char *const ts_sensor_kind_names[] = {"radar", "infrared", NULL};
const char *const ts_sensor_role_names[] = {"early-warning", "fire-control", NULL};
const char *const ts_doctrine_mode_names[] = {"salvo", "shoot-look-shoot", NULL};
const char *const ts_framing_names[] = {"kinematic", "supported", NULL};
const char *const ts_site_kind_names[] = {"interceptor", "radar", "launch", "icbm-base",
                                          "city", "other", NULL};

/* ---- field tables ---------------------------------------------------------- */

static const ts_field site_f[] = {
    SPECIAL("id"),
    STR("name", TS_F_NAME, ts_site, name),
    STR("country", TS_F_NAME, ts_site, country),
    ENUMSTR("kind", ts_site, kind, ts_site_kind_names),
    SPECIAL("at"),
    /* Height above the ellipsoid.  Dead Sea shore to Everest's summit. */
    QTY("height", ts_site, h_m, TS_Q_LENGTH, -500.0, 9000.0, 0, "m"),
    STR("confidence", TS_F_NAME, ts_site, confidence),
    STR("sources", TS_F_TEXT, ts_site, sources),
};
const ts_field_table ts_site_fields = {site_f, (int)(sizeof site_f / sizeof site_f[0])};

static const ts_field sensor_f[] = {
    SPECIAL("id"),
    STR("name", TS_F_NAME, ts_sensor, name),
    STR("owner", TS_F_NAME, ts_sensor, owner),
    ENUM("kind", ts_sensor, kind, ts_sensor_kind_names),
    ENUM("role", ts_sensor, role, ts_sensor_role_names),
    STR("band", TS_F_NAME, ts_sensor, band),
    SPECIAL("at"),
    /* antenna height above the ellipsoid (default: the site's height) */
    QTY("height", ts_sensor, h_m, TS_Q_LENGTH, -500.0, 9000.0, 0, "m"),
    FLAG("steerable", ts_sensor, steerable),
    SPECIAL("sectors"),
    /* Minimum elevation: a little below the horizon for a mountain site. */
    QTY("el_min", ts_sensor, el_min_rad, TS_Q_ANGLE, -5.0 * DEG, 60.0 * DEG, 0, "deg"),
    FLAG("refraction", ts_sensor, refraction),
    /* Ranges: up to the Moon's tenth; anything beyond is a typo. */
    QTY("ref_range", ts_sensor, ref_range_m, TS_Q_LENGTH, 0.0, 40000.0 * KM, TS_F_LO_OPEN,
        "km"),
    QTY("ref_rcs", ts_sensor, ref_rcs_m2, TS_Q_AREA, 0.0, 1e4, TS_F_LO_OPEN, "m^2"),
    QTY("max_range", ts_sensor, max_range_m, TS_Q_LENGTH, 0.0, 40000.0 * KM, 0, "km"),
    QTY("track_time", ts_sensor, track_s, TS_Q_TIME, 0.0, 3600.0, 0, "s"),
    FLAG("needs_cue", ts_sensor, needs_cue),
    /* false: the radar detects the threat only from its burnout on
     * (engage.c); default true. */
    FLAG_NOT("sees_boost", ts_sensor, boost_blind),
    QTY("detect_delay", ts_sensor, ir_detect_s, TS_Q_TIME, 0.0, 1000.0, 0, "s"),
    QTY("latency", ts_sensor, ir_latency_s, TS_Q_TIME, 0.0, 3600.0, 0, "s"),
    FLAG("notional", ts_sensor, notional),
    STR("sources", TS_F_TEXT, ts_sensor, sources),
};
const ts_field_table ts_sensor_fields = {sensor_f, (int)(sizeof sensor_f / sizeof sensor_f[0])};

static const ts_field interceptor_f[] = {
    SPECIAL("id"),
    STR("name", TS_F_NAME, ts_interceptor, name),
    SPECIAL("stages"),
    QTY("kv_mass", ts_interceptor, kv_mass_kg, TS_Q_MASS, 0.0, 10000.0, TS_F_LO_OPEN, "kg"),
    /* Below escape speed (11.2 km/s at the surface). */
    QTY("burnout_speed", ts_interceptor, burnout_speed_mps, TS_Q_SPEED, 0.0, 11000.0,
        TS_F_LO_OPEN, "km/s"),
    QTY("burn_time", ts_interceptor, burn_s, TS_Q_TIME, 0.0, 1000.0, TS_F_LO_OPEN, "s"),
    QTY("h_min", ts_interceptor, h_min_m, TS_Q_LENGTH, 0.0, 5000.0 * KM, 0, "km"),
    QTY("h_max", ts_interceptor, h_max_m, TS_Q_LENGTH, 0.0, 10000.0 * KM, TS_F_LO_OPEN,
        "km"),
    QTY("range_max", ts_interceptor, range_max_m, TS_Q_LENGTH, 0.0, 20000.0 * KM,
        TS_F_LO_OPEN, "km"),
    /* Optional limits (absent: none). */
    QTY("flyout_max", ts_interceptor, flyout_max_s, TS_Q_TIME, 0.0, 86400.0, TS_F_LO_OPEN, "s"),
    QTY("closing_speed_min", ts_interceptor, closing_min_mps, TS_Q_SPEED, 0.0, 30000.0, 0,
        "km/s"),
    QTY("aspect_max", ts_interceptor, aspect_max_rad, TS_Q_ANGLE, 0.0, TS_PI, TS_F_LO_OPEN,
        "deg"),
    FLAG("notional", ts_interceptor, notional),
    STR("sources", TS_F_TEXT, ts_interceptor, sources),
};
const ts_field_table ts_interceptor_fields = {
    interceptor_f, (int)(sizeof interceptor_f / sizeof interceptor_f[0])};

/* Stage keys as in data/missiles.yaml (missile.c), so that a threat's
 * stage overrides read like the missile catalogue.  `source` is accepted
 * (documentation only). */
static const ts_field stage_f[] = {
    QTY("gross_mass", ts_stage, m_gross_kg, TS_Q_MASS, 0.0, 500e3, TS_F_LO_OPEN, "t"),
    QTY("propellant", ts_stage, m_prop_kg, TS_Q_MASS, 0.0, 500e3, TS_F_LO_OPEN, "t"),
    /* Vacuum Isp of chemical rockets stays below 500 s. */
    QTY("isp", ts_stage, isp_vac_s, TS_Q_TIME, 0.0, 500.0, TS_F_LO_OPEN, "s"),
    QTY("thrust", ts_stage, thrust_vac_n, TS_Q_FORCE, 0.0, 20e6, TS_F_LO_OPEN, "kN"),
    QTY("burn_time", ts_stage, burn_s, TS_Q_TIME, 0.0, 1000.0, TS_F_LO_OPEN, "s"),
    QTY("area", ts_stage, area_ref_m2, TS_Q_AREA, 0.0, 100.0, 0, "m^2"),
    SPECIAL("diameter"),
    QTY("exit_area", ts_stage, exit_area_m2, TS_Q_AREA, 0.0, 50.0, 0, "m^2"),
    SPECIAL("source"),
};
const ts_field_table ts_stage_fields = {stage_f, (int)(sizeof stage_f / sizeof stage_f[0])};

static const ts_field doctrine_f[] = {
    ENUM("mode", ts_doctrine, mode, ts_doctrine_mode_names),
    INT("salvo", ts_doctrine, salvo, 1, TS_MAX_SHOTS),
    QTY("sspk", ts_doctrine, sspk, TS_Q_RATIO, 0.0, 1.0, TS_F_LO_OPEN, ""),
    QTY("decision", ts_doctrine, decision_s, TS_Q_TIME, 0.0, 3600.0, 0, "s"),
    QTY("kill_assessment", ts_doctrine, kill_assessment_s, TS_Q_TIME, 0.0, 3600.0, 0, "s"),
    QTY("track_before_intercept", ts_doctrine, track_before_intercept_s, TS_Q_TIME, 0.0,
        3600.0, 0, "s"),
    QTY("update_gap_max", ts_doctrine, update_gap_max_s, TS_Q_TIME, 0.0, 3600.0, 0, "s"),
    ENUM("headline", ts_doctrine, headline, ts_framing_names),
};
const ts_field_table ts_doctrine_fields = {doctrine_f,
                                           (int)(sizeof doctrine_f / sizeof doctrine_f[0])};

/* ---- applying a table -------------------------------------------------------- */

int ts_fields_keys(const ts_field_table *t, const char **list, int n, int max)
{
    for (int i = 0; i < t->n && n < max - 1; i++)
        list[n++] = t->f[i].key;
    list[n] = NULL;
    return n;
}

int ts_fields_index(const ts_field_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->f[i].key, key))
            return i;
    return -1;
}

static int check_range(ts_y_errs *errs, const ts_field *f, const ts_y_node *v,
                       const char *what, double x)
{
    int lo_bad = (f->flags & TS_F_LO_OPEN) ? !(x > f->lo) : !(x >= f->lo);
    int hi_bad = (f->flags & TS_F_HI_OPEN) ? !(x < f->hi) : !(x <= f->hi);
    if (!lo_bad && !hi_bad)
        return 0;
    char val[64], lo[64], hi[64];
    ts_y_format_quantity(val, sizeof val, x, f->unit, f->qk);
    ts_y_format_quantity(lo, sizeof lo, f->lo, f->unit, f->qk);
    ts_y_format_quantity(hi, sizeof hi, f->hi, f->unit, f->qk);
    ts_y_err(errs, v, "%s %s in %s is out of range (expected %s %s value %s %s)", f->key, val,
             what, lo, (f->flags & TS_F_LO_OPEN) ? "<" : "<=",
             (f->flags & TS_F_HI_OPEN) ? "<" : "<=", hi);
    return 1;
}

int ts_fields_apply(ts_y_errs *errs, const ts_field_table *t, const ts_y_node *map,
                    const char *what, void *obj, const ts_y_node **where)
{
    int bad = 0;
    char *base = obj;
    for (int p = 0; p < map->n; p++) {
        const ts_y_node *k = map->item[2 * p], *v = map->item[2 * p + 1];
        if (k->kind != TS_Y_SCALAR)
            continue;
        int i = ts_fields_index(t, k->text);
        if (i < 0)
            continue;
        /* a duplicate key was reported by ts_y_check_keys: read the first */
        if (ts_y_key(map, k->text) != k)
            continue;
        const ts_field *f = &t->f[i];
        char label[160];
        snprintf(label, sizeof label, "'%s'", f->key);
        int st = TS_OK;
        switch (f->type) {
        case TS_F_NAME:
        case TS_F_TEXT: {
            char tmp[TS_TEXT_LEN];
            st = f->type == TS_F_NAME ? ts_y_string(errs, v, label, tmp, f->size)
                                      : ts_y_text(errs, v, label, tmp, f->size);
            if (st == TS_OK)
                memcpy(base + f->off, tmp, strlen(tmp) + 1);
            break;
        }
        case TS_F_QTY: {
            double x;
            st = ts_y_quantity(errs, v, f->key, f->qk, &x);
            if (st == TS_OK && check_range(errs, f, v, what, x))
                st = TS_ESCENARIO;
            if (st == TS_OK)
                memcpy(base + f->off, &x, sizeof x);
            break;
        }
        case TS_F_INT: {
            int x;
            st = ts_y_int(errs, v, label, (int)f->lo, (int)f->hi, &x);
            if (st == TS_OK)
                memcpy(base + f->off, &x, sizeof x);
            break;
        }
        case TS_F_BOOL: {
            int x;
            st = ts_y_bool(errs, v, label, &x);
            if (st == TS_OK && (f->flags & TS_F_NEGATE))
                x = !x;
            if (st == TS_OK)
                memcpy(base + f->off, &x, sizeof x);
            break;
        }
        case TS_F_ENUM:
        case TS_F_ENUMSTR: {
            int x;
            st = ts_y_enum(errs, v, f->key, f->names, &x);
            if (st == TS_OK && f->type == TS_F_ENUM) {
                /* the enums read here are C enums of int size */
                memcpy(base + f->off, &x, sizeof x);
            } else if (st == TS_OK) {
                snprintf(base + f->off, f->size, "%s", f->names[x]);
            }
            break;
        }
        case TS_F_SPECIAL:
            break;
        }
        if (st != TS_OK)
            bad++;
        else if (where)
            where[i] = v;
    }
    return bad;
}

void ts_sources_append(char *buf, size_t size, const char *text)
{
    size_t len = strlen(buf);
    if (len + 1 >= size)
        return;
    snprintf(buf + len, size - len, "%s%s", len ? "; " : "", text);
}

/* ---- places ------------------------------------------------------------------ */

const ts_site *ts_site_find(const ts_site_list *sites, const char *id)
{
    if (!sites)
        return NULL;
    /* the last definition wins: scenario sites follow the catalogue's */
    for (int i = sites->n - 1; i >= 0; i--)
        if (!strcmp(sites->items[i].id, id))
            return &sites->items[i];
    return NULL;
}

static int looks_like_position(const char *s)
{
    while (*s == ' ')
        s++;
    return (*s >= '0' && *s <= '9') || *s == '-' || *s == '+' || *s == '.';
}

int ts_place_read(ts_y_errs *errs, const ts_y_node *node, const char *what,
                  const ts_site_list *sites, ts_place *place, double *h_m,
                  const ts_site **site_out)
{
    if (site_out)
        *site_out = NULL;
    if (node->kind != TS_Y_SCALAR || node->len == 0) {
        ts_y_err(errs, node, "expected a site name or a position (\"54.48N 17.11E\") for %s%s%s",
                 what, node->kind == TS_Y_SCALAR ? "" : ", got ",
                 node->kind == TS_Y_SCALAR ? "" : ts_y_kind_name(node->kind));
        return TS_ESCENARIO;
    }
    if (looks_like_position(node->text)) {
        double lat, lon;
        if (ts_y_latlon(errs, node, what, &lat, &lon))
            return TS_ESCENARIO;
        snprintf(place->name, sizeof place->name, "%s", node->text);
        place->lat_rad = lat;
        place->lon_rad = lon;
        if (h_m)
            *h_m = 0.0;
        return TS_OK;
    }
    const ts_site *s = ts_site_find(sites, node->text);
    if (!s && sites)
        for (int i = 0; i < sites->n_broken; i++)
            if (!strcmp(sites->broken[i], node->text))
                return TS_ESCENARIO; /* the site's own error says why */
    if (!s) {
        int n = sites ? sites->n : 0;
        const char **names = malloc((size_t)(n + 1) * sizeof *names);
        char hint[2048] = "";
        if (names) {
            for (int i = 0; i < n; i++)
                names[i] = sites->items[i].id;
            ts_y_hint(hint, sizeof hint, node->text, names, n, 16, "thirdsite catalog sites");
            free(names);
            size_t len = strlen(hint);
            if (len > 0 && hint[len - 1] == ')')
                snprintf(hint + len - 1, sizeof hint - len + 1,
                         "; or define it under 'sites:')");
        }
        ts_y_err(errs, node, "unknown site '%.60s' for %s %s", node->text, what, hint);
        return TS_ESCENARIO;
    }
    snprintf(place->name, sizeof place->name, "%s", s->id);
    place->lat_rad = s->lat_rad;
    place->lon_rad = s->lon_rad;
    if (h_m)
        *h_m = s->h_m;
    if (site_out)
        *site_out = s;
    return TS_OK;
}

int ts_site_read(ts_y_errs *errs, const ts_y_node *map, ts_site *site)
{
    const char *keys[TS_MAX_KEYS];
    ts_fields_keys(&ts_site_fields, keys, 0, TS_MAX_KEYS);
    memset(site, 0, sizeof *site);
    int bad = ts_y_check_keys(errs, map, "a site", keys);
    const ts_y_node *id = ts_y_require(errs, map, "id", "a site");
    char what[96] = "a site";
    if (!id)
        bad++;
    else if (ts_y_ident(errs, id, "a site id", site->id, sizeof site->id))
        bad++;
    else
        snprintf(what, sizeof what, "site '%s'", site->id);
    site->lat_rad = NAN;
    bad += ts_fields_apply(errs, &ts_site_fields, map, what, site, NULL);
    const ts_y_node *at = ts_y_get(map, "at");
    if (!at) {
        if (!ts_y_typo_of(errs, map, "at"))
            ts_y_err(errs, map, "missing required key 'at' in %s", what);
        bad++;
    } else {
        double lat, lon;
        if (ts_y_latlon(errs, at, "'at'", &lat, &lon))
            bad++;
        else {
            site->lat_rad = lat;
            site->lon_rad = lon;
        }
    }
    if (isnan(site->lat_rad))
        site->lat_rad = 0.0;
    if (!site->name[0])
        snprintf(site->name, sizeof site->name, "%s", site->id);
    if (!site->kind[0])
        snprintf(site->kind, sizeof site->kind, "other");
    return bad;
}

/* ---- sensors ------------------------------------------------------------------- */

void ts_sensor_blank(ts_sensor *s)
{
    memset(s, 0, sizeof *s);
    s->kind = (ts_sensor_kind)-1;
    s->role = (ts_sensor_role)-1;
    s->lat_rad = s->lon_rad = NAN;
    s->ref_range_m = s->ref_rcs_m2 = NAN;
    s->ir_detect_s = NAN;
}

static int read_sectors(ts_y_errs *errs, const ts_y_node *list, const char *what, ts_sensor *s)
{
    static const char *const keys[] = {"az_min", "az_max", "el_min", "el_max", NULL};
    if (ts_y_expect(errs, list, TS_Y_SEQ, "'sectors'"))
        return 1;
    if (list->n > TS_MAX_SECTORS) {
        ts_y_err(errs, list->item[TS_MAX_SECTORS], "too many sectors in %s (at most %d)", what,
                 TS_MAX_SECTORS);
        return 1;
    }
    int bad = 0;
    ts_sector sec[TS_MAX_SECTORS];
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        if (ts_y_expect(errs, m, TS_Y_MAP, "a sector")) {
            bad++;
            continue;
        }
        bad += ts_y_check_keys(errs, m, "a sector", keys);
        double v[4] = {NAN, NAN, 0.0, 90.0 * DEG};
        const ts_y_node *node[4] = {NULL, NULL, NULL, NULL};
        for (int k = 0; k < 4; k++) {
            node[k] = ts_y_get(m, keys[k]);
            if (!node[k]) {
                if (k < 2) {
                    ts_y_err(errs, m, "missing required key '%s' in a sector of %s", keys[k],
                             what);
                    bad++;
                }
                continue;
            }
            double x;
            if (ts_y_quantity(errs, node[k], keys[k], TS_Q_ANGLE, &x)) {
                bad++;
                continue;
            }
            double lo = k < 2 ? 0.0 : -5.0 * DEG, hi = k < 2 ? 360.0 * DEG : 90.0 * DEG;
            if (!(x >= lo - 1e-12 && x <= hi + 1e-12)) {
                ts_y_err(errs, node[k], "%s %.6g deg in %s is out of range (expected %g deg <= "
                         "value <= %g deg)", keys[k], x / DEG, what, lo / DEG, hi / DEG);
                bad++;
                continue;
            }
            v[k] = x;
        }
        if (!isnan(v[0]) && !isnan(v[1]) && fabs(v[1] - v[0]) < 1e-12) {
            ts_y_err(errs, node[1], "az_max equals az_min in a sector of %s (for all "
                     "azimuths write az_min: 0 deg, az_max: 360 deg)", what);
            bad++;
        }
        if (!(v[2] < v[3])) {
            ts_y_err(errs, node[3] ? node[3] : node[2] ? node[2] : m,
                     "el_max must be above el_min in a sector of %s", what);
            bad++;
        }
        sec[i].az_min_rad = v[0];
        sec[i].az_max_rad = v[1];
        sec[i].el_min_rad = v[2];
        sec[i].el_max_rad = v[3];
    }
    if (bad)
        return bad;
    s->n_sectors = list->n;
    memcpy(s->sector, sec, (size_t)list->n * sizeof sec[0]);
    return 0;
}

int ts_sensor_apply(ts_y_errs *errs, const ts_y_node *map, const char *what,
                    const ts_site_list *sites, ts_sensor *s, const ts_y_node **where)
{
    int bad = ts_fields_apply(errs, &ts_sensor_fields, map, what, s, where);
    const ts_y_node *at = ts_y_get(map, "at");
    if (at) {
        ts_place pl;
        double h;
        const ts_site *site;
        if (ts_place_read(errs, at, "'at'", sites, &pl, &h, &site))
            bad++;
        else {
            s->lat_rad = pl.lat_rad;
            s->lon_rad = pl.lon_rad;
            snprintf(s->site_id, sizeof s->site_id, "%s", site ? site->id : "");
            if (!ts_y_get(map, "height"))
                s->h_m = h;
            if (where)
                where[ts_fields_index(&ts_sensor_fields, "at")] = at;
        }
    }
    const ts_y_node *sec = ts_y_get(map, "sectors");
    if (sec) {
        int b = read_sectors(errs, sec, what, s);
        bad += b;
        if (!b && where)
            where[ts_fields_index(&ts_sensor_fields, "sectors")] = sec;
    }
    return bad;
}

/* The node to point at for a field: where it was set in this mapping, else
 * the mapping. */
static const ts_y_node *at_field(const ts_field_table *t, const ts_y_node *const *where,
                                 const char *key, const ts_y_node *map)
{
    int i = ts_fields_index(t, key);
    return (where && i >= 0 && where[i]) ? where[i] : map;
}

int ts_sensor_check(ts_y_errs *errs, const ts_y_node *map, const char *what, ts_sensor *s,
                    const ts_y_node *const *where)
{
    int bad = 0;
    const ts_field_table *t = &ts_sensor_fields;
    /* present but refused: reported where it was read */
    if ((int)s->kind < 0) {
        if (!ts_y_get(map, "kind") && !ts_y_typo_of(errs, map, "kind"))
            ts_y_err(errs, map, "missing required key 'kind' in %s (radar or infrared)", what);
        bad++;
    }
    if ((int)s->role < 0) {
        if (!ts_y_get(map, "role") && !ts_y_typo_of(errs, map, "role"))
            ts_y_err(errs, map, "missing required key 'role' in %s (early-warning or "
                     "fire-control)", what);
        bad++;
    }
    if (s->kind == TS_SENSOR_RADAR) {
        if (isnan(s->lat_rad)) {
            if (!ts_y_get(map, "at") && !ts_y_typo_of(errs, map, "at"))
                ts_y_err(errs, map, "missing required key 'at' in %s (a radar needs a site)",
                         what);
            bad++;
        }
        static const char *const need[] = {"ref_range", "ref_rcs"};
        double v[2] = {s->ref_range_m, s->ref_rcs_m2};
        for (int i = 0; i < 2; i++)
            if (isnan(v[i])) {
                if (!ts_y_get(map, need[i]) && !ts_y_typo_of(errs, map, need[i]))
                    ts_y_err(errs, map, "missing required key '%s' in %s (a radar needs it)",
                             need[i], what);
                bad++;
            }
        if (s->max_range_m > 0 && !isnan(s->ref_range_m) && s->max_range_m < 1.0) {
            ts_y_err(errs, at_field(t, where, "max_range", map), "max_range too small in %s",
                     what);
            bad++;
        }
    } else if (s->kind == TS_SENSOR_INFRARED) {
        if (isnan(s->ir_detect_s)) {
            if (!ts_y_get(map, "detect_delay") && !ts_y_typo_of(errs, map, "detect_delay"))
                ts_y_err(errs, map, "missing required key 'detect_delay' in %s (an infrared "
                     "sensor needs it)", what);
            bad++;
        }
        const ts_y_node *at = at_field(t, where, "at", map);
        if (at != map) {
            ts_y_err(errs, at, "an infrared sensor has no site: 'at' does not apply to %s "
                     "(infrared launch detection is space-based; its timing is "
                     "detect_delay and latency)", what);
            bad++;
        }
        if (s->role == TS_ROLE_FIRE_CONTROL) {
            ts_y_err(errs, at_field(t, where, "role", map),
                     "an infrared sensor cannot be fire-control in %s: it cues, it never "
                     "commits", what);
            bad++;
        }
    }
    /* what a sensor of the other kind leaves unset is zero, never NaN */
    if (isnan(s->lat_rad))
        s->lat_rad = s->lon_rad = 0.0;
    if (isnan(s->ref_range_m))
        s->ref_range_m = 0.0;
    if (isnan(s->ref_rcs_m2))
        s->ref_rcs_m2 = 0.0;
    if (isnan(s->ir_detect_s))
        s->ir_detect_s = 0.0;
    if (!s->name[0])
        snprintf(s->name, sizeof s->name, "%s", s->id);
    return bad;
}

/* ---- stages and interceptors ---------------------------------------------------- */

static void stage_blank(ts_stage *st)
{
    st->m_gross_kg = st->m_prop_kg = st->isp_vac_s = st->thrust_vac_n = st->burn_s = NAN;
    st->area_ref_m2 = 0.0;
    st->exit_area_m2 = 0.0;
}

int ts_stages_apply(ts_y_errs *errs, const ts_y_node *list, const char *what, ts_stage *stage,
                    int *n_stages)
{
    const char *keys[TS_MAX_KEYS];
    ts_fields_keys(&ts_stage_fields, keys, 0, TS_MAX_KEYS);
    if (ts_y_expect(errs, list, TS_Y_SEQ, "'stages'"))
        return 1;
    if (list->n == 0) {
        ts_y_err(errs, list, "empty 'stages' in %s", what);
        return 1;
    }
    if (list->n > TS_MAX_STAGES) {
        ts_y_err(errs, list->item[TS_MAX_STAGES], "too many stages in %s (at most %d)", what,
                 TS_MAX_STAGES);
        return 1;
    }
    int bad = 0;
    ts_stage tmp[TS_MAX_STAGES];
    int n = *n_stages > list->n ? *n_stages : list->n;
    for (int i = 0; i < n; i++) {
        tmp[i] = stage[i];
        if (i >= *n_stages)
            stage_blank(&tmp[i]);
    }
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        char w[160];
        snprintf(w, sizeof w, "stage %d of %s", i + 1, what);
        if (ts_y_expect(errs, m, TS_Y_MAP, "a stage")) {
            bad++;
            continue;
        }
        bad += ts_y_check_keys(errs, m, w, keys);
        bad += ts_fields_apply(errs, &ts_stage_fields, m, w, &tmp[i], NULL);
        const ts_y_node *d = ts_y_get(m, "diameter");
        if (d) {
            double dia;
            if (ts_y_quantity(errs, d, "diameter", TS_Q_LENGTH, &dia))
                bad++;
            else if (!(dia > 0 && dia <= 20.0)) {
                ts_y_err(errs, d, "diameter %.6g m in %s is out of range (expected 0 m < "
                         "value <= 20 m)", dia, w);
                bad++;
            } else if (ts_y_get(m, "area")) {
                ts_y_err(errs, d, "give either 'area' or 'diameter' in %s, not "
                         "both", w);
                bad++;
            } else
                tmp[i].area_ref_m2 = 0.25 * TS_PI * dia * dia;
        }
        const ts_y_node *src = ts_y_get(m, "source");
        char text[TS_TEXT_LEN];
        if (src && ts_y_text(errs, src, "'source'", text, sizeof text))
            bad++;
        /* One of Isp and thrust gives the other through the mass flow
         * (constant thrust: F_vac = (m_prop / t_burn) g0 Isp_vac; Sutton &
         * Biblarz, Rocket Propulsion Elements, 8th ed., eqs. 2-5, 3-30), as
         * in data/missiles.yaml.  A thrust or Isp set here replaces the
         * other unless both are given. */
        const ts_y_node *isp_n = ts_y_get(m, "isp"), *thr_n = ts_y_get(m, "thrust");
        if (isp_n && !thr_n)
            tmp[i].thrust_vac_n = NAN;
        if (thr_n && !isp_n)
            tmp[i].isp_vac_s = NAN;
        /* a new burn time or propellant load keeps the motor's Isp */
        if (!isp_n && !thr_n && (ts_y_get(m, "burn_time") || ts_y_get(m, "propellant")) &&
            !isnan(tmp[i].isp_vac_s))
            tmp[i].thrust_vac_n = NAN;
        double mdot = tmp[i].m_prop_kg / tmp[i].burn_s;
        if (isnan(tmp[i].thrust_vac_n) && !isnan(tmp[i].isp_vac_s) && isfinite(mdot))
            tmp[i].thrust_vac_n = mdot * TS_G0 * tmp[i].isp_vac_s;
        else if (isnan(tmp[i].isp_vac_s) && !isnan(tmp[i].thrust_vac_n) && isfinite(mdot))
            tmp[i].isp_vac_s = tmp[i].thrust_vac_n / (mdot * TS_G0);
        else if (isp_n && thr_n && isfinite(mdot) && !isnan(tmp[i].isp_vac_s) &&
                 !isnan(tmp[i].thrust_vac_n)) {
            double implied = mdot * TS_G0 * tmp[i].isp_vac_s;
            double rel = fabs(tmp[i].thrust_vac_n - implied) / implied;
            if (rel > 0.01) {
                ts_y_err(errs, thr_n, "thrust %.6g kN disagrees by %.1f%% with the %.6g kN "
                         "that isp, propellant and burn_time imply in %s (give one "
                         "of isp and thrust, or make them agree within 1%%)",
                         tmp[i].thrust_vac_n / 1e3, 100.0 * rel, implied / 1e3, w);
                bad++;
            }
        }
        static const char *const need[] = {"gross_mass", "propellant", "burn_time"};
        double v[3] = {tmp[i].m_gross_kg, tmp[i].m_prop_kg, tmp[i].burn_s};
        for (int k = 0; k < 3; k++)
            if (isnan(v[k])) {
                if (!ts_y_get(m, need[k]) && !ts_y_typo_of(errs, m, need[k]))
                    ts_y_err(errs, m, "missing required key '%s' in %s", need[k], w);
                bad++;
            }
        if (isnan(tmp[i].isp_vac_s) && isnan(tmp[i].thrust_vac_n)) {
            if (!ts_y_get(m, "isp") && !ts_y_get(m, "thrust"))
                ts_y_err(errs, m, "missing required key 'isp' (or 'thrust') in %s", w);
            bad++;
        }
        if (!isnan(v[0]) && !isnan(v[1]) && !(v[1] < v[0])) {
            const ts_y_node *p = ts_y_get(m, "propellant");
            ts_y_err(errs, p ? p : m, "propellant must be less than gross_mass in %s", w);
            bad++;
        }
    }
    if (bad)
        return bad;
    memcpy(stage, tmp, (size_t)n * sizeof tmp[0]);
    *n_stages = n;
    return 0;
}

void ts_interceptor_blank(ts_interceptor *ic)
{
    memset(ic, 0, sizeof *ic);
    ic->kv_mass_kg = NAN;
    ic->burnout_speed_mps = ic->burn_s = NAN;
    ic->h_min_m = ic->h_max_m = ic->range_max_m = NAN;
}

int ts_interceptor_apply(ts_y_errs *errs, const ts_y_node *map, const char *what,
                         ts_interceptor *ic, const ts_y_node **where)
{
    const ts_y_node *stages = ts_y_get(map, "stages");
    const ts_y_node *bo = ts_y_get(map, "burnout_speed");
    int bad = 0;
    if (stages && bo) {
        ts_y_err(errs, bo, "give either 'stages' or 'burnout_speed' in %s, not both", what);
        bad++;
    }
    int was_staged = ic->n_stages > 0;
    bad += ts_fields_apply(errs, &ts_interceptor_fields, map, what, ic, where);
    if (stages && !bo) {
        int b = ts_stages_apply(errs, stages, what, ic->stage, &ic->n_stages);
        bad += b;
        if (!b && where)
            where[ts_fields_index(&ts_interceptor_fields, "stages")] = stages;
    }
    if (bo && !stages && was_staged)
        /* a burnout speed replaces the stage description; burn_time stays
         * the stages' total unless given (docs/scenario-format.md) */
        ic->n_stages = 0;
    return bad;
}

int ts_interceptor_check(ts_y_errs *errs, const ts_y_node *map, const char *what,
                         ts_interceptor *ic, const ts_y_node *const *where)
{
    int bad = 0;
    const ts_field_table *t = &ts_interceptor_fields;
    if (ic->n_stages > 0) {
        double sum = 0.0;
        for (int i = 0; i < ic->n_stages; i++)
            sum += ic->stage[i].burn_s;
        ic->burn_s = sum; /* a staged booster burns for the sum of its stages */
        if (isnan(ic->kv_mass_kg)) {
            if (!ts_y_get(map, "kv_mass") && !ts_y_typo_of(errs, map, "kv_mass"))
                ts_y_err(errs, map, "missing required key 'kv_mass' in %s (a staged booster "
                     "needs its payload)", what);
            bad++;
        }
        if (isnan(ic->burnout_speed_mps))
            ic->burnout_speed_mps = 0.0;
    } else if (!ts_y_get(map, "stages")) { /* stages given but refused: said */
        if (isnan(ic->burnout_speed_mps)) {
            if (!ts_y_get(map, "burnout_speed") && !ts_y_typo_of(errs, map, "burnout_speed"))
                ts_y_err(errs, map, "missing required key 'burnout_speed' in %s (or give "
                     "'stages')", what);
            bad++;
        }
        if (isnan(ic->burn_s)) {
            if (!ts_y_get(map, "burn_time") && !ts_y_typo_of(errs, map, "burn_time"))
                ts_y_err(errs, map, "missing required key 'burn_time' in %s", what);
            bad++;
        }
    }
    static const char *const need[] = {"h_min", "h_max", "range_max"};
    double v[3] = {ic->h_min_m, ic->h_max_m, ic->range_max_m};
    for (int i = 0; i < 3; i++)
        if (isnan(v[i])) {
            if (!ts_y_get(map, need[i]) && !ts_y_typo_of(errs, map, need[i]))
                ts_y_err(errs, map, "missing required key '%s' in %s", need[i], what);
            bad++;
        }
    if (!isnan(v[0]) && !isnan(v[1]) && !(v[0] < v[1])) {
        const ts_y_node *w = at_field(t, where, "h_max", map);
        if (w == map)
            w = at_field(t, where, "h_min", map);
        ts_y_err(errs, w, "h_min (%.6g km) must be below h_max (%.6g km) in %s", v[0] / KM,
                 v[1] / KM, what);
        bad++;
    }
    if (isnan(ic->kv_mass_kg))
        ic->kv_mass_kg = 0.0;
    if (isnan(ic->burnout_speed_mps))
        ic->burnout_speed_mps = 0.0;
    if (isnan(ic->burn_s))
        ic->burn_s = 0.0;
    for (int i = 0; i < 3; i++)
        if (isnan(v[i]))
            v[i] = 0.0;
    ic->h_min_m = v[0];
    ic->h_max_m = v[1];
    ic->range_max_m = v[2];
    if (!ic->name[0])
        snprintf(ic->name, sizeof ic->name, "%s", ic->id);
    return bad;
}

/* ---- the catalogue files ---------------------------------------------------------- */

/* Opens a catalogue file: a mapping with one key, `top`, holding a list of
 * mappings.  Returns the list node or NULL (errors recorded). */
static const ts_y_node *open_list(ts_y_errs *errs, const char *path, const char *top,
                                  ts_y_doc **doc, int *st)
{
    *st = ts_y_load(errs, path, doc);
    if (*st != TS_OK)
        return NULL;
    const ts_y_node *root = ts_y_root(*doc);
    *st = TS_ESCENARIO;
    if (!root) {
        ts_y_err_pos(errs, path, 1, 1, "empty catalogue (expected a mapping with '%s:')", top);
        return NULL;
    }
    char what[64];
    snprintf(what, sizeof what, "the catalogue's top level");
    if (ts_y_expect(errs, root, TS_Y_MAP, what))
        return NULL;
    const char *keys[] = {top, NULL};
    ts_y_check_keys(errs, root, what, keys);
    const ts_y_node *list = ts_y_require(errs, root, top, what);
    if (!list)
        return NULL;
    char w[64];
    snprintf(w, sizeof w, "'%s'", top);
    if (ts_y_expect(errs, list, TS_Y_SEQ, w))
        return NULL;
    *st = TS_OK;
    return list;
}

/* Reads an entry's id and reports a duplicate among ids[0..n). */
static int read_id(ts_y_errs *errs, const ts_y_node *m, const char *kind, char *id,
                   size_t size, const ts_y_node *const *id_nodes, char (*ids)[TS_NAME_LEN],
                   int n)
{
    char what[64];
    snprintf(what, sizeof what, "a %s", kind);
    const ts_y_node *v = ts_y_require(errs, m, "id", what);
    if (!v)
        return 1;
    snprintf(what, sizeof what, "a %s id", kind);
    if (ts_y_ident(errs, v, what, id, size))
        return 1;
    for (int j = 0; j < n; j++)
        if (!strcmp(ids[j], id)) {
            ts_y_err(errs, v, "duplicate %s id '%s' (first at line %d)", kind, id,
                     id_nodes[j]->line);
            return 1;
        }
    return 0;
}

/* Checks that sources are given (the catalogue's rule: every number sourced). */
static int need_sources(ts_y_errs *errs, const ts_y_node *m, const char *what)
{
    if (ts_y_get(m, "sources"))
        return 0;
    if (ts_y_typo_of(errs, m, "sources"))
        return 1;
    ts_y_err(errs, m, "missing required key 'sources' in %s (every catalogue entry "
             "names its sources)", what);
    return 1;
}

/* A catalogue list being read: its document, the list, the ids read so far
 * (to report a duplicate with the line of the first) and the tally. */
typedef struct {
    ts_y_doc *doc;
    const ts_y_node *list;      /* NULL when the file could not be read */
    const ts_y_node **id_nodes; /* where each id of ids stands */
    char (*ids)[TS_NAME_LEN];
    int count, bad, st;
} entry_list;

/* Opens the list `top` of the catalogue at path.  Returns list->n + 1 zeroed
 * entries of size bytes, or NULL with el->st set (the error is on errs). */
static void *entries_open(entry_list *el, ts_y_errs *errs, const char *path, const char *top,
                          size_t size)
{
    memset(el, 0, sizeof *el);
    el->list = open_list(errs, path, top, &el->doc, &el->st);
    if (!el->list)
        return NULL;
    void *items = calloc((size_t)el->list->n + 1, size);
    el->id_nodes = calloc((size_t)el->list->n + 1, sizeof *el->id_nodes);
    el->ids = calloc((size_t)el->list->n + 1, TS_NAME_LEN);
    if (!items || !el->id_nodes || !el->ids) {
        free(items);
        el->st = TS_ENOMEM;
        ts_y_nomem(errs);
        return NULL;
    }
    return items;
}

/* The i-th entry of the list if it is a mapping; else NULL, counted bad. */
static const ts_y_node *entry_map(entry_list *el, ts_y_errs *errs, int i, const char *what)
{
    const ts_y_node *m = el->list->item[i];
    if (ts_y_expect(errs, m, TS_Y_MAP, what)) {
        el->bad++;
        return NULL;
    }
    return m;
}

/* Ends entry m (b problems so far) of a sensor or interceptor list: checks
 * its sources and records its id. */
static void entry_done(entry_list *el, ts_y_errs *errs, const ts_y_node *m, const char *what,
                       const char *id, int b)
{
    b += need_sources(errs, m, what);
    snprintf(el->ids[el->count], TS_NAME_LEN, "%s", id);
    el->id_nodes[el->count] = ts_y_get(m, "id") ? ts_y_get(m, "id") : m;
    el->count++;
    el->bad += b;
}

/* Closes the list.  Returns items with *n = the count, or frees them and
 * returns NULL with *n = 0; el->st holds the status. */
static void *entries_close(entry_list *el, void *items, int *n)
{
    if (el->bad)
        el->st = TS_ESCENARIO;
    free(el->id_nodes);
    free(el->ids);
    ts_y_doc_free(el->doc); /* list goes with it */
    *n = el->st == TS_OK ? el->count : 0;
    if (el->st != TS_OK) {
        free(items);
        return NULL;
    }
    return items;
}

int ts_sites_read(ts_y_errs *errs, const char *path, int *n, ts_site **out)
{
    entry_list el;
    ts_site *items = entries_open(&el, errs, path, "sites", sizeof *items);
    for (int i = 0; items && i < el.list->n; i++) {
        const ts_y_node *m = entry_map(&el, errs, i, "a site");
        if (!m)
            continue;
        int b = ts_site_read(errs, m, &items[i]);
        char what[96];
        snprintf(what, sizeof what, "site '%s'", items[i].id);
        b += need_sources(errs, m, what);
        const ts_y_node *idn = ts_y_get(m, "id");
        if (idn && items[i].id[0]) {
            for (int j = 0; j < i; j++)
                if (el.ids[j][0] && !strcmp(el.ids[j], items[i].id)) {
                    ts_y_err(errs, idn, "duplicate site id '%s' (first at line %d)",
                             items[i].id, el.id_nodes[j]->line);
                    b++;
                    break;
                }
            snprintf(el.ids[i], TS_NAME_LEN, "%s", items[i].id);
            el.id_nodes[i] = idn;
        }
        el.bad += b;
    }
    if (items)
        el.count = el.list->n;
    *out = entries_close(&el, items, n);
    return el.st;
}

int ts_sensors_read(ts_y_errs *errs, const char *path, const ts_site_list *sites, int *n,
                    ts_sensor **out)
{
    entry_list el;
    ts_sensor *items = entries_open(&el, errs, path, "sensors", sizeof *items);
    const char *keys[TS_MAX_KEYS];
    ts_fields_keys(&ts_sensor_fields, keys, 0, TS_MAX_KEYS);
    for (int i = 0; items && i < el.list->n; i++) {
        const ts_y_node *m = entry_map(&el, errs, i, "a sensor");
        if (!m)
            continue;
        ts_sensor *s = &items[el.count];
        ts_sensor_blank(s);
        int b = ts_y_check_keys(errs, m, "a sensor", keys);
        b += read_id(errs, m, "sensor", s->id, sizeof s->id, el.id_nodes, el.ids, el.count);
        char what[96];
        snprintf(what, sizeof what, "sensor '%s'", s->id);
        const ts_y_node *where[TS_MAX_KEYS] = {NULL};
        b += ts_sensor_apply(errs, m, what, sites, s, where);
        b += ts_sensor_check(errs, m, what, s, where);
        entry_done(&el, errs, m, what, s->id, b);
    }
    *out = entries_close(&el, items, n);
    return el.st;
}

int ts_interceptors_read(ts_y_errs *errs, const char *path, int *n, ts_interceptor **out)
{
    entry_list el;
    ts_interceptor *items = entries_open(&el, errs, path, "interceptors", sizeof *items);
    const char *keys[TS_MAX_KEYS];
    ts_fields_keys(&ts_interceptor_fields, keys, 0, TS_MAX_KEYS);
    for (int i = 0; items && i < el.list->n; i++) {
        const ts_y_node *m = entry_map(&el, errs, i, "an interceptor");
        if (!m)
            continue;
        ts_interceptor *ic = &items[el.count];
        ts_interceptor_blank(ic);
        int b = ts_y_check_keys(errs, m, "an interceptor", keys);
        b += read_id(errs, m, "interceptor", ic->id, sizeof ic->id, el.id_nodes, el.ids,
                     el.count);
        char what[96];
        snprintf(what, sizeof what, "interceptor '%s'", ic->id);
        const ts_y_node *where[TS_MAX_KEYS] = {NULL};
        b += ts_interceptor_apply(errs, m, what, ic, where);
        b += ts_interceptor_check(errs, m, what, ic, where);
        entry_done(&el, errs, m, what, ic->id, b);
    }
    *out = entries_close(&el, items, n);
    return el.st;
}

/* ---- public entry points ------------------------------------------------------------ */

/* Copies the errors to ctx; a read failure keeps its own status. */
static int finish(ts_y_errs *errs, ts_ctx *ctx, int st)
{
    int rep = ts_y_errs_report(errs, ctx);
    ts_y_errs_free(errs);
    if (st == TS_OK && rep != TS_OK)
        st = rep;
    if (st != TS_OK && ctx && ctx->code != st)
        ctx->code = st;
    return st;
}

int ts_sites_load(ts_ctx *ctx, const char *path, int *n, ts_site **out)
{
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    int st = ts_sites_read(&errs, path, n, out);
    return finish(&errs, ctx, st);
}

/* data/sensors.yaml -> data/sites.yaml beside it. */
static void sibling(char *buf, size_t size, const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(buf, size, "%.*s/%s", (int)(slash - path), path, name);
    else
        snprintf(buf, size, "%s", name);
}

int ts_sensors_load(ts_ctx *ctx, const char *path, int *n, ts_sensor **out)
{
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    char sites_path[4096];
    sibling(sites_path, sizeof sites_path, path, "sites.yaml");
    ts_site_list sites = {0, NULL, 0, NULL};
    *n = 0;
    *out = NULL;
    int st = ts_sites_read(&errs, sites_path, &sites.n, &sites.items);
    if (st == TS_OK)
        st = ts_sensors_read(&errs, path, &sites, n, out);
    free(sites.items);
    return finish(&errs, ctx, st);
}

int ts_interceptors_load(ts_ctx *ctx, const char *path, int *n, ts_interceptor **out)
{
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    int st = ts_interceptors_read(&errs, path, n, out);
    return finish(&errs, ctx, st);
}

void ts_free(void *p)
{
    free(p);
}
