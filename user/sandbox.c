// SPDX-License-Identifier: GPL-2.0-only
/*
 * Supervisor side of starting and waiting for the container (root). The
 * container side is sandbox_init.c. Any failure kills what was started:
 * init dies with SIGKILL, and with it its pid namespace (a joined one lives
 * on: what init started there goes with the container's cgroup).
 */
#define LOG_PREFIX "sandbox: "
#include "sandbox.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "log.h"
#include "sandbox_init.h"
#include "sync.h"
#include "util.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

void hy_sandbox_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* in_helper: called by the user namespace helper (below): init becomes the
 * helper's parent's child instead (CLONE_PARENT). */
static pid_t clone_init(const struct hy_sandbox_spec *spec, int *pidfd, bool in_helper)
{
	bool is_sibling = spec->is_init_adopted || in_helper;
	struct clone_args args = {
		/* A joined pid namespace is entered by init for its children (ns_join.h). */
		.flags = CLONE_NEWNS | CLONE_PIDFD | CLONE_INTO_CGROUP |
			 (hy_ns_is_joined(&spec->joins, HY_JOIN_PID) ? 0 : CLONE_NEWPID) |
			 (hy_ns_is_joined(&spec->joins, HY_JOIN_UTS) ? 0 : CLONE_NEWUTS) |
			 (hy_ns_is_joined(&spec->joins, HY_JOIN_IPC) ? 0 : CLONE_NEWIPC) |
			 (spec->net_none && !hy_ns_is_joined(&spec->joins, HY_JOIN_NET) ? CLONE_NEWNET
										  : 0) |
			 (is_sibling ? CLONE_PARENT : 0) |
			 (spec->userns ? CLONE_NEWUSER : 0),
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		/* With CLONE_PARENT clone3 wants 0: the child inherits our exit
		 * signal (SIGCHLD: we were forked), which goes to our parent. */
		.exit_signal = is_sibling ? 0 : SIGCHLD,
		.cgroup = (uint64_t)spec->cgroup_fd,
	};
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	return pid < 0 ? -errno : (pid_t)pid;
}

static __attribute__((noreturn)) void run_init(const struct hy_sandbox_spec *spec,
					       const int sv[2], const int ex[2])
{
	close(sv[0]);
	close(ex[0]);
	hy_sandbox_init_main(spec, sv[1], ex[1]);
}

/*
 * A user namespace joined by path must own every namespace hybox creates
 * for the container (or its root could not mount in its own mount
 * namespace, nor /proc for its pid namespace), and a new namespace is owned
 * by the user namespace of the task that creates it: init is cloned by a
 * task inside the joined one, with the same clone3 as otherwise. The
 * supervisor cannot enter it (setns(CLONE_NEWUSER) wants a single-threaded
 * caller, and there is no way back), so a helper does: cloned like vfork
 * (CLONE_VM | CLONE_VFORK: no page tables copied, the supervisor waits until
 * it exits; CLONE_FILES: init's pidfd lands in the supervisor's table), it
 * enters the namespace and clones init with CLONE_PARENT, which makes init
 * the supervisor's child, or when adopted its parent's (the helper is cloned
 * with CLONE_PARENT then, and that parent reaps it, as it does the detached
 * supervisor). Init runs on the helper's stack (its own copy): mapped for
 * init's whole life, with a guard page below.
 */
#define HELPER_STACK (8u << 20)

struct userns_clone {
	const struct hy_sandbox_spec *spec;
	const int *sv, *ex;
	int *pidfd;
	pid_t pid; /* init's, or -errno */
	const char *step;
};

static int userns_helper(void *arg)
{
	struct userns_clone *u = arg;
	u->step = "container setup: join the user namespace of linux.namespaces";
	if (setns(u->spec->joins.fd[HY_JOIN_USER], CLONE_NEWUSER) < 0) {
		u->pid = -errno;
		return 0;
	}
	u->step = "clone the container init in the joined user namespace (clone3 into cgroup)";
	pid_t pid = clone_init(u->spec, u->pidfd, true);
	if (pid == 0)
		run_init(u->spec, u->sv, u->ex);
	u->pid = pid;
	return 0;
}

