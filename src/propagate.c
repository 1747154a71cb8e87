/*
 * Ballistic propagation: point mass + J2 gravity, no drag, from a state to
 * impact on the earth's figure, with events (apogee, crossings of given
 * geodetic heights, impact) and a dense output.  The inner loop of every arc,
 * flight and footprint, and benchmark B1 (../shared/bench/B1-propagate.md).
 *
 * Method.
 *  - Equations of motion r'' = g(r) in canonical units (length a, time
 *    sqrt(a^3/GM), so GM = 1): point mass plus the J2 zonal term,
 *    g = -r/|r|^3 (1 + 3/2 J2 (a/|r|)^2 (1 - 5 z^2/|r|^2)) for x and y and
 *    (3 - 5 z^2/|r|^2) for z (Vallado, "Fundamentals of Astrodynamics and
 *    Applications", 4th ed. 2013, eq. 8-30).  One division and one square
 *    root per evaluation.
 *  - Integrator: the embedded Runge-Kutta-Nystrom pair RKN12(10) of
 *    J. R. Dormand, M. E. A. El-Mikkawy and P. J. Prince, "High-order embedded
 *    Runge-Kutta-Nystrom formulae", IMA J. Numer. Anal. 7 (1987) 423-430,
 *    doi:10.1093/imanum/7.4.423: 17 stages, order 12 for position and
 *    velocity, an order-10 solution for the error estimate.  A Nystrom
 *    method integrates y'' = f(y) directly (Hairer, Norsett & Wanner,
 *    "Solving ODEs I", 2nd ed. 1993, sec. II.14), so a stage combines three
 *    position components instead of six.  The arcs are smooth and nearly
 *    Keplerian: a 15-minute flight takes one or two steps of this order.
 *  - Step control: local error (max norm over position and velocity,
 *    canonical units) against tol, h_new = h min(4, max(0.2,
 *    0.9 (tol/err)^(1/11))) (Hairer, Norsett & Wanner, sec. II.4).
 *  - Landing: before each step the two-body (Kepler) time to the surface is
 *    predicted from the current osculating orbit (Kepler's equation, with
 *    the ellipsoid's radius under the predicted crossing point, iterated);
 *    the remaining time is split into equal steps no longer than the
 *    controller allows, so the last one ends at the predicted impact.  J2
 *    moves the true impact by a few seconds at most from the last
 *    prediction; Newton's method on the ellipsoid equation
 *    (x^2 + y^2)/a^2 + z^2/b^2 = 1 along the third-order Taylor expansion of
 *    the path from the end of every step (acceleration from the force
 *    model, jerk of the point mass) finishes the flight when the root lies
 *    within 2 s, where the expansion's error is below 1e-4 m; otherwise a
 *    step of the Newton length (backwards when the step overshot) is
 *    integrated and Newton repeated.
 *  - Dense output (traj given): a node (t, r, v, a) at every accepted step,
 *    the step limited to 0.1 sqrt(|r|^3/GM) so that the quintic Hermite
 *    interpolant of traj.c stays within about 1 cm.  Events: sign change of
 *    the event function over a step, root of the interpolant by
 *    Illinois false position, then one exact integrator step from the
 *    step's start to that time and Newton along the Taylor expansion there
 *    (to 1e-10 s).
 *  - Batches: ts_propagate_ballistic_batch runs TS_PROP_LANES states side by
 *    side through the same step code (propagate_lanes.h, compiled for one
 *    double and for a GCC vector of doubles), one per SIMD lane; each lane
 *    has its own step size and is refilled with the next state as it lands.
 *    Every operation is element-wise, so each result is bitwise that of the
 *    single-state call, whatever the lane, the thread or the instruction
 *    set.
 * Measured cost and accuracy (bench/README.md, docs/models-propagation.md):
 * 28 evaluations (1.6 steps) a B1 trajectory; impacts within 0.12 m and
 * 5e-5 s of the tight reference; 4.3e6 trajectories/s on one thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* The lane vectors below are wider than the target's registers when it
 * lacks AVX-512, so gcc notes (-Wpsabi) that they would be passed
 * differently by value across calls; every function taking them is static
 * and built in this file alone, so no such call can occur. */
#pragma GCC diagnostic ignored "-Wpsabi"
#include "ts_internal.h"
#include "propagate.h"
#include <string.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

enum {
    RKN_S = 17,            /* stages of RKN12(10) */
    LANES = TS_PROP_LANES, /* states side by side in a batch */
    MAX_CORRECT = 8        /* Newton correction steps before giving up */
};

/* Default local error tolerance (canonical units: a fraction of the earth's
 * radius a, and of sqrt(GM/a) for velocity).  The order-10 estimate is
 * pessimistic for the order-12 solution: at 4e-7 the B1 impacts are within
 * 0.12 m of the reference, and within 0.17 m even when the first step is
 * made twice too long, i.e. when the tolerance alone decides
 * (bench/README.md). */
#define PROP_TOL_DEFAULT 4e-7
/* First step: THETA sqrt(|r|^3/GM) (about 1,100 s at 300 km), scaled by
 * (tol / default)^(1/11).  Tuned on B1 for the fewest evaluations
 * (bench/README.md); the controller corrects it if needed. */
#define PROP_THETA 1.33
/* Dense output: step at most DENSE_THETA sqrt(|r|^3/GM).  The quintic
 * Hermite error grows as the sixth power of the step: on the B1 sample
 * (tests/data) its worst, at mid-segment, is 1.2 m at 0.2, 0.15 m at 0.15,
 * 3.3 cm at 0.12 and 1.1 cm at 0.1 (15 nodes for a 25-minute flight). */
