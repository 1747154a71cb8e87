/*
 * `thirdsite sensitivity`: one named answer (docs/answers.md) with each
 * parameter of a ranges file (data/uncertainty.yaml) at the low and at the
 * high end of its documented range, the rest of the scenario unchanged:
 * one-at-a-time finite differences (Saltelli et al., "Global Sensitivity
 * Analysis: The Primer", Wiley 2008, sec. 1.2.2: the tornado diagram of
 * one-at-a-time swings), ranked by the swing.  Only the analysis the
 * answer names is computed (ts_evaluate with `only`).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include "runfolder.h"
#include "yamlutil.h"
#include "output/analysis_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does the scenario have what the path's first steps name?  *why gets the
 * reason when not. */
static int path_present(const ts_scenario *sc, const char *path, char *why, size_t size)
{
    const char *p = path;
    if (!strncmp(p, "defense.", 8))
        p += 8;
    static const char *const secs[] = {"batteries.", "sensors.", "threats.", "variants.", NULL};
    for (int k = 0; secs[k]; k++) {
        const size_t n = strlen(secs[k]);
        if (strncmp(p, secs[k], n))
            continue;
        const char *id = p + n;
        for (int v = 0; v < sc->n_variants; v++) {
            const ts_defense *d = &sc->variants[v].defense;
            if (k == 0)
                for (int b = 0; b < d->n_batteries; b++) {
                    const size_t l = strlen(d->batteries[b].id);
                    if (!strncmp(id, d->batteries[b].id, l) && id[l] == '.')
                        return 1;
                }
            if (k == 1)
                for (int s = 0; s < d->n_sensors; s++) {
                    const size_t l = strlen(d->sensors[s].id);
                    if (!strncmp(id, d->sensors[s].id, l) && id[l] == '.')
                        return 1;
                }
            if (k == 3) {
                const size_t l = strlen(sc->variants[v].name);
                if (v > 0 && !strncmp(id, sc->variants[v].name, l) && id[l] == '.')
                    return 1;
            }
        }
        if (k == 2)
            for (int t = 0; t < sc->n_threats; t++) {
                const size_t l = strlen(sc->threats[t].id);
                if (!strncmp(id, sc->threats[t].id, l) && id[l] == '.')
                    return 1;
            }
        const char *dot = strchr(id, '.');
        snprintf(why, size, "the scenario has no %.*s '%.*s'", (int)(n - 2), secs[k],
                 dot ? (int)(dot - id) : (int)strlen(id), id);
        return 0;
    }
    return 1;
}

typedef struct {
    ts_ctx *ctx;
    const ts_sensitivity_opts *o;
    int variant;
    const char *only[1];
    char only_buf[TS_NAME_LEN];
} sens;

/* The answer with the fixed settings and, when path is given, path = value. */
static int answer_at(sens *s, const char *path, const char *value, ts_answer *out)
{
    ts_ctx *ctx = s->ctx;
    const ts_sensitivity_opts *o = s->o;
    const int n = o->n_settings + (path ? 1 : 0);
    ts_setting *set = calloc((size_t)n + 1, sizeof *set);
    if (!set)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int i = 0; i < o->n_settings; i++)
        set[i] = o->settings[i];
    if (path) {
        snprintf(set[n - 1].path, sizeof set[n - 1].path, "%s", path);
        snprintf(set[n - 1].value, sizeof set[n - 1].value, "%s", value);
    }
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, o->scenario_path, o->data_dir, set, n, &sc);
    free(set);
    if (st)
        return st;
    ts_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.variant = s->variant;
    eo.threads = o->threads > 0 ? o->threads : 1;
    eo.only = s->only;
    eo.n_only = 1;
    eo.cancel = o->cancel;
    ts_answers a;
    memset(&a, 0, sizeof a);
    st = ts_evaluate(ctx, sc, &eo, &a);
    ts_scenario_free(sc);
    if (st)
        return st;
    const ts_answer *found = ts_answers_find(&a, o->answer);
    if (!found) {
        char names[2048] = "";
        for (int i = 0; i < a.n; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", a.a[i].name);
        st = ts_error(ctx, TS_ENOTFOUND, "--answer %s: no such answer (there are: %s)", o->answer,
                      names);
    } else {
        *out = *found;
    }
    ts_answers_free(&a);
    return st;
}

static int item_cmp(const void *pa, const void *pb)
{
    const ts_sensitivity_item *a = pa, *b = pb;
    const int ua = !isfinite(a->swing), ub = !isfinite(b->swing);
    if (ua != ub)
        return ub - ua; /* undefined at an end first */
    if (!ua && a->swing != b->swing)
        return a->swing < b->swing ? 1 : -1;
    return (a->line > b->line) - (a->line < b->line);
}

