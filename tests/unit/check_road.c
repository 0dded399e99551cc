// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/road.c: table defaults, policy overrides, LOCKED
 * refusal, unknown numbers, conditional natives and by-name errors.
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <sched.h>
#include <string.h>

#include "emu.h"

static struct emu_syscall_policy pol;

static void setup(void)
{
	memset(&pol, 0, sizeof(pol));
}

static struct emu_road_decision resolve(const struct emu_syscall_policy *p, int nr, int want_rc)
{
	struct emu_road_decision d;

	memset(&d, 0xa5, sizeof(d)); /* every field must be written */
	ck_assert_int_eq(emu_road_resolve(p, nr, &d), want_rc);
	ck_assert_ptr_nonnull(d.reason);
	return d;
}

static void assert_plain_native(const struct emu_road_decision *d)
{
	ck_assert_int_eq(d->road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d->ncond, 0);
	ck_assert_ptr_null(d->cond);
}

static void assert_denied(const struct emu_road_decision *d, int err)
{
	ck_assert_int_eq(d->road, EMU_ROAD_DENIED);
	ck_assert_int_eq(d->err, err);
	ck_assert_int_eq(d->ncond, 0);
	ck_assert_ptr_null(d->cond);
}

START_TEST(test_road_defaults)
{
	struct emu_road_decision d = resolve(NULL, __NR_read, 0);

	assert_plain_native(&d);
	d = resolve(NULL, __NR_uname, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	ck_assert_int_eq(d.ncond, 0);
	d = resolve(NULL, __NR_bpf, 0);
	assert_denied(&d, EPERM);
	d = resolve(NULL, __NR_clone3, 0);
	assert_denied(&d, ENOSYS);
	ck_assert_str_eq(d.reason, emu_syscall(__NR_clone3)->reason);
}
END_TEST

START_TEST(test_road_empty_policy_equals_table)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision a, b;
		int ra = emu_road_resolve(NULL, nr, &a);
		int rb = emu_road_resolve(&pol, nr, &b);

		ck_assert_int_eq(ra, rb);
		ck_assert_int_eq(a.road, b.road);
		ck_assert_int_eq(a.err, b.err);
		ck_assert_int_eq(a.ncond, b.ncond);
		ck_assert_ptr_eq(a.cond, b.cond);
	}
}
END_TEST

START_TEST(test_road_conditional_native)
{
	struct emu_road_decision d = resolve(&pol, __NR_clone, 0);

	ck_assert_int_eq(d.road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d.ncond, 1);
	ck_assert_int_eq(d.err, EPERM);
	ck_assert_ptr_nonnull(d.cond);
	ck_assert_int_eq(d.cond[0].op, EMU_CMP_MASKED_EQ);
	ck_assert_uint_eq(d.cond[0].mask, CLONE_NEWUSER);
	ck_assert_uint_eq(d.cond[0].value, 0);
	d = resolve(&pol, __NR_ioctl, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d.ncond, 2);
	ck_assert_ptr_eq(d.cond, emu_syscall(__NR_ioctl)->cond);
}
END_TEST

START_TEST(test_road_allow_opens_denied_and_conditional)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_syscall_policy_set(&pol, "bpf", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "ioctl", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "unshare", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(pol.override[__NR_bpf], EMU_OVR_ALLOW);
	d = resolve(&pol, __NR_bpf, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_ioctl, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_unshare, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_clone, 0); /* untouched neighbour keeps its cond */
	ck_assert_int_eq(d.ncond, 1);
}
END_TEST

START_TEST(test_road_allow_emulated_becomes_native)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_syscall_policy_set(&pol, "uname", EMU_OVR_ALLOW), 0);
	d = resolve(&pol, __NR_uname, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_sethostname, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
}
END_TEST

START_TEST(test_road_deny_overrides_anything)
{
	static const int nrs[] = {
		__NR_read, __NR_uname, __NR_clone, __NR_clone3, __NR_kexec_load,
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		const char *name = emu_syscall_name(nrs[i]);
		struct emu_road_decision d;

		ck_assert_int_eq(emu_syscall_policy_set(&pol, name, EMU_OVR_DENY), 0);
		d = resolve(&pol, nrs[i], 0);
		assert_denied(&d, EPERM);
	}
}
END_TEST

