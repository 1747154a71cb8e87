/*
 * Helpers shared by the writers of src/output/: file-name stems, number and
 * CSV formatting, display names of places, regions and enums, opening and
 * closing files of the run folder, the first error of parallel jobs, and
 * the list of writers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/output.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ts_slug(const char *in, char *out, size_t size)
{
    size_t n = 0;
    int dash = 1; /* no leading dash */
    for (const char *p = in; *p && n + 1 < size; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[n++] = c;
            dash = 0;
        } else if (!dash) {
            out[n++] = '-';
            dash = 1;
        }
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    if (n == 0 && size > 1)
        out[n++] = 'x';
    out[n] = '\0';
}

const char *ts_out_fmt(char *buf, size_t size, double x, int decimals)
{
    if (!isfinite(x)) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    snprintf(buf, size, "%.*f", decimals, x);
    /* "-0.00" -> "0.00" */
    if (buf[0] == '-') {
        int zero = 1;
        for (const char *p = buf + 1; *p && zero; p++)
            zero = *p == '0' || *p == '.';
        if (zero)
            memmove(buf, buf + 1, strlen(buf));
    }
    return buf;
}

void ts_out_csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

const char *ts_out_doctrine_name(ts_doctrine_mode mode)
{
    return ts_doctrine_mode_names[mode == TS_DOCTRINE_SHOOT_LOOK_SHOOT];
}

const char *ts_out_shape_name(ts_flight_shape shape)
{
    const int k = shape == TS_SHAPE_LOFTED ? 1 : shape == TS_SHAPE_DEPRESSED ? 2 : 0;
    return ts_flight_shape_names[k];
}

const char *ts_out_sensor_kind_name(ts_sensor_kind kind)
{
    return ts_sensor_kind_names[kind == TS_SENSOR_INFRARED];
}

const char *ts_out_sensor_role_name(ts_sensor_role role)
{
    return ts_sensor_role_names[role == TS_ROLE_FIRE_CONTROL];
}

void ts_out_place_label(const ts_run_result *res, const char *name, char *out, size_t size)
{
    for (int i = 0; res && i < res->n_sites; i++)
        if (!strcmp(res->sites[i].id, name) && res->sites[i].name[0]) {
            snprintf(out, size, "%s", res->sites[i].name);
            return;
        }
    /* as written; an id "new-york" becomes "New York" */
    size_t n = 0;
    int word = 1, id = 1;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            id = 0;
    for (const char *p = name; *p && n + 1 < size; p++) {
        char c = *p;
        if (id && (c == '-' || c == '_')) {
            c = ' ';
            word = 1;
        } else if (id && word && c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
            word = 0;
        } else {
            word = 0;
        }
        out[n++] = c;
    }
    out[n] = '\0';
}

void ts_out_short(const char *text, char *out, size_t size)
{
    snprintf(out, size, "%s", text);
    char *p = strstr(out, " (");
    char *q = strstr(out, ", ");
    if (q && (!p || q < p))
        p = q;
    if (p && p > out)
        *p = '\0';
}

void ts_out_place_short(const ts_run_result *res, const char *name, char *out, size_t size)
{
    char l[TS_NAME_LEN * 2];
    ts_out_place_label(res, name, l, sizeof l);
    ts_out_short(l, out, size);
}

