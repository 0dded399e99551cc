// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/sysinfo.c: compute() with and without cgroup
 * limits and its clamps; gather() against a temporary directory laid out
 * like a cgroup v2 directory (no root needed) and with no cgroup at all.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysinfo.h"
#include "util.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)
#define NS 1000000000ULL

static struct emu_sysinfo_input in;
static struct sysinfo out;

/* A 16 GiB host with 4 GiB swap, reported in 4 KiB units. */
static void setup(void)
{
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.host.mem_unit = 4096;
	in.host.totalram = 16 * GiB / 4096;
	in.host.freeram = 10 * GiB / 4096;
	in.host.sharedram = 1 * GiB / 4096;
	in.host.bufferram = 2 * GiB / 4096;
	in.host.totalswap = 4 * GiB / 4096;
	in.host.freeswap = 3 * GiB / 4096;
	in.host.loads[0] = 65536;
	in.host.loads[2] = 3 * 65536;
	in.host.procs = 900;
	in.host.totalhigh = 7;
	in.uptime_ns = 42 * NS + 999999999ULL;
	in.mem_max = UINT64_MAX;
	in.swap_max = UINT64_MAX;
	in.nprocs = 3;
}

START_TEST(test_sysinfo_no_limits_is_host_view)
{
	emu_sysinfo_compute(&in, &out);
	ck_assert_int_eq(out.uptime, 42);
	ck_assert_uint_eq(out.loads[0], 65536);
	ck_assert_uint_eq(out.loads[2], 3 * 65536);
	ck_assert_uint_eq(out.mem_unit, 1);
	ck_assert_uint_eq(out.totalram, 16 * GiB);
	ck_assert_uint_eq(out.freeram, 10 * GiB);
	ck_assert_uint_eq(out.sharedram, 1 * GiB);
	ck_assert_uint_eq(out.bufferram, 2 * GiB);
	ck_assert_uint_eq(out.totalswap, 4 * GiB);
	ck_assert_uint_eq(out.freeswap, 3 * GiB);
	ck_assert_uint_eq(out.procs, 3);
	ck_assert_uint_eq(out.totalhigh, 0);
	ck_assert_uint_eq(out.freehigh, 0);
}
END_TEST

START_TEST(test_sysinfo_limits_apply)
{
	in.has_cgroup_mem = 1;
	in.mem_max = 512 * MiB;
	in.mem_current = 100 * MiB;
	in.swap_max = 64 * MiB;
	in.swap_current = 16 * MiB;
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, 512 * MiB);
	ck_assert_uint_eq(out.freeram, 412 * MiB);
	ck_assert_uint_eq(out.totalswap, 64 * MiB);
	ck_assert_uint_eq(out.freeswap, 48 * MiB);
	/* Under a limit the charge includes cache and shared memory: none apart. */
	ck_assert_uint_eq(out.sharedram, 0);
	ck_assert_uint_eq(out.bufferram, 0);
}
END_TEST

START_TEST(test_sysinfo_clamps)
{
	in.has_cgroup_mem = 1;
	/* Limit above the host: the host's size wins. Usage above the limit: 0 free. */
	in.mem_max = 64 * GiB;
	in.mem_current = 80 * GiB;
	in.swap_max = 0;
	in.swap_current = 1 * MiB;
	in.nprocs = 100000;
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, 16 * GiB);
	ck_assert_uint_eq(out.freeram, 0);
	ck_assert_uint_eq(out.totalswap, 0);
	ck_assert_uint_eq(out.freeswap, 0);
	ck_assert_uint_eq(out.procs, 65535);
}
END_TEST

START_TEST(test_sysinfo_limit_without_controller_ignored)
{
	/* has_cgroup_mem = 0: stray values are not trusted. */
	in.mem_max = 1 * MiB;
	in.mem_current = 1 * MiB;
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, 16 * GiB);
	ck_assert_uint_eq(out.freeram, 10 * GiB);
}
END_TEST

START_TEST(test_sysinfo_memory_max_unlimited_uses_host_free)
{
	in.has_cgroup_mem = 1;
	in.mem_current = 1 * GiB;
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, 16 * GiB);
	ck_assert_uint_eq(out.freeram, 10 * GiB);
}
END_TEST

