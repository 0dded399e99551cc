// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/res_limits.c's OCI blockIO, hugepageLimits and
 * unified parts: the pure conversions and checks, and hy_limits_apply()
 * against a directory of plain files standing in for a cgroup leaf (which
 * files exist and what cgroup.controllers lists decide warning or error).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "res_limits.h"
#include "util.h"

START_TEST(test_res_limits_io_weight)
{
	ck_assert_uint_eq(hy_limits_io_weight(10), 1);
	ck_assert_uint_eq(hy_limits_io_weight(500), 4950); /* 1 + 490 * 9999 / 990 */
	ck_assert_uint_eq(hy_limits_io_weight(1000), 10000);
	ck_assert_uint_eq(hy_limits_io_weight(100), 910);
	ck_assert_uint_eq(hy_limits_io_weight(1), 1);	     /* clamped */
	ck_assert_uint_eq(hy_limits_io_weight(5000), 10000); /* clamped */
}
END_TEST

START_TEST(test_res_limits_io_max_line)
{
	char buf[64];
	hy_limits_io_max_line(8, 0, "rbps", 1048576, buf, sizeof(buf));
	ck_assert_str_eq(buf, "8:0 rbps=1048576");
	hy_limits_io_max_line(253, 17, "wiops", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "253:17 wiops=max"); /* 0: no limit, as cgroup v1 reads it */
	hy_limits_io_max_line(4095, 1048575, "riops", UINT64_MAX >> 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4095:1048575 riops=9223372036854775807");
}
END_TEST

START_TEST(test_res_limits_pagesize)
{
	static const char *const good[] = { "2MB", "1GB", "64KB", "16GB", "32MB" };
	static const char *const bad[] = { "", "MB", "2", "2mb", "2MiB", "02MB", "2MB/",
					   "../2MB", "2 MB", "12345678KB", "2TB" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(!hy_limits_pagesize_problem(good[i]), "%s", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(hy_limits_pagesize_problem(bad[i]), "%s", bad[i]);
}
END_TEST

START_TEST(test_res_limits_unified_keys)
{
	static const char *const good[] = {
		"memory.high", "memory.swap.max", "cpu.weight.nice", "pids.max", "io.max",
		"io.bfq.weight", "cpuset.cpus.partition", "hugetlb.2MB.max", "cpu.uclamp.min",
		"cgroup.max.depth", "cgroup.max.descendants", "memory.oom.group", "rdma.max",
	};
	static const struct {
		const char *key, *why;
	} bad[] = {
		{ "", "an empty name" },
		{ "memory/memory.high", "a \"/\" in it" },
		{ "../memory.high", "a \"/\" in it" },
		{ "..", "not of the form" },
		{ "memory", "not of the form" },
		{ ".high", "not of the form" },
		{ "memory.", "not of the form" },
		{ "memory..high", "not of the form" },
		{ "memory.high ", "a character other than" },
		{ "memory.hi\ngh", "a character other than" },
		{ "cgroup.procs", "hybox manages the leaf's cgroup.* files" },
		{ "cgroup.subtree_control", "hybox manages" },
		{ "cgroup.freeze", "hybox manages" },
		{ "cgroup.kill", "hybox manages" },
		{ "misc.max", "not a file of a controller hybox enables" },
		{ "mem.high", "not a file of a controller hybox enables" },
		{ "memoryx.high", "not a file of a controller hybox enables" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(!hy_limits_unified_problem(good[i]), "%s: %s", good[i],
			      hy_limits_unified_problem(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *why = hy_limits_unified_problem(bad[i].key);
		ck_assert_msg(why && strstr(why, bad[i].why), "'%s': %s", bad[i].key, why);
	}
}
END_TEST

/* ---- hy_limits_apply() on a fake leaf ------------------------------------------------- */

static char leaf[64];
static int leaf_fd = -1;

static void put(const char *file, const char *text)
{
	int fd = openat(leaf_fd, file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static const char *get(const char *file)
{
	static char *buf;
	free(buf);
	buf = NULL;
	ck_assert_int_ge(read_file_at(leaf_fd, file, &buf), 0);
	return buf;
}

/* A leaf with the memory and hugetlb controllers (not io), memory.max,
 * memory.high and hugetlb.2MB.max, each "max". */
static void leaf_setup(void)
{
	strcpy(leaf, "/tmp/hy-reslimits-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(leaf));
	leaf_fd = open(leaf, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(leaf_fd, 0);
	put("cgroup.controllers", "cpuset memory hugetlb\n");
	put("memory.max", "max");
	put("memory.high", "max");
	put("hugetlb.2MB.max", "max");
}

static void leaf_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", leaf);
	ck_assert_int_eq(system(cmd), 0);
	close(leaf_fd);
}

static struct hy_cg_writes writes, unified;

static void add(struct hy_cg_writes *w, const char *file, const char *value,
		enum hy_cgw_absent absent)
{
	ck_assert_int_eq(hy_cg_writes_add(w, file, value, "OPT", absent, "WHY"), 0);
}

/* unified comes last, so its memory.max wins over memory.limit's. */
START_TEST(test_res_limits_apply_unified_last)
{
	struct hy_err err = { 0 };
	struct hy_limits l = { .memory = 67108864, .writes = &writes, .unified = &unified };
	leaf_setup();
	add(&writes, "hugetlb.2MB.max", "4194304", HY_CGW_ERROR);
	add(&writes, "hugetlb.2MB.rsvd.max", "4194304", HY_CGW_SKIP); /* missing: nothing */
	add(&unified, "memory.max", "33554432", HY_CGW_ERROR);
	add(&unified, "memory.high", "16777216", HY_CGW_ERROR);
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("memory.max"), "33554432");
	ck_assert_str_eq(get("memory.high"), "16777216");
	ck_assert_str_eq(get("hugetlb.2MB.max"), "4194304");
	ck_assert_int_eq(faccessat(leaf_fd, "hugetlb.2MB.rsvd.max", F_OK, 0), -1);
	hy_cg_writes_fini(&writes);
	hy_cg_writes_fini(&unified);
	leaf_teardown();
}
END_TEST

/* A missing file: not enforced where the controller is missing (io here),
 * an error naming the option, value and file where it is there. */
START_TEST(test_res_limits_apply_absent)
{
	struct hy_err err = { 0 };
	struct hy_limits l = { .blkio_weight = 500, .writes = &writes, .unified = &unified };
	leaf_setup();
	add(&writes, "io.max", "8:0 rbps=2", HY_CGW_ERROR);	/* no io: a warning */
	add(&writes, "io.bfq.weight", "8:0 100", HY_CGW_WARN); /* likewise */
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(faccessat(leaf_fd, "io.weight", F_OK, 0), -1);
	add(&unified, "hugetlb.4MB.max", "0", HY_CGW_ERROR); /* hugetlb is there: an error */
	ck_assert_int_eq(hy_limits_apply(leaf_fd, &l, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "OPT \"0\": the container's cgroup has no file "
				  "hugetlb.4MB.max: WHY");
	hy_cg_writes_fini(&writes);
	hy_cg_writes_fini(&unified);
	leaf_teardown();
}
END_TEST

/* blockIO.weight: io.bfq.weight as given where BFQ is there, else io.weight
 * converted (runc's order). */
START_TEST(test_res_limits_apply_blkio_weight)
{
	struct hy_err err = { 0 };
	struct hy_limits l = { .blkio_weight = 500 };
	leaf_setup();
	put("cgroup.controllers", "io memory\n");
	put("io.weight", ""); /* plain files: a write does not truncate */
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("io.weight"), "4950");
	put("io.weight", "");
	put("io.bfq.weight", "");
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("io.bfq.weight"), "500");
	ck_assert_str_eq(get("io.weight"), ""); /* untouched */
	leaf_teardown();
}
END_TEST

/* hybox update's -1: "max" in memory.max, pids.max and cpu.max. */
START_TEST(test_res_limits_apply_max)
{
	struct hy_err err = { 0 };
	struct hy_limits l = { .memory = HY_LIMIT_MAX, .pids = HY_LIMIT_MAX,
			       .cpus_milli = HY_CPUS_MAX, .is_update = true };
	leaf_setup();
	put("cgroup.controllers", "memory pids cpu\n");
	put("memory.max", "");
	put("pids.max", "");
	put("cpu.max", "");
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("memory.max"), "max");
	ck_assert_str_eq(get("pids.max"), "max");
	ck_assert_str_eq(get("cpu.max"), "max 100000");
	leaf_teardown();
}
END_TEST

/* cpu.idle and cpu.max.burst with cpu.weight and cpu.max; cgroup v1's
 * members never written (a warning only). */
START_TEST(test_res_limits_apply_cpu_and_v1)
{
	struct hy_err err = { 0 };
	struct hy_cg_writes cpu = { 0 };
	struct hy_limits l = { .cpus_milli = 500, .cpu_weight = 39, .writes = &writes };
	leaf_setup();
	put("cgroup.controllers", "memory cpu\n");
	put("cpu.max", "");
	put("cpu.weight", "");
	put("cpu.idle", "");
	put("cpu.max.burst", "");
	add(&cpu, "cpu.idle", "1", HY_CGW_ERROR);
	add(&cpu, "cpu.max.burst", "20000", HY_CGW_ERROR);
	l.cpu_idle = &cpu.v[0];
	l.cpu_burst = &cpu.v[1];
	add(&writes, "memory.swappiness", "", HY_CGW_V1_ONLY);
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("cpu.idle"), "1");
	ck_assert_str_eq(get("cpu.weight"), "39");
	ck_assert_str_eq(get("cpu.max.burst"), "20000");
	ck_assert_str_eq(get("cpu.max"), "50000 100000");
	ck_assert_int_eq(faccessat(leaf_fd, "memory.swappiness", F_OK, 0), -1);
	/* a kernel without cpu.max.burst, the cpu controller there: an error */
	ck_assert_int_eq(unlinkat(leaf_fd, "cpu.max.burst", 0), 0);
	ck_assert_int_eq(hy_limits_apply(leaf_fd, &l, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "OPT \"20000\": the container's cgroup has no file "
				  "cpu.max.burst: WHY");
	hy_cg_writes_fini(&cpu);
	hy_cg_writes_fini(&writes);
	leaf_teardown();
}
END_TEST

/* memory.checkBeforeUpdate: a limit at or below memory.current is refused
 * before anything is written; no memory.current, no check (runc). */
START_TEST(test_res_limits_apply_check_usage)
{
	struct hy_err err = { 0 };
	struct hy_limits l = { .memory = 67108864, .is_check_usage = true, .is_update = true };
	leaf_setup();
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	put("memory.max", "max");
	put("memory.current", "67108864\n");
	ck_assert_int_eq(hy_limits_apply(leaf_fd, &l, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "memory.limit 67108864: refused, as memory.checkBeforeUpdate "
				  "asks: the container uses 67108864 bytes (memory.current)");
	ck_assert_str_eq(get("memory.max"), "max");
	l.memory = 67108865;
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	l.is_check_usage = false;
	l.memory = 4194304;
	ck_assert_msg(hy_limits_apply(leaf_fd, &l, &err) == 0, "%s", err.msg);
	leaf_teardown();
}
END_TEST

START_TEST(test_res_limits_writes_find_and_cap)
{
	struct hy_cg_writes w = { 0 };
	for (int i = 0; i < HY_CG_WRITES_MAX; i++)
		ck_assert_int_eq(hy_cg_writes_add(&w, i ? "io.max" : "memory.high", "1", "O",
						  HY_CGW_ERROR, NULL), 0);
	ck_assert_int_eq(hy_cg_writes_add(&w, "io.max", "1", "O", HY_CGW_ERROR, NULL), -E2BIG);
	ck_assert_ptr_eq(hy_cg_writes_find(&w, "memory.high"), &w.v[0]);
	ck_assert_ptr_null(hy_cg_writes_find(&w, "memory.max"));
	hy_cg_writes_fini(&w);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

static Suite *res_limits_suite(void)
{
	Suite *s = suite_create("res_limits");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_res_limits_io_weight);
	tcase_add_test(tc, test_res_limits_io_max_line);
	tcase_add_test(tc, test_res_limits_pagesize);
	tcase_add_test(tc, test_res_limits_unified_keys);
	tcase_add_test(tc, test_res_limits_apply_unified_last);
	tcase_add_test(tc, test_res_limits_apply_absent);
	tcase_add_test(tc, test_res_limits_apply_blkio_weight);
	tcase_add_test(tc, test_res_limits_writes_find_and_cap);
	tcase_add_test(tc, test_res_limits_apply_max);
	tcase_add_test(tc, test_res_limits_apply_cpu_and_v1);
	tcase_add_test(tc, test_res_limits_apply_check_usage);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(res_limits_suite)
