/*
 * layers/run.czml of a run: the whole run in time for a 3D globe (CZML,
 * the time-dynamic JSON format of CesiumJS: "CZML Guide" and "Packet"
 * reference, github.com/AnalyticalGraphicsInc/czml-writer/wiki), and
 * globe.html, the page that shows it with the shared viewer (served over
 * http: docs/viewer.md says why not from file://).
 *
 * Time: every flight of the run is launched at the CZML epoch, a fixed
 * display date (TS_CZML_EPOCH, 2008-01-01T00:00:00Z, the year of the
 * debate): the model has no calendar (ECI and ECEF coincide at each
 * flight's launch, docs/models-earth.md), so the date only labels the
 * timeline.  Positions: cartographic degrees (WGS-84 longitude, latitude)
 * and height in metres above the ellipsoid, Earth-fixed (CZML frame
 * "FIXED"): the inertial trajectory turned into the rotating frame at each
 * sample's time.  Layout of the packets (ids): docs/report-format.md,
 * "layers/run.czml".  Numbers with fixed decimals (5 for degrees, about
 * 1 m; 0 for metres; 3 for seconds), trailing zeros dropped: the same
 * bytes whatever the thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/framing.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The CZML epoch: 2008-01-01T00:00:00Z, as seconds of the Unix epoch. */
#define TS_CZML_EPOCH_UNIX 1199145600L
#define TS_CZML_EPOCH "2008-01-01T00:00:00Z"
/* Threat positions every SAMPLE_DT_S seconds of flight (and at impact). */
#define SAMPLE_DT_S 10.0
/* Interceptor fly-outs: this many segments from the site to the intercept. */
#define FLYOUT_SEGMENTS 16

typedef struct {
    FILE *f;
    const ts_run_result *res;
    int n_packets;            /* written so far, the document included */
} czml_w;

