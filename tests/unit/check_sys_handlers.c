// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/sys_uts.c and kernel-emu/sys_info.c, driven with
 * a fake task address space (struct emu_mem_ops over a local byte array:
 * anything outside it is -EFAULT).
 *
 * sethostname()/setdomainname() also make the real call, so those tests first
 * move the forked test process into a private UTS namespace (with a private
 * user namespace when not root). Where that is impossible the handler is
 * given uts_ns_fd = -1 (no real call) and the tests assert the result an
 * unprivileged task gets, -EPERM: every case asserts something, none skips.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"
#include "sys.h"
#include "util.h"

#define MEM_BASE 0x10000ULL
#define MEM_SIZE 8192
#define NS 1000000000ULL

/* SYSLOG_ACTION_* */
enum {
	SL_READ = 2,
	SL_READ_ALL = 3,
	SL_READ_CLEAR = 4,
	SL_CON_LEVEL = 8,
	SL_UNREAD = 9,
	SL_SIZE = 10,
};

static struct emu_kernel k;
static struct emu_call c;
static struct emu_cred_state cred; /* the serving thread's */
static unsigned char mem[MEM_SIZE];

static bool in_range(uint64_t addr, size_t len)
{
	return addr >= MEM_BASE && addr - MEM_BASE <= MEM_SIZE &&
	       len <= MEM_SIZE - (addr - MEM_BASE);
}

static int fake_read(struct emu_call *call, uint64_t addr, void *buf, size_t len)
{
	if (!in_range(addr, len))
		return -EFAULT;
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return 0;
}

static int fake_write(struct emu_call *call, uint64_t addr, const void *buf, size_t len)
{
	if (!in_range(addr, len))
		return -EFAULT;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return 0;
}

static const struct emu_mem_ops fake_ops = { .read = fake_read, .write = fake_write };

static void setup(void)
{
	memset(&k, 0, sizeof(k));
	pthread_mutex_init(&k.lock, NULL);
	emu_uts_init(&k.uts, "ctr", "ctr.dom");
	ck_assert_int_eq(uname(&k.host_uts), 0);
	emu_syslog_init(&k.syslog, now_mono_ns());
	k.start_ns = now_mono_ns();
	k.cgroup_fd = -1;
	k.mem_limit = UINT64_MAX;
	k.uts_ns_fd = -1;
	k.mnt_ns_fd = -1;
	k.listener = -1;
	k.proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	memset(&c, 0, sizeof(c));
	memset(&cred, 0, sizeof(cred));
	c.cred = &cred;
	c.mem = &fake_ops;
	c.pid = getpid();
	memset(mem, 0, sizeof(mem));
}

static void teardown(void)
{
	if (k.uts_ns_fd >= 0)
		close(k.uts_ns_fd);
	close(k.proc_fd);
	pthread_mutex_destroy(&k.lock);
}

/* ---- capabilities and namespaces --------------------------------------- */

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

static bool has_sys_admin(void)
{
	struct __user_cap_data_struct d[2];

	return caps_get(d) == 0 && (d[0].effective & (1u << CAP_SYS_ADMIN));
}

/* Drop CAP_SYS_ADMIN from this thread's effective set (safe in a child). */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0)
		return -errno;
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/*
 * Private UTS namespace for this forked test; on success k.uts_ns_fd marks
 * the serving thread as joined, so the handler makes the real call here.
 */
static bool enter_private_uts(void)
{
	int flags = geteuid() == 0 ? CLONE_NEWUTS : CLONE_NEWUSER | CLONE_NEWUTS;

	if (unshare(flags) < 0)
		return false;
	k.uts_ns_fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(k.uts_ns_fd, 0);
	ck_assert_int_eq(sethostname("before", 6), 0);
	return true;
}

