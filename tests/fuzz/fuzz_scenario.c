/*
 * libFuzzer target for the scenario loader (ts_scenario_load, scenario.c,
 * and the catalogues and unit parsing it calls).
 *
 * Each input is a scenario file: written to an in-memory file (memfd_create)
 * whose /proc/self/fd path is given to the loader, with the shipped
 * catalogue ($THIRDSITE_DATA, else the source tree's data/).  The loader
 * must return TS_OK with a scenario, or a negative status with a message
 * and no scenario; every byte it allocates must be freed (LeakSanitizer),
 * and it must not crash, hang or read out of bounds (AddressSanitizer,
 * UndefinedBehaviorSanitizer).  Build and run: tests/fuzz/run.sh SECONDS.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "thirdsite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs above this size add nothing but time (a scenario is a few KB). */
#define MAX_INPUT 65536

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    if (fd < 0) {
        fd = memfd_create("scenario.yaml", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        abort();
    ts_scenario *sc = NULL;
    const char *data_dir = getenv("THIRDSITE_DATA");
    const int st = ts_scenario_load(ctx, path, data_dir ? data_dir : TS_SOURCE_DIR "/data", &sc);
    if (st >= 0) {
        /* a loaded scenario is whole: a base defense, references in range */
        if (!sc || sc->n_variants < 1)
            abort();
        for (int i = 0; i < sc->n_engagements; i++)
            if (sc->engagements[i].threat < 0 || sc->engagements[i].threat >= sc->n_threats)
                abort();
        for (int i = 0; i < sc->n_footprints; i++)
            if (sc->footprints[i].threat < 0 || sc->footprints[i].threat >= sc->n_threats ||
                !(sc->footprints[i].step_rad > 0.0))
                abort();
        for (int i = 0; i < sc->n_matrices; i++) {
            if (sc->matrices[i].threat < 0 || sc->matrices[i].threat >= sc->n_threats ||
                !sc->matrices[i].row_threat)
                abort();
            for (int a = 0; a < sc->matrices[i].n_from; a++)
                if (sc->matrices[i].row_threat[a] < 0 ||
                    sc->matrices[i].row_threat[a] >= sc->n_threats)
                    abort();
        }
        ts_scenario_free(sc);
    } else {
        /* refused: no scenario, and a message saying why */
        if (sc || !ts_ctx_message(ctx)[0])
            abort();
    }
    ts_ctx_free(ctx);
    return 0;
}
