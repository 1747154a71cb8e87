/*
 * Atmosphere: U.S. Standard Atmosphere, 1976.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference: "U.S. Standard Atmosphere, 1976", NOAA-S/T 76-1562 (NOAA, NASA,
 * USAF; U.S. Government Printing Office, Washington, D.C., 1976), also
 * NASA-TM-X-74335.  Equation and table numbers below are that document's.
 *
 * Method
 *  -5 km .. 86 km (exact, the standard's own formulation, part 1 sec. 1.2):
 *    geopotential height H = r0 Z / (r0 + Z) (eq. 18) with r0 = 6356766 m;
 *    molecular-scale temperature T_M linear in H in seven layers (eq. 23,
 *    table 4); pressure from the hydrostatic equation integrated layer by
 *    layer (eqs. 33a, 33b); density rho = P M0 / (R* T_M) (eq. 42);
 *    kinetic temperature T = T_M M / M0 (eq. 21) with M / M0 from table 8
 *    between 80 and 86 km (1 below 80 km), interpolated linearly between its
 *    0.5 km entries; speed of sound sqrt(gamma R* T_M / M0) (eq. 50).
 *    The layers' base pressures are the exact chain of eq. 33 from
 *    P0 = 101325 Pa (computed in double precision; the unit test recomputes
 *    them).  Agrees with the printed table I to its 5 significant digits.
 *  86 km .. 1000 km (exact temperature, documented extension for P, rho):
 *    kinetic temperature from the standard's four defining segments in
 *    geometric height (eqs. 25-31: isothermal, elliptical, linear,
 *    exponential).  Pressure and density: the standard obtains them by
 *    integrating the diffusion equations of N2, O, O2, Ar, He and H
 *    (appendix B); instead we interpolate its printed table I:
 *      ln P: cubic Hermite through the table's nodes with the slope at
 *        each node taken from hydrostatic equilibrium, d ln P/dZ =
 *        -rho g / P, g = g0 (r0 / (r0 + Z))^2 (eq. 17);
 *      mean molecular weight M = rho R* T / P at the nodes: monotone
 *        piecewise cubic (PCHIP; Fritsch & Carlson 1980, SIAM J. Numer.
 *        Anal. 17:238, slopes by Fritsch & Butland 1984, SIAM J. Sci.
 *        Stat. Comput. 5:300) in ln M;
 *      rho = P M / (R* T) (ideal gas, eq. 42).
 *    The first node is the exact lower-atmosphere value at 86 km, so P and
 *    rho are continuous with continuous slope there.  Leave-one-out trials
 *    on the node set (dropping a node and predicting it from the others,
 *    i.e. twice the node spacing) miss by at most 1.4 % in P and 2.9 % in
 *    rho; with every node in use the error between nodes is estimated at
 *    about 1 % or less (docs/models-earth.md).  Drag is negligible above
 *    about 100 km for this library's purposes.
 *  above 1000 km: P = rho = 0; T and the speed of sound hold their 1000 km
 *    values (the standard ends at 1000 km).
 * Speed of sound above 86 km: sqrt(gamma P / rho), i.e. that of the
 * molecular-scale temperature T_M = T M0 / M (eq. 50 with eq. 21); used only
 * for Mach numbers.
 */
#include "ts_internal.h"

/* Constants of the standard (NOAA-S/T 76-1562, table 2 and sec. 1.2). */
#define ATM_G0 9.80665       /* m/s^2, sea-level gravity g0 */
#define ATM_R0 6356766.0     /* m, effective earth radius r0 (eq. 18) */
#define ATM_RSTAR 8314.32    /* J/(kmol K), gas constant R* (1976 value) */
#define ATM_M0 28.9644       /* kg/kmol, sea-level mean molecular weight */
#define ATM_GAMMA 1.40       /* ratio of specific heats (eq. 50) */
#define ATM_ZMIN (-5000.0)   /* m, lowest height of the standard's tables */
#define ATM_Z86 86000.0      /* m, top of the lower formulation */
#define ATM_ZMAX 1000000.0   /* m, top of the standard */