static pid_t clone_init_in_userns(const struct hy_sandbox_spec *spec, const int sv[2],
				  const int ex[2], int *pidfd, const char **step)
{
	struct userns_clone u = { .spec = spec, .sv = sv, .ex = ex, .pidfd = pidfd, .pid = -EIO };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	*step = "map a stack for the user namespace helper";
	char *stack = mmap(NULL, HELPER_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	if (mprotect(stack, page, PROT_NONE) < 0) {
		int r = -errno;
		munmap(stack, HELPER_STACK);
		return r;
	}
	*step = "clone the user namespace helper";
	int flags = CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD |
		    (spec->is_init_adopted ? CLONE_PARENT : 0);
	pid_t helper = clone(userns_helper, stack + HELPER_STACK, flags, &u);
	int r = helper < 0 ? -errno : 0;
	if (helper > 0 && !spec->is_init_adopted)
		while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
			;
	munmap(stack, HELPER_STACK);
	if (r == 0)
		*step = u.step;
	return r < 0 ? r : u.pid;
}

static int setup_error(struct hy_err *err, const struct hy_sync_msg *m)
{
	err->exit_code = HY_EXIT_RUNTIME;
	return hy_err_set(err, -m->err, "container setup: %s: %s", m->what, strerror(m->err));
}

static int exec_error(struct hy_err *err, const struct hy_sync_msg *m)
{
	int notfound = m->err == ENOENT || m->err == ENOTDIR;
	err->exit_code = notfound ? HY_EXIT_NOTFOUND : HY_EXIT_NOEXEC;
	if (notfound)
		return hy_err_set(err, -m->err, "%s: command not found", m->what);
	return hy_err_set(err, -m->err, "%s: cannot execute: %s", m->what, strerror(m->err));
}

int hy_sandbox_fetch_fd(pid_t pid, int num)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), fd = -1;
	if (pidfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
		close(pidfd);
	}
	return fd < 0 ? -errno : fd;
}

static int fetch_listener(struct hy_sandbox *sb, int num, struct hy_err *err)
{
	sb->listener = hy_sandbox_fetch_fd(sb->cmd_pid, num);
	if (sb->listener < 0) {
		int r = sb->listener;
		sb->listener = -1;
		err->exit_code = HY_EXIT_RUNTIME;
		return hy_err_setr(err, r, "take the seccomp listener from the command");
	}
	return 0;
}

/* process.terminal: hand the command's pty master to the console socket. */
static int pass_console(const struct hy_sandbox_spec *spec, pid_t pid, int num,
			struct hy_err *err)
{
	err->exit_code = HY_EXIT_RUNTIME;
	if (!spec->console_socket)
		return hy_err_set(err, -EINVAL, "a pseudo-terminal came without --console-socket");
	_cleanup_close_ int master = hy_sandbox_fetch_fd(pid, num);
	if (master < 0)
		return hy_err_setr(err, master, "take the pseudo-terminal from the command");
	return hy_console_send(spec->console_socket, master, err);
}

/* Wait for the listener (success) or a setup failure / early EOF. */
static int await_listener(const struct hy_sandbox_spec *spec, struct hy_sandbox *sb,
			  struct hy_err *err)
{
	for (;;) {
		struct hy_sync_msg m;
		int fd;
		pid_t pid;
		int r = hy_sync_recv(sb->sync_fd, &m, &fd, &pid);
		if (r <= 0) {
			err->exit_code = HY_EXIT_RUNTIME;
			return hy_err_set(err, r ? r : -EPIPE, "container init exited during setup");
		}
		if (m.type == HY_SYNC_LISTENER && fd < 0 && pid > 0) {
			sb->cmd_pid = pid;
			return fetch_listener(sb, m.status, err);
		}
		if (m.type == HY_SYNC_CONSOLE && fd < 0 && pid > 0 &&
		    (r = pass_console(spec, pid, m.status, err)) < 0)
			return r;
		if (fd >= 0)
			close(fd);
		if (m.type == HY_SYNC_SETUP_FAILED)
			return setup_error(err, &m);
	}
}