/* ---- small writers ------------------------------------------------------- */

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* x with at most `dec` decimals, trailing zeros dropped ("12.5", "3"). */
static void jnum(FILE *f, double x, int dec)
{
    char b[48];
    ts_out_fmt(b, sizeof b, x, dec);
    if (!b[0]) {
        fputs("null", f);
        return;
    }
    char *dot = strchr(b, '.');
    if (dot) {
        char *e = b + strlen(b) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (!strcmp(b, "-0"))
        strcpy(b, "0");
    fputs(b, f);
}

typedef struct { unsigned char r, g, b, a; } rgba;

/* The colours of the globe (the legend of viewer/globe/legend.js). */
static const rgba C_BOOST = {255, 140, 0, 255}, C_MID = {255, 215, 0, 255},
                  C_REENTRY = {230, 30, 70, 255}, C_THREAT = {255, 255, 255, 255},
                  C_LAUNCH = {227, 28, 28, 255}, C_TARGET = {255, 255, 255, 255},
                  C_RADAR = {190, 120, 255, 255}, C_COVER_FILL = {190, 120, 255, 40},
                  C_BATTERY = {0, 229, 255, 255}, C_BLACK = {0, 0, 0, 255};
/* fly-outs and intercepts per framing: kinematic, supported */
static const rgba C_FLYOUT[TS_N_FRAMINGS] = {{255, 170, 60, 255}, {0, 229, 255, 255}};
/* footprint classes: 0 not within reach / undefended, 1, 2, 3, 4+ shots */
static const rgba C_CLASS[5] = {{90, 90, 90, 150}, {199, 233, 192, 185}, {116, 196, 118, 195},
                                {35, 139, 69, 205},   {0, 90, 50, 215}};

static void jcolor(FILE *f, rgba c)
{
    fprintf(f, "{\"rgba\":[%d,%d,%d,%d]}", c.r, c.g, c.b, c.a);
}

static void solid(FILE *f, rgba c)
{
    fputs("{\"solidColor\":{\"color\":", f);
    jcolor(f, c);
    fputs("}}", f);
}

/* The start of a packet: id, name, parent (NULL: none); close with '}'. */
static void packet(czml_w *w, const char *id, const char *name, const char *parent)
{
    fputs(",\n{\"id\":", w->f);
    jstr(w->f, id);
    if (name) {
        fputs(",\"name\":", w->f);
        jstr(w->f, name);
    }
    if (parent) {
        fputs(",\"parent\":", w->f);
        jstr(w->f, parent);
    }
    w->n_packets++;
}

/* A parent packet (no graphics); `shown`: whether a viewer shows what is
 * below it at first (a custom property: CZML has no packet-level show). */
static void parent_packet(czml_w *w, const char *id, const char *name, const char *parent, int show)
{
    packet(w, id, name, parent);
    fprintf(w->f, ",\"properties\":{\"shown\":%s}}", show ? "true" : "false");
}

static void lonlat_h(FILE *f, double lon_deg, double lat_deg, double h_m)
{
    jnum(f, ts_wrap_lon_deg(lon_deg), 5);
    fputc(',', f);
    jnum(f, lat_deg, 5);
    fputc(',', f);
    jnum(f, h_m, 0);
}

/* An ISO 8601 UTC time, s seconds (whole) after the CZML epoch. */
static void iso_time(char *buf, size_t size, long s)
{
    const time_t t = (time_t)(TS_CZML_EPOCH_UNIX + s);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- positions of a flight ----------------------------------------------- */

/* The threat at t (s after launch): geodetic degrees and height in the
 * Earth-fixed frame of time t (ECI = ECEF at launch, ts_eci_to_ecef). */
static int flight_at(const ts_earth *earth, const ts_traj *traj, double t, double *lon_deg,
                     double *lat_deg, double *h_m)
{
    const double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj);
    t = t < t0 ? t0 : (t > t1 ? t1 : t);
    ts_state s, e;
    if (ts_traj_state(traj, t, &s))
        return TS_EINVAL;
    ts_eci_to_ecef(earth, t, &s, &e);
    double lat, lon, h;
    ts_ecef_to_geodetic(earth, &e.r, &lat, &lon, &h);
    *lon_deg = lon / TS_DEG;
    *lat_deg = lat / TS_DEG;
    *h_m = h < 0.0 ? 0.0 : h;
    return TS_OK;
}

/* Sample times of [t0, t1]: t0, the multiples of SAMPLE_DT_S after it
 * more than half a step before t1, then t1.  The k-th into *t; returns
 * their number (k < 0: only counts). */
static int sample_time(double t0, double t1, int k, double *t)
{
    int n = 1;
    for (double x = (floor(t0 / SAMPLE_DT_S) + 1.0) * SAMPLE_DT_S; x < t1 - 0.5 * SAMPLE_DT_S;
         x += SAMPLE_DT_S) {
        if (k == n)
            *t = x;
        n++;
    }
    if (k == 0)
        *t = t0;
    if (k == n)
        *t = t1;
    return n + 1;
}

/* The flight's phases: boost to burnout, midcourse to the descent through
 * 100 km (reentry_s), reentry to impact. */
static void phase_bounds(const ts_run_flight *fl, int phase, double *t0, double *t1)
{
    const double T = fl->flight.flight_time_s, bo = fl->flight.burnout_t_s;
    const double re = fl->reentry_s >= bo ? fl->reentry_s : T;
    const double b[4] = {0.0, bo, re, T};
    *t0 = b[phase];
    *t1 = b[phase + 1];
}

/* One flight: a moving point (position samples in time, the whole flight)
 * and a line per phase, under parent `parent`. */
static int write_flight(czml_w *w, const ts_run_flight *fl, const char *id, const char *name,
                        const char *descr, const char *parent)
{
    FILE *f = w->f;
    const ts_earth *earth = &w->res->earth;
    const double T = fl->flight.flight_time_s;
    double lon, lat, h, t = 0.0;
    packet(w, id, name, parent);
    fputs(",\"description\":", f);
    jstr(f, descr);
    fputs(",\"position\":{\"epoch\":\"" TS_CZML_EPOCH "\",\"referenceFrame\":\"FIXED\","
          "\"interpolationAlgorithm\":\"LAGRANGE\",\"interpolationDegree\":3,"
          "\"cartographicDegrees\":[",
          f);
    const int n = sample_time(0.0, T, -1, &t);
    for (int k = 0; k < n; k++) {
        sample_time(0.0, T, k, &t);
        if (flight_at(earth, fl->traj, t, &lon, &lat, &h))
            return TS_EINVAL;
        if (k)
            fputc(',', f);
        jnum(f, t, 3);
        fputc(',', f);
        lonlat_h(f, lon, lat, h);
    }
    fputs("]},\"point\":{\"pixelSize\":9,\"color\":", f);
    jcolor(f, C_THREAT);
    fputs(",\"outlineColor\":", f);
    jcolor(f, C_BLACK);
    fputs(",\"outlineWidth\":2}}", f);
    static const char *phase_name[3] = {"boost", "midcourse", "reentry"};
    const rgba phase_color[3] = {C_BOOST, C_MID, C_REENTRY};
    for (int p = 0; p < 3; p++) {
        double t0, t1;
        phase_bounds(fl, p, &t0, &t1);
        if (t1 <= t0)
            continue;
        char pid[8 * TS_NAME_LEN], pname[6 * TS_NAME_LEN];
        snprintf(pid, sizeof pid, "%s/%s", id, phase_name[p]);
        snprintf(pname, sizeof pname, "%s: %s", name, phase_name[p]);
        packet(w, pid, pname, id);
        fputs(",\"polyline\":{\"arcType\":\"NONE\",\"width\":3,\"material\":", f);
        solid(f, phase_color[p]);
        fputs(",\"positions\":{\"cartographicDegrees\":[", f);
        const int m = sample_time(t0, t1, -1, &t);
        for (int k = 0; k < m; k++) {
            sample_time(t0, t1, k, &t);
            if (flight_at(earth, fl->traj, t, &lon, &lat, &h))
                return TS_EINVAL;
            if (k)
                fputc(',', f);
            lonlat_h(f, lon, lat, h);
        }
        fputs("]}}}", f);
    }
    return TS_OK;
}

/* ---- points -------------------------------------------------------------- */

static void point_packet(czml_w *w, const char *id, const char *name, const char *parent,
                         const char *descr, double lat_rad, double lon_rad, double h_m, rgba c,
                         int size, const char *label)
{
    FILE *f = w->f;
    packet(w, id, name, parent);
    if (descr) {
        fputs(",\"description\":", f);
        jstr(f, descr);
    }
    fputs(",\"position\":{\"cartographicDegrees\":[", f);
    lonlat_h(f, lon_rad / TS_DEG, lat_rad / TS_DEG, h_m);
    fprintf(f, "]},\"point\":{\"pixelSize\":%d,\"color\":", size);
    jcolor(f, c);
    fputs(",\"outlineColor\":", f);
    jcolor(f, C_BLACK);
    fputs(",\"outlineWidth\":1}", f);
    if (label) {
        fputs(",\"label\":{\"text\":", f);
        jstr(f, label);
        fputs(",\"font\":\"13px sans-serif\",\"style\":\"FILL_AND_OUTLINE\",\"outlineWidth\":3,"
              "\"fillColor\":",
              f);
        jcolor(f, c);
        fputs(",\"outlineColor\":", f);
        jcolor(f, C_BLACK);
        fputs(",\"horizontalOrigin\":\"LEFT\",\"pixelOffset\":{\"cartesian2\":[8,-4]},"
              "\"distanceDisplayCondition\":{\"distanceDisplayCondition\":[0,2.5e7]}}",
              f);
    }
    fputc('}', f);
}

/* The launch sites and targets of the listed engagements and the matrices
 * (once each), under "sites". */
static int seen_site(char (*ids)[TS_NAME_LEN + 8], int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(ids[i], key))
            return 1;
    return 0;
}

