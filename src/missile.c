/*
 * Missile catalogue: reads data/missiles.yaml into ts_missile records.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Method: the YAML document is built with libfyaml (aliases resolved); every
 * node is then checked against the schema below and converted to SI with
 * ts_quantity_parse (units.c).  The first fault found is refused with
 * TS_ESCENARIO and the message "path:line:col: error: problem (hint)",
 * line and column (1-based) of the offending node as libfyaml reports them
 * through fy_node_report on a collecting diagnostic object; libfyaml's own
 * syntax errors (bad indentation, duplicate keys, ...) come back the same
 * way.  Nothing is printed.
 *
 * Schema (docs/models-missiles.md gives it with examples):
 *   drag_curves: {NAME: {mach: [...], cd: [...], notional: bool, source: str}}
 *   missiles:
 *     - id, name, class (SRBM|MRBM|IRBM|ICBM), country, notional: bool,
 *       range_published: length, payload: mass, drag: NAME,
 *       sources: [str, ...], notes: str (optional),
 *       stages: [{gross_mass: mass, propellant_mass: mass,
 *                 isp_vac: time and/or thrust_vac: force, burn_time: time,
 *                 diameter: length | reference_area: area,
 *                 exit_area: area (optional, 0 if absent),
 *                 source: str (optional)}, ...]   (1..TS_MAX_STAGES)
 * Relations used to fill the missing one of Isp and thrust, constant thrust
 * and mass flow over the burn (e.g. Sutton & Biblarz, Rocket Propulsion
 * Elements, 8th ed., eqs. 2-5 and 3-30):
 *   mdot = m_prop / t_burn,  F_vac = mdot * g0 * Isp_vac.
 * When both are given they must agree within TS_ISP_THRUST_TOL.
 */
#include "ts_internal.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest relative disagreement accepted between a given vacuum thrust and
 * the one implied by Isp, propellant mass and burn time (1%). */
#define TS_ISP_THRUST_TOL 0.01

/* Loader state: the document, its diagnostics and the file name. */
typedef struct {
    ts_ctx *ctx;
    const char *path;
    struct fy_diag *diag;
    /* drag curves declared at the top of the file */
    int n_curves;
    struct {
        char name[TS_NAME_LEN];
        int n;
        double mach[TS_MAX_CD], cd[TS_MAX_CD];
    } curve[16];
} loader;

/*
 * Records "path:line:col: error: <message>" for node fyn (TS_ESCENARIO).
 * The position comes from libfyaml (fy_node_report on the collecting diag).
 */
