/* Placeholder until arc.c lands; delete when it does. */
#include "ts_internal.h"
int ts_arc_solve(ts_ctx *ctx, const ts_earth *earth, const ts_arc_request *req, ts_arc *out)
{
    (void)earth; (void)req; (void)out;
    return ts_error(ctx, TS_EINVAL, "arc: not built yet");
}