static int write_sites(czml_w *w)
{
    const ts_scenario *sc = w->res->sc;
    int cap = 2 * sc->n_engagements + 1;
    for (int m = 0; m < sc->n_matrices; m++)
        cap += sc->matrices[m].n_from + sc->matrices[m].n_to;
    char (*ids)[TS_NAME_LEN + 8] = malloc((size_t)cap * sizeof *ids);
    if (!ids)
        return TS_ENOMEM;
    int n = 0;
    parent_packet(w, "sites", "Launch sites and targets", NULL, 1);
    for (int pass = 0; pass < 2; pass++)
        for (int e = 0; e < sc->n_engagements + sc->n_matrices; e++) {
            const int is_m = e >= sc->n_engagements;
            const ts_matrix_spec *ms = is_m ? &sc->matrices[e - sc->n_engagements] : NULL;
            const int np = is_m ? (pass ? ms->n_to : ms->n_from) : 1;
            for (int k = 0; k < np; k++) {
                const ts_place *pl = is_m ? (pass ? &ms->to[k] : &ms->from[k])
                                          : (pass ? &sc->engagements[e].to : &sc->engagements[e].from);
                char key[TS_NAME_LEN + 8], id[TS_NAME_LEN + 16], label[TS_NAME_LEN];
                snprintf(key, sizeof key, "%s/%s", pass ? "target" : "launch", pl->name);
                if (seen_site(ids, n, key))
                    continue;
                snprintf(ids[n++], sizeof ids[0], "%s", key);
                snprintf(id, sizeof id, "site/%s", key);
                ts_out_place_short(w->res, pl->name, label, sizeof label);
                point_packet(w, id, label, "sites", pass ? "target" : "launch site", pl->lat_rad,
                             pl->lon_rad, 0.0, pass ? C_TARGET : C_LAUNCH, 8, label);
            }
        }
    free(ids);
    return TS_OK;
}

/* ---- threats ------------------------------------------------------------- */

static void flight_descr(const ts_run_flight *fl, const char *missile, char *buf, size_t size)
{
    char a[32], b[32], c[32], d[32];
    snprintf(buf, size,
             "<p>%s. Flight time %s s, burnout at %s s, apogee %s km, ground range %s km; "
             "launched at the timeline's start (a display date: the model has no calendar).</p>",
             missile, ts_out_fmt(a, sizeof a, fl->flight.flight_time_s, 1),
             ts_out_fmt(b, sizeof b, fl->flight.burnout_t_s, 1),
             ts_out_fmt(c, sizeof c, fl->flight.apogee_h_m / 1e3, 0),
             ts_out_fmt(d, sizeof d, fl->flight.ground_range_m / 1e3, 0));
}

static int write_threats(czml_w *w)
{
    const ts_run_result *res = w->res;
    const ts_scenario *sc = res->sc;
    char id[6 * TS_NAME_LEN], name[8 * TS_NAME_LEN], descr[1024], a[TS_NAME_LEN], b[TS_NAME_LEN];
    parent_packet(w, "threats", "Threat flights", NULL, 1);
    int st = TS_OK;
    for (int e = 0; e < res->n_engagements && !st; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        if (!re->flight.ok)
            continue;
        const ts_missile *mi = &sc->threats[re->spec->threat].missile;
        ts_out_place_short(res, re->flight.from_name, a, sizeof a);
        ts_out_place_short(res, re->flight.to_name, b, sizeof b);
        snprintf(id, sizeof id, "flight/%s", re->slug);
        snprintf(name, sizeof name, "%s: %s to %s", mi->name, a, b);
        flight_descr(&re->flight, mi->name, descr, sizeof descr);
        st = write_flight(w, &re->flight, id, name, descr, "threats");
    }
    for (int m = 0; m < res->n_matrices && !st; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const int nf = rm->spec->n_from * rm->spec->n_to;
        for (int i = 0; i < nf && !st; i++) {
            const ts_run_flight *fl = &rm->flights[i];
            if (!fl->ok)
                continue;
            const ts_missile *mi = &ts_out_row_threat(sc, rm->spec, i / rm->spec->n_to)->missile;
            ts_out_place_short(res, fl->from_name, a, sizeof a);
            ts_out_place_short(res, fl->to_name, b, sizeof b);
            snprintf(id, sizeof id, "matrix/%s/%d-%d", rm->slug, i / rm->spec->n_to, i % rm->spec->n_to);
            snprintf(name, sizeof name, "%s: %s to %s (matrix %s)", mi->name, a, b, rm->slug);
            flight_descr(fl, mi->name, descr, sizeof descr);
            st = write_flight(w, fl, id, name, descr, "threats");
        }
    }
    return st;
}

