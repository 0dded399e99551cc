/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Facts about, and handles on, the task behind a trapped syscall, for the
 * object-policy handlers. Everything comes from the kernel (/proc/TID, pidfd),
 * never from the task's memory, and every handle is proven to belong to the
 * trapping thread by checking the notification id AFTER it was obtained: a
 * tid can be reused once its thread is gone, but not while the id is valid.
 * Internal to kernel-emu/.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"
#include "cred.h"
#include "kernel.h"

/* /proc/TID of the trapping thread as an O_PATH directory fd (borrowed: valid
 * for the rest of the call), or -errno. */
int emu_task_dir(struct emu_kernel *k, struct emu_call *c);
/* In /proc/TID/status text, "Key:\tv1\tv2..." (key with its leading "\n") →
 * up to n numbers in base; returns how many were parsed. */
int emu_status_field(const char *buf, const char *key, int base, unsigned long long *v, int n);
/* What /proc/TID/stat says: "pid (comm) S ppid ... starttime(22) ...". */
struct emu_task_stat {
	char state;
	pid_t ppid;
	uint64_t start_ticks; /* clock ticks after boot */
};
/* Parse proc_fd/<rel>/stat (rel: "TID" or "TGID/task/TID"). 0 or -errno. */
int emu_task_stat_read(int proc_fd, const char *rel, struct emu_task_stat *st);
/* Parse /proc/TID/status (ids as the initial user namespace sees them: host
 * ids). In a container with a user namespace cap_eff is 0 (cred.h). 0 or -errno. */
int emu_task_cred(struct emu_kernel *k, struct emu_call *c, struct emu_task_cred *out);
/* openat(/proc/TID, rel, flags): "cwd", "root", "fd/N". New fd or -errno. */
int emu_task_open(struct emu_kernel *k, struct emu_call *c, const char *rel, int flags);
/* A duplicate of the task's fd (pidfd_getfd), e.g. a socket. New fd or -errno
 * (-EBADF: the task has no such fd). */
int emu_task_getfd(struct emu_kernel *k, struct emu_call *c, int fd);
/* The notification is still pending (the thread is alive and waiting). */
bool emu_call_valid(struct emu_kernel *k, const struct emu_call *c);

/*
 * Report an object-policy denial: fills ev->hdr, ev->task, ev->decision
 * (DENY, or AUDIT in audit mode), ev->road and, in audit mode, ev->ret = 0;
 * logs a line in the container's syslog; emits the event (rate-limited with
 * the other denials). The caller fills area, op, access, ret (-errno) and the
 * object fields. Returns true when the call must be refused (enforce mode),
 * false in audit mode (the handler goes on and performs the call).
 */
bool emu_policy_deny(struct emu_kernel *k, struct emu_call *c, struct hy_evt_policy *ev);