static void put(int dfd, const char *name, const char *val)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, val, strlen(val)), 0);
	close(fd);
}

static int make_cgroup_dir(char *path)
{
	int dfd;

	strcpy(path, "/tmp/check_sysinfo.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(path));
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	return dfd;
}

static void remove_dir(int dfd, char *path, const char *const *names)
{
	for (; *names; names++)
		unlinkat(dfd, *names, 0);
	close(dfd);
	rmdir(path);
}

START_TEST(test_sysinfo_gather_reads_cgroup)
{
	static const char *const names[] = {
		"memory.max", "memory.current", "memory.swap.max",
		"memory.swap.current", "cgroup.threads", NULL,
	};
	char path[64];
	int dfd = make_cgroup_dir(path);
	uint64_t start = now_mono_ns() - 5 * NS;

	put(dfd, "memory.max", "268435456\n");
	put(dfd, "memory.current", "1048576\n");
	put(dfd, "memory.swap.max", "max\n");
	put(dfd, "memory.swap.current", "0\n");
	put(dfd, "cgroup.threads", "10\n11\n12\n");
	ck_assert_int_eq(emu_sysinfo_gather(dfd, start, &in), 0);
	remove_dir(dfd, path, names);
	ck_assert_int_eq(in.has_cgroup_mem, 1);
	ck_assert_uint_eq(in.mem_max, 268435456);
	ck_assert_uint_eq(in.mem_current, 1048576);
	ck_assert_uint_eq(in.swap_max, UINT64_MAX);
	ck_assert_uint_eq(in.nprocs, 3);
	ck_assert_uint_ge(in.uptime_ns, 5 * NS);
	ck_assert_uint_gt(in.host.totalram, 0);
}
END_TEST

START_TEST(test_sysinfo_gather_prefers_pids_current)
{
	static const char *const names[] = { "pids.current", "cgroup.threads", NULL };
	char path[64];
	int dfd = make_cgroup_dir(path);

	put(dfd, "pids.current", "7\n");
	put(dfd, "cgroup.threads", "");
	ck_assert_int_eq(emu_sysinfo_gather(dfd, now_mono_ns(), &in), 0);
	remove_dir(dfd, path, names);
	ck_assert_uint_eq(in.nprocs, 7);
	/* No memory files: controller off, no limits. */
	ck_assert_int_eq(in.has_cgroup_mem, 0);
	ck_assert_uint_eq(in.mem_max, UINT64_MAX);
	ck_assert_uint_eq(in.swap_max, UINT64_MAX);
}
END_TEST

START_TEST(test_sysinfo_gather_empty_cgroup_counts_caller)
{
	static const char *const names[] = { "cgroup.threads", NULL };
	char path[64];
	int dfd = make_cgroup_dir(path);

	put(dfd, "cgroup.threads", "");
	ck_assert_int_eq(emu_sysinfo_gather(dfd, now_mono_ns(), &in), 0);
	remove_dir(dfd, path, names);
	ck_assert_uint_eq(in.nprocs, 1);
}
END_TEST

START_TEST(test_sysinfo_gather_without_cgroup)
{
	/* A start time in the future (clock skew) gives uptime 0, not a wrap. */
	ck_assert_int_eq(emu_sysinfo_gather(-1, now_mono_ns() + 100 * NS, &in), 0);
	ck_assert_uint_eq(in.uptime_ns, 0);
	ck_assert_int_eq(in.has_cgroup_mem, 0);
	ck_assert_uint_eq(in.mem_max, UINT64_MAX);
	ck_assert_uint_eq(in.nprocs, 1);
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, (uint64_t)in.host.totalram * in.host.mem_unit);
}
END_TEST

