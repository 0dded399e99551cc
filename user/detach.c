// SPDX-License-Identifier: GPL-2.0-only
/*
 * Detached supervisors (see detach.h). The report travels on a SOCK_SEQPACKET
 * socketpair, sent with MSG_NOSIGNAL: a caller killed while waiting must not
 * kill the supervisor with SIGPIPE (and ignoring SIGPIPE instead would be
 * inherited by the container's command across exec). Runs with the caller's
 * privileges (root for the OCI verbs).
 */
#define LOG_PREFIX "detach: "
#include "detach.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "util.h"

struct report {
	int is_ok;
	int exit_code;
	pid_t pid;
	char msg[sizeof(((struct hy_err *)0)->msg)];
};

static int await_report(int fd, pid_t child, int *ret_status, pid_t *ret_pid, struct hy_err *err)
{
	struct report rep = { 0 };
	/* The first child exits as soon as it has forked the supervisor. */
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	ssize_t n;
	do
		n = recv(fd, &rep, sizeof(rep), 0);
	while (n < 0 && errno == EINTR);
	*ret_status = HY_EXIT_RUNTIME;
	if (n != (ssize_t)sizeof(rep))
		return hy_err_set(err, n < 0 ? -errno : -EPIPE,
				  "the container's supervisor ended before it reported the "
				  "container created (see --log)");
	rep.msg[sizeof(rep.msg) - 1] = '\0';
	if (!rep.is_ok) {
		*ret_status = rep.exit_code ? rep.exit_code : HY_EXIT_RUNTIME;
		return hy_err_set(err, -EIO, "%s", rep.msg);
	}
	*ret_status = 0;
	*ret_pid = rep.pid;
	return 0;
}

int hy_detach_fork(struct hy_detach *d, int *ret_status, pid_t *ret_pid, struct hy_err *err)
{
	int sv[2];
	d->fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return hy_err_setr(err, -errno, "socketpair");
	fflush(NULL); /* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return hy_err_setr(err, r, "fork the container's supervisor");
	}
	if (pid > 0) {
		close(sv[1]);
		await_report(sv[0], pid, ret_status, ret_pid, err);
		close(sv[0]);
		return 1;
	}
	close(sv[0]);
	if (setsid() < 0)
		_exit(HY_EXIT_RUNTIME);
	pid = fork();
	if (pid != 0) /* the session leader goes: the supervisor cannot get a terminal */
		_exit(pid < 0 ? HY_EXIT_RUNTIME : 0);
	d->fd = sv[1];
	return 0;
}

static int send_report(struct hy_detach *d, const struct report *rep)
{
	if (d->fd < 0)
		return -EBADF;
	ssize_t n = send(d->fd, rep, sizeof(*rep), MSG_NOSIGNAL);
	int r = n == (ssize_t)sizeof(*rep) ? 0 : n < 0 ? -errno : -EIO;
	closep(&d->fd);
	d->fd = -1;
	return r;
}

static int redirect(int fd, const char *path, int flags)
{
	int f = open(path, flags | O_CLOEXEC, 0600);
	if (f < 0)
		return -errno;
	int r = dup2(f, fd) < 0 ? -errno : 0;
	close(f);
	return r;
}

int hy_detach_ready(struct hy_detach *d, pid_t pid, bool keep_stdout, struct hy_err *err)
{
	struct report rep = { .is_ok = 1, .pid = pid };
	int r = send_report(d, &rep);
	if (r < 0)
		return hy_err_setr(err, r, "report to the caller (was it killed?)");
	fflush(NULL);
	redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
	if (!keep_stdout)
		redirect(STDOUT_FILENO, "/dev/null", O_WRONLY);
	/* The --log file, if any, is written by stderr's stream itself (logfile.h). */
	redirect(STDERR_FILENO, "/dev/null", O_WRONLY);
	if (chdir("/") < 0)
		pr_debug("chdir /: %s", strerror(errno));
	return 0;
}

void hy_detach_failed(struct hy_detach *d, const struct hy_err *err)
{
	struct report rep = { .exit_code = err->exit_code };
	strscpy(rep.msg, err->msg, sizeof(rep.msg));
	send_report(d, &rep);
}
