/*
 * The shipped defense catalogues (catalog.c; data/sites.yaml, sensors.yaml,
 * interceptors.yaml) and their error paths.
 *
 * Truth: the values of SOURCES.md (its coordinates table and its
 * "Parameters for the catalogue" table, with the press and dataset sources
 * it names), which the YAML files must carry unchanged; geometry checked
 * against the State Department's and PAP's descriptions of the Brdy site
 * through Karney's geodesic (PROJ, earth.c); the constant-thrust relation
 * F = (m_prop / t_burn) g0 Isp (Sutton & Biblarz, Rocket Propulsion
 * Elements, 8th ed., eq. 2-5).  Error positions counted by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_internal.h"
#include "test_util.h"

#define DEG (TS_PI / 180.0)

static void data_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", ts_data_dir(), name);
}


/* ---- sites ---------------------------------------------------------------- */

/* SOURCES.md, "Coordinates": decimal degrees as tabulated there. */
static const struct {
    const char *id;
    double lat_deg, lon_deg;
} sourced_sites[] = {
    {"redzikowo", 54.48, 17.11},      {"brdy", 49.63, 13.77},
    {"gabala", 40.87, 47.80},         {"armavir", 44.925, 40.984},
    {"kurecik", 38.34944, 37.79361},  {"deveselu", 44.08, 24.42},
    {"fylingdales", 54.3618, -0.6701}, {"thule", 76.5343, -68.7183},
    {"fort-greely", 63.97, -145.73},  {"vandenberg", 34.74, -120.57},
    {"semnan", 35.2347, 53.9208},     {"shahroud", 36.20, 55.33},
    {"tabriz", 38.08, 46.29},         {"kermanshah", 34.31, 47.07},
    {"khorramabad", 33.49, 48.35},    {"kozelsk", 54.033, 35.767},
    {"tatishchevo", 51.667, 45.567},  {"teykovo", 56.850, 40.533},
    {"yoshkar-ola", 56.633, 47.850},  {"nizhny-tagil", 58.067, 60.550},
    {"novosibirsk", 55.333, 83.000},  {"irkutsk", 52.317, 104.233},
    {"uzhur", 55.333, 89.800},        {"dombarovsky", 50.750, 59.500},
    {"vypolzovo", 57.88, 33.66},      {"washington", 38.951, -77.013},
    {"new-york", 40.679, -73.947},    {"boston", 42.361, -71.058},
    {"chicago", 41.877, -87.622},     {"london", 51.506, -0.097},
    {"paris", 48.874, 2.379},         {"berlin", 52.502, 13.416},
    {"madrid", 40.450, -3.717},       {"rome", 41.932, 12.520},
};

static const ts_site *find_site(const ts_site *s, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].id, id))
            return &s[i];
    return NULL;
}

Test(catalog, sites_carry_the_sourced_coordinates)
{
    char path[1024];
    data_path(path, sizeof path, "sites.yaml");
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_site *s = NULL;
    cr_assert_eq(ts_sites_load(ctx, path, &n, &s), TS_OK, "%s", ts_ctx_message(ctx));
    for (size_t i = 0; i < sizeof sourced_sites / sizeof sourced_sites[0]; i++) {
        const ts_site *e = find_site(s, n, sourced_sites[i].id);
        cr_assert(e != NULL, "site '%s' missing", sourced_sites[i].id);
        /* 1e-9 deg: the decimal value as written */
        NEAR(e->lat_rad / DEG, sourced_sites[i].lat_deg, 1e-9, sourced_sites[i].id);
        NEAR(e->lon_rad / DEG, sourced_sites[i].lon_deg, 1e-9, sourced_sites[i].id);
    }
    for (int i = 0; i < n; i++) {
        cr_assert(s[i].sources[0], "site '%s' has no sources", s[i].id);
        cr_assert(s[i].confidence[0], "site '%s' has no confidence", s[i].id);
        for (int j = 0; j < i; j++)
            cr_assert(strcmp(s[i].id, s[j].id), "duplicate site '%s'", s[i].id);
    }
    /* heights given by the sources: Kurecik 2,085 m, Fylingdales 339 m,
     * Brdy's hill 718 */
    NEAR(find_site(s, n, "kurecik")->h_m, 2085.0, 1e-9, "kurecik height");
    NEAR(find_site(s, n, "fylingdales")->h_m, 339.0, 1e-9, "fylingdales height");
    NEAR(find_site(s, n, "brdy")->h_m, 718.0, 1e-9, "brdy height");
    cr_assert_str_eq(find_site(s, n, "kozelsk")->kind, "icbm-base");
    cr_assert_str_eq(find_site(s, n, "semnan")->kind, "launch");
    ts_free(s);
    ts_ctx_free(ctx);
}

