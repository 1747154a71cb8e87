/*
 * What-if answers for the live view (`thirdsite serve`, docs/server-api.md):
 * the scenario loaded once with its threat flights flown once (footprint
 * sessions per footprint and level of detail, the matrix and engagement
 * flights), then each request's moves and settings applied to a fresh
 * load of the scenario file (ts_scenario_load_with), its defense planned
 * and engaged against those flights.  No file is written.  Every function
 * here is safe to call from several threads at once on one ts_whatif:
 * what is shared is read-only after ts_whatif_open, but for each footprint
 * session (one update at a time: a mutex) and the cache of the unmodified
 * scenario's answers (a mutex).
 * Private to the library (the server in cli/ is its only user).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_SERVER_WHATIF_H
#define TS_SERVER_WHATIF_H

#include "thirdsite.h"
#include <jansson.h>

/* Levels of detail of a footprint: the full grid (the scenario's step, or
 * the --step of the server) and a preview at TS_WHATIF_PREVIEW times the
 * step, computed first so that a drag gets an honest coarse answer early
 * (each level is a real computation at its own step, labelled so). */
enum { TS_WHATIF_FULL = 0, TS_WHATIF_PREVIEW = 1, TS_WHATIF_LEVELS = 2 };
#define TS_WHATIF_PREVIEW_FACTOR 4

/* Bounds of a request (docs/server-api.md, "Limits"). */
#define TS_WHATIF_MAX_SETTINGS 64

typedef struct ts_whatif ts_whatif;

/* Loads the scenario (data_dir NULL: ts_data_dir()), flies its threats to
 * every footprint aim point (both levels) and every matrix and engagement
 * flight.  step_rad > 0 replaces every footprint's step (the issue's
 * Europe at 0.5 deg).  threads >= 1 for each footprint update.
 * Status: TS_OK; a loader's status (message on ctx); TS_ENOMEM. */
int ts_whatif_open(ts_ctx *ctx, const char *scenario_path, const char *data_dir,
                   double step_rad, int threads, ts_whatif **out);
void ts_whatif_free(ts_whatif *w);

/* GET /api/scenario: the scenario as resolved, units in the key names
 * (_deg, _mps, _s, _m, _m2).  New reference (json_decref). */
json_t *ts_whatif_scenario_json(const ts_whatif *w);

/* Land and country borders (Natural Earth 1:50m, data/naturalearth/) as
 * a GeoJSON FeatureCollection (two features, "land" and "borders"), text
 * malloc'ed; NULL on failure (message on ctx). */
char *ts_whatif_geo_geojson(ts_ctx *ctx);

/* POST /api/whatif: body is the parsed request (docs/server-api.md).
 * Returns TS_OK and *out (new reference), or TS_EINVAL / TS_ESCENARIO with
 * the message naming the field on ctx (HTTP 400), or another status
 * (HTTP 500). */
int ts_whatif_eval(ts_ctx *ctx, ts_whatif *w, const json_t *body, json_t **out);

/* POST /api/scenario.yaml: the scenario file with the request's moves and
 * settings written in, as YAML text that `thirdsite run` accepts
 * (malloc'ed, *out).  Status as ts_whatif_eval. */
int ts_whatif_yaml(ts_ctx *ctx, ts_whatif *w, const json_t *body, char **out);

/* The YAML text of the scenario file at path with settings[0..n) applied
 * (server_yaml.c).  Status: TS_OK; TS_ESCENARIO (message on ctx). */
int ts_whatif_yaml_text(ts_ctx *ctx, const char *path, const ts_setting *settings, int n,
                        char **out);

#endif /* TS_SERVER_WHATIF_H */
