/*
 * The run folder's life (runfolder.c): checked, written beside, made
 * durable, put into place, the earlier run removed by its manifest.
 * Private to the library; run.c calls it.  docs/run-folder.md describes
 * the rules a user sees.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_RUNFOLDER_H
#define TS_RUNFOLDER_H

#include "ts_internal.h"

#include <stddef.h>

/* Name of the marker a run writes into its folder: the manifest of every
 * file and folder it wrote. */
#define TS_RUN_MARKER ".thirdsite-run"

typedef struct {
    char out[4096];  /* the run folder (a symbolic link's target when -o is one) */
    char tmp[4200];  /* the temporary folder the run is written to, "" when none */
    char made[4096]; /* the first parent folder this run created, "" when none */
    int tmp_fd;      /* open on tmp, holding its lock (flock), -1 when none */
} ts_runfolder;

/* Given: out_dir, the folder asked for (-o or out/<slug>).
 * Returned: *rf ready, rf->tmp an empty folder beside the target, locked,
 * made after removing the stale temporary folders of dead runs.
 * Status: TS_OK; TS_EOUTDIR (input) when out_dir exists and is not a run
 * folder thirdsite may replace (the message names the files that are not
 * the run's); TS_EIO when a folder cannot be made (the message names the
 * path and says why).  On failure nothing is left behind. */
int ts_runfolder_begin(ts_ctx *ctx, const char *out_dir, ts_runfolder *rf);

/* Writes the manifest, makes every file and folder durable (fsync), then
 * puts the temporary folder in place of rf->out: an atomic exchange where
 * the filesystem offers one, else two renames with the earlier run restored
 * when the second fails.  The earlier run is then removed, only the files
 * its manifest lists.  On failure the earlier run is where it was (or, if
 * even the restore failed, the message says where it is kept) and the
 * temporary folder is removed. */
int ts_runfolder_commit(ts_ctx *ctx, ts_runfolder *rf);

/* After a failure: removes the temporary folder and the parent folders
 * the run made, drops the lock.  Safe after any ts_runfolder_begin, and a
 * no-op after a successful commit. */
void ts_runfolder_abort(ts_runfolder *rf);

#endif /* TS_RUNFOLDER_H */
