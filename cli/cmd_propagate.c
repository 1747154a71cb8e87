/*
 * thirdsite propagate: batch propagation of ballistic states to impact,
 * benchmark B1 (../shared/bench/B1-propagate.md): CSV id,x,y,z,vx,vy,vz
 * (ECI, m, m/s, t = 0 at each state) in, id,t,x,y,z (impact time and
 * position, WGS-84, point mass + J2) out, in input order.
 *
 * The file is cut into chunks of whole lines; each chunk is parsed,
 * propagated (ts_propagate_ballistic_batch: eight states side by side) and
 * formatted on its own, chunks spread over the threads (-j), and the
 * chunks' texts are written in order.  Every row's bytes depend on that row
 * only, so the output is the same for any -j.  Numbers are converted by
 * csvio.c (exact fast-path parsing, 15 significant digits out).  The output
 * goes to a temporary file renamed over OUT only on success.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "csvio.h"
#include "propagate.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_POPULATE /* Linux: read the file in with the mapping */
#define MAP_POPULATE 0
#endif

#define CMD "propagate"
#define HEADER_IN "id,x,y,z,vx,vy,vz"
#define HEADER_OUT "id,t,x,y,z\n"
#define CHUNK_BYTES (64 * 1024) /* about 500 rows: ~200 chunks for B1 */
#define ROW_MAX (21 + 4 * (TS_CSV_NUMBER_MAX + 1) + 1) /* longest output row */

static const char *const FIELD[7] = {"id", "x", "y", "z", "vx", "vy", "vz"};

static void help(FILE *f)
{
    fprintf(f,
            "usage: thirdsite propagate --in STATES.csv --out IMPACTS.csv [-j N] [--stats]\n\n"
            "Propagates ballistic states to impact on the WGS-84 ellipsoid under point-mass\n"
            "+ J2 gravity (benchmark B1, docs/models-propagation.md).\n\n"
            "  --in FILE    CSV with the header id,x,y,z,vx,vy,vz: an integer id, then\n"
            "               position (m) and velocity (m/s) in the Earth-centred inertial\n"
            "               frame (z along the rotation axis), each state at t = 0\n"
            "  --out FILE   CSV id,t,x,y,z: impact time (s) and position (m, same frame),\n"
            "               15 significant digits, one row per input row, same order;\n"
            "               written only when every row succeeded (- : standard output)\n"
            "  -j N         threads (default: all processors); the output is the same\n"
            "  --stats      work and time per phase on stderr\n\n"
            "Exit status 2 names FILE:LINE[:COLUMN] of the first bad row (a missing or\n"
            "non-numeric field, a state below the ground or one that never comes down),\n"
            "or the --out that cannot be written and why.\n");
}

typedef struct {
    const char *begin, *end; /* whole lines (the last chunk may lack a final \n) */
    int n_lines;             /* lines read (all of them unless an error stopped it) */
    char *out;               /* formatted rows, owned */
    size_t out_len;
    int err;          /* 0, CLI_USAGE or CLI_FAILED */
    int err_line;     /* 1-based within the chunk */
    int err_col;      /* 1-based byte column; 0 for the whole row */
    char msg[200];
    double t_parse, t_prop, t_format; /* s, wall time in its thread */
    int thread;                       /* the thread that ran it */
    ts_prop_stats stats;
} chunk;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void chunk_error(chunk *c, int err, int line, int col, const char *msg)
{
    c->err = err;
    c->err_line = line;
    c->err_col = col;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
}

/* Parses one non-blank row p..le (no newline); the numbers may be read
 * ahead up to lim (csvio's eight-digit path), the row's end is checked
 * here.  Returns 0, or sets the chunk's error and returns -1. */
