/*
 * thirdsite catalog sites|sensors|interceptors: lists a shipped defense
 * catalogue (data/sites.yaml, sensors.yaml, interceptors.yaml), as a table
 * with each entry's sources below it, or as JSON (--json).  Reached
 * through cmd_catalog, which passes the kind as argv[0].
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "ts_internal.h" /* the enum names (ts_flight_shape_names...) */

#include <math.h>
#include <stddef.h>
#include <string.h>

#define CMD "catalog"
#define DEG (3.14159265358979323846 / 180.0)
#define G0 9.80665 /* standard gravity, m/s^2 (CGPM 1901) */

static void sources(const char *id, const char *text)
{
    printf("  %s: %s\n", id, text);
}

/* Display width of UTF-8 text: its code points (the catalogues' names are
 * Latin script, one column each). */
static int text_cols(const char *t)
{
    int n = 0;
    for (; *t; t++)
        n += ((unsigned char)*t & 0xC0) != 0x80;
    return n;
}

/* Writes t and the spaces that pad it to cols columns, then one space. */
static void print_padded(const char *t, int cols)
{
    printf("%s", t);
    for (int k = text_cols(t); k < cols; k++)
        putchar(' ');
    putchar(' ');
}

/* A loaded catalogue seen as bytes: n entries of `size` bytes, each with
 * the char arrays id, name and sources at these offsets (offsetof). */
typedef struct {
    const char *base;
    int n;
    size_t size, id, name, sources;
} entries;
#define ENTRIES(s, count, type)                                                             \
    ((entries){(const char *)(s), (count), sizeof(type), offsetof(type, id),               \
               offsetof(type, name), offsetof(type, sources)})

/* The text at offset off of entry i. */
static const char *entry_text(const entries *t, int i, size_t off)
{
    return t->base + (size_t)i * t->size + off;
}

/* The width of the name column: as wide as the longest name (at least
 * "name"), so that names are never cut. */
static int name_width(const entries *t)
{
    int wn = 4;
    for (int i = 0; i < t->n; i++)
        if (text_cols(entry_text(t, i, t->name)) > wn)
            wn = text_cols(entry_text(t, i, t->name));
    return wn;
}

/* The list of each entry's sources under a table. */
static void print_sources(const entries *t)
{
    printf("\nSources:\n");
    for (int i = 0; i < t->n; i++)
        sources(entry_text(t, i, t->id), entry_text(t, i, t->sources));
}

/* Writes the opening of entry i's JSON object: its id and name. */
static void json_open(int i, const char *id, const char *name)
{
    printf("%s\n {\"id\": ", i ? "," : "");
    cli_json_string(id);
    printf(", \"name\": ");
    cli_json_string(name);
}

/* Writes `, "key": "value"` (value as a JSON string). */
static void json_field(const char *key, const char *value)
{
    printf(", \"%s\": ", key);
    cli_json_string(value);
}

/* A catalogue that did not load: reports why, frees ctx; the exit status. */
static int load_failed(ts_ctx *ctx)
{
    int rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
    ts_ctx_free(ctx);
    return rc;
}

static int list_sites(const char *path, int json)
{
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_site *s = NULL;
    if (ts_sites_load(ctx, path, &n, &s) < 0)
        return load_failed(ctx);
    if (json) {
        printf("[");
        for (int i = 0; i < n; i++) {
            json_open(i, s[i].id, s[i].name);
            json_field("country", s[i].country);
            json_field("kind", s[i].kind);
            printf(", \"lat_deg\": %.6f, \"lon_deg\": %.6f, \"height_m\": %.1f, \"confidence\": ",
                   s[i].lat_rad / DEG, s[i].lon_rad / DEG, s[i].h_m);
            cli_json_string(s[i].confidence);
            json_field("sources", s[i].sources);
            printf("}");
        }
        printf("\n]\n");
    } else {
        const int wn = name_width(&ENTRIES(s, n, ts_site));
        printf("%-14s ", "id");
        print_padded("name", wn);
        printf("%-11s %9s %10s %7s  %s\n", "kind", "lat_deg", "lon_deg", "h_m", "confidence");
        for (int i = 0; i < n; i++) {
            printf("%-14s ", s[i].id);
            print_padded(s[i].name, wn);
            printf("%-11s %9.4f %10.4f %7.0f  %s\n", s[i].kind, s[i].lat_rad / DEG,
                   s[i].lon_rad / DEG, s[i].h_m, s[i].confidence);
        }
        print_sources(&ENTRIES(s, n, ts_site));
    }
    ts_free(s);
    ts_ctx_free(ctx);
    return CLI_OK;
}

