/*
 * The run folder: a run never loses a user's files, and a finished run
 * survives a crash or a power loss (runfolder.h; docs/run-folder.md).
 *
 * Rules:
 * - A run replaces only a folder a run wrote: one holding the marker
 *   TS_RUN_MARKER, whose manifest lists every file (with its size) and
 *   folder that run wrote, and nothing else.  A file the manifest does not
 *   list, or whose size has changed, is the user's: the run is refused
 *   (TS_EOUTDIR, exit 2) naming it.  An empty folder may be replaced.
 * - The run is written to .NAME.tmp-XXXXXX beside the target, locked with
 *   flock(2) for the life of the process; every file and folder is fsync'ed
 *   before the rename (so "renamed into place when complete" holds after a
 *   power loss: rename(2) orders nothing by itself), the parent after it.
 * - Into place: renameat2(RENAME_EXCHANGE) (Linux 3.15) where the
 *   filesystem has it; else rename(out, .old) then rename(tmp, out), and
 *   when the second fails the first is undone.
 * - The earlier run is removed by its manifest: listed files and folders
 *   only, never anything else.
 * - A temporary folder whose lock is free belongs to a dead process (the
 *   kernel drops flock locks when a process ends, kill -9 included): the
 *   next run into the same parent removes it.  Taking the parent's lock
 *   around "make the temporary folder and lock it" and around the clean-up
 *   keeps a live run's new folder from being taken for a dead one's.  Where
 *   the filesystem has no flock, nothing is removed.
 * - -o through a symbolic link: the link's target is the run folder (the
 *   link stays a link).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE, nftw */
#include "runfolder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_HEAD "thirdsite run folder 1\n"
#define SHOW_MAX 5 /* foreign files named in a refusal */

/* ---- the manifest ------------------------------------------------------ */

typedef struct {
    char *rel;     /* path relative to the folder, escaped as in the file */
    char type;     /* 'f' file, 'd' folder */
    long long size;
} entry;

typedef struct {
    entry *e;
    int n, cap;
} entries;

static void entries_free(entries *es)
{
    for (int i = 0; i < es->n; i++)
        free(es->e[i].rel);
    free(es->e);
    memset(es, 0, sizeof *es);
}

static int entries_add(entries *es, const char *rel, char type, long long size)
{
    if (es->n == es->cap) {
        const int cap = es->cap ? 2 * es->cap : 64;
        entry *e = realloc(es->e, (size_t)cap * sizeof *e);
        if (!e)
            return -1;
        es->e = e;
        es->cap = cap;
    }
    /* escape the bytes that would break the line format: %XX */
    char *r = malloc(3 * strlen(rel) + 1), *o = r;
    if (!r)
        return -1;
    for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
        if (*p < 0x20 || *p == '%' || *p == 0x7F)
            o += sprintf(o, "%%%02X", *p);
        else
            *o++ = (char)*p;
    }
    *o = '\0';
    es->e[es->n].rel = r;
    es->e[es->n].type = type;
    es->e[es->n].size = size;
    es->n++;
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

/* Reads the manifest of dir into *es (sorted).  Returns 1 when dir has a
 * well-formed marker, 0 when it has none (or one that is not ours), -1 out
 * of memory. */
