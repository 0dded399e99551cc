// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open -> configure -> load -> attach the trace skeleton for one container,
 * and the thread that moves its ring buffer into the exporter. Runs as root
 * in the supervisor; must not print (hy_err only, libbpf's chatter goes to the
 * debug log) and must never block the container: a slow exporter fills the
 * ring, and the kernel counts what it could not queue.
 *
 * Cost: one supervisor serves one container, so each `hybox run --events`
 * loads its own skeleton (5 tp_btf programs verified, a 256 KiB ring, small
 * maps; a few ms, see docs/events.md) and host tasks pay one cgroup-id
 * hash lookup per exec/fork/exit for as long as it runs. Sharing one loaded
 * skeleton across containers (hy_cgroups already holds several ids) needs a
 * long-lived owner of the programs and is future work.
 *
 * Why not ring_buffer__poll(): the producers submit with BPF_RB_NO_WAKEUP,
 * and on a timeout ring_buffer__poll() returns without reading anything, so
 * a lone event would wait for the next forced wakeup. It also cannot be
 * interrupted, which would add up to a poll period to every container's
 * teardown. The thread waits in its own epoll set (ring fd + control
 * eventfd) and always calls ring_buffer__consume() after waking.
 */
#define LOG_PREFIX "trace: "
#include "trace.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_log.h"
#include "log.h"
#include "util.h"

#include "skel/trace.lskel.h"

enum trace_state { TRACE_HELD, TRACE_DELIVER, TRACE_STOP };

struct hy_trace {
	struct trace_bpf *skel;
	struct ring_buffer *rb;
	struct hy_telemetry *tel;
	struct hy_trace_config cfg;
	uint64_t cgid;
	int ctl_fd; /* eventfd: deliver/stop requests */
	int ep_fd;  /* ring map fd + ctl_fd */
	pthread_t thread;
	bool has_thread;
	_Atomic int state; /* enum trace_state */
	int ncpus;
	struct hy_trace_counters *percpu; /* ncpus slots for reading hy_counters */
	int extra_counters_fd;            /* -1, or the hy_counters of hy_trace_add_ring()'s ring */
	uint64_t dropped_reported;        /* consumer thread, then hy_trace_stop after join */
	uint64_t malformed;
	pthread_mutex_t sync_lock;        /* hy_trace_sync(): a reader waits until the ring */
	pthread_cond_t synced;            /* has been consumed past its request */
	uint64_t sync_req, sync_done;     /* under sync_lock */
};

/* ------------------------------------------------------------ consumer */

static int on_event(void *ctx, void *data, size_t size)
{
	struct hy_trace *t = ctx;
	const struct hy_evt_hdr *h = data;

	/* The kernel wrote these, but a short or oversized record must not be trusted. */
	if (size < sizeof(*h) || h->size < sizeof(*h) || h->size > size) {
		t->malformed++;
		return 0;
	}
	if (t->cfg.on_task && (h->type == HY_EVT_FORK || h->type == HY_EVT_EXEC ||
			       h->type == HY_EVT_TASK_EXIT))
		t->cfg.on_task(t->cfg.task_ctx, h);
	hy_telemetry_emit(t->tel, h);
	return 0;
}

/* Add the per-CPU counters of one producer (fd: its hy_counters map) to sum. */
static int add_counters(struct hy_trace *t, int fd, struct hy_trace_counters *sum)
{
	__u32 zero = 0;
	/* Per-CPU map: the value buffer holds one slot per possible CPU. */
	int r = bpf_map_lookup_elem(fd, &zero, t->percpu) < 0 ? -errno : 0;

	if (r < 0)
		return r;
	for (int i = 0; i < t->ncpus; i++) {
		sum->produced += t->percpu[i].produced;
		sum->dropped += t->percpu[i].dropped;
	}
	return 0;
}