static void sectors_text(const ts_sensor *s, char *buf, size_t size)
{
    if (s->kind == TS_SENSOR_INFRARED) {
        snprintf(buf, size, "global");
        return;
    }
    if (s->n_sectors == 0) {
        snprintf(buf, size, "all azimuths");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->n_sectors && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%.0f-%.0f/%.0f-%.0f",
                                 i ? " " : "", s->sector[i].az_min_rad / DEG,
                                 s->sector[i].az_max_rad / DEG, s->sector[i].el_min_rad / DEG,
                                 s->sector[i].el_max_rad / DEG);
}

static int list_sensors(const char *path, int json)
{
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_sensor *s = NULL;
    if (ts_sensors_load(ctx, path, &n, &s) < 0)
        return load_failed(ctx);
    if (json) {
        printf("[");
        for (int i = 0; i < n; i++) {
            const ts_sensor *e = &s[i];
            json_open(i, e->id, e->name);
            json_field("owner", e->owner);
            printf(", \"kind\": \"%s\", \"role\": \"%s\", \"band\": ",
                   ts_sensor_kind_names[e->kind], ts_sensor_role_names[e->role]);
            cli_json_string(e->band);
            json_field("site", e->site_id);
            printf(", \"lat_deg\": %.6f, \"lon_deg\": %.6f, \"height_m\": %.1f",
                   e->lat_rad / DEG, e->lon_rad / DEG, e->h_m);
            printf(", \"steerable\": %s, \"sectors_deg\": [", e->steerable ? "true" : "false");
            for (int k = 0; k < e->n_sectors; k++)
                printf("%s[%.4g, %.4g, %.4g, %.4g]", k ? ", " : "",
                       e->sector[k].az_min_rad / DEG, e->sector[k].az_max_rad / DEG,
                       e->sector[k].el_min_rad / DEG, e->sector[k].el_max_rad / DEG);
            printf("], \"el_min_deg\": %.4g, \"refraction\": %s, \"ref_range_km\": %.6g, "
                   "\"ref_rcs_m2\": %.6g, \"max_range_km\": %.6g, \"track_s\": %.6g, "
                   "\"needs_cue\": %s, \"detect_delay_s\": %.6g, \"latency_s\": %.6g, "
                   "\"notional\": %s, \"sources\": ",
                   e->el_min_rad / DEG, e->refraction ? "true" : "false", e->ref_range_m / 1e3,
                   e->ref_rcs_m2, e->max_range_m / 1e3, e->track_s,
                   e->needs_cue ? "true" : "false", e->ir_detect_s, e->ir_latency_s,
                   e->notional ? "true" : "false");
            cli_json_string(e->sources);
            printf("}");
        }
        printf("\n]\n");
    } else {
        printf("%-13s %-5s %-8s %-13s %-4s %-12s %-20s %s\n", "id", "owner", "kind", "role",
               "band", "site", "range (at RCS)", "sectors az/el deg");
        for (int i = 0; i < n; i++) {
            const ts_sensor *e = &s[i];
            char range[64], sec[160];
            if (e->kind == TS_SENSOR_RADAR)
                snprintf(range, sizeof range, "%.0f km (%.3g m^2)%s", e->ref_range_m / 1e3,
                         e->ref_rcs_m2, e->needs_cue ? " cue" : "");
            else
                snprintf(range, sizeof range, "report at %.0f s",
                         e->ir_detect_s + e->ir_latency_s);
            sectors_text(e, sec, sizeof sec);
            printf("%-13s %-5s %-8s %-13s %-4s %-12s %-20s %s%s\n", e->id, e->owner,
                   ts_sensor_kind_names[e->kind], ts_sensor_role_names[e->role], e->band,
                   e->site_id[0] ? e->site_id : "-", range, sec,
                   e->notional ? "  (notional values)" : "");
        }
        print_sources(&ENTRIES(s, n, ts_sensor));
    }
    ts_free(s);
    ts_ctx_free(ctx);
    return CLI_OK;
}

