// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp user-notification loop: receives each trapped syscall, picks
 * the road (syscall table + policy), runs the handler or denies, responds,
 * and emits one event per decision. Runs in a supervisor thread that has
 * joined the container's UTS namespace.
 *
 * Receiving blocks in SECCOMP_IOCTL_NOTIF_RECV (not poll): with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel then wakes this thread on the
 * trapping task's CPU, which on these VMs cuts the round trip ~9x. Stopping
 * interrupts the ioctl with a signal.
 *
 * One thread per CPU of the container (at most EMU_NOTIFIERS_MAX) blocks in
 * NOTIF_RECV on the same listener; the kernel hands each notification to
 * one of them, so tasks trapping at once are served in parallel rather than
 * queueing behind one loop (handlers that may block long run in workers of
 * their own anyway: sys_net.c, sys_file.c). Each thread has its own
 * credentials and task-memory cache (struct emu_notifier).
 */
#define LOG_PREFIX "notify: "
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "log.h"
#include "seccomp_compat.h"
#include "procmem.h"
#include "util.h"


#define X32_SYSCALL_BIT 0x40000000u

#define STOP_SIGNAL SIGURG /* ignored by default; used only to break the ioctl */
#define EMU_NOTIFIERS_MAX 4

struct emu_notifier {
	struct emu_kernel *k;
	pthread_t thread;
	int listener;  /* k->listener, or an exec'd process's own (owned then) */
	bool is_extra; /* serves an emu_kernel_add_listener() listener */
	atomic_bool is_done; /* an extra one whose tasks are all gone: join it */
	struct emu_notifier *next; /* k->extra list, under k->lock */
	int start_err;
	struct emu_cred_state cred;        /* this thread's (cred.h) */
	struct emu_procmem_cache memcache; /* this thread's task memory fds */
};

static void emit_syscall(struct emu_kernel *k, const struct seccomp_notif *req, uint32_t decision,
			 long ret)
{
	struct hy_evt_syscall ev = {
		.hdr = { .type = HY_EVT_SYSCALL, .size = sizeof(ev), .ts_ns = now_mono_ns(),
			 .cgid = k->cgid },
		.nr = req->data.nr,
		.arch = req->data.arch,
		.decision = decision,
		.ret = (int32_t)ret,
		.args = { req->data.args[0], req->data.args[1] },
	};
	/* The notification carries the tid only. */
	emu_read_task(k, req->pid, &ev.task);
	emu_emit(k, &ev.hdr);
}

/* An emulated call: in full when someone takes it, else only counted (no /proc read). */
static void emit_emulated(struct emu_kernel *k, const struct seccomp_notif *req, long ret)
{
	if (k->emit && (!k->emit_active || k->emit_active(k->emit_ctx))) {
		emit_syscall(k, req, HY_DECISION_EMULATE, ret);
	} else if (k->count) {
		struct hy_evt_syscall ev = {
			.hdr = { .type = HY_EVT_SYSCALL, .size = sizeof(ev), .cgid = k->cgid },
			.nr = req->data.nr,
			.arch = req->data.arch,
			.decision = HY_DECISION_EMULATE,
			.ret = (int32_t)ret,
		};
		k->count(k->emit_ctx, &ev.hdr);
	}
}

/* Denied, audited and unimplemented calls share one rate limit (100/s, burst 1000). */
static void report_denial(struct emu_kernel *k, const struct seccomp_notif *req,
			  uint32_t decision, long ret)
{
	const char *name = req->data.arch == AUDIT_ARCH_X86_64 ? emu_syscall_name(req->data.nr) :
								  NULL;
	char line[160];
	uint64_t lost;

	snprintf(line, sizeof(line), "hybox: %s syscall %s(%u) by pid %u",
		 decision == HY_DECISION_AUDIT ? "audit:" : "denied", name ? name : "?",
		 req->data.nr, req->pid);
	if (!emu_denial_admit(k, line, &lost) || !k->emit)
		return;
	if (lost)
		emu_emit_suppressed(k, lost, HY_EVT_SYSCALL);
	emit_syscall(k, req, decision, ret);
}

