/*
 * Option parsing shared by the subcommands.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3
                 : *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
        for (size_t k = 1; k < n; k++)
            if ((p[k] & 0xC0) != 0x80)
                n = 0;
        /* overlong forms, surrogates, above U+10FFFF (RFC 3629) */
        if (n >= 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
                       (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F)))
            n = 0;
        /* C0 controls but tab and line feed, DEL, and the C1 controls
         * (U+0080..U+009F, 0xC2 0x80..0x9F: a terminal may obey them too) */
        const int ctrl = n == 1 ? (*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F
                                : n == 2 && p[0] == 0xC2 && p[1] < 0xA0;
        if (n == 0 || ctrl) {
            for (size_t k = 0; k < (n ? n : 1); k++)
                fprintf(f, "\\x%02X", p[k]);
            p += n ? n : 1;
        } else {
            fwrite(p, 1, n, f);
            p += n;
        }
    }
}

void cli_message(FILE *f, const char *msg)
{
    cli_put_safe(f, msg);
    fputc('\n', f);
}

static int vreport(const char *cmd, int status, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    const int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char small[1024], *buf = n >= 0 && (size_t)n < sizeof small ? small : malloc((size_t)n + 1);
    fprintf(stderr, "thirdsite %s: ", cmd);
    if (n >= 0 && buf) {
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        cli_message(stderr, buf);
    } else {
        fputs("(message lost: out of memory)\n", stderr);
    }
    if (buf != small)
        free(buf);
    return status;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = vreport(cmd, CLI_USAGE, fmt, ap);
    va_end(ap);
    return st;
}

int cli_failure(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = vreport(cmd, CLI_FAILED, fmt, ap);
    va_end(ap);
    return st;
}

void cli_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

void cli_fmt_pos(char *buf, size_t n, double lat_rad, double lon_rad)
{
    const double rad2deg = 180.0 / 3.14159265358979323846;
    double lat = lat_rad * rad2deg, lon = lon_rad * rad2deg;
    snprintf(buf, n, "%.4f %c %.4f %c", fabs(lat), lat >= 0.0 ? 'N' : 'S', fabs(lon),
             lon >= 0.0 ? 'E' : 'W');
}

const char *cli_event_name(ts_event_kind k)
{
    switch (k) {
    case TS_EVENT_LAUNCH: return "launch";
    case TS_EVENT_STAGING: return "staging";
    case TS_EVENT_BURNOUT: return "burnout";
    case TS_EVENT_APOGEE: return "apogee";
    case TS_EVENT_ASCENDING: return "ascending";
    case TS_EVENT_DESCENDING: return "descending";
    case TS_EVENT_IMPACT: return "impact";
    }
    return "event";
}

void cli_list_append(char *buf, size_t size, const char *item)
{
    if (buf[0])
        strncat(buf, ", ", size - strlen(buf) - 1);
    strncat(buf, item, size - strlen(buf) - 1);
}

int cli_quantity(const char *cmd, const char *opt, const char *text,
                 ts_quantity_kind kind, double *si)
{
    ts_ctx *ctx = ts_ctx_create();
    int st = ts_quantity_parse(ctx, text, kind, si, NULL);
    if (st < 0)
        st = cli_usage_error(cmd, "%s '%s': %s", opt, text, ts_ctx_message(ctx));
    else
        st = CLI_OK;
    ts_ctx_free(ctx);
    return st;
}

/* True for a catalogue-style id: lower-case letters, digits and '-'. */
static int looks_like_id(const char *text)
{
    if (!islower((unsigned char)*text))
        return 0;
    for (; *text; text++)
        if (!islower((unsigned char)*text) && !isdigit((unsigned char)*text) && *text != '-')
            return 0;
    return 1;
}

/* Looks a site id up in the shipped data/sites.yaml. */
static int lookup_site(const char *cmd, const char *opt, const char *id,
                       double *lat_rad, double *lon_rad)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sites.yaml", ts_data_dir());
    ts_ctx *ctx = ts_ctx_create();
    ts_site *sites = NULL;
    int n = 0, st;
    if (ts_sites_load(ctx, path, &n, &sites) < 0) {
        st = cli_failure(cmd, "%s", ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        return st;
    }
    ts_ctx_free(ctx);
    for (int i = 0; i < n; i++) {
        if (!strcmp(sites[i].id, id)) {
            *lat_rad = sites[i].lat_rad;
            *lon_rad = sites[i].lon_rad;
            ts_free(sites);
            return CLI_OK;
        }
    }
    char known[2048] = "";
    for (int i = 0; i < n; i++)
        cli_list_append(known, sizeof known, sites[i].id);
    ts_free(sites);
    return cli_usage_error(cmd, "%s '%s': not a position (\"LAT,LON\") nor a catalogue "
                           "site (known: %s)", opt, id, known);
}

int cli_latlon(const char *cmd, const char *opt, const char *text,
               double *lat_rad, double *lon_rad)
{
    if (looks_like_id(text))
        return lookup_site(cmd, opt, text, lat_rad, lon_rad);
    ts_ctx *ctx = ts_ctx_create();
    int st = ts_latlon_parse(ctx, text, lat_rad, lon_rad, NULL);
    if (st < 0)
        st = cli_usage_error(cmd, "%s '%s': %s", opt, text, ts_ctx_message(ctx));
    else
        st = CLI_OK;
    ts_ctx_free(ctx);
    return st;
}

int cli_int(const char *cmd, const char *opt, const char *text, int lo, int hi,
            int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return cli_usage_error(cmd, "%s '%s': expected an integer from %d to %d",
                               opt, text, lo, hi);
    *out = (int)v;
    return CLI_OK;
}

const char *cli_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cli_take(const char *cmd, const cli_opt *opts, int once, int argc, char **argv, int *i)
{
    for (const cli_opt *o = opts; o->name; o++) {
        if (strcmp(argv[*i], o->name))
            continue;
        if (once && *o->value) {
            cli_usage_error(cmd, "%s given twice", o->name);
            return -1;
        }
        *o->value = cli_value(cmd, argc, argv, i);
        return *o->value ? 1 : -1;
    }
    return 0;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    return 0;
}

static ts_missile_list missiles;
static int missiles_loaded;

static void free_missiles(void)
{
    ts_missiles_free(&missiles);
}

const ts_missile_list *cli_missiles(const char *cmd)
{
    if (missiles_loaded)
        return &missiles;
    char path[4096];
    snprintf(path, sizeof path, "%s/missiles.yaml", ts_data_dir());
    ts_ctx *ctx = ts_ctx_create();
    int st = ts_missiles_load(ctx, path, &missiles);
    if (st < 0) {
        cli_failure(cmd, "%s", ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        return NULL;
    }
    ts_ctx_free(ctx);
    missiles_loaded = 1;
    atexit(free_missiles);
    return &missiles;
}

int cli_setting(const char *cmd, int argc, char **argv, int *i, cli_settings *s)
{
    const char *opt = argv[*i];
    const char *v = cli_value(cmd, argc, argv, i);
    if (!v)
        return CLI_USAGE;
    if (s->n == CLI_MAX_SETTINGS)
        return cli_usage_error(cmd, "%s: at most %d settings", opt, CLI_MAX_SETTINGS);
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(cmd, "out of memory");
    const int st = ts_setting_parse(ctx, v, &s->set[s->n]);
    if (st != TS_OK) {
        fprintf(stderr, "thirdsite %s: %s ", cmd, opt);
        cli_message(stderr, ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        return CLI_USAGE;
    }
    ts_ctx_free(ctx);
    s->n++;
    return CLI_OK;
}
