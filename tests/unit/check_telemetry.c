// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/telemetry.c without sockets: the sink's filter and the
 * policy's `events` setting, seq (one per event some sink took), followers'
 * bounded queues (a follower that never takes loses lines, is told how many
 * in a `lost` line of source "client" before its next line, and never
 * disturbs the sink or another follower), the end-of-stream accounting, the
 * "active" hint for kernel-emu's hot path, count-only events, and the stats.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evfilter.h"
#include "policy.h"
#include "telemetry.h"

static char dir[64], path[128];
static struct hy_err err;
static char line[HY_TELEMETRY_LINE_MAX];

static void setup(void)
{
	strcpy(dir, "/tmp/check_telemetry.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct hy_telemetry *open_tel(const char *sink, uint32_t sink_kinds, uint32_t kinds)
{
	struct hy_telemetry_config cfg = { .container_id = "c1", .cgid = 42, .sink = sink,
					   .sink_kinds = sink_kinds, .kinds = kinds };
	struct hy_telemetry *t = NULL;

	ck_assert_int_eq(hy_telemetry_open(&t, &cfg, &err), 0);
	return t;
}

static void emit_syscall(struct hy_telemetry *t, uint32_t decision, uint32_t nr)
{
	struct hy_evt_syscall ev = { .hdr = { HY_EVT_SYSCALL, sizeof(ev), 1, 42 },
				     .task = { .pid = 7, .tid = 7, .comm = "probe" },
				     .nr = nr, .arch = AUDIT_ARCH_X86_64, .decision = decision };
	hy_telemetry_emit(t, &ev.hdr);
}

static void emit_type(struct hy_telemetry *t, uint32_t type)
{
	struct hy_evt_lifecycle ev = { .hdr = { type, sizeof(ev), 1, 42 } };
	hy_telemetry_emit(t, &ev.hdr);
}

/* Parse one line into a JSON object (caller decrefs). */
static json_t *parse(const char *s, size_t n)
{
	json_t *j = json_loadb(s, n, 0, NULL);

	ck_assert_msg(json_is_object(j), "not a JSON object: %.*s", (int)n, s);
	return j;
}

static const char *kind_of(json_t *j)
{
	return json_string_value(json_object_get(j, "kind"));
}

static long long seq_of(json_t *j)
{
	return json_integer_value(json_object_get(j, "seq"));
}

/* The lines of the sink file, as JSON objects in a JSON array. */
static json_t *file_lines(void)
{
	FILE *f = fopen(path, "r");
	json_t *a = json_array();
	char buf[HY_TELEMETRY_LINE_MAX];

	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f))
		json_array_append_new(a, parse(buf, strlen(buf)));
	fclose(f);
	return a;
}

START_TEST(test_telemetry_sink_filter_and_seq)
{
	struct hy_telemetry *t = open_tel(path, HY_EVMASK(HY_EVK_SYSCALL_DENIED) |
							HY_EVMASK(HY_EVK_EXIT), HY_EVMASK_ALL);

	emit_type(t, HY_EVT_START);
	emit_syscall(t, HY_DECISION_EMULATE, 63);
	emit_syscall(t, HY_DECISION_DENY, 272);
	emit_syscall(t, HY_DECISION_AUDIT, 272);
	emit_type(t, HY_EVT_EXIT);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
	json_t *a = file_lines();
	ck_assert_uint_eq(json_array_size(a), 3);
	ck_assert_str_eq(kind_of(json_array_get(a, 0)), "syscall_denied");
	ck_assert_str_eq(kind_of(json_array_get(a, 1)), "syscall_denied");
	ck_assert_str_eq(kind_of(json_array_get(a, 2)), "exit");
	/* Numbered per event a sink took: no gap for the sink's own filter. */
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(seq_of(json_array_get(a, i)), (long long)i + 1);
	json_decref(a);
}
END_TEST

