/*
 * layers/ of a run: GeoJSON (RFC 7946) and KML 2.2 (OGC 07-147r2) layers
 * of the sites, the radars' coverage, sample trajectories, the first
 * intercepts under each framing, the matrix flights with both verdicts and
 * the footprints under each framing.
 *
 * GeoJSON: coordinates lon, lat (then height in m above the ellipsoid for
 * trajectories), WGS-84, at most 5 decimals (about 1 m; RFC 7946 sec.
 * 11.2); polygons follow the right-hand rule (exteriors counterclockwise,
 * holes clockwise, sec. 3.1.6) and are cut at the antimeridian (sec. 3.1.9)
 * by polygon.c; lines that cross it become MultiLineStrings.  Rings are
 * closed (first position repeated).  KML: the same geometry, rings closed,
 * trajectories with altitudeMode absolute so a globe viewer shows them in
 * 3D; colours aabbggrr.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/framing.h"

#include <stdlib.h>
#include <string.h>

/* ---- small writers ------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
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

static void xml_str(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static void pos(FILE *f, double lon, double lat)
{
    char a[32], b[32];
    fprintf(f, "[%s,%s]", ts_out_fmt(a, sizeof a, lon, 5), ts_out_fmt(b, sizeof b, lat, 5));
}

static void ring_json(FILE *f, const ts_ring *r)
{
    fputc('[', f);
    for (int i = 0; i <= r->n; i++) {
        const int k = i % r->n; /* closed: the first position again */
        if (i)
            fputc(',', f);
        pos(f, r->xy[2 * k], r->xy[2 * k + 1]);
    }
    fputc(']', f);
}

static void mpoly_json(FILE *f, const ts_mpoly *mp)
{
    fputs("{\"type\":\"MultiPolygon\",\"coordinates\":[", f);
    for (int p = 0; p < mp->n; p++) {
        if (p)
            fputc(',', f);
        fputc('[', f);
        for (int r = 0; r < mp->polys[p].n; r++) {
            if (r)
                fputc(',', f);
            ring_json(f, &mp->polys[p].rings[r]);
        }
        fputc(']', f);
    }
    fputs("]}", f);
}

static void ring_kml(FILE *f, const ts_ring *r)
{
    char a[32], b[32];
    fputs("<LinearRing><coordinates>", f);
    for (int i = 0; i <= r->n; i++) {
        const int k = i % r->n;
        fprintf(f, "%s%s,%s", i ? " " : "", ts_out_fmt(a, sizeof a, r->xy[2 * k], 5),
                ts_out_fmt(b, sizeof b, r->xy[2 * k + 1], 5));
    }
    fputs("</coordinates></LinearRing>", f);
}

static void mpoly_kml(FILE *f, const ts_mpoly *mp)
{
    fputs("<MultiGeometry>", f);
    for (int p = 0; p < mp->n; p++) {
        fputs("<Polygon><outerBoundaryIs>", f);
        ring_kml(f, &mp->polys[p].rings[0]);
        fputs("</outerBoundaryIs>", f);
        for (int r = 1; r < mp->polys[p].n; r++) {
            fputs("<innerBoundaryIs>", f);
            ring_kml(f, &mp->polys[p].rings[r]);
            fputs("</innerBoundaryIs>", f);
        }
        fputs("</Polygon>", f);
    }
    fputs("</MultiGeometry>", f);
}

static void kml_head(FILE *f, const char *name, const char *styles)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>", f);
    xml_str(f, name);
    fputs("</name>\n", f);
    fputs(styles, f);
}

static void kml_tail(FILE *f)
{
    fputs("</Document>\n</kml>\n", f);
}

static void geojson_head(FILE *f)
{
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
}

static void geojson_tail(FILE *f)
{
    fputs("\n]}\n", f);
}

/* ---- sites ------------------------------------------------------------- */

typedef struct {
    char id[TS_NAME_LEN], label[TS_NAME_LEN], role[32], detail[TS_NAME_LEN];
    double lat_deg, lon_deg;
} site_pt;

typedef struct {
    int n, cap;
    site_pt *p;
} site_list;

static int add_site(site_list *l, const ts_run_result *res, const char *id, const char *role,
                    const char *detail, double lat_rad, double lon_rad)
{
    const double lat = lat_rad / TS_DEG, lon = ts_wrap_lon_deg(lon_rad / TS_DEG);
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->p[i].role, role) && !strcmp(l->p[i].id, id) &&
            fabs(l->p[i].lat_deg - lat) < 1e-6 && fabs(l->p[i].lon_deg - lon) < 1e-6)
            return TS_OK;
    if (l->n == l->cap) {
        const int c = l->cap ? 2 * l->cap : 32;
        site_pt *q = realloc(l->p, (size_t)c * sizeof *q);
        if (!q)
            return TS_ENOMEM;
        l->p = q;
        l->cap = c;
    }
    site_pt *s = &l->p[l->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    ts_out_place_label(res, id, s->label, sizeof s->label);
    snprintf(s->role, sizeof s->role, "%s", role);
    snprintf(s->detail, sizeof s->detail, "%s", detail);
    s->lat_deg = lat;
    s->lon_deg = lon;
    return TS_OK;
}

