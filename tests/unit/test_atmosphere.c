/*
 * US Standard Atmosphere 1976 (atmosphere.c).  Truths, named per table:
 * the printed table I of NOAA-S/T 76-1562 (tolerance: one unit of the
 * last printed digit, see last_unit), its table VIII number densities (a second, separate
 * table of the same model above 86 km), the standard's defining equations
 * recomputed here, and physical consistency (hydrostatic equilibrium,
 * continuity at layer boundaries).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include "ts_internal.h"

/* One unit of the last of `digits` significant digits of v.  The printed
 * tables are not all rounded from the exact model: recomputed here, a third
 * of the pressures of table I come out one unit above the printed value in
 * the last digit (e.g. H = 6500 m': 44034.85 Pa printed 44034; H = 27100
 * m': 1819.458 printed 1819.4), as if truncated or computed with the 1976
 * arithmetic; so one unit, not half, is the tolerance the digits allow. */
static double last_unit(double v, int digits)
{
    return pow(10.0, floor(log10(fabs(v))) - digits + 1) * (1.0 + 1e-9);
}

#define check_near(got, want, tol, ...)                                        \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        cr_assert(fabs(g_ - w_) <= (tol), "%s: want %.10g got %.10g diff %.3g " \
                  "(tol %.3g)", __VA_ARGS__, w_, g_, g_ - w_, (double)(tol));  \
    } while (0)

static ts_atmosphere_point at(double h_m)
{
    ts_atmosphere_point a;
    int st = ts_atmosphere(h_m, &a);
    cr_assert_eq(st, TS_OK, "ts_atmosphere(%.17g) = %d", h_m, st);
    return a;
}

/* Geometric height of a geopotential height (eq. 18 inverted), m. */
static double z_of_h(double h)
{
    return 6356766.0 * h / (6356766.0 - h);
}

/* ---- below 86 km: table I at geometric heights ------------------------
 * NOAA-S/T 76-1562 table I (SI part); T printed to 0.001 K (0.01 K at
 * 86 km), P and rho to 5 significant digits (4 for rho at 86 km).  The
 * heights are those the issue asks for plus a few printed rows. */
static const struct {
    double z_km, t_k, p_pa, rho;
    int rho_digits;
} table1_z[] = {
    {-5.0, 320.676, 1.7776e5, 1.9311, 5},
    {-2.0, 301.154, 1.2778e5, 1.4782, 5},
    {0.0, 288.150, 1.01325e5, 1.2250, 5},
    {1.0, 281.651, 8.9876e4, 1.1117, 5},
    {2.0, 275.154, 7.9501e4, 1.0066, 5},
    {4.0, 262.166, 6.1660e4, 8.1935e-1, 5},
    {5.0, 255.676, 5.4048e4, 7.3643e-1, 5},
    {11.0, 216.774, 2.2700e4, 3.6480e-1, 5},
    {20.0, 216.650, 5.5293e3, 8.8910e-2, 5},
    {32.0, 228.490, 8.8906e2, 1.3555e-2, 5},
    {47.0, 269.684, 1.1585e2, 1.4965e-3, 5},
    {51.0, 270.650, 7.0458e1, 9.0690e-4, 5},
    {71.0, 216.846, 4.4796, 7.1965e-5, 5},
    {80.0, 198.639, 1.0524, 1.8458e-5, 5},
};

Test(atmosphere, table1_below_86_km)
{
    double worst_p = 0.0, worst_rho = 0.0, worst_t = 0.0;
    for (size_t i = 0; i < sizeof table1_z / sizeof table1_z[0]; i++) {
        ts_atmosphere_point a = at(table1_z[i].z_km * 1000.0);
        char what[64];
        snprintf(what, sizeof what, "Z = %g km", table1_z[i].z_km);
        check_near(a.t_k, table1_z[i].t_k, 1.0e-3 * (1 + 1e-9), what);
        check_near(a.p_pa, table1_z[i].p_pa, last_unit(table1_z[i].p_pa, 5), what);
        check_near(a.rho_kgm3, table1_z[i].rho,
                   last_unit(table1_z[i].rho, table1_z[i].rho_digits), what);
        worst_p = fmax(worst_p, fabs(a.p_pa / table1_z[i].p_pa - 1));
        worst_rho = fmax(worst_rho, fabs(a.rho_kgm3 / table1_z[i].rho - 1));
        worst_t = fmax(worst_t, fabs(a.t_k - table1_z[i].t_k));
    }
    cr_log_info("table I below 86 km: worst relative P %.2g, rho %.2g, |dT| %.2g K",
                worst_p, worst_rho, worst_t);
}

