/*
 * Study files (docs/study-format.md): the scenario, the uncertain
 * parameters by their --set paths and distributions, the answers to
 * record, the number of cases and the seed.  Read with yamlutil, so every
 * error is "path:line:col: error: ..." with a did-you-mean, as for
 * scenarios; an impossible distribution (low above high, a negative SD, a
 * log-uniform reaching 0) is refused at its node, naming it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"
#include "yamlutil.h"

#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS_STUDY_MAX_PARAMS 20  /* gsl_qrng_sobol: at most 40 dimensions = 2k */
#define TS_STUDY_MAX_CASES 1000000
#define TS_STUDY_MAX_VALUES 256

/* ---- values as --set texts ------------------------------------------------- */
static int flow_plain_ok(const char *s)
{
    if (!s[0])
        return 0;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || isspace((unsigned char)s[0]))
        return 0;
    for (const char *p = s; *p; p++) {
        if (strchr(",[]{}#", *p) || (unsigned char)*p < 0x20)
            return 0;
        if (*p == ':' && (p[1] == ' ' || !p[1]))
            return 0;
    }
    return !isspace((unsigned char)s[strlen(s) - 1]);
}

static void put(char *buf, size_t size, size_t *at, const char *s)
{
    const size_t l = strlen(s);
    if (*at + l < size) {
        memcpy(buf + *at, s, l + 1);
        *at += l;
    } else {
        *at = size; /* overflow: the caller sees *at == size */
    }
}

/* A node as YAML flow text (what --set VALUE takes); 0, or -1 when it
 * does not fit. */
static int node_flow(const ts_y_node *n, char *buf, size_t size, size_t *at)
{
    if (n->kind == TS_Y_SCALAR) {
        if (n->style == TS_Y_PLAIN && flow_plain_ok(n->text)) {
            put(buf, size, at, n->text);
        } else {
            put(buf, size, at, "\"");
            for (const char *p = n->text; *p && *at < size; p++) {
                char e[8];
                if (*p == '"' || *p == '\\')
                    snprintf(e, sizeof e, "\\%c", *p);
                else if ((unsigned char)*p < 0x20)
                    snprintf(e, sizeof e, "\\x%02x", (unsigned char)*p);
                else
                    e[0] = *p, e[1] = '\0';
                put(buf, size, at, e);
            }
            put(buf, size, at, "\"");
        }
    } else {
        const int map = n->kind == TS_Y_MAP;
        put(buf, size, at, map ? "{" : "[");
        for (int i = 0; i < n->n && *at < size; i++) {
            if (i)
                put(buf, size, at, ", ");
            if (map) {
                node_flow(n->item[2 * i], buf, size, at);
                put(buf, size, at, ": ");
                node_flow(n->item[2 * i + 1], buf, size, at);
            } else {
                node_flow(n->item[i], buf, size, at);
            }
        }
        put(buf, size, at, map ? "}" : "]");
    }
    return *at < size ? 0 : -1;
}

/* ---- quantities -------------------------------------------------------------------- */
static const ts_quantity_kind KINDS[] = {TS_Q_RATIO, TS_Q_LENGTH, TS_Q_SPEED, TS_Q_TIME,
                                         TS_Q_ANGLE, TS_Q_MASS, TS_Q_FORCE, TS_Q_AREA,
                                         TS_Q_POWER, TS_Q_FREQUENCY};
#define N_KINDS ((int)(sizeof KINDS / sizeof KINDS[0]))

/* The kind a scalar parses as (-1: none) and its SI value. */
static int scalar_kind(const char *text, double *si)
{
    for (int k = 0; k < N_KINDS; k++)
        if (ts_quantity_parse(NULL, text, KINDS[k], si, NULL) == TS_OK)
            return (int)KINDS[k];
    return -1;
}

/* The unit as written after the number ("km/s"; "" for a bare number),
 * and the SI value of one of it. */