START_TEST(test_telemetry_policy_denied_only)
{
	struct hy_telemetry *t = open_tel(path, 0, hy_evmask_of_policy(HY_POLICY_EVENTS_DENIED_ONLY));

	emit_type(t, HY_EVT_START);
	emit_syscall(t, HY_DECISION_EMULATE, 63);
	emit_type(t, HY_EVT_EXEC);
	emit_syscall(t, HY_DECISION_DENY, 272);
	emit_syscall(t, HY_DECISION_UNIMPLEMENTED, 450);
	emit_type(t, HY_EVT_EXIT);
	json_t *s = hy_telemetry_stats(t);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "events"),
							     "filtered_by_policy")), 2);
	json_decref(s);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
	json_t *a = file_lines();
	ck_assert_uint_eq(json_array_size(a), 4);
	ck_assert_str_eq(kind_of(json_array_get(a, 0)), "start");
	ck_assert_str_eq(kind_of(json_array_get(a, 1)), "syscall_denied");
	ck_assert_str_eq(kind_of(json_array_get(a, 2)), "unimplemented");
	ck_assert_str_eq(kind_of(json_array_get(a, 3)), "exit");
	json_decref(a);
}
END_TEST

START_TEST(test_telemetry_policy_none_and_active)
{
	struct hy_telemetry *t = open_tel(path, 0, 0);
	uint32_t eff = 1;

	ck_assert(!hy_telemetry_active(t));
	struct hy_follower *f = hy_telemetry_follow(t, HY_EVMASK_ALL, 1, 0, &eff);
	ck_assert_uint_eq(eff, 0);
	ck_assert(!hy_telemetry_active(t));
	emit_type(t, HY_EVT_START);
	ck_assert_int_eq(hy_telemetry_take(t, f, line, sizeof(line)), 0);
	hy_telemetry_unfollow(t, f);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
	FILE *fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fgetc(fp), EOF);
	fclose(fp);
}
END_TEST

START_TEST(test_telemetry_active_follows_followers)
{
	struct hy_telemetry *t = open_tel(NULL, 0, HY_EVMASK_ALL);

	ck_assert(!hy_telemetry_active(t)); /* no sink: kernel-emu only counts */
	struct hy_follower *a = hy_telemetry_follow(t, HY_EVMASK(HY_EVK_EXEC), 1, 0, NULL);
	ck_assert(!hy_telemetry_active(t));
	struct hy_follower *b = hy_telemetry_follow(t, HY_EVMASK_ALL, 2, 0, NULL);
	ck_assert(hy_telemetry_active(t));
	hy_telemetry_unfollow(t, b);
	ck_assert(!hy_telemetry_active(t));
	hy_telemetry_unfollow(t, a);
	ck_assert_int_eq(hy_telemetry_close(t), 0);

	t = open_tel(path, HY_EVMASK(HY_EVK_SYSCALL_EMULATED), HY_EVMASK_ALL);
	ck_assert(hy_telemetry_active(t));
	ck_assert_int_eq(hy_telemetry_close(t), 0);
	/* The policy's setting wins over a sink that asks for everything. */
	t = open_tel(path, 0, hy_evmask_of_policy(HY_POLICY_EVENTS_DENIED_ONLY));
	ck_assert(!hy_telemetry_active(t));
	ck_assert_int_eq(hy_telemetry_close(t), 0);
}
END_TEST

static size_t taken_bytes;

/* Take every queued line of f; returns how many, checking kinds and seq order. */
static int take_all(struct hy_telemetry *t, struct hy_follower *f, long long *last_seq,
		    long long *lost_count)
{
	int n, count = 0;

	while ((n = hy_telemetry_take(t, f, line, sizeof(line))) > 0) {
		ck_assert_int_eq(line[n - 1], '\n');
		taken_bytes += n;
		json_t *j = parse(line, n);
		ck_assert_int_gt(seq_of(j), *last_seq);
		*last_seq = seq_of(j);
		if (strcmp(kind_of(j), "lost") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(j, "source")), "client");
			*lost_count += json_integer_value(json_object_get(j, "count"));
		} else {
			count++;
		}
		json_decref(j);
	}
	return count;
}