/* Rows of table I at round geopotential heights (the standard prints H
 * beside Z); T here is the molecular-scale temperature, which equals the
 * kinetic one below 80 km. */
static const struct {
    double h_m, t_k, p_pa, rho;
} table1_h[] = {
    {200.0, 286.850, 98945.0, 1.2017},
    {1450.0, 278.725, 85076.0, 1.0633},
    {5250.0, 254.025, 52239.0, 0.71641},
    {6500.0, 245.900, 44034.0, 0.62384},
    {9800.0, 224.450, 27255.0, 0.42304},
    {17900.0, 216.650, 7624.1, 0.12259},
    {24800.0, 221.450, 2589.6, 0.040739},
    {27100.0, 223.750, 1819.4, 0.028328},
    {40000.0, 251.050, 277.52, 0.0038510},
    {49400.0, 270.650, 81.919, 0.0010544},
    {61500.0, 241.250, 16.456, 0.00023764},
    {79500.0, -1.0, 0.96649, 0.000017035},
    {84000.0, -1.0, 0.43598, 0.0000080510},
};

Test(atmosphere, table1_geopotential_rows)
{
    for (size_t i = 0; i < sizeof table1_h / sizeof table1_h[0]; i++) {
        ts_atmosphere_point a = at(z_of_h(table1_h[i].h_m));
        char what[64];
        snprintf(what, sizeof what, "H = %g m'", table1_h[i].h_m);
        if (table1_h[i].t_k > 0)
            check_near(a.t_k, table1_h[i].t_k, 1.0e-3 * (1 + 1e-9), what);
        check_near(a.p_pa, table1_h[i].p_pa, last_unit(table1_h[i].p_pa, 5), what);
        check_near(a.rho_kgm3, table1_h[i].rho, last_unit(table1_h[i].rho, 5), what);
    }
}

/* Layer bases: recompute the chain of eq. 33a/33b from P0 = 101325 Pa in
 * long double (second implementation) and compare at each base height. */
Test(atmosphere, lower_bases)
{
    static const double hb[] = {0, 11000, 20000, 32000, 47000, 51000, 71000};
    static const double lb[] = {-6.5e-3, 0, 1e-3, 2.8e-3, 0, -2.8e-3, -2.0e-3};
    const long double gmr = 9.80665L * 28.9644L / 8314.32L;
    long double t = 288.15L, p = 101325.0L;
    for (int i = 0; i < 7; i++) {
        ts_atmosphere_point a = at(z_of_h(hb[i]));
        check_near(a.p_pa, (double)p, 1e-12 * (double)p, "base pressure");
        check_near(a.t_k, (double)t, 1e-9, "base temperature");
        if (i == 6)
            break;
        long double dh = hb[i + 1] - hb[i], tn = t + lb[i] * dh;
        p = lb[i] == 0 ? p * expl(-gmr * dh / t) : p * powl(t / tn, gmr / lb[i]);
        t = tn;
    }
}

/* ---- 86 km and above -----------------------------------------------------
 * Kinetic temperature: table I (0.01 K), from the standard's defining
 * segments (exact here, not interpolated). */
static const struct {
    double z_km, t_k;
} table1_t_upper[] = {
    {86, 186.87}, {90, 186.87}, {100, 195.08}, {110, 240.00}, {120, 360.00},
    {130, 469.27}, {150, 634.39}, {200, 854.56}, {300, 976.01}, {400, 995.83},
    {500, 999.24}, {1000, 1000.00},
};

Test(atmosphere, temperature_above_86_km)
{
    for (size_t i = 0; i < sizeof table1_t_upper / sizeof table1_t_upper[0]; i++) {
        ts_atmosphere_point a = at(table1_t_upper[i].z_km * 1000.0);
        check_near(a.t_k, table1_t_upper[i].t_k, 0.01 * (1 + 1e-9), "upper T");
    }
}

/* Table I at the extension's nodes: P to 5 digits, rho to 4.  (These are
 * the nodes themselves: what is tested is the evaluation, exact at a node
 * up to the 86 km value, which comes from the lower formulation.) */
