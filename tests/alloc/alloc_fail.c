/*
 * Allocation failure, as Lua (ltests.c, Memcontrol) and SQLite
 * (test_malloc.c) test it: the n-th allocation thirdsite makes fails, for
 * every n, over loading a scenario (ts_scenario_load) and over a tiny run
 * (ts_run of tests/scenarios/tiny.yaml).  Each n must end in TS_ENOMEM or
 * another clean error with a message, never a crash (the sanitizer build
 * also catches a bad access), never a leak (every block thirdsite
 * allocated is freed: a table of live blocks is kept), never output (no
 * run folder and nothing beside it).
 *
 * How: the library is linked with -Wl,--wrap for malloc, calloc, realloc,
 * strdup and free (CMakeLists.txt), so thirdsite's own calls come here;
 * the libraries it uses (libfyaml, jansson, cairo, PROJ, libc's stdio)
 * allocate on their own and are not failed: their handling of allocation
 * failure is theirs.
 *   alloc_fail SCENARIO OUT_PARENT [STRIDE [LOAD_STRIDE]]
 * STRIDE (default 1): every STRIDE-th n for the run; LOAD_STRIDE (default
 * 1): for loading (the sanitizer build's pass thins both out).
 * Exit status 0 when every n passed; 1 with the first that did not.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "thirdsite.h"
#include "defense_internal.h" /* ts_flyout_cache_clear */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

/* ---- the allocator: counts, fails the n-th, keeps the live blocks ------- */

static long count;   /* allocations so far in this trial */
static long fail_at; /* the one to fail (1-based), 0: none */
static int failed;   /* the failure happened */
static void **live;  /* open-addressing set of live blocks */
static size_t live_cap, live_n;

static size_t slot_of(const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= 0xed5ad4bbu;
    h ^= h >> 11;
    return (size_t)h & (live_cap - 1);
}

static void live_add(void *p)
{
    if (!p)
        return;
    if (2 * (live_n + 1) > live_cap) {
        const size_t old_cap = live_cap;
        void **old = live;
        live_cap = old_cap ? 2 * old_cap : 1 << 16;
        live = __real_calloc(live_cap, sizeof *live);
        if (!live)
            abort();
        live_n = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i] && old[i] != (void *)1)
                live_add(old[i]);
        __real_free(old);
    }
    size_t h = slot_of(p);
    while (live[h] && live[h] != (void *)1)
        h = (h + 1) & (live_cap - 1);
    live[h] = p;
    live_n++;
}

static void live_remove(void *p)
{
    if (!p || !live_cap)
        return;
    for (size_t h = slot_of(p); live[h]; h = (h + 1) & (live_cap - 1))
        if (live[h] == p) {
            live[h] = (void *)1; /* a tombstone */
            live_n--;
            return;
        }
    /* not ours: allocated inside a library (open_memstream, ...) */
}

static int fail_now(void)
{
    int f;
#pragma omp critical(alloc_fail)
    {
        f = ++count == fail_at;
        failed |= f;
    }
    if (f)
        errno = ENOMEM; /* as the C library's allocator sets it (POSIX) */
    if (f && getenv("ALLOC_FAIL_TRACE")) { /* where: for a failing n */
        void *frames[32];
        backtrace_symbols_fd(frames, backtrace(frames, 32), STDERR_FILENO);
    }
    return f;
}

void *__wrap_malloc(size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __real_malloc(n);
#pragma omp critical(alloc_fail)
    live_add(p);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (fail_now())
        return NULL;
    void *p = __real_calloc(n, size);
#pragma omp critical(alloc_fail)
    live_add(p);
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    if (fail_now())
        return NULL; /* old stays valid (C11 7.22.3.5) */
    void *p = __real_realloc(old, n);
    if (p) {
#pragma omp critical(alloc_fail)
        {
            live_remove(old);
            live_add(p);
        }
    }
    return p;
}

char *__wrap_strdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = __wrap_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void __wrap_free(void *p)
{
#pragma omp critical(alloc_fail)
    live_remove(p);
    __real_free(p);
}

/* ---- trials ------------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* One trial: failing allocation n (0: none).  Returns the number of
 * allocations made; *bad set with a message when the trial broke a rule. */