/* A task that waits until *ret_fd is closed, optionally without CAP_SYS_ADMIN. */
/* drop: no CAP_SYS_ADMIN; as_nobody: also leave uid 0 (root may rename the container). */
static pid_t spawn_task_as(bool drop, bool as_nobody, int *ret_fd)
{
	int ready[2], hold[2];
	char b;
	pid_t pid;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(hold, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (drop && drop_sys_admin() < 0)
			_exit(1);
		if (as_nobody && geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		(void)!read(hold[0], &b, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	ck_assert_int_eq(read(ready[0], &b, 1), 1);
	close(ready[0]);
	*ret_fd = hold[1];
	return pid;
}

static pid_t spawn_task(bool drop, int *ret_fd)
{
	return spawn_task_as(drop, drop, ret_fd);
}

static void reap_task(pid_t pid, int fd)
{
	close(fd);
	waitpid(pid, NULL, 0);
}

static void put_name(const char *s)
{
	memcpy(mem, s, strlen(s));
}

static long sethost(uint64_t addr, uint64_t len)
{
	c.args[0] = addr;
	c.args[1] = len;
	return emu_sys_sethostname(&k, &c);
}

static void assert_hostname(const char *want)
{
	char name[EMU_UTS_LEN];

	ck_assert_int_eq(gethostname(name, sizeof(name)), 0);
	ck_assert_str_eq(name, want);
}

static bool syslog_has(const char *s)
{
	char buf[4096];
	long n = emu_syslog_action(&k.syslog, SL_READ_ALL, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, s) != NULL;
}

/* ---- uname ------------------------------------------------------------- */

START_TEST(test_sys_handlers_uname)
{
	struct utsname host, got;

	ck_assert_int_eq(uname(&host), 0);
	c.args[0] = MEM_BASE + 8;
	ck_assert_int_eq(emu_sys_uname(&k, &c), 0);
	memcpy(&got, mem + 8, sizeof(got));
	ck_assert_str_eq(got.nodename, "ctr");
	ck_assert_str_eq(got.domainname, "ctr.dom");
	ck_assert_str_eq(got.sysname, host.sysname);
	ck_assert_str_eq(got.release, host.release);
	ck_assert_str_eq(got.machine, host.machine);
}
END_TEST

START_TEST(test_sys_handlers_uname_efault)
{
	c.args[0] = 0;
	ck_assert_int_eq(emu_sys_uname(&k, &c), -EFAULT);
	c.args[0] = MEM_BASE + MEM_SIZE - sizeof(struct utsname) + 1;
	ck_assert_int_eq(emu_sys_uname(&k, &c), -EFAULT);
}
END_TEST

/* ---- sethostname / setdomainname ---------------------------------------- */

START_TEST(test_sys_handlers_sethostname_sets_state_and_host)
{
	bool joined = enter_private_uts();
	bool capable = joined || has_sys_admin();

	put_name("newname-and-junk");
	if (!capable) {
		ck_assert_int_eq(sethost(MEM_BASE, 7), -EPERM);
		ck_assert_str_eq(k.uts.nodename, "ctr");
		return;
	}
	ck_assert_int_eq(sethost(MEM_BASE, 7), 0);
	ck_assert_str_eq(k.uts.nodename, "newname");
	ck_assert(syslog_has("] hybox: hostname set to newname\n"));
	if (joined)
		assert_hostname("newname");
}
END_TEST

START_TEST(test_sys_handlers_sethostname_len_bounds)
{
	bool capable = enter_private_uts() || has_sys_admin();
	long want_ok = capable ? 0 : -EPERM;
	long want_inval = capable ? -EINVAL : -EPERM;

	memset(mem, 'h', 100);
	ck_assert_int_eq(sethost(MEM_BASE, (uint64_t)-1), want_inval);
	ck_assert_int_eq(sethost(MEM_BASE, 65), want_inval);
	ck_assert_int_eq(sethost(MEM_BASE, INT_MAX), want_inval);
	ck_assert_int_eq(sethost(MEM_BASE, 0x80000000ULL), want_inval);
	ck_assert_str_eq(k.uts.nodename, "ctr");
	ck_assert_int_eq(sethost(MEM_BASE, 64), want_ok);
	ck_assert_uint_eq(strlen(k.uts.nodename), capable ? 64 : 3);
	/* len is an int: the upper 32 bits of the register are ignored. */
	ck_assert_int_eq(sethost(MEM_BASE, (1ULL << 32) | 2), want_ok);
	ck_assert_str_eq(k.uts.nodename, capable ? "hh" : "ctr");
	ck_assert_int_eq(sethost(0, 0), want_ok);
	ck_assert_str_eq(k.uts.nodename, capable ? "" : "ctr");
}
END_TEST

START_TEST(test_sys_handlers_sethostname_efault)
{
	bool joined = enter_private_uts();
	long want = joined || has_sys_admin() ? -EFAULT : -EPERM;

	ck_assert_int_eq(sethost(0, 5), want);
	ck_assert_int_eq(sethost(MEM_BASE + MEM_SIZE - 4, 5), want);
	ck_assert_str_eq(k.uts.nodename, "ctr");
	ck_assert(!syslog_has("hostname set"));
	if (joined)
		assert_hostname("before");
}
END_TEST

START_TEST(test_sys_handlers_sethostname_not_joined_keeps_host)
{
	int outer = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	bool joined = enter_private_uts();
	bool capable = joined || has_sys_admin();

	/* Not joined at all: state only. */
	if (k.uts_ns_fd >= 0)
		close(k.uts_ns_fd);
	k.uts_ns_fd = -1;
	put_name("inner");
	ck_assert_int_eq(sethost(MEM_BASE, 5), capable ? 0 : -EPERM);
	ck_assert_str_eq(k.uts.nodename, capable ? "inner" : "ctr");
	if (joined) {
		assert_hostname("before");
		/* A failed join: uts_ns_fd names another namespace than the thread's. */
		k.uts_ns_fd = outer;
		put_name("other");
		ck_assert_int_eq(sethost(MEM_BASE, 5), 0);
		ck_assert_str_eq(k.uts.nodename, "other");
		assert_hostname("before");
	} else {
		close(outer);
	}
}
END_TEST

START_TEST(test_sys_handlers_sethostname_root_without_cap)
{
	int fd;
	enter_private_uts();
	pid_t pid = spawn_task_as(true, false, &fd);
	c.pid = pid;
	put_name("mine");
	/* Container root owns the container's names even without CAP_SYS_ADMIN. */
	long want = geteuid() == 0 ? 0 : -EPERM;
	ck_assert_int_eq(sethost(MEM_BASE, 4), want);
	reap_task(pid, fd);
}
END_TEST

START_TEST(test_sys_handlers_sethostname_task_without_cap)
{
	int fd;
	pid_t pid;

	enter_private_uts();
	pid = spawn_task(true, &fd);
	c.pid = pid;
	put_name("evil");
	ck_assert_int_eq(sethost(MEM_BASE, 4), -EPERM);
	reap_task(pid, fd);
	/* A task that is gone (pid reaped) is denied too: fail closed. */
	ck_assert_int_eq(sethost(MEM_BASE, 4), -EPERM);
	c.pid = 0;
	ck_assert_int_eq(sethost(MEM_BASE, 4), -EPERM);
	/* A notification id the listener does not vouch for: denied. */
	c.pid = getpid();
	k.listener = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(k.listener, 0);
	ck_assert_int_eq(sethost(MEM_BASE, 4), -EPERM);
	close(k.listener);
	k.listener = -1;
	ck_assert_str_eq(k.uts.nodename, "ctr");
	ck_assert(!syslog_has("hostname set"));
}
END_TEST

/* The task's effective uid as /proc (opened by the "supervisor") shows it. */
static unsigned long task_host_euid(pid_t pid)
{
	char path[32];
	_cleanup_free_ char *buf = NULL;
	unsigned long ruid = 0, euid = (unsigned long)-1;
	snprintf(path, sizeof(path), "%d/status", (int)pid);
	ck_assert_int_ge(read_file_at(k.proc_fd, path, &buf), 0);
	const char *p = strstr(buf, "\nUid:");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p + 5, "%lu %lu", &ruid, &euid), 2);
	return euid;
}

/* With a user namespace of the container's own, its root is the host uid its
 * uid 0 maps to: that task may rename the container without CAP_SYS_ADMIN. */
START_TEST(test_sys_handlers_sethostname_userns_root)
{
	int fd;
	enter_private_uts();
	pid_t pid = spawn_task_as(true, true, &fd);
	k.is_userns = true;
	k.userns_root_uid = (uint32_t)task_host_euid(pid);
	c.pid = pid;
	put_name("mine");
	ck_assert_int_eq(sethost(MEM_BASE, 4), 0);
	ck_assert_str_eq(k.uts.nodename, "mine");
	reap_task(pid, fd);
}
END_TEST

/* ... and the host's root is nobody special there. */
START_TEST(test_sys_handlers_sethostname_userns_host_root)
{
	int fd;
	enter_private_uts();
	pid_t pid = spawn_task_as(true, false, &fd);
	k.is_userns = true;
	k.userns_root_uid = (uint32_t)task_host_euid(pid) + 100000;
	c.pid = pid;
	put_name("evil");
	ck_assert_int_eq(sethost(MEM_BASE, 4), -EPERM);
	ck_assert_str_eq(k.uts.nodename, "ctr");
	reap_task(pid, fd);
}
END_TEST

START_TEST(test_sys_handlers_sethostname_real_failure_keeps_state)
{
	bool joined = enter_private_uts();
	bool capable = joined || has_sys_admin();
	int fd;
	pid_t pid = spawn_task(false, &fd); /* the task keeps its capability */
	long want;

	c.pid = pid;
	if (joined) {
		/* The serving thread loses the right: the real call fails. */
		ck_assert_int_eq(drop_sys_admin(), 0);
		ck_assert(!has_sys_admin());
		want = -EPERM;
	} else {
		want = capable ? 0 : -EPERM;
	}
	put_name("blocked");
	ck_assert_int_eq(sethost(MEM_BASE, 7), want);
	reap_task(pid, fd);
	if (joined) {
		ck_assert_str_eq(k.uts.nodename, "ctr");
		ck_assert(!syslog_has("hostname set"));
		assert_hostname("before");
	}
}
END_TEST

START_TEST(test_sys_handlers_setdomainname)
{
	bool joined = enter_private_uts();
	bool capable = joined || has_sys_admin();
	char dom[EMU_UTS_LEN];

	put_name("corp.example");
	c.args[0] = MEM_BASE;
	c.args[1] = 4;
	ck_assert_int_eq(emu_sys_setdomainname(&k, &c), capable ? 0 : -EPERM);
	ck_assert_str_eq(k.uts.domainname, capable ? "corp" : "ctr.dom");
	ck_assert_str_eq(k.uts.nodename, "ctr");
	if (joined) {
		ck_assert_int_eq(getdomainname(dom, sizeof(dom)), 0);
		ck_assert_str_eq(dom, "corp");
		ck_assert(syslog_has("hybox: domainname set to corp"));
	}
	c.args[1] = 65;
	ck_assert_int_eq(emu_sys_setdomainname(&k, &c), capable ? -EINVAL : -EPERM);
	c.args[0] = 0;
	c.args[1] = 4;
	ck_assert_int_eq(emu_sys_setdomainname(&k, &c), capable ? -EFAULT : -EPERM);
	ck_assert_str_eq(k.uts.domainname, capable ? "corp" : "ctr.dom");
}
END_TEST

/* ---- sysinfo ------------------------------------------------------------ */

START_TEST(test_sys_handlers_sysinfo)
{
	struct sysinfo si;

	k.start_ns = now_mono_ns() - 3 * NS;
	c.args[0] = MEM_BASE + 16;
	ck_assert_int_eq(emu_sys_sysinfo(&k, &c), 0);
	memcpy(&si, mem + 16, sizeof(si));
	ck_assert_int_ge(si.uptime, 3);
	ck_assert_int_lt(si.uptime, 60);
	ck_assert_uint_eq(si.procs, 1);
	ck_assert_uint_gt(si.totalram, 0);
	ck_assert_uint_le(si.freeram, si.totalram);
	ck_assert_uint_ge(si.mem_unit, 1);
}
END_TEST

START_TEST(test_sys_handlers_sysinfo_efault)
{
	c.args[0] = 0;
	ck_assert_int_eq(emu_sys_sysinfo(&k, &c), -EFAULT);
	c.args[0] = MEM_BASE + MEM_SIZE - 1;
	ck_assert_int_eq(emu_sys_sysinfo(&k, &c), -EFAULT);
}
END_TEST

/* ---- syslog ------------------------------------------------------------- */

static long sys_syslog(uint64_t type, uint64_t buf, uint64_t len)
{
	c.args[0] = type;
	c.args[1] = buf;
	c.args[2] = len;
	return emu_sys_syslog(&k, &c);
}

START_TEST(test_sys_handlers_syslog_read_all)
{
	static const char rec[] = "<6>[    0.000000] hello\n";

	emu_syslog_append(&k.syslog, k.syslog.boot_ns, 6, "hello");
	ck_assert_int_eq(sys_syslog(SL_READ_ALL, MEM_BASE, 4096), sizeof(rec) - 1);
	ck_assert_int_eq(memcmp(mem, rec, sizeof(rec) - 1), 0);
	/* A huge len is bounded to the ring size, not trusted for allocation. */
	ck_assert_int_eq(sys_syslog(SL_READ_ALL, MEM_BASE, INT_MAX), sizeof(rec) - 1);
	ck_assert_int_eq(sys_syslog(SL_READ_CLEAR, MEM_BASE, 4096), sizeof(rec) - 1);
	ck_assert_int_eq(sys_syslog(SL_READ_ALL, MEM_BASE, 4096), 0);
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE, 4096), sizeof(rec) - 1);
	/* Empty: 0 instead of blocking. */
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE, 4096), 0);
}
END_TEST