static void unit_of(const char *text, ts_quantity_kind kind, char *unit, size_t size,
                    double *unit_si)
{
    const char *p = text;
    while (*p && (isdigit((unsigned char)*p) || strchr("+-.,", *p) ||
                  ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) || p[1] == '-' ||
                                                 p[1] == '+'))))
        p++;
    while (*p == ' ')
        p++;
    snprintf(unit, size, "%s", p);
    char one[64];
    snprintf(one, sizeof one, "1 %s", unit);
    *unit_si = 1.0;
    if (unit[0] && ts_quantity_parse(NULL, one, kind, unit_si, NULL) != TS_OK) {
        snprintf(one, sizeof one, "1%s", unit);
        if (ts_quantity_parse(NULL, one, kind, unit_si, NULL) != TS_OK)
            *unit_si = 1.0, unit[0] = '\0';
    }
}

/* A quantity of the parameter's kind (set by the first one read). */
static int read_quantity(ts_y_errs *errs, ts_study_param *p, const ts_y_node *n,
                         const char *what, double *si)
{
    if (ts_y_expect(errs, n, TS_Y_SCALAR, what))
        return -1;
    const int kind = scalar_kind(n->text, si);
    if (kind < 0) {
        ts_y_err(errs, n, "%s: '%s' is not a number or a quantity with a unit "
                 "(e.g. 6.3 km/s, 60 s, 0.1 m^2, 0.8)", what, n->text);
        return -1;
    }
    if (!p->numeric) {
        p->numeric = 1;
        p->qkind = (ts_quantity_kind)kind;
        unit_of(n->text, p->qkind, p->unit, sizeof p->unit, &p->unit_si);
    } else if ((ts_quantity_kind)kind != p->qkind) {
        ts_y_err(errs, n, "%s: '%s' is not of the kind of the parameter's first value "
                 "(%s in %s)", what, n->text, p->unit[0] ? "a quantity" : "a number",
                 p->unit[0] ? p->unit : "no unit");
        return -1;
    }
    return 0;
}

static void fmt_q(const ts_study_param *p, double si, char *buf, size_t size)
{
    if (p->unit[0])
        snprintf(buf, size, "%.6g %s", si / p->unit_si, p->unit);
    else
        snprintf(buf, size, "%.6g", si);
}

/* [lo, hi]: two quantities, lo < hi (and lo > 0 when positive). */
static int read_bounds(ts_y_errs *errs, ts_study_param *p, const ts_y_node *n,
                       const char *what, int positive, double *lo, double *hi)
{
    if (ts_y_expect(errs, n, TS_Y_SEQ, what))
        return -1;
    if (n->n != 2) {
        ts_y_err(errs, n, "%s: expected [low, high], two values, got %d", what, n->n);
        return -1;
    }
    if (read_quantity(errs, p, n->item[0], what, lo) ||
        read_quantity(errs, p, n->item[1], what, hi))
        return -1;
    char a[64], b[64];
    fmt_q(p, *lo, a, sizeof a);
    fmt_q(p, *hi, b, sizeof b);
    if (!(*lo < *hi)) {
        ts_y_err(errs, n, "%s: impossible distribution: low %s is %s high %s", what, a,
                 *lo == *hi ? "equal to" : "above", b);
        return -1;
    }
    if (positive && !(*lo > 0.0)) {
        ts_y_err(errs, n->item[0], "%s: impossible distribution: low %s must be above 0 "
                 "(the logarithm of 0 or less is undefined)", what, a);
        return -1;
    }
    return 0;
}