static int collect_sites(const ts_run_result *res, site_list *l)
{
    const ts_scenario *sc = res->sc;
    int st = TS_OK;
    for (int t = 0; t < sc->n_threats && !st; t++)
        for (int k = 0; k < sc->threats[t].n_from && !st; k++)
            st = add_site(l, res, sc->threats[t].from[k].name, "launch", sc->threats[t].missile.id,
                          sc->threats[t].from[k].lat_rad, sc->threats[t].from[k].lon_rad);
    for (int e = 0; e < sc->n_engagements && !st; e++) {
        const ts_engagement_spec *sp = &sc->engagements[e];
        st = add_site(l, res, sp->from.name, "launch", sc->threats[sp->threat].missile.id,
                      sp->from.lat_rad, sp->from.lon_rad);
        if (!st)
            st = add_site(l, res, sp->to.name, "target", "", sp->to.lat_rad, sp->to.lon_rad);
    }
    for (int m = 0; m < sc->n_matrices && !st; m++) {
        const ts_matrix_spec *sp = &sc->matrices[m];
        for (int k = 0; k < sp->n_from && !st; k++)
            st = add_site(l, res, sp->from[k].name, "launch", ts_out_row_threat(sc, sp, k)->missile.id,
                          sp->from[k].lat_rad, sp->from[k].lon_rad);
        for (int k = 0; k < sp->n_to && !st; k++)
            st = add_site(l, res, sp->to[k].name, "target", "", sp->to[k].lat_rad, sp->to[k].lon_rad);
    }
    for (int v = 0; v < sc->n_variants && !st; v++) {
        const ts_defense *d = &sc->variants[v].defense;
        for (int k = 0; k < d->n_sensors && !st; k++)
            if (d->sensors[k].kind == TS_SENSOR_RADAR)
                st = add_site(l, res, d->sensors[k].site_id[0] ? d->sensors[k].site_id : d->sensors[k].id,
                              "radar", d->sensors[k].id, d->sensors[k].lat_rad, d->sensors[k].lon_rad);
        for (int k = 0; k < d->n_batteries && !st; k++)
            st = add_site(l, res, d->batteries[k].site_id[0] ? d->batteries[k].site_id : d->batteries[k].id,
                          "interceptors", d->batteries[k].interceptor.id, d->batteries[k].lat_rad,
                          d->batteries[k].lon_rad);
    }
    return st;
}

static int write_sites(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    site_list l;
    memset(&l, 0, sizeof l);
    if (collect_sites(res, &l)) {
        free(l.p);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    FILE *f = ts_out_open(ctx, dir, "layers/sites.geojson");
    if (!f) {
        free(l.p);
        return TS_EIO;
    }
    geojson_head(f);
    for (int i = 0; i < l.n; i++) {
        fputs(i ? ",\n" : "", f);
        fputs("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":", f);
        pos(f, l.p[i].lon_deg, l.p[i].lat_deg);
        fputs("},\"properties\":{\"id\":", f);
        json_str(f, l.p[i].id);
        fputs(",\"name\":", f);
        json_str(f, l.p[i].label);
        fputs(",\"role\":", f);
        json_str(f, l.p[i].role);
        fputs(",\"detail\":", f);
        json_str(f, l.p[i].detail);
        fputs("}}", f);
    }
    geojson_tail(f);
    int st = ts_out_close(ctx, f, "layers/sites.geojson");
    if (st) {
        free(l.p);
        return st;
    }
    f = ts_out_open(ctx, dir, "layers/sites.kml");
    if (!f) {
        free(l.p);
        return TS_EIO;
    }
    kml_head(f, "Sites",
             "<Style id=\"launch\"><IconStyle><color>ff1c1ce3</color></IconStyle></Style>\n"
             "<Style id=\"target\"><IconStyle><color>ff333333</color></IconStyle></Style>\n"
             "<Style id=\"radar\"><IconStyle><color>ffb26b1f</color></IconStyle></Style>\n"
             "<Style id=\"interceptors\"><IconStyle><color>ff2ca02c</color></IconStyle></Style>\n");
    char a[32], b[32];
    for (int i = 0; i < l.n; i++) {
        fputs("<Placemark><name>", f);
        xml_str(f, l.p[i].label);
        fputs("</name><description>", f);
        xml_str(f, l.p[i].role);
        if (l.p[i].detail[0]) {
            fputs(": ", f);
            xml_str(f, l.p[i].detail);
        }
        fprintf(f, "</description><styleUrl>#%s</styleUrl><Point><coordinates>%s,%s</coordinates>"
                   "</Point></Placemark>\n",
                l.p[i].role, ts_out_fmt(a, sizeof a, l.p[i].lon_deg, 5),
                ts_out_fmt(b, sizeof b, l.p[i].lat_deg, 5));
    }
    kml_tail(f);
    free(l.p);
    return ts_out_close(ctx, f, "layers/sites.kml");
}

/* ---- coverage ------------------------------------------------------------ */

/* The coverage ring cv as polygons in [-180, 180] (ts_ring_to_mpoly).
 * TS_OK or TS_ENOMEM. */
static int coverage_area(const ts_run_coverage *cv, ts_mpoly *out)
{
    ts_ring ring = {0, 0, NULL};
    int st = TS_OK;
    for (int i = 0; i < cv->n && !st; i++)
        st = ts_ring_push(&ring, cv->lonlat_deg[2 * i], cv->lonlat_deg[2 * i + 1]);
    if (!st)
        st = ts_ring_to_mpoly(&ring, out);
    ts_ring_free(&ring);
    return st;
}

static int write_coverage_files(ts_ctx *ctx, const ts_run_result *res, const ts_mpoly *area,
                                const char *dir)
{
    const ts_scenario *sc = res->sc;
    char a[32];
    FILE *f = ts_out_open(ctx, dir, "layers/coverage.geojson");
    if (!f)
        return TS_EIO;
    geojson_head(f);
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        const ts_sensor *s = &sc->variants[cv->variant].defense.sensors[cv->sensor];
        fputs(c ? ",\n" : "", f);
        fputs("{\"type\":\"Feature\",\"geometry\":", f);
        mpoly_json(f, &area[c]);
        fputs(",\"properties\":{\"sensor\":", f);
        json_str(f, s->id);
        fputs(",\"name\":", f);
        json_str(f, s->name);
        fputs(",\"variant\":", f);
        json_str(f, sc->variants[cv->variant].name);
        fprintf(f, ",\"target_altitude_km\":%s", ts_out_fmt(a, sizeof a, cv->h_m / 1e3, 1));
        fprintf(f, ",\"rcs_m2\":%s}}", ts_out_fmt(a, sizeof a, cv->rcs_m2, 4));
    }
    geojson_tail(f);
    int st = ts_out_close(ctx, f, "layers/coverage.geojson");
    if (st)
        return st;
    f = ts_out_open(ctx, dir, "layers/coverage.kml");
    if (!f)
        return TS_EIO;
    kml_head(f, "Radar coverage",
             "<Style id=\"coverage\"><LineStyle><color>ffb26b1f</color><width>2</width></LineStyle>"
             "<PolyStyle><color>40b26b1f</color></PolyStyle></Style>\n");
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        const ts_sensor *s = &sc->variants[cv->variant].defense.sensors[cv->sensor];
        fputs("<Placemark><name>", f);
        xml_str(f, s->name[0] ? s->name : s->id);
        fprintf(f, "</name><description>seen at %s km altitude", ts_out_fmt(a, sizeof a, cv->h_m / 1e3, 0));
        fprintf(f, ", RCS %s m2 (variant ", ts_out_fmt(a, sizeof a, cv->rcs_m2, 3));
        xml_str(f, sc->variants[cv->variant].name);
        fputs(")</description><styleUrl>#coverage</styleUrl>", f);
        mpoly_kml(f, &area[c]);
        fputs("</Placemark>\n", f);
    }
    kml_tail(f);
    return ts_out_close(ctx, f, "layers/coverage.kml");
}

