/*
 * A sweep across processes with MPI (Open MPI; docs/scale.md): built only
 * when CMake finds MPI (TS_HAVE_MPI); otherwise every function below is
 * the one-process answer and `mpirun` simply runs independent copies.
 *
 * Dynamic work distribution: rank 0 keeps the queue of cases.  Each other
 * rank asks for as many cases as it has threads, computes them (OpenMP
 * inside the rank), and sends the records back with its next request;
 * rank 0 journals every record at its case's index, hands out the next
 * cases, and answers "none" (an empty list) when the queue is empty or the
 * sweep failed.  Rank 0's own threads compute cases from the same queue
 * while its main thread serves the requests (MPI_THREAD_FUNNELED: only
 * that thread calls MPI).  Waits are non-blocking calls polled with a
 * short sleep, so a rank waiting for others does not spin on a core the
 * others need (Open MPI's blocking calls busy-poll).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#ifdef TS_HAVE_MPI
#include <mpi.h>
#include <stdio.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <time.h>

#define TAG_REQ 11  /* worker -> rank 0: records, failures, how many more */
#define TAG_WORK 12 /* rank 0 -> worker: case indices (none: stop) */

static int mpi_on, mpi_rank, mpi_size;

static void nap(void)
{
    const struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
}

static void wait_req(MPI_Request *rq)
{
    for (int flag = 0;;) {
        MPI_Test(rq, &flag, MPI_STATUS_IGNORE);
        if (flag)
            return;
        nap();
    }
}

int ts_sweep_mpi_begin(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    /* only under a launcher: a plain run makes no MPI singleton */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK"))
        return 0;
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        int provided = 0;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return -1;
        mpi_on = 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    *rank = mpi_rank;
    *size = mpi_size;
    return 0;
}

void ts_sweep_mpi_end(void)
{
    if (!mpi_on)
        return;
    /* rank 0 writes the folder while the others wait here, asleep */
    MPI_Request rq;
    MPI_Ibarrier(MPI_COMM_WORLD, &rq);
    wait_req(&rq);
    MPI_Finalize();
    mpi_on = 0;
}

int ts_sweep_mpi_bcast(void *buf, long len)
{
    if (!mpi_on || mpi_size < 2 || len <= 0)
        return 0;
    MPI_Request rq;
    MPI_Ibcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &rq);
    wait_req(&rq);
    return 0;
}

/* A request: [i64 want][i64 n][i64 fail_case][i64 fail_status][char msg[512]]
 * then n x ([i64 case][record]). */
#define REQ_HEAD (4 * 8 + 512)

static void put_i64(unsigned char *b, long long v) { memcpy(b, &v, 8); }
static long long get_i64(const unsigned char *b)
{
    long long v;
    memcpy(&v, b, 8);
    return v;
}

