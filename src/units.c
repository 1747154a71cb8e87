/*
 * Quantities with units and geographic positions, parsed at the edge
 * (scenario files, command-line options) into SI and radians.
 *
 * Conversion factors: NIST SP 811 (2008), appendix B.8/B.9: international
 * nautical mile 1852 m, foot 0.3048 m, statute mile 1609.344 m, knot
 * 1852/3600 m/s, pound 0.45359237 kg, pound-force 4.4482216152605 N.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    double to_si;
} unit_def;

/* Units accepted per kind; the first is the SI unit (shown in messages). */
static const unit_def length_units[] = {
    {"m", 1.0}, {"km", 1e3}, {"nmi", 1852.0}, {"NM", 1852.0}, {"ft", 0.3048},
    {"mi", 1609.344}, {NULL, 0}};
static const unit_def speed_units[] = {
    {"m/s", 1.0}, {"km/s", 1e3}, {"km/h", 1.0 / 3.6}, {"kn", 1852.0 / 3600.0},
    {"ft/s", 0.3048}, {NULL, 0}};
static const unit_def time_units[] = {
    {"s", 1.0}, {"ms", 1e-3}, {"min", 60.0}, {"h", 3600.0}, {NULL, 0}};
static const unit_def angle_units[] = {
    {"rad", 1.0}, {"deg", TS_DEG}, {"\xc2\xb0", TS_DEG}, {"mrad", 1e-3}, {NULL, 0}};
static const unit_def mass_units[] = {
    {"kg", 1.0}, {"t", 1e3}, {"g", 1e-3}, {"lb", 0.45359237}, {NULL, 0}};
static const unit_def force_units[] = {
    {"N", 1.0}, {"kN", 1e3}, {"MN", 1e6}, {"lbf", 4.4482216152605}, {NULL, 0}};
static const unit_def area_units[] = {
    {"m^2", 1.0}, {"m2", 1.0}, {"km^2", 1e6}, {"km2", 1e6}, {"cm^2", 1e-4},
    {"cm2", 1e-4}, {"ha", 1e4}, {NULL, 0}};