/* The Brdy site lies south-west of Prague: "about 90 km" (State Dept fact
 * sheet, 16 Apr 2007) or "about 65 km" (PAP/Interia, 2007).  A check of the
 * approximate coordinates against both descriptions. */
Test(catalog, brdy_is_south_west_of_prague)
{
    char path[1024];
    data_path(path, sizeof path, "sites.yaml");
    int n = 0;
    ts_site *s = NULL;
    cr_assert_eq(ts_sites_load(NULL, path, &n, &s), TS_OK);
    const ts_site *brdy = find_site(s, n, "brdy"), *prague = find_site(s, n, "prague");
    cr_assert(brdy && prague);
    ts_earth earth;
    ts_earth_init(&earth, TS_EARTH_WGS84, 1);
    double d, az1, az2;
    ts_geodesic_inverse(&earth, prague->lat_rad, prague->lon_rad, brdy->lat_rad, brdy->lon_rad,
                        &d, &az1, &az2);
    cr_assert(d >= 60e3 && d <= 95e3, "Prague to Brdy %.1f km, want 60..95 km", d / 1e3);
    double az = fmod(az1 / DEG + 360.0, 360.0);
    cr_assert(az >= 180.0 && az <= 270.0, "Prague to Brdy azimuth %.1f deg, want SW", az);
    ts_free(s);
}

/* ---- sensors --------------------------------------------------------------- */

static const ts_sensor *find_sensor(const ts_sensor *s, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].id, id))
            return &s[i];
    return NULL;
}

/* SOURCES.md "Parameters for the catalogue" and the reports it cites. */
static const struct {
    const char *id;
    ts_sensor_kind kind;
    ts_sensor_role role;
    double ref_range_km;  /* the quoted range */
    int n_sectors;
    double az_min_deg, az_max_deg, el_min_deg, el_max_deg; /* first sector */
    int needs_cue;
    int boost_blind; /* sees_boost: false */
} sourced_sensors[] = {
    /* EMR: about 2,000 km, needs a cue, cannot see boost (2007 MDA briefing
     * as reported) */
    {"emr", TS_SENSOR_RADAR, TS_ROLE_FIRE_CONTROL, 2000, 1, 0, 360, 0, 90, 1, 1},
    /* Gabala: 107-217 deg, 2-55 deg, about 6,000 km (Interfax-AVN 2007) */
    {"gabala", TS_SENSOR_RADAR, TS_ROLE_EARLY_WARNING, 6000, 1, 107, 217, 2, 55, 0, 0},
    /* Armavir: 55-295 deg in two faces, 2-70 deg, 4,000 km (RIA 2009) */
    {"armavir", TS_SENSOR_RADAR, TS_ROLE_EARLY_WARNING, 4000, 2, 55, 175, 2, 70, 0, 0},
    /* Fylingdales: three faces, 3-85 deg, 5,556 km (KeepTrack) */
    {"fylingdales", TS_SENSOR_RADAR, TS_ROLE_EARLY_WARNING, 5556, 3, 0, 120, 3, 85, 0, 0},
    /* Thule: 297-177 deg through north, 3-85 deg, 5,556 km (KeepTrack) */
    {"thule", TS_SENSOR_RADAR, TS_ROLE_EARLY_WARNING, 5556, 2, 297, 57, 3, 85, 0, 0},
    /* TPY-2 at Kurecik: 40-160 deg, about 1,500 km (NRC 2012 fig. 5-8) */
    {"tpy2-kurecik", TS_SENSOR_RADAR, TS_ROLE_FIRE_CONTROL, 1500, 1, 40, 160, 0, 90, 0, 0},
};

