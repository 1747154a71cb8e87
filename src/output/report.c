/*
 * report.json of a run: the scenario as resolved (every parameter, each
 * catalogue entry with its sources), every engagement, every footprint
 * summary, the matrix, the sensor coverage and the list of files.  Schema:
 * docs/report-format.md (format "thirdsite-report", format_version 1).
 * Written with jansson (keys in insertion order, numbers rounded to the
 * precision stated in the schema), so two runs give the same bytes; no
 * timings (they go to run.log).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/framing.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_FORMAT_VERSION 1

/* A number rounded to `dec` decimals; null when not finite. */
static json_t *num(double x, int dec)
{
    if (!isfinite(x))
        return json_null();
    const double s = pow(10.0, dec);
    double r = round(x * s) / s + 0.0;
    if (dec == 0 && fabs(r) < 9e15)
        return json_integer((json_int_t)r);
    return json_real(r);
}

/* Time in s (0.1 s), or null when negative (never happened). */
static json_t *tnum(double t_s)
{
    return t_s >= 0.0 ? num(t_s, 1) : json_null();
}

static json_t *deg(double rad)
{
    return num(rad / TS_DEG, 5);
}

static json_t *window(int has, const double *w)
{
    if (!has)
        return json_null();
    json_t *a = json_array();
    json_array_append_new(a, num(w[0], 1));
    json_array_append_new(a, num(w[1], 1));
    return a;
}

static void set(json_t *o, const char *k, json_t *v)
{
    json_object_set_new(o, k, v ? v : json_null());
}

static json_t *place(const ts_run_result *res, const ts_place *p)
{
    char label[TS_NAME_LEN];
    ts_out_place_label(res, p->name, label, sizeof label);
    json_t *o = json_object();
    set(o, "name", json_string(p->name));
    set(o, "label", json_string(label));
    set(o, "lat_deg", deg(p->lat_rad));
    set(o, "lon_deg", deg(p->lon_rad));
    return o;
}

static json_t *stages(int n, const ts_stage *st)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        set(o, "gross_mass_kg", num(st[i].m_gross_kg, 1));
        set(o, "propellant_mass_kg", num(st[i].m_prop_kg, 1));
        set(o, "isp_vac_s", num(st[i].isp_vac_s, 2));
        set(o, "thrust_vac_n", num(st[i].thrust_vac_n, 0));
        set(o, "burn_s", num(st[i].burn_s, 2));
        set(o, "reference_area_m2", num(st[i].area_ref_m2, 4));
        set(o, "exit_area_m2", num(st[i].exit_area_m2, 4));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *missile(const ts_missile *m)
{
    json_t *o = json_object();
    set(o, "id", json_string(m->id));
    set(o, "name", json_string(m->name));
    set(o, "class", json_string(m->range_class));
    set(o, "country", json_string(m->country));
    set(o, "notional", json_boolean(m->notional));
    set(o, "stages", stages(m->n_stages, m->stage));
    set(o, "payload_kg", num(m->payload_kg, 1));
    json_t *cd = json_array();
    for (int i = 0; i < m->n_cd; i++) {
        json_t *p = json_array();
        json_array_append_new(p, num(m->cd_mach[i], 3));
        json_array_append_new(p, num(m->cd[i], 4));
        json_array_append_new(cd, p);
    }
    set(o, "drag_mach_cd", cd);
    set(o, "published_range_km", num(m->range_published_m / 1e3, 1));
    set(o, "sources", json_string(m->sources));
    return o;
}

static json_t *sensor(const ts_sensor *s)
{
    json_t *o = json_object();
    set(o, "id", json_string(s->id));
    set(o, "name", json_string(s->name));
    set(o, "owner", json_string(s->owner));
    set(o, "kind", json_string(ts_out_sensor_kind_name(s->kind)));
    set(o, "role", json_string(ts_out_sensor_role_name(s->role)));
    set(o, "site", json_string(s->site_id));
    set(o, "lat_deg", deg(s->lat_rad));
    set(o, "lon_deg", deg(s->lon_rad));
    set(o, "height_m", num(s->h_m, 1));
    if (s->kind == TS_SENSOR_RADAR) {
        set(o, "steerable", json_boolean(s->steerable));
        json_t *sec = json_array();
        for (int i = 0; i < s->n_sectors; i++) {
            json_t *x = json_object();
            set(x, "az_min_deg", deg(s->sector[i].az_min_rad));
            set(x, "az_max_deg", deg(s->sector[i].az_max_rad));
            set(x, "el_min_deg", deg(s->sector[i].el_min_rad));
            set(x, "el_max_deg", deg(s->sector[i].el_max_rad));
            json_array_append_new(sec, x);
        }
        set(o, "sectors", sec);
        set(o, "min_elevation_deg", deg(s->el_min_rad));
        set(o, "refraction", json_boolean(s->refraction));
        set(o, "reference_range_km", num(s->ref_range_m / 1e3, 1));
        set(o, "reference_rcs_m2", num(s->ref_rcs_m2, 4));
        set(o, "max_range_km", s->max_range_m > 0.0 ? num(s->max_range_m / 1e3, 1) : json_null());
        set(o, "track_s", num(s->track_s, 1));
        set(o, "needs_cue", json_boolean(s->needs_cue));
    } else {
        set(o, "detect_s", num(s->ir_detect_s, 1));
        set(o, "latency_s", num(s->ir_latency_s, 1));
    }
    set(o, "sources", json_string(s->sources));
    return o;
}

