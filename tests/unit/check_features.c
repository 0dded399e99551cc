// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure half of features.c: the per-area road decision and
 * the JSON/text rendering that `hybox features` prints (the JSON keys are a
 * contract with the test suites). No probing happens here: every test builds
 * a struct hy_features by hand. No root, no BPF.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "features.h"

/* Everything but BPF LSM: the development hosts' situation. */
static void fill_no_lsm(struct hy_features *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < HY_FEAT__COUNT; i++)
		hy_features_set(f, i, true, NULL);
	hy_features_set(f, HY_FEAT_BPF_LSM, false, "bpf(PROG_LOAD) of an LSM program failed: %s",
			"Operation not permitted");
	strcpy(f->cgroup2_path, "/sys/fs/cgroup/unified");
}

START_TEST(test_features_road_with_lsm)
{
	struct hy_features f;

	fill_no_lsm(&f);
	hy_features_set(&f, HY_FEAT_BPF_LSM, true, NULL);
	for (int a = 0; a < HY_ROADAREA__COUNT; a++) {
		struct hy_road_choice c = hy_features_road(&f, a);

		ck_assert_int_eq(c.road, HY_ROAD_BPF_LSM);
		ck_assert_str_eq(c.why, "in-kernel hooks: no TOCTOU");
	}
}
END_TEST

START_TEST(test_features_road_without_lsm)
{
	static const enum hy_road want[HY_ROADAREA__COUNT] = {
		[HY_ROADAREA_FILES] = HY_ROAD_EMULATED,  [HY_ROADAREA_EXEC] = HY_ROAD_EMULATED,
		[HY_ROADAREA_NETWORK] = HY_ROAD_EMULATED, [HY_ROADAREA_MOUNT] = HY_ROAD_DENIED,
		[HY_ROADAREA_PTRACE] = HY_ROAD_DENIED,   [HY_ROADAREA_SIGNALS] = HY_ROAD_NAMESPACE,
	};
	struct hy_features f;

	fill_no_lsm(&f);
	for (int a = 0; a < HY_ROADAREA__COUNT; a++)
		ck_assert_msg(hy_features_road(&f, a).road == want[a], "area %s", hy_area_key(a));
	ck_assert_str_eq(hy_features_road(&f, HY_ROADAREA_FILES).why,
			 "seccomp user notification; "
			 "kernel-emu acts on its own copy of the arguments");
	ck_assert_str_eq(hy_features_road(&f, HY_ROADAREA_MOUNT).why,
			 "mount family is denied by the syscall table");
	ck_assert_str_eq(hy_features_road(&f, HY_ROADAREA_PTRACE).why,
			 "ptrace is denied by the syscall table unless the policy allows it; then "
			 "the pid namespace keeps it in the container");
	ck_assert_ptr_nonnull(strstr(hy_features_road(&f, HY_ROADAREA_EXEC).why, "racy"));
}
END_TEST

START_TEST(test_features_road_needs_emulation_prerequisites)
{
	struct hy_features f;

	fill_no_lsm(&f);
	hy_features_set(&f, HY_FEAT_NOTIF_ADDFD, false, "x");
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_FILES).road, HY_ROAD_UNAVAILABLE);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_NETWORK).road, HY_ROAD_EMULATED);

	fill_no_lsm(&f);
	hy_features_set(&f, HY_FEAT_OPENAT2, false, "x");
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_FILES).road, HY_ROAD_UNAVAILABLE);

	fill_no_lsm(&f);
	hy_features_set(&f, HY_FEAT_PIDFD_GETFD, false, "x");
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_NETWORK).road, HY_ROAD_UNAVAILABLE);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_FILES).road, HY_ROAD_EMULATED);

	/* No listener at all: only the table's own denials remain. */
	fill_no_lsm(&f);
	hy_features_set(&f, HY_FEAT_SECCOMP_NOTIF, false, "x");
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_EXEC).road, HY_ROAD_UNAVAILABLE);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_SIGNALS).road, HY_ROAD_NAMESPACE);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_MOUNT).road, HY_ROAD_DENIED);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_PTRACE).road, HY_ROAD_DENIED);

	/* BPF LSM alone is enough, whatever the seccomp side says. */
	hy_features_set(&f, HY_FEAT_BPF_LSM, true, NULL);
	ck_assert_int_eq(hy_features_road(&f, HY_ROADAREA_FILES).road, HY_ROAD_BPF_LSM);
}
END_TEST

/* Tests and scripts depend on these names: a rename must fail here first. */
START_TEST(test_features_keys_stable)
{
	static const char *const keys[HY_FEAT__COUNT] = {
		"seccomp_filter", "seccomp_notif", "seccomp_notif_addfd",
		"seccomp_notif_sync_wakeup", "bpf", "btf", "ringbuf", "bpf_tracing", "bpf_lsm",
		"cgroup2", "cgroup_freeze", "cgroup_kill", "userns", "pidns", "timens",
		"pidfd_getfd", "openat2", "cgroup_memory", "cgroup_cpu", "cgroup_pids", "cgroup_cpuset",
		"cgroup_io", "cgroup_hugetlb", "cgroup_rdma",
		"fuse",
		"checkpoint",
	};
	static const char *const areas[HY_ROADAREA__COUNT] = {
		"files", "exec", "network", "mount", "ptrace", "signals",
	};

	for (int i = 0; i < HY_FEAT__COUNT; i++) {
		ck_assert_str_eq(hy_feature_key(i), keys[i]);
		ck_assert_ptr_nonnull(hy_feature_name(i));
	}
	for (int a = 0; a < HY_ROADAREA__COUNT; a++)
		ck_assert_str_eq(hy_area_key(a), areas[a]);
	ck_assert_ptr_null(hy_feature_key(HY_FEAT__COUNT));
	ck_assert_str_eq(hy_road_key(HY_ROAD_BPF_LSM), "bpf-lsm");
	ck_assert_str_eq(hy_road_key(HY_ROAD_UNAVAILABLE), "unavailable");
}
END_TEST

