/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Wire format of telemetry events, shared by BPF programs (ring buffer) and
 * user space (kernel-emu's in-process queue, the exporter). Fixed-size fields
 * only; the layout is pinned with _Static_assert so clang-BPF and the host
 * compiler agree. Consumers dispatch on hdr.type and skip unknown types.
 */
#pragma once
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "limits.h"

enum hy_evt_type {
	HY_EVT_START = 1,        /* container's init task started */
	HY_EVT_EXIT = 2,         /* container's init task ended */
	HY_EVT_SYSCALL = 3,      /* a syscall decision: denied, emulated, unimplemented */
	HY_EVT_SUPPRESSED = 4,   /* rate limiter dropped this many events */
};

/* hy_evt_syscall.decision */
enum hy_decision {
	HY_DECISION_ALLOW = 0,
	HY_DECISION_DENY = 1,
	HY_DECISION_AUDIT = 2,     /* would have been denied; policy mode is audit */
	HY_DECISION_EMULATE = 3,
	HY_DECISION_UNIMPLEMENTED = 4,
};

struct hy_evt_hdr {
	__u32 type;  /* enum hy_evt_type */
	__u32 size;  /* whole event, header included */
	__u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 cgid;  /* cgroup id of the container */
};
_Static_assert(sizeof(struct hy_evt_hdr) == 24, "hy_evt_hdr layout");

struct hy_evt_task {
	__u32 pid; /* host pid (tgid) */
	__u32 tid; /* host tid */
	char comm[HY_COMM_LEN];
};
_Static_assert(sizeof(struct hy_evt_task) == 24, "hy_evt_task layout");

struct hy_evt_syscall {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__u32 nr;       /* syscall number (as seen in arch below) */
	__u32 arch;     /* AUDIT_ARCH_* of the call */
	__u32 decision; /* enum hy_decision */
	__s32 ret;      /* result returned to the task (-errno or value) */
	__u64 args[2];  /* first two arguments, for context */
};
_Static_assert(sizeof(struct hy_evt_syscall) == 80, "hy_evt_syscall layout");

struct hy_evt_lifecycle {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__s32 exit_code; /* EXIT: exit status, or -1 */
	__s32 signal;    /* EXIT: terminating signal, or 0 */
};
_Static_assert(sizeof(struct hy_evt_lifecycle) == 56, "hy_evt_lifecycle layout");

struct hy_evt_suppressed {
	struct hy_evt_hdr hdr;
	__u64 count;     /* events dropped by the rate limiter since the last report */
	__u32 kind;      /* enum hy_evt_type of the dropped events */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_evt_suppressed) == 40, "hy_evt_suppressed layout");