static json_t *interceptor(const ts_interceptor *ic)
{
    json_t *o = json_object();
    set(o, "id", json_string(ic->id));
    set(o, "name", json_string(ic->name));
    set(o, "notional", json_boolean(ic->notional));
    if (ic->n_stages > 0) {
        set(o, "stages", stages(ic->n_stages, ic->stage));
        set(o, "kill_vehicle_kg", num(ic->kv_mass_kg, 1));
    } else {
        set(o, "burnout_speed_kms", num(ic->burnout_speed_mps / 1e3, 3));
        set(o, "burn_s", num(ic->burn_s, 1));
    }
    set(o, "min_intercept_altitude_km", num(ic->h_min_m / 1e3, 1));
    set(o, "max_intercept_altitude_km", num(ic->h_max_m / 1e3, 1));
    set(o, "max_range_km", num(ic->range_max_m / 1e3, 1));
    /* the supported framing's hit-to-kill limits (null: none) */
    set(o, "flyout_max_s", ic->flyout_max_s > 0.0 ? num(ic->flyout_max_s, 1) : json_null());
    set(o, "closing_speed_min_mps", ic->closing_min_mps > 0.0 ? num(ic->closing_min_mps, 0) : json_null());
    set(o, "aspect_max_deg", ic->aspect_max_rad > 0.0 ? deg(ic->aspect_max_rad) : json_null());
    set(o, "sources", json_string(ic->sources));
    return o;
}

/* The ids of sensors list[0..n-1] of d. */
static json_t *sensor_ids(const ts_defense *d, int n, const int *list)
{
    json_t *a = json_array();
    for (int k = 0; k < n && k < TS_MAX_LINKS; k++)
        if (list[k] >= 0 && list[k] < d->n_sensors)
            json_array_append_new(a, json_string(d->sensors[list[k]].id));
    return a;
}

static json_t *defense(const ts_defense *d)
{
    json_t *o = json_object();
    json_t *ss = json_array();
    for (int i = 0; i < d->n_sensors; i++)
        json_array_append_new(ss, sensor(&d->sensors[i]));
    set(o, "sensors", ss);
    json_t *bs = json_array();
    for (int i = 0; i < d->n_batteries; i++) {
        const ts_battery *b = &d->batteries[i];
        json_t *x = json_object();
        set(x, "id", json_string(b->id));
        set(x, "site", json_string(b->site_id));
        set(x, "lat_deg", deg(b->lat_rad));
        set(x, "lon_deg", deg(b->lon_rad));
        set(x, "inventory", json_integer(b->inventory));
        set(x, "readiness_s", num(b->readiness_s, 1));
        json_t *fc = json_array();
        for (int k = 0; k < b->n_fire_control; k++)
            if (b->fire_control[k] >= 0 && b->fire_control[k] < d->n_sensors)
                json_array_append_new(fc, json_string(d->sensors[b->fire_control[k]].id));
        set(x, "fire_control", fc);
        json_t *hs = json_array();
        for (int k = 0; k < b->n_hears; k++)
            if (b->hears[k] >= 0 && b->hears[k] < d->n_sensors)
                json_array_append_new(hs, json_string(d->sensors[b->hears[k]].id));
        set(x, "hears", hs);
        set(x, "launch_on_remote", sensor_ids(d, b->n_launch_remote, b->launch_remote));
        set(x, "updates", sensor_ids(d, b->n_updates, b->updates));
        set(x, "track_before_intercept_s",
            b->track_before_intercept_s >= 0.0 ? num(b->track_before_intercept_s, 1) : json_null());
        set(x, "update_gap_max_s", b->update_gap_max_s >= 0.0 ? num(b->update_gap_max_s, 1) : json_null());
        set(x, "interceptor", interceptor(&b->interceptor));
        json_array_append_new(bs, x);
    }
    set(o, "batteries", bs);
    json_t *doc = json_object();
    set(doc, "mode", json_string(ts_out_doctrine_name(d->doctrine.mode)));
    set(doc, "salvo", json_integer(d->doctrine.salvo));
    set(doc, "sspk", num(d->doctrine.sspk, 4));
    set(doc, "decision_s", num(d->doctrine.decision_s, 1));
    set(doc, "kill_assessment_s", num(d->doctrine.kill_assessment_s, 1));
    set(doc, "track_before_intercept_s", num(d->doctrine.track_before_intercept_s, 1));
    set(doc, "update_gap_max_s", num(d->doctrine.update_gap_max_s, 1));
    set(doc, "headline", json_string(ts_framing_name(ts_out_headline(d))));
    set(o, "doctrine", doc);
    return o;
}

