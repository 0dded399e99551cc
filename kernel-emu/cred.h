/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File operations on a task's behalf run with the task's filesystem
 * credentials: fsuid, fsgid, supplementary groups, effective capabilities and
 * umask, so kernel-emu can never do more than the task could (no DAC bypass
 * with the supervisor's root). All are per-thread in the kernel (umask after
 * unshare(CLONE_FS)), set with raw syscalls so glibc does not broadcast them
 * to the supervisor's other threads. The state is per serving thread. Every
 * call starts with the supervisor's credentials (notify.c restores them);
 * a handler adopts the task's once it is done reading the task's memory and
 * /proc entries, and only what differs is switched (a root container's
 * tasks differ from the supervisor in their capability set alone).
 *
 * A container with a user namespace of its own (emu_kernel_config.is_userns):
 * /proc/PID/status read from the initial namespace shows the task's ids as
 * host ids (container root is e.g. host uid 100000), which is what the
 * thread takes; its CapEff is relative to the task's own namespace and would
 * be honoured by the kernel only over inodes whose owner is mapped there.
 * kernel-emu's thread lives in the initial namespace, where any capability
 * counts over every host file, so such a task's calls run with NO
 * capabilities (emu_task_cred sets cap_eff 0): never more than the task has,
 * at the cost that container root cannot override permissions or chown
 * through kernel-emu's emulated file calls.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

struct emu_kernel;

#define EMU_TASK_GROUPS 64

/* The credentials file operations of the task use, and its umask. */
struct emu_task_cred {
	uid_t fsuid;
	gid_t fsgid;
	int ngroups; /* -1: more than EMU_TASK_GROUPS (refused by callers) */
	gid_t groups[EMU_TASK_GROUPS];
	uint64_t cap_eff;
	mode_t umask;
	pid_t tgid;  /* host tgid */
	pid_t nspid; /* tid in the container's pid namespace */
	pid_t nstgid; /* its tgid there */
};

struct emu_cred_state {
	bool adopted; /* the thread is running with a task's credentials */
	struct emu_task_cred cur;
};

/* Take the trapping task's credentials (from /proc/TID/status). 0 or -errno;
 * on failure the thread is back to its own credentials. */
int emu_cred_adopt(struct emu_cred_state *s, struct emu_kernel *k, struct emu_call *c);
/* Back to the supervisor's own credentials (root, full effective set). */
void emu_cred_restore(struct emu_cred_state *s);
/*
 * Around /proc/TID access while adopted: the task's own credentials may not
 * pass the ptrace access check on itself (a task that changed uid is not
 * dumpable), the supervisor's always do. suspend returns whether the task's
 * were in place; resume puts them back (0 or -errno).
 */
bool emu_cred_suspend(struct emu_cred_state *s);
int emu_cred_resume(struct emu_cred_state *s, bool was);
