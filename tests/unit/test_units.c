/*
 * Quantities with units and positions (units.c).  Truth: the definitions of
 * NIST SP 811 (2008) appendix B; expected offsets are counted by hand.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "ts_internal.h"

static const struct {
    const char *text;
    ts_quantity_kind kind;
    double si; /* expected SI value */
} good[] = {
    {"7.2 km/s", TS_Q_SPEED, 7200.0},
    {"7.2km/s", TS_Q_SPEED, 7200.0},
    {"2,000 km", TS_Q_LENGTH, 2.0e6},
    {"  120 s ", TS_Q_TIME, 120.0},
    {"4 min", TS_Q_TIME, 240.0},
    {"-12.5 deg", TS_Q_ANGLE, -12.5 * TS_PI / 180.0},
    {"1.5e3 m", TS_Q_LENGTH, 1500.0},
    {"16.2 t", TS_Q_MASS, 16200.0},
    {"627 kN", TS_Q_FORCE, 627000.0},
    {"0.01 m^2", TS_Q_AREA, 0.01},
    {"42.5 kW", TS_Q_POWER, 42500.0},
    {"9.5 GHz", TS_Q_FREQUENCY, 9.5e9},
    {"0.8", TS_Q_RATIO, 0.8},
    {"80%", TS_Q_RATIO, 0.8},
    {"1 NM", TS_Q_LENGTH, 1852.0},         /* NIST SP 811 B.9 */
    {"10000 ft", TS_Q_LENGTH, 3048.0},     /* NIST SP 811 B.9 */
};

Test(units, good_quantities)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double got = -1;
        int st = ts_quantity_parse(NULL, good[i].text, good[i].kind, &got, NULL);
        cr_assert_eq(st, TS_OK, "'%s': status %d", good[i].text, st);
        cr_assert(fabs(got - good[i].si) <= 1e-12 * fabs(good[i].si),
                  "'%s': want %.17g got %.17g", good[i].text, good[i].si, got);
    }
}

static const struct {
    const char *text;
    ts_quantity_kind kind;
    int offset;        /* byte offset of the fault */
    const char *words; /* must appear in the message */
} bad[] = {
    {"7.2", TS_Q_SPEED, 3, "missing unit"},
    {"7.2 km", TS_Q_SPEED, 4, "unknown unit 'km'"},
    {"fast", TS_Q_SPEED, 0, "expected a speed"},
    {"120 sec", TS_Q_TIME, 4, "unknown unit 'sec'"},
    {"", TS_Q_LENGTH, 0, "expected a length"},
    {"0.8 m", TS_Q_RATIO, 4, "plain number"},
};

Test(units, bad_quantities_point_at_the_fault)
{
    ts_ctx *ctx = ts_ctx_create();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double got;
        int off = -1;
        int st = ts_quantity_parse(ctx, bad[i].text, bad[i].kind, &got, &off);
        cr_assert(st < 0, "'%s' accepted", bad[i].text);
        cr_assert_eq(off, bad[i].offset, "'%s': offset want %d got %d", bad[i].text,
                     bad[i].offset, off);
        cr_assert(strstr(ts_ctx_message(ctx), bad[i].words), "'%s': message '%s' lacks '%s'",
                  bad[i].text, ts_ctx_message(ctx), bad[i].words);
    }
    ts_ctx_free(ctx);
}

static const struct {
    const char *text;
    double lat_deg, lon_deg;
} good_pos[] = {
    {"54.48N 17.11E", 54.48, 17.11},
    {"54.48N,17.11E", 54.48, 17.11},
    {"38.951, -77.013", 38.951, -77.013},
    {"38.951 N, 77.013 W", 38.951, -77.013},
    {"33.9S 151.2E", -33.9, 151.2},
    {"90,180", 90, 180},
    {"54.48 deg, -17.11 deg", 54.48, -17.11},
    {"49.63\xc2\xb0N 13.77\xc2\xb0" "E", 49.63, 13.77},
};