/* The limits on a variant's defense, each with what a monitor would
 * observe to verify it (docs/report-format.md, "limits"). */
static json_t *limits(const ts_variant *var)
{
    json_t *a = json_array();
    for (int i = 0; i < var->n_limits; i++) {
        const ts_limit *l = &var->limits[i];
        json_t *x = json_object();
        set(x, l->entry_kind, json_string(l->entry));
        set(x, "limit", json_string(l->limit));
        set(x, "value", json_string(l->value));
        set(x, "si", isnan(l->si) ? json_null() : json_real(l->si));
        set(x, "unit", json_string(l->unit));
        set(x, "verify", json_string(l->verify));
        set(x, "verify_default", json_boolean(l->verify_default));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *scenario(const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    json_t *o = json_object();
    set(o, "name", json_string(sc->name));
    set(o, "title", json_string(sc->title));
    set(o, "question", json_string(sc->question));
    set(o, "sources", json_string(sc->sources));
    char path[4 * 4096];
    ts_text_safe(sc->path, path, sizeof path); /* any bytes: JSON wants UTF-8 */
    set(o, "path", json_string(path));
    json_t *e = json_object();
    set(e, "model", json_string(sc->earth.model == TS_EARTH_SPHERE ? "sphere" : "wgs84"));
    set(e, "rotating", json_boolean(sc->earth.omega_rads != 0.0));
    set(e, "a_m", num(sc->earth.a_m, 3));
    set(e, "f", num(sc->earth.f, 12));
    set(e, "gm_m3s2", json_real(sc->earth.gm_m3s2));
    set(e, "j2", json_real(sc->earth.j2));
    set(e, "omega_rads", json_real(sc->earth.omega_rads));
    set(o, "earth", e);
    json_t *ts = json_array();
    for (int i = 0; i < sc->n_threats; i++) {
        const ts_threat *t = &sc->threats[i];
        json_t *x = json_object();
        set(x, "id", json_string(t->id));
        set(x, "shape", json_string(ts_out_shape_name(t->shape)));
        set(x, "rcs_m2", num(t->rcs_m2, 4));
        json_t *from = json_array();
        for (int k = 0; k < t->n_from; k++)
            json_array_append_new(from, place(res, &t->from[k]));
        set(x, "from", from);
        set(x, "missile", missile(&t->missile));
        json_array_append_new(ts, x);
    }
    set(o, "threats", ts);
    json_t *vs = json_array();
    for (int v = 0; v < sc->n_variants; v++) {
        json_t *x = json_object();
        set(x, "name", json_string(sc->variants[v].name));
        set(x, "slug", json_string(res->variant_slugs[v]));
        set(x, "defense", defense(&sc->variants[v].defense));
        set(x, "limits", limits(&sc->variants[v]));
        json_array_append_new(vs, x);
    }
    set(o, "variants", vs);
    json_t *st = json_array();
    for (int i = 0; i < sc->n_settings; i++) {
        json_t *x = json_object();
        set(x, "path", json_string(sc->settings[i].path));
        set(x, "value", json_string(sc->settings[i].value));
        json_array_append_new(st, x);
    }
    set(o, "settings", st);
    return o;
}

/* Each variant's named answers (answers.c, docs/answers.md), by name. */
static int answers(ts_ctx *ctx, const ts_run_result *res, json_t **out)
{
    *out = json_object();
    for (int v = 0; v < res->n_variants; v++) {
        ts_answers a;
        const int st = ts_answers_of_result(ctx, res, v, 0, &a);
        if (st < 0)
            return st;
        json_t *x = json_object();
        for (int i = 0; i < a.n; i++) {
            json_t *y = json_object();
            /* the report's roundings: times 0.1 s, areas 1 km^2, shares and
             * probabilities 1e-6; counts as integers */
            const double val = a.a[i].value;
            const char *u = a.a[i].unit;
            set(y, "value", !strcmp(u, "s")      ? num(val, 1)
                            : !strcmp(u, "m^2")  ? num(1e6 * round(val / 1e6), 0)
                            : val == floor(val) ? num(val, 0)
                                                 : num(val, 6));
            set(y, "unit", json_string(a.a[i].unit));
            set(y, "what", json_string(a.a[i].what));
            set(x, a.a[i].name, y);
        }
        ts_answers_free(&a);
        set(*out, res->sc->variants[v].name, x);
    }
    return TS_OK;
}

static json_t *flight(const ts_run_flight *f)
{
    json_t *o = json_object();
    set(o, "ok", json_boolean(f->ok));
    if (!f->ok) {
        set(o, "message", json_string(f->message));
        return o;
    }
    const ts_flight_summary *s = &f->flight;
    set(o, "flight_time_s", num(s->flight_time_s, 1));
    set(o, "burnout_s", num(s->burnout_t_s, 1));
    set(o, "burnout_altitude_km", num(s->burnout_h_m / 1e3, 1));
    set(o, "burnout_speed_kms", num(s->burnout_speed_mps / 1e3, 3));
    set(o, "burnout_gamma_deg", num(s->burnout_gamma_rad / TS_DEG, 2));
    set(o, "apogee_s", num(s->apogee_t_s, 1));
    set(o, "apogee_km", num(s->apogee_h_m / 1e3, 1));
    set(o, "reentry_s", tnum(f->reentry_s));
    set(o, "range_km", num(s->ground_range_m / 1e3, 1));
    set(o, "miss_m", num(s->miss_m, 1));
    return o;
}

/* One intercept's place and geometry (docs/report-format.md, "intercept"). */
static json_t *intercept(const ts_defense *d, const ts_intercept *x)
{
    json_t *o = json_object();
    set(o, "time_s", num(x->t_s, 1));
    set(o, "lat_deg", deg(x->lat_rad));
    set(o, "lon_deg", deg(x->lon_rad));
    set(o, "altitude_km", num(x->h_m / 1e3, 1));
    set(o, "ground_range_km", num(x->ground_range_m / 1e3, 1));
    set(o, "flyout_s", num(x->flyout_s, 1));
    set(o, "closing_speed_mps", num(x->closing_speed_mps, 0));
    set(o, "aspect_deg", num(x->aspect_rad / TS_DEG, 1));
    json_t *sb = json_array();
    for (int i = 0; i < x->n_supported; i++)
        json_array_append_new(sb, json_string(d->sensors[x->supported_by[i]].id));
    set(o, "supported_by", sb);
    json_t *rs = json_array();
    for (int i = 0; i < x->n_radars; i++) {
        json_t *r = json_object();
        set(r, "sensor", json_string(d->sensors[x->radar[i]].id));
        set(r, "sees", json_boolean(x->radar_sees[i]));
        set(r, "slant_range_km", num(x->radar_range_m[i] / 1e3, 1));
        set(r, "elevation_deg", num(x->radar_el_rad[i] / TS_DEG, 2));
        json_array_append_new(rs, r);
    }
    set(o, "radars", rs);
    return o;
}

/* A verdict object under one framing: engaged, margin, shots, P(kill),
 * the first shot's intercept, and (supported) the rule that refused. */
static json_t *verdict(const ts_defense *d, int engaged, int has_margin, double margin_s,
                       int shots, double p_kill, const ts_intercept *first, ts_refusal why)
{
    json_t *o = json_object();
    set(o, "engaged", json_boolean(engaged));
    set(o, "margin_s", has_margin ? num(margin_s, 1) : json_null());
    set(o, "shots", json_integer(shots));
    set(o, "p_kill", num(p_kill, 4));
    set(o, "intercept", first ? intercept(d, first) : json_null());
    set(o, "refused", why != TS_REFUSE_NONE ? json_string(ts_refusal_text(why)) : json_null());
    return o;
}

static json_t *battery_framing(const ts_defense *d, const ts_battery_framing *f)
{
    json_t *o = verdict(d, f->shots > 0, f->has_margin, f->margin_s, f->shots, f->p_kill,
                        f->shots > 0 ? &f->intercept[0] : NULL, f->refused);
    set(o, "launch_window_s", window(f->has_launch_window, f->launch_s));
    set(o, "intercept_window_s", window(f->has_intercept_window, f->intercept_s));
    json_t *sh = json_array();
    for (int i = 0; i < f->shots && i < TS_MAX_SHOTS; i++) {
        json_t *p = json_object();
        set(p, "launch_s", num(f->shot_launch_s[i], 1));
        set(p, "intercept_s", num(f->shot_intercept_s[i], 1));
        set(p, "intercept", intercept(d, &f->intercept[i]));
        json_array_append_new(sh, p);
    }
    set(o, "shot_times", sh);
    return o;
}

static json_t *engagement(const char *variant, const ts_defense *d, const ts_engagement *g)
{
    json_t *o = json_object();
    set(o, "variant", json_string(variant));
    set(o, "defended", json_boolean(g->defended));
    set(o, "p_kill", num(g->p_kill, 4));
    set(o, "commit_s", tnum(g->commit_s));
    json_t *ss = json_array();
    for (int k = 0; k < g->n_sensors && k < d->n_sensors; k++) {
        json_t *x = json_object();
        set(x, "sensor", json_string(d->sensors[k].id));
        set(x, "detect_s", tnum(g->sensors[k].detect_s));
        set(x, "track_s", tnum(g->sensors[k].track_s));
        json_array_append_new(ss, x);
    }
    set(o, "detections", ss);
    json_t *bs = json_array();
    for (int k = 0; k < g->n_batteries && k < d->n_batteries; k++) {
        const ts_battery_result *br = &g->batteries[k];
        json_t *x = json_object();
        set(x, "battery", json_string(d->batteries[k].id));
        set(x, "interceptor", json_string(d->batteries[k].interceptor.id));
        set(x, "site", json_string(d->batteries[k].site_id));
        set(x, "commit_s", tnum(br->commit_s));
        set(x, "launch_window_s", window(br->has_launch_window, br->launch_s));
        set(x, "intercept_window_s", window(br->has_intercept_window, br->intercept_s));
        set(x, "margin_s", br->has_launch_window ? num(br->margin_s, 1) : json_null());
        set(x, "shots", json_integer(br->shots));
        set(x, "interceptors_used", json_integer(br->interceptors_used));
        json_t *sh = json_array();
        for (int i = 0; i < br->shots && i < TS_MAX_SHOTS; i++) {
            json_t *p = json_object();
            set(p, "launch_s", num(br->shot_launch_s[i], 1));
            set(p, "intercept_s", num(br->shot_intercept_s[i], 1));
            set(p, "intercept", intercept(d, &br->framing[g->headline].intercept[i]));
            json_array_append_new(sh, p);
        }
        set(x, "shot_times", sh);
        set(x, "p_kill", num(br->p_kill, 4));
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            set(x, ts_framing_name((ts_framing)f), battery_framing(d, &br->framing[f]));
        json_array_append_new(bs, x);
    }
    set(o, "batteries", bs);
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        /* the first shot of the battery with the largest margin */
        const ts_battery_framing *best = NULL;
        for (int k = 0; k < g->n_batteries; k++) {
            const ts_battery_framing *bf = &g->batteries[k].framing[f];
            if (bf->shots > 0 && (!best || bf->margin_s > best->margin_s))
                best = bf;
        }
        ts_refusal why = TS_REFUSE_NONE;
        for (int k = 0; k < g->n_batteries && !g->engaged_by[f]; k++)
            if (g->batteries[k].framing[f].refused != TS_REFUSE_NONE)
                why = g->batteries[k].framing[f].refused;
        set(o, ts_framing_name((ts_framing)f),
            verdict(d, g->engaged_by[f], best != NULL, best ? best->margin_s : 0.0,
                    best ? best->shots : 0, g->p_kill_by[f], best ? &best->intercept[0] : NULL,
                    why));
    }
    set(o, "headline_framing", json_string(ts_framing_name(g->headline)));
    return o;
}

static json_t *engagements(const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    json_t *a = json_array();
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        json_t *o = json_object();
        set(o, "name", json_string(re->slug));
        set(o, "threat", json_string(sc->threats[re->spec->threat].id));
        set(o, "from", place(res, &re->spec->from));
        set(o, "to", place(res, &re->spec->to));
        set(o, "flight", flight(&re->flight));
        json_t *vs = json_array();
        for (int v = 0; v < res->n_variants; v++) {
            json_t *x;
            if (re->flight.ok && re->eng_ok[v]) {
                x = engagement(sc->variants[v].name, &sc->variants[v].defense, &re->eng[v]);
            } else {
                x = json_object();
                set(x, "variant", json_string(sc->variants[v].name));
            }
            char rel[200];
            snprintf(rel, sizeof rel, "timelines/%s-%s.svg", re->slug, res->variant_slugs[v]);
            if (re->flight.ok && re->eng_ok[v])
                set(x, "timeline", json_string(rel));
            json_array_append_new(vs, x);
        }
        set(o, "variants", vs);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *footprints(const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    json_t *a = json_array();
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        const ts_footprint *f0 = &rf->fp[0];
        json_t *o = json_object();
        set(o, "name", json_string(rf->slug));
        set(o, "region", json_string(rf->spec->region));
        set(o, "threat", json_string(sc->threats[rf->spec->threat].id));
        json_t *bb = json_object();
        set(bb, "lat_min_deg", deg(f0->lat_min_rad));
        set(bb, "lat_max_deg", deg(f0->lat_min_rad + f0->n_lat * f0->step_rad));
        set(bb, "lon_min_deg", num(ts_wrap_lon_deg(f0->lon_min_rad / TS_DEG), 5));
        set(bb, "lon_max_deg", num(ts_wrap_lon_deg((f0->lon_min_rad + f0->n_lon * f0->step_rad) / TS_DEG), 5));
        set(o, "grid", bb);
        set(bb, "step_deg", deg(f0->step_rad));
        set(bb, "n_lat", json_integer(f0->n_lat));
        set(bb, "n_lon", json_integer(f0->n_lon));
        set(o, "region_description", json_string(rf->spec->region_desc));
        const ts_region *rd = rf->spec->region_def;
        if (rd && rd->kind == TS_REGION_COUNTRIES) {
            json_t *cc = json_array();
            for (int k = 0; k < rd->n_countries; k++)
                json_array_append_new(cc, json_string(rd->a3[k]));
            set(o, "region_countries", cc);
        }
        set(o, "region_area_km2", num(f0->region_area_m2 / 1e6, 0));
        set(o, "land_area_km2", num(rf->land_area_m2 / 1e6, 0));
        char rel[200];
        snprintf(rel, sizeof rel, "tables/%s.csv", rf->stem);
        set(o, "cells_table", json_string(rel));
        json_t *vs = json_array();
        for (int v = 0; v < res->n_variants; v++) {
            const ts_footprint *fp = &rf->fp[v];
            json_t *x = json_object();
            set(x, "variant", json_string(sc->variants[v].name));
            set(x, "defended_area_km2", num(fp->defended_area_m2 / 1e6, 0));
            set(x, "defended_land_km2", num(rf->defended_land_m2[v] / 1e6, 0));
            set(x, "defended_land_share",
                rf->land_area_m2 > 0.0 ? num(rf->defended_land_m2[v] / rf->land_area_m2, 4) : json_null());
            set(x, "reachable_land_km2", num(rf->reachable_land_m2[v] / 1e6, 0));
            set(x, "defended_share_of_reachable_land",
                rf->reachable_land_m2[v] > 0.0
                    ? num(rf->defended_land_m2[v] / rf->reachable_land_m2[v], 4)
                    : json_null());
            const ts_region_cities *rc = &rf->cities;
            int cd = 0;
            for (int k = 0; k < rc->n; k++)
                cd += rc->status[(size_t)v * (size_t)rc->n + (size_t)k] == TS_CELL_DEFENDED;
            set(x, "cities_defended", json_integer(cd));
            set(x, "city_population_defended", num(rc->n ? rc->defended_pop[v] : 0.0, 0));
            int reach = 0, defended = 0;
            for (int c = 0; c < fp->n_lat * fp->n_lon; c++) {
                reach += fp->cells[c].status != TS_CELL_UNREACHABLE;
                defended += fp->cells[c].status == TS_CELL_DEFENDED;
            }
            set(x, "cells_reachable", json_integer(reach));
            set(x, "cells_defended", json_integer(defended));
            json_t *h = json_array();
            for (int k = 0; k <= TS_MAX_SHOTS; k++)
                json_array_append_new(h, json_integer(fp->shots_histogram[k]));
            set(x, "shots_histogram", h);
            set(x, "failed_cells", json_integer(fp->n_failed));
            for (int f = 0; f < TS_N_FRAMINGS; f++) {
                json_t *y = json_object();
                int nd = 0;
                for (int c = 0; c < fp->n_lat * fp->n_lon; c++)
                    nd += fp->cells[c].by[f].status == TS_CELL_DEFENDED;
                const double land = rf->defended_land_by_m2[v * TS_N_FRAMINGS + f];
                set(y, "cells_defended", json_integer(nd));
                set(y, "defended_area_km2", num(fp->defended_area_by_m2[f] / 1e6, 0));
                set(y, "defended_land_km2", num(land / 1e6, 0));
                set(y, "defended_land_share",
                    rf->land_area_m2 > 0.0 ? num(land / rf->land_area_m2, 4) : json_null());
                set(y, "reachable_land_share", rf->reachable_land_m2[v] > 0.0
                                                   ? num(land / rf->reachable_land_m2[v], 4)
                                                   : json_null());
                snprintf(rel, sizeof rel, "layers/%s-%s-%s.geojson", rf->stem,
                         res->variant_slugs[v], ts_framing_name((ts_framing)f));
                set(y, "layer", json_string(rel));
                set(x, ts_framing_name((ts_framing)f), y);
            }
            set(x, "headline_framing",
                json_string(ts_framing_name(ts_out_headline(&sc->variants[v].defense))));
            snprintf(rel, sizeof rel, "layers/%s-%s.geojson", rf->stem, res->variant_slugs[v]);
            set(x, "layer", json_string(rel));
            json_array_append_new(vs, x);
        }
        set(o, "variants", vs);
        /* the cities of data/cities.csv in the region, each with its cell's
         * verdict in every variant */
        const ts_region_cities *rc = &rf->cities;
        set(o, "city_population", num(rc->region_pop, 0));
        json_t *cs = json_array();
        for (int k = 0; k < rc->n; k++) {
            const ts_city *c = &rc->city[k];
            json_t *y = json_object();
            set(y, "name", json_string(c->name));
            set(y, "country", json_string(c->country));
            set(y, "capital", json_boolean(c->capital));
            set(y, "population", json_integer(c->population));
            set(y, "lat_deg", num(c->lat_deg, 5));
            set(y, "lon_deg", num(c->lon_deg, 5));
            json_t *vd = json_object();
            for (int v = 0; v < res->n_variants; v++) {
                const int s8 = rc->status[(size_t)v * (size_t)rc->n + (size_t)k];
                set(vd, sc->variants[v].name,
                    json_string(s8 == TS_CELL_DEFENDED     ? "defended"
                                : s8 == TS_CELL_UNREACHABLE ? "unreachable"
                                                            : "undefended"));
            }
            set(y, "verdict", vd);
            json_array_append_new(cs, y);
        }
        set(o, "cities", cs);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *matrices(const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    json_t *a = json_array();
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const ts_matrix_spec *sp = rm->spec;
        const int nf = sp->n_from * sp->n_to;
        json_t *o = json_object();
        set(o, "name", json_string(rm->slug));
        set(o, "threat", json_string(sc->threats[sp->threat].id));
        set(o, "missile", json_string(sc->threats[sp->threat].missile.id));
        json_t *ths = json_array();
        for (int i = 0; i < sp->n_from; i++) {
            const ts_threat *rt = ts_out_row_threat(sc, sp, i);
            int dup = 0;
            for (int k = 0; k < i; k++)
                dup |= ts_out_row_threat(sc, sp, k) == rt;
            if (!dup)
                json_array_append_new(ths, json_string(rt->id));
        }
        set(o, "threats", ths);
        json_t *fr = json_array(), *to = json_array();
        for (int i = 0; i < sp->n_from; i++)
            json_array_append_new(fr, place(res, &sp->from[i]));
        for (int i = 0; i < sp->n_to; i++)
            json_array_append_new(to, place(res, &sp->to[i]));
        set(o, "from", fr);
        set(o, "to", to);
        json_t *fl = json_array();
        for (int i = 0; i < nf; i++) {
            json_t *x = flight(&rm->flights[i]);
            json_object_set_new(x, "from", json_string(rm->flights[i].from_name));
            json_object_set_new(x, "to", json_string(rm->flights[i].to_name));
            const ts_threat *rt = ts_out_row_threat(sc, sp, i / sp->n_to);
            json_object_set_new(x, "threat", json_string(rt->id));
            json_object_set_new(x, "missile", json_string(rt->missile.id));
            json_array_append_new(fl, x);
        }
        set(o, "flights", fl);
        json_t *vs = json_array();
        for (int v = 0; v < res->n_variants; v++) {
            json_t *x = json_object();
            set(x, "variant", json_string(sc->variants[v].name));
            int n_eng = 0, n_def = 0, n_flown = 0, n_by[TS_N_FRAMINGS] = {0, 0};
            json_t *cells = json_array();
            for (int i = 0; i < nf; i++) {
                const ts_run_matrix_cell *c = &rm->cells[v * nf + i];
                json_t *y = json_object();
                set(y, "from", json_string(rm->flights[i].from_name));
                set(y, "to", json_string(rm->flights[i].to_name));
                if (rm->flights[i].ok) {
                    n_flown++;
                    n_eng += c->engaged;
                    n_def += c->defended;
                    set(y, "engaged", json_boolean(c->engaged));
                    set(y, "defended", json_boolean(c->defended));
                    set(y, "battery", c->battery >= 0
                                          ? json_string(sc->variants[v].defense.batteries[c->battery].id)
                                          : json_null());
                    set(y, "launch_window_s", window(c->battery >= 0, c->launch_s));
                    set(y, "intercept_window_s", window(c->battery >= 0, c->intercept_s));
                    set(y, "margin_s", c->battery >= 0 ? num(c->margin_s, 1) : json_null());
                    set(y, "p_kill", num(c->p_kill, 4));
                    set(y, "shots", json_integer(c->shots));
                    for (int f = 0; f < TS_N_FRAMINGS; f++) {
                        const ts_run_matrix_verdict *w = &c->by[f];
                        n_by[f] += w->engaged;
                        set(y, ts_framing_name((ts_framing)f),
                            verdict(&sc->variants[v].defense, w->engaged, w->battery >= 0,
                                    w->margin_s, w->shots, w->p_kill,
                                    w->has_intercept ? &w->intercept : NULL, w->refused));
                    }
                } else {
                    set(y, "engaged", json_null());
                }
                json_array_append_new(cells, y);
            }
            set(x, "flights_flown", json_integer(n_flown));
            set(x, "flights_engaged", json_integer(n_eng));
            set(x, "flights_defended", json_integer(n_def));
            for (int f = 0; f < TS_N_FRAMINGS; f++) {
                json_t *y = json_object();
                set(y, "engaged", json_integer(n_by[f]));
                set(x, ts_framing_name((ts_framing)f), y);
            }
            set(x, "headline_framing",
                json_string(ts_framing_name(ts_out_headline(&sc->variants[v].defense))));
            char rel[200];
            snprintf(rel, sizeof rel, "layers/%s-%s.geojson", rm->stem, res->variant_slugs[v]);
            set(x, "layer", json_string(rel));
            set(x, "cells", cells);
            json_array_append_new(vs, x);
        }
        set(o, "variants", vs);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *coverage(const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    json_t *a = json_array();
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        const ts_sensor *s = &sc->variants[cv->variant].defense.sensors[cv->sensor];
        json_t *o = json_object();
        set(o, "sensor", json_string(s->id));
        set(o, "variant", json_string(sc->variants[cv->variant].name));
        set(o, "target_altitude_km", num(cv->h_m / 1e3, 1));
        set(o, "rcs_m2", num(cv->rcs_m2, 4));
        set(o, "detection_range_km", num(ts_sensor_range(s, cv->rcs_m2) / 1e3, 1));
        json_array_append_new(a, o);
    }
    return a;
}

/* Writes dir/report.json. */
int ts_out_report(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    json_t *root = json_object();
    set(root, "format", json_string("thirdsite-report"));
    set(root, "format_version", json_integer(REPORT_FORMAT_VERSION));
    set(root, "thirdsite_version", json_string(ts_version()));
    set(root, "scenario", scenario(res));
    set(root, "engagements", engagements(res));
    set(root, "footprints", footprints(res));
    set(root, "matrix", matrices(res));
    set(root, "coverage", coverage(res));
    json_t *ans = NULL;
    const int ast = answers(ctx, res, &ans);
    set(root, "answers", ans);
    if (ast < 0) {
        json_decref(root);
        return ast;
    }
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12) |
                                      JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text)
        return ts_error(ctx, TS_ENOMEM, "report.json: out of memory");
    FILE *f = ts_out_open(ctx, dir, "report.json");
    if (!f) {
        free(text);
        return TS_EIO;
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return ts_out_close(ctx, f, "report.json");
}
