/*
 * Sensors: what a ground radar can see, and how far.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Models and references
 *  - Detection range scaled by radar cross section: for a fixed radar and
 *    dwell, the radar equation gives R^4 proportional to sigma, so
 *    R = R_ref (sigma / sigma_ref)^(1/4) (Skolnik, "Introduction to Radar
 *    Systems", 3rd ed. 2001, ch. 2).  The full equation in its average-power,
 *    dwell-time form, R^4 = P_av t G A_e sigma / ((4 pi)^2 k T_s L SNR), with
 *    G = 4 pi A_e / lambda^2, is ts_radar_equation_range (the check of
 *    shared/docs/SOURCES.md: the EMR at 42.5 kW gives 2,291 km against
 *    0.01 m^2).
 *  - Line of sight over the WGS-84 ellipsoid, exact: the affine map
 *    (x, y, z) -> (x/a, y/a, z/b) takes the ellipsoid to the unit sphere and
 *    straight segments to straight segments, so the antenna-target segment
 *    clears the Earth iff its image stays at distance >= 1 from the origin
 *    (closest point of a segment: a clamped projection).  A ray that leaves
 *    an antenna at or above the ellipsoid at non-negative elevation clears
 *    it without the test (it stays above the tangent plane of the foot
 *    point, which supports the convex ellipsoid).
 *  - Elevation: above the plane normal to the ellipsoid normal at the
 *    antenna (geodetic "up"); azimuth clockwise from north (NGA.STND.0036
 *    local geodetic frame).
 *  - Refraction (optional): the 4/3-Earth model (Skolnik 2001 sec. 8.2;
 *    Doerry, SAND2012-10690, 2013): over a sphere of radius R a ray bent by
 *    a standard atmosphere keeps the same height above the surface at each
 *    ground distance as a straight ray over a sphere of radius k R, k = 4/3.
 *    On the ellipsoid we apply it on the sphere that osculates the
 *    ellipsoid at the antenna's foot point in the azimuth of the target
 *    (radius R_az from Euler's theorem, 1/R_az = cos^2 az / M + sin^2 az / N,
 *    M and N the meridian and prime-vertical radii): the target keeps its
 *    true geodetic height and its ground distance d = R_az theta (theta its
 *    central angle seen from that sphere's centre, in the antenna's vertical
 *    plane); in the equivalent picture, a sphere of radius k R_az with the
 *    target at central angle theta / k, the ray is straight.  The apparent
 *    elevation (the one minimum elevation and sector limits apply to) and
 *    the line of sight come from that picture; azimuth and slant range (for
 *    the range limit) stay the true ones.  On the sphere model this is the
 *    textbook 4/3-Earth model exactly; on WGS-84 the osculating sphere's
 *    radius differs from the ellipsoid's along a 5,000 km path by under
 *    0.5 %, well inside the model's own uncertainty.
 *  - Sectors: fixed phased-array faces (each sector one face's scan limits)
 *    and steerable dishes (each sector a box the dish may slew into) are
 *    the same test for visibility: the target is inside one of the boxes.
 *    The dish must still be pointed at the target: that is what needs_cue
 *    models (engage.c).  No sectors: every azimuth, elevation up to 90 deg.
 *  - Limits (docs/models-defense.md, "Limits"): a radar switched off sees
 *    nothing; a fence is a box of the same kind that the radar may not look
 *    into (a target inside one, edges included, is not seen, whatever the
 *    sectors allow), tested on the same azimuth and (apparent) elevation as
 *    the sectors; a range cap caps the slant range like max_range; a power
 *    cap, a fraction x < 1 of the power at which ref_range holds, scales
 *    the detection range by x^(1/4): the radar equation's R^4 proportional
 *    to the transmitted power (Skolnik, "Introduction to Radar Systems",
 *    3rd ed. 2001, sec. 1.2, the simple form of the radar equation, R_max = [P_t G A_e sigma / ((4 pi)^2
 *    S_min)]^(1/4); the same fourth root in the average-power form of
 *    ch. 2), all else (gain, aperture, dwell, noise) unchanged.
 */
#include "defense_internal.h"

#include <float.h>

