// SPDX-License-Identifier: GPL-2.0-only
/*
 * The supervisor's own seccomp filter (as gVisor's Sentry installs one):
 * once the container runs, the supervisor only needs to serve notifications,
 * move events, answer control requests and tear down. Everything else it
 * could do as root (load modules, mount, trace, reboot, exec, create
 * namespaces...) is a gift to whoever subverts it through the data it reads
 * from sandboxed tasks. So every thread of it (TSYNC) gets an allow-list.
 *
 * The rules are compiled at build time (tools/gen_supervisor_filter.c turns
 * them into a BPF program, which supervisor_filter.c installs): libseccomp's
 * compile took 0.6-0.8 ms of every container's start.
 *
 * A syscall outside the list fails with EPERM rather than killing the
 * process: a supervisor killed by its own filter would take the container
 * down mid-call with no word of why, while EPERM reaches the code that made
 * the call and is reported as any failure. clone3 fails with ENOSYS so that
 * glibc falls back to clone(2), whose flags (a register) are checked: new
 * threads only, never a new process or namespace.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stddef.h>

#include "supervisor_filter.h"
#include "util.h"

/* What the supervisor's threads call after setup, by area. */
static const char *const allowed[] = {
	/* memory, threads, signals, time */
	"brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "futex", "set_robust_list",
	"rseq", "exit", "exit_group", "rt_sigprocmask", "rt_sigaction", "rt_sigreturn",
	"sigaltstack", "tgkill", "gettid", "getpid", "getppid", "sched_yield", "nanosleep",
	"clock_nanosleep", "clock_gettime", "gettimeofday", "getrandom", "prctl",
	"restart_syscall", /* the kernel's resumption of a poll or sleep a stop interrupted */
	"timer_create", "timer_settime", "timer_gettime", "timer_delete",
	"sched_getaffinity",
	/* fds and I/O */
	"read", "write", "pread64", "pwrite64", "readv", "writev", "lseek", "close",
	"close_range", "dup", "dup3", "fcntl", "ioctl", "poll", "ppoll", "epoll_create1",
	"epoll_ctl", "epoll_wait", "epoll_pwait", "eventfd2", "signalfd4", "timerfd_create",
	"timerfd_settime", "pipe2", "fsync", "flock", "ftruncate",
	/* files: state directory, cgroup, /proc, and kernel-emu's files area */
	"openat", "openat2", "newfstatat", "fstat", "statx", "statfs", "fstatfs", "readlinkat",
	"getdents64", "mkdirat", "mknodat", "unlinkat", "renameat2", "linkat", "symlinkat",
	"truncate", "fchmod", "fchown", "faccessat", "faccessat2", "umask", "getcwd", "fchdir",
	"rmdir", "unlink", "rename", "renameat", "mkdir", "access", "readlink",
	/* sockets: control/events sockets and kernel-emu's network area */
	"socket", "socketpair", "bind", "listen", "accept4", "connect", "getsockopt",
	"setsockopt", "getsockname", "getpeername", "sendto", "recvfrom", "sendmsg",
	"recvmsg", "sendmmsg", "shutdown",
	/* tasks: seccomp notifications, pidfds, signals, reaping */
	"pidfd_open", "pidfd_getfd", "pidfd_send_signal", "kill", "wait4", "waitid",
	"process_vm_readv",
	/* credentials of a task, per thread (kernel-emu/cred.c) */
	"setfsuid", "setfsgid", "setgroups", "capget", "capset", "getuid", "geteuid",
	"getgid", "getegid", "getgroups", "setresuid", "setresgid",
	/* kernel-emu: the container's UTS name and memory view */
	"sethostname", "setdomainname", "uname", "sysinfo",
};

/*
 * bpf(2) commands: map reads and updates (LSM rules, counters, rings) and
 * what loading the tracing programs takes, which a follower may ask for
 * while the container runs. Not: pinning or fetching objects by id (other
 * containers' rule maps are one BPF_MAP_GET_FD_BY_ID away), attaching to
 * cgroups, querying other programs.
 */
static const unsigned bpf_cmds[] = {
	BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
	BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE, BPF_PROG_LOAD, BPF_BTF_LOAD,
	BPF_OBJ_GET_INFO_BY_FD, BPF_RAW_TRACEPOINT_OPEN, BPF_LINK_CREATE, BPF_LINK_DETACH,
	BPF_PROG_BIND_MAP,
	BPF_PROG_TEST_RUN, /* runs a light skeleton's loader program */
};

/* clone(2) for a thread: what pthread_create passes, nothing more. */
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* Syscalls allowed only with one argument equal to a value. */
static const struct {
	int nr;
	unsigned int arg;
	uint64_t value;
} arg_rules[] = {
	{ SCMP_SYS(clone), 0, THREAD_FLAGS }, /* new threads, never processes */
	{ SCMP_SYS(unshare), 0, CLONE_FS },   /* a thread's own cwd and root (kernel-emu) */
	/* a kernel-emu thread started for `hybox exec` joins the container's UTS and
	 * mount namespaces (notify.c join_container), then chroots there */
	{ SCMP_SYS(setns), 1, CLONE_NEWUTS },
	{ SCMP_SYS(setns), 1, CLONE_NEWNS },
};

static int add_rules(scmp_filter_ctx ctx, struct hy_err *err)
{
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(allowed) && r == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr == __NR_SCMP_ERROR)
			return hy_err_set(err, -EINVAL, "supervisor filter: unknown syscall %s",
					  allowed[i]);
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bpf_cmds) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, bpf_cmds[i]));
	for (size_t i = 0; i < ARRAY_SIZE(arg_rules) && r == 0; i++) {
		struct scmp_arg_cmp cmp = { .arg = arg_rules[i].arg, .op = SCMP_CMP_EQ,
					    .datum_a = arg_rules[i].value };
		r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, arg_rules[i].nr, 1, &cmp);
	}
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(chroot), 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return r < 0 ? hy_err_setr(err, r, "supervisor filter: add rules") : 0;
}

int hy_supervisor_filter_build(scmp_filter_ctx *ret, struct hy_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return hy_err_set(err, -ENOMEM, "supervisor filter: seccomp_init failed");
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* A binary tree: every syscall of the notify loop passes this filter. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0) {
		seccomp_release(ctx);
		return hy_err_setr(err, r, "supervisor filter: set attributes");
	}
	if ((r = add_rules(ctx, err)) < 0) {
		seccomp_release(ctx);
		return r;
	}
	*ret = ctx;
	return 0;
}
