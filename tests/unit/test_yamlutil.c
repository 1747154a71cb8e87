/*
 * YAML reading (yamlutil.c): what issue 13 found wrong, each a regression.
 *
 * Truths: libfyaml's own value of a single-quoted scalar where it does not
 * leak (fewer than four '' escapes); values and positions counted by hand
 * otherwise (1-based lines, columns in characters); the character classes
 * of YAML 1.2.2 section 5.1 (c-printable).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <criterion/criterion.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_internal.h"
#include "yamlutil.h"

/* Writes n bytes to a fresh temporary file; path receives its name. */
static void write_temp(const char *text, size_t n, char *path, size_t size)
{
    snprintf(path, size, "/tmp/ts-yamlutil-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp failed");
    cr_assert_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* Loads text; returns the status, the message in msg. */
static int load(const char *text, size_t n, char *msg, size_t size, ts_y_doc **doc)
{
    char path[64];
    write_temp(text, n, path, sizeof path);
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *d = NULL;
    int st = ts_y_load(&errs, path, &d);
    ts_ctx *ctx = ts_ctx_create();
    ts_y_errs_report(&errs, ctx);
    /* the message without the temporary file's name */
    const char *m = ts_ctx_message(ctx);
    const size_t pl = strlen(path);
    snprintf(msg, size, "%s", strncmp(m, path, pl) ? m : m + pl);
    ts_ctx_free(ctx);
    ts_y_errs_free(&errs);
    unlink(path);
    if (doc)
        *doc = d;
    else
        ts_y_doc_free(d);
    return st;
}

/* The single-quoted value libfyaml gives for "a: '<raw>'". */
static char *fyaml_value(const char *raw)
{
    char doc[512];
    snprintf(doc, sizeof doc, "a: '%s'\n", raw);
    struct fy_document *fyd = fy_document_build_from_string(NULL, doc, FY_NT);
    cr_assert(fyd != NULL, "libfyaml refused %s", doc);
    struct fy_node *n = fy_node_mapping_lookup_by_string(fy_document_root(fyd), "a", FY_NT);
    size_t len = 0;
    const char *v = fy_node_get_scalar(n, &len);
    char *out = malloc(len + 1);
    memcpy(out, v, len);
    out[len] = '\0';
    fy_document_destroy(fyd);
    return out;
}

/* Source texts (between the quotes) of single-quoted scalars on one or
 * more lines, each with fewer than four '' escapes. */
static const char *const quoted[] = {
    "plain", "it''s", "a''b''c", "''", "  lead and trail  ", "one\n  two",
    "one  \n   two", "para\n\n  next", "para\n\n\n  two blank", "ends\n ", "tab\there",
    "x\n  \n  y", "with ''q''\n  and more", "trail \n  ", "caf\xc3\xa9 \xe2\x80\x94 ok",
};

Test(yamlutil, single_quoted_values_match_libfyaml)
{
    for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
        char *want = fyaml_value(quoted[i]);
        char got[512];
        const size_t n = ts_y_single_quoted(quoted[i], strlen(quoted[i]), got);
        cr_assert_eq(n, strlen(got), "case %zu: length", i);
        cr_assert_str_eq(got, want, "case %zu ('%s'): want '%s' got '%s'", i, quoted[i], want,
                         got);
        free(want);
    }
}

/* Regression: libfyaml 0.7.12 leaks 4096 bytes for a single-quoted scalar
 * with four or more '' escapes (the fuzzer's reproducer: 'a: {b: c,'
 * followed by 118 single quotes and ' d: e}').  Loading goes through our
 * unescaping: LeakSanitizer (make test-asan) sees no leak, and the value is
 * the one counted by hand. */
Test(yamlutil, many_quote_escapes_load_without_libfyaml_leak)
{
    char text[300], msg[TS_MSG_LEN];
    int n = snprintf(text, sizeof text, "a: {b: c,");
    for (int i = 0; i < 118; i++)
        text[n++] = '\'';
    n += snprintf(text + n, sizeof text - (size_t)n, " d: e}\n");
    int st = load(text, (size_t)n, msg, sizeof msg, NULL);
    cr_assert_eq(st, TS_ESCENARIO, "the reproducer is not YAML: status %d (%s)", st, msg);

    ts_y_doc *doc = NULL;
    const char *ok = "q: 'x''''''''''y'\n"; /* five escapes: x'''''y */
    st = load(ok, strlen(ok), msg, sizeof msg, &doc);
    cr_assert_eq(st, TS_OK, "%s", msg);
    const ts_y_node *q = ts_y_get(ts_y_root(doc), "q");
    cr_assert(q != NULL);
    cr_assert_str_eq(q->text, "x'''''y");
    ts_y_doc_free(doc);
}