/* The command's UTS and mount namespaces and root, once set up (it is under
 * the filter now): kernel-emu names the container and resolves paths there.
 * Not init's right after clone: init enters the namespaces it joins
 * (ns_join.h) only then, and before that it is in the host's. */
static int open_ns_view(struct hy_sandbox *sb, struct hy_err *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", sb->cmd_pid);
	sb->uts_ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", sb->cmd_pid);
	sb->mnt_ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/root", sb->cmd_pid);
	sb->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sb->uts_ns_fd < 0 || sb->mnt_ns_fd < 0 || sb->root_fd < 0)
		return hy_err_setr(err, -errno, "open the container's namespaces and root");
	return 0;
}

/*
 * A new user namespace: its maps, written from here (root in the parent
 * namespace) before init does anything (a joined one has its maps), then
 * HY_SYNC_MAPS lets init go on. process.oomScoreAdj is set on init from here
 * too, new or joined: lowering it takes CAP_SYS_RESOURCE in the initial
 * namespace, which nothing inside has; the command and exec'd processes
 * inherit the floor it sets (oom_score_adj_min).
 */
static int start_userns(const struct hy_sandbox_spec *spec, pid_t pid, int sync,
			struct hy_err *err)
{
	const struct hy_proc_spec *p = spec->proc;
	struct hy_sync_msg m = { .type = HY_SYNC_MAPS };
	const char *step;
	char path[64], num[16];
	int r = spec->userns ? hy_userns_write_maps(pid, spec->userns, &step) : 0;
	if (r == 0 && p && p->has_oom_score_adj) {
		step = "set process.oomScoreAdj of init from the host";
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
		snprintf(num, sizeof(num), "%d", p->oom_score_adj);
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
		r = fd < 0 || write(fd, num, strlen(num)) < 0 ? -errno : 0;
	}
	if (r == 0) {
		step = "tell init that the user namespace is ready";
		ssize_t n = send(sync, &m, sizeof(m), MSG_NOSIGNAL);
		r = n == (ssize_t)sizeof(m) ? 0 : n < 0 ? -errno : -EIO;
	}
	return r < 0 ? hy_err_setr(err, r, "container setup: %s", step) : 0;
}

/* kernel-emu's test for the namespace's root: its host uid, from init's
 * uid_map (a joined namespace's maps are known only from a task in it). */
static int read_userns_root(struct hy_sandbox *sb, struct hy_err *err)
{
	int r = hy_userns_read_root(sb->init_pid, &sb->userns_root);
	return r < 0 ? hy_err_setr(err, r, "read the container's root from /proc/%d/uid_map",
				   (int)sb->init_pid) : 0;
}

int hy_sandbox_spawn(const struct hy_sandbox_spec *spec, struct hy_sandbox *sb, struct hy_err *err)
{
	int sv[2], ex[2];
	*sb = (struct hy_sandbox){ .sync_fd = -1, .exec_fd = -1, .listener = -1, .uts_ns_fd = -1,
				   .mnt_ns_fd = -1, .root_fd = -1, .init_pidfd = -1,
				   .is_adopted = spec->is_init_adopted };
	err->exit_code = HY_EXIT_RUNTIME;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return hy_err_setr(err, -errno, "socketpair");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ex) < 0) {
		close(sv[0]);
		close(sv[1]);
		return hy_err_setr(err, -errno, "socketpair");
	}
	int one = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	const char *step = "clone the container init (clone3 into cgroup)";
	pid_t pid = hy_ns_is_joined(&spec->joins, HY_JOIN_USER)
			    ? clone_init_in_userns(spec, sv, ex, &sb->init_pidfd, &step)
			    : clone_init(spec, &sb->init_pidfd, false);
	if (pid == 0)
		run_init(spec, sv, ex);
	close(sv[1]);
	close(ex[1]);
	sb->sync_fd = sv[0];
	sb->exec_fd = ex[0];
	if (pid < 0)
		return hy_err_setr(err, pid, "%s", step);
	sb->init_pid = pid;
	int r = hy_sandbox_has_userns(spec) ? start_userns(spec, pid, sb->sync_fd, err) : 0;
	if (r == 0)
		r = await_listener(spec, sb, err);
	if (r == 0)
		r = open_ns_view(sb, err);
	if (r == 0 && hy_sandbox_has_userns(spec))
		r = read_userns_root(sb, err);
	if (r < 0)
		hy_sandbox_release(sb);
	return r;
}

