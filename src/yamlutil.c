/*
 * YAML reading for scenario and catalogue files (yamlutil.h).
 *
 * Method: libfyaml's event parser (fy_parser_parse) feeds a small tree whose
 * nodes keep the start marks of every event, mappings and lists included
 * (libfyaml's document API exposes marks only for scalars).  libfyaml's own
 * syntax diagnostics are collected through its diag API
 * (fy_diag_set_collect_errors, fy_diag_errors_iterate; libfyaml 0.7
 * libfyaml.h) and reported in the same GCC format as ours.  Aliases share
 * their anchor's node; the expanded size is bounded so that a "billion
 * laughs" file is refused rather than walked.  Typo hints use the optimal
 * string alignment distance (Damerau 1964; Levenshtein 1966).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "yamlutil.h"
#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest file read (bytes) and largest expanded tree (nodes). */
#define Y_MAX_FILE (16L << 20)
#define Y_MAX_WEIGHT 2000000L
/* Deepest nesting accepted (libfyaml's own limit is larger). */
#define Y_MAX_DEPTH 64

/* ---- errors ------------------------------------------------------------- */

void ts_y_errs_init(ts_y_errs *errs)
{
    memset(errs, 0, sizeof *errs);
}

void ts_y_errs_free(ts_y_errs *errs)
{
    if (!errs)
        return;
    for (int i = 0; i < errs->n; i++)
        free(errs->e[i].text);
    free(errs->e);
    for (int i = 0; i < errs->n_files; i++)
        free(errs->files[i]);
    free(errs->files);
    free(errs->typos);
    memset(errs, 0, sizeof *errs);
}

static int file_order(ts_y_errs *errs, const char *file)
{
    for (int i = 0; i < errs->n_files; i++)
        if (!strcmp(errs->files[i], file))
            return i;
    char **f = realloc(errs->files, (size_t)(errs->n_files + 1) * sizeof *f);
    if (!f)
        return errs->n_files;
    errs->files = f;
    f[errs->n_files] = strdup(file);
    if (!f[errs->n_files])
        return errs->n_files;
    return errs->n_files++;
}

static void vadd(ts_y_errs *errs, const char *file, int line, int col,
                 const char *fmt, va_list ap)
{
    char msg[1024], head[600];
    if (!errs)
        return; /* a probe: the caller wants the status only */
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0 && col > 0)
        snprintf(head, sizeof head, "%s:%d:%d: error: ", file, line, col);
    else if (line > 0)
        snprintf(head, sizeof head, "%s:%d: error: ", file, line);
    else
        snprintf(head, sizeof head, "%s: error: ", file);
    size_t len = strlen(head) + strlen(msg) + 1;
    char *text = malloc(len);
    if (!text) {
        errs->nomem = 1;
        return;
    }
    snprintf(text, len, "%s%s", head, msg);
    if (errs->n == errs->cap) {
        int cap = errs->cap ? 2 * errs->cap : 16;
        ts_y_error *e = realloc(errs->e, (size_t)cap * sizeof *e);
        if (!e) {
            free(text);
            errs->nomem = 1;
            return;
        }
        errs->e = e;
        errs->cap = cap;
    }
    ts_y_error *e = &errs->e[errs->n];
    e->file_order = file_order(errs, file);
    e->line = line;
    e->col = col;
    e->seq = errs->n;
    e->text = text;
    errs->n++;
}

void ts_y_err(ts_y_errs *errs, const ts_y_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(errs, at->file, at->line, at->col, fmt, ap);
    va_end(ap);
}