Test(catalog, sensors_carry_the_sourced_values)
{
    char path[1024];
    data_path(path, sizeof path, "sensors.yaml");
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_sensor *s = NULL;
    cr_assert_eq(ts_sensors_load(ctx, path, &n, &s), TS_OK, "%s", ts_ctx_message(ctx));
    for (size_t i = 0; i < sizeof sourced_sensors / sizeof sourced_sensors[0]; i++) {
        const ts_sensor *e = find_sensor(s, n, sourced_sensors[i].id);
        cr_assert(e != NULL, "sensor '%s' missing", sourced_sensors[i].id);
        cr_assert_eq(e->kind, sourced_sensors[i].kind, "%s kind", e->id);
        cr_assert_eq(e->role, sourced_sensors[i].role, "%s role", e->id);
        NEAR(e->ref_range_m / 1e3, sourced_sensors[i].ref_range_km, 1e-9, e->id);
        cr_assert_eq(e->n_sectors, sourced_sensors[i].n_sectors, "%s sectors", e->id);
        NEAR(e->sector[0].az_min_rad / DEG, sourced_sensors[i].az_min_deg, 1e-9, e->id);
        NEAR(e->sector[0].az_max_rad / DEG, sourced_sensors[i].az_max_deg, 1e-9, e->id);
        NEAR(e->sector[0].el_min_rad / DEG, sourced_sensors[i].el_min_deg, 1e-9, e->id);
        NEAR(e->sector[0].el_max_rad / DEG, sourced_sensors[i].el_max_deg, 1e-9, e->id);
        cr_assert_eq(e->needs_cue, sourced_sensors[i].needs_cue, "%s needs_cue", e->id);
        cr_assert_eq(e->boost_blind, sourced_sensors[i].boost_blind, "%s sees_boost", e->id);
        cr_assert(e->site_id[0], "%s stands on a catalogue site", e->id);
    }
    /* the radars stand where their sites are */
    const ts_sensor *emr = find_sensor(s, n, "emr");
    NEAR(emr->lat_rad / DEG, 49.63, 1e-9, "emr at brdy");
    NEAR(emr->h_m, 718.0, 1e-9, "emr height: the site's");
    /* the infrared layer: first report 30-60 s after launch (SOURCES.md) */
    const ts_sensor *ir = find_sensor(s, n, "sbirs");
    cr_assert(ir && ir->kind == TS_SENSOR_INFRARED && ir->role == TS_ROLE_EARLY_WARNING);
    double first = ir->ir_detect_s + ir->ir_latency_s;
    cr_assert(first >= 30.0 && first <= 60.0, "first infrared report %.1f s", first);
    /* properties of every entry */
    for (int i = 0; i < n; i++) {
        const ts_sensor *e = &s[i];
        cr_assert(e->sources[0], "%s has no sources", e->id);
        if (e->kind == TS_SENSOR_RADAR) {
            cr_assert(e->ref_range_m > 0 && e->ref_rcs_m2 > 0, "%s range", e->id);
            for (int k = 0; k < e->n_sectors; k++)
                cr_assert(e->sector[k].el_min_rad < e->sector[k].el_max_rad, "%s sector %d",
                          e->id, k);
        }
        for (int j = 0; j < i; j++)
            cr_assert(strcmp(e->id, s[j].id), "duplicate sensor '%s'", e->id);
    }
    ts_free(s);
    ts_ctx_free(ctx);
}