/* g0 M0 / R*, K/m' (the hydrostatic constant of eqs. 33a, 33b). */
#define ATM_GMR (ATM_G0 * ATM_M0 / ATM_RSTAR)

/* Lower atmosphere layers (table 4): base geopotential height H_b (m'),
 * lapse rate L_b (K/m'), base molecular-scale temperature T_Mb (K), and base
 * pressure P_b (Pa): the latter computed from P0 = 101325 Pa by eq. 33 in
 * double precision (test_atmosphere.c "lower_bases" recomputes them; the
 * standard prints 22632, 5474.9, 868.02, 110.91, 66.939, 3.9564). */
static const struct {
    double h, lapse, tm, p;
} lower_layer[7] = {
    {0.0, -6.5e-3, 288.15, 101325.0},
    {11000.0, 0.0, 216.65, 22632.06397346291},
    {20000.0, 1.0e-3, 216.65, 5474.888669677774},
    {32000.0, 2.8e-3, 228.65, 868.0186847552278},
    {47000.0, 0.0, 270.65, 110.9063055549659},
    {51000.0, -2.8e-3, 270.65, 66.93887311868727},
    {71000.0, -2.0e-3, 214.65, 3.956420428040725},
};

/* M / M0 from 80 to 86 km geometric height in 0.5 km steps (table 8). */
static const double mol_ratio[13] = {
    1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
};

/*
 * Lower formulation, Z in [-5 km, 86 km].  Returns T_M (K) and sets *p (Pa).
 */
static double lower_tm_p(double z_m, double *p)
{
    double h = ATM_R0 * z_m / (ATM_R0 + z_m); /* eq. 18 */
    int b = 6;
    while (b > 0 && h < lower_layer[b].h)
        b--;
    double dh = h - lower_layer[b].h;
    double tmb = lower_layer[b].tm, lapse = lower_layer[b].lapse;
    double tm = tmb + lapse * dh; /* eq. 23 */
    if (lapse == 0.0)
        *p = lower_layer[b].p * exp(-ATM_GMR * dh / tmb); /* eq. 33b */
    else
        *p = lower_layer[b].p * pow(tmb / tm, ATM_GMR / lapse); /* eq. 33a */
    return tm;
}

/* M / M0 at geometric height z_m (table 8; 1 below 80 km). */
static double molecular_ratio(double z_m)
{
    if (z_m <= 80000.0)
        return 1.0;
    double u = (z_m - 80000.0) / 500.0;
    int i = (int)u;
    if (i >= 12)
        return mol_ratio[12];
    double w = u - i;
    return mol_ratio[i] + w * (mol_ratio[i + 1] - mol_ratio[i]);
}

/*
 * Kinetic temperature above 86 km, K (Z in m, 86 km .. 1000 km), from the
 * four segments of NOAA-S/T 76-1562 sec. 1.2.5:
 *   86-91 km   T = 186.8673                                      (eq. 25)
 *   91-110 km  T = Tc + A sqrt(1 - ((Z - 91)/a)^2), Tc = 263.1905 K,
 *              A = -76.3232 K, a = -19.9429 km                    (eq. 27)
 *   110-120 km T = 240 + 12 (Z - 110), K, Z in km                 (eq. 29)
 *   120-1000   T = Tinf - (Tinf - T10) exp(-lambda xi),
 *              xi = (Z - 120)(r0 + 120)/(r0 + Z), Tinf = 1000 K,
 *              T10 = 360 K, lambda = 12/640 = 0.01875 /km         (eq. 31)
 */
static double upper_temperature(double z_m)
{
    double z = z_m / 1000.0; /* km */
    if (z < 91.0)
        return 186.8673;
    if (z < 110.0) {
        double u = (z - 91.0) / -19.9429;
        return 263.1905 - 76.3232 * sqrt(fmax(0.0, 1.0 - u * u));
    }
    if (z < 120.0)
        return 240.0 + 12.0 * (z - 110.0);
    const double r0 = ATM_R0 / 1000.0;
    double xi = (z - 120.0) * (r0 + 120.0) / (r0 + z);
    return 1000.0 - 640.0 * exp(-0.01875 * xi);
}

