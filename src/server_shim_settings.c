/* TEMPORARY (branch serve, until "Settings and answers:" lands on main):
 * ts_scenario_load_with without settings only.  Deleted at the merge. */
#include "thirdsite.h"
int ts_scenario_load_with(ts_ctx *ctx, const char *path, const char *data_dir,
                          const ts_setting *settings, int n_settings, ts_scenario **out)
{
    (void)settings;
    if (n_settings > 0)
        return ts_error(ctx, TS_ESCENARIO, "--set: not implemented in this build");
    return ts_scenario_load(ctx, path, data_dir, out);
}
