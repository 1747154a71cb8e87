/*
 * index.html of a run: one self-contained page (plain HTML and CSS, no
 * scripts, no external assets, relative links) that says in a minute what
 * the run found - the question, a few sentences and a table of key
 * numbers - then shows the maps and timelines and links every file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/output.h"

#include <string.h>

static void esc(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static const char *CSS =
    "body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Helvetica,Arial,sans-serif;"
    "color:#222;background:#fff;margin:0;line-height:1.45}\n"
    "main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}\n"
    "h1{font-size:1.9em;margin:0.2em 0 0.3em}h2{font-size:1.35em;margin:1.8em 0 0.5em;"
    "border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:1.08em;margin:1.2em 0 0.4em}\n"
    ".question{font-size:1.12em;color:#444;max-width:60em}\n"
    ".summary{background:#f4f7fa;border-left:5px solid #1f78b4;padding:12px 18px;margin:18px 0}\n"
    ".summary li{margin:0.35em 0}\n"
    "table{border-collapse:collapse;margin:10px 0 16px;font-size:0.93em}\n"
    "th,td{border-bottom:1px solid #ddd;padding:5px 10px;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".yes{color:#b2182b;font-weight:bold}.no{color:#777}.def{color:#1a7a2e;font-weight:bold}"
    ".undef{color:#b2182b;font-weight:bold}.kin{color:#c46a00;font-weight:bold}\n"
    ".lead{background:#fff8ee;border-left:5px solid #e08a1e;padding:12px 18px;margin:18px 0}\n"
    ".terms dt{font-weight:bold;margin-top:0.5em}.terms dd{margin:0.1em 0 0 1.5em;color:#444}\n"
    "table{display:block;overflow-x:auto;max-width:100%}\n"
    "@media (max-width:600px){main{padding:12px 10px 32px}h1{font-size:1.45em}"
    "th,td{padding:4px 5px}.files{columns:1}.pair figure{flex:1 1 100%}}\n"
    "figure{margin:14px 0 26px}figure img{width:100%;height:auto;border:1px solid #ddd}\n"
    "figcaption{font-size:0.9em;color:#555;margin-top:4px}\n"
    ".pair{display:block}.pair figure{width:100%}\n"
    ".files{columns:2;font-size:0.9em}.note{color:#666;font-size:0.9em}\n"
    "footer{color:#777;font-size:0.85em;margin-top:40px;border-top:1px solid #ddd;padding-top:8px}\n";

static void place(FILE *f, const ts_run_result *res, const char *name)
{
    char l[TS_NAME_LEN];
    ts_out_place_short(res, name, l, sizeof l);
    esc(f, l);
}

static void place_long(FILE *f, const ts_run_result *res, const char *name)
{
    char l[TS_NAME_LEN];
    ts_out_place_label(res, name, l, sizeof l);
    esc(f, l);
}

/* "Semnan and Shahroud" */
static void place_list(FILE *f, const ts_run_result *res, int n, const ts_place *p)
{
    for (int k = 0; k < n; k++) {
        fputs(k == 0 ? "" : (k == n - 1 ? " and " : ", "), f);
        place(f, res, p[k].name);
    }
}

static const char *missile_name(const ts_missile *m)
{
    return m->name[0] ? m->name : m->id;
}

/* Flights of matrix m engaged under variant v and framing fr. */
static int matrix_engaged(const ts_run_result *res, int m, int v, int fr, int *flown)
{
    const ts_run_matrix *rm = &res->matrices[m];
    const int nf = rm->spec->n_from * rm->spec->n_to;
    int n = 0;
    *flown = 0;
    for (int i = 0; i < nf; i++)
        if (rm->flights[i].ok) {
            (*flown)++;
            n += rm->cells[v * nf + i].by[fr].engaged;
        }
    return n;
}

/* The words of each framing, as every output uses them. */
static const char *const FRAMING_WORDS[TS_N_FRAMINGS] = {"within reach (kinematic)",
                                                         "engageable with sensor support"};

/* Variants whose defenses are the same as an earlier one's (a variant that
 * changes nothing), flagged on the page. */
static int same_as_earlier(const ts_run_result *res, int v)
{
    const ts_defense *a = &res->sc->variants[v].defense;
    for (int u = 0; u < v; u++) {
        const ts_defense *b = &res->sc->variants[u].defense;
        if (a->n_sensors == b->n_sensors && a->n_batteries == b->n_batteries &&
            !memcmp(&a->doctrine, &b->doctrine, sizeof a->doctrine) &&
            !memcmp(a->sensors, b->sensors, sizeof *a->sensors * (size_t)a->n_sensors) &&
            !memcmp(a->batteries, b->batteries, sizeof *a->batteries * (size_t)a->n_batteries))
            return u;
    }
    return -1;
}

/* An engagement's verdict in a table cell's words: with sensor support
 * (shots, notional P(kill)), within reach only, or out of reach. */