/* Nodes of the extension: geometric height (km), pressure (Pa), density
 * (kg/m^3) from the standard's table I (5 and 4 significant digits).  The
 * 86 km row is replaced by the lower formulation's exact value at run time
 * (the table's 0.37338 Pa, 6.958e-6 kg/m^3 agree with it to the digits
 * printed). */
#define N_NODES 20
static const struct {
    double z_km, p, rho;
} node[N_NODES] = {
    {86.0, 3.7338e-1, 6.958e-6},  {90.0, 1.8359e-1, 3.416e-6},
    {95.0, 7.5966e-2, 1.393e-6},  {100.0, 3.2011e-2, 5.604e-7},
    {110.0, 7.1042e-3, 9.708e-8}, {115.0, 4.0096e-3, 4.289e-8},
    {120.0, 2.5382e-3, 2.222e-8}, {130.0, 1.2505e-3, 8.152e-9},
    {150.0, 4.5422e-4, 2.076e-9}, {175.0, 1.7936e-4, 6.339e-10},
    {200.0, 8.4736e-5, 2.541e-10}, {250.0, 2.4767e-5, 6.073e-11},
    {300.0, 8.7704e-6, 1.916e-11}, {400.0, 1.4518e-6, 2.803e-12},
    {500.0, 3.0236e-7, 5.215e-13}, {600.0, 8.2130e-8, 1.137e-13},
    {700.0, 3.1908e-8, 3.070e-14}, {800.0, 1.7036e-8, 1.136e-14},
    {900.0, 1.0873e-8, 5.759e-15}, {1000.0, 7.5138e-9, 3.561e-15},
};

/* Node k: ln P, ln M and the hydrostatic slope d ln P / dZ (1/m). */
static void node_values(int k, double *lnp, double *lnm, double *slope)
{
    double z = node[k].z_km * 1000.0, p = node[k].p, rho = node[k].rho;
    double t = upper_temperature(z);
    if (k == 0) {
        /* exact lower-atmosphere values at 86 km */
        double tm = lower_tm_p(z, &p);
        rho = p * ATM_M0 / (ATM_RSTAR * tm);
    }
    double gr = ATM_R0 / (ATM_R0 + z);
    *lnp = log(p);
    *lnm = log(rho * ATM_RSTAR * t / p);
    *slope = -rho * ATM_G0 * gr * gr / p; /* eq. 17 and dP/dZ = -rho g */
}

/* PCHIP slope (Fritsch-Butland weighted harmonic mean) at interior node k
 * from the secants d0 (k-1..k) and d1 (k..k+1) over spacings h0, h1; at an
 * end (h0 or h1 zero) the one-sided three-point formula with the
 * Fritsch-Carlson shape limits. */
static double pchip_slope(double h0, double d0, double h1, double d1, int end)
{
    if (end) {
        /* end node: h0, d0 the adjacent interval, h1, d1 the next one */
        double s = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (s * d0 <= 0.0)
            return 0.0;
        if (d0 * d1 <= 0.0 && fabs(s) > 3.0 * fabs(d0))
            return 3.0 * d0;
        return s;
    }
    if (d0 * d1 <= 0.0)
        return 0.0;
    double w1 = 2.0 * h1 + h0, w2 = h1 + 2.0 * h0;
    return (w1 + w2) / (w1 / d0 + w2 / d1);
}

/* Slope of ln M at node k (1/m), given ln M of every node. */
static double lnm_slope(int k, const double *lnm)
{
    double h0, h1, d0, d1;
    if (k == 0 || k == N_NODES - 1) {
        int a = k == 0 ? 0 : N_NODES - 1, dir = k == 0 ? 1 : -1;
        h0 = fabs(node[a + dir].z_km - node[a].z_km) * 1000.0;
        h1 = fabs(node[a + 2 * dir].z_km - node[a + dir].z_km) * 1000.0;
        /* secants oriented along increasing Z */
        d0 = (lnm[a + dir] - lnm[a]) / (dir * h0);
        d1 = (lnm[a + 2 * dir] - lnm[a + dir]) / (dir * h1);
        return pchip_slope(h0, d0, h1, d1, 1);
    }
    h0 = (node[k].z_km - node[k - 1].z_km) * 1000.0;
    h1 = (node[k + 1].z_km - node[k].z_km) * 1000.0;
    d0 = (lnm[k] - lnm[k - 1]) / h0;
    d1 = (lnm[k + 1] - lnm[k]) / h1;
    return pchip_slope(h0, d0, h1, d1, 0);
}