static int manifest_read(const char *dir, entries *es)
{
    memset(es, 0, sizeof *es);
    char p[4400];
    snprintf(p, sizeof p, "%s/" TS_RUN_MARKER, dir);
    const int fd = open(p, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return 0;
    }
    char line[4400];
    int ok = fgets(line, sizeof line, f) && !strcmp(line, MANIFEST_HEAD);
    while (ok && fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        if (l == 0 || line[l - 1] != '\n') {
            ok = 0;
            break;
        }
        line[--l] = '\0';
        if (line[0] == '#' || l == 0)
            continue;
        long long size = 0;
        int off = 0;
        if (line[0] == 'd' && line[1] == ' ' && line[2]) {
            if (entries_add(es, line + 2, 'd', 0)) {
                fclose(f);
                entries_free(es);
                return -1;
            }
        } else if (line[0] == 'f' && sscanf(line, "f %lld %n", &size, &off) == 1 && off > 0 &&
                   line[off]) {
            if (entries_add(es, "", 'f', size)) {
                fclose(f);
                entries_free(es);
                return -1;
            }
            /* the stored path is already escaped: keep it as it is */
            free(es->e[es->n - 1].rel);
            if (!(es->e[es->n - 1].rel = strdup(line + off))) {
                es->n--;
                fclose(f);
                entries_free(es);
                return -1;
            }
        } else {
            ok = 0;
        }
    }
    fclose(f);
    if (!ok) {
        entries_free(es);
        return 0;
    }
    qsort(es->e, (size_t)es->n, sizeof *es->e, entry_cmp);
    return 1;
}

/* ---- walking a folder --------------------------------------------------- */

/* Adds every entry below dirfd (path prefix rel, "" at the top; the marker
 * at the top left out) to *es; with sync, fsyncs each file, and each folder
 * after its content.  Returns 0 or an errno value.  Symbolic links are not
 * followed (type '?'). */
static int walk_dir(int dirfd, const char *rel, entries *es, int sync, int depth)
{
    if (depth > 64)
        return ELOOP;
    DIR *d = fdopendir(dirfd);
    if (!d) {
        const int e = errno;
        close(dirfd);
        return e;
    }
    int fail = 0;
    for (struct dirent *de; !fail && (errno = 0, de = readdir(d));) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || (!rel[0] && !strcmp(n, TS_RUN_MARKER)))
            continue;
        char sub[4400];
        if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", n) >= sizeof sub) {
            fail = ENAMETOOLONG;
            break;
        }
        struct stat sb;
        if (fstatat(dirfd, n, &sb, AT_SYMLINK_NOFOLLOW)) {
            fail = errno;
            break;
        }
        const char type = S_ISDIR(sb.st_mode) ? 'd' : S_ISREG(sb.st_mode) ? 'f' : '?';
        if (type == 'd') {
            const int fd = openat(dirfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (fd < 0) {
                fail = errno;
                break;
            }
            const int sfd = sync ? dup(fd) : -1;
            fail = walk_dir(fd, sub, es, sync, depth + 1); /* closes fd */
            if (!fail && sync && (sfd < 0 || fsync(sfd)))
                fail = errno ? errno : EIO;
            if (sfd >= 0)
                close(sfd);
        } else if (type == 'f' && sync) {
            const int fd = openat(dirfd, n, O_RDONLY | O_NOFOLLOW);
            if (fd < 0 || fsync(fd))
                fail = errno ? errno : EIO;
            if (fd >= 0)
                close(fd);
        }
        if (!fail && entries_add(es, sub, type, type == 'f' ? (long long)sb.st_size : 0))
            fail = ENOMEM;
    }
    if (!fail && errno)
        fail = errno;
    closedir(d);
    return fail;
}

/* Every entry below dir (the marker left out) into *es, sorted; with sync,
 * each fsync'ed.  Returns 0 or an errno value. */
static int walk_tree(const char *dir, entries *es, int sync)
{
    memset(es, 0, sizeof *es);
    const int fd = open(dir, O_RDONLY | O_DIRECTORY);
    int fail = fd < 0 ? errno : walk_dir(fd, "", es, sync, 0);
    if (fail)
        entries_free(es);
    else
        qsort(es->e, (size_t)es->n, sizeof *es->e, entry_cmp);
    return fail;
}

/* ---- may a folder be replaced? ----------------------------------------- */

/* TS_OK when dir may be replaced: empty, or a run folder holding only what
 * its manifest lists.  Else TS_EOUTDIR naming what is not the run's. */