/* Boltzmann constant, J/K (SI 2019, exact). */
#define TS_BOLTZMANN 1.380649e-23
/* Speed of light in vacuum, m/s (SI, exact). */
#define TS_LIGHT_SPEED 299792458.0
/* Aperture efficiency A_e / A when none is given (SOURCES.md check: 0.8). */
#define TS_APERTURE_EFFICIENCY 0.8

/*
 * Detection range against a target of radar cross section rcs_m2.
 * Given:    sensor (ref_range_m, ref_rcs_m2), rcs_m2 (m^2).
 * Returned: R = ref_range (rcs / ref_rcs)^(1/4), m; ref_range when ref_rcs
 *           is not positive (no scaling); 0 when ref_range or rcs_m2 is not
 *           positive (no reference range given).
 * Reference: radar equation, R^4 proportional to sigma (Skolnik 2001 ch. 2).
 */
double ts_sensor_range(const ts_sensor *sensor, double rcs_m2)
{
    if (!sensor || !(sensor->ref_range_m > 0.0) || !(rcs_m2 > 0.0))
        return 0.0;
    double r = sensor->ref_range_m;
    if (sensor->ref_rcs_m2 > 0.0)
        r *= sqrt(sqrt(rcs_m2 / sensor->ref_rcs_m2));
    /* power cap: R^4 proportional to P (Skolnik 2001 sec. 1.2, the simple radar equation) */
    if (sensor->power_cap > 0.0 && sensor->power_cap < 1.0)
        r *= sqrt(sqrt(sensor->power_cap));
    return r;
}

/*
 * The radar equation, average-power dwell form.
 * Given:    radar parameters (SI; losses and SNR in dB), rcs_m2.
 * Returned: R = [P_av t G A_e sigma / ((4 pi)^2 k T_s L SNR)]^(1/4), m, with
 *           A_e = efficiency A (0.8 when not given), lambda = c / f,
 *           G = 4 pi A_e / lambda^2; 0 when an input is not positive.
 * Reference: Skolnik 2001 ch. 2; shared/docs/SOURCES.md (radar equation check).
 */
double ts_radar_equation_range(const ts_radar_equation *radar, double rcs_m2)
{
    if (!radar || !(radar->power_avg_w > 0.0) || !(radar->dwell_s > 0.0) ||
        !(radar->aperture_m2 > 0.0) || !(radar->freq_hz > 0.0) ||
        !(radar->t_sys_k > 0.0) || !(rcs_m2 > 0.0))
        return 0.0;
    double eff = radar->efficiency > 0.0 ? radar->efficiency : TS_APERTURE_EFFICIENCY;
    double ae = eff * radar->aperture_m2;
    double lambda = TS_LIGHT_SPEED / radar->freq_hz;
    double gain = 4.0 * TS_PI * ae / (lambda * lambda);
    double loss = pow(10.0, radar->loss_db / 10.0);
    double snr = pow(10.0, radar->snr_db / 10.0);
    double r4 = radar->power_avg_w * radar->dwell_s * gain * ae * rcs_m2 /
                (16.0 * TS_PI * TS_PI * TS_BOLTZMANN * radar->t_sys_k * loss * snr);
    return sqrt(sqrt(r4));
}

/* Slant-range limit: radar-equation range capped by the instrumented range;
 * HUGE_VAL when neither is given; 0 when rcs_m2 <= 0. */
double ts_radar_range_limit(const ts_sensor *sensor, double rcs_m2)
{
    if (!(rcs_m2 > 0.0))
        return 0.0;
    double r = HUGE_VAL;
    if (sensor->ref_range_m > 0.0)
        r = ts_sensor_range(sensor, rcs_m2);
    if (sensor->max_range_m > 0.0 && sensor->max_range_m < r)
        r = sensor->max_range_m;
    if (sensor->range_cap_m > 0.0 && sensor->range_cap_m < r)
        r = sensor->range_cap_m; /* the range_max limit */
    if (sensor->off)
        r = 0.0;
    return r;
}

/*
 * Prepares a radar: antenna ECEF position, local frame, foot point,
 * ellipsoid-scaled position and radii of curvature at its latitude.
 * Reference: NGA.STND.0036 eq. 4-14 (position); M = a (1 - e^2) / W^3,
 * N = a / W, W = sqrt(1 - e^2 sin^2 lat) (e.g. Torge & Mueller, "Geodesy",
 * 4th ed. 2012, sec. 4.1.3).
 */
