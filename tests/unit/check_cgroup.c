// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/cgroup.c: hy_cgroup2_parse_mountinfo() on the mount
 * tables of a pure cgroup v2 host, a hybrid host, a v1-only host, and lines
 * with optional fields before the " - " separator; the leaf path of
 * linux.cgroupsPath and the record kept in run.json.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "cgroup.h"

static char path[4096];

/* A pure v2 host (systemd default since ~2021), trimmed from a real table. */
static const char pure_v2[] =
	"22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw\n"
	"28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 "
	"cgroup2 rw,nsdelegate,memory_recursiveprot\n"
	"31 22 0:27 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore "
	"pstore rw\n";

/* A hybrid host: v1 controllers plus the unified hierarchy for systemd. */
static const char hybrid[] =
	"25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - "
	"cgroup2 cgroup2 rw,nsdelegate\n"
	"27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
	"cgroup rw,xattr,name=systemd\n"
	"30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup "
	"cgroup rw,memory\n";

/* v1 only: no cgroup2 anywhere ("cgroup" and a path containing "cgroup2"). */
static const char v1_only[] =
	"25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,name=systemd\n"
	"30 25 0:27 / /sys/fs/cgroup/cgroup2 rw,nosuid shared:14 - cgroup cgroup2 rw,memory\n"
	"31 25 0:28 / /mnt/x rw shared:15 - cgroup2fs none rw\n";

START_TEST(test_cgroup_pure_v2)
{
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(pure_v2, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/sys/fs/cgroup");
}
END_TEST

START_TEST(test_cgroup_hybrid)
{
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(hybrid, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/sys/fs/cgroup/unified");
}
END_TEST

START_TEST(test_cgroup_none)
{
	strcpy(path, "untouched");
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(v1_only, path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo("", path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo("\n\n", path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo("garbage without separator\n", path,
						    sizeof(path)),
			 -ENOENT);
}
END_TEST

START_TEST(test_cgroup_optional_fields)
{
	/* Zero, one and several optional fields before " - ". */
	static const char none[] = "30 22 0:26 / /cg0 rw,nosuid - cgroup2 cgroup2 rw\n";
	static const char many[] = "30 22 0:26 / /cg/many rw,nosuid shared:9 master:3 "
				   "propagate_from:2 unbindable - cgroup2 cgroup2 rw\n";

	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(none, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/cg0");
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(many, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/cg/many");
}
END_TEST

START_TEST(test_cgroup_first_match_and_last_line_without_newline)
{
	static const char two[] = "1 0 0:1 / /first rw - cgroup2 cgroup2 rw\n"
				  "2 0 0:2 / /second rw - cgroup2 cgroup2 rw\n";
	static const char last[] = "1 0 0:1 / / rw - ext4 /dev/sda1 rw\n"
				   "2 0 0:2 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw";

	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(two, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/first");
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(last, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/sys/fs/cgroup");
}
END_TEST

START_TEST(test_cgroup_short_buffer)
{
	char small[8];

	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(pure_v2, small, sizeof(small)), -ENAMETOOLONG);
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(pure_v2, path, strlen("/sys/fs/cgroup")),
			 -ENAMETOOLONG);
	ck_assert_int_eq(hy_cgroup2_parse_mountinfo(pure_v2, path, strlen("/sys/fs/cgroup") + 1),
			 0);
	ck_assert_str_eq(path, "/sys/fs/cgroup");
}
END_TEST

/* linux.cgroupsPath: absolute below the mount, relative below hybox's parent. */
START_TEST(test_cgroup_leaf_path)
{
	char rel[32];

	ck_assert_int_eq(hy_cgroup_leaf_path(NULL, "c1", rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "hybox/c1");
	ck_assert_int_eq(hy_cgroup_leaf_path("", "c1", rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "hybox/c1");
	ck_assert_int_eq(hy_cgroup_leaf_path("/default/c1", "c1", rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "default/c1");
	ck_assert_int_eq(hy_cgroup_leaf_path("pod/c1", "c1", rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "hybox/pod/c1");
	ck_assert_int_eq(hy_cgroup_leaf_path("/a/very/long/path/of/cgroups", "c1", rel, 16),
			 -ENAMETOOLONG);
}
END_TEST

/* The record names the leaf and the shallowest parent hybox made (or null). */
START_TEST(test_cgroup_record)
{
	struct hy_cgroup cg = { .dirfd = -1, .path = "/cg/default/pod/c1", .rel = 4 };
	json_t *j = hy_cgroup_record(&cg);

	ck_assert_str_eq(json_string_value(json_object_get(j, "path")), "default/pod/c1");
	ck_assert(json_is_null(json_object_get(j, "created")));
	json_decref(j);
	cg.created = strlen("/cg/default/pod");
	j = hy_cgroup_record(&cg);
	ck_assert_str_eq(json_string_value(json_object_get(j, "created")), "default/pod");
	json_decref(j);
}
END_TEST

static Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("mountinfo");

	tcase_add_test(tc, test_cgroup_pure_v2);
	tcase_add_test(tc, test_cgroup_hybrid);
	tcase_add_test(tc, test_cgroup_none);
	tcase_add_test(tc, test_cgroup_optional_fields);
	tcase_add_test(tc, test_cgroup_first_match_and_last_line_without_newline);
	tcase_add_test(tc, test_cgroup_short_buffer);
	tcase_add_test(tc, test_cgroup_leaf_path);
	tcase_add_test(tc, test_cgroup_record);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cgroup_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
