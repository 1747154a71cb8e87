/*
 * thirdsite catalog: what is shipped.  `catalog` and `catalog missiles` list
 * the missile catalogue (data/missiles.yaml) with each missile's published
 * range beside the best range this model computes for it
 * (ts_missile_max_range); the other catalogues (sites, sensors,
 * interceptors) are listed by cmd_catalog_defense.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define CMD "catalog"

static void help(FILE *f)
{
    fprintf(f,
            "usage: thirdsite catalog [missiles|sites|sensors|interceptors] [--json]\n\n"
            "Lists a shipped catalogue (data/, or $THIRDSITE_DATA); missiles when no kind\n"
            "is given.  For each missile: id, name, range class, stages, the published\n"
            "range, the range of this model's best-range flight (non-rotating Earth,\n"
            "full burn, docs/models-missiles.md), whether it is notional, its sources.\n"
            "Every number and its source: data/PROVENANCE.md.\n\n"
            "  --json   one JSON array, one object per entry\n");
}

static int list_missiles(int json)
{
    const ts_missile_list *list = cli_missiles(CMD);
    if (!list)
        return CLI_FAILED;
    ts_earth earth;
    ts_earth_init(&earth, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(CMD, "out of memory");
    double *range = calloc((size_t)list->n + 1, sizeof *range);
    if (!range) {
        ts_ctx_free(ctx);
        return cli_failure(CMD, "out of memory");
    }
    int rc = CLI_OK;
    for (int i = 0; i < list->n && rc == CLI_OK; i++)
        if (ts_missile_max_range(ctx, &earth, &list->items[i], &range[i]) < 0)
            rc = cli_failure(CMD, "missile '%s': %s", list->items[i].id, ts_ctx_message(ctx));
    if (rc == CLI_OK && json) {
        printf("[");
        for (int i = 0; i < list->n; i++) {
            const ts_missile *m = &list->items[i];
            printf("%s\n  {\"id\": ", i ? "," : "");
            cli_json_string(m->id);
            printf(", \"name\": ");
            cli_json_string(m->name);
            printf(", \"class\": ");
            cli_json_string(m->range_class);
            printf(", \"country\": ");
            cli_json_string(m->country);
            double m0 = m->payload_kg;
            for (int k = 0; k < m->n_stages; k++)
                m0 += m->stage[k].m_gross_kg;
            printf(", \"stages\": %d, \"launch_mass_kg\": %.1f, \"payload_kg\": %.1f, "
                   "\"range_published_km\": %.1f, \"range_computed_km\": %.1f, "
                   "\"notional\": %s, \"sources\": ",
                   m->n_stages, m0, m->payload_kg, m->range_published_m / 1e3, range[i] / 1e3,
                   m->notional ? "true" : "false");
            cli_json_string(m->sources);
            printf("}");
        }
        printf("\n]\n");
    } else if (rc == CLI_OK) {
        /* the rotation figures: docs/models-missiles.md "Maximum range" and
         * data/PROVENANCE.md (best full burn from Semnan, rotating WGS-84) */
        printf("Missiles (data/missiles.yaml).  COMPUTED: this model's best-range flight with\n"
               "the payload given, full burn, non-rotating Earth.  The Earth's rotation\n"
               "changes the reach by direction, most for the longest flights: from Semnan\n"
               "the notional Iranian ICBM reaches about 13,000 km due east (+25%%) and\n"
               "9,000 km due west (-13%%) (data/PROVENANCE.md; thirdsite trajectory).\n\n");
        printf("%-20s %-30s %-5s %6s %9s %9s %9s %8s\n", "ID", "NAME", "CLASS", "STAGES",
               "PAYLOAD", "PUBLISHED", "COMPUTED", "NOTIONAL");
        for (int i = 0; i < list->n; i++) {
            const ts_missile *m = &list->items[i];
            printf("%-20s %-30s %-5s %6d %6.0f kg %6.0f km %6.0f km %8s\n", m->id, m->name,
                   m->range_class, m->n_stages, m->payload_kg, m->range_published_m / 1e3,
                   range[i] / 1e3, m->notional ? "yes" : "no");
        }
        printf("\nSources:\n");
        for (int i = 0; i < list->n; i++)
            printf("  %s: %s\n", list->items[i].id, list->items[i].sources);
    }
    free(range);
    ts_ctx_free(ctx);
    return rc;
}

int cmd_catalog(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help(stdout);
        return CLI_OK;
    }
    const char *kind = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (argv[i][0] == '-')
            return cli_usage_error(CMD, "unknown option '%s' (see thirdsite catalog --help)",
                                   argv[i]);
        else if (!kind)
            kind = argv[i];
        else
            return cli_usage_error(CMD, "one catalogue at a time ('%s' after '%s')", argv[i],
                                   kind);
    }
    if (!kind || !strcmp(kind, "missiles"))
        return list_missiles(json);
    /* The defense catalogues (sites, sensors, interceptors) have their own
     * lister; it receives the kind as argv[0] and the options after it. */
    if (!strcmp(kind, "sites") || !strcmp(kind, "sensors") || !strcmp(kind, "interceptors")) {
        char **sub = malloc((size_t)(argc + 1) * sizeof *sub);
        if (!sub)
            return cli_failure(CMD, "out of memory");
        int n = 0;
        sub[n++] = (char *)kind;
        for (int i = 1; i < argc; i++)
            if (argv[i] != kind)
                sub[n++] = argv[i];
        sub[n] = NULL;
        int rc = cmd_catalog_defense(n, sub);
        free(sub);
        return rc;
    }
    return cli_usage_error(CMD, "unknown catalogue '%s' (known: missiles, sites, sensors, "
                           "interceptors)", kind);
}
