/*
 * "Save as scenario" of the live view (server_whatif.h, ts_whatif_yaml):
 * the scenario file's YAML tree with a request's moves and settings
 * applied exactly as `run --set` applies them (settings.c), written back as
 * YAML text.  Block style throughout; a scalar keeps its plain or quoted
 * style (so numbers, booleans and text read back as they were written),
 * quoted whenever plain text could be read otherwise.  Comments of the
 * original file are not kept (the tree has none): a header says where the
 * file came from and which settings it has.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server_whatif.h"

#include "settings.h"
#include "yamlutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

/* Whether text can be written as a plain scalar in block context and read
 * back as the same string (YAML 1.2.2 sec. 7.3.3, conservatively). */
static int plain_ok(const char *s)
{
    const size_t n = strlen(s);
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
        return 0;
    if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]))
        return 0;
    if (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '-'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == ',' || c == '[' || c == ']' || c == '{' || c == '}')
            return 0;
        if (c == ':' && (i + 1 == n || s[i + 1] == ' '))
            return 0;
        if (c == '#' && i > 0 && s[i - 1] == ' ')
            return 0;
    }
    return 1;
}

static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void scalar(FILE *f, const ts_y_node *n)
{
    const char *s = n->text ? n->text : "";
    if (n->style == TS_Y_PLAIN && plain_ok(s))
        fputs(s, f);
    else
        quoted(f, s);
}

static void pad(FILE *f, int indent)
{
    for (int i = 0; i < indent; i++)
        fputc(' ', f);
}

static int is_empty_coll(const ts_y_node *n)
{
    return n->kind != TS_Y_SCALAR && n->n == 0;
}

/* Writes node n (a mapping's value or a list's item) after its "key:" or
 * "-": a scalar or an empty collection on the same line, else on the
 * following lines indented by indent.  Returns -1 when too deep. */
static int value(FILE *f, const ts_y_node *n, int indent, int depth);

static int body(FILE *f, const ts_y_node *n, int indent, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    if (n->kind == TS_Y_MAP) {
        for (int i = 0; i < n->n; i++) {
            pad(f, indent);
            scalar(f, n->item[2 * i]);
            fputc(':', f);
            if (value(f, n->item[2 * i + 1], indent + 2, depth + 1))
                return -1;
        }
    } else {
        for (int i = 0; i < n->n; i++) {
            pad(f, indent);
            fputc('-', f);
            if (value(f, n->item[i], indent + 2, depth + 1))
                return -1;
        }
    }
    return 0;
}

static int value(FILE *f, const ts_y_node *n, int indent, int depth)
{
    if (!n) {
        fputs(" null\n", f);
        return 0;
    }
    if (n->kind == TS_Y_SCALAR) {
        fputc(' ', f);
        scalar(f, n);
        fputc('\n', f);
        return 0;
    }
    if (is_empty_coll(n)) {
        fputs(n->kind == TS_Y_MAP ? " {}\n" : " []\n", f);
        return 0;
    }
    fputc('\n', f);
    return body(f, n, indent, depth);
}

int ts_whatif_yaml_text(ts_ctx *ctx, const char *path, const ts_setting *set, int n,
                        char **out)
{
    *out = NULL;
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *doc = NULL, **vdocs = calloc((size_t)n + 1, sizeof *vdocs);
    if (!vdocs)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int st = ts_y_load(&errs, path, &doc);
    if (st == TS_OK && ts_settings_apply(&errs, doc, set, n, vdocs))
        st = TS_ESCENARIO;
    if (st == TS_OK && !ts_y_root(doc))
        st = ts_error(ctx, TS_ESCENARIO, "%s: empty scenario", path);
    char *text = NULL;
    size_t len = 0;
    FILE *f = st == TS_OK ? open_memstream(&text, &len) : NULL;
    if (st == TS_OK && !f)
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
    if (f) {
        fputs("# A what-if of ", f);
        fputs(path, f);
        fputs(", saved by `thirdsite serve` (docs/server-api.md):\n"
              "# the file as loaded, with these settings written in (the same as\n"
              "# `thirdsite run` with --set PATH=VALUE for each); comments not kept.\n", f);
        for (int i = 0; i < n; i++)
            fprintf(f, "#   %s=%s\n", set[i].path, set[i].value);
        if (n == 0)
            fputs("#   (none: the scenario unmodified)\n", f);
        if (body(f, ts_y_root(doc), 0, 0))
            st = ts_error(ctx, TS_EINVAL, "%s: nested too deeply to write", path);
        if (fclose(f))
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    if (st != TS_OK && errs.n)
        ts_y_errs_report(&errs, ctx);
    ts_y_errs_free(&errs);
    ts_y_doc_free(doc);
    for (int i = 0; i < n; i++)
        ts_y_doc_free(vdocs[i]);
    free(vdocs);
    if (st != TS_OK) {
        free(text);
        return st;
    }
    *out = text;
    return TS_OK;
}