/* Cubic Hermite on [0, h] at s: values y0, y1, slopes m0, m1. */
static double hermite(double s, double h, double y0, double y1, double m0, double m1)
{
    double t = s / h, t2 = t * t, t3 = t2 * t;
    return (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * h * m0 +
           (-2.0 * t3 + 3.0 * t2) * y1 + (t3 - t2) * h * m1;
}

/* Extension above 86 km (z_m in [86 km, 1000 km]): sets P and rho. */
static void upper_p_rho(double z_m, double t, double *p, double *rho)
{
    int i = 0;
    while (i < N_NODES - 2 && z_m > node[i + 1].z_km * 1000.0)
        i++;
    /* ln M at nodes i-1 .. i+2 are needed for the two slopes; computing all
     * 20 keeps the code simple (the extension is rarely called). */
    double lnp[N_NODES], lnm[N_NODES], sp[N_NODES];
    int lo = i > 0 ? i - 1 : 0, hi = i + 2 < N_NODES ? i + 2 : N_NODES - 1;
    if (i == 0)
        hi = 2;
    if (i + 1 == N_NODES - 1)
        lo = N_NODES - 3;
    for (int k = lo; k <= hi; k++)
        node_values(k, &lnp[k], &lnm[k], &sp[k]);
    double h = (node[i + 1].z_km - node[i].z_km) * 1000.0;
    double s = z_m - node[i].z_km * 1000.0;
    double lp = hermite(s, h, lnp[i], lnp[i + 1], sp[i], sp[i + 1]);
    double lm = hermite(s, h, lnm[i], lnm[i + 1], lnm_slope(i, lnm),
                        lnm_slope(i + 1, lnm));
    *p = exp(lp);
    *rho = *p * exp(lm) / (ATM_RSTAR * t);
}

/*
 * US Standard Atmosphere 1976 at a geometric height.
 * Given:    h_m, geometric height above mean sea level, m.
 * Returned: *out: kinetic temperature, pressure, density, speed of sound.
 * Status:   TS_OK; TS_EINVAL when h_m < -5 km or is NaN (*out zeroed; the
 *           function has no ts_ctx, so there is no message: callers report
 *           "height below -5 km, the standard atmosphere's lower limit").
 * Notes:    exact standard below 86 km; documented interpolation of the
 *           standard's table I for P and rho from 86 to 1000 km (file
 *           header); P = rho = 0 above 1000 km.
 * Reference: NOAA-S/T 76-1562 (1976), part 1.
 */
int ts_atmosphere(double h_m, ts_atmosphere_point *out)
{
    if (!(h_m >= ATM_ZMIN)) {
        out->t_k = out->p_pa = out->rho_kgm3 = out->sound_mps = 0.0;
        return TS_EINVAL;
    }
    if (h_m <= ATM_Z86) {
        double p, tm = lower_tm_p(h_m, &p);
        out->t_k = tm * molecular_ratio(h_m);
        out->p_pa = p;
        out->rho_kgm3 = p * ATM_M0 / (ATM_RSTAR * tm);
        out->sound_mps = sqrt(ATM_GAMMA * ATM_RSTAR * tm / ATM_M0);
        return TS_OK;
    }
    double z = h_m < ATM_ZMAX ? h_m : ATM_ZMAX;
    double t = upper_temperature(z), p, rho;
    upper_p_rho(z, t, &p, &rho);
    out->t_k = t;
    out->sound_mps = sqrt(ATM_GAMMA * p / rho);
    if (h_m > ATM_ZMAX)
        p = rho = 0.0;
    out->p_pa = p;
    out->rho_kgm3 = rho;
    return TS_OK;
}
