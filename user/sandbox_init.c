// SPDX-License-Identifier: GPL-2.0-only
/*
 * Code that runs inside the container, between clone and exec: the init task
 * (pid 1, root, all capabilities until it forks the command; in a joined pid
 * namespace it stays outside, one level up, and only its children are in
 * it: ns_join.h; in a joined user namespace it was cloned inside it,
 * sandbox.c) and the user's
 * command before execvp. Only raw syscalls and stack buffers here (no
 * allocation, no stdio): the supervisor's address space was copied at clone.
 * Failures are sent as {errno, step} to the supervisor, then _exit (E7).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "console.h"
#include "ns.h"
#include "proc_title.h"
#include "sandbox_init.h"
#include "sync.h"
#include "util.h"

static __attribute__((noreturn)) void fail(int sync, int type, int err, const char *what,
					   int code)
{
	struct hy_sync_msg m = { .type = type, .err = err };
	strscpy(m.what, what, sizeof(m.what));
	hy_sync_send(sync, &m);
	_exit(code);
}

struct cmd_args {
	const struct hy_sandbox_spec *spec;
	int sync;
};

/* "a" "b" "c" into buf (truncated), for a step name without stdio. */
static const char *join3(char *buf, size_t n, const char *a, const char *b, const char *c)
{
	size_t l = strscpy(buf, a, n);
	if (l < n)
		l += strscpy(buf + l, b, n - l);
	if (l < n)
		strscpy(buf + l, c, n - l);
	return buf;
}

/* Decimal digits of v into buf (no stdio here); returns the end. */
static char *put_num(char *buf, long long v)
{
	char tmp[24];
	int n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	if (v < 0)
		*buf++ = '-';
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	while (n)
		*buf++ = tmp[--n];
	return buf;
}

static bool oom_score_adj_is(const char *want, size_t n)
{
	char cur[16];
	int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read(fd, cur, sizeof(cur));
	if (fd >= 0)
		close(fd);
	return got == (ssize_t)n + 1 && !memcmp(cur, want, n) && cur[n] == '\n';
}

/*
 * process.oomScoreAdj: init's (so that it is not the OOM killer's first
 * choice over the command, nor the processes it starts), then the command's
 * or an exec'd process's own, while it still has its capabilities: lowering
 * it below what was inherited takes CAP_SYS_RESOURCE, which a process has
 * only if hybox has it. Already the value (inherited from init, or written
 * into init by the supervisor): nothing to write. In a user namespace init
 * and the processes it starts, undumpable, could not open their own
 * /proc/self/oom_score_adj for writing (it is the host root's).
 */
static int set_oom_score_adj(const struct hy_proc_spec *p, const char **step)
{
	char buf[16];
	if (!p || !p->has_oom_score_adj)
		return 0;
	*step = p->oom_score_adj < 0 ? "set process.oomScoreAdj (lowering it takes "
				       "CAP_SYS_RESOURCE)"
				     : "set process.oomScoreAdj";
	size_t n = (size_t)(put_num(buf, p->oom_score_adj) - buf);
	if (oom_score_adj_is(buf, n))
		return 0;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, buf, n);
	int e = errno;
	close(fd);
	return w == (ssize_t)n ? 0 : w < 0 ? -e : -EIO;
}

/*
 * An OCI process (proc_spec.h), in runc's order: rlimits, oomScoreAdj and umask; the
 * bounding set while still privileged; groups and ids with PR_SET_KEEPCAPS
 * (raw syscalls: glibc's setresuid would signal the supervisor's threads,
 * which do not exist in this copy of its memory); the configured capability
 * sets; then the cwd, entered as the new user, which must exist.
 */
static void apply_limits(const struct hy_proc_spec *p, int sync)
{
	char what[256];
	const char *step;
	int r;
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			fail(sync, HY_SYNC_SETUP_FAILED, errno,
			     join3(what, sizeof(what), "set process.rlimits ", p->rlimits[i].name,
				   errno == EPERM ? " (above the hard limit hybox runs with)" : ""),
			     125);
	}
	if ((r = set_oom_score_adj(p, &step)) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, step, 125);
}

static void apply_proc(const struct hy_sandbox_spec *spec, int sync)
{
	const struct hy_proc_spec *p = spec->proc;
	char what[256];
	int r;
	apply_limits(p, sync);
	if (p->has_umask)
		umask(p->umask);
	if ((r = hy_caps_drop_bounding(p->caps.bounding)) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, "drop capabilities from the bounding set", 125);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_setgroups, p->ngroups, p->groups) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "set process.user.additionalGids", 125);
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "set process.user.gid", 125);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "set process.user.uid", 125);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
	    (r = hy_caps_set(p->caps.effective, p->caps.permitted, p->caps.inheritable)) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, r < 0 ? -r : errno, "set process.capabilities", 125);
	if (chdir(spec->cwd) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno,
		     join3(what, sizeof(what), "enter process.cwd ", spec->cwd, ""), 125);
}