static int write_coverage(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    ts_mpoly *area = calloc((size_t)res->n_coverage + 1, sizeof *area);
    int st = area ? TS_OK : TS_ENOMEM;
    for (int c = 0; c < res->n_coverage && !st; c++)
        st = coverage_area(&res->coverage[c], &area[c]);
    if (st)
        st = ts_error(ctx, st, "coverage layers: out of memory");
    else
        st = write_coverage_files(ctx, res, area, dir);
    for (int c = 0; area && c < res->n_coverage; c++)
        ts_mpoly_free(&area[c]);
    free(area);
    return st;
}

/* ---- trajectories -------------------------------------------------------- */

/* Ground track and height of a flight, about 200 samples. */
static int track(const ts_earth *earth, const ts_traj *traj, ts_line *line)
{
    const double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj);
    const int n = 200;
    for (int i = 0; i <= n; i++) {
        const double t = i == n ? t1 : t0 + (t1 - t0) * i / n;
        ts_state s, e;
        if (ts_traj_state(traj, t, &s))
            continue;
        ts_eci_to_ecef(earth, t, &s, &e);
        double lat, lon, h;
        ts_ecef_to_geodetic(earth, &e.r, &lat, &lon, &h);
        if (ts_line_push(line, lon / TS_DEG, lat / TS_DEG, h < 0.0 ? 0.0 : h))
            return TS_ENOMEM;
    }
    return TS_OK;
}

/* A ground track split at the antimeridian (ts_line_split) as a GeoJSON
 * geometry: a LineString, or a MultiLineString of its parts. */
static void track_geojson(FILE *fg, const ts_line *parts, int np)
{
    char a[32], b[32], c[32];
    fprintf(fg, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"%s\",\"coordinates\":",
            np > 1 ? "MultiLineString" : "LineString");
    if (np > 1)
        fputc('[', fg);
    for (int p = 0; p < np; p++) {
        fputs(p ? ",[" : "[", fg);
        for (int q = 0; q < parts[p].n; q++)
            fprintf(fg, "%s[%s,%s,%s]", q ? "," : "", ts_out_fmt(a, sizeof a, parts[p].p[3 * q], 5),
                    ts_out_fmt(b, sizeof b, parts[p].p[3 * q + 1], 5),
                    ts_out_fmt(c, sizeof c, parts[p].p[3 * q + 2], 0));
        fputc(']', fg);
    }
    if (np > 1)
        fputc(']', fg);
}

/* The same track as KML LineStrings (altitudeMode absolute), inside the
 * caller's MultiGeometry. */
static void track_kml(FILE *fk, const ts_line *parts, int np)
{
    char a[32], b[32], c[32];
    for (int p = 0; p < np; p++) {
        fputs("<LineString><altitudeMode>absolute</altitudeMode><coordinates>", fk);
        for (int q = 0; q < parts[p].n; q++)
            fprintf(fk, "%s%s,%s,%s", q ? " " : "", ts_out_fmt(a, sizeof a, parts[p].p[3 * q], 5),
                    ts_out_fmt(b, sizeof b, parts[p].p[3 * q + 1], 5),
                    ts_out_fmt(c, sizeof c, parts[p].p[3 * q + 2], 0));
        fputs("</coordinates></LineString>", fk);
    }
}

