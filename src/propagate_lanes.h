/*
 * The arithmetic of the ballistic propagator on LN lanes side by side,
 * included twice by propagate.c: once with LV = double (one state) and once
 * with LV = a vector of TS_PROP_LANES doubles (a batch).  Each operation is
 * the same IEEE operation on every lane (no fused multiply-add:
 * -ffp-contract=off; division and square root correctly rounded; selections
 * by masks), so both instances give the same bits for the same state.  The
 * methods and their sources are in propagate.c's header; here only the
 * code.  Not installed.
 *
 * The includer defines: LV (lane type), LM (mask type of comparisons),
 * LN_(name) (instance suffix), LOAD(p) and STORE(p, v) (the lanes' doubles
 * from or to p), LSPLAT(x), LSQRT(v) (v a variable), LABS(v),
 * LSEL(mask, a, b).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Acceleration (canonical) at (x, y, z): point mass + J2 (Vallado 2013,
 * eq. 8-30), one division and one square root. */
static inline __attribute__((always_inline)) void LN_(rhs)(double kj2, const LV p[3],
                                                          LV f[3])
{
    const LV x = p[0], y = p[1], z = p[2];
    const LV r2 = x * x + y * y + z * z;
    const LV ir2 = 1.0 / r2;
    const LV ir3 = ir2 * LSQRT(ir2);
    const LV k = kj2 * ir2;
    const LV zz5 = 5.0 * (z * z) * ir2;
    const LV cxy = -ir3 * (1.0 + k * (1.0 - zz5));
    const LV cz = -ir3 * (1.0 + k * (3.0 - zz5));
    f[0] = cxy * x;
    f[1] = cxy * y;
    f[2] = cz * z;
}

/* One RKN12(10) step of b->h from (b->r, v, a), then the Newton look-ahead
 * from its end.  Returned in b: r1, v1 (order 12), a1 = f(r1), err (max
 * norm of order 12 minus order 10: position h^2 sum bt_i F_i, velocity
 * h sum bpt_i F_i), and td, tok, pr, pv (see taylor below). */