/* ---- a variant's sensors and batteries ----------------------------------- */

/* The coverage ring of sensor k of variant v: its own entry, else that of
 * an identical sensor of an earlier variant, else (a change that left the
 * ring as it was: run.c lists it once) the first of the same id. */
static const ts_run_coverage *coverage_of(const ts_run_result *res, int v, int k)
{
    const ts_sensor *s = &res->sc->variants[v].defense.sensors[k];
    for (int c = 0; c < res->n_coverage; c++)
        if (res->coverage[c].variant == v && res->coverage[c].sensor == k)
            return &res->coverage[c];
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        if (!memcmp(&res->sc->variants[cv->variant].defense.sensors[cv->sensor], s, sizeof *s))
            return cv;
    }
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        if (!strcmp(res->sc->variants[cv->variant].defense.sensors[cv->sensor].id, s->id))
            return cv;
    }
    return NULL;
}

/* Ring vertex at azimuth az (rad clockwise from north): the ring's
 * vertices are n_az azimuths evenly from north (ts_sensor_coverage_ring). */
static int ring_vertex(const ts_run_coverage *cv, double az_rad)
{
    double u = fmod(az_rad / (2.0 * TS_PI), 1.0);
    if (u < 0.0)
        u += 1.0;
    return (int)lround(u * cv->n) % cv->n;
}

static void write_coverage(czml_w *w, const ts_sensor *s, const ts_run_coverage *cv, const char *vs,
                           const char *parent)
{
    FILE *f = w->f;
    char id[6 * TS_NAME_LEN], name[6 * TS_NAME_LEN], descr[512], a[32], b[32];
    snprintf(id, sizeof id, "variant/%s/coverage/%s", vs, s->id);
    snprintf(name, sizeof name, "%s: coverage", s->name[0] ? s->name : s->id);
    snprintf(descr, sizeof descr,
             "<p>Farthest ground range at which the radar sees a target %s km up of RCS %s m&sup2; "
             "(line of sight, elevation limits, faces and the radar equation: docs/models-defense.md). "
             "The ring is drawn at that height; the shaded area is its ground.</p>",
             ts_out_fmt(a, sizeof a, cv->h_m / 1e3, 0), ts_out_fmt(b, sizeof b, cv->rcs_m2, 3));
    packet(w, id, name, parent);
    fputs(",\"description\":", f);
    jstr(f, descr);
    fputs(",\"polyline\":{\"arcType\":\"NONE\",\"width\":2,\"material\":", f);
    solid(f, C_RADAR);
    fputs(",\"positions\":{\"cartographicDegrees\":[", f);
    for (int i = 0; i <= cv->n; i++) {
        const int k = i % cv->n;
        if (i)
            fputc(',', f);
        lonlat_h(f, cv->lonlat_deg[2 * k], cv->lonlat_deg[2 * k + 1], cv->h_m);
    }
    fputs("]}},\"polygon\":{\"height\":0,\"outline\":false,\"arcType\":\"RHUMB\",\"material\":", f);
    solid(f, C_COVER_FILL);
    fputs(",\"positions\":{\"cartographicDegrees\":[", f);
    for (int i = 0; i < cv->n; i++) {
        if (i)
            fputc(',', f);
        lonlat_h(f, cv->lonlat_deg[2 * i], cv->lonlat_deg[2 * i + 1], 0.0);
    }
    fputs("]}}}", f);
    /* the faces (fixed) or scan limits (steerable): their side azimuths,
     * from the radar out to the ring */
    for (int j = 0; j < s->n_sectors; j++) {
        snprintf(id, sizeof id, "variant/%s/sector/%s/%d", vs, s->id, j);
        snprintf(name, sizeof name, "%s: %s %d", s->name[0] ? s->name : s->id,
                 s->steerable ? "scan sector" : "face", j + 1);
        packet(w, id, name, parent);
        fputs(",\"polyline\":{\"arcType\":\"NONE\",\"width\":1.5,\"material\":", f);
        solid(f, C_RADAR);
        fputs(",\"positions\":{\"cartographicDegrees\":[", f);
        const int k0 = ring_vertex(cv, s->sector[j].az_min_rad),
                  k1 = ring_vertex(cv, s->sector[j].az_max_rad);
        lonlat_h(f, cv->lonlat_deg[2 * k0], cv->lonlat_deg[2 * k0 + 1], cv->h_m);
        fputc(',', f);
        lonlat_h(f, s->lon_rad / TS_DEG, s->lat_rad / TS_DEG, s->h_m);
        fputc(',', f);
        lonlat_h(f, cv->lonlat_deg[2 * k1], cv->lonlat_deg[2 * k1 + 1], cv->h_m);
        fputs("]}}}", f);
    }
}

