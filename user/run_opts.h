/* SPDX-License-Identifier: GPL-2.0-only */
/* `hybox run` options: parsing and validation only (no side effects). */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "res_limits.h"

struct hy_sandbox_spec;
struct ck_image;

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
	/* The rest of linux.resources (res_limits.h): pids, cpu.shares, swap,
	 * cpuset, blockIO, hugepageLimits, unified; its memory and cpus_milli
	 * are unused (the two above are). Zero: none. */
	struct hy_limits oci_limits;
	const cpu_set_t *cpuset; /* the CPUs oci_limits.cpuset_cpus names; NULL: none */
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