static const struct {
    double z_km, p_pa, rho;
} table1_upper[] = {
    {86, 3.7338e-1, 6.958e-6},    {90, 1.8359e-1, 3.416e-6},
    {95, 7.5966e-2, 1.393e-6},    {100, 3.2011e-2, 5.604e-7},
    {110, 7.1042e-3, 9.708e-8},   {115, 4.0096e-3, 4.289e-8},
    {120, 2.5382e-3, 2.222e-8},   {130, 1.2505e-3, 8.152e-9},
    {150, 4.5422e-4, 2.076e-9},   {175, 1.7936e-4, 6.339e-10},
    {200, 8.4736e-5, 2.541e-10},  {250, 2.4767e-5, 6.073e-11},
    {300, 8.7704e-6, 1.916e-11},  {400, 1.4518e-6, 2.803e-12},
    {500, 3.0236e-7, 5.215e-13},  {600, 8.2130e-8, 1.137e-13},
    {700, 3.1908e-8, 3.070e-14},  {800, 1.7036e-8, 1.136e-14},
    {900, 1.0873e-8, 5.759e-15},  {1000, 7.5138e-9, 3.561e-15},
};

Test(atmosphere, table1_at_nodes)
{
    for (size_t i = 0; i < sizeof table1_upper / sizeof table1_upper[0]; i++) {
        ts_atmosphere_point a = at(table1_upper[i].z_km * 1000.0);
        check_near(a.p_pa, table1_upper[i].p_pa, last_unit(table1_upper[i].p_pa, 5), "node P");
        check_near(a.rho_kgm3, table1_upper[i].rho, last_unit(table1_upper[i].rho, 4), "node rho");
    }
}

/* Second table: number densities of table VIII (m^-3; N2, O, O2, Ar, He, H)
 * give rho = sum n_i m_i / N_A and P = (sum n_i) k T (eqs. 42, 33 of part 1;
 * molecular weights from table 3, N_A = 6.022169e26 /kmol and
 * k = 1.380622e-23 J/K from table 2).  Checks the transcription of the
 * extension's nodes against a separately printed table: the four-digit
 * densities allow 0.1 %; 0.3 % is used. */
static const struct {
    double z_km, n[6];
} table8[] = {
    {90, {5.547e19, 2.443e17, 1.479e19, 6.574e17, 3.976e14, 0}},
    {95, {2.268e19, 4.365e17, 5.83e18, 2.583e17, 1.973e14, 0}},
    {100, {9.210e18, 4.298e17, 2.151e18, 9.501e16, 1.133e14, 0}},
    {110, {1.641e18, 2.303e17, 2.621e17, 1.046e16, 5.821e13, 0}},
    {120, {3.726e17, 9.275e16, 4.395e16, 1.366e15, 3.888e13, 0}},
    {150, {3.124e16, 1.780e16, 2.750e15, 5.0e13, 2.106e13, 3.767e11}},
    {200, {2.925e15, 4.050e15, 1.918e14, 1.938e12, 1.310e13, 1.630e11}},
    {300, {9.593e13, 5.443e14, 3.942e12, 1.568e10, 7.566e12, 1.049e11}},
    {400, {4.669e12, 9.584e13, 1.252e11, 2.124e8, 4.868e12, 8.960e10}},
    {500, {2.592e11, 1.836e13, 4.607e9, 3.445e6, 3.215e12, 8.0e10}},
    {600, {1.575e10, 3.707e12, 1.880e8, 6.351e4, 2.154e12, 7.231e10}},
    {700, {1.038e9, 7.840e11, 8.410e6, 1.313e3, 1.461e12, 6.556e10}},
    {800, {7.377e7, 1.732e11, 4.105e5, 3.027e1, 1.001e12, 5.961e10}},
    {900, {5.641e6, 3.989e10, 2.177e4, 7.741e-1, 6.933e11, 5.434e10}},
    {1000, {4.626e5, 9.562e9, 1.251e3, 2.188e-2, 4.850e11, 4.967e10}},
};

Test(atmosphere, table8_number_densities)
{
    static const double m[6] = {28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797};
    double worst_p = 0.0, worst_rho = 0.0;
    for (size_t i = 0; i < sizeof table8 / sizeof table8[0]; i++) {
        double nsum = 0.0, msum = 0.0;
        for (int k = 0; k < 6; k++) {
            nsum += table8[i].n[k];
            msum += table8[i].n[k] * m[k];
        }
        ts_atmosphere_point a = at(table8[i].z_km * 1000.0);
        double rho = msum / 6.022169e26, p = nsum * 1.380622e-23 * a.t_k;
        char what[64];
        snprintf(what, sizeof what, "Z = %g km", table8[i].z_km);
        check_near(a.rho_kgm3 / rho, 1.0, 3e-3, what);
        check_near(a.p_pa / p, 1.0, 3e-3, what);
        worst_p = fmax(worst_p, fabs(a.p_pa / p - 1));
        worst_rho = fmax(worst_rho, fabs(a.rho_kgm3 / rho - 1));
    }
    cr_log_info("table VIII vs extension: worst relative P %.2g, rho %.2g", worst_p, worst_rho);
}