/*
 * A follower that never takes: its queue fills, later events are dropped and
 * counted; the sink and a follower that keeps up get everything; once the
 * slow one takes, it sees a `lost` line, with the exact count, before the
 * next event.
 */
START_TEST(test_telemetry_slow_follower_drops_and_is_told)
{
	struct hy_telemetry *t = open_tel(path, 0, HY_EVMASK_ALL);
	struct hy_follower *slow = hy_telemetry_follow(t, HY_EVMASK_ALL, 1, 0, NULL);
	struct hy_follower *fast = hy_telemetry_follow(t, HY_EVMASK_ALL, 2, 0, NULL);
	long long fast_seq = 0, slow_seq = 0, lost = 0;
	int fast_got = 0, slow_got;
	const int total = 3000; /* ~270 bytes each: far more than 256 KiB */

	for (int i = 0; i < total; i++) {
		emit_syscall(t, HY_DECISION_EMULATE, 63);
		fast_got += take_all(t, fast, &fast_seq, &lost);
	}
	ck_assert_int_eq(lost, 0);
	ck_assert_int_eq(fast_got, total);
	json_t *s = hy_telemetry_stats(t);
	json_t *fol = json_object_get(s, "followers");
	long long dropped = json_integer_value(json_object_get(fol, "dropped"));
	ck_assert_int_gt(dropped, 0);
	json_decref(s);

	taken_bytes = 0;
	slow_got = take_all(t, slow, &slow_seq, &lost);
	ck_assert_int_eq(lost, 0); /* nothing delivered after the drops yet */
	ck_assert_int_eq(slow_got + dropped, total);
	/* What it did get is bounded by its queue. */
	ck_assert_uint_le(taken_bytes, HY_TELEMETRY_QUEUE_BYTES);
	/* ... and it was full: not even one more line (+ its 4-byte header) fitted. */
	ck_assert_uint_ge(taken_bytes + slow_got * 4 + 300,
			  HY_TELEMETRY_QUEUE_BYTES - HY_TELEMETRY_QUEUE_RESERVE);

	emit_syscall(t, HY_DECISION_DENY, 272);
	int n = hy_telemetry_take(t, slow, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	json_t *j = parse(line, n);
	ck_assert_str_eq(kind_of(j), "lost");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "count")), dropped);
	ck_assert_int_eq(seq_of(j), total); /* the last line it stands for */
	json_decref(j);
	n = hy_telemetry_take(t, slow, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	j = parse(line, n);
	ck_assert_str_eq(kind_of(j), "syscall_denied");
	ck_assert_int_eq(seq_of(j), total + 1);
	json_decref(j);

	hy_telemetry_unfollow(t, slow);
	hy_telemetry_unfollow(t, fast);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
	json_t *a = file_lines();
	ck_assert_uint_eq(json_array_size(a), total + 1);
	json_decref(a);
}
END_TEST

/* At the end, what a follower did not take is dropped and reported in one last line. */
START_TEST(test_telemetry_finish_abandon)
{
	struct hy_telemetry *t = open_tel(NULL, 0, HY_EVMASK_ALL);
	struct hy_follower *f = hy_telemetry_follow(t, HY_EVMASK_ALL, 1, 0, NULL);
	long long seq = 0, lost = 0;

	for (int i = 0; i < 2000; i++)
		emit_syscall(t, HY_DECISION_EMULATE, 63);
	ck_assert_int_gt(hy_telemetry_take(t, f, line, sizeof(line)), 0); /* one in hand */
	hy_telemetry_finish(t, f, true, 1);
	ck_assert_int_eq(take_all(t, f, &seq, &lost), 0);
	ck_assert_int_eq(lost, 2000);
	ck_assert_int_eq(seq, 2000);
	hy_telemetry_unfollow(t, f);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
}
END_TEST