static int node_error(loader *ld, struct fy_node *fyn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int node_error(loader *ld, struct fy_node *fyn, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = 0, col = 0;
    if (fyn) {
        fy_node_report(fyn, FYET_ERROR, "%s", msg);
        void *it = NULL;
        struct fy_diag_error *e, *last = NULL;
        while ((e = fy_diag_errors_iterate(ld->diag, &it)) != NULL)
            last = e;
        if (last) {
            line = last->line;
            col = last->column;
        }
    }
    if (line > 0)
        return ts_error(ld->ctx, TS_ESCENARIO, "%s:%d:%d: error: %s", ld->path, line,
                        col, msg);
    return ts_error(ld->ctx, TS_ESCENARIO, "%s: error: %s", ld->path, msg);
}

/* The scalar text of a node, or NULL (after recording an error) if the node
 * is not a scalar. */
static const char *scalar(loader *ld, struct fy_node *fyn, const char *what)
{
    if (!fyn || !fy_node_is_scalar(fyn)) {
        node_error(ld, fyn, "%s must be a single value", what);
        return NULL;
    }
    const char *s = fy_node_get_scalar0(fyn);
    if (!s)
        node_error(ld, fyn, "%s: cannot read the value", what);
    return s;
}

static int get_string(loader *ld, struct fy_node *fyn, const char *what, char *buf,
                      size_t len)
{
    const char *s = scalar(ld, fyn, what);
    if (!s)
        return TS_ESCENARIO;
    if (!s[0])
        return node_error(ld, fyn, "%s is empty", what);
    if (strlen(s) >= len)
        return node_error(ld, fyn, "%s is longer than %zu characters", what, len - 1);
    memcpy(buf, s, strlen(s) + 1);
    return TS_OK;
}

static int get_bool(loader *ld, struct fy_node *fyn, const char *what, int *out)
{
    const char *s = scalar(ld, fyn, what);
    if (!s)
        return TS_ESCENARIO;
    if (!strcmp(s, "true") || !strcmp(s, "yes")) {
        *out = 1;
        return TS_OK;
    }
    if (!strcmp(s, "false") || !strcmp(s, "no")) {
        *out = 0;
        return TS_OK;
    }
    return node_error(ld, fyn, "%s: expected true or false, got '%s'", what, s);
}

/* A quantity with its unit, > 0 (or >= 0 when zero_ok). */
static int get_quantity(loader *ld, struct fy_node *fyn, const char *what,
                        ts_quantity_kind kind, int zero_ok, double *si)
{
    const char *s = scalar(ld, fyn, what);
    if (!s)
        return TS_ESCENARIO;
    ts_ctx *qctx = ts_ctx_create();
    if (!qctx)
        return ts_error(ld->ctx, TS_ENOMEM, "%s: out of memory", ld->path);
    int st = ts_quantity_parse(qctx, s, kind, si, NULL);
    if (st < 0) {
        node_error(ld, fyn, "%s '%s': %s", what, s, ts_ctx_message(qctx));
        ts_ctx_free(qctx);
        return TS_ESCENARIO;
    }
    ts_ctx_free(qctx);
    if (!isfinite(*si) || *si < 0.0 || (!zero_ok && *si == 0.0))
        return node_error(ld, fyn, "%s '%s' must be %s", what, s,
                          zero_ok ? "zero or positive" : "positive");
    return TS_OK;
}

/* A plain number (Mach number, drag coefficient). */
static int get_number(loader *ld, struct fy_node *fyn, const char *what, double *out)
{
    const char *s = scalar(ld, fyn, what);
    if (!s)
        return TS_ESCENARIO;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return node_error(ld, fyn, "%s: expected a number, got '%s'", what, s);
    *out = v;
    return TS_OK;
}

/* Key table of a mapping: names, and where each value was found. */
typedef struct {
    const char *key;
    int required;
    struct fy_node *val; /* filled by read_keys */
} key_slot;

/*
 * Checks that fyn is a mapping whose keys are all in slots, fills each
 * slot's value node, and refuses unknown keys and missing required ones.
 */
static int read_keys(loader *ld, struct fy_node *fyn, const char *what, key_slot *slots,
                     int n)
{
    if (!fyn || !fy_node_is_mapping(fyn))
        return node_error(ld, fyn, "%s must be a mapping (key: value lines)", what);
    for (int i = 0; i < n; i++)
        slots[i].val = NULL;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(fyn, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *ks = (k && fy_node_is_scalar(k)) ? fy_node_get_scalar0(k) : NULL;
        if (!ks)
            return node_error(ld, k, "%s: keys must be plain names", what);
        int found = -1;
        for (int i = 0; i < n; i++)
            if (!strcmp(ks, slots[i].key))
                found = i;
        if (found < 0) {
            char known[512] = "";
            for (int i = 0; i < n; i++) {
                if (i)
                    strncat(known, ", ", sizeof known - strlen(known) - 1);
                strncat(known, slots[i].key, sizeof known - strlen(known) - 1);
            }
            return node_error(ld, k, "unknown key '%s' in %s (known: %s)", ks, what, known);
        }
        slots[found].val = fy_node_pair_value(p);
    }
    for (int i = 0; i < n; i++)
        if (slots[i].required && !slots[i].val)
            return node_error(ld, fyn, "%s: missing field '%s'", what, slots[i].key);
    return TS_OK;
}

static int read_drag_curves(loader *ld, struct fy_node *fyn)
{
    if (!fy_node_is_mapping(fyn))
        return node_error(ld, fyn, "drag_curves must be a mapping of named curves");
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(fyn, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        if (ld->n_curves >= (int)(sizeof ld->curve / sizeof ld->curve[0]))
            return node_error(ld, k, "too many drag curves (at most %d)",
                              (int)(sizeof ld->curve / sizeof ld->curve[0]));
        int c = ld->n_curves;
        if (get_string(ld, k, "drag curve name", ld->curve[c].name, TS_NAME_LEN))
            return TS_ESCENARIO;
        key_slot s[] = {{"mach", 1, NULL}, {"cd", 1, NULL}, {"notional", 0, NULL},
                        {"source", 0, NULL}};
        char what[96];
        snprintf(what, sizeof what, "drag curve '%s'", ld->curve[c].name);
        if (read_keys(ld, fy_node_pair_value(p), what, s, 4))
            return TS_ESCENARIO;
        if (s[2].val) {
            int dummy;
            if (get_bool(ld, s[2].val, "notional", &dummy))
                return TS_ESCENARIO;
        }
        if (s[3].val && !scalar(ld, s[3].val, "source"))
            return TS_ESCENARIO;
        struct fy_node *seq[2] = {s[0].val, s[1].val};
        int nn[2] = {0, 0};
        for (int j = 0; j < 2; j++) {
            if (!fy_node_is_sequence(seq[j]))
                return node_error(ld, seq[j], "%s: '%s' must be a list of numbers", what,
                                  j ? "cd" : "mach");
            void *it2 = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(seq[j], &it2)) != NULL) {
                if (nn[j] >= TS_MAX_CD)
                    return node_error(ld, item, "%s: at most %d points", what, TS_MAX_CD);
                double v = 0.0;
                if (get_number(ld, item, j ? "drag coefficient" : "Mach number", &v))
                    return TS_ESCENARIO;
                if (j == 0) {
                    if (v < 0.0 || (nn[0] > 0 && v <= ld->curve[c].mach[nn[0] - 1]))
                        return node_error(ld, item,
                                          "%s: Mach numbers must be >= 0 and increasing",
                                          what);
                    ld->curve[c].mach[nn[0]] = v;
                } else {
                    if (v <= 0.0 || v > 10.0)
                        return node_error(ld, item,
                                          "%s: a drag coefficient must lie in (0, 10]", what);
                    ld->curve[c].cd[nn[1]] = v;
                }
                nn[j]++;
            }
        }
        if (nn[0] < 1)
            return node_error(ld, s[0].val, "%s: needs at least one point", what);
        if (nn[0] != nn[1])
            return node_error(ld, s[1].val, "%s: %d Mach numbers but %d drag coefficients",
                              what, nn[0], nn[1]);
        for (int j = 0; j < c; j++)
            if (!strcmp(ld->curve[j].name, ld->curve[c].name))
                return node_error(ld, k, "drag curve '%s' defined twice", ld->curve[c].name);
        ld->curve[c].n = nn[0];
        ld->n_curves++;
    }
    return TS_OK;
}

