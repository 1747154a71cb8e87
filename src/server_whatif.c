/*
 * What-if answers for the live view (server_whatif.h, docs/server-api.md).
 * Orchestration only: the physics is the engine's (ts_footprint_session_*,
 * ts_fly, ts_engage, ts_sensor_coverage_ring); the land shares are those
 * of run.c (landmask.c, region.c), so an answer equals `thirdsite run
 * --set` with the same values.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server_whatif.h"

#include "footprint_internal.h"
#include "naturalearth.h"
#include "region.h"
#include "ts_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Coverage rings of the radars: against the threat's RCS at this height
 * (midcourse of the flights the scenario studies; notional display choice,
 * not a model parameter), every 5 degrees of azimuth. */
#define COVER_H_M 500e3
#define COVER_N_AZ 72

/* One level of one footprint: its grid, its session, its land. */
typedef struct {
    ts_footprint_spec spec;    /* the scenario's, step replaced; region_def
                                  not owned (the base scenario's) */
    ts_threat thr;             /* the session's threat: the base threat's
                                  copy (arrays shared), rcs set per update */
    ts_footprint_session *ss;
    pthread_mutex_t lock;      /* one update at a time; guards thr, land */
    int land_ready;
    unsigned char *land;       /* [cells]: in the region's land */
    double *cell_area_m2;      /* [n_lat] */
    double land_area_m2;
} wi_level;

typedef struct {
    ts_traj *traj;             /* NULL: not flown (out of reach) */
    char message[256];
} wi_flight;

/* Plans of recent requests (a preview and its full grid, a state dragged
 * back to): keyed by the variant and the settings, shared while in use. */
#define PLAN_CACHE 4
typedef struct {
    char *key;                 /* NULL: empty */
    ts_engage_plan *plan;
    int refs;
    unsigned long used;
} wi_plan_slot;

struct ts_whatif {
    char path[TS_TEXT_LEN], data_dir[TS_TEXT_LEN];
    struct stat file;          /* the scenario file as loaded (size, mtime) */
    pthread_mutex_t plan_lock; /* guards plans, tick */
    wi_plan_slot plans[PLAN_CACHE];
    unsigned long tick;
    double step_rad;           /* 0: the scenario's */
    int threads;
    ts_scenario *base;
    ts_geo geo;                /* land and lakes, 1:50m (read-only) */
    int n_fp;
    wi_level (*lv)[TS_WHATIF_LEVELS]; /* [n_fp] */
    wi_flight *eng;            /* [n_engagements] */
    wi_flight **mx;            /* [n_matrices][n_from * n_to] */
    pthread_mutex_t base_lock; /* guards base_resp */
    json_t **base_resp;        /* [n_variants * (n_fp + 1) * LEVELS]: the
                                  unmodified scenario's answer, lazily */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Rounds to d decimals: compact, deterministic JSON numbers. */
static json_t *num(double x, int d)
{
    if (!isfinite(x))
        return json_null();
    const double s = pow(10.0, d);
    return json_real(round(x * s) / s);
}

static void set(json_t *o, const char *k, json_t *v)
{
    json_object_set_new(o, k, v ? v : json_null());
}

/* ---- opening -------------------------------------------------------------- */

static int fly(ts_ctx *ctx, const ts_earth *earth, const ts_threat *th, const ts_place *from,
               const ts_place *to, wi_flight *f)
{
    f->traj = ts_traj_create();
    if (!f->traj)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    ts_flight_summary sum;
    const int st = ts_fly(ctx, earth, &th->missile, from->lat_rad, from->lon_rad, to->lat_rad,
                          to->lon_rad, th->shape, f->traj, &sum);
    if (st < 0) {
        snprintf(f->message, sizeof f->message, "%s", ts_ctx_message(ctx));
        ts_traj_free(f->traj);
        f->traj = NULL;
        return st == TS_EIMPOSSIBLE ? TS_OK : st;
    }
    return TS_OK;
}

static int matrix_n(const ts_matrix_spec *m)
{
    return m->n_from * m->n_to;
}

static int fly_all(ts_ctx *ctx, const ts_scenario *sc, wi_flight *eng, wi_flight **mx)
{
    for (int e = 0; e < sc->n_engagements; e++) {
        const ts_engagement_spec *sp = &sc->engagements[e];
        const int st = fly(ctx, &sc->earth, &sc->threats[sp->threat], &sp->from, &sp->to, &eng[e]);
        if (st)
            return st;
    }
    for (int m = 0; m < sc->n_matrices; m++) {
        const ts_matrix_spec *sp = &sc->matrices[m];
        for (int a = 0; a < sp->n_from; a++)
            for (int b = 0; b < sp->n_to; b++) {
                const int st = fly(ctx, &sc->earth, &sc->threats[sp->row_threat[a]],
                                   &sp->from[a], &sp->to[b], &mx[m][a * sp->n_to + b]);
                if (st)
                    return st;
            }
    }
    return TS_OK;
}

static void flights_free(const ts_scenario *sc, wi_flight *eng, wi_flight **mx)
{
    if (eng)
        for (int e = 0; e < sc->n_engagements; e++)
            ts_traj_free(eng[e].traj);
    free(eng);
    if (mx)
        for (int m = 0; m < sc->n_matrices; m++) {
            if (mx[m])
                for (int i = 0; i < matrix_n(&sc->matrices[m]); i++)
                    ts_traj_free(mx[m][i].traj);
            free(mx[m]);
        }
    free(mx);
}

static int flights_alloc(ts_ctx *ctx, const ts_scenario *sc, wi_flight **eng, wi_flight ***mx)
{
    *eng = calloc((size_t)sc->n_engagements + 1, sizeof **eng);
    *mx = calloc((size_t)sc->n_matrices + 1, sizeof **mx);
    if (!*eng || !*mx)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int m = 0; m < sc->n_matrices; m++)
        if (!((*mx)[m] = calloc((size_t)matrix_n(&sc->matrices[m]) + 1, sizeof ***mx)))
            return ts_error(ctx, TS_ENOMEM, "out of memory");
    return TS_OK;
}

void ts_whatif_free(ts_whatif *w)
{
    if (!w)
        return;
    if (w->lv)
        for (int k = 0; k < w->n_fp; k++)
            for (int l = 0; l < TS_WHATIF_LEVELS; l++) {
                ts_footprint_session_free(w->lv[k][l].ss);
                free(w->lv[k][l].land);
                free(w->lv[k][l].cell_area_m2);
                pthread_mutex_destroy(&w->lv[k][l].lock);
            }
    free(w->lv);
    if (w->base) {
        flights_free(w->base, w->eng, w->mx);
        if (w->base_resp)
            for (int i = 0; i < w->base->n_variants * (w->n_fp + 1) * TS_WHATIF_LEVELS; i++)
                json_decref(w->base_resp[i]);
    }
    free(w->base_resp);
    for (int i = 0; i < PLAN_CACHE; i++) {
        free(w->plans[i].key);
        ts_engage_plan_free(w->plans[i].plan);
    }
    pthread_mutex_destroy(&w->plan_lock);
    pthread_mutex_destroy(&w->base_lock);
    ts_geo_free(&w->geo);
    ts_scenario_free(w->base);
    free(w);
}

