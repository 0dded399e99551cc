// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/evfilter.c: kind names (and that they are the ones the
 * encoder writes), `--events-filter` parsing and its error messages, the
 * accounting rule for lost/suppressed events, the policy file's `events`
 * setting as a mask, and size parsing for --events-max-size.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <linux/audit.h>
#include <stdint.h>
#include <string.h>

#include "event_json.h"
#include "evfilter.h"
#include "policy.h"

static struct hy_err err;

START_TEST(test_evfilter_names_roundtrip)
{
	for (int k = 0; k < HY_EVK__COUNT; k++)
		ck_assert_int_eq(hy_evkind_from_name(hy_evkind_name(k)), k);
	ck_assert_int_eq(hy_evkind_from_name("execve"), -EINVAL);
	ck_assert_int_eq(hy_evkind_from_name(""), -EINVAL);
	ck_assert_int_eq(hy_evkind_from_name("EXEC"), -EINVAL);
}
END_TEST

/* One event of each shape; the encoder's "kind" must be hy_evkind_name(hy_evkind_of()). */
START_TEST(test_evfilter_names_match_encoder)
{
	struct hy_json_ctx ctx = { .container_id = "c1" };
	struct hy_evt_lifecycle start = { .hdr = { HY_EVT_START, sizeof(start) } };
	struct hy_evt_lifecycle exit_ = { .hdr = { HY_EVT_EXIT, sizeof(exit_) } };
	struct hy_evt_syscall sys[4];
	struct hy_evt_suppressed sup = { .hdr = { HY_EVT_SUPPRESSED, sizeof(sup) }, .count = 1 };
	struct hy_evt_exec exec = { .hdr = { HY_EVT_EXEC, sizeof(exec) } };
	struct hy_evt_fork fork_ = { .hdr = { HY_EVT_FORK, sizeof(fork_) } };
	struct hy_evt_task_exit tex = { .hdr = { HY_EVT_TASK_EXIT, sizeof(tex) } };
	struct hy_evt_lost lost = { .hdr = { HY_EVT_LOST, sizeof(lost) }, .source = 1 };
	struct hy_evt_policy pol = { .hdr = { HY_EVT_POLICY, sizeof(pol) }, .area = HY_AREA_FILES };
	static const uint32_t decisions[4] = { HY_DECISION_DENY, HY_DECISION_AUDIT,
					       HY_DECISION_EMULATE, HY_DECISION_UNIMPLEMENTED };
	struct hy_evt_ckpt ck = { .hdr = { HY_EVT_CHECKPOINT, sizeof(ck) }, .procs = 1 };
	struct hy_evt_ckpt rs = { .hdr = { HY_EVT_RESTORE, sizeof(rs) }, .procs = 1 };
	const struct hy_evt_hdr *evs[16];
	size_t n = 0;
	char line[8192];

	for (int i = 0; i < 4; i++) {
		sys[i] = (struct hy_evt_syscall){ .hdr = { HY_EVT_SYSCALL, sizeof(sys[i]) },
						  .arch = AUDIT_ARCH_X86_64, .nr = 63,
						  .decision = decisions[i] };
		evs[n++] = &sys[i].hdr;
	}
	evs[n++] = &start.hdr, evs[n++] = &exit_.hdr, evs[n++] = &sup.hdr;
	evs[n++] = &exec.hdr, evs[n++] = &fork_.hdr, evs[n++] = &tex.hdr;
	evs[n++] = &lost.hdr, evs[n++] = &pol.hdr, evs[n++] = &ck.hdr, evs[n++] = &rs.hdr;
	for (size_t i = 0; i < n; i++) {
		int k = hy_evkind_of(evs[i]);
		ck_assert_int_ge(k, 0);
		ck_assert_int_gt(hy_event_to_json(&ctx, 1, evs[i], line, sizeof(line)), 0);
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), hy_evkind_name(k));
		json_decref(j);
	}
	struct hy_evt_hdr unknown = { .type = 999, .size = sizeof(unknown) };
	ck_assert_int_eq(hy_evkind_of(&unknown), -1);
	ck_assert(!hy_evmask_admits(HY_EVMASK_ALL, &unknown));
}
END_TEST