/* Sum the per-CPU counters of every ring consumed. Returns 0 or -errno. */
static int read_counters(struct hy_trace *t, struct hy_trace_counters *sum)
{
	int r;

	*sum = (struct hy_trace_counters){ 0 };
	r = add_counters(t, t->skel->maps.hy_counters.map_fd, sum);
	if (r == 0 && t->extra_counters_fd >= 0)
		r = add_counters(t, t->extra_counters_fd, sum);
	return r;
}

int hy_trace_read_counters(struct hy_trace *t, struct hy_trace_counters *ret)
{
	/* Own per-CPU buffer: t->percpu belongs to the consumer thread. */
	_cleanup_free_ struct hy_trace_counters *buf = xcalloc(t->ncpus, sizeof(*buf));
	int fds[2] = { t->skel->maps.hy_counters.map_fd, t->extra_counters_fd };
	__u32 zero = 0;

	*ret = (struct hy_trace_counters){ 0 };
	for (size_t f = 0; f < ARRAY_SIZE(fds); f++) {
		if (fds[f] < 0)
			continue;
		if (bpf_map_lookup_elem(fds[f], &zero, buf) < 0)
			return -errno;
		for (int i = 0; i < t->ncpus; i++) {
			ret->produced += buf[i].produced;
			ret->dropped += buf[i].dropped;
		}
	}
	return 0;
}

/* Loss is never silent: every growth of the drop counter becomes one `lost` event. */
static void report_lost(struct hy_trace *t, const struct hy_trace_counters *c)
{
	if (c->dropped <= t->dropped_reported)
		return;
	struct hy_evt_lost ev = {
		.hdr = { .type = HY_EVT_LOST, .size = sizeof(ev), .ts_ns = now_mono_ns(),
			 .cgid = t->cgid },
		.count = c->dropped - t->dropped_reported,
		.source = HY_LOST_SRC_KERNEL,
	};
	t->dropped_reported = c->dropped;
	if (t->cfg.on_task)
		t->cfg.on_task(t->cfg.task_ctx, &ev.hdr);
	hy_telemetry_emit(t->tel, &ev.hdr);
}