/* The ground track of flight f split at the antimeridian: *parts (owned by
 * the caller: free_parts) of *np lines.  TS_OK or TS_ENOMEM. */
static int flight_parts(const ts_earth *earth, const ts_run_flight *f, ts_line **parts, int *np)
{
    ts_line line;
    memset(&line, 0, sizeof line);
    *parts = NULL;
    *np = 0;
    int st = track(earth, f->traj, &line);
    if (!st)
        st = ts_line_split(&line, np, parts);
    ts_line_free(&line);
    return st;
}

static void free_parts(ts_line *parts, int np)
{
    for (int p = 0; p < np; p++)
        ts_line_free(&parts[p]);
    free(parts);
}

typedef struct {
    const ts_run_flight *f;
    const char *kind; /* "engagement" or "matrix" */
    const char *name;
    const char *missile;
} traj_item;

static int write_trajectories(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    int n = res->n_engagements;
    for (int m = 0; m < res->n_matrices; m++)
        n += res->matrices[m].spec->n_from * res->matrices[m].spec->n_to;
    traj_item *items = calloc((size_t)n + 1, sizeof *items);
    if (!items)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int k = 0;
    for (int e = 0; e < res->n_engagements; e++) {
        items[k].f = &res->engagements[e].flight;
        items[k].kind = "engagement";
        items[k].name = res->engagements[e].slug;
        items[k++].missile = sc->threats[res->engagements[e].spec->threat].missile.id;
    }
    for (int m = 0; m < res->n_matrices; m++)
        for (int i = 0; i < res->matrices[m].spec->n_from * res->matrices[m].spec->n_to; i++) {
            items[k].f = &res->matrices[m].flights[i];
            items[k].kind = "matrix";
            items[k].name = "";
            items[k++].missile =
                ts_out_row_threat(sc, res->matrices[m].spec, i / res->matrices[m].spec->n_to)
                    ->missile.id;
        }
    FILE *fg = ts_out_open(ctx, dir, "layers/trajectories.geojson");
    FILE *fk = fg ? ts_out_open(ctx, dir, "layers/trajectories.kml") : NULL;
    if (!fg || !fk) {
        if (fg)
            fclose(fg);
        free(items);
        return TS_EIO;
    }
    geojson_head(fg);
    kml_head(fk, "Trajectories",
             "<Style id=\"engagement\"><LineStyle><color>ff1c1ce3</color><width>3</width></LineStyle></Style>\n"
             "<Style id=\"matrix\"><LineStyle><color>ff7f7f7f</color><width>2</width></LineStyle></Style>\n");
    int first = 1, st = TS_OK;
    char a[32], b[32];
    for (int i = 0; i < k && !st; i++) {
        const ts_run_flight *f = items[i].f;
        if (!f->ok)
            continue;
        int np = 0;
        ts_line *parts = NULL;
        if (flight_parts(&res->earth, f, &parts, &np)) {
            free_parts(parts, np);
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
            break;
        }
        char from[TS_NAME_LEN], to[TS_NAME_LEN];
        ts_out_place_label(res, f->from_name, from, sizeof from);
        ts_out_place_label(res, f->to_name, to, sizeof to);
        fputs(first ? "" : ",\n", fg);
        first = 0;
        track_geojson(fg, parts, np);
        fputs("},\"properties\":{\"kind\":", fg);
        json_str(fg, items[i].kind);
        fputs(",\"name\":", fg);
        json_str(fg, items[i].name);
        fputs(",\"missile\":", fg);
        json_str(fg, items[i].missile);
        fputs(",\"from\":", fg);
        json_str(fg, f->from_name);
        fputs(",\"to\":", fg);
        json_str(fg, f->to_name);
        fprintf(fg, ",\"flight_time_s\":%s", ts_out_fmt(a, sizeof a, f->flight.flight_time_s, 1));
        fprintf(fg, ",\"apogee_km\":%s}}", ts_out_fmt(a, sizeof a, f->flight.apogee_h_m / 1e3, 1));

        fputs("<Placemark><name>", fk);
        xml_str(fk, from);
        fputs(" to ", fk);
        xml_str(fk, to);
        fprintf(fk, "</name><description>%s, flight time %s s, apogee %s km</description>"
                    "<styleUrl>#%s</styleUrl><MultiGeometry>",
                items[i].missile, ts_out_fmt(a, sizeof a, f->flight.flight_time_s, 0),
                ts_out_fmt(b, sizeof b, f->flight.apogee_h_m / 1e3, 0), items[i].kind);
        track_kml(fk, parts, np);
        fputs("</MultiGeometry></Placemark>\n", fk);
        free_parts(parts, np);
    }
    free(items);
    geojson_tail(fg);
    kml_tail(fk);
    int s1 = ts_out_close(ctx, fg, "layers/trajectories.geojson");
    int s2 = ts_out_close(ctx, fk, "layers/trajectories.kml");
    return st ? st : (s1 ? s1 : s2);
}

/* ---- first intercepts ---------------------------------------------------- */

/* A JSON number with `dec` decimals, or null when not finite. */
static const char *jnum(char *buf, size_t size, double x, int dec)
{
    return isfinite(x) ? ts_out_fmt(buf, size, x, dec) : "null";
}

/* The words of each framing (docs/report-format.md, "Framings"). */
static const char *framing_words(ts_framing fr)
{
    return fr == TS_FRAMING_KINEMATIC ? "within reach (kinematic)" : "engageable with sensor support";
}

