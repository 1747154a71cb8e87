/* Placeholder until missile.c and flight.c land; delete when they do. */
#include "ts_internal.h"
int ts_missiles_load(ts_ctx *ctx, const char *path, ts_missile_list *out)
{
    (void)path; out->n = 0; out->items = NULL;
    return ts_error(ctx, TS_EINVAL, "missiles: not built yet");
}
void ts_missiles_free(ts_missile_list *list) { (void)list; }
const ts_missile *ts_missiles_find(const ts_missile_list *list, const char *id)
{
    (void)list; (void)id;
    return NULL;
}
int ts_fly(ts_ctx *ctx, const ts_earth *earth, const ts_missile *missile,
           double lat_rad, double lon_rad, double aim_lat_rad, double aim_lon_rad,
           ts_flight_shape shape, ts_traj *traj, ts_flight_summary *out)
{
    (void)earth; (void)missile; (void)lat_rad; (void)lon_rad; (void)aim_lat_rad;
    (void)aim_lon_rad; (void)shape; (void)traj; (void)out;
    return ts_error(ctx, TS_EINVAL, "fly: not built yet");
}
int ts_missile_max_range(ts_ctx *ctx, const ts_earth *earth, const ts_missile *missile,
                         double *range_m)
{
    (void)earth; (void)missile; (void)range_m;
    return ts_error(ctx, TS_EINVAL, "max range: not built yet");
}