/* SOURCES.md's radar-equation check of the EMR: 42.5 kW average, 105 m^2,
 * 9.5 GHz, 0.1 s dwell, T_s 500 K, L 8 dB, SNR 13 dB -> 2,291 km against
 * 0.01 m^2.  The catalogue's "about 2,000 km" (the briefing) must agree
 * with it within 15%, scaled to the catalogue's reference RCS. */
Test(catalog, emr_range_agrees_with_the_radar_equation)
{
    char path[1024];
    data_path(path, sizeof path, "sensors.yaml");
    int n = 0;
    ts_sensor *s = NULL;
    cr_assert_eq(ts_sensors_load(NULL, path, &n, &s), TS_OK);
    const ts_sensor *emr = find_sensor(s, n, "emr");
    ts_radar_equation r = {42.5e3, 0.1, 105.0, 0.8, 9.5e9, 500.0, 8.0, 13.0};
    double want = ts_radar_equation_range(&r, emr->ref_rcs_m2);
    NEAR(want / 1e3, 2291.0, 25.0, "SOURCES.md's radar-equation value");
    double rel = fabs(emr->ref_range_m - want) / want;
    cr_assert(rel <= 0.15, "EMR %.0f km vs radar equation %.0f km (%.0f%%)",
              emr->ref_range_m / 1e3, want / 1e3, 100 * rel);
    ts_free(s);
}

/* ---- interceptors ------------------------------------------------------------ */

static const struct {
    const char *id;
    double burnout_kms;
    double range_max_km, h_max_km; /* 0: not checked (notional) */
} sourced_interceptors[] = {
    {"gbi-2stage-mda", 6.3, 0, 0},          /* MDA 2007 via AFP */
    {"gbi-2stage-lewis-postol", 8.3, 0, 0}, /* Lewis & Postol 2007 */
    {"gbi-3stage", 7.5, 0, 0},              /* SOURCES.md default (C) */
    {"sm3-ia", 3.0, 0, 0},                  /* open analyses (R) */
    {"sm3-ib", 3.0, 0, 0},
    {"sm3-iia", 4.5, 2500, 1000},           /* Raytheon as reported, 2020 */
    {"sm3-iib", 5.5, 0, 0},                 /* notional */
};

Test(catalog, interceptors_carry_the_sourced_values)
{
    char path[1024];
    data_path(path, sizeof path, "interceptors.yaml");
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_interceptor *s = NULL;
    cr_assert_eq(ts_interceptors_load(ctx, path, &n, &s), TS_OK, "%s", ts_ctx_message(ctx));
    for (size_t i = 0; i < sizeof sourced_interceptors / sizeof sourced_interceptors[0]; i++) {
        const ts_interceptor *e = NULL;
        for (int k = 0; k < n; k++)
            if (!strcmp(s[k].id, sourced_interceptors[i].id))
                e = &s[k];
        cr_assert(e != NULL, "interceptor '%s' missing", sourced_interceptors[i].id);
        NEAR(e->burnout_speed_mps / 1e3, sourced_interceptors[i].burnout_kms, 1e-12, e->id);
        if (sourced_interceptors[i].range_max_km > 0) {
            NEAR(e->range_max_m / 1e3, sourced_interceptors[i].range_max_km, 1e-9, e->id);
            NEAR(e->h_max_m / 1e3, sourced_interceptors[i].h_max_km, 1e-9, e->id);
        }
    }
    for (int i = 0; i < n; i++) {
        const ts_interceptor *e = &s[i];
        cr_assert(e->sources[0], "%s has no sources", e->id);
        cr_assert(e->notional, "%s: every interceptor here rests on estimates", e->id);
        cr_assert(e->h_min_m < e->h_max_m && e->range_max_m > 0 && e->burn_s > 0, "%s", e->id);
    }
    /* the dispute is visible: the two figures stay two entries */
    cr_assert(s[0].burnout_speed_mps < s[1].burnout_speed_mps);
    ts_free(s);
    ts_ctx_free(ctx);
}