/* "36" "N" from 36.0 deg: the degrees without trailing zeros. */
static void deg_text(char *buf, size_t size, double x)
{
    snprintf(buf, size, "%.2f", fabs(x));
    char *e = buf + strlen(buf) - 1;
    while (e > buf && *e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
}

void ts_out_region_label(const ts_run_footprint *rf, char *out, size_t size)
{
    /* the named regions of the scenario format (docs/scenario-format.md),
     * by name or by their box */
    static const struct {
        const char *name, *label;
        double lat0, lat1, lon0, lon1;
    } named[] = {
        {"europe", "Europe", 34, 72, -25, 45},
        {"north-america", "North America", 24, 72, -170, -50},
        {"us-north-east", "the north-eastern United States", 36, 48, -90, -66},
        {"middle-east", "the Middle East", 12, 42, 25, 65},
    };
    const char *r = rf->spec->region;
    const ts_footprint_spec *sp = rf->spec;
    /* a region of countries or polygons written in the scenario: its name
     * in words, when it fits */
    if (sp->region_def && strcmp(r, "europe") && sp->region_desc[0]) {
        /* "the North Sea states (United Kingdom, ...)": the words before a
         * parenthesis, when the whole will not fit */
        const char *paren = strstr(sp->region_desc, " (");
        const size_t n = strlen(sp->region_desc), head = paren ? (size_t)(paren - sp->region_desc) : n;
        if (n < size) {
            snprintf(out, size, "%s", sp->region_desc);
            return;
        }
        if (head > 0 && head < size) {
            snprintf(out, size, "%.*s", (int)head, sp->region_desc);
            return;
        }
    }
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
        if (!strcmp(r, named[k].name) ||
            (fabs(sp->lat_min_rad / TS_DEG - named[k].lat0) < 1e-6 &&
             fabs(sp->lat_max_rad / TS_DEG - named[k].lat1) < 1e-6 &&
             fabs(sp->lon_min_rad / TS_DEG - named[k].lon0) < 1e-6 &&
             fabs(sp->lon_max_rad / TS_DEG - named[k].lon1) < 1e-6)) {
            snprintf(out, size, "%s", named[k].label);
            return;
        }
    if (sp->region_def && sp->name[0]) { /* countries too many to name: the footprint's name */
        snprintf(out, size, "%s", sp->name);
        for (char *p = out; *p; p++)
            if (*p == '-' || *p == '_')
                *p = ' ';
        return;
    }
    const ts_footprint *f = &rf->fp[0];
    const double la0 = f->lat_min_rad / TS_DEG, la1 = la0 + f->n_lat * f->step_rad / TS_DEG;
    const double lo0 = ts_wrap_lon_deg(f->lon_min_rad / TS_DEG);
    const double lo1 = ts_wrap_lon_deg(lo0 + f->n_lon * f->step_rad / TS_DEG);
    char a[16], b[16], c[16], d[16];
    deg_text(a, sizeof a, la0);
    deg_text(b, sizeof b, la1);
    deg_text(c, sizeof c, lo0);
    deg_text(d, sizeof d, lo1);
    snprintf(out, size, "%s\xc2\xb0%s\xe2\x80\x93%s\xc2\xb0%s, %s\xc2\xb0%s\xe2\x80\x93%s\xc2\xb0%s", a,
             la0 < 0 ? "S" : "N", b, la1 < 0 ? "S" : "N", c, lo0 < 0 ? "W" : "E", d,
             lo1 < 0 ? "W" : "E");
}

FILE *ts_out_open(ts_ctx *ctx, const char *dir, const char *rel)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (len < 0 || (size_t)len >= sizeof path) {
        ts_error(ctx, TS_EIO, "%s/%s: path too long", dir, rel);
        return NULL;
    }
    /* parent folders */
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) && errno != EEXIST) {
                ts_error(ctx, TS_EIO, "%s: %s", path, strerror(errno));
                return NULL;
            }
            *p = '/';
        }
    FILE *f = fopen(path, "wb");
    if (!f)
        ts_error(ctx, TS_EIO, "%s: %s", path, strerror(errno));
    return f;
}

int ts_out_close(ts_ctx *ctx, FILE *f, const char *rel)
{
    /* the whole path, from the descriptor (Linux proc(5)); rel elsewhere */
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fileno(f));
    const ssize_t n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    errno = 0;
    const int bad = ferror(f) || fflush(f);
    int e = errno;
    const int rc = fclose(f);
    if (rc && !e)
        e = errno;
    if (bad || rc)
        return ts_error(ctx, TS_EIO, "%s: cannot write: %s", n > 0 ? path : rel,
                        strerror(e ? e : EIO));
    return TS_OK;
}

