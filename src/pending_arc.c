/* Placeholder until lambert.c and arc.c land; delete when they do. */
#include "ts_internal.h"
int ts_lambert(ts_ctx *ctx, double gm_m3s2, const ts_vec3 *r1, const ts_vec3 *r2,
               double tof_s, int long_way, ts_vec3 *v1, ts_vec3 *v2)
{
    (void)gm_m3s2; (void)r1; (void)r2; (void)tof_s; (void)long_way; (void)v1; (void)v2;
    return ts_error(ctx, TS_EINVAL, "lambert: not built yet");
}
int ts_arc_solve(ts_ctx *ctx, const ts_earth *earth, const ts_arc_request *req, ts_arc *out)
{
    (void)earth; (void)req; (void)out;
    return ts_error(ctx, TS_EINVAL, "arc: not built yet");
}