static void write_defense(czml_w *w, int v, const char *vs)
{
    const ts_run_result *res = w->res;
    const ts_defense *d = &res->sc->variants[v].defense;
    char parent[2 * TS_NAME_LEN], id[6 * TS_NAME_LEN], name[6 * TS_NAME_LEN], label[TS_NAME_LEN],
        descr[512];
    snprintf(parent, sizeof parent, "variant/%s", vs);
    for (int k = 0; k < d->n_sensors; k++) {
        const ts_sensor *s = &d->sensors[k];
        if (s->kind != TS_SENSOR_RADAR)
            continue;
        snprintf(id, sizeof id, "variant/%s/radar/%s", vs, s->id);
        snprintf(name, sizeof name, "%s", s->name[0] ? s->name : s->id);
        snprintf(descr, sizeof descr, "<p>Radar %s (%s band, %s)%s.</p>", s->id, s->band,
                 ts_out_sensor_role_name(s->role), s->notional ? "; notional values" : "");
        ts_out_short(name, label, sizeof label);
        point_packet(w, id, name, parent, descr, s->lat_rad, s->lon_rad, s->h_m, C_RADAR, 10, label);
        const ts_run_coverage *cv = coverage_of(res, v, k);
        if (cv && cv->n > 0)
            write_coverage(w, s, cv, vs, parent);
    }
    for (int k = 0; k < d->n_batteries; k++) {
        const ts_battery *bt = &d->batteries[k];
        snprintf(id, sizeof id, "variant/%s/battery/%s", vs, bt->id);
        ts_out_place_short(res, bt->site_id[0] ? bt->site_id : bt->id, label, sizeof label);
        snprintf(name, sizeof name, "%s interceptors (%s)", label, bt->interceptor.id);
        snprintf(descr, sizeof descr, "<p>Battery %s: %d %s interceptors%s.</p>", bt->id, bt->inventory,
                 bt->interceptor.name[0] ? bt->interceptor.name : bt->interceptor.id,
                 bt->interceptor.notional ? " (notional)" : "");
        point_packet(w, id, name, parent, descr, bt->lat_rad, bt->lon_rad, bt->h_m, C_BATTERY, 12, label);
    }
}

/* ---- fly-outs and intercepts --------------------------------------------- */

/* One shot: the interceptor's fly-out from battery bt (launched at
 * x->t_s - x->flyout_s) to the intercept x, and the intercept point.  The
 * fly-out is drawn, not computed: along the geodesic from the site to the
 * point below the intercept, its height rising as sin(pi/2 u) over the
 * fraction u of the ground range (the fly-out model gives the time and the
 * arrival, not the path: docs/models-defense.md, "Fly-out"). */
static void write_shot(czml_w *w, const ts_battery *bt, const ts_intercept *x, ts_framing fr,
                       const char *id_stem, const char *what, const char *parent)
{
    FILE *f = w->f;
    const ts_earth *earth = &w->res->earth;
    char id[8 * TS_NAME_LEN], name[8 * TS_NAME_LEN], descr[1024], a[32], b[32], c[32];
    double s12, az1, az2;
    ts_geodesic_inverse(earth, bt->lat_rad, bt->lon_rad, x->lat_rad, x->lon_rad, &s12, &az1, &az2);
    const double t0 = x->t_s - x->flyout_s;
    snprintf(id, sizeof id, "%s/flyout", id_stem);
    snprintf(name, sizeof name, "Fly-out: %s", what);
    snprintf(descr, sizeof descr,
             "<p>Interceptor %s launched at %s s, intercept at %s s (fly-out %s s), %s. "
             "Drawn path: only the time and the meeting point are computed.</p>",
             bt->interceptor.id, ts_out_fmt(a, sizeof a, t0, 1), ts_out_fmt(b, sizeof b, x->t_s, 1),
             ts_out_fmt(c, sizeof c, x->flyout_s, 1),
             fr == TS_FRAMING_KINEMATIC ? "within reach (kinematic)" : "engageable with sensor support");
    packet(w, id, name, parent);
    fputs(",\"description\":", f);
    jstr(f, descr);
    double lat[FLYOUT_SEGMENTS + 1], lon[FLYOUT_SEGMENTS + 1], h[FLYOUT_SEGMENTS + 1];
    for (int k = 0; k <= FLYOUT_SEGMENTS; k++) {
        const double u = (double)k / FLYOUT_SEGMENTS;
        if (k == FLYOUT_SEGMENTS) {
            lat[k] = x->lat_rad;
            lon[k] = x->lon_rad;
        } else
            ts_geodesic_direct(earth, bt->lat_rad, bt->lon_rad, az1, u * s12, &lat[k], &lon[k], &az2);
        h[k] = bt->h_m + (x->h_m - bt->h_m) * sin(0.5 * TS_PI * u);
    }
    fputs(",\"position\":{\"epoch\":\"" TS_CZML_EPOCH "\",\"referenceFrame\":\"FIXED\","
          "\"cartographicDegrees\":[",
          f);
    for (int k = 0; k <= FLYOUT_SEGMENTS; k++) {
        if (k)
            fputc(',', f);
        jnum(f, t0 + x->flyout_s * k / FLYOUT_SEGMENTS, 3);
        fputc(',', f);
        lonlat_h(f, lon[k] / TS_DEG, lat[k] / TS_DEG, h[k]);
    }
    fputs("]},\"point\":{\"pixelSize\":7,\"color\":", f);
    jcolor(f, C_FLYOUT[fr]);
    fputs("},\"polyline\":{\"arcType\":\"NONE\",\"width\":3,\"material\":{\"polylineDash\":{\"color\":", f);
    jcolor(f, C_FLYOUT[fr]);
    fputs(",\"dashLength\":12}},\"positions\":{\"cartographicDegrees\":[", f);
    for (int k = 0; k <= FLYOUT_SEGMENTS; k++) {
        if (k)
            fputc(',', f);
        lonlat_h(f, lon[k] / TS_DEG, lat[k] / TS_DEG, h[k]);
    }
    fputs("]}}}", f);
    snprintf(id, sizeof id, "%s/intercept", id_stem);
    snprintf(name, sizeof name, "Intercept: %s", what);
    char e[32];
    snprintf(descr, sizeof descr,
             "<p>%s s after the threat's launch, %s km up, %s km from the battery; closing speed %s m/s.</p>",
             ts_out_fmt(a, sizeof a, x->t_s, 1), ts_out_fmt(b, sizeof b, x->h_m / 1e3, 0),
             ts_out_fmt(c, sizeof c, x->ground_range_m / 1e3, 0),
             ts_out_fmt(e, sizeof e, x->closing_speed_mps, 0));
    point_packet(w, id, name, parent, descr, x->lat_rad, x->lon_rad, x->h_m, C_FLYOUT[fr], 11, NULL);
}

