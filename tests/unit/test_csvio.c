/*
 * Fast CSV number conversion (csvio.c).  Truth: glibc's strtod (correctly
 * rounded, ISO C 7.22.1.3 with IEEE 754) for parsing; for formatting, the
 * text read back with strtod must be within 6.3e-15 relative of the value
 * (15 significant digits: half a unit in the last digit plus one rounding
 * of the scaling), and the fixed cases below were written by hand.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ts_internal.h"
#include "csvio.h"

static const char *parse_all(const char *text, double *out)
{
    return ts_csv_parse_double(text, text + strlen(text), out);
}

/* Text that strtod reads too: the fast parser must give the same bits. */
static const char *good[] = {
    "0", "-0", "+1", "1.", ".5", "6378137.0", "2629054.6774", "-3744078.9932",
    "212.6250620", "-3710.9453359", "1e5", "1E-5", "-2.5e+3", "0.000000123456789",
    "123456789012345678", "1234567890123456789012345", /* more than 19 digits */
    "0.1234567890123456789012", "9007199254740993",    /* 2^53 + 1: strtod path */
    "1e-300", "4.9406564584124654e-324", "1.7976931348623157e308", "3.14159265358979323846",
    "00012.50", "7.2e0", "1234567.1234567", "12345678.5", "1.12345678", "9999999.9999999",
    "0.0000001", "5.", "-0.0", "1234567e3",
};

Test(csvio, parse_matches_strtod)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double got = -99.0;
        const char *end = parse_all(good[i], &got);
        const double want = strtod(good[i], NULL);
        cr_assert(end == good[i] + strlen(good[i]), "'%s': stopped at byte %d", good[i],
                  end ? (int)(end - good[i]) : -1);
        cr_assert(memcmp(&got, &want, sizeof got) == 0 || (got == 0.0 && want == 0.0),
                  "'%s': want %.17g got %.17g (diff %g)", good[i], want, got, got - want);
        char row[128];
        const int len = snprintf(row, sizeof row, "%s\r\n0000000000000000000000", good[i]);
        end = ts_csv_parse_double(row, row + len, &got);
        cr_assert(end == row + strlen(good[i]), "'%s' in a row: stopped at %d", good[i],
                  end ? (int)(end - row) : -1);
        cr_assert(memcmp(&got, &want, sizeof got) == 0 || (got == 0.0 && want == 0.0),
                  "'%s' in a row: want %.17g got %.17g", good[i], want, got);
    }
}

/* Random B1-like fields ("%.4f" positions, "%.7f" velocities) and random
 * doubles printed with 6 to 17 digits: bitwise equal to strtod. */
Test(csvio, parse_random_matches_strtod)
{
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    char text[64];
    for (int i = 0; i < 200000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = (double)(s >> 11) / 9007199254740992.0; /* [0, 1) */
        const int kind = i % 4;
        if (kind == 0)
            snprintf(text, sizeof text, "%.4f", (u - 0.5) * 1.4e7);
        else if (kind == 1)
            snprintf(text, sizeof text, "%.7f", (u - 0.5) * 1.5e4);
        else
            snprintf(text, sizeof text, "%.*g", 6 + (int)(s % 12),
                     (u - 0.5) * pow(10.0, (double)((int)(s >> 40) % 40 - 20)));
        double got;
        const char *end = parse_all(text, &got);
        const double want = strtod(text, NULL);
        cr_assert(end == text + strlen(text), "'%s': incomplete parse", text);
        cr_assert(memcmp(&got, &want, sizeof got) == 0 || (got == 0.0 && want == 0.0),
                  "'%s': want %.17g got %.17g", text, want, got);
        /* the same text inside a row, where the eight-digit path applies */
        char row[128];
        const int len = snprintf(row, sizeof row, "%s,1234.5678,-0.25\n", text);
        end = ts_csv_parse_double(row, row + len, &got);
        cr_assert(end == row + strlen(text), "'%s' in a row: stopped at %d", text,
                  end ? (int)(end - row) : -1);
        cr_assert(memcmp(&got, &want, sizeof got) == 0 || (got == 0.0 && want == 0.0),
                  "'%s' in a row: want %.17g got %.17g", text, want, got);
    }
}

