/*
 * Earth: figure, gravity constants, rotation, frames, geodesics.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Models and references
 *  - WGS-84 ellipsoid and gravity constants: NGA.STND.0036_1.0.0_WGS84
 *    (2014), "Department of Defense World Geodetic System 1984", tables 3.1
 *    and 3.2: a = 6378137 m, 1/f = 298.257223563, GM = 3.986004418e14
 *    m^3/s^2 (with atmosphere), omega = 7.292115e-5 rad/s; J2 = -C20 *
 *    sqrt(5) with C20 the normalized EGM coefficient, J2 = 1.08262668e-3
 *    (the value the project's issue 2 and bench B1 use).
 *  - Sphere: R = 6371008.8 m, the IUGG mean radius R1 = (2a + b) / 3 of the
 *    GRS-80 ellipsoid (Moritz 1980, "Geodetic Reference System 1980",
 *    Bull. Geod. 54:395, and Moritz 2000, J. Geodesy 74:128).
 *  - Geodetic <-> ECEF: the forward map is the textbook closed form with the
 *    prime-vertical radius N (e.g. NGA.STND.0036 eq. 4-14/4-15).  The inverse
 *    is exact and closed form: Vermeille, H. (2011), "An analytical method to
 *    transform geocentric into geodetic coordinates", J. Geodesy 85:105-117,
 *    doi:10.1007/s00190-010-0419-x (his section 3; the cubic is solved by
 *    Cardano outside the evolute of the meridian ellipse and by the
 *    trigonometric formula inside it, i.e. deeper than about b - a e^2 below
 *    the surface).  Accuracy: round trips agree to 5e-9 m or better from -10 km to
 *    10,000 km height (tests/unit/test_earth.c).
 *  - ECI <-> ECEF: rotation about z by omega * t (ECI = ECEF at t = 0); the
 *    velocity carries the transport term omega x r (e.g. Vallado,
 *    "Fundamentals of Astrodynamics and Applications", 4th ed., sec. 3.7).
 *  - Geodesics: Karney, C. F. F. (2013), "Algorithms for geodesics",
 *    J. Geodesy 87:43-55, doi:10.1007/s00190-012-0578-z, through PROJ's
 *    geodesic.h (geod_init / geod_inverse / geod_direct), degrees there,
 *    radians here.
 *  - Gravity: point mass + J2 zonal term, the gradient of
 *    U = GM/r [1 - J2 (a/r)^2 P2(z/r)] (e.g. Vallado 4th ed. eq. 8-30);
 *    the same formula as shared/bench/B1-propagate.md "Force model".
 */
#include "ts_internal.h"

#include <geodesic.h>

/* WGS-84 defining and derived parameters (NGA.STND.0036_1.0.0_WGS84, 2014,
 * table 3.1): semi-major axis, m; flattening; GM with atmosphere, m^3/s^2;
 * nominal mean angular velocity, rad/s. */
#define TS_WGS84_A 6378137.0
#define TS_WGS84_INV_F 298.257223563
#define TS_WGS84_GM 3.986004418e14
#define TS_WGS84_OMEGA 7.292115e-5
/* Second zonal harmonic, dimensionless (issue 2; NGA EGM2008 C20 * -sqrt(5)). */
#define TS_WGS84_J2 1.08262668e-3
/* IUGG mean Earth radius R1, m (Moritz 2000, J. Geodesy 74:128). */
#define TS_SPHERE_R 6371008.8

/*
 * Fills *earth for the model.
 * Given:    model (TS_EARTH_WGS84 or TS_EARTH_SPHERE), rotating (0: omega = 0).
 * Returned: every field of *earth.  An unknown model gives WGS-84.
 * Reference: NGA.STND.0036 (2014) table 3.1; Moritz (2000) for R1.
 */