int ts_whatif_open(ts_ctx *ctx, const char *scenario_path, const char *data_dir,
                   double step_rad, int threads, ts_whatif **out)
{
    *out = NULL;
    ts_whatif *w = calloc(1, sizeof *w);
    if (!w)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    pthread_mutex_init(&w->base_lock, NULL);
    pthread_mutex_init(&w->plan_lock, NULL);
    if (stat(scenario_path, &w->file))
        memset(&w->file, 0, sizeof w->file);
    snprintf(w->path, sizeof w->path, "%s", scenario_path);
    snprintf(w->data_dir, sizeof w->data_dir, "%s", data_dir ? data_dir : "");
    w->step_rad = step_rad > 0.0 ? step_rad : 0.0;
    w->threads = threads >= 1 ? threads : 1;
    int st = ts_scenario_load(ctx, scenario_path, data_dir, &w->base);
    if (!st)
        st = ts_geo_load_scale(ctx, 50, &w->geo);
    const ts_scenario *sc = w->base;
    if (!st) {
        w->n_fp = sc->n_footprints;
        w->lv = calloc((size_t)w->n_fp + 1, sizeof *w->lv);
        w->base_resp = calloc((size_t)sc->n_variants * (size_t)(w->n_fp + 1) * TS_WHATIF_LEVELS,
                              sizeof *w->base_resp);
        if (!w->lv || !w->base_resp)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (int k = 0; !st && k < w->n_fp; k++)
        for (int l = 0; l < TS_WHATIF_LEVELS; l++)
            pthread_mutex_init(&w->lv[k][l].lock, NULL);
    for (int k = 0; !st && k < w->n_fp; k++)
        for (int l = 0; !st && l < TS_WHATIF_LEVELS; l++) {
            wi_level *L = &w->lv[k][l];
            L->spec = sc->footprints[k];
            if (w->step_rad > 0.0)
                L->spec.step_rad = w->step_rad;
            if (l == TS_WHATIF_PREVIEW)
                L->spec.step_rad *= TS_WHATIF_PREVIEW_FACTOR;
            L->thr = sc->threats[L->spec.threat];
            st = ts_footprint_session_create(ctx, &sc->earth, &L->thr, &L->spec, w->threads,
                                             &L->ss);
        }
    if (!st)
        st = flights_alloc(ctx, sc, &w->eng, &w->mx);
    if (!st)
        st = fly_all(ctx, sc, w->eng, w->mx);
    if (st) {
        ts_whatif_free(w);
        return st;
    }
    *out = w;
    return TS_OK;
}

/* ---- the scenario as resolved ------------------------------------------- */

static json_t *ids_of(const ts_defense *d, int n, const int *idx)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(d->sensors[idx[i]].id));
    return a;
}

static json_t *sensor_json(const ts_sensor *s)
{
    json_t *o = json_object();
    set(o, "id", json_string(s->id));
    set(o, "name", json_string(s->name));
    set(o, "kind", json_string(s->kind == TS_SENSOR_RADAR ? "radar" : "infrared"));
    set(o, "role", json_string(s->role == TS_ROLE_FIRE_CONTROL ? "fire-control" : "early-warning"));
    set(o, "band", json_string(s->band));
    set(o, "owner", json_string(s->owner));
    set(o, "notional", json_boolean(s->notional));
    if (s->kind == TS_SENSOR_RADAR) {
        set(o, "site", json_string(s->site_id));
        set(o, "lat_deg", num(s->lat_rad / TS_DEG, 4));
        set(o, "lon_deg", num(s->lon_rad / TS_DEG, 4));
        set(o, "ref_range_m", num(s->ref_range_m, 0));
        set(o, "ref_rcs_m2", num(s->ref_rcs_m2, 6));
        set(o, "max_range_m", s->max_range_m > 0 ? num(s->max_range_m, 0) : json_null());
        set(o, "track_s", num(s->track_s, 2));
        set(o, "needs_cue", json_boolean(s->needs_cue));
    } else {
        set(o, "detect_s", num(s->ir_detect_s, 2));
        set(o, "latency_s", num(s->ir_latency_s, 2));
    }
    set(o, "sources", json_string(s->sources));
    return o;
}

static json_t *defense_json(const ts_defense *d)
{
    json_t *o = json_object(), *ss = json_array(), *bs = json_array();
    for (int i = 0; i < d->n_sensors; i++)
        json_array_append_new(ss, sensor_json(&d->sensors[i]));
    for (int i = 0; i < d->n_batteries; i++) {
        const ts_battery *b = &d->batteries[i];
        const ts_interceptor *it = &b->interceptor;
        json_t *x = json_object(), *y = json_object();
        set(x, "id", json_string(b->id));
        set(x, "site", json_string(b->site_id));
        set(x, "lat_deg", num(b->lat_rad / TS_DEG, 4));
        set(x, "lon_deg", num(b->lon_rad / TS_DEG, 4));
        set(x, "inventory", json_integer(b->inventory));
        set(x, "readiness_s", num(b->readiness_s, 2));
        set(x, "fire_control", ids_of(d, b->n_fire_control, b->fire_control));
        set(x, "hears", ids_of(d, b->n_hears, b->hears));
        set(y, "id", json_string(it->id));
        set(y, "name", json_string(it->name));
        set(y, "burnout_speed_mps", it->n_stages ? json_null() : num(it->burnout_speed_mps, 1));
        set(y, "stages", json_integer(it->n_stages));
        set(y, "burn_s", num(it->burn_s, 2));
        set(y, "h_min_m", num(it->h_min_m, 0));
        set(y, "h_max_m", num(it->h_max_m, 0));
        set(y, "range_max_m", num(it->range_max_m, 0));
        set(y, "notional", json_boolean(it->notional));
        set(y, "sources", json_string(it->sources));
        set(x, "interceptor", y);
        json_array_append_new(bs, x);
    }
    const ts_doctrine *dc = &d->doctrine;
    json_t *doc = json_object();
    set(doc, "mode", json_string(dc->mode == TS_DOCTRINE_SALVO ? "salvo" : "shoot-look-shoot"));
    set(doc, "salvo", json_integer(dc->salvo));
    set(doc, "sspk", num(dc->sspk, 4));
    set(doc, "sspk_note", json_string("notional: a probability from it is notional"));
    set(doc, "decision_s", num(dc->decision_s, 2));
    set(doc, "kill_assessment_s", num(dc->kill_assessment_s, 2));
    set(doc, "headline", json_string(ts_framing_name(dc->headline)));
    set(o, "sensors", ss);
    set(o, "batteries", bs);
    set(o, "doctrine", doc);
    return o;
}

