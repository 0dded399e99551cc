// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace consumer's lifetime (see evtrace.h). The lock is held across
 * hy_trace_start() (tens of ms: program loading), so a container that ends
 * meanwhile waits for the load to finish before it stops the consumer; no
 * event path takes this lock.
 */
#define LOG_PREFIX "evtrace: "
#include "evtrace.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "util.h"

void hy_evtrace_init(struct hy_evtrace *et, const struct hy_trace_config *cfg,
		     struct hy_telemetry *tel, int lsm_ring_fd, int lsm_counters_fd)
{
	*et = (struct hy_evtrace){ .tel = tel, .cfg = *cfg, .lsm_ring_fd = lsm_ring_fd,
				   .lsm_counters_fd = lsm_counters_fd };
	pthread_mutex_init(&et->lock, NULL);
}

static int start_locked(struct hy_evtrace *et)
{
	struct hy_err err = { 0 };
	int r;

	if (et->trace)
		return 0;
	if (et->is_stopped)
		return -ESRCH;
	if (et->has_failed)
		return -EAGAIN;
	r = hy_trace_start(&et->trace, &et->cfg, et->tel, &err);
	/* The LSM's policy events reach the exporter only through the trace consumer. */
	if (r == 0 && et->lsm_ring_fd >= 0)
		r = hy_trace_add_ring(et->trace, et->lsm_ring_fd, et->lsm_counters_fd, &err);
	if (r < 0) {
		hy_trace_stop(et->trace);
		et->trace = NULL;
		et->has_failed = true;
		strscpy(et->failure, err.msg, sizeof(et->failure));
		return r;
	}
	if (et->is_delivering)
		hy_trace_deliver(et->trace);
	pr_debug("trace consumer started (cgroup %llu)", (unsigned long long)et->cfg.cgid);
	return 0;
}

int hy_evtrace_start(struct hy_evtrace *et)
{
	int r;

	if (!et->tel)
		return -ENODEV;
	pthread_mutex_lock(&et->lock);
	r = start_locked(et);
	pthread_mutex_unlock(&et->lock);
	return r;
}

void hy_evtrace_deliver(struct hy_evtrace *et)
{
	if (!et->tel)
		return;
	pthread_mutex_lock(&et->lock);
	et->is_delivering = true;
	hy_trace_deliver(et->trace);
	pthread_mutex_unlock(&et->lock);
}

int hy_evtrace_sync(struct hy_evtrace *et, int timeout_ms)
{
	int r = -ENODEV;
	if (!et->tel)
		return r;
	pthread_mutex_lock(&et->lock);
	if (et->trace)
		r = hy_trace_sync(et->trace, timeout_ms);
	pthread_mutex_unlock(&et->lock);
	return r;
}

int hy_evtrace_counters(struct hy_evtrace *et, struct hy_trace_counters *ret)
{
	int r = -ENODEV;

	if (!et->tel)
		return r;
	pthread_mutex_lock(&et->lock);
	if (et->trace)
		r = hy_trace_read_counters(et->trace, ret);
	pthread_mutex_unlock(&et->lock);
	return r;
}

int hy_evtrace_syscalls(struct hy_evtrace *et, uint64_t counts[HY_SYS_NR_SLOTS])
{
	int r = -ENODEV;

	if (!et->tel)
		return r;
	pthread_mutex_lock(&et->lock);
	if (et->trace)
		r = hy_trace_read_syscalls(et->trace, counts);
	pthread_mutex_unlock(&et->lock);
	return r;
}

void hy_evtrace_stop(struct hy_evtrace *et)
{
	if (!et->tel)
		return;
	pthread_mutex_lock(&et->lock);
	hy_trace_stop(et->trace);
	et->trace = NULL;
	et->is_stopped = true;
	pthread_mutex_unlock(&et->lock);
}

void hy_evtrace_fini(struct hy_evtrace *et)
{
	if (!et->tel)
		return;
	hy_evtrace_stop(et);
	pthread_mutex_destroy(&et->lock);
	et->tel = NULL;
}
