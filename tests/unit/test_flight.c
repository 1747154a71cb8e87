/*
 * Powered flight and shooting (flight.c).  flight.c is included so that its
 * integrator can be driven directly (STYLE.md: static helpers are tested by
 * including the .c).
 * Independent truths, named per table: Tsiolkovsky's rocket equation
 * (closed form, vacuum without gravity); the mass bookkeeping recomputed
 * from the stage table; the integrator's own convergence under step halving
 * (RK4 error O(h^4)); the published ranges of data/missiles.yaml (sources in
 * data/PROVENANCE.md); the geodesic distance from impact to aim point
 * (PROJ's geodesic.h through earth.c) for the miss.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "../../src/flight.c"
#include "test_util.h"

#define DEG TS_DEG


static ts_missile_list catalogue;

static void load_catalogue(void)
{
    load_missile_catalogue(&catalogue);
}

static void free_catalogue(void)
{
    ts_missiles_free(&catalogue);
}

static const ts_missile *missile(const char *id)
{
    const ts_missile *m = ts_missiles_find(&catalogue, id);
    cr_assert_not_null(m, "missile '%s' not in the catalogue", id);
    return m;
}

/* A two-stage test missile with no drag (no Cd table) and no nozzle back
 * pressure; thrust from Isp, propellant and burn time. */
static ts_missile vacuum_missile(void)
{
    ts_missile m;
    memset(&m, 0, sizeof m);
    snprintf(m.id, sizeof m.id, "test");
    m.n_stages = 2;
    const double gross[2] = {20113.0, 6021.5}, prop[2] = {17342.0, 5127.25},
                 isp[2] = {270.37, 291.7}, burn[2] = {61.3, 57.9};
    for (int k = 0; k < 2; k++) {
        m.stage[k].m_gross_kg = gross[k];
        m.stage[k].m_prop_kg = prop[k];
        m.stage[k].isp_vac_s = isp[k];
        m.stage[k].burn_s = burn[k];
        m.stage[k].thrust_vac_n = prop[k] / burn[k] * TS_G0 * isp[k];
        m.stage[k].area_ref_m2 = 1.2;
    }
    m.payload_kg = 812.5;
    m.n_cd = 0;
    return m;
}

/* ---- Tsiolkovsky: delta-v = sum_k Isp_k g0 ln(m_ign,k / m_burnout,k) -------- */
/* Vacuum (no drag, no back pressure) and no gravity (GM = 0): with a zero
 * kick every phase thrusts along the same line, so the burnout speed is the
 * rocket equation's delta-v exactly; RK4 must reproduce it to 1e-6. */
Test(flight, rocket_equation)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    e.gm_m3s2 = 0.0;
    e.j2 = 0.0;
    ts_missile m = vacuum_missile();
    fly_setup fs;
    cr_assert_eq(setup_init(NULL, &fs, &e, &m, 0.61, -1.3), TS_OK);
    setup_steps(&fs, TS_FLY_H_MAX);
    fly_prog pg = {0.4, 0.0, fs.t_burn};
    double t_bo;
    ts_state s;
    int crashed;
    cr_assert_eq(fly_powered(&fs, &pg, NULL, NULL, NULL, &t_bo, &s, &crashed), TS_OK);
    double m0 = m.payload_kg + m.stage[0].m_gross_kg + m.stage[1].m_gross_kg, want = 0.0;
    for (int k = 0; k < 2; k++) {
        want += m.stage[k].isp_vac_s * TS_G0 * log(m0 / (m0 - m.stage[k].m_prop_kg));
        m0 -= m.stage[k].m_gross_kg;
    }
    check_near(t_bo, 61.3 + 57.9, 1e-9, "burnout time");
    check_near(ts_v3_norm(s.v) / want, 1.0, 1e-6, "burnout speed / rocket-equation delta-v");
    /* the same with the (half) step of the step-halving test: still exact */
    setup_steps(&fs, 0.5 * TS_FLY_H_MAX);
    cr_assert_eq(fly_powered(&fs, &pg, NULL, NULL, NULL, &t_bo, &s, &crashed), TS_OK);
    check_near(ts_v3_norm(s.v) / want, 1.0, 1e-7, "delta-v, half step");
}

