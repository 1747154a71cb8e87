/*
 * Earth figure, frames, geodesics and gravity (earth.c).
 * Independent truths, named per table: PROJ's own "+proj=cart" conversion
 * (proj.h; a different code path from geodesic.h), the defining constants
 * of NGA.STND.0036 (2014), closed forms (rotation about z, great circles on
 * a sphere, the ellipsoid normal as the gradient of its equation), the
 * published test lines of Vincenty (1975), the numerical gradient of the
 * point-mass + J2 potential, and NGA normal-gravity values.
 */
#include <criterion/criterion.h>
#include <proj.h>
#include "ts_internal.h"
#include "test_util.h"

#define DEG TS_DEG


static double dist3(ts_vec3 a, ts_vec3 b) { return ts_v3_norm(ts_v3_sub(a, b)); }

/* Angle difference wrapped to (-pi, pi]. */
static double dangle(double a, double b)
{
    double d = fmod(a - b, 2.0 * TS_PI);
    if (d > TS_PI)
        d -= 2.0 * TS_PI;
    if (d <= -TS_PI)
        d += 2.0 * TS_PI;
    return d;
}

/* ---- constants: NGA.STND.0036_1.0.0_WGS84 (2014) tables 3.1 and 3.3 ---- */
Test(earth, wgs84_constants)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    cr_assert_eq(e.model, TS_EARTH_WGS84);
    check_near(e.a_m, 6378137.0, 0.0, "a");
    check_near(1.0 / e.f, 298.257223563, 1e-9, "1/f");
    check_near(e.b_m, 6356752.3142, 1e-4, "b (table 3.3, 4 decimals)");
    check_near(e.e2, 6.69437999014e-3, 1e-14, "e^2 (table 3.3)");
    check_near(e.gm_m3s2, 3.986004418e14, 0.0, "GM");
    check_near(e.omega_rads, 7.292115e-5, 0.0, "omega");
    check_near(e.j2, 1.08262668e-3, 0.0, "J2");
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    check_near(e.omega_rads, 0.0, 0.0, "omega, not rotating");
}

/* IUGG mean radius R1 (Moritz 2000, J. Geodesy 74:128). */
Test(earth, sphere_constants)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 1);
    cr_assert_eq(e.model, TS_EARTH_SPHERE);
    check_near(e.a_m, 6371008.8, 0.0, "R");
    check_near(e.b_m, 6371008.8, 0.0, "b = R");
    check_near(e.f, 0.0, 0.0, "f");
    check_near(e.e2, 0.0, 0.0, "e2");
    check_near(e.j2, 0.0, 0.0, "J2");
    check_near(e.omega_rads, 7.292115e-5, 0.0, "omega");
}

/* ---- geodetic <-> ECEF ---------------------------------------------------
 * Points: both poles, just off them, the equator, the antimeridian from both
 * sides, high-entropy mid latitudes; heights -10 km .. 10,000 km. */
static const double g_lat_deg[] = {90.0, 89.999999, 64.2371, 45.0, 17.38,
                                   1e-9, 0.0, -0.5, -33.8688, -71.75, -89.9999,
                                   -90.0};
static const double g_lon_deg[] = {180.0, -180.0, 179.99999999, -179.9999999,
                                   0.0, 12.487, -77.0353, 139.6917};
static const double g_h_m[] = {-10000.0, -1.0, 0.0, 0.3, 8848.86, 1.0e5,
                               2.0e6, 1.0e7};

/* Second method: PROJ's geocentric conversion, "+proj=cart +ellps=WGS84"
 * (PROJ src/conversions/cart.cpp, independent of our closed form). */
