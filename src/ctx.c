/*
 * Error context: the library records messages here and never prints.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

const char *ts_version(void)
{
    return TS_VERSION;
}

const char *ts_data_dir(void)
{
    const char *env = getenv("THIRDSITE_DATA");
    return (env && *env) ? env : TS_SOURCE_DIR "/data";
}
