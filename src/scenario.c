/*
 * Scenario files: load, validate and resolve a scenario (YAML) into a
 * ts_scenario whose every catalogue reference is resolved and every
 * quantity is in SI.  The format is documented key by key in
 * docs/scenario-format.md; errors follow GCC's format
 * ("path:line:col: error: message (hint)"), all of a file in one pass.
 *
 * Method: the file is read into a tree that keeps positions (yamlutil.c);
 * each section is checked against its known keys; catalogue entries
 * (data/sites.yaml, sensors.yaml, interceptors.yaml, missiles.yaml) are
 * copied and then overridden by the keys written inline; each variant is
 * the base defense resolved again with the variant's overrides merged over
 * the base entries' keys.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "scenario_catalog.h"
#include "settings.h"
#include "region.h"
#include "scenario_limits.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KM 1e3
#define DEG TS_DEG

/* Largest footprint grid accepted (aim points). */
#define MAX_GRID 4000000L

static const char *const earth_names[] = {"wgs84", "sphere", NULL};

typedef struct {
    ts_y_errs errs;
    const char *data_dir;
    const char *scenario_name;
    ts_site_list sites;        /* catalogue sites, then the scenario's */
    int n_cat_sites;           /* the first n of sites are the catalogue's */
    int sensors_state;         /* 0 not loaded, 1 loaded, -1 failed */
    int n_cat_sensors;
    ts_sensor *cat_sensors;
    int ic_state;
    int n_cat_ic;
    ts_interceptor *cat_ic;
    int missiles_state;
    ts_missile_list missiles;
    /* the names of the analyses of the list being read: slot[h] is 1 + the
     * index into that list's names table, 0 empty (open addressing, linear
     * probing; cap a power of two, at least twice the list).  Makes the
     * duplicate-name check O(1): `check` of 100k engagements took 11.6 s,
     * 200k 84 s, when each name was compared with all before it. */
    int *name_slot;
    size_t name_cap;
    int n_scen_missiles;       /* the scenario's own `missiles:` */
    ts_missile *scen_missiles; /* owned */
    ts_region_reader regions;  /* footprint regions (region.c) */
    ts_limit_list *limits;     /* the limits of the defense being resolved
                                  (NULL: not recorded) */
} loader;

/* ---- small helpers ------------------------------------------------------- */

static void data_path(const loader *L, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", L->data_dir, name);
}

/* Reports a duplicate key in a mapping whose keys are free names (threats,
 * variants).  Returns 1 if key i repeats an earlier key. */
static int dup_key(loader *L, const ts_y_node *map, int i, const char *what)
{
    const ts_y_node *k = map->item[2 * i];
    for (int j = 0; j < i; j++) {
        const ts_y_node *p = map->item[2 * j];
        if (p->kind == TS_Y_SCALAR && !strcmp(p->text, k->text)) {
            ts_y_err(&L->errs, k, "duplicate %s '%s' (first at line %d)", what, k->text,
                     p->line);
            return 1;
        }
    }
    return 0;
}

/* Unknown reference: "unknown <kind> '<word>' in <where> (did you mean ...? known: ...)" */
static void unknown_ref_in(loader *L, const ts_y_node *at, const char *kind, const char *where,
                           const char *const *names, int n, const char *more,
                           const char *section)
{
    char hint[2048];
    ts_y_hint(hint, sizeof hint, at->text, names, n, 16, more);
    size_t len = strlen(hint);
    if (section && len > 0 && hint[len - 1] == ')')
        snprintf(hint + len - 1, sizeof hint - len + 1, "; or define it under '%s:')",
                 section);
    ts_y_err(&L->errs, at, "unknown %s '%.60s'%s%s %s", kind, at->text, where[0] ? " in " : "",
             where, hint);
}

static void unknown_ref(loader *L, const ts_y_node *at, const char *kind, const char *where,
                        const char *const *names, int n, const char *more)
{
    unknown_ref_in(L, at, kind, where, names, n, more, NULL);
}

/* ---- catalogues, loaded on first use -------------------------------------- */

static int load_sites(loader *L)
{
    char path[4096];
    data_path(L, "sites.yaml", path, sizeof path);
    int st = ts_sites_read(&L->errs, path, &L->sites.n, &L->sites.items);
    L->n_cat_sites = L->sites.n;
    return st;
}

static const ts_sensor *cat_sensor(loader *L, const ts_y_node *use, const char *where)
{
    if (L->sensors_state == 0) {
        char path[4096];
        data_path(L, "sensors.yaml", path, sizeof path);
        /* catalogue sensors stand on catalogue sites */
        ts_site_list cat = {L->n_cat_sites, L->sites.items, 0, NULL};
        int st = ts_sensors_read(&L->errs, path, &cat, &L->n_cat_sensors, &L->cat_sensors);
        L->sensors_state = st == TS_OK ? 1 : -1;
    }
    if (L->sensors_state < 0)
        return NULL;
    for (int i = 0; i < L->n_cat_sensors; i++)
        if (!strcmp(L->cat_sensors[i].id, use->text))
            return &L->cat_sensors[i];
    const char **names = malloc((size_t)(L->n_cat_sensors + 1) * sizeof *names);
    if (names) {
        for (int i = 0; i < L->n_cat_sensors; i++)
            names[i] = L->cat_sensors[i].id;
        unknown_ref(L, use, "catalogue sensor", where, names, L->n_cat_sensors,
                    "thirdsite catalog sensors");
        free(names);
    }
    return NULL;
}

static const ts_interceptor *cat_interceptor(loader *L, const ts_y_node *use,
                                             const char *where)
{
    if (L->ic_state == 0) {
        char path[4096];
        data_path(L, "interceptors.yaml", path, sizeof path);
        int st = ts_interceptors_read(&L->errs, path, &L->n_cat_ic, &L->cat_ic);
        L->ic_state = st == TS_OK ? 1 : -1;
    }
    if (L->ic_state < 0)
        return NULL;
    for (int i = 0; i < L->n_cat_ic; i++)
        if (!strcmp(L->cat_ic[i].id, use->text))
            return &L->cat_ic[i];
    const char **names = malloc((size_t)(L->n_cat_ic + 1) * sizeof *names);
    if (names) {
        for (int i = 0; i < L->n_cat_ic; i++)
            names[i] = L->cat_ic[i].id;
        unknown_ref(L, use, "catalogue interceptor", where, names, L->n_cat_ic,
                    "thirdsite catalog interceptors");
        free(names);
    }
    return NULL;
}

static const ts_missile *cat_missile(loader *L, const ts_y_node *id, const char *where)
{
    if (L->missiles_state == 0) {
        char path[4096];
        data_path(L, "missiles.yaml", path, sizeof path);
        ts_ctx *c = ts_ctx_create();
        int st = c ? ts_missiles_load(c, path, &L->missiles) : TS_ENOMEM;
        if (st == TS_ENOMEM)
            ts_y_nomem(&L->errs);
        if (st != TS_OK) {
            ts_y_err_pos(&L->errs, path, 0, 0, "cannot load the missile catalogue: %s",
                         c ? ts_ctx_message(c) : "out of memory");
            L->missiles.n = 0;
            L->missiles.items = NULL;
        }
        ts_ctx_free(c);
        L->missiles_state = st == TS_OK ? 1 : -1;
    }
    if (L->missiles_state < 0)
        return NULL;
    /* the scenario's own missiles first: one with a catalogue id replaces it */
    for (int i = 0; i < L->n_scen_missiles; i++)
        if (!strcmp(L->scen_missiles[i].id, id->text))
            return &L->scen_missiles[i];
    const ts_missile *m = ts_missiles_find(&L->missiles, id->text);
    if (m)
        return m;
    int n = L->n_scen_missiles + L->missiles.n;
    const char **names = malloc((size_t)(n + 1) * sizeof *names);
    if (names) {
        for (int i = 0; i < L->n_scen_missiles; i++)
            names[i] = L->scen_missiles[i].id;
        for (int i = 0; i < L->missiles.n; i++)
            names[L->n_scen_missiles + i] = L->missiles.items[i].id;
        unknown_ref_in(L, id, "missile", where, names, n, "thirdsite catalog missiles",
                       "missiles");
        free(names);
    }
    return NULL;
}

/* ---- the head of the file --------------------------------------------------- */

static void read_earth(loader *L, const ts_y_node *node, ts_earth *earth)
{
    int model = TS_EARTH_WGS84, rotating = 1;
    if (node && node->kind == TS_Y_SCALAR) {
        ts_y_enum(&L->errs, node, "earth model", earth_names, &model);
    } else if (node && !ts_y_expect(&L->errs, node, TS_Y_MAP, "'earth'")) {
        static const char *const keys[] = {"model", "rotating", NULL};
        ts_y_check_keys(&L->errs, node, "'earth'", keys);
        const ts_y_node *m = ts_y_get(node, "model"), *r = ts_y_get(node, "rotating");
        if (m)
            ts_y_enum(&L->errs, m, "earth model", earth_names, &model);
        if (r)
            ts_y_bool(&L->errs, r, "'rotating'", &rotating);
    }
    ts_earth_init(earth, (ts_earth_model)model, rotating);
}