void ts_earth_init(ts_earth *earth, ts_earth_model model, int rotating)
{
    if (model == TS_EARTH_SPHERE) {
        earth->model = TS_EARTH_SPHERE;
        earth->a_m = TS_SPHERE_R;
        earth->f = 0.0;
        earth->j2 = 0.0;
    } else {
        earth->model = TS_EARTH_WGS84;
        earth->a_m = TS_WGS84_A;
        earth->f = 1.0 / TS_WGS84_INV_F;
        earth->j2 = TS_WGS84_J2;
    }
    earth->b_m = earth->a_m * (1.0 - earth->f);
    earth->e2 = earth->f * (2.0 - earth->f); /* e^2 = 2f - f^2 */
    earth->gm_m3s2 = TS_WGS84_GM;
    earth->omega_rads = rotating ? TS_WGS84_OMEGA : 0.0;
}

/*
 * Geodetic -> ECEF.
 * Given:    lat_rad, lon_rad (geodetic), h_m (above the ellipsoid, m).
 * Returned: *r_ecef, m.
 * Reference: N = a / sqrt(1 - e^2 sin^2 lat); x = (N + h) cos lat cos lon,
 *           y = (N + h) cos lat sin lon, z = (N (1 - e^2) + h) sin lat
 *           (NGA.STND.0036 eq. 4-14).
 */
void ts_geodetic_to_ecef(const ts_earth *earth, double lat_rad, double lon_rad,
                         double h_m, ts_vec3 *r_ecef)
{
    double sl = sin(lat_rad), cl = cos(lat_rad);
    double n = earth->a_m / sqrt(1.0 - earth->e2 * sl * sl);
    double rc = (n + h_m) * cl;
    r_ecef->x = rc * cos(lon_rad);
    r_ecef->y = rc * sin(lon_rad);
    r_ecef->z = (n * (1.0 - earth->e2) + h_m) * sl;
}

/*
 * Core of the exact inverse (Vermeille 2011).  Given the distance from the
 * axis rho = sqrt(x^2 + y^2) >= 0 and z (m) on an ellipsoid with e2 > 0,
 * returns the geodetic height (m) and, when lat is not NULL, the geodetic
 * latitude (rad).
 *
 * With p = rho^2/a^2, q = (1 - e^2) z^2/a^2, r = (p + q - e^4)/6 the
 * auxiliary unknown u solves the cubic (u - r)^3 - 3 r^2 (u - r)
 * - 2 r^3 - e^4 p q / 2 = 0 (Vermeille 2011 sec. 3).  Its discriminant has
 * the sign of ev = 8 r^3 + e^4 p q:
 *   ev > 0 (outside the evolute, every point above about -6,300 km):
 *     Cardano, u = r + T/2 + 2 r^2 / T, T = cbrt((sqrt(ev) + sqrt(e^4 p q))^2);
 *   ev <= 0 (inside the evolute, near the centre): largest real root,
 *     u = r + 2|r| cos(acos(-1 - e^4 p q / (4 r^3)) / 3).
 * Then v = sqrt(u^2 + e^4 q), w = e^2 (u + v - q) / (2 v),
 * k = (u + v) / (sqrt(w^2 + u + v) + w)   (the same as sqrt(u+v+w^2) - w
 *     without cancellation), D = k rho / (k + e^2),
 * lat = 2 atan2(z, D + sqrt(D^2 + z^2))   (half-angle form: no loss of
 *     precision at the poles), h = (k + e^2 - 1) / k * sqrt(D^2 + z^2).
 * v = 0 only on the equatorial plane inside the evolute (z = 0, rho <= a e^2):
 * there the foot points are the two where the normal passes through the
 * point, cos lat = rho sqrt(1 - e^2) / (e sqrt(a^2 e^2 - rho^2)), and
 * h = -N (1 - e^2); the northern one is returned.
 */
