/*
 * thirdsite: ballistic-missile-defense geometry for public policy.
 * The one public header of the library.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Units: SI and radians everywhere in this API (m, s, kg, m/s, rad), unless a
 * name says otherwise (lat_deg, range_km).  Frames are named in the variable:
 *   _ecef  Earth-centred, Earth-fixed (WGS-84 axes).
 *   _eci   Earth-centred inertial: coincides with ECEF at t = 0 of a
 *          scenario, z along the rotation axis; ECEF turns about z at
 *          omega_rads (ts_earth) relative to it.
 *   _enu   local east-north-up at a geodetic point.
 * Errors: functions return int, TS_OK (0) on success, a negative ts_status
 * on failure (the message is then on the ts_ctx), a positive one for a
 * usable answer with a warning.  The library never prints, exits or aborts.
 */
#ifndef THIRDSITE_H
#define THIRDSITE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes, in bands: input (-1..-19), numerical (-20..-39),            */
/* system (-40..-59); warnings are positive.                                 */
/* ------------------------------------------------------------------------ */
enum ts_status {
    TS_OK = 0,
    TS_EINVAL = -1,       /* an argument is outside its domain */
    TS_EUNIT = -2,        /* a quantity lacks its unit or has the wrong one */
    TS_EIMPOSSIBLE = -3,  /* the request has no physical solution */
    TS_ENOTFOUND = -4,    /* an unknown name (missile, site, sensor...) */
    TS_ESCENARIO = -5,    /* a scenario or catalogue file is malformed */
    TS_EOUTDIR = -6,      /* the output folder exists and is not a run's to replace */
    TS_ENOCONVERGE = -20, /* an iteration failed to converge */
    TS_ENOMEM = -40,      /* out of memory */
    TS_EIO = -41,         /* a file could not be read or written */
    TS_EINTERRUPTED = -42, /* cancelled by the caller (ts_run_opts.cancel):
                              nothing was written */
    TS_WNOCONVERGE = 1,   /* converged only loosely: answer usable, see message */
    TS_WNOIMPACT = 2      /* propagation stopped at t_max before impact */
};