static void read_sites(loader *L, const ts_y_node *list)
{
    if (!list || ts_y_expect(&L->errs, list, TS_Y_SEQ, "'sites'"))
        return;
    ts_site *items = realloc(L->sites.items, (size_t)(L->sites.n + list->n + 1) * sizeof *items);
    if (!items) {
        ts_y_nomem(&L->errs);
        return;
    }
    L->sites.items = items;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        if (ts_y_expect(&L->errs, m, TS_Y_MAP, "a site"))
            continue;
        ts_site s;
        if (ts_site_read(&L->errs, m, &s)) {
            /* remembered, so that the places naming it stay quiet */
            char(*br)[TS_NAME_LEN] = s.id[0] ? realloc(L->sites.broken,
                (size_t)(L->sites.n_broken + 1) * sizeof *br) : NULL;
            if (br) {
                L->sites.broken = br;
                snprintf(br[L->sites.n_broken++], TS_NAME_LEN, "%s", s.id);
            }
            continue;
        }
        for (int j = L->n_cat_sites; j < L->sites.n; j++)
            if (!strcmp(L->sites.items[j].id, s.id)) {
                ts_y_err(&L->errs, ts_y_get(m, "id"), "duplicate site id '%s' in the "
                         "scenario", s.id);
                goto next;
            }
        L->sites.items[L->sites.n++] = s;
    next:;
    }
}

/* The scenario's own missiles (`missiles:`, the catalogue's format). */
static void read_missiles(loader *L, const ts_y_node *list)
{
    if (!list || ts_y_expect(&L->errs, list, TS_Y_SEQ, "'missiles'"))
        return;
    char path[4096];
    data_path(L, "missiles.yaml", path, sizeof path);
    ts_missiles_read_scenario(&L->errs, list, path, NULL, L->scenario_name,
                              &L->n_scen_missiles, &L->scen_missiles);
}

/* ---- the defense ------------------------------------------------------------------ */

/* (then the limit keys, ts_battery_limit_keys: scenario_limits.c) */
static const char *const battery_keys[] = {"id", "use", "at", "height", "inventory",
                                           "readiness", "fire_control", "hears",
                                           "launch_on_remote", "updates",
                                           "track_before_intercept", "update_gap_max", NULL};

/* Keys a defense sensor entry may hold (and, in a variant, without id). */
static int sensor_entry_keys(const char **keys, int variant)
{
    int n = 0;
    if (!variant)
        keys[n++] = "id";
    keys[n++] = "use";
    for (int i = 0; i < ts_sensor_fields.n && n < TS_MAX_KEYS - 1; i++)
        if (strcmp(ts_sensor_fields.f[i].key, "id"))
            keys[n++] = ts_sensor_fields.f[i].key;
    for (int i = 0; ts_sensor_limit_keys[i] && n < TS_MAX_KEYS - 1; i++)
        keys[n++] = ts_sensor_limit_keys[i];
    keys[n] = NULL;
    return n;
}

static int battery_entry_keys(const char **keys, int variant)
{
    int n = 0;
    for (int i = 0; battery_keys[i]; i++)
        if (!variant || strcmp(battery_keys[i], "id"))
            keys[n++] = battery_keys[i];
    for (int i = 0; ts_battery_limit_keys[i] && n < TS_MAX_KEYS - 1; i++)
        keys[n++] = ts_battery_limit_keys[i];
    for (int i = 0; i < ts_interceptor_fields.n && n < TS_MAX_KEYS - 1; i++)
        if (strcmp(ts_interceptor_fields.f[i].key, "id"))
            keys[n++] = ts_interceptor_fields.f[i].key;
    keys[n] = NULL;
    return n;
}

/* Names the catalogue fields a scenario entry overrides ("ref_range, el_min"),
 * for the entry's sources. */
static void override_note(const ts_y_node *const *maps, int n_maps, const char *const *skip,
                          char *buf, size_t size)
{
    buf[0] = '\0';
    for (int m = 0; m < n_maps; m++) {
        if (!maps[m])
            continue;
        for (int i = 0; i < maps[m]->n; i++) {
            const ts_y_node *k = maps[m]->item[2 * i];
            if (k->kind != TS_Y_SCALAR)
                continue;
            int skipped = 0;
            for (int s = 0; skip[s] && !skipped; s++)
                skipped = !strcmp(skip[s], k->text);
            if (skipped || strstr(buf, k->text))
                continue;
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s", len ? ", " : "", k->text);
        }
    }
}

/* The sources of an overridden catalogue entry: the catalogue's, then what
 * the scenario changed and the sources it gave for that. */
static void compose_sources(char *dst, size_t size, const char *cat, const char *scen_name,
                            const char *note, const char *given)
{
    char buf[TS_TEXT_LEN];
    snprintf(buf, sizeof buf, "%s", cat);
    if (note[0]) {
        char t[TS_TEXT_LEN];
        snprintf(t, sizeof t, "scenario %s sets %s%s%s", scen_name, note,
                 given[0] ? ": " : " (no source given)", given);
        ts_sources_append(buf, sizeof buf, t);
    }
    snprintf(dst, size, "%s", buf);
}

/* The id of a defense entry: `id`, else `use` (sensors), else the site
 * (batteries). */
static int entry_id(loader *L, const ts_y_node *m, const char *kind, const char *fallback_key,
                    char *id, int report)
{
    const ts_y_node *v = ts_y_get(m, "id");
    char what[64];
    snprintf(what, sizeof what, "a %s id", kind);
    if (v)
        return report ? ts_y_ident(&L->errs, v, what, id, TS_NAME_LEN)
                      : ts_y_ident(NULL, v, what, id, TS_NAME_LEN);
    v = ts_y_get(m, fallback_key);
    if (!v && strcmp(fallback_key, "use"))
        v = ts_y_get(m, "use");
    if (v && v->kind == TS_Y_SCALAR && v->len > 0 && v->len < TS_NAME_LEN &&
        ts_y_ident(NULL, v, what, id, TS_NAME_LEN) == TS_OK)
        return TS_OK;
    /* `use: EMR`: not a catalogue id at all; the catalogue look-up of `use`
     * says so with its "did you mean" (not "missing required key 'id'") */
    if (v && v == ts_y_get(m, "use") && v->kind == TS_Y_SCALAR && v->len > 0) {
        snprintf(id, TS_NAME_LEN, "%.*s", TS_NAME_LEN - 1, v->text);
        return TS_OK;
    }
    if (report)
        ts_y_err(&L->errs, m, "missing required key 'id' in a %s (or 'use' to take one from "
                 "the catalogue)", kind);
    return TS_ESCENARIO;
}

/* The variant's override of entry `id` in section `sec` ("sensors",
 * "batteries"), NULL if none. */
static const ts_y_node *variant_entry(const ts_y_node *var, const char *sec, const char *id)
{
    const ts_y_node *s = var ? ts_y_get(var, sec) : NULL;
    if (!s || s->kind != TS_Y_MAP)
        return NULL;
    const ts_y_node *e = ts_y_get(s, id);
    return e && e->kind == TS_Y_MAP ? e : NULL;
}

/* The value of key in the variant's map if there, else in the base map. */
static const ts_y_node *merged(const ts_y_node *base, const ts_y_node *var, const char *key)
{
    const ts_y_node *v = var ? ts_y_get(var, key) : NULL;
    return v ? v : ts_y_get(base, key);
}

/* Writes into dst the sources of an entry built on a catalogue entry: the
 * catalogue's (cat_sources), the keys the scenario overrides in m or vm
 * (other than those in skip) and the entry's own 'sources' text. */
static void entry_sources(const loader *L, const ts_y_node *m, const ts_y_node *vm,
                          const char *const *skip, const char *cat_sources, char *dst,
                          size_t size)
{
    const ts_y_node *maps[2] = {m, vm};
    char note[256];
    override_note(maps, 2, skip, note, sizeof note);
    const ts_y_node *given = merged(m, vm, "sources");
    char gtext[TS_TEXT_LEN] = "";
    if (given && ts_y_text(NULL, given, "'sources'", gtext, sizeof gtext))
        gtext[0] = '\0';
    compose_sources(dst, size, cat_sources, L->scenario_name, note, gtext);
}