void emu_kernel_flush_suppressed(struct emu_kernel *k)
{
	pthread_mutex_lock(&k->lock);
	uint64_t lost = emu_ratelimit_take_suppressed(&k->denial_rl);
	pthread_mutex_unlock(&k->lock);
	if (lost && k->emit)
		emu_emit_suppressed(k, lost, HY_EVT_SYSCALL);
}

/* A denial: enforce it, or in audit mode let it run natively and say so. */
static void deny(struct emu_kernel *k, const struct seccomp_notif *req,
		 struct seccomp_notif_resp *resp, int err, uint32_t decision)
{
	if (decision == HY_DECISION_DENY && k->policy && k->policy->audit) {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		report_denial(k, req, HY_DECISION_AUDIT, 0);
		return;
	}
	resp->error = -err;
	report_denial(k, req, decision, -err);
}

/* Returns false when the handler already answered the notification. */
static bool emulate(struct emu_notifier *n, const struct seccomp_notif *req,
		    struct seccomp_notif_resp *resp, const struct emu_syscall_desc *desc)
{
	struct emu_kernel *k = n->k;
	struct emu_procmem pm;
	struct emu_call c = { .id = req->id, .nr = req->data.nr, .arch = req->data.arch,
			      .pid = req->pid, .cred = &n->cred, .listener = n->listener };
	memcpy(c.args, req->data.args, sizeof(c.args));
	emu_procmem_attach(&c, &pm, &n->memcache);
	/* Every call starts with ours; object handlers adopt the task's (cred.h). */
	emu_cred_restore(&n->cred);
	long ret = desc->handler(k, &c);
	emu_procmem_detach(&pm);
	if (ret == EMU_RET_ASYNC || ret == EMU_RET_ADDFD)
		return false;
	if (ret == EMU_RET_CONTINUE)
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (ret < 0)
		resp->error = (int32_t)ret;
	else
		resp->val = ret;
	/* Area handlers (open, connect, ...) report denials themselves; an event
	 * per allowed open would drown the stream. */
	if (desc->road == EMU_ROAD_EMULATED)
		emit_emulated(k, req, ret == EMU_RET_CONTINUE ? 0 : ret);
	return true;
}

/* Returns false when the notification has already been answered. */
static bool dispatch(struct emu_notifier *n, const struct seccomp_notif *req,
		     struct seccomp_notif_resp *resp)
{
	struct emu_kernel *k = n->k;
	struct emu_road_decision d;
	/* Other ABIs: i386 via int 0x80 (own arch), x32 (x86_64 arch, bit 30 in nr). */
	if (req->data.arch != AUDIT_ARCH_X86_64 || (req->data.nr & X32_SYSCALL_BIT))
		deny(k, req, resp, ENOSYS, HY_DECISION_DENY);
	else if (emu_road_resolve(k->policy, req->data.nr, &d) == -ENOENT)
		deny(k, req, resp, ENOSYS, HY_DECISION_UNIMPLEMENTED);
	else if (d.road == EMU_ROAD_EMULATED) {
		const struct emu_syscall_desc *desc = emu_syscall(req->data.nr);
		if (desc && desc->handler)
			return emulate(n, req, resp, desc);
		deny(k, req, resp, ENOSYS, HY_DECISION_UNIMPLEMENTED);
	} else if (d.road == EMU_ROAD_NATIVE && d.ncond) {
		/* Trapped although native: an argument condition failed. */
		deny(k, req, resp, d.err, HY_DECISION_DENY);
	} else if (d.road == EMU_ROAD_NATIVE) {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		deny(k, req, resp, d.err ? d.err : EPERM, HY_DECISION_DENY);
	}
	return true;
}

/*
 * The notify thread works inside the container: its UTS namespace (so the
 * host kernel's names stay in step with kernel-emu's) and, with its own
 * fs_struct, its mount namespace and root directory (chroot). Path
 * handlers then resolve exactly as the task would, ".." stops at the
 * container's root, and unix socket paths name the container's sockets.
 * Host /proc stays reachable through k->proc_fd, opened before.
 */