static int parse_row(chunk *c, int line, const char *p, const char *le, const char *lim,
                     long long *id, ts_state *s)
{
    double v[6];
    const char *q = ts_csv_parse_long(p, le, id);
    if (!q || (q < le && *q != ',')) {
        chunk_error(c, CLI_USAGE, line, 1, "field 'id': not an integer");
        return -1;
    }
    for (int k = 0; k < 6; k++) {
        if (q == le) {
            char m[80];
            snprintf(m, sizeof m, "expected 7 fields (id,x,y,z,vx,vy,vz), found %d", k + 1);
            chunk_error(c, CLI_USAGE, line, 0, m);
            return -1;
        }
        q++; /* the comma */
        const char *f = q;
        q = ts_csv_parse_double(f, lim, &v[k]);
        if (!q || q > le || (q < le && *q != ',')) {
            char m[80];
            snprintf(m, sizeof m, "field '%s': not a finite decimal number", FIELD[k + 1]);
            chunk_error(c, CLI_USAGE, line, (int)(f - p) + 1, m);
            return -1;
        }
    }
    if (q != le) {
        chunk_error(c, CLI_USAGE, line, (int)(q - p) + 1,
                    "expected 7 fields (id,x,y,z,vx,vy,vz), found more");
        return -1;
    }
    s->r.x = v[0];
    s->r.y = v[1];
    s->r.z = v[2];
    s->v.x = v[3];
    s->v.y = v[4];
    s->v.z = v[5];
    return 0;
}

/* Parses, propagates and formats one chunk.  Errors stop the chunk. */
static void run_chunk(const ts_earth *earth, chunk *c)
{
    const double t0 = now();
    size_t cap = 1;
    for (const char *p = c->begin; p < c->end; p++) {
        p = memchr(p, '\n', (size_t)(c->end - p));
        if (!p)
            break;
        cap++;
    }
    long long *id = malloc(cap * sizeof *id);
    ts_state *s = malloc(cap * sizeof *s);
    int *row_line = malloc(cap * sizeof *row_line);
    ts_event *imp = malloc(cap * sizeof *imp);
    int *status = malloc(cap * sizeof *status);
    c->out = malloc(cap * ROW_MAX);
    if (!id || !s || !row_line || !imp || !status || !c->out) {
        chunk_error(c, CLI_FAILED, 1, 0, "out of memory");
        goto done;
    }
    int n = 0, line = 0;
    for (const char *p = c->begin; p < c->end;) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(c->end - p));
        if (!eol)
            eol = c->end;
        const char *le = (eol > p && eol[-1] == '\r') ? eol - 1 : eol;
        if (le > p) {
            if (parse_row(c, line, p, le, c->end, &id[n], &s[n]))
                goto done;
            row_line[n++] = line;
        }
        p = eol + 1;
    }
    c->n_lines = line;
    const double t1 = now();
    ts_propagate_ballistic_batch_stats(earth, 0.0, n, s, NULL, imp, status, &c->stats);
    const double t2 = now();
    for (int i = 0; i < n; i++) {
        if (status[i] == TS_OK)
            continue;
        char m[160];
        if (status[i] == TS_EINVAL)
            snprintf(m, sizeof m, "state %lld starts below the ground (inside the WGS-84 "
                                  "ellipsoid)", id[i]);
        else if (status[i] == TS_WNOIMPACT)
            snprintf(m, sizeof m, "state %lld does not come down within 1e5 s (not a "
                                  "suborbital state)", id[i]);
        else
            snprintf(m, sizeof m, "state %lld: the landing did not converge (status %d)",
                     id[i], status[i]);
        chunk_error(c, status[i] == TS_ENOCONVERGE ? CLI_FAILED : CLI_USAGE, row_line[i], 0,
                    m);
        goto done;
    }
    char *o = c->out;
    for (int i = 0; i < n; i++) {
        o = ts_csv_format_long(o, id[i]);
        *o++ = ',';
        o = ts_csv_format_double(o, imp[i].t_s);
        *o++ = ',';
        o = ts_csv_format_double(o, imp[i].s_eci.r.x);
        *o++ = ',';
        o = ts_csv_format_double(o, imp[i].s_eci.r.y);
        *o++ = ',';
        o = ts_csv_format_double(o, imp[i].s_eci.r.z);
        *o++ = '\n';
    }
    c->out_len = (size_t)(o - c->out);
    c->t_parse = t1 - t0;
    c->t_prop = t2 - t1;
    c->t_format = now() - t2;
done:
    free(id);
    free(s);
    free(row_line);
    free(imp);
    free(status);
}

/* The input file: mapped when it is a regular file, else read. */
typedef struct {
    const char *data;
    size_t size;
    void *map;  /* munmap this (size map_size) */
    size_t map_size;
    char *heap; /* or free this */
} input;

