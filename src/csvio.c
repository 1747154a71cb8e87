/*
 * Fast decimal conversion for large CSV files.
 *
 * Parsing: the usual form of up to 7 + 7 digits is read eight digits at a
 * time (digits8, below).  Otherwise digits are gathered into a 64-bit
 * integer m (19 significant
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Up to 8 leading decimal digits of the 8 bytes at p, eight at a time with
 * integer arithmetic (SWAR): a byte b = c - '0' is a digit iff b <= 9, i.e.
 * iff neither b nor b + 0x76 has its high bit set; borrows and carries only
 * run towards later bytes, past the first non-digit.  The n digits, shifted
 * to the top (leading zeros below), are combined pairwise by
 * v*10 + (v >> 8), v*100 + (v >> 16), v*10000 + (v >> 32) (Lemire,
 * "Faster integer parsing", 2018; Langdale & Lemire, "Parsing gigabytes of
 * JSON per second", VLDB J. 28 (2019), doi:10.1007/s00778-019-00578-5).
 * Returns n (0..8) and *val. */
static inline int digits8(const char *p, uint64_t *val)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    x -= 0x3030303030303030ULL;
    const uint64_t flag = (x | (x + 0x7676767676767676ULL)) & 0x8080808080808080ULL;
    const int n = flag ? __builtin_ctzll(flag) >> 3 : 8;
    if (n == 0) {
        *val = 0;
        return 0;
    }
    uint64_t v = x << (8 * (8 - n));
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
    v = (v * 10000 + (v >> 32)) & 0x00000000FFFFFFFFULL;
    *val = v;
    return n;
}

/* The common form d{1,7}[.d{0,7}] followed by neither a digit nor an
 * exponent, with 16 bytes readable: at most 14 digits, so the integer is
 * exact and one division by an exact power of ten rounds correctly.
 * Returns the end, or NULL to take the general path. */
static inline const char *parse_short(const char *p, const char *end, double *out)
{
    if (end - p < 16)
        return NULL;
    uint64_t a, f = 0;
    const int n1 = digits8(p, &a);
    if (n1 == 0 || n1 == 8)
        return NULL;
    p += n1;
    int n2 = 0;
    if (*p == '.') {
        n2 = digits8(p + 1, &f);
        if (n2 == 8)
            return NULL;
        p += 1 + n2;
    }
    if (*p == 'e' || *p == 'E')
        return NULL;
    static const uint64_t u10[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    *out = (double)(a * u10[n2] + f) / P10[n2];
    return p;
}
#endif

const char *ts_csv_parse_double(const char *p, const char *end, double *out)
{
    const char *start = p;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    {
        double v;
        const char *q = parse_short(p, end, &v);
        if (q) {
            *out = neg ? -v : v;
            return q;
        }
    }
#endif
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

/* The 8 digits of v < 10^8 at d, as four independent pairs. */
static inline void digits8_out(uint32_t v, char *d)
{
    const uint32_t hi = v / 10000, lo = v % 10000;
    memcpy(d, DIGITS2 + 2 * (hi / 100), 2);
    memcpy(d + 2, DIGITS2 + 2 * (hi % 100), 2);
    memcpy(d + 4, DIGITS2 + 2 * (lo / 100), 2);
    memcpy(d + 6, DIGITS2 + 2 * (lo % 100), 2);
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
    /* the 15 digits at d + 1 (d[0] = '0'), with slack for 16-byte copies */
    char buf[40];
    digits8_out((uint32_t)(m / 100000000), buf);
    digits8_out((uint32_t)(m % 100000000), buf + 8);
    memset(buf + 16, '0', 24);
    const char *d = buf + 1;
    int nz = P;
    while (nz > 1 && d[nz - 1] == '0')
        nz--;
    if (e10 >= 0 && e10 < P) { /* ddd.ddd: two fixed-size copies */
        const int nint = e10 + 1;
        memcpy(b, d, 16);
        if (nz <= nint)
            return b + nint;
        b[nint] = '.';
        memcpy(b + nint + 1, d + nint, 16);
        return b + nz + 1;
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