static int resolve_sensor(loader *L, const ts_y_node *m, const ts_y_node *vm, int report,
                          ts_sensor *s)
{
    int bad = 0;
    char id[TS_NAME_LEN] = "";
    if (entry_id(L, m, "sensor", "use", id, report))
        return 1;
    char what[96];
    snprintf(what, sizeof what, "sensor '%s'", id);
    const ts_y_node *use = merged(m, vm, "use");
    ts_sensor_blank(s);
    const ts_sensor *cat = NULL;
    if (use) {
        if (use->kind != TS_Y_SCALAR || use->len == 0) {
            ts_y_expect(&L->errs, use, TS_Y_SCALAR, "'use'");
            return 1;
        }
        cat = cat_sensor(L, use, "the defense");
        if (!cat)
            return 1;
        *s = *cat;
    }
    snprintf(s->id, sizeof s->id, "%s", id);
    const ts_y_node *where[TS_MAX_KEYS] = {NULL};
    bad += ts_sensor_apply(&L->errs, m, what, &L->sites, s, where);
    if (vm)
        bad += ts_sensor_apply(&L->errs, vm, what, &L->sites, s, where);
    /* a catalogue sensor on a site the scenario redefines moves with it */
    if (cat && cat->site_id[0] && !merged(m, vm, "at")) {
        const ts_site *now = ts_site_find(&L->sites, cat->site_id);
        const ts_site *was = NULL;
        for (int i = 0; i < L->n_cat_sites; i++)
            if (!strcmp(L->sites.items[i].id, cat->site_id))
                was = &L->sites.items[i];
        if (now && was && now != was) {
            s->lat_rad = now->lat_rad;
            s->lon_rad = now->lon_rad;
            if (!merged(m, vm, "height"))
                s->h_m += now->h_m - was->h_m;
        }
    }
    bad += ts_sensor_check(&L->errs, vm ? vm : m, what, s, where);
    /* limits: not catalogue overrides, so not in the sources' note */
    bad += ts_sensor_limits_read(&L->errs, m, vm, what, s, L->limits);
    if (cat) {
        const char *skip[TS_MAX_KEYS];
        int n = 0;
        skip[n++] = "id";
        skip[n++] = "use";
        skip[n++] = "sources";
        for (int i = 0; ts_sensor_limit_keys[i]; i++)
            skip[n++] = ts_sensor_limit_keys[i];
        skip[n] = NULL;
        entry_sources(L, m, vm, skip, cat->sources, s->sources, sizeof s->sources);
    }
    return bad;
}

static int resolve_battery(loader *L, const ts_y_node *m, const ts_y_node *vm, int report,
                           ts_battery *b)
{
    int bad = 0;
    char id[TS_NAME_LEN] = "";
    if (entry_id(L, m, "battery", "at", id, report))
        return 1;
    char what[96];
    snprintf(what, sizeof what, "battery '%s'", id);
    memset(b, 0, sizeof *b);
    snprintf(b->id, sizeof b->id, "%s", id);
    ts_interceptor *ic = &b->interceptor;
    ts_interceptor_blank(ic);
    const ts_y_node *use = merged(m, vm, "use");
    const ts_interceptor *cat = NULL;
    if (use) {
        if (use->kind != TS_Y_SCALAR || use->len == 0) {
            ts_y_expect(&L->errs, use, TS_Y_SCALAR, "'use'");
            return 1;
        }
        cat = cat_interceptor(L, use, what);
        if (!cat)
            return 1;
        *ic = *cat;
    } else {
        snprintf(ic->id, sizeof ic->id, "%s", id);
    }
    const ts_y_node *where[TS_MAX_KEYS] = {NULL};
    bad += ts_interceptor_apply(&L->errs, m, what, ic, where);
    if (vm)
        bad += ts_interceptor_apply(&L->errs, vm, what, ic, where);
    bad += ts_interceptor_check(&L->errs, vm ? vm : m, what, ic, where);
    if (cat) {
        const char *skip[TS_MAX_KEYS];
        int n = 0;
        for (int i = 0; battery_keys[i]; i++)
            skip[n++] = battery_keys[i];
        for (int i = 0; ts_battery_limit_keys[i]; i++)
            skip[n++] = ts_battery_limit_keys[i];
        skip[n++] = "sources";
        skip[n] = NULL;
        entry_sources(L, m, vm, skip, cat->sources, ic->sources, sizeof ic->sources);
    }
    /* where it stands */
    const ts_y_node *at = merged(m, vm, "at");
    if (!at) {
        if (report && !ts_y_typo_of(&L->errs, m, "at"))
            ts_y_err(&L->errs, m, "missing required key 'at' in %s", what);
        bad++;
    } else {
        ts_place pl;
        double h;
        const ts_site *site;
        if (ts_place_read(&L->errs, at, "'at'", &L->sites, &pl, &h, &site))
            bad++;
        else {
            b->lat_rad = pl.lat_rad;
            b->lon_rad = pl.lon_rad;
            b->h_m = h;
            snprintf(b->site_id, sizeof b->site_id, "%s", site ? site->id : "");
        }
    }
    const ts_y_node *hn = merged(m, vm, "height");
    if (hn) {
        double h;
        if (ts_y_quantity(&L->errs, hn, "height", TS_Q_LENGTH, &h))
            bad++;
        else if (!(h >= -500.0 && h <= 9000.0)) {
            ts_y_err(&L->errs, hn, "height %.6g m in %s is out of range (expected -500 m <= "
                     "value <= 9000 m)", h, what);
            bad++;
        } else
            b->h_m = h;
    }
    const ts_y_node *inv = merged(m, vm, "inventory");
    if (!inv) {
        if (report && !ts_y_typo_of(&L->errs, m, "inventory"))
            ts_y_err(&L->errs, m, "missing required key 'inventory' in %s", what);
        bad++;
    } else if (ts_y_int(&L->errs, inv, "'inventory'", 0, 10000, &b->inventory))
        bad++;
    const ts_y_node *rd = merged(m, vm, "readiness");
    if (rd) {
        if (ts_y_quantity(&L->errs, rd, "readiness", TS_Q_TIME, &b->readiness_s))
            bad++;
        else if (!(b->readiness_s >= 0.0 && b->readiness_s <= 86400.0)) {
            ts_y_err(&L->errs, rd, "readiness %.6g s in %s is out of range (expected 0 s <= "
                     "value <= 86400 s)", b->readiness_s, what);
            b->readiness_s = 0.0;
            bad++;
        }
    }
    bad += ts_battery_limits_read(&L->errs, m, vm, what, b, L->limits);
    return bad;
}

/* A list of sensor ids (fire_control, hears, ...) into indices; check: 1
 * fire-control radars only, 2 radars only, 0 any sensor. */
static int read_links(loader *L, const ts_y_node *list, const char *key, const char *what,
                      const ts_defense *d, int fire_control, int *out, int *n_out)
{
    int bad = 0;
    char w[160];
    snprintf(w, sizeof w, "'%s' of %s", key, what);
    if (ts_y_expect(&L->errs, list, TS_Y_SEQ, w))
        return 1;
    const char **names = malloc((size_t)(d->n_sensors + 1) * sizeof *names);
    if (!names) {
        ts_y_nomem(&L->errs);
        return 1;
    }
    for (int i = 0; i < d->n_sensors; i++)
        names[i] = d->sensors[i].id;
    int n = 0;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *it = list->item[i];
        if (it->kind != TS_Y_SCALAR || it->len == 0) {
            ts_y_expect(&L->errs, it, TS_Y_SCALAR, "a sensor id");
            bad++;
            continue;
        }
        int k = -1;
        for (int j = 0; j < d->n_sensors && k < 0; j++)
            if (!strcmp(d->sensors[j].id, it->text))
                k = j;
        if (k < 0) {
            unknown_ref(L, it, "sensor", w, names, d->n_sensors, NULL);
            bad++;
            continue;
        }
        int dup = 0;
        for (int j = 0; j < n; j++)
            dup |= out[j] == k;
        if (dup) {
            ts_y_err(&L->errs, it, "sensor '%s' listed twice in %s", it->text, w);
            bad++;
            continue;
        }
        if (fire_control == 2 && d->sensors[k].kind != TS_SENSOR_RADAR) {
            ts_y_err(&L->errs, it, "sensor '%s' is infrared: it can never track a threat "
                     "for %s (only radars can)", it->text, w);
            bad++;
            continue;
        }
        if (fire_control == 1 && d->sensors[k].role != TS_ROLE_FIRE_CONTROL) {
            char fc[512] = "";
            for (int j = 0; j < d->n_sensors; j++)
                if (d->sensors[j].role == TS_ROLE_FIRE_CONTROL) {
                    size_t len = strlen(fc);
                    snprintf(fc + len, sizeof fc - len, "%s%s", len ? ", " : "",
                             d->sensors[j].id);
                }
            if (d->sensors[k].kind == TS_SENSOR_INFRARED)
                ts_y_err(&L->errs, it, "sensor '%s' is infrared: an infrared sensor can "
                         "never be fire control, it cues and never commits %s (list it in "
                         "'hears'; fire-control sensors: %s)", it->text, what,
                         fc[0] ? fc : "none");
            else
                ts_y_err(&L->errs, it, "sensor '%s' is early-warning: its track cannot "
                         "commit %s (fire-control sensors: %s; or override its role)",
                         it->text, what, fc[0] ? fc : "none");
            bad++;
            continue;
        }
        if (n == TS_MAX_LINKS) {
            ts_y_err(&L->errs, it, "too many sensors in %s (at most %d)", w, TS_MAX_LINKS);
            bad++;
            break;
        }
        out[n++] = k;
    }
    free(names);
    *n_out = n;
    return bad;
}