/* Ideal (vacuum, loss-free) velocity gain of a staged booster, m/s:
 * Tsiolkovsky's equation per stage, upper stages and kill vehicle as
 * payload (Sutton & Biblarz, Rocket Propulsion Elements, 8th ed., eq. 4-7). */
static double ideal_dv(const ts_interceptor *ic)
{
    double dv = 0.0;
    for (int i = 0; i < ic->n_stages; i++) {
        double above = ic->kv_mass_kg;
        for (int j = i + 1; j < ic->n_stages; j++)
            above += ic->stage[j].m_gross_kg;
        double m0 = ic->stage[i].m_gross_kg + above;
        double m1 = m0 - ic->stage[i].m_prop_kg;
        dv += ic->stage[i].isp_vac_s * G0 * log(m0 / m1);
    }
    return dv;
}

static int list_interceptors(const char *path, int json)
{
    ts_ctx *ctx = ts_ctx_create();
    int n = 0;
    ts_interceptor *s = NULL;
    if (ts_interceptors_load(ctx, path, &n, &s) < 0)
        return load_failed(ctx);
    if (json) {
        printf("[");
        for (int i = 0; i < n; i++) {
            const ts_interceptor *e = &s[i];
            json_open(i, e->id, e->name);
            printf(", \"stages\": %d", e->n_stages);
            if (e->n_stages > 0)
                printf(", \"ideal_dv_kms\": %.4g", ideal_dv(e) / 1e3);
            else
                printf(", \"burnout_speed_kms\": %.4g", e->burnout_speed_mps / 1e3);
            printf(", \"burn_s\": %.6g, \"kv_mass_kg\": %.6g, \"h_min_km\": %.6g, "
                   "\"h_max_km\": %.6g, \"range_max_km\": %.6g, \"notional\": %s, \"sources\": ",
                   e->burn_s, e->kv_mass_kg, e->h_min_m / 1e3, e->h_max_m / 1e3,
                   e->range_max_m / 1e3, e->notional ? "true" : "false");
            cli_json_string(e->sources);
            printf("}");
        }
        printf("\n]\n");
    } else {
        const int wn = name_width(&ENTRIES(s, n, ts_interceptor));
        printf("%-24s ", "id");
        print_padded("name", wn);
        printf("%-16s %6s %7s %7s %9s\n", "burnout", "burn_s", "h_min", "h_max", "range_max");
        for (int i = 0; i < n; i++) {
            const ts_interceptor *e = &s[i];
            char bo[40];
            if (e->n_stages > 0)
                snprintf(bo, sizeof bo, "%d st, %.2f ideal", e->n_stages, ideal_dv(e) / 1e3);
            else
                snprintf(bo, sizeof bo, "%.2f km/s", e->burnout_speed_mps / 1e3);
            printf("%-24s ", e->id);
            print_padded(e->name, wn);
            printf("%-16s %6.0f %4.0f km %4.0f km %6.0f km%s\n", bo, e->burn_s, e->h_min_m / 1e3, e->h_max_m / 1e3, e->range_max_m / 1e3,
                   e->notional ? "  (notional values)" : "");
        }
        print_sources(&ENTRIES(s, n, ts_interceptor));
    }
    ts_free(s);
    ts_ctx_free(ctx);
    return CLI_OK;
}

int cmd_catalog_defense(int argc, char **argv)
{
    const char *kind = argc > 0 ? argv[0] : "";
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            return cli_usage_error(CMD, "unknown option '%s' (see thirdsite catalog --help)",
                                   argv[i]);
    }
    static const struct {
        const char *kind; /* also the file's name: data/<kind>.yaml */
        int (*list)(const char *path, int json);
    } lists[] = {{"sites", list_sites}, {"sensors", list_sensors},
                 {"interceptors", list_interceptors}};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
        if (!strcmp(kind, lists[k].kind)) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.yaml", ts_data_dir(), kind);
            return lists[k].list(path, json);
        }
    return cli_usage_error(CMD, "unknown catalogue '%s' (known: missiles, sites, sensors, "
                           "interceptors)", kind);
}