static json_t *place_json(const ts_place *p)
{
    json_t *o = json_object();
    set(o, "name", json_string(p->name));
    set(o, "lat_deg", num(p->lat_rad / TS_DEG, 4));
    set(o, "lon_deg", num(p->lon_rad / TS_DEG, 4));
    return o;
}

json_t *ts_whatif_scenario_json(const ts_whatif *w)
{
    const ts_scenario *sc = w->base;
    json_t *o = json_object(), *vs = json_array(), *ts = json_array();
    set(o, "name", json_string(sc->name));
    set(o, "title", json_string(sc->title));
    set(o, "question", json_string(sc->question));
    for (int v = 0; v < sc->n_variants; v++) {
        json_t *x = json_object();
        set(x, "name", json_string(sc->variants[v].name));
        set(x, "description", json_string(sc->variants[v].description));
        set(x, "defense", defense_json(&sc->variants[v].defense));
        json_array_append_new(vs, x);
    }
    set(o, "variants", vs);
    for (int t = 0; t < sc->n_threats; t++) {
        const ts_threat *th = &sc->threats[t];
        json_t *x = json_object(), *from = json_array();
        set(x, "id", json_string(th->id));
        set(x, "missile", json_string(th->missile.id));
        set(x, "missile_name", json_string(th->missile.name));
        set(x, "notional", json_boolean(th->missile.notional));
        set(x, "rcs_m2", num(th->rcs_m2, 6));
        for (int i = 0; i < th->n_from; i++)
            json_array_append_new(from, place_json(&th->from[i]));
        set(x, "from", from);
        json_array_append_new(ts, x);
    }
    set(o, "threats", ts);
    json_t *an = json_object(), *es = json_array(), *fs = json_array(), *ms = json_array();
    for (int e = 0; e < sc->n_engagements; e++) {
        const ts_engagement_spec *sp = &sc->engagements[e];
        json_t *x = json_object();
        set(x, "name", json_string(sp->name));
        set(x, "threat", json_string(sc->threats[sp->threat].id));
        set(x, "from", place_json(&sp->from));
        set(x, "to", place_json(&sp->to));
        json_array_append_new(es, x);
    }
    for (int k = 0; k < w->n_fp; k++) {
        const ts_footprint_spec *sp = &w->lv[k][TS_WHATIF_FULL].spec;
        json_t *x = json_object();
        set(x, "name", json_string(sp->name));
        set(x, "threat", json_string(sc->threats[sp->threat].id));
        set(x, "region", json_string(sp->region));
        set(x, "region_desc", json_string(sp->region_desc));
        set(x, "lat_min_deg", num(sp->lat_min_rad / TS_DEG, 6));
        set(x, "lat_max_deg", num(sp->lat_max_rad / TS_DEG, 6));
        set(x, "lon_min_deg", num(sp->lon_min_rad / TS_DEG, 6));
        set(x, "lon_max_deg", num(sp->lon_max_rad / TS_DEG, 6));
        set(x, "step_deg", num(sp->step_rad / TS_DEG, 6));
        set(x, "scenario_step_deg", num(sc->footprints[k].step_rad / TS_DEG, 6));
        set(x, "preview_step_deg", num(w->lv[k][TS_WHATIF_PREVIEW].spec.step_rad / TS_DEG, 6));
        json_array_append_new(fs, x);
    }
    for (int m = 0; m < sc->n_matrices; m++) {
        const ts_matrix_spec *sp = &sc->matrices[m];
        json_t *x = json_object(), *from = json_array(), *to = json_array();
        set(x, "name", json_string(sp->name));
        for (int a = 0; a < sp->n_from; a++) {
            json_t *p = place_json(&sp->from[a]);
            set(p, "threat", json_string(sc->threats[sp->row_threat[a]].id));
            json_array_append_new(from, p);
        }
        for (int b = 0; b < sp->n_to; b++)
            json_array_append_new(to, place_json(&sp->to[b]));
        set(x, "from", from);
        set(x, "to", to);
        json_array_append_new(ms, x);
    }
    set(an, "engagements", es);
    set(an, "footprints", fs);
    set(an, "matrices", ms);
    set(o, "analyses", an);
    set(o, "threads", json_integer(w->threads));
    return o;
}

/* ---- land and borders ------------------------------------------------------ */

static json_t *ring_json(const double *ll, int n, int close)
{
    json_t *r = json_array();
    for (int i = 0; i < n + (close ? 1 : 0); i++) {
        const int j = i < n ? i : 0;
        json_t *p = json_array();
        json_array_append_new(p, num(ll[2 * j], 3));
        json_array_append_new(p, num(ll[2 * j + 1], 3));
        json_array_append_new(r, p);
    }
    return r;
}

static json_t *feature(const char *name, const char *type, json_t *coords)
{
    json_t *f = json_object(), *g = json_object(), *p = json_object();
    set(f, "type", json_string("Feature"));
    set(p, "name", json_string(name));
    set(g, "type", json_string(type));
    set(g, "coordinates", coords);
    set(f, "properties", p);
    set(f, "geometry", g);
    return f;
}

char *ts_whatif_geo_geojson(ts_ctx *ctx)
{
    ts_geo geo;
    if (ts_geo_load_scale(ctx, 50, &geo))
        return NULL;
    json_t *polys = json_array(), *lines = json_array();
    for (int p = 0; p < geo.land.n_polys; p++) {
        json_t *poly = json_array();
        for (int r = geo.land.poly_ring[p]; r < geo.land.poly_ring[p + 1]; r++) {
            const int a = geo.land.ring_start[r], b = geo.land.ring_start[r + 1];
            json_array_append_new(poly, ring_json(geo.land.lonlat + 2 * a, b - a, 1));
        }
        json_array_append_new(polys, poly);
    }
    for (int l = 0; l < geo.borders.n_lines; l++) {
        const int a = geo.borders.line_start[l], b = geo.borders.line_start[l + 1];
        json_array_append_new(lines, ring_json(geo.borders.lonlat + 2 * a, b - a, 0));
    }
    json_t *fc = json_object(), *fs = json_array();
    json_array_append_new(fs, feature("land", "MultiPolygon", polys));
    json_array_append_new(fs, feature("borders", "MultiLineString", lines));
    set(fc, "type", json_string("FeatureCollection"));
    set(fc, "features", fs);
    char *text = json_dumps(fc, JSON_COMPACT);
    json_decref(fc);
    ts_geo_free(&geo);
    if (!text)
        ts_error(ctx, TS_ENOMEM, "out of memory");
    return text;
}