/* Files found missing are remembered: later calls do not look for them. */
START_TEST(test_sysinfo_gather_caches_absent_files)
{
	static const char *const names[] = { "cgroup.threads", "memory.max", "memory.current",
					      NULL };
	char path[64];
	int dfd = make_cgroup_dir(path);
	atomic_uint absent = 0;

	put(dfd, "cgroup.threads", "10\n");
	ck_assert_int_eq(emu_sysinfo_gather_cached(dfd, &absent, now_mono_ns(), &in), 0);
	ck_assert_uint_eq(absent, (1u << EMU_CG_MEMORY_MAX) | (1u << EMU_CG_SWAP_MAX) |
					  (1u << EMU_CG_PIDS_CURRENT));
	put(dfd, "memory.max", "1048576\n");
	put(dfd, "memory.current", "4096\n");
	ck_assert_int_eq(emu_sysinfo_gather_cached(dfd, &absent, now_mono_ns(), &in), 0);
	ck_assert_int_eq(in.has_cgroup_mem, 0); /* remembered as absent */
	ck_assert_int_eq(emu_sysinfo_gather(dfd, now_mono_ns(), &in), 0);
	remove_dir(dfd, path, names);
	ck_assert_int_eq(in.has_cgroup_mem, 1); /* without the cache: read */
	ck_assert_uint_eq(in.mem_max, 1048576);
}
END_TEST

/* A configured limit without the controller: usage is the tasks' resident set. */
START_TEST(test_sysinfo_apply_limit_without_controller)
{
	static const char *const names[] = { "cgroup.procs", NULL };
	char path[64], pid[32], statm_path[64];
	_cleanup_free_ char *statm = NULL;
	int dfd = make_cgroup_dir(path);
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	put(dfd, "cgroup.procs", pid);
	ck_assert_int_eq(emu_sysinfo_gather(dfd, now_mono_ns(), &in), 0);
	ck_assert_int_eq(in.has_cgroup_mem, 0);
	emu_sysinfo_apply_limit(&in, dfd, proc, 256 * MiB);
	remove_dir(dfd, path, names);
	ck_assert_int_eq(in.has_cgroup_mem, 1);
	ck_assert_uint_eq(in.mem_max, 256 * MiB);
	snprintf(statm_path, sizeof(statm_path), "%d/statm", (int)getpid());
	ck_assert_int_ge(read_file_at(proc, statm_path, &statm), 0);
	uint64_t rss = strtoull(strchr(statm, ' ') + 1, NULL, 10) * (uint64_t)getpagesize();
	/* This process's RSS, read a moment apart: within 1 MiB. */
	ck_assert_uint_gt(in.mem_current, 0);
	ck_assert_uint_lt(in.mem_current > rss ? in.mem_current - rss : rss - in.mem_current,
			  MiB);
	emu_sysinfo_compute(&in, &out);
	ck_assert_uint_eq(out.totalram, 256 * MiB);
	ck_assert_uint_eq(out.freeram, 256 * MiB - in.mem_current);
}
END_TEST

/* With the controller, the smaller of memory.max and the configured limit. */
START_TEST(test_sysinfo_apply_limit_takes_smaller)
{
	in.has_cgroup_mem = 1;
	in.mem_max = 128 * MiB;
	in.mem_current = 1 * MiB;
	emu_sysinfo_apply_limit(&in, -1, -1, 256 * MiB);
	ck_assert_uint_eq(in.mem_max, 128 * MiB);
	emu_sysinfo_apply_limit(&in, -1, -1, 64 * MiB);
	ck_assert_uint_eq(in.mem_max, 64 * MiB);
	ck_assert_uint_eq(in.mem_current, 1 * MiB);
	emu_sysinfo_apply_limit(&in, -1, -1, UINT64_MAX);
	ck_assert_uint_eq(in.mem_max, 64 * MiB);
}
END_TEST

static Suite *sysinfo_suite(void)
{
	Suite *s = suite_create("sysinfo");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_sysinfo_no_limits_is_host_view);
	tcase_add_test(tc, test_sysinfo_limits_apply);
	tcase_add_test(tc, test_sysinfo_clamps);
	tcase_add_test(tc, test_sysinfo_limit_without_controller_ignored);
	tcase_add_test(tc, test_sysinfo_memory_max_unlimited_uses_host_free);
	tcase_add_test(tc, test_sysinfo_gather_reads_cgroup);
	tcase_add_test(tc, test_sysinfo_gather_prefers_pids_current);
	tcase_add_test(tc, test_sysinfo_gather_empty_cgroup_counts_caller);
	tcase_add_test(tc, test_sysinfo_gather_without_cgroup);
	tcase_add_test(tc, test_sysinfo_gather_caches_absent_files);
	tcase_add_test(tc, test_sysinfo_apply_limit_without_controller);
	tcase_add_test(tc, test_sysinfo_apply_limit_takes_smaller);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sysinfo_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
