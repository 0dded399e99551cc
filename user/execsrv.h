/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exec socket (<state dir>/exec.sock): `hybox exec` starts a process in
 * the running container. One supervisor thread accepts clients (root or the
 * state directory's owner), validates each request (exec_req.h), has the
 * container's init fork the process (sync.h's exec channel), takes the
 * process's new seccomp listener and hands it to kernel-emu
 * (emu_kernel_add_listener), releases the process, and tells the client its
 * pid and, when it ends, its wait status. The client's stdin, stdout and
 * stderr (SCM_RIGHTS with the request) become the process's; signals the
 * client forwards ({"signal": N}) go to the process through a pidfd.
 *
 * Replies, one JSON object per message:
 *   {"ok": true, "pid": HOSTPID}          the process runs (after exec: GO sent)
 *   {"ok": true, "exit": WAITSTATUS}      it ended (not sent with "detach")
 *   {"ok": false, "error": TEXT, "exit_code": 125|126|127}
 */
#pragma once
#include <sys/types.h>

#include "emu.h"
#include "error.h"
#include "exec_req.h"

#define HY_EXEC_SOCK "exec.sock"
#define HY_EXEC_SESSIONS_MAX 1024 /* processes being started or waited for at once */

struct hy_execsrv_config {
	int state_dirfd;      /* the state directory (borrowed) */
	const char *state_dir;
	int exec_fd;          /* the exec channel to init (borrowed; sandbox.h) */
	struct emu_kernel *kernel;
	struct hy_exec_defaults defaults; /* pointers must outlive the server */
};

struct hy_execsrv;

int hy_execsrv_start(struct hy_execsrv **ret, const struct hy_execsrv_config *cfg,
		     struct hy_err *err);
/* Stop serving: clients still waiting are told the container ended. NULL-safe. */
void hy_execsrv_stop(struct hy_execsrv *s);
