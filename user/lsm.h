/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF LSM road of the object policy (bpf/lsm.bpf.c): load and attach
 * the hooks, and register each container's struct hy_obj_policy under its
 * cgroup id. Needs root and a kernel with "bpf" in its active LSM list;
 * where hy_lsm_open() fails the caller must not pretend the policy is
 * enforced. Decisions and event layout: bpf/abi/policy.h, bpf/abi/events.h.
 *
 * Files and exec rules are bound to inodes when hy_lsm_add() runs: each rule
 * path is resolved inside the container's root, so a rule whose path does not
 * exist then binds nothing and the objects below it fall to the nearest rule
 * above (see hy_lsm_add()).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "abi/policy.h"
#include "error.h"

/* Ring buffer for policy events; a power of two >= the page size. */
#ifndef HY_LSM_RING_BYTES
#define HY_LSM_RING_BYTES (256u * 1024)
#endif

struct hy_lsm;

/*
 * Load and attach the LSM programs (light skeleton: no BTF parsing in user
 * space). They confine nobody until hy_lsm_add(). Returns 0, or -errno with
 * err saying why (EPERM where the kernel refuses BPF LSM programs: "bpf"
 * missing from the lsm= list, or BPF LSM blocked).
 */
int hy_lsm_open(struct hy_lsm **ret, struct hy_err *err);

/*
 * Confine the tasks of cgroup cgid (and of its descendant cgroups) with obj;
 * audit: allow everything and report would-be denials (decision AUDIT).
 * root_fd: the container's root directory as its tasks see it (e.g.
 * /proc/PID/root of a task inside, after its mounts are made, before its
 * command runs). Every files rule and exec entry is resolved with
 * openat2(root_fd, path, RESOLVE_IN_ROOT) to the object it names (symlinks
 * followed inside the root, as kernel-emu canonicalises rule paths); a path
 * that does not exist is skipped (debug log): an inode rule needs its path
 * to exist at start. Two rules naming one object keep the union of their
 * access (kernel-emu/canon.c does the same). All containers of one struct
 * hy_lsm must sit at the same cgroup level (each supervisor has its own, so
 * linux.cgroupsPath may put a leaf at any depth). Returns 0 or -errno with
 * err filled; on failure nothing of cgid is left in the maps.
 */
int hy_lsm_add(struct hy_lsm *l, uint64_t cgid, const struct hy_obj_policy *obj, bool audit,
	       int root_fd, struct hy_err *err);

/* Forget cgid (its tasks, if any are left, are no longer confined). No-op if unknown. */
void hy_lsm_remove(struct hy_lsm *l, uint64_t cgid);

/*
 * The ring buffer map of policy events (struct hy_evt_policy) and its
 * per-CPU drop counter (struct hy_trace_counters, key 0): hand both to the
 * exporter (hy_trace_add_ring()). Valid until hy_lsm_free().
 */
int hy_lsm_ring_fd(const struct hy_lsm *l);
int hy_lsm_counters_fd(const struct hy_lsm *l);

/* Detach the programs and free everything. NULL: no-op. */
void hy_lsm_free(struct hy_lsm *l);
