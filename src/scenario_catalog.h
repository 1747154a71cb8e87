/*
 * Catalogue entries read from YAML: the field tables of sites, sensors,
 * interceptors, stages and doctrine, shared by catalog.c (the shipped
 * catalogues) and scenario.c (inline definitions and overrides).
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_SCENARIO_CATALOG_H
#define TS_SCENARIO_CATALOG_H

#include "yamlutil.h"

typedef enum {
    TS_F_NAME = 0,  /* char[size], free text on one line */
    TS_F_TEXT,      /* char[size], a string or a list of strings */
    TS_F_QTY,       /* double, SI, a quantity with a unit */
    TS_F_INT,       /* int in lo..hi */
    TS_F_BOOL,      /* int 0/1 */
    TS_F_ENUM,      /* int: index into names */
    TS_F_ENUMSTR,   /* char[size]: one of names, copied */
    TS_F_SPECIAL    /* read by the caller */
} ts_f_type;

#define TS_F_LO_OPEN 1u /* lo itself is refused */
#define TS_F_HI_OPEN 2u
#define TS_F_NEGATE 4u  /* TS_F_BOOL: the field stores the negation */

typedef struct {
    const char *key;
    ts_f_type type;
    size_t off, size;
    ts_quantity_kind qk;
    double lo, hi;          /* SI (QTY) or integer bounds (INT) */
    unsigned flags;
    const char *unit;       /* unit in range messages ("km/s") */
    const char *const *names; /* ENUM, ENUMSTR */
} ts_field;

typedef struct {
    const ts_field *f;
    int n;
} ts_field_table;

extern const ts_field_table ts_site_fields, ts_sensor_fields, ts_interceptor_fields,
    ts_stage_fields, ts_doctrine_fields;
extern const char *const ts_sensor_kind_names[], *const ts_sensor_role_names[],
    *const ts_doctrine_mode_names[], *const ts_site_kind_names[],
    *const ts_framing_names[];

/* Appends the keys of a table to list (NULL-terminated, room for max). */
int ts_fields_keys(const ts_field_table *t, const char **list, int n, int max);
/* Applies the keys of map that the table knows (others are left to the
 * caller, who checks unknown keys) to obj.  where[i] (may be NULL) gets the
 * value node of field i.  Returns the number of errors. */
int ts_fields_apply(ts_y_errs *errs, const ts_field_table *t, const ts_y_node *map,
                    const char *what, void *obj, const ts_y_node **where);
/* Index of a key in a table, -1 if absent. */
int ts_fields_index(const ts_field_table *t, const char *key);

/* A list of sites to resolve names against: the catalogue's, then the
 * scenario's (a scenario site replaces a catalogue site of the same id). */
typedef struct {
    int n;
    ts_site *items;          /* owned */
    int n_broken;            /* scenario sites refused for an error of their
                                own: a reference to one is not reported again
                                as an unknown site */
    char (*broken)[TS_NAME_LEN]; /* owned */
} ts_site_list;

/* Reads one site entry (a mapping).  Returns the number of errors. */
int ts_site_read(ts_y_errs *errs, const ts_y_node *map, ts_site *site);
/* Finds a site; NULL if absent. */
const ts_site *ts_site_find(const ts_site_list *sites, const char *id);
/* Reads a place: a site id, or a position "54.48N 17.11E" / "54.48,17.11".
 * h_m (may be NULL) gets the site's height (0 for a position); *site_out
 * (may be NULL) the site or NULL.  what names the key.  Errors: unknown
 * site, with a hint. */
int ts_place_read(ts_y_errs *errs, const ts_y_node *node, const char *what,
                  const ts_site_list *sites, ts_place *place, double *h_m,
                  const ts_site **site_out);

/* Sensors: fresh entries start from ts_sensor_blank (NaN for what is
 * required); ts_sensor_apply reads a mapping's sensor keys and the special
 * ones (at, height, mast, sectors); ts_sensor_check checks the result. */
void ts_sensor_blank(ts_sensor *s);
int ts_sensor_apply(ts_y_errs *errs, const ts_y_node *map, const char *what,
                    const ts_site_list *sites, ts_sensor *s, const ts_y_node **where);
int ts_sensor_check(ts_y_errs *errs, const ts_y_node *map, const char *what,
                    ts_sensor *s, const ts_y_node *const *where);

/* Interceptors: the same pattern; `stages` merge by position. */
void ts_interceptor_blank(ts_interceptor *ic);
int ts_interceptor_apply(ts_y_errs *errs, const ts_y_node *map, const char *what,
                         ts_interceptor *ic, const ts_y_node **where);
int ts_interceptor_check(ts_y_errs *errs, const ts_y_node *map, const char *what,
                         ts_interceptor *ic, const ts_y_node *const *where);

/* Stages (of interceptors and, in threats, of missiles): merges a list of
 * stage mappings into stage[] by position; n_stages grows to the list's
 * length.  New stages start blank and must be complete. */
int ts_stages_apply(ts_y_errs *errs, const ts_y_node *list, const char *what,
                    ts_stage *stage, int *n_stages);

/* The catalogue files themselves, read into lists with every error of the
 * file in errs.  The sensor file's sites come from `sites`. */
int ts_sites_read(ts_y_errs *errs, const char *path, int *n, ts_site **out);
int ts_sensors_read(ts_y_errs *errs, const char *path, const ts_site_list *sites,
                    int *n, ts_sensor **out);
int ts_interceptors_read(ts_y_errs *errs, const char *path, int *n,
                         ts_interceptor **out);

/* Appends "; text" to a sources buffer, truncating at its end. */
void ts_sources_append(char *buf, size_t size, const char *text);

/* Missiles written in a scenario (missile.c): a `missiles:` list, or one
 * inline mapping named default_id when it has no id.  Returns the number of
 * errors; *out (free()) holds the entries without error. */
int ts_missiles_read_scenario(ts_y_errs *errs, const ts_y_node *node, const char *cat_path,
                              const char *default_id, const char *scen_name, int *n,
                              ts_missile **out);

/* Maximum keys of an entry (for key lists). */
#define TS_MAX_KEYS 64

#endif /* TS_SCENARIO_CATALOG_H */
