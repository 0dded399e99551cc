/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct emu_kernel: the per-container emulation kernel (gVisor's Kernel
 * plays this role in the Sentry). Internal to kernel-emu/.
 *
 * Lock order: k->lock protects uts, syslog, ratelimit and load state. Handlers
 * take it only around state access and never while touching task memory,
 * so a task faulting on its own memory cannot stall other handlers.
 * Several notify threads serve the listener at once (notify.c); what one of
 * them owns (credentials, task memory fds) lives in its struct emu_notifier
 * and reaches handlers through struct emu_call.
 */
#pragma once
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/utsname.h>

#include "call.h"
#include "cred.h"
#include "emu.h"
#include "procmem.h"
#include "procview.h"
#include "sysinfo.h"
#include "ratelimit.h"
#include "syslog.h"
#include "taskset.h"
#include "uts.h"

struct emu_kernel {
	pthread_mutex_t lock;
	char id[HY_ID_LEN];
	uint64_t cgid;
	uint64_t start_ns; /* CLOCK_MONOTONIC at container start */
	int cgroup_fd;     /* owned */
	atomic_uint cg_absent; /* cgroup files found missing (sysinfo.h) */
	uint64_t mem_limit; /* configured (--memory), UINT64_MAX: none */
	cpu_set_t cpus;     /* the container's CPUs */
	struct emu_viewfs *views; /* viewfs.c, NULL: not served */
	struct emu_loadavg load;  /* under lock; sampled by viewfs while views is set */
	struct emu_uts uts;
	bool is_uts_shared; /* emu_kernel_config's */
	bool is_userns;     /* emu_kernel_config's */
	uint32_t userns_root_uid; /* emu_container_fds' */
	struct utsname host_uts; /* the host's, for sysname/release/version/machine */
	struct emu_syslog syslog;
	struct emu_taskset tasks; /* own lock (a leaf) */
	struct emu_ratelimit denial_rl; /* denied + unimplemented events (100/s, burst 1000) */
	const struct emu_syscall_policy *policy;
	const struct hy_obj_policy *obj; /* object rules of the routed areas, or NULL */
	struct hy_obj_policy obj_copy;   /* what obj points to: rule paths canonicalised */
	emu_emit_fn emit;
	void *emit_ctx;
	bool (*emit_active)(void *ctx);
	emu_emit_fn count;

	/* notify loop */
	int listener;
	int uts_ns_fd;
	int mnt_ns_fd;   /* the container's mount ns: the notify thread works inside it */
	int proc_fd;     /* the host's /proc, opened before joining the container */
	int root_fd;     /* the container's root (O_PATH), opened after joining it */
	struct emu_notifier *notifiers; /* notify.c: the threads serving the listener */
	struct emu_notifier *extra;     /* notify.c: those of exec'd processes (under lock) */
	int nnotifiers;                 /* started */
	sem_t started;     /* posted by each notify thread once it joined the container */
	bool running;
	volatile int stopping;
};

/* The listener c came from: the container's own, or one of `hybox exec`'s
 * processes (emu_kernel_add_listener). fd 0 is never a listener here. */
static inline int emu_listener(const struct emu_kernel *k, const struct emu_call *c)
{
	return c->listener > 0 ? c->listener : k->listener;
}

/* The container's memory, task and uptime numbers (cgroup, --memory): what
 * sysinfo(2) and the /proc/meminfo view both show. 0 or -errno. */
int emu_kernel_sysinfo_input(struct emu_kernel *k, struct emu_sysinfo_input *in);
/* Emit an event (assigns nothing: the telemetry layer sequences). */
void emu_emit(struct emu_kernel *k, const struct hy_evt_hdr *ev);
/* comm and tgid of a thread, for events only (never trusted). */
void emu_read_task(struct emu_kernel *k, pid_t tid, struct hy_evt_task *t);
/* Take one denial/audit/unimplemented event slot from the shared rate limit
 * and log line into the container's syslog. Returns false when rate-limited;
 * *suppressed gets the count to report first. */
bool emu_denial_admit(struct emu_kernel *k, const char *line, uint64_t *suppressed);
/* Rewrite rule paths to the objects they name in the container (canon.c). */
void emu_canon_policy(struct emu_kernel *k);
/* Emit a "suppressed" event for count events of kind. */
void emu_emit_suppressed(struct emu_kernel *k, uint64_t count, uint32_t kind);
