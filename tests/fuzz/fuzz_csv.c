/*
 * libFuzzer target for the propagate CSV reader (cli/cmd_propagate.c:
 * header check, cut_chunks, parse_row, run_chunk and the formatter), its
 * static functions included as STYLE.md says.
 *
 * Input: a whole STATES.csv.  Independent truths checked: a chunk either
 * reports an error with a line inside the chunk and a message, or formats
 * exactly one output row per non-blank input line, each row five fields
 * that csvio reads back as finite numbers.
 * Inputs are capped at 4 KB (about 40 rows): propagation is not the
 * subject here.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "../../cli/cmd_propagate.c"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *end = buf + size;
    const char *nl = memchr(buf, '\n', size);
    const char *he = nl ? nl : end;
    const char *hl = (he > buf && he[-1] == '\r') ? he - 1 : he;
    if ((size_t)(hl - buf) != strlen(HEADER_IN) || memcmp(buf, HEADER_IN, strlen(HEADER_IN))) {
        free(buf);
        return 0;
    }
    const char *body = nl ? nl + 1 : end;
    chunk *c = NULL;
    const int nc = cut_chunks(body, end, &c);
    if (nc < 0)
        abort();
    ts_earth earth;
    ts_earth_init(&earth, TS_EARTH_WGS84, 1);
    for (int i = 0; i < nc; i++) {
        run_chunk(&earth, &c[i]);
        int rows = 0, lines = 0;
        for (const char *p = c[i].begin; p < c[i].end;) {
            const char *eol = memchr(p, '\n', (size_t)(c[i].end - p));
            if (!eol)
                eol = c[i].end;
            const char *le = (eol > p && eol[-1] == '\r') ? eol - 1 : eol;
            rows += le > p;
            lines++;
            p = eol + 1;
        }
        if (c[i].err) {
            if (!c[i].msg[0] || c[i].err_line < 1 || c[i].err_line > lines || c[i].err_col < 0)
                abort();
            continue;
        }
        int got = 0;
        for (const char *p = c[i].out, *oe = c[i].out + c[i].out_len; p < oe; got++) {
            const char *eol = memchr(p, '\n', (size_t)(oe - p));
            if (!eol)
                abort(); /* every row ends in a newline */
            long long id;
            const char *q = ts_csv_parse_long(p, eol, &id);
            for (int k = 0; k < 4; k++) {
                if (!q || *q != ',')
                    abort();
                double v;
                q = ts_csv_parse_double(q + 1, eol, &v);
                if (!q || !isfinite(v))
                    abort();
            }
            if (q != eol)
                abort();
            p = eol + 1;
        }
        if (got != rows)
            abort();
    }
    for (int i = 0; i < nc; i++)
        free(c[i].out);
    free(c);
    free(buf);
    return 0;
}
