/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When the container's BPF trace consumer (trace.h) runs: from the start
 * when the --events sink takes a kind only BPF makes (exec, fork, task_exit,
 * policy from the LSM ring), else on the first `hybox events` follower that
 * asks for one, or never (no cost for a run nobody watches). Started at most
 * once, stopped once, from whichever thread; one lock. Runs as root in the
 * supervisor; prints nothing (callers get the failure text).
 */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "trace.h"

struct hy_evtrace {
	pthread_mutex_t lock;
	struct hy_trace *trace; /* NULL: not running */
	struct hy_telemetry *tel;
	struct hy_trace_config cfg;
	int lsm_ring_fd, lsm_counters_fd; /* -1: no LSM ring to consume */
	bool is_delivering;               /* the container's `start` is out */
	bool is_stopped;
	bool has_failed;
	char failure[512]; /* why it could not start */
};

/* A zeroed struct hy_evtrace is valid and inert (every call a no-op) until init.
 * lsm_ring_fd/lsm_counters_fd: the BPF LSM road's ring, or -1 (borrowed; must
 * outlive hy_evtrace_stop()). */
void hy_evtrace_init(struct hy_evtrace *et, const struct hy_trace_config *cfg,
		     struct hy_telemetry *tel, int lsm_ring_fd, int lsm_counters_fd);
/*
 * Start the consumer unless it runs, has stopped or has failed before.
 * Returns 0, or -errno with the reason in et->failure (also later calls).
 */
int hy_evtrace_start(struct hy_evtrace *et);
/* Let the consumer pass events on (after `start`); later starts deliver at once. */
void hy_evtrace_deliver(struct hy_evtrace *et);
/* hy_trace_sync() of the running consumer; -ENODEV when none runs. */
int hy_evtrace_sync(struct hy_evtrace *et, int timeout_ms);
/* Kernel-side counters; -ENODEV when the consumer is not running. */
int hy_evtrace_counters(struct hy_evtrace *et, struct hy_trace_counters *ret);
/* Syscalls by number (hy_trace_read_syscalls); -ENODEV when not running. */
int hy_evtrace_syscalls(struct hy_evtrace *et, uint64_t counts[HY_SYS_NR_SLOTS]);
/* Drain and stop for good (see hy_trace_stop); idempotent. */
void hy_evtrace_stop(struct hy_evtrace *et);
void hy_evtrace_fini(struct hy_evtrace *et);