/* ---- requests ----------------------------------------------------------------- */

typedef struct {
    ts_setting set[TS_WHATIF_MAX_SETTINGS];
    int n;
    int variant;                /* index */
    int footprint;              /* index, -1: none */
    int level;
    int framing_mask;           /* bit f: include framing f's cells */
} wi_req;

/* A key or path: letters, digits, '_', '-', '.' only, bounded. */
static int word_ok(const char *s, size_t max)
{
    const size_t n = strlen(s);
    if (n == 0 || n >= max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int add_setting(ts_ctx *ctx, wi_req *r, const char *field, const char *path,
                       const json_t *value)
{
    if (!json_is_string(value))
        return ts_error(ctx, TS_EINVAL, "%s: the value must be a string with its unit (e.g. \"7 km/s\")%s",
                   field, "");
    const char *v = json_string_value(value);
    if (strlen(v) == 0 || strlen(v) >= TS_SETTING_VALUE_LEN)
        return ts_error(ctx, TS_EINVAL, "%s: the value is empty or longer than 511 bytes%s", field, "");
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20)
            return ts_error(ctx, TS_EINVAL, "%s: the value holds a control character%s", field, "");
    if (!word_ok(path, TS_SETTING_PATH_LEN))
        return ts_error(ctx, TS_EINVAL, "%s: not a setting path (letters, digits, '_', '-', '.'; under "
                        "128 bytes)%s", field, "");
    if (r->n >= TS_WHATIF_MAX_SETTINGS)
        return ts_error(ctx, TS_EINVAL, "%s: more than 64 settings in one request%s", field, "");
    snprintf(r->set[r->n].path, sizeof r->set[r->n].path, "%s", path);
    snprintf(r->set[r->n].value, sizeof r->set[r->n].value, "%s", v);
    r->n++;
    return TS_OK;
}

static int known_id(const ts_scenario *sc, int batteries, const char *id)
{
    for (int v = 0; v < sc->n_variants; v++) {
        const ts_defense *d = &sc->variants[v].defense;
        const int n = batteries ? d->n_batteries : d->n_sensors;
        for (int i = 0; i < n; i++)
            if (!strcmp(batteries ? d->batteries[i].id : d->sensors[i].id, id))
                return 1;
    }
    return 0;
}

static void known_list(const ts_scenario *sc, int batteries, char *buf, size_t size)
{
    buf[0] = '\0';
    const ts_defense *d = &sc->variants[0].defense;
    const int n = batteries ? d->n_batteries : d->n_sensors;
    for (int i = 0; i < n; i++) {
        const size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s%s", i ? ", " : "",
                 batteries ? d->batteries[i].id : d->sensors[i].id);
    }
}

/* "batteries": {ID: {KEY: VALUE}} and "sensors" alike: settings
 * batteries.ID.KEY = VALUE (a move is KEY "at"). */
static int parse_moves(ts_ctx *ctx, const ts_scenario *sc, const json_t *o, int batteries,
                       wi_req *r)
{
    const char *what = batteries ? "batteries" : "sensors";
    if (!json_is_object(o))
        return ts_error(ctx, TS_EINVAL, "%s: must be an object {ID: {at: POSITION}}%s", what, "");
    const char *id;
    json_t *m;
    json_object_foreach((json_t *)o, id, m) {
        char field[300];
        snprintf(field, sizeof field, "%s.%.100s", what, id);
        if (!word_ok(id, TS_NAME_LEN) || !known_id(sc, batteries, id)) {
            char list[512];
            known_list(sc, batteries, list, sizeof list);
            return ts_error(ctx, TS_EINVAL, "%s: unknown %s (the scenario has: %s)", field,
                            batteries ? "battery" : "sensor", list);
        }
        if (!json_is_object(m))
            return ts_error(ctx, TS_EINVAL, "%s: must be an object such as {\"at\": \"54.5N 17.1E\"}%s", field,
                       "");
        const char *key;
        json_t *val;
        json_object_foreach(m, key, val) {
            char f2[420], path[TS_SETTING_PATH_LEN + 64];
            snprintf(f2, sizeof f2, "%s.%.100s", field, key);
            if (!word_ok(key, 64))
                return ts_error(ctx, TS_EINVAL, "%s: not a key%s", f2, "");
            if (!strcmp(key, "at")) {
                double la, lo;
                if (!json_is_string(val) ||
                    ts_latlon_parse(ctx, json_string_value(val), &la, &lo, NULL) < 0)
                    return ts_error(ctx, TS_EINVAL, "%s: not a position (\"54.5N 17.1E\" or \"54.5,17.1\")%s",
                               f2, "");
                ts_ctx_clear(ctx);
            }
            snprintf(path, sizeof path, "%s.%s.%s", what, id, key);
            const int st = add_setting(ctx, r, f2, path, val);
            if (st)
                return st;
        }
    }
    return TS_OK;
}

static int parse_request(ts_ctx *ctx, const ts_whatif *w, const json_t *body, wi_req *r)
{
    const ts_scenario *sc = w->base;
    memset(r, 0, sizeof *r);
    r->footprint = w->n_fp > 0 ? 0 : -1;
    r->level = TS_WHATIF_FULL;
    r->framing_mask = 3;
    if (!json_is_object(body))
        return ts_error(ctx, TS_EINVAL, "body: must be a JSON object%s%s", "", "");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        if (!strcmp(key, "batteries") || !strcmp(key, "sensors")) {
            const int st = parse_moves(ctx, sc, v, key[0] == 'b', r);
            if (st)
                return st;
        } else if (!strcmp(key, "set")) {
            if (!json_is_object(v))
                return ts_error(ctx, TS_EINVAL, "set: must be an object {PATH: VALUE}%s%s", "", "");
            const char *path;
            json_t *val;
            json_object_foreach(v, path, val) {
                char field[200];
                snprintf(field, sizeof field, "set.%.150s", path);
                const int st = add_setting(ctx, r, field, path, val);
                if (st)
                    return st;
            }
        } else if (!strcmp(key, "variant")) {
            const char *name = json_string_value(v);
            r->variant = -1;
            for (int i = 0; name && i < sc->n_variants; i++)
                if (!strcmp(sc->variants[i].name, name))
                    r->variant = i;
            if (r->variant < 0)
                return ts_error(ctx, TS_EINVAL, "variant: not a variant of the scenario (\"base\" or one of "
                                "its variants: GET /api/scenario)%s%s", "", "");
        } else if (!strcmp(key, "footprint")) {
            const char *name = json_string_value(v);
            r->footprint = -2;
            if (json_is_null(v))
                r->footprint = -1;
            for (int i = 0; name && i < w->n_fp; i++)
                if (!strcmp(sc->footprints[i].name, name))
                    r->footprint = i;
            if (r->footprint == -2)
                return ts_error(ctx, TS_EINVAL, "footprint: not a footprint of the scenario (or null)%s%s", "",
                           "");
        } else if (!strcmp(key, "level")) {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "full"))
                r->level = TS_WHATIF_FULL;
            else if (s && !strcmp(s, "preview"))
                r->level = TS_WHATIF_PREVIEW;
            else
                return ts_error(ctx, TS_EINVAL, "level: \"full\" or \"preview\"%s%s", "", "");
        } else if (!strcmp(key, "framing")) {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "kinematic"))
                r->framing_mask = 1;
            else if (s && !strcmp(s, "supported"))
                r->framing_mask = 2;
            else if (s && !strcmp(s, "both"))
                r->framing_mask = 3;
            else
                return ts_error(ctx, TS_EINVAL, "framing: \"kinematic\", \"supported\" or \"both\"%s%s", "", "");
        } else {
            return ts_error(ctx, TS_EINVAL,
                            "%.100s: unknown field (known: batteries, sensors, set, variant, "
                            "footprint, level, framing)", key);
        }
    }
    return TS_OK;
}