static void LN_(step)(const prop_model *m, rkn_block *restrict b)
{
    LV F[RKN_S][3];
    const LV h = LOAD(b->h);
    LV r[3], v[3];
    for (int k = 0; k < 3; k++) {
        r[k] = LOAD(b->r[k]);
        v[k] = LOAD(b->v[k]);
        F[0][k] = LOAD(b->a[k]);
    }
    for (int i = 1; i < RKN_S; i++) {
        LV acc[3], y[3];
        for (int k = 0; k < 3; k++)
            acc[k] = RKN_A[i][0] * F[0][k];
        if (i >= 2 && i < 4) /* column 2 of A is 0 from stage 5 on */
            for (int k = 0; k < 3; k++)
                acc[k] += RKN_A[i][1] * F[1][k];
        for (int j = 2; j < i; j++)
            for (int k = 0; k < 3; k++)
                acc[k] += RKN_A[i][j] * F[j][k];
        /* Y_i = r + c_i h v + h^2 sum_j a_ij F_j */
        for (int k = 0; k < 3; k++)
            y[k] = r[k] + h * (RKN_C[i] * v[k] + h * acc[k]);
        LN_(rhs)(m->kj2, y, F[i]);
    }
    /* weights: stages 2..6 have none; 16 and 17 enter the velocity only */
    LV err = LSPLAT(0.0), r1[3], v1[3];
    for (int k = 0; k < 3; k++) {
        LV sb = RKN_B[0] * F[0][k], sbp = RKN_BP[0] * F[0][k];
        LV sbt = RKN_BT[0] * F[0][k], sbpt = RKN_BPT[0] * F[0][k];
        for (int j = 6; j < 15; j++) {
            sb += RKN_B[j] * F[j][k];
            sbp += RKN_BP[j] * F[j][k];
            sbt += RKN_BT[j] * F[j][k];
            sbpt += RKN_BPT[j] * F[j][k];
        }
        for (int j = 15; j < RKN_S; j++) {
            sbp += RKN_BP[j] * F[j][k];
            sbpt += RKN_BPT[j] * F[j][k];
        }
        r1[k] = r[k] + h * (v[k] + h * sb);
        v1[k] = v[k] + h * sbp;
        /* a NaN may be lost by the maxima: lane_after checks r1, v1 too */
        const LV er = LABS(h * h * sbt), ev = LABS(h * sbpt);
        const LV e = LSEL(er > ev, er, ev);
        err = LSEL(e > err, e, err);
        STORE(b->r1[k], r1[k]);
        STORE(b->v1[k], v1[k]);
    }
    STORE(b->err, err);
    LV a1[3];
    LN_(rhs)(m->kj2, r1, a1);
    for (int k = 0; k < 3; k++)
        STORE(b->a1[k], a1[k]);

    /*
     * Look-ahead: Newton on the ellipsoid G(d) = x^2 + y^2 + (a/b)^2 z^2 - 1
     * along the third-order Taylor expansion of the path from the end,
     * p(d) = r1 + v1 d + a1 d^2/2 + j d^3/6, j the point-mass jerk
     * -(v - 3 (r.v) r/|r|^2)/|r|^3; five iterations from d = 0 (from
     * |d| <= 2 s the third is at 1e-11 already; the omitted snap and J2 jerk
     * cost < 1e-4 m at 2 s).  tok = 1 when the last correction was below
     * 1e-9 (the root then good to ~1e-17), the crossing descends and
     * |td| <= dmax; otherwise td is the last iterate if |td| < 1, else the
     * linear estimate -G/G' at d = 0: the length of a correction step.
     */
    const double qz = m->qz;
    const LV x = r1[0], y = r1[1], z = r1[2], vx = v1[0], vy = v1[1], vz = v1[2];
    const LV ax = a1[0], ay = a1[1], az = a1[2];
    const LV jr2 = 1.0 / (x * x + y * y + z * z), jr3 = jr2 * LSQRT(jr2);
    const LV s = 3.0 * (x * vx + y * vy + z * vz) * jr2;
    const LV jx = -jr3 * (vx - s * x), jy = -jr3 * (vy - s * y), jz = -jr3 * (vz - s * z);
    LV d = LSPLAT(0.0), dx = LSPLAT(0.0), gd = LSPLAT(0.0);
    LV px = x, py = y, pz = z, wx = vx, wy = vy, wz = vz;
    for (int it = 0; it < 6; it++) {
        px = x + d * (vx + d * (0.5 * ax + d * (jx / 6.0)));
        py = y + d * (vy + d * (0.5 * ay + d * (jy / 6.0)));
        pz = z + d * (vz + d * (0.5 * az + d * (jz / 6.0)));
        wx = vx + d * (ax + d * (0.5 * jx));
        wy = vy + d * (ay + d * (0.5 * jy));
        wz = vz + d * (az + d * (0.5 * jz));
        if (it == 5)
            break; /* the state at the final d */
        const LV g = px * px + py * py + qz * pz * pz - 1.0;
        gd = 2.0 * (px * wx + py * wy + qz * pz * wz);
        dx = -g / gd;
        d = d + dx;
    }
    const LM ok = (LABS(dx) < 1e-9) & (LABS(d) <= m->dmax) & (gd < 0.0);
    const LV g0 = x * x + y * y + qz * z * z - 1.0;
    const LV gd0 = 2.0 * (x * vx + y * vy + qz * z * vz);
    STORE(b->td, LSEL(LABS(d) < 1.0, d, -g0 / gd0));
    STORE(b->tok, LSEL(ok, LSPLAT(1.0), LSPLAT(0.0)));
    STORE(b->pr[0], px);
    STORE(b->pr[1], py);
    STORE(b->pr[2], pz);
    STORE(b->pv[0], wx);
    STORE(b->pv[1], wy);
    STORE(b->pv[2], wz);
}

/*
 * atan2(y, x) in (-pi, pi], to about 2e-16 rad, by arithmetic and
 * selections only.  t = min/max of |x|, |y| in [0, 1]; above tan(pi/12),
 * atan t = pi/6 + atan u with u = (t sqrt3 - 1)/(sqrt3 + t), |u| <=
 * tan(pi/12) (Abramowitz & Stegun 1964, 4.4.34); then the series
 * atan u = sum (-1)^n u^(2n+1)/(2n+1) to n = 12 (A&S 4.4.42; the next term
 * is below 2e-17); quadrants by symmetry.
 */