/* The battery's own track-before-intercept and update-gap times (absent:
 * -1, the doctrine's). */
static int battery_times(loader *L, const ts_y_node *m, const ts_y_node *vm,
                         const char *what, ts_battery *b)
{
    static const char *const keys[] = {"track_before_intercept", "update_gap_max"};
    double *dst[] = {&b->track_before_intercept_s, &b->update_gap_max_s};
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        *dst[i] = -1.0;
        const ts_y_node *n = merged(m, vm, keys[i]);
        if (!n)
            continue;
        if (ts_y_quantity(&L->errs, n, keys[i], TS_Q_TIME, dst[i])) {
            bad++;
            *dst[i] = -1.0;
        } else if (!(*dst[i] >= 0.0 && *dst[i] <= 3600.0)) {
            ts_y_err(&L->errs, n, "%s %.6g s in %s is out of range (expected 0 s <= value "
                     "<= 3600 s)", keys[i], *dst[i], what);
            bad++;
            *dst[i] = -1.0;
        }
    }
    return bad;
}

static void defense_free(ts_defense *d)
{
    free(d->sensors);
    free(d->batteries);
    d->sensors = NULL;
    d->batteries = NULL;
    d->n_sensors = d->n_batteries = 0;
}

/* Resolves the defense (def) with a variant's overrides (var, NULL for the
 * base).  report = 1 for the base: the base's own key errors are reported
 * once.  Returns the number of errors. */
static int resolve_defense(loader *L, const ts_y_node *def, const ts_y_node *var, int report,
                           ts_defense *d)
{
    int bad = 0;
    memset(d, 0, sizeof *d);
    const ts_y_node *sensors = ts_y_get(def, "sensors");
    const ts_y_node *batteries = ts_y_get(def, "batteries");
    int ns = sensors && sensors->kind == TS_Y_SEQ ? sensors->n : 0;
    int nb = batteries && batteries->kind == TS_Y_SEQ ? batteries->n : 0;
    d->sensors = calloc((size_t)ns + 1, sizeof *d->sensors);
    d->batteries = calloc((size_t)nb + 1, sizeof *d->batteries);
    if (!d->sensors || !d->batteries) {
        ts_y_nomem(&L->errs);
        return 1;
    }
    const char *keys[TS_MAX_KEYS];
    sensor_entry_keys(keys, 0);
    for (int i = 0; i < ns; i++) {
        const ts_y_node *m = sensors->item[i];
        if (m->kind != TS_Y_MAP) {
            if (report)
                ts_y_expect(&L->errs, m, TS_Y_MAP, "a sensor");
            bad++;
            continue;
        }
        if (report)
            bad += ts_y_check_keys(&L->errs, m, "a defense sensor", keys);
        char id[TS_NAME_LEN] = "";
        entry_id(L, m, "sensor", "use", id, 0);
        ts_sensor *s = &d->sensors[d->n_sensors];
        int b = resolve_sensor(L, m, variant_entry(var, "sensors", id), report, s);
        bad += b;
        if (report && id[0])
            for (int j = 0; j < d->n_sensors; j++)
                if (!strcmp(d->sensors[j].id, id)) {
                    const ts_y_node *at = ts_y_get(m, "id") ? ts_y_get(m, "id") : m;
                    ts_y_err(&L->errs, at, "duplicate sensor id '%s' in the defense (give "
                             "each an 'id')", id);
                    bad++;
                    break;
                }
        /* An entry with an error keeps its id registered, so that links and
         * variants naming it are not also refused as unknown references
         * (the defense is not used: the error refuses the scenario). */
        if (!b || id[0]) {
            snprintf(s->id, sizeof s->id, "%s", id);
            d->n_sensors++;
        }
    }
    int sensors_bad = bad; /* links need every sensor */
    battery_entry_keys(keys, 0);
    for (int i = 0; i < nb; i++) {
        const ts_y_node *m = batteries->item[i];
        if (m->kind != TS_Y_MAP) {
            if (report)
                ts_y_expect(&L->errs, m, TS_Y_MAP, "a battery");
            bad++;
            continue;
        }
        if (report)
            bad += ts_y_check_keys(&L->errs, m, "a battery", keys);
        char id[TS_NAME_LEN] = "";
        entry_id(L, m, "battery", "at", id, 0);
        const ts_y_node *vm = variant_entry(var, "batteries", id);
        ts_battery *b = &d->batteries[d->n_batteries];
        int e = resolve_battery(L, m, vm, report, b);
        if (report && id[0])
            for (int j = 0; j < d->n_batteries; j++)
                if (!strcmp(d->batteries[j].id, id)) {
                    const ts_y_node *at = ts_y_get(m, "id") ? ts_y_get(m, "id") : m;
                    ts_y_err(&L->errs, at, "duplicate battery id '%s' in the defense (give "
                             "each an 'id')", id);
                    e++;
                    break;
                }
        char what[96];
        snprintf(what, sizeof what, "battery '%s'", id);
        /* who commits it and who it hears: by default every fire-control
         * sensor, and every sensor */
        const ts_y_node *fc = merged(m, vm, "fire_control");
        if (sensors_bad)
            ;
        else if (fc)
            e += read_links(L, fc, "fire_control", what, d, 1, b->fire_control,
                            &b->n_fire_control);
        else
            for (int j = 0; j < d->n_sensors && b->n_fire_control < TS_MAX_LINKS; j++)
                if (d->sensors[j].role == TS_ROLE_FIRE_CONTROL)
                    b->fire_control[b->n_fire_control++] = j;
        const ts_y_node *hears = merged(m, vm, "hears");
        if (sensors_bad)
            ;
        else if (hears)
            e += read_links(L, hears, "hears", what, d, 0, b->hears, &b->n_hears);
        else
            for (int j = 0; j < d->n_sensors && b->n_hears < TS_MAX_LINKS; j++)
                b->hears[b->n_hears++] = j;
        /* launch on remote and engage on remote: radars of any role */
        const ts_y_node *lr = merged(m, vm, "launch_on_remote");
        if (lr && lr->kind == TS_Y_SCALAR && !strcmp(lr->text, "false"))
            e += ts_launch_remote_limit(&L->errs, m, vm, lr, id, L->limits); /* = [] */
        else if (lr && !sensors_bad)
            e += read_links(L, lr, "launch_on_remote", what, d, 2, b->launch_remote,
                            &b->n_launch_remote);
        const ts_y_node *up = merged(m, vm, "updates");
        if (up && !sensors_bad)
            e += read_links(L, up, "updates", what, d, 2, b->updates, &b->n_updates);
        e += battery_times(L, m, vm, what, b);
        bad += e;
        if (!e || id[0]) { /* registered even with an error: as sensors */
            snprintf(b->id, sizeof b->id, "%s", id);
            d->n_batteries++;
        }
    }
    if (nb == 0 && report) {
        ts_y_err(&L->errs, batteries ? batteries : def, "the defense has no battery (give "
                 "'batteries')");
        bad++;
    }
    /* doctrine: defaults, the base's keys, the variant's */
    ts_doctrine *doc = &d->doctrine;
    doc->mode = TS_DOCTRINE_SHOOT_LOOK_SHOOT;
    doc->salvo = 1;
    doc->sspk = NAN;
    doc->decision_s = 60.0;
    doc->kill_assessment_s = 60.0;
    /* Supported framing: notional defaults (ts_internal.h). */
    doc->track_before_intercept_s = TS_DEFAULT_TRACK_BEFORE_INTERCEPT_S;
    doc->update_gap_max_s = TS_DEFAULT_UPDATE_GAP_MAX_S;
    doc->headline = TS_FRAMING_SUPPORTED;
    const ts_y_node *dn = ts_y_get(def, "doctrine");
    const ts_y_node *vd = var ? ts_y_get(var, "doctrine") : NULL;
    const char *dkeys[TS_MAX_KEYS];
    ts_fields_keys(&ts_doctrine_fields, dkeys, 0, TS_MAX_KEYS);
    if (!dn) {
        if (report && !ts_y_typo_of(&L->errs, def, "doctrine"))
            ts_y_err(&L->errs, def, "missing required key 'doctrine' in 'defense'");
        bad++;
    } else if (dn->kind != TS_Y_MAP) {
        if (report)
            ts_y_expect(&L->errs, dn, TS_Y_MAP, "'doctrine'");
        bad++;
    } else {
        if (report)
            bad += ts_y_check_keys(&L->errs, dn, "'doctrine'", dkeys);
        bad += ts_fields_apply(&L->errs, &ts_doctrine_fields, dn, "'doctrine'", doc, NULL);
    }
    if (vd && vd->kind == TS_Y_MAP)
        bad += ts_fields_apply(&L->errs, &ts_doctrine_fields, vd, "'doctrine'", doc, NULL);
    if (isnan(doc->sspk)) {
        /* absent: say so; present but refused: said already */
        if (report && dn && dn->kind == TS_Y_MAP && !ts_y_get(dn, "sspk") &&
            !ts_y_typo_of(&L->errs, dn, "sspk"))
            ts_y_err(&L->errs, dn, "missing required key 'sspk' in 'doctrine' (the "
                     "single-shot kill probability, e.g. 0.8)");
        bad++;
        doc->sspk = 0.0;
    }
    return bad;
}

