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
 */
#define LOG_PREFIX "notify: "
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
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

/* comm and thread-group id of a trapping thread (for events only: never trusted). */
static void read_task(pid_t tid, struct hy_evt_task *t)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	t->tid = tid;
	t->pid = tid;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* "Name:\t<comm>\n" comes first; comm may hold any byte but '\n' is escaped by the kernel. */
	char *name = strncmp(buf, "Name:\t", 6) == 0 ? buf + 6 : NULL;
	char *eol = name ? strchr(name, '\n') : NULL;
	if (eol)
		memcpy(t->comm, name, MIN((size_t)(eol - name), sizeof(t->comm) - 1));
	char *tg = strstr(buf, "\nTgid:");
	if (tg)
		t->pid = (uint32_t)strtoul(tg + 6, NULL, 10);
}

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
	read_task(req->pid, &ev.task);
	emu_emit(k, &ev.hdr);
}

static void emit_suppressed(struct emu_kernel *k, uint64_t count)
{
	struct hy_evt_suppressed ev = {
		.hdr = { .type = HY_EVT_SUPPRESSED, .size = sizeof(ev), .ts_ns = now_mono_ns(),
			 .cgid = k->cgid },
		.count = count,
		.kind = HY_EVT_SYSCALL,
	};
	emu_emit(k, &ev.hdr);
}

/* Denied, audited and unimplemented calls share one rate limit (100/s, burst 1000). */
static void report_denial(struct emu_kernel *k, const struct seccomp_notif *req,
			  uint32_t decision, long ret)
{
	pthread_mutex_lock(&k->lock);
	uint64_t now = now_mono_ns();
	bool ok = emu_ratelimit_allow(&k->denial_rl, now);
	uint64_t lost = ok ? emu_ratelimit_take_suppressed(&k->denial_rl) : 0;
	if (ok) {
		const char *name = req->data.arch == AUDIT_ARCH_X86_64 ?
					   emu_syscall_name(req->data.nr) : NULL;
		char line[160];
		snprintf(line, sizeof(line), "hybox: %s syscall %s(%u) by pid %u",
			 decision == HY_DECISION_AUDIT ? "audit:" : "denied", name ? name : "?",
			 req->data.nr, req->pid);
		emu_syslog_append(&k->syslog, now, 4, line);
	}
	pthread_mutex_unlock(&k->lock);
	if (!ok || !k->emit)
		return;
	if (lost)
		emit_suppressed(k, lost);
	emit_syscall(k, req, decision, ret);
}

void emu_kernel_flush_suppressed(struct emu_kernel *k)
{
	pthread_mutex_lock(&k->lock);
	uint64_t lost = emu_ratelimit_take_suppressed(&k->denial_rl);
	pthread_mutex_unlock(&k->lock);
	if (lost && k->emit)
		emit_suppressed(k, lost);
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

static void emulate(struct emu_kernel *k, const struct seccomp_notif *req,
		    struct seccomp_notif_resp *resp, emu_handler_fn handler)
{
	struct emu_procmem pm;
	struct emu_call c = { .id = req->id, .nr = req->data.nr, .arch = req->data.arch,
			      .pid = req->pid };
	memcpy(c.args, req->data.args, sizeof(c.args));
	emu_procmem_attach(&c, &pm, &k->memcache);
	long ret = handler(k, &c);
	if (ret < 0)
		resp->error = (int32_t)ret;
	else
		resp->val = ret;
	if (k->emit)
		emit_syscall(k, req, HY_DECISION_EMULATE, ret);
}

static void dispatch(struct emu_kernel *k, const struct seccomp_notif *req,
		     struct seccomp_notif_resp *resp)
{
	struct emu_road_decision d;
	/* Other ABIs: i386 via int 0x80 (own arch), x32 (x86_64 arch, bit 30 in nr). */
	if (req->data.arch != AUDIT_ARCH_X86_64 || (req->data.nr & X32_SYSCALL_BIT))
		return deny(k, req, resp, ENOSYS, HY_DECISION_DENY);
	if (emu_road_resolve(k->policy, req->data.nr, &d) == -ENOENT)
		return deny(k, req, resp, ENOSYS, HY_DECISION_UNIMPLEMENTED);
	switch (d.road) {
	case EMU_ROAD_EMULATED: {
		const struct emu_syscall_desc *desc = emu_syscall(req->data.nr);
		if (desc && desc->handler)
			return emulate(k, req, resp, desc->handler);
		return deny(k, req, resp, ENOSYS, HY_DECISION_UNIMPLEMENTED);
	}
	case EMU_ROAD_NATIVE:
		/* Trapped although native: an argument condition failed. */
		if (d.ncond)
			return deny(k, req, resp, d.err, HY_DECISION_DENY);
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		return;
	default:
		return deny(k, req, resp, d.err ? d.err : EPERM, HY_DECISION_DENY);
	}
}

static void *notify_thread(void *arg)
{
	struct emu_kernel *k = arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	emu_procmem_cache_init(&k->memcache, k->listener);
	if (k->uts_ns_fd >= 0 && setns(k->uts_ns_fd, CLONE_NEWUTS) < 0)
		pr_warn("cannot join the container's UTS namespace: %s", strerror(errno));
	while (!k->stopping) {
		memset(&req, 0, sizeof(req));
		if (ioctl(k->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			pr_debug("NOTIF_RECV: %s", strerror(errno));
			break;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		dispatch(k, &req, &resp);
		/* ENOENT: the task died or the call was interrupted meanwhile; nothing to do. */
		if (ioctl(k->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			pr_debug("NOTIF_SEND: %s", strerror(errno));
	}
	emu_procmem_cache_fini(&k->memcache);
	return NULL;
}

static void on_stop_signal(int sig)
{
	(void)sig;
}

int emu_kernel_start(struct emu_kernel *k, int listener_fd, int uts_ns_fd)
{
	struct sigaction sa = { .sa_handler = on_stop_signal }; /* no SA_RESTART */
	sigaction(STOP_SIGNAL, &sa, NULL);
	k->listener = listener_fd;
	k->uts_ns_fd = uts_ns_fd;
	__u64 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) < 0)
		pr_debug("SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP unavailable: %s", strerror(errno));
	/* The thread must receive STOP_SIGNAL even if the caller blocks it. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, &old);
	int r = -pthread_create(&k->thread, NULL, notify_thread, k);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return r;
	k->running = true;
	return 0;
}

void emu_kernel_stop(struct emu_kernel *k)
{
	if (!k->running)
		return;
	k->stopping = 1;
	/* Repeat: the signal may land just before the thread enters the ioctl. */
	for (;;) {
		pthread_kill(k->thread, STOP_SIGNAL);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(k->thread, NULL, &ts) == 0)
			break;
	}
	k->running = false;
	close(k->listener);
	k->listener = -1;
	if (k->uts_ns_fd >= 0)
		close(k->uts_ns_fd);
	k->uts_ns_fd = -1;
	emu_kernel_flush_suppressed(k);
}