/* execvpe, but searching the PATH of the command's environment (glibc's uses
 * the caller's), as runc does. Returns with errno set when nothing ran. */
static void exec_env(char *const *argv, char *const *envp)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[4096];
	int saved = ENOENT;
	for (char *const *e = envp; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		return;
	}
	size_t nl = strlen(argv[0]);
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dl = (size_t)(end - p);
		if (dl + nl + 2 <= sizeof(buf)) {
			memcpy(buf, p, dl);
			buf[dl] = '/';
			memcpy(buf + dl + 1, argv[0], nl + 1);
			execve(dl ? buf : argv[0], argv, envp);
			if (errno == EACCES)
				saved = EACCES;
			else if (errno != ENOENT && errno != ENOTDIR) {
				saved = errno;
				break;
			}
		}
		if (!*end)
			break;
		p = end;
	}
	errno = saved;
}

/* process.terminal: the pty becomes stdio; its master's number goes to the
 * supervisor, which takes it with pidfd_getfd (it stays open until exec). */
static void open_console(const struct hy_proc_spec *p, int sync)
{
	const char *step;
	int master = hy_console_setup(p, &step);
	struct hy_sync_msg m = { .type = HY_SYNC_CONSOLE, .status = master };
	if (master < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -master, step, 125);
	if (hy_sync_send(sync, &m) < 0)
		_exit(125);
}

/* The user's command: drop privileges, install the filter, hand over the listener, exec. */
void hy_sandbox_cmd_main(const struct hy_sandbox_spec *spec, int sync)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing of the caller's but stdio reaches the command: an inherited fd to a
	 * host directory would be a way out of the root. (sync is closed by exec.) */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "mark inherited fds close-on-exec", 125);
	/* A session and process group of its own, as runc gives: otherwise they
	 * are hybox's, outside the container, and kill(0, sig) inside would
	 * signal hybox and whatever else shares its group. */
	if (setsid() < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "start a new session", 125);
	const struct hy_proc_spec *tty = spec->tty ? spec->tty :
					 spec->proc && spec->proc->terminal ? spec->proc : NULL;
	if (tty)
		open_console(tty, sync);
	/* A restore's seed keeps root and CAP_CHECKPOINT_RESTORE: the image brings
	 * back each process's ids, capabilities, umask and cwd; of an OCI process
	 * only what the image lacks applies (rlimits, oomScoreAdj), inherited. */
	uint64_t caps = hy_caps_default() | (spec->is_restore ? 1ULL << CAP_CHECKPOINT_RESTORE : 0);
	int r = spec->proc && !spec->is_restore ? 0 : hy_caps_restrict(caps);
	if (r < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, "drop capabilities", 125);
	if (spec->proc && spec->is_restore)
		apply_limits(spec->proc, sync);
	else if (spec->proc)
		apply_proc(spec, sync);
	int listener = hy_seccomp_install(spec->filter);
	if (listener < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -listener, "install the seccomp filter", 125);
	/* linux.seccomp on top: the kernel takes the stricter of the two for every call. */
	struct sock_fprog profile = { .len = spec->profile ? spec->profile->len : 0,
				      .filter = spec->profile ? spec->profile->insns : NULL };
	if (spec->profile && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &profile) < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, errno, "install linux.seccomp's filter", 125);
	/* The supervisor takes the listener with pidfd_getfd: passing it with
	 * SCM_RIGHTS would need sendmsg, which the filter may already route to
	 * the very listener being passed. */
	struct hy_sync_msg m = { .type = HY_SYNC_LISTENER, .status = listener };
	if (hy_sync_send(sync, &m) < 0)
		_exit(125);
	/* Wait until the supervisor has the policy in place (BPF LSM rules are
	 * bound to this container's mounts, which exist only now). EOF: the
	 * supervisor is gone, and nothing may run unsupervised. */
	struct hy_sync_msg go;
	if (read(sync, &go, sizeof(go)) != (ssize_t)sizeof(go) || go.type != HY_SYNC_GO)
		_exit(125);
	close(listener);
	if (spec->is_restore)
		for (;;)
			pause(); /* the restorer takes over from here (ckpt_restore.c) */
	/* From here on every syscall is filtered; sync is CLOEXEC and goes away at exec. */
	if (!spec->cwd || chdir(spec->cwd) < 0)
		(void)!chdir("/");
	char *const *envp = spec->envp ? spec->envp : spec->proc ? spec->proc->envp : NULL;
	if (envp)
		exec_env(spec->argv, envp);
	else
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