static int read_stage(loader *ld, struct fy_node *fyn, const char *id, int k, ts_stage *st)
{
    char what[128];
    snprintf(what, sizeof what, "stage %d of '%s'", k + 1, id);
    enum { GROSS, PROP, ISP, THRUST, BURN, DIAM, AREA, EXIT, SOURCE, N };
    key_slot s[N] = {
        [GROSS] = {"gross_mass", 1, NULL},    [PROP] = {"propellant_mass", 1, NULL},
        [ISP] = {"isp_vac", 0, NULL},         [THRUST] = {"thrust_vac", 0, NULL},
        [BURN] = {"burn_time", 1, NULL},      [DIAM] = {"diameter", 0, NULL},
        [AREA] = {"reference_area", 0, NULL}, [EXIT] = {"exit_area", 0, NULL},
        [SOURCE] = {"source", 0, NULL}};
    if (read_keys(ld, fyn, what, s, N))
        return TS_ESCENARIO;
    memset(st, 0, sizeof *st);
    if (get_quantity(ld, s[GROSS].val, "gross_mass", TS_Q_MASS, 0, &st->m_gross_kg) ||
        get_quantity(ld, s[PROP].val, "propellant_mass", TS_Q_MASS, 0, &st->m_prop_kg) ||
        get_quantity(ld, s[BURN].val, "burn_time", TS_Q_TIME, 0, &st->burn_s))
        return TS_ESCENARIO;
    if (st->m_prop_kg >= st->m_gross_kg)
        return node_error(ld, s[PROP].val,
                          "%s: propellant_mass (%.0f kg) must be less than gross_mass "
                          "(%.0f kg)",
                          what, st->m_prop_kg, st->m_gross_kg);
    if (!s[ISP].val && !s[THRUST].val)
        return node_error(ld, fyn, "%s: missing field 'isp_vac' or 'thrust_vac'", what);
    double mdot = st->m_prop_kg / st->burn_s; /* kg/s, constant over the burn */
    if (s[ISP].val && get_quantity(ld, s[ISP].val, "isp_vac", TS_Q_TIME, 0, &st->isp_vac_s))
        return TS_ESCENARIO;
    if (s[THRUST].val &&
        get_quantity(ld, s[THRUST].val, "thrust_vac", TS_Q_FORCE, 0, &st->thrust_vac_n))
        return TS_ESCENARIO;
    if (!s[THRUST].val)
        st->thrust_vac_n = mdot * TS_G0 * st->isp_vac_s;
    else if (!s[ISP].val)
        st->isp_vac_s = st->thrust_vac_n / (mdot * TS_G0);
    else {
        double implied = mdot * TS_G0 * st->isp_vac_s;
        double rel = fabs(st->thrust_vac_n - implied) / implied;
        if (rel > TS_ISP_THRUST_TOL)
            return node_error(ld, s[THRUST].val,
                              "%s: thrust_vac %.1f kN disagrees by %.1f%% with the %.1f kN "
                              "implied by isp_vac, propellant_mass and burn_time (give one "
                              "of isp_vac and thrust_vac, or make them agree within %.0f%%)",
                              what, st->thrust_vac_n / 1e3, 100.0 * rel, implied / 1e3,
                              100.0 * TS_ISP_THRUST_TOL);
    }
    if (!!s[DIAM].val == !!s[AREA].val)
        return node_error(ld, s[DIAM].val ? s[AREA].val : fyn,
                          "%s: give exactly one of 'diameter' and 'reference_area'", what);
    if (s[DIAM].val) {
        double d;
        if (get_quantity(ld, s[DIAM].val, "diameter", TS_Q_LENGTH, 0, &d))
            return TS_ESCENARIO;
        st->area_ref_m2 = 0.25 * TS_PI * d * d;
    } else if (get_quantity(ld, s[AREA].val, "reference_area", TS_Q_AREA, 0,
                            &st->area_ref_m2))
        return TS_ESCENARIO;
    if (s[EXIT].val &&
        get_quantity(ld, s[EXIT].val, "exit_area", TS_Q_AREA, 1, &st->exit_area_m2))
        return TS_ESCENARIO;
    /* The sea-level thrust loss p0 * A_e must leave positive thrust
     * (US Standard Atmosphere 1976 sea-level pressure 101325 Pa). */
    if (st->exit_area_m2 * 101325.0 >= st->thrust_vac_n)
        return node_error(ld, s[EXIT].val,
                          "%s: exit_area is so large that the sea-level thrust would be "
                          "negative",
                          what);
    if (s[SOURCE].val && !scalar(ld, s[SOURCE].val, "source"))
        return TS_ESCENARIO;
    return TS_OK;
}