static int join_container(struct emu_kernel *k, bool is_first)
{
	if (k->uts_ns_fd >= 0 && setns(k->uts_ns_fd, CLONE_NEWUTS) < 0)
		pr_warn("cannot join the container's UTS namespace: %s", strerror(errno));
	if (k->mnt_ns_fd < 0)
		return 0;
	/* chroot too: the namespace's root is not always the container's (pivot_root). */
	if (unshare(CLONE_FS) < 0 || setns(k->mnt_ns_fd, CLONE_NEWNS) < 0 || k->root_fd < 0 ||
	    fchdir(k->root_fd) < 0 || chroot(".") < 0) {
		int r = -errno;
		pr_err("cannot join the container's mount namespace: %s", strerror(errno));
		return r;
	}
	/* The first thread, before any other starts: no one reads the rules yet. */
	if (is_first)
		emu_canon_policy(k);
	return 0;
}

/*
 * Whether the listener's filter has no tasks left (POLLHUP without a
 * pending notification), waiting up to timeout_ms for either.
 *
 * An extra listener waits here (-1) before each NOTIF_RECV, and the thread
 * ends when its tasks are gone. (Its calls lose SYNC_WAKE_UP's fast
 * wake-up; the container's own listener keeps it.) Interrupted by
 * STOP_SIGNAL: false, and the loop looks at k->stopping.
 *
 * Every thread asks (0) when NOTIF_RECV fails with ENOENT: a task died, or
 * its call was interrupted, between the wake-up and the receive; or the
 * filter has no tasks left, and then RECV returns ENOENT at once, every
 * time (the kernel does not wait on a filter without users). The thread
 * ends rather than spin on the CPUs the supervisor's teardown needs; no
 * task can join a filter once its last one is gone (filters are only
 * inherited).
 */
static bool orphaned(int listener, int timeout_ms)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };
	return poll(&p, 1, timeout_ms) > 0 && (p.revents & (POLLHUP | POLLERR)) &&
	       !(p.revents & POLLIN);
}

static void *notify_thread(void *arg)
{
	struct emu_notifier *n = arg;
	struct emu_kernel *k = n->k;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	emu_procmem_cache_init(&n->memcache, n->listener, k->proc_fd);
	n->start_err = join_container(k, n == &k->notifiers[0]);
	sem_post(&k->started);
	while (!k->stopping && !n->start_err && !(n->is_extra && orphaned(n->listener, -1))) {
		memset(&req, 0, sizeof(req));
		if (ioctl(n->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == ENOENT && orphaned(n->listener, 0))
				break;
			if (errno == EINTR || errno == ENOENT)
				continue;
			pr_debug("NOTIF_RECV: %s", strerror(errno));
			break;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		/* ENOENT: the task died or the call was interrupted meanwhile; nothing to do. */
		if (dispatch(n, &req, &resp) &&
		    ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			pr_debug("NOTIF_SEND: %s", strerror(errno));
	}
	emu_procmem_cache_fini(&n->memcache);
	emu_cred_restore(&n->cred);
	atomic_store(&n->is_done, true);
	return NULL;
}

/* One serving thread per CPU the container runs on, within 1..EMU_NOTIFIERS_MAX. */
static int notifier_count(const struct emu_kernel *k)
{
	int cpus = CPU_COUNT(&k->cpus);
	return cpus < 1 ? 1 : cpus > EMU_NOTIFIERS_MAX ? EMU_NOTIFIERS_MAX : cpus;
}

/* Start notifier i and wait until it has joined the container: its result. */
static int start_notifier(struct emu_kernel *k, int i)
{
	struct emu_notifier *n = &k->notifiers[i];
	n->k = k;
	n->listener = k->listener;
	int r = -pthread_create(&n->thread, NULL, notify_thread, n);
	if (r < 0)
		return r;
	k->nnotifiers = i + 1;
	while (sem_wait(&k->started) < 0)
		;
	return n->start_err;
}

static void on_stop_signal(int sig)
{
	(void)sig;
}

int emu_kernel_start(struct emu_kernel *k, const struct emu_container_fds *fds)
{
	int listener_fd = fds->listener;
	struct sigaction sa = { .sa_handler = on_stop_signal }; /* no SA_RESTART */
	sigaction(STOP_SIGNAL, &sa, NULL);
	k->listener = listener_fd;
	k->uts_ns_fd = fds->uts_ns;
	k->mnt_ns_fd = fds->mnt_ns;
	k->root_fd = fds->root;
	k->userns_root_uid = fds->userns_root_uid;
	sem_init(&k->started, 0, 0);
	__u64 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) < 0)
		pr_debug("SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP unavailable: %s", strerror(errno));
	k->notifiers = xcalloc(EMU_NOTIFIERS_MAX, sizeof(*k->notifiers));
	/* The threads must receive STOP_SIGNAL even if the caller blocks it. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, &old);
	int r = 0, want = notifier_count(k);
	for (int i = 0; i < want && r == 0; i++)
		r = start_notifier(k, i);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	k->running = true;
	if (r < 0)
		emu_kernel_stop(k);
	return r;
}

/* Interrupt thread t's NOTIF_RECV until it has ended. */
static void stop_thread(pthread_t t)
{
	/* Repeat: the signal may land just before the thread enters the ioctl. */
	for (;;) {
		pthread_kill(t, STOP_SIGNAL);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(t, NULL, &ts) == 0)
			return;
	}
}