static int check_replaceable(ts_ctx *ctx, const char *dir)
{
    entries have, listed;
    char p[4400];
    snprintf(p, sizeof p, "%s/" TS_RUN_MARKER, dir);
    struct stat sb;
    if (lstat(p, &sb) != 0) {
        /* no marker: replaceable only when empty (never walk a user's tree) */
        DIR *d = opendir(dir);
        if (!d)
            return ts_error(ctx, TS_EIO, "%s: %s", dir, strerror(errno));
        int empty = 1;
        for (struct dirent *de; empty && (de = readdir(d));)
            empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
        closedir(d);
        if (empty)
            return TS_OK;
        return ts_error(ctx, TS_EOUTDIR,
                        "%s exists and is not a thirdsite run folder (no " TS_RUN_MARKER
                        " manifest): refusing to replace it; choose another -o, or move "
                        "its files away",
                        dir);
    }
    int e = walk_tree(dir, &have, 0);
    if (e)
        return ts_error(ctx, e == ENOMEM ? TS_ENOMEM : TS_EIO, "%s: %s", dir, strerror(e));
    const int m = manifest_read(dir, &listed);
    if (m < 0) {
        entries_free(&have);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    if (m == 0) {
        entries_free(&have);
        return ts_error(ctx, TS_EOUTDIR,
                        "%s exists and its " TS_RUN_MARKER " is not a thirdsite manifest: "
                        "refusing to replace it; choose another -o, or move its files away",
                        dir);
    }
    char names[1024] = "";
    int n_foreign = 0;
    for (int i = 0; i < have.n; i++) {
        const entry *h = &have.e[i];
        const entry *l = bsearch(h, listed.e, (size_t)listed.n, sizeof *listed.e, entry_cmp);
        if (l && l->type == h->type && (h->type == 'd' || l->size == h->size))
            continue;
        if (n_foreign < SHOW_MAX) {
            const size_t u = strlen(names);
            snprintf(names + u, sizeof names - u, "%s%s%s", u ? ", " : "", h->rel,
                     l && h->type == 'f' && l->type == 'f' ? " (changed since the run)" : "");
        }
        n_foreign++;
    }
    entries_free(&have);
    entries_free(&listed);
    if (n_foreign == 0)
        return TS_OK;
    char more[64] = "";
    if (n_foreign > SHOW_MAX)
        snprintf(more, sizeof more, " and %d more", n_foreign - SHOW_MAX);
    return ts_error(ctx, TS_EOUTDIR,
                    "%s holds files that are not this run's to replace: %s%s; refusing to "
                    "replace it (move them away, or choose another -o)",
                    dir, names, more);
}

/* ---- removal ------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* rm -rf of a temporary folder no one else wrote into (symlinks not
 * followed). */
static void remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Removes a finished run folder by its manifest: the files it lists (when
 * they are still the size it gives), then the folders it lists when they
 * are empty, then the marker and the folder when nothing else is left.
 * Without a manifest it removes nothing. */
static void remove_run(const char *dir)
{
    entries listed;
    if (manifest_read(dir, &listed) != 1)
        return;
    char p[8600];
    /* deepest first: reverse sorted order puts "a/b" before "a" */
    for (int i = listed.n - 1; i >= 0; i--) {
        const entry *l = &listed.e[i];
        if (strchr(l->rel, '%'))
            continue; /* escaped names: not written by this version */
        snprintf(p, sizeof p, "%s/%s", dir, l->rel);
        struct stat sb;
        if (lstat(p, &sb))
            continue;
        if (l->type == 'f' && S_ISREG(sb.st_mode) && (long long)sb.st_size == l->size)
            unlink(p);
        else if (l->type == 'd' && S_ISDIR(sb.st_mode))
            rmdir(p);
    }
    entries_free(&listed);
    DIR *d = opendir(dir);
    int others = 0;
    if (d) {
        for (struct dirent *e; (e = readdir(d));)
            others += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
                      strcmp(e->d_name, TS_RUN_MARKER);
        closedir(d);
    }
    if (d && !others) {
        snprintf(p, sizeof p, "%s/" TS_RUN_MARKER, dir);
        unlink(p);
        rmdir(dir);
    }
}

/* ---- helpers -------------------------------------------------------------- */

/* Removes the (empty) parent folders of dir up to and including made. */
static void remove_parents(const char *dir, const char *made)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    const size_t lm = strlen(made);
    for (char *slash; (slash = strrchr(p, '/')) && slash > p;) {
        *slash = '\0';
        if (strlen(p) < lm)
            break;
        rmdir(p);
    }
}