/* One first intercept: of a listed engagement (kind "engagement", name its
 * slug) or of a matrix flight (kind "matrix", name the matrix's slug). */
typedef struct {
    const char *kind, *name, *variant, *from, *to, *missile;
    const ts_defense *d;
    int battery;
    ts_framing framing;
    int engaged_by[TS_N_FRAMINGS]; /* the flight's verdict under each */
    const ts_intercept *x;
} icpt;

static void icpt_geojson(FILE *f, const ts_run_result *res, const icpt *p)
{
    char a[32], b[32], c[32], words[512], site[TS_NAME_LEN];
    const ts_intercept *x = p->x;
    fputs("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":", f);
    fprintf(f, "[%s,%s,%s]}", ts_out_fmt(a, sizeof a, ts_wrap_lon_deg(x->lon_rad / TS_DEG), 5),
            ts_out_fmt(b, sizeof b, x->lat_rad / TS_DEG, 5), ts_out_fmt(c, sizeof c, x->h_m, 0));
    fputs(",\"properties\":{\"kind\":", f);
    json_str(f, p->kind);
    fputs(",\"name\":", f);
    json_str(f, p->name);
    fputs(",\"variant\":", f);
    json_str(f, p->variant);
    fputs(",\"framing\":", f);
    json_str(f, ts_framing_name(p->framing));
    fputs(",\"framing_words\":", f);
    json_str(f, framing_words(p->framing));
    fprintf(f, ",\"kinematic_engaged\":%s,\"supported_engaged\":%s",
            p->engaged_by[TS_FRAMING_KINEMATIC] ? "true" : "false",
            p->engaged_by[TS_FRAMING_SUPPORTED] ? "true" : "false");
    fputs(",\"from\":", f);
    json_str(f, p->from);
    fputs(",\"to\":", f);
    json_str(f, p->to);
    fputs(",\"missile\":", f);
    json_str(f, p->missile);
    fputs(",\"battery\":", f);
    json_str(f, p->d->batteries[p->battery].id);
    fprintf(f, ",\"time_s\":%s", jnum(a, sizeof a, x->t_s, 1));
    fprintf(f, ",\"altitude_km\":%s", jnum(a, sizeof a, x->h_m / 1e3, 1));
    fprintf(f, ",\"ground_range_km\":%s", jnum(a, sizeof a, x->ground_range_m / 1e3, 1));
    fprintf(f, ",\"flyout_s\":%s", jnum(a, sizeof a, x->flyout_s, 1));
    fprintf(f, ",\"closing_speed_mps\":%s", jnum(a, sizeof a, x->closing_speed_mps, 0));
    fprintf(f, ",\"aspect_deg\":%s,\"supported_by\":[", jnum(a, sizeof a, x->aspect_rad / TS_DEG, 1));
    for (int i = 0, n = 0; i < x->n_supported && i < TS_MAX_LINKS; i++)
        if (x->supported_by[i] >= 0 && x->supported_by[i] < p->d->n_sensors) {
            fputs(n++ ? "," : "", f);
            json_str(f, p->d->sensors[x->supported_by[i]].id);
        }
    ts_out_place_label(res, p->d->batteries[p->battery].site_id, site, sizeof site);
    ts_intercept_describe(x, p->d, site, words, sizeof words);
    fputs("],\"description\":", f);
    json_str(f, words);
    fputs("}}", f);
}

static void icpt_kml(FILE *f, const ts_run_result *res, const icpt *p)
{
    char a[32], b[32], c[32], words[512], site[TS_NAME_LEN], from[TS_NAME_LEN], to[TS_NAME_LEN];
    const ts_intercept *x = p->x;
    ts_out_place_label(res, p->from, from, sizeof from);
    ts_out_place_label(res, p->to, to, sizeof to);
    ts_out_place_label(res, p->d->batteries[p->battery].site_id, site, sizeof site);
    ts_intercept_describe(x, p->d, site, words, sizeof words);
    fputs("<Placemark><name>", f);
    xml_str(f, from);
    fputs(" to ", f);
    xml_str(f, to);
    fputs(", ", f);
    xml_str(f, p->variant);
    fputs(": ", f);
    xml_str(f, framing_words(p->framing));
    fputs("</name><description>", f);
    xml_str(f, words);
    fprintf(f, " (at %s s)</description><styleUrl>#%s</styleUrl>", ts_out_fmt(a, sizeof a, x->t_s, 0),
            ts_framing_name(p->framing));
    fprintf(f, "<Point><altitudeMode>absolute</altitudeMode><coordinates>%s,%s,%s</coordinates>"
               "</Point></Placemark>\n",
            ts_out_fmt(a, sizeof a, ts_wrap_lon_deg(x->lon_rad / TS_DEG), 5),
            ts_out_fmt(b, sizeof b, x->lat_rad / TS_DEG, 5), ts_out_fmt(c, sizeof c, x->h_m, 0));
}

static void icpt_write(FILE *fg, FILE *fk, const ts_run_result *res, const icpt *p, int *first)
{
    fputs(*first ? "" : ",\n", fg);
    *first = 0;
    icpt_geojson(fg, res, p);
    icpt_kml(fk, res, p);
}

/* The first intercepts of the listed engagements: per variant and
 * framing, the first shot of the battery with the largest margin. */
static void engagement_icpts(FILE *fg, FILE *fk, const ts_run_result *res, int *first)
{
    const ts_scenario *sc = res->sc;
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants && re->flight.ok; v++) {
            if (!re->eng_ok[v])
                continue;
            const ts_engagement *g = &re->eng[v];
            for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                const int k = ts_out_best_battery(g, (ts_framing)fr);
                if (k < 0)
                    continue;
                icpt p = {"engagement", re->slug, sc->variants[v].name, re->flight.from_name,
                          re->flight.to_name, sc->threats[re->spec->threat].missile.id,
                          &sc->variants[v].defense, k, (ts_framing)fr,
                          {g->engaged_by[0], g->engaged_by[1]}, &g->batteries[k].framing[fr].intercept[0]};
                icpt_write(fg, fk, res, &p, first);
            }
        }
    }
}