static const unit_def power_units[] = {
    {"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}, {NULL, 0}};
static const unit_def frequency_units[] = {
    {"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0}};
static const unit_def ratio_units[] = {{"", 1.0}, {"%", 0.01}, {NULL, 0}};

static const struct {
    const char *what; /* for messages: "a speed" */
    const unit_def *units;
} kinds[] = {
    [TS_Q_LENGTH] = {"a length", length_units},
    [TS_Q_SPEED] = {"a speed", speed_units},
    [TS_Q_TIME] = {"a time", time_units},
    [TS_Q_ANGLE] = {"an angle", angle_units},
    [TS_Q_MASS] = {"a mass", mass_units},
    [TS_Q_FORCE] = {"a force", force_units},
    [TS_Q_AREA] = {"an area", area_units},
    [TS_Q_POWER] = {"a power", power_units},
    [TS_Q_FREQUENCY] = {"a frequency", frequency_units},
    [TS_Q_RATIO] = {"a number", ratio_units},
};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

const char *ts_quantity_si_unit(ts_quantity_kind kind)
{
    if ((int)kind < 0 || (int)kind >= N_KINDS)
        return "?";
    return kinds[kind].units[0].name;
}

/* "m, km, nmi, ..." for messages. */
static void unit_list(ts_quantity_kind kind, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const unit_def *u = kinds[kind].units; u->name; u++) {
        if (!u->name[0])
            continue;
        if (buf[0])
            strncat(buf, ", ", len - strlen(buf) - 1);
        strncat(buf, u->name, len - strlen(buf) - 1);
    }
}

/* Parses a decimal number with optional sign, fraction, exponent and
 * thousands separators when `grouping` ("2,000": a comma followed by exactly
 * three digits; off for positions, where "90,180" is two numbers).
 * Returns the number of bytes read, 0 if there is no number. */
static int parse_number(const char *s, int grouping, double *out)
{
    char buf[128];
    size_t n = 0;
    int i = 0;
    if (s[i] == '+' || s[i] == '-')
        buf[n++] = s[i++];
    int digits = 0;
    while (n < sizeof buf - 8) {
        if (isdigit((unsigned char)s[i])) {
            buf[n++] = s[i++];
            digits++;
        } else if (grouping && s[i] == ',' && digits > 0 && isdigit((unsigned char)s[i + 1]) &&
                   isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3]) &&
                   !isdigit((unsigned char)s[i + 4]) && s[i + 4] != '.') {
            i++; /* thousands separator */
        } else {
            break;
        }
    }
    if (s[i] == '.') {
        buf[n++] = s[i++];
        while (isdigit((unsigned char)s[i]) && n < sizeof buf - 8) {
            buf[n++] = s[i++];
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (isdigit((unsigned char)s[i + 1]) ||
         ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
        buf[n++] = s[i++];
        if (s[i] == '+' || s[i] == '-')
            buf[n++] = s[i++];
        while (isdigit((unsigned char)s[i]) && n < sizeof buf - 1)
            buf[n++] = s[i++];
    }
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return i;
}

static int skip_space(const char *s, int i)
{
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return i;
}

static void set_offset(int *bad_offset, int off)
{
    if (bad_offset)
        *bad_offset = off;
}

int ts_quantity_parse(ts_ctx *ctx, const char *text, ts_quantity_kind kind,
                      double *si, int *bad_offset)
{
    char units[160];
    if ((int)kind < 0 || (int)kind >= N_KINDS)
        return ts_error(ctx, TS_EINVAL, "unknown quantity kind %d", (int)kind);
    unit_list(kind, units, sizeof units);
    int i = skip_space(text, 0);
    double value;
    int n = parse_number(text + i, 1, &value);
    if (n == 0) {
        set_offset(bad_offset, i);
        return ts_error(ctx, TS_EUNIT, "expected %s%s%s%s", kinds[kind].what,
                        kind == TS_Q_RATIO ? "" : " with a unit (",
                        kind == TS_Q_RATIO ? "" : units, kind == TS_Q_RATIO ? "" : ")");
    }
    if (!isfinite(value)) {
        set_offset(bad_offset, i);
        return ts_error(ctx, TS_EINVAL, "number out of range");
    }
    const int num_at = i;
    i = skip_space(text, i + n);
    int unit_at = i;
    int end = (int)strlen(text);
    while (end > unit_at && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        end--;
    int len = end - unit_at;
    for (const unit_def *u = kinds[kind].units; u->name; u++) {
        if ((int)strlen(u->name) == len && strncmp(text + unit_at, u->name, (size_t)len) == 0) {
            /* "1e308 km": a finite number whose SI value is not */
            if (!isfinite(value * u->to_si)) {
                set_offset(bad_offset, num_at);
                return ts_error(ctx, TS_EINVAL, "number out of range");
            }
            *si = value * u->to_si;
            return TS_OK;
        }
    }
    set_offset(bad_offset, unit_at);
    if (len == 0)
        return ts_error(ctx, TS_EUNIT, "missing unit: expected %s in %s", kinds[kind].what, units);
    if (kind == TS_Q_RATIO)
        return ts_error(ctx, TS_EUNIT, "expected a plain number or a percentage, not '%.*s'",
                        len, text + unit_at);
    return ts_error(ctx, TS_EUNIT, "unknown unit '%.*s' for %s (expected %s)", len,
                    text + unit_at, kinds[kind].what, units);
}

/* One coordinate: number, optional "deg" or degree sign, optional hemisphere
 * letter among `hemis` ("NS" or "EW"; S and W negate).  Returns the index
 * after it, or -1 with the error recorded on ctx. */
static int parse_coord(ts_ctx *ctx, const char *text, int i, const char *hemis,
                       const char *what, double *deg, int *bad_offset)
{
    i = skip_space(text, i);
    int n = parse_number(text + i, 0, deg);
    if (n == 0) {
        set_offset(bad_offset, i);
        ts_error(ctx, TS_EINVAL, "expected the %s in decimal degrees", what);
        return -1;
    }
    int num_at = i;
    i = skip_space(text, i + n);
    if (strncmp(text + i, "deg", 3) == 0)
        i = skip_space(text, i + 3);
    else if (strncmp(text + i, "\xc2\xb0", 2) == 0)
        i = skip_space(text, i + 2);
    char c = (char)toupper((unsigned char)text[i]);
    if (c && strchr("NSEW", c) && !isalpha((unsigned char)text[i + 1])) {
        if (!strchr(hemis, c)) {
            set_offset(bad_offset, i);
            ts_error(ctx, TS_EINVAL, "'%c' where the %s's hemisphere (%c or %c) "
                     "belongs: give latitude first", text[i], what, hemis[0], hemis[1]);
            return -1;
        }
        if (*deg < 0) {
            set_offset(bad_offset, num_at);
            ts_error(ctx, TS_EINVAL, "negative %s with a hemisphere letter", what);
            return -1;
        }
        if (c == 'S' || c == 'W')
            *deg = -*deg;
        i++;
    } else if (isalpha((unsigned char)text[i])) {
        set_offset(bad_offset, i);
        ts_error(ctx, TS_EINVAL, "'%c' after the %s is not a hemisphere (%c or %c)",
                 text[i], what, hemis[0], hemis[1]);
        return -1;
    }
    return i;
}

int ts_latlon_parse(ts_ctx *ctx, const char *text, double *lat_rad, double *lon_rad,
                    int *bad_offset)
{
    double lat, lon;
    int i = parse_coord(ctx, text, 0, "NS", "latitude", &lat, bad_offset);
    if (i < 0)
        return TS_EINVAL;
    i = skip_space(text, i);
    if (text[i] == ',')
        i++;
    int lon_at = skip_space(text, i);
    i = parse_coord(ctx, text, i, "EW", "longitude", &lon, bad_offset);
    if (i < 0)
        return TS_EINVAL;
    i = skip_space(text, i);
    if (text[i]) {
        set_offset(bad_offset, i);
        return ts_error(ctx, TS_EINVAL, "unexpected '%s' after the position "
                        "(expected \"LAT,LON\" or \"54.48N 17.11E\")", text + i);
    }
    if (!(fabs(lat) <= 90.0)) {
        set_offset(bad_offset, 0);
        return ts_error(ctx, TS_EINVAL, "latitude %g deg is outside -90..90", lat);
    }
    if (!(fabs(lon) <= 180.0)) {
        set_offset(bad_offset, lon_at);
        return ts_error(ctx, TS_EINVAL, "longitude %g deg is outside -180..180", lon);
    }
    *lat_rad = lat * TS_DEG;
    *lon_rad = lon * TS_DEG;
    return TS_OK;
}