static void drain_ctl(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

static void *consumer_main(void *arg)
{
	struct hy_trace *t = arg;
	struct hy_trace_counters c;
	struct epoll_event ev[3];

	/* Held: wait on the control fd alone (the ring fd, level-triggered, would
	 * spin us while it holds data). The ring keeps filling meanwhile. */
	while (atomic_load(&t->state) == TRACE_HELD) {
		struct pollfd p = { .fd = t->ctl_fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return NULL;
		drain_ctl(t->ctl_fd);
	}
	while (atomic_load(&t->state) == TRACE_DELIVER) {
		int n = epoll_wait(t->ep_fd, ev, ARRAY_SIZE(ev), HY_TRACE_POLL_MS);

		if (n < 0 && errno != EINTR) {
			pr_warn("epoll_wait: %s; events wait for the container's end", strerror(errno));
			return NULL;
		}
		drain_ctl(t->ctl_fd);
		pthread_mutex_lock(&t->sync_lock);
		uint64_t want = t->sync_req;
		pthread_mutex_unlock(&t->sync_lock);
		hy_telemetry_batch(t->tel, true);
		ring_buffer__consume(t->rb);
		pthread_mutex_lock(&t->sync_lock);
		t->sync_done = want;
		pthread_cond_broadcast(&t->synced);
		pthread_mutex_unlock(&t->sync_lock);
		if (read_counters(t, &c) == 0)
			report_lost(t, &c);
		hy_telemetry_batch(t->tel, false);
	}
	return NULL;
}

static void poke(struct hy_trace *t, enum trace_state s)
{
	uint64_t one = 1;

	atomic_store(&t->state, s);
	if (write(t->ctl_fd, &one, sizeof(one)) < 0)
		pr_debug("eventfd write: %s", strerror(errno));
}

int hy_trace_sync(struct hy_trace *t, int timeout_ms)
{
	uint64_t one = 1;
	if (atomic_load(&t->state) != TRACE_DELIVER)
		return -EAGAIN;
	pthread_mutex_lock(&t->sync_lock);
	uint64_t want = ++t->sync_req;
	pthread_mutex_unlock(&t->sync_lock);
	if (write(t->ctl_fd, &one, sizeof(one)) < 0)
		return -errno;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int r = 0;
	pthread_mutex_lock(&t->sync_lock);
	while (t->sync_done < want && r == 0)
		r = pthread_cond_timedwait(&t->synced, &t->sync_lock, &until);
	pthread_mutex_unlock(&t->sync_lock);
	return -r;
}

void hy_trace_deliver(struct hy_trace *t)
{
	if (t && atomic_load(&t->state) == TRACE_HELD)
		poke(t, TRACE_DELIVER);
}

/* ------------------------------------------------------------ lifecycle */


int hy_trace_read_syscalls(struct hy_trace *t, uint64_t counts[HY_SYS_NR_SLOTS])
{
	_cleanup_free_ uint64_t *buf = xcalloc(t->ncpus, sizeof(*buf));
	int fd = t->skel->maps.hy_sys_counts.map_fd;

	if (!t->cfg.has_syscalls)
		return -ENODATA;
	for (__u32 nr = 0; nr < HY_SYS_NR_SLOTS; nr++) {
		if (bpf_map_lookup_elem(fd, &nr, buf) < 0)
			return -errno;
		counts[nr] = 0;
		for (int i = 0; i < t->ncpus; i++)
			counts[nr] += buf[i];
	}
	return 0;
}

/* The per-syscall programs cost every syscall on the host (~80 ns, issue 5):
 * loaded always (one object), attached only on request. */
static int attach_progs(struct hy_trace *t, struct hy_err *err)
{
	int r = trace_bpf__hy_exec__attach(t->skel);

	if (r >= 0)
		r = trace_bpf__hy_fork__attach(t->skel);
	if (r >= 0)
		r = trace_bpf__hy_exit__attach(t->skel);
	if (r < 0)
		return hy_err_setr(err, r, "attach the trace BPF programs");
	if (!t->cfg.has_syscalls)
		return 0;
	r = trace_bpf__hy_sys_enter__attach(t->skel);
	if (r >= 0)
		r = trace_bpf__hy_sys_exit__attach(t->skel);
	if (r < 0)
		return hy_err_setr(err, r, "attach the syscall tracing programs (tp_btf "
					   "sys_enter/sys_exit)");
	return 0;
}

static int load_skel(struct hy_trace *t, struct hy_err *err)
{
	uint32_t ring = t->cfg.ring_bytes ? t->cfg.ring_bytes : HY_TRACE_RING_BYTES;
	struct hy_trace_cg cg = { 0 };
	int r;

	t->skel = trace_bpf__open();
	if (!t->skel)
		return hy_err_setr(err, -errno, "open the trace BPF object");
	/* Light skeleton: the loader program reads the size from the map descriptor. */
	t->skel->maps.hy_events.max_entries = ring;
	t->skel->rodata->cfg_wakeup_bytes = ring / 4;
	r = trace_bpf__load(t->skel);
	if (r < 0)
		return hy_err_setr(err, r, "load the trace BPF programs (tp_btf)");
	r = bpf_map_update_elem(t->skel->maps.hy_cgroups.map_fd, &t->cgid, &cg, BPF_ANY) < 0 ?
		    -errno : 0;
	if (r < 0)
		return hy_err_setr(err, r, "add cgroup %llu to hy_cgroups",
				   (unsigned long long)t->cgid);
	return attach_progs(t, err);
}

static int epoll_add(int ep, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int start_consumer(struct hy_trace *t, struct hy_err *err)
{
	int r;

	t->rb = ring_buffer__new(t->skel->maps.hy_events.map_fd, on_event, t, NULL);
	if (!t->rb)
		return hy_err_setr(err, -errno, "ring_buffer__new");
	t->ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->ctl_fd < 0)
		return hy_err_setr(err, -errno, "eventfd");
	t->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep_fd < 0)
		return hy_err_setr(err, -errno, "epoll_create1");
	r = epoll_add(t->ep_fd, t->ctl_fd, 0);
	if (r == 0)
		r = epoll_add(t->ep_fd, t->skel->maps.hy_events.map_fd, 1);
	if (r < 0)
		return hy_err_setr(err, r, "epoll_ctl");
	r = hy_thread_start(&t->thread, consumer_main, t);
	if (r < 0)
		return hy_err_setr(err, r, "start the trace consumer thread");
	t->has_thread = true;
	return 0;
}

int hy_trace_add_ring(struct hy_trace *t, int ring_fd, int counters_fd, struct hy_err *err)
{
	int r;

	if (atomic_load(&t->state) != TRACE_HELD || t->extra_counters_fd >= 0)
		return hy_err_set(err, -EBUSY, "add a ring to the trace consumer: one at most, "
					       "before hy_trace_deliver()");
	/* The consumer thread does not touch rb while held: no race with this. */
	r = ring_buffer__add(t->rb, ring_fd, on_event, t);
	if (r < 0)
		return hy_err_setr(err, r, "ring_buffer__add");
	r = epoll_add(t->ep_fd, ring_fd, 2);
	if (r < 0)
		return hy_err_setr(err, r, "epoll_ctl");
	t->extra_counters_fd = counters_fd;
	return 0;
}

int hy_trace_start(struct hy_trace **ret, const struct hy_trace_config *cfg,
		   struct hy_telemetry *tel, struct hy_err *err)
{
	struct hy_trace *t = xcalloc(1, sizeof(*t));
	libbpf_print_fn_t old_print = hy_bpf_log_quiet();
	int r;

	t->tel = tel;
	t->cfg = *cfg;
	t->cgid = cfg->cgid;
	t->ctl_fd = t->ep_fd = t->extra_counters_fd = -1;
	pthread_mutex_init(&t->sync_lock, NULL);
	pthread_cond_init(&t->synced, NULL);
	atomic_init(&t->state, TRACE_HELD);
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		r = hy_err_setr(err, t->ncpus ? t->ncpus : -EINVAL, "count possible CPUs");
		goto err;
	}
	t->percpu = xcalloc(t->ncpus, sizeof(*t->percpu));
	r = load_skel(t, err);
	if (r == 0)
		r = start_consumer(t, err);
	if (r < 0)
		goto err;
	hy_bpf_log_restore(old_print);
	*ret = t;
	return 0;
err:
	hy_trace_stop(t); /* nothing was delivered or dropped yet: emits nothing */
	hy_bpf_log_restore(old_print);
	return r;
}