/* Reads the ranges file into items (not yet evaluated); file errors as
 * "path:line:col: error: ..." (TS_ESCENARIO). */
static int read_ranges(ts_ctx *ctx, const char *path, ts_sensitivity_item **items, int *n_items)
{
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *doc = NULL;
    int st = ts_y_load(&errs, path, &doc);
    *items = NULL;
    *n_items = 0;
    const ts_y_node *root = doc ? ts_y_root(doc) : NULL;
    const ts_y_node *params = NULL;
    if (!st) {
        static const char *const top[] = {"parameters", NULL};
        if (!root)
            ts_y_err_pos(&errs, path, 1, 1, "the ranges file is empty (want 'parameters:')");
        else if (!ts_y_expect(&errs, root, TS_Y_MAP, "the ranges file") &&
                 !ts_y_check_keys(&errs, root, "the ranges file", top))
            params = ts_y_require(&errs, root, "parameters", "the ranges file");
        if (params && ts_y_expect(&errs, params, TS_Y_MAP, "parameters"))
            params = NULL;
    }
    if (params && params->n > 0) {
        *items = calloc((size_t)params->n, sizeof **items);
        if (!*items)
            ts_y_nomem(&errs);
    }
    for (int i = 0; params && *items && i < params->n; i++) {
        const ts_y_node *key = params->item[2 * i], *val = params->item[2 * i + 1];
        ts_sensitivity_item *it = &(*items)[*n_items];
        static const char *const known[] = {"low", "high", "what", "sources", NULL};
        if (ts_y_string(&errs, key, "a parameter path", it->path, sizeof it->path) ||
            ts_y_expect(&errs, val, TS_Y_MAP, it->path) ||
            ts_y_check_keys(&errs, val, it->path, known))
            continue;
        const ts_y_node *lo = ts_y_require(&errs, val, "low", it->path);
        const ts_y_node *hi = ts_y_require(&errs, val, "high", it->path);
        const ts_y_node *src = ts_y_require(&errs, val, "sources", it->path);
        const ts_y_node *what = ts_y_get(val, "what");
        if (!lo || !hi || !src)
            continue;
        if (ts_y_string(&errs, lo, "low", it->low_text, sizeof it->low_text) ||
            ts_y_string(&errs, hi, "high", it->high_text, sizeof it->high_text) ||
            ts_y_text(&errs, src, "sources", it->sources, sizeof it->sources) ||
            (what && ts_y_string(&errs, what, "what", it->what, sizeof it->what)))
            continue;
        ts_value_text l, h;
        ts_ctx *scratch = ts_ctx_create();
        if (!scratch) {
            ts_y_nomem(&errs);
            break;
        }
        if (ts_value_text_parse(scratch, it->low_text, &l))
            ts_y_err(&errs, lo, "%s", ts_ctx_message(scratch));
        else if (ts_value_text_parse(scratch, it->high_text, &h))
            ts_y_err(&errs, hi, "%s", ts_ctx_message(scratch));
        else if (l.kind != h.kind)
            ts_y_err(&errs, hi, "'%s' is not of the kind of low '%s'", it->high_text, it->low_text);
        else if (!(l.si < h.si))
            ts_y_err(&errs, hi, "high '%s' must be above low '%s'", it->high_text, it->low_text);
        else {
            it->low = l.si;
            it->high = h.si;
            snprintf(it->unit, sizeof it->unit, "%s", l.unit);
            it->unit_si = l.unit_si;
            it->line = key->line;
            it->col = key->col;
            (*n_items)++;
        }
        ts_ctx_free(scratch);
    }
    ts_y_doc_free(doc);
    const int rst = ts_y_errs_report(&errs, ctx);
    ts_y_errs_free(&errs);
    if (!st)
        st = rst;
    if (st) {
        free(*items);
        *items = NULL;
        *n_items = 0;
        if (st == TS_EIO)
            return ts_error(ctx, TS_EINVAL, "--ranges %s: cannot be read", path);
    }
    return st;
}

