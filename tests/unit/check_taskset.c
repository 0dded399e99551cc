// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/taskset.c: how fork, exec and task_exit events
 * (as bpf/trace.bpf.c sends them) change the container's task set, the
 * rules for leaders and exec, malformed events, and when a reader must scan.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taskset.h"

#define HZ 100
#define TICK_NS (1000000000ULL / HZ)

static struct emu_taskset set;

static void setup(void)
{
	emu_taskset_init(&set, HZ);
}

static void teardown(void)
{
	emu_taskset_fini(&set);
}

static void fork_ev(pid_t tgid, pid_t tid, pid_t ctgid, pid_t ctid, const char *comm)
{
	struct hy_evt_fork e = { .hdr = { .type = HY_EVT_FORK, .size = sizeof(e) },
				 .task = { .pid = (uint32_t)tgid, .tid = (uint32_t)tid },
				 .ctid = (uint32_t)ctid, .cpid = (uint32_t)ctgid,
				 .start_ns = (uint64_t)tid * TICK_NS + TICK_NS / 2,
				 .flags = tgid != tid ? HY_TASK_F_THREAD : 0 };
	strncpy(e.task.comm, comm, sizeof(e.task.comm) - 1);
	emu_taskset_apply(&set, &e.hdr);
}

static void exit_ev(pid_t tgid, pid_t tid, bool group_dead)
{
	struct hy_evt_task_exit e = { .hdr = { .type = HY_EVT_TASK_EXIT, .size = sizeof(e) },
				      .task = { .pid = (uint32_t)tgid, .tid = (uint32_t)tid },
				      .flags = group_dead ? HY_TASK_F_GROUP_DEAD : 0 };
	emu_taskset_apply(&set, &e.hdr);
}

static void exec_ev(pid_t tgid, const char *comm)
{
	static struct hy_evt_exec e; /* 584 bytes: not on the stack of every test */
	memset(&e, 0, sizeof(e));
	e.hdr = (struct hy_evt_hdr){ .type = HY_EVT_EXEC, .size = sizeof(e) };
	e.task.pid = e.task.tid = (uint32_t)tgid;
	strncpy(e.task.comm, comm, sizeof(e.task.comm) - 1);
	emu_taskset_apply(&set, &e.hdr);
}

/* The set's tids, in order, as "tid/tgid/ctid/comm ...". */
static const char *dump(void)
{
	static char buf[1024];
	struct emu_task *t;
	size_t n = emu_taskset_snapshot(&set, &t), off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%d/%d/%d/%s", i ? " " : "",
					t[i].tid, t[i].tgid, t[i].ctid, t[i].comm);
	free(t);
	return buf;
}

START_TEST(test_fork_inserts_sorted_with_container_ids)
{
	fork_ev(300, 300, 3, 3, "sh");
	fork_ev(200, 200, 2, 2, "init");
	fork_ev(300, 301, 3, 4, "sh");
	fork_ev(300, 301, 3, 4, "sh"); /* again (a scan saw it too): no duplicate */
	ck_assert_str_eq(dump(), "200/200/2/init 300/300/3/sh 301/300/4/sh");
	struct emu_task *t;
	size_t n = emu_taskset_snapshot(&set, &t);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(t[1].start_ticks, 300); /* start_ns / (1e9 / HZ), as /proc/PID/stat */
	ck_assert_int_eq(t[2].ctgid, 3);
	free(t);
}
END_TEST

START_TEST(test_thread_exit_and_group_dead)
{
	fork_ev(10, 10, 1, 1, "p");
	fork_ev(10, 11, 1, 2, "p");
	fork_ev(10, 12, 1, 3, "p");
	fork_ev(20, 20, 4, 4, "q");
	exit_ev(10, 11, false);
	ck_assert_str_eq(dump(), "10/10/1/p 12/10/3/p 20/20/4/q");
	/* The leader exits first: its process (and /proc/10) lives on until the last thread. */
	exit_ev(10, 10, false);
	ck_assert_str_eq(dump(), "10/10/1/p 12/10/3/p 20/20/4/q");
	exit_ev(10, 12, true);
	ck_assert_str_eq(dump(), "20/20/4/q");
	exit_ev(99, 99, true); /* unknown: nothing happens */
	ck_assert_str_eq(dump(), "20/20/4/q");
}
END_TEST