/* ---- staging mass bookkeeping: masses recomputed from the stage table -------- */
Test(flight, staging_masses, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    for (int i = 0; i < catalogue.n; i++) {
        const ts_missile *m = &catalogue.items[i];
        fly_setup fs;
        cr_assert_eq(setup_init(NULL, &fs, &e, m, 0.6, 0.9), TS_OK, "%s", m->id);
        double launch = m->payload_kg, t = 0.0;
        for (int k = 0; k < m->n_stages; k++)
            launch += m->stage[k].m_gross_kg;
        check_near(mass_at(&fs, 0, 0.0), launch, 1e-6, m->id);
        double above = launch;
        for (int k = 0; k < m->n_stages; k++) {
            const ts_stage *st = &m->stage[k];
            check_near(fs.t_ign[k], t, 1e-9, "ignition time");
            check_near(mass_at(&fs, k, t), above, 1e-6, "mass at ignition");
            double end = above - st->m_prop_kg; /* propellant burnt */
            check_near(mass_at(&fs, k, t + st->burn_s), end, 1e-6, "mass at the end of a stage");
            check_near(fs.mdot[k] * st->burn_s, st->m_prop_kg, 1e-6, "mass flow x burn");
            above -= st->m_gross_kg; /* the spent stage drops away */
            t += st->burn_s;
        }
        /* at burnout: the payload and the last stage's dry mass */
        const ts_stage *last = &m->stage[m->n_stages - 1];
        check_near(mass_at(&fs, m->n_stages - 1, t),
                   m->payload_kg + last->m_gross_kg - last->m_prop_kg, 1e-6, "burnout mass");
        check_near(fs.t_burn, t, 1e-9, "total burn time");
    }
}

/* ---- step halving: RK4 converges, and the default step is good to < 10 m ------ */
Test(flight, step_halving, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    for (int i = 0; i < catalogue.n; i++) {
        const ts_missile *m = &catalogue.items[i];
        fly_setup fs;
        cr_assert_eq(setup_init(NULL, &fs, &e, m, 35.23 * DEG, 53.92 * DEG), TS_OK);
        /* kick 6.5 deg; a missile that this programme flies into the ground
         * (the SS-18's heavy, low-thrust first stage: lift-off thrust to
         * weight 1.8) takes a smaller kick, found at the default step */
        fly_prog pg = {-0.63, 6.5 * DEG, fs.t_burn};
        for (int tries = 0; tries < 4; tries++) {
            double t_bo;
            int crashed;
            ts_state s0;
            setup_steps(&fs, TS_FLY_H_MAX);
            cr_assert_eq(fly_powered(&fs, &pg, NULL, NULL, NULL, &t_bo, &s0, &crashed), TS_OK);
            if (!crashed)
                break;
            pg.kick *= 0.6;
        }
        const double h[5] = {2.0 * TS_FLY_H_MAX, TS_FLY_H_MAX, 0.5 * TS_FLY_H_MAX,
                             0.25 * TS_FLY_H_MAX, 0.0625 * TS_FLY_H_MAX};
        ts_state s[5];
        for (int j = 0; j < 5; j++) {
            double t_bo;
            int crashed;
            setup_steps(&fs, h[j]);
            cr_assert_eq(fly_powered(&fs, &pg, NULL, NULL, NULL, &t_bo, &s[j], &crashed),
                         TS_OK);
            cr_assert(!crashed, "%s crashed", m->id);
        }
        double err_2h = ts_v3_norm(ts_v3_sub(s[0].r, s[4].r));
        double err_h = ts_v3_norm(ts_v3_sub(s[1].r, s[4].r));
        double err_v = ts_v3_norm(ts_v3_sub(s[1].v, s[4].v));
        cr_assert(err_h < 10.0, "%s: burnout position with the default step off by %.3f m "
                  "(want < 10 m)", m->id, err_h);
        cr_assert(err_v < 0.1, "%s: burnout speed off by %.4f m/s", m->id, err_v);
        /* convergence: doubling the step must at least double the error.  RK4
         * gives 16 for smooth forces; the kinks of the drag table (linear in
         * Mach) and of the atmosphere's layers bring it down to about 3 for
         * the solids, whose transonic passage falls inside a step. */
        cr_assert(err_2h > 2.0 * err_h, "%s: error %.4f m at 2h, %.4f m at h: not converging",
                  m->id, err_2h, err_h);
    }
}