START_TEST(test_road_locked_refuses_allow)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_syscall_policy_set(&pol, "kexec_load", EMU_OVR_ALLOW), -EPERM);
	ck_assert_int_eq(pol.override[__NR_kexec_load], EMU_OVR_NONE);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "init_module", EMU_OVR_DENY), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "init_module", EMU_OVR_ALLOW), -EPERM);
	ck_assert_int_eq(pol.override[__NR_init_module], EMU_OVR_DENY);

	/* A policy filled in by hand still cannot open it. */
	pol.override[__NR_kexec_load] = EMU_OVR_ALLOW;
	d = resolve(&pol, __NR_kexec_load, -EPERM);
	assert_denied(&d, emu_syscall(__NR_kexec_load)->err);
	ck_assert_str_eq(d.reason, emu_syscall(__NR_kexec_load)->reason);
}
END_TEST

START_TEST(test_road_unknown_numbers)
{
	static const int nrs[] = { -1, INT_MIN, 335, 400, 423, EMU_NR_MAX, 512, INT_MAX };
	struct emu_road_decision d;

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		d = resolve(NULL, nrs[i], -ENOENT);
		assert_denied(&d, ENOSYS);
		d = resolve(&pol, nrs[i], -ENOENT);
		assert_denied(&d, ENOSYS);
	}
	pol.override[400] = EMU_OVR_ALLOW; /* an override cannot assign a number */
	d = resolve(&pol, 400, -ENOENT);
	assert_denied(&d, ENOSYS);
}
END_TEST

START_TEST(test_road_none_resets_override)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_syscall_policy_set(&pol, "read", EMU_OVR_DENY), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "read", EMU_OVR_NONE), 0);
	d = resolve(&pol, __NR_read, 0);
	assert_plain_native(&d);
}
END_TEST

START_TEST(test_road_invalid_override_fails_closed)
{
	struct emu_road_decision d;

	pol.override[__NR_read] = 7;
	d = resolve(&pol, __NR_read, -EINVAL);
	assert_denied(&d, EPERM);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "write", (enum emu_override)7), -EINVAL);
	ck_assert_int_eq(pol.override[__NR_write], EMU_OVR_NONE);
}
END_TEST

START_TEST(test_road_audit_keeps_road)
{
	struct emu_road_decision d;

	pol.audit = true;
	d = resolve(&pol, __NR_bpf, 0);
	assert_denied(&d, EPERM);
	d = resolve(&pol, __NR_uname, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
}
END_TEST

START_TEST(test_road_by_name_errors)
{
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "no_such_syscall", EMU_OVR_ALLOW), -ENOENT);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "", EMU_OVR_DENY), -ENOENT);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, NULL, EMU_OVR_DENY), -ENOENT);
	ck_assert_int_eq(emu_syscall_policy_set(NULL, "read", EMU_OVR_DENY), -EINVAL);
	for (int nr = 0; nr < EMU_NR_MAX; nr++)
		ck_assert_int_eq(pol.override[nr], EMU_OVR_NONE);
}
END_TEST

START_TEST(test_road_areas_route_to_kernel_emu)
{
	struct emu_road_decision d = resolve(&pol, __NR_openat, 0);

	assert_plain_native(&d); /* no area routed: the LSM road or no policy */
	pol.areas = EMU_AREA_FILES | EMU_AREA_EXEC | EMU_AREA_NET;
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		const struct emu_syscall_desc *desc = emu_syscall(nr);
		if (!desc || !desc->name || !desc->area)
			continue;
		d = resolve(&pol, nr, 0);
		bool routed = desc->area & pol.areas;
		ck_assert_msg(d.road == (routed ? EMU_ROAD_EMULATED : EMU_ROAD_NATIVE), "%s",
			      desc->name);
		ck_assert_msg(desc->handler, "%s has an area but no handler", desc->name);
	}
	/* connect/bind trap only when there are address rules */
	d = resolve(&pol, __NR_connect, 0);
	assert_plain_native(&d);
	pol.areas |= EMU_AREA_NET_ADDR;
	d = resolve(&pol, __NR_connect, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	ck_assert_int_eq(d.ncond, 0);
}
END_TEST