/* "CLOCK -(t)\n", with nanoseconds in [0, 1e9) as the kernel wants them. */
static char *put_offset(char *p, const char *clock, size_t len, const struct timespec *t)
{
	memcpy(p, clock, len);
	p = put_num(p + len, -(long long)t->tv_sec - (t->tv_nsec > 0));
	*p++ = ' ';
	p = put_num(p, t->tv_nsec > 0 ? 1000000000L - t->tv_nsec : 0);
	*p++ = '\n';
	return p;
}

/*
 * The container boots now: a time namespace whose CLOCK_BOOTTIME and
 * CLOCK_MONOTONIC start at zero, so /proc/uptime, sysinfo(2), /proc/stat's
 * btime and the start times ps computes from /proc/PID/stat all count from
 * the container's start, consistently (the kernel shifts them all; absolute
 * timers and futex timeouts are translated), and a restored container can
 * keep its clocks continuous. Boot time was read before monotonic time, so
 * inside boottime - monotonic (time suspended) stays >= 0. Offsets are
 * frozen once a task is inside; the command enters at exec (it shares
 * init's memory until then). A kernel without time namespaces (EINVAL)
 * keeps the host's clocks: the documented fallback `hybox features` reports.
 */
static int enter_timens(const struct hy_sandbox_spec *spec, const char **step)
{
	struct timespec boot = spec->boot, mono = spec->mono;
	char line[128], *p = line;
	*step = "enter a new time namespace";
	if (unshare(CLONE_NEWTIME) < 0)
		return errno == EINVAL ? 0 : -errno;
	*step = "set the time namespace's offsets";
	if (!boot.tv_sec && !boot.tv_nsec &&
	    (clock_gettime(CLOCK_BOOTTIME, &boot) < 0 || clock_gettime(CLOCK_MONOTONIC, &mono) < 0))
		return -errno;
	p = put_offset(p, "boottime ", 9, &boot);
	p = put_offset(p, "monotonic ", 10, &mono);
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, line, (size_t)(p - line));
	int e = errno;
	close(fd);
	return n == p - line ? 0 : n < 0 ? -e : -EIO;
}

/* In a user namespace, wait until the supervisor has written its maps (a new
 * one's) and oomScoreAdj (HY_SYNC_MAPS; EOF: it is gone): before that init's
 * ids are unmapped. */
static int wait_userns_maps(const struct hy_sandbox_spec *spec, int sync, const char **step)
{
	struct hy_sync_msg m;
	if (!hy_sandbox_has_userns(spec))
		return 0;
	*step = "wait for the user namespace's id maps";
	ssize_t n = read(sync, &m, sizeof(m));
	if (n != (ssize_t)sizeof(m) || m.type != HY_SYNC_MAPS)
		return n < 0 ? -errno : -EPIPE;
	return 0;
}

/*
 * Then become the namespace's root, as runc's init does: what init creates
 * (/dev, /tmp, mount points) is the container root's, and init holds no host
 * id but the mapped ones. Its capabilities stay (uid 0 of the namespace) and
 * count only inside it. Done after the time namespace's offsets are written:
 * the id change makes init undumpable, which gives its /proc/self files to
 * the host's root (making it dumpable again would let any host process of
 * the mapped uid ptrace it).
 */