static int read_input(const char *path, input *in)
{
    memset(in, 0, sizeof *in);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return cli_usage_error(CMD, "--in '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m != MAP_FAILED) {
            in->map = m;
            in->map_size = (size_t)st.st_size;
            in->data = m;
            in->size = (size_t)st.st_size;
            close(fd);
            return CLI_OK;
        }
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            return cli_failure(CMD, "out of memory");
        }
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
            continue;
        }
        const ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            const int e = errno;
            free(buf);
            close(fd);
            return cli_usage_error(CMD, "--in '%s': %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    in->heap = buf;
    in->data = buf;
    in->size = n;
    return CLI_OK;
}

static void free_input(input *in)
{
    if (in->map)
        munmap(in->map, in->map_size);
    free(in->heap);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int pwrite_all(int fd, const char *p, size_t n, off_t off)
{
    while (n > 0) {
        const ssize_t w = pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

/* Writes the header and the chunks to a temporary file beside path, each
 * chunk at its offset (in parallel: copying into the page cache is a good
 * part of the time), then renames it to path. */
static int write_output(const char *path, const chunk *c, int nc, int threads)
{
    if (!strcmp(path, "-")) { /* standard output, as it comes */
        fflush(stdout);
        int bad = write_all(STDOUT_FILENO, HEADER_OUT, strlen(HEADER_OUT));
        for (int i = 0; i < nc && !bad; i++)
            bad = write_all(STDOUT_FILENO, c[i].out, c[i].out_len);
        return bad ? cli_usage_error(CMD, "--out -: standard output: %s", strerror(errno)) : CLI_OK;
    }
    const size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return cli_failure(CMD, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", 12);
    const int fd = mkstemp(tmp);
    if (fd < 0) {
        const int e = errno;
        free(tmp);
        return cli_usage_error(CMD, "--out '%s': %s", path, strerror(e));
    }
    const mode_t um = umask(0);
    umask(um);
    errno = 0;
    int bad = fchmod(fd, 0666 & ~um) != 0;
    bad = bad || write_all(fd, HEADER_OUT, strlen(HEADER_OUT));
    off_t *off = malloc(((size_t)nc + 1) * sizeof *off);
    bad = bad || !off;
    if (!bad) {
        off[0] = (off_t)strlen(HEADER_OUT);
        for (int i = 0; i < nc; i++)
            off[i + 1] = off[i] + (off_t)c[i].out_len;
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads) if (threads > 1) \
    reduction(| : bad)
        for (int i = 0; i < nc; i++)
            bad |= pwrite_all(fd, c[i].out, c[i].out_len, off[i]);
    }
    free(off);
    const int e = errno;
    if (close(fd) != 0)
        bad = 1;
    int e2 = 0;
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e2 = errno;
    }
    if (bad) {
        /* an --out that cannot be written is bad usage (exit 2), whatever
         * the stage that found it: mkstemp, a write, close or the rename */
        const int why = e2 ? e2 : e ? e : errno;
        unlink(tmp);
        free(tmp);
        if (why == ENOMEM)
            return cli_failure(CMD, "out of memory");
        return cli_usage_error(CMD, "--out '%s': %s", path, strerror(why ? why : EIO));
    }
    free(tmp);
    return CLI_OK;
}

/* Cuts the body into chunks of about CHUNK_BYTES, at line ends.  Returns
 * the count; *out is allocated. */
static int cut_chunks(const char *body, const char *end, chunk **out)
{
    const size_t size = (size_t)(end - body);
    const size_t n_max = size / CHUNK_BYTES + 2;
    chunk *c = calloc(n_max, sizeof *c);
    if (!c)
        return -1;
    int n = 0;
    const char *p = body;
    while (p < end) {
        const char *q = p + CHUNK_BYTES < end ? p + CHUNK_BYTES : end;
        if (q < end) {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            q = nl ? nl + 1 : end;
        }
        c[n].begin = p;
        c[n].end = q;
        n++;
        p = q;
    }
    *out = c;
    return n;
}

int cmd_propagate(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL;
    int threads = omp_get_num_procs(), stats = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--in")) {
            if (!(in_path = cli_value(CMD, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--out")) {
            if (!(out_path = cli_value(CMD, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (!v || cli_int(CMD, a, v, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strcmp(a, "--stats")) {
            stats = 1;
        } else {
            cli_usage_error(CMD, "unknown option '%s'", a);
            help(stderr);
            return CLI_USAGE;
        }
    }
    if (!in_path || !out_path)
        return cli_usage_error(CMD, "--in and --out are required (thirdsite propagate --help)");

    const double t_start = now();
    input in;
    int rc = read_input(in_path, &in);
    if (rc)
        return rc;
    const char *data = in.data, *end = in.data + in.size;
    const char *nl = memchr(data, '\n', in.size);
    const char *he = nl ? nl : end;
    const char *hl = (he > data && he[-1] == '\r') ? he - 1 : he;
    if ((size_t)(hl - data) != strlen(HEADER_IN) || memcmp(data, HEADER_IN, strlen(HEADER_IN))) {
        const int shown = (int)((hl - data) < 60 ? (hl - data) : 60);
        rc = cli_usage_error(CMD, "%s:1: bad header '%.*s%s', expected '" HEADER_IN "'",
                             in_path, shown, data, (hl - data) > 60 ? "..." : "");
        free_input(&in);
        return rc;
    }
    const char *body = nl ? nl + 1 : end;
    chunk *c = NULL;
    const int nc = cut_chunks(body, end, &c);
    if (nc < 0) {
        free_input(&in);
        return cli_failure(CMD, "out of memory");
    }
    const double t_read = now();

    ts_earth earth;
    ts_earth_init(&earth, TS_EARTH_WGS84, 1);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1)
    for (int i = 0; i < nc; i++) {
        c[i].thread = omp_get_thread_num();
        run_chunk(&earth, &c[i]);
    }
    const double t_comp = now();

    /* the first error in file order */
    int line0 = 1; /* lines before the chunk: the header */
    for (int i = 0; i < nc && rc == CLI_OK; i++) {
        if (c[i].err) {
            if (c[i].err_col > 0)
                rc = c[i].err == CLI_USAGE
                         ? cli_usage_error(CMD, "%s:%d:%d: %s", in_path,
                                           line0 + c[i].err_line, c[i].err_col, c[i].msg)
                         : cli_failure(CMD, "%s:%d:%d: %s", in_path, line0 + c[i].err_line,
                                       c[i].err_col, c[i].msg);
            else
                rc = c[i].err == CLI_USAGE
                         ? cli_usage_error(CMD, "%s:%d: %s", in_path, line0 + c[i].err_line,
                                           c[i].msg)
                         : cli_failure(CMD, "%s:%d: %s", in_path, line0 + c[i].err_line,
                                       c[i].msg);
        }
        line0 += c[i].n_lines;
    }
    if (rc == CLI_OK)
        rc = write_output(out_path, c, nc, threads);
    const double t_end = now();

    if (stats && rc == CLI_OK) {
        ts_prop_stats s = {0, 0, 0, 0};
        double tp = 0, tq = 0, tf = 0, tp_thread[64] = {0}, tp_max = 0;
        for (int i = 0; i < nc; i++) {
            s.n_traj += c[i].stats.n_traj;
            s.n_steps += c[i].stats.n_steps;
            s.n_reject += c[i].stats.n_reject;
            s.n_fev += c[i].stats.n_fev;
            tq += c[i].t_parse;
            tp += c[i].t_prop;
            tf += c[i].t_format;
            tp_thread[c[i].thread % 64] += c[i].t_prop;
        }
        for (int i = 0; i < 64; i++)
            tp_max = tp_thread[i] > tp_max ? tp_thread[i] : tp_max;
        const double nt = s.n_traj > 0 ? (double)s.n_traj : 1.0;
        fprintf(stderr,
                "thirdsite propagate: %ld states, per state %.2f steps (%.3f rejected), "
                "%.1f evaluations\n"
                "thirdsite propagate: wall: read %.4f s, parse+propagate+format %.4f s on %d "
                "thread%s, write %.4f s, total %.4f s\n"
                "thirdsite propagate: summed over threads: parse %.4f s, propagate %.4f s, "
                "format %.4f s\n"
                "thirdsite propagate: propagation alone: %.3g states/s (states / the busiest "
                "thread's propagation time)\n",
                s.n_traj, (double)s.n_steps / nt, (double)s.n_reject / nt,
                (double)s.n_fev / nt, t_read - t_start, t_comp - t_read, threads,
                threads > 1 ? "s" : "", t_end - t_comp, t_end - t_start, tq, tp, tf,
                tp_max > 0 ? (double)s.n_traj / tp_max : 0.0);
    }
    for (int i = 0; i < nc; i++)
        free(c[i].out);
    free(c);
    free_input(&in);
    return rc;
}