Test(earth, geodetic_to_ecef_matches_proj_cart)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    PJ *cart = proj_create(PJ_DEFAULT_CTX, "+proj=cart +ellps=WGS84");
    cr_assert(cart != NULL, "proj_create(+proj=cart) failed");
    double worst = 0.0;
    for (size_t i = 0; i < sizeof g_lat_deg / sizeof g_lat_deg[0]; i++)
        for (size_t j = 0; j < sizeof g_lon_deg / sizeof g_lon_deg[0]; j++)
            for (size_t k = 0; k < sizeof g_h_m / sizeof g_h_m[0]; k++) {
                double lat = g_lat_deg[i] * DEG, lon = g_lon_deg[j] * DEG;
                ts_vec3 r;
                ts_geodetic_to_ecef(&e, lat, lon, g_h_m[k], &r);
                PJ_COORD c = proj_trans(cart, PJ_FWD, proj_coord(lon, lat, g_h_m[k], 0));
                ts_vec3 w = ts_v3(c.xyz.x, c.xyz.y, c.xyz.z);
                double d = dist3(r, w);
                worst = fmax(worst, d);
                cr_assert(d <= 1e-6, "lat %.9g lon %.9g h %.9g: |ours - PROJ| = %.3g m "
                          "(ours %.17g %.17g %.17g, PROJ %.17g %.17g %.17g)",
                          g_lat_deg[i], g_lon_deg[j], g_h_m[k], d, r.x, r.y, r.z,
                          w.x, w.y, w.z);
            }
    proj_destroy(cart);
    cr_log_info("geodetic->ECEF vs PROJ cart: worst %.3g m", worst);
}

/* Round trip geodetic -> ECEF -> geodetic, and the inverse against PROJ's
 * cart inverse as a second method. */
Test(earth, ecef_to_geodetic_round_trip)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    PJ *cart = proj_create(PJ_DEFAULT_CTX, "+proj=cart +ellps=WGS84");
    cr_assert(cart != NULL);
    double worst_r = 0.0, worst_h = 0.0, worst_lat = 0.0, worst_proj_h = 0.0;
    for (size_t i = 0; i < sizeof g_lat_deg / sizeof g_lat_deg[0]; i++)
        for (size_t j = 0; j < sizeof g_lon_deg / sizeof g_lon_deg[0]; j++)
            for (size_t k = 0; k < sizeof g_h_m / sizeof g_h_m[0]; k++) {
                double lat = g_lat_deg[i] * DEG, lon = g_lon_deg[j] * DEG, h = g_h_m[k];
                ts_vec3 r, r2;
                double lat2, lon2, h2;
                ts_geodetic_to_ecef(&e, lat, lon, h, &r);
                ts_ecef_to_geodetic(&e, &r, &lat2, &lon2, &h2);
                ts_geodetic_to_ecef(&e, lat2, lon2, h2, &r2);
                double d = dist3(r, r2);
                worst_r = fmax(worst_r, d);
                worst_h = fmax(worst_h, fabs(h2 - h));
                worst_lat = fmax(worst_lat, fabs(lat2 - lat));
                cr_assert(d <= 1e-6, "lat %.9g lon %.9g h %.9g: round trip moved %.3g m",
                          g_lat_deg[i], g_lon_deg[j], h, d);
                check_near(h2, h, 1e-6, "height round trip");
                /* 1e-13 rad = 0.6 micrometre on the ground */
                check_near(lat2, lat, 1e-13, "latitude round trip");
                if (fabs(g_lat_deg[i]) != 90.0)
                    check_near(dangle(lon2, lon), 0.0, 1e-13, "longitude round trip");
                check_near(ts_geodetic_height(&e, &r), h2, 0.0,
                           "ts_geodetic_height == ts_ecef_to_geodetic's h");
                /* PROJ's cart inverse is Bowring's one-step formula, whose
                 * error grows as h^2 (1e-8 m at 1 km, 1e-4 m at 100 km,
                 * 0.15 m at 10,000 km, measured): compared near the surface
                 * only. */
                if (fabs(h) > 1000.0)
                    continue;
                PJ_COORD c = proj_trans(cart, PJ_INV, proj_coord(r.x, r.y, r.z, 0));
                worst_proj_h = fmax(worst_proj_h, fabs(c.lpz.z - h2));
                check_near(h2, c.lpz.z, 1e-6, "height vs PROJ cart inverse");
                check_near(lat2, c.lpz.phi, 1e-13, "latitude vs PROJ cart inverse");
            }
    proj_destroy(cart);
    cr_log_info("ECEF->geodetic: worst round trip %.3g m, |dh| %.3g m, |dlat| %.3g rad, "
                "|h - PROJ| %.3g m (|h| <= 1 km)", worst_r, worst_h, worst_lat, worst_proj_h);
}