/* Checks a variant's own structure: keys, and that it names existing
 * entries. */
static int check_variant(loader *L, const ts_y_node *var, const char *name,
                         const ts_defense *base)
{
    static const char *const keys[] = {"description", "sensors", "batteries", "doctrine", NULL};
    char what[96];
    snprintf(what, sizeof what, "variant '%s'", name);
    if (ts_y_expect(&L->errs, var, TS_Y_MAP, what))
        return 1;
    int bad = ts_y_check_keys(&L->errs, var, what, keys);
    static const char *const secs[] = {"sensors", "batteries"};
    for (int s = 0; s < 2; s++) {
        const ts_y_node *sec = ts_y_get(var, secs[s]);
        if (!sec)
            continue;
        char w[128];
        snprintf(w, sizeof w, "'%s' of %s", secs[s], what);
        if (ts_y_expect(&L->errs, sec, TS_Y_MAP, w)) {
            bad++;
            continue;
        }
        int n = s == 0 ? base->n_sensors : base->n_batteries;
        const char **names = malloc((size_t)(n + 1) * sizeof *names);
        if (!names) {
            ts_y_nomem(&L->errs);
            return bad + 1;
        }
        for (int i = 0; i < n; i++)
            names[i] = s == 0 ? base->sensors[i].id : base->batteries[i].id;
        const char *ekeys[TS_MAX_KEYS];
        if (s == 0)
            sensor_entry_keys(ekeys, 1);
        else
            battery_entry_keys(ekeys, 1);
        for (int i = 0; i < sec->n; i++) {
            const ts_y_node *k = sec->item[2 * i], *v = sec->item[2 * i + 1];
            if (k->kind != TS_Y_SCALAR) {
                ts_y_err(&L->errs, k, "a key in %s must be a plain name", w);
                bad++;
                continue;
            }
            if (dup_key(L, sec, i, s == 0 ? "sensor" : "battery")) {
                bad++;
                continue;
            }
            int found = 0;
            for (int j = 0; j < n && !found; j++)
                found = !strcmp(names[j], k->text);
            if (!found) {
                unknown_ref(L, k, s == 0 ? "sensor" : "battery", w, names, n, NULL);
                bad++;
                continue;
            }
            char ew[160];
            snprintf(ew, sizeof ew, "%s '%s' of %s", s == 0 ? "sensor" : "battery", k->text,
                     what);
            if (ts_y_expect(&L->errs, v, TS_Y_MAP, ew)) {
                bad++;
                continue;
            }
            bad += ts_y_check_keys(&L->errs, v, ew, ekeys);
        }
        free(names);
    }
    const ts_y_node *dn = ts_y_get(var, "doctrine");
    if (dn) {
        char w[128];
        snprintf(w, sizeof w, "'doctrine' of %s", what);
        const char *dkeys[TS_MAX_KEYS];
        ts_fields_keys(&ts_doctrine_fields, dkeys, 0, TS_MAX_KEYS);
        if (ts_y_expect(&L->errs, dn, TS_Y_MAP, w))
            bad++;
        else
            bad += ts_y_check_keys(&L->errs, dn, w, dkeys);
    }
    return bad;
}

static void read_defense(loader *L, const ts_y_node *def, const ts_y_node *variants,
                         ts_scenario *sc)
{
    static const char *const keys[] = {"name", "description", "sensors", "batteries",
                                       "doctrine", NULL};
    if (ts_y_expect(&L->errs, def, TS_Y_MAP, "'defense'"))
        return;
    ts_y_check_keys(&L->errs, def, "'defense'", keys);
    const ts_y_node *s = ts_y_get(def, "sensors"), *b = ts_y_get(def, "batteries");
    if (s)
        ts_y_expect(&L->errs, s, TS_Y_SEQ, "'sensors'");
    if (b)
        ts_y_expect(&L->errs, b, TS_Y_SEQ, "'batteries'");
    int nv = 1;
    if (variants && !ts_y_expect(&L->errs, variants, TS_Y_MAP, "'variants'"))
        nv += variants->n;
    sc->variants = calloc((size_t)nv, sizeof *sc->variants);
    if (!sc->variants) {
        ts_y_nomem(&L->errs);
        return;
    }
    ts_variant *base = &sc->variants[0];
    snprintf(base->name, sizeof base->name, "base");
    const ts_y_node *nm = ts_y_get(def, "name"), *ds = ts_y_get(def, "description");
    if (nm)
        ts_y_ident(&L->errs, nm, "the base variant's name", base->name, sizeof base->name);
    if (ds)
        ts_y_string(&L->errs, ds, "'description'", base->description, sizeof base->description);
    sc->n_variants = 1;
    ts_limit_list lim = {0, 0, NULL};
    L->limits = &lim;
    int bad = resolve_defense(L, def, NULL, 1, &base->defense);
    base->n_limits = lim.n;
    base->limits = lim.items;
    for (int i = 1; i < nv; i++) {
        const ts_y_node *k = variants->item[2 * (i - 1)], *v = variants->item[2 * (i - 1) + 1];
        ts_variant *var = &sc->variants[sc->n_variants];
        if (k->kind != TS_Y_SCALAR) {
            ts_y_err(&L->errs, k, "a variant's name must be a plain name");
            continue;
        }
        if (dup_key(L, variants, i - 1, "variant"))
            continue;
        if (ts_y_ident(&L->errs, k, "a variant name", var->name, sizeof var->name))
            continue;
        if (!strcmp(var->name, base->name)) {
            ts_y_err(&L->errs, k, "variant '%s' has the base defense's name", var->name);
            continue;
        }
        if (check_variant(L, v, var->name, &base->defense))
            continue;
        const ts_y_node *vd = ts_y_get(v, "description");
        if (vd && ts_y_string(&L->errs, vd, "'description'", var->description,
                              sizeof var->description))
            continue;
        if (bad) /* the base must resolve before its variants can */
            continue;
        ts_limit_list vl = {0, 0, NULL};
        L->limits = &vl;
        if (resolve_defense(L, def, v, 0, &var->defense)) {
            defense_free(&var->defense);
            free(vl.items);
            continue;
        }
        var->n_limits = vl.n;
        var->limits = vl.items;
        sc->n_variants++;
    }
    L->limits = NULL;
}

/* ---- threats ---------------------------------------------------------------------- */

/* A list of places (or one place); *out owned by the caller. */
static int read_places(loader *L, const ts_y_node *node, const char *what, ts_place **out,
                       int *n)
{
    *out = NULL;
    *n = 0;
    int count = node->kind == TS_Y_SEQ ? node->n : 1;
    if (node->kind == TS_Y_MAP) {
        ts_y_err(&L->errs, node, "expected a site, a position or a list of them for %s, got "
                 "a mapping", what);
        return 1;
    }
    if (count == 0) {
        ts_y_err(&L->errs, node, "empty list for %s", what);
        return 1;
    }
    ts_place *p = calloc((size_t)count, sizeof *p);
    if (!p) {
        ts_y_nomem(&L->errs);
        return 1;
    }
    int bad = 0;
    for (int i = 0; i < count; i++) {
        const ts_y_node *it = node->kind == TS_Y_SEQ ? node->item[i] : node;
        if (ts_place_read(&L->errs, it, what, &L->sites, &p[i], NULL, NULL)) {
            bad++;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(p[j].name, p[i].name)) {
                ts_y_err(&L->errs, it, "'%s' listed twice in %s", p[i].name, what);
                bad++;
                break;
            }
    }
    if (bad) {
        free(p);
        return bad;
    }
    *out = p;
    *n = count;
    return 0;
}