#define PROP_DENSE_THETA 0.1
/* Taylor finish window, s: the expansion's error is below 1e-4 m inside. */
#define PROP_FINISH_S 2.0
/* Stop when no impact comes first, s (ts_flight_opts.t_max_s = 0). */
#define PROP_T_MAX_DEFAULT 1e5

/* ---- RKN12(10) coefficients --------------------------------------------- */
/* Dormand, El-Mikkawy & Prince (1987), table of RKN12(10): the exact
 * rationals of the paper, each rounded to the nearest double (printed here
 * as the shortest decimal that reads back to it).  c: nodes; A: the
 * Nystrom matrix (stage i uses a_ij, j < i); B, BP: position and velocity
 * weights of the order-12 solution; BT, BPT: order-12 minus order-10
 * weights (the error estimate).  Stages 1 and 17 are the only ones at the
 * step's ends that enter; the step is not FSAL, so the acceleration at the
 * new point is one more evaluation (17 a step).  tests/unit/test_propagate.c
 * checks the quadrature conditions and the observed order. */
static const double RKN_C[RKN_S] = {
    0.0, 0.02, 0.04, 0.1, 0.13333333333333333, 0.16,
    0.05, 0.2, 0.25, 0.3333333333333333, 0.5, 0.5555555555555556,
    0.75, 0.8571428571428571, 0.9452162222720143, 1.0, 1.0};
/* Row i holds a_ij for j < i (the rest of the row is 0). */
static const double RKN_A[RKN_S][RKN_S - 1] = {
    {0.0},
    {0.0002},
    {0.0002666666666666667, 0.0005333333333333334},
    {0.002916666666666667, -0.004166666666666667, 0.00625},
    {0.0016460905349794238, 0.0, 0.0054869684499314125, 0.0017558299039780521},
    {0.0019456, 0.0, 0.007151746031746032, 0.0029127111111111113,
     0.0007899428571428571},
    {0.00056640625, 0.0, 0.0008809730489417989, -0.0004369212962962963,
     0.00033900669642857143, -9.946469907407407e-05},
    {0.0030833333333333333, 0.0, 0.0, 0.0017777777777777779, 0.0027,
     0.0015782828282828283, 0.01086060606060606},
    {0.00365183937480113, 0.0, 0.003965171714072343, 0.0031972582629306284,
     0.008221467306855435, -0.0013130926959572379, 0.009771586968064868,
     0.003755769069232834},
    {0.003707241068718501, 0.0, 0.005082045854555286, 0.001174708002175412,
     -0.021147629915126993, 0.06010463698107881, 0.02010573476850619,
     -0.02835075012293358, 0.014879568918581932},
    {0.03512537656073344, 0.0, -0.008615749195138479, -0.005791448051007917,
     1.945554823782616, -3.4351238674565137, -0.10930701107475221,
     2.3496383118995166, -0.7560094086870229, 0.10952897222156927},
    {0.020527792537482496, 0.0, -0.00728644676448018, -0.0021153556079618403,
     0.9275807968723522, -1.6522824844257367, -0.02107956300568657,
     1.2065364326207872, -0.4137144770010661, 0.09079873982809654,
     0.005355552600533985},
    {-0.14324078875545515, 0.0, 0.012528703773091817, 0.006826019163969827,
     -4.799555395574387, 5.6986250439519415, 0.7553430369523645,
     -0.12755487858281084, -1.9605926051117384, 0.9185609056635262,
     -0.23880085505284432, 0.15911081357234216},
    {0.8045019205520489, 0.0, -0.016658527067011247, -0.021415834042629735,
     16.827235928962466, -11.172835357176098, -3.377159297226324,
     -15.243326655360846, 17.179835738215417, -5.437719239823995,
     1.3878671618364655, -0.5925827732652812, 0.029603873171297354},
    {-0.913296766697358, 0.0, 0.0024112725757805178, 0.01765812269386174,
     -14.851649779720384, 2.1589708670045757, 3.99791558311788,
     28.434151800232232, -25.2593643549416, 7.733878542362238,
     -1.8913028948478674, 1.0014845070224718, 0.004641199599109052,
     0.011218755022148957},
    {-0.27519629720559396, 0.0, 0.03661188877915492, 0.009789519688231562,
     -12.293062345886211, 14.207226453937903, 1.5866476906789537,
     2.4577735327595946, -8.935193694403273, 4.373672731613407,
     -1.8347181765449492, 1.1592085289061491, -0.017290253165383924,
     0.019325977904460768, 0.005204442937554993},
    {1.3076391847404059, 0.0, 0.017364109189745843, -0.018544456454265796,
     14.811522032867726, 9.38317630848247, -5.2284261999445425,
     -48.95128052584765, 38.297096034337926, -10.58738133697598,
     2.4332304376226275, -1.0453406042575444, 0.0717732095086726,
     0.0021622109708082783, 0.007009595759602514, 0.0},
};
static const double RKN_B[RKN_S] = {
    0.012127868517185414, 0.0, 0.0, 0.0, 0.0, 0.0, 0.08629746251568875,
    0.2525469581187147, -0.1974186799326823, 0.2031869190789726,
    -0.020775808077714918, 0.10967804874502014, 0.038065132526466504,
    0.01163406880432423, 0.0046580297040248785, 0.0, 0.0};
static const double RKN_BP[RKN_S] = {
    0.012127868517185414, 0.0, 0.0, 0.0, 0.0, 0.0, 0.09083943422704079,
    0.3156836976483934, -0.2632249065769097, 0.3047803786184589,
    -0.041551616155429835, 0.2467756096762953, 0.15226053010586602,
    0.08143848163026961, 0.08502571193890811, -0.009155189630077963, 0.025};