static double geodetic_core(const ts_earth *earth, double rho, double z, double *lat)
{
    const double a = earth->a_m, e2 = earth->e2, e4 = e2 * e2;
    double p = rho * rho / (a * a);
    double q = (1.0 - e2) * z * z / (a * a);
    double r = (p + q - e4) / 6.0;
    double e4pq = e4 * p * q;
    double ev = 8.0 * r * r * r + e4pq;
    double u;
    if (ev > 0.0) {
        double s = sqrt(ev) + sqrt(e4pq);
        double t = cbrt(s * s);
        u = r + 0.5 * t + 2.0 * r * r / t;
    } else {
        /* r < 0 here (ev <= 0 needs 8 r^3 <= -e4pq <= 0).  With
         * x = e4pq / (4 r^3) in [-2, 0], the root is
         * u = r + 2|r| cos(theta/3), theta = acos(-1 - x).  Written with
         * psi = pi - theta = atan2(sqrt(-x (2 + x)), 1 + x) and
         * 2 cos(pi/3 - psi/3) - 1 = sqrt(3) sin(psi/3) - 2 sin^2(psi/6), so
         * that nothing cancels near the equatorial plane, where psi -> 0
         * (the direct acos form lost 0.4 mm at (1000 m, 0, 1 m): test
         * "ecef_to_geodetic_inside_evolute"). */
        double x = e4pq / (4.0 * r * r * r);
        double psi = atan2(sqrt(fmax(0.0, -x * (2.0 + x))), 1.0 + x);
        double s6 = sin(psi / 6.0);
        u = -r * (sqrt(3.0) * sin(psi / 3.0) - 2.0 * s6 * s6);
    }
    double v = sqrt(u * u + e4 * q);
    if (z == 0.0 && rho <= a * e2) {
        /* Equatorial plane inside the evolute (rho <= a e^2, z = 0), where
         * v = 0 in exact arithmetic; tested explicitly because rounding in
         * cos(acos(-1) / 3) leaves u ~ 1e-22 instead of 0, and the general
         * formula then gives h = 0 at the centre (found by the test
         * "centre of the earth": want h = -b). */
        double e = sqrt(e2);
        double cl = rho * sqrt(1.0 - e2) / (e * sqrt(a * a * e2 - rho * rho));
        cl = fmin(1.0, cl);
        double sl2 = 1.0 - cl * cl;
        if (lat)
            *lat = acos(cl);
        return -a * (1.0 - e2) / sqrt(1.0 - e2 * sl2);
    }
    double w = e2 * (u + v - q) / (2.0 * v);
    double k = (u + v) / (sqrt(w * w + u + v) + w);
    double d = k * rho / (k + e2);
    double dz = sqrt(d * d + z * z);
    if (lat)
        *lat = 2.0 * atan2(z, d + dz);
    return (k + e2 - 1.0) / k * dz;
}

/*
 * ECEF -> geodetic, exact (closed form, Vermeille 2011; see geodetic_core).
 * Given:    *r_ecef, m.
 * Returned: *lat_rad in [-pi/2, pi/2], *lon_rad in (-pi, pi] (0 on the
 *           axis), *h_m above the ellipsoid.  Any pointer may be NULL.
 * Notes: the sphere (e2 = 0) uses lat = atan2(z, rho), h = |r| - R.
 */
void ts_ecef_to_geodetic(const ts_earth *earth, const ts_vec3 *r_ecef,
                         double *lat_rad, double *lon_rad, double *h_m)
{
    double x = r_ecef->x, y = r_ecef->y, z = r_ecef->z;
    double rho = sqrt(x * x + y * y); /* as in ts_geodetic_height: same bits */
    double lat, h;
    if (earth->e2 > 0.0) {
        h = geodetic_core(earth, rho, z, &lat);
    } else {
        lat = (rho == 0.0 && z == 0.0) ? TS_PI / 2.0 : atan2(z, rho);
        h = hypot(rho, z) - earth->a_m;
    }
    if (lat_rad)
        *lat_rad = lat;
    if (lon_rad)
        *lon_rad = atan2(y, x);
    if (h_m)
        *h_m = h;
}

/*
 * Geodetic height alone, m: the same exact closed form as
 * ts_ecef_to_geodetic without the latitude and longitude (no atan2); one
 * cbrt and five sqrt.  Given *r_ecef (or any frame with z along the axis:
 * the height does not depend on the longitude).
 */