static void read_threats(loader *L, const ts_y_node *threats, ts_scenario *sc)
{
    static const char *const keys[] = {"missile", "from", "shape", "rcs", "name", "payload",
                                       "stages", NULL};
    if (ts_y_expect(&L->errs, threats, TS_Y_MAP, "'threats'"))
        return;
    sc->threats = calloc((size_t)threats->n + 1, sizeof *sc->threats);
    if (!sc->threats) {
        ts_y_nomem(&L->errs);
        return;
    }
    for (int i = 0; i < threats->n; i++) {
        const ts_y_node *k = threats->item[2 * i], *m = threats->item[2 * i + 1];
        ts_threat *t = &sc->threats[sc->n_threats];
        memset(t, 0, sizeof *t);
        if (k->kind != TS_Y_SCALAR) {
            ts_y_err(&L->errs, k, "a threat's name must be a plain name");
            continue;
        }
        if (dup_key(L, threats, i, "threat"))
            continue;
        if (ts_y_ident(&L->errs, k, "a threat name", t->id, sizeof t->id))
            continue;
        char what[96];
        snprintf(what, sizeof what, "threat '%s'", t->id);
        if (ts_y_expect(&L->errs, m, TS_Y_MAP, what))
            continue;
        int bad = ts_y_check_keys(&L->errs, m, what, keys);
        const ts_y_node *mn = ts_y_require(&L->errs, m, "missile", what);
        const ts_y_node *from = ts_y_require(&L->errs, m, "from", what);
        const ts_missile *cat = NULL;
        if (!mn || !from)
            bad++;
        if (mn && mn->kind == TS_Y_MAP) {
            /* a missile written inline, in the catalogue's format */
            char path[4096];
            data_path(L, "missiles.yaml", path, sizeof path);
            int n_in = 0;
            ts_missile *in = NULL;
            if (ts_missiles_read_scenario(&L->errs, mn, path, t->id, L->scenario_name, &n_in,
                                          &in) || n_in != 1)
                bad++;
            else
                t->missile = in[0];
            free(in);
        } else if (mn && (mn->kind != TS_Y_SCALAR || mn->len == 0)) {
            ts_y_expect(&L->errs, mn, TS_Y_SCALAR, "'missile'");
            bad++;
        } else if (mn && !(cat = cat_missile(L, mn, what)))
            bad++;
        if (cat)
            t->missile = *cat;
        if (from)
            bad += read_places(L, from, "'from'", &t->from, &t->n_from);
        t->shape = TS_SHAPE_MIN_ENERGY;
        const ts_y_node *sh = ts_y_get(m, "shape");
        int shape = 0;
        if (sh && ts_y_enum(&L->errs, sh, "shape", ts_flight_shape_names, &shape))
            bad++;
        t->shape = (ts_flight_shape)shape;
        /* Nominal warhead RCS 0.1 m^2 (SOURCES.md, "warhead radar cross
         * section": 0.1 nominal, 0.01 stressing; common practice, R). */
        t->rcs_m2 = 0.1;
        const ts_y_node *rcs = ts_y_get(m, "rcs");
        if (rcs) {
            double x;
            if (ts_y_quantity(&L->errs, rcs, "rcs", TS_Q_AREA, &x))
                bad++;
            else if (!(x > 0.0 && x <= 1000.0)) {
                ts_y_err(&L->errs, rcs, "rcs %.6g m^2 in %s is out of range (expected 0 m^2 "
                         "< value <= 1000 m^2)", x, what);
                bad++;
            } else
                t->rcs_m2 = x;
        }
        /* overrides of the missile */
        const ts_y_node *nm = ts_y_get(m, "name");
        if (nm && ts_y_string(&L->errs, nm, "'name'", t->missile.name, sizeof t->missile.name))
            bad++;
        const ts_y_node *pl = ts_y_get(m, "payload");
        if (pl) {
            double x;
            if (ts_y_quantity(&L->errs, pl, "payload", TS_Q_MASS, &x))
                bad++;
            else if (!(x > 0.0 && x <= 100e3)) {
                ts_y_err(&L->errs, pl, "payload %.6g kg in %s is out of range (expected 0 kg "
                         "< value <= 100 t)", x, what);
                bad++;
            } else
                t->missile.payload_kg = x;
        }
        const ts_y_node *st = ts_y_get(m, "stages");
        if (st && ts_stages_apply(&L->errs, st, what, t->missile.stage, &t->missile.n_stages))
            bad++;
        if (cat && (pl || st)) {
            char note[128] = "";
            snprintf(note, sizeof note, "scenario %s sets %s%s%s", L->scenario_name,
                     pl ? "payload" : "", pl && st ? ", " : "", st ? "stages" : "");
            ts_sources_append(t->missile.sources, sizeof t->missile.sources, note);
        }
        if (bad) {
            free(t->from);
            t->from = NULL;
            continue;
        }
        sc->n_threats++;
    }
}

/* ---- analyses ----------------------------------------------------------------------- */

/* Index of the threat named by node, or -1 after an error. */
static int threat_ref(loader *L, const ts_y_node *node, const char *what, const ts_scenario *sc,
                      const ts_y_node *threats)
{
    if (node->kind != TS_Y_SCALAR || node->len == 0) {
        ts_y_expect(&L->errs, node, TS_Y_SCALAR, "'threat'");
        return -1;
    }
    for (int i = 0; i < sc->n_threats; i++)
        if (!strcmp(sc->threats[i].id, node->text))
            return i;
    /* a threat that exists but failed has been reported already */
    if (threats && threats->kind == TS_Y_MAP)
        for (int i = 0; i < threats->n; i++)
            if (threats->item[2 * i]->kind == TS_Y_SCALAR &&
                !strcmp(threats->item[2 * i]->text, node->text))
                return -1;
    const char **names = malloc((size_t)(sc->n_threats + 1) * sizeof *names);
    if (names) {
        for (int i = 0; i < sc->n_threats; i++)
            names[i] = sc->threats[i].id;
        unknown_ref(L, node, "threat", what, names, sc->n_threats, NULL);
        free(names);
    }
    return -1;
}

/* Whether s would pass as a name (ts_y_ident). */
static int is_ident(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= TS_NAME_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '-' || c == '_' || c == '.'));
        if (!ok)
            return 0;
    }
    return 1;
}

