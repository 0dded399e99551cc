/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resource limits of a container (hybox run --memory, --cpus; OCI's
 * linux.resources.pids.limit, cpu.shares, cpu.cpus and cpu.mems): cgroup v2
 * memory.max, cpu.max, pids.max, cpu.weight, cpuset.cpus and cpuset.mems in
 * its leaf where those controllers are enabled, and the CPUs it runs on. What the host cannot enforce is said, never
 * skipped in silence; kernel-emu's views show the limits either way.
 */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define HY_CPU_PERIOD_US 100000 /* cpu.max period: the kernel's default */

/* The first ceil(milli / 1000) CPUs of ours (pure). */
void hy_limits_pick_cpus(uint32_t milli, const cpu_set_t *ours, cpu_set_t *out);
/*
 * The CPUs the container runs on (pure): those of cpuset (OCI's cpu.cpus;
 * NULL: any) that ours (hybox's affinity) has, and of them the first
 * ceil(milli / 1000) when milli (a quota) is set. -ENOENT when none is left.
 */
int hy_limits_cpus(uint32_t milli, const cpu_set_t *cpuset, const cpu_set_t *ours,
		   cpu_set_t *out);
/* "50000 100000" for 0.5 CPU (pure). */
void hy_limits_cpu_max(uint32_t milli, char *buf, size_t len);
/* cgroup v1 cpu.shares (2..262144) as cgroup v2 cpu.weight (1..10000), runc's
 * mapping, so containerd's and Kubernetes' shares weigh the same (pure). */
#define HY_CPU_SHARES_MIN 2
#define HY_CPU_SHARES_MAX 262144
uint64_t hy_limits_cpu_weight(uint64_t shares);

/*
 * Write the limits (0: none; pids: the most tasks) into the cgroup leaf. A controller that is not
 * enabled there (its file is missing) gets a warning on stderr naming the
 * option; any other failure is an error. Returns 0 or -errno.
 */
struct hy_limits {
	uint64_t memory;     /* memory.max, 0: none */
	uint32_t cpus_milli; /* cpu.max, 0: none */
	uint64_t pids;       /* pids.max, 0: none */
	uint64_t cpu_weight; /* cpu.weight, 0: the kernel's default (100) */
	bool has_swap_max;
	uint64_t swap_max;   /* memory.swap.max (0: no swap), UINT64_MAX: "max" */
	const char *cpuset_cpus; /* cpuset.cpus in list format, NULL: none */
	const char *cpuset_mems; /* cpuset.mems, NULL: none */
};
int hy_limits_apply(int cgroup_dirfd, const struct hy_limits *l, struct hy_err *err);
