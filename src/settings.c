/*
 * Settings: `--set PATH=VALUE` overrides of a scenario, applied to the
 * file's YAML tree before the loader validates it, so that a setting is
 * checked exactly as the same value written in the file would be
 * (docs/scenario-format.md, "Settings").
 *
 * A PATH names keys from the scenario's root, each step a mapping key or,
 * in a list of entries, an entry's id ("defense.batteries.redzikowo.
 * readiness").  Ids may hold dots (variant "emr-2000km-at-0.1m2"), so a
 * step is matched against the keys and ids that are there, the longest
 * first, never by splitting at dots.  "batteries.", "sensors." and
 * "doctrine." stand for "defense. ...", and such a setting also replaces
 * the same key wherever a variant sets it: it wins over the scenario.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "settings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *trim(const char *s, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)s[0])) {
        s++;
        (*len)--;
    }
    while (*len > 0 && isspace((unsigned char)s[*len - 1]))
        (*len)--;
    return s;
}

int ts_setting_parse(ts_ctx *ctx, const char *arg, ts_setting *out)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq)
        return ts_error(ctx, TS_EINVAL, "'%.200s': expected PATH=VALUE, e.g. "
                        "batteries.redzikowo.burnout_speed=7km/s", arg);
    size_t np = (size_t)(eq - arg), nv = strlen(eq + 1);
    const char *p = trim(arg, &np), *v = trim(eq + 1, &nv);
    if (np == 0)
        return ts_error(ctx, TS_EINVAL, "'%.200s': the path before '=' is empty", arg);
    if (nv == 0)
        return ts_error(ctx, TS_EINVAL, "'%.200s': the value after '=' is empty", arg);
    if (np >= sizeof out->path)
        return ts_error(ctx, TS_EINVAL, "'%.60s...': the path is longer than %zu bytes", arg,
                        sizeof out->path - 1);
    if (nv >= sizeof out->value)
        return ts_error(ctx, TS_EINVAL, "'%.60s...': the value is longer than %zu bytes",
                        arg, sizeof out->value - 1);
    memcpy(out->path, p, np);
    memcpy(out->value, v, nv);
    return TS_OK;
}

/* ---- walking the tree -------------------------------------------------- */

typedef struct {
    ts_y_errs *errs;
    ts_y_doc *vdoc;            /* the value's document: owns new nodes, and
                                  its name labels their errors */
    const char *label;         /* "--set PATH" */
    ts_y_node *value;
} walk_ctx;

enum { WALK_SET = 0, WALK_ABSENT = 1, WALK_FAILED = -1 };

/* Length of the step `name` at the head of rest ("name" or "name.more"),
 * 0 when rest does not begin with it. */
static size_t step_len(const char *rest, const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || strncmp(rest, name, n) || (rest[n] != '\0' && rest[n] != '.'))
        return 0;
    return n;
}

/* The id of an entry of list `section` as the loader reads it
 * (scenario.c entry_id, analysis_name): `id`, else `name`, else the site
 * `at` (batteries), else `use`. */
static const char *entry_id(const ts_y_node *m, const char *section)
{
    static const char *const plain[] = {"id", "name", "use", NULL};
    static const char *const battery[] = {"id", "at", "use", NULL};
    const char *const *keys = section && !strcmp(section, "batteries") ? battery : plain;
    for (int i = 0; keys[i]; i++) {
        const ts_y_node *v = ts_y_get(m, keys[i]);
        if (v && v->kind == TS_Y_SCALAR && v->len > 0)
            return v->text;
    }
    return NULL;
}

static int walk(walk_ctx *w, ts_y_node *node, const char *section, const char *rest,
                int create);

static int walk_map(walk_ctx *w, ts_y_node *map, const char *rest, int create)
{
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < map->n; i++) {
        const ts_y_node *k = map->item[2 * i];
        size_t n = k->kind == TS_Y_SCALAR ? step_len(rest, k->text) : 0;
        if (n > best_len) {
            best = i;
            best_len = n;
        }
    }
    if (best >= 0 && rest[best_len] == '\0') {
        if (ts_y_map_put(w->vdoc, map, rest, w->value) < 0) {
            ts_y_nomem(w->errs);
            return WALK_FAILED;
        }
        return WALK_SET;
    }
    if (best >= 0)
        return walk(w, map->item[2 * best + 1], map->item[2 * best]->text,
                    rest + best_len + 1, create);
    if (!create)
        return WALK_ABSENT;
    /* a key not written: added, the loader judges it like one in the file */
    const char *dot = strchr(rest, '.');
    if (!dot) {
        if (ts_y_map_put(w->vdoc, map, rest, w->value) < 0) {
            ts_y_nomem(w->errs);
            return WALK_FAILED;
        }
        return WALK_SET;
    }
    char key[TS_SETTING_PATH_LEN];
    snprintf(key, sizeof key, "%.*s", (int)(dot - rest), rest);
    ts_y_node *m = ts_y_new_map(w->vdoc, w->value->line, w->value->col);
    if (!m || ts_y_map_put(w->vdoc, map, key, m) < 0) {
        ts_y_nomem(w->errs);
        return WALK_FAILED;
    }
    return walk(w, m, key, dot + 1, create);
}

