/*
 * Error context: the library records messages here and never prints.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ts_ctx *ts_ctx_create(void)
{
    return calloc(1, sizeof(ts_ctx));
}

void ts_ctx_free(ts_ctx *ctx)
{
    free(ctx);
}

const char *ts_ctx_message(const ts_ctx *ctx)
{
    return ctx ? ctx->msg : "";
}

void ts_ctx_clear(ts_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->code = TS_OK;
    ctx->msg[0] = '\0';
}

int ts_error(ts_ctx *ctx, int code, const char *fmt, ...)
{
    if (!ctx)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    ctx->code = code;
    return code;
}

void ts_text_safe(const char *in, char *out, size_t size)
{
    if (size == 0)
        return;
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3
                 : *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
        for (size_t k = 1; k < n; k++)
            if ((p[k] & 0xC0) != 0x80)
                n = 0;
        if (n >= 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
                       (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F)))
            n = 0;
        const int ctrl = n == 1 ? *p < 0x20 || *p == 0x7F : n == 2 && p[0] == 0xC2 && p[1] < 0xA0;
        if (n == 0 || ctrl) {
            const size_t m = n ? n : 1;
            if (o + 4 * m + 1 > size)
                break;
            for (size_t k = 0; k < m; k++, o += 4)
                snprintf(out + o, 5, "\\x%02X", p[k]);
            p += m;
        } else {
            if (o + n + 1 > size)
                break;
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = '\0';
}

const char *ts_version(void)
{
    return TS_VERSION;
}

const char *ts_data_dir(void)
{
    const char *env = getenv("THIRDSITE_DATA");
    return (env && *env) ? env : TS_SOURCE_DIR "/data";
}