static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Drain status / exec-failure messages from init and the command. */
static void read_messages(struct hy_sandbox *sb, int *cmd_status, struct hy_err *err)
{
	struct pollfd p = { .fd = sb->sync_fd, .events = POLLIN };
	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		struct hy_sync_msg m;
		int fd;
		pid_t pid;
		if (hy_sync_recv(sb->sync_fd, &m, &fd, &pid) <= 0)
			break;
		if (fd >= 0)
			close(fd);
		if (m.type == HY_SYNC_CMD_STATUS)
			*cmd_status = m.status;
		else if (m.type == HY_SYNC_EXEC_FAILED)
			exec_error(err, &m);
	}
}

static void forward(struct hy_sandbox *sb, const struct signalfd_siginfo *si)
{
	/* The command has a session of its own (sandbox_init.c), so terminal
	 * signals (SI_KERNEL) reach only hybox: pass them to its process group,
	 * as the terminal would have; a sender's (kill) to the command itself. */
	if (sb->cmd_pid <= 0)
		return;
	if (si->ssi_code == SI_USER || si->ssi_code == SI_QUEUE)
		kill(sb->cmd_pid, si->ssi_signo);
	else
		kill(-sb->cmd_pid, si->ssi_signo);
}

/* Has init ended? Our child: reaped, with its status. Adopted (not ours):
 * its pidfd says so; killed by SIGKILL unless the command's status came. */
static bool init_ended(struct hy_sandbox *sb, int *status)
{
	if (!sb->is_adopted)
		return waitpid(sb->init_pid, status, WNOHANG) == sb->init_pid;
	struct pollfd p = { .fd = sb->init_pidfd, .events = POLLIN };
	*status = SIGKILL;
	return sb->init_pidfd < 0 || poll(&p, 1, 0) > 0;
}

int hy_sandbox_wait(struct hy_sandbox *sb, int *ret_wstatus, struct hy_err *err)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int cmd_status = -1, init_status = 0;
	while (!init_ended(sb, &init_status)) {
		struct signalfd_siginfo si;
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = sb->init_pidfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD)
			forward(sb, &si);
	}
	sb->init_pid = 0;
	closep(&sb->init_pidfd);
	read_messages(sb, &cmd_status, err);
	int st = cmd_status >= 0 ? cmd_status : init_status;
	*ret_wstatus = st;
	return exit_status(st);
}

int hy_sandbox_go(struct hy_sandbox *sb)
{
	struct hy_sync_msg m = { .type = HY_SYNC_GO };
	ssize_t n = send(sb->sync_fd, &m, sizeof(m), MSG_NOSIGNAL);
	return n == (ssize_t)sizeof(m) ? 0 : n < 0 ? -errno : -EIO;
}

void hy_sandbox_release(struct hy_sandbox *sb)
{
	if (sb->init_pid > 0 && !sb->is_adopted) {
		kill(sb->init_pid, SIGKILL);
		while (waitpid(sb->init_pid, NULL, 0) < 0 && errno == EINTR)
			;
	} else if (sb->init_pid > 0 && sb->init_pidfd >= 0) {
		/* Not ours to reap: wait until it is gone (its pid namespace with it). */
		struct pollfd p = { .fd = sb->init_pidfd, .events = POLLIN };
		syscall(SYS_pidfd_send_signal, sb->init_pidfd, SIGKILL, NULL, 0);
		while (poll(&p, 1, 5000) < 0 && errno == EINTR)
			;
	}
	sb->init_pid = 0;
	closep(&sb->init_pidfd);
	closep(&sb->sync_fd);
	closep(&sb->exec_fd);
	closep(&sb->listener);
	closep(&sb->uts_ns_fd);
	closep(&sb->mnt_ns_fd);
	closep(&sb->root_fd);
	sb->sync_fd = sb->listener = sb->uts_ns_fd = sb->mnt_ns_fd = sb->root_fd = -1;
}