static const double RKN_BT[RKN_S] = {
    -0.004880833389821577, 0.0, 0.0, 0.0, 0.0, 0.0, 0.014038126584857338,
    -0.11947921920803832, 0.20440246507662121, -0.1322681492223791,
    0.11053069299761689, -0.07975385787102851, 0.011224330486437457,
    -0.004671596801593694, 0.0008580413473282841, 0.0, 0.0};
static const double RKN_BPT[RKN_S] = {
    -0.004880833389821577, 0.0, 0.0, 0.0, 0.0, 0.0, 0.014776975352481408,
    -0.1493490240100479, 0.2725366201021616, -0.19840222383356862,
    0.22106138599523378, -0.17944618020981415, 0.04489732194574983,
    -0.03270117761115586, 0.015662325288859434, -0.029155189630077964, 0.025};

/* ---- the force model and the step, on nl lanes side by side ------------- */

/* Canonical units and constants of one propagation. */
typedef struct {
    double lu, tu, vu, au; /* units: length a (m), time sqrt(a^3/GM) (s),
                              speed (m/s), acceleration (m/s^2) */
    double kj2;            /* 3/2 J2 (J2's reference radius is a) */
    double qz;             /* a^2 / b^2: z weight of the ellipsoid test */
    double tol;            /* local error tolerance */
    double t_max;          /* stop time, canonical */
    double dmax;           /* Taylor finish window, canonical */
    double theta;          /* first step / sqrt(|r|^3) */
    double hdense;         /* step limit / sqrt(|r|^3), 0 when none */
} prop_model;

/* Lane-parallel block, one column per lane (structure of arrays, so that
 * loops over lanes vectorise).  The step reads h, r, v, a (a = f(r)) and
 * writes the rest. */
typedef struct {
    _Alignas(64) double h[LANES];
    double r[3][LANES], v[3][LANES], a[3][LANES];    /* start of the step */
    double r1[3][LANES], v1[3][LANES], a1[3][LANES]; /* end: order 12, f(r1) */
    double err[LANES];    /* local error estimate (max norm) */
    double tp[LANES];     /* two-body time from (r, v) to the surface */
    double td[LANES];     /* Newton time offset from the end to the surface */
    double tok[LANES];    /* 1: td converged, descending, within the window */
    double pr[3][LANES], pv[3][LANES]; /* state at the end + td */
} rkn_block;

/* The arithmetic, instantiated for one lane (a plain double) and for
 * LANES lanes (a GCC vector of doubles; AVX-512 where the build has it,
 * narrower vectors otherwise): propagate_lanes.h. */
#define LV double
#define LM int
#define LN_(name) name##_1
#define LOAD(p) (*(p))
#define STORE(p, v) (*(p) = (v))
#define LSPLAT(x) (x)
#define LSQRT(v) sqrt(v)
#define LABS(v) fabs(v)
#define LSEL(c, a, b) ((c) ? (a) : (b))
#include "propagate_lanes.h"
#undef LV
#undef LM
#undef LN_
#undef LOAD
#undef STORE
#undef LSPLAT
#undef LSQRT
#undef LABS
#undef LSEL

typedef double vlane __attribute__((vector_size(8 * LANES)));
typedef long long vmask __attribute__((vector_size(8 * LANES)));