static void verdict_html(FILE *f, const ts_engagement *g)
{
    char a[32];
    int shots = 0;
    for (int k = 0; k < g->n_batteries; k++)
        shots += g->batteries[k].framing[TS_FRAMING_SUPPORTED].shots;
    if (g->engaged_by[TS_FRAMING_SUPPORTED])
        fprintf(f, "<span class=\"def\">%s</span>: %d shot%s, P(kill) %s (notional SSPK)",
                FRAMING_WORDS[TS_FRAMING_SUPPORTED], shots, shots == 1 ? "" : "s",
                ts_out_fmt(a, sizeof a, g->p_kill_by[TS_FRAMING_SUPPORTED], 2));
    else if (g->engaged_by[TS_FRAMING_KINEMATIC])
        fprintf(f, "<span class=\"kin\">%s only</span>", FRAMING_WORDS[TS_FRAMING_KINEMATIC]);
    else
        fputs("<span class=\"undef\">out of reach</span>", f);
}

/* The lead: each matrix's question under both framings and every variant,
 * in a table a journalist can quote, with what each framing asks. */
static void framing_table(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    for (int m = 0; m < res->n_matrices; m++) {
        char mn[4 * TS_NAME_LEN];
        ts_out_matrix_missiles(sc, res->matrices[m].spec, mn, sizeof mn);
        fputs("<div class=\"lead\"><strong>Could the interceptors engage the ", f);
        esc(f, mn);
        fputs(" flights?</strong> Two questions, both answered:\n<table><tr><th>Defense "
              "(variant)</th><th>within reach (kinematic) (flights)</th><th>engageable with "
              "sensor support (flights)</th></tr>\n", f);
        for (int v = 0; v < res->n_variants; v++) {
            int flown, nk = matrix_engaged(res, m, v, TS_FRAMING_KINEMATIC, &flown);
            int ns = matrix_engaged(res, m, v, TS_FRAMING_SUPPORTED, &flown);
            fputs("<tr><td>", f);
            esc(f, sc->variants[v].name);
            const int same = same_as_earlier(res, v);
            if (same >= 0) {
                fputs(" <span class=\"kin\">(the same defense as &ldquo;", f);
                esc(f, sc->variants[same].name);
                fputs("&rdquo;)</span>", f);
            }
            if (sc->variants[v].description[0]) {
                fputs("<br><span class=\"note\">", f);
                esc(f, sc->variants[v].description);
                fputs("</span>", f);
            }
            fprintf(f, "</td><td class=\"n\">%d of %d</td><td class=\"n\">%d of %d</td></tr>\n",
                    nk, flown, ns, flown);
        }
        fputs("</table>\n<p class=\"note\"><em>Within reach (kinematic)</em>: an interceptor "
              "launched after the commit could reach the warhead in time, inside its altitude, "
              "range and fly-out limits (the question Lewis and Postol asked: &ldquo;if the "
              "system worked as advertised&rdquo;). <em>Engageable with sensor support</em>: in "
              "addition, a radar allowed to update the interceptor holds the warhead in track "
              "before and at the intercept, and the kill vehicle meets it fast enough and not "
              "from behind (the question MDA and Lt Gen O&rsquo;Reilly answered). Neither is "
              "&ldquo;defended&rdquo;: P(kill) figures come from a notional single-shot kill "
              "probability. The limits and their sources are under Assumptions.</p></div>\n", f);
    }
}