Test(units, positions)
{
    for (size_t i = 0; i < sizeof good_pos / sizeof good_pos[0]; i++) {
        double lat, lon;
        int st = ts_latlon_parse(NULL, good_pos[i].text, &lat, &lon, NULL);
        cr_assert_eq(st, TS_OK, "'%s': status %d", good_pos[i].text, st);
        cr_assert(fabs(lat / TS_DEG - good_pos[i].lat_deg) < 1e-12, "'%s' lat %.15g",
                  good_pos[i].text, lat / TS_DEG);
        cr_assert(fabs(lon / TS_DEG - good_pos[i].lon_deg) < 1e-12, "'%s' lon %.15g",
                  good_pos[i].text, lon / TS_DEG);
    }
}

static const struct {
    const char *text;
    int offset;
    const char *words;
} bad_pos[] = {
    {"95,10", 0, "outside -90..90"},
    {"10,190", 3, "outside -180..180"},
    {"17.11E 54.48N", 5, "latitude first"},
    {"-54.48N 17E", 0, "negative latitude"},
    {"54.48", 5, "expected the longitude"},
    {"54.48,17.11,3", 11, "unexpected"},
    {"north", 0, "expected the latitude"},
    {"54.48X 17.11E", 5, "'X' after the latitude is not a hemisphere (N or S)"},
    {"54.48N 17.11Q", 12, "'Q' after the longitude is not a hemisphere (E or W)"},
};

Test(units, bad_positions_point_at_the_fault)
{
    ts_ctx *ctx = ts_ctx_create();
    for (size_t i = 0; i < sizeof bad_pos / sizeof bad_pos[0]; i++) {
        double lat, lon;
        int off = -1;
        int st = ts_latlon_parse(ctx, bad_pos[i].text, &lat, &lon, &off);
        cr_assert(st < 0, "'%s' accepted", bad_pos[i].text);
        cr_assert_eq(off, bad_pos[i].offset, "'%s': offset want %d got %d",
                     bad_pos[i].text, bad_pos[i].offset, off);
        cr_assert(strstr(ts_ctx_message(ctx), bad_pos[i].words),
                  "'%s': message '%s' lacks '%s'", bad_pos[i].text, ts_ctx_message(ctx),
                  bad_pos[i].words);
    }
    ts_ctx_free(ctx);
}

/* Regression (found by the quantity fuzz target's invariant, issue 13): a
 * finite number whose SI value overflows ("1e308 km" = 1e311 m) was
 * accepted as an infinite length.  Refused, pointing at the number. */
Test(units, quantity_overflowing_in_si_is_refused)
{
    static const struct {
        const char *text;
        ts_quantity_kind kind;
        int offset;
    } cases[] = {
        {"1e308 km", TS_Q_LENGTH, 0},
        {"  1.7e308 GHz", TS_Q_FREQUENCY, 2},
        {"2e305 MN", TS_Q_FORCE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = -1;
        int off = -1;
        ts_ctx *ctx = ts_ctx_create();
        int st = ts_quantity_parse(ctx, cases[i].text, cases[i].kind, &got, &off);
        cr_assert_eq(st, TS_EINVAL, "'%s': status %d, want TS_EINVAL", cases[i].text, st);
        cr_assert_eq(off, cases[i].offset, "'%s': offset %d, want %d", cases[i].text, off,
                     cases[i].offset);
        cr_assert(strstr(ts_ctx_message(ctx), "out of range"), "'%s': %s", cases[i].text,
                  ts_ctx_message(ctx));
        cr_assert_eq(got, -1, "'%s': the output was written", cases[i].text);
        ts_ctx_free(ctx);
    }
    /* the largest that fits still parses: 1e305 km = 1e308 m */
    double got = 0;
    cr_assert_eq(ts_quantity_parse(NULL, "1e305 km", TS_Q_LENGTH, &got, NULL), TS_OK);
    cr_assert(fabs(got - 1e308) <= 1e293, "1e305 km: got %.17g", got);
}
