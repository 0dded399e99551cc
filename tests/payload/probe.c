// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe: static multi-call payload run inside a sandbox by the integration
 * tests and the benchmarks. `probe SUBCOMMAND [ARGS]` performs one operation
 * and prints "ok" or "err ENAME" (or the value asked for) on stdout, exiting 0
 * whatever the outcome; exit 2 means a usage error.
 *
 * Runs unprivileged or as root, inside or outside a sandbox: every probe uses
 * bogus arguments chosen so that, when the syscall is *allowed*, it fails
 * harmlessly (EINVAL, ENOENT...) or succeeds without changing the host; only
 * a sandbox's denial turns it into EPERM. Subcommands come from one table.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_userfaultfd
#define SYS_userfaultfd 323
#endif

/* Every handler takes (argc, argv) from the table; many ignore them. */
#define PROBE(fn) static int fn(int argc __attribute__((unused)), char **argv __attribute__((unused)))

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING -3

#define E(x) { x, #x }
static const struct {
	int nr;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
	E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV),
	E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(ERANGE), E(ENAMETOOLONG),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(ENODATA), E(ENOPKG), E(EOVERFLOW),
	E(EBADMSG), E(EOPNOTSUPP), E(ESTALE), E(EDQUOT), E(ENOKEY), E(EKEYREJECTED),
	E(EAFNOSUPPORT), E(EADDRINUSE), E(ECONNREFUSED), E(ENETUNREACH), E(EHOSTUNREACH),
	E(ETIMEDOUT), E(ENOTSOCK),
};
#undef E

/* Syscalls `probe errno NAME ARGS...` can call by name (a number works too). */
#define S(x) { SYS_##x, #x }
static const struct {
	long nr;
	const char *name;
} syscall_names[] = {
	S(getpid), S(getppid), S(gettid), S(uname), S(sethostname), S(setdomainname), S(sysinfo),
	S(syslog), S(bpf), S(perf_event_open), S(userfaultfd), S(io_uring_setup), S(kexec_load),
	S(kexec_file_load), S(init_module), S(finit_module), S(delete_module), S(keyctl),
	S(add_key), S(request_key), S(ptrace), S(mount), S(umount2), S(pivot_root), S(unshare),
	S(setns), S(clone), S(clone3), S(open_by_handle_at), S(name_to_handle_at), S(reboot),
	S(swapon), S(swapoff), S(settimeofday), S(clock_settime), S(chroot),
	S(personality), S(process_vm_readv), S(process_vm_writev), S(kcmp), S(lookup_dcookie),
	S(quotactl), S(iopl), S(ioperm), S(fanotify_init), S(seccomp), S(memfd_create),
	S(getrandom),
};
#undef S

static const char *errno_name(int e)
{
	static char buf[16];

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].nr == e)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* Print the outcome of a raw syscall: ret < 0 means failure with errno set. */
static int report(long ret)
{
	if (ret < 0)
		printf("err %s\n", errno_name(errno));
	else
		printf("ok\n");
	return 0;
}

/* Close a returned fd (if any) and report. */
static int report_fd(long ret)
{
	int saved = errno;

	if (ret >= 0)
		close((int)ret);
	errno = saved;
	return report(ret);
}

static int parse_long(const char *s, long *ret_val)
{
	char *end;

	errno = 0;
	*ret_val = strtol(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "probe: not a number: %s\n", s);
		return -1;
	}
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long bogus_bpf(void)
{
	union bpf_attr attr;

	/* A socket filter with no instructions: EINVAL when allowed. */
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 0;
	attr.insns = 0;
	attr.license = 0;
	return syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

PROBE(p_bpf)
{
	return report_fd(bogus_bpf());
}

PROBE(p_open_by_handle_at)
{
	struct {
		unsigned int handle_bytes;
		int handle_type;
		unsigned char f_handle[16];
	} h = { .handle_bytes = 16, .handle_type = 0x7ffe };

	return report_fd(syscall(SYS_open_by_handle_at, AT_FDCWD, &h, O_RDONLY));
}

PROBE(p_perf_event_open)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_DUMMY;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return report_fd(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

PROBE(p_userfaultfd)
{
	return report_fd(syscall(SYS_userfaultfd, O_CLOEXEC));
}

PROBE(p_io_uring_setup)
{
	unsigned char params[120]; /* struct io_uring_params */

	memset(params, 0, sizeof(params));
	return report_fd(syscall(SYS_io_uring_setup, 1, params));
}

PROBE(p_kexec_load)
{
	/* Unknown architecture in the flags: EINVAL after the permission check. */
	return report(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x80000000UL));
}

PROBE(p_init_module)
{
	/* A zero-length image is never loaded. */
	return report(syscall(SYS_init_module, NULL, 0UL, ""));
}

PROBE(p_keyctl)
{
	return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
}

PROBE(p_ptrace)
{
	int status, saved;
	long ret;
	pid_t child = fork();

	if (child < 0)
		return report(-1);
	if (child == 0) {
		for (;;)
			pause();
	}
	ret = ptrace(PTRACE_ATTACH, child, NULL, NULL);
	saved = errno;
	if (ret == 0) {
		waitpid(child, &status, __WALL);
		ptrace(PTRACE_DETACH, child, NULL, NULL);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, __WALL);
	errno = saved;
	return report(ret);
}

PROBE(p_mount)
{
	/* The target does not exist: ENOENT when mount(2) is allowed. */
	return report(mount("none", "/hybox-probe-nonexistent/mnt", "tmpfs", 0, NULL));
}

PROBE(p_unshare_user)
{
	return report(unshare(CLONE_NEWUSER));
}

PROBE(p_clone3)
{
	/* size 0 is below CLONE_ARGS_SIZE_VER0: EINVAL when clone3 is allowed. */
	return report(syscall(SYS_clone3, NULL, 0UL));
}

PROBE(p_clone_newuser)
{
	int status;
	long ret = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0UL, NULL, NULL,
			   0UL);

	if (ret == 0)
		_exit(0);
	if (ret > 0)
		waitpid((pid_t)ret, &status, 0);
	return report(ret);
}

