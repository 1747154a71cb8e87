/*
 * LD_PRELOAD shim for the run-folder tests (tests/cli/runfolder_checks.py):
 * fakes a filesystem without an atomic exchange, injects a failure of the
 * rename that puts a run into place, and logs fsync and rename calls.
 *   TS_SHIM_NO_EXCHANGE=1   renameat2(RENAME_EXCHANGE) fails with EINVAL
 *                           (as on some FUSE, sshfs, CIFS and NFS mounts)
 *   TS_SHIM_FAIL_INTO=PATH  rename(TMP, PATH) fails with EIO when TMP is a
 *                           run's temporary folder (".tmp-", not ".old")
 *   TS_SHIM_LOG=FILE        appends "fsync PATH" and "rename FROM TO" lines
 * Test code only: never linked into thirdsite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rename(const char *from, const char *to);
int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags);
int fsync(int fd);

static void log_line(const char *what, const char *a, const char *b)
{
    const char *p = getenv("TS_SHIM_LOG");
    if (!p)
        return;
    FILE *f = fopen(p, "a");
    if (!f)
        return;
    fprintf(f, "%s %s%s%s\n", what, a, b ? " " : "", b ? b : "");
    fclose(f);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    const char *fail = getenv("TS_SHIM_FAIL_INTO");
    const size_t lf = strlen(from);
    if (fail && !strcmp(fail, to) && strstr(from, ".tmp-") &&
        !(lf > 4 && !strcmp(from + lf - 4, ".old"))) {
        log_line("rename-failed", from, to);
        errno = EIO;
        return -1;
    }
    log_line("rename", from, to);
    return real(from, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real)
        real = (int (*)(int, const char *, int, const char *, unsigned))dlsym(RTLD_NEXT,
                                                                              "renameat2");
    if (getenv("TS_SHIM_NO_EXCHANGE") && (flags & RENAME_EXCHANGE)) {
        errno = EINVAL;
        return -1;
    }
    log_line("rename", from, to);
    return real(fd1, from, fd2, to, flags);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    log_line("fsync", path, NULL);
    return real(fd);
}
