/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host feature probe: what this kernel really lets hybox do (seccomp user
 * notification and its ioctls, BPF program and map types, cgroup v2, the
 * namespaces, pidfd_getfd, openat2), and from that, which road enforces each
 * policy area. Probing exercises each feature for real (in a forked child
 * where it changes process state) and leaves nothing behind. Runs with the
 * caller's privileges; without root most BPF probes say "no (... Operation
 * not permitted)", which is the truth for that caller.
 *
 * `hybox features --json` is read by the test suites (tests/lib `require`) to
 * decide skips, so these JSON names are a stable interface: add, never rename.
 *
 *   {
 *     "features": {                  one entry per enum hy_feature, keys below
 *       "<key>": { "available": true },
 *       "<key>": { "available": false, "reason": "<step> failed: <strerror>" }
 *     },
 *     "cgroup2": { "path": "/sys/fs/cgroup/unified" | null,
 *                  "freeze": bool, "kill": bool },
 *     "roads": {                     one entry per enum hy_road_area, keys below
 *       "<area>": { "road": "bpf-lsm" | "emulated" | "denied" | "unavailable"
 *                           | "namespace",
 *                   "why": "<one sentence>" }
 *     },
 *     "object_policy": { "enforced": true, "why": "<how, and what stays racy>" },
 *     "views": { "served": BOOL, "why": "..." },     the container's /proc views
 *     "uptime": { "container": BOOL, "why": "..." }  uptime from the container's start
 *   }
 *
 * Feature keys: seccomp_filter, seccomp_notif, seccomp_notif_addfd,
 *   seccomp_notif_sync_wakeup, bpf, btf, ringbuf, bpf_tracing, bpf_lsm,
 *   cgroup2, cgroup_freeze, cgroup_kill, userns, pidns, timens, pidfd_getfd,
 *   openat2, cgroup_memory, cgroup_cpu, cgroup_pids, cgroup_cpuset, cgroup_io,
 *   cgroup_hugetlb, cgroup_rdma, fuse.
 * Area keys: files, exec, network, mount, ptrace, signals.
 */
#pragma once
#include <stdbool.h>
#include <stdio.h>

struct json_t; /* jansson's json_t, kept out of every includer */

enum hy_feature {
	HY_FEAT_SECCOMP_FILTER,     /* seccomp_filter: a filter installs (child) */
	HY_FEAT_SECCOMP_NOTIF,      /* seccomp_notif: NEW_LISTENER filter gives a listener */
	HY_FEAT_NOTIF_ADDFD,        /* seccomp_notif_addfd: SECCOMP_IOCTL_NOTIF_ADDFD known */
	HY_FEAT_NOTIF_SYNC_WAKEUP,  /* seccomp_notif_sync_wakeup: NOTIF_SET_FLAGS(SYNC_WAKE_UP) */
	HY_FEAT_BPF,                /* bpf: bpf(2) creates a map */
	HY_FEAT_BTF,                /* btf: vmlinux BTF parses and BTF loads into the kernel */
	HY_FEAT_RINGBUF,            /* ringbuf: BPF_MAP_TYPE_RINGBUF creates */
	HY_FEAT_BPF_TRACING,        /* bpf_tracing: tp_btf program loads and attaches */
	HY_FEAT_BPF_LSM,            /* bpf_lsm: LSM program loads, attaches, "bpf" is active */
	HY_FEAT_CGROUP2,            /* cgroup2: a cgroup2 mount exists */
	HY_FEAT_CGROUP_FREEZE,      /* cgroup_freeze: non-root cgroups have cgroup.freeze */
	HY_FEAT_CGROUP_KILL,        /* cgroup_kill: non-root cgroups have cgroup.kill */
	HY_FEAT_USERNS,             /* userns: unshare(CLONE_NEWUSER) (child) */
	HY_FEAT_PIDNS,              /* pidns: unshare(CLONE_NEWPID), first child is pid 1 */
	HY_FEAT_TIMENS,             /* timens: unshare(CLONE_NEWTIME) (child) */
	HY_FEAT_PIDFD_GETFD,        /* pidfd_getfd: duplicates one of our own fds */
	HY_FEAT_OPENAT2,            /* openat2: RESOLVE_IN_ROOT open of "/" */
	HY_FEAT_CGROUP_MEMORY,      /* cgroup_memory: memory in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_CPU,         /* cgroup_cpu: cpu in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_PIDS,        /* cgroup_pids: pids in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_CPUSET,      /* cgroup_cpuset: cpuset in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_IO,          /* cgroup_io: io in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_HUGETLB,     /* cgroup_hugetlb: hugetlb in the cgroup2 root's controllers */
	HY_FEAT_CGROUP_RDMA,        /* cgroup_rdma: rdma in the cgroup2 root's controllers */
	HY_FEAT_FUSE,               /* fuse: /dev/fuse opens, "fuse" in /proc/filesystems */
	HY_FEAT_CHECKPOINT,         /* checkpoint: ns_last_pid and PR_SET_MM_MAP exist */
	HY_FEAT__COUNT,
};