static inline vlane vload(const double *p)
{
    vlane v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline vlane vsplat(double x)
{
    vlane v;
    for (int l = 0; l < LANES; l++)
        v[l] = x;
    return v;
}

/* Vectors are handed to helpers by address: gcc notes a changed ABI for
 * 64-byte vector parameters when the target lacks AVX-512. */
static inline vlane vsqrt(const vlane *px)
{
    vlane x = *px;
#if defined(__AVX512F__) && LANES % 8 == 0
    for (int l = 0; l < LANES; l += 8) {
        __m512d p;
        memcpy(&p, (char *)&x + 8 * l, sizeof p);
        p = _mm512_sqrt_pd(p);
        memcpy((char *)&x + 8 * l, &p, sizeof p);
    }
#elif defined(__AVX__) && LANES % 4 == 0
    for (int l = 0; l < LANES; l += 4) {
        __m256d p;
        memcpy(&p, (char *)&x + 8 * l, sizeof p);
        p = _mm256_sqrt_pd(p);
        memcpy((char *)&x + 8 * l, &p, sizeof p);
    }
#else
    for (int l = 0; l < LANES; l++)
        x[l] = sqrt(x[l]);
#endif
    return x;
}

static inline vmask vabsmask(void)
{
    vmask m;
    for (int l = 0; l < LANES; l++)
        m[l] = 0x7fffffffffffffffLL;
    return m;
}

#define LV vlane
#define LM vmask
#define LN_(name) name##_v
#define LOAD(p) vload(p)
#define STORE(p, v)                                                            \
    do {                                                                       \
        const vlane t_ = (v);                                                  \
        memcpy((p), &t_, sizeof t_);                                           \
    } while (0)
#define LSPLAT(x) vsplat(x)
#define LSQRT(v) vsqrt(&(v))
#define LABS(v) ((vlane)((vmask)(v) & vabsmask()))
#define LSEL(c, a, b) ((vlane)(((vmask)(a) & (c)) | ((vmask)(b) & ~(c))))
#include "propagate_lanes.h"
#undef LV
#undef LM
#undef LN_
#undef LOAD
#undef STORE
#undef LSPLAT
#undef LSQRT
#undef LABS
#undef LSEL

/* ---- small helpers on 3-vectors (canonical units) ----------------------- */

static inline double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Acceleration at one point, the arithmetic of the step. */
static void accel1(double kj2, const double r[3], double a[3])
{
    rhs_1(kj2, r, a);
}

/* Ellipsoid test: x^2 + y^2 + (a/b)^2 z^2 - 1, < 0 inside (canonical). */
static inline double figure(const prop_model *m, const double r[3])
{
    return r[0] * r[0] + r[1] * r[1] + m->qz * r[2] * r[2] - 1.0;
}

/* Point-mass jerk da/dt = -(v - 3 (r.v) r / |r|^2) / |r|^3 (canonical). */
static void jerk(const double r[3], const double v[3], double j[3])
{
    const double ir2 = 1.0 / dot3(r, r), ir3 = ir2 * sqrt(ir2);
    const double s = 3.0 * dot3(r, v) * ir2;
    for (int k = 0; k < 3; k++)
        j[k] = -ir3 * (v[k] - s * r[k]);
}

/* Third-order Taylor expansion of the path: position p and velocity pv at
 * offset d from the state (r, v, a) with jerk j. */
static void taylor(const double r[3], const double v[3], const double a[3],
                   const double j[3], double d, double p[3], double pv[3])
{
    for (int k = 0; k < 3; k++) {
        p[k] = r[k] + d * (v[k] + d * (0.5 * a[k] + d * (j[k] / 6.0)));
        pv[k] = v[k] + d * (a[k] + d * (0.5 * j[k]));
    }
}

/* ---- one state's control: shared by the single and the batch drivers --- */

enum { M_STEP, M_LAND, M_CORRECT, M_DONE, M_TMAX, M_FAIL };
enum { R_REJECTED, R_ACCEPTED, R_CORRECTING };

typedef struct {
    double t;       /* canonical time since the start */
    double t_hit;   /* predicted impact time (canonical), INFINITY if none */
    double h;       /* next step (negative for a backward correction) */
    double hc;      /* step the controller allows (> 0) */
    int mode;       /* M_* */
    int predict;    /* 1: needs a two-body prediction before the next step */
    int ncorr;      /* correction steps made */
    int status;     /* TS_* once ended */
    long nstep, nrej, nfev;
    double t_imp, r_imp[3], v_imp[3]; /* impact (M_DONE), canonical */
} prop_lane;

static int lane_running(const prop_lane *L)
{
    return L->mode == M_STEP || L->mode == M_LAND || L->mode == M_CORRECT;
}

/* Chooses the next step from the prediction and the controller: equal steps
 * up to the predicted impact, the last one ending there (M_LAND). */
static void lane_plan(const prop_model *m, prop_lane *L, rkn_block *b, int l)
{
    const double tau = L->t_hit - L->t;
    double hc = L->hc;
    if (m->hdense > 0.0) {
        const double r[3] = {b->r[0][l], b->r[1][l], b->r[2][l]};
        const double rn = sqrt(dot3(r, r));
        hc = fmin(hc, m->hdense * rn * sqrt(rn));
    }
    if (tau > 0.0 && tau < INFINITY) {
        const double n = ceil(tau / hc);
        L->h = n <= 1.0 ? tau : tau / n;
        L->mode = n <= 1.0 ? M_LAND : M_STEP;
    } else {
        L->h = hc;
        L->mode = M_STEP;
    }
    if (L->t + L->h >= m->t_max) {
        L->h = m->t_max - L->t;
        L->mode = M_STEP;
    }
    b->h[l] = L->h;
}

/* Takes the two-body prediction b->tp from the lane's state and plans. */
static void lane_predicted(const prop_model *m, prop_lane *L, rkn_block *b, int l)
{
    L->t_hit = L->t + b->tp[l];
    L->predict = 0;
    lane_plan(m, L, b, l);
}

/* Starts lane l on a state (SI).  Status: TS_OK (the lane then needs a
 * prediction), TS_EINVAL for a state that is not finite or lies inside the
 * earth (mode M_FAIL). */
static int lane_start(const prop_model *m, prop_lane *L, rkn_block *b, int l,
                      const ts_state *s0)
{
    const double r[3] = {s0->r.x / m->lu, s0->r.y / m->lu, s0->r.z / m->lu};
    const double v[3] = {s0->v.x / m->vu, s0->v.y / m->vu, s0->v.z / m->vu};
    double a[3];
    memset(L, 0, sizeof *L);
    L->mode = M_FAIL;
    L->status = TS_EINVAL;
    for (int k = 0; k < 3; k++)
        if (!isfinite(r[k]) || !isfinite(v[k]))
            return TS_EINVAL;
    if (figure(m, r) < 0.0)
        return TS_EINVAL;
    accel1(m->kj2, r, a);
    for (int k = 0; k < 3; k++) {
        b->r[k][l] = r[k];
        b->v[k][l] = v[k];
        b->a[k][l] = a[k];
    }
    L->nfev = 1;
    L->status = TS_OK;
    L->mode = M_STEP;
    L->predict = 1;
    const double rn = sqrt(dot3(r, r));
    L->hc = m->theta * rn * sqrt(rn);
    return TS_OK;
}

/* Controller's factor for the next step (file header). */
static double step_factor(const prop_model *m, double err)
{
    if (!(err > 0.0))
        return 4.0;
    return fmin(4.0, fmax(0.2, 0.9 * pow(m->tol / err, 1.0 / 11.0)));
}

static void lane_end(prop_lane *L, int mode, int status)
{
    L->mode = mode;
    L->status = status;
}

/* A correction step of the Newton length b->td, no longer than hc. */
static int lane_correct(prop_lane *L, rkn_block *b, int l)
{
    const double d = b->td[l];
    if (!isfinite(d) || ++L->ncorr > MAX_CORRECT) {
        lane_end(L, M_FAIL, TS_ENOCONVERGE);
        return R_CORRECTING;
    }
    L->mode = M_CORRECT;
    L->h = b->h[l] = copysign(fmin(fabs(d), L->hc), d);
    return R_CORRECTING;
}

/* Takes the result of lane l's step.  Returns R_REJECTED (state unchanged,
 * next step planned), R_ACCEPTED (moved to the end of the step, a point of
 * the path above ground) or R_CORRECTING (moved, but the point is a landing
 * iterate, not a node).  L->mode is then the next action or the end
 * (M_DONE, M_TMAX, M_FAIL). */
static int lane_after(const prop_model *m, prop_lane *L, rkn_block *b, int l)
{
    const double h = L->h, err = b->err[l];
    L->nstep++;
    L->nfev += RKN_S;
    int finite = 1;
    for (int k = 0; k < 3; k++)
        finite &= isfinite(b->r1[k][l]) && isfinite(b->v1[k][l]);
    const int mode = L->mode;
    if (!finite && mode == M_CORRECT) {
        lane_end(L, M_FAIL, TS_ENOCONVERGE);
        return R_CORRECTING;
    }
    if (mode != M_CORRECT && (!(err <= m->tol) || !finite)) {
        L->nrej++;
        L->hc = fabs(h) * (finite ? fmin(1.0, step_factor(m, err)) : 0.2);
        if (!(L->hc > 1e-12)) {
            lane_end(L, M_FAIL, TS_ENOCONVERGE);
            return R_REJECTED;
        }
        lane_plan(m, L, b, l);
        return R_REJECTED;
    }
    L->t += h;
    for (int k = 0; k < 3; k++) {
        b->r[k][l] = b->r1[k][l];
        b->v[k][l] = b->v1[k][l];
        b->a[k][l] = b->a1[k][l];
    }
    const double r[3] = {b->r[0][l], b->r[1][l], b->r[2][l]};
    const double g = figure(m, r);
    if (b->tok[l] != 0.0 && L->t + b->td[l] <= m->t_max) { /* the surface is near */
        L->t_imp = L->t + b->td[l];
        for (int k = 0; k < 3; k++) {
            L->r_imp[k] = b->pr[k][l];
            L->v_imp[k] = b->pv[k][l];
        }
        lane_end(L, M_DONE, TS_OK);
        return (mode == M_CORRECT || g < 0.0) ? R_CORRECTING : R_ACCEPTED;
    }
    if (mode == M_CORRECT)
        return lane_correct(L, b, l);
    L->hc = h * step_factor(m, err);
    if (g < 0.0) { /* went through the surface: back to it */
        L->ncorr = 0;
        return lane_correct(L, b, l);
    }
    if (L->t >= m->t_max) {
        lane_end(L, M_TMAX, TS_WNOIMPACT);
        return R_ACCEPTED;
    }
    L->mode = M_STEP;
    L->predict = 1;
    return R_ACCEPTED;
}

/* ---- set-up -------------------------------------------------------------- */

static int model_init(prop_model *m, const ts_earth *earth, const ts_flight_opts *opts,
                      int dense)
{
    if (!earth || !(earth->a_m > 0.0) || !(earth->gm_m3s2 > 0.0) ||
        !(earth->f >= 0.0 && earth->f < 1.0) || !isfinite(earth->j2) ||
        !isfinite(earth->a_m) || !isfinite(earth->gm_m3s2))
        return TS_EINVAL;
    double tol = PROP_TOL_DEFAULT, t_max = PROP_T_MAX_DEFAULT;
    if (opts) {
        if (!(opts->tol >= 0.0) || !(opts->t_max_s >= 0.0) || opts->n_heights < 0 ||
            (opts->n_heights > 0 && !opts->heights_m) || !isfinite(opts->t_max_s))
            return TS_EINVAL;
        if (opts->tol > 0.0)
            tol = opts->tol;
        if (opts->t_max_s > 0.0)
            t_max = opts->t_max_s;
        for (int i = 0; i < opts->n_heights; i++)
            if (!isfinite(opts->heights_m[i]))
                return TS_EINVAL;
    }
    m->lu = earth->a_m;
    m->tu = sqrt(earth->a_m * earth->a_m * earth->a_m / earth->gm_m3s2);
    m->vu = m->lu / m->tu;
    m->au = m->vu / m->tu;
    m->kj2 = 1.5 * earth->j2;
    m->qz = 1.0 / ((1.0 - earth->f) * (1.0 - earth->f));
    m->tol = tol;
    m->t_max = t_max / m->tu;
    m->dmax = PROP_FINISH_S / m->tu;
    m->theta = PROP_THETA * pow(tol / PROP_TOL_DEFAULT, 1.0 / 11.0);
    m->hdense = dense ? PROP_DENSE_THETA : 0.0;
    return TS_OK;
}

/* Fills *ev (SI) from an ended lane: the impact, or on TS_WNOIMPACT the
 * state where the propagation stopped (its height left 0). */
static void lane_event(const prop_model *m, const prop_lane *L, const rkn_block *b,
                       int l, double t0_s, ts_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = TS_EVENT_IMPACT;
    if (L->mode == M_DONE) {
        ev->t_s = t0_s + L->t_imp * m->tu;
        ev->s_eci.r = ts_v3(L->r_imp[0] * m->lu, L->r_imp[1] * m->lu, L->r_imp[2] * m->lu);
        ev->s_eci.v = ts_v3(L->v_imp[0] * m->vu, L->v_imp[1] * m->vu, L->v_imp[2] * m->vu);
    } else if (L->mode == M_TMAX) {
        ev->t_s = t0_s + L->t * m->tu;
        ev->s_eci.r = ts_v3(b->r[0][l] * m->lu, b->r[1][l] * m->lu, b->r[2][l] * m->lu);
        ev->s_eci.v = ts_v3(b->v[0][l] * m->vu, b->v[1][l] * m->vu, b->v[2][l] * m->vu);
    }
}

static void stats_add(ts_prop_stats *stats, const prop_lane *L)
{
    if (!stats)
        return;
    stats->n_traj++;
    stats->n_steps += L->nstep;
    stats->n_reject += L->nrej;
    stats->n_fev += L->nfev;
}

/* ---- events and dense output (single state with a trajectory) ----------- */

/* A point of the path, canonical. */
typedef struct {
    double t, r[3], v[3], a[3];
} pnode;

/* Quintic Hermite interpolant between two nodes at s in [0, 1] (the same
 * polynomial as ts_traj_state, traj.c). */
static void hermite(const pnode *n0, const pnode *n1, double s, double r[3], double v[3])
{
    const double h = n1->t - n0->t, hh = h * h;
    for (int k = 0; k < 3; k++) {
        const double d = (n1->r[k] - n0->r[k]) - h * n0->v[k] - 0.5 * hh * n0->a[k];
        const double dv = h * (n1->v[k] - n0->v[k]) - hh * n0->a[k];
        const double da = hh * (n1->a[k] - n0->a[k]);
        const double c3 = 10.0 * d - 4.0 * dv + 0.5 * da;
        const double c4 = -15.0 * d + 7.0 * dv - da;
        const double c5 = 6.0 * d - 3.0 * dv + 0.5 * da;
        r[k] = n0->r[k] + s * h * (n0->v[k] + 0.5 * s * h * n0->a[k]) +
               s * s * s * (c3 + s * (c4 + s * c5));
        v[k] = n0->v[k] + s * h * n0->a[k] +
               s * s * (3.0 * c3 + s * (4.0 * c4 + s * 5.0 * c5)) / h;
    }
}

/* Event functions: EV_APOGEE r.v (zero at the greatest geocentric
 * distance); EV_HEIGHT geodetic height - H, in units of a. */
enum { EV_APOGEE, EV_HEIGHT };

typedef struct {
    const prop_model *m;
    const ts_earth *earth;
    int kind;
    double height; /* H, canonical */
} evfun;

/* Value of the event function at (r, v, a) and its time derivative:
 * apogee d(r.v)/dt = v.v + r.a; height dh/dt = n.v with n the ellipsoid
 * normal under the point (the gradient of the geodetic height).  Geodetic
 * height is the same in ECI and ECEF (a rotation about z). */
static double evf(const evfun *f, const double r[3], const double v[3], const double a[3],
                  double *deriv)
{
    if (f->kind == EV_APOGEE) {
        if (deriv)
            *deriv = dot3(v, v) + dot3(r, a);
        return dot3(r, v);
    }
    const ts_vec3 rm = ts_v3(r[0] * f->m->lu, r[1] * f->m->lu, r[2] * f->m->lu);
    double lat, lon, h;
    ts_ecef_to_geodetic(f->earth, &rm, &lat, &lon, &h);
    if (deriv) {
        const double n[3] = {cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat)};
        *deriv = dot3(n, v);
    }
    return h / f->m->lu - f->height;
}

