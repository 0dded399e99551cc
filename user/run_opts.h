/* SPDX-License-Identifier: GPL-2.0-only */
/* `hybox run` options: parsing and validation only (no side effects). */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct hy_sandbox_spec;
struct ck_image;
struct hy_cg_writes;

struct hy_run_opts {
	const char *id;       /* NULL: generated */
	const char *hostname; /* NULL: the id */
	const char *rootfs;
	const char *policy;
	const char *events;
	uint32_t events_kinds;    /* --events-filter (HY_EVMASK_*), 0: every kind */
	uint64_t events_max_size; /* --events-max-size in bytes, 0: no rotation */
	unsigned events_keep;     /* --events-keep (default HY_EVFILE_KEEP_DEFAULT) */
	uint32_t events_ring_size; /* --events-ring-size in bytes, 0: HY_TRACE_RING_BYTES */
	bool has_syscall_trace;    /* --trace-syscalls */
	int net_none;
	bool has_net; /* --net was given (restore keeps the image's otherwise) */
	uint64_t memory;     /* --memory in bytes, 0: no limit */
	uint32_t cpus_milli; /* --cpus in thousandths of a CPU, 0: no limit */
	char **argv; /* the command (NULL-terminated) */
	/* Set by the OCI verbs (never by options): an inline JSON policy, named
	 * in messages by .policy; and the command's process and mount settings
	 * (proc, mounts, shm_*, cwd) from config.json. */
	const char *policy_text;
	const struct hy_sandbox_spec *sandbox;
	/* linux.cgroupsPath (validated, hy_cgroup_leaf_path()); NULL: hybox/ID. */
	const char *cgroups_path;
	uint64_t pids; /* linux.resources.pids.limit (pids.max), 0: none */
	uint64_t cpu_weight; /* linux.resources.cpu.shares as cpu.weight, 0: none */
	/* linux.resources.cpu.cpus (checked) and the CPUs it names; NULL: none */
	const char *cpuset_cpus;
	const cpu_set_t *cpuset;
	const char *cpuset_mems; /* linux.resources.cpu.mems (checked), NULL: none */
	bool has_swap_max; /* memory.swap.max from linux.resources.memory.swap: */
	uint64_t swap_max; /* bytes, UINT64_MAX: "max" */
	/* linux.resources.blockIO.weight (0: none); hugepageLimits and blockIO's
	 * device lines, then unified: further files of the leaf (res_limits.h) */
	uint64_t blkio_weight;
	const struct hy_cg_writes *cg_writes, *unified;
	/* Set by `hybox restore`: the checked image whose processes replace the
	 * command (argv then names the image's root executable). */
	const struct ck_image *restore;
	int restore_dirfd;
};

enum { HY_RUN_PARSED = 0, HY_RUN_HELP = 1 };

/* Returns HY_RUN_PARSED, HY_RUN_HELP (--help: caller prints usage), or -EINVAL with err set. */
int hy_run_parse(int argc, char **argv, struct hy_run_opts *o, struct hy_err *err);
void hy_run_usage(FILE *f);
/* --cpus VALUE ("1", "0.5", "1.25") in thousandths of a CPU, at most max_cpus. */
int hy_cpus_parse(const char *v, unsigned max_cpus, uint32_t *milli, struct hy_err *err);
/* Is this runc's `run [OPTIONS] ID` (a -b/--bundle option before the first
 * non-option word or "--")? hybox's own `run` has no such option. */
bool hy_run_is_oci(int argc, char **argv);
