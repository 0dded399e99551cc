/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Map keys and values of the BPF LSM road (bpf/lsm.bpf.c), filled by
 * user/lsm.c. The decisions themselves are the pure functions of policy.h;
 * this header only says how one container's struct hy_obj_policy is laid out
 * in the maps:
 *
 *   hy_lsm_cgs   cgroup id of the container -> struct hy_lsm_cg
 *                (network and process policy, exec allow-list on/off, audit)
 *   hy_lsm_inos  struct hy_lsm_ino_key {cgid, dev, ino} -> struct hy_lsm_ino
 *                (one entry per inode a files rule or an exec entry names)
 *
 * Why one flat inode hash keyed by {cgid, dev, ino} rather than a hash of
 * maps (outer: cgid, inner: {dev, ino}): the hook does one lookup per step of
 * its dentry walk either way, the flat key needs no per-container inner map
 * (created, sized and pinned by user space, and a light skeleton cannot
 * declare an inner map template), and a container is removed by deleting the
 * keys user space remembers adding. A container's rules cost nothing to
 * tasks of other containers: their cgid is part of every key.
 */
#pragma once
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "policy.h"

/* Containers one loaded LSM object can hold, and inode entries across all of them:
 * each container has at most HY_POL_PATH_RULES files rules + as many exec entries. */
#define HY_LSM_MAX_CGROUPS 64
#define HY_LSM_MAX_INOS    (HY_LSM_MAX_CGROUPS * 2 * HY_POL_PATH_RULES)

/* Dentry steps (mount crossings included) the hooks walk from an object
 * towards the root looking for a rule; deeper objects are uncovered (denied). */
#define HY_LSM_WALK_DEPTH 32

/* hy_lsm_cg.flags */
#define HY_LSM_CG_AUDIT     (1u << 0) /* mode audit: allow and report would-be denials */
#define HY_LSM_CG_EXEC_LIST (1u << 1) /* exec allow-list enabled (hy_exec_policy.enabled) */

/* hy_lsm_cg.magic: anything else is a malformed entry, which fails closed. */
#define HY_LSM_CG_MAGIC 0x68796c31u /* "hyl1" */

struct hy_lsm_cg {
	__u32 magic; /* HY_LSM_CG_MAGIC */
	__u32 flags; /* HY_LSM_CG_* */
	struct hy_proc_policy proc;
	struct hy_net_policy net;
};
_Static_assert(sizeof(struct hy_lsm_cg) == 8 + 16 + 8 + 32 * 120, "hy_lsm_cg layout");

/* dev is the kernel's encoding of super_block.s_dev (major << 20 | minor),
 * not the user-space st_dev encoding; user/lsm.c converts. */
struct hy_lsm_ino_key {
	__u64 cgid;
	__u64 ino;
	__u32 dev;
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_lsm_ino_key) == 24, "hy_lsm_ino_key layout");

/* hy_lsm_ino.flags: which rule kinds name this inode. */
#define HY_LSM_INO_FILE (1u << 0) /* a files rule: file_access decides */
#define HY_LSM_INO_EXEC (1u << 1) /* an exec allow-list entry: exec_access decides */

struct hy_lsm_ino {
	__u32 flags;       /* HY_LSM_INO_* */
	__u32 file_access; /* HY_ACC_* of the files rule */
	__u32 exec_access; /* HY_ACC_X for an exec entry */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_lsm_ino) == 16, "hy_lsm_ino layout");