double ts_geodetic_height(const ts_earth *earth, const ts_vec3 *r_ecef)
{
    double x = r_ecef->x, y = r_ecef->y, z = r_ecef->z;
    if (earth->e2 > 0.0)
        return geodetic_core(earth, sqrt(x * x + y * y), z, NULL);
    return sqrt(x * x + y * y + z * z) - earth->a_m;
}

/*
 * ECI -> ECEF at t_s.  ECEF is ECI turned by theta = omega t about z:
 * r_ecef = R3(theta) r_eci, v_ecef = R3(theta) (v_eci - omega x r_eci),
 * with R3(theta) = [c s 0; -s c 0; 0 0 1] (Vallado 4th ed. sec. 3.7).
 * s_eci and s_ecef may alias.
 */
void ts_eci_to_ecef(const ts_earth *earth, double t_s, const ts_state *s_eci,
                    ts_state *s_ecef)
{
    double w = earth->omega_rads;
    double th = w * t_s, c = cos(th), s = sin(th);
    ts_vec3 r = s_eci->r, v = s_eci->v;
    /* v relative to the rotating frame, still on ECI axes: v - w x r,
     * w x r = (-w y, w x, 0). */
    double vx = v.x + w * r.y, vy = v.y - w * r.x;
    s_ecef->r = ts_v3(c * r.x + s * r.y, -s * r.x + c * r.y, r.z);
    s_ecef->v = ts_v3(c * vx + s * vy, -s * vx + c * vy, v.z);
}

/*
 * ECEF -> ECI at t_s, the inverse of ts_eci_to_ecef:
 * r_eci = R3(-theta) r_ecef, v_eci = R3(-theta) (v_ecef + omega x r_ecef).
 * s_ecef and s_eci may alias.
 */
void ts_ecef_to_eci(const ts_earth *earth, double t_s, const ts_state *s_ecef,
                    ts_state *s_eci)
{
    double w = earth->omega_rads;
    double th = w * t_s, c = cos(th), s = sin(th);
    ts_vec3 r = s_ecef->r, v = s_ecef->v;
    double vx = v.x - w * r.y, vy = v.y + w * r.x;
    s_eci->r = ts_v3(c * r.x - s * r.y, s * r.x + c * r.y, r.z);
    s_eci->v = ts_v3(c * vx - s * vy, s * vx + c * vy, v.z);
}

/*
 * East, north, up unit vectors (ECEF) at a geodetic point; up is the
 * ellipsoid normal (cos lat cos lon, cos lat sin lon, sin lat).
 * Reference: e.g. NGA.STND.0036 sec. 4 (local geodetic frame).
 */
void ts_enu_basis(double lat_rad, double lon_rad, ts_vec3 *east, ts_vec3 *north,
                  ts_vec3 *up)
{
    double sl = sin(lat_rad), cl = cos(lat_rad);
    double so = sin(lon_rad), co = cos(lon_rad);
    if (east)
        *east = ts_v3(-so, co, 0.0);
    if (north)
        *north = ts_v3(-sl * co, -sl * so, cl);
    if (up)
        *up = ts_v3(cl * co, cl * so, sl);
}

/*
 * Inverse geodesic problem on the earth's ellipsoid (Karney 2013 through
 * PROJ).  Given two points (rad).  Returned: *s12_m, m, and the forward
 * azimuths at both ends (rad, clockwise from north); any output may be NULL.
 * Notes: the ellipsoid's struct geod_geodesic comes from
 * ts_earth_geodesic (initialised once per ellipsoid and thread).
 */
/*
 * The geodesic solver of an ellipsoid (PROJ's geod_init, Karney 2013).
 * Given: earth.  Returned: the solver for earth->a_m, earth->f, owned by
 * the calling thread and valid until it asks for another ellipsoid.
 * Notes: geod_init costs a few hundred flops, more than some geodesics; it
 * runs once per ellipsoid and thread (a thread-local cache keyed by a and
 * f: reentrant, thread safe, and the same numbers as a fresh solver).
 */
