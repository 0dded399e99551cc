/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lifecycle telemetry from BPF (bpf/trace.bpf.c): exec, fork/clone and exit
 * of the tasks in one container's cgroup, delivered to the exporter
 * (hy_telemetry_emit) by a consumer thread. Needs root and a kernel that
 * loads tp_btf programs; when hy_trace_start() fails the caller carries on
 * without these events ("tracing unavailable"), nothing is left loaded.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "telemetry.h"

/* Default ring buffer size: issue 5 measured drops below 256 KiB (consumer vCPU
 * paused). --events-ring-size picks another power of two >= the page size. */
#define HY_TRACE_RING_BYTES (256u * 1024)
#define HY_TRACE_RING_MAX (1u << 30)
/* Longest a lone event waits in the ring before the consumer picks it up. */
#define HY_TRACE_POLL_MS 50

struct hy_trace;

struct hy_trace_config {
	uint64_t cgid;       /* the container's cgroup v2 id */
	uint32_t ring_bytes; /* 0: HY_TRACE_RING_BYTES; else a power of two, page multiple */
	bool has_syscalls;   /* also attach sys_enter/sys_exit (--trace-syscalls) */
	/* Optional: also handed each fork, exec and task_exit event and each
	 * `lost` event, in ring order, from the consumer thread (the task set). */
	void (*on_task)(void *ctx, const struct hy_evt_hdr *ev);
	void *task_ctx;
};

/*
 * Load and attach the trace programs for the container cfg->cgid (the
 * per-syscall ones only with cfg->has_syscalls: they cost every task on the
 * host) and start the consumer thread (all signals blocked in it). Events are
 * held in the ring until hy_trace_deliver(), so the exporter's `start` event
 * can come first. Returns 0, or -errno with err filled.
 */
int hy_trace_start(struct hy_trace **ret, const struct hy_trace_config *cfg,
		   struct hy_telemetry *tel, struct hy_err *err);
/*
 * Also consume a second producer's ring: ring_fd, a BPF ring buffer of
 * hy_evt_* records (e.g. hy_lsm_ring_fd()), whose losses are counted in
 * counters_fd (per-CPU struct hy_trace_counters, key 0; hy_lsm_counters_fd())
 * and reported in the same `lost` events. At most one; call before
 * hy_trace_deliver(), and keep both fds open until hy_trace_stop() returns.
 * Returns 0 or -errno with err filled.
 */
int hy_trace_add_ring(struct hy_trace *t, int ring_fd, int counters_fd, struct hy_err *err);
/*
 * Sum of the kernel-side counters (events submitted to, and lost at, every
 * ring consumed) for `hybox stats`. Callable from any thread while t lives.
 * Returns 0 or -errno.
 */
int hy_trace_read_counters(struct hy_trace *t, struct hy_trace_counters *ret);
/*
 * Syscalls of the container by number since tracing started, summed over the
 * CPUs: counts[nr], and counts[HY_SYS_NR_OTHER] for the rest (bpf/abi/events.h).
 * Any thread. Returns 0, -ENODATA without has_syscalls, or -errno.
 */
int hy_trace_read_syscalls(struct hy_trace *t, uint64_t counts[HY_SYS_NR_SLOTS]);
/* Wait (at most timeout_ms) until the consumer has taken every event
 * submitted before the call: a reader of the task set sees forks that
 * happened before it asked. 0, -EAGAIN (not delivering) or -ETIMEDOUT. */
int hy_trace_sync(struct hy_trace *t, int timeout_ms);
/* Start passing events to the exporter. */
void hy_trace_deliver(struct hy_trace *t);
/*
 * Detach, drain what the ring still holds, report kernel-side losses as a
 * `lost` event, and free everything. Call once the container's tasks are gone
 * and before its `exit` event, so the container's events precede it. NULL: no-op.
 */
void hy_trace_stop(struct hy_trace *t);
