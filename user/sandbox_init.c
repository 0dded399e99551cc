// SPDX-License-Identifier: GPL-2.0-only
/*
 * Code that runs inside the container, between clone and exec: the init task
 * (pid 1, root, all capabilities until it forks the command) and the user's
 * command before execvp. Only raw syscalls and stack buffers here (no
 * allocation, no stdio): the supervisor's address space was copied at clone.
 * Failures are sent as {errno, step} to the supervisor, then _exit (E7).
 */
#include <errno.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "ns.h"
#include "sandbox_init.h"
#include "sync.h"
#include "util.h"

static __attribute__((noreturn)) void fail(int sync, int type, int err, const char *what,
					   int code)
{
	struct hy_sync_msg m = { .type = type, .err = err };
	strscpy(m.what, what, sizeof(m.what));
	hy_sync_send(sync, &m, -1);
	_exit(code);
}

struct cmd_args {
	const struct hy_sandbox_spec *spec;
	int sync;
};

/* The user's command: drop privileges, install the filter, hand over the listener, exec. */
static __attribute__((noreturn)) void cmd_main(const struct hy_sandbox_spec *spec, int sync)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing of the caller's but stdio reaches the command: an inherited fd to a
	 * host directory would be a way out of the root. (sync is closed by exec.) */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "mark inherited fds close-on-exec", 125);
	int r = hy_caps_restrict(hy_caps_default());
	if (r < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, "drop capabilities", 125);
	int listener = hy_seccomp_install(spec->filter);
	if (listener < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -listener, "install the seccomp filter", 125);
	struct hy_sync_msg m = { .type = HY_SYNC_LISTENER };
	if (hy_sync_send(sync, &m, listener) < 0)
		_exit(125);
	close(listener);
	/* Wait until the supervisor has the policy in place (BPF LSM rules are
	 * bound to this container's mounts, which exist only now). EOF: the
	 * supervisor is gone, and nothing may run unsupervised. */
	struct hy_sync_msg go;
	if (read(sync, &go, sizeof(go)) != (ssize_t)sizeof(go) || go.type != HY_SYNC_GO)
		_exit(125);
	/* From here on every syscall is filtered; sync is CLOEXEC and goes away at exec. */
	if (!spec->cwd || chdir(spec->cwd) < 0)
		(void)!chdir("/");
	execvp(spec->argv[0], spec->argv);
	int e = errno;
	fail(sync, HY_SYNC_EXEC_FAILED, e, spec->argv[0],
	     e == ENOENT || e == ENOTDIR ? 127 : 126);
}

static int set_names(const struct hy_sandbox_spec *spec, const char **step)
{
	*step = "set the hostname";
	if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return -errno;
	*step = "set the domain name";
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return -errno;
	return 0;
}

static int setup(const struct hy_sandbox_spec *spec, const char **step)
{
	int r;
	*step = "enter a new cgroup namespace";
	if (unshare(CLONE_NEWCGROUP) < 0)
		return -errno;
	if ((r = set_names(spec, step)) < 0)
		return r;
	if (spec->net_none) {
		*step = "bring up lo";
		if ((r = hy_ns_loopback_up()) < 0)
			return r;
	}
	struct hy_root_spec root = { .rootfs = spec->rootfs };
	return hy_ns_setup_root(&root, step);
}

static int cmd_entry(void *arg)
{
	struct cmd_args *a = arg;
	cmd_main(a->spec, a->sync);
}

/*
 * Start the command with CLONE_VM|CLONE_VFORK (as posix_spawn does): init is
 * suspended until the command execs or exits, and no page tables are copied,
 * which saves about a millisecond of start-up. The command only touches its
 * own stack and per-task state (credentials, seccomp) before exec.
 */
static pid_t spawn_cmd(const struct hy_sandbox_spec *spec, int sync)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	struct cmd_args a = { .spec = spec, .sync = sync };
	pid_t pid = clone(cmd_entry, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	return pid < 0 ? -errno : pid;
}

/* Reap everything; return the command's wait status once it has ended. */
static int reap_until(pid_t cmd)
{
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, __WALL);
		if (p == cmd)
			return st;
		if (p < 0 && errno == ECHILD)
			return W_EXITCODE(125, 0);
	}
}

int hy_sandbox_init_main(const struct hy_sandbox_spec *spec, int sync)
{
	const char *step = "";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The supervisor may have died before PDEATHSIG was armed: it holds the peer. */
	struct pollfd pfd = { .fd = sync, .events = POLLIN };
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLHUP))
		_exit(125);
	/* Init keeps only stdio (inherited by the command) and the setup channel. */
	if (sync > 3)
		close_range(3, sync - 1, 0);
	close_range(sync + 1, ~0U, 0);
	int r = setup(spec, &step);
	if (r < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, step, 125);
	/* Keep the command (root, fewer caps) out of init's memory and fds. */
	prctl(PR_SET_DUMPABLE, 0);
	pid_t cmd = spawn_cmd(spec, sync);
	if (cmd < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -cmd, "start the command", 125);
	int st = reap_until(cmd);
	struct hy_sync_msg m = { .type = HY_SYNC_CMD_STATUS, .status = st };
	hy_sync_send(sync, &m, -1);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}