/* ---- evaluation ------------------------------------------------------------------ */

/* Whether two threats fly the same flights (all but the RCS alike). */
static int same_flights(const ts_threat *a, const ts_threat *b)
{
    if (memcmp(&a->missile, &b->missile, sizeof a->missile) || a->n_from != b->n_from ||
        a->shape != b->shape)
        return 0;
    for (int i = 0; i < a->n_from; i++)
        if (a->from[i].lat_rad != b->from[i].lat_rad || a->from[i].lon_rad != b->from[i].lon_rad)
            return 0;
    return 1;
}

/* Whether the what-if scenario has the analyses of the base (settings
 * change the defense and the threats' RCS; a change of the analyses is a
 * new scenario, for `thirdsite run`). */
static int same_analyses(ts_ctx *ctx, const ts_scenario *a, const ts_scenario *b)
{
    int ok = a->n_variants == b->n_variants && a->n_threats == b->n_threats &&
             a->n_footprints == b->n_footprints && a->n_matrices == b->n_matrices &&
             a->n_engagements == b->n_engagements &&
             !memcmp(&a->earth, &b->earth, sizeof a->earth);
    for (int k = 0; ok && k < a->n_footprints; k++) {
        const ts_footprint_spec *x = &a->footprints[k], *y = &b->footprints[k];
        ok = x->threat == y->threat && x->lat_min_rad == y->lat_min_rad &&
             x->lat_max_rad == y->lat_max_rad && x->lon_min_rad == y->lon_min_rad &&
             x->lon_max_rad == y->lon_max_rad && x->step_rad == y->step_rad;
    }
    for (int m = 0; ok && m < a->n_matrices; m++)
        ok = a->matrices[m].n_from == b->matrices[m].n_from &&
             a->matrices[m].n_to == b->matrices[m].n_to;
    for (int v = 0; ok && v < a->n_variants; v++)
        ok = !strcmp(a->variants[v].name, b->variants[v].name);
    if (!ok)
        return ts_error(ctx, TS_EINVAL,
                        "set: the settings change the analyses, the variants or the earth; "
                        "the live view changes the defense and the threats only (use "
                        "thirdsite run --set)");
    return TS_OK;
}

/* Cells of one framing as a string, row-major from the south-west: 'd' a
 * shot is possible (kinematic: within reach; supported: engageable with
 * sensor support), 'u' not, 'x' beyond the missile's reach. */
static json_t *cells_string(const ts_footprint *fp, int f)
{
    const int n = fp->n_lat * fp->n_lon;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++) {
        const int st = fp->cells[i].by[f].status;
        s[i] = st == TS_CELL_DEFENDED ? 'd' : st == TS_CELL_UNDEFENDED ? 'u' : 'x';
    }
    s[n] = '\0';
    json_t *j = json_stringn(s, (size_t)n);
    free(s);
    return j;
}

static int footprint_part(ts_ctx *ctx, ts_whatif *w, const ts_scenario *sc,
                          const ts_engage_plan *plan, const wi_req *r, json_t *out)
{
    wi_level *L = &w->lv[r->footprint][r->level];
    const ts_threat *th = &sc->threats[L->spec.threat];
    ts_footprint fp;
    memset(&fp, 0, sizeof fp);
    int st;
    int live = same_flights(th, &L->thr);
    pthread_mutex_lock(&L->lock);
    if (live) {
        L->thr.rcs_m2 = th->rcs_m2;
        st = ts_footprint_session_update(ctx, L->ss, plan, &fp);
    } else {
        /* a threat flown otherwise: flown afresh for this request (slow) */
        ts_footprint_spec spec = L->spec;
        st = ts_footprint_compute(ctx, &sc->earth, plan, th, &spec, w->threads, NULL, NULL, &fp);
    }
    if (!st && !L->land_ready) {
        const int n = fp.n_lat * fp.n_lon;
        unsigned char *region = malloc((size_t)n + 1);
        L->land = calloc((size_t)n + 1, 1);
        L->cell_area_m2 = calloc((size_t)fp.n_lat + 1, sizeof(double));
        ts_region_cities cities;
        memset(&cities, 0, sizeof cities);
        if (!region || !L->land || !L->cell_area_m2)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        if (!st)
            st = ts_region_footprint(ctx, &L->spec,
                                     w->base->data_dir[0] ? w->base->data_dir : ts_data_dir(), 1,
                                     &fp, region, &cities);
        ts_region_cities_free(&cities);
        double dm, rm;
        if (!st && ts_footprint_land(&w->base->earth, &w->geo, 1, &fp, region, L->land,
                                     L->cell_area_m2, &L->land_area_m2, &dm, &rm))
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        free(region);
        if (!st)
            L->land_ready = 1;
        else {
            free(L->land);
            free(L->cell_area_m2);
            L->land = NULL;
            L->cell_area_m2 = NULL;
        }
    }
    double by[TS_N_FRAMINGS] = {0, 0};
    if (!st)
        ts_footprint_land_by_framing(1, &fp, L->land, L->cell_area_m2, by);
    const double land_area = L->land_area_m2;
    pthread_mutex_unlock(&L->lock);
    if (st) {
        ts_footprint_free(&fp);
        return st;
    }
    json_t *o = json_object(), *cells = json_object(), *share = json_object(),
           *count = json_object();
    set(o, "name", json_string(L->spec.name));
    set(o, "level", json_string(r->level == TS_WHATIF_FULL ? "full" : "preview"));
    set(o, "session", json_boolean(live));
    set(o, "step_deg", num(fp.step_rad / TS_DEG, 6));
    set(o, "lat_min_deg", num(fp.lat_min_rad / TS_DEG, 6));
    set(o, "lon_min_deg", num(fp.lon_min_rad / TS_DEG, 6));
    set(o, "n_lat", json_integer(fp.n_lat));
    set(o, "n_lon", json_integer(fp.n_lon));
    set(o, "cells_legend", json_string("row-major from the south-west corner; d: a shot is "
                                       "possible under the framing (kinematic: within reach; "
                                       "supported: engageable with sensor support), u: not, "
                                       "x: beyond the missile's reach"));
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        const char *fn = ts_framing_name((ts_framing)f);
        if (r->framing_mask & (1 << f))
            set(cells, fn, cells_string(&fp, f));
        set(share, fn, land_area > 0 ? num(by[f] / land_area, 4) : json_null());
        int nd = 0;
        for (int i = 0; i < fp.n_lat * fp.n_lon; i++)
            nd += fp.cells[i].by[f].status == TS_CELL_DEFENDED;
        set(count, fn, json_integer(nd));
    }
    set(o, "cells", cells);
    set(o, "defended_land_share", share);
    set(o, "defended_land_share_of", json_string(L->spec.region_desc[0] ? L->spec.region_desc
                                                                       : L->spec.region));
    set(o, "cells_defended", count);
    set(o, "failed_cells", json_integer(fp.n_failed));
    set(out, "footprint", o);
    ts_footprint_free(&fp);
    return TS_OK;
}