/* The first intercepts of the matrix flights, per variant and framing. */
static void matrix_icpts(FILE *fg, FILE *fk, const ts_run_result *res, int *first)
{
    const ts_scenario *sc = res->sc;
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const int nf = rm->spec->n_from * rm->spec->n_to;
        for (int v = 0; v < res->n_variants; v++)
            for (int i = 0; i < nf; i++) {
                const ts_run_flight *fl = &rm->flights[i];
                const ts_run_matrix_cell *c = &rm->cells[v * nf + i];
                for (int fr = 0; fr < TS_N_FRAMINGS && fl->ok; fr++) {
                    const ts_run_matrix_verdict *w = &c->by[fr];
                    if (!w->engaged || !w->has_intercept || w->battery < 0)
                        continue;
                    icpt p = {"matrix", rm->slug, sc->variants[v].name, fl->from_name, fl->to_name,
                              ts_out_row_threat(sc, rm->spec, i / rm->spec->n_to)->missile.id,
                              &sc->variants[v].defense, w->battery, (ts_framing)fr,
                              {c->by[0].engaged, c->by[1].engaged}, &w->intercept};
                    icpt_write(fg, fk, res, &p, first);
                }
            }
    }
}

static int write_intercepts(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    FILE *fg = ts_out_open(ctx, dir, "layers/intercepts.geojson");
    FILE *fk = fg ? ts_out_open(ctx, dir, "layers/intercepts.kml") : NULL;
    if (!fg || !fk) {
        if (fg)
            fclose(fg);
        return TS_EIO;
    }
    geojson_head(fg);
    kml_head(fk, "First intercepts",
             "<Style id=\"kinematic\"><IconStyle><color>ff0e7fff</color><scale>0.8</scale></IconStyle></Style>\n"
             "<Style id=\"supported\"><IconStyle><color>ff2ca02c</color><scale>1.0</scale></IconStyle></Style>\n");
    int first = 1;
    engagement_icpts(fg, fk, res, &first);
    matrix_icpts(fg, fk, res, &first);
    geojson_tail(fg);
    kml_tail(fk);
    int s1 = ts_out_close(ctx, fg, "layers/intercepts.geojson");
    int s2 = ts_out_close(ctx, fk, "layers/intercepts.kml");
    return s1 ? s1 : s2;
}

/* ---- matrix flights with both verdicts ------------------------------------ */

/* The class of a matrix flight: "supported" (engageable with sensor
 * support), "kinematic-only" (within reach, refused with the supported
 * framing), "none". */
static const char *matrix_class(const ts_run_matrix_cell *c)
{
    return c->by[TS_FRAMING_SUPPORTED].engaged   ? "supported"
           : c->by[TS_FRAMING_KINEMATIC].engaged ? "kinematic-only"
                                                 : "none";
}

static void matrix_verdict_props(FILE *f, const ts_defense *d, const ts_run_matrix_verdict *w,
                                 const char *prefix)
{
    char a[32];
    fprintf(f, ",\"%s_engaged\":%s,\"%s_battery\":", prefix, w->engaged ? "true" : "false", prefix);
    if (w->battery >= 0)
        json_str(f, d->batteries[w->battery].id);
    else
        fputs("null", f);
    fprintf(f, ",\"%s_margin_s\":", prefix);
    fputs(w->battery >= 0 && isfinite(w->margin_s) ? ts_out_fmt(a, sizeof a, w->margin_s, 1) : "null", f);
    fprintf(f, ",\"%s_shots\":%d,\"%s_p_kill\":%s", prefix, w->shots, prefix,
            jnum(a, sizeof a, w->p_kill, 4));
    fprintf(f, ",\"%s_refused\":", prefix);
    if (w->refused != TS_REFUSE_NONE)
        json_str(f, ts_refusal_text(w->refused));
    else
        fputs("null", f);
}