START_TEST(test_sys_handlers_syslog_bad_args)
{
	emu_syslog_append(&k.syslog, k.syslog.boot_ns, 6, "x");
	ck_assert_int_eq(sys_syslog(SL_READ, 0, 100), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_READ, 0, 0), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE, -1), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_READ_ALL, MEM_BASE, 0xffffffffULL), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE, 0), 0);
	ck_assert_int_eq(sys_syslog(SL_CON_LEVEL, 0, 9), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_CON_LEVEL, 0, -1), -EINVAL);
	ck_assert_int_eq(sys_syslog(SL_CON_LEVEL, 0, 4), 0);
	ck_assert_int_eq(sys_syslog(42, MEM_BASE, 10), -EINVAL);
	ck_assert_int_eq(sys_syslog(-1, MEM_BASE, 10), -EINVAL);
	/* type is an int: upper bits ignored. */
	ck_assert_int_eq(sys_syslog((1ULL << 32) | SL_SIZE, 0, 0), EMU_SYSLOG_SIZE);
	ck_assert_int_eq(sys_syslog(SL_UNREAD, 0, 0), 20);
}
END_TEST

START_TEST(test_sys_handlers_syslog_read_efault_keeps_data)
{
	emu_syslog_append(&k.syslog, k.syslog.boot_ns, 6, "keep me");
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE + MEM_SIZE - 4, 100), -EFAULT);
	ck_assert_int_eq(sys_syslog(SL_UNREAD, 0, 0), 26);
	ck_assert_int_eq(sys_syslog(SL_READ_ALL, 1, 100), -EFAULT);
	ck_assert_int_eq(sys_syslog(SL_READ, MEM_BASE, 100), 26);
	ck_assert_int_eq(memcmp(mem, "<6>[    0.000000] keep me\n", 26), 0);
}
END_TEST