static inline __attribute__((always_inline)) LV LN_(atan2)(const LV *py, const LV *px)
{
    const LV y = *py, x = *px;
    static const double c[13] = {1.0, -1.0 / 3, 1.0 / 5, -1.0 / 7, 1.0 / 9,
                                 -1.0 / 11, 1.0 / 13, -1.0 / 15, 1.0 / 17,
                                 -1.0 / 19, 1.0 / 21, -1.0 / 23, 1.0 / 25};
    const double sqrt3 = 1.7320508075688772, tan15 = 0.2679491924311227;
    const LV ax = LABS(x), ay = LABS(y);
    const LM swap = ay > ax;
    const LV t = LSEL(swap, ax, ay) / LSEL(swap, ay, ax);
    const LM red = t > tan15;
    const LV u = LSEL(red, (t * sqrt3 - 1.0) / (sqrt3 + t), t);
    const LV u2 = u * u;
    LV q = LSPLAT(c[12]);
    for (int n = 11; n >= 0; n--)
        q = c[n] + u2 * q;
    LV ang = LSEL(red, LSPLAT(TS_PI / 6.0), LSPLAT(0.0)) + u * q;
    ang = LSEL(swap, TS_PI / 2.0 - ang, ang);
    ang = LSEL(x < 0.0, TS_PI - ang, ang);
    return LSEL(y < 0.0, -ang, ang);
}

/*
 * Two-body time from each lane's (b->r, v) to the next descending crossing
 * of the earth's figure: b->tp (canonical; INFINITY when the osculating
 * orbit is not elliptic or misses the surface).
 * Method: eccentric anomaly E0 from e cos E0 = 1 - r/a_k,
 * e sin E0 = r.v/sqrt(a_k); at the crossing of radius R, cos E =
 * (1 - R/a_k)/e with sin E < 0 (descending); the anomaly swept,
 * dE = atan2(sin(E - E0), cos(E - E0)) in (0, 2 pi], gives the time by
 * Kepler's equation M = E - e sin E (Vallado 2013, eqs. 2-65, 2-66).  R is
 * the ellipsoid's radius under the crossing point, found with the f and g
 * functions in dE (Vallado 2013, sec. 2.3) and iterated twice, starting
 * from the radius under the current position: the second pass moves the
 * time by ~0.05 s, far less than J2 does.
 */
static void LN_(kepler)(const prop_model *m, rkn_block *restrict b)
{
    const double qz = m->qz;
    const LV x = LOAD(b->r[0]), y = LOAD(b->r[1]), z = LOAD(b->r[2]);
    const LV vx = LOAD(b->v[0]), vy = LOAD(b->v[1]), vz = LOAD(b->v[2]);
    const LV rr2 = x * x + y * y + z * z, rn = LSQRT(rr2);
    const LV v2 = vx * vx + vy * vy + vz * vz, rv = x * vx + y * vy + z * vz;
    const LV iak = 2.0 / rn - v2; /* 1/a_k (vis-viva) */
    const LV ak = 1.0 / iak, sak = LSQRT(ak), nk = ak * sak; /* 1/mean motion */
    const LV ec = 1.0 - rn * iak, es = rv / sak;              /* e cos E0, e sin E0 */
    const LV e2 = ec * ec + es * es;
    const LV e = LSQRT(e2), ie = 1.0 / e, ce0 = ec * ie, se0 = es * ie;
    const LV q2 = x * x + y * y + qz * z * z;
    LV rr = rn / LSQRT(q2);
    LV dt = LSPLAT(0.0);
    LM ok = (iak > 0.0) & (e2 > 1e-24);
    for (int it = 0; it < 2; it++) {
        const LV ce = (1.0 - rr * iak) * ie; /* cos E at the crossing */
        ok &= (ce > -1.0) & (ce < 1.0);
        const LV s2 = 1.0 - ce * ce, s2p = LSEL(s2 > 0.0, s2, LSPLAT(0.0));
        const LV se = -LSQRT(s2p); /* descending: sin E < 0 */
        const LV cde = ce * ce0 + se * se0, sde = se * ce0 - ce * se0;
        LV de = LN_(atan2)(&sde, &cde);
        de = LSEL(de <= 0.0, de + 2.0 * TS_PI, de);
        dt = nk * (de - e * se + es);
        const LV f = 1.0 - ak / rn * (1.0 - cde), g = dt - nk * (de - sde);
        const LV px = f * x + g * vx, py = f * y + g * vy, pz = f * z + g * vz;
        const LV p2 = (px * px + py * py + pz * pz) / (px * px + py * py + qz * pz * pz);
        rr = LSQRT(p2);
    }
    STORE(b->tp, LSEL(ok, dt, LSPLAT(INFINITY)));
}