/* ---- catalogue errors --------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A stage-described interceptor: Isp from the Orion 50SXLG figures of
 * SOURCES.md (627 kN over 69 s burning 15.0 t: Isp = F t / (m g0) =
 * 294.1 s); the stage burn times add up to the booster's. */
Test(catalog, staged_interceptor_fills_isp_and_burn_time)
{
    char path[] = "/tmp/ts-catalog-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    write_file(path, "interceptors:\n"
                     "  - id: two\n"
                     "    stages:\n"
                     "      - {gross_mass: 16.2 t, propellant: 15.0 t, thrust: 627 kN,"
                     " burn_time: 69 s, diameter: 1.28 m}\n"
                     "      - {gross_mass: 4.3 t, propellant: 3.9 t, isp: 295 s,"
                     " burn_time: 70 s}\n"
                     "    kv_mass: 60 kg\n"
                     "    h_min: 100 km\n    h_max: 2000 km\n    range_max: 6000 km\n"
                     "    sources: test\n");
    int n = 0;
    ts_interceptor *s = NULL;
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_interceptors_load(ctx, path, &n, &s), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(n, 1);
    cr_assert_eq(s[0].n_stages, 2);
    NEAR(s[0].stage[0].isp_vac_s, 627e3 * 69.0 / (15.0e3 * TS_G0), 1e-9, "stage 1 Isp");
    NEAR(s[0].stage[0].isp_vac_s, 294.1, 0.05, "stage 1 Isp, rounded");
    NEAR(s[0].stage[1].thrust_vac_n, 3.9e3 / 70.0 * TS_G0 * 295.0, 1e-6, "stage 2 thrust");
    NEAR(s[0].stage[0].area_ref_m2, 0.25 * TS_PI * 1.28 * 1.28, 1e-12, "area from diameter");
    NEAR(s[0].burn_s, 139.0, 1e-12, "burn time = 69 + 70 s");
    ts_free(s);
    ts_ctx_free(ctx);
    unlink(path);
}

static const struct {
    const char *name, *file, *text, *expect; /* expect: "LINE:COL: text" */
} bad_catalogues[] = {
    {"site without sources", "sites.yaml",
     "sites:\n  - id: x\n    at: 10N 10E\n",
     "2:5: missing required key 'sources' in site 'x'"},
    {"site duplicate", "sites.yaml",
     "sites:\n  - {id: x, at: 10N 10E, sources: s}\n  - {id: x, at: 11N 10E, sources: s}\n",
     "3:10: duplicate site id 'x' (first at line 2)"},
    {"site kind", "sites.yaml",
     "sites:\n  - {id: x, kind: base, at: 10N 10E, sources: s}\n",
     "2:19: unknown kind 'base'"},
    {"top key", "sites.yaml",
     "site:\n  - {id: x, at: 10N 10E, sources: s}\n",
     "1:1: unknown key 'site' in the catalogue's top level (did you mean 'sites'?"},
    {"radar without range", "sensors.yaml",
     "sensors:\n  - id: r\n    kind: radar\n    role: early-warning\n    at: 10N 10E\n"
     "    ref_rcs: 1 m^2\n    sources: s\n",
     "2:5: missing required key 'ref_range' in sensor 'r' (a radar needs it)"},
    {"sensor role", "sensors.yaml",
     "sensors:\n  - {id: r, kind: radar, role: tracking, at: 10N 10E, ref_range: 1000 km,"
     " ref_rcs: 1 m^2, sources: s}\n",
     "2:32: unknown role 'tracking' (known: early-warning, fire-control)"},
    {"sector elevations", "sensors.yaml",
     "sensors:\n  - id: r\n    kind: radar\n    role: early-warning\n    at: 10N 10E\n"
     "    ref_range: 1000 km\n    ref_rcs: 1 m^2\n    sources: s\n    sectors:\n"
     "      - {az_min: 0 deg, az_max: 90 deg, el_min: 40 deg, el_max: 30 deg}\n",
     "10:65: el_max must be above el_min in a sector of sensor 'r'"},
    {"stages and burnout", "interceptors.yaml",
     "interceptors:\n  - id: i\n    burnout_speed: 7 km/s\n    burn_time: 100 s\n"
     "    stages: [{gross_mass: 1 t, propellant: 0.8 t, isp: 280 s, burn_time: 60 s}]\n"
     "    h_min: 100 km\n    h_max: 1000 km\n    range_max: 3000 km\n    sources: s\n",
     "3:20: give either 'stages' or 'burnout_speed' in interceptor 'i', not both"},
    {"stage thrust and isp disagree", "interceptors.yaml",
     "interceptors:\n  - id: i\n    kv_mass: 50 kg\n"
     "    stages: [{gross_mass: 1 t, propellant: 0.8 t, isp: 280 s, thrust: 50 kN,"
     " burn_time: 60 s}]\n"
     "    h_min: 100 km\n    h_max: 1000 km\n    range_max: 3000 km\n    sources: s\n",
     "4:71: thrust 50 kN disagrees by 36.6% with the 36.6115 kN"},
    {"stage propellant", "interceptors.yaml",
     "interceptors:\n  - id: i\n    kv_mass: 50 kg\n"
     "    stages:\n      - gross_mass: 1 t\n        propellant: 1.2 t\n        isp: 280 s\n"
     "        burn_time: 60 s\n"
     "    h_min: 100 km\n    h_max: 1000 km\n    range_max: 3000 km\n    sources: s\n",
     "6:21: propellant must be less than gross_mass in stage 1 of interceptor 'i'"},
};

