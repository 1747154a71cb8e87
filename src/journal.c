/*
 * The journal of a sweep's finished cases (docs/study-format.md,
 * "Crash safety"): an append-only file, one checksummed record per case,
 * so that `sweep --resume` after a crash or kill -9 redoes only what was
 * not finished.
 *
 *   header  "TSJH" | version u32 | fingerprint u32 | CRC-32 u32      16 bytes
 *   record  "TSJR" | case u64 | length u32 | payload | CRC-32 u32
 *
 * integers little-endian; each CRC-32 (ISO-HDLC, zlib's crc32) covers the
 * bytes of its header or record before it.  A record is written with one
 * write(2) on an O_APPEND descriptor (reads use pread); fdatasync(2) follows every
 * `every_records` records or `every_s` seconds, so a power loss costs at
 * most that much work.  A kill -9 can leave a torn last record (a short
 * write) and a power loss garbage after the last synced one: reading stops
 * at the first record whose magic, length or CRC is wrong, and the file is
 * cut there.  Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define J_VERSION 1u
#define J_HEAD 16
#define J_REC_FIXED 20 /* magic, case, length, CRC */
#define J_MAX_PAYLOAD (64u << 20)

uint32_t ts_crc32(uint32_t crc, const void *p, size_t len)
{
    return (uint32_t)crc32((uLong)crc, (const Bytef *)p, (uInt)len);
}

