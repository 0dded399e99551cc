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
	HY_EVT_EXEC = 5,         /* a task of the container called execve (BPF, trace.bpf.c) */
	HY_EVT_FORK = 6,         /* a task of the container created a process or thread (BPF) */
	HY_EVT_TASK_EXIT = 7,    /* a task of the container ended (BPF) */
	HY_EVT_LOST = 8,         /* user-space-made: events the kernel could not queue */
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

/* Argument area bytes copied per exec (NUL separators kept); must be a power of two. */
#define HY_ARGS_LEN 256

/* hy_evt_exec.flags */
#define HY_EXEC_F_ARGS_TRUNC (1u << 0) /* args holds the first args_len of args_total bytes */
#define HY_EXEC_F_ARGS_FAULT (1u << 1) /* the argument area could not be read */

struct hy_evt_exec {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;   /* after exec: comm is the new program's */
	__u32 ppid;                /* host tgid of the real parent */
	__u32 uid;                 /* host uid/gid after exec (setuid applied) */
	__u32 gid;
	__u32 flags;               /* HY_EXEC_F_* */
	__u32 args_len;            /* valid bytes in args */
	__u32 args_total;          /* size of the whole argument area (arg_end - arg_start) */
	char filename[HY_PATH_LEN]; /* path passed to execve, NUL-terminated (may be cut) */
	char args[HY_ARGS_LEN];    /* argv strings, each followed by its NUL */
};
_Static_assert(sizeof(struct hy_evt_exec) == 584, "hy_evt_exec layout");

/* hy_evt_fork.flags and hy_evt_task_exit.flags */
#define HY_TASK_F_THREAD (1u << 0)     /* a thread (tid != tgid), not a thread-group leader */
#define HY_TASK_F_GROUP_DEAD (1u << 1) /* task_exit: the last task of its process */
#define HY_TASK_F_CORE_DUMP (1u << 2)  /* task_exit: the signal dumped core */

struct hy_evt_fork {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task; /* the new task (child) */
	__u32 ppid;              /* host tgid of the child's real parent */
	__u32 parent_pid;        /* the task that called fork/clone: tgid ... */
	__u32 parent_tid;        /* ... and tid */
	__u32 flags;             /* HY_TASK_F_THREAD */
};
_Static_assert(sizeof(struct hy_evt_fork) == 64, "hy_evt_fork layout");

struct hy_evt_task_exit {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__s32 exit_code; /* exit status, or -1 if killed by a signal */
	__s32 signal;    /* terminating signal, or 0 */
	__u32 flags;     /* HY_TASK_F_THREAD, HY_TASK_F_GROUP_DEAD, HY_TASK_F_CORE_DUMP */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_evt_task_exit) == 64, "hy_evt_task_exit layout");

/* hy_evt_lost.source */
#define HY_LOST_SRC_KERNEL 1 /* BPF ring buffer full: reserve failed */

struct hy_evt_lost {
	struct hy_evt_hdr hdr;
	__u64 count;  /* events lost since the previous lost event */
	__u32 source; /* HY_LOST_SRC_* */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_evt_lost) == 40, "hy_evt_lost layout");

/* Value of the trace skeleton's hy_cgroups map (key: __u64 cgroup id). */
struct hy_trace_cg {
	__u32 index; /* container slot; 0 while each run loads its own skeleton */
	__u32 flags; /* reserved, 0 */
};
_Static_assert(sizeof(struct hy_trace_cg) == 8, "hy_trace_cg layout");

/* Value of the per-CPU hy_counters array (one entry, key 0). */
struct hy_trace_counters {
	__u64 produced; /* events submitted to the ring */
	__u64 dropped;  /* events lost: ring full at reserve */
};
_Static_assert(sizeof(struct hy_trace_counters) == 16, "hy_trace_counters layout");
