// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/uts.c: defaults, truncation, sethostname(2)-style
 * length rules (raw bytes, not NUL-terminated) and the utsname fill.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "uts.h"

static struct emu_uts u;

START_TEST(test_uts_init_defaults)
{
	emu_uts_init(&u, NULL, NULL);
	ck_assert_str_eq(u.nodename, "hybox");
	ck_assert_str_eq(u.domainname, "(none)");
	emu_uts_init(&u, "box1", "example.org");
	ck_assert_str_eq(u.nodename, "box1");
	ck_assert_str_eq(u.domainname, "example.org");
}
END_TEST

START_TEST(test_uts_init_truncates)
{
	char longname[200];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	emu_uts_init(&u, longname, longname);
	ck_assert_uint_eq(strlen(u.nodename), EMU_UTS_LEN - 1);
	ck_assert_uint_eq(strlen(u.domainname), EMU_UTS_LEN - 1);
}
END_TEST

START_TEST(test_uts_set_takes_len_bytes)
{
	emu_uts_init(&u, "previous-long-name", NULL);
	/* Not NUL-terminated: only len bytes count, the rest of the old name is cleared. */
	ck_assert_int_eq(emu_uts_set_nodename(&u, "abcdef", 3), 0);
	ck_assert_str_eq(u.nodename, "abc");
	ck_assert_int_eq(u.nodename[4], 0);
	ck_assert_int_eq(emu_uts_set_domainname(&u, "dom.xyz", 3), 0);
	ck_assert_str_eq(u.domainname, "dom");
	ck_assert_int_eq(emu_uts_set_nodename(&u, "", 0), 0);
	ck_assert_str_eq(u.nodename, "");
}
END_TEST

START_TEST(test_uts_set_len_bounds)
{
	char name[EMU_UTS_LEN + 1];

	memset(name, 'x', sizeof(name));
	emu_uts_init(&u, "keep", "keepdom");
	ck_assert_int_eq(emu_uts_set_nodename(&u, name, EMU_UTS_LEN), -EINVAL);
	ck_assert_int_eq(emu_uts_set_domainname(&u, name, EMU_UTS_LEN), -EINVAL);
	ck_assert_int_eq(emu_uts_set_nodename(&u, name, (size_t)-1), -EINVAL);
	ck_assert_str_eq(u.nodename, "keep");
	ck_assert_str_eq(u.domainname, "keepdom");
	ck_assert_int_eq(emu_uts_set_nodename(&u, name, EMU_UTS_LEN - 1), 0);
	ck_assert_uint_eq(strlen(u.nodename), EMU_UTS_LEN - 1);
	ck_assert_int_eq(u.nodename[EMU_UTS_LEN - 1], 0);
}
END_TEST

START_TEST(test_uts_fill_mixes_host_and_ours)
{
	struct utsname host, out;

	memset(&host, 0, sizeof(host));
	strcpy(host.sysname, "Linux");
	strcpy(host.nodename, "host-node");
	strcpy(host.release, "6.1.0");
	strcpy(host.version, "#1 SMP");
	strcpy(host.machine, "x86_64");
	strcpy(host.domainname, "host.dom");
	emu_uts_init(&u, "ctr", "ctr.dom");
	memset(&out, 0xff, sizeof(out));
	emu_uts_fill(&u, &host, &out);
	ck_assert_str_eq(out.sysname, "Linux");
	ck_assert_str_eq(out.release, "6.1.0");
	ck_assert_str_eq(out.version, "#1 SMP");
	ck_assert_str_eq(out.machine, "x86_64");
	ck_assert_str_eq(out.nodename, "ctr");
	ck_assert_str_eq(out.domainname, "ctr.dom");
	/* No stale bytes after the NUL: the whole struct is copied to the task. */
	ck_assert_int_eq(out.nodename[EMU_UTS_LEN - 1], 0);
	ck_assert_int_eq(out.machine[EMU_UTS_LEN - 1], 0);
}
END_TEST

static Suite *uts_suite(void)
{
	Suite *s = suite_create("uts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_uts_init_defaults);
	tcase_add_test(tc, test_uts_init_truncates);
	tcase_add_test(tc, test_uts_set_takes_len_bytes);
	tcase_add_test(tc, test_uts_set_len_bounds);
	tcase_add_test(tc, test_uts_fill_mixes_host_and_ours);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(uts_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
