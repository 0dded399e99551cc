// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/update_flags.c: runc update's flags as members of a
 * linux.resources object (which parses as --resources' would), malformed
 * values named by flag, and the flags hybox refuses, each by name (those of
 * members the parser refuses, by the member's reason).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "oci_config.h"
#include "update_flags.h"

/* The index of flag name in hy_update_flags. */
static size_t flag(const char *name)
{
	for (size_t i = 0; i < hy_update_nflags; i++)
		if (strcmp(hy_update_flags[i].name, name) == 0)
			return i;
	ck_abort_msg("no flag %s", name);
	return 0;
}

static json_t *set(json_t *res, const char *name, const char *value)
{
	struct hy_err err = { 0 };
	ck_assert_msg(hy_update_flag_set(res, flag(name), value, &err) == 0, "%s", err.msg);
	return res;
}

static json_int_t member(json_t *res, const char *obj, const char *key)
{
	json_t *v = json_object_get(json_object_get(res, obj), key);
	ck_assert_msg(json_is_integer(v), "%s.%s is not an integer", obj, key);
	return json_integer_value(v);
}

START_TEST(test_update_flags_members)
{
	json_t *res = json_object();
	set(res, "memory", "256M");
	set(res, "memory-swap", "-1");
	set(res, "cpu-quota", "50000");
	set(res, "cpu-period", "100000");
	set(res, "cpu-share", "1024");
	set(res, "cpuset-cpus", "0-1");
	set(res, "cpuset-mems", "0");
	set(res, "pids-limit", "-1");
	set(res, "blkio-weight", "500");
	set(res, "memory-reservation", "128M");
	set(res, "kernel-memory", "1G");
	set(res, "kernel-memory-tcp", "-1");
	set(res, "cpu-burst", "20000");
	set(res, "cpu-idle", "1");
	set(res, "cpu-rt-period", "1000000");
	set(res, "cpu-rt-runtime", "0");
	ck_assert_int_eq(member(res, "memory", "reservation"), 134217728);
	ck_assert_int_eq(member(res, "memory", "kernel"), 1073741824);
	ck_assert_int_eq(member(res, "memory", "kernelTCP"), -1);
	ck_assert_int_eq(member(res, "cpu", "burst"), 20000);
	ck_assert_int_eq(member(res, "cpu", "idle"), 1);
	ck_assert_int_eq(member(res, "cpu", "realtimePeriod"), 1000000);
	ck_assert_int_eq(member(res, "cpu", "realtimeRuntime"), 0);
	ck_assert_int_eq(member(res, "memory", "limit"), 268435456);
	ck_assert_int_eq(member(res, "memory", "swap"), -1);
	ck_assert_int_eq(member(res, "cpu", "quota"), 50000);
	ck_assert_int_eq(member(res, "cpu", "period"), 100000);
	ck_assert_int_eq(member(res, "cpu", "shares"), 1024);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "cpu"), "cpus")),
			 "0-1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "cpu"), "mems")),
			 "0");
	ck_assert_int_eq(member(res, "pids", "limit"), -1);
	ck_assert_int_eq(member(res, "blockIO", "weight"), 500);
	set(res, "memory", "1G"); /* again: the last one counts, as in runc */
	ck_assert_int_eq(member(res, "memory", "limit"), 1073741824);
	json_decref(res);
}
END_TEST

/* A value not of the flag's form: -EINVAL naming the flag, res unchanged. */
START_TEST(test_update_flags_bad_values)
{
	static const struct {
		const char *flag, *value, *msg;
	} bad[] = {
		{ "memory", "lots", "--memory: expected a size in bytes with an optional K, M or G "
				    "suffix (e.g. 256M), or -1 (no limit), got 'lots'" },
		{ "memory", "-2", "--memory: expected a size" },
		{ "memory-swap", "1T", "--memory-swap: expected a size" },
		{ "cpu-quota", "1.5", "--cpu-quota: expected an integer, got '1.5'" },
		{ "pids-limit", "", "--pids-limit: expected an integer, got ''" },
		{ "cpu-share", "99999999999999999999", "--cpu-share: expected an integer" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hy_err err = { 0 };
		json_t *res = json_object();
		ck_assert_int_eq(hy_update_flag_set(res, flag(bad[i].flag), bad[i].value, &err),
				 -EINVAL);
		ck_assert_msg(strstr(err.msg, bad[i].msg), "%s", err.msg);
		ck_assert_uint_eq(json_object_size(res), 0);
		json_decref(res);
	}
}
END_TEST

/* The flags' object parses as --resources' would: ranges and cross-member
 * checks are the parser's, named without a position. */
START_TEST(test_update_flags_parse)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *res = json_object();

	set(set(set(res, "memory", "64M"), "memory-swap", "128M"), "pids-limit", "-1");
	set(res, "cpu-quota", "50000");
	ck_assert_msg(hy_oci_resources_parse_json("FLAGS", res, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg.memory, 67108864);
	ck_assert(cfg.has_swap_max);
	ck_assert_uint_eq(cfg.swap_max, 67108864);
	ck_assert(cfg.is_pids_unlimited);
	ck_assert_uint_eq(cfg.cpus_milli, 500);
	hy_oci_config_fini(&cfg);
	set(res, "memory", "1K");
	ck_assert_int_eq(hy_oci_resources_parse_json("FLAGS", res, &cfg, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "FLAGS: memory.limit: expected at least 4194304 bytes (4 MiB), "
				  "got 1024");
	res = set(set(json_object(), "memory-reservation", "32M"), "cpu-burst", "5000");
	set(res, "cpu-idle", "1");
	ck_assert_msg(hy_oci_resources_parse_json("FLAGS", res, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cg_writes, "memory.low")->value, "33554432");
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cpu_writes, "cpu.max.burst")->value, "5000");
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cpu_writes, "cpu.idle")->value, "1");
	hy_oci_config_fini(&cfg);
	json_decref(res);
	/* runc's realtime flags: refused as their members are, with the reason */
	res = set(json_object(), "cpu-rt-runtime", "95000");
	ck_assert_int_eq(hy_oci_resources_parse_json("--cpu-rt-runtime 95000", res, &cfg, &err),
			 -EINVAL);
	ck_assert_str_eq(err.msg, "--cpu-rt-runtime 95000: cpu.realtimeRuntime: not supported: "
				  "cgroup v2 has no real-time CPU time per cgroup (cgroup v1's "
				  "cpu.rt_runtime_us and cpu.rt_period_us); leave it out or 0");
	json_decref(res);
}
END_TEST

START_TEST(test_update_flags_refused)
{
	static const char *const refused[] = { "--l3-cache-schema", "--mem-bw-schema=MB:0=70" };
	struct hy_err err = { 0 };

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_int_eq(hy_update_flag_refuse(refused[i], &err), -ENOTSUP);
	ck_assert_str_eq(err.msg, "--mem-bw-schema: not supported: it asks for Intel RDT's memory "
				  "bandwidth allocation (linux.intelRdt), which hybox does not "
				  "support");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_update_flag_refuse("--memory", &err), 0);
	ck_assert_int_eq(hy_update_flag_refuse("--memory-reservation", &err), 0);
	ck_assert_int_eq(hy_update_flag_refuse("--l3-cache", &err), 0);
	ck_assert_int_eq(hy_update_flag_refuse("l3-cache-schema", &err), 0);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("update_flags");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_update_flags_members);
	tcase_add_test(tc, test_update_flags_bad_values);
	tcase_add_test(tc, test_update_flags_parse);
	tcase_add_test(tc, test_update_flags_refused);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(suite)