static int become_userns_root(const struct hy_sandbox_spec *spec, const char **step)
{
	if (!hy_sandbox_has_userns(spec))
		return 0;
	*step = "become root in the user namespace";
	if (syscall(SYS_setresgid, 0, 0, 0) < 0 || syscall(SYS_setgroups, 0, NULL) < 0 ||
	    syscall(SYS_setresuid, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int setup(const struct hy_sandbox_spec *spec, const char **step)
{
	int r;
	if ((r = hy_ns_joins_enter(&spec->joins, step)) < 0)
		return r;
	*step = "enter a new cgroup namespace";
	if (unshare(CLONE_NEWCGROUP) < 0)
		return -errno;
	if ((r = enter_timens(spec, step)) < 0 || (r = become_userns_root(spec, step)) < 0)
		return r;
	*step = "run on the CPUs --cpus and cpu.cpus chose";
	if (spec->cpus && sched_setaffinity(0, sizeof(*spec->cpus), spec->cpus) < 0)
		return -errno;
	if ((r = set_names(spec, step)) < 0 || (r = set_oom_score_adj(spec->proc, step)) < 0)
		return r;
	if (spec->net_none) {
		*step = "bring up lo";
		if ((r = hy_ns_loopback_up()) < 0)
			return r;
	}
	struct hy_root_spec root = { .rootfs = spec->rootfs, .extra = spec->mounts,
				     .shm_flags = spec->shm_flags, .shm_size = spec->shm_size,
				     .views_fd = spec->has_views ? spec->views_fd : -1,
				     .mounts = spec->user_mounts, .nmounts = spec->nuser_mounts,
				     .is_writable = spec->is_root_writable,
				     .sysctls = spec->sysctls, .nsysctls = spec->nsysctls,
				     .is_pid_joined = hy_ns_is_joined(&spec->joins, HY_JOIN_PID) };
	return hy_ns_setup_root(&root, step);
}

/*
 * With process.terminal the command's stdio is its pty, and init lets go of
 * the caller's (the container's /dev/null instead): create's stdout and
 * stderr may be pipes whose reader waits for every writer to close them, as
 * containerd's shim does for `create --console-socket` before it starts the
 * container, which would wait forever on init (vfork-suspended until start).
 * runc's init, which becomes the command, holds nothing else either.
 */
static int release_stdio(const struct hy_sandbox_spec *spec, const char **step)
{
	if (!spec->tty && !(spec->proc && spec->proc->terminal))
		return 0;
	*step = "open /dev/null for init's stdio (process.terminal)";
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int cmd_entry(void *arg)
{
	struct cmd_args *a = arg;
	hy_sandbox_cmd_main(a->spec, a->sync);
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
	/* A restore's command never execs: it gets a copy of init's memory. */
	int flags = spec->is_restore ? SIGCHLD : CLONE_VM | CLONE_VFORK | SIGCHLD;
	pid_t pid = clone(cmd_entry, stack + sizeof(stack), flags, &a);
	/* Before Linux 6.x (seen on 6.1), a task sharing its memory could not
	 * go to another time namespace (EINVAL): copy the memory instead. */
	if (pid < 0 && errno == EINVAL)
		pid = clone(cmd_entry, stack + sizeof(stack), SIGCHLD, &a);
	return pid < 0 ? -errno : pid;
}

/* Close every fd but stdio and the n in keep (ascending, all >= 3). */
static void close_except(const int *keep, size_t n)
{
	unsigned int from = 3;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > from)
			close_range(from, (unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

static void sort_fds(int *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

int hy_sandbox_init_main(const struct hy_sandbox_spec *spec, int sync, int exec_fd)
{
	const char *step = "";
	/* An adopted init's parent is not the supervisor: it watches sync instead
	 * (hy_init_serve; before that the command's read of GO fails first). */
	if (!spec->is_init_adopted)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The supervisor may have died before PDEATHSIG was armed: it holds the peer. */
	struct pollfd pfd = { .fd = sync, .events = POLLIN };
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLHUP))
		_exit(125);
	/* Init keeps only stdio (inherited by the command), the setup and exec
	 * channels, the namespaces it joins (not the user one: it was cloned in
	 * it) and, until its views are mounted, kernel-emu's /dev/fuse. */
	int keep[3 + HY_JOIN_N] = { sync, exec_fd, spec->has_views ? spec->views_fd : sync };
	for (int j = 0; j < HY_JOIN_N; j++)
		keep[3 + j] = hy_ns_is_joined(&spec->joins, j) && j != HY_JOIN_USER
				      ? spec->joins.fd[j] : sync;
	sort_fds(keep, ARRAY_SIZE(keep));
	close_except(keep, ARRAY_SIZE(keep));
	int r = wait_userns_maps(spec, sync, &step);
	if (r == 0)
		r = setup(spec, &step);
	if (spec->has_views)
		close(spec->views_fd);
	if (r == 0)
		r = release_stdio(spec, &step);
	if (r < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -r, step, 125);
	/* Keep the command (root, fewer caps) out of init's memory and fds. */
	prctl(PR_SET_DUMPABLE, 0);
	pid_t cmd = spawn_cmd(spec, sync);
	if (cmd < 0)
		fail(sync, HY_SYNC_SETUP_FAILED, -cmd, "start the command", 125);
	/* Init is the container's pid 1 (or its pod's neighbour): its cmdline, the
	 * supervisor's host command line, is readable in there. The command has
	 * its own copy of argv; exec'd processes get theirs from the request. */
	hy_proc_title_set("hybox-init");
	int st = hy_init_serve(spec, cmd, exec_fd, sync);
	struct hy_sync_msg m = { .type = HY_SYNC_CMD_STATUS, .status = st };
	hy_sync_send(sync, &m);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}
