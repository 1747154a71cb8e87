/*
 * YAML reading for the scenario and catalogue files: a small read-only tree
 * built from libfyaml's event stream (so that every node, mapping and list
 * included, keeps its line and column), an error list that gathers every
 * fault of a file before it is reported, and typed accessors that point
 * each error at the offending node, or at the fault inside a scalar.
 *
 * Error format (GCC's, "Diagnostic message formatting" in the GCC manual):
 *   path:line:col: error: message (hint)
 * lines and columns 1-based; columns count characters, as libfyaml does.
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_YAMLUTIL_H
#define TS_YAMLUTIL_H

#include "ts_internal.h"
#include <stddef.h>

/* ---- the tree ----------------------------------------------------------- */
typedef enum { TS_Y_SCALAR = 0, TS_Y_SEQ, TS_Y_MAP } ts_y_kind;
typedef enum { TS_Y_PLAIN = 0, TS_Y_QUOTED, TS_Y_BLOCK } ts_y_style;

typedef struct ts_y_node ts_y_node;
struct ts_y_node {
    ts_y_kind kind;
    ts_y_style style;       /* scalars only */
    const char *file;       /* the file's path (owned by the document) */
    int line, col;          /* 1-based start: the opening quote of a quoted
                               scalar, the '{' or '[' of a flow collection,
                               the first key or '-' of a block collection */
    int text_line, text_col; /* 1-based start of a scalar's content */
    int inner_ok;           /* 1: the content maps byte for character onto
                               one source line (offsets can be pointed at) */
    char *text;             /* scalar content, NUL-terminated (owned) */
    size_t len;
    int n;                  /* list items, or mapping pairs */
    ts_y_node **item;       /* list: item[i]; mapping: item[2i] is the key,
                               item[2i+1] the value (pointers not owned: an
                               alias shares its anchor's node) */
    int cap;
    long weight;            /* nodes below and including this one, aliases
                               expanded (guards against alias bombs) */
};

typedef struct ts_y_doc ts_y_doc;

/* ---- errors ------------------------------------------------------------- */
typedef struct {
    int file_order;         /* order in which the file was first reported */
    int line, col;          /* 0 when the error has no position */
    int seq;                /* order of discovery, the last sort key */
    char *text;             /* the whole line, "path:line:col: error: ..." */
} ts_y_error;

/* An unknown key reported with a "did you mean": a key that
 * ts_y_require then finds missing was most likely misspelt as this one, and
 * is not reported a second time as missing. */
typedef struct {
    const ts_y_node *key;   /* not owned; compared, never dereferenced */
    char near[64];          /* the known key it was taken for */
} ts_y_typo;

typedef struct {
    int n, cap;
    ts_y_error *e;          /* owned */
    int n_files;
    char **files;           /* owned: the paths seen, in order */
    int n_typos, cap_typos;
    ts_y_typo *typos;       /* owned */
    int nomem;              /* an allocation failed somewhere: the result
                               is TS_ENOMEM whatever else was recorded */
} ts_y_errs;

