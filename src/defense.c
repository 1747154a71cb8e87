/*
 * A defense: its sensors, interceptor batteries and doctrine (ownership
 * helpers).  The models live in sensor.c, interceptor.c and engage.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"

#include <stdlib.h>
#include <string.h>

/* Frees the arrays a defense owns (not *defense itself) and leaves it empty.
 * Accepts NULL. */
void ts_defense_free(ts_defense *defense)
{
    if (!defense)
        return;
    free(defense->sensors);
    free(defense->batteries);
    defense->sensors = NULL;
    defense->batteries = NULL;
    defense->n_sensors = 0;
    defense->n_batteries = 0;
}

/*
 * Deep copy.
 * Given:    src.  Returned: *dst, a copy owning its own arrays (free with
 *           ts_defense_free); what *dst held before is not freed.
 * Status:   TS_OK; TS_EINVAL (NULL argument or negative counts); TS_ENOMEM
 *           (then *dst is empty).
 */
int ts_defense_copy(ts_ctx *ctx, const ts_defense *src, ts_defense *dst)
{
    if (!src || !dst || src->n_sensors < 0 || src->n_batteries < 0 ||
        (src->n_sensors > 0 && !src->sensors) ||
        (src->n_batteries > 0 && !src->batteries))
        return ts_error(ctx, TS_EINVAL, "defense copy: bad argument");
    ts_defense d = *src;
    d.sensors = NULL;
    d.batteries = NULL;
    if (src->n_sensors > 0) {
        d.sensors = malloc((size_t)src->n_sensors * sizeof *d.sensors);
        if (!d.sensors)
            goto nomem;
        memcpy(d.sensors, src->sensors, (size_t)src->n_sensors * sizeof *d.sensors);
    }
    if (src->n_batteries > 0) {
        d.batteries = malloc((size_t)src->n_batteries * sizeof *d.batteries);
        if (!d.batteries)
            goto nomem;
        memcpy(d.batteries, src->batteries,
               (size_t)src->n_batteries * sizeof *d.batteries);
    }
    *dst = d;
    return TS_OK;
nomem:
    free(d.sensors);
    memset(dst, 0, sizeof *dst);
    return ts_error(ctx, TS_ENOMEM, "defense copy: out of memory");
}