void ts_radar_geom_init(ts_radar_geom *g, const ts_earth *earth,
                        const ts_sensor *sensor)
{
    g->sensor = sensor;
    g->h0 = sensor->h_m;
    ts_geodetic_to_ecef(earth, sensor->lat_rad, sensor->lon_rad, sensor->h_m, &g->r0);
    ts_geodetic_to_ecef(earth, sensor->lat_rad, sensor->lon_rad, 0.0, &g->foot);
    ts_enu_basis(sensor->lat_rad, sensor->lon_rad, &g->east, &g->north, &g->up);
    g->inv_a = 1.0 / earth->a_m;
    g->inv_b = 1.0 / earth->b_m;
    /* An antenna below the ellipsoid (a site height given above the geoid
     * where the geoid dips below the ellipsoid) would see nothing by the
     * exact test; it is lifted to the surface for the line of sight. */
    ts_vec3 pl = g->h0 >= 0.0 ? g->r0 : g->foot;
    g->p0 = ts_v3(pl.x * g->inv_a, pl.y * g->inv_a, pl.z * g->inv_b);
    double sl = sin(sensor->lat_rad);
    double w = sqrt(1.0 - earth->e2 * sl * sl);
    g->n_rad = earth->a_m / w;
    g->m_rad = earth->a_m * (1.0 - earth->e2) / (w * w * w);
    g->sin_el_min = sin(sensor->el_min_rad);
}

/* Whether azimuth az lies in the clockwise arc lo -> hi (rad; the arc may
 * wrap through north; hi - lo >= 2 pi is the full circle). */
static int az_inside(double az, double lo, double hi)
{
    const double two_pi = 2.0 * TS_PI;
    double w = hi - lo;
    if (w >= two_pi)
        return 1;
    w = fmod(w, two_pi);
    if (w < 0.0)
        w += two_pi;
    double d = fmod(az - lo, two_pi);
    if (d < 0.0)
        d += two_pi;
    return d <= w;
}

/* Whether (az, el) is inside one of the sensor's sectors (or, without
 * sectors, anywhere up to the zenith); el_min_rad is checked by the caller. */
static int in_sectors(const ts_sensor *s, double az, double el)
{
    if (s->n_sectors <= 0)
        return 1;
    int n = s->n_sectors < TS_MAX_SECTORS ? s->n_sectors : TS_MAX_SECTORS;
    for (int i = 0; i < n; i++) {
        const ts_sector *k = &s->sector[i];
        if (el >= k->el_min_rad && el <= k->el_max_rad &&
            az_inside(az, k->az_min_rad, k->az_max_rad))
            return 1;
    }
    return 0;
}

/* Whether (az, el) is inside one of the sensor's fences (limits). */
static int in_fences(const ts_sensor *s, double az, double el)
{
    int n = s->n_fences < TS_MAX_FENCES ? s->n_fences : TS_MAX_FENCES;
    for (int i = 0; i < n; i++) {
        const ts_sector *k = &s->fence[i];
        if (el >= k->el_min_rad && el <= k->el_max_rad &&
            az_inside(az, k->az_min_rad, k->az_max_rad))
            return 1;
    }
    return 0;
}

/* Least distance from the origin to the segment p -> q, squared. */
static double seg_dist2(ts_vec3 p, ts_vec3 q)
{
    ts_vec3 d = ts_v3_sub(q, p);
    double dd = ts_v3_dot(d, d);
    double lam = dd > 0.0 ? -ts_v3_dot(p, d) / dd : 0.0;
    if (lam < 0.0)
        lam = 0.0;
    else if (lam > 1.0)
        lam = 1.0;
    ts_vec3 c = ts_v3_axpy(lam, d, p);
    return ts_v3_dot(c, c);
}

/* The same in the plane. */
static double seg_dist2_2d(double px, double py, double qx, double qy)
{
    double dx = qx - px, dy = qy - py;
    double dd = dx * dx + dy * dy;
    double lam = dd > 0.0 ? -(px * dx + py * dy) / dd : 0.0;
    if (lam < 0.0)
        lam = 0.0;
    else if (lam > 1.0)
        lam = 1.0;
    double cx = px + lam * dx, cy = py + lam * dy;
    return cx * cx + cy * cy;
}

