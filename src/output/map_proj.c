/*
 * Map renderer: projection and extent - PROJ set-up for the equirectangular
 * and azimuthal projections, the frame and clip box of a region, and the
 * conversions between (lat, lon), projected metres and pixels.  Method in
 * map.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"

int ts_map_to_xy(const ts_map *map, double lat_deg, double lon_deg, double *x_m, double *y_m)
{
    if (!map || !isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0)
        return map ? ts_error(map->ctx, TS_EINVAL, "map: point %g, %g out of range",
                              lat_deg, lon_deg)
                   : TS_EINVAL;
    if (proj_fwd(map, lon_deg, lat_deg, x_m, y_m))
        return ts_error(map->ctx, TS_EINVAL, "map: cannot project %g, %g", lat_deg, lon_deg);
    return TS_OK;
}

int ts_map_from_xy(const ts_map *map, double x_m, double y_m, double *lat_deg, double *lon_deg)
{
    if (!map)
        return TS_EINVAL;
    if (!isfinite(x_m) || !isfinite(y_m) || proj_inv(map, x_m, y_m, lon_deg, lat_deg))
        return ts_error(map->ctx, TS_EINVAL, "map: cannot unproject %g, %g", x_m, y_m);
    return TS_OK;
}

int ts_map_to_px(const ts_map *map, double lat_deg, double lon_deg, double *x_px, double *y_px)
{
    double x = 0, y = 0;
    int rc = ts_map_to_xy(map, lat_deg, lon_deg, &x, &y);
    if (rc != TS_OK)
        return rc;
    xy_to_px(map, x, y, x_px, y_px);
    return TS_OK;
}

int ts_map_from_px(const ts_map *map, double x_px, double y_px, double *lat_deg, double *lon_deg)
{
    if (!map)
        return TS_EINVAL;
    double x = map->X0 + (x_px - map->fx) / map->spx;
    double y = map->Y1 - (y_px - map->fy) / map->spx;
    return ts_map_from_xy(map, x, y, lat_deg, lon_deg);
}

void ts_map_frame(const ts_map *map, double *x_px, double *y_px, double *w_px, double *h_px)
{
    *x_px = map->fx;
    *y_px = map->fy;
    *w_px = map->fw;
    *h_px = map->fh;
}

void ts_map_size(const ts_map *map, int *width_px, int *height_px)
{
    *width_px = map->width;
    *height_px = map->height;
}

double ts_map_m_per_px(const ts_map *map)
{
    /* Geodesic length of 100 px along the horizontal through the frame
     * centre, per pixel. */
    double cx = map->fx + 0.5 * map->fw, cy = map->fy + 0.5 * map->fh;
    double la0, lo0, la1, lo1, s12;
    if (ts_map_from_px(map, cx - 50.0, cy, &la0, &lo0) ||
        ts_map_from_px(map, cx + 50.0, cy, &la1, &lo1))
        return 1.0 / map->spx;
    geod_inverse(&map->geod, la0, lo0, la1, lo1, &s12, NULL, NULL);
    return s12 / 100.0;
}


/* The PROJ string of azimuthal projection proj ("laea", "aeqd") centred on
 * the spec's centre, WGS 84. */
static void azimuthal(const ts_map *m, const char *proj, char *target, size_t size)
{
    snprintf(target, size,
             "+proj=%s +lat_0=%.9g +lon_0=%.9g +datum=WGS84 +units=m +no_defs +type=crs",
             proj, m->spec.lat0_deg, m->spec.lon0_deg);
}

/* m->proj_text: "<name>, centre <lat> <lon>". */
static void azimuthal_text(ts_map *m, const char *name)
{
    char a[16], b[16];
    ts_map_fmt_lat(a, sizeof a, m->spec.lat0_deg);
    ts_map_fmt_lon(b, sizeof b, m->spec.lon0_deg);
    snprintf(m->proj_text, sizeof m->proj_text, "%s, centre %s %s", name, a, b);
}