/* ---- each catalogue missile reaches its published range within 10% ------------ */
/* Published ranges and their sources: data/missiles.yaml, data/PROVENANCE.md. */
Test(flight, max_range_vs_published, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_geq(catalogue.n, 5, "the catalogue lists at least the five required missiles");
    for (int i = 0; i < catalogue.n; i++) {
        const ts_missile *m = &catalogue.items[i];
        double r;
        cr_assert_eq(ts_missile_max_range(ctx, &e, m, &r), TS_OK, "%s: %s", m->id,
                     ts_ctx_message(ctx));
        cr_assert(fabs(r / m->range_published_m - 1.0) <= 0.10,
                  "%s: computed %.0f km, published %.0f km (%+.1f%%, want within 10%%)", m->id,
                  r / 1e3, m->range_published_m / 1e3, 100.0 * (r / m->range_published_m - 1.0));
    }
    ts_ctx_free(ctx);
}

/* ---- shooting: the miss on a table of flights -------------------------------- */
/* Positions: SOURCES.md (KeepTrack and the other listed sources). */
static const struct {
    const char *missile;
    double lat, lon, aim_lat, aim_lon;
    const char *what;
} flights[] = {
    {"shahab-3", 34.31, 47.07, 32.08, 34.78, "Kermanshah -> Tel Aviv"},
    {"sajjil-2", 35.2347, 53.9208, 32.08, 34.78, "Semnan -> Tel Aviv"},
    {"iran-icbm-notional", 35.2347, 53.9208, 52.502, 13.416, "Semnan -> Berlin"},
    {"iran-icbm-notional", 35.2347, 53.9208, 51.506, -0.097, "Semnan -> London"},
    {"iran-icbm-notional", 38.08, 46.29, 42.361, -71.058, "Tabriz -> Boston"},
    {"topol-m", 54.033, 35.767, 38.951, -77.013, "Kozelsk -> Washington"},
    {"ss-19", 54.033, 35.767, 40.679, -73.947, "Kozelsk -> New York"},
    {"topol-m", 56.850, 40.533, 41.877, -87.622, "Teykovo -> Chicago"},
};