static void matrix_line(FILE *fg, FILE *fk, const ts_run_result *res, const ts_run_matrix *rm,
                        int v, int i, const ts_line *parts, int np, int *first)
{
    const ts_scenario *sc = res->sc;
    const ts_defense *d = &sc->variants[v].defense;
    const ts_run_flight *fl = &rm->flights[i];
    const ts_run_matrix_cell *c = &rm->cells[v * rm->spec->n_from * rm->spec->n_to + i];
    const char *missile = ts_out_row_threat(sc, rm->spec, i / rm->spec->n_to)->missile.id;
    const char *cls = matrix_class(c);
    fputs(*first ? "" : ",\n", fg);
    *first = 0;
    track_geojson(fg, parts, np);
    fputs("},\"properties\":{\"matrix\":", fg);
    json_str(fg, rm->slug);
    fputs(",\"variant\":", fg);
    json_str(fg, sc->variants[v].name);
    fputs(",\"missile\":", fg);
    json_str(fg, missile);
    fputs(",\"from\":", fg);
    json_str(fg, fl->from_name);
    fputs(",\"to\":", fg);
    json_str(fg, fl->to_name);
    fprintf(fg, ",\"class\":\"%s\"", cls);
    matrix_verdict_props(fg, d, &c->by[TS_FRAMING_KINEMATIC], "kinematic");
    matrix_verdict_props(fg, d, &c->by[TS_FRAMING_SUPPORTED], "supported");
    fputs("}}", fg);

    char from[TS_NAME_LEN], to[TS_NAME_LEN];
    ts_out_place_label(res, fl->from_name, from, sizeof from);
    ts_out_place_label(res, fl->to_name, to, sizeof to);
    fputs("<Placemark><name>", fk);
    xml_str(fk, from);
    fputs(" to ", fk);
    xml_str(fk, to);
    fputs("</name><description>", fk);
    xml_str(fk, missile);
    fputs(!strcmp(cls, "supported")        ? ": engageable with sensor support"
          : !strcmp(cls, "kinematic-only") ? ": within reach (kinematic) only; with sensor support refused: "
                                           : ": not within reach",
          fk);
    if (!strcmp(cls, "kinematic-only"))
        xml_str(fk, ts_refusal_text(c->by[TS_FRAMING_SUPPORTED].refused));
    fprintf(fk, "</description><styleUrl>#%s</styleUrl><MultiGeometry>", cls);
    track_kml(fk, parts, np);
    fputs("</MultiGeometry></Placemark>\n", fk);
}

static int write_matrix_file(ts_ctx *ctx, const ts_run_result *res, const ts_run_matrix *rm, int v,
                             const char *dir)
{
    char rel[200], relk[200], title[3 * TS_NAME_LEN];
    snprintf(rel, sizeof rel, "layers/%s-%s.geojson", rm->stem, res->variant_slugs[v]);
    snprintf(relk, sizeof relk, "layers/%s-%s.kml", rm->stem, res->variant_slugs[v]);
    FILE *fg = ts_out_open(ctx, dir, rel);
    FILE *fk = fg ? ts_out_open(ctx, dir, relk) : NULL;
    if (!fg || !fk) {
        if (fg)
            fclose(fg);
        return TS_EIO;
    }
    geojson_head(fg);
    snprintf(title, sizeof title, "Matrix %s, %s", rm->slug, res->sc->variants[v].name);
    kml_head(fk, title,
             "<Style id=\"supported\"><LineStyle><color>ff2828d6</color><width>3</width></LineStyle></Style>\n"
             "<Style id=\"kinematic-only\"><LineStyle><color>ff0e7fff</color><width>2</width></LineStyle></Style>\n"
             "<Style id=\"none\"><LineStyle><color>ff9f9f9f</color><width>1</width></LineStyle></Style>\n");
    int first = 1, st = TS_OK;
    for (int i = 0; i < rm->spec->n_from * rm->spec->n_to && !st; i++) {
        if (!rm->flights[i].ok)
            continue;
        int np = 0;
        ts_line *parts = NULL;
        st = flight_parts(&res->earth, &rm->flights[i], &parts, &np);
        if (st)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        else
            matrix_line(fg, fk, res, rm, v, i, parts, np, &first);
        free_parts(parts, np);
    }
    geojson_tail(fg);
    kml_tail(fk);
    int s1 = ts_out_close(ctx, fg, rel), s2 = ts_out_close(ctx, fk, relk);
    return st ? st : (s1 ? s1 : s2);
}

static int write_matrices(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    int st = TS_OK;
    for (int m = 0; m < res->n_matrices && !st; m++)
        for (int v = 0; v < res->n_variants && !st; v++)
            st = write_matrix_file(ctx, res, &res->matrices[m], v, dir);
    return st;
}

/* ---- footprints ---------------------------------------------------------- */

/* Fill colours of the footprint classes, KML aabbggrr: undefended (grey),
 * then 1, 2, 3+ shots (light to dark green). */
static const char *kml_class_color(int cls)
{
    static const char *c[] = {"80b0b0b0", "a0c0e8c7", "b074c476", "c0238b41", "d0005a24"};
    return c[cls < 0 ? 0 : (cls > 4 ? 4 : cls)];
}

/* The KML name of a footprint class under framing fr, in words: 0 the
 * cells the threat reaches without a shot, k >= 1 the cells with k shots. */
static void class_name(ts_framing fr, int cls, char *buf, size_t size)
{
    const int kin = fr == TS_FRAMING_KINEMATIC;
    if (cls == 0)
        snprintf(buf, size, "%s", kin ? "not within reach" : "undefended");
    else
        snprintf(buf, size, "%s, %d shot%s",
                 kin ? "within reach (kinematic)" : "defended (engageable with sensor support)", cls,
                 cls > 1 ? "s" : "");
}

/* One footprint class (cls, under framing fr) as a GeoJSON feature and a
 * KML Placemark; nothing when no cell is in it.  mask: scratch of n cells. */