void ts_y_errs_init(ts_y_errs *errs);
void ts_y_errs_free(ts_y_errs *errs);
/* An error at a node. */
void ts_y_err(ts_y_errs *errs, const ts_y_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* An error at byte `offset` inside scalar `at` (its node when the offset
 * cannot be mapped onto the source). */
void ts_y_err_in(ts_y_errs *errs, const ts_y_node *at, int offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* An error at a given position of a file (line, col 1-based; 0: none). */
void ts_y_err_pos(ts_y_errs *errs, const char *file, int line, int col,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Records that an allocation failed (sticky; allocates nothing). */
void ts_y_nomem(ts_y_errs *errs);
/* Sorts the errors (file, line, column, discovery) and records them on ctx,
 * one a line (at most TS_MSG_LEN bytes: the tail is summarised as "... and
 * N more errors").  Returns TS_OK when there are none, TS_ENOMEM (message
 * "out of memory") when an allocation failed, else TS_ESCENARIO. */
int ts_y_errs_report(ts_y_errs *errs, ts_ctx *ctx);

/* ---- loading ------------------------------------------------------------ */
/* Reads and parses one YAML document.  Returns TS_OK with *out set (its root
 * NULL for an empty file), TS_EIO when the file cannot be read, or
 * TS_ESCENARIO after recording libfyaml's diagnostics (syntax errors). */
int ts_y_load(ts_y_errs *errs, const char *path, ts_y_doc **out);
/* The value of a single-quoted scalar from its source text between the
 * quotes (raw, len bytes) into out (len + 1 bytes): '' unescaped, line
 * breaks folded (YAML 1.2.2 7.3.2).  Returns its length. */
size_t ts_y_single_quoted(const char *raw, size_t len, char *out);
const ts_y_node *ts_y_root(const ts_y_doc *doc);
void ts_y_doc_free(ts_y_doc *doc);
/* Parses a YAML text given in memory (a `--set` value), its nodes' file
 * being `name`.  As ts_y_load, less the file errors. */
int ts_y_load_text(ts_y_errs *errs, const char *name, const char *text, ts_y_doc **out);

/* ---- editing (settings.c: overrides applied before validation) ---------- */
/* The root, to be edited.  Nodes added by the functions below are owned by
 * `doc`; a value may come from another document, which must then outlive
 * every use of the edited tree. */
ts_y_node *ts_y_root_edit(ts_y_doc *doc);
/* A new empty mapping at line:col of doc's file; NULL when out of memory. */
ts_y_node *ts_y_new_map(ts_y_doc *doc, int line, int col);
/* Sets key to value in map: replaces the first pair with that key, else
 * appends one (its key node at value's position).  0, or -1 when out of
 * memory (map unchanged). */
int ts_y_map_put(ts_y_doc *doc, ts_y_node *map, const char *key, ts_y_node *value);

/* ---- access --------------------------------------------------------------- */
const char *ts_y_kind_name(ts_y_kind kind); /* "a scalar", "a list", "a mapping" */
/* Value of `key` in a mapping (first occurrence), NULL if absent. */
const ts_y_node *ts_y_get(const ts_y_node *map, const char *key);
/* The key node of `key`, NULL if absent. */
const ts_y_node *ts_y_key(const ts_y_node *map, const char *key);
/* Checks a node's kind: error "expected <kind> for <what>, got ..." */
int ts_y_expect(ts_y_errs *errs, const ts_y_node *node, ts_y_kind kind,
                const char *what);
/* Checks a mapping's keys against `known` (NULL-terminated): scalar keys,
 * no unknown key (with a "did you mean"), no duplicate.  Returns the number
 * of errors. */
int ts_y_check_keys(ts_y_errs *errs, const ts_y_node *map, const char *what,
                    const char *const *known);
/* Error "missing required key 'key' in <what>" at the mapping; returns the
 * value node or NULL.  No error when a key of the mapping was reported
 * unknown with 'key' as its "did you mean" (ts_y_typo_of): the typo's
 * message says it all, and comes first. */
const ts_y_node *ts_y_require(ts_y_errs *errs, const ts_y_node *map,
                              const char *key, const char *what);

/* 1 when `key` is absent from map because one of map's keys, reported
 * unknown by ts_y_check_keys, is a near miss of it ("misile" for
 * "missile"); callers with their own "missing required key" message then
 * say nothing.  errs may be NULL (0). */
int ts_y_typo_of(const ts_y_errs *errs, const ts_y_node *map, const char *key);

/* Typed scalars: each returns TS_OK or records an error and returns
 * TS_ESCENARIO.  `what` names the key in messages. */
int ts_y_string(ts_y_errs *errs, const ts_y_node *node, const char *what,
                char *buf, size_t size);
/* An identifier: [a-z0-9] followed by [a-z0-9._-], shorter than size. */
int ts_y_ident(ts_y_errs *errs, const ts_y_node *node, const char *what,
               char *buf, size_t size);
/* A string, or a list of strings joined with "; ". */
int ts_y_text(ts_y_errs *errs, const ts_y_node *node, const char *what,
              char *buf, size_t size);
int ts_y_quantity(ts_y_errs *errs, const ts_y_node *node, const char *what,
                  ts_quantity_kind kind, double *si);
int ts_y_latlon(ts_y_errs *errs, const ts_y_node *node, const char *what,
                double *lat_rad, double *lon_rad);
int ts_y_int(ts_y_errs *errs, const ts_y_node *node, const char *what, int lo,
             int hi, int *out);
int ts_y_bool(ts_y_errs *errs, const ts_y_node *node, const char *what, int *out);
/* One of names[] (NULL-terminated); *out is its index. */
int ts_y_enum(ts_y_errs *errs, const ts_y_node *node, const char *what,
              const char *const *names, int *out);

/* ---- hints ---------------------------------------------------------------- */
/* The candidate closest to word when near enough to be a likely typo, or
 * NULL.  cands[i] for i < n (NULL entries skipped). */
const char *ts_y_suggest(const char *word, const char *const *cands, int n);
/* Writes "(did you mean 'x'? known: a, b, c)" into buf: lists at most
 * max_list names, then "N known: see `<more>`" (more may be NULL). */
void ts_y_hint(char *buf, size_t size, const char *word, const char *const *cands,
               int n, int max_list, const char *more);
/* Text of a quantity for messages, in the given unit: "12.5 km/s". */
void ts_y_format_quantity(char *buf, size_t size, double si, const char *unit,
                          ts_quantity_kind kind);

#endif /* TS_YAMLUTIL_H */