static void summary(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    char a[32];
    fputs("<div class=\"summary\"><strong>In short</strong><ul>\n", f);
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        const ts_threat *th = &sc->threats[rf->spec->threat];
        char mn[TS_NAME_LEN], rl[TS_NAME_LEN];
        ts_out_short(missile_name(&th->missile), mn, sizeof mn);
        ts_out_region_label(rf, rl, sizeof rl);
        fputs("<li>Against the ", f);
        esc(f, mn);
        if (th->missile.notional)
            fputs(" (notional)", f);
        fputs(" launched from ", f);
        place_list(f, res, th->n_from, th->from);
        fputs(", the share of the land in ", f);
        esc(f, rl);
        fputs(" engageable with sensor support (within reach, kinematic) is ", f);
        for (int v = 0; v < res->n_variants; v++) {
            if (v > 0)
                fputs(v == res->n_variants - 1 ? " and " : ", ", f);
            if (rf->land_area_m2 > 0.0)
                fprintf(f, "<strong>%.0f%%</strong> (%.0f%%)",
                        100.0 * rf->defended_land_by_m2[v * TS_N_FRAMINGS + TS_FRAMING_SUPPORTED] /
                            rf->land_area_m2,
                        100.0 * rf->defended_land_by_m2[v * TS_N_FRAMINGS + TS_FRAMING_KINEMATIC] /
                            rf->land_area_m2);
            else
                fputs("none", f);
            if (res->n_variants > 1) {
                fputs(" under &ldquo;", f);
                esc(f, sc->variants[v].name);
                fputs("&rdquo;", f);
            }
        }
        fputs(".</li>\n", f);
    }
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_matrix_spec *sp = res->matrices[m].spec;
        int flown = 0;
        char mn[4 * TS_NAME_LEN];
        ts_out_matrix_missiles(sc, sp, mn, sizeof mn);
        fputs("<li>Of the flights of the ", f);
        esc(f, mn);
        if (strstr(mn, " and ")) {
            /* several threats: each base flies its own missile */
            fprintf(f, ", each from its own bases (%d base and missile pairs),", sp->n_from);
        } else {
            fputs(" from ", f);
            place_list(f, res, sp->n_from, sp->from);
        }
        fputs(" to ", f);
        place_list(f, res, sp->n_to, sp->to);
        fputs(", ", f);
        for (int v = 0; v < res->n_variants; v++) {
            const int nk = matrix_engaged(res, m, v, TS_FRAMING_KINEMATIC, &flown);
            const int ns = matrix_engaged(res, m, v, TS_FRAMING_SUPPORTED, &flown);
            if (v > 0)
                fputs(v == res->n_variants - 1 ? " and " : ", ", f);
            fprintf(f, "<strong>%d of %d</strong> are within reach (kinematic) and "
                       "<strong>%d</strong> engageable with sensor support", nk, flown, ns);
            if (res->n_variants > 1) {
                fputs(" under &ldquo;", f);
                esc(f, sc->variants[v].name);
                fputs("&rdquo;", f);
            }
        }
        fputs(".</li>\n", f);
    }
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        fputs("<li>", f);
        place(f, res, re->flight.from_name);
        fputs(" &rarr; ", f);
        place(f, res, re->flight.to_name);
        fputs(": ", f);
        if (!re->flight.ok) {
            fputs("not flown (", f);
            esc(f, re->flight.message);
            fputs(").</li>\n", f);
            continue;
        }
        for (int v = 0; v < res->n_variants; v++) {
            if (v > 0)
                fputs("; ", f);
            if (!re->eng_ok[v])
                continue;
            const ts_engagement *g = &re->eng[v];
            if (g->engaged_by[TS_FRAMING_SUPPORTED])
                fprintf(f, "<span class=\"def\">%s</span>, P(kill) %s (notional SSPK)",
                        FRAMING_WORDS[TS_FRAMING_SUPPORTED],
                        ts_out_fmt(a, sizeof a, g->p_kill_by[TS_FRAMING_SUPPORTED], 2));
            else if (g->engaged_by[TS_FRAMING_KINEMATIC])
                fprintf(f, "<span class=\"kin\">%s only</span>",
                        FRAMING_WORDS[TS_FRAMING_KINEMATIC]);
            else
                fputs("<span class=\"undef\">out of reach</span>", f);
            if (res->n_variants > 1) {
                fputs(" under &ldquo;", f);
                esc(f, sc->variants[v].name);
                fputs("&rdquo;", f);
            }
        }
        fputs(".</li>\n", f);
    }
    fputs("</ul></div>\n", f);
}