/* Closed forms: on the axis lat = +-90 deg and h = |z| - b; on the equator
 * lat = 0 and h = rho - a; the centre gives h = -b (regression: rounding in
 * the evolute branch once returned h = 0 there). */
static const struct {
    double x, y, z, lat_deg, h_m;
} special[] = {
    {0.0, 0.0, 7.0e6, 90.0, 7.0e6 - 6356752.314245179},
    {0.0, 0.0, -6356752.314245179, -90.0, 0.0},
    {6378137.0, 0.0, 0.0, 0.0, 0.0},
    {-1.2e7, 0.0, 0.0, 0.0, 1.2e7 - 6378137.0},
    {0.0, -6.0e6, 0.0, 0.0, 6.0e6 - 6378137.0},
    {0.0, 0.0, 0.0, 90.0, -6356752.314245179},
};

Test(earth, ecef_to_geodetic_closed_forms)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        ts_vec3 r = ts_v3(special[i].x, special[i].y, special[i].z);
        double lat, lon, h;
        ts_ecef_to_geodetic(&e, &r, &lat, &lon, &h);
        check_near(lat, special[i].lat_deg * DEG, 1e-15, "closed-form latitude");
        check_near(h, special[i].h_m, 1e-6, "closed-form height");
    }
}

/* Deep inside the earth (inside the evolute of the meridian ellipse, where
 * the trigonometric branch runs): the answer must still map back to the
 * point, and its height be minus the distance to the foot point. */
Test(earth, ecef_to_geodetic_inside_evolute)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    static const double pts[][3] = {
        {1000.0, 0.0, 0.0}, {1000.0, 0.0, 1.0}, {3000.0, 4000.0, -2.5e4},
        {-3.1e4, 1.7e4, 150.0}, {0.0, 0.0, 1.0e-3}, {2.0e4, 0.0, 0.0}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        ts_vec3 r = ts_v3(pts[i][0], pts[i][1], pts[i][2]), r2;
        double lat, lon, h;
        ts_ecef_to_geodetic(&e, &r, &lat, &lon, &h);
        ts_geodetic_to_ecef(&e, lat, lon, h, &r2);
        cr_assert(dist3(r, r2) <= 1e-6, "point %zu: maps back %.3g m away", i,
                  dist3(r, r2));
        cr_assert(h < -6.2e6, "point %zu: h = %.17g", i, h);
    }
}

Test(earth, sphere_round_trip)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 1);
    for (size_t i = 0; i < sizeof g_lat_deg / sizeof g_lat_deg[0]; i++)
        for (size_t k = 0; k < sizeof g_h_m / sizeof g_h_m[0]; k++) {
            double lat = g_lat_deg[i] * DEG, lon = 123.456 * DEG, h = g_h_m[k];
            ts_vec3 r;
            double lat2, lon2, h2;
            ts_geodetic_to_ecef(&e, lat, lon, h, &r);
            /* closed form: |r| = R + h */
            check_near(ts_v3_norm(r), 6371008.8 + h, 1e-8 * (6371008.8 + h), "sphere |r|");
            ts_ecef_to_geodetic(&e, &r, &lat2, &lon2, &h2);
            check_near(h2, h, 1e-6, "sphere height");
            check_near(lat2, lat, 1e-13, "sphere latitude");
            check_near(ts_geodetic_height(&e, &r), h, 1e-6, "sphere ts_geodetic_height");
        }
}

