/*
 * Helpers shared by the folders of threshold, sensitivity and compare
 * (analysis_out.h): HTML escaping and the page frame (the run's index.html
 * house style, plain HTML and CSS, no scripts), JSON files written with
 * jansson (keys in insertion order, so the bytes are fixed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/analysis_out.h"
#include "output/output.h"

#include <string.h>

void ts_aout_esc(FILE *f, const char *s)
{
    for (; s && *s; s++)
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
    "h1{font-size:1.7em;margin:0.2em 0 0.3em}h2{font-size:1.3em;margin:1.6em 0 0.5em;"
    "border-bottom:2px solid #ddd;padding-bottom:4px}\n"
    ".summary{background:#f4f7fa;border-left:5px solid #1f78b4;padding:12px 18px;margin:18px 0}\n"
    ".note{color:#555;font-size:0.95em}\n"
    "table{border-collapse:collapse;margin:10px 0 16px;font-size:0.93em;display:block;"
    "overflow-x:auto;max-width:100%}\n"
    "th,td{border-bottom:1px solid #ddd;padding:5px 10px;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "code{background:#f4f4f4;padding:1px 4px}\n"
    "footer{margin-top:32px;color:#777;font-size:0.85em}\n";

void ts_aout_html_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    ts_aout_esc(f, title);
    fputs(" &mdash; thirdsite</title>\n<style>\n", f);
    fputs(CSS, f);
    fputs("</style>\n</head>\n<body>\n<main>\n<h1>", f);
    ts_aout_esc(f, title);
    fputs("</h1>\n", f);
}

void ts_aout_html_foot(FILE *f)
{
    fprintf(f, "<footer>Made with thirdsite %s. Kinematic model from open sources; every "
               "parameter and its source in the runs' report.json.</footer>\n"
               "</main>\n</body>\n</html>\n",
            ts_version());
}

json_t *ts_aout_num(double x)
{
    return isfinite(x) ? json_real(x + 0.0) : json_null();
}

int ts_aout_json_file(ts_ctx *ctx, json_t *j, const char *dir, const char *rel)
{
    if (!j)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(j);
    if (!text)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    FILE *f = ts_out_open(ctx, dir, rel);
    if (!f) {
        free(text);
        return TS_EIO;
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return ts_out_close(ctx, f, rel);
}

void ts_aout_axis_label(const char *name, const char *unit, char *buf, size_t size)
{
    if (unit && unit[0] && strcmp(unit, "1"))
        snprintf(buf, size, "%s (%s)", name, unit);
    else
        snprintf(buf, size, "%s", name);
}

const char *ts_aout_fmt(char *buf, size_t size, double x)
{
    if (!isfinite(x))
        buf[0] = '\0';
    else
        snprintf(buf, size, "%.6g", x + 0.0);
    return buf;
}