static int read_listed(ts_y_errs *errs, ts_study_param *p, const ts_y_node *n,
                       const char *what)
{
    if (ts_y_expect(errs, n, TS_Y_SEQ, what))
        return -1;
    if (n->n < 1 || n->n > TS_STUDY_MAX_VALUES) {
        ts_y_err(errs, n, "%s: expected 1 to %d values, got %d", what, TS_STUDY_MAX_VALUES, n->n);
        return -1;
    }
    p->values = calloc((size_t)n->n, sizeof *p->values);
    p->values_si = calloc((size_t)n->n, sizeof *p->values_si);
    if (!p->values || !p->values_si) {
        ts_y_nomem(errs);
        return -1;
    }
    /* numeric when every value is a scalar quantity of one kind */
    int numeric = 1, kind0 = -2;
    for (int i = 0; i < n->n && numeric; i++) {
        double si;
        const int k = n->item[i]->kind == TS_Y_SCALAR ? scalar_kind(n->item[i]->text, &si) : -1;
        numeric = k >= 0 && (kind0 == -2 || k == kind0);
        kind0 = k;
    }
    for (int i = 0; i < n->n; i++) {
        char buf[TS_SETTING_VALUE_LEN];
        size_t at = 0;
        if (node_flow(n->item[i], buf, sizeof buf, &at)) {
            ts_y_err(errs, n->item[i], "%s: value too long for a setting (at most %d bytes)",
                     what, TS_SETTING_VALUE_LEN - 1);
            return -1;
        }
        if (numeric && read_quantity(errs, p, n->item[i], what, &p->values_si[i]))
            return -1;
        for (int j = 0; j < i; j++)
            if (!strcmp(p->values[j], buf)) {
                ts_y_err(errs, n->item[i], "%s: '%s' is listed twice", what, buf);
                return -1;
            }
        if (!(p->values[i] = strdup(buf))) {
            ts_y_nomem(errs);
            return -1;
        }
        p->n_values = i + 1;
    }
    return 0;
}

static int read_normal(ts_y_errs *errs, ts_study_param *p, const ts_y_node *n)
{
    static const char *const keys[] = {"mean", "sd", "truncate", NULL};
    if (ts_y_expect(errs, n, TS_Y_MAP, "normal") || ts_y_check_keys(errs, n, "'normal'", keys))
        return -1;
    const ts_y_node *m = ts_y_require(errs, n, "mean", "'normal'");
    const ts_y_node *s = ts_y_require(errs, n, "sd", "'normal'");
    if (!m || !s || read_quantity(errs, p, m, "normal mean", &p->mean) ||
        read_quantity(errs, p, s, "normal sd", &p->sd))
        return -1;
    if (!(p->sd > 0.0)) {
        char b[64];
        fmt_q(p, p->sd, b, sizeof b);
        ts_y_err(errs, s, "normal sd: impossible distribution: the standard deviation %s "
                 "must be above 0", b);
        return -1;
    }
    const ts_y_node *t = ts_y_get(n, "truncate");
    if (t) {
        if (read_bounds(errs, p, t, "normal truncate", 0, &p->lo, &p->hi))
            return -1;
        p->truncated = 1;
        const double pa = gsl_cdf_gaussian_P(p->lo - p->mean, p->sd);
        const double pb = gsl_cdf_gaussian_P(p->hi - p->mean, p->sd);
        if (!(pb - pa > 1e-9)) {
            ts_y_err(errs, t, "normal truncate: impossible distribution: [low, high] holds "
                     "almost none of the distribution (%.2g of it)", pb - pa);
            return -1;
        }
    }
    return 0;
}

static const char *const DIST_NAMES[] = {"grid", "uniform", "normal", "log-uniform", "choice",
                                         NULL};