static long trial(const char *scenario, const char *parent, long n, int do_run, char *bad,
                  size_t size)
{
    count = 0;
    fail_at = n;
    failed = 0;
    const size_t live0 = live_n;
    bad[0] = '\0';
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    int st = ctx ? ts_scenario_load(ctx, scenario, NULL, &sc) : TS_ENOMEM;
    char out[4096];
    snprintf(out, sizeof out, "%s/run", parent);
    if (st == TS_OK && do_run) {
        ts_run_opts o;
        memset(&o, 0, sizeof o);
        o.out_dir = out;
        o.threads = 1;
        st = ts_run(ctx, sc, &o);
    }
    const long made = count;
    fail_at = 0;
    if (failed && st == TS_OK)
        snprintf(bad, size, "allocation %ld failed, yet status TS_OK", n);
    else if (!failed && st != TS_OK)
        snprintf(bad, size, "no failure injected, yet status %d: %s", st,
                 ctx ? ts_ctx_message(ctx) : "");
    else if (st != TS_OK && ctx && !ts_ctx_message(ctx)[0])
        snprintf(bad, size, "allocation %ld failed: status %d without a message", n, st);
    else if (st != TS_OK && sc && !do_run)
        snprintf(bad, size, "allocation %ld failed: a scenario was returned", n);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    ts_flyout_cache_clear(); /* the process-wide fly-out tables a run keeps */
    if (!bad[0] && live_n != live0)
        snprintf(bad, size, "allocation %ld failed (status %d): %zu blocks leaked", n, st,
                 live_n - live0);
    const int left = entries(parent);
    if (!bad[0] && st != TS_OK && left != 0)
        snprintf(bad, size, "allocation %ld failed (status %d): %d entries left in %s", n, st,
                 left, parent);
    nftw(out, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return made;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: alloc_fail SCENARIO OUT_PARENT [STRIDE [LOAD_STRIDE]]\n");
        return 2;
    }
    const long stride = argc > 3 && atol(argv[3]) > 0 ? atol(argv[3]) : 1;
    const long load_stride = argc > 4 && atol(argv[4]) > 0 ? atol(argv[4]) : 1;
    char bad[512];
    if (getenv("ALLOC_FAIL_ONLY")) { /* one n, to study a failure: N or rN (run) */
        const char *v = getenv("ALLOC_FAIL_ONLY");
        const int r = v[0] == 'r';
        trial(argv[1], argv[2], atol(v + r), r, bad, sizeof bad);
        fprintf(stderr, "alloc_fail: %s\n", bad[0] ? bad : "passed");
        return bad[0] != 0;
    }
    for (int do_run = 0; do_run <= 1; do_run++) {
        const long total = trial(argv[1], argv[2], 0, do_run, bad, sizeof bad);
        if (bad[0]) {
            fprintf(stderr, "alloc_fail: %s: %s\n", do_run ? "run" : "load", bad);
            return 1;
        }
        long n_enomem = 0, n_tried = 0;
        const long step = do_run ? stride : load_stride;
        const int progress = getenv("ALLOC_FAIL_PROGRESS") != NULL;
        /* ALLOC_FAIL_FROM=N: the run's trials from N on (to resume a study) */
        const long from = do_run && getenv("ALLOC_FAIL_FROM") ? atol(getenv("ALLOC_FAIL_FROM")) : 1;
        for (long n = from > 0 ? from : 1; n <= total; n += step) {
            if (progress) /* unbuffered: the last line names the n of a crash */
                fprintf(stderr, "%s %ld\n", do_run ? "run" : "load", n);
            trial(argv[1], argv[2], n, do_run, bad, sizeof bad);
            n_tried++;
            if (bad[0]) {
                fprintf(stderr, "alloc_fail: %s: %s\n", do_run ? "run" : "load", bad);
                return 1;
            }
            (void)n_enomem;
        }
        printf("alloc_fail: %s: %ld allocations, failing each of %ld of them: always a clean "
               "error, no leak, no output\n",
               do_run ? "load + tiny run" : "load", total, n_tried);
    }
    return 0;
}