START_TEST(test_evfilter_parse_ok)
{
	uint32_t m = 0;

	ck_assert_int_eq(hy_evfilter_parse("--events-filter", "kind=exec,policy", &m, &err), 0);
	ck_assert_uint_eq(m, HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_POLICY));
	/* Repeated options add up. */
	ck_assert_int_eq(hy_evfilter_parse("--events-filter", "kind=syscall_denied", &m, &err), 0);
	ck_assert_uint_eq(m, HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_POLICY) |
				     HY_EVMASK(HY_EVK_SYSCALL_DENIED));
	m = 0;
	ck_assert_int_eq(hy_evfilter_parse("x", "kind=start,exit,syscall_denied,syscall_emulated,"
						"unimplemented,suppressed,exec,fork,task_exit,"
						"lost,policy,syscall,checkpoint,restore", &m, &err), 0);
	ck_assert_uint_eq(m, HY_EVMASK_ALL);
}
END_TEST

static void assert_parse_fails(const char *s, const char *needle)
{
	uint32_t m = 0x40000000;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_evfilter_parse("--events-filter", s, &m, &err), -EINVAL);
	ck_assert_uint_eq(m, 0x40000000); /* untouched on failure */
	ck_assert_msg(strstr(err.msg, "--events-filter"), "'%s' does not name the option",
		      err.msg);
	ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
}

START_TEST(test_evfilter_parse_rejects)
{
	assert_parse_fails("exec", "expected kind=KIND[,KIND...]");
	assert_parse_fails("type=exec", "expected kind=KIND");
	assert_parse_fails("kind=", "lists no kind");
	assert_parse_fails("kind=exec,", "trailing ','");
	assert_parse_fails("kind=exec,,fork", "unknown event kind ''");
	assert_parse_fails("kind=exec,execve", "unknown event kind 'execve'");
	/* The unknown-kind message lists every valid kind. */
	for (int k = 0; k < HY_EVK__COUNT; k++)
		ck_assert_msg(strstr(err.msg, hy_evkind_name(k)), "'%s' lacks %s", err.msg,
			      hy_evkind_name(k));
	assert_parse_fails("kind=Exec", "unknown event kind 'Exec'");
}
END_TEST

START_TEST(test_evfilter_admits_accounting_kinds)
{
	struct hy_evt_suppressed sys = { .hdr = { HY_EVT_SUPPRESSED, sizeof(sys) },
					 .kind = HY_EVT_SYSCALL, .count = 3 };
	struct hy_evt_suppressed pol = { .hdr = { HY_EVT_SUPPRESSED, sizeof(pol) },
					 .kind = HY_EVT_POLICY, .count = 3 };
	struct hy_evt_lost kern = { .hdr = { HY_EVT_LOST, sizeof(kern) },
				    .source = HY_LOST_SRC_KERNEL, .count = 1 };
	uint32_t exec = HY_EVMASK(HY_EVK_EXEC), denied = HY_EVMASK(HY_EVK_SYSCALL_DENIED);

	ck_assert(hy_evmask_admits(denied, &sys.hdr));
	ck_assert(hy_evmask_admits(HY_EVMASK(HY_EVK_UNIMPLEMENTED), &sys.hdr));
	ck_assert(!hy_evmask_admits(exec, &sys.hdr));
	ck_assert(!hy_evmask_admits(denied, &pol.hdr));
	ck_assert(hy_evmask_admits(HY_EVMASK(HY_EVK_POLICY), &pol.hdr));
	ck_assert(hy_evmask_admits(HY_EVMASK(HY_EVK_SUPPRESSED), &pol.hdr));
	ck_assert(hy_evmask_admits(exec, &kern.hdr));
	ck_assert(hy_evmask_admits(HY_EVMASK(HY_EVK_TASK_EXIT), &kern.hdr));
	ck_assert(!hy_evmask_admits(denied, &kern.hdr));
	ck_assert(hy_evmask_admits(HY_EVMASK(HY_EVK_LOST), &kern.hdr));
	ck_assert(!hy_evmask_admits(0, &kern.hdr));
}
END_TEST