/* Between the nodes: table I rows at 140, 160, 350 and 450 km.  These four
 * rows were recalled from the printed standard (not re-read from a scan):
 * a weaker truth, so the stated accuracy of the extension (1 %) is the
 * tolerance; the interpolation meets them to 0.3 %. */
static const struct {
    double z_km, p_pa, rho;
} table1_between[] = {
    {140, 7.2028e-4, 3.831e-9},
    {160, 3.0395e-4, 1.233e-9},
    {350, 3.4498e-6, 7.014e-12},
    {450, 6.4468e-7, 1.184e-12},
};

Test(atmosphere, between_nodes)
{
    double worst = 0.0;
    for (size_t i = 0; i < sizeof table1_between / sizeof table1_between[0]; i++) {
        ts_atmosphere_point a = at(table1_between[i].z_km * 1000.0);
        check_near(a.p_pa / table1_between[i].p_pa, 1.0, 1e-2, "P between nodes");
        check_near(a.rho_kgm3 / table1_between[i].rho, 1.0, 1e-2, "rho between nodes");
        worst = fmax(worst, fmax(fabs(a.p_pa / table1_between[i].p_pa - 1),
                                 fabs(a.rho_kgm3 / table1_between[i].rho - 1)));
    }
    cr_log_info("between nodes: worst relative error %.2g", worst);
}

/* Hydrostatic equilibrium, dP/dZ = -rho g with g = g0 (r0/(r0+Z))^2
 * (eq. 17), as a physical second method: exact below 86 km (1e-6 relative
 * from the central difference), and within 3 % above (the standard's
 * diffusive model is hydrostatic to ~1e-4; the extension's separate
 * interpolants of P and M are consistent to 1.7 %, worst near 97 km). */
Test(atmosphere, hydrostatic_equilibrium)
{
    double worst_low = 0.0, worst_up = 0.0;
    for (double z = -4987.0; z < 999000.0; z += (z < 86000.0 ? 1013.0 : 2511.0)) {
        const double d = z < 86000.0 ? 1.0 : 10.0;
        ts_atmosphere_point a = at(z), lo = at(z - d), hi = at(z + d);
        if ((z - d < 86000.0) != (z + d < 86000.0))
            continue;
        double dlnp = (log(hi.p_pa) - log(lo.p_pa)) / (2 * d);
        double gr = 6356766.0 / (6356766.0 + z);
        double want = -a.rho_kgm3 * 9.80665 * gr * gr / a.p_pa;
        double rel = fabs(dlnp / want - 1.0);
        if (z < 86000.0) {
            worst_low = fmax(worst_low, rel);
            cr_assert(rel < 1e-6, "Z = %.0f m: dlnP/dZ %.10g, -rho g/P %.10g", z, dlnp, want);
        } else {
            worst_up = fmax(worst_up, rel);
            cr_assert(rel < 3e-2, "Z = %.0f m: dlnP/dZ %.10g, -rho g/P %.10g", z, dlnp, want);
        }
    }
    cr_log_info("hydrostatic: worst relative %.2g below 86 km, %.2g above", worst_low, worst_up);
}

/* Continuity at every layer boundary: lower layers (at their geometric
 * heights), the start of table 8 (80 km), the junction at 86 km, the
 * temperature segments (91, 110, 120 km) and every node of the extension.
 * P and rho: 1e-9 relative across +-1 micrometre (the smooth change over
 * 2e-6 m is below 1e-9).  T: 1e-6 K except at 86 km, where
 * the standard's own 186.8673 K (upper) meets 186.946 K x 0.999579 =
 * 186.8672 K (lower): 2e-4 K; and at 110 km, where the standard's rounded
 * ellipse constants (eq. 27) end at 239.9997 K and the linear segment
 * starts at 240 K: 5e-4 K, and through T rho 2e-6 relative, sound 3e-4 m/s. */