/* Join and free the extra notifiers that are done (all when stopping). The
 * list is cut under the lock, the threads joined outside it: a handler may
 * be waiting for that lock. */
static void reap_extra(struct emu_kernel *k, bool all)
{
	struct emu_notifier *gone = NULL;
	pthread_mutex_lock(&k->lock);
	for (struct emu_notifier **pp = &k->extra; *pp;) {
		struct emu_notifier *n = *pp;
		if (!all && !atomic_load(&n->is_done)) {
			pp = &n->next;
			continue;
		}
		*pp = n->next;
		n->next = gone;
		gone = n;
	}
	pthread_mutex_unlock(&k->lock);
	while (gone) {
		struct emu_notifier *n = gone;
		gone = n->next;
		if (all)
			stop_thread(n->thread);
		else
			pthread_join(n->thread, NULL);
		close(n->listener);
		free(n);
	}
}

int emu_kernel_add_listener(struct emu_kernel *k, int listener)
{
	if (!k->running || k->stopping) {
		close(listener);
		return -ESRCH;
	}
	reap_extra(k, false);
	struct emu_notifier *n = xcalloc(1, sizeof(*n));
	*n = (struct emu_notifier){ .k = k, .listener = listener, .is_extra = true };
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, &old);
	int r = -pthread_create(&n->thread, NULL, notify_thread, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		close(listener);
		free(n);
		return r;
	}
	while (sem_wait(&k->started) < 0)
		;
	pthread_mutex_lock(&k->lock);
	n->next = k->extra;
	k->extra = n;
	pthread_mutex_unlock(&k->lock);
	return n->start_err;
}

void emu_kernel_stop(struct emu_kernel *k)
{
	if (!k->running)
		return;
	k->stopping = 1;
	reap_extra(k, true);
	for (int i = 0; i < k->nnotifiers; i++)
		stop_thread(k->notifiers[i].thread);
	free(k->notifiers);
	k->notifiers = NULL;
	k->nnotifiers = 0;
	k->running = false;
	close(k->listener);
	k->listener = -1;
	if (k->uts_ns_fd >= 0)
		close(k->uts_ns_fd);
	if (k->mnt_ns_fd >= 0)
		close(k->mnt_ns_fd);
	k->uts_ns_fd = k->mnt_ns_fd = -1;
	emu_kernel_flush_suppressed(k);
}