/* FNV-1a, 64 bits (Fowler, Noll, Vo; IETF draft-eastlake-fnv). */
static size_t name_hash(const char *s)
{
    unsigned long long h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* Reads the name of an analysis entry, or makes one; checks uniqueness
 * against names[0..n) through L's index (analysis_list made it), which
 * then holds the new name as names[n]: the caller stores it there when
 * this returns 0. */
static int analysis_name(loader *L, const ts_y_node *m, const char *kind, char *name,
                         const char *fallback, char (*names)[TS_NAME_LEN], int n)
{
    const ts_y_node *nn = ts_y_get(m, "name");
    char what[64];
    snprintf(what, sizeof what, "the %s's name", kind);
    if (nn) {
        if (ts_y_ident(&L->errs, nn, what, name, TS_NAME_LEN))
            return 1;
    } else {
        snprintf(name, TS_NAME_LEN, "%s", fallback);
    }
    int dup = 0;
    size_t h = name_hash(name) & (L->name_cap - 1);
    for (; L->name_slot[h] && !dup; h = (h + 1) & (L->name_cap - 1))
        dup = !strcmp(names[L->name_slot[h] - 1], name);
    if (!dup)
        L->name_slot[h] = n + 1;
    if (dup) {
        ts_y_err(&L->errs, nn ? nn : m, "duplicate %s name '%s'%s", kind, name,
                 nn ? "" : " (give each a 'name')");
        return 1;
    }
    return 0;
}

/* Opens a list of analyses of one kind: `list` must be a sequence (else an
 * error naming `what`).  Returns list->n + 1 zeroed elements of `size`
 * bytes and, in *names, a table for the names read so far; or NULL with
 * *names == NULL (nothing allocated). */
static void *analysis_list(loader *L, const ts_y_node *list, const char *what, size_t size,
                           char (**names)[TS_NAME_LEN])
{
    *names = NULL;
    if (ts_y_expect(&L->errs, list, TS_Y_SEQ, what))
        return NULL;
    void *items = calloc((size_t)list->n + 1, size);
    *names = calloc((size_t)list->n + 1, TS_NAME_LEN);
    if (!items || !*names) {
        ts_y_nomem(&L->errs);
        free(items);
        free(*names);
        *names = NULL;
        return NULL;
    }
    free(L->name_slot); /* a fresh index */
    L->name_cap = 16;
    while (L->name_cap < 2 * ((size_t)list->n + 1))
        L->name_cap *= 2;
    L->name_slot = calloc(L->name_cap, sizeof *L->name_slot);
    if (!L->name_slot) {
        ts_y_nomem(&L->errs);
        free(items);
        free(*names);
        *names = NULL;
        return NULL;
    }
    return items;
}

/* Reads what every analysis entry shares: m is a map of `keys` only, with a
 * 'threat' and the key `need`.  Returns the number of problems; *threat is
 * the threat's index or -1, *needed the `need` node or NULL. */
static int analysis_head(loader *L, const ts_y_node *m, const char *what,
                         const char *const *keys, const char *need, const ts_scenario *sc,
                         const ts_y_node *threats, int *threat, const ts_y_node **needed)
{
    int bad = ts_y_check_keys(&L->errs, m, what, keys);
    const ts_y_node *tn = ts_y_require(&L->errs, m, "threat", what);
    *needed = ts_y_require(&L->errs, m, need, what);
    *threat = tn ? threat_ref(L, tn, what, sc, threats) : -1;
    return bad + (*threat < 0);
}

static void read_engagements(loader *L, const ts_y_node *list, ts_scenario *sc,
                             const ts_y_node *threats)
{
    static const char *const keys[] = {"name", "threat", "from", "to", NULL};
    char(*names)[TS_NAME_LEN];
    sc->engagements = analysis_list(L, list, "'engagements'", sizeof *sc->engagements, &names);
    if (!sc->engagements)
        return;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        ts_engagement_spec *e = &sc->engagements[sc->n_engagements];
        if (ts_y_expect(&L->errs, m, TS_Y_MAP, "an engagement"))
            continue;
        const ts_y_node *to, *from = ts_y_get(m, "from");
        int bad = analysis_head(L, m, "an engagement", keys, "to", sc, threats, &e->threat, &to);
        if (!to || ts_place_read(&L->errs, to, "'to'", &L->sites, &e->to, NULL, NULL))
            bad++;
        if (from) {
            if (ts_place_read(&L->errs, from, "'from'", &L->sites, &e->from, NULL, NULL))
                bad++;
        } else if (e->threat >= 0) {
            e->from = sc->threats[e->threat].from[0];
        }
        e->line = m->line;
        e->col = m->col;
        char fallback[TS_NAME_LEN * 2 + 2];
        snprintf(fallback, sizeof fallback, "%s-%s", e->from.name, e->to.name);
        if (!is_ident(fallback))
            snprintf(fallback, sizeof fallback, "engagement-%d", i + 1);
        if (!bad && analysis_name(L, m, "engagement", e->name, fallback, names,
                                  sc->n_engagements))
            bad++;
        if (bad)
            continue;
        snprintf(names[sc->n_engagements], TS_NAME_LEN, "%s", e->name);
        sc->n_engagements++;
    }
    free(names);
}

static void read_footprints(loader *L, const ts_y_node *list, ts_scenario *sc,
                            const ts_y_node *threats)
{
    static const char *const keys[] = {"name", "threat", "region", "step", NULL};
    char(*names)[TS_NAME_LEN];
    sc->footprints = analysis_list(L, list, "'footprints'", sizeof *sc->footprints, &names);
    if (!sc->footprints)
        return;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        ts_footprint_spec *f = &sc->footprints[sc->n_footprints];
        if (ts_y_expect(&L->errs, m, TS_Y_MAP, "a footprint"))
            continue;
        const ts_y_node *rg;
        int bad = analysis_head(L, m, "a footprint", keys, "region", sc, threats, &f->threat, &rg);
        double box[4] = {0, 0, 0, 0};
        ts_region *rdef = NULL;
        char desc[TS_TEXT_LEN] = "", rid[TS_NAME_LEN] = "";
        if (!rg)
            bad++;
        else
            bad += ts_region_read(&L->errs, &L->regions, rg, box, &rdef, desc, sizeof desc, rid,
                                  sizeof rid);
        /* step: 0.5 deg unless given (edges not saw-toothed) */
        double step = 0.5 * DEG;
        const ts_y_node *sn = ts_y_get(m, "step");
        if (sn) {
            if (ts_y_quantity(&L->errs, sn, "step", TS_Q_ANGLE, &step))
                bad++;
            else if (!(step >= 0.01 * DEG && step <= 10.0 * DEG)) {
                ts_y_err(&L->errs, sn, "step %.6g deg is out of range (expected 0.01 deg <= "
                         "value <= 10 deg)", step / DEG);
                bad++;
            }
        }
        if (!bad) {
            double n_lat = ceil((box[1] - box[0]) * DEG / step - 1e-9);
            double n_lon = ceil((box[3] - box[2]) * DEG / step - 1e-9);
            if (n_lat * n_lon > (double)MAX_GRID) {
                ts_y_err(&L->errs, sn ? sn : m, "a grid of %.0f x %.0f aim points is too fine "
                         "(at most %ld points: take a larger step)", n_lat, n_lon, MAX_GRID);
                bad++;
            }
        }
        char fallback[TS_NAME_LEN];
        if (rid[0])
            snprintf(fallback, sizeof fallback, "%s", rid);
        else
            snprintf(fallback, sizeof fallback, "footprint-%d", i + 1);
        if (!bad && analysis_name(L, m, "footprint", f->name, fallback, names, sc->n_footprints))
            bad++;
        if (bad) {
            ts_region_free(rdef);
            continue;
        }
        if (rg->kind == TS_Y_SCALAR)
            snprintf(f->region, sizeof f->region, "%s", rg->text);
        else
            snprintf(f->region, sizeof f->region, "%s", f->name);
        f->region_def = rdef;
        snprintf(f->region_desc, sizeof f->region_desc, "%s", desc);
        f->lat_min_rad = box[0] * DEG;
        f->lat_max_rad = box[1] * DEG;
        f->lon_min_rad = box[2] * DEG;
        f->lon_max_rad = box[3] * DEG;
        f->step_rad = step;
        snprintf(names[sc->n_footprints], TS_NAME_LEN, "%s", f->name);
        sc->n_footprints++;
    }
    free(names);
}

/* The matrix's threats: `threat` (one) or `threats` (a list, each flown
 * from its own `from`), exactly one of the two.  Returns the number of
 * problems; on success *idx (owned) holds the n threat indices. */
static int matrix_threats(loader *L, const ts_y_node *m, const ts_scenario *sc,
                          const ts_y_node *threats, int **idx, int *n)
{
    const ts_y_node *one = ts_y_get(m, "threat"), *many = ts_y_get(m, "threats");
    *idx = NULL;
    *n = 0;
    if (one && many) {
        ts_y_err(&L->errs, many, "a matrix takes 'threat' or 'threats', not both");
        return 1;
    }
    if (!one && !many) {
        ts_y_err(&L->errs, m, "missing required key 'threat' (or 'threats') in a matrix");
        return 1;
    }
    if (many && many->kind != TS_Y_SEQ) {
        ts_y_expect(&L->errs, many, TS_Y_SEQ, "'threats'");
        return 1;
    }
    if (many && many->n == 0) {
        ts_y_err(&L->errs, many, "empty list for 'threats'");
        return 1;
    }
    const int count = many ? many->n : 1;
    int *t = calloc((size_t)count, sizeof *t);
    if (!t)
        return 1;
    int bad = 0;
    for (int i = 0; i < count; i++) {
        const ts_y_node *it = many ? many->item[i] : one;
        t[i] = threat_ref(L, it, "a matrix", sc, threats);
        if (t[i] < 0) {
            bad++;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (t[j] == t[i]) {
                ts_y_err(&L->errs, it, "threat '%s' listed twice in 'threats'", it->text);
                bad++;
                break;
            }
    }
    if (bad) {
        free(t);
        return bad;
    }
    *idx = t;
    *n = count;
    return 0;
}

static void read_matrices(loader *L, const ts_y_node *list, ts_scenario *sc,
                          const ts_y_node *threats)
{
    static const char *const keys[] = {"name", "threat", "threats", "from", "to", NULL};
    char(*names)[TS_NAME_LEN];
    sc->matrices = analysis_list(L, list, "'matrix'", sizeof *sc->matrices, &names);
    if (!sc->matrices)
        return;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        ts_matrix_spec *x = &sc->matrices[sc->n_matrices];
        memset(x, 0, sizeof *x);
        if (ts_y_expect(&L->errs, m, TS_Y_MAP, "a matrix"))
            continue;
        const ts_y_node *from = ts_y_get(m, "from");
        int *tix = NULL, n_t = 0;
        int bad = ts_y_check_keys(&L->errs, m, "a matrix", keys);
        bad += matrix_threats(L, m, sc, threats, &tix, &n_t);
        const ts_y_node *to = ts_y_require(&L->errs, m, "to", "a matrix");
        x->threat = tix ? tix[0] : -1;
        if (!to)
            bad++;
        else
            bad += read_places(L, to, "'to'", &x->to, &x->n_to);
        if (from && ts_y_get(m, "threats")) {
            ts_y_err(&L->errs, from, "a matrix with 'threats' takes its bases from each "
                     "threat's 'from' (give 'from' in the threats)");
            bad++;
        } else if (from) {
            bad += read_places(L, from, "'from'", &x->from, &x->n_from);
            if (tix && x->from) {
                x->row_threat = calloc((size_t)x->n_from, sizeof *x->row_threat);
                if (!x->row_threat) {
                    ts_y_nomem(&L->errs);
                    bad++;
                }
                else
                    for (int a = 0; a < x->n_from; a++)
                        x->row_threat[a] = tix[0];
            }
        } else if (tix) {
            /* one row per (base, missile): each threat's bases, in order */
            int rows = 0;
            for (int k = 0; k < n_t; k++)
                rows += sc->threats[tix[k]].n_from;
            x->from = calloc((size_t)rows, sizeof *x->from);
            x->row_threat = calloc((size_t)rows, sizeof *x->row_threat);
            if (!x->from || !x->row_threat) {
                ts_y_nomem(&L->errs);
                bad++;
            } else
                for (int k = 0; k < n_t; k++) {
                    const ts_threat *t = &sc->threats[tix[k]];
                    memcpy(x->from + x->n_from, t->from, (size_t)t->n_from * sizeof *x->from);
                    for (int a = 0; a < t->n_from; a++)
                        x->row_threat[x->n_from++] = tix[k];
                }
        }
        free(tix);
        x->line = m->line;
        x->col = m->col;
        char fallback[TS_NAME_LEN];
        snprintf(fallback, sizeof fallback, i == 0 ? "matrix" : "matrix-%d", i + 1);
        if (!bad && analysis_name(L, m, "matrix", x->name, fallback, names, sc->n_matrices))
            bad++;
        if (bad) {
            free(x->from);
            free(x->to);
            free(x->row_threat);
            x->from = x->to = NULL;
            x->row_threat = NULL;
            continue;
        }
        snprintf(names[sc->n_matrices], TS_NAME_LEN, "%s", x->name);
        sc->n_matrices++;
    }
    free(names);
}