/* Sets up PROJ: lon, lat degrees in; easting, northing metres out. */
int ts_map_setup_proj(ts_map *m, double lon_c, double lat_ts)
{
    const ts_map_spec *s = &m->spec;
    char target[256];
    const char *source = "EPSG:4326";
    switch (s->projection) {
    case TS_MAP_EPSG3035:
        source = "EPSG:4258"; /* ETRS89: the datum of EPSG:3035 */
        snprintf(target, sizeof target, "EPSG:3035");
        snprintf(m->proj_text, sizeof m->proj_text,
                 "Lambert azimuthal equal-area (EPSG:3035)");
        break;
    case TS_MAP_LAEA:
        azimuthal(m, "laea", target, sizeof target);
        if (fabs(s->lat0_deg) >= 90.0)
            snprintf(m->proj_text, sizeof m->proj_text,
                     "Lambert azimuthal equal-area centred on the %s Pole",
                     s->lat0_deg > 0 ? "North" : "South");
        else
            azimuthal_text(m, "Lambert azimuthal equal-area");
        break;
    case TS_MAP_AEQD:
        azimuthal(m, "aeqd", target, sizeof target);
        azimuthal_text(m, "Azimuthal equidistant");
        break;
    case TS_MAP_EQC:
        snprintf(target, sizeof target,
                 "+proj=eqc +lat_ts=%.9g +lon_0=%.9g +datum=WGS84 +units=m +no_defs +type=crs",
                 lat_ts, lon_c);
        {
            char a[16];
            ts_map_fmt_lat(a, sizeof a, lat_ts);
            snprintf(m->proj_text, sizeof m->proj_text,
                     "Equirectangular, true scale at %s", a);
        }
        break;
    default:
        return map_fail(m, TS_EINVAL, "unknown projection");
    }
    m->pjc = proj_context_create();
    if (!m->pjc)
        return map_fail(m, TS_ENOMEM, "cannot create a PROJ context");
    proj_log_level(m->pjc, PJ_LOG_NONE);
    proj_context_use_proj4_init_rules(m->pjc, 0);
    PJ *raw = proj_create_crs_to_crs(m->pjc, source, target, NULL);
    if (!raw)
        return ts_error(m->ctx, TS_EINVAL, "map: PROJ cannot set up %s -> %s: %s", source,
                        target, proj_context_errno_string(m->pjc, proj_context_errno(m->pjc)));
    m->pj = proj_normalize_for_visualization(m->pjc, raw);
    proj_destroy(raw);
    if (!m->pj)
        return map_fail(m, TS_EINVAL, "PROJ cannot normalise the axis order");
    return TS_OK;
}