Test(flight, miss_table, .init = load_catalogue, .fini = free_catalogue, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_traj *traj = ts_traj_create();
    for (size_t i = 0; i < sizeof flights / sizeof flights[0]; i++)
        for (int shape = 0; shape < 3; shape++) {
            const ts_missile *m = missile(flights[i].missile);
            ts_flight_summary s;
            int st = ts_fly(ctx, &e, m, flights[i].lat * DEG, flights[i].lon * DEG,
                            flights[i].aim_lat * DEG, flights[i].aim_lon * DEG,
                            (ts_flight_shape)shape, traj, &s);
            if (st == TS_EIMPOSSIBLE && shape == TS_SHAPE_DEPRESSED)
                continue; /* a full burn may not fly as flat and short as this */
            cr_assert_eq(st, TS_OK, "%s, %s, shape %d: %s", flights[i].what, m->id, shape,
                         ts_ctx_message(ctx));
            /* independent miss: geodesic from the aim point to the impact */
            double d, a1, a2;
            ts_geodesic_inverse(&e, flights[i].aim_lat * DEG, flights[i].aim_lon * DEG,
                                s.impact_lat_rad, s.impact_lon_rad, &d, &a1, &a2);
            check_near(s.miss_m, d, 1e-6, "reported miss");
            cr_assert(d < 1.0, "%s, shape %d: miss %.3f m (want < 1 m; the requirement is 1 km)",
                      flights[i].what, shape, d);
            /* the impact in the trajectory lies on the ellipsoid at the aim point */
            const ts_event *imp = ts_traj_find_event(traj, TS_EVENT_IMPACT);
            cr_assert_not_null(imp);
            check_near(imp->t_s, s.flight_time_s, 1e-9, "impact time");
            check_near(ts_traj_t_end(traj), s.flight_time_s, 1e-6, "trajectory end");
            ts_state se, sf;
            cr_assert_eq(ts_traj_state(traj, s.flight_time_s, &se), TS_OK);
            ts_eci_to_ecef(&e, s.flight_time_s, &se, &sf);
            check_near(ts_geodetic_height(&e, &sf.r), 0.0, 0.5, "height at impact, m");
            /* lofted and depressed burn every stage to the end */
            double t_burn = 0.0;
            for (int k = 0; k < m->n_stages; k++)
                t_burn += m->stage[k].burn_s;
            if (shape != TS_SHAPE_MIN_ENERGY)
                check_near(s.burnout_t_s, t_burn, 1e-9, "full burn");
            else
                cr_assert(s.burnout_t_s <= t_burn + 1e-9);
        }
    ts_traj_free(traj);
    ts_ctx_free(ctx);
}

/* The shapes order as their names say: lofted climbs highest and flies
 * longest, depressed lowest and shortest, min-energy burns the least. */