/* A follower's filter: only its kinds, plus the accounting that concerns them. */
START_TEST(test_telemetry_follower_filter)
{
	struct hy_telemetry *t = open_tel(NULL, 0, HY_EVMASK_ALL);
	uint32_t eff;
	struct hy_follower *f =
		hy_telemetry_follow(t, HY_EVMASK(HY_EVK_SYSCALL_DENIED), 1, 0, &eff);
	struct hy_evt_suppressed sup = { .hdr = { HY_EVT_SUPPRESSED, sizeof(sup), 1, 42 },
					 .count = 5, .kind = HY_EVT_SYSCALL };
	long long seq = 0, lost = 0;

	ck_assert_uint_eq(eff, HY_EVMASK(HY_EVK_SYSCALL_DENIED));
	emit_type(t, HY_EVT_START);
	emit_syscall(t, HY_DECISION_EMULATE, 63);
	emit_syscall(t, HY_DECISION_DENY, 272);
	hy_telemetry_emit(t, &sup.hdr);
	ck_assert_int_eq(take_all(t, f, &seq, &lost), 2);
	ck_assert_int_eq(seq, 2); /* start/emulated went to nobody: not numbered */
	hy_telemetry_unfollow(t, f);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
}
END_TEST

START_TEST(test_telemetry_stats_counts)
{
	struct hy_telemetry *t = open_tel(NULL, 0, HY_EVMASK_ALL);
	struct hy_evt_policy pol = { .hdr = { HY_EVT_POLICY, sizeof(pol), 1, 42 },
				     .area = HY_AREA_FILES, .decision = HY_DECISION_DENY,
				     .road = HY_ROAD_ID_EMULATED };
	struct hy_evt_syscall cnt = { .hdr = { HY_EVT_SYSCALL, sizeof(cnt) }, .nr = 63,
				      .arch = AUDIT_ARCH_X86_64, .decision = HY_DECISION_EMULATE };

	for (int i = 0; i < 3; i++)
		hy_telemetry_count(t, &cnt.hdr); /* the hot path, nobody listening */
	emit_syscall(t, HY_DECISION_DENY, 272);
	hy_telemetry_emit(t, &pol.hdr);
	pol.area = HY_AREA_NET;
	pol.decision = HY_DECISION_AUDIT;
	pol.road = HY_ROAD_ID_BPF_LSM;
	hy_telemetry_emit(t, &pol.hdr);

	json_t *s = hy_telemetry_stats(t), *e;
	json_t *ev = json_object_get(s, "events"), *sc = json_object_get(s, "syscalls");
	json_t *p = json_object_get(s, "policy");
	ck_assert_str_eq(json_string_value(json_object_get(s, "id")), "c1");
	ck_assert_int_eq(json_integer_value(json_object_get(ev, "produced")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(ev, "numbered")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ev, "by_kind"),
							     "syscall_emulated")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sc, "decisions"),
							     "emulate")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sc, "decisions"),
							     "deny")), 1);
	e = json_array_get(json_object_get(sc, "by_syscall"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "name")), "uname");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), 3);
	e = json_object_get(json_object_get(p, "by_area"), "files");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "deny")), 1);
	e = json_object_get(json_object_get(p, "by_area"), "network");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "audit")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p, "by_road"),
							     "bpf-lsm")), 1);
	json_decref(s);
	ck_assert_int_eq(hy_telemetry_close(t), 0);
}
END_TEST

static Suite *telemetry_suite(void)
{
	Suite *s = suite_create("telemetry");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_telemetry_sink_filter_and_seq);
	tcase_add_test(tc, test_telemetry_policy_denied_only);
	tcase_add_test(tc, test_telemetry_policy_none_and_active);
	tcase_add_test(tc, test_telemetry_active_follows_followers);
	tcase_add_test(tc, test_telemetry_slow_follower_drops_and_is_told);
	tcase_add_test(tc, test_telemetry_finish_abandon);
	tcase_add_test(tc, test_telemetry_follower_filter);
	tcase_add_test(tc, test_telemetry_stats_counts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(telemetry_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