/* One framing's verdict on one flight, as run.c's matrix cells: engaged
 * when some battery has an intercept window; the first intercept of the
 * battery with the largest margin. */
static json_t *verdict_json(const ts_engagement *eng, int f)
{
    json_t *o = json_object();
    int engaged = 0, best = -1;
    double margin = 0.0;
    for (int b = 0; b < eng->n_batteries; b++) {
        const ts_battery_framing *br = &eng->batteries[b].framing[f];
        if (!br->has_intercept_window)
            continue;
        engaged = 1;
        if (best < 0 || br->margin_s > margin) {
            best = b;
            margin = br->margin_s;
        }
    }
    set(o, "engaged", json_boolean(engaged));
    set(o, "p_kill", num(eng->p_kill_by[f], 4));
    set(o, "margin_s", best >= 0 ? num(margin, 1) : json_null());
    const ts_battery_framing *br = best >= 0 ? &eng->batteries[best].framing[f] : NULL;
    if (br && br->shots > 0) {
        json_t *x = json_object();
        set(x, "lat_deg", num(br->intercept[0].lat_rad / TS_DEG, 3));
        set(x, "lon_deg", num(br->intercept[0].lon_rad / TS_DEG, 3));
        set(x, "h_km", num(br->intercept[0].h_m / 1e3, 1));
        set(x, "t_s", num(br->intercept[0].t_s, 1));
        set(o, "intercept", x);
    } else {
        set(o, "intercept", json_null());
    }
    ts_refusal why = TS_REFUSE_NONE;
    for (int b = 0; !engaged && b < eng->n_batteries; b++)
        if (eng->batteries[b].framing[f].refused != TS_REFUSE_NONE && why == TS_REFUSE_NONE)
            why = eng->batteries[b].framing[f].refused;
    set(o, "refused", why != TS_REFUSE_NONE ? json_string(ts_refusal_text(why)) : json_null());
    return o;
}

/* Engages one flight (NULL: not flown) and describes it into o. */
static int flight_part(ts_ctx *ctx, const ts_engage_plan *plan, const ts_threat *th,
                       const wi_flight *fl, json_t *o, int *n_by)
{
    if (!fl->traj) {
        set(o, "flown", json_false());
        set(o, "why", json_string(fl->message));
        return TS_OK;
    }
    ts_engagement eng;
    memset(&eng, 0, sizeof eng);
    const int st = ts_engage(ctx, plan, fl->traj, th->rcs_m2, &eng);
    if (st < 0) {
        ts_engagement_free(&eng);
        return st;
    }
    set(o, "flown", json_true());
    set(o, "commit_s", eng.commit_s >= 0 ? num(eng.commit_s, 1) : json_null());
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        json_t *v = verdict_json(&eng, f);
        if (n_by && json_is_true(json_object_get(v, "engaged")))
            n_by[f]++;
        set(o, ts_framing_name((ts_framing)f), v);
    }
    ts_engagement_free(&eng);
    return TS_OK;
}

static int flights_part(ts_ctx *ctx, ts_whatif *w, const ts_scenario *sc,
                        const ts_engage_plan *plan, json_t *out)
{
    /* threats flown otherwise than the base's: their flights afresh */
    wi_flight *eng = w->eng, **mx = w->mx, *own_eng = NULL, **own_mx = NULL;
    int changed = 0;
    for (int t = 0; t < sc->n_threats; t++)
        changed |= !same_flights(&sc->threats[t], &w->base->threats[t]);
    int st = TS_OK;
    if (changed) {
        st = flights_alloc(ctx, sc, &own_eng, &own_mx);
        if (!st)
            st = fly_all(ctx, sc, own_eng, own_mx);
        eng = own_eng;
        mx = own_mx;
    }
    json_t *es = json_array(), *ms = json_array();
    for (int e = 0; !st && e < sc->n_engagements; e++) {
        const ts_engagement_spec *sp = &sc->engagements[e];
        json_t *o = json_object();
        set(o, "name", json_string(sp->name));
        set(o, "threat", json_string(sc->threats[sp->threat].id));
        set(o, "from", json_string(sp->from.name));
        set(o, "to", json_string(sp->to.name));
        st = flight_part(ctx, plan, &sc->threats[sp->threat], &eng[e], o, NULL);
        json_array_append_new(es, o);
    }
    for (int m = 0; !st && m < sc->n_matrices; m++) {
        const ts_matrix_spec *sp = &sc->matrices[m];
        json_t *o = json_object(), *fl = json_array(), *cnt = json_object();
        int n_by[TS_N_FRAMINGS] = {0, 0}, flown = 0;
        set(o, "name", json_string(sp->name));
        for (int a = 0; !st && a < sp->n_from; a++)
            for (int b = 0; !st && b < sp->n_to; b++) {
                const ts_threat *th = &sc->threats[sp->row_threat[a]];
                const wi_flight *f = &mx[m][a * sp->n_to + b];
                json_t *x = json_object();
                set(x, "from", json_string(sp->from[a].name));
                set(x, "to", json_string(sp->to[b].name));
                set(x, "threat", json_string(th->id));
                st = flight_part(ctx, plan, th, f, x, n_by);
                flown += f->traj != NULL;
                json_array_append_new(fl, x);
            }
        set(o, "flights_flown", json_integer(flown));
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            set(cnt, ts_framing_name((ts_framing)f), json_integer(n_by[f]));
        set(o, "engaged", cnt);
        set(o, "flights", fl);
        json_array_append_new(ms, o);
    }
    set(out, "engagements", es);
    set(out, "matrix", ms);
    if (own_eng || own_mx)
        flights_free(sc, own_eng, own_mx);
    return st;
}

