/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct emu_kernel: the per-container emulation kernel (gVisor's Kernel
 * plays this role in the Sentry). Internal to kernel-emu/.
 *
 * Lock order: k->lock protects uts, syslog and ratelimit state. Handlers
 * take it only around state access and never while touching task memory,
 * so a task faulting on its own memory cannot stall other handlers.
 */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/utsname.h>

#include "emu.h"
#include "procmem.h"
#include "ratelimit.h"
#include "syslog.h"
#include "uts.h"

struct emu_kernel {
	pthread_mutex_t lock;
	char id[HY_ID_LEN];
	uint64_t cgid;
	uint64_t start_ns; /* CLOCK_MONOTONIC at container start */
	int cgroup_fd;     /* owned */
	struct emu_uts uts;
	struct utsname host_uts; /* the host's, for sysname/release/version/machine */
	struct emu_syslog syslog;
	struct emu_ratelimit denial_rl; /* denied + unimplemented events (100/s, burst 1000) */
	const struct emu_syscall_policy *policy;
	emu_emit_fn emit;
	void *emit_ctx;

	/* notify loop */
	int listener;
	int uts_ns_fd;
	struct emu_procmem_cache memcache; /* notify thread only */
	pthread_t thread;
	bool running;
	volatile int stopping;
};

/* Emit an event (assigns nothing: the telemetry layer sequences). */
void emu_emit(struct emu_kernel *k, const struct hy_evt_hdr *ev);
