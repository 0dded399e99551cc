/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy files (JSON, parsed with jansson) -> the per-container policy:
 * mode and syscalls for the seccomp filter and kernel-emu (struct
 * emu_syscall_policy), and the object-level sections (files, exec, network,
 * process) in the fixed-size form of bpf/abi/policy.h that both enforcement
 * roads consume. Parsing has no side effects; every error reads
 * "FILE:LINE:COL: FIELD: expected WHAT[, got WHAT]" (syntax errors:
 * "FILE:LINE:COL: jansson's text"). Runs unprivileged.
 */
#pragma once
#include <stdbool.h>

#include "abi/policy.h"
#include "emu.h"
#include "error.h"

enum hy_policy_mode {
	HY_POLICY_ENFORCE = 0,
	HY_POLICY_AUDIT = 1, /* nothing blocked; would-be denials are events */
};

/* Which decisions become events. */
enum hy_policy_events {
	HY_POLICY_EVENTS_ALL = 0,
	HY_POLICY_EVENTS_DENIED_ONLY = 1,
	HY_POLICY_EVENTS_NONE = 2,
};

struct hy_policy {
	struct emu_syscall_policy sys; /* syscalls + mode (sys.audit); enforced today */
	enum hy_policy_mode mode; /* sys.audit == (mode == HY_POLICY_AUDIT) */
	enum hy_policy_events events;
	struct hy_obj_policy obj; /* files, exec, network, process */
};

/* The policy of a container started without --policy (see docs/policy.md). */
void hy_policy_default(struct hy_policy *p);

/* path NULL: the default policy. On failure *p is the default policy. */
int hy_policy_load(const char *path, struct hy_policy *p, struct hy_err *err);
/* Same, from a string (name is used in messages). */
int hy_policy_parse(const char *name, const char *text, struct hy_policy *p, struct hy_err *err);

/* Set the files rule for path (normalized, absolute) to access (HY_ACC_*),
 * adding it if there is none. 0, -ENOSPC (64 rules) or -ENAMETOOLONG. */
int hy_policy_grant(struct hy_policy *p, const char *path, uint32_t access);

/*
 * Choose the road of the object sections: on the BPF LSM road (lsm true) the
 * LSM programs check every object and no syscall leaves the native road for
 * it; otherwise files, exec and network go to kernel-emu (p->sys.areas).
 * process.ptrace/mount "allow" reopen their syscalls on either road.
 */
void hy_policy_route(struct hy_policy *p, bool lsm);

/* Name of the first object section ("files", "exec", "network", "process")
 * whose rules differ from the defaults, or NULL. */
const char *hy_policy_object_section(const struct hy_policy *p);
/* True when any of files/exec/network/process differs from the defaults. */
bool hy_policy_has_object_rules(const struct hy_policy *p);