/* Projected bounding box of the spec's lat/lon box, its edges sampled. */
int ts_map_region_bbox(ts_map *m, double lon0, double lon1, double *bx)
{
    const ts_map_spec *s = &m->spec;
    bx[0] = bx[2] = 1e300;
    bx[1] = bx[3] = -1e300;
    int nlat = (int)ceil((s->lat_max_deg - s->lat_min_deg) / 0.5) + 1;
    int nlon = (int)ceil((lon1 - lon0) / 0.5) + 1;
    int got = 0;
    for (int e = 0; e < 4; e++) {
        int n = (e < 2) ? nlon : nlat;
        for (int i = 0; i < n; i++) {
            double t = (n > 1) ? (double)i / (n - 1) : 0.0;
            double lon, lat;
            if (e < 2) {
                lon = lon0 + t * (lon1 - lon0);
                lat = e ? s->lat_max_deg : s->lat_min_deg;
            } else {
                lat = s->lat_min_deg + t * (s->lat_max_deg - s->lat_min_deg);
                lon = (e == 2) ? lon0 : lon1;
            }
            double x, y;
            if (proj_fwd(m, lon, lat, &x, &y))
                continue;
            bx[0] = fmin(bx[0], x);
            bx[1] = fmax(bx[1], x);
            bx[2] = fmin(bx[2], y);
            bx[3] = fmax(bx[3], y);
            got++;
        }
    }
    if (got < 4 || !(bx[1] > bx[0]) || !(bx[3] > bx[2]))
        return map_fail(m, TS_EINVAL, "the region does not project to an area");
    return TS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The lat/lon clip box of an azimuthal map: holds the frame's preimage plus
 * a margin; checks that the projection is continuous on it. */
int ts_map_azimuthal_box(ts_map *m, double *lat_span, double *lon_span)
{
    int per = 200, n = 0;
    double *lons = malloc(sizeof(double) * 4 * (size_t)per);
    if (!lons)
        return map_fail(m, TS_ENOMEM, "out of memory");
    double la0 = 90.0, la1 = -90.0;
    for (int e = 0; e < 4; e++) {
        for (int i = 0; i < per; i++) {
            double t = (double)i / per;
            double x, y;
            switch (e) {
            case 0: x = m->X0 + t * (m->X1 - m->X0); y = m->Y0; break;
            case 1: x = m->X1; y = m->Y0 + t * (m->Y1 - m->Y0); break;
            case 2: x = m->X1 - t * (m->X1 - m->X0); y = m->Y1; break;
            default: x = m->X0; y = m->Y1 - t * (m->Y1 - m->Y0); break;
            }
            double lon, lat;
            if (proj_inv(m, x, y, &lon, &lat)) {
                free(lons);
                return map_fail(m, TS_EINVAL, "the frame reaches beyond the projection's domain");
            }
            lons[n++] = remainder(lon, 360.0);
            la0 = fmin(la0, lat);
            la1 = fmax(la1, lat);
        }
    }
    /* poles inside the frame? */
    int npole = 0, spole = 0;
    double x, y;
    if (!proj_fwd(m, 0.0, 90.0, &x, &y) && x > m->X0 && x < m->X1 && y > m->Y0 && y < m->Y1)
        npole = 1;
    if (!proj_fwd(m, 0.0, -90.0, &x, &y) && x > m->X0 && x < m->X1 && y > m->Y0 && y < m->Y1)
        spole = 1;
    if (npole && spole) {
        free(lons);
        return map_fail(m, TS_EINVAL, "the frame holds both poles");
    }
    qsort(lons, (size_t)n, sizeof(double), cmp_double);
    double gap = lons[0] + 360.0 - lons[n - 1], gap_end = lons[0];
    for (int i = 0; i + 1 < n; i++) {
        if (lons[i + 1] - lons[i] > gap) {
            gap = lons[i + 1] - lons[i];
            gap_end = lons[i + 1];
        }
    }
    free(lons);
    double lo = gap_end, width = 360.0 - gap;
    *lat_span = la1 - la0;
    *lon_span = width;
    const double margin = 4.0; /* deg, so that clip edges stay off the frame */
    if (npole) {
        la1 = 90.0;
        m->full_lon = 1;
    }
    if (spole) {
        la0 = -90.0;
        m->full_lon = 1;
    }
    if (!m->full_lon && width + 2.0 * margin >= 300.0)
        m->full_lon = 1;
    m->blat0 = fmax(-90.0, la0 - margin);
    m->blat1 = fmin(90.0, la1 + margin);
    if (m->full_lon) {
        m->blon0 = -180.0;
        m->blon1 = 180.0;
    } else {
        m->blon0 = lo - margin;
        m->blon1 = lo + width + margin;
        if (m->blon0 < -180.0) {
            m->blon0 += 360.0;
            m->blon1 += 360.0;
        }
    }
    /* The azimuthal projections are cut only at the antipode of their
     * centre: keep it 15 deg clear of the box. */
    double alat = -m->spec.lat0_deg, alon = remainder(m->spec.lon0_deg + 180.0, 360.0);
    if (m->spec.projection == TS_MAP_EPSG3035) {
        alat = -52.0;
        alon = -170.0;
    }
    int lat_in = alat > m->blat0 - 15.0 && alat < m->blat1 + 15.0;
    int lon_in = m->full_lon;
    if (!lon_in) {
        double d = remainder(alon - 0.5 * (m->blon0 + m->blon1), 360.0);
        lon_in = fabs(d) < 0.5 * (m->blon1 - m->blon0) + 15.0;
    }
    if (lat_in && lon_in)
        return map_fail(m, TS_EINVAL, "the frame reaches the far side of the globe");
    return TS_OK;
}

