/*
 * libFuzzer target for the position parser (ts_latlon_parse, units.c).
 *
 * Input: the text (NUL-terminated copy).  Independent truths checked: a
 * parsed position lies within |lat| <= pi/2, |lon| <= pi; printed back as
 * "LAT,LON" in decimal degrees (17 digits) it parses to the same point
 * within 1e-15 rad (the degree-radian factor rounds); a refusal carries a
 * message and a fault offset inside the text.
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

static const double PI = 3.14159265358979323846;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512)
        return 0;
    char text[513];
    memcpy(text, data, size);
    text[size] = '\0';
    const int len = (int)strlen(text);
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        abort();
    double lat = NAN, lon = NAN;
    int off = -7;
    const int st = ts_latlon_parse(ctx, text, &lat, &lon, &off);
    if (st == TS_OK) {
        if (!(fabs(lat) <= PI / 2 + 1e-15) || !(fabs(lon) <= PI + 1e-15))
            abort();
        char back[96];
        snprintf(back, sizeof back, "%.17g,%.17g", lat * 180.0 / PI, lon * 180.0 / PI);
        double lat2 = NAN, lon2 = NAN;
        const int st2 = ts_latlon_parse(ctx, back, &lat2, &lon2, NULL);
        /* a coordinate exactly at +-90 / +-180 may come back 1 ulp outside */
        if (st2 == TS_OK && (!(fabs(lat2 - lat) <= 1e-15) || !(fabs(lon2 - lon) <= 1e-15)))
            abort();
        if (st2 != TS_OK && fabs(lat) < PI / 2 - 1e-12 && fabs(lon) < PI - 1e-12)
            abort();
    } else {
        if (st >= 0 || !ts_ctx_message(ctx)[0] || off < 0 || off > len)
            abort();
    }
    ts_ctx_free(ctx);
    return 0;
}