Test(atmosphere, continuity_at_boundaries)
{
    double z_km[] = {
        z_of_h(11000) / 1000, z_of_h(20000) / 1000, z_of_h(32000) / 1000,
        z_of_h(47000) / 1000, z_of_h(51000) / 1000, z_of_h(71000) / 1000,
        80, 86, 91, 95, 100, 110, 115, 120, 130, 150, 175, 200, 250, 300,
        400, 500, 600, 700, 800, 900};
    double worst = 0.0;
    for (size_t i = 0; i < sizeof z_km / sizeof z_km[0]; i++) {
        double z = z_km[i] * 1000.0;
        ts_atmosphere_point lo = at(z - 1e-6), hi = at(z + 1e-6);
        int step86 = z_km[i] == 86, step110 = z_km[i] == 110;
        check_near(hi.p_pa / lo.p_pa, 1.0, 1e-9, "P continuous");
        check_near(hi.rho_kgm3 / lo.rho_kgm3, 1.0, step110 ? 2e-6 : 1e-9, "rho continuous");
        check_near(hi.t_k, lo.t_k, step86 ? 2e-4 : step110 ? 5e-4 : 1e-6, "T continuous");
        check_near(hi.sound_mps, lo.sound_mps, step110 ? 3e-4 : 1e-6, "sound continuous");
        worst = fmax(worst, fabs(hi.rho_kgm3 / lo.rho_kgm3 - 1));
    }
    cr_log_info("continuity: worst relative rho jump %.2g", worst);
}

/* P and rho fall monotonically from -5 km to 1000 km (1 km steps). */
Test(atmosphere, monotone)
{
    ts_atmosphere_point prev = at(-5000.0);
    for (double z = -4000.0; z <= 1.0e6; z += 1000.0) {
        ts_atmosphere_point a = at(z);
        cr_assert(a.p_pa < prev.p_pa && a.rho_kgm3 < prev.rho_kgm3,
                  "not decreasing at %.0f m", z);
        cr_assert(isfinite(a.t_k) && isfinite(a.sound_mps) && a.sound_mps > 0);
        prev = a;
    }
}

/* Speed of sound, table III of the standard (0.01 m/s... printed 340.29 at
 * sea level, 295.07 at 20 km, 274.10 at 86 km), and above 86 km it is
 * sqrt(gamma P / rho) by definition. */
Test(atmosphere, speed_of_sound)
{
    check_near(at(0.0).sound_mps, 340.29, 0.005 * (1 + 1e-9), "sea level");
    check_near(at(20000.0).sound_mps, 295.07, 0.005 * (1 + 1e-9), "20 km");
    check_near(at(86000.0).sound_mps, 274.10, 0.005 * (1 + 1e-9), "86 km");
    ts_atmosphere_point a = at(250000.0);
    check_near(a.sound_mps, sqrt(1.4 * a.p_pa / a.rho_kgm3), 1e-9, "250 km");
}

/* Domain: below -5 km (and NaN) TS_EINVAL with *out zeroed; -5 km itself
 * is valid; above 1000 km density and pressure are 0 and T, c finite. */
Test(atmosphere, domain)
{
    ts_atmosphere_point a = {1, 1, 1, 1};
    cr_assert_eq(ts_atmosphere(-5000.001, &a), TS_EINVAL);
    cr_assert(a.t_k == 0 && a.p_pa == 0 && a.rho_kgm3 == 0 && a.sound_mps == 0);
    cr_assert_eq(ts_atmosphere(NAN, &a), TS_EINVAL);
    cr_assert_eq(ts_atmosphere(-INFINITY, &a), TS_EINVAL);
    cr_assert_eq(ts_atmosphere(-5000.0, &a), TS_OK);
    static const double above[] = {1000000.001, 1.5e6, 4.2e7, INFINITY};
    for (size_t i = 0; i < sizeof above / sizeof above[0]; i++) {
        cr_assert_eq(ts_atmosphere(above[i], &a), TS_OK);
        cr_assert(a.rho_kgm3 == 0.0 && a.p_pa == 0.0, "%g m: rho %g", above[i], a.rho_kgm3);
        check_near(a.t_k, 1000.0, 1e-3, "T above 1000 km");
        cr_assert(isfinite(a.sound_mps) && a.sound_mps > 0);
    }
    a = at(1.0e6);
    cr_assert(a.rho_kgm3 > 0.0, "rho at exactly 1000 km: %g", a.rho_kgm3);
}
