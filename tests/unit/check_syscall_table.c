// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/syscall_table.c: the table covers every x86_64
 * number, agrees with libseccomp's names, and every entry is well-formed.
 * libseccomp is used only as a name resolver here (no filter is loaded).
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "emu.h"
#include "util.h"

/* user/seccomp.h shadows libseccomp's header when user/ is on the -I path. */
#ifndef SCMP_ARCH_X86_64
#error "<seccomp.h> is not libseccomp's: put project dirs on -iquote, not -I"
#endif

/* Highest number the build host's UAPI headers know; newest first. */
#if defined(__NR_file_setattr)
#define HOST_NR_HIGHEST __NR_file_setattr
#elif defined(__NR_removexattrat)
#define HOST_NR_HIGHEST __NR_removexattrat
#elif defined(__NR_mseal)
#define HOST_NR_HIGHEST __NR_mseal
#elif defined(__NR_lsm_list_modules)
#define HOST_NR_HIGHEST __NR_lsm_list_modules
#elif defined(__NR_listmount)
#define HOST_NR_HIGHEST __NR_listmount
#elif defined(__NR_futex_requeue)
#define HOST_NR_HIGHEST __NR_futex_requeue
#elif defined(__NR_map_shadow_stack)
#define HOST_NR_HIGHEST __NR_map_shadow_stack
#elif defined(__NR_fchmodat2)
#define HOST_NR_HIGHEST __NR_fchmodat2
#elif defined(__NR_cachestat)
#define HOST_NR_HIGHEST __NR_cachestat
#else
#define HOST_NR_HIGHEST __NR_set_mempolicy_home_node
#endif

static const char *const required_denied[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "settimeofday", "adjtimex",
	"create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy",
	"init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
	"lookup_dcookie", "mbind", "migrate_pages", "move_pages", "set_mempolicy",
	"set_mempolicy_home_node", "name_to_handle_at", "nfsservctl", "open_by_handle_at",
	"perf_event_open", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace",
	"query_module", "quotactl", "quotactl_fd", "reboot", "request_key", "setns", "swapon",
	"swapoff", "sysfs", "_sysctl", "umount2", "mount", "mount_setattr", "move_mount",
	"open_tree", "open_tree_attr", "fsopen", "fsconfig", "fsmount", "fspick", "uselib",
	"userfaultfd", "ustat", "vhangup", "afs_syscall", "tuxcall", "security", "getpmsg",
	"putpmsg", "vserver", "fanotify_init", "lsm_set_self_attr", "io_uring_setup",
	"io_uring_enter", "io_uring_register", "clone3", "statmount", "listmount",
};

static const char *const required_locked[] = {
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"create_module", "reboot", "swapon", "swapoff", "acct", "iopl", "ioperm",
	"open_by_handle_at", "quotactl", "lookup_dcookie", "nfsservctl", "uselib",
};

static const char *const required_native[] = {
	"read", "write", "openat", "mmap", "futex", "clock_gettime", "socket", "personality",
	"seccomp", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
	"execve", "exit_group", "rt_sigreturn", "restart_syscall",
};

static const struct {
	const char *name;
	int nr;
} emulated[] = {
	{ "uname", __NR_uname },
	{ "sethostname", __NR_sethostname },
	{ "setdomainname", __NR_setdomainname },
	{ "sysinfo", __NR_sysinfo },
	{ "syslog", __NR_syslog },
};

static const struct emu_syscall_desc *by_name(const char *name)
{
	int nr = emu_syscall_by_name(name);

	ck_assert_msg(nr >= 0, "%s: not in the table", name);
	return emu_syscall(nr);
}

START_TEST(test_syscall_table_covers_every_number)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++)
		ck_assert_msg(emu_syscall(nr) != NULL, "nr %d has no descriptor", nr);
	ck_assert_ptr_null(emu_syscall(-1));
	ck_assert_ptr_null(emu_syscall(EMU_NR_MAX));
	ck_assert_ptr_null(emu_syscall_name(EMU_NR_MAX));
	ck_assert_int_lt(HOST_NR_HIGHEST, EMU_NR_MAX);
}
END_TEST

/* x86_64 assigns 0..334 and 424..469 with no holes; 335..423 are never used. */
START_TEST(test_syscall_table_gap_is_unassigned)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		bool in_gap = nr >= 335 && nr <= 423;

		ck_assert_msg((emu_syscall_name(nr) == NULL) == in_gap, "nr %d: %s", nr,
			      in_gap ? "should be unassigned" : "has no name");
	}
	ck_assert_str_eq(emu_syscall_name(334), "rseq");
	ck_assert_str_eq(emu_syscall_name(424), "pidfd_send_signal");
	ck_assert_str_eq(emu_syscall_name(EMU_NR_MAX - 1), "file_setattr");
}
END_TEST

