/*
 * libFuzzer target for the quantity parser (ts_quantity_parse, units.c).
 *
 * Input: the first byte picks the kind (length, speed, ... ratio), the rest
 * is the text (NUL-terminated copy).  Independent truths checked: a parsed
 * quantity is finite; printed back in its SI unit with 17 significant
 * digits ("%.17g m") it parses to the same double (a round trip through the
 * unit factor 1); a refusal carries a message and a fault offset inside the
 * text.  Build and run: tests/fuzz/run.sh SECONDS.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thirdsite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_KINDS ((int)TS_Q_RATIO + 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 512)
        return 0;
    const ts_quantity_kind kind = (ts_quantity_kind)(data[0] % N_KINDS);
    char text[512];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const int len = (int)strlen(text);
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        abort();
    double si = NAN;
    int off = -7;
    const int st = ts_quantity_parse(ctx, text, kind, &si, &off);
    if (st == TS_OK) {
        if (!isfinite(si))
            abort(); /* "1e308 km": a finite number, an infinite quantity */
        char back[96];
        snprintf(back, sizeof back, "%.17g %s", si, ts_quantity_si_unit(kind));
        double si2 = NAN;
        if (ts_quantity_parse(ctx, back, kind, &si2, NULL) != TS_OK || si2 != si)
            abort();
    } else {
        if (st >= 0 || !ts_ctx_message(ctx)[0] || off < 0 || off > len)
            abort();
    }
    ts_ctx_free(ctx);
    return 0;
}