int ts_out_folder(ts_ctx *ctx, const char *dir, const char *sub)
{
    char rel[256], keep[4400];
    snprintf(rel, sizeof rel, "%s/.keep", sub);
    FILE *f = ts_out_open(ctx, dir, rel);
    if (!f)
        return TS_EIO;
    fclose(f);
    snprintf(keep, sizeof keep, "%s/%s", dir, rel);
    remove(keep);
    return TS_OK;
}

void ts_out_first_note(ts_out_first_err *fe, int k, int st, const ts_ctx *tctx)
{
#pragma omp critical(ts_out_first_err)
    if (fe->first < 0 || k < fe->first) {
        fe->first = k;
        fe->code = st;
        snprintf(fe->msg, sizeof fe->msg, "%s", tctx ? ts_ctx_message(tctx) : "out of memory");
    }
}

int ts_out_first_status(ts_ctx *ctx, const ts_out_first_err *fe)
{
    if (fe->first >= 0)
        return ts_error(ctx, fe->code, "%s", fe->msg);
    return TS_OK;
}

const ts_out_writer *ts_out_writers(int *n)
{
    static const ts_out_writer writers[] = {
        {"report.json", ts_out_report}, {"tables", ts_out_tables},
        {"layers", ts_out_layers},      {"timelines", ts_out_timelines},
        {"maps", ts_out_maps},          {"index.html", ts_out_html},
        {"globe", ts_out_czml},
    };
    *n = (int)(sizeof writers / sizeof writers[0]);
    return writers;
}

const ts_threat *ts_out_row_threat(const ts_scenario *sc, const ts_matrix_spec *sp, int row)
{
    return &sc->threats[sp->row_threat ? sp->row_threat[row] : sp->threat];
}

void ts_out_matrix_missiles(const ts_scenario *sc, const ts_matrix_spec *sp, char *out,
                            size_t size)
{
    int seen[64], n = 0;
    for (int a = 0; a < sp->n_from && n < 64; a++) {
        const int t = sp->row_threat ? sp->row_threat[a] : sp->threat;
        int dup = 0;
        for (int k = 0; k < n; k++)
            dup |= seen[k] == t;
        if (!dup)
            seen[n++] = t;
    }
    out[0] = '\0';
    for (int k = 0; k < n; k++) {
        const ts_missile *m = &sc->threats[seen[k]].missile;
        char s[TS_NAME_LEN];
        ts_out_short(m->name[0] ? m->name : m->id, s, sizeof s);
        const size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", k == 0 ? "" : k == n - 1 ? " and " : ", ", s);
    }
}
void ts_out_row_label(const ts_run_result *res, const ts_matrix_spec *sp, int row, char *out,
                      size_t size)
{
    char place[TS_NAME_LEN * 2];
    ts_out_place_short(res, sp->from[row].name, place, sizeof place);
    int several = 0;
    for (int a = 1; a < sp->n_from && sp->row_threat; a++)
        several |= sp->row_threat[a] != sp->row_threat[0];
    if (!several) {
        snprintf(out, size, "%s", place);
        return;
    }
    const ts_missile *m = &ts_out_row_threat(res->sc, sp, row)->missile;
    char s[TS_NAME_LEN];
    ts_out_short(m->name[0] ? m->name : m->id, s, sizeof s);
    snprintf(out, size, "%s from %s", s, place);
}

/* x rounded to a whole number with thousands commas ("-5,214"). */
void ts_out_thousands(char *buf, size_t size, double x)
{
    char t[32];
    snprintf(t, sizeof t, "%.0f", fabs(x) + 0.0);
    const size_t n = strlen(t);
    size_t k = 0;
    if (x <= -0.5 && k + 1 < size)
        buf[k++] = '-';
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        buf[k++] = t[i];
        if ((n - 1 - i) % 3 == 0 && i + 1 < n)
            buf[k++] = ',';
    }
    buf[k] = '\0';
}