START_TEST(test_syscall_table_names_match_libseccomp)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		const char *ours = emu_syscall_name(nr);
		char *theirs = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		int back;

		if (theirs) {
			ck_assert_msg(ours && strcmp(ours, theirs) == 0,
				      "nr %d: ours %s, libseccomp %s", nr, ours ? ours : "(null)",
				      theirs);
			free(theirs);
		}
		if (!ours)
			continue;
		back = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, ours);

		/* Negative: libseccomp predates it (or made up a pseudo number). */
		ck_assert_msg(back < 0 || back == nr, "%s: ours %d, libseccomp %d", ours, nr, back);
	}
}
END_TEST

/* Numbers libseccomp 2.5 does not know yet, from syscall_64.tbl (linux 6.17). */
START_TEST(test_syscall_table_names_newer_than_libseccomp)
{
	static const char *const names[] = {
		"cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait",
		"futex_requeue", "statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr",
		"lsm_list_modules", "mseal", "setxattrat", "getxattrat", "listxattrat",
		"removexattrat", "open_tree_attr", "file_getattr", "file_setattr",
	};

	ck_assert_int_eq(451 + ARRAY_SIZE(names), EMU_NR_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *ours = emu_syscall_name(451 + i);

		ck_assert_msg(ours && strcmp(ours, names[i]) == 0, "nr %zu: %s", 451 + i,
			      ours ? ours : "(null)");
	}
}
END_TEST

/* A libseccomp newer than our table would know numbers we do not describe. */
START_TEST(test_syscall_table_libseccomp_knows_nothing_newer)
{
	for (int nr = EMU_NR_MAX; nr < EMU_NR_MAX + 64; nr++) {
		char *theirs = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		ck_assert_msg(theirs == NULL, "nr %d (%s) is missing from the table", nr, theirs);
	}
}
END_TEST

START_TEST(test_syscall_table_names_unique_and_found)
{
	for (int a = 0; a < EMU_NR_MAX; a++) {
		const char *n = emu_syscall_name(a);

		if (!n)
			continue;
		ck_assert_int_eq(emu_syscall_by_name(n), a);
		for (int b = a + 1; b < EMU_NR_MAX; b++) {
			const char *m = emu_syscall_name(b);

			ck_assert_msg(!m || strcmp(n, m) != 0, "%s at %d and %d", n, a, b);
		}
	}
}
END_TEST

START_TEST(test_syscall_table_entries_well_formed)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		const struct emu_syscall_desc *d = emu_syscall(nr);

		if (!d->name) {
			ck_assert_msg(!d->reason && !d->handler && !d->flags && !d->ncond,
				      "nr %d: unassigned but filled in", nr);
			continue;
		}
		ck_assert_msg(d->reason && d->reason[0], "%s: no reason", d->name);
		ck_assert_msg(d->road <= EMU_ROAD_DENIED, "%s: bad road", d->name);
		ck_assert_msg((d->road == EMU_ROAD_EMULATED || d->area) == (d->handler != NULL),
			      "%s: handler iff emulated or in an object area", d->name);
		ck_assert_msg(!d->area || d->road == EMU_ROAD_NATIVE, "%s: area but not native",
			      d->name);
		ck_assert_msg(!d->ro_arg || d->area == EMU_AREA_FILES, "%s: ro_arg", d->name);
		ck_assert_msg(d->road != EMU_ROAD_DENIED || d->err > 0, "%s: no errno", d->name);
		ck_assert_msg(d->road == EMU_ROAD_NATIVE || d->ncond == 0, "%s: conds", d->name);
		ck_assert_msg(!(d->flags & EMU_SF_LOCKED) || d->road == EMU_ROAD_DENIED,
			      "%s: LOCKED but not denied", d->name);
		ck_assert_msg((d->flags & ~(EMU_SF_LOCKED | EMU_SF_PTRACE | EMU_SF_MOUNT)) == 0,
			      "%s: unknown flags", d->name);
		ck_assert_msg(!(d->flags & (EMU_SF_PTRACE | EMU_SF_MOUNT)) ||
				      (d->road == EMU_ROAD_DENIED && !(d->flags & EMU_SF_LOCKED)),
			      "%s: process flag on a non-denied or locked syscall", d->name);
	}
}
END_TEST

START_TEST(test_syscall_table_conds_well_formed)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		const struct emu_syscall_desc *d = emu_syscall(nr);

		if (!d->name || !d->ncond)
			continue;
		ck_assert_msg(d->ncond <= EMU_MAX_CONDS, "%s: too many conds", d->name);
		ck_assert_msg(d->err > 0, "%s: conds without errno", d->name);
		for (int i = 0; i < d->ncond; i++) {
			const struct emu_arg_cond *c = &d->cond[i];

			ck_assert_msg(c->arg < 6, "%s: arg %u", d->name, c->arg);
			ck_assert_msg(c->op == EMU_CMP_MASKED_EQ || c->op == EMU_CMP_NE,
				      "%s: op %u", d->name, c->op);
			/* A value outside the mask could never match. */
			if (c->op == EMU_CMP_MASKED_EQ)
				ck_assert_msg(c->mask && !(c->value & ~c->mask), "%s: mask/value",
					      d->name);
		}
	}
}
END_TEST