/* Locates the root of the event function between n0 and n1 (values f0, f1
 * of opposite signs): Illinois false position on the interpolant, then one
 * RKN step from n0 to that time and Newton along the Taylor expansion there.
 * Returned: *ev (canonical node at the event).  Work in *L. */
static void locate(const evfun *f, const pnode *n0, const pnode *n1, double f0, double f1,
                   prop_lane *L, pnode *ev)
{
    double s0 = 0.0, s1 = 1.0, r[3], v[3];
    int side = 0;
    for (int it = 0; it < 100 && s1 - s0 > 1e-13; it++) {
        const double s = (s0 * f1 - s1 * f0) / (f1 - f0);
        hermite(n0, n1, s, r, v);
        const double fs = evf(f, r, v, n0->a, NULL);
        ts_illinois(s, fs, (fs > 0.0) == (f0 > 0.0), &s0, &f0, &s1, &f1, &side);
        if (fs == 0.0)
            s0 = s1 = s;
    }
    const double tau = 0.5 * (s0 + s1) * (n1->t - n0->t);
    rkn_block b;
    b.h[0] = tau;
    for (int k = 0; k < 3; k++) {
        b.r[k][0] = n0->r[k];
        b.v[k][0] = n0->v[k];
        b.a[k][0] = n0->a[k];
    }
    step_1(f->m, &b);
    L->nfev += RKN_S;
    double p0[3], v0[3], a0[3], j[3];
    for (int k = 0; k < 3; k++) {
        p0[k] = b.r1[k][0];
        v0[k] = b.v1[k][0];
        a0[k] = b.a1[k][0];
    }
    jerk(p0, v0, j);
    double d = 0.0, p[3], pv[3], pa[3];
    for (int it = 0; it < 6; it++) {
        taylor(p0, v0, a0, j, d, p, pv);
        for (int k = 0; k < 3; k++)
            pa[k] = a0[k] + d * j[k];
        double der;
        const double val = evf(f, p, pv, pa, &der);
        const double dd = -val / der;
        if (!isfinite(dd) || fabs(dd) > 1e-3)
            break; /* keep the interpolant's answer */
        d += dd;
        if (fabs(dd) < 1e-13)
            break;
    }
    taylor(p0, v0, a0, j, d, p, pv);
    ev->t = n0->t + tau + d;
    memcpy(ev->r, p, sizeof p);
    memcpy(ev->v, pv, sizeof pv);
    accel1(f->m->kj2, p, ev->a);
    L->nfev++;
}