void hy_trace_stop(struct hy_trace *t)
{
	struct hy_trace_counters c;

	if (!t)
		return;
	if (t->has_thread) {
		poke(t, TRACE_STOP);
		pthread_join(t->thread, NULL);
	}
	if (t->skel) {
		trace_bpf__detach(t->skel);
		/* detach closes the link fds but leaves their numbers, which
		 * trace_bpf__destroy() would close again (skel_closenz skips 0) */
		memset(&t->skel->links, 0, sizeof(t->skel->links));
	}
	/* Programs are detached and the container's tasks are gone: this is the last data. */
	hy_telemetry_batch(t->tel, true);
	if (t->rb)
		ring_buffer__consume(t->rb);
	hy_telemetry_batch(t->tel, false);
	if (t->skel && read_counters(t, &c) == 0) {
		report_lost(t, &c);
		pr_debug("cgroup %llu: %llu events produced, %llu dropped, %llu malformed",
			 (unsigned long long)t->cgid, (unsigned long long)c.produced,
			 (unsigned long long)c.dropped, (unsigned long long)t->malformed);
	}
	ring_buffer__free(t->rb);
	closep(&t->ep_fd);
	closep(&t->ctl_fd);
	trace_bpf__destroy(t->skel);
	free(t->percpu);
	free(t);
}
