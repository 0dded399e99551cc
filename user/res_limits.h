/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resource limits of a container (hybox run --memory, --cpus; OCI's
 * linux.resources.pids.limit, cpu.shares, cpu.cpus and cpu.mems): cgroup v2
 * memory.max, cpu.max, pids.max, cpu.weight, cpuset.cpus and cpuset.mems in
 * its leaf where those controllers are enabled, and the CPUs it runs on.
 * Also OCI's blockIO, hugepageLimits, rdma, memory.reservation, cpu.idle,
 * cpu.burst and unified, as further files of the leaf (struct hy_cg_writes).
 * What the host cannot enforce is said, never skipped in silence (cgroup v1's
 * members that cgroup v2 has no file for too); kernel-emu's views show the
 * limits either way.
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
/* A limit lifted (`hybox update`'s -1): "max" in memory.max, pids.max and
 * memory.swap.max; HY_CPUS_MAX in cpu.max. */
#define HY_LIMIT_MAX UINT64_MAX
#define HY_CPUS_MAX UINT32_MAX
/* "50000 100000" for 0.5 CPU, "max 100000" for HY_CPUS_MAX (pure). */
void hy_limits_cpu_max(uint32_t milli, char *buf, size_t len);
/* cgroup v1 cpu.shares (2..262144) as cgroup v2 cpu.weight (1..10000), runc's
 * mapping, so containerd's and Kubernetes' shares weigh the same (pure). */
#define HY_CPU_SHARES_MIN 2
#define HY_CPU_SHARES_MAX 262144
uint64_t hy_limits_cpu_weight(uint64_t shares);
/* cgroup v1 blkio.weight (10..1000, OCI's blockIO.weight) as cgroup v2
 * io.weight (1..10000), runc's conversion where BFQ's io.bfq.weight is
 * missing (pure): 1 + (weight - 10) * 9999 / 990, so 500 is 4950. */
#define HY_BLKIO_WEIGHT_MIN 10
#define HY_BLKIO_WEIGHT_MAX 1000
uint64_t hy_limits_io_weight(uint64_t blkio_weight);
/* One io.max line, "8:0 rbps=1048576" (key: rbps, wbps, riops or wiops); a
 * rate of 0 (no limit, as cgroup v1 reads it) is "max" (pure). */
void hy_limits_io_max_line(uint32_t major, uint32_t minor, const char *key, uint64_t rate,
			   char *buf, size_t len);
/* What is wrong with a huge page size as the kernel names it in
 * hugetlb.<size>.max ("2MB", "1GB", "64KB"), or NULL (pure). */
const char *hy_limits_pagesize_problem(const char *size);
/* What is wrong with a linux.resources.unified key as a file of the
 * container's leaf ("memory.high"), or NULL (pure): a plain name
 * CONTROLLER.NAME of letters, digits, ".", "_" and "-", its controller one
 * hybox enables for the leaf (hy_cgroup_is_controller), or cgroup.max.depth
 * and cgroup.max.descendants; no other cgroup.* file (hybox owns the leaf's
 * membership, freezer and controllers). */
const char *hy_limits_unified_problem(const char *key);

/* A further file of the leaf to write (OCI's hugepageLimits, blockIO, rdma,
 * unified ...): its name, the value, and the JSON path it came from. Where the
 * file is missing and its controller is not in the leaf's cgroup.controllers,
 * a warning says it is not enforced; where the controller is there, absent
 * says what follows. */
enum hy_cgw_absent {
	HY_CGW_ERROR, /* create fails: no such file (why says more) */
	HY_CGW_WARN,  /* a warning that it is not enforced: why */
	HY_CGW_SKIP,  /* nothing (hugetlb.<size>.rsvd.max before Linux 5.7) */
	/* Never written: a cgroup v1 member that cgroup v2 has no file for
	 * (file names v1's); a warning that it is not enforced: why. */
	HY_CGW_V1_ONLY,
};
struct hy_cg_write {
	char *file, *value, *option; /* owned */
	enum hy_cgw_absent absent;
	const char *why; /* static text, or NULL */
};
struct hy_cg_writes {
	struct hy_cg_write *v;
	size_t n;
};
#define HY_CG_WRITES_MAX 256
/* Append one (copies the strings); -E2BIG past HY_CG_WRITES_MAX. */
int hy_cg_writes_add(struct hy_cg_writes *w, const char *file, const char *value,
		     const char *option, enum hy_cgw_absent absent, const char *why);
/* The entry for file, or NULL. */
const struct hy_cg_write *hy_cg_writes_find(const struct hy_cg_writes *w, const char *file);
void hy_cg_writes_fini(struct hy_cg_writes *w);

/*
 * Write the limits (0: left as they are; pids: the most tasks) into the
 * cgroup leaf. A controller that is not enabled there (its file is missing)
 * gets a warning on stderr naming the option; any other failure is an error.
 * Returns 0 or -errno.
 */
struct hy_limits {
	uint64_t memory;     /* memory.max, 0: none, HY_LIMIT_MAX: "max" */
	uint32_t cpus_milli; /* cpu.max, 0: none, HY_CPUS_MAX: "max" */
	uint64_t pids;       /* pids.max, 0: none, HY_LIMIT_MAX: "max" */
	uint64_t cpu_weight; /* cpu.weight, 0: the kernel's default (100) */
	bool has_swap_max;
	uint64_t swap_max;   /* memory.swap.max (0: no swap), HY_LIMIT_MAX: "max" */
	const char *cpuset_cpus; /* cpuset.cpus in list format, NULL: none */
	const char *cpuset_mems; /* cpuset.mems, NULL: none */
	uint64_t blkio_weight; /* io.bfq.weight, else io.weight converted; 0: none */
	/* Written last, in this order, each in list order: hugepageLimits and
	 * blockIO's device lines, then unified (so a unified key wins over the
	 * member that set the same file, as runc writes it). NULL: none. */
	const struct hy_cg_writes *writes, *unified;
	/* cpu.idle and cpu.max.burst, written with cpu.weight and cpu.max in
	 * runc's order (see write_cpu); NULL: none. */
	const struct hy_cg_write *cpu_idle, *cpu_burst;
	/* OCI's memory.checkBeforeUpdate: a memory limit at or below the
	 * leaf's memory.current is refused (runc's check, best effort). */
	bool is_check_usage;
	/* `hybox update`: the leaf of a running container, whose /proc views and
	 * CPUs keep their start values, so a warning must not claim they follow. */
	bool is_update;
	/* An OCI bundle's container: warnings name linux.resources' members,
	 * not hybox run's --memory and --cpus. */
	bool is_oci;
};
int hy_limits_apply(int cgroup_dirfd, const struct hy_limits *l, struct hy_err *err);