static int read_param(ts_y_errs *errs, const ts_y_node *key, const ts_y_node *val,
                      ts_study_param *p)
{
    memset(p, 0, sizeof *p);
    p->unit_si = 1.0;
    p->line = key->line;
    p->col = key->col;
    if (key->kind != TS_Y_SCALAR || !key->len || key->len >= sizeof p->path) {
        ts_y_err(errs, key, "a parameter's path must be a --set path of at most %d characters",
                 (int)sizeof p->path - 1);
        return -1;
    }
    snprintf(p->path, sizeof p->path, "%s", key->text);
    for (const char *c = p->path; *c; c++)
        if (!(isalnum((unsigned char)*c) || strchr("._-", *c))) {
            ts_y_err_in(errs, key, (int)(c - p->path), "parameter path '%s': '%c' is not "
                        "allowed in a --set path (letters, digits, '.', '_', '-')", p->path, *c);
            return -1;
        }
    static const char *const keys[] = {"grid", "uniform", "normal", "log-uniform", "choice",
                                       "sources", NULL};
    if (ts_y_expect(errs, val, TS_Y_MAP, "a parameter") ||
        ts_y_check_keys(errs, val, "a parameter", keys))
        return -1;
    int found = -1, nd = 0;
    for (int d = 0; DIST_NAMES[d]; d++)
        if (ts_y_get(val, DIST_NAMES[d]))
            found = d, nd++;
    if (nd != 1) {
        ts_y_err(errs, val, "parameter '%s': %s (one of grid, uniform, normal, log-uniform, "
                 "choice)", p->path, nd ? "more than one distribution" : "no distribution");
        return -1;
    }
    p->kind = (ts_dist_kind)found;
    const ts_y_node *d = ts_y_get(val, DIST_NAMES[found]);
    int st = 0;
    switch (p->kind) {
    case TS_DIST_UNIFORM:
        st = read_bounds(errs, p, d, "uniform", 0, &p->lo, &p->hi);
        break;
    case TS_DIST_LOGUNIFORM:
        st = read_bounds(errs, p, d, "log-uniform", 1, &p->lo, &p->hi);
        break;
    case TS_DIST_NORMAL:
        st = read_normal(errs, p, d);
        break;
    case TS_DIST_GRID:
    case TS_DIST_CHOICE:
        st = read_listed(errs, p, d, DIST_NAMES[found]);
        break;
    }
    if (st)
        return -1;
    const ts_y_node *src = ts_y_require(errs, val, "sources", "a parameter");
    if (!src || ts_y_text(errs, src, "sources", p->sources, sizeof p->sources))
        return -1;
    return 0;
}

static void params_free(ts_study *s)
{
    for (int i = 0; i < s->n_params; i++) {
        for (int j = 0; j < s->params[i].n_values; j++)
            free(s->params[i].values[j]);
        free(s->params[i].values);
        free(s->params[i].values_si);
    }
    free(s->params);
    s->params = NULL;
    s->n_params = 0;
}

void ts_study_free(ts_study *study)
{
    if (!study)
        return;
    params_free(study);
    free(study->answers);
    free(study->answer_pos);
    free(study->fixed);
    free(study);
}

long ts_study_total_cases(const ts_study *s)
{
    if (s->factorial) {
        long n = 1;
        for (int i = 0; i < s->n_params; i++)
            n *= s->params[i].n_values;
        return n;
    }
    return (long)s->cases * (s->n_params + 2) + 2L * s->n_params + 1;
}

long ts_study_sampled_cases(const ts_study *s)
{
    return s->factorial ? ts_study_total_cases(s) : (long)s->cases * (s->n_params + 2);
}

long ts_study_cases(const ts_study *study) { return ts_study_total_cases(study); }

