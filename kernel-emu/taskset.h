/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's task set: every thread of the container with its host
 * tid and thread group, its ids in the container's pid namespace, its start
 * time and name, kept current by the BPF fork/exec/exit events
 * (bpf/trace.bpf.c) where tracing programs load, and by scanning the
 * container's cgroup otherwise (taskscan.c). gVisor's TaskSet plays this role
 * in the Sentry; here the host kernel runs the tasks, so the set mirrors
 * them instead of owning them.
 *
 * The set may hold tasks that are gone (an exit event lost, a scan racing
 * an exit), never miss one that events reported: readers check each entry
 * against /proc (taskscan.c) and drop the dead. One mutex, a leaf lock:
 * nothing else is taken while it is held. Pure logic apart from the lock.
 */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "abi/events.h"
#include "emu.h"

struct emu_task {
	pid_t tid, tgid;       /* host */
	pid_t ctid, ctgid;     /* in the container's pid namespace; 0: unknown */
	uint64_t start_ticks;  /* /proc/TID/stat field 22 (clock ticks after boot) */
	char comm[HY_COMM_LEN];
};

struct emu_taskset {
	pthread_mutex_t lock;
	struct emu_task *tasks; /* sorted by tid */
	size_t n, cap;
	long ticks_hz;          /* sysconf(_SC_CLK_TCK), for start_ns -> start_ticks */
	bool is_fed;            /* events arrive (the trace consumer runs) */
	uint64_t stale_gen;     /* bumped when events are lost or start arriving ... */
	uint64_t clean_gen;     /* ... and a scan since then catches up to it */
	uint64_t events;        /* applied, for `hybox stats` */
	uint64_t scans;
};

void emu_taskset_init(struct emu_taskset *s, long ticks_hz);
void emu_taskset_fini(struct emu_taskset *s);

/* Apply one fork, exec or task_exit event (others are ignored). Its fields
 * come from the kernel but are checked all the same. */
void emu_taskset_apply(struct emu_taskset *s, const struct hy_evt_hdr *ev);
/* Events were lost: the set must be rescanned before it is trusted again. */
void emu_taskset_lost(struct emu_taskset *s);
/* Events start (fed) or stop arriving. Starting leaves the set stale until a scan. */
void emu_taskset_set_fed(struct emu_taskset *s, bool fed);

/* Insert or update a task found by a scan (scans never remove: see above). */
void emu_taskset_put(struct emu_taskset *s, const struct emu_task *t);
/* Forget one task (found dead by a reader). */
void emu_taskset_drop(struct emu_taskset *s, pid_t tid, uint64_t start_ticks);
/* Does a reader have to scan first (not fed, or stale)? *gen goes to
 * emu_taskset_scanned() once the scan is done: a loss during the scan keeps
 * the set stale. */
bool emu_taskset_needs_scan(struct emu_taskset *s, uint64_t *gen);
void emu_taskset_scanned(struct emu_taskset *s, uint64_t gen);

void emu_taskset_stats(struct emu_taskset *s, struct emu_task_stats *ret);
/* A copy of the set, sorted by tid (free() it). Returns the count. */
size_t emu_taskset_snapshot(struct emu_taskset *s, struct emu_task **ret);