/*
 * The x32 and i386 entries must not reach the x86_64 syscall. A kernel
 * without them raises SIGSEGV (int $0x80 faults) and a filter may trap with
 * SIGSYS: both are reported as "err SIGNAME" instead of killing the probe.
 */
static sigjmp_buf trap_jmp;

static void trap_handler(int sig)
{
	siglongjmp(trap_jmp, sig);
}

static int trapped_syscall(long (*fn)(void))
{
	struct sigaction sa = { .sa_handler = trap_handler };
	volatile long ret;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGSYS, &sa, NULL);
	sig = sigsetjmp(trap_jmp, 1);
	if (sig) {
		printf("err %s\n", sig == SIGSYS ? "SIGSYS" : "SIGSEGV");
		return 0;
	}
	ret = fn();
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return report(-1);
	}
	return report(0);
}

static long x32_getpid(void)
{
	long ret = syscall(__X32_SYSCALL_BIT | 39);

	return ret < 0 ? -errno : ret;
}

static long int80_getpid(void)
{
	long ret = 20; /* i386 getpid */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

PROBE(p_x32)
{
	return trapped_syscall(x32_getpid);
}

PROBE(p_int80)
{
	return trapped_syscall(int80_getpid);
}

PROBE(p_uname)
{
	struct utsname u;

	if (uname(&u) < 0)
		return report(-1);
	printf("%s\n", u.nodename);
	return 0;
}

PROBE(p_domainname)
{
	struct utsname u;

	if (uname(&u) < 0)
		return report(-1);
	printf("%s\n", u.domainname);
	return 0;
}

PROBE(p_sethostname)
{
	return report(sethostname(argv[1], strlen(argv[1])));
}

PROBE(p_setdomainname)
{
	return report(setdomainname(argv[1], strlen(argv[1])));
}

PROBE(p_sysinfo)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return report(-1);
	printf("uptime=%ld procs=%u totalram=%llu\n", si.uptime, (unsigned int)si.procs,
	       (unsigned long long)si.totalram * (si.mem_unit ? si.mem_unit : 1));
	return 0;
}

PROBE(p_syslog)
{
	long size = syscall(SYS_syslog, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	long n;

	if (size < 0)
		return report(-1);
	if (size == 0)
		size = 1 << 16;
	buf = malloc((size_t)size);
	if (!buf)
		return report(-1);
	n = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		free(buf);
		return report(-1);
	}
	fwrite(buf, 1, (size_t)n, stdout);
	if (n > 0 && buf[n - 1] != '\n')
		putchar('\n');
	free(buf);
	return 0;
}

PROBE(p_open)
{
	static const struct {
		const char *mode;
		int flags;
	} modes[] = {
		{ "r", O_RDONLY },
		{ "w", O_WRONLY },
		{ "rw", O_RDWR },
		{ "creat", O_WRONLY | O_CREAT | O_EXCL },
		{ "dir", O_RDONLY | O_DIRECTORY },
	};
	const char *mode = argc > 2 ? argv[2] : "r";

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].mode, mode) == 0)
			return report_fd(open(argv[1], modes[i].flags | O_CLOEXEC, 0600));
	fprintf(stderr, "probe: open: unknown mode %s (r w rw creat dir)\n", mode);
	return 2;
}

/* exec PATH [ARGS]: "ok" when execve succeeded (the program's output is discarded). */
PROBE(p_exec)
{
	int pfd[2], err = 0, status;
	pid_t child;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return report(-1);
	child = fork();
	if (child < 0)
		return report(-1);
	if (child == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[1], argv + 1);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = 0;
	close(pfd[0]);
	waitpid(child, &status, 0);
	errno = err;
	return report(err ? -1 : 0);
}