/* Not numbers: NULL.  Overflow to infinity: NULL. */
static const char *bad[] = {"", "-", "+", ".", "e5", "-.e1", "1e", "1e+", "abc",
                            "nan", "inf", "1e400", "-1e999", ",5"};

Test(csvio, parse_rejects)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double got = 0;
        cr_assert_null(parse_all(bad[i], &got), "'%s' was accepted as %g", bad[i], got);
    }
}

/* The parser stops at the first byte that is not part of the number and
 * never reads past end. */
Test(csvio, parse_stops_at_separator_and_end)
{
    const char *t = "12.5,7";
    double v;
    const char *e = ts_csv_parse_double(t, t + strlen(t), &v);
    cr_assert(e == t + 4 && v == 12.5, "stopped at %d, value %g", (int)(e - t), v);
    e = ts_csv_parse_double(t, t + 2, &v); /* "12" only */
    cr_assert(e == t + 2 && v == 12.0, "bounded parse: %d, %g", (int)(e - t), v);
    long long id;
    const char *ti = "-42,1";
    e = ts_csv_parse_long(ti, ti + strlen(ti), &id);
    cr_assert(e == ti + 3 && id == -42, "id %lld", id);
    const char *big = "1234567890123456789"; /* 19 digits: refused */
    cr_assert_null(ts_csv_parse_long(big, big + strlen(big), &id));
    const char *frac = "1.5";
    e = ts_csv_parse_long(frac, frac + 3, &id);
    cr_assert(e == frac + 1, "an id stops at the point (the caller rejects it)");
}

/* Hand-written expectations (15 significant digits, zeros dropped). */
static const struct {
    double x;
    const char *text;
} fixed[] = {
    {0.0, "0"},
    {1.0, "1"},
    {-2.5, "-2.5"},
    {6378137.0, "6378137"},
    {2629054.6774, "2629054.6774"},
    {1234.56789012345678, "1234.56789012346"},
    {0.1, "0.1"},
    {1e-5, "0.00001"},
    {1.5e-6, "1.5e-06"},
    {123456789012345.0, "123456789012345"},
    {1e15, "1e+15"},
    {9.999999999999999e14, "1e+15"},
    {-7.25e20, "-7.25e+20"},
    {1e-300, "1e-300"},
};

Test(csvio, format_fixed)
{
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        char buf[TS_CSV_NUMBER_MAX + 1];
        char *e = ts_csv_format_double(buf, fixed[i].x);
        *e = '\0';
        cr_assert_str_eq(buf, fixed[i].text, "%.17g: want '%s' got '%s'", fixed[i].x,
                         fixed[i].text, buf);
    }
    char buf[32];
    *ts_csv_format_long(buf, -9123456789012345678LL) = '\0';
    cr_assert_str_eq(buf, "-9123456789012345678");
    *ts_csv_format_long(buf, 0) = '\0';
    cr_assert_str_eq(buf, "0");
}

/* Round trip: random magnitudes from 1e-320 to 1e300 and B1-like values. */
Test(csvio, format_round_trip)
{
    uint64_t s = 12345;
    double worst = 0.0;
    for (int i = 0; i < 300000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double x;
        if (i % 3 == 0) {
            x = (double)(s >> 11) / 9007199254740992.0 * 1.4e7 - 7e6;
        } else {
            uint64_t bits = s & 0xbfffffffffffffffULL; /* exponent < 1024: finite */
            memcpy(&x, &bits, sizeof x);
        }
        char buf[TS_CSV_NUMBER_MAX + 1];
        char *e = ts_csv_format_double(buf, x);
        cr_assert(e - buf <= TS_CSV_NUMBER_MAX, "%.17g: %d bytes", x, (int)(e - buf));
        *e = '\0';
        const double back = strtod(buf, NULL);
        double rel = x == 0.0 ? fabs(back) : fabs(back - x) / fabs(x);
        if (fabs(x) < 2.3e-308) /* subnormal: absolute */
            rel = fabs(back - x) / 2.3e-308;
        if (rel > worst)
            worst = rel;
        cr_assert(rel <= 6.3e-15, "%.17g -> '%s' -> %.17g: relative error %g", x, buf, back,
                  rel);
    }
    cr_log_info("worst relative round-trip error %g", worst);
}