static void serve(ts_sweep_run *run, int *active)
{
    const size_t rl = ts_sweep_record_len(run);
    unsigned char *buf = NULL;
    long long *work = NULL;
    while (*active > 0) {
        int flag = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQ, MPI_COMM_WORLD, &flag, &status);
        if (!flag) {
            nap();
            continue;
        }
        int len = 0;
        MPI_Get_count(&status, MPI_BYTE, &len);
        unsigned char *nb = realloc(buf, (size_t)len + 1);
        if (!nb) {
            ts_sweep_fail(run, -1, TS_ENOMEM, "out of memory");
            break;
        }
        buf = nb;
        MPI_Recv(buf, len, MPI_BYTE, status.MPI_SOURCE, TAG_REQ, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        const long long want = get_i64(buf), n = get_i64(buf + 8);
        const long long fc = get_i64(buf + 16), fs = get_i64(buf + 24);
        if (fs) {
            char m[513];
            memcpy(m, buf + 32, 512);
            m[512] = '\0';
            ts_sweep_fail(run, (long)fc, (int)fs, m);
        }
        for (long long i = 0; i < n && (size_t)len >= REQ_HEAD + (size_t)(i + 1) * (8 + rl); i++) {
            const unsigned char *r = buf + REQ_HEAD + (size_t)i * (8 + rl);
            ts_sweep_store(run, (long)get_i64(r), r + 8);
        }
        long long *nw = realloc(work, (size_t)(want > 0 ? want : 1) * 8 + 8);
        if (!nw) {
            ts_sweep_fail(run, -1, TS_ENOMEM, "out of memory");
            break;
        }
        work = nw;
        long long k = 0;
        for (long c; k < want && (c = ts_sweep_next(run)) >= 0;)
            work[k++] = c;
        MPI_Send(work, (int)k, MPI_LONG_LONG, status.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
        if (!k)
            (*active)--;
    }
    free(buf);
    free(work);
}

int ts_sweep_mpi_master(ts_sweep_run *run)
{
    int active = mpi_size - 1;
    const int threads = ts_sweep_threads(run);
#pragma omp parallel num_threads(threads + 1)
    {
#ifdef _OPENMP
        const int me = omp_get_thread_num();
#else
        const int me = 0;
#endif
        if (me == 0) {
            serve(run, &active);
        } else {
            ts_ctx *tctx = ts_ctx_create();
            unsigned char *rec = malloc(ts_sweep_record_len(run) + 1);
            if (!tctx || !rec) {
                ts_sweep_fail(run, -1, TS_ENOMEM, "out of memory");
            } else {
                for (long c; (c = ts_sweep_next(run)) >= 0;) {
                    const int st = ts_sweep_case(run, tctx, c, rec, 1);
                    if (st < 0)
                        ts_sweep_fail(run, c, st, ts_ctx_message(tctx));
                    else
                        ts_sweep_store(run, c, rec);
                }
            }
            free(rec);
            ts_ctx_free(tctx);
        }
    }
    return TS_OK;
}

int ts_sweep_mpi_worker(ts_sweep_run *run)
{
    const int threads = ts_sweep_threads(run);
    const size_t rl = ts_sweep_record_len(run);
    unsigned char *msg = calloc(REQ_HEAD + (size_t)threads * (8 + rl), 1);
    long long *work = calloc((size_t)threads + 1, 8);
    int *status = calloc((size_t)threads + 1, sizeof *status);
    char (*fmsg)[512] = calloc((size_t)threads + 1, sizeof *fmsg);
    if (!msg || !work || !status || !fmsg) {
        free(msg), free(work), free(status), free(fmsg);
        return TS_ENOMEM; /* rank 0 then waits for this rank: mpirun reports it */
    }
    long long n = 0, fc = -1, fs = 0;
    char fm[512] = "";
    for (;;) {
        put_i64(msg, threads);
        put_i64(msg + 8, n);
        put_i64(msg + 16, fc);
        put_i64(msg + 24, fs);
        memcpy(msg + 32, fm, 512);
        MPI_Request rq;
        MPI_Isend(msg, (int)(REQ_HEAD + (size_t)n * (8 + rl)), MPI_BYTE, 0, TAG_REQ,
                  MPI_COMM_WORLD, &rq);
        wait_req(&rq);
        MPI_Status st;
        int flag = 0;
        while (!flag) {
            MPI_Iprobe(0, TAG_WORK, MPI_COMM_WORLD, &flag, &st);
            if (!flag)
                nap();
        }
        int k = 0;
        MPI_Get_count(&st, MPI_LONG_LONG, &k);
        MPI_Recv(work, k, MPI_LONG_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (k == 0)
            break;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int i = 0; i < k; i++) {
            ts_ctx *tctx = ts_ctx_create();
            unsigned char *r = msg + REQ_HEAD + (size_t)i * (8 + rl);
            put_i64(r, work[i]);
            status[i] = tctx ? ts_sweep_case(run, tctx, (long)work[i], r + 8, 1) : TS_ENOMEM;
            snprintf(fmsg[i], sizeof fmsg[i], "%s", tctx ? ts_ctx_message(tctx) : "out of memory");
            ts_ctx_free(tctx);
        }
        /* the records that succeeded, packed; the lowest failure reported */
        n = 0;
        fc = -1;
        fs = 0;
        for (int i = 0; i < k; i++) {
            if (status[i] < 0) {
                if (!fs || work[i] < fc) {
                    fc = work[i];
                    fs = status[i];
                    memcpy(fm, fmsg[i], 512);
                }
                continue;
            }
            if (n != i)
                memmove(msg + REQ_HEAD + (size_t)n * (8 + rl), msg + REQ_HEAD + (size_t)i * (8 + rl),
                        8 + rl);
            n++;
        }
    }
    free(msg), free(work), free(status), free(fmsg);
    return TS_OK;
}

#else /* without MPI: one process */

int ts_sweep_mpi_begin(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    return 0;
}
void ts_sweep_mpi_end(void) {}
int ts_sweep_mpi_bcast(void *buf, long len)
{
    (void)buf;
    (void)len;
    return 0;
}
int ts_sweep_mpi_master(ts_sweep_run *run)
{
    (void)run;
    return TS_EINVAL;
}
int ts_sweep_mpi_worker(ts_sweep_run *run)
{
    (void)run;
    return TS_EINVAL;
}

#endif