/* Every shot of the listed engagements and the first intercept of each
 * matrix flight, of variant v under framing fr, under parent. */
static void write_shots(czml_w *w, int v, const char *vs, ts_framing fr, const char *parent)
{
    const ts_run_result *res = w->res;
    const ts_scenario *sc = res->sc;
    const ts_defense *d = &sc->variants[v].defense;
    char stem[5 * TS_NAME_LEN], what[5 * TS_NAME_LEN], a[TS_NAME_LEN], b[TS_NAME_LEN];
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        if (!re->flight.ok || !re->eng_ok[v])
            continue;
        const ts_engagement *g = &re->eng[v];
        ts_out_place_short(res, re->flight.from_name, a, sizeof a);
        ts_out_place_short(res, re->flight.to_name, b, sizeof b);
        for (int k = 0; k < g->n_batteries && k < d->n_batteries; k++) {
            const ts_battery_framing *bf = &g->batteries[k].framing[fr];
            for (int s = 0; s < bf->shots && s < TS_MAX_SHOTS; s++) {
                snprintf(stem, sizeof stem, "variant/%s/%s/%s/%s/%d", vs, ts_framing_name(fr), re->slug,
                         d->batteries[k].id, s + 1);
                snprintf(what, sizeof what, "%s to %s, %s shot %d", a, b, d->batteries[k].id, s + 1);
                write_shot(w, &d->batteries[k], &bf->intercept[s], fr, stem, what, parent);
            }
        }
    }
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const int nf = rm->spec->n_from * rm->spec->n_to;
        for (int i = 0; i < nf; i++) {
            const ts_run_flight *fl = &rm->flights[i];
            const ts_run_matrix_verdict *mv = &rm->cells[v * nf + i].by[fr];
            if (!fl->ok || !mv->engaged || !mv->has_intercept || mv->battery < 0 ||
                mv->battery >= d->n_batteries)
                continue;
            ts_out_place_short(res, fl->from_name, a, sizeof a);
            ts_out_place_short(res, fl->to_name, b, sizeof b);
            snprintf(stem, sizeof stem, "variant/%s/%s/matrix/%s/%d-%d", vs, ts_framing_name(fr), rm->slug,
                     i / rm->spec->n_to, i % rm->spec->n_to);
            snprintf(what, sizeof what, "%s to %s, first intercept", a, b);
            write_shot(w, &d->batteries[mv->battery], &mv->intercept, fr, stem, what, parent);
        }
    }
}

/* ---- footprints ---------------------------------------------------------- */

static void ring_degrees(FILE *f, const ts_ring *r)
{
    fputc('[', f);
    for (int i = 0; i < r->n; i++) {
        if (i)
            fputc(',', f);
        lonlat_h(f, r->xy[2 * i], r->xy[2 * i + 1], 0.0);
    }
    fputc(']', f);
}

/* Footprint rf of variant v under framing fr: one polygon packet per
 * polygon of each class (0: not within reach / undefended, k: k shots). */