START_TEST(test_road_read_only_opens_stay_native)
{
	pol.areas = EMU_AREA_FILES;
	struct emu_road_decision d = resolve(&pol, __NR_openat, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	ck_assert_int_eq(d.ncond, 0); /* some path lacks r: every open traps */

	pol.files_read_all = true;
	d = resolve(&pol, __NR_openat, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	ck_assert_int_eq(d.ncond, 1);
	ck_assert_int_eq(d.cond[0].arg, 2); /* openat(dirfd, path, flags, mode) */
	ck_assert_int_eq(d.cond[0].op, EMU_CMP_MASKED_EQ);
	ck_assert_int_eq(d.cond[0].value, 0);
	uint32_t m = d.cond[0].mask;
	ck_assert((m & O_ACCMODE) == O_ACCMODE && (m & O_CREAT) && (m & O_TRUNC));
	ck_assert((m & (O_TMPFILE & ~O_DIRECTORY)) && !(m & O_DIRECTORY) && !(m & O_CLOEXEC));
	d = resolve(&pol, __NR_open, 0);
	ck_assert_int_eq(d.cond[0].arg, 1);
	/* creat and openat2 carry their flags elsewhere: always emulated */
	d = resolve(&pol, __NR_creat, 0);
	ck_assert_int_eq(d.ncond, 0);
	d = resolve(&pol, __NR_openat2, 0);
	ck_assert_int_eq(d.ncond, 0);
}
END_TEST

START_TEST(test_road_policy_allow_keeps_object_checks)
{
	pol.areas = EMU_AREA_FILES;
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "openat", EMU_OVR_ALLOW), 0);
	struct emu_road_decision d = resolve(&pol, __NR_openat, 0);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "openat", EMU_OVR_DENY), 0);
	d = resolve(&pol, __NR_openat, 0);
	assert_denied(&d, EPERM);
}
END_TEST

START_TEST(test_road_process_section)
{
	struct emu_road_decision d = resolve(&pol, __NR_ptrace, 0);
	assert_denied(&d, EPERM);
	pol.ptrace = true;
	d = resolve(&pol, __NR_ptrace, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_process_vm_readv, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_mount, 0);
	assert_denied(&d, EPERM);
	pol.mount = true;
	d = resolve(&pol, __NR_mount, 0);
	assert_plain_native(&d);
	d = resolve(&pol, __NR_kexec_load, 0); /* locked stays denied */
	ck_assert_int_eq(d.road, EMU_ROAD_DENIED);
}
END_TEST

static Suite *road_suite(void)
{
	Suite *s = suite_create("road");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_road_defaults);
	tcase_add_test(tc, test_road_empty_policy_equals_table);
	tcase_add_test(tc, test_road_conditional_native);
	tcase_add_test(tc, test_road_allow_opens_denied_and_conditional);
	tcase_add_test(tc, test_road_allow_emulated_becomes_native);
	tcase_add_test(tc, test_road_deny_overrides_anything);
	tcase_add_test(tc, test_road_locked_refuses_allow);
	tcase_add_test(tc, test_road_unknown_numbers);
	tcase_add_test(tc, test_road_none_resets_override);
	tcase_add_test(tc, test_road_invalid_override_fails_closed);
	tcase_add_test(tc, test_road_audit_keeps_road);
	tcase_add_test(tc, test_road_by_name_errors);
	tcase_add_test(tc, test_road_areas_route_to_kernel_emu);
	tcase_add_test(tc, test_road_read_only_opens_stay_native);
	tcase_add_test(tc, test_road_policy_allow_keeps_object_checks);
	tcase_add_test(tc, test_road_process_section);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(road_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
