/*
 * Map renderer: Natural Earth land, coasts and borders in a PROJ
 * projection, drawn with cairo to PNG and SVG, with the geographic
 * primitives the run's output stage needs (sites, trajectories, coverage
 * areas, range rings, footprint grids), a legend, title, scale bar and
 * source line.  Private to the library (src/output/).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A map is built in calls and drawn when written; the drawing order is fixed
 * by layer, not by call order: sea, land, lakes, graticule, areas (grid
 * cells, polygons), borders, lake shores and coasts, lines, markers, labels,
 * then the frame, legend, scale bar, title and source line.  Within a layer,
 * call order.  docs/maps.md has the design and the palette.
 * Every call records its error on the ctx given to ts_map_create.
 *
 * @code
 *   ts_map_spec spec;
 *   ts_map *map;
 *   ts_map_preset(ctx, "europe", &spec);
 *   if (ts_map_create(ctx, &spec, &map) == TS_OK) {
 *       ts_map_set_title(map, "The third site", "Interceptors and radar, 2008");
 *       ts_map_set_source(map, "scenario third-site-2008");
 *       ts_map_range_ring(map, 49.63, 13.77, 2000e3, &ring_style);
 *       ts_map_marker(map, 54.48, 17.11, TS_MARK_TRIANGLE, 0, &site_style, "Redzikowo");
 *       ts_map_write_png(map, "maps/europe.png");
 *       ts_map_write_svg(map, "maps/europe.svg");
 *   }
 *   ts_map_free(map);
 * @endcode
 */
#ifndef TS_MAP_H
#define TS_MAP_H

#include "ts_internal.h"

/* A colour, components 0..1, straight (not premultiplied) alpha. */
typedef struct {
    double r, g, b, a;
} ts_rgba;

typedef enum {
    TS_MAP_EPSG3035 = 0, /* ETRS89-extended / LAEA Europe (EPSG:3035, from
                            PROJ's database); lat0/lon0 ignored (52N 10E) */
    TS_MAP_LAEA,         /* Lambert azimuthal equal-area, WGS 84, at lat0, lon0 */
    TS_MAP_AEQD,         /* azimuthal equidistant, WGS 84, at lat0, lon0 */
    TS_MAP_EQC           /* equirectangular, true scale on the box's middle
                            latitude; the frame is the lat/lon box itself */
} ts_map_projection;

typedef struct {
    ts_map_projection projection;
    double lat0_deg, lon0_deg; /* projection centre (LAEA, AEQD) */
    /* Region shown: the frame is the smallest rectangle of the frame's
     * aspect, centred on it, that holds this lat/lon box (its edges sampled
     * every 0.5 deg).  lon_min_deg > lon_max_deg: the box crosses the
     * antimeridian.  EQC: the box is padded to the frame's aspect (within
     * +-90 deg of latitude, 359 deg of longitude). */
    double lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg;
    int width_px, height_px; /* image size, 200..8000 (0: 1600 x 1200) */
    int detail;              /* Natural Earth scale 50 or 110 (0: 50) */
    double graticule_deg;    /* graticule spacing (0: from the extent) */
    /* Frame given in projected metres instead (x_min, x_max, y_min, y_max
     * in the map's CRS, padded to the frame's aspect about its centre);
     * used when x_max > x_min (not for EQC), and then the lat/lon box only
     * names the region. */
    double frame_m[4];
    int country_labels;      /* 1: the names of the countries large enough
                                on the map to hold them */
} ts_map_spec;

typedef enum { TS_MAP_SOLID = 0, TS_MAP_DASHED, TS_MAP_DOTTED } ts_map_dash;

/* How a primitive is drawn.  Widths and sizes are in pixels of a 1600 px
 * wide image and scale with the image width. */
typedef struct {
    ts_rgba fill;        /* a = 0: no fill */
    ts_rgba line;        /* a = 0: no outline */
    double line_px;      /* line width (0: 1.5) */
    ts_map_dash dash;
    const char *legend;  /* legend entry text; NULL or "": none.  Entries
                            with the same text appear once. */
} ts_map_style;

typedef enum {
    TS_MARK_CIRCLE = 0,
    TS_MARK_SQUARE,
    TS_MARK_TRIANGLE,
    TS_MARK_DIAMOND,
    TS_MARK_STAR
} ts_map_mark;

/* A regular lat/lon grid of cells: cell (i, j) spans
 * lat0 + i dlat .. lat0 + (i + 1) dlat and lon0 + j dlon .. + dlon;
 * its value is values[i * n_lon + j]. */
typedef struct {
    double lat0_deg, lon0_deg; /* south-west corner of cell (0, 0) */
    double dlat_deg, dlon_deg; /* > 0 */
    int n_lat, n_lon;          /* >= 1 */
} ts_map_grid;

/* A discrete colour scale: a value v falls in class k, the number of
 * breaks <= v (so class 0 is v < breaks[0]); NaN is not drawn. */
typedef struct {
    int n;                       /* classes, 1..16 */
    const double *breaks;        /* [n - 1], strictly increasing */
    const ts_rgba *colours;      /* [n]; a = 0: class not drawn */
    const char *const *labels;   /* [n] legend texts (NULL: no entries) */
    const char *title;           /* legend heading (NULL: none) */
} ts_map_classes;