static int read_missile(loader *ld, struct fy_node *fyn, ts_missile *m,
                        const ts_missile *prev, int n_prev)
{
    enum { ID, NAME, CLASS, COUNTRY, NOTIONAL, RANGE, PAYLOAD, DRAG, SOURCES, NOTES, STAGES,
           N };
    key_slot s[N] = {
        [ID] = {"id", 1, NULL},           [NAME] = {"name", 1, NULL},
        [CLASS] = {"class", 1, NULL},     [COUNTRY] = {"country", 1, NULL},
        [NOTIONAL] = {"notional", 1, NULL}, [RANGE] = {"range_published", 1, NULL},
        [PAYLOAD] = {"payload", 1, NULL}, [DRAG] = {"drag", 1, NULL},
        [SOURCES] = {"sources", 1, NULL}, [NOTES] = {"notes", 0, NULL},
        [STAGES] = {"stages", 1, NULL}};
    memset(m, 0, sizeof *m);
    if (read_keys(ld, fyn, "a missile", s, N))
        return TS_ESCENARIO;
    if (get_string(ld, s[ID].val, "id", m->id, sizeof m->id))
        return TS_ESCENARIO;
    for (const char *c = m->id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_'))
            return node_error(ld, s[ID].val,
                              "id '%s': use lower-case letters, digits, '-' and '_'", m->id);
    for (int i = 0; i < n_prev; i++)
        if (!strcmp(prev[i].id, m->id))
            return node_error(ld, s[ID].val, "id '%s' is already used by another missile",
                              m->id);
    char what[128];
    snprintf(what, sizeof what, "missile '%s'", m->id);
    if (get_string(ld, s[NAME].val, "name", m->name, sizeof m->name) ||
        get_string(ld, s[CLASS].val, "class", m->range_class, sizeof m->range_class) ||
        get_string(ld, s[COUNTRY].val, "country", m->country, sizeof m->country) ||
        get_bool(ld, s[NOTIONAL].val, "notional", &m->notional) ||
        get_quantity(ld, s[RANGE].val, "range_published", TS_Q_LENGTH, 0,
                     &m->range_published_m) ||
        get_quantity(ld, s[PAYLOAD].val, "payload", TS_Q_MASS, 0, &m->payload_kg))
        return TS_ESCENARIO;
    /* MDA range classes: SRBM <= 1,000 km, MRBM 1,000-3,000 km, IRBM
     * 3,000-5,500 km, ICBM > 5,500 km (SOURCES.md). */
    static const char *const classes[] = {"SRBM", "MRBM", "IRBM", "ICBM"};
    int cls = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(m->range_class, classes[i]))
            cls = i;
    if (cls < 0)
        return node_error(ld, s[CLASS].val, "class '%s': expected SRBM, MRBM, IRBM or ICBM",
                          m->range_class);
    /* drag curve by name */
    const char *dn = scalar(ld, s[DRAG].val, "drag");
    if (!dn)
        return TS_ESCENARIO;
    int dc = -1;
    for (int i = 0; i < ld->n_curves; i++)
        if (!strcmp(ld->curve[i].name, dn))
            dc = i;
    if (dc < 0) {
        char known[256] = "";
        for (int i = 0; i < ld->n_curves; i++) {
            if (i)
                strncat(known, ", ", sizeof known - strlen(known) - 1);
            strncat(known, ld->curve[i].name, sizeof known - strlen(known) - 1);
        }
        return node_error(ld, s[DRAG].val, "unknown drag curve '%s' (defined: %s)", dn,
                          ld->n_curves ? known : "none; declare it under drag_curves first");
    }
    m->n_cd = ld->curve[dc].n;
    memcpy(m->cd_mach, ld->curve[dc].mach, sizeof m->cd_mach);
    memcpy(m->cd, ld->curve[dc].cd, sizeof m->cd);
    /* sources: a non-empty list of strings, kept "; "-separated */
    if (!fy_node_is_sequence(s[SOURCES].val) || fy_node_sequence_is_empty(s[SOURCES].val))
        return node_error(ld, s[SOURCES].val, "%s: sources must be a non-empty list", what);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(s[SOURCES].val, &it)) != NULL) {
        const char *src = scalar(ld, item, "a source");
        if (!src)
            return TS_ESCENARIO;
        size_t used = strlen(m->sources);
        if (used + strlen(src) + 3 > sizeof m->sources)
            return node_error(ld, item, "%s: sources longer than %d characters in all", what,
                              TS_TEXT_LEN - 1);
        if (used)
            strcat(m->sources, "; ");
        strcat(m->sources, src);
    }
    if (s[NOTES].val && !scalar(ld, s[NOTES].val, "notes"))
        return TS_ESCENARIO;
    /* stages */
    if (!fy_node_is_sequence(s[STAGES].val))
        return node_error(ld, s[STAGES].val, "%s: stages must be a list", what);
    int n = fy_node_sequence_item_count(s[STAGES].val);
    if (n < 1 || n > TS_MAX_STAGES)
        return node_error(ld, s[STAGES].val, "%s: %d stages; expected 1 to %d", what, n,
                          TS_MAX_STAGES);
    it = NULL;
    m->n_stages = 0;
    while ((item = fy_node_sequence_iterate(s[STAGES].val, &it)) != NULL) {
        if (read_stage(ld, item, m->id, m->n_stages, &m->stage[m->n_stages]))
            return TS_ESCENARIO;
        m->n_stages++;
    }
    return TS_OK;
}