START_TEST(test_features_json_shape)
{
	struct hy_features f;
	json_t *root, *lsm, *feats, *cg, *road;

	fill_no_lsm(&f);
	root = hy_features_to_json(&f);
	ck_assert_ptr_nonnull(root);
	feats = json_object_get(root, "features");
	ck_assert_int_eq(json_object_size(feats), HY_FEAT__COUNT);
	ck_assert(json_is_true(json_object_get(json_object_get(feats, "userns"), "available")));
	/* "reason" only when unavailable. */
	ck_assert_ptr_null(json_object_get(json_object_get(feats, "userns"), "reason"));
	lsm = json_object_get(feats, "bpf_lsm");
	ck_assert(json_is_false(json_object_get(lsm, "available")));
	ck_assert_str_eq(json_string_value(json_object_get(lsm, "reason")),
			 "bpf(PROG_LOAD) of an LSM program failed: Operation not permitted");

	cg = json_object_get(root, "cgroup2");
	ck_assert_str_eq(json_string_value(json_object_get(cg, "path")), "/sys/fs/cgroup/unified");
	ck_assert(json_is_true(json_object_get(cg, "freeze")));
	ck_assert(json_is_true(json_object_get(cg, "kill")));

	ck_assert_int_eq(json_object_size(json_object_get(root, "roads")), HY_ROADAREA__COUNT);
	road = json_object_get(json_object_get(root, "roads"), "mount");
	ck_assert_str_eq(json_string_value(json_object_get(road, "road")), "denied");
	road = json_object_get(json_object_get(root, "roads"), "files");
	ck_assert_str_eq(json_string_value(json_object_get(road, "road")), "emulated");
	ck_assert_ptr_nonnull(json_string_value(json_object_get(road, "why")));
	json_decref(root);
}
END_TEST

START_TEST(test_features_json_no_cgroup2)
{
	struct hy_features f;
	json_t *root, *cg;

	fill_no_lsm(&f);
	f.cgroup2_path[0] = '\0';
	hy_features_set(&f, HY_FEAT_CGROUP2, false, "no cgroup2 mount in /proc/self/mountinfo");
	hy_features_set(&f, HY_FEAT_CGROUP_FREEZE, false, "no cgroup2 mount");
	hy_features_set(&f, HY_FEAT_CGROUP_KILL, false, "no cgroup2 mount");
	root = hy_features_to_json(&f);
	cg = json_object_get(root, "cgroup2");
	ck_assert(json_is_null(json_object_get(cg, "path")));
	ck_assert(json_is_false(json_object_get(cg, "freeze")));
	ck_assert(json_is_false(json_object_get(cg, "kill")));
	json_decref(root);
}
END_TEST

START_TEST(test_features_text_lines)
{
	struct hy_features f;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	fill_no_lsm(&f);
	ck_assert_int_eq(hy_features_print_text(out, &f), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "seccomp filter: yes\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\nBPF LSM: no (bpf(PROG_LOAD) of an LSM program failed: "
			    "Operation not permitted)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\ncgroup v2 mount: /sys/fs/cgroup/unified\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nroad for mount: denied "
					  "(mount family is denied by the syscall table)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nroad for files: emulated (seccomp user notification; "
					  "kernel-emu acts on its own copy of the arguments)\n"));
	free(buf);
}
END_TEST

START_TEST(test_features_set_reason_only_when_missing)
{
	struct hy_features f;

	memset(&f, 0, sizeof(f));
	hy_features_set(&f, HY_FEAT_BTF, false, "step %s failed: %s", "x", "y");
	ck_assert(!hy_features_has(&f, HY_FEAT_BTF));
	ck_assert_str_eq(f.feat[HY_FEAT_BTF].reason, "step x failed: y");
	hy_features_set(&f, HY_FEAT_BTF, true, "ignored %s", "z");
	ck_assert(hy_features_has(&f, HY_FEAT_BTF));
	ck_assert_str_eq(f.feat[HY_FEAT_BTF].reason, "");
}
END_TEST

static Suite *features_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_features_road_with_lsm);
	tcase_add_test(tc, test_features_road_without_lsm);
	tcase_add_test(tc, test_features_road_needs_emulation_prerequisites);
	tcase_add_test(tc, test_features_keys_stable);
	tcase_add_test(tc, test_features_json_shape);
	tcase_add_test(tc, test_features_json_no_cgroup2);
	tcase_add_test(tc, test_features_text_lines);
	tcase_add_test(tc, test_features_set_reason_only_when_missing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(features_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