typedef enum {
    TS_MAP_LEGEND_AUTO = 0, /* the first lower/upper corner free of markers */
    TS_MAP_LEGEND_LOWER_LEFT,
    TS_MAP_LEGEND_LOWER_RIGHT,
    TS_MAP_LEGEND_UPPER_LEFT,
    TS_MAP_LEGEND_UPPER_RIGHT,
    TS_MAP_LEGEND_NONE
} ts_map_legend_pos;

typedef struct ts_map ts_map;

/* The region presets: "europe" (EPSG:3035, Iceland to Iran),
 * "north-america" (LAEA at 45N 100W), "arctic" (north polar LAEA, North
 * America left and Russia right, for ICBM flights over the pole).
 * Status: TS_ENOTFOUND for another name (the message lists them). */
int ts_map_preset(ts_ctx *ctx, const char *name, ts_map_spec *spec);

/* The frame of a footprint's grid box (degrees, lon1 may exceed 180): the
 * preset of its region when there is one ("europe", "north-america"),
 * else Lambert azimuthal equal-area centred on the box, padded 8%. */
int ts_map_frame_box(ts_ctx *ctx, const char *region, double lat0, double lat1, double lon0,
                     double lon1, ts_map_spec *spec);

/* Builds the base map: projection, frame, land, borders, graticule.
 * Given: ctx (kept: every later call records its errors there; it must
 * outlive the map), spec.  Returned: *out (NULL on failure).
 * Status: TS_EINVAL for a bad spec or a frame that reaches the far side of
 * the globe (azimuthal maps) or spans too much; TS_EIO / TS_ESCENARIO when
 * the map data cannot be read; TS_ENOMEM. */
int ts_map_create(ts_ctx *ctx, const ts_map_spec *spec, ts_map **out);
void ts_map_free(ts_map *map); /* accepts NULL */

/* Title (bold, top left) and subtitle (below it); either may be NULL. */
int ts_map_set_title(ts_map *map, const char *title, const char *subtitle);
/* Source line, after "Natural Earth (public domain); thirdsite <version>; ". */
int ts_map_set_source(ts_map *map, const char *source);
void ts_map_set_legend(ts_map *map, ts_map_legend_pos pos);

/* Projection of a point: projected metres (the map's CRS: easting,
 * northing) and image pixels (origin top left, y down).  TS_EINVAL when
 * PROJ cannot project it.  The pixel form works outside the frame too. */
int ts_map_to_xy(const ts_map *map, double lat_deg, double lon_deg, double *x_m, double *y_m);
int ts_map_from_xy(const ts_map *map, double x_m, double y_m, double *lat_deg, double *lon_deg);
int ts_map_to_px(const ts_map *map, double lat_deg, double lon_deg, double *x_px, double *y_px);
int ts_map_from_px(const ts_map *map, double x_px, double y_px, double *lat_deg, double *lon_deg);
/* The frame (map area) in image pixels, and the image size. */
void ts_map_frame(const ts_map *map, double *x_px, double *y_px, double *w_px, double *h_px);
void ts_map_size(const ts_map *map, int *width_px, int *height_px);
/* Ground distance per pixel along the image's horizontal at the frame
 * centre, m (what the scale bar shows). */
double ts_map_m_per_px(const ts_map *map);

/* A marker with an optional label (placed at write time beside the marker,
 * inside the frame, avoiding other labels, markers, legend and scale bar).
 * size_px 0: 14.  Nothing is drawn for a point outside the frame. */
int ts_map_marker(ts_map *map, double lat_deg, double lon_deg, ts_map_mark mark,
                  double size_px, const ts_map_style *style, const char *label);

/* A line through n >= 2 points, consecutive points joined by the geodesic
 * (e.g. a ground track); longitudes may jump across the antimeridian. */
int ts_map_polyline(ts_map *map, int n, const double *lat_deg, const double *lon_deg,
                    const ts_map_style *style);
/* The geodesic from point 1 to point 2 (WGS 84, Karney's algorithm in PROJ). */
int ts_map_geodesic(ts_map *map, double lat1_deg, double lon1_deg, double lat2_deg,
                    double lon2_deg, const ts_map_style *style);

/* A filled and/or outlined polygon of n >= 3 vertices joined by geodesics
 * (not repeated at the end), of either orientation; the area is the side
 * that does not hold both poles: a ring that winds round a pole holds the
 * pole on the side of its mean latitude (a coverage area round Thule holds
 * the north pole). */
int ts_map_polygon(ts_map *map, int n, const double *lat_deg, const double *lon_deg,
                   const ts_map_style *style);
/* The points within radius_m (geodesic, WGS 84) of a centre. */
int ts_map_range_ring(ts_map *map, double lat_deg, double lon_deg, double radius_m,
                      const ts_map_style *style);

/* Grid cells filled by class (one path per class, so neighbours of one
 * class join without seams); classes with labels get legend entries under
 * the title, including classes that no cell falls in. */
int ts_map_grid_cells(ts_map *map, const ts_map_grid *grid, const double *values,
                      const ts_map_classes *classes);

/* Writes the map, via a temporary file in the same directory renamed into
 * place on success (nothing is left behind on failure).  The same calls give
 * the same bytes.  Status: TS_EIO with the path and the reason. */
int ts_map_write_png(ts_map *map, const char *path);
int ts_map_write_svg(ts_map *map, const char *path);

/* The house palette (restrained: pale land, light sea, grey borders). */
extern const ts_rgba ts_map_colour_sea, ts_map_colour_land, ts_map_colour_border,
    ts_map_colour_coast, ts_map_colour_text;

#endif /* TS_MAP_H */