static void key_numbers(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    char a[32];
    fputs("<h2>Key numbers</h2>\n<table><tr><th>Result</th>", f);
    for (int v = 0; v < res->n_variants; v++) {
        fputs("<th>", f);
        esc(f, sc->variants[v].name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        char rl[TS_NAME_LEN];
        ts_out_region_label(rf, rl, sizeof rl);
        fputs("<tr><td>Land engageable with sensor support, ", f);
        esc(f, rl);
        fputs("</td>", f);
        for (int v = 0; v < res->n_variants; v++) {
            ts_out_thousands(a, sizeof a, rf->defended_land_m2[v] / 1e6);
            if (rf->land_area_m2 > 0.0)
                fprintf(f, "<td class=\"n\">%.1f%% (%s km&sup2;)</td>",
                        100.0 * rf->defended_land_m2[v] / rf->land_area_m2, a);
            else
                fprintf(f, "<td class=\"n\">%s km&sup2;</td>", a);
        }
        fputs("</tr>\n", f);
        /* the same over the land the threat can reach, and the region's
         * cities (region.c) */
        fputs("<tr><td>Share of the land the threat can reach engageable with sensor support, ", f);
        esc(f, rl);
        fputs("</td>", f);
        for (int v = 0; v < res->n_variants; v++) {
            if (rf->reachable_land_m2[v] > 0.0)
                fprintf(f, "<td class=\"n\">%.1f%%</td>",
                        100.0 * rf->defended_land_m2[v] / rf->reachable_land_m2[v]);
            else
                fputs("<td class=\"n\">nothing in reach</td>", f);
        }
        fputs("</tr>\n", f);
        const ts_region_cities *rc = &rf->cities;
        if (rc->n > 0) {
            fprintf(f, "<tr><td>Cities engageable with sensor support, of the %d capitals and cities of 100,000 people or "
                       "more in ", rc->n);
            esc(f, rl);
            fputs(" (their people)</td>", f);
            for (int v = 0; v < res->n_variants; v++) {
                int cd = 0;
                for (int k = 0; k < rc->n; k++)
                    cd += rc->status[(size_t)v * (size_t)rc->n + (size_t)k] == TS_CELL_DEFENDED;
                ts_out_thousands(a, sizeof a, rc->defended_pop[v]);
                fprintf(f, "<td class=\"n\">%d (%s)</td>", cd, a);
            }
            fputs("</tr>\n", f);
        }
    }
    for (int m = 0; m < res->n_matrices; m++) {
        fputs("<tr><td>", f);
        char mn[4 * TS_NAME_LEN];
        ts_out_matrix_missiles(sc, res->matrices[m].spec, mn, sizeof mn);
        esc(f, mn);
        fputs(" flights within reach (kinematic) / engageable with sensor support</td>", f);
        for (int v = 0; v < res->n_variants; v++) {
            int flown;
            const int nk = matrix_engaged(res, m, v, TS_FRAMING_KINEMATIC, &flown);
            const int ns = matrix_engaged(res, m, v, TS_FRAMING_SUPPORTED, &flown);
            fprintf(f, "<td class=\"n\">%d / %d of %d</td>", nk, ns, flown);
        }
        fputs("</tr>\n", f);
    }
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        fputs("<tr><td>", f);
        place(f, res, re->flight.from_name);
        fputs(" &rarr; ", f);
        place(f, res, re->flight.to_name);
        fputs("</td>", f);
        for (int v = 0; v < res->n_variants; v++) {
            if (!re->flight.ok || !re->eng_ok[v]) {
                fputs("<td>not flown</td>", f);
                continue;
            }
            fputs("<td>", f);
            verdict_html(f, &re->eng[v]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* A map or chart, full width; a click opens the full-size PNG. */
static void figure(FILE *f, const char *png, const char *svg, const char *caption)
{
    fprintf(f, "<figure><a href=\"%s\"><img src=\"%s\" alt=\"", png, png);
    esc(f, caption);
    fputs("\"></a><figcaption>", f);
    esc(f, caption);
    fprintf(f, " (full size: <a href=\"%s\">PNG</a>, <a href=\"%s\">SVG</a>, editable "
               "text)</figcaption></figure>\n", png, svg);
}

/* The terms, in a list a reader can look up (docs/models-defense.md). */
static void glossary(FILE *f)
{
    fputs("<h2>Terms</h2>\n<dl class=\"terms\">\n"
          "<dt>Within reach (kinematic)</dt><dd>an interceptor launched no earlier than "
          "commit plus readiness could reach the warhead in time, inside its altitude, range "
          "and fly-out-time limits; nothing else is asked (the question Lewis and Postol "
          "asked). Never the same as defended.</dd>\n"
          "<dt>Engageable with sensor support</dt><dd>within reach, and a radar allowed to "
          "update the interceptor in flight holds the warhead in track before and at the "
          "intercept, and the kill vehicle meets it fast enough and not in a tail chase (the "
          "question MDA and Lt Gen O&rsquo;Reilly answered).</dd>\n"
          "<dt>Framing</dt><dd>which of the two questions an answer answers; every answer "
          "here is given under both.</dd>\n"
          "<dt>Commit</dt><dd>the decision to launch: a fire-control radar&rsquo;s firm track "
          "plus the decision time.</dd>\n"
          "<dt>Launch window, intercept window</dt><dd>the times at which an interceptor can "
          "be launched and still meet the warhead, and the times at which it can meet "
          "it.</dd>\n"
          "<dt>Margin</dt><dd>the latest useful launch minus the earliest possible one (s); "
          "negative: too late.</dd>\n"
          "<dt>Shoot-look-shoot</dt><dd>fire, wait for the intercept and its assessment, "
          "fire again if the warhead survived, while time remains.</dd>\n"
          "<dt>SSPK</dt><dd>single-shot probability of kill: the chance that one interceptor "
          "destroys the warhead. Notional here; a P(kill) derived from it is notional "
          "too.</dd>\n"
          "<dt>Aspect</dt><dd>the angle between the interceptor&rsquo;s velocity and the "
          "warhead&rsquo;s reversed: 0&deg; head-on, 180&deg; a tail chase.</dd>\n"
          "</dl>\n", f);
}


static void footprints(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    if (!res->n_footprints)
        return;
    fputs("<h2>Defended areas</h2>\n<p class=\"note\">Each cell is an aim point, judged against "
          "the missile flown there from the worst of its launch sites. Under each defense, the "
          "first map shows where some battery has a shot engageable with sensor support, the "
          "second where a shot is within reach (kinematic) alone.  Darker green: more shot "
          "opportunities.</p>\n",
          f);
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        char rl[TS_NAME_LEN];
        ts_out_region_label(rf, rl, sizeof rl);
        fputs("<h3>", f);
        esc(f, rl);
        fputs(": ", f);
        esc(f, missile_name(&sc->threats[rf->spec->threat].missile));
        fputs("</h3>\n<div class=\"pair\">\n", f);
        for (int v = 0; v < res->n_variants; v++) {
            char png[300], svg[300], cap[600];
            snprintf(png, sizeof png, "maps/%s-%s.png", rf->stem, res->variant_slugs[v]);
            snprintf(svg, sizeof svg, "maps/%s-%s.svg", rf->stem, res->variant_slugs[v]);
            snprintf(cap, sizeof cap, "Defense \"%s\": engageable with sensor support",
                     sc->variants[v].name);
            figure(f, png, svg, cap);
            snprintf(png, sizeof png, "maps/%s-%s-kinematic.png", rf->stem,
                     res->variant_slugs[v]);
            snprintf(svg, sizeof svg, "maps/%s-%s-kinematic.svg", rf->stem,
                     res->variant_slugs[v]);
            snprintf(cap, sizeof cap, "Defense \"%s\": within reach (kinematic)",
                     sc->variants[v].name);
            figure(f, png, svg, cap);
        }
        fputs("</div>\n<p class=\"note\">Cells: ", f);
        fprintf(f, "<a href=\"tables/%s.csv\">CSV</a>; layers: ", rf->stem);
        for (int v = 0; v < res->n_variants; v++) {
            fprintf(f, "%s<a href=\"layers/%s-%s.geojson\">GeoJSON</a>, "
                       "<a href=\"layers/%s-%s.kml\">KML</a> (",
                    v ? "; " : "", rf->stem, res->variant_slugs[v], rf->stem, res->variant_slugs[v]);
            esc(f, sc->variants[v].name);
            fputs(")", f);
        }
        fputs("</p>\n", f);
    }
}

static void matrix(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    char a[32];
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const ts_matrix_spec *sp = rm->spec;
        const int nf = sp->n_from * sp->n_to;
        char mn[4 * TS_NAME_LEN];
        ts_out_matrix_missiles(sc, sp, mn, sizeof mn);
        fputs("<h2>Could the interceptors engage ", f);
        esc(f, mn);
        fputs(" flights?</h2>\n<p class=\"note\">For each base and target, under each framing: "
              "whether some battery has an intercept window, and the margin of the best one "
              "(latest launch minus the earliest it can launch after commit); where only the "
              "kinematic framing allows it, the rule that refuses sensor support.</p>\n",
              f);
        fputs("<table><tr><th>From</th><th>To</th><th class=\"n\">Flight time (min)</th>", f);
        for (int v = 0; v < res->n_variants; v++) {
            fputs("<th>", f);
            esc(f, sc->variants[v].name);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
        for (int i = 0; i < nf; i++) {
            const ts_run_flight *fl = &rm->flights[i];
            char rl[4 * TS_NAME_LEN];
            ts_out_row_label(res, sp, i / sp->n_to, rl, sizeof rl);
            fputs("<tr><td>", f);
            esc(f, rl);
            fputs("</td><td>", f);
            place(f, res, fl->to_name);
            fputs("</td>", f);
            if (!fl->ok) {
                fputs("<td colspan=\"99\" class=\"no\">not flown: ", f);
                esc(f, fl->message);
                fputs("</td></tr>\n", f);
                continue;
            }
            fprintf(f, "<td class=\"n\">%s</td>", ts_out_fmt(a, sizeof a, fl->flight.flight_time_s / 60.0, 1));
            for (int v = 0; v < res->n_variants; v++) {
                const ts_run_matrix_cell *c = &rm->cells[v * nf + i];
                const ts_run_matrix_verdict *k = &c->by[TS_FRAMING_KINEMATIC];
                const ts_run_matrix_verdict *su = &c->by[TS_FRAMING_SUPPORTED];
                if (su->engaged) {
                    fprintf(f, "<td><span class=\"def\">with sensor support</span>, margin %s s",
                            ts_out_fmt(a, sizeof a, su->margin_s, 0));
                    fprintf(f, " (kinematic %s s)</td>", ts_out_fmt(a, sizeof a, k->margin_s, 0));
                } else if (k->engaged) {
                    fprintf(f, "<td><span class=\"kin\">within reach (kinematic)</span>, "
                               "margin %s s; not with sensor support: ",
                            ts_out_fmt(a, sizeof a, k->margin_s, 0));
                    esc(f, ts_refusal_text(su->refused != TS_REFUSE_NONE ? su->refused
                                                                         : TS_REFUSE_OTHER));
                    fputs("</td>", f);
                } else {
                    fputs("<td class=\"no\">out of reach</td>", f);
                }
            }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n<div class=\"pair\">\n", f);
        for (int v = 0; v < res->n_variants; v++) {
            char png[300], svg[300], cap[600];
            snprintf(png, sizeof png, "maps/%s-%s.png", rm->stem, res->variant_slugs[v]);
            snprintf(svg, sizeof svg, "maps/%s-%s.svg", rm->stem, res->variant_slugs[v]);
            snprintf(cap, sizeof cap, "Defense \"%s\": red, engageable with sensor support; "
                     "orange dashed, within reach (kinematic) only; stars, first intercepts",
                     sc->variants[v].name);
            figure(f, png, svg, cap);
        }
        fputs("</div>\n", f);
    }
}

static void engagements(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    char a[32], b[32];
    if (!res->n_engagements)
        return;
    fputs("<h2>Engagement timelines</h2>\n<table><tr><th>Flight</th><th>Defense</th>"
          "<th class=\"n\">Flight time (s)</th><th class=\"n\">Commit (s after launch)</th>"
          "<th>Result (P(kill) from a notional SSPK)</th></tr>\n",
          f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants; v++) {
            fputs("<tr><td>", f);
            place(f, res, re->flight.from_name);
            fputs(" &rarr; ", f);
            place(f, res, re->flight.to_name);
            fputs("</td><td>", f);
            esc(f, sc->variants[v].name);
            fputs("</td>", f);
            if (!re->flight.ok || !re->eng_ok[v]) {
                fputs("<td colspan=\"3\" class=\"no\">not flown: ", f);
                esc(f, re->flight.message);
                fputs("</td></tr>\n", f);
                continue;
            }
            const ts_engagement *g = &re->eng[v];
            fprintf(f, "<td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
                    ts_out_fmt(a, sizeof a, re->flight.flight.flight_time_s, 0),
                    g->commit_s >= 0.0 ? ts_out_fmt(b, sizeof b, g->commit_s, 0) : "never");
            verdict_html(f, g);
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</table>\n", f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants; v++) {
            if (!re->flight.ok || !re->eng_ok[v])
                continue;
            char png[300], svg[300], cap[600], from[TS_NAME_LEN], to[TS_NAME_LEN];
            ts_out_place_label(res, re->flight.from_name, from, sizeof from);
            ts_out_place_label(res, re->flight.to_name, to, sizeof to);
            snprintf(png, sizeof png, "timelines/%s-%s.png", re->slug, res->variant_slugs[v]);
            snprintf(svg, sizeof svg, "timelines/%s-%s.svg", re->slug, res->variant_slugs[v]);
            snprintf(cap, sizeof cap, "%s to %s, defense \"%s\"", from, to, sc->variants[v].name);
            figure(f, png, svg, cap);
        }
    }
}

static void assumptions(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    char a[32], b1[32], b2[32], b3[32];
    fputs("<h2>Assumptions</h2>\n<h3>Threats</h3>\n<ul>\n", f);
    for (int t = 0; t < sc->n_threats; t++) {
        const ts_threat *th = &sc->threats[t];
        fputs("<li><strong>", f);
        esc(f, th->id);
        fputs("</strong>: ", f);
        esc(f, missile_name(&th->missile));
        fprintf(f, " (%s%s, %d stage%s, %s flight, radar cross section %s m&sup2;), from ",
                th->missile.range_class, th->missile.notional ? ", notional" : "", th->missile.n_stages,
                th->missile.n_stages == 1 ? "" : "s", ts_out_shape_name(th->shape),
                ts_out_fmt(a, sizeof a, th->rcs_m2, th->rcs_m2 < 1.0 ? 2 : 1));
        place_list(f, res, th->n_from, th->from);
        fputs(".  Sources: ", f);
        esc(f, th->missile.sources);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    for (int v = 0; v < res->n_variants; v++) {
        const ts_defense *d = &sc->variants[v].defense;
        fputs("<h3>Defense &ldquo;", f);
        esc(f, sc->variants[v].name);
        fputs("&rdquo;</h3>\n<table><tr><th>Element</th><th>Where</th><th>Key parameters</th>"
              "<th>Sources</th></tr>\n",
              f);
        for (int k = 0; k < d->n_sensors; k++) {
            const ts_sensor *s = &d->sensors[k];
            fputs("<tr><td>", f);
            esc(f, s->name[0] ? s->name : s->id);
            fputs("</td><td>", f);
            if (s->kind == TS_SENSOR_INFRARED)
                fputs("space", f);
            else
                place_long(f, res, s->site_id[0] ? s->site_id : s->id);
            fputs("</td><td>", f);
            if (s->kind == TS_SENSOR_INFRARED)
                fprintf(f, "infrared launch detection after %s s, latency %s s",
                        ts_out_fmt(b1, sizeof b1, s->ir_detect_s, 0),
                        ts_out_fmt(b2, sizeof b2, s->ir_latency_s, 0));
            else
                fprintf(f, "%s radar, %s km against %s m&sup2;%s, track in %s s",
                        ts_out_sensor_role_name(s->role),
                        ts_out_fmt(b1, sizeof b1, s->ref_range_m / 1e3, 0),
                        ts_out_fmt(b2, sizeof b2, s->ref_rcs_m2, 2), s->needs_cue ? ", needs a cue" : "",
                        ts_out_fmt(b3, sizeof b3, s->track_s, 0));
            if (s->kind == TS_SENSOR_RADAR && s->boost_blind)
                fputs("; does not see the boost phase", f);
            fputs("</td><td class=\"note\">", f);
            esc(f, s->sources);
            fputs("</td></tr>\n", f);
        }
        for (int k = 0; k < d->n_batteries; k++) {
            const ts_battery *b = &d->batteries[k];
            const ts_interceptor *ic = &b->interceptor;
            fprintf(f, "<tr><td>%d &times; ", b->inventory);
            esc(f, ic->name[0] ? ic->name : ic->id);
            fputs("</td><td>", f);
            place_long(f, res, b->site_id[0] ? b->site_id : b->id);
            fputs("</td><td>", f);
            if (ic->n_stages == 0)
                fprintf(f, "burnout %s km/s, ", ts_out_fmt(a, sizeof a, ic->burnout_speed_mps / 1e3, 2));
            else
                fprintf(f, "%d-stage booster, ", ic->n_stages);
            fprintf(f, "intercepts %s&ndash;", ts_out_fmt(a, sizeof a, ic->h_min_m / 1e3, 0));
            fprintf(f, "%s km up, ", ts_out_fmt(a, sizeof a, ic->h_max_m / 1e3, 0));
            fprintf(f, "ready %s s after commit", ts_out_fmt(a, sizeof a, b->readiness_s, 0));
            fputs("</td><td class=\"note\">", f);
            esc(f, ic->sources);
            fputs("</td></tr>\n", f);
        }
        fprintf(f, "<tr><td>Doctrine</td><td></td><td>%s, %d per shot, single-shot kill probability %s, ",
                ts_out_doctrine_name(d->doctrine.mode), d->doctrine.salvo,
                ts_out_fmt(a, sizeof a, d->doctrine.sspk, 2));
        fprintf(f, "decision %s s", ts_out_fmt(a, sizeof a, d->doctrine.decision_s, 0));
        if (d->doctrine.mode == TS_DOCTRINE_SHOOT_LOOK_SHOOT)
            fprintf(f, ", kill assessment %s s", ts_out_fmt(a, sizeof a, d->doctrine.kill_assessment_s, 0));
        fprintf(f, "; sensor support: in track %s s before the intercept",
                ts_out_fmt(a, sizeof a, d->doctrine.track_before_intercept_s, 0));
        fprintf(f, ", last look at most %s s old (notional)</td><td></td></tr>\n</table>\n",
                ts_out_fmt(a, sizeof a, d->doctrine.update_gap_max_s, 0));
    }
}

/* The limits on each variant's defense and what a monitor would observe
 * to verify each (only when some variant has limits). */
static void limits_section(FILE *f, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    int any = 0;
    for (int v = 0; v < res->n_variants; v++)
        any |= sc->variants[v].n_limits > 0;
    if (!any)
        return;
    fputs("<h2>Limits on the defense, and what monitors would verify</h2>\n"
          "<table><tr><th>Variant</th><th>Element</th><th>Limit</th><th>Value</th>"
          "<th>What a monitor would observe</th></tr>\n",
          f);
    for (int v = 0; v < res->n_variants; v++) {
        const ts_variant *var = &sc->variants[v];
        if (var->n_limits == 0) {
            fputs("<tr><td>", f);
            esc(f, var->name);
            fputs("</td><td colspan=\"4\">no limits</td></tr>\n", f);
            continue;
        }
        for (int i = 0; i < var->n_limits; i++) {
            const ts_limit *l = &var->limits[i];
            fputs("<tr><td>", f);
            esc(f, var->name);
            fputs("</td><td>", f);
            esc(f, l->entry_kind);
            fputs(" ", f);
            esc(f, l->entry);
            fputs("</td><td><code>", f);
            esc(f, l->limit);
            fputs("</code></td><td>", f);
            esc(f, l->value);
            fputs("</td><td class=\"note\">", f);
            esc(f, l->verify);
            fputs(l->verify_default ? " (default text)" : "", f);
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</table>\n", f);
}

/* What a reader must know before quoting a number (docs/models-defense.md),
 * near the top of the page. */
static void caveats(FILE *f)
{
    fputs("<h2>What the model leaves out</h2>\n<ul class=\"caveats\">\n"
          "<li>Kinematics and timelines only: no countermeasures, decoys or "
          "discrimination; a kill probability is the doctrine's notional single-shot "
          "figure compounded over the shots.</li>\n"
          "<li>Within reach (kinematic) asks for no radar at the intercept; engageable with "
          "sensor support asks for a track by a radar allowed to update the interceptor, and "
          "for the kill vehicle's closing-speed and aspect limits, whose values are notional "
          "(no figure is published; each is a scenario option).</li>\n"
          "<li>Footprint cells use interpolated boost trajectories (\"boost once, aim "
          "many times\"); cells at the edge of a defended area can differ from a single "
          "engagement flown there by a few seconds of margin.</li>\n"
          "<li>Parameters marked notional are estimates from open literature; the "
          "variants show how the answer moves with the disputed ones.</li>\n"
          "</ul>\n",
          f);
}

/* The 3D view (globe.html, layers/run.czml: czml.c, docs/viewer.md). */
static void globe_link(FILE *f)
{
    fputs("<h2>3D globe</h2>\n<p><a href=\"globe.html\">The run on a 3D globe</a>: the threat "
          "flights in time (boost, midcourse, reentry), the interceptors' fly-outs and intercept "
          "points, the radars' coverage and the footprints, per variant and framing.  It needs "
          "the folder served over http (<code>thirdsite serve</code>; docs/viewer.md).  The data: "
          "<a href=\"layers/run.czml\">layers/run.czml</a> (CZML).</p>\n",
          f);
}

static void files(FILE *f, const ts_run_result *res)
{
    fputs("<h2>Files</h2>\n<ul class=\"files\">\n"
          "<li><a href=\"report.json\">report.json</a>: every number, every parameter and its source "
          "(<a href=\"report.json\">schema: docs/report-format.md</a>)</li>\n"
          "<li><a href=\"tables/engagements.csv\">tables/engagements.csv</a></li>\n"
          "<li><a href=\"tables/engagement-batteries.csv\">tables/engagement-batteries.csv</a></li>\n"
          "<li><a href=\"tables/detections.csv\">tables/detections.csv</a></li>\n"
          "<li><a href=\"tables/footprints.csv\">tables/footprints.csv</a></li>\n"
          "<li><a href=\"tables/matrix.csv\">tables/matrix.csv</a></li>\n",
          f);
    for (int i = 0; i < res->n_footprints; i++)
        fprintf(f, "<li><a href=\"tables/%s.csv\">tables/%s.csv</a></li>\n",
                res->footprints[i].stem, res->footprints[i].stem);
    static const char *const layers[] = {"sites", "coverage", "trajectories"};
    for (int i = 0; i < 3; i++)
        fprintf(f, "<li><a href=\"layers/%s.geojson\">layers/%s.geojson</a>, "
                   "<a href=\"layers/%s.kml\">.kml</a></li>\n",
                layers[i], layers[i], layers[i]);
    if (res->n_coverage)
        fputs("<li><a href=\"maps/coverage.png\">maps/coverage.png</a>, "
              "<a href=\"maps/coverage.svg\">.svg</a></li>\n",
              f);
    fputs("<li><a href=\"run.log\">run.log</a>: timings</li>\n</ul>\n", f);
}

/* Writes dir/index.html. */
int ts_out_html(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    const ts_scenario *sc = res->sc;
    FILE *f = ts_out_open(ctx, dir, "index.html");
    if (!f)
        return TS_EIO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    esc(f, sc->title[0] ? sc->title : sc->name);
    fputs(" &mdash; thirdsite</title>\n<style>\n", f);
    fputs(CSS, f);
    fputs("</style>\n</head>\n<body>\n<main>\n<h1>", f);
    esc(f, sc->title[0] ? sc->title : sc->name);
    fputs("</h1>\n", f);
    if (sc->question[0]) {
        fputs("<p class=\"question\">", f);
        esc(f, sc->question);
        fputs("</p>\n", f);
    }
    framing_table(f, res);
    summary(f, res);
    caveats(f);
    key_numbers(f, res);
    glossary(f);
    footprints(f, res);
    matrix(f, res);
    engagements(f, res);
    if (res->n_coverage) {
        fputs("<h2>Radar coverage</h2>\n", f);
        figure(f, "maps/coverage.png", "maps/coverage.svg",
               "Where each radar sees a target in midcourse, and the ground tracks of the flights studied");
    }
    limits_section(f, res);
    globe_link(f);
    assumptions(f, res);
    files(f, res);
    fputs("<footer>Made with thirdsite ", f);
    esc(f, ts_version());
    fputs(" from the scenario <code>", f);
    char path[4 * 4096];
    ts_text_safe(sc->path, path, sizeof path); /* a path may be any bytes */
    esc(f, path);
    fputs("</code>", f);
    if (sc->sources[0]) {
        fputs(" (sources: ", f);
        esc(f, sc->sources);
        fputs(")", f);
    }
    fputs(".  A kinematic model built from open sources: it shows what geometry and timing allow, "
          "not what would happen.</footer>\n</main>\n</body>\n</html>\n",
          f);
    return ts_out_close(ctx, f, "index.html");
}