Test(flight, shapes_order, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_flight_summary s[3];
    for (int k = 0; k < 3; k++)
        cr_assert_eq(ts_fly(ctx, &e, missile("topol-m"), 54.033 * DEG, 35.767 * DEG,
                            38.951 * DEG, -77.013 * DEG, (ts_flight_shape)k, NULL, &s[k]),
                     TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert(s[1].apogee_h_m > s[0].apogee_h_m && s[0].apogee_h_m > s[2].apogee_h_m,
              "apogee: lofted %.0f, min-energy %.0f, depressed %.0f km", s[1].apogee_h_m / 1e3,
              s[0].apogee_h_m / 1e3, s[2].apogee_h_m / 1e3);
    cr_assert(s[1].flight_time_s > s[0].flight_time_s &&
              s[0].flight_time_s > s[2].flight_time_s);
    cr_assert(s[1].burnout_gamma_rad > s[2].burnout_gamma_rad);
    cr_assert(s[0].burnout_t_s <= s[1].burnout_t_s);
    ts_ctx_free(ctx);
}

/* ---- the trajectory: events in order, burnout state continuous --------------- */
Test(flight, events, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_traj *traj = ts_traj_create();
    ts_flight_summary s;
    const ts_missile *m = missile("iran-icbm-notional");
    cr_assert_eq(ts_fly(ctx, &e, m, 35.2347 * DEG, 53.9208 * DEG, 51.506 * DEG, -0.097 * DEG,
                        TS_SHAPE_LOFTED, traj, &s),
                 TS_OK, "%s", ts_ctx_message(ctx));
    const ts_event_kind want[] = {TS_EVENT_LAUNCH, TS_EVENT_STAGING, TS_EVENT_STAGING,
                                  TS_EVENT_BURNOUT, TS_EVENT_APOGEE, TS_EVENT_IMPACT};
    int n = ts_traj_n_events(traj);
    cr_assert_eq(n, 6, "events: %d", n);
    double t_prev = -1.0, t_stage = 0.0;
    for (int i = 0; i < n; i++) {
        const ts_event *ev = ts_traj_event(traj, i);
        cr_assert_eq(ev->kind, want[i], "event %d: kind %d, want %d", i, ev->kind, want[i]);
        cr_assert(ev->t_s >= t_prev, "events out of order");
        t_prev = ev->t_s;
        if (ev->kind == TS_EVENT_STAGING) {
            t_stage += m->stage[i - 1].burn_s;
            check_near(ev->t_s, t_stage, 1e-9, "staging time");
        }
    }
    const ts_event *bo = ts_traj_find_event(traj, TS_EVENT_BURNOUT);
    check_near(bo->t_s, s.burnout_t_s, 1e-12, "burnout time");
    check_near(ts_v3_norm(ts_v3_sub(bo->s_eci.r, s.burnout_eci.r)), 0.0, 1e-6, "burnout position");
    ts_state st;
    cr_assert_eq(ts_traj_state(traj, s.burnout_t_s, &st), TS_OK);
    check_near(ts_v3_norm(ts_v3_sub(st.r, s.burnout_eci.r)), 0.0, 1e-6, "sampled burnout");
    const ts_event *apo = ts_traj_find_event(traj, TS_EVENT_APOGEE);
    check_near(apo->h_m, s.apogee_h_m, 1e-6, "apogee height");
    /* launch: on the ground, moving with it */
    cr_assert_eq(ts_traj_state(traj, 0.0, &st), TS_OK);
    ts_state sf;
    ts_eci_to_ecef(&e, 0.0, &st, &sf);
    check_near(ts_v3_norm(sf.v), 0.0, 1e-9, "launch speed relative to the ground");
    check_near(ts_geodetic_height(&e, &sf.r), 0.0, 1e-6, "launch height");
    ts_traj_free(traj);
    ts_ctx_free(ctx);
}

/* ---- refusals ------------------------------------------------------------------- */
Test(flight, out_of_reach, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_flight_summary s;
    /* Semnan -> Berlin, 3,710 km, with a 2,200 km missile */
    int st = ts_fly(ctx, &e, missile("sajjil-2"), 35.2347 * DEG, 53.9208 * DEG, 52.502 * DEG,
                    13.416 * DEG, TS_SHAPE_MIN_ENERGY, NULL, &s);
    cr_assert_eq(st, TS_EIMPOSSIBLE, "status %d: %s", st, ts_ctx_message(ctx));
    cr_assert(strstr(ts_ctx_message(ctx), "maximum range") != NULL, "%s", ts_ctx_message(ctx));
    cr_assert(strstr(ts_ctx_message(ctx), "3710 km") != NULL, "%s", ts_ctx_message(ctx));
    /* a lofted full burn of an ICBM cannot land 20 km away */
    st = ts_fly(ctx, &e, missile("topol-m"), 54.033 * DEG, 35.767 * DEG, 54.2 * DEG,
                35.8 * DEG, TS_SHAPE_LOFTED, NULL, &s);
    cr_assert_eq(st, TS_EIMPOSSIBLE, "status %d: %s", st, ts_ctx_message(ctx));
    st = ts_fly(ctx, &e, missile("topol-m"), 100.0 * DEG, 0.0, 0.0, 0.0, TS_SHAPE_LOFTED,
                NULL, &s);
    cr_assert_eq(st, TS_EINVAL);
    ts_ctx_free(ctx);
}

/* ---- same input, same bytes ------------------------------------------------- */
Test(flight, deterministic, .init = load_catalogue, .fini = free_catalogue)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_flight_summary a, b;
    for (int k = 0; k < 2; k++) {
        ts_flight_summary *s = k ? &b : &a;
        memset(s, 0, sizeof *s);
        cr_assert_eq(ts_fly(NULL, &e, missile("sajjil-2"), 35.2347 * DEG, 53.9208 * DEG,
                            32.08 * DEG, 34.78 * DEG, TS_SHAPE_MIN_ENERGY, NULL, s),
                     TS_OK);
    }
    cr_assert(memcmp(&a, &b, sizeof a) == 0, "two identical flights differ");
}
