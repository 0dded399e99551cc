/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Detaching a container's supervisor from the command that started it
 * (`hybox create`, `hybox run -d`): fork, setsid, fork again, so the
 * supervisor is in a session of its own, can never acquire a controlling
 * terminal and is nobody's child in the caller's session. The caller waits
 * on a socket until the supervisor reports the container created (with the
 * command's pid) or failed (with the message to print), and exits with that
 * outcome: the caller prints every error (STYLE E4), the supervisor none
 * before it is detached. Runs with the caller's privileges.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct hy_detach {
	int fd; /* the supervisor's end of the report socket; -1 once reported */
};

/*
 * Fork the supervisor. Returns 1 in the caller once the supervisor reported:
 * 0 in *ret_status and its command's pid in *ret_pid, or the exit status to
 * use in *ret_status with err filled. Returns 0 in the supervisor, -errno
 * (err filled) when nothing could be forked.
 */
int hy_detach_fork(struct hy_detach *d, int *ret_status, pid_t *ret_pid, struct hy_err *err);

/*
 * Supervisor: report success, then let go of the caller: stdin and stdout
 * become /dev/null (stdout is kept when keep_stdout: it is where `--events -`
 * goes), fd 2 /dev/null (the diagnostics still reach --log: logfile.h), cwd
 * "/". The container keeps the stdio it inherited. 0 or -errno (nothing
 * reported).
 */
int hy_detach_ready(struct hy_detach *d, pid_t pid, bool keep_stdout, struct hy_err *err);

/* Supervisor: report failure (err's message and exit code); no-op once reported. */
void hy_detach_failed(struct hy_detach *d, const struct hy_err *err);