static void read_analyses(loader *L, const ts_y_node *an, ts_scenario *sc,
                          const ts_y_node *threats)
{
    static const char *const keys[] = {"engagements", "footprints", "matrix", NULL};
    if (ts_y_expect(&L->errs, an, TS_Y_MAP, "'analyses'"))
        return;
    ts_y_check_keys(&L->errs, an, "'analyses'", keys);
    const ts_y_node *e = ts_y_get(an, "engagements"), *f = ts_y_get(an, "footprints"),
                    *m = ts_y_get(an, "matrix");
    if (e)
        read_engagements(L, e, sc, threats);
    if (f)
        read_footprints(L, f, sc, threats);
    if (m)
        read_matrices(L, m, sc, threats);
}

/* ---- the whole file ------------------------------------------------------------------ */

void ts_scenario_free(ts_scenario *sc)
{
    if (!sc)
        return;
    for (int i = 0; i < sc->n_variants; i++) {
        defense_free(&sc->variants[i].defense);
        free(sc->variants[i].limits);
    }
    free(sc->variants);
    free(sc->settings);
    if (sc->threats)
        for (int i = 0; i < sc->n_threats; i++)
            free(sc->threats[i].from);
    free(sc->threats);
    free(sc->engagements);
    if (sc->footprints)
        for (int i = 0; i < sc->n_footprints; i++)
            ts_region_free(sc->footprints[i].region_def);
    free(sc->footprints);
    if (sc->matrices)
        for (int i = 0; i < sc->n_matrices; i++) {
            free(sc->matrices[i].from);
            free(sc->matrices[i].to);
            free(sc->matrices[i].row_threat);
        }
    free(sc->matrices);
    free(sc);
}

static void read_scenario(loader *L, const ts_y_node *root, ts_scenario *sc)
{
    static const char *const keys[] = {"name",     "title",    "question", "sources",
                                       "earth",    "sites",    "missiles", "defense",
                                       "variants", "threats",  "analyses", NULL};
    ts_y_check_keys(&L->errs, root, "the scenario", keys);
    const ts_y_node *n = ts_y_require(&L->errs, root, "name", "the scenario");
    if (n)
        ts_y_ident(&L->errs, n, "the scenario's name", sc->name, sizeof sc->name);
    L->scenario_name = sc->name[0] ? sc->name : "(unnamed)";
    const ts_y_node *t = ts_y_get(root, "title");
    if (t)
        ts_y_string(&L->errs, t, "'title'", sc->title, sizeof sc->title);
    else
        snprintf(sc->title, sizeof sc->title, "%s", sc->name);
    const ts_y_node *q = ts_y_require(&L->errs, root, "question", "the scenario");
    if (q)
        ts_y_string(&L->errs, q, "'question'", sc->question, sizeof sc->question);
    const ts_y_node *s = ts_y_get(root, "sources");
    if (s)
        ts_y_text(&L->errs, s, "'sources'", sc->sources, sizeof sc->sources);
    read_earth(L, ts_y_get(root, "earth"), &sc->earth);
    if (load_sites(L) != TS_OK)
        return; /* every reference would fail: the catalogue's errors say why */
    read_sites(L, ts_y_get(root, "sites"));
    read_missiles(L, ts_y_get(root, "missiles"));
    const ts_y_node *def = ts_y_require(&L->errs, root, "defense", "the scenario");
    const ts_y_node *var = ts_y_get(root, "variants");
    if (def)
        read_defense(L, def, var, sc);
    else if (var)
        ts_y_expect(&L->errs, var, TS_Y_MAP, "'variants'");
    const ts_y_node *th = ts_y_get(root, "threats");
    if (th)
        read_threats(L, th, sc);
    const ts_y_node *an = ts_y_get(root, "analyses");
    if (an)
        read_analyses(L, an, sc, th);
}

int ts_scenario_load(ts_ctx *ctx, const char *path, const char *data_dir, ts_scenario **out)
{
    return ts_scenario_load_with(ctx, path, data_dir, NULL, 0, out);
}

int ts_scenario_load_with(ts_ctx *ctx, const char *path, const char *data_dir,
                          const ts_setting *settings, int n_settings, ts_scenario **out)
{
    *out = NULL;
    if (n_settings < 0 || (n_settings > 0 && !settings))
        return ts_error(ctx, TS_EINVAL, "ts_scenario_load_with: bad settings");
    ts_y_doc **value_docs = n_settings ? calloc((size_t)n_settings, sizeof *value_docs) : NULL;
    if (n_settings && !value_docs)
        return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
    loader L;
    memset(&L, 0, sizeof L);
    ts_y_errs_init(&L.errs);
    L.data_dir = data_dir ? data_dir : ts_data_dir();
    L.regions.data_dir = L.data_dir;
    L.regions.scenario_path = path;
    ts_scenario *sc = calloc(1, sizeof *sc);
    if (sc)
        snprintf(sc->data_dir, sizeof sc->data_dir, "%s", L.data_dir);
    if (sc && n_settings) {
        sc->settings = malloc((size_t)n_settings * sizeof *sc->settings);
        if (sc->settings) {
            memcpy(sc->settings, settings, (size_t)n_settings * sizeof *settings);
            sc->n_settings = n_settings;
        } else {
            free(sc);
            sc = NULL;
        }
    }
    ts_y_doc *doc = NULL;
    int st = sc ? ts_y_load(&L.errs, path, &doc) : TS_ENOMEM;
    if (st == TS_OK) {
        const ts_y_node *root = ts_y_root(doc);
        snprintf(sc->path, sizeof sc->path, "%s", path);
        if (!root)
            ts_y_err_pos(&L.errs, path, 1, 1, "empty scenario (expected a mapping with "
                         "'name', 'question' and 'defense')");
        else if (!ts_y_expect(&L.errs, root, TS_Y_MAP, "the scenario") &&
                 !ts_settings_apply(&L.errs, doc, settings, n_settings, value_docs))
            read_scenario(&L, root, sc);
    }
    ts_y_doc_free(doc);
    for (int i = 0; i < n_settings; i++)
        ts_y_doc_free(value_docs[i]);
    free(value_docs);
    free(L.name_slot);
    free(L.sites.items);
    free(L.sites.broken);
    free(L.cat_sensors);
    free(L.cat_ic);
    if (L.missiles_state > 0)
        ts_missiles_free(&L.missiles);
    free(L.scen_missiles);
    ts_region_reader_free(&L.regions);
    if (st == TS_ENOMEM && !sc) {
        ts_y_errs_free(&L.errs);
        return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
    }
    int rep = ts_y_errs_report(&L.errs, ctx);
    ts_y_errs_free(&L.errs);
    if (st == TS_OK)
        st = rep;
    if (st != TS_OK) {
        if (ctx)
            ctx->code = st;
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}