/* Regression: "#\0" before "variants:" ended the scenario there (libfyaml
 * takes NUL for the end), so check said valid.  Every character YAML does
 * not allow is refused at its line and column. */
/* a literal with its length, NUL bytes included */
#define TEXT(lit, want) {lit, sizeof lit - 1, want}

Test(yamlutil, disallowed_characters_refused_at_line_and_column)
{
    static const struct {
        const char *text;
        size_t n;
        const char *want; /* the message after the path */
    } cases[] = {
        TEXT("name: x\n#\0\nvariants: {}\n", ":2:2: error: a NUL byte (0x00)"),
        TEXT("name: \"a\x07\"\n", ":1:9: error: character U+0007 is not allowed"),
        TEXT("a: 1\nb: x\x7f\n", ":2:5: error: character U+007F is not allowed"),
        TEXT("t: caf\xc3\xa9\xc2\x9b[31m\n", ":1:8: error: character U+009B is not allowed"),
        TEXT("t: x\xef\xbf\xbe\n", ":1:5: error: character U+FFFE is not allowed"),
        TEXT("t: \"\\e[31m\"\n", ":1:4: error: the value holds control character U+001B"),
        TEXT("t: \"nul\\0\"\n", ":1:4: error: the value holds control character U+0000"),
        TEXT("t: x\xff\n", ":1:5: error: byte 0xFF is not valid UTF-8"),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[TS_MSG_LEN];
        int st = load(cases[i].text, cases[i].n, msg, sizeof msg, NULL);
        cr_assert_eq(st, TS_ESCENARIO, "case %zu: status %d (%s)", i, st, msg);
        cr_assert(!strncmp(msg, cases[i].want, strlen(cases[i].want)),
                  "case %zu: want '%s...' got '%s'", i, cases[i].want, msg);
    }
    /* allowed: tab, CR LF, NBSP, a BOM, astral characters; NEL (U+0085) in
     * the stream (a comment), though not in a value, where a terminal may
     * take it for a control */
    const char *good = "\xef\xbb\xbfname: \"a\tb \xc2\xa0 \xf0\x9f\x9a\x80\"\r\n# \xc2\x85\r\nn: 1\r\n";
    char msg[TS_MSG_LEN];
    cr_assert_eq(load(good, strlen(good), msg, sizeof msg, NULL), TS_OK, "%s", msg);
}

/* Regression: an unclosed '[', '{' or quote was reported where libfyaml
 * noticed, a line or two later.  Now where it was opened. */
Test(yamlutil, unclosed_bracket_or_quote_reported_where_opened)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"a:\n  b: [x, y\n  c: 1\n", ":2:6: error: unclosed '[' (opened at 2:6; the parser stopped at "},
        {"a:\n  b: {x: 1, y: [2, 3]\n  c: [4]\n", ":2:6: error: unclosed '{' (opened at 2:6;"},
        {"t: \"never closed\nu: 1\n", ":1:4: error: unclosed '\"' (opened at 1:4;"},
        {"t: 'never closed\nu: 1\n", ":1:4: error: unclosed \"'\" (opened at 1:4;"},
        {"l: [a, [b, c]\n", ":1:4: error: unclosed '[' (opened at 1:4;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[TS_MSG_LEN];
        int st = load(cases[i].text, strlen(cases[i].text), msg, sizeof msg, NULL);
        cr_assert_eq(st, TS_ESCENARIO, "case %zu: status %d (%s)", i, st, msg);
        cr_assert(!strncmp(msg, cases[i].want, strlen(cases[i].want)),
                  "case %zu: want '%s...' got '%s'", i, cases[i].want, msg);
    }
    /* brackets and quotes inside comments, quoted and block scalars, and a
     * quote inside a plain scalar, do not count: these are syntax errors of
     * another kind, left in libfyaml's words */
    static const char *const other[] = {
        "# a [ in a comment\nt: 'it''s [ok'\nb: |\n  [ { \" '\nx: [1\n  y\n",
        "k: it's\nl: [1, 2]\n  m: 3\n",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        char msg[TS_MSG_LEN];
        int st = load(other[i], strlen(other[i]), msg, sizeof msg, NULL);
        cr_assert_eq(st, TS_ESCENARIO, "other %zu: status %d", i, st);
        cr_assert(i == 0 ? strstr(msg, "unclosed '[' (opened at 5:4;") != NULL
                         : strstr(msg, "unclosed") == NULL,
                  "other %zu: got '%s'", i, msg);
    }
}