static void sites_part(const ts_scenario *sc, const ts_defense *d, json_t *out)
{
    json_t *bs = json_array(), *ss = json_array();
    for (int i = 0; i < d->n_batteries; i++) {
        json_t *x = json_object();
        set(x, "id", json_string(d->batteries[i].id));
        set(x, "lat_deg", num(d->batteries[i].lat_rad / TS_DEG, 4));
        set(x, "lon_deg", num(d->batteries[i].lon_rad / TS_DEG, 4));
        set(x, "interceptor", json_string(d->batteries[i].interceptor.id));
        json_array_append_new(bs, x);
    }
    /* coverage against the first footprint's threat (else the first threat) */
    const double rcs = sc->n_footprints > 0 ? sc->threats[sc->footprints[0].threat].rcs_m2
                       : sc->n_threats > 0  ? sc->threats[0].rcs_m2
                                            : 0.1;
    for (int i = 0; i < d->n_sensors; i++) {
        const ts_sensor *s = &d->sensors[i];
        json_t *x = json_object();
        set(x, "id", json_string(s->id));
        set(x, "kind", json_string(s->kind == TS_SENSOR_RADAR ? "radar" : "infrared"));
        if (s->kind == TS_SENSOR_RADAR) {
            set(x, "lat_deg", num(s->lat_rad / TS_DEG, 4));
            set(x, "lon_deg", num(s->lon_rad / TS_DEG, 4));
            set(x, "range_m", num(ts_sensor_range(s, rcs), 0));
            double la[COVER_N_AZ], lo[COVER_N_AZ];
            if (ts_sensor_coverage_ring(&sc->earth, s, COVER_H_M, rcs, COVER_N_AZ, la, lo) ==
                TS_OK) {
                json_t *ring = json_array();
                for (int k = 0; k <= COVER_N_AZ; k++) {
                    json_t *p = json_array();
                    json_array_append_new(p, num(lo[k % COVER_N_AZ] / TS_DEG, 3));
                    json_array_append_new(p, num(la[k % COVER_N_AZ] / TS_DEG, 3));
                    json_array_append_new(ring, p);
                }
                set(x, "coverage", ring);
                set(x, "coverage_of", json_string("the ground below the points where a target "
                                                  "of the threat's RCS at 500 km altitude is "
                                                  "seen"));
            }
        }
        json_array_append_new(ss, x);
    }
    set(out, "batteries", bs);
    set(out, "sensors", ss);
}

/* The cache key of a request's plan: variant and settings, in order. */
static char *plan_key(const wi_req *r)
{
    char *k = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&k, &n);
    if (!f)
        return NULL;
    fprintf(f, "%d\n", r->variant);
    for (int i = 0; i < r->n; i++)
        fprintf(f, "%s=%s\n", r->set[i].path, r->set[i].value);
    if (fclose(f)) {
        free(k);
        return NULL;
    }
    return k;
}

/* The plan of a request: from the cache, or made and cached.  *owned = 1
 * when the caller must free it (not cached: every slot in use). */
static int plan_get(ts_ctx *ctx, ts_whatif *w, const wi_req *r, const ts_scenario *sc,
                    ts_engage_plan **plan, int *owned)
{
    *plan = NULL;
    *owned = 0;
    char *key = plan_key(r);
    if (!key)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    pthread_mutex_lock(&w->plan_lock);
    for (int i = 0; i < PLAN_CACHE; i++)
        if (w->plans[i].key && !strcmp(w->plans[i].key, key)) {
            w->plans[i].refs++;
            w->plans[i].used = ++w->tick;
            *plan = w->plans[i].plan;
            break;
        }
    pthread_mutex_unlock(&w->plan_lock);
    if (*plan) {
        free(key);
        return TS_OK;
    }
    ts_engage_plan *p = NULL;
    const int st = ts_engage_plan_create(ctx, &sc->earth, &sc->variants[r->variant].defense, &p);
    if (st) {
        free(key);
        return st;
    }
    pthread_mutex_lock(&w->plan_lock);
    int slot = -1;
    for (int i = 0; i < PLAN_CACHE; i++)
        if (w->plans[i].refs == 0 && (slot < 0 || w->plans[i].used < w->plans[slot].used))
            slot = i;
    if (slot >= 0) {
        wi_plan_slot *s = &w->plans[slot];
        free(s->key);
        ts_engage_plan_free(s->plan);
        s->key = key;
        s->plan = p;
        s->refs = 1;
        s->used = ++w->tick;
    } else {
        free(key);
        *owned = 1;
    }
    pthread_mutex_unlock(&w->plan_lock);
    *plan = p;
    return TS_OK;
}

static void plan_put(ts_whatif *w, ts_engage_plan *plan, int owned)
{
    if (!plan)
        return;
    if (owned) {
        ts_engage_plan_free(plan);
        return;
    }
    pthread_mutex_lock(&w->plan_lock);
    for (int i = 0; i < PLAN_CACHE; i++)
        if (w->plans[i].plan == plan)
            w->plans[i].refs--;
    pthread_mutex_unlock(&w->plan_lock);
}

/* Whether the scenario file is still the one loaded at start-up: the
 * flights and the cached answers are of that file. */
static int file_unchanged(ts_ctx *ctx, const ts_whatif *w)
{
    struct stat now;
    if (stat(w->path, &now) || now.st_size != w->file.st_size ||
        now.st_mtim.tv_sec != w->file.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != w->file.st_mtim.tv_nsec)
        return ts_error(ctx, TS_EIO, "%s: the scenario file changed (or went) since the server "
                        "started: restart thirdsite serve to see the new file", w->path);
    return TS_OK;
}

