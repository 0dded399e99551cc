/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An OCI bundle's config.json (runtime-spec 1.x) -> struct hy_oci_config.
 * Parse and validate only: no I/O beyond reading the file in
 * hy_oci_config_load(), no side effects, runs unprivileged. Every field
 * hybox does not implement yet is refused with an error naming its JSON
 * path, never ignored; so is every property it does not know (stricter than
 * the spec's "ignore unknown properties": a sandbox must not pretend to
 * apply a setting). Messages read "NAME:LINE:COL: PATH: what is wrong",
 * e.g. `config.json:40:15: mounts[5].type: "nfs" is not supported`.
 */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "error.h"
#include "ns.h"
#include "ns_join.h"
#include "proc_spec.h"
#include "res_limits.h"
#include "seccomp.h"
#include "userns.h"
#include "version.h"

#define HY_OCI_VERSION HYBOX_OCI_SPEC /* what `hybox state` and `hybox spec` say */
#define HY_OCI_CONFIG_MAX (4 << 20) /* bytes of config.json read at most */
#define HY_OCI_ANN_POLICY "org.hybox.policy"
#define HY_OCI_ANN_EVENTS "org.hybox.events"

struct hy_oci_config {
	json_t *doc;		/* the parsed document: owns every string below */
	const char *root_path;	/* root.path as written (relative to the bundle or absolute) */
	const char *hostname;	/* NULL: not set (hybox uses the container id) */
	const char *domainname; /* NULL: not set */
	char **args;		/* process.args, NULL-terminated (pointers into doc) */
	char **env;		/* process.env, NULL-terminated, never NULL */
	const char *cwd;	/* process.cwd, absolute */
	struct hy_proc_spec proc; /* user, umask, capabilities, rlimits; proc.envp == env */
	bool is_net_none;	/* a new network namespace (no path) */
	bool is_uts_host;	/* no "uts" entry: a new one, with the host's names */
	const char *ns_path[HY_JOIN_N]; /* namespaces to join (ns_join.h): paths, or NULL */
	struct hy_userns userns; /* "user" in linux.namespaces and its id maps (userns.h) */
	unsigned int mounts;	/* HY_MOUNT_* beyond hybox's own (ns.h) */
	struct hy_mount *user_mounts; /* binds, tmpfs, masked and read-only paths (ns.h); owned */
	size_t nuser_mounts;
	bool is_root_writable;	/* root.readonly false (the spec's default) */
	struct hy_filter profile; /* linux.seccomp compiled (len 0: none); stacked on hybox's */
	struct hy_sysctl *sysctls; /* linux.sysctl, namespaced keys only (ns.h); owned */
	size_t nsysctls;
	unsigned long shm_flags;
	unsigned long long shm_size;
	uint64_t memory;	/* linux.resources.memory.limit in bytes, 0: none */
	bool is_memory_unlimited; /* memory.limit -1: none, which `hybox update` writes as "max" */
	int64_t cpu_quota;	/* linux.resources.cpu.quota (us), <= 0: none */
	uint64_t cpu_period;	/* linux.resources.cpu.period (us), 0: 100000 */
	uint32_t cpus_milli;	/* quota / period in thousandths of a CPU, 0: none */
	uint64_t cpu_weight;	/* linux.resources.cpu.shares as cgroup v2 cpu.weight, 0: none */
	const char *cpuset_cpus; /* linux.resources.cpu.cpus, checked (cpulist.h); NULL: none */
	cpu_set_t cpuset;	/* the CPUs it names */
	const char *cpuset_mems; /* linux.resources.cpu.mems, checked; NULL: none */
	uint64_t pids;		/* linux.resources.pids.limit, 0: none */
	bool is_pids_unlimited; /* pids.limit -1 (as is_memory_unlimited) */
	uint64_t blkio_weight;	/* linux.resources.blockIO.weight (10..1000), 0: none */
	/* hugepageLimits and blockIO's per-device lines as leaf files, checked (res_limits.h) */
	struct hy_cg_writes cg_writes;
	struct hy_cg_writes unified; /* linux.resources.unified, checked keys and values */
	struct hy_cg_writes cpu_writes; /* cpu.idle, cpu.max.burst (hy_limits' cpu_idle, cpu_burst) */
	bool is_check_usage;	/* linux.resources.memory.checkBeforeUpdate */
	int64_t memory_swap;	/* linux.resources.memory.swap as written (-1, 0: unset) */
	bool has_swap_max;	/* memory.swap was given: */
	uint64_t swap_max;	/* memory.swap.max it means: swap - limit; UINT64_MAX "max" */
	const char *cgroups_path; /* linux.cgroupsPath: "/a/b" or "a/b" (cgroup.h); NULL: none */
	const char *policy;	/* annotation org.hybox.policy: a path, or inline JSON */
	bool is_policy_inline;
	const char *events;	/* annotation org.hybox.events: "-" or a file path */
	json_t *annotations;	/* borrowed from doc; NULL when absent */
};

/* Parse text (len bytes) named name in messages. On failure cfg is empty. */
int hy_oci_config_parse(const char *name, const char *text, size_t len, struct hy_oci_config *cfg,
			struct hy_err *err);
/* Read path (at most HY_OCI_CONFIG_MAX bytes) and parse it, naming it name. */
int hy_oci_config_load(const char *path, const char *name, struct hy_oci_config *cfg,
		       struct hy_err *err);
void hy_oci_config_fini(struct hy_oci_config *cfg);

/*
 * A linux.resources object alone (`hybox update --resources`), parsed exactly
 * as config.json's: into cfg's resource fields, with the same messages, the
 * paths relative to the object ("NAME:LINE:COL: memory.limit: ..."). file
 * "-" is stdin. On failure cfg is empty.
 */
int hy_oci_resources_load(const char *file, const char *name, struct hy_oci_config *cfg,
			  struct hy_err *err);
/* The same for an object built in memory (`hybox update`'s flags): messages
 * read "NAME: memory.limit: ...". Takes its own reference on res. */
int hy_oci_resources_parse_json(const char *name, json_t *res, struct hy_oci_config *cfg,
				struct hy_err *err);
/* The cgroup limits cfg asks for, as create writes them (-1: none, nothing
 * written); l's lists point into cfg. */
void hy_oci_config_limits(const struct hy_oci_config *cfg, struct hy_limits *l);

/* runc's `features` document (runtime-spec features.md) for what this parser
 * accepts: `hybox features --oci`. Built from the parser's own tables. */
json_t *hy_oci_features(void);

/* The config.json `hybox spec` writes (runc's shape, hybox's defaults), as
 * indented JSON text; free() it. Parses without error. */
char *hy_oci_config_default(void);