START_TEST(test_syscall_table_default_denials)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_denied); i++) {
		const struct emu_syscall_desc *d = by_name(required_denied[i]);

		ck_assert_msg(d->road == EMU_ROAD_DENIED, "%s not denied", required_denied[i]);
	}
	ck_assert_int_eq(by_name("clone3")->err, ENOSYS);
	ck_assert_int_eq(by_name("bpf")->err, EPERM);
	ck_assert_int_eq(by_name("tuxcall")->err, ENOSYS);
}
END_TEST

START_TEST(test_syscall_table_locked)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_locked); i++)
		ck_assert_msg(by_name(required_locked[i])->flags & EMU_SF_LOCKED, "%s not LOCKED",
			      required_locked[i]);
	ck_assert_int_eq(by_name("ptrace")->flags & EMU_SF_LOCKED, 0);
	ck_assert_int_eq(by_name("bpf")->flags & EMU_SF_LOCKED, 0);
}
END_TEST

START_TEST(test_syscall_table_emulated)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(emulated); i++) {
		const struct emu_syscall_desc *d = emu_syscall(emulated[i].nr);

		ck_assert_str_eq(d->name, emulated[i].name);
		ck_assert_int_eq(d->road, EMU_ROAD_EMULATED);
	}
	for (int nr = 0; nr < EMU_NR_MAX; nr++)
		n += emu_syscall(nr)->road == EMU_ROAD_EMULATED;
	ck_assert_int_eq(n, ARRAY_SIZE(emulated));
}
END_TEST

START_TEST(test_syscall_table_unconditional_natives)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_native); i++) {
		const struct emu_syscall_desc *d = by_name(required_native[i]);

		ck_assert_msg(d->road == EMU_ROAD_NATIVE && d->ncond == 0, "%s: not plain native",
			      required_native[i]);
	}
}
END_TEST

static void assert_no_newuser(const char *name)
{
	const struct emu_syscall_desc *d = by_name(name);

	ck_assert_int_eq(d->road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d->ncond, 1);
	ck_assert_int_eq(d->err, EPERM);
	ck_assert_int_eq(d->cond[0].arg, 0);
	ck_assert_int_eq(d->cond[0].op, EMU_CMP_MASKED_EQ);
	ck_assert_uint_eq(d->cond[0].mask, CLONE_NEWUSER);
	ck_assert_uint_eq(d->cond[0].value, 0);
}

START_TEST(test_syscall_table_conditional_natives)
{
	const struct emu_syscall_desc *d = emu_syscall(__NR_ioctl);

	assert_no_newuser("clone");
	assert_no_newuser("unshare");
	ck_assert_int_eq(d->road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d->ncond, 2);
	ck_assert_int_eq(d->err, EPERM);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(d->cond[i].arg, 1);
		ck_assert_int_eq(d->cond[i].op, EMU_CMP_NE);
	}
	ck_assert_uint_eq(d->cond[0].value, TIOCSTI);
	ck_assert_uint_eq(d->cond[1].value, TIOCLINUX);
}
END_TEST

START_TEST(test_syscall_table_by_name_errors)
{
	ck_assert_int_eq(emu_syscall_by_name("no_such_syscall"), -ENOENT);
	ck_assert_int_eq(emu_syscall_by_name(""), -ENOENT);
	ck_assert_int_eq(emu_syscall_by_name(NULL), -ENOENT);
	ck_assert_int_eq(emu_syscall_by_name("READ"), -ENOENT);
	ck_assert_int_eq(emu_syscall_by_name("read"), __NR_read);
	ck_assert_int_eq(emu_syscall_by_name("file_setattr"), 469);
	ck_assert_ptr_null(emu_syscall_name(-1));
	ck_assert_ptr_null(emu_syscall_name(400));
}
END_TEST

static Suite *syscall_table_suite(void)
{
	Suite *s = suite_create("syscall_table");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_syscall_table_covers_every_number);
	tcase_add_test(tc, test_syscall_table_gap_is_unassigned);
	tcase_add_test(tc, test_syscall_table_names_match_libseccomp);
	tcase_add_test(tc, test_syscall_table_names_newer_than_libseccomp);
	tcase_add_test(tc, test_syscall_table_libseccomp_knows_nothing_newer);
	tcase_add_test(tc, test_syscall_table_names_unique_and_found);
	tcase_add_test(tc, test_syscall_table_entries_well_formed);
	tcase_add_test(tc, test_syscall_table_conds_well_formed);
	tcase_add_test(tc, test_syscall_table_default_denials);
	tcase_add_test(tc, test_syscall_table_locked);
	tcase_add_test(tc, test_syscall_table_emulated);
	tcase_add_test(tc, test_syscall_table_unconditional_natives);
	tcase_add_test(tc, test_syscall_table_conditional_natives);
	tcase_add_test(tc, test_syscall_table_by_name_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syscall_table_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