/* Characters (not UTF-8 continuation bytes) in the first n bytes of s. */
static int char_count(const char *s, int n)
{
    int c = 0;
    for (int i = 0; i < n && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

void ts_y_err_in(ts_y_errs *errs, const ts_y_node *at, int offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (at->kind == TS_Y_SCALAR && at->inner_ok && offset >= 0 && (size_t)offset <= at->len)
        vadd(errs, at->file, at->text_line, at->text_col + char_count(at->text, offset), fmt,
             ap);
    else
        vadd(errs, at->file, at->line, at->col, fmt, ap);
    va_end(ap);
}

void ts_y_err_pos(ts_y_errs *errs, const char *file, int line, int col, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(errs, file, line, col, fmt, ap);
    va_end(ap);
}

static int cmp_err(const void *pa, const void *pb)
{
    const ts_y_error *a = pa, *b = pb;
    if (a->file_order != b->file_order)
        return a->file_order < b->file_order ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Whether error i repeats an earlier one word for word (a defense entry is
 * resolved once per variant; an alias is read twice). */
static int is_repeat(const ts_y_errs *errs, int i)
{
    for (int j = 0; j < i; j++)
        if (!strcmp(errs->e[i].text, errs->e[j].text))
            return 1;
    return 0;
}

void ts_y_nomem(ts_y_errs *errs)
{
    if (errs)
        errs->nomem = 1;
}

int ts_y_errs_report(ts_y_errs *errs, ts_ctx *ctx)
{
    if (errs->nomem)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    if (errs->n == 0)
        return TS_OK;
    qsort(errs->e, (size_t)errs->n, sizeof errs->e[0], cmp_err);
    char buf[TS_MSG_LEN];
    size_t used = 0;
    buf[0] = '\0';
    int shown = 0;
    for (int i = 0; i < errs->n; i++) {
        /* the same message twice (an alias reached twice) is said once */
        if (is_repeat(errs, i))
            continue;
        size_t len = strlen(errs->e[i].text);
        /* keep room for the summary line */
        if (used + len + 2 + 48 > sizeof buf) {
            int left = 0;
            for (int j = i; j < errs->n; j++)
                left += !is_repeat(errs, j);
            snprintf(buf + used, sizeof buf - used, "%s... and %d more error%s",
                     shown ? "\n" : "", left, left == 1 ? "" : "s");
            break;
        }
        snprintf(buf + used, sizeof buf - used, "%s%s", shown ? "\n" : "", errs->e[i].text);
        used += len + (shown ? 1 : 0);
        shown++;
    }
    return ts_error(ctx, TS_ESCENARIO, "%s", buf);
}

/* ---- the tree from libfyaml's events ------------------------------------ */

struct ts_y_doc {
    char *path;
    ts_y_node *root;
    int n_all, cap_all;
    ts_y_node **all;        /* every node, owned */
    int n_anchor, cap_anchor;
    char **anchor_name;     /* owned */
    ts_y_node **anchor_node;
};

static ts_y_node *new_node(ts_y_doc *doc, ts_y_kind kind, const struct fy_mark *m)
{
    if (doc->n_all == doc->cap_all) {
        int cap = doc->cap_all ? 2 * doc->cap_all : 64;
        ts_y_node **a = realloc(doc->all, (size_t)cap * sizeof *a);
        if (!a)
            return NULL;
        doc->all = a;
        doc->cap_all = cap;
    }
    ts_y_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->file = doc->path;
    n->line = m ? m->line + 1 : 1;
    n->col = m ? m->column + 1 : 1;
    n->weight = 1;
    doc->all[doc->n_all++] = n;
    return n;
}

/* A collection being filled: node, slots used in node->item, and the
 * index of its anchor in the document's table (-1: none). */
typedef struct {
    ts_y_node *node;
    int used;
    int anchor;
} frame;

static int attach(frame *f, ts_y_node *child)
{
    ts_y_node *p = f->node;
    if (f->used == p->cap) {
        int cap = p->cap ? 2 * p->cap : 8;
        ts_y_node **a = realloc(p->item, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        p->item = a;
        p->cap = cap;
    }
    p->item[f->used++] = child;
    p->n = p->kind == TS_Y_MAP ? f->used / 2 : f->used;
    p->weight += child->weight;
    if (p->weight > Y_MAX_WEIGHT)
        p->weight = Y_MAX_WEIGHT + 1;
    return 0;
}

/* Registers an anchor; returns its index, -1 when there is none, -2 when
 * out of memory.  A collection registers NULL first (not yet complete). */
static int add_anchor(ts_y_doc *doc, struct fy_token *anchor, ts_y_node *node)
{
    if (!anchor)
        return -1;
    size_t len;
    const char *name = fy_token_get_text(anchor, &len);
    if (!name)
        return -1;
    if (doc->n_anchor == doc->cap_anchor) {
        int cap = doc->cap_anchor ? 2 * doc->cap_anchor : 8;
        char **a = realloc(doc->anchor_name, (size_t)cap * sizeof *a);
        if (!a)
            return -2;
        doc->anchor_name = a;
        ts_y_node **b = realloc(doc->anchor_node, (size_t)cap * sizeof *b);
        if (!b)
            return -2;
        doc->anchor_node = b;
        doc->cap_anchor = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -2;
    memcpy(copy, name, len);
    copy[len] = '\0';
    doc->anchor_name[doc->n_anchor] = copy;
    doc->anchor_node[doc->n_anchor] = node;
    return doc->n_anchor++;
}

/* The latest definition of an anchor (YAML 1.2 section 3.2.2.2: an alias
 * refers to the most recent preceding node with that anchor); NULL when
 * there is none or it is a collection still open (a recursive alias). */
static ts_y_node *find_anchor(const ts_y_doc *doc, const char *name, size_t len)
{
    for (int i = doc->n_anchor - 1; i >= 0; i--)
        if (strlen(doc->anchor_name[i]) == len && !memcmp(doc->anchor_name[i], name, len))
            return doc->anchor_node[i];
    return NULL;
}

void ts_y_doc_free(ts_y_doc *doc)
{
    if (!doc)
        return;
    for (int i = 0; i < doc->n_all; i++) {
        free(doc->all[i]->text);
        free(doc->all[i]->item);
        free(doc->all[i]);
    }
    free(doc->all);
    for (int i = 0; i < doc->n_anchor; i++)
        free(doc->anchor_name[i]);
    free(doc->anchor_name);
    free(doc->anchor_node);
    free(doc->path);
    free(doc);
}

const ts_y_node *ts_y_root(const ts_y_doc *doc)
{
    return doc ? doc->root : NULL;
}

ts_y_node *ts_y_root_edit(ts_y_doc *doc)
{
    return doc ? doc->root : NULL;
}

ts_y_node *ts_y_new_map(ts_y_doc *doc, int line, int col)
{
    ts_y_node *n = new_node(doc, TS_Y_MAP, NULL);
    if (n) {
        n->line = line;
        n->col = col;
    }
    return n;
}

int ts_y_map_put(ts_y_doc *doc, ts_y_node *map, const char *key, ts_y_node *value)
{
    for (int i = 0; i < map->n; i++) {
        ts_y_node *k = map->item[2 * i];
        if (k->kind == TS_Y_SCALAR && !strcmp(k->text, key)) {
            map->weight += value->weight - map->item[2 * i + 1]->weight;
            map->item[2 * i + 1] = value;
            return 0;
        }
    }
    ts_y_node *k = new_node(doc, TS_Y_SCALAR, NULL);
    if (!k || !(k->text = strdup(key)))
        return -1;
    k->len = strlen(key);
    k->line = k->text_line = value->line;
    k->col = k->text_col = value->col;
    frame f = {map, 2 * map->n, -1};
    if (attach(&f, k) < 0)
        return -1;
    if (attach(&f, value) < 0)
        return -1; /* map->n still counts whole pairs only */
    return 0;
}

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

/* Reads the whole file; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    /* fopen succeeds on a folder and the read then fails with a vague error:
     * name the cause (POSIX fstat, S_ISDIR) */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n > (size_t)Y_MAX_FILE) { /* the cap, to the byte */
            free(buf);
            fclose(f);
            errno = EFBIG;
            return NULL;
        }
        if (n + 1 >= cap) {
            /* room for one byte past the cap: that byte says "too big" */
            const size_t next = 2 * cap < (size_t)Y_MAX_FILE + 2 ? 2 * cap : (size_t)Y_MAX_FILE + 2;
            char *b = realloc(buf, next);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap = next;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return NULL;
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The value of a single-quoted scalar from its source text raw[0..len)
 * (between the quotes), into out (room for len + 1 bytes): '' is one quote,
 * and line breaks fold (YAML 1.2.2 section 7.3.2 and 6.5: the white space
 * around a break is dropped, a break between two non-empty lines becomes a
 * space, each empty line a line feed).  Returns the value's length.
 * Why not fy_token_get_text: libfyaml 0.7.12 leaks a 4096-byte buffer of
 * its atom iterator for a single-quoted scalar with four or more '' escapes
 * (found by the fuzzer; reproducer tests/fuzz/corpus/libfyaml-quote-leak.yaml,
 * a test in tests/unit/test_scenario.c).  test_scenario.c checks this
 * function against libfyaml's own value where libfyaml does not leak. */
size_t ts_y_single_quoted(const char *raw, size_t len, char *out)
{
    size_t n = 0, i = 0;
    int line = 0, empty = 0;
    while (i <= len) {
        size_t e = i; /* this line: raw[i..e) */
        while (e < len && raw[e] != '\n')
            e++;
        const int last = e >= len;
        size_t b = i, f = e;
        if (line > 0)
            while (b < f && (raw[b] == ' ' || raw[b] == '\t'))
                b++;
        if (!last)
            while (f > b && (raw[f - 1] == ' ' || raw[f - 1] == '\t' || raw[f - 1] == '\r'))
                f--;
        if (line > 0 && b == f && !last) {
            empty++; /* an empty inner line */
        } else {
            if (line > 0) {
                if (empty == 0)
                    out[n++] = ' ';
                for (; empty > 0; empty--)
                    out[n++] = '\n';
            }
            for (size_t k = b; k < f; k++) {
                out[n++] = raw[k];
                if (raw[k] == '\'' && k + 1 < f && raw[k + 1] == '\'')
                    k++;
            }
        }
        line++;
        i = e + 1;
    }
    out[n] = '\0';
    return n;
}

/* Fills a scalar node from its event; buf is the source text.  libfyaml's
 * start mark of a quoted scalar is its first content character and its end
 * mark the closing quote (probed with libfyaml 0.7.12). */
static int fill_scalar(ts_y_node *n, struct fy_event *e, const char *buf, size_t buf_len)
{
    struct fy_token *t = e->scalar.value;
    enum fy_scalar_style st = t ? fy_token_scalar_style(t) : FYSS_PLAIN;
    const struct fy_mark *sm = fy_event_start_mark(e), *em = fy_event_end_mark(e);
    if (st == FYSS_SINGLE_QUOTED && sm && em && sm->input_pos <= em->input_pos &&
        em->input_pos <= buf_len) {
        const size_t raw = em->input_pos - sm->input_pos;
        n->text = malloc(raw + 1);
        if (!n->text)
            return -1;
        n->len = ts_y_single_quoted(buf + sm->input_pos, raw, n->text);
    } else {
        size_t len = 0;
        const char *s = t ? fy_token_get_text(t, &len) : "";
        if (!s) {
            s = "";
            len = 0;
        }
        n->text = malloc(len + 1);
        if (!n->text)
            return -1;
        memcpy(n->text, s, len);
        n->text[len] = '\0';
        n->len = len;
    }
    const size_t len = n->len;
    n->style = st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED ? TS_Y_QUOTED
               : st == FYSS_LITERAL || st == FYSS_FOLDED       ? TS_Y_BLOCK
                                                               : TS_Y_PLAIN;
    n->text_line = n->line;
    n->text_col = n->col;
    if (n->style == TS_Y_QUOTED && n->col > 1)
        n->col--; /* the node is its opening quote */
    /* Inner offsets map onto the source when the content lies on one line
     * and has as many characters as the source span (no escapes, no folded
     * line breaks). */
    if (sm && em && n->style != TS_Y_BLOCK && sm->line == em->line &&
        /* libfyaml's end mark of a quoted scalar is its closing quote */
        (size_t)(em->column - sm->column) == (size_t)char_count(n->text, (int)len) &&
        !memchr(n->text, '\0', len))
        n->inner_ok = 1;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), 0 if ill-formed. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
             : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* The code point of the well-formed UTF-8 sequence s[0..n). */
static unsigned long utf8_code(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0];
    unsigned long c = s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (s[i] & 0x3Fu);
    return c;
}

/* 1 when YAML allows the character in a stream (YAML 1.2.2 section 5.1,
 * c-printable: tab, LF, CR, U+0020..U+007E, U+0085, U+00A0..U+D7FF,
 * U+E000..U+FFFD, U+10000..U+10FFFF; and the byte order mark U+FEFF). */
static int yaml_printable(unsigned long c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
           (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Refuses a file that is not UTF-8, or holds a character YAML does not
 * allow, before libfyaml sees it: libfyaml 0.7.12 loops forever on an
 * ill-formed byte in a directive line (found by the fuzzer:
 * tests/fuzz/corpus/libfyaml-directive-hang.yaml), and takes a NUL byte
 * for the end of the file ("#\0" before "variants:" made the rest of a
 * scenario vanish without an error).  Returns the byte offset of the first
 * ill-formed byte or disallowed character (*code: -1 for ill-formed, else
 * the code point), or len if the text is well formed. */
static size_t utf8_check(const char *buf, size_t len, int *line, int *col, long *code)
{
    const unsigned char *s = (const unsigned char *)buf;
    *line = 1;
    *col = 1;
    *code = -1;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(s + i, len - i);
        if (n == 0)
            return i;
        const unsigned long c = utf8_code(s + i, n);
        if (!yaml_printable(c) && c != 0xFEFF) {
            *code = (long)c;
            return i;
        }
        if (s[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
        i += n;
    }
    return len;
}

/* The first control character of a value (C0 but tab and line feed, DEL,
 * C1: U+0080..U+009F, UTF-8 0xC2 0x80..0x9F; a NUL from "\0"), or -1. */
static long control_char(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7F)
            return p[i];
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return p[i + 1];
    }
    return -1;
}

/* ---- unclosed brackets and quotes --------------------------------------- */

typedef struct {
    char c;        /* '[', '{', '\'' or '"'; 0 when none */
    int line, col; /* 1-based; col in characters */
    int indent;    /* indentation of the line it opened on */
} opener;

static int y_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the flow bracket or quote left open in a file libfyaml refused:
 * one still open at the end of the file, or at the first line indented no
 * deeper than the line it opened on (YAML 1.2.2 sections 7.3 and 7.4: the
 * continuation lines of a flow collection or quoted scalar in block context
 * are indented deeper than its block), where libfyaml notices an error
 * that reads as if it were elsewhere ("wrongly indented flow sequence" two
 * lines below a '[' missing its ']').  A light scan of the text: comments,
 * quoted scalars with their escapes, block scalars (| and >) skipped.
 * Returns 1 with *o set, 0 when it finds nothing open. */
static int find_unclosed(const char *buf, size_t len, opener *o)
{
    opener stack[Y_MAX_DEPTH + 1], q = {0, 0, 0, 0};
    int depth = 0, line = 1, block = -1;
    size_t i = 0;
    while (i < len) {
        const size_t ls = i;
        int ind = 0;
        while (i < len && buf[i] == ' ') {
            i++;
            ind++;
        }
        int col = ind + 1;
        const int empty = i >= len || buf[i] == '\n' || buf[i] == '\r';
        const int comment = !empty && buf[i] == '#';
        if (block >= 0 && (empty || ind > block)) { /* a block scalar's content */
            while (i < len && buf[i] != '\n')
                i++;
            i++;
            line++;
            continue;
        }
        block = -1;
        if (q.c && !empty && ind <= q.indent) {
            *o = q;
            return 1;
        }
        if (!q.c && depth > 0 && !empty && !comment && ind <= stack[0].indent) {
            if (buf[i] == ']' || buf[i] == '}')
                return 0; /* closed, but wrongly indented: libfyaml's words fit */
            *o = stack[depth - 1];
            return 1;
        }
        int at_start = 1;
        while (i < len && buf[i] != '\n') {
            const char c = buf[i];
            size_t step = 1;
            if (q.c) {
                if (c == '\'' && q.c == '\'') {
                    if (i + 1 < len && buf[i + 1] == '\'')
                        step = 2;
                    else
                        q.c = 0;
                } else if (c == '\\' && q.c == '"') {
                    step = i + 1 < len && buf[i + 1] != '\n' ? 2 : 1;
                } else if (c == '"' && q.c == '"') {
                    q.c = 0;
                }
                at_start = 0;
            } else if (c == '#' && (i == ls || buf[i - 1] == ' ' || buf[i - 1] == '\t')) {
                while (i < len && buf[i] != '\n')
                    i++;
                break;
            } else if (c == ' ' || c == '\t') {
                /* at_start unchanged */
            } else if ((c == '\'' || c == '"') && at_start) {
                q = (opener){c, line, col, ind};
                at_start = 0;
            } else if ((c == '[' || c == '{') && (at_start || depth > 0)) {
                if (depth == Y_MAX_DEPTH)
                    return 0;
                stack[depth++] = (opener){c, line, col, ind};
                at_start = 1;
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
                at_start = 0;
            } else if (c == ',' && depth > 0) {
                at_start = 1;
            } else if (c == ':' && (i + 1 >= len || y_space(buf[i + 1]) ||
                                    (depth > 0 && strchr(",]}", buf[i + 1])))) {
                at_start = 1;
            } else if ((c == '-' || c == '?') && at_start && (i + 1 >= len || y_space(buf[i + 1]))) {
                at_start = 1;
            } else if ((c == '|' || c == '>') && at_start && depth == 0) {
                block = ind;
                while (i < len && buf[i] != '\n')
                    i++;
                break;
            } else {
                at_start = 0;
            }
            for (size_t k = 0; k < step; k++, i++)
                col += ((unsigned char)buf[i] & 0xC0) != 0x80;
        }
        i++;
        line++;
    }
    if (q.c) {
        *o = q;
        return 1;
    }
    if (depth > 0) {
        *o = stack[depth - 1];
        return 1;
    }
    return 0;
}

static int parse_buffer(ts_y_errs *errs, const char *path, char *buf, size_t len,
                        ts_y_doc **out);

int ts_y_load(ts_y_errs *errs, const char *path, ts_y_doc **out)
{
    *out = NULL;
    size_t len = 0;
    char *buf = read_file(path, &len);
    if (!buf) {
        if (errno == ENOMEM) {
            ts_y_nomem(errs);
            return TS_ENOMEM;
        }
        if (errno == EFBIG)
            ts_y_err_pos(errs, path, 0, 0, "larger than %ld bytes (%ld MiB), the most a "
                         "scenario or catalogue file may be", Y_MAX_FILE, Y_MAX_FILE >> 20);
        else
            ts_y_err_pos(errs, path, 0, 0, "cannot read the file: %s", strerror(errno));
        return TS_EIO;
    }
    return parse_buffer(errs, path, buf, len, out);
}

int ts_y_load_text(ts_y_errs *errs, const char *name, const char *text, ts_y_doc **out)
{
    *out = NULL;
    const size_t len = strlen(text);
    char *buf = malloc(len + 1);
    if (!buf) {
        ts_y_nomem(errs);
        return TS_ENOMEM;
    }
    memcpy(buf, text, len + 1);
    return parse_buffer(errs, name, buf, len, out);
}

/* Parses buf[0..len) (NUL-terminated, owned: freed here) as the document
 * `path` names. */
static int parse_buffer(ts_y_errs *errs, const char *path, char *buf, size_t len,
                        ts_y_doc **out)
{
    int bad_line, bad_col;
    long code;
    size_t bad = utf8_check(buf, len, &bad_line, &bad_col, &code);
    if (bad < len) {
        if (code < 0)
            ts_y_err_pos(errs, path, bad_line, bad_col,
                         "byte 0x%02X is not valid UTF-8 (YAML files are UTF-8 text)",
                         (unsigned)(unsigned char)buf[bad]);
        else if (code == 0)
            ts_y_err_pos(errs, path, bad_line, bad_col,
                         "a NUL byte (0x00): not allowed in a YAML file");
        else
            ts_y_err_pos(errs, path, bad_line, bad_col,
                         "character U+%04lX is not allowed in a YAML file (of the control "
                         "characters only tab and line breaks are)",
                         (unsigned long)code);
        free(buf);
        return TS_ESCENARIO;
    }
    ts_y_doc *doc = calloc(1, sizeof *doc);
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_silent;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    struct fy_parser *fyp = NULL;
    int st = TS_OK;
    if (!doc || !diag || !(doc->path = strdup(path))) {
        st = TS_ENOMEM;
        goto done;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS | FYPCF_JSON_NONE;
    pcfg.diag = diag;
    fyp = fy_parser_create(&pcfg);
    if (!fyp || fy_parser_set_string(fyp, buf, len)) {
        st = TS_ENOMEM;
        goto done;
    }

    frame stack[Y_MAX_DEPTH + 1];
    int depth = 0, n_docs = 0, n_aliases = 0;
    struct fy_event *e;
    while (st == TS_OK && (e = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(e);
        ts_y_node *node = NULL;
        switch (e->type) {
        case FYET_DOCUMENT_START:
            if (++n_docs > 1) {
                const struct fy_mark *em = m ? m : fy_event_end_mark(e);
                ts_y_err_pos(errs, path, em ? em->line + 1 : 0, em ? em->column + 1 : 0,
                             "a second YAML document: a file holds one");
                st = TS_ESCENARIO;
            }
            break;
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
        case FYET_SCALAR:
            node = new_node(doc, e->type == FYET_MAPPING_START    ? TS_Y_MAP
                                 : e->type == FYET_SEQUENCE_START ? TS_Y_SEQ
                                                                  : TS_Y_SCALAR,
                            m);
            if (!node) {
                st = TS_ENOMEM;
                break;
            }
            if (e->type == FYET_SCALAR && fill_scalar(node, e, buf, len) < 0) {
                st = TS_ENOMEM;
                break;
            }
            if (e->type == FYET_SCALAR) {
                const long c = control_char(node->text, node->len);
                if (c >= 0) {
                    /* an escape ("\e", "\x07") made it: no control character
                     * from a file reaches a terminal or a report */
                    ts_y_err(errs, node,
                             "the value holds control character U+%04lX (an escape): not "
                             "allowed; only tab and line feed are",
                             (unsigned long)c);
                    st = TS_ESCENARIO;
                    break;
                }
            }
            if (depth > 0 && attach(&stack[depth - 1], node) < 0) {
                st = TS_ENOMEM;
                break;
            }
            if (depth == 0)
                doc->root = node;
            if (e->type == FYET_SCALAR) {
                if (add_anchor(doc, e->scalar.anchor, node) == -2)
                    st = TS_ENOMEM;
            } else {
                if (depth == Y_MAX_DEPTH) {
                    ts_y_err(errs, node, "nesting deeper than %d levels", Y_MAX_DEPTH);
                    st = TS_ESCENARIO;
                    break;
                }
                /* the anchor's node is set when the collection closes, so
                 * that it cannot hold an alias of itself */
                int a = add_anchor(doc, e->type == FYET_MAPPING_START ? e->mapping_start.anchor
                                                                      : e->sequence_start.anchor,
                                   NULL);
                if (a == -2) {
                    st = TS_ENOMEM;
                    break;
                }
                stack[depth].node = node;
                stack[depth].used = 0;
                stack[depth].anchor = a;
                depth++;
            }
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END:
            if (depth > 0) {
                depth--;
                ts_y_node *closed = stack[depth].node;
                if (stack[depth].anchor >= 0)
                    doc->anchor_node[stack[depth].anchor] = closed;
                if (depth > 0) { /* attached when it weighed 1 */
                    ts_y_node *p = stack[depth - 1].node;
                    p->weight += closed->weight - 1;
                    if (p->weight > Y_MAX_WEIGHT)
                        p->weight = Y_MAX_WEIGHT + 1;
                }
            }
            break;
        case FYET_ALIAS: {
            n_aliases++;
            size_t alen = 0;
            const char *aname = fy_token_get_text(e->alias.anchor, &alen);
            ts_y_node *target = aname ? find_anchor(doc, aname, alen) : NULL;
            if (!target) {
                /* the alias event's mark is its name, after the '*' */
                ts_y_err_pos(errs, path, m ? m->line + 1 : 0,
                             m ? (m->column > 0 ? m->column : 1) : 0,
                             "unknown alias '*%.*s' (no complete anchor of that name "
                             "before it)",
                             (int)alen, aname ? aname : "");
                st = TS_ESCENARIO;
                break;
            }
            if (depth > 0 && attach(&stack[depth - 1], target) < 0)
                st = TS_ENOMEM;
            else if (depth == 0)
                doc->root = target;
            break;
        }
        default:
            break;
        }
        fy_parser_event_free(fyp, e);
        if (st == TS_OK && depth > 0 && stack[depth - 1].node->weight > Y_MAX_WEIGHT) {
            if (n_aliases > 0)
                ts_y_err(errs, stack[depth - 1].node,
                         "the document expands to more than %ld nodes (aliases)", Y_MAX_WEIGHT);
            else
                ts_y_err(errs, stack[depth - 1].node,
                         "the document has more than %ld nodes, the most a file may hold",
                         Y_MAX_WEIGHT);
            st = TS_ESCENARIO;
        }
    }
    if (st == TS_OK && fy_parser_get_stream_error(fyp)) {
        int any = 0;
        void *it = NULL;
        struct fy_diag_error *de;
        opener o;
        const int open = find_unclosed(buf, len, &o);
        while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
            if (de->type < FYET_ERROR)
                continue;
            if (open && (o.line < de->line || (o.line == de->line && o.col <= de->column))) {
                /* reported where it was opened, with what the parser said */
                ts_y_err_pos(errs, path, o.line, o.col,
                             "unclosed %s (opened at %d:%d; the parser stopped at %d:%d: %s)",
                             o.c == '[' ? "'['" : o.c == '{' ? "'{'" : o.c == '"' ? "'\"'" : "\"'\"",
                             o.line, o.col, de->line, de->column, de->msg ? de->msg : "?");
                any = 1;
                break; /* what follows are its consequences */
            }
            ts_y_err_pos(errs, path, de->line > 0 ? de->line : 0,
                         de->column > 0 ? de->column : 0, "%s", de->msg ? de->msg : "?");
            any = 1;
        }
        if (!any)
            ts_y_err_pos(errs, path, 0, 0, "YAML syntax error");
        st = TS_ESCENARIO;
    }
done:
    if (fyp)
        fy_parser_destroy(fyp);
    if (diag)
        fy_diag_destroy(diag);
    free(buf);
    if (st == TS_ENOMEM)
        ts_y_nomem(errs);
    if (st != TS_OK) {
        ts_y_doc_free(doc);
        return st;
    }
    *out = doc;
    return TS_OK;
}

/* ---- access ---------------------------------------------------------------- */

const char *ts_y_kind_name(ts_y_kind kind)
{
    return kind == TS_Y_MAP ? "a mapping" : kind == TS_Y_SEQ ? "a list" : "a scalar";
}

/* The index i of key in map (item[2 i] is the key, item[2 i + 1] its
 * value), or -1 when map is not a mapping or lacks the key. */
static int key_index(const ts_y_node *map, const char *key)
{
    if (!map || map->kind != TS_Y_MAP)
        return -1;
    for (int i = 0; i < map->n; i++) {
        const ts_y_node *k = map->item[2 * i];
        if (k->kind == TS_Y_SCALAR && !strcmp(k->text, key))
            return i;
    }
    return -1;
}

const ts_y_node *ts_y_key(const ts_y_node *map, const char *key)
{
    int i = key_index(map, key);
    return i < 0 ? NULL : map->item[2 * i];
}

const ts_y_node *ts_y_get(const ts_y_node *map, const char *key)
{
    int i = key_index(map, key);
    return i < 0 ? NULL : map->item[2 * i + 1];
}

int ts_y_expect(ts_y_errs *errs, const ts_y_node *node, ts_y_kind kind, const char *what)
{
    if (node->kind == kind)
        return TS_OK;
    if (node->kind == TS_Y_SCALAR && node->len == 0 && node->style == TS_Y_PLAIN)
        ts_y_err(errs, node, "expected %s for %s, got nothing", ts_y_kind_name(kind), what);
    else if (node->kind == TS_Y_SCALAR)
        ts_y_err(errs, node, "expected %s for %s, got '%.60s'", ts_y_kind_name(kind), what,
                 node->text);
    else
        ts_y_err(errs, node, "expected %s for %s, got %s", ts_y_kind_name(kind), what,
                 ts_y_kind_name(node->kind));
    return TS_ESCENARIO;
}

static void add_typo(ts_y_errs *errs, const ts_y_node *key, const char *near)
{
    if (errs->n_typos == errs->cap_typos) {
        int cap = errs->cap_typos ? 2 * errs->cap_typos : 8;
        ts_y_typo *t = realloc(errs->typos, (size_t)cap * sizeof *t);
        if (!t)
            return; /* then the missing key is reported as well: harmless */
        errs->typos = t;
        errs->cap_typos = cap;
    }
    ts_y_typo *t = &errs->typos[errs->n_typos++];
    t->key = key;
    snprintf(t->near, sizeof t->near, "%s", near);
}

int ts_y_typo_of(const ts_y_errs *errs, const ts_y_node *map, const char *key)
{
    if (!errs || !map || map->kind != TS_Y_MAP)
        return 0;
    for (int i = 0; i < map->n; i++)
        for (int j = 0; j < errs->n_typos; j++)
            if (errs->typos[j].key == map->item[2 * i] && !strcmp(errs->typos[j].near, key))
                return 1;
    return 0;
}

int ts_y_check_keys(ts_y_errs *errs, const ts_y_node *map, const char *what,
                    const char *const *known)
{
    int bad = 0, n_known = 0;
    while (known[n_known])
        n_known++;
    for (int i = 0; i < map->n; i++) {
        const ts_y_node *k = map->item[2 * i];
        if (k->kind != TS_Y_SCALAR) {
            ts_y_err(errs, k, "a key in %s must be a plain name, not %s", what,
                     ts_y_kind_name(k->kind));
            bad++;
            continue;
        }
        int found = 0;
        for (int j = 0; j < n_known && !found; j++)
            found = !strcmp(k->text, known[j]);
        if (!found) {
            char hint[1024];
            ts_y_hint(hint, sizeof hint, k->text, known, n_known, 40, NULL);
            ts_y_err(errs, k, "unknown key '%.60s' in %s %s", k->text, what, hint);
            const char *near = ts_y_suggest(k->text, known, n_known);
            if (near && errs)
                add_typo(errs, k, near);
            bad++;
            continue;
        }
        for (int j = 0; j < i; j++) {
            const ts_y_node *p = map->item[2 * j];
            if (p->kind == TS_Y_SCALAR && !strcmp(p->text, k->text)) {
                ts_y_err(errs, k, "duplicate key '%s' in %s (first at line %d, column %d)",
                         k->text, what, p->line, p->col);
                bad++;
                break;
            }
        }
    }
    return bad;
}

const ts_y_node *ts_y_require(ts_y_errs *errs, const ts_y_node *map, const char *key,
                              const char *what)
{
    const ts_y_node *v = ts_y_get(map, key);
    if (!v && !ts_y_typo_of(errs, map, key))
        ts_y_err(errs, map, "missing required key '%s' in %s", key, what);
    return v;
}

static int need_scalar(ts_y_errs *errs, const ts_y_node *node, const char *what,
                       const char *expected)
{
    if (node->kind == TS_Y_SCALAR)
        return TS_OK;
    ts_y_err(errs, node, "expected %s for %s, got %s", expected, what,
             ts_y_kind_name(node->kind));
    return TS_ESCENARIO;
}

int ts_y_string(ts_y_errs *errs, const ts_y_node *node, const char *what, char *buf,
                size_t size)
{
    if (need_scalar(errs, node, what, "a string"))
        return TS_ESCENARIO;
    if (node->len == 0) {
        ts_y_err(errs, node, "empty value for %s", what);
        return TS_ESCENARIO;
    }
    if (node->len >= size || memchr(node->text, '\0', node->len)) {
        ts_y_err(errs, node, "%s is too long (at most %zu bytes)", what, size - 1);
        return TS_ESCENARIO;
    }
    memcpy(buf, node->text, node->len + 1);
    return TS_OK;
}

int ts_y_ident(ts_y_errs *errs, const ts_y_node *node, const char *what, char *buf,
               size_t size)
{
    if (need_scalar(errs, node, what, "a name"))
        return TS_ESCENARIO;
    if (node->len == 0) {
        ts_y_err(errs, node, "empty name for %s", what);
        return TS_ESCENARIO;
    }
    for (size_t i = 0; i < node->len; i++) {
        unsigned char c = (unsigned char)node->text[i];
        int ok = islower(c) || isdigit(c) || (i > 0 && (c == '-' || c == '_' || c == '.'));
        if (!ok || c >= 0x80) {
            ts_y_err_in(errs, node, (int)i,
                        "'%.60s' is not a valid name for %s (lower-case letters, digits, "
                        "'-', '_' and '.', starting with a letter or digit)",
                        node->text, what);
            return TS_ESCENARIO;
        }
    }
    if (node->len >= size) {
        ts_y_err(errs, node, "name for %s is too long (at most %zu characters)", what,
                 size - 1);
        return TS_ESCENARIO;
    }
    memcpy(buf, node->text, node->len + 1);
    return TS_OK;
}

int ts_y_text(ts_y_errs *errs, const ts_y_node *node, const char *what, char *buf,
              size_t size)
{
    if (node->kind == TS_Y_SCALAR)
        return ts_y_string(errs, node, what, buf, size);
    if (node->kind != TS_Y_SEQ) {
        ts_y_err(errs, node, "expected a string or a list of strings for %s, got %s", what,
                 ts_y_kind_name(node->kind));
        return TS_ESCENARIO;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < node->n; i++) {
        const ts_y_node *it = node->item[i];
        if (it->kind != TS_Y_SCALAR || it->len == 0) {
            ts_y_err(errs, it, "expected a string in %s, got %s", what,
                     it->kind == TS_Y_SCALAR ? "nothing" : ts_y_kind_name(it->kind));
            return TS_ESCENARIO;
        }
        size_t need = it->len + (i ? 2 : 0);
        if (used + need >= size || memchr(it->text, '\0', it->len)) {
            ts_y_err(errs, it, "%s is too long (at most %zu bytes in all)", what, size - 1);
            return TS_ESCENARIO;
        }
        snprintf(buf + used, size - used, "%s%s", i ? "; " : "", it->text);
        used += need;
    }
    return TS_OK;
}

/* need_scalar, and the text must hold no NUL byte (the parsers stop at one). */
static int need_text(ts_y_errs *errs, const ts_y_node *node, const char *what,
                     const char *expected)
{
    if (need_scalar(errs, node, what, expected))
        return TS_ESCENARIO;
    if (memchr(node->text, '\0', node->len)) {
        ts_y_err(errs, node, "%s: unexpected NUL byte", what);
        return TS_ESCENARIO;
    }
    return TS_OK;
}

int ts_y_quantity(ts_y_errs *errs, const ts_y_node *node, const char *what,
                  ts_quantity_kind kind, double *si)
{
    if (need_text(errs, node, what, "a quantity with a unit"))
        return TS_ESCENARIO;
    ts_ctx c;
    memset(&c, 0, sizeof c);
    int off = 0;
    if (ts_quantity_parse(&c, node->text, kind, si, &off) < 0) {
        ts_y_err_in(errs, node, off, "%s: %s", what, c.msg);
        return TS_ESCENARIO;
    }
    return TS_OK;
}

int ts_y_latlon(ts_y_errs *errs, const ts_y_node *node, const char *what, double *lat_rad,
                double *lon_rad)
{
    if (need_text(errs, node, what, "a position"))
        return TS_ESCENARIO;
    ts_ctx c;
    memset(&c, 0, sizeof c);
    int off = 0;
    if (ts_latlon_parse(&c, node->text, lat_rad, lon_rad, &off) < 0) {
        ts_y_err_in(errs, node, off, "%s: %s", what, c.msg);
        return TS_ESCENARIO;
    }
    return TS_OK;
}

int ts_y_int(ts_y_errs *errs, const ts_y_node *node, const char *what, int lo, int hi,
             int *out)
{
    if (need_scalar(errs, node, what, "an integer"))
        return TS_ESCENARIO;
    const char *s = node->text;
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    size_t digits = 0;
    while (isdigit((unsigned char)s[i + digits]))
        digits++;
    if (digits == 0 || i + digits != node->len) {
        ts_y_err_in(errs, node, (int)(i + digits), "expected an integer for %s, got '%.60s'",
                    what, s);
        return TS_ESCENARIO;
    }
    long v = digits > 9 ? (s[0] == '-' ? -2147483647L : 2147483647L) : strtol(s, NULL, 10);
    if (v < lo || v > hi) {
        ts_y_err(errs, node, "%s %s is out of range (%d to %d)", what, s, lo, hi);
        return TS_ESCENARIO;
    }
    *out = (int)v;
    return TS_OK;
}

int ts_y_bool(ts_y_errs *errs, const ts_y_node *node, const char *what, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "False", "FALSE", NULL};
    if (need_scalar(errs, node, what, "true or false"))
        return TS_ESCENARIO;
    for (int i = 0; yes[i]; i++) {
        if (!strcmp(node->text, yes[i])) {
            *out = 1;
            return TS_OK;
        }
        if (!strcmp(node->text, no[i])) {
            *out = 0;
            return TS_OK;
        }
    }
    ts_y_err(errs, node, "expected true or false for %s, got '%.60s'", what, node->text);
    return TS_ESCENARIO;
}

int ts_y_enum(ts_y_errs *errs, const ts_y_node *node, const char *what,
              const char *const *names, int *out)
{
    if (need_scalar(errs, node, what, "a name"))
        return TS_ESCENARIO;
    int n = 0;
    for (; names[n]; n++)
        if (!strcmp(node->text, names[n])) {
            *out = n;
            return TS_OK;
        }
    char hint[512];
    ts_y_hint(hint, sizeof hint, node->text, names, n, 20, NULL);
    ts_y_err(errs, node, "unknown %s '%.60s' %s", what, node->text, hint);
    return TS_ESCENARIO;
}

/* ---- hints -------------------------------------------------------------- */

/* Optimal string alignment distance (insertions, deletions, substitutions,
 * transpositions of neighbours), capped at 9. */
static int osa_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 62 || lb > 62)
        return 9;
    int d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb] > 9 ? 9 : d[la][lb];
}

static void lower_copy(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

const char *ts_y_suggest(const char *word, const char *const *cands, int n)
{
    char w[64];
    lower_copy(w, word, sizeof w);
    size_t lw = strlen(w);
    int best = 99;
    const char *pick = NULL;
    for (int i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        char c[64];
        lower_copy(c, cands[i], sizeof c);
        int d = osa_distance(w, c);
        size_t lc = strlen(c);
        size_t lmax = lw > lc ? lw : lc;
        int limit = lmax <= 4 ? 1 : lmax <= 8 ? 2 : 3;
        /* a prefix of three letters or more: "redzik" -> "redzikowo" */
        if (d > limit && lw >= 3 && lw < lc && !strncmp(c, w, lw))
            d = limit;
        if (d <= limit && d < best) {
            best = d;
            pick = cands[i];
        }
    }
    return pick;
}

void ts_y_hint(char *buf, size_t size, const char *word, const char *const *cands, int n,
               int max_list, const char *more)
{
    const char *near = ts_y_suggest(word, cands, n);
    size_t used = 0;
    int count = 0;
    for (int i = 0; i < n; i++)
        count += cands[i] != NULL;
    used += (size_t)snprintf(buf, size, "(");
    if (near)
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
                                 "did you mean '%s'? ", near);
    if (count == 0) {
        snprintf(buf + used, used < size ? size - used : 0, "none defined)");
        return;
    }
    if (count > max_list) {
        snprintf(buf + used, used < size ? size - used : 0, "%d known%s%s%s)", count,
                 more ? ": see `" : "", more ? more : "", more ? "`" : "");
        return;
    }
    used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "known: ");
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
                                 k++ ? ", " : "", cands[i]);
    }
    snprintf(buf + used, used < size ? size - used : 0, ")");
}

void ts_y_format_quantity(char *buf, size_t size, double si, const char *unit,
                          ts_quantity_kind kind)
{
    double one = 1.0;
    char text[32];
    snprintf(text, sizeof text, "1 %s", unit);
    if (!unit[0] || ts_quantity_parse(NULL, text, kind, &one, NULL) < 0 || one == 0.0)
        one = 1.0;
    double v = si / one;
    if (fabs(v) < 1e-12)
        v = 0.0;
    snprintf(buf, size, "%.6g%s%s", v, unit[0] ? " " : "", unit);
}