/* Appends an event (canonical node) to traj in SI. */
static int push_event(const prop_model *m, const ts_earth *earth, ts_traj *traj,
                      ts_event_kind kind, double t0_s, const pnode *n, double h_m)
{
    ts_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.t_s = t0_s + n->t * m->tu;
    ev.s_eci.r = ts_v3(n->r[0] * m->lu, n->r[1] * m->lu, n->r[2] * m->lu);
    ev.s_eci.v = ts_v3(n->v[0] * m->vu, n->v[1] * m->vu, n->v[2] * m->vu);
    ev.h_m = isnan(h_m) ? ts_geodetic_height(earth, &ev.s_eci.r) : h_m;
    return ts_traj_push_event(traj, &ev);
}

static int push_node(const prop_model *m, ts_traj *traj, double t0_s, const pnode *n)
{
    const ts_vec3 r = ts_v3(n->r[0] * m->lu, n->r[1] * m->lu, n->r[2] * m->lu);
    const ts_vec3 v = ts_v3(n->v[0] * m->vu, n->v[1] * m->vu, n->v[2] * m->vu);
    const ts_vec3 a = ts_v3(n->a[0] * m->au, n->a[1] * m->au, n->a[2] * m->au);
    return ts_traj_push_node(traj, t0_s + n->t * m->tu, &r, &v, &a);
}

