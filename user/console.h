/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pseudo-terminal for an OCI process with process.terminal true, as runc
 * gives one: the command opens it inside the container (its own devpts
 * instance), makes the slave its controlling terminal and stdio, and the
 * supervisor passes the master to the caller's --console-socket with
 * SCM_RIGHTS (what containerd's shim and podman's conmon wait for).
 */
#pragma once
#include "error.h"
#include "proc_spec.h"

/*
 * Container side, in the command before exec (raw syscalls only): open
 * /dev/ptmx, size it, make the slave (owned by the process's uid and gid)
 * the controlling terminal and fds 0-2. Returns the master's fd number
 * (close-on-exec) or -errno; *ret_step names what failed.
 */
int hy_console_setup(const struct hy_proc_spec *p, const char **ret_step);

/* Supervisor side: send master over the unix socket at path, as runc does
 * (one message, SCM_RIGHTS, the terminal's name as data). 0 or -errno. */
int hy_console_send(const char *path, int master, struct hy_err *err);