Test(catalog, catalogue_errors_point_at_the_fault)
{
    for (size_t i = 0; i < sizeof bad_catalogues / sizeof bad_catalogues[0]; i++) {
        char dir[] = "/tmp/ts-catalog-XXXXXX";
        cr_assert(mkdtemp(dir) != NULL);
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, bad_catalogues[i].file);
        write_file(path, bad_catalogues[i].text);
        /* a sensor catalogue reads sites.yaml beside it */
        char sites[256];
        snprintf(sites, sizeof sites, "%s/sites.yaml", dir);
        if (strcmp(bad_catalogues[i].file, "sites.yaml"))
            write_file(sites, "sites: []\n");
        ts_ctx *ctx = ts_ctx_create();
        int n = -1, st;
        void *out = (void *)1;
        if (!strcmp(bad_catalogues[i].file, "sites.yaml"))
            st = ts_sites_load(ctx, path, &n, (ts_site **)&out);
        else if (!strcmp(bad_catalogues[i].file, "sensors.yaml"))
            st = ts_sensors_load(ctx, path, &n, (ts_sensor **)&out);
        else
            st = ts_interceptors_load(ctx, path, &n, (ts_interceptor **)&out);
        const char *msg = ts_ctx_message(ctx);
        cr_assert_eq(st, TS_ESCENARIO, "%s: status %d", bad_catalogues[i].name, st);
        cr_assert(out == NULL && n == 0, "%s: outputs not cleared", bad_catalogues[i].name);
        int line, col, used = 0;
        sscanf(bad_catalogues[i].expect, "%d:%d: %n", &line, &col, &used);
        char want[512];
        snprintf(want, sizeof want, "%s:%d:%d: error: ", path, line, col);
        cr_assert(!strncmp(msg, want, strlen(want)) &&
                      strstr(msg, bad_catalogues[i].expect + used),
                  "%s:\n  want: %s%s\n  got:  %s", bad_catalogues[i].name, want,
                  bad_catalogues[i].expect + used, msg);
        ts_ctx_free(ctx);
        unlink(path);
        unlink(sites);
        rmdir(dir);
    }
}