/* mkdir -p of dir's parent; made receives the first folder created. */
static int make_parents(ts_ctx *ctx, const char *dir, char *made, size_t size)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    made[0] = '\0';
    char *slash = strrchr(p, '/');
    if (!slash || slash == p)
        return TS_OK;
    *slash = '\0';
    for (char *q = p + 1;; q++) {
        const int end = *q == '\0';
        if (*q == '/' || end) {
            const char c = *q;
            *q = '\0';
            if (mkdir(p, 0777) == 0) {
                if (!made[0])
                    snprintf(made, size, "%s", p);
            } else if (errno != EEXIST) {
                return ts_error(ctx, TS_EIO, "%s: %s", p, strerror(errno));
            }
            *q = c;
        }
        if (end)
            break;
    }
    return TS_OK;
}

/* The process's file mode creation mask: /proc/self/status "Umask:"
 * (proc(5), Linux 4.7) reads it without changing it; else the POSIX
 * umask() set-and-restore. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        unsigned mask;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "Umask: %o", &mask) == 1) {
                fclose(f);
                return (mode_t)(mask & 0777u);
            }
        }
        fclose(f);
    }
    const mode_t m = umask(077);
    umask(m);
    return m;
}

/* The parent folder of path ("." when it has none) into buf. */
static void parent_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == path)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

static void fsync_dir(const char *dir)
{
    const int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Removes the temporary folders of dead runs into out: .NAME.tmp-XXXXXX
 * (and the .old of the two-rename fallback) whose lock is free.  A dead
 * run's .old is the earlier run itself when out is missing (killed
 * between the two renames): put back rather than removed. */
static void remove_stale(const char *parent, const char *name, const char *out)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, ".%s.tmp-", name);
    const size_t pl = strlen(prefix);
    DIR *d = opendir(parent);
    if (!d)
        return;
    char p[8600];
    for (struct dirent *e; (e = readdir(d));) {
        const char *n = e->d_name;
        if (strncmp(n, prefix, pl) || strlen(n + pl) < 6 ||
            (n[pl + 6] && strcmp(n + pl + 6, ".old")))
            continue;
        snprintf(p, sizeof p, "%s/%s", parent, n);
        const int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) { /* free: its run is dead */
            struct stat sb;
            char m[8700];
            snprintf(m, sizeof m, "%s/" TS_RUN_MARKER, p);
            const int finished = lstat(m, &sb) == 0;
            if (finished && n[pl + 6] && lstat(out, &sb) != 0 && errno == ENOENT &&
                rename(p, out) == 0)
                ; /* the earlier run, back in its place */
            else if (finished)
                remove_run(p);
            else
                remove_tree(p); /* a run that never finished: all of it ours */
        }
        close(fd);
    }
    closedir(d);
}

/* ---- the API ---------------------------------------------------------------- */

