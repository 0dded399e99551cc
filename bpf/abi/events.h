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
	HY_EVT_POLICY = 9,       /* an object-policy denial or audit (files, exec, net, process) */
	HY_EVT_SYS_TRACE = 10,   /* one completed syscall of a traced task (BPF, --trace-syscalls) */
	HY_EVT_CHECKPOINT = 11,  /* the container was saved (hybox checkpoint) */
	HY_EVT_RESTORE = 12,     /* the container was brought back from an image */
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

/* CHECKPOINT, RESTORE: the image's size; task is the container's command. */
struct hy_evt_ckpt {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__u32 procs, threads;
	__u64 bytes;     /* of saved pages */
	__u64 frozen_ns; /* CHECKPOINT: how long the container was frozen */
	__u32 leave_running; /* CHECKPOINT: it went on running */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_evt_ckpt) == 80, "hy_evt_ckpt layout");

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
	__u32 ctid;              /* the new task's tid and pid in the container's pid */
	__u32 cpid;              /* namespace (its innermost level; 0: unknown) */
	__u64 start_ns;          /* task->start_boottime: /proc/PID/stat's start time */
};
_Static_assert(sizeof(struct hy_evt_fork) == 80, "hy_evt_fork layout");

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

/* ---- per-syscall tracing (trace.bpf.c hy_sys_enter/hy_sys_exit, --trace-syscalls) ---- */

/* Slots of the per-CPU hy_sys_counts array: x86_64 numbers below HY_SYS_NR_SLOTS - 1
 * count under their number, every other call (i386 ABI, larger numbers) in the last. */
#define HY_SYS_NR_SLOTS 512
#define HY_SYS_NR_OTHER (HY_SYS_NR_SLOTS - 1)

/* One syscall, from entry to return. hdr.ts_ns is the entry time. */
struct hy_evt_sys_trace {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__u32 nr;          /* syscall number in arch's table */
	__u32 arch;        /* AUDIT_ARCH_X86_64 or AUDIT_ARCH_I386 (a compat call) */
	__s64 ret;         /* the return value (-errno on failure) */
	__u64 duration_ns; /* entry to return */
};
_Static_assert(sizeof(struct hy_evt_sys_trace) == 72, "hy_evt_sys_trace layout");

/* ---- object-policy decisions (bpf/lsm.bpf.c and kernel-emu, same shape) ---- */

/* hy_evt_policy.area */
enum hy_area {
	HY_AREA_FILES = 1,
	HY_AREA_EXEC = 2,
	HY_AREA_NET = 3,
	HY_AREA_PROCESS = 4,
};

/* hy_evt_policy.op: what the task tried. */
enum hy_op {
	HY_OP_OPEN = 1,     /* open of an existing file (access: r/w) */
	HY_OP_CREATE = 2,   /* new file, fifo, node or symlink (path: the new entry) */
	HY_OP_MKDIR = 3,
	HY_OP_UNLINK = 4,   /* unlink or rmdir */
	HY_OP_RENAME = 5,   /* path: source; path2: destination */
	HY_OP_LINK = 6,     /* path: existing file; path2: the new name */
	HY_OP_TRUNCATE = 7,
	HY_OP_EXEC = 8,
	HY_OP_SOCKET = 9,   /* family: the socket family (HY_NET_*) */
	HY_OP_CONNECT = 10, /* also sendto/sendmsg with an address */
	HY_OP_BIND = 11,
	HY_OP_PTRACE = 12,  /* target: host pid */
	HY_OP_SIGNAL = 13,  /* target: host pid; sig */
	HY_OP_MOUNT = 14,
};

/* hy_evt_policy.road: which enforcement road decided. */
enum hy_road_id {
	HY_ROAD_ID_EMULATED = 1, /* kernel-emu, seccomp user notification */
	HY_ROAD_ID_BPF_LSM = 2,  /* bpf/lsm.bpf.c */
};

/* One denial (decision DENY) or would-be denial (decision AUDIT). Paths are
 * container-absolute; a path the hook could not render fully is cut at
 * HY_PATH_LEN - 1 bytes. Fields an op does not use are zero. */
struct hy_evt_policy {
	struct hy_evt_hdr hdr;
	struct hy_evt_task task;
	__u32 area;     /* enum hy_area */
	__u32 op;       /* enum hy_op */
	__u32 decision; /* HY_DECISION_DENY or HY_DECISION_AUDIT */
	__u32 road;     /* enum hy_road_id */
	__u32 access;   /* files/exec: HY_ACC_* bits requested (bpf/abi/policy.h) */
	__s32 ret;      /* -errno the task got; 0 in audit mode */
	__u32 family;   /* net: enum hy_net_family */
	__u32 port;     /* net: port, host byte order */
	__u8 addr[16];  /* net: inet in addr[0..3], inet6 all 16, network byte order */
	__u32 target;   /* process: host pid of the target task */
	__u32 sig;      /* process: signal number */
	char path[HY_PATH_LEN];  /* files/exec: the object; net unix: sun_path */
	char path2[HY_PATH_LEN]; /* rename/link: the second path */
};
_Static_assert(sizeof(struct hy_evt_policy) == 24 + 24 + 32 + 16 + 8 + 2 * 256,
	       "hy_evt_policy layout");