START_TEST(test_evfilter_policy_events_setting)
{
	uint32_t d = hy_evmask_of_policy(HY_POLICY_EVENTS_DENIED_ONLY);

	ck_assert_uint_eq(hy_evmask_of_policy(HY_POLICY_EVENTS_ALL), HY_EVMASK_ALL);
	ck_assert_uint_eq(hy_evmask_of_policy(HY_POLICY_EVENTS_NONE), 0);
	ck_assert(d & HY_EVMASK(HY_EVK_SYSCALL_DENIED));
	ck_assert(d & HY_EVMASK(HY_EVK_UNIMPLEMENTED));
	ck_assert(d & HY_EVMASK(HY_EVK_POLICY));
	ck_assert(d & HY_EVMASK(HY_EVK_START));
	ck_assert(d & HY_EVMASK(HY_EVK_EXIT));
	ck_assert(d & HY_EVMASK(HY_EVK_LOST));
	ck_assert(d & HY_EVMASK(HY_EVK_SUPPRESSED));
	ck_assert(!(d & HY_EVMASK(HY_EVK_SYSCALL_EMULATED)));
	ck_assert(!(d & HY_EVMASK(HY_EVK_EXEC)));
	ck_assert(!(d & HY_EVMASK(HY_EVK_FORK)));
	ck_assert(!(d & HY_EVMASK(HY_EVK_TASK_EXIT)));
}
END_TEST

START_TEST(test_evfilter_format)
{
	char buf[256];

	ck_assert_int_eq(hy_evmask_format(HY_EVMASK_ALL, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "all");
	hy_evmask_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	hy_evmask_format(HY_EVMASK(HY_EVK_POLICY) | HY_EVMASK(HY_EVK_EXEC), buf, sizeof(buf));
	ck_assert_str_eq(buf, "exec,policy");
	ck_assert_int_eq(hy_evmask_format(HY_EVMASK(HY_EVK_EXEC), buf, 3), -ENOSPC);
}
END_TEST

START_TEST(test_evfilter_size_parse)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 },	       { "4096", 4096 },	 { "64K", 65536 },
		{ "64k", 65536 },      { "10M", 10ULL << 20 },	 { "10m", 10ULL << 20 },
		{ "1G", 1ULL << 30 },  { "3g", 3ULL << 30 },	 { "007", 7 },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const struct {
		const char *s;
		int r;
	} bad[] = {
		{ "", -EINVAL },   { "K", -EINVAL },	 { "10X", -EINVAL }, { "10KB", -EINVAL },
		{ "-1", -EINVAL }, { " 1", -EINVAL },	 { "1 ", -EINVAL },  { "1.5M", -EINVAL },
		{ "18446744073709551616", -ERANGE },	 { "17179869184G", -ERANGE },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(hy_size_parse(ok[i].s, &v) == 0, "%s refused", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(hy_size_parse(bad[i].s, &v) == bad[i].r, "'%s' not refused with %d",
			      bad[i].s, bad[i].r);
}
END_TEST

static Suite *evfilter_suite(void)
{
	Suite *s = suite_create("evfilter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_evfilter_names_roundtrip);
	tcase_add_test(tc, test_evfilter_names_match_encoder);
	tcase_add_test(tc, test_evfilter_parse_ok);
	tcase_add_test(tc, test_evfilter_parse_rejects);
	tcase_add_test(tc, test_evfilter_admits_accounting_kinds);
	tcase_add_test(tc, test_evfilter_policy_events_setting);
	tcase_add_test(tc, test_evfilter_format);
	tcase_add_test(tc, test_evfilter_size_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evfilter_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