/* Height crossings between n0 and n1 (one side of the apogee at most). */
static int heights_in(const prop_model *m, const ts_earth *earth, const ts_flight_opts *opts,
                      ts_traj *traj, double t0_s, const pnode *n0, const pnode *n1,
                      prop_lane *L)
{
    for (int i = 0; i < opts->n_heights; i++) {
        const evfun f = {m, earth, EV_HEIGHT, opts->heights_m[i] / m->lu};
        const double f0 = evf(&f, n0->r, n0->v, n0->a, NULL);
        const double f1 = evf(&f, n1->r, n1->v, n1->a, NULL);
        const int up = f0 < 0.0 && f1 >= 0.0, down = f0 > 0.0 && f1 <= 0.0;
        if (!up && !down)
            continue;
        pnode ev;
        locate(&f, n0, n1, f0, f1, L, &ev);
        int st = push_event(m, earth, traj, up ? TS_EVENT_ASCENDING : TS_EVENT_DESCENDING,
                            t0_s, &ev, opts->heights_m[i]);
        if (st)
            return st;
    }
    return TS_OK;
}

/* Events between two consecutive nodes: apogee, then height crossings on
 * either side of it. */
static int events_in(const prop_model *m, const ts_earth *earth, const ts_flight_opts *opts,
                     ts_traj *traj, double t0_s, const pnode *n0, const pnode *n1,
                     prop_lane *L)
{
    const double rv0 = dot3(n0->r, n0->v), rv1 = dot3(n1->r, n1->v);
    const int nh = opts ? opts->n_heights : 0;
    if (rv0 > 0.0 && rv1 <= 0.0) {
        const evfun f = {m, earth, EV_APOGEE, 0.0};
        pnode apo;
        locate(&f, n0, n1, rv0, rv1, L, &apo);
        int st = push_event(m, earth, traj, TS_EVENT_APOGEE, t0_s, &apo, NAN);
        if (!st && nh)
            st = heights_in(m, earth, opts, traj, t0_s, n0, &apo, L);
        if (!st && nh)
            st = heights_in(m, earth, opts, traj, t0_s, &apo, n1, L);
        return st;
    }
    return nh ? heights_in(m, earth, opts, traj, t0_s, n0, n1, L) : TS_OK;
}

static void node_from_lane(const prop_lane *L, const rkn_block *b, pnode *n)
{
    n->t = L->t;
    for (int k = 0; k < 3; k++) {
        n->r[k] = b->r[k][0];
        n->v[k] = b->v[k][0];
        n->a[k] = b->a[k][0];
    }
}

/*
 * Given: earth; t0_s (epoch of s0_eci, s); s0_eci (m, m/s, ECI); opts (may
 * be NULL: defaults); traj (may be NULL); impact (may be NULL).
 * Returned: the impact event in *impact (on TS_WNOIMPACT the state at
 * t_max); with traj, nodes at every accepted step and the events
 * (apogee, height crossings, impact) appended.
 * Status: TS_OK; TS_WNOIMPACT when t_max came first; TS_EINVAL for bad
 * arguments or a start inside the earth; TS_ENOCONVERGE if the landing did
 * not converge; TS_ENOMEM.
 * Notes: without traj nothing is allocated and the work is that of the
 * batch (bitwise the same result).  With traj the step is limited for the
 * dense output (file header): shorter steps, a more accurate path, so the
 * impact may differ by up to the default tolerance's error (~0.1 m).
 */
