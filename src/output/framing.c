/*
 * The two framings in the tables and layers: see framing.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/framing.h"

#include <string.h>

const char *ts_out_cell_status_word(ts_framing f, int status)
{
    if (status == TS_CELL_UNREACHABLE)
        return "unreachable";
    if (f == TS_FRAMING_KINEMATIC)
        return status == TS_CELL_DEFENDED ? "within-reach" : "not-within-reach";
    return status == TS_CELL_DEFENDED ? "defended" : "undefended";
}

ts_framing ts_out_headline(const ts_defense *d)
{
    return d->doctrine.headline == TS_FRAMING_KINEMATIC ? TS_FRAMING_KINEMATIC
                                                         : TS_FRAMING_SUPPORTED;
}

int ts_out_best_battery(const ts_engagement *g, ts_framing f)
{
    int best = -1;
    for (int k = 0; k < g->n_batteries; k++) {
        const ts_battery_framing *bf = &g->batteries[k].framing[f];
        if (bf->shots > 0 && (best < 0 || bf->margin_s > g->batteries[best].framing[f].margin_s))
            best = k;
    }
    return best;
}

void ts_out_supported_by(const ts_defense *d, const ts_intercept *x, char *buf, size_t size)
{
    size_t n = 0;
    if (!size)
        return;
    buf[0] = '\0';
    for (int i = 0; i < x->n_supported && i < TS_MAX_LINKS; i++) {
        const int k = x->supported_by[i];
        if (k < 0 || k >= d->n_sensors)
            continue;
        const int w = snprintf(buf + n, size > n ? size - n : 0, "%s%s", n ? ";" : "",
                               d->sensors[k].id);
        if (w < 0 || (size_t)w >= size - n) {
            buf[n] = '\0'; /* whole ids only (ids are short, buffers long) */
            break;
        }
        n += (size_t)w;
    }
}

const char *ts_out_refusal(ts_refusal why)
{
    return why == TS_REFUSE_NONE ? "" : ts_refusal_text(why);
}
