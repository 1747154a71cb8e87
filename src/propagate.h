/*
 * Private declarations of the ballistic propagator (propagate.c) for the
 * command line and the tests: work counters of a batch.  Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_PROPAGATE_H
#define TS_PROPAGATE_H

#include "thirdsite.h"

/* States propagated side by side in ts_propagate_ballistic_batch (SIMD
 * lanes of the Runge-Kutta-Nystrom step). */
#define TS_PROP_LANES 8

/* Work done, summed over the states of a call. */
typedef struct {
    long n_traj;   /* states propagated */
    long n_steps;  /* Runge-Kutta-Nystrom steps, rejected ones included */
    long n_reject; /* rejected steps */
    long n_fev;    /* right-hand-side (gravity) evaluations */
} ts_prop_stats;

/* ts_propagate_ballistic_batch, adding its work to *stats (may be NULL). */
int ts_propagate_ballistic_batch_stats(const ts_earth *earth, double t0_s, int n,
                                       const ts_state *s0_eci,
                                       const ts_flight_opts *opts,
                                       ts_event *impacts, int *status,
                                       ts_prop_stats *stats);

/* ts_propagate_ballistic, adding its work to *stats (may be NULL). */
int ts_propagate_ballistic_stats(const ts_earth *earth, double t0_s,
                                 const ts_state *s0_eci, const ts_flight_opts *opts,
                                 ts_traj *traj, ts_event *impact,
                                 ts_prop_stats *stats);

#endif /* TS_PROPAGATE_H */