const struct geod_geodesic *ts_earth_geodesic(const ts_earth *earth)
{
    static _Thread_local struct geod_geodesic g;
    static _Thread_local double g_a = 0.0, g_f = 0.0;
    static _Thread_local int g_set = 0;
    if (!g_set || g_a != earth->a_m || g_f != earth->f) {
        geod_init(&g, earth->a_m, earth->f);
        g_a = earth->a_m;
        g_f = earth->f;
        g_set = 1;
    }
    return &g;
}

void ts_geodesic_inverse(const ts_earth *earth, double lat1_rad, double lon1_rad,
                         double lat2_rad, double lon2_rad, double *s12_m,
                         double *azi1_rad, double *azi2_rad)
{
    double s12 = 0.0, azi1 = 0.0, azi2 = 0.0;
    geod_inverse(ts_earth_geodesic(earth), lat1_rad / TS_DEG, lon1_rad / TS_DEG, lat2_rad / TS_DEG,
                 lon2_rad / TS_DEG, &s12, &azi1, &azi2);
    if (s12_m)
        *s12_m = s12;
    if (azi1_rad)
        *azi1_rad = azi1 * TS_DEG;
    if (azi2_rad)
        *azi2_rad = azi2 * TS_DEG;
}

/*
 * Direct geodesic problem (Karney 2013 through PROJ).  Given a start point,
 * azimuth (rad, clockwise from north) and distance s12_m (m, may be
 * negative).  Returned: end point (rad, longitude in [-pi, pi]) and forward
 * azimuth there (rad); any output may be NULL.
 */
void ts_geodesic_direct(const ts_earth *earth, double lat1_rad, double lon1_rad,
                        double azi1_rad, double s12_m, double *lat2_rad,
                        double *lon2_rad, double *azi2_rad)
{
    double lat2 = 0.0, lon2 = 0.0, azi2 = 0.0;
    geod_direct(ts_earth_geodesic(earth), lat1_rad / TS_DEG, lon1_rad / TS_DEG, azi1_rad / TS_DEG,
                s12_m, &lat2, &lon2, &azi2);
    if (lat2_rad)
        *lat2_rad = lat2 * TS_DEG;
    if (lon2_rad)
        *lon2_rad = lon2 * TS_DEG;
    if (azi2_rad)
        *azi2_rad = azi2 * TS_DEG;
}

/*
 * Gravitational acceleration, point mass + J2 (no centrifugal term).
 * Given:    *r, m, in any frame with z along the rotation axis.
 * Returned: *g, m/s^2, same frame.  g = -GM/r^3 (x c, y c, z c_z) with
 *           c = 1 + 1.5 J2 (a/r)^2 (1 - 5 z^2/r^2),
 *           c_z = 1 + 1.5 J2 (a/r)^2 (3 - 5 z^2/r^2)
 *           (gradient of GM/r [1 - J2 (a/r)^2 (3 z^2/r^2 - 1)/2];
 *           Vallado 4th ed. eq. 8-30; B1-propagate.md "Force model").
 * Notes: r must not be the origin.
 */
void ts_gravity(const ts_earth *earth, const ts_vec3 *r, ts_vec3 *g)
{
    double x = r->x, y = r->y, z = r->z;
    double r2 = x * x + y * y + z * z;
    double rn = sqrt(r2);
    double mu_r3 = earth->gm_m3s2 / (r2 * rn);
    double k = 1.5 * earth->j2 * earth->a_m * earth->a_m / r2;
    double zz = 5.0 * z * z / r2;
    double c = 1.0 + k * (1.0 - zz);
    double cz = 1.0 + k * (3.0 - zz);
    g->x = -mu_r3 * x * c;
    g->y = -mu_r3 * y * c;
    g->z = -mu_r3 * z * cz;
}

/* Given: lon_deg, degrees.  Returned: the same longitude in [-180, 180),
 * degrees (never -0). */
double ts_wrap_lon_deg(double lon_deg)
{
    double x = fmod(lon_deg + 180.0, 360.0);
    if (x < 0.0)
        x += 360.0;
    return x - 180.0 + 0.0;
}