int ts_runfolder_begin(ts_ctx *ctx, const char *out_dir, ts_runfolder *rf)
{
    memset(rf, 0, sizeof *rf);
    rf->tmp_fd = -1;
    snprintf(rf->out, sizeof rf->out, "%s", out_dir);
    size_t ol = strlen(rf->out);
    while (ol > 1 && rf->out[ol - 1] == '/')
        rf->out[--ol] = '\0';
    if (ol > 3800 || strlen(out_dir) >= sizeof rf->out)
        return ts_error(ctx, TS_EOUTDIR, "%.64s...: output folder name too long", out_dir);
    struct stat sb;
    if (lstat(rf->out, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        /* -o through a link: the run goes where the link points */
        char real[PATH_MAX];
        if (!realpath(rf->out, real))
            return ts_error(ctx, TS_EOUTDIR,
                            "%s is a symbolic link to a folder that does not exist (%s)",
                            rf->out, strerror(errno));
        if (strlen(real) > 3800)
            return ts_error(ctx, TS_EOUTDIR, "%.64s...: output folder name too long", real);
        snprintf(rf->out, sizeof rf->out, "%s", real);
    }
    if (stat(rf->out, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return ts_error(ctx, TS_EOUTDIR, "%s exists and is not a folder", rf->out);
        const int st = check_replaceable(ctx, rf->out);
        if (st)
            return st;
    }
    int st = make_parents(ctx, rf->out, rf->made, sizeof rf->made);
    if (st) {
        ts_runfolder_abort(rf);
        return st;
    }

    char parent[4096];
    parent_of(rf->out, parent, sizeof parent);
    const char *slash = strrchr(rf->out, '/');
    const char *name = slash ? slash + 1 : rf->out;
    /* out is at most 3800 bytes (checked above), a name at most NAME_MAX */
    if (slash)
        snprintf(rf->tmp, sizeof rf->tmp, "%.3800s/.%.255s.tmp-XXXXXX", parent, name);
    else
        snprintf(rf->tmp, sizeof rf->tmp, ".%.255s.tmp-XXXXXX", name);

    /* the parent's lock: the clean-up never sees a folder made but not yet
     * locked (where flock is missing: no clean-up at all) */
    const int pfd = open(parent, O_RDONLY | O_DIRECTORY);
    int locked = pfd >= 0 && flock(pfd, LOCK_EX) == 0;
    if (locked)
        remove_stale(parent, name, rf->out);
    if (!mkdtemp(rf->tmp)) {
        st = ts_error(ctx, TS_EIO, "%s: %s", rf->tmp, strerror(errno));
        rf->tmp[0] = '\0';
    } else {
        rf->tmp_fd = open(rf->tmp, O_RDONLY | O_DIRECTORY);
        if (rf->tmp_fd >= 0 && flock(rf->tmp_fd, LOCK_EX | LOCK_NB) != 0 && locked)
            locked = 0; /* unexpected; harmless: nothing else is removed */
    }
    if (pfd >= 0)
        close(pfd); /* drops the parent's lock */
    if (st) {
        ts_runfolder_abort(rf);
        return st;
    }
    return TS_OK;
}

/* Writes the manifest of rf->tmp, fsync'ing everything in it. */
static int write_manifest(ts_ctx *ctx, ts_runfolder *rf)
{
    entries es;
    const int e = walk_tree(rf->tmp, &es, 1);
    if (e)
        return ts_error(ctx, e == ENOMEM ? TS_ENOMEM : TS_EIO, "%s: %s", rf->tmp, strerror(e));
    char p[4400];
    snprintf(p, sizeof p, "%s/" TS_RUN_MARKER, rf->tmp);
    FILE *f = fopen(p, "wb");
    if (!f) {
        const int err = errno;
        entries_free(&es);
        return ts_error(ctx, TS_EIO, "%s: %s", p, strerror(err));
    }
    fputs(MANIFEST_HEAD, f);
    fprintf(f, "# Written by thirdsite %s: every file (f SIZE PATH) and folder (d PATH) of\n"
               "# this run.  A later run replaces this folder only while it holds\n"
               "# nothing else (docs/run-folder.md).\n",
            ts_version());
    for (int i = 0; i < es.n; i++) {
        if (es.e[i].type == 'd')
            fprintf(f, "d %s\n", es.e[i].rel);
        else if (es.e[i].type == 'f')
            fprintf(f, "f %lld %s\n", es.e[i].size, es.e[i].rel);
    }
    entries_free(&es);
    int bad = fflush(f) != 0 || ferror(f);
    int err = bad ? errno : 0;
    if (!bad && fsync(fileno(f))) {
        bad = 1;
        err = errno;
    }
    if (fclose(f) && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad)
        return ts_error(ctx, TS_EIO, "%s: %s", p, strerror(err ? err : EIO));
    if (fsync(rf->tmp_fd) && errno != EINVAL)
        return ts_error(ctx, TS_EIO, "%s: %s", rf->tmp, strerror(errno));
    return TS_OK;
}

/* After a commit: the lock dropped, the parents are the run's to keep. */
static void finished(ts_runfolder *rf)
{
    if (rf->tmp_fd >= 0)
        close(rf->tmp_fd);
    rf->tmp_fd = -1;
    rf->made[0] = '\0';
}

int ts_runfolder_commit(ts_ctx *ctx, ts_runfolder *rf)
{
    /* mkdtemp makes the folder 0700 (POSIX); a finished run gets the mode a
     * plain mkdir would have given it: 0777 less the umask */
    if (chmod(rf->tmp, 0777 & ~current_umask()))
        return ts_error(ctx, TS_EIO, "%s: %s", rf->tmp, strerror(errno));
    int st = write_manifest(ctx, rf);
    if (st)
        return st;
    char parent[4096];
    parent_of(rf->out, parent, sizeof parent);
    struct stat sb;
    if (stat(rf->out, &sb) != 0) {
        if (rename(rf->tmp, rf->out))
            return ts_error(ctx, TS_EIO, "%s: %s", rf->out, strerror(errno));
        rf->tmp[0] = '\0';
        fsync_dir(parent);
        finished(rf);
        return TS_OK;
    }
    /* checked again: files may have been added while the run computed */
    st = check_replaceable(ctx, rf->out);
    if (st)
        return st;
    if (renameat2(AT_FDCWD, rf->tmp, AT_FDCWD, rf->out, RENAME_EXCHANGE) == 0) {
        fsync_dir(parent);
        remove_run(rf->tmp); /* the earlier run, now under the temporary name */
        rf->tmp[0] = '\0';
        finished(rf);
        return TS_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP && errno != ENOTSUP)
        return ts_error(ctx, TS_EIO, "%s: %s", rf->out, strerror(errno));
    /* no atomic exchange here (some FUSE, sshfs, CIFS, NFS mounts): move the
     * earlier run aside, locked so that no clean-up takes it, then put the
     * new one in; undo the first rename when the second fails */
    char old[4300];
    snprintf(old, sizeof old, "%s.old", rf->tmp);
    const int ofd = open(rf->out, O_RDONLY | O_DIRECTORY);
    if (ofd >= 0)
        flock(ofd, LOCK_EX | LOCK_NB);
    if (rename(rf->out, old)) {
        st = ts_error(ctx, TS_EIO, "%s: %s", rf->out, strerror(errno));
    } else if (rename(rf->tmp, rf->out)) {
        const int e1 = errno;
        if (rename(old, rf->out) == 0)
            st = ts_error(ctx, TS_EIO, "%s: %s (the earlier run is kept)", rf->out,
                          strerror(e1));
        else
            st = ts_error(ctx, TS_EIO, "%s: %s; the earlier run is kept in %s", rf->out,
                          strerror(e1), old);
    } else {
        rf->tmp[0] = '\0';
        fsync_dir(parent);
        remove_run(old);
    }
    if (ofd >= 0)
        close(ofd);
    if (!st)
        finished(rf);
    return st;
}

void ts_runfolder_abort(ts_runfolder *rf)
{
    if (rf->tmp[0])
        remove_tree(rf->tmp);
    rf->tmp[0] = '\0';
    if (rf->tmp_fd >= 0)
        close(rf->tmp_fd);
    rf->tmp_fd = -1;
    if (rf->made[0])
        remove_parents(rf->out, rf->made);
    rf->made[0] = '\0';
}