static int write_footprint(czml_w *w, const ts_run_footprint *rf, int v, const char *vs, ts_framing fr,
                           const char *parent, unsigned char *mask)
{
    FILE *f = w->f;
    const ts_footprint *fp = &rf->fp[v];
    const int n = fp->n_lat * fp->n_lon;
    int max_shots = 0;
    for (int c = 0; c < n; c++)
        if (fp->cells[c].by[fr].status == TS_CELL_DEFENDED && fp->cells[c].by[fr].shots > max_shots)
            max_shots = fp->cells[c].by[fr].shots;
    const int kin = fr == TS_FRAMING_KINEMATIC;
    for (int cls = 0; cls <= max_shots; cls++) {
        int any = 0;
        for (int c = 0; c < n; c++) {
            const ts_footprint_verdict *vd = &fp->cells[c].by[fr];
            mask[c] = cls == 0 ? vd->status == TS_CELL_UNDEFENDED
                               : (vd->status == TS_CELL_DEFENDED && vd->shots == cls);
            any |= mask[c];
        }
        if (!any)
            continue;
        ts_mpoly mp;
        if (ts_grid_polygonize(mask, fp->n_lat, fp->n_lon, fp->lat_min_rad / TS_DEG,
                               fp->lon_min_rad / TS_DEG, fp->step_rad / TS_DEG, &mp))
            return TS_ENOMEM;
        char name[6 * TS_NAME_LEN], id[5 * TS_NAME_LEN];
        if (cls == 0)
            snprintf(name, sizeof name, "%s: %s", rf->slug, kin ? "not within reach" : "undefended");
        else
            snprintf(name, sizeof name, "%s: %s, %d shot%s", rf->slug,
                     kin ? "within reach (kinematic)" : "defended (engageable with sensor support)", cls,
                     cls > 1 ? "s" : "");
        for (int p = 0; p < mp.n; p++) {
            snprintf(id, sizeof id, "variant/%s/%s/footprint/%s/%d/%d", vs, ts_framing_name(fr), rf->slug,
                     cls, p + 1);
            packet(w, id, name, parent);
            fputs(",\"polygon\":{\"height\":0,\"outline\":false,\"arcType\":\"RHUMB\",\"material\":", f);
            solid(f, C_CLASS[cls > 4 ? 4 : cls]);
            fputs(",\"positions\":{\"cartographicDegrees\":", f);
            ring_degrees(f, &mp.polys[p].rings[0]);
            fputc('}', f);
            if (mp.polys[p].n > 1) {
                fputs(",\"holes\":{\"cartographicDegrees\":[", f);
                for (int r = 1; r < mp.polys[p].n; r++) {
                    if (r > 1)
                        fputc(',', f);
                    ring_degrees(f, &mp.polys[p].rings[r]);
                }
                fputs("]}", f);
            }
            fputs("}}", f);
        }
        ts_mpoly_free(&mp);
    }
    return TS_OK;
}

/* ---- the document -------------------------------------------------------- */

/* The end of the timeline: the last impact, whole seconds up. */
static long clock_end_s(const ts_run_result *res)
{
    double T = 60.0;
    for (int e = 0; e < res->n_engagements; e++)
        if (res->engagements[e].flight.ok && res->engagements[e].flight.flight.flight_time_s > T)
            T = res->engagements[e].flight.flight.flight_time_s;
    for (int m = 0; m < res->n_matrices; m++)
        for (int i = 0; i < res->matrices[m].spec->n_from * res->matrices[m].spec->n_to; i++)
            if (res->matrices[m].flights[i].ok && res->matrices[m].flights[i].flight.flight_time_s > T)
                T = res->matrices[m].flights[i].flight.flight_time_s;
    return (long)ceil(T);
}

static int write_czml(czml_w *w)
{
    const ts_run_result *res = w->res;
    const ts_scenario *sc = res->sc;
    FILE *f = w->f;
    char end[32], name[TS_TEXT_LEN + 32];
    iso_time(end, sizeof end, clock_end_s(res));
    snprintf(name, sizeof name, "%s", sc->title[0] ? sc->title : sc->name);
    fputs("[{\"id\":\"document\",\"name\":", f);
    jstr(f, name);
    fputs(",\"version\":\"1.0\",\"clock\":{\"interval\":\"" TS_CZML_EPOCH "/", f);
    fputs(end, f);
    fputs("\",\"currentTime\":\"" TS_CZML_EPOCH "\",\"multiplier\":20,\"range\":\"LOOP_STOP\","
          "\"step\":\"SYSTEM_CLOCK_MULTIPLIER\"}}",
          f);
    w->n_packets = 1;
    int st = write_sites(w);
    if (!st)
        st = write_threats(w);
    int max_cells = 1;
    for (int i = 0; i < res->n_footprints; i++)
        if (res->footprints[i].fp[0].n_lat * res->footprints[i].fp[0].n_lon > max_cells)
            max_cells = res->footprints[i].fp[0].n_lat * res->footprints[i].fp[0].n_lon;
    unsigned char *mask = st ? NULL : malloc((size_t)max_cells);
    if (!st && !mask)
        st = TS_ENOMEM;
    for (int v = 0; v < res->n_variants && !st; v++) {
        const char *vs = res->variant_slugs[v];
        char id[2 * TS_NAME_LEN], fid[2 * TS_NAME_LEN + 16], nm[2 * TS_NAME_LEN + 64];
        snprintf(id, sizeof id, "variant/%s", vs);
        snprintf(nm, sizeof nm, "Variant %s", sc->variants[v].name);
        parent_packet(w, id, nm, NULL, v == 0);
        write_defense(w, v, vs);
        const ts_framing head = ts_out_headline(&sc->variants[v].defense);
        for (int fr = 0; fr < TS_N_FRAMINGS && !st; fr++) {
            snprintf(fid, sizeof fid, "variant/%s/%s", vs, ts_framing_name((ts_framing)fr));
            snprintf(nm, sizeof nm, "%s, %s", sc->variants[v].name,
                     fr == TS_FRAMING_KINEMATIC ? "within reach (kinematic)" : "engageable with sensor support");
            parent_packet(w, fid, nm, id, fr == (int)head);
            write_shots(w, v, vs, (ts_framing)fr, fid);
            for (int i = 0; i < res->n_footprints && !st; i++)
                st = write_footprint(w, &res->footprints[i], v, vs, (ts_framing)fr, fid, mask);
        }
    }
    free(mask);
    fputs("\n]\n", f);
    return st;
}