static void stem_of(const char *path, char *buf, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(buf, size, "%.*s", (int)(size - 1), b);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

static void body(ts_y_errs *errs, const ts_y_node *root, ts_study *s)
{
    static const char *const keys[] = {"name", "title", "scenario", "variant", "cases", "seed",
                                       "answers", "parameters", "settings", "bootstrap", "sources",
                                       NULL};
    if (ts_y_expect(errs, root, TS_Y_MAP, "the study") ||
        ts_y_check_keys(errs, root, "the study", keys))
        return;
    const ts_y_node *n;
    char stem[TS_NAME_LEN];
    stem_of(s->path, stem, sizeof stem);
    for (char *c = stem; *c; c++) /* a name: [a-z0-9._-] */
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || strchr("._-", *c)))
            *c = isupper((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '-';
    snprintf(s->name, sizeof s->name, "%s", stem);
    if ((n = ts_y_get(root, "name")))
        ts_y_ident(errs, n, "name", s->name, sizeof s->name);
    if ((n = ts_y_get(root, "title")))
        ts_y_string(errs, n, "title", s->title, sizeof s->title);
    if ((n = ts_y_get(root, "sources")))
        ts_y_text(errs, n, "sources", s->sources, sizeof s->sources);
    if ((n = ts_y_require(errs, root, "scenario", "the study"))) {
        char rel[TS_TEXT_LEN];
        if (!ts_y_string(errs, n, "scenario", rel, sizeof rel)) {
            const char *slash = strrchr(s->path, '/');
            if (rel[0] == '/' || !slash)
                snprintf(s->scenario, sizeof s->scenario, "%s", rel);
            else if (snprintf(s->scenario, sizeof s->scenario, "%.*s/%s",
                              (int)(slash - s->path), s->path, rel) >= (int)sizeof s->scenario)
                ts_y_err(errs, n, "scenario: path too long");
        }
    }
    if ((n = ts_y_get(root, "variant"))) {
        ts_y_ident(errs, n, "variant", s->variant, sizeof s->variant);
        s->variant_line = n->line;
        s->variant_col = n->col;
    }
    int seed = 0;
    if ((n = ts_y_get(root, "seed")) && !ts_y_int(errs, n, "seed", 0, 2147483647, &seed))
        s->seed = (unsigned long)seed;
    s->bootstrap = 1000;
    if ((n = ts_y_get(root, "bootstrap")))
        ts_y_int(errs, n, "bootstrap", 0, 100000, &s->bootstrap);
    if ((n = ts_y_get(root, "answers")) && !ts_y_expect(errs, n, TS_Y_SEQ, "answers")) {
        s->answers = calloc((size_t)n->n + 1, sizeof *s->answers);
        s->answer_pos = calloc((size_t)n->n + 1, sizeof *s->answer_pos);
        if (!s->answers || !s->answer_pos) {
            ts_y_nomem(errs);
            return;
        }
        for (int i = 0; i < n->n; i++) {
            s->answer_pos[i][0] = n->item[i]->line;
            s->answer_pos[i][1] = n->item[i]->col;
            if (ts_y_string(errs, n->item[i], "answers", s->answers[i], sizeof s->answers[i]))
                continue;
            if (!strchr(s->answers[i], '.'))
                ts_y_err(errs, n->item[i], "answers: '%s' is not an answer name (ANALYSIS.NAME "
                         "or ANALYSIS.FRAMING.NAME, e.g. europe.supported.defended_land_share; "
                         "docs/answers.md)", s->answers[i]);
            for (int j = 0; j < i; j++)
                if (!strcmp(s->answers[i], s->answers[j]))
                    ts_y_err(errs, n->item[i], "answers: '%s' is listed twice", s->answers[i]);
        }
        s->n_answers = n->n;
    }
    if ((n = ts_y_get(root, "settings")) && !ts_y_expect(errs, n, TS_Y_MAP, "settings")) {
        if (n->n > TS_STUDY_MAX_FIXED) {
            ts_y_err(errs, n, "settings: at most %d, got %d", TS_STUDY_MAX_FIXED, n->n);
            return;
        }
        s->fixed = calloc((size_t)n->n + 1, sizeof *s->fixed);
        if (!s->fixed) {
            ts_y_nomem(errs);
            return;
        }
        for (int i = 0; i < n->n; i++) {
            const ts_y_node *key = n->item[2 * i];
            ts_setting *f = &s->fixed[s->n_fixed];
            size_t at = 0;
            if (key->kind != TS_Y_SCALAR || key->len >= sizeof f->path) {
                ts_y_err(errs, key, "settings: a --set path of at most %d characters",
                         (int)sizeof f->path - 1);
                continue;
            }
            snprintf(f->path, sizeof f->path, "%s", key->text);
            if (node_flow(n->item[2 * i + 1], f->value, sizeof f->value, &at)) {
                ts_y_err(errs, n->item[2 * i + 1], "settings: value too long (at most %d bytes)",
                         (int)sizeof f->value - 1);
                continue;
            }
            s->n_fixed++;
        }
    }
    const ts_y_node *pm = ts_y_require(errs, root, "parameters", "the study");
    if (pm && !ts_y_expect(errs, pm, TS_Y_MAP, "parameters")) {
        if (pm->n < 1 || pm->n > TS_STUDY_MAX_PARAMS) {
            ts_y_err(errs, pm, "parameters: expected 1 to %d, got %d", TS_STUDY_MAX_PARAMS, pm->n);
            return;
        }
        s->params = calloc((size_t)pm->n, sizeof *s->params);
        if (!s->params) {
            ts_y_nomem(errs);
            return;
        }
        int grids = 0, bad = 0;
        for (int i = 0; i < pm->n; i++) {
            const ts_y_node *key = pm->item[2 * i];
            if (read_param(errs, key, pm->item[2 * i + 1], &s->params[s->n_params]))
                bad = 1;
            else if (s->params[s->n_params].kind == TS_DIST_GRID)
                grids++;
            for (int j = 0; j < i && key->kind == TS_Y_SCALAR; j++)
                if (pm->item[2 * j]->kind == TS_Y_SCALAR && !strcmp(pm->item[2 * j]->text, key->text))
                    ts_y_err(errs, key, "parameter '%s' is given twice", key->text), bad = 1;
            s->n_params++;
            /* a parameter that failed keeps its slot (freed with the rest) */
        }
        if (!bad && grids && grids != s->n_params)
            ts_y_err(errs, pm, "parameters: grid parameters cannot be mixed with distributions "
                     "(a study is a full-factorial grid or a sampled one; for a discrete "
                     "parameter among sampled ones use choice)");
        s->factorial = !bad && grids == s->n_params;
    }
    n = ts_y_get(root, "cases");
    if (s->factorial) {
        if (n)
            ts_y_err(errs, n, "cases: a grid study runs every combination of its grids "
                     "(%ld cases); leave 'cases' out", ts_study_total_cases(s));
        else if (ts_study_total_cases(s) > TS_STUDY_MAX_CASES)
            ts_y_err(errs, pm, "parameters: %ld combinations, at most %d", ts_study_total_cases(s),
                     TS_STUDY_MAX_CASES);
    } else if (!n) {
        if (!ts_y_typo_of(errs, root, "cases"))
            ts_y_err(errs, root, "missing required key 'cases' in the study (the number of "
                     "base points N; the study runs N(k+2) cases for k parameters)");
    } else {
        ts_y_int(errs, n, "cases", 2, TS_STUDY_MAX_CASES / (TS_STUDY_MAX_PARAMS + 2), &s->cases);
    }
}

int ts_study_load(ts_ctx *ctx, const char *path, ts_study **out)
{
    *out = NULL;
    ts_study *s = calloc(1, sizeof *s);
    if (!s)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    if (strlen(path) >= sizeof s->path) {
        free(s);
        return ts_error(ctx, TS_EINVAL, "%.64s...: path too long", path);
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *doc = NULL;
    int st = ts_y_load(&errs, path, &doc);
    if (st == TS_EIO) {
        ts_y_errs_free(&errs);
        ts_study_free(s);
        return ts_error(ctx, TS_EIO, "%s: cannot read the study", path);
    }
    if (!st) {
        const ts_y_node *root = ts_y_root(doc);
        if (!root)
            ts_y_err_pos(&errs, path, 1, 1, "the study is empty (docs/study-format.md)");
        else
            body(&errs, root, s);
    }
    st = ts_y_errs_report(&errs, ctx);
    ts_y_errs_free(&errs);
    ts_y_doc_free(doc);
    if (st) {
        ts_study_free(s);
        return st;
    }
    *out = s;
    return TS_OK;
}
