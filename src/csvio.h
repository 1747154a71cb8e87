/*
 * Fast decimal conversion for large CSV files (csvio.c): the batch
 * propagation command (benchmark B1) spends as long converting numbers as
 * propagating with libc's strtod and printf.  Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_CSVIO_H
#define TS_CSVIO_H

/* Bytes ts_csv_format_double may write from buf: the text (at most 22:
 * sign, 15 digits, point, exponent) and scratch after it (fixed-size
 * copies), which later output overwrites. */
#define TS_CSV_NUMBER_MAX 40

/* Parses a decimal number [+|-]digits[.digits][(e|E)[+|-]digits] (at least
 * one digit; no spaces, no inf or nan) at p, reading no further than end.
 * Returned: *out, and the end of the number; NULL when there is no number
 * at p or it overflows a double.  The stop byte is not checked (the caller
 * expects a separator there).  Accuracy: correctly rounded when the digits
 * form an integer below 2^53 times a power of ten up to 10^22 (every number
 * with up to 15 significant digits and a modest exponent); otherwise the
 * text is handed to strtod (correctly rounded as well). */
const char *ts_csv_parse_double(const char *p, const char *end, double *out);

/* Parses a decimal integer [+|-]digits of up to 18 digits at p.  Returned:
 * *out and the end; NULL when there is none or it is too long. */
const char *ts_csv_parse_long(const char *p, const char *end, long long *out);

/* Writes x (finite) with 15 significant digits, trailing zeros dropped, in
 * plain notation when 1e-5 <= |x| < 1e15 and with an exponent otherwise;
 * no terminating NUL.  Returned: the end of the text (at most
 * TS_CSV_NUMBER_MAX bytes).  Reading the text back gives x to within
 * 6.3e-15 relative (0.5 unit in the 15th digit plus the scaling's rounding).
 * buf must have TS_CSV_NUMBER_MAX bytes of room.  Non-finite values (which
 * callers never print) come out as "nan"/"inf". */
char *ts_csv_format_double(char *buf, double x);

/* Writes a decimal integer; returns the end (at most 21 bytes). */
char *ts_csv_format_long(char *buf, long long v);

#endif /* TS_CSVIO_H */