enum hy_road_area {
	HY_ROADAREA_FILES,
	HY_ROADAREA_EXEC,
	HY_ROADAREA_NETWORK,
	HY_ROADAREA_MOUNT,
	HY_ROADAREA_PTRACE,
	HY_ROADAREA_SIGNALS,
	HY_ROADAREA__COUNT,
};

enum hy_road {
	HY_ROAD_BPF_LSM,     /* "bpf-lsm": kernel hooks on objects, syscalls stay native */
	HY_ROAD_EMULATED,    /* "emulated": seccomp user notification + kernel-emu */
	HY_ROAD_DENIED,      /* "denied": the syscall table refuses the family */
	HY_ROAD_UNAVAILABLE, /* "unavailable": no road this host can offer */
	HY_ROAD_NAMESPACE,   /* "namespace": a namespace confines it, nothing to check */
};

#define HY_FEATURE_REASON_LEN 256

struct hy_feature_state {
	bool is_available;
	char reason[HY_FEATURE_REASON_LEN]; /* why not; "" when available */
};

struct hy_features {
	struct hy_feature_state feat[HY_FEAT__COUNT];
	char cgroup2_path[4096]; /* "" when there is no cgroup2 mount */
};

struct hy_road_choice {
	enum hy_road road;
	const char *why; /* static string */
};

/* Cheap check, no BPF: 1 if "bpf" is in the active LSM list, 0 if not,
 * -errno if the list cannot be read. */
int hy_features_lsm_listed(void);

/* Probe the host. Always fills *f (a failed probe is a "no" with a reason); returns 0. */
int hy_features_probe(struct hy_features *f);

/* hybox restore sets pids through ns_last_pid and the memory layout with
 * PR_SET_MM_MAP, both only built with CONFIG_CHECKPOINT_RESTORE: 0, or
 * -ENOTSUP with why filled. */
int hy_checkpoint_probe(char *why, size_t len);

static inline bool hy_features_has(const struct hy_features *f, enum hy_feature id)
{
	return f->feat[id].is_available;
}

/* Mark a feature (un)available; reason is printf-style, ignored when available. */
void hy_features_set(struct hy_features *f, enum hy_feature id, bool is_available,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Stable JSON key ("bpf_lsm") and human name ("BPF LSM") of a feature; NULL if out of range. */
const char *hy_feature_key(enum hy_feature id);
const char *hy_feature_name(enum hy_feature id);
const char *hy_area_key(enum hy_road_area area);
const char *hy_road_key(enum hy_road road);

/* Which road enforces a policy area given the probed features (pure). */
struct hy_road_choice hy_features_road(const struct hy_features *f, enum hy_road_area area);

/* Render (pure): a new JSON object as documented above (NULL on OOM), or text lines. */
struct json_t *hy_features_to_json(const struct hy_features *f);
int hy_features_print_text(FILE *out, const struct hy_features *f);