/* The answer of one request (no diff). */
static int evaluate(ts_ctx *ctx, ts_whatif *w, const wi_req *r, json_t **out)
{
    *out = NULL;
    const double t0 = now_s();
    ts_scenario *sc = NULL;
    if (file_unchanged(ctx, w))
        return TS_EIO;
    int st = ts_scenario_load_with(ctx, w->path, w->data_dir[0] ? w->data_dir : NULL, r->set,
                                   r->n, &sc);
    if (st) {
        char msg[2048];
        snprintf(msg, sizeof msg, "set: %s", ts_ctx_message(ctx));
        ts_error(ctx, TS_EINVAL, "%s", msg);
        return TS_EINVAL;
    }
    st = same_analyses(ctx, w->base, sc);
    ts_engage_plan *plan = NULL;
    int owned = 0;
    const double t1 = now_s();
    if (!st)
        st = plan_get(ctx, w, r, sc, &plan, &owned);
    const double t2 = now_s();
    json_t *o = json_object();
    set(o, "variant", json_string(sc->variants[r->variant].name));
    set(o, "headline_framing",
        json_string(ts_framing_name(sc->variants[r->variant].defense.doctrine.headline)));
    if (!st && r->footprint >= 0)
        st = footprint_part(ctx, w, sc, plan, r, o);
    const double t3 = now_s();
    if (!st)
        st = flights_part(ctx, w, sc, plan, o);
    if (!st)
        sites_part(sc, &sc->variants[r->variant].defense, o);
    const double t4 = now_s();
    json_t *set_list = json_array();
    for (int i = 0; i < r->n; i++) {
        json_t *x = json_object();
        set(x, "path", json_string(r->set[i].path));
        set(x, "value", json_string(r->set[i].value));
        json_array_append_new(set_list, x);
    }
    set(o, "settings", set_list);
    json_t *tm = json_object();
    set(tm, "load_ms", num((t1 - t0) * 1e3, 1));
    set(tm, "plan_ms", num((t2 - t1) * 1e3, 1));
    set(tm, "footprint_ms", num((t3 - t2) * 1e3, 1));
    set(tm, "flights_ms", num((t4 - t3) * 1e3, 1));
    set(o, "timing", tm);
    plan_put(w, plan, owned);
    ts_scenario_free(sc);
    if (st) {
        json_decref(o);
        return st;
    }
    *out = o;
    return TS_OK;
}

/* The unmodified scenario's answer for the request's variant, footprint
 * and level (computed once, then kept). */
static int base_answer(ts_ctx *ctx, ts_whatif *w, const wi_req *r, const json_t **out)
{
    /* slot: variant, footprint + 1 (0: none), level */
    const int idx = (r->variant * (w->n_fp + 1) + r->footprint + 1) * TS_WHATIF_LEVELS + r->level;
    pthread_mutex_lock(&w->base_lock);
    int st = TS_OK;
    if (!w->base_resp[idx]) {
        wi_req b;
        memset(&b, 0, sizeof b);
        b.variant = r->variant;
        b.footprint = r->footprint;
        b.level = r->level;
        b.framing_mask = 3;
        st = evaluate(ctx, w, &b, &w->base_resp[idx]);
    }
    *out = w->base_resp[idx];
    pthread_mutex_unlock(&w->base_lock);
    return st;
}

/* What changed against the unmodified scenario. */
static json_t *diff(const json_t *now, const json_t *was)
{
    json_t *o = json_object();
    const json_t *fn = json_object_get(now, "footprint"), *fw = json_object_get(was, "footprint");
    if (fn && fw) {
        json_t *fo = json_object();
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const char *name = ts_framing_name((ts_framing)f);
            const char *a = json_string_value(json_object_get(json_object_get(fn, "cells"), name));
            const char *b = json_string_value(json_object_get(json_object_get(fw, "cells"), name));
            json_t *x = json_object();
            if (a && b && strlen(a) == strlen(b)) {
                int gained = 0, lost = 0;
                for (size_t i = 0; a[i]; i++) {
                    gained += a[i] == 'd' && b[i] != 'd';
                    lost += a[i] != 'd' && b[i] == 'd';
                }
                set(x, "cells_gained", json_integer(gained));
                set(x, "cells_lost", json_integer(lost));
            }
            const double sa = json_number_value(
                             json_object_get(json_object_get(fn, "defended_land_share"), name)),
                         sb = json_number_value(
                             json_object_get(json_object_get(fw, "defended_land_share"), name));
            set(x, "defended_land_share_was", num(sb, 4));
            set(x, "defended_land_share_change", num(sa - sb, 4));
            set(fo, name, x);
        }
        set(o, "footprint", fo);
    }
    json_t *ch = json_array();
    const char *groups[2] = {"engagements", "matrix"};
    for (int g = 0; g < 2; g++) {
        const json_t *an = json_object_get(now, groups[g]), *aw = json_object_get(was, groups[g]);
        for (size_t i = 0; i < json_array_size(an) && i < json_array_size(aw); i++) {
            const json_t *xn = json_array_get(an, i), *xw = json_array_get(aw, i);
            const json_t *ln = g ? json_object_get(xn, "flights") : NULL,
                         *lw = g ? json_object_get(xw, "flights") : NULL;
            const size_t nfl = g ? json_array_size(ln) : 1;
            for (size_t j = 0; j < nfl && (!g || j < json_array_size(lw)); j++) {
                const json_t *yn = g ? json_array_get(ln, j) : xn, *yw = g ? json_array_get(lw, j) : xw;
                for (int f = 0; f < TS_N_FRAMINGS; f++) {
                    const char *name = ts_framing_name((ts_framing)f);
                    const int en = json_is_true(json_object_get(json_object_get(yn, name), "engaged")),
                              ew = json_is_true(json_object_get(json_object_get(yw, name), "engaged"));
                    if (en == ew)
                        continue;
                    json_t *c = json_object();
                    set(c, "analysis", json_string(g ? json_string_value(json_object_get(xn, "name"))
                                                     : "engagements"));
                    set(c, "from", json_copy(json_object_get(yn, "from")));
                    set(c, "to", json_copy(json_object_get(yn, "to")));
                    set(c, "framing", json_string(name));
                    set(c, "engaged_was", json_boolean(ew));
                    set(c, "engaged_now", json_boolean(en));
                    json_array_append_new(ch, c);
                }
            }
        }
    }
    set(o, "flights", ch);
    return o;
}

int ts_whatif_eval(ts_ctx *ctx, ts_whatif *w, const json_t *body, json_t **out)
{
    *out = NULL;
    wi_req *r = malloc(sizeof *r);
    if (!r)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int st = parse_request(ctx, w, body, r);
    json_t *o = NULL;
    if (!st)
        st = evaluate(ctx, w, r, &o);
    const json_t *was = NULL;
    if (!st)
        st = base_answer(ctx, w, r, &was);
    if (!st)
        set(o, "changed", diff(o, was));
    free(r);
    if (st) {
        json_decref(o);
        return st;
    }
    *out = o;
    return TS_OK;
}

int ts_whatif_yaml(ts_ctx *ctx, ts_whatif *w, const json_t *body, char **out)
{
    *out = NULL;
    wi_req *r = malloc(sizeof *r);
    if (!r)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int st = parse_request(ctx, w, body, r);
    ts_scenario *sc = NULL;
    if (!st && ts_scenario_load_with(ctx, w->path, w->data_dir[0] ? w->data_dir : NULL, r->set,
                                     r->n, &sc)) {
        /* refused as the what-if would be: the file is not written */
        char msg[2048];
        snprintf(msg, sizeof msg, "set: %s", ts_ctx_message(ctx));
        st = ts_error(ctx, TS_EINVAL, "%s", msg);
    }
    ts_scenario_free(sc);
    if (!st)
        st = ts_whatif_yaml_text(ctx, w->path, r->set, r->n, out);
    free(r);
    return st;
}