/* ---- ECI <-> ECEF: closed form of a rotation about z -------------------- */
Test(earth, eci_ecef_round_trip_and_rotation)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    static const double t_s[] = {0.0, 1.0, 937.25, 43082.0, 86164.0905, -3600.0};
    ts_state s = {{-2.7345e6, 5.1231e6, 3.3761e6}, {-3512.7, -4021.3, 5123.9}};
    for (size_t i = 0; i < sizeof t_s / sizeof t_s[0]; i++) {
        ts_state f, b;
        ts_eci_to_ecef(&e, t_s[i], &s, &f);
        ts_ecef_to_eci(&e, t_s[i], &f, &b);
        check_near(dist3(b.r, s.r), 0.0, 1e-8, "ECI->ECEF->ECI position");
        check_near(dist3(b.v, s.v), 0.0, 1e-11, "ECI->ECEF->ECI velocity");
        /* closed form: r_ecef = R3(w t) r_eci */
        double th = e.omega_rads * t_s[i];
        ts_vec3 w = ts_v3(cos(th) * s.r.x + sin(th) * s.r.y,
                          -sin(th) * s.r.x + cos(th) * s.r.y, s.r.z);
        check_near(dist3(f.r, w), 0.0, 1e-8, "R3(omega t) r");
        /* |r| and z are invariant */
        check_near(f.r.z, s.r.z, 0.0, "z invariant");
    }
    /* t = 0: same position, v_ecef = v_eci - omega x r */
    ts_state f;
    ts_eci_to_ecef(&e, 0.0, &s, &f);
    check_near(f.v.x, s.v.x + e.omega_rads * s.r.y, 1e-12, "v_ecef.x at t=0");
    check_near(f.v.y, s.v.y - e.omega_rads * s.r.x, 1e-12, "v_ecef.y at t=0");
    /* aliasing allowed */
    ts_state a = s;
    ts_eci_to_ecef(&e, 937.25, &a, &a);
    ts_eci_to_ecef(&e, 937.25, &s, &f);
    check_near(dist3(a.r, f.r) + dist3(a.v, f.v), 0.0, 0.0, "in place");
}

/* A point fixed on the equator moves in ECI at omega * a, eastward, and its
 * ECI position turns by omega t. */
Test(earth, equator_point_moves_at_omega_a)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    double lon = 31.25 * DEG, t = 5123.5;
    ts_state f = {{0}, {0.0, 0.0, 0.0}};
    ts_geodetic_to_ecef(&e, 0.0, lon, 0.0, &f.r);
    ts_state s;
    ts_ecef_to_eci(&e, t, &f, &s);
    double want = e.omega_rads * e.a_m; /* 465.10 m/s */
    check_near(ts_v3_norm(s.v), want, 1e-9, "equatorial speed omega a");
    check_near(want, 465.1011, 1e-4, "omega a (closed form value)");
    double lon_eci = atan2(s.r.y, s.r.x);
    check_near(dangle(lon_eci, lon + e.omega_rads * t), 0.0, 1e-14, "turned by omega t");
    /* eastward: v along z x r */
    ts_vec3 east = ts_v3_unit(ts_v3_cross(ts_v3(0, 0, 1), s.r));
    check_near(ts_v3_dot(ts_v3_unit(s.v), east), 1.0, 1e-14, "velocity points east");
    /* non-rotating earth: frames coincide at every t */
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    ts_ecef_to_eci(&e, t, &f, &s);
    check_near(dist3(s.r, f.r) + ts_v3_norm(s.v), 0.0, 0.0, "omega = 0");
}

