/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-emu public interface: the ONLY header user/ includes from kernel-emu/.
 *
 * kernel-emu is the user-space emulation kernel that runs inside the hybox
 * supervisor. It owns the syscall table (which road every syscall takes), the
 * road resolution (table + per-container policy) and the per-container kernel
 * state (UTS names, syslog, start time) that emulated syscalls act on. It
 * serves the seccomp user-notification listener of one container.
 */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "abi/events.h"
#include "abi/policy.h"

/* ---- the syscall table ------------------------------------------------ */

enum emu_road {
	EMU_ROAD_NATIVE = 0,   /* seccomp ALLOW (optionally only when arg conds hold) */
	EMU_ROAD_EMULATED = 1, /* seccomp USER_NOTIF; kernel-emu performs the call */
	EMU_ROAD_DENIED = 2,   /* never runs; the task gets -err and an event is emitted */
};

/* Comparisons on the low 32 bits of an argument (the kernel truncates int args,
 * so a 64-bit compare could be bypassed by setting the upper half). */
enum emu_cmp {
	EMU_CMP_MASKED_EQ = 1, /* (arg & mask) == value */
	EMU_CMP_NE = 2,        /* (arg & 0xffffffff) != value */
	EMU_CMP_NULL = 3,      /* the whole 64-bit arg is 0 (a NULL pointer) */
};

struct emu_arg_cond {
	uint8_t arg; /* 0..5 */
	uint8_t op;  /* enum emu_cmp */
	uint32_t mask;
	uint32_t value;
};

#define EMU_MAX_CONDS 3

struct emu_call;
struct emu_kernel;
/* Returns the task's result: >= 0 or -errno (E8). */
typedef long (*emu_handler_fn)(struct emu_kernel *k, struct emu_call *call);

enum emu_syscall_flags {
	EMU_SF_LOCKED = 1 << 0, /* a policy "allow" cannot open it (host-global or escape-prone) */
	EMU_SF_PTRACE = 1 << 1, /* native when the policy's process.ptrace is "allow" */
	EMU_SF_MOUNT = 1 << 2,  /* native when the policy's process.mount is "allow" */
};

/*
 * Object-policy areas (files, exec, network) that kernel-emu enforces on the
 * emulated road, when BPF LSM cannot. A syscall tagged with an area in the
 * table keeps its table road until its area is routed to kernel-emu; then it
 * becomes EMULATED with the descriptor's handler.
 */
enum emu_area {
	EMU_AREA_FILES = 1 << 0,   /* open family, create/mkdir/unlink/rename/link, truncate */
	EMU_AREA_EXEC = 1 << 1,    /* execve, execveat (x bit and exec allow-list) */
	EMU_AREA_NET = 1 << 2,     /* socket(2) families */
	EMU_AREA_NET_ADDR = 1 << 3, /* connect, bind, sendto/sendmsg with an address */
};

struct emu_syscall_desc {
	const char *name; /* NULL: number unassigned on x86_64 */
	uint8_t road;     /* enum emu_road: default road */
	uint8_t ncond;    /* NATIVE: allowed only while every cond holds, else denied with err */
	uint8_t flags;    /* enum emu_syscall_flags */
	int16_t err;      /* positive errno when denied */
	uint8_t area;     /* enum emu_area bits: emulated while one of them is routed */
	uint8_t ro_arg;   /* area FILES: 1 + index of the open flags argument, 0: none */
	uint8_t null_arg; /* area NET_ADDR: 1 + index of the address pointer; NULL stays native */
	struct emu_arg_cond cond[EMU_MAX_CONDS];
	emu_handler_fn handler; /* EMULATED, or an area's handler */
	const char *reason;     /* one line: why this road */
};

/* One past the highest x86_64 syscall number the table describes. */
#define EMU_NR_MAX 470

/* Descriptor for nr, or NULL when nr is outside [0, EMU_NR_MAX). */
const struct emu_syscall_desc *emu_syscall(int nr);
/* Number for a syscall name, or -ENOENT. */
int emu_syscall_by_name(const char *name);
/* Name for nr, or NULL (unassigned / out of range). */
const char *emu_syscall_name(int nr);