/* ------------------------------------------------------------------------ */
/* Context: carries the last error message.  Not shared between threads.     */
/* ------------------------------------------------------------------------ */
typedef struct ts_ctx ts_ctx;
ts_ctx *ts_ctx_create(void);
void ts_ctx_free(ts_ctx *ctx);                 /* accepts NULL */
const char *ts_ctx_message(const ts_ctx *ctx); /* "" when none */
void ts_ctx_clear(ts_ctx *ctx);
/* Records a formatted message and returns code (for `return ts_error(...)`). */
int ts_error(ts_ctx *ctx, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
const char *ts_version(void);

/* ------------------------------------------------------------------------ */
/* Vectors and states (plain values).                                        */
/* ------------------------------------------------------------------------ */
typedef struct { double x, y, z; } ts_vec3;
typedef struct { ts_vec3 r, v; } ts_state; /* m, m/s; frame in the name */

/* ------------------------------------------------------------------------ */
/* Earth: figure, gravity constants, rotation, frames, geodesics (earth.c).  */
/* ------------------------------------------------------------------------ */
typedef enum {
    TS_EARTH_WGS84 = 0, /* WGS-84 ellipsoid, point mass + J2 gravity */
    TS_EARTH_SPHERE = 1 /* sphere R = 6371008.8 m, point-mass gravity only */
} ts_earth_model;

typedef struct {
    ts_earth_model model;
    double a_m;        /* equatorial radius, m */
    double f;          /* flattening (0 for the sphere) */
    double b_m;        /* polar radius, m */
    double e2;         /* first eccentricity squared */
    double gm_m3s2;    /* GM, m^3/s^2 */
    double j2;         /* J2 (0 for the sphere) */
    double omega_rads; /* rotation rate, rad/s (0 when not rotating) */
} ts_earth;

/* Fills *earth for the model; rotating = 0 sets omega_rads = 0. */
void ts_earth_init(ts_earth *earth, ts_earth_model model, int rotating);

/* Geodetic (lat, lon in rad, h in m above the ellipsoid) <-> ECEF (m). */
void ts_geodetic_to_ecef(const ts_earth *earth, double lat_rad, double lon_rad,
                         double h_m, ts_vec3 *r_ecef);
void ts_ecef_to_geodetic(const ts_earth *earth, const ts_vec3 *r_ecef,
                         double *lat_rad, double *lon_rad, double *h_m);
/* Geodetic height alone, m (cheaper when lat/lon are not needed). */
double ts_geodetic_height(const ts_earth *earth, const ts_vec3 *r_ecef);

/* ECI <-> ECEF at time t_s (s after the epoch where both frames coincide).
 * Velocities include the transport term omega x r. */
void ts_eci_to_ecef(const ts_earth *earth, double t_s, const ts_state *s_eci,
                    ts_state *s_ecef);
void ts_ecef_to_eci(const ts_earth *earth, double t_s, const ts_state *s_ecef,
                    ts_state *s_eci);

/* Unit vectors east, north, up (ellipsoid normal) at a geodetic point, in ECEF. */
void ts_enu_basis(double lat_rad, double lon_rad, ts_vec3 *east, ts_vec3 *north,
                  ts_vec3 *up);

/* Geodesic on the earth's ellipsoid (Karney's algorithms via PROJ geodesic.h).
 * Inverse: distance s12_m and forward azimuths (rad, clockwise from north). */
void ts_geodesic_inverse(const ts_earth *earth, double lat1_rad, double lon1_rad,
                         double lat2_rad, double lon2_rad, double *s12_m,
                         double *azi1_rad, double *azi2_rad);
void ts_geodesic_direct(const ts_earth *earth, double lat1_rad, double lon1_rad,
                        double azi1_rad, double s12_m, double *lat2_rad,
                        double *lon2_rad, double *azi2_rad);

/* Gravitational acceleration (m/s^2) at r (m), in the same frame as r (any
 * frame with z along the rotation axis): point mass + J2. */
void ts_gravity(const ts_earth *earth, const ts_vec3 *r, ts_vec3 *g);

/* ------------------------------------------------------------------------ */
/* Atmosphere: US Standard Atmosphere 1976 (atmosphere.c).                   */
/* ------------------------------------------------------------------------ */
typedef struct {
    double t_k;        /* kinetic temperature, K */
    double p_pa;       /* pressure, Pa */
    double rho_kgm3;   /* density, kg/m^3 */
    double sound_mps;  /* speed of sound, m/s (above 86 km: that of the
                          1976 model's molecular-scale temperature; used only
                          for Mach numbers, where drag is negligible) */
} ts_atmosphere_point;
/* h_m: geometric height above mean sea level, m; valid -5 km..1000 km,
 * density 0 above 1000 km.  TS_EINVAL below -5 km. */
int ts_atmosphere(double h_m, ts_atmosphere_point *out);

/* ------------------------------------------------------------------------ */
/* Trajectories: time-tagged dense output plus events (traj.c).              */
/* ------------------------------------------------------------------------ */
typedef enum {
    TS_EVENT_LAUNCH = 0,
    TS_EVENT_STAGING,    /* a stage burns out and the next ignites */
    TS_EVENT_BURNOUT,    /* the last stage burns out */
    TS_EVENT_APOGEE,     /* greatest geocentric distance (radial velocity 0) */
    TS_EVENT_ASCENDING,  /* crosses a requested geodetic height going up */
    TS_EVENT_DESCENDING, /* crosses a requested geodetic height going down */
    TS_EVENT_IMPACT      /* reaches geodetic height 0 */
} ts_event_kind;

typedef struct {
    ts_event_kind kind;
    double t_s;       /* s since the trajectory's epoch */
    double h_m;       /* geodetic height at the event, m */
    ts_state s_eci;   /* state at the event, ECI */
} ts_event;

typedef struct ts_traj ts_traj; /* opaque */
ts_traj *ts_traj_create(void);
void ts_traj_free(ts_traj *traj); /* accepts NULL */
void ts_traj_clear(ts_traj *traj);
double ts_traj_t_begin(const ts_traj *traj);
double ts_traj_t_end(const ts_traj *traj);
/* Samples the dense output: TS_EINVAL if t_s is outside [begin, end]. */
int ts_traj_state(const ts_traj *traj, double t_s, ts_state *s_eci);
/* Samples position, velocity and acceleration (a_eci may be NULL); at an
 * event's time side < 0 takes the limit from before it, side >= 0 from
 * after.  TS_EINVAL outside [begin, end] or with fewer than two nodes. */
int ts_traj_sample(const ts_traj *traj, double t_s, int side, ts_state *s_eci,
                   ts_vec3 *a_eci);
/* Time of the last descent through geodetic height h_m after apogee, s
 * (bisection to 1 ms); < 0 when the flight is not above h_m there. */
double ts_traj_descent_time(const ts_earth *earth, const ts_traj *traj,
                            double h_m);
int ts_traj_n_events(const ts_traj *traj);
const ts_event *ts_traj_event(const ts_traj *traj, int i);
/* First event of a kind, or NULL. */
const ts_event *ts_traj_find_event(const ts_traj *traj, ts_event_kind kind);

/* ------------------------------------------------------------------------ */
/* Ballistic propagation: point mass + J2, no drag (propagate.c).            */
/* ------------------------------------------------------------------------ */
typedef struct {
    double t_max_s;          /* stop after this long (0: 1e5 s) */
    double tol;              /* local error tolerance (0: default, good to
                                well under 1 m at impact) */
    int n_heights;           /* geodetic heights whose crossings to report */
    const double *heights_m;
} ts_flight_opts;

/* Propagates s0_eci (at t0_s) under earth's gravity until impact (geodetic
 * height 0) or t_max.  traj (may be NULL) receives the dense output and the
 * events (apogee, height crossings, impact), appended after what it holds;
 * impact (may be NULL) the impact event.  Returns TS_OK, or TS_WNOIMPACT
 * when t_max came first.  Allocates only when traj is given. */
int ts_propagate_ballistic(const ts_earth *earth, double t0_s,
                           const ts_state *s0_eci, const ts_flight_opts *opts,
                           ts_traj *traj, ts_event *impact);
/* Many states (each at t0_s) to impact at once, several side by side in
 * SIMD lanes: impacts[i] and status[i] (status may be NULL) are bit for bit
 * what ts_propagate_ballistic gives with traj = NULL.  Returns TS_OK, or the
 * status of the first state that did not land (TS_EINVAL for one inside the
 * earth).  Single-threaded, no allocation: callers split work over threads. */
int ts_propagate_ballistic_batch(const ts_earth *earth, double t0_s, int n,
                                 const ts_state *s0_eci, const ts_flight_opts *opts,
                                 ts_event *impacts, int *status);

/* ------------------------------------------------------------------------ */
/* Lambert's problem, single revolution (lambert.c).                         */
/* ------------------------------------------------------------------------ */
/* Velocities v1, v2 (m/s) of the conic from r1 to r2 (m, inertial) in tof_s.
 * long_way = 0: transfer angle below pi (prograde about r1 x r2).
 * TS_EINVAL for degenerate geometry, TS_ENOCONVERGE if iteration fails. */
int ts_lambert(ts_ctx *ctx, double gm_m3s2, const ts_vec3 *r1, const ts_vec3 *r2,
               double tof_s, int long_way, ts_vec3 *v1, ts_vec3 *v2);

/* ------------------------------------------------------------------------ */
/* Ballistic arcs from a burnout point to an aim point (arc.c).              */
/* ------------------------------------------------------------------------ */
typedef enum {
    TS_ARC_MIN_ENERGY = 0, /* least inertial burnout speed */
    TS_ARC_GAMMA,          /* given flight-path angle (value: rad) */
    TS_ARC_TIME,           /* given flight time (value: s) */
    TS_ARC_LOFTED,         /* given inertial speed, steeper solution (m/s) */
    TS_ARC_DEPRESSED       /* given inertial speed, flatter solution (m/s) */
} ts_arc_shape;

typedef struct {
    double lat_rad, lon_rad; /* launch point; burnout directly above it */
    double burnout_h_m;      /* burnout geodetic height, m (t = 0 there) */
    double aim_lat_rad, aim_lon_rad; /* aim point at height 0 (turns with Earth) */
    ts_arc_shape shape;
    double value;            /* per shape; ignored for MIN_ENERGY */
} ts_arc_request;

typedef struct {
    ts_state s0_eci;           /* burnout state, ECI (= ECEF at t = 0) */
    double speed_mps;          /* inertial burnout speed */
    double speed_relative_mps; /* relative to the rotating Earth */
    double gamma_rad;          /* inertial velocity above the local horizontal */
    double azimuth_rad;        /* inertial velocity, clockwise from north */
    double flight_time_s;
    double apogee_h_m;         /* greatest geodetic height */
    double ground_range_m;     /* geodesic, launch point to impact */
    double impact_lat_rad, impact_lon_rad;
    double miss_m;             /* impact to aim point, m */
} ts_arc;

int ts_arc_solve(ts_ctx *ctx, const ts_earth *earth, const ts_arc_request *req,
                 ts_arc *out);

/* ------------------------------------------------------------------------ */
/* Missiles: catalogue and powered flight (missile.c, flight.c).             */
/* ------------------------------------------------------------------------ */
#define TS_MAX_STAGES 4
#define TS_MAX_CD 16
#define TS_NAME_LEN 64
#define TS_TEXT_LEN 512

typedef struct {
    double m_gross_kg;   /* stage mass at ignition, without upper stages */
    double m_prop_kg;    /* propellant burnt */
    double isp_vac_s;    /* vacuum specific impulse, s */
    double thrust_vac_n; /* vacuum thrust, N (constant over the burn) */
    double burn_s;       /* burn time, s */
    double area_ref_m2;  /* drag reference area, m^2 */
    double exit_area_m2; /* nozzle exit area (thrust loss p_a * A_e), m^2 */
} ts_stage;

typedef struct {
    char id[TS_NAME_LEN];         /* catalogue key, e.g. "shahab-3" */
    char name[TS_NAME_LEN];       /* display name */
    char range_class[8];          /* SRBM, MRBM, IRBM, ICBM (MDA classes) */
    char country[TS_NAME_LEN];
    int notional;                 /* 1 when built from estimates */
    int n_stages;
    ts_stage stage[TS_MAX_STAGES];
    double payload_kg;            /* reentry vehicle / front section */
    int n_cd;                     /* drag coefficient against Mach */
    double cd_mach[TS_MAX_CD], cd[TS_MAX_CD];
    double range_published_m;     /* published maximum range */
    char sources[TS_TEXT_LEN];    /* short citations, "; "-separated */
} ts_missile;

typedef struct {
    int n;
    ts_missile *items; /* owned */
} ts_missile_list;

/* Reads a missile catalogue (data/missiles.yaml).  Errors: TS_ESCENARIO with
 * "path:line:col: message". */
int ts_missiles_load(ts_ctx *ctx, const char *path, ts_missile_list *out);
void ts_missiles_free(ts_missile_list *list);
const ts_missile *ts_missiles_find(const ts_missile_list *list, const char *id);

typedef enum {
    TS_SHAPE_MIN_ENERGY = 0,
    TS_SHAPE_LOFTED,
    TS_SHAPE_DEPRESSED
} ts_flight_shape;

typedef struct {
    double burnout_t_s, burnout_h_m;
    double burnout_speed_mps;          /* inertial */
    double burnout_speed_relative_mps; /* relative to the rotating Earth */
    double burnout_gamma_rad;          /* inertial, above the local horizontal */
    double burnout_lat_rad, burnout_lon_rad;
    ts_state burnout_eci;
    double apogee_t_s, apogee_h_m;
    double flight_time_s;
    double ground_range_m;             /* launch point to impact, geodesic */
    double impact_lat_rad, impact_lon_rad;
    double miss_m;                     /* impact to aim point */
} ts_flight_summary;

/* Flies a missile from a launch point (height 0, t = 0) to an aim point:
 * vertical rise, pitch kick, gravity turn, shaped by shooting so that the
 * free flight after burnout hits the aim point.  traj (may be NULL) receives
 * the whole flight with its events.  TS_EIMPOSSIBLE when out of range. */
int ts_fly(ts_ctx *ctx, const ts_earth *earth, const ts_missile *missile,
           double lat_rad, double lon_rad, double aim_lat_rad, double aim_lon_rad,
           ts_flight_shape shape, ts_traj *traj, ts_flight_summary *out);

/* Greatest ground range on a min-energy (best-range) flight, m. */
int ts_missile_max_range(ts_ctx *ctx, const ts_earth *earth,
                         const ts_missile *missile, double *range_m);

/* ------------------------------------------------------------------------ */
/* Catalogue of places (data/sites.yaml; catalog.c).                         */
/* ------------------------------------------------------------------------ */
typedef struct {
    char id[TS_NAME_LEN];       /* key, e.g. "redzikowo" */
    char name[TS_NAME_LEN];     /* display name */
    char country[TS_NAME_LEN];
    char kind[TS_NAME_LEN];     /* "interceptor", "radar", "launch",
                                   "icbm-base", "city", "other" */
    double lat_rad, lon_rad, h_m; /* WGS-84 geodetic; h above the ellipsoid */
    char confidence[TS_NAME_LEN]; /* of the position, e.g. "approx., +-3 km" */
    char sources[TS_TEXT_LEN];
} ts_site;

/* ------------------------------------------------------------------------ */
/* Sensors: ground radars and space-based infrared (sensor.c).               */
/* ------------------------------------------------------------------------ */
#define TS_MAX_SECTORS 4
#define TS_MAX_FENCES 4
#define TS_MAX_LINKS 16

typedef enum { TS_SENSOR_RADAR = 0, TS_SENSOR_INFRARED } ts_sensor_kind;
typedef enum {
    TS_ROLE_EARLY_WARNING = 0, /* detects and cues; its track cannot commit */
    TS_ROLE_FIRE_CONTROL       /* its track can commit interceptors */
} ts_sensor_role;

/* An azimuth/elevation box a radar may look into: the scan limits of one
 * fixed phased-array face, or the sector a steerable dish may point into.
 * Azimuth clockwise from north, az_min -> az_max clockwise (may wrap
 * through north); elevation above the local (geodetic) horizontal. */
typedef struct {
    double az_min_rad, az_max_rad;
    double el_min_rad, el_max_rad;
} ts_sector;

typedef struct {
    char id[TS_NAME_LEN], name[TS_NAME_LEN];
    char owner[TS_NAME_LEN];   /* "US", "RU", "NATO": who hears it is per battery */
    ts_sensor_kind kind;
    ts_sensor_role role;
    char band[TS_NAME_LEN];    /* "X", "UHF", "VHF", "IR": for display */
    int notional;              /* 1 when a value rests on estimates */
    char site_id[TS_NAME_LEN]; /* catalogue site, "" when given by position */
    double lat_rad, lon_rad, h_m; /* antenna position (site height + mast) */
    /* radar */
    int steerable;             /* 1: a dish slewed within the sectors;
                                  0: fixed faces, each sector one face */
    int n_sectors;             /* 0: all azimuths, el_min..90 deg */
    ts_sector sector[TS_MAX_SECTORS];
    double el_min_rad;         /* minimum elevation (terrain, clutter) */
    int refraction;            /* 1: line of sight over a 4/3 Earth */
    double ref_range_m;        /* detection range against ref_rcs_m2 */
    double ref_rcs_m2;
    double max_range_m;        /* instrumented range limit (0: none) */
    double track_s;            /* first detection to a firm track */
    int needs_cue;             /* 1: cannot search alone, detects only once cued */
    int boost_blind;           /* 1: detects the threat only at or after its
                                  burnout (scenario key sees_boost: false);
                                  0, the default: sees it in boost too */
    /* infrared */
    double ir_detect_s;        /* launch detected this long after lift-off,
                                  only while the booster burns */
    double ir_latency_s;       /* reporting latency */
    char sources[TS_TEXT_LEN];
    /* Limits on the defense (scenario keys; docs/models-defense.md,
     * "Limits"; 0 everywhere: none).  A limit only ever takes away. */
    int off;                   /* 1: switched off, sees and reports nothing */
    int n_fences;              /* az/el boxes the radar may not look into: */
    ts_sector fence[TS_MAX_FENCES]; /* a target inside one is not seen */
    double range_cap_m;        /* range cap (range_max), m; 0: none */
    double power_cap;          /* power cap as a fraction of the power at
                                  which ref_range holds, 0 < x < 1 scales
                                  the detection range by x^(1/4); 0 or
                                  >= 1: none */
} ts_sensor;

/* Detection range (m) against a target of radar cross section rcs_m2:
 * R = ref_range (rcs / ref_rcs)^(1/4), from the radar equation. */
double ts_sensor_range(const ts_sensor *sensor, double rcs_m2);

/* Whether a radar at its site sees the point r_ecef (m): line of sight over
 * the ellipsoid (4/3 Earth if refraction), minimum elevation, sectors and
 * range against rcs_m2. */
int ts_sensor_sees(const ts_earth *earth, const ts_sensor *sensor,
                   const ts_vec3 *r_ecef, double rcs_m2);

/* The ground a radar covers against a target at geodetic height h_m of
 * radar cross section rcs_m2: for n_az azimuths evenly from north, the
 * farthest point at which the target is seen (to 1 km; the site where none
 * is), into the caller's lat_rad[n_az], lon_rad[n_az].  TS_EINVAL when
 * n_az < 1. */
int ts_sensor_coverage_ring(const ts_earth *earth, const ts_sensor *sensor,
                            double h_m, double rcs_m2, int n_az,
                            double *lat_rad, double *lon_rad);

/* The radar equation for one dwell, to derive a reference range from a
 * radar's physical parameters: R^4 = P_av t G A_e sigma / ((4 pi)^2 k T_s L
 * SNR), A_e = efficiency * A, G = 4 pi A_e / lambda^2 (the radar equation in
 * its average-power, dwell-time form: Skolnik, "Introduction to Radar
 * Systems", 3rd ed. 2001, ch. 2; the check of SOURCES.md). */
typedef struct {
    double power_avg_w;  /* average transmitted power, W */
    double dwell_s;      /* integration time on the target, s */
    double aperture_m2;  /* physical antenna area, m^2 */
    double efficiency;   /* effective / physical area (0: 0.8) */
    double freq_hz;      /* carrier frequency, Hz */
    double t_sys_k;      /* system noise temperature, K */
    double loss_db;      /* total losses, dB */
    double snr_db;       /* signal-to-noise ratio needed to detect, dB */
} ts_radar_equation;
/* Detection range (m) against rcs_m2; 0 when a parameter is not positive. */
double ts_radar_equation_range(const ts_radar_equation *radar, double rcs_m2);

/* ------------------------------------------------------------------------ */
/* Interceptors and their fly-out reach (interceptor.c).                     */
/* ------------------------------------------------------------------------ */
typedef struct {
    char id[TS_NAME_LEN], name[TS_NAME_LEN];
    int n_stages;              /* > 0: booster given by stages ... */
    ts_stage stage[TS_MAX_STAGES];
    double kv_mass_kg;         /* kill vehicle (payload of the stages) */
    double burnout_speed_mps;  /* ... or, when n_stages == 0, by its burnout
                                  speed and burn time */
    double burn_s;
    double h_min_m, h_max_m;   /* intercept altitude limits */
    double range_max_m;        /* greatest ground range of an intercept */
    double flyout_max_s;       /* longest fly-out the kill vehicle lasts
                                  (0: no limit) */
    /* hit-to-kill geometry (the supported framing; 0: no limit) */
    double closing_min_mps;    /* least closing speed at intercept */
    double aspect_max_rad;     /* largest aspect angle: 0 head-on, pi tail chase */
    int notional;
    char sources[TS_TEXT_LEN];
    /* Limit (scenario key burnout_speed_max; 0: none): the booster stops
     * thrusting at this speed (docs/models-defense.md, "Limits"), m/s */
    double burnout_speed_cap_mps;
} ts_interceptor;

/* The interceptor as flown under its burnout-speed cap: a burnout-speed
 * booster faster than the cap burns at its own acceleration until the cap
 * (burnout_speed = cap, burn_s scaled by cap / burnout_speed: the burn cut
 * short, or propellant offloaded, in the constant-acceleration model);
 * below the cap, or without one, the interceptor unchanged.  A staged
 * booster is copied unchanged (its cap acts in the fly-out, which cuts the
 * thrust where the speed reaches it).  out may be in. */
void ts_interceptor_capped(const ts_interceptor *in, ts_interceptor *out);

/* Fly-out table of one interceptor type from a site of a given latitude:
 * the least time (s) from launch to reach a point at (ground range,
 * geodetic height), and the interceptor's velocity there, over a rotating
 * earth (the site's motion is part of the launch velocity): tables over the
 * rotation rate w_n of the plane of flight (docs/models-defense.md,
 * "Fly-out").  Precomputed once; read-only after. */
typedef struct ts_flyout ts_flyout;
int ts_flyout_create(ts_ctx *ctx, const ts_earth *earth,
                     const ts_interceptor *interceptor, double site_lat_rad,
                     ts_flyout **out);
void ts_flyout_free(ts_flyout *flyout);
/* Least time to reach (range_m, h_m) on a non-rotating earth (w_n = 0);
 * a negative value if out of reach. */
double ts_flyout_time(const ts_flyout *flyout, double range_m, double h_m);
/* The same in a plane of flight turning at wn_rads: 1 and the time (s) and
 * arrival velocity (inertial, radial and down-range, m/s); 0 out of reach. */
int ts_flyout_lookup(const ts_flyout *flyout, double wn_rads, double range_m, double h_m,
                     double *t_s, double *v_radial_mps, double *v_down_mps);

typedef struct {
    double t_s;        /* least fly-out time, s */
    double range_m;    /* ground range flown, in the launch-time frame, m */
    double wn_rads;    /* rotation rate of the plane of flight, rad/s */
    ts_vec3 v_ecef;    /* interceptor's inertial velocity at arrival, in
                          the ECEF axes of the arrival time, m/s */
} ts_flyout_arrival;
/* Least fly-out time from site_ecef to target_ecef (where the target is at
 * the intercept; h_m its geodetic height) on the rotating earth: 1 and
 * *out when in reach (interceptor limits aside), 0 otherwise.  t_guess_s:
 * a first guess (<= 0: none). */
int ts_flyout_reach(const ts_flyout *flyout, const ts_vec3 *site_ecef,
                    const ts_vec3 *target_ecef, double h_m, double t_guess_s,
                    ts_flyout_arrival *out);
/* The same least times by direct simulation (root finding over the family
 * of fly-outs, no table): slow, the references the tables are tested
 * against.  Kinematic reach only (ignores h_min, h_max, range_max).  TS_OK,
 * or TS_EIMPOSSIBLE when no fly-out of the family reaches the point. */
int ts_flyout_time_direct(ts_ctx *ctx, const ts_earth *earth,
                          const ts_interceptor *interceptor, double range_m,
                          double h_m, double *t_s);
int ts_flyout_reach_direct(ts_ctx *ctx, const ts_earth *earth,
                           const ts_interceptor *interceptor, const ts_vec3 *site_ecef,
                           const ts_vec3 *target_ecef, double h_m, double *t_s);

/* ------------------------------------------------------------------------ */
/* A defense: sensors, interceptor batteries, doctrine (defense.c).          */
/* ------------------------------------------------------------------------ */
typedef enum { TS_DOCTRINE_SALVO = 0, TS_DOCTRINE_SHOOT_LOOK_SHOOT } ts_doctrine_mode;

/* The two framings of every engagement (docs/models-defense.md,
 * "Framings"): what the interceptor could reach in time (the question Lewis
 * and Postol asked: "within reach", never "defended"), and what a defense
 * could do with the tracks it has (the question MDA and O'Reilly answered). */
typedef enum {
    TS_FRAMING_KINEMATIC = 0, /* reach in time, altitude, range, fly-out limits */
    TS_FRAMING_SUPPORTED = 1, /* + in track by an updating sensor, hit-to-kill geometry */
    TS_N_FRAMINGS = 2
} ts_framing;
const char *ts_framing_name(ts_framing framing); /* "kinematic", "supported" */

typedef struct {
    ts_doctrine_mode mode;
    int salvo;                 /* interceptors per shot opportunity (>= 1) */
    double sspk;               /* single-shot probability of kill, 0..1 */
    double decision_s;         /* fire-control track to commit */
    double kill_assessment_s;  /* intercept to the next launch decision (SLS) */
    /* supported framing (batteries may override, < 0 there: these) */
    double track_before_intercept_s; /* in track this long before intercept */
    double update_gap_max_s;   /* longest time since the last look at intercept */
    ts_framing headline;       /* the framing of headline answers */
} ts_doctrine;

/* Readiness of a battery (scenario key state). */
typedef enum {
    TS_STATE_READY = 0,              /* the default */
    TS_STATE_EMPLACED_UNFUELLED,     /* built, not ready: activation_delay
                                        before any launch */
    TS_STATE_NOT_EMPLACED            /* no interceptors at the site */
} ts_readiness_state;
const char *ts_readiness_state_name(ts_readiness_state state);

typedef struct {
    char id[TS_NAME_LEN];      /* e.g. "redzikowo-gbi" */
    ts_interceptor interceptor; /* resolved type with inline overrides */
    char site_id[TS_NAME_LEN];
    double lat_rad, lon_rad, h_m;
    int inventory;
    double readiness_s;        /* commit to first launch */
    int n_fire_control;        /* sensors (indices into the defense) whose */
    int fire_control[TS_MAX_LINKS]; /* tracks may commit this battery */
    int n_hears;               /* sensors whose reports reach this battery */
    int hears[TS_MAX_LINKS];   /* (cues for its fire-control radars) */
    int n_launch_remote;       /* launch on remote: radars of any role */
    int launch_remote[TS_MAX_LINKS]; /* whose tracks may commit it too */
    int n_updates;             /* engage on remote: radars besides its fire */
    int updates[TS_MAX_LINKS]; /* control that may update its interceptors
                                  in flight (supported framing) */
    double track_before_intercept_s; /* < 0: the doctrine's */
    double update_gap_max_s;         /* < 0: the doctrine's */
    /* Limits (scenario keys; docs/models-defense.md, "Limits"; 0: none) */
    int off;                   /* 1: switched off: never committed */
    ts_readiness_state state;  /* not emplaced: never committed */
    double activation_delay_s; /* added to readiness (commit to launch) */
    int has_inventory_max;     /* 1: at most inventory_max interceptors */
    int inventory_max;
    int no_engage_on_remote;   /* 1 (engage_on_remote: false): in the
                                  supported framing only its colocated
                                  fire-control radars (within
                                  TS_COLOCATED_M, or on its site) update
                                  its interceptors */
} ts_battery;

/* A radar is colocated with a battery within this ground distance, m
 * (engage_on_remote: false; notional: docs/models-defense.md, "Limits"). */
#define TS_COLOCATED_M 20e3

/* The interceptors a battery can fire under its limits: 0 when switched
 * off or not emplaced, else its inventory capped by inventory_max. */
int ts_battery_inventory(const ts_battery *battery);
/* Whether its limits keep a battery from ever being committed (switched
 * off or not emplaced). */
int ts_battery_disabled(const ts_battery *battery);

typedef struct {
    int n_sensors;
    ts_sensor *sensors;        /* owned */
    int n_batteries;
    ts_battery *batteries;     /* owned */
    ts_doctrine doctrine;
} ts_defense;
void ts_defense_free(ts_defense *defense); /* frees the arrays, not *defense */
int ts_defense_copy(ts_ctx *ctx, const ts_defense *src, ts_defense *dst);

/* ------------------------------------------------------------------------ */
/* One threat trajectory against one defense (engage.c).                     */
/* ------------------------------------------------------------------------ */
#define TS_MAX_SHOTS 8

typedef struct {
    double detect_s;           /* first detection, s after launch; < 0: never */
    double track_s;            /* firm track; < 0: never */
} ts_sensor_result;

/* Why the supported framing refused an intercept the kinematic one allows
 * (judged at the kinematic first intercept). */
typedef enum {
    TS_REFUSE_NONE = 0,
    TS_REFUSE_NOT_SEEN,        /* no updating sensor sees the threat there */
    TS_REFUSE_TRACK_SHORT,     /* seen, but not in track long enough before */
    TS_REFUSE_CLOSING,         /* closing speed below the kill vehicle's least */
    TS_REFUSE_ASPECT,          /* aspect beyond the largest (a tail chase) */
    TS_REFUSE_OTHER            /* allowed there, but no shot fits the window */
} ts_refusal;
const char *ts_refusal_text(ts_refusal why); /* a phrase for reports */

/* Where and how one intercept happens. */
typedef struct {
    double t_s;                /* s after launch */
    double lat_rad, lon_rad, h_m; /* geodetic */
    double ground_range_m;     /* from the battery, geodesic */
    double flyout_s;           /* interceptor launch to intercept */
    double closing_speed_mps;  /* |v_interceptor - v_threat| (inertial) */
    double aspect_rad;         /* angle between v_interceptor and -v_threat:
                                  0 head-on, pi tail chase */
    int n_supported;           /* updating sensors in track there */
    int supported_by[TS_MAX_LINKS];  /* their indices */
    int n_radars;              /* every radar of the defense (the first */
    int radar[TS_MAX_LINKS];   /* TS_MAX_LINKS): its index, whether it */
    int radar_sees[TS_MAX_LINKS];    /* sees the point, slant range and */
    double radar_range_m[TS_MAX_LINKS]; /* elevation of the point from it */
    double radar_el_rad[TS_MAX_LINKS];
} ts_intercept;

/* The intercept's place and geometry in words ("586 km up near 49N 62W,
 * 5,214 km from Redzikowo, closing 0.66 km/s from behind; no radar of the
 * defense sees it"); from: the battery's place name. */
void ts_intercept_describe(const ts_intercept *x, const ts_defense *defense,
                           const char *from, char *buf, size_t size);

/* One battery's answer under one framing. */
typedef struct {
    int has_launch_window;
    double launch_s[2];        /* earliest, latest launch that can intercept */
    int has_intercept_window;
    double intercept_s[2];     /* earliest, latest intercept time */
    int shots;                 /* shot opportunities taken (each a salvo) */
    int interceptors_used;
    double shot_launch_s[TS_MAX_SHOTS], shot_intercept_s[TS_MAX_SHOTS];
    ts_intercept intercept[TS_MAX_SHOTS]; /* geometry of each shot */
    double p_kill;             /* this battery's kill probability (notional
                                  SSPK) */
    double margin_s;           /* latest launch minus commit + readiness;
                                  < 0 when too late */
    int has_margin;            /* 0: margin_s undefined (never committed,
                                  or no point of the path allowed) */
    ts_refusal refused;        /* supported only: why, where the kinematic
                                  framing has a shot and this has none */
} ts_battery_framing;

typedef struct {
    double commit_s;           /* < 0: never committed */
    int commit_sensor;         /* the sensor whose track committed; -1 */
    ts_battery_framing framing[TS_N_FRAMINGS];
    /* The headline framing's answer (doctrine.headline), copied: */
    int has_launch_window;
    double launch_s[2];
    int has_intercept_window;
    double intercept_s[2];
    int shots;
    int interceptors_used;
    double shot_launch_s[TS_MAX_SHOTS], shot_intercept_s[TS_MAX_SHOTS];
    double p_kill;
    double margin_s;
    int has_margin;
} ts_battery_result;

typedef struct {
    double flight_time_s;
    int n_sensors;
    ts_sensor_result *sensors;   /* owned, one per defense sensor */
    double commit_s;             /* earliest commit of any battery; < 0 never */
    int n_batteries;
    ts_battery_result *batteries; /* owned, one per defense battery */
    double p_kill_by[TS_N_FRAMINGS]; /* all batteries together, per framing */
    int engaged_by[TS_N_FRAMINGS];   /* some battery has a shot, per framing */
    ts_framing headline;         /* the doctrine's headline framing */
    double p_kill;               /* the headline framing's */
    int defended;                /* the headline framing's engaged */
} ts_engagement;

/* Prepared defense: fly-out tables computed once, reusable by many
 * engagements (and threads: read-only after creation). */
typedef struct ts_engage_plan ts_engage_plan;
int ts_engage_plan_create(ts_ctx *ctx, const ts_earth *earth,
                          const ts_defense *defense, ts_engage_plan **out);
void ts_engage_plan_free(ts_engage_plan *plan);
ts_framing ts_engage_plan_headline(const ts_engage_plan *plan);

/* Engages one threat flight (its trajectory from launch, t = 0, with
 * burnout and impact events) of radar cross section rcs_m2. */
int ts_engage(ts_ctx *ctx, const ts_engage_plan *plan, const ts_traj *threat,
              double rcs_m2, ts_engagement *out);
void ts_engagement_free(ts_engagement *engagement);

/* A raid: several threats against the one inventory of each battery.
 * Threats are served in the order of their first shot (ties: input order),
 * each engaged with what its predecessors left. */
typedef struct {
    int n_threats;
    ts_engagement *threats;    /* owned, input order, each as served */
    int *order;                /* owned: threat indices in serving order */
    int n_batteries;
    int *spent;                /* owned: interceptors spent per battery */
    int interceptors_spent;    /* all batteries */
    int threats_engaged;       /* threats with at least one shot */
    double expected_leakers;   /* sum over threats of 1 - p_kill */
} ts_raid;
int ts_engage_raid(ts_ctx *ctx, const ts_engage_plan *plan, int n_threats,
                   const ts_traj *const *threats, const double *rcs_m2,
                   ts_raid *out);
void ts_raid_free(ts_raid *raid); /* frees the arrays, not *raid */

/* ------------------------------------------------------------------------ */
/* Scenario files (scenario.c) and the catalogues they refer to.             */
/* ------------------------------------------------------------------------ */
typedef struct {
    char name[TS_NAME_LEN];    /* site id or "LAT,LON" as written */
    double lat_rad, lon_rad;
} ts_place;

typedef struct {
    char id[TS_NAME_LEN];
    ts_missile missile;        /* resolved, with inline overrides */
    int n_from;
    ts_place *from;            /* owned: launch area (one or more sites) */
    ts_flight_shape shape;
    double rcs_m2;             /* warhead radar cross section */
} ts_threat;

typedef struct {
    int threat;                /* index into threats */
    ts_place from, to;
    char name[TS_NAME_LEN];
    int line, col;             /* the entry in the scenario file (warnings) */
} ts_engagement_spec;

/* A region's membership beyond its box: the countries or polygons it is
 * made of (region.c); opaque. */
typedef struct ts_region ts_region;

typedef struct {
    char name[TS_NAME_LEN];    /* unique among the footprints */
    int threat;
    char region[TS_NAME_LEN];  /* "europe", "north-america" or as written */
    double lat_min_rad, lat_max_rad, lon_min_rad, lon_max_rad; /* the grid */
    double step_rad;
    ts_region *region_def;     /* owned: the countries or polygons of the
                                  region; NULL when it is the box itself */
    char region_desc[TS_TEXT_LEN]; /* the region in words, for reports */
} ts_footprint_spec;

typedef struct {
    char name[TS_NAME_LEN];    /* unique among the matrices */
    int threat;                /* the first (or only) threat */
    int n_from, n_to;
    ts_place *from, *to;       /* owned; rows (bases) and columns (targets) */
    int *row_threat;           /* owned, [n_from]: the threat each row flies
                                  (a matrix of several `threats` has one row
                                  per base and missile) */
    int line, col;             /* the entry in the scenario file (warnings) */
} ts_matrix_spec;

/* One limit on a variant's defense, as resolved for the report: which
 * entry, which limit, its value, and what a monitor would observe to
 * verify it (docs/scenario-format.md, "Limits"). */
typedef struct {
    char entry[TS_NAME_LEN];   /* the sensor's or battery's id */
    char entry_kind[16];       /* "sensor" or "battery" */
    char limit[32];            /* the key: "fences", "burnout_speed_max", ... */
    char value[160];           /* in words with units: "5 km/s", "45..135 deg
                                  azimuth, -90..90 deg elevation" */
    double si;                 /* the value in SI (NAN when not a number) */
    char unit[8];              /* of si: "m/s", "s", "m", "1", "" */
    char verify[TS_TEXT_LEN];  /* what a monitor would observe */
    int verify_default;        /* 1: the default text (none given) */
} ts_limit;

typedef struct {
    char name[TS_NAME_LEN];    /* "base", or the variant's key */
    char description[TS_TEXT_LEN]; /* what the variant assumes, "" if none */
    ts_defense defense;        /* resolved with the variant's overrides */
    int n_limits;              /* the limits of its defense, in entry order */
    ts_limit *limits;          /* owned (NULL when none) */
} ts_variant;

#define TS_SETTING_PATH_LEN 128
#define TS_SETTING_VALUE_LEN 512

/* One override of a scenario value, as `--set PATH=VALUE` gives it: PATH
 * as in the scenario ("batteries.redzikowo.burnout_speed",
 * "sensors.emr.ref_range", "doctrine.sspk", "threats.iran-icbm.rcs",
 * "variants.lewis-postol-2007.batteries.redzikowo.readiness"), VALUE as
 * YAML flow text ("7 km/s", "[emr, sbirs]", "{use: gbi-3stage}"). */
typedef struct {
    char path[TS_SETTING_PATH_LEN];
    char value[TS_SETTING_VALUE_LEN];
} ts_setting;

typedef struct {
    char path[TS_TEXT_LEN];
    char name[TS_NAME_LEN], title[TS_TEXT_LEN];
    char question[2048];
    char sources[TS_TEXT_LEN];
    ts_earth earth;
    int n_variants;            /* >= 1; variants[0] is the base defense */
    ts_variant *variants;
    int n_threats;
    ts_threat *threats;
    int n_engagements;
    ts_engagement_spec *engagements;
    int n_footprints;
    ts_footprint_spec *footprints;
    int n_matrices;
    ts_matrix_spec *matrices;
    char data_dir[TS_TEXT_LEN]; /* where its catalogues were read from */
    int n_settings;            /* the settings applied (ts_scenario_load_with) */
    ts_setting *settings;      /* owned, in order */
} ts_scenario;

/* Loads and validates a scenario, resolving catalogue references against
 * data_dir (NULL: ts_data_dir()).  TS_ESCENARIO with every error of the
 * file, one a line, "path:line:col: error: message (hint)". */
int ts_scenario_load(ts_ctx *ctx, const char *path, const char *data_dir,
                     ts_scenario **out);
void ts_scenario_free(ts_scenario *scenario);

/* The analyses of a loaded scenario that cannot be flown: an engagement or
 * a matrix pair whose target lies beyond the missile's reach from its
 * launch point (flown with ts_fly, the Earth as the scenario has it).  Each
 * is one line of *text, "path:line:col: warning: ..." (malloc'ed, the
 * caller frees; NULL when there is none); *n their number.  A scenario with
 * warnings is valid: `run` reports such analyses as out of reach.
 * Returns TS_OK or TS_ENOMEM. */
int ts_scenario_warnings(ts_ctx *ctx, const ts_scenario *scenario, char **text, int *n);

/* The shipped catalogues (lists owned by the caller; free with ts_free). */
int ts_sites_load(ts_ctx *ctx, const char *path, int *n, ts_site **out);
int ts_sensors_load(ts_ctx *ctx, const char *path, int *n, ts_sensor **out);
int ts_interceptors_load(ts_ctx *ctx, const char *path, int *n,
                         ts_interceptor **out);
void ts_free(void *p);

/* ------------------------------------------------------------------------ */
/* Defended-area footprints over a grid of aim points (footprint.c).         */
/* ------------------------------------------------------------------------ */
typedef enum {
    TS_CELL_UNREACHABLE = -1, /* beyond the missile's reach from every launch site */
    TS_CELL_UNDEFENDED = 0,
    TS_CELL_DEFENDED = 1
} ts_cell_status;

/* One framing's verdict on an aim point. */
typedef struct {
    signed char status;  /* ts_cell_status (DEFENDED: a shot is possible:
                            "within reach" in the kinematic framing) */
    unsigned char shots; /* shot opportunities against the worst launch site */
    float p_kill;        /* kill probability (notional SSPK), worst site */
    float margin_s;      /* launch-window slack, worst launch site, s: the
                            best battery's margin_s; NAN when no battery
                            has a launch window (and when unreachable) */
} ts_footprint_verdict;

typedef struct {
    /* the headline framing's verdict (doctrine.headline), as by[] holds it */
    signed char status;
    unsigned char shots;
    float p_kill;
    float margin_s;
    ts_footprint_verdict by[TS_N_FRAMINGS]; /* each framing, its own worst site */
} ts_footprint_cell;

typedef struct {
    int n_lat, n_lon;
    double lat_min_rad, lon_min_rad, step_rad; /* cell centres at min + (i+0.5) step */
    ts_footprint_cell *cells;  /* owned; cells[i_lat * n_lon + i_lon] */
    double region_area_m2;     /* all cells (ellipsoidal cell areas) */
    double defended_area_m2;   /* the headline framing's */
    double defended_area_by_m2[TS_N_FRAMINGS];
    int shots_histogram[TS_MAX_SHOTS + 1]; /* reachable cells by shots
                                  (0..TS_MAX_SHOTS; 0: undefended) */
    int n_failed;              /* cells where a flight or an engagement
                                  failed for a reason other than range (that
                                  launch site is then skipped for the cell) */
} ts_footprint;

/* Progress callback: fraction done 0..1; called from one thread only. */
typedef void (*ts_progress_fn)(void *arg, double fraction);

/* For each aim point of the spec's grid and each launch site of the threat:
 * fly, engage, keep the worst case over launch sites.  OpenMP over cells
 * with `threads` threads; the result does not depend on the thread count. */
int ts_footprint_compute(ts_ctx *ctx, const ts_earth *earth,
                         const ts_engage_plan *plan, const ts_threat *threat,
                         const ts_footprint_spec *spec, int threads,
                         ts_progress_fn progress, void *progress_arg,
                         ts_footprint *out);
void ts_footprint_free(ts_footprint *footprint);

/* What-if updates of one footprint (the threshold solver, sweeps and the
 * live view): a session flies the threat to every aim point once (keeps
 * the boost tables and each aim), then each update engages those flights
 * with a changed defense (a moved battery or radar, another burnout speed,
 * readiness, SSPK, radar range: any plan) and gives the cells that
 * ts_footprint_compute gives for that plan, byte for byte.  threat must
 * outlive the session; one update at a time per session. */
typedef struct ts_footprint_session ts_footprint_session;
int ts_footprint_session_create(ts_ctx *ctx, const ts_earth *earth,
                                const ts_threat *threat,
                                const ts_footprint_spec *spec, int threads,
                                ts_footprint_session **out);
int ts_footprint_session_update(ts_ctx *ctx, const ts_footprint_session *session,
                                const ts_engage_plan *plan, ts_footprint *out);
void ts_footprint_session_free(ts_footprint_session *session);

/* ------------------------------------------------------------------------ */
/* The main job: every analysis of a scenario, into a folder (run.c).        */
/* ------------------------------------------------------------------------ */
/* Progress of a run: the step under way ("footprint europe") and the
 * fraction of it done, 0..1; called from one thread only. */
typedef void (*ts_run_progress_fn)(void *arg, const char *step, double fraction);

typedef struct {
    const char *out_dir;        /* NULL: out/<scenario name> */
    int threads;                /* >= 1 */
    ts_run_progress_fn progress; /* may be NULL */
    void *progress_arg;
    const volatile int *cancel; /* may be NULL; the run stops, leaving
                                   nothing, once *cancel != 0 */
} ts_run_opts;

/* Performs the scenario's analyses for every variant and writes the run
 * folder (docs/report-format.md): everything goes to a temporary folder
 * beside out_dir, renamed into place only when complete, so a failed or
 * cancelled run leaves nothing and an earlier folder is replaced only by a
 * complete one.  Status: TS_OK; TS_EINTERRUPTED once *opts->cancel became
 * non-zero; TS_EIO (files); TS_ENOMEM; others from the modules. */
int ts_run(ts_ctx *ctx, const ts_scenario *scenario, const ts_run_opts *opts);

/* ------------------------------------------------------------------------ */
/* Settings, named answers and conditions (settings.c, answers.c): what      */
/* `run --set`, threshold, compare, sensitivity, sweeps and the what-if      */
/* server share (docs/scenario-format.md "Settings", docs/answers.md).      */
/* ------------------------------------------------------------------------ */
/* ts_setting: see "Settings, named answers and conditions" below. */

/* Splits "PATH=VALUE" at the first '=' (blanks around either part dropped).
 * TS_EINVAL when there is no '=', an empty part or an over-long one. */
int ts_setting_parse(ts_ctx *ctx, const char *arg, ts_setting *out);

/* ts_scenario_load with settings applied, in order, to the file's tree
 * before it is validated: the scenario the file would be with those values
 * written in.  A setting of the defense (batteries., sensors., doctrine.)
 * wins over the base and over every variant that sets the same key.  A bad
 * path is refused naming it and the keys known there; a bad value is
 * refused as "--set PATH: error: ..." (TS_ESCENARIO). */
int ts_scenario_load_with(ts_ctx *ctx, const char *path, const char *data_dir,
                          const ts_setting *settings, int n_settings,
                          ts_scenario **out);

/* A named answer of one variant's run (docs/answers.md): "ANALYSIS.NAME" or
 * "ANALYSIS.FRAMING.NAME", e.g. "europe.supported.defended_land_share",
 * "russian-icbms.kinematic.engaged", "semnan-london.detection". */
#define TS_ANSWER_NAME_LEN (TS_NAME_LEN + 64)
typedef struct {
    char name[TS_ANSWER_NAME_LEN];
    double value;              /* SI; NAN when undefined (e.g. no margin) */
    char unit[8];              /* "1" (ratio or count), "s", "m^2" */
    char what[192];            /* what it is, with what a share is of */
} ts_answer;

/* One footprint's aim points under each framing (ts_eval_opts.grids): what
 * sweeps turn into maps of the probability that a point is defended. */
typedef struct {
    char analysis[TS_NAME_LEN];
    int n_lat, n_lon;
    double lat_min_rad, lon_min_rad, step_rad; /* as ts_footprint */
    signed char *status[TS_N_FRAMINGS]; /* [n_lat * n_lon] ts_cell_status, owned */
    unsigned char *land;       /* [n_lat * n_lon] 1: in the region's land, owned */
} ts_answer_grid;

typedef struct {
    int n;
    ts_answer *a;              /* owned, in report order */
    int n_grids;
    ts_answer_grid *grids;     /* owned; only with ts_eval_opts.grids */
} ts_answers;

typedef struct {
    int variant;               /* index into scenario->variants */
    int threads;               /* >= 1; answers do not depend on it */
    const char *const *only;   /* analysis names to compute; NULL: all */
    int n_only;
    const volatile int *cancel; /* may be NULL: TS_EINTERRUPTED */
    int grids;                 /* 1: also each footprint's cells */
} ts_eval_opts;

/* Computes one variant's analyses (no file is written) and their named
 * answers, the same numbers `ts_run` writes for that variant. */
int ts_evaluate(ts_ctx *ctx, const ts_scenario *scenario, const ts_eval_opts *opts,
                ts_answers *out);
const ts_answer *ts_answers_find(const ts_answers *answers, const char *name);
void ts_answers_free(ts_answers *answers);

/* A condition over named answers, "NAME OP NUMBER" with OP one of == != <
 * <= > >=, the number plain or a percentage ("60%"), or a quantity in the
 * answer's unit ("30 s"). */
typedef enum { TS_CMP_EQ = 0, TS_CMP_NE, TS_CMP_LT, TS_CMP_LE, TS_CMP_GT, TS_CMP_GE } ts_cmp_op;
typedef struct {
    char name[TS_ANSWER_NAME_LEN];
    ts_cmp_op op;
    double value;              /* SI */
    char text[256];            /* as written */
} ts_condition;
/* TS_EINVAL with the fault named (offset in the message). */
int ts_condition_parse(ts_ctx *ctx, const char *text, ts_condition *out);
/* *holds = whether it holds (an undefined answer, NAN, never does).
 * TS_EINVAL when the answer is not among `answers` (the message lists the
 * names there are). */
int ts_condition_eval(ts_ctx *ctx, const ts_condition *cond, const ts_answers *answers,
                      int *holds);
/* The analysis a condition or answer name refers to: the text before its
 * first '.', into buf. */
void ts_answer_analysis(const char *name, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Sweeps and uncertainty studies (study.c, sweep*.c, journal.c;             */
/* docs/study-format.md): a scenario's answers over disputed parameters.    */
/* ------------------------------------------------------------------------ */
typedef struct ts_study ts_study;

/* Reads a study file: its scenario (relative to the study), the parameters
 * (--set paths) and their distributions, the answers, cases and seed.
 * TS_ESCENARIO with every error, "path:line:col: error: ..." one a line;
 * TS_EIO when the file cannot be read. */
int ts_study_load(ts_ctx *ctx, const char *path, ts_study **out);
void ts_study_free(ts_study *study);
/* Cases the study runs: N (k + 2) + 2k + 1 for N base points and k
 * parameters (Saltelli's design and the one-at-a-time cases), or the
 * product of the grid sizes for a grid study. */
long ts_study_cases(const ts_study *study);

typedef struct {
    const char *out_dir;        /* NULL: out/<study name> */
    const char *data_dir;       /* NULL: ts_data_dir() */
    int threads;                /* >= 1, per process; the files do not depend on it */
    int resume;                 /* 1: continue from the journal of a killed sweep */
    ts_run_progress_fn progress; /* may be NULL; ("cases", fraction) */
    void *progress_arg;
    const volatile int *cancel; /* may be NULL: the sweep stops, its journal kept */
} ts_sweep_opts;

typedef struct {
    int writer;                 /* 1 in the process that wrote the folder (MPI
                                   rank 0, or the only one) */
    int ranks;                  /* MPI processes (1 without mpirun) */
    long cases, resumed;        /* cases in all; of them read back from the journal */
    char out_dir[4096];
    char headline[512];         /* the study's first answer in one line */
} ts_sweep_result;

/* Runs every case of the study (each: the scenario with the case's
 * settings, ts_evaluate) on threads and, under mpirun, on every rank
 * (built with Open MPI), journalling each finished case beside the output
 * folder, then writes the folder (cases.csv, report.json, maps, charts,
 * index.html) as a run writes its own: in place only when complete.
 * Same bytes for any threads and ranks.  Status: TS_OK; TS_ESCENARIO (the
 * study or a parameter value, file:line:col); TS_EOUTDIR; TS_EINTERRUPTED;
 * TS_EIO; TS_ENOMEM; others from the cases. */
int ts_sweep(ts_ctx *ctx, const ts_study *study, const ts_sweep_opts *opts,
             ts_sweep_result *result);

/* ------------------------------------------------------------------------ */
/* Quantities with units, at the edge: scenario files and options (units.c). */
/* ------------------------------------------------------------------------ */
typedef enum {
    TS_Q_LENGTH = 0, /* m, km, NM (nautical mile), ft */
    TS_Q_SPEED,      /* m/s, km/s, km/h */
    TS_Q_TIME,       /* s, min, h */
    TS_Q_ANGLE,      /* deg, rad */
    TS_Q_MASS,       /* kg, t */
    TS_Q_FORCE,      /* N, kN, MN */
    TS_Q_AREA,       /* m^2, km^2 */
    TS_Q_POWER,      /* W, kW, MW */
    TS_Q_FREQUENCY,  /* Hz, MHz, GHz */
    TS_Q_RATIO       /* a bare number, or a percentage */
} ts_quantity_kind;

/* Parses "7.2 km/s", "120s", "2,000 km" into SI.  A bare number is refused
 * (TS_EUNIT) except for TS_Q_RATIO.  On error the message says what was
 * expected and *bad_offset (may be NULL) is the byte offset of the fault. */
int ts_quantity_parse(ts_ctx *ctx, const char *text, ts_quantity_kind kind,
                      double *si, int *bad_offset);
/* Parses a position: "54.48N 17.11E", "54.48N,17.11E", "54.48,17.11"
 * (decimal degrees, lat first) or "54.48 deg, -17.11 deg".  Checks
 * |lat| <= 90 deg and |lon| <= 180 deg.  Radians out. */
int ts_latlon_parse(ts_ctx *ctx, const char *text, double *lat_rad,
                    double *lon_rad, int *bad_offset);
/* Name of the SI unit of a kind ("m", "m/s", ...). */
const char *ts_quantity_si_unit(ts_quantity_kind kind);

/* Directory of the shipped catalogue: $THIRDSITE_DATA, else the source
 * tree's data/ (compiled in). */
const char *ts_data_dir(void);

/* ------------------------------------------------------------------------ */
/* Thresholds, sensitivity and comparisons (threshold.c, sensitivity.c,     */
/* compare.c): `thirdsite threshold`, `sensitivity`, `compare`              */
/* (docs/analysis-commands.md).  Messages name the command-line option a    */
/* fault is in ("--vary", "--between", "--until", "--keep", "--tol",         */
/* "--variant", "--answer", "--ranges").                                     */
/* ------------------------------------------------------------------------ */
/* A value of a scenario key as written ("5 km/s", "30 s", "0.8", "60%"):
 * its SI value and kind, the first kind whose units it parses in (a bare
 * number or a percentage: TS_Q_RATIO), and the unit as written ("km/s")
 * with its SI factor, for display.  TS_EUNIT when it is no quantity. */
typedef struct {
    double si;
    ts_quantity_kind kind;
    char unit[16];             /* as written; "" for a bare number */
    double unit_si;            /* SI value of one `unit` (1 for "") */
} ts_value_text;
int ts_value_text_parse(ts_ctx *ctx, const char *text, ts_value_text *out);
/* The setting text of an SI value of a kind ("6300.5 m/s"), exact to 17
 * digits. */
void ts_value_text_format(double si, ts_quantity_kind kind, char *buf, size_t size);

typedef struct {
    const char *scenario_path, *data_dir; /* data_dir NULL: ts_data_dir() */
    const ts_setting *settings;           /* fixed settings applied first */
    int n_settings;
    const char *vary;                     /* the PATH varied */
    const char *lo, *hi;                  /* its range as written, lo < hi */
    const char *tol;                      /* NULL: (hi - lo) / 100 */
    const char *until, *keep;             /* conditions; keep may be NULL */
    const char *variant;                  /* NULL: the base defense */
    int threads;                          /* >= 1 */
    int n_check;                          /* points of the monotonicity check
                                             (ends included), 0: 9 */
    const volatile int *cancel;           /* may be NULL */
} ts_threshold_opts;

typedef struct {
    double x;                  /* SI */
    int until, keep;           /* whether each condition holds (keep: -1 none) */
    ts_answers answers;        /* the analyses named in the conditions */
} ts_threshold_point;

typedef struct {
    char scenario[TS_NAME_LEN], variant[TS_NAME_LEN], scenario_path[TS_TEXT_LEN];
    char parameter[TS_SETTING_PATH_LEN];
    ts_quantity_kind kind;
    char unit[16];             /* SI unit of the parameter ("m/s") */
    char display_unit[16];     /* the unit --between was written in */
    double display_si;         /* SI value of one display unit */
    double lo, hi, tol;        /* SI */
    ts_condition until, keep;
    int has_keep;
    double threshold;          /* SI: the middle of [below, above] */
    int i_below, i_above;      /* points[]: the bracket's ends, above - below <= tol */
    int until_below;           /* 1: --until holds on the low side */
    int n_points;              /* every point evaluated, increasing x */
    ts_threshold_point *points; /* owned */
    int n_evaluations;
} ts_threshold_result;

/* The value of opts->vary at which opts->until starts or stops holding
 * over [lo, hi]: n_check points sampled (ends included), refused
 * (TS_EINVAL, the values and whether it holds at each in the message) when
 * it holds at both ends, at neither, or changes more than once; then
 * bisection (GSL's gsl_root_fsolver_bisection on the indicator +-1) until
 * the bracket is at most tol wide.  Only the analyses named in the
 * conditions are computed.  Input faults name the option (TS_EINVAL,
 * TS_EUNIT, TS_ESCENARIO). */
int ts_threshold(ts_ctx *ctx, const ts_threshold_opts *opts, ts_threshold_result *out);
void ts_threshold_free(ts_threshold_result *res);
/* The result as JSON text (report.json of the folder, `--json`), malloc'd. */
char *ts_threshold_json(const ts_threshold_result *res);
/* The folder: report.json, tables/curve.csv, charts/curve.png and .svg,
 * index.html; written like a run folder (temporary folder, manifest,
 * renamed into place; TS_EOUTDIR when out_dir holds files not of a run). */
int ts_threshold_write(ts_ctx *ctx, const ts_threshold_result *res, const char *out_dir);


/* Sensitivity of one named answer to each parameter of a ranges file
 * (data/uncertainty.yaml: PATH: {low, high, what, sources}): the answer
 * with the parameter at its low and at its high end, all else as the
 * scenario has it (one-at-a-time finite differences over the documented
 * range), ranked: first the parameters at one of whose ends the answer is
 * undefined (it changes whether there is an answer at all), then by the
 * swing |at_high - at_low|, ties in file order.  Entries whose battery,
 * sensor, threat or variant the scenario lacks are skipped (noted). */
typedef struct {
    const char *scenario_path, *data_dir;
    const ts_setting *settings;           /* fixed settings applied first */
    int n_settings;
    const char *answer;                   /* the named answer */
    const char *variant;                  /* NULL: the base defense */
    const char *ranges_path;              /* NULL: DATA/uncertainty.yaml */
    int threads;
    const volatile int *cancel;
} ts_sensitivity_opts;

typedef struct {
    char path[TS_SETTING_PATH_LEN];
    char what[TS_NAME_LEN * 2], sources[TS_TEXT_LEN];
    char low_text[64], high_text[64];     /* as the ranges file writes them */
    double low, high;                     /* SI */
    char unit[16];                        /* the unit written, for display */
    double unit_si;
    double at_low, at_high;               /* the answer, SI (NAN: undefined) */
    double swing;                         /* |at_high - at_low|; NAN when one end only is
                                             undefined, 0 when both are */
    double slope;                         /* (at_high - at_low) / (high - low), per SI unit */
    int line, col;                        /* of its key in the ranges file */
} ts_sensitivity_item;

typedef struct {
    char scenario[TS_NAME_LEN], variant[TS_NAME_LEN], scenario_path[TS_TEXT_LEN];
    char ranges_path[TS_TEXT_LEN];
    ts_answer base;                       /* the answer as the scenario has it */
    int n_items;
    ts_sensitivity_item *items;           /* owned, ranked */
    int n_skipped;
    char (*skipped)[TS_SETTING_PATH_LEN + 128]; /* owned: "PATH: why" */
    int n_evaluations;
} ts_sensitivity_result;

int ts_sensitivity(ts_ctx *ctx, const ts_sensitivity_opts *opts, ts_sensitivity_result *out);
void ts_sensitivity_free(ts_sensitivity_result *res);
char *ts_sensitivity_json(const ts_sensitivity_result *res);
/* The folder: report.json, tables/sensitivity.csv, charts/tornado.png and
 * .svg, index.html (like a run folder). */
int ts_sensitivity_write(ts_ctx *ctx, const ts_sensitivity_result *res, const char *out_dir);


/* Two sides compared (docs/analysis-commands.md, "compare"): each a
 * scenario file (run first, into a temporary folder removed afterwards),
 * SCENARIO:variant, a run folder (read, not recomputed) or FOLDER:variant;
 * without a variant, the base.  Analyses matched by name; what is not
 * comparable is listed in the result. */
typedef struct ts_compare ts_compare;
typedef struct {
    const char *a, *b;
    const char *data_dir;                 /* for scenarios; NULL: ts_data_dir() */
    const ts_setting *settings;           /* applied to both scenarios */
    int n_settings;
    int threads;
    const volatile int *cancel;
} ts_compare_opts;
int ts_compare_run(ts_ctx *ctx, const ts_compare_opts *opts, ts_compare **out);
/* Lines of the comparison that changed (0: the same answers). */
int ts_compare_changes(const ts_compare *c);
/* report.json's content; a text summary (what changed, what is not
 * comparable); both malloc'd. */
char *ts_compare_json(const ts_compare *c);
char *ts_compare_text(const ts_compare *c);
/* The folder: report.json, tables/compare.csv, maps/diff-NAME-FRAMING.png
 * and .svg (cells gained and lost), index.html (like a run folder). */
int ts_compare_write(ts_ctx *ctx, const ts_compare *c, const char *out_dir);
void ts_compare_free(ts_compare *c);

#ifdef __cplusplus
}
#endif
#endif /* THIRDSITE_H */