/* ---- ENU: orthonormal, right-handed, up = ellipsoid normal -------------- */
Test(earth, enu_basis)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    for (size_t i = 0; i < sizeof g_lat_deg / sizeof g_lat_deg[0]; i++)
        for (size_t j = 0; j < sizeof g_lon_deg / sizeof g_lon_deg[0]; j++) {
            double lat = g_lat_deg[i] * DEG, lon = g_lon_deg[j] * DEG;
            ts_vec3 E, N, U;
            ts_enu_basis(lat, lon, &E, &N, &U);
            check_near(ts_v3_norm(E), 1.0, 1e-15, "|east|");
            check_near(ts_v3_norm(N), 1.0, 1e-15, "|north|");
            check_near(ts_v3_norm(U), 1.0, 1e-15, "|up|");
            check_near(ts_v3_dot(E, N), 0.0, 1e-15, "east.north");
            check_near(ts_v3_dot(E, U), 0.0, 1e-15, "east.up");
            check_near(ts_v3_dot(N, U), 0.0, 1e-15, "north.up");
            check_near(dist3(ts_v3_cross(E, N), U), 0.0, 1e-15, "east x north = up");
            check_near(E.z, 0.0, 0.0, "east is horizontal to the axis");
            if (fabs(g_lat_deg[i]) == 90.0)
                continue;
            /* Second method: the normal of x^2/a^2 + y^2/a^2 + z^2/b^2 = 1 at
             * the surface point is its gradient (x/a^2, y/a^2, z/b^2). */
            ts_vec3 r;
            ts_geodetic_to_ecef(&e, lat, lon, 0.0, &r);
            ts_vec3 n = ts_v3_unit(ts_v3(r.x / (e.a_m * e.a_m), r.y / (e.a_m * e.a_m),
                                         r.z / (e.b_m * e.b_m)));
            check_near(dist3(n, U), 0.0, 1e-14, "up = gradient of the ellipsoid");
            /* north points toward the pole: d(z)/d(lat) > 0 */
            cr_assert(N.z > 0.0, "north.z = %.17g", N.z);
        }
}

/* ---- geodesics -----------------------------------------------------------
 * Vincenty, T. (1975), "Direct and inverse solutions of geodesics on the
 * ellipsoid with application of nested equations", Survey Review 23(176),
 * 88-93, table II, lines (a)-(e): (a) on Bessel 1841 (a = 6377397.155 m,
 * 1/f = 299.1528128), (b)-(e) on the International 1924 (a = 6378388 m,
 * 1/f = 297).  Distances are printed to 1 mm, angles to 1e-5 arcsec;
 * the exact solution (Karney's, via PROJ) agrees with lines (a)-(c), (e)
 * to 0.8 mm and 1e-5 arcsec (direct problem: 3e-5 arcsec), hence 1 mm and
 * 5e-5 arcsec.  On the nearly antipodal line (d) Vincenty's printed
 * azimuths are off by 1.03e-3 arcsec (0.1 m across the track at 20,000 km;
 * his method is weak near antipodes, Karney 2013 sec. 1), hence 2e-3 arcsec
 * for that line. */
static double dms(double d, double m, double s)
{
    double sg = (d < 0 || m < 0 || s < 0) ? -1.0 : 1.0;
    return sg * (fabs(d) + fabs(m) / 60.0 + fabs(s) / 3600.0) * DEG;
}

#define ARCSEC (DEG / 3600.0)