/* layers/run.czml. */
static int write_file(ts_ctx *ctx, const ts_run_result *res, const char *dir, const char *rel)
{
    FILE *f = ts_out_open(ctx, dir, rel);
    if (!f)
        return TS_EIO;
    czml_w w = {f, res, 0};
    const int st = write_czml(&w);
    if (st) {
        fclose(f);
        return st == TS_ENOMEM ? ts_error(ctx, st, "%s: out of memory", rel)
                               : ts_error(ctx, st, "%s: a flight could not be sampled", rel);
    }
    return ts_out_close(ctx, f, rel);
}

/* globe.html: the run's 3D view, the shared viewer loaded from ../viewer/
 * (`thirdsite serve` serves it at /viewer/ beside the run at /run/; out/viewer/
 * beside the run folders, from make demo, for any local http server;
 * `?viewer=URL/` elsewhere) with the run's layers/run.czml.  Opened from
 * file:// it says how to serve it: CesiumJS needs http (its web workers and
 * the assets it reads by XMLHttpRequest are refused to file:// pages). */
static int write_page(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "globe.html");
    if (!f)
        return TS_EIO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    for (const char *s = res->sc->title[0] ? res->sc->title : res->sc->name; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        default: fputc(*s, f);
        }
    fputs(
        " &#8212; 3D globe</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<style>html,body{margin:0;height:100%;font-family:sans-serif}#thirdsite-globe{height:100%}"
        ".ts-note{max-width:46em;margin:3em auto;padding:0 1em;line-height:1.5}"
        ".ts-note code{background:#eee;padding:1px 4px}</style>\n"
        "</head>\n<body>\n<div id=\"thirdsite-globe\"></div>\n<script>\n"
        "/* The 3D view of this run (docs/viewer.md). */\n"
        "(function () {\n"
        "  var q = new URLSearchParams(location.search);\n"
        "  var base = q.get('viewer') || '../viewer/';\n"
        "  if (base.slice(-1) !== '/') base += '/';\n"
        "  var box = document.getElementById('thirdsite-globe');\n"
        "  function note(html) { box.innerHTML = '<div class=\"ts-note\" id=\"ts-note\">' + html + '</div>'; }\n"
        "  var data = ' The data: <a href=\"layers/run.czml\">layers/run.czml</a> (CZML); the same "
        "layers as KML for Google Earth: <a href=\"index.html\">index.html</a>, Files.';\n"
        "  if (location.protocol === 'file:') {\n"
        "    note('<h1>Serve this folder to see the 3D globe</h1><p>The globe (CesiumJS) runs only "
        "from a web server: browsers refuse its web workers and data files to pages opened from "
        "a file. Start</p><p><code>thirdsite serve RUNDIR</code></p><p>and open the address it "
        "prints, or, with the shared viewer beside the run folders (<code>make demo</code> puts "
        "it in <code>out/viewer/</code>), <code>python3 -m http.server -b 127.0.0.1 -d out 8000"
        "</code> and open <code>http://127.0.0.1:8000/RUN/globe.html</code>.</p>' + data);\n"
        "    return;\n"
        "  }\n"
        "  window.CESIUM_BASE_URL = base + 'cesium/';\n"
        "  window.THIRDSITE_GLOBE = {czml: 'layers/run.czml'};\n"
        "  function missing() {\n"
        "    note('<h1>The 3D viewer was not found</h1><p>This page loads the shared viewer from "
        "<code>' + base.replace(/[<>&\"]/g, '') + '</code>: <code>make demo</code> puts it in "
        "<code>out/viewer/</code>, beside the run folders; <code>viewer/build.sh DIR</code> "
        "builds it anywhere, then open this page with <code>?viewer=URL-OF-DIR/</code>.</p>' + data);\n"
        "  }\n"
        "  function load(src, next) {\n"
        "    var s = document.createElement('script');\n"
        "    s.src = src; s.onload = next; s.onerror = missing;\n"
        "    document.head.appendChild(s);\n"
        "  }\n"
        "  var css = document.createElement('link');\n"
        "  css.rel = 'stylesheet'; css.href = base + 'cesium/Widgets/widgets.css';\n"
        "  document.head.appendChild(css);\n"
        "  load(base + 'cesium/Cesium.js', function () { load(base + 'globe/globe.js'); });\n"
        "})();\n"
        "</script>\n</body>\n</html>\n",
        f);
    return ts_out_close(ctx, f, "globe.html");
}

int ts_out_czml(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    int st = write_file(ctx, res, cfg->dir, "layers/run.czml");
    if (!st)
        st = write_page(ctx, res, cfg->dir);
    return st;
}
