/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting the container's tasks. The supervisor clones an init task into
 * new pid/mount/uts/ipc(/net) namespaces and straight into the container's
 * cgroup (CLONE_INTO_CGROUP); with a user namespace joined by path, from a
 * helper inside it (sandbox.c). Init builds the filesystem view, forks the
 * user's command (pid 2), reaps orphans and reports the command's status.
 * The command drops capabilities, installs the seccomp filter, hands the
 * listener fd to the supervisor and execs.
 */
#pragma once
#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"
#include "ns_join.h"
#include "proc_spec.h"
#include "seccomp.h"
#include "userns.h"

struct hy_sandbox_spec {
	const char *hostname;
	const char *domainname;
	const char *rootfs; /* NULL: the host root, read-only */
	int net_none;       /* new network namespace with only lo */
	struct hy_ns_joins joins; /* namespaces joined instead of created (OCI paths) */
	/* A new user namespace owning all the others, with these maps (the
	 * supervisor writes them; init waits for HY_SYNC_MAPS, later becomes its
	 * root); NULL: the host's, or the one joined by path (joins' HY_JOIN_USER,
	 * treated alike but for the maps). Other joins are refused with a new
	 * one (oci_userns.c). */
	const struct hy_userns *userns;
	char **argv;        /* the command; argv[0] looked up in PATH inside */
	const char *cwd;    /* working directory inside; "/" if it does not exist there */
	const struct hy_filter *filter;
	const struct hy_filter *profile; /* linux.seccomp, stacked on filter; NULL: none */
	int cgroup_fd;
	/* OCI bundles (NULL/0 for `hybox run`): environment, ids, capability sets and
	 * rlimits of the command, whose cwd must then exist; mounts beyond hybox's own. */
	const struct hy_proc_spec *proc;
	char *const *envp;           /* the command's environment; NULL: proc's, or hybox's */
	const struct hy_proc_spec *tty; /* a pseudo-terminal for it (owner, size); NULL:
					 * proc's when proc->terminal, else none */
	const char *console_socket;  /* proc->terminal: where the pty master goes */
	unsigned int mounts;	     /* HY_MOUNT_* (ns.h) */
	const struct hy_mount *user_mounts; /* config.json's binds, tmpfs, masked and */
	size_t nuser_mounts;                /* read-only paths (ns.h) */
	bool is_root_writable;       /* root.readonly false */
	const struct hy_sysctl *sysctls; /* linux.sysctl, namespaced ones only (ns.h) */
	size_t nsysctls;
	unsigned long shm_flags;     /* added to /dev/shm's */
	unsigned long long shm_size; /* 0: tmpfs's default */
	const cpu_set_t *cpus;       /* run the container on these, NULL: hybox's CPUs */
	struct timespec boot, mono;  /* CLOCK_BOOTTIME, then CLOCK_MONOTONIC, at the
				      * container's boot: before init exists, so no
				      * task starts before it; zero: at init's setup */
	/* hybox restore: the command does not exec but waits, under the filter
	 * and with CAP_CHECKPOINT_RESTORE, to become the image's root process
	 * (ckpt_restore.c drops that capability again). */
	bool is_restore;
	/* OCI create / run -d: init is cloned with CLONE_PARENT, so it becomes the
	 * child of whoever adopts the detached supervisor (containerd's shim,
	 * conmon: subreapers), which reaps it and gets the command's exit status
	 * from it, as from runc's init. Init then dies with the supervisor by
	 * watching the setup channel instead of PDEATHSIG. */
	bool is_init_adopted;
	bool has_views;              /* views_fd: /dev/fuse served by kernel-emu, whose */
	int views_fd;                /* files init binds over /proc (emu_view_files) */
};

struct hy_sandbox {
	pid_t init_pid; /* host pid of the container's init */
	int init_pidfd; /* a pidfd of it (CLONE_PIDFD): how an adopted init is waited for */
	bool is_adopted; /* init is not our child (spec->is_init_adopted) */
	pid_t cmd_pid;  /* host pid of the user's command */
	int sync_fd;    /* supervisor end of the setup/status channel */
	int exec_fd;    /* supervisor end of the exec channel (sync.h; execsrv.c) */
	int listener;   /* seccomp listener (handed to kernel-emu) */
	int uts_ns_fd;  /* the container's UTS namespace */
	int mnt_ns_fd;  /* its mount namespace */
	int root_fd;    /* its root directory (O_PATH) */
	uint32_t userns_root; /* with a user namespace: the host uid of its root */
};

/* Does the container have a user namespace, new or joined? */
static inline bool hy_sandbox_has_userns(const struct hy_sandbox_spec *spec)
{
	return spec->userns || hy_ns_is_joined(&spec->joins, HY_JOIN_USER);
}

/* An fd of a task that waits for HY_SYNC_GO (so its pid, which the kernel
 * gave with SO_PASSCRED, is still its own), by its number there: the
 * command's or an exec'd process's listener or terminal. fd or -errno. */
int hy_sandbox_fetch_fd(pid_t pid, int num);

/* Start the container and wait until its command is under the filter.
 * On failure nothing is left running; err->exit_code says 125/126/127. */
int hy_sandbox_spawn(const struct hy_sandbox_spec *spec, struct hy_sandbox *sb, struct hy_err *err);
/* Let the command exec (it waits after handing over the listener, so the
 * supervisor can put its policy in place first). 0 or -errno. */
int hy_sandbox_go(struct hy_sandbox *sb);

/*
 * Wait for the container to end, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2
 * sent to the supervisor to the command. Returns the exit status to use
 * (code, or 128+signal), and fills err when the command could not be
 * executed (126/127).
 */
int hy_sandbox_wait(struct hy_sandbox *sb, int *ret_wstatus, struct hy_err *err);

/* Kill whatever is left and release fds. Idempotent. */
void hy_sandbox_release(struct hy_sandbox *sb);

/* Signals the supervisor forwards; block them before hy_sandbox_spawn(). */
void hy_sandbox_block_signals(void);