static const struct {
    const char *name;
    double a, inv_f;
    double lat1[3], lat2[3], lon2[3], azi1[3], azi2[3], s12;
    double tol_arcsec;
} vincenty[] = {
    {"(a)", 6377397.155, 299.1528128, {55, 45, 0}, {-33, -26, 0}, {108, 13, 0},
     {96, 36, 8.79960}, {137, 52, 22.01454}, 14110526.170, 5e-5},
    {"(b)", 6378388.0, 297.0, {37, 19, 54.95367}, {26, 7, 42.83946},
     {41, 28, 35.50729}, {95, 27, 59.63089}, {118, 5, 58.96161}, 4085966.703, 5e-5},
    {"(c)", 6378388.0, 297.0, {35, 16, 11.24862}, {67, 22, 14.77638},
     {137, 47, 28.31435}, {15, 44, 23.74850}, {144, 55, 39.92147}, 8084823.839, 5e-5},
    {"(d)", 6378388.0, 297.0, {1, 0, 0}, {0, -59, -53.83076}, {179, 17, 48.02997},
     {89, 0, 0}, {91, 0, 6.11733}, 19960000.000, 2e-3},
    {"(e)", 6378388.0, 297.0, {1, 0, 0}, {1, 1, 15.18952}, {179, 46, 17.84244},
     {4, 59, 59.99995}, {174, 59, 59.88481}, 19780006.558, 5e-5},
};

Test(earth, geodesic_vincenty_1975_lines)
{
    for (size_t i = 0; i < sizeof vincenty / sizeof vincenty[0]; i++) {
        ts_earth e;
        ts_earth_init(&e, TS_EARTH_WGS84, 1);
        /* ts_geodesic_* read only a_m and f: set the line's ellipsoid */
        e.a_m = vincenty[i].a;
        e.f = 1.0 / vincenty[i].inv_f;
        double lat1 = dms(vincenty[i].lat1[0], vincenty[i].lat1[1], vincenty[i].lat1[2]);
        double lat2 = dms(vincenty[i].lat2[0], vincenty[i].lat2[1], vincenty[i].lat2[2]);
        double lon2 = dms(vincenty[i].lon2[0], vincenty[i].lon2[1], vincenty[i].lon2[2]);
        double azi1 = dms(vincenty[i].azi1[0], vincenty[i].azi1[1], vincenty[i].azi1[2]);
        double azi2 = dms(vincenty[i].azi2[0], vincenty[i].azi2[1], vincenty[i].azi2[2]);
        double s12, a1, a2, la, lo, a2d;
        ts_geodesic_inverse(&e, lat1, 0.0, lat2, lon2, &s12, &a1, &a2);
        cr_log_info("Vincenty %s inverse: ds %.3g m, dazi1 %.3g\", dazi2 %.3g\"",
                    vincenty[i].name, s12 - vincenty[i].s12,
                    dangle(a1, azi1) / ARCSEC, dangle(a2, azi2) / ARCSEC);
        double tol = vincenty[i].tol_arcsec * ARCSEC;
        check_near(s12, vincenty[i].s12, 1e-3, vincenty[i].name);
        check_near(dangle(a1, azi1), 0.0, tol, vincenty[i].name);
        check_near(dangle(a2, azi2), 0.0, tol, vincenty[i].name);
        ts_geodesic_direct(&e, lat1, 0.0, azi1, vincenty[i].s12, &la, &lo, &a2d);
        check_near(la, lat2, tol, vincenty[i].name);
        check_near(dangle(lo, lon2), 0.0, tol, vincenty[i].name);
        check_near(dangle(a2d, azi2), 0.0, tol, vincenty[i].name);
    }
}

/* Sphere: great-circle closed form s = R sigma, sigma from the Vincenty
 * (1975) / haversine-stable atan2 formula, initial azimuth
 * atan2(sin dl cos p2, cos p1 sin p2 - sin p1 cos p2 cos dl). */
Test(earth, geodesic_sphere_closed_form)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 1);
    static const double pts[][4] = {
        {40.6413, -73.7781, 51.47, -0.4543},     /* JFK - LHR */
        {-33.9461, 151.1772, 1.3644, 103.9915},  /* SYD - SIN */
        {54.48, 17.11, 35.5, 139.7},             /* Redzikowo - Tokyo */
        {0.0, 0.0, 0.0, 179.5},
        {-89.0, 10.0, 88.5, -170.0},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double p1 = pts[i][0] * DEG, l1 = pts[i][1] * DEG;
        double p2 = pts[i][2] * DEG, l2 = pts[i][3] * DEG, dl = l2 - l1;
        double y = hypot(cos(p2) * sin(dl), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl));
        double x = sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(dl);
        double want_s = 6371008.8 * atan2(y, x);
        double want_az = atan2(sin(dl) * cos(p2), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl));
        double s, az1, az2;
        ts_geodesic_inverse(&e, p1, l1, p2, l2, &s, &az1, &az2);
        check_near(s, want_s, 1e-6, "great-circle distance");
        check_near(dangle(az1, want_az), 0.0, 1e-12, "great-circle azimuth");
    }
}