static void put32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static void put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get64(const unsigned char *b)
{
    return (uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        const ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_header(ts_journal *j)
{
    unsigned char h[J_HEAD];
    memcpy(h, "TSJH", 4);
    put32(h + 4, J_VERSION);
    put32(h + 8, j->fingerprint);
    put32(h + 12, ts_crc32(0, h, 12));
    return write_all(j->fd, h, sizeof h);
}

/* Reads the records; returns the offset of the end of the last intact one
 * (J_HEAD at least), or -1 (a header of another study: TS_EINVAL), -2 (I/O). */
static long read_records(ts_ctx *ctx, ts_journal *j,
                         int (*on_record)(void *, long, const unsigned char *, size_t),
                         void *arg, int *cb_status)
{
    struct stat sb;
    if (fstat(j->fd, &sb))
        return -2;
    const size_t size = (size_t)sb.st_size;
    if (size < J_HEAD)
        return 0; /* no header (torn at its birth): a new journal */
    unsigned char *buf = malloc(size);
    if (!buf)
        return -3;
    size_t got = 0;
    while (got < size) {
        const ssize_t r = pread(j->fd, buf + got, size - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(buf);
            return -2;
        }
        got += (size_t)r;
    }
    if (memcmp(buf, "TSJH", 4) || get32(buf + 12) != ts_crc32(0, buf, 12) ||
        get32(buf + 4) != J_VERSION) {
        free(buf);
        ts_error(ctx, TS_EINVAL, "%s: not a sweep journal of this version", j->path);
        return -1;
    }
    if (get32(buf + 8) != j->fingerprint) {
        free(buf);
        ts_error(ctx, TS_EINVAL, "%s: the journal is of another study (the study, its "
                 "scenario or thirdsite changed since it was written): run without --resume "
                 "to start afresh", j->path);
        return -1;
    }
    size_t at = J_HEAD;
    *cb_status = 0;
    while (at + J_REC_FIXED <= size) {
        const unsigned char *r = buf + at;
        if (memcmp(r, "TSJR", 4))
            break;
        const uint32_t len = get32(r + 12);
        if (len > J_MAX_PAYLOAD || at + J_REC_FIXED + len > size)
            break;
        if (get32(r + 16 + len) != ts_crc32(0, r, 16 + (size_t)len))
            break;
        const uint64_t c = get64(r + 4);
        if (c > (uint64_t)1 << 40)
            break;
        if (on_record && (*cb_status = on_record(arg, (long)c, r + 16, len)) != 0)
            break;
        at += J_REC_FIXED + len;
    }
    free(buf);
    return (long)at;
}

int ts_journal_open(ts_ctx *ctx, ts_journal *j, const char *path, uint32_t fingerprint,
                    int resume,
                    int (*on_record)(void *arg, long c, const unsigned char *p, size_t len),
                    void *arg, long *n_torn)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    j->fingerprint = fingerprint;
    j->every_records = 8;
    j->every_s = 2.0;
    if (n_torn)
        *n_torn = 0;
    snprintf(j->path, sizeof j->path, "%s", path);
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (j->fd < 0)
        return ts_error(ctx, TS_EIO, "%s: %s", path, strerror(errno));
    if (flock(j->fd, LOCK_EX | LOCK_NB)) {
        const int e = errno;
        close(j->fd);
        j->fd = -1;
        return ts_error(ctx, e == EWOULDBLOCK ? TS_EOUTDIR : TS_EIO, "%s: %s", path,
                        e == EWOULDBLOCK ? "another sweep into this folder is running"
                                         : strerror(e));
    }
    long end = 0;
    if (resume) {
        int cb = 0;
        end = read_records(ctx, j, on_record, arg, &cb);
        if (end < 0 || cb) {
            const int st = end == -1 ? TS_EINVAL : end == -3 || cb == TS_ENOMEM ? TS_ENOMEM : TS_EIO;
            if (end == -2)
                ts_error(ctx, TS_EIO, "%s: %s", path, strerror(errno));
            else if (end == -3 || cb == TS_ENOMEM)
                ts_error(ctx, TS_ENOMEM, "out of memory");
            else if (cb)
                ts_error(ctx, TS_EIO, "%s: a record does not fit the study", path);
            ts_journal_close(j);
            return st;
        }
        struct stat sb;
        if (!fstat(j->fd, &sb) && n_torn && end > 0)
            *n_torn = (long)sb.st_size - end;
    }
    if (end == 0) {
        if (ftruncate(j->fd, 0) || write_header(j) || fdatasync(j->fd)) {
            const int e = errno;
            ts_journal_close(j);
            return ts_error(ctx, TS_EIO, "%s: %s", path, strerror(e));
        }
    } else if (ftruncate(j->fd, (off_t)end) || fdatasync(j->fd)) {
        const int e = errno;
        ts_journal_close(j);
        return ts_error(ctx, TS_EIO, "%s: %s", path, strerror(e));
    }
    j->last_sync_s = mono_s();
    return TS_OK;
}

int ts_journal_append(ts_ctx *ctx, ts_journal *j, long c, const unsigned char *p, size_t len)
{
    unsigned char *r = malloc(J_REC_FIXED + len);
    if (!r)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    memcpy(r, "TSJR", 4);
    put64(r + 4, (uint64_t)c);
    put32(r + 12, (uint32_t)len);
    if (len)
        memcpy(r + 16, p, len);
    put32(r + 16 + len, ts_crc32(0, r, 16 + len));
    const int bad = write_all(j->fd, r, J_REC_FIXED + len);
    free(r);
    if (bad)
        return ts_error(ctx, TS_EIO, "%s: %s", j->path, strerror(errno));
    j->pending++;
    if (j->pending >= j->every_records || mono_s() - j->last_sync_s >= j->every_s)
        return ts_journal_sync(ctx, j);
    return TS_OK;
}

int ts_journal_sync(ts_ctx *ctx, ts_journal *j)
{
    if (j->fd < 0 || !j->pending)
        return TS_OK;
    if (fdatasync(j->fd) && errno != EINVAL)
        return ts_error(ctx, TS_EIO, "%s: %s", j->path, strerror(errno));
    j->pending = 0;
    j->last_sync_s = mono_s();
    return TS_OK;
}

void ts_journal_close(ts_journal *j)
{
    if (j->fd >= 0) {
        if (j->pending)
            fdatasync(j->fd);
        close(j->fd);
    }
    j->fd = -1;
}
