/*
 * Fast decimal conversion for large CSV files.
 *
 * Parsing: digits are gathered into a 64-bit integer m (19 significant
 * digits at most) and a decimal exponent q; when m <= 2^53 and |q| <= 22,
 * both m and 10^|q| are exact doubles, so one correctly rounded
 * multiplication or division gives the correctly rounded value (Clinger,
 * "How to read floating point numbers accurately", PLDI 1990,
 * doi:10.1145/93542.93557, the "fast path").  Any other number (more than
 * 15 to 16 significant digits, or a large exponent) is passed to strtod on a
 * copy of its text.
 *
 * Formatting: x is scaled by an exact power of ten into [1e14, 1e15) and
 * rounded to an integer (llrint), whose 15 digits are written two at a time
 * from a table; the power comes from the binary exponent, floor(e2 log10 2),
 * which is floor(log10 x) or one less (then the scaling is redone).  The one rounding of the scaling (0.5 ulp of a number below
 * 1e15, i.e. at most 0.0625) adds to the half unit of the last digit; the
 * text reads back within 6.3e-15 relative.  Magnitudes whose scale factor is
 * not an exact double (|x| < 1e-8 or >= 1e36) go through snprintf("%.15g").
 * Both directions depend only on IEEE arithmetic, so the bytes are the same
 * on every machine.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include "csvio.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10^0 .. 10^22: every one an exact double (5^22 < 2^53). */
static const double P10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline int is_digit(char c)
{
    return (unsigned)(c - '0') < 10u;
}

const char *ts_csv_parse_double(const char *p, const char *end, double *out)
{
    const char *start = p;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    uint64_t m = 0;
    int nsig = 0, q = 0, ndig = 0, dropped = 0;
    for (; p < end && is_digit(*p); p++, ndig++) {
        const unsigned d = (unsigned)(*p - '0');
        if (nsig < 19) {
            m = m * 10 + d;
            nsig += m != 0; /* leading zeros are not significant */
        } else {
            q++;
            dropped |= d != 0;
        }
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && is_digit(*p); p++, ndig++) {
            const unsigned d = (unsigned)(*p - '0');
            if (nsig < 19) {
                m = m * 10 + d;
                nsig += m != 0;
                q--;
            } else {
                dropped |= d != 0;
            }
        }
    }
    if (ndig == 0)
        return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, ex = 0, nexp = 0;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        for (; p < end && is_digit(*p); p++, nexp++)
            if (ex < 100000)
                ex = ex * 10 + (*p - '0');
        if (nexp == 0)
            return NULL;
        q += eneg ? -ex : ex;
    }
    double v;
    if (m == 0) {
        v = 0.0;
    } else if (!dropped && m <= (UINT64_C(1) << 53) && q >= -22 && q <= 22) {
        v = (double)m; /* exact */
        v = q < 0 ? v / P10[-q] : v * P10[q];
    } else {
        char buf[512];
        const size_t len = (size_t)(p - start);
        if (len >= sizeof buf)
            return NULL;
        memcpy(buf, start, len);
        buf[len] = '\0';
        v = fabs(strtod(buf, NULL));
    }
    if (!isfinite(v))
        return NULL;
    *out = neg ? -v : v;
    return p;
}

const char *ts_csv_parse_long(const char *p, const char *end, long long *out)
{
    int neg = 0, nd = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    long long v = 0;
    for (; p < end && is_digit(*p); p++, nd++) {
        if (nd >= 18)
            return NULL;
        v = v * 10 + (*p - '0');
    }
    if (nd == 0)
        return NULL;
    *out = neg ? -v : v;
    return p;
}

/* "00" .. "99" */
static const char DIGITS2[201] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";

/* Writes the n low decimal digits of v (leading zeros kept) into d[0..n-1]. */
static void digits(uint64_t v, int n, char *d)
{
    while (n >= 2) {
        const unsigned r = (unsigned)(v % 100);
        v /= 100;
        n -= 2;
        d[n] = DIGITS2[2 * r];
        d[n + 1] = DIGITS2[2 * r + 1];
    }
    if (n == 1)
        d[0] = (char)('0' + v % 10);
}

/* x * 10^k for |k| <= 22 (one rounding). */
static inline double scale10(double x, int k)
{
    return k >= 0 ? x * P10[k] : x / P10[-k];
}

char *ts_csv_format_double(char *b, double x)
{
    enum { P = 15 }; /* significant digits */
    if (x == 0.0) {
        *b++ = '0';
        return b;
    }
    if (!isfinite(x)) {
        const char *s = isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
        const size_t n = strlen(s);
        memcpy(b, s, n);
        return b + n;
    }
    if (x < 0.0) {
        *b++ = '-';
        x = -x;
    }
    /* decimal exponent from the binary one: floor(log10 x), or one low */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    const int e2 = (int)((bits >> 52) & 0x7ff) - 1023; /* x in [2^e2, 2^(e2+1)) */
    int e10 = (int)floor(e2 * 0.30102999566398120);     /* log10(2) */
    if (e2 < -1022 || e10 < -8 || e10 > 35) {           /* 10^k not exact */
        const int n = snprintf(b, TS_CSV_NUMBER_MAX, "%.15g", x);
        return b + (n > 0 ? n : 0);
    }
    int k = P - 1 - e10; /* -21 <= k <= 22 */
    int64_t m = llrint(scale10(x, k));
    if (m >= 1000000000000000LL) { /* the estimate was one low */
        e10++;
        k--;
        m = llrint(scale10(x, k));
        if (m >= 1000000000000000LL) { /* 99..9.5 rounded up to 10^15 */
            e10++;
            m /= 10; /* exact */
        }
    }
    char d[P];
    digits((uint64_t)m, P, d);
    int nz = P;
    while (nz > 1 && d[nz - 1] == '0')
        nz--;
    if (e10 >= 0 && e10 < P) { /* ddd.ddd */
        memcpy(b, d, (size_t)e10 + 1);
        b += e10 + 1;
        if (nz > e10 + 1) {
            *b++ = '.';
            memcpy(b, d + e10 + 1, (size_t)(nz - e10 - 1));
            b += nz - e10 - 1;
        }
    } else if (e10 < 0 && e10 >= -5) { /* 0.000ddd */
        *b++ = '0';
        *b++ = '.';
        for (int i = 0; i < -e10 - 1; i++)
            *b++ = '0';
        memcpy(b, d, (size_t)nz);
        b += nz;
    } else { /* d.ddde+XX */
        *b++ = d[0];
        if (nz > 1) {
            *b++ = '.';
            memcpy(b, d + 1, (size_t)nz - 1);
            b += nz - 1;
        }
        *b++ = 'e';
        *b++ = e10 < 0 ? '-' : '+';
        const int ae = abs(e10);
        if (ae >= 100)
            *b++ = (char)('0' + ae / 100);
        *b++ = (char)('0' + ae / 10 % 10);
        *b++ = (char)('0' + ae % 10);
    }
    return b;
}

char *ts_csv_format_long(char *b, long long v)
{
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        *b++ = '-';
        u = 0 - u;
    }
    int n = 1;
    for (uint64_t t = u; t >= 10; t /= 10)
        n++;
    digits(u, n, b);
    return b + n;
}