/* WGS-84 quarter meridian, 10 001 965.7293 m (a published figure of the
 * ellipsoid, e.g. Karney 2011 arXiv:1102.1215 table; here checked against
 * Helmert's series for the meridian arc, a second method:
 * Q = a/(1+n) (1 + n^2/4 + n^4/64 + n^6/256) pi/2, n = f/(2-f)). */
Test(earth, geodesic_quarter_meridian)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    double n = e.f / (2.0 - e.f), n2 = n * n;
    double q = e.a_m / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0 + n2 * n2 * n2 / 256.0) *
               TS_PI / 2.0;
    double s, a1, a2;
    ts_geodesic_inverse(&e, 0.0, 0.5, TS_PI / 2.0, 0.5, &s, &a1, &a2);
    check_near(s, q, 1e-6, "quarter meridian vs Helmert series");
    check_near(s, 10001965.7293, 1e-4, "quarter meridian, published");
    check_near(a1, 0.0, 1e-15, "due north");
    /* along the equator (shorter than (1 - f) pi a): s = a dlon */
    ts_geodesic_inverse(&e, 0.0, -1.0, 0.0, 1.5, &s, &a1, &a2);
    check_near(s, e.a_m * 2.5, 1e-6, "equatorial arc a dlon");
    check_near(a1, TS_PI / 2.0, 1e-15, "due east");
}

/* Direct then inverse gets back the distance and azimuth (round trip). */
Test(earth, geodesic_direct_inverse_round_trip)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    for (int i = 0; i < 40; i++) {
        double lat1 = (-85.0 + 4.3 * i) * DEG, lon1 = (-179.0 + 8.9 * i) * DEG;
        double azi1 = (7.7 + 37.3 * i) * DEG, s = 1.0e3 + 4.9e5 * i;
        double lat2, lon2, azi2, s_b, a1_b, a2_b;
        ts_geodesic_direct(&e, lat1, lon1, azi1, s, &lat2, &lon2, &azi2);
        cr_assert(fabs(lon2) <= TS_PI, "longitude out of range: %.17g", lon2);
        ts_geodesic_inverse(&e, lat1, lon1, lat2, lon2, &s_b, &a1_b, &a2_b);
        check_near(s_b, s, 1e-6, "round trip distance");
        check_near(dangle(a1_b, azi1), 0.0, 1e-11, "round trip azimuth");
        check_near(dangle(a2_b, azi2), 0.0, 1e-11, "round trip final azimuth");
    }
    /* NULL outputs are allowed */
    ts_geodesic_inverse(&e, 0.1, 0.2, 0.3, 0.4, NULL, NULL, NULL);
    ts_geodesic_direct(&e, 0.1, 0.2, 0.3, 1e5, NULL, NULL, NULL);
}

/* ---- gravity -------------------------------------------------------------
 * Second method: central differences of the potential
 * U = GM/r [1 - J2 (a/r)^2 (3 z^2/r^2 - 1)/2] with a 1 m step; the
 * truncation error is ~ (1 m)^2 |d3U| / 6 ~ 1e-13 m/s^2 and rounding
 * ~ eps U / 1 m ~ 1e-8 m/s^2. */
static double potential(const ts_earth *e, ts_vec3 r)
{
    double rn = ts_v3_norm(r), s = r.z / rn;
    return e->gm_m3s2 / rn *
           (1.0 - e->j2 * (e->a_m / rn) * (e->a_m / rn) * (3.0 * s * s - 1.0) / 2.0);
}