static Suite *sys_handlers_suite(void)
{
	Suite *s = suite_create("sys_handlers");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sys_handlers_uname);
	tcase_add_test(tc, test_sys_handlers_uname_efault);
	tcase_add_test(tc, test_sys_handlers_sethostname_sets_state_and_host);
	tcase_add_test(tc, test_sys_handlers_sethostname_len_bounds);
	tcase_add_test(tc, test_sys_handlers_sethostname_efault);
	tcase_add_test(tc, test_sys_handlers_sethostname_not_joined_keeps_host);
	tcase_add_test(tc, test_sys_handlers_sethostname_task_without_cap);
	tcase_add_test(tc, test_sys_handlers_sethostname_root_without_cap);
	tcase_add_test(tc, test_sys_handlers_sethostname_real_failure_keeps_state);
	tcase_add_test(tc, test_sys_handlers_sethostname_userns_root);
	tcase_add_test(tc, test_sys_handlers_sethostname_userns_host_root);
	tcase_add_test(tc, test_sys_handlers_setdomainname);
	tcase_add_test(tc, test_sys_handlers_sysinfo);
	tcase_add_test(tc, test_sys_handlers_sysinfo_efault);
	tcase_add_test(tc, test_sys_handlers_syslog_read_all);
	tcase_add_test(tc, test_sys_handlers_syslog_bad_args);
	tcase_add_test(tc, test_sys_handlers_syslog_read_efault_keeps_data);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sys_handlers_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