/* ---- road resolution: table + policy ------------------------------------- */

enum emu_override { EMU_OVR_NONE = 0, EMU_OVR_ALLOW, EMU_OVR_DENY };

struct emu_syscall_policy {
	uint8_t override[EMU_NR_MAX]; /* enum emu_override, from policy "syscalls" */
	bool audit;                   /* mode audit: denials are logged, not enforced */
	uint8_t areas;                /* enum emu_area bits routed to kernel-emu */
	bool files_read_all;          /* every path grants r: read-only opens stay native */
	bool ptrace;                  /* process.ptrace "allow" (within the container) */
	bool mount;                   /* process.mount "allow" */
};

/*
 * NATIVE with ncond: native while every cond holds, else denied with err.
 * EMULATED with ncond: native while every cond holds, else emulated (an
 * area's read-only opens).
 */
struct emu_road_decision {
	uint8_t road;  /* enum emu_road */
	uint8_t ncond; /* conds under which the call runs natively */
	int16_t err;   /* errno for DENIED, or when a cond fails */
	const struct emu_arg_cond *cond;
	const char *reason;
};

/*
 * Resolve the road of nr under policy p (p may be NULL: table defaults).
 * Returns 0, -ENOENT for an unassigned/unknown number (denied with ENOSYS),
 * or -EPERM when the policy tries to allow a LOCKED syscall (the decision is
 * still filled, with the table's road).
 */
int emu_road_resolve(const struct emu_syscall_policy *p, int nr, struct emu_road_decision *out);

/* Apply one policy syscalls entry by name. Returns 0, -ENOENT (not a syscall
 * name) or -EPERM (LOCKED syscall cannot be allowed). */
int emu_syscall_policy_set(struct emu_syscall_policy *p, const char *name, enum emu_override o);

/* ---- the emulation kernel --------------------------------------------- */

/* Event sink: called from kernel-emu threads, must be thread-safe. */
typedef void (*emu_emit_fn)(void *ctx, const struct hy_evt_hdr *ev);

struct emu_kernel_config {
	const char *container_id;
	const char *hostname;   /* initial UTS nodename */
	const char *domainname; /* initial UTS domainname, NULL: "(none)" */
	/* The container joined a UTS namespace others share (a pod's): uname()
	 * reads the names there, and renaming it takes CAP_SYS_ADMIN. */
	bool is_uts_shared;
	/* The container has a user namespace of its own (new, or joined by path):
	 * its tasks' capabilities (in /proc/PID/status) count only inside it, never
	 * for kernel-emu, which acts in the initial namespace (cred.h); its root is
	 * host uid emu_container_fds.userns_root_uid. */
	bool is_userns;
	int cgroup_fd;          /* container's cgroup v2 directory, -1 if none */
	uint64_t cgid;          /* its cgroup id (events) */
	const struct emu_syscall_policy *policy;
	const struct hy_obj_policy *obj; /* object rules for the routed areas; may be NULL */
	emu_emit_fn emit; /* may be NULL: no events */
	void *emit_ctx;
	/*
	 * Optional, for the hot path (every emulated call): emit_active(emit_ctx)
	 * says whether anyone takes syscall_emulated events now. When it says no,
	 * the event goes to count instead, without the task's pid and comm (a
	 * /proc read each). NULL: always active. count may be NULL.
	 */
	bool (*emit_active)(void *ctx);
	emu_emit_fn count;
	uint64_t mem_limit;   /* --memory in bytes, UINT64_MAX: none (views and sysinfo) */
	const cpu_set_t *cpus; /* the container's CPUs (views), NULL: the supervisor's */
};

struct emu_kernel *emu_kernel_new(const struct emu_kernel_config *cfg);
void emu_kernel_free(struct emu_kernel *k);
static inline void emu_kernel_freep(struct emu_kernel **k)
{
	if (*k)
		emu_kernel_free(*k);
}