/*
 * Visibility of a target from a prepared radar (see the file header).
 * Given:    g (ts_radar_geom_init), earth, r_ecef (m), h_m (geodetic height
 *           of the target, or NAN to compute it when needed),
 *           range_limit_m (ts_radar_range_limit).
 * Returned: 1 if seen, else 0.  Cheapest tests first: range, elevation,
 *           sectors, line of sight.
 */
int ts_radar_geom_sees(const ts_radar_geom *g, const ts_earth *earth,
                       const ts_vec3 *r_ecef, double h_m, double range_limit_m)
{
    const ts_sensor *s = g->sensor;
    if (s->off)
        return 0;
    ts_vec3 d = ts_v3_sub(*r_ecef, g->r0);
    double s2 = ts_v3_dot(d, d);
    if (!(s2 <= range_limit_m * range_limit_m) || s2 <= 0.0)
        return 0;
    double sr = sqrt(s2);
    double du = ts_v3_dot(d, g->up);
    double de = ts_v3_dot(d, g->east), dn = ts_v3_dot(d, g->north);
    double hor = sqrt(de * de + dn * dn);

    if (!s->refraction) {
        if (du < sr * g->sin_el_min)
            return 0;
        if (s->n_sectors > 0 && !in_sectors(s, atan2(de, dn), atan2(du, hor)))
            return 0;
        if (s->n_fences > 0 && in_fences(s, atan2(de, dn), atan2(du, hor)))
            return 0;
        if (du >= 0.0 && g->h0 >= 0.0)
            return 1; /* above the tangent plane: clears the ellipsoid */
        ts_vec3 q = ts_v3(r_ecef->x * g->inv_a, r_ecef->y * g->inv_a,
                          r_ecef->z * g->inv_b);
        return seg_dist2(g->p0, q) >= 1.0;
    }

    /* 4/3 Earth on the osculating sphere in the target's azimuth. */
    if (isnan(h_m))
        h_m = ts_geodetic_height(earth, r_ecef);
    if (h_m < 0.0)
        return 0;
    double az = atan2(de, dn);
    double el_app;
    double k = TS_REFRACTION_K;
    double h0 = g->h0 > 0.0 ? g->h0 : 0.0;
    double ax = 0.0, ay, tx, ty, re;
    if (hor <= 1e-9 * sr) { /* straight up (or down): no bending to model */
        el_app = du > 0.0 ? 0.5 * TS_PI : -0.5 * TS_PI;
        re = 1.0;
        ay = tx = ty = 0.0;
    } else {
        double ca = dn / hor, sa = de / hor;
        double r_az = 1.0 / (ca * ca / g->m_rad + sa * sa / g->n_rad);
        /* Centre of the osculating sphere: foot - R_az up.  Target in the
         * vertical plane (horizontal unit t = (de e + dn n)/hor, up). */
        ts_vec3 c = ts_v3_axpy(-r_az, g->up, g->foot);
        ts_vec3 q = ts_v3_sub(*r_ecef, c);
        double qx = (de * ts_v3_dot(q, g->east) + dn * ts_v3_dot(q, g->north)) / hor;
        double qz = ts_v3_dot(q, g->up);
        double theta = atan2(qx, qz) / k; /* central angle on the k R_az sphere */
        re = k * r_az;
        ay = re + h0;
        tx = (re + h_m) * sin(theta);
        ty = (re + h_m) * cos(theta);
        el_app = atan2(ty - ay, tx - ax);
    }
    if (el_app < s->el_min_rad)
        return 0;
    if (s->n_sectors > 0 && !in_sectors(s, az, el_app))
        return 0;
    if (s->n_fences > 0 && in_fences(s, az, el_app))
        return 0;
    if (el_app >= 0.0)
        return 1;
    return seg_dist2_2d(ax, ay, tx, ty) >= re * re;
}