static int footprint_class(FILE *fg, FILE *fk, const ts_run_result *res, const ts_run_footprint *rf,
                           int v, ts_framing fr, int cls, unsigned char *mask, int *first)
{
    const ts_footprint *fp = &rf->fp[v];
    const int n = fp->n_lat * fp->n_lon;
    int any = 0;
    double area = 0.0;
    for (int c = 0; c < n; c++) {
        const ts_footprint_verdict *w = &fp->cells[c].by[fr];
        mask[c] = cls == 0 ? w->status == TS_CELL_UNDEFENDED
                           : (w->status == TS_CELL_DEFENDED && w->shots == cls);
        any |= mask[c];
        if (mask[c])
            area += rf->cell_area_m2[c / fp->n_lon];
    }
    if (!any)
        return TS_OK;
    ts_mpoly mp;
    if (ts_grid_polygonize(mask, fp->n_lat, fp->n_lon, fp->lat_min_rad / TS_DEG,
                           fp->lon_min_rad / TS_DEG, fp->step_rad / TS_DEG, &mp))
        return TS_ENOMEM;
    char a[32], name[64];
    fputs(*first ? "" : ",\n", fg);
    *first = 0;
    fputs("{\"type\":\"Feature\",\"geometry\":", fg);
    mpoly_json(fg, &mp);
    fprintf(fg, ",\"properties\":{\"status\":\"%s\",\"shots\":%d,\"area_km2\":%s,\"variant\":",
            ts_out_cell_status_word(fr, cls ? TS_CELL_DEFENDED : TS_CELL_UNDEFENDED), cls,
            ts_out_fmt(a, sizeof a, area / 1e6, 0));
    json_str(fg, res->sc->variants[v].name);
    fputs(",\"threat\":", fg);
    json_str(fg, res->sc->threats[rf->spec->threat].id);
    fprintf(fg, ",\"framing\":\"%s\"}}", ts_framing_name(fr));
    class_name(fr, cls, name, sizeof name);
    fprintf(fk, "<Placemark><name>%s</name><styleUrl>#c%d</styleUrl>", name, cls > 4 ? 4 : cls);
    mpoly_kml(fk, &mp);
    fputs("</Placemark>\n", fk);
    ts_mpoly_free(&mp);
    return TS_OK;
}

/* layers/STEM.geojson and .kml: footprint rf under variant v and framing
 * fr, one feature per class. */
static int write_footprint_file(ts_ctx *ctx, const ts_run_result *res, const ts_run_footprint *rf,
                                int v, ts_framing fr, const char *stem, unsigned char *mask,
                                const char *dir)
{
    const ts_footprint *fp = &rf->fp[v];
    const int n = fp->n_lat * fp->n_lon;
    int max_shots = 0;
    for (int c = 0; c < n; c++)
        if (fp->cells[c].by[fr].status == TS_CELL_DEFENDED && fp->cells[c].by[fr].shots > max_shots)
            max_shots = fp->cells[c].by[fr].shots;
    char rel[240], relk[240], title[4 * TS_NAME_LEN];
    snprintf(rel, sizeof rel, "layers/%s.geojson", stem);
    snprintf(relk, sizeof relk, "layers/%s.kml", stem);
    FILE *fg = ts_out_open(ctx, dir, rel);
    FILE *fk = fg ? ts_out_open(ctx, dir, relk) : NULL;
    if (!fg || !fk) {
        if (fg)
            fclose(fg);
        return TS_EIO;
    }
    geojson_head(fg);
    snprintf(title, sizeof title, "Footprint %s, %s, %s", rf->slug, res->sc->variants[v].name,
             framing_words(fr));
    kml_head(fk, title, "");
    for (int cls = 0; cls <= 4; cls++)
        fprintf(fk, "<Style id=\"c%d\"><LineStyle><width>0</width></LineStyle>"
                    "<PolyStyle><color>%s</color><outline>0</outline></PolyStyle></Style>\n",
                cls, kml_class_color(cls));
    int first = 1, st = TS_OK;
    for (int cls = 0; cls <= max_shots && !st; cls++)
        st = footprint_class(fg, fk, res, rf, v, fr, cls, mask, &first);
    if (st)
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
    geojson_tail(fg);
    kml_tail(fk);
    int s1 = ts_out_close(ctx, fg, rel), s2 = ts_out_close(ctx, fk, relk);
    return st ? st : (s1 ? s1 : s2);
}

/* Per footprint and variant: footprint-NAME-VARIANT (the headline
 * framing), then footprint-NAME-VARIANT-kinematic and -supported. */
static int write_footprints(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    int st = TS_OK;
    for (int i = 0; i < res->n_footprints && !st; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        const int n = rf->fp[0].n_lat * rf->fp[0].n_lon;
        unsigned char *mask = malloc((size_t)n + 1);
        if (!mask)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        for (int v = 0; v < res->n_variants && !st; v++) {
            char stem[200];
            snprintf(stem, sizeof stem, "%s-%s", rf->stem, res->variant_slugs[v]);
            st = write_footprint_file(ctx, res, rf, v, ts_out_headline(&res->sc->variants[v].defense),
                                      stem, mask, dir);
            for (int fr = 0; fr < TS_N_FRAMINGS && !st; fr++) {
                snprintf(stem, sizeof stem, "%s-%s-%s", rf->stem, res->variant_slugs[v],
                         ts_framing_name((ts_framing)fr));
                st = write_footprint_file(ctx, res, rf, v, (ts_framing)fr, stem, mask, dir);
            }
        }
        free(mask);
    }
    return st;
}

/* Writes every layer of the run under dir/layers/. */
int ts_out_layers(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    int st = write_sites(ctx, res, dir);
    if (!st)
        st = write_coverage(ctx, res, dir);
    if (!st)
        st = write_trajectories(ctx, res, dir);
    if (!st)
        st = write_intercepts(ctx, res, dir);
    if (!st)
        st = write_matrices(ctx, res, dir);
    if (!st)
        st = write_footprints(ctx, res, dir);
    return st;
}