/* What kernel-emu needs of a started container; every fd may be -1 but listener. */
struct emu_container_fds {
	int listener; /* the seccomp listener */
	int uts_ns;   /* UTS namespace: the serving thread joins it, so the host
		       * kernel's view of the names stays in step with kernel-emu's */
	int mnt_ns;   /* mount namespace and root directory: the serving thread */
	int root;     /* joins and chroots there, so path handlers resolve as the task */
	/* With is_userns: the host uid of the namespace's root, read from init's
	 * uid_map (a joined namespace's maps show only once init is in it). */
	uint32_t userns_root_uid;
};

/*
 * Start serving the container in a supervisor thread. The fds pass to k,
 * also on failure. Returns 0 or -errno (e.g. the thread could not join the
 * mount namespace: nothing is served).
 */
int emu_kernel_start(struct emu_kernel *k, const struct emu_container_fds *fds);
/*
 * Serve one more listener: that of a process `hybox exec` started in the
 * container, which installed the container's filter again (a new filter, a
 * new listener). One thread serves it, with the same policy, until every
 * task under that filter has exited. Takes listener (closed on failure).
 * 0 or -errno (-ESRCH: not serving any more).
 */
int emu_kernel_add_listener(struct emu_kernel *k, int listener);
/* Stop serving and join the thread; pending notifications fail with ENOSYS. */
void emu_kernel_stop(struct emu_kernel *k);

/*
 * The container's /proc views and /dev/kmsg (viewfs.c): files of a FUSE file
 * system that the container's init attaches and binds over their targets
 * before the command runs. emu_viewfs_start() mounts it detached (read-only),
 * serves it in a thread of its own and returns the mount's fd (the caller's,
 * for init's move_mount), or -errno: no views. emu_kernel_free() stops serving.
 */
struct emu_view_file {
	const char *name;   /* in the FUSE root */
	const char *target; /* bound over this path in the container, if it exists */
	const char *step;   /* "bind the view over TARGET", for setup errors */
	bool is_dev;        /* on the container's /dev tmpfs: target created, bind writable */
};
extern const struct emu_view_file emu_view_files[];
extern const size_t emu_view_nfiles;
int emu_viewfs_start(struct emu_kernel *k);
void emu_viewfs_stop(struct emu_kernel *k);

/*
 * The container's tasks (taskset.h): fed with the BPF fork/exec/exit events
 * (and `lost` events) while the trace consumer runs, from its thread; fed
 * says whether it runs. Without events, every reader scans the cgroup.
 */
void emu_kernel_task_event(struct emu_kernel *k, const struct hy_evt_hdr *ev);
void emu_kernel_tasks_fed(struct emu_kernel *k, bool fed);
struct emu_task_stats {
	bool is_fed;     /* events arrive (else each reader scans) */
	size_t tasks;    /* threads in the set (some may have exited since) */
	uint64_t events; /* applied */
	uint64_t scans;  /* of the cgroup */
};
void emu_kernel_task_stats(struct emu_kernel *k, struct emu_task_stats *ret);
/* One process of the container, as the host sees it now. */
struct emu_proc {
	pid_t pid, cpid;       /* host pid, pid in the container (0: unknown) */
	pid_t ppid;            /* host pid of its parent */
	unsigned int threads;
	char state;            /* /proc/PID/stat's letter: R, S, D, T, t, Z, ... */
	uint64_t start_ticks;  /* /proc/PID/stat field 22 */
	char comm[HY_COMM_LEN];
};
/* The container's processes, sorted by host pid, each checked against /proc
 * (free() *ret). Returns the count or -errno (the cgroup could not be read). */
ssize_t emu_kernel_processes(struct emu_kernel *k, struct emu_proc **ret);

/* Record a line in the container's kernel log (syslog(2) view). */
void emu_kernel_log(struct emu_kernel *k, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report events the rate limiter suppressed since the last report (at exit). */
void emu_kernel_flush_suppressed(struct emu_kernel *k);