/*
 * Whether a radar sees the point r_ecef: line of sight over the ellipsoid
 * (4/3 Earth if refraction), minimum elevation, sectors, and range against
 * rcs_m2 (ts_sensor_range capped by max_range_m).
 * Given:    earth, sensor (a radar), r_ecef (m), rcs_m2 (m^2).
 * Returned: 1 if seen, 0 if not (always 0 for an infrared sensor or a NULL
 *           argument).
 * Notes: prepares the radar on each call; engage.c prepares it once
 * (ts_radar_geom_init) for its many tests.
 */
int ts_sensor_sees(const ts_earth *earth, const ts_sensor *sensor,
                   const ts_vec3 *r_ecef, double rcs_m2)
{
    if (!earth || !sensor || !r_ecef || sensor->kind != TS_SENSOR_RADAR)
        return 0;
    ts_radar_geom g;
    ts_radar_geom_init(&g, earth, sensor);
    return ts_radar_geom_sees(&g, earth, r_ecef, NAN,
                              ts_radar_range_limit(sensor, rcs_m2));
}

/* ------------------------------------------------------------------------ */
/* Coverage ring                                                             */
/* ------------------------------------------------------------------------ */

/* Whether sensor s sees a target at height h_m, ground range d_m along the
 * geodesic of azimuth az_rad from the sensor's site. */
static int sees_at(const ts_earth *earth, const ts_sensor *s, double az_rad, double d_m,
                   double h_m, double rcs_m2)
{
    double lat, lon, a2;
    ts_geodesic_direct(earth, s->lat_rad, s->lon_rad, az_rad, d_m, &lat, &lon, &a2);
    ts_vec3 r;
    ts_geodetic_to_ecef(earth, lat, lon, h_m, &r);
    return ts_sensor_sees(earth, s, &r, rcs_m2);
}

/* Farthest ground range (m) along azimuth az_rad at which the sensor sees
 * a target at h_m: a coarse scan from the far end inward in COVER_STEP_M
 * steps, then bisection to COVER_TOL_M; 0 when nothing is seen. */
#define COVER_MAX_M 8000e3 /* beyond any radar horizon for h <= 1,500 km */
#define COVER_STEP_M 20e3
#define COVER_TOL_M 1e3
static double farthest_seen(const ts_earth *earth, const ts_sensor *s, double az_rad, double h_m,
                            double rcs_m2)
{
    for (double d = COVER_MAX_M; d > 0.0; d -= COVER_STEP_M)
        if (sees_at(earth, s, az_rad, d, h_m, rcs_m2)) {
            double lo = d, hi = d + COVER_STEP_M;
            while (hi - lo > COVER_TOL_M) {
                const double mid = 0.5 * (lo + hi);
                if (sees_at(earth, s, az_rad, mid, h_m, rcs_m2))
                    lo = mid;
                else
                    hi = mid;
            }
            return lo;
        }
    return 0.0;
}

/*
 * The coverage ring of a sensor against a target at height h_m.
 * Given: earth, sensor, h_m (geodetic height of the target, m), rcs_m2,
 * n_az >= 1 azimuths, evenly from north clockwise (360 / n_az deg apart).
 * Returned: lat_rad[k], lon_rad[k]: the farthest point seen along azimuth
 * k (the site itself where nothing is seen); caller-owned arrays of n_az.
 * Status: TS_OK; TS_EINVAL when n_az < 1.
 * Notes: a coarse scan from 8,000 km inward in 20 km steps, then bisection
 * to 1 km; a gap in coverage nearer than the farthest point is not shown.
 */
int ts_sensor_coverage_ring(const ts_earth *earth, const ts_sensor *sensor, double h_m,
                            double rcs_m2, int n_az, double *lat_rad, double *lon_rad)
{
    if (n_az < 1)
        return TS_EINVAL;
    const double step_deg = 360.0 / n_az;
    for (int k = 0; k < n_az; k++) {
        const double az = k * step_deg * TS_DEG;
        const double far = farthest_seen(earth, sensor, az, h_m, rcs_m2);
        double lat = sensor->lat_rad, lon = sensor->lon_rad, a2;
        if (far > 0.0)
            ts_geodesic_direct(earth, sensor->lat_rad, sensor->lon_rad, az, far, &lat, &lon, &a2);
        lat_rad[k] = lat;
        lon_rad[k] = lon;
    }
    return TS_OK;
}