static int walk_list(walk_ctx *w, ts_y_node *list, const char *section, const char *rest,
                     int create)
{
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < list->n; i++) {
        const ts_y_node *m = list->item[i];
        const char *id = m->kind == TS_Y_MAP ? entry_id(m, section) : NULL;
        size_t n = id ? step_len(rest, id) : 0;
        if (n > best_len) {
            best = i;
            best_len = n;
        }
    }
    if (best >= 0 && rest[best_len] != '\0')
        return walk(w, list->item[best], NULL, rest + best_len + 1, create);
    if (!create)
        return WALK_ABSENT;
    char ids[1024] = "";
    size_t used = 0;
    for (int i = 0; i < list->n && used < sizeof ids; i++) {
        const char *id = list->item[i]->kind == TS_Y_MAP ? entry_id(list->item[i], section)
                                                           : NULL;
        if (id)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", used ? ", " : "",
                                     id);
    }
    const char *dot = strchr(rest, '.');
    if (best >= 0) /* the path ends at an entry */
        ts_y_err_pos(w->errs, w->label, 0, 0,
                     "'%.*s' is an entry of '%s', not a value: name one of its keys "
                     "(%s.KEY)", (int)best_len, rest, section ? section : "the list",
                     rest);
    else
        ts_y_err_pos(w->errs, w->label, 0, 0, "no entry '%.*s' in '%s' (known: %s)",
                     dot ? (int)(dot - rest) : (int)strlen(rest), rest,
                     section ? section : "the list", ids[0] ? ids : "none");
    return WALK_FAILED;
}

static int walk(walk_ctx *w, ts_y_node *node, const char *section, const char *rest,
                int create)
{
    if (node->kind == TS_Y_MAP)
        return walk_map(w, node, rest, create);
    if (node->kind == TS_Y_SEQ)
        return walk_list(w, node, section, rest, create);
    if (!create)
        return WALK_ABSENT;
    ts_y_err_pos(w->errs, w->label, 0, 0, "'%s' is a single value (line %d of %s), it has "
                 "no key '%s'", section ? section : "?", node->line, node->file, rest);
    return WALK_FAILED;
}

/* The defense part of a path ("batteries.x.k", "sensors.x.k", "doctrine.k")
 * after the optional "defense." prefix; NULL for another path. */
static const char *defense_part(const char *path)
{
    static const char *const secs[] = {"batteries.", "sensors.", "doctrine.", NULL};
    const char *p = !strncmp(path, "defense.", 8) ? path + 8 : path;
    for (int i = 0; secs[i]; i++)
        if (!strncmp(p, secs[i], strlen(secs[i])))
            return p;
    return NULL;
}

/* A defense setting replaces the key in every variant that sets it too.
 * A variant writes its entries as a mapping by id, so the same walk finds
 * them. */
static int apply_to_variants(walk_ctx *w, ts_y_node *root, const char *part)
{
    ts_y_node *vars = (ts_y_node *)ts_y_get(root, "variants");
    if (!vars || vars->kind != TS_Y_MAP)
        return WALK_SET;
    for (int i = 0; i < vars->n; i++) {
        ts_y_node *v = vars->item[2 * i + 1];
        if (v->kind == TS_Y_MAP && walk_map(w, v, part, 0) == WALK_FAILED)
            return WALK_FAILED;
    }
    return WALK_SET;
}

static int apply_one(ts_y_errs *errs, ts_y_doc *doc, ts_y_doc *vdoc, const char *path)
{
    walk_ctx w = {errs, vdoc, NULL, ts_y_root_edit(vdoc)};
    char label[TS_SETTING_PATH_LEN + 8];
    snprintf(label, sizeof label, "--set %s", path);
    w.label = label;
    if (!w.value) {
        ts_y_err_pos(errs, label, 0, 0, "the value is empty");
        return WALK_FAILED;
    }
    ts_y_node *root = ts_y_root_edit(doc);
    if (!root || root->kind != TS_Y_MAP)
        return WALK_FAILED; /* the loader says what is wrong with the file */
    const char *part = defense_part(path);
    char full[TS_SETTING_PATH_LEN + 16];
    snprintf(full, sizeof full, "%s%s", part && part == path ? "defense." : "", path);
    if (part && !ts_y_get(root, "defense")) {
        ts_y_err_pos(errs, label, 0, 0, "the scenario has no 'defense' to set it in");
        return WALK_FAILED;
    }
    if (walk(&w, root, NULL, full, 1) != WALK_SET)
        return WALK_FAILED;
    return part ? apply_to_variants(&w, root, part) : WALK_SET;
}

int ts_settings_apply(ts_y_errs *errs, ts_y_doc *doc, const ts_setting *settings, int n,
                      ts_y_doc **value_docs)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        value_docs[i] = NULL;
        char label[TS_SETTING_PATH_LEN + 8];
        snprintf(label, sizeof label, "--set %s", settings[i].path);
        if (ts_y_load_text(errs, label, settings[i].value, &value_docs[i]) != TS_OK) {
            bad++;
            continue;
        }
        if (apply_one(errs, doc, value_docs[i], settings[i].path) != WALK_SET)
            bad++;
    }
    return bad;
}