Test(earth, gravity_is_gradient_of_potential)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    static const double pts[][3] = {
        {6378137.0, 0.0, 0.0},         {0.0, 0.0, 6356752.3},
        {-3.1e6, 4.2e6, -3.9e6},       {4.1e6, 2.3e6, 4.6e6},
        {1.2e7, -1.5e7, 2.2e7},        {-6.6e6, -1.0e5, 2.5e5},
    };
    double worst = 0.0;
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        ts_vec3 r = ts_v3(pts[i][0], pts[i][1], pts[i][2]), g;
        ts_gravity(&e, &r, &g);
        const double h = 1.0;
        ts_vec3 want = ts_v3(
            (potential(&e, ts_v3(r.x + h, r.y, r.z)) - potential(&e, ts_v3(r.x - h, r.y, r.z))) / (2 * h),
            (potential(&e, ts_v3(r.x, r.y + h, r.z)) - potential(&e, ts_v3(r.x, r.y - h, r.z))) / (2 * h),
            (potential(&e, ts_v3(r.x, r.y, r.z + h)) - potential(&e, ts_v3(r.x, r.y, r.z - h))) / (2 * h));
        double d = dist3(g, want);
        worst = fmax(worst, d);
        cr_assert(d <= 1e-7, "point %zu: |g - grad U| = %.3g m/s^2 (g = %.10g %.10g %.10g)",
                  i, d, g.x, g.y, g.z);
    }
    cr_log_info("gravity vs numerical gradient: worst %.3g m/s^2", worst);
}

/* |g| on the ellipsoid against NGA.STND.0036 (2014) table 3.4 normal
 * gravity: gamma_e = 9.7803253359 m/s^2 (with centrifugal; gravitation alone
 * is gamma_e + omega^2 a), gamma_p = 9.8321849379 m/s^2 (no centrifugal at
 * the pole).  Point mass + J2 leaves out J4 and higher and the
 * normal field's exact form: agreement within 3e-4 m/s^2 (textbook level,
 * e.g. Vallado 4th ed. sec. 8.6.1). */
Test(earth, gravity_textbook_values)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_vec3 r = ts_v3(e.a_m, 0.0, 0.0), g;
    ts_gravity(&e, &r, &g);
    double w2a = e.omega_rads * e.omega_rads * e.a_m;
    check_near(ts_v3_norm(g), 9.7803253359 + w2a, 3e-4, "equator |g|");
    check_near(g.y, 0.0, 0.0, "equator g.y");
    check_near(g.z, 0.0, 0.0, "equator g.z");
    /* closed form on the equator: GM/a^2 (1 + 1.5 J2) */
    check_near(-g.x, e.gm_m3s2 / (e.a_m * e.a_m) * (1.0 + 1.5 * e.j2), 1e-12, "equator closed form");
    r = ts_v3(0.0, 0.0, -e.b_m);
    ts_gravity(&e, &r, &g);
    check_near(ts_v3_norm(g), 9.8321849379, 3e-4, "pole |g|");
    check_near(g.z, e.gm_m3s2 / (e.b_m * e.b_m) *
                        (1.0 - 3.0 * e.j2 * (e.a_m / e.b_m) * (e.a_m / e.b_m)),
               1e-12, "pole closed form");
    /* sphere: point mass only, GM / r^2 toward the centre */
    ts_earth_init(&e, TS_EARTH_SPHERE, 1);
    r = ts_v3(3.0e6, -4.0e6, 5.5e6);
    ts_gravity(&e, &r, &g);
    double rn = ts_v3_norm(r);
    ts_vec3 want = ts_v3_scale(r, -e.gm_m3s2 / (rn * rn * rn));
    check_near(dist3(g, want), 0.0, 1e-14, "sphere point mass");
}