/*
 * Reads a missile catalogue.
 * Given:    path of the YAML file.
 * Returned: *out (owned by the caller, release with ts_missiles_free); on
 *           failure *out is empty.
 * Status:   TS_OK; TS_EIO if the file cannot be opened; TS_ESCENARIO with
 *           "path:line:col: error: ..." for any fault in the file;
 *           TS_ENOMEM.
 */
int ts_missiles_load(ts_ctx *ctx, const char *path, ts_missile_list *out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "ts_missiles_load: no output list");
    out->n = 0;
    out->items = NULL;
    if (!path)
        return ts_error(ctx, TS_EINVAL, "ts_missiles_load: no path");
    FILE *probe = fopen(path, "r");
    if (!probe)
        return ts_error(ctx, TS_EIO, "%s: cannot open the missile catalogue", path);
    fclose(probe);

    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.ctx = ctx;
    ld.path = path;
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL; /* nothing printed: errors are collected */
    dcfg.colorize = false;
    ld.diag = fy_diag_create(&dcfg);
    if (!ld.diag)
        return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
    fy_diag_set_collect_errors(ld.diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_RESOLVE_DOCUMENT;
    pcfg.diag = ld.diag;
    struct fy_document *doc = fy_document_build_from_file(&pcfg, path);
    int st = TS_OK;
    if (!doc) {
        void *it = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(ld.diag, &it);
        if (e)
            st = ts_error(ctx, TS_ESCENARIO, "%s:%d:%d: error: %s", path, e->line, e->column,
                          e->msg);
        else
            st = ts_error(ctx, TS_ESCENARIO, "%s: error: not a YAML document", path);
        fy_diag_destroy(ld.diag);
        return st;
    }
    struct fy_node *root = fy_document_root(doc);
    ts_missile *items = NULL;
    int n = 0;
    key_slot top[] = {{"drag_curves", 1, NULL}, {"missiles", 1, NULL}};
    if (!root) {
        st = ts_error(ctx, TS_ESCENARIO, "%s:1:1: error: the file is empty", path);
        goto done;
    }
    if ((st = read_keys(&ld, root, "the catalogue", top, 2)) != TS_OK)
        goto done;
    if ((st = read_drag_curves(&ld, top[0].val)) != TS_OK)
        goto done;
    if (!fy_node_is_sequence(top[1].val) || fy_node_sequence_is_empty(top[1].val)) {
        st = node_error(&ld, top[1].val, "missiles must be a non-empty list");
        goto done;
    }
    int cap = fy_node_sequence_item_count(top[1].val);
    items = calloc((size_t)cap, sizeof *items);
    if (!items) {
        st = ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(top[1].val, &it)) != NULL) {
        if ((st = read_missile(&ld, item, &items[n], items, n)) != TS_OK)
            goto done;
        n++;
    }
done:
    fy_document_destroy(doc);
    fy_diag_destroy(ld.diag);
    if (st != TS_OK) {
        free(items);
        return st;
    }
    out->n = n;
    out->items = items;
    return TS_OK;
}

/* Releases what ts_missiles_load allocated; accepts NULL and empty lists. */
void ts_missiles_free(ts_missile_list *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* The missile with catalogue key id, or NULL. */
const ts_missile *ts_missiles_find(const ts_missile_list *list, const char *id)
{
    if (!list || !id)
        return NULL;
    for (int i = 0; i < list->n; i++)
        if (!strcmp(list->items[i].id, id))
            return &list->items[i];
    return NULL;
}