int ts_propagate_ballistic_stats(const ts_earth *earth, double t0_s,
                                 const ts_state *s0_eci, const ts_flight_opts *opts,
                                 ts_traj *traj, ts_event *impact, ts_prop_stats *stats)
{
    prop_model m;
    if (!s0_eci || !isfinite(t0_s))
        return TS_EINVAL;
    int st = model_init(&m, earth, opts, traj != NULL);
    if (st)
        return st;
    prop_lane L;
    rkn_block b;
    st = lane_start(&m, &L, &b, 0, s0_eci);
    if (st)
        return st;
    pnode n0;
    node_from_lane(&L, &b, &n0);
    if (traj && (st = push_node(&m, traj, t0_s, &n0)))
        return st;
    while (lane_running(&L)) {
        if (L.predict) {
            kepler_1(&m, &b);
            lane_predicted(&m, &L, &b, 0);
        }
        step_1(&m, &b);
        const int res = lane_after(&m, &L, &b, 0);
        if (res == R_ACCEPTED && traj) {
            pnode n1;
            node_from_lane(&L, &b, &n1);
            if ((st = events_in(&m, earth, opts, traj, t0_s, &n0, &n1, &L)) ||
                (st = push_node(&m, traj, t0_s, &n1)))
                return st;
            n0 = n1;
        }
    }
    stats_add(stats, &L);
    if (L.mode == M_FAIL)
        return L.status;
    if (traj && L.mode == M_DONE) {
        pnode ni;
        ni.t = L.t_imp;
        memcpy(ni.r, L.r_imp, sizeof ni.r);
        memcpy(ni.v, L.v_imp, sizeof ni.v);
        accel1(m.kj2, ni.r, ni.a);
        if (ni.t > n0.t) {
            if ((st = events_in(&m, earth, opts, traj, t0_s, &n0, &ni, &L)) ||
                (st = push_node(&m, traj, t0_s, &ni)))
                return st;
        }
        if ((st = push_event(&m, earth, traj, TS_EVENT_IMPACT, t0_s, &ni, 0.0)))
            return st;
    }
    if (impact)
        lane_event(&m, &L, &b, 0, t0_s, impact);
    return L.status;
}

int ts_propagate_ballistic(const ts_earth *earth, double t0_s, const ts_state *s0_eci,
                           const ts_flight_opts *opts, ts_traj *traj, ts_event *impact)
{
    return ts_propagate_ballistic_stats(earth, t0_s, s0_eci, opts, traj, impact, NULL);
}

/* ---- batches ------------------------------------------------------------ */

/* Puts lane l out of use: a state far from the earth, at rest, step 0. */
static void lane_idle(rkn_block *b, int l)
{
    for (int k = 0; k < 3; k++) {
        b->r[k][l] = k == 0 ? 2.0 : 0.0;
        b->v[k][l] = b->a[k][l] = 0.0;
    }
    b->h[l] = 0.0;
}

/*
 * Given: earth, t0_s, n states s0_eci[0..n-1], opts (may be NULL).
 * Returned: impacts[i], status[i] (may be NULL) as ts_propagate_ballistic
 * gives them with traj = NULL, bit for bit; work added to *stats.
 * Status: TS_OK when every state landed, else the status of the first
 * state (in index order) that did not.
 * Notes: TS_PROP_LANES states advance together, one per lane of the step
 * (and of the two-body prediction and the Newton look-ahead); a lane that
 * ends takes the next state.  No allocation.
 */
int ts_propagate_ballistic_batch_stats(const ts_earth *earth, double t0_s, int n,
                                       const ts_state *s0_eci,
                                       const ts_flight_opts *opts,
                                       ts_event *impacts, int *status,
                                       ts_prop_stats *stats)
{
    prop_model m;
    if (n < 0 || (n > 0 && (!s0_eci || !impacts)) || !isfinite(t0_s))
        return TS_EINVAL;
    int st = model_init(&m, earth, opts, 0);
    if (st)
        return st;
    prop_lane lane[LANES];
    int who[LANES], next = 0, active = 0, first_bad = n, bad_status = TS_OK;
    rkn_block b;
    memset(&b, 0, sizeof b);
    for (int l = 0; l < LANES; l++) {
        who[l] = -1;
        lane_idle(&b, l);
    }
    for (;;) {
        int predict = 0;
        for (int l = 0; l < LANES; l++) {
            if (who[l] < 0 && next < n) { /* take the next state */
                const int i = next++;
                if (lane_start(&m, &lane[l], &b, l, &s0_eci[i]) == TS_OK) {
                    who[l] = i;
                    active++;
                } else {
                    lane_idle(&b, l);
                    lane_event(&m, &lane[l], &b, l, t0_s, &impacts[i]);
                    if (status)
                        status[i] = lane[l].status;
                    if (i < first_bad) {
                        first_bad = i;
                        bad_status = lane[l].status;
                    }
                    stats_add(stats, &lane[l]);
                    l--; /* this lane is still free */
                    continue;
                }
            }
            predict |= who[l] >= 0 && lane[l].predict;
        }
        if (active == 0)
            break;
        if (predict) {
            kepler_v(&m, &b);
            for (int l = 0; l < LANES; l++)
                if (who[l] >= 0 && lane[l].predict)
                    lane_predicted(&m, &lane[l], &b, l);
        }
        step_v(&m, &b);
        for (int l = 0; l < LANES; l++) {
            if (who[l] < 0)
                continue;
            lane_after(&m, &lane[l], &b, l);
            if (lane_running(&lane[l]))
                continue;
            const int i = who[l];
            lane_event(&m, &lane[l], &b, l, t0_s, &impacts[i]);
            if (status)
                status[i] = lane[l].status;
            if (lane[l].status != TS_OK && i < first_bad) {
                first_bad = i;
                bad_status = lane[l].status;
            }
            stats_add(stats, &lane[l]);
            who[l] = -1;
            active--;
            lane_idle(&b, l);
        }
    }
    return bad_status;
}

int ts_propagate_ballistic_batch(const ts_earth *earth, double t0_s, int n,
                                 const ts_state *s0_eci, const ts_flight_opts *opts,
                                 ts_event *impacts, int *status)
{
    return ts_propagate_ballistic_batch_stats(earth, t0_s, n, s0_eci, opts, impacts,
                                              status, NULL);
}
