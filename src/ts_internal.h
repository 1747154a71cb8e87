/*
 * Private declarations shared by the library's modules.  Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_INTERNAL_H
#define TS_INTERNAL_H

#include "thirdsite.h"
#include <math.h>

#define TS_PI 3.14159265358979323846
#define TS_DEG (TS_PI / 180.0) /* rad per degree */

/* Standard gravity, m/s^2 (CGPM 1901; used for Isp <-> exhaust velocity). */
#define TS_G0 9.80665

/* Supported framing, notional defaults of the doctrine (no published
 * figure; docs/models-defense.md, "Framings"): the fire-control track must
 * be held this long before the intercept (a track's velocity estimate
 * settles over tens of seconds of updates; notional), and the last look
 * may be this old at the intercept (the kill vehicle's own seeker takes
 * over for the last tens of seconds: an IR seeker acquiring a warhead at a
 * few hundred km closes it in 20-60 s at 5-10 km/s; notional). */
#define TS_DEFAULT_TRACK_BEFORE_INTERCEPT_S 30.0
#define TS_DEFAULT_UPDATE_GAP_MAX_S 30.0

/* ---- ts_ctx (ctx.c) ---------------------------------------------------- */
#define TS_MSG_LEN 4096
struct ts_ctx {
    int code;               /* last status recorded, TS_OK if none */
    char msg[TS_MSG_LEN];   /* last message, "" if none */
};

/* in as text that is valid UTF-8 with no control character: each byte that
 * is not part of a well-formed UTF-8 sequence (RFC 3629), and each C0/C1
 * control and DEL, becomes "\xNN".  For paths, which may be any bytes, in
 * report.json (JSON strings must be UTF-8) and index.html.  out: size
 * bytes, NUL-terminated, cut at a whole character. */
void ts_text_safe(const char *in, char *out, size_t size);

/* ---- small vector algebra (inline, no allocation) --------------------- */
static inline ts_vec3 ts_v3(double x, double y, double z)
{
    ts_vec3 r = {x, y, z};
    return r;
}
static inline ts_vec3 ts_v3_add(ts_vec3 a, ts_vec3 b) { return ts_v3(a.x + b.x, a.y + b.y, a.z + b.z); }
static inline ts_vec3 ts_v3_sub(ts_vec3 a, ts_vec3 b) { return ts_v3(a.x - b.x, a.y - b.y, a.z - b.z); }
static inline ts_vec3 ts_v3_scale(ts_vec3 a, double s) { return ts_v3(a.x * s, a.y * s, a.z * s); }
static inline ts_vec3 ts_v3_axpy(double s, ts_vec3 x, ts_vec3 y) { return ts_v3(s * x.x + y.x, s * x.y + y.y, s * x.z + y.z); }
static inline double ts_v3_dot(ts_vec3 a, ts_vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline double ts_v3_norm(ts_vec3 a) { return sqrt(ts_v3_dot(a, a)); }
static inline ts_vec3 ts_v3_cross(ts_vec3 a, ts_vec3 b)
{
    return ts_v3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
static inline ts_vec3 ts_v3_unit(ts_vec3 a) { return ts_v3_scale(a, 1.0 / ts_v3_norm(a)); }

/* ---- names of enums in scenario files and output ------------------------ */
/* Indexed by the enum's value, NULL-terminated: ts_flight_shape
 * (missile.c); ts_sensor_kind, ts_sensor_role, ts_doctrine_mode
 * (catalog.c, the catalogue's vocabulary). */
extern const char *const ts_flight_shape_names[], *const ts_sensor_kind_names[],
    *const ts_sensor_role_names[], *const ts_doctrine_mode_names[];

/* ---- geodesics (earth.c) ------------------------------------------------- */
/* PROJ's solver for the ellipsoid of earth, initialised once per ellipsoid
 * and thread (geodesic.h; not owned). */
struct geod_geodesic;
const struct geod_geodesic *ts_earth_geodesic(const ts_earth *earth);

/* ---- longitudes (earth.c) ------------------------------------------------ */
/* Wraps a longitude into [-180, 180), degrees. */
double ts_wrap_lon_deg(double lon_deg);

/* ---- root bracketing ----------------------------------------------------- */
/* One update of the Illinois false-position method (Dowell & Jarratt 1971,
 * BIT 11:168): the new point x with value fx replaces end a (with fa) when
 * to_a, else end b (with fb); when the same end moves twice running, the
 * other end's value is halved.  *side: the end that moved last (-1 a, +1 b,
 * 0 at the start). */
static inline void ts_illinois(double x, double fx, int to_a, double *a, double *fa, double *b,
                               double *fb, int *side)
{
    if (to_a) {
        *a = x;
        *fa = fx;
        if (*side == -1)
            *fb *= 0.5;
        *side = -1;
    } else {
        *b = x;
        *fb = fx;
        if (*side == 1)
            *fa *= 0.5;
        *side = 1;
    }
}

/* ---- trajectories (traj.c) --------------------------------------------- */
/* A node of the dense output: state and acceleration, ECI.  Between two
 * nodes the position is the quintic Hermite interpolant of (r, v, a) at both
 * ends.  An event that changes the acceleration (staging, burnout) is stored
 * as two nodes with the same t; sampling at that t uses the later one. */
typedef struct {
    double t;         /* s */
    ts_vec3 r, v, a;  /* m, m/s, m/s^2; ECI */
} ts_traj_node;

struct ts_traj {
    int n, cap;          /* nodes, increasing t (ties at events) */
    ts_traj_node *node;  /* owned */
    int n_ev, cap_ev;
    ts_event *ev;        /* owned, increasing t */
};
int ts_traj_push_node(ts_traj *traj, double t, const ts_vec3 *r, const ts_vec3 *v,
                      const ts_vec3 *a);
int ts_traj_push_event(ts_traj *traj, const ts_event *ev);
/* An exact-size copy (traj.c), e.g. a flight kept by a footprint session;
 * NULL when out of memory; *bytes (may be NULL): the heap bytes it holds. */
ts_traj *ts_traj_copy(const ts_traj *src, size_t *bytes);

#endif /* TS_INTERNAL_H */