PROBE(p_pid)
{
	printf("%ld\n", (long)syscall(SYS_getpid));
	return 0;
}

static int bench(char **argv, void (*op)(void))
{
	long n;
	double t0;

	if (parse_long(argv[1], &n) < 0 || n <= 0)
		return 2;
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		op();
	printf("%.1f ns/call\n", (now_ns() - t0) / (double)n);
	return 0;
}

static void op_getpid(void)
{
	syscall(SYS_getpid);
}

static void op_uname(void)
{
	struct utsname u;

	syscall(SYS_uname, &u);
}

PROBE(p_getpid)
{
	return bench(argv, op_getpid);
}

PROBE(p_uname_loop)
{
	return bench(argv, op_uname);
}

/* flood N: N bogus bpf() calls; prints the common outcome, or "mixed". */
PROBE(p_flood)
{
	long n, first = 0;
	int first_errno = 0;

	if (parse_long(argv[1], &n) < 0 || n <= 0)
		return 2;
	for (long i = 0; i < n; i++) {
		long ret = bogus_bpf();
		int e = ret < 0 ? errno : 0;

		if (ret >= 0)
			close((int)ret);
		if (i == 0) {
			first = ret < 0 ? -1 : 0;
			first_errno = e;
		} else if ((ret < 0 ? -1 : 0) != first || e != first_errno) {
			printf("mixed\n");
			return 0;
		}
	}
	errno = first_errno;
	return report(first);
}

/* errno NAME|NR [ARGS...]: call a syscall with integer arguments. */
PROBE(p_errno)
{
	long nr = -1, a[6] = { 0 };

	for (size_t i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++)
		if (strcmp(syscall_names[i].name, argv[1]) == 0)
			nr = syscall_names[i].nr;
	if (nr < 0 && parse_long(argv[1], &nr) < 0) {
		fprintf(stderr, "probe: errno: unknown syscall %s\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (parse_long(argv[i], &a[i - 2]) < 0)
			return 2;
	return report(syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

static const struct probe_cmd {
	const char *name;
	int min_args, max_args;
	const char *args;
	int (*run)(int argc, char **argv);
} probe_cmds[] = {
	{ "bpf", 0, 0, "", p_bpf },
	{ "open_by_handle_at", 0, 0, "", p_open_by_handle_at },
	{ "perf_event_open", 0, 0, "", p_perf_event_open },
	{ "userfaultfd", 0, 0, "", p_userfaultfd },
	{ "io_uring_setup", 0, 0, "", p_io_uring_setup },
	{ "kexec_load", 0, 0, "", p_kexec_load },
	{ "init_module", 0, 0, "", p_init_module },
	{ "keyctl", 0, 0, "", p_keyctl },
	{ "ptrace", 0, 0, "", p_ptrace },
	{ "mount", 0, 0, "", p_mount },
	{ "unshare_user", 0, 0, "", p_unshare_user },
	{ "clone3", 0, 0, "", p_clone3 },
	{ "clone_newuser", 0, 0, "", p_clone_newuser },
	{ "x32", 0, 0, "", p_x32 },
	{ "int80", 0, 0, "", p_int80 },
	{ "uname", 0, 0, "", p_uname },
	{ "domainname", 0, 0, "", p_domainname },
	{ "sethostname", 1, 1, "NAME", p_sethostname },
	{ "setdomainname", 1, 1, "NAME", p_setdomainname },
	{ "sysinfo", 0, 0, "", p_sysinfo },
	{ "syslog", 0, 0, "", p_syslog },
	{ "open", 1, 2, "PATH [r|w|rw|creat|dir]", p_open },
	{ "exec", 1, 64, "PATH [ARGS...]", p_exec },
	{ "pid", 0, 0, "", p_pid },
	{ "getpid", 1, 1, "N", p_getpid },
	{ "uname_loop", 1, 1, "N", p_uname_loop },
	{ "flood", 1, 1, "N", p_flood },
	{ "errno", 1, 7, "SYSCALL [ARGS...]", p_errno },
};

static int usage(void)
{
	fprintf(stderr, "usage: probe SUBCOMMAND [ARGS]\n");
	for (size_t i = 0; i < sizeof(probe_cmds) / sizeof(probe_cmds[0]); i++)
		fprintf(stderr, "  %s %s\n", probe_cmds[i].name, probe_cmds[i].args);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof(probe_cmds) / sizeof(probe_cmds[0]); i++) {
		const struct probe_cmd *c = &probe_cmds[i];
		int nargs = argc - 2, rc;

		if (strcmp(c->name, argv[1]) != 0)
			continue;
		if (nargs < c->min_args || nargs > c->max_args) {
			fprintf(stderr, "usage: probe %s %s\n", c->name, c->args);
			return 2;
		}
		rc = c->run(argc - 1, argv + 1);
		fflush(stdout);
		return rc;
	}
	fprintf(stderr, "probe: unknown subcommand %s\n", argv[1]);
	return usage();
}
