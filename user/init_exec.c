// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's init once the command runs: it reaps every child (the
 * command's status ends the container) and serves `hybox exec` requests
 * from the supervisor's exec channel (sync.h). Each request forks a child
 * of init, which is in every namespace and the cgroup of the container
 * already, and which then takes the command's own road (sandbox_init.c):
 * the command's credentials, a setsid, the container's filter installed
 * again, the listener handed to the supervisor, HY_SYNC_GO, exec. Init
 * itself stays unfiltered and root, as before: it runs no code of the
 * container's, and reads the channel only from the supervisor. Raw
 * syscalls and static buffers (no allocation in this copy of the
 * supervisor's memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "sandbox_init.h"
#include "sync.h"
#include "util.h"

#define EXEC_LIVE_MAX 1024 /* exec'd processes running at once */

static struct hy_exec_req req;
static char *strs[HY_EXEC_ARGS_MAX + 2]; /* argv, NULL, env, NULL */
static pid_t live[EXEC_LIVE_MAX];

static void send_msg(int exec_fd, const struct hy_exec_msg *m)
{
	while (send(exec_fd, m, sizeof(*m), MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* A request's argv and env, pointed into its blob: NULL-terminated each. */
static bool split_blob(char ***argv, char ***envp)
{
	unsigned int n = req.argc + req.envc, k = 0;
	if (req.argc == 0 || n > HY_EXEC_ARGS_MAX || req.blob_len > sizeof(req.blob))
		return false;
	for (unsigned int off = 0; off < req.blob_len && k < n; k++) {
		char *s = req.blob + off, *end = memchr(s, '\0', req.blob_len - off);
		if (!end)
			return false;
		strs[k + (k >= req.argc)] = s;
		off = (unsigned int)(end - req.blob) + 1;
	}
	if (k != n || memchr(req.cwd, '\0', sizeof(req.cwd)) == NULL)
		return false;
	strs[req.argc] = NULL;
	strs[n + 1] = NULL;
	*argv = strs;
	*envp = strs + req.argc + 1;
	return true;
}

/* Receive one request and its HY_EXEC_FDS fds. 1, 0 (EOF) or -errno. */
static int recv_req(int exec_fd, int fds[HY_EXEC_FDS])
{
	union {
		char buf[CMSG_SPACE(HY_EXEC_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(exec_fd, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int) * HY_EXEC_FDS))
		return -EBADMSG;
	memcpy(fds, CMSG_DATA(c), sizeof(int) * HY_EXEC_FDS);
	if ((size_t)n < offsetof(struct hy_exec_req, blob) + req.blob_len) {
		for (int i = 0; i < HY_EXEC_FDS; i++)
			close(fds[i]);
		return -EBADMSG;
	}
	return 1;
}

/* In the forked child: stdio and the sync peer (as fd 3) in place, then the command's road. */
static __attribute__((noreturn)) void exec_child(const struct hy_sandbox_spec *spec,
						  int fds[HY_EXEC_FDS], char **argv, char **envp)
{
	int sync = fcntl(fds[3], F_DUPFD_CLOEXEC, 64);
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			_exit(125);
	if (sync < 0 || dup2(sync, 3) < 0)
		_exit(125);
	close_range(4, ~0U, 0);
	struct hy_sandbox_spec xs = *spec;
	struct hy_proc_spec xp = { 0 }, tty = { 0 }; /* without proc: root's terminal */
	xs.argv = argv;
	xs.envp = envp;
	xs.cwd = req.cwd;
	xs.console_socket = NULL;
	xs.is_restore = false;
	if (spec->proc || req.has_user || req.has_caps || req.has_oom_score_adj) {
		/* hybox run's command has hybox's default set (hy_caps_restrict) */
		uint64_t caps = hy_caps_default();
		if (spec->proc)
			xp = *spec->proc;
		else
			xp.caps = (struct hy_proc_caps){ caps, caps, caps, 0 };
		xp.terminal = false;
		xp.envp = envp;
		if (req.has_caps) /* process.json's, checked within the command's */
			xp.caps = (struct hy_proc_caps){ req.bounding, req.effective, req.permitted,
							 req.inheritable };
		for (unsigned int i = 0; i < req.nrlimits; i++) /* each one the command has */
			for (size_t k = 0; k < xp.nrlimits; k++)
				if (xp.rlimits[k].resource == req.rlimits[i].resource) {
					xp.rlimits[k].soft = req.rlimits[i].soft;
					xp.rlimits[k].hard = req.rlimits[i].hard;
				}
		if (req.has_oom_score_adj) {
			xp.has_oom_score_adj = true;
			xp.oom_score_adj = req.oom_score_adj;
		}
		if (req.has_user) { /* exec -u: these ids, no supplementary groups */
			xp.uid = req.uid;
			xp.gid = req.gid;
			xp.ngroups = 0;
		}
		xs.proc = &xp;
		tty = xp;
	}
	tty.terminal = req.terminal != 0;
	tty.console_rows = req.rows;
	tty.console_cols = req.cols;
	xs.tty = tty.terminal ? &tty : NULL;
	hy_sandbox_cmd_main(&xs, 3);
}

/* One request; false when the channel is gone (EOF: the supervisor closed it). */
static bool serve_request(const struct hy_sandbox_spec *spec, int exec_fd)
{
	int fds[HY_EXEC_FDS];
	char **argv, **envp;
	int r = recv_req(exec_fd, fds);
	if (r <= 0)
		return r != 0 && r != -ECONNRESET;
	struct hy_exec_msg m = { .type = HY_EXEC_STARTED, .seq = req.seq };
	size_t slot = 0;
	while (slot < EXEC_LIVE_MAX && live[slot])
		slot++;
	if (!split_blob(&argv, &envp))
		m.err = EINVAL;
	else if (slot == EXEC_LIVE_MAX)
		m.err = EAGAIN;
	pid_t pid = m.err ? 0 : hy_raw_fork();
	if (pid == 0 && !m.err)
		exec_child(spec, fds, argv, envp);
	for (int i = 0; i < HY_EXEC_FDS; i++)
		close(fds[i]);
	if (pid < 0)
		m.err = errno;
	else if (pid > 0)
		live[slot] = m.pid = pid;
	send_msg(exec_fd, &m);
	return true;
}

/* A reaped child that `hybox exec` started: tell the supervisor its status. */
static void reaped(int exec_fd, pid_t pid, int status)
{
	for (size_t i = 0; i < EXEC_LIVE_MAX; i++)
		if (live[i] == pid) {
			live[i] = 0;
			struct hy_exec_msg m = { .type = HY_EXEC_STATUS, .pid = pid, .status = status };
			send_msg(exec_fd, &m);
			return;
		}
}

int hy_init_serve(const struct hy_sandbox_spec *spec, pid_t cmd, int exec_fd, int sync)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, __WALL | WNOHANG)) > 0) {
			if (p == cmd)
				return st;
			reaped(exec_fd, p, st);
		}
		if (p < 0 && errno == ECHILD)
			return W_EXITCODE(125, 0);
		struct pollfd pf[3] = { { .fd = sfd, .events = POLLIN },
					{ .fd = exec_fd, .events = POLLIN },
					{ .fd = sync, .events = 0 } /* POLLHUP comes anyway */ };
		/* Without a signalfd, poll with a timeout so that children are still reaped. */
		if (poll(pf, 3, sfd < 0 ? 100 : -1) < 0 && errno != EINTR)
			continue;
		if (pf[2].revents & (POLLHUP | POLLERR))
			/* init's exit takes every task of its namespace along; in a joined
			 * pid namespace they stay until the cgroup goes (hybox delete) */
			return SIGKILL;
		struct signalfd_siginfo si;
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == sizeof(si))
			;
		/* EOF comes with POLLIN too: the supervisor is going (sync tells next) */
		if (exec_fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !serve_request(spec, exec_fd))
			exec_fd = -1;
	}
}