START_TEST(test_exec_leaves_the_leader_renamed)
{
	fork_ev(10, 10, 1, 1, "python3");
	fork_ev(10, 11, 1, 2, "python3");
	fork_ev(10, 12, 1, 3, "python3");
	fork_ev(30, 30, 5, 5, "other");
	/* Thread 12 execs: de_thread() kills 10 (not group dead) and 11, then 12 takes tid 10. */
	exit_ev(10, 11, false);
	exit_ev(10, 10, false);
	exec_ev(10, "sleep");
	ck_assert_str_eq(dump(), "10/10/1/sleep 30/30/5/other");
}
END_TEST

START_TEST(test_malformed_events_are_ignored)
{
	fork_ev(10, 10, 1, 1, "p");
	struct hy_evt_fork e = { .hdr = { .type = HY_EVT_FORK, .size = sizeof(e) - 1 },
				 .task = { .pid = 11, .tid = 11 } };
	emu_taskset_apply(&set, &e.hdr); /* short */
	struct hy_evt_task_exit x = { .hdr = { .type = HY_EVT_TASK_EXIT, .size = 8 },
				      .task = { .pid = 10, .tid = 10 }, .flags = HY_TASK_F_GROUP_DEAD };
	emu_taskset_apply(&set, &x.hdr); /* short */
	x.hdr.type = 9999;
	x.hdr.size = sizeof(x);
	emu_taskset_apply(&set, &x.hdr); /* unknown type */
	x.hdr.type = HY_EVT_START;
	emu_taskset_apply(&set, &x.hdr); /* not a task event */
	ck_assert_str_eq(dump(), "10/10/1/p");
}
END_TEST

START_TEST(test_put_and_drop_need_the_same_start)
{
	struct emu_task t = { .tid = 7, .tgid = 7, .ctid = 1, .ctgid = 1, .start_ticks = 70 };
	strcpy(t.comm, "a");
	emu_taskset_put(&set, &t);
	emu_taskset_drop(&set, 7, 71); /* a reused tid: not the task in the set */
	ck_assert_str_eq(dump(), "7/7/1/a");
	emu_taskset_drop(&set, 7, 70);
	ck_assert_str_eq(dump(), "");
	for (pid_t tid = 500; tid > 0; tid -= 5) { /* grows past the first allocation */
		t.tid = t.tgid = tid;
		emu_taskset_put(&set, &t);
	}
	struct emu_task *all;
	size_t n = emu_taskset_snapshot(&set, &all);
	ck_assert_uint_eq(n, 100);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(all[i - 1].tid, all[i].tid);
	free(all);
}
END_TEST

START_TEST(test_scan_needed_until_fed_and_after_losses)
{
	uint64_t gen;
	ck_assert(emu_taskset_needs_scan(&set, &gen)); /* not fed: always */
	emu_taskset_scanned(&set, gen);
	ck_assert(emu_taskset_needs_scan(&set, &gen));
	emu_taskset_set_fed(&set, true); /* events start: one scan catches up */
	ck_assert(emu_taskset_needs_scan(&set, &gen));
	emu_taskset_scanned(&set, gen);
	ck_assert(!emu_taskset_needs_scan(&set, &gen));
	emu_taskset_set_fed(&set, true); /* still fed: no new scan */
	ck_assert(!emu_taskset_needs_scan(&set, &gen));
	emu_taskset_lost(&set);
	ck_assert(emu_taskset_needs_scan(&set, &gen));
	emu_taskset_lost(&set); /* lost again while that scan ran: still stale after it */
	emu_taskset_scanned(&set, gen);
	ck_assert(emu_taskset_needs_scan(&set, &gen));
	emu_taskset_scanned(&set, gen);
	ck_assert(!emu_taskset_needs_scan(&set, &gen));
	struct emu_task_stats st;
	emu_taskset_stats(&set, &st);
	ck_assert(st.is_fed);
	ck_assert_uint_eq(st.scans, 4);
	emu_taskset_set_fed(&set, false);
	ck_assert(emu_taskset_needs_scan(&set, &gen));
}
END_TEST

static Suite *taskset_suite(void)
{
	Suite *s = suite_create("taskset");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fork_inserts_sorted_with_container_ids);
	tcase_add_test(tc, test_thread_exit_and_group_dead);
	tcase_add_test(tc, test_exec_leaves_the_leader_renamed);
	tcase_add_test(tc, test_malformed_events_are_ignored);
	tcase_add_test(tc, test_put_and_drop_need_the_same_start);
	tcase_add_test(tc, test_scan_needed_until_fed_and_after_losses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(taskset_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