int ts_sensitivity(ts_ctx *ctx, const ts_sensitivity_opts *o, ts_sensitivity_result *out)
{
    memset(out, 0, sizeof *out);
    if (!o->answer || !o->answer[0])
        return ts_error(ctx, TS_EINVAL, "--answer: the named answer is missing");
    if (o->ranges_path)
        snprintf(out->ranges_path, sizeof out->ranges_path, "%s", o->ranges_path);
    else
        snprintf(out->ranges_path, sizeof out->ranges_path, "%s/uncertainty.yaml",
                 o->data_dir ? o->data_dir : ts_data_dir());
    snprintf(out->scenario_path, sizeof out->scenario_path, "%s", o->scenario_path);
    sens s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.o = o;
    ts_answer_analysis(o->answer, s.only_buf, sizeof s.only_buf);
    s.only[0] = s.only_buf;
    /* the scenario as it is, its variant and analysis */
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, o->scenario_path, o->data_dir, o->settings, o->n_settings,
                                   &sc);
    if (st)
        return st;
    snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
    if (o->variant) {
        s.variant = -1;
        for (int v = 0; v < sc->n_variants; v++)
            if (!strcmp(sc->variants[v].name, o->variant))
                s.variant = v;
        if (s.variant < 0) {
            char known[1024] = "";
            for (int v = 0; v < sc->n_variants; v++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                         known[0] ? ", " : "", sc->variants[v].name);
            ts_scenario_free(sc);
            return ts_error(ctx, TS_ENOTFOUND, "--variant %s: no such variant (the scenario has: %s)",
                            o->variant, known);
        }
    }
    snprintf(out->variant, sizeof out->variant, "%s", sc->variants[s.variant].name);
    int known = 0;
    for (int k = 0; k < sc->n_engagements; k++)
        known |= !strcmp(sc->engagements[k].name, s.only_buf);
    for (int k = 0; k < sc->n_footprints; k++)
        known |= !strcmp(sc->footprints[k].name, s.only_buf);
    for (int k = 0; k < sc->n_matrices; k++)
        known |= !strcmp(sc->matrices[k].name, s.only_buf);
    if (!known) {
        ts_scenario_free(sc);
        return ts_error(ctx, TS_ENOTFOUND, "--answer %s: the scenario has no analysis '%s'",
                        o->answer, s.only_buf);
    }
    ts_sensitivity_item *items = NULL;
    int n = 0;
    st = read_ranges(ctx, out->ranges_path, &items, &n);
    if (st) {
        ts_scenario_free(sc);
        return st;
    }
    /* entries the scenario lacks are skipped */
    out->skipped = calloc((size_t)n + 1, sizeof *out->skipped);
    out->items = calloc((size_t)n + 1, sizeof *out->items);
    if (!out->skipped || !out->items) {
        free(items);
        ts_scenario_free(sc);
        ts_sensitivity_free(out);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        char why[96];
        if (path_present(sc, items[i].path, why, sizeof why))
            out->items[out->n_items++] = items[i];
        else
            snprintf(out->skipped[out->n_skipped++], sizeof out->skipped[0], "%s: %s",
                     items[i].path, why);
    }
    free(items);
    ts_scenario_free(sc);
    st = answer_at(&s, NULL, NULL, &out->base);
    out->n_evaluations = st ? 0 : 1;
    for (int i = 0; i < out->n_items && !st; i++) {
        ts_sensitivity_item *it = &out->items[i];
        ts_answer a;
        for (int end = 0; end < 2 && !st; end++) {
            st = answer_at(&s, it->path, end ? it->high_text : it->low_text, &a);
            if (st == TS_ESCENARIO) {
                char msg[TS_MSG_LEN];
                snprintf(msg, sizeof msg, "%s", ts_ctx_message(ctx));
                st = ts_error(ctx, TS_ESCENARIO, "%s:%d:%d: error: %s %s '%s': %s",
                              out->ranges_path, it->line, it->col, it->path, end ? "high" : "low",
                              end ? it->high_text : it->low_text, msg);
            }
            if (!st) {
                out->n_evaluations++;
                if (end)
                    it->at_high = a.value;
                else
                    it->at_low = a.value;
            }
        }
        /* undefined at both ends: no change (0); at one end only: NAN, the
         * answer's existence changes (ranked first) */
        it->swing = isnan(it->at_low) && isnan(it->at_high) ? 0.0 : fabs(it->at_high - it->at_low);
        it->slope = (it->at_high - it->at_low) / (it->high - it->low);
    }
    if (st) {
        ts_sensitivity_free(out);
        return st;
    }
    qsort(out->items, (size_t)out->n_items, sizeof *out->items, item_cmp);
    return TS_OK;
}

void ts_sensitivity_free(ts_sensitivity_result *res)
{
    if (!res)
        return;
    free(res->items);
    free(res->skipped);
    res->items = NULL;
    res->skipped = NULL;
    res->n_items = res->n_skipped = 0;
}

int ts_sensitivity_write(ts_ctx *ctx, const ts_sensitivity_result *res, const char *out_dir)
{
    ts_runfolder rf;
    int st = ts_runfolder_begin(ctx, out_dir, &rf);
    if (st)
        return st;
    st = ts_out_sensitivity(ctx, res, rf.tmp);
    if (!st)
        st = ts_runfolder_commit(ctx, &rf);
    ts_runfolder_abort(&rf);
    return st;
}
