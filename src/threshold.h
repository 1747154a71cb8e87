/*
 * The decision of threshold.c's sampled check, for its tests.  Private to
 * the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_THRESHOLD_H
#define TS_THRESHOLD_H

typedef enum {
    TS_THR_ONE_CHANGE = 0, /* changes once: between samples *at and *at + 1 */
    TS_THR_BOTH_ENDS,      /* holds at both ends */
    TS_THR_NEITHER_END,    /* holds at neither end */
    TS_THR_NOT_MONOTONE    /* ends differ, but it changes more than once */
} ts_thr_shape;

/* holds[0..n): whether the condition holds at n increasing samples (n >= 2). */
ts_thr_shape ts_threshold_classify(const int *holds, int n, int *at);

#endif
