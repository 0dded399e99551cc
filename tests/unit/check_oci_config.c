// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/oci_config.c and oci_linux.c: the default config.json
 * of `hybox spec` parses into hybox's defaults, empty unsupported fields are
 * accepted, and each malformed or unsupported field is refused with a
 * message naming its JSON path (and position). Cases are the default
 * document with one change, made by path.
 */
#include <check.h>
#include <linux/mount.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "check_main.h"
#include "ns.h"
#include "oci_config.h"

/* ---- documents ------------------------------------------------------------------ */

/* The member or element named by one step of path ("a", "b[2]", "c[+]"). */
static json_t *step(json_t *cur, const char *name, size_t len, long idx, json_t *v, bool last)
{
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	json_t *next = len ? json_object_get(cur, key) : cur;
	if (idx == -1) {
		if (last && v)
			json_object_set_new(cur, key, v);
		else if (last)
			json_object_del(cur, key);
		return next;
	}
	if (last && idx == -2)
		json_array_append_new(next, v);
	else if (last && v)
		json_array_set_new(next, (size_t)idx, v);
	else if (last)
		json_array_remove(next, (size_t)idx);
	return json_array_get(next, (size_t)idx);
}

/* Set (v), append ("x[+]") or delete (v NULL) the value at path in doc. */
static void set_path(json_t *doc, const char *path, json_t *v)
{
	json_t *cur = doc;
	while (*path) {
		size_t len = strcspn(path, ".[");
		long idx = -1;
		const char *rest = path + len;
		if (*rest == '[') {
			idx = rest[1] == '+' ? -2 : strtol(rest + 1, NULL, 10);
			rest = strchr(rest, ']') + 1;
		}
		bool last = *rest == '\0';
		cur = step(cur, path, len, idx, v, last);
		if (last)
			return;
		ck_assert_ptr_nonnull(cur);
		path = *rest == '.' ? rest + 1 : rest;
	}
}

static json_t *default_doc(void)
{
	char *text = hy_oci_config_default();
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static int parse_doc(json_t *doc, struct hy_oci_config *cfg, struct hy_err *err)
{
	char *text = json_dumps(doc, JSON_INDENT(2));
	int r = hy_oci_config_parse("config.json", text, strlen(text), cfg, err);
	free(text);
	json_decref(doc);
	return r;
}

#define J(s) json_loads(s, JSON_DECODE_ANY, NULL)

/* ---- the default ---------------------------------------------------------------- */

START_TEST(test_oci_config_default_parses)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	char *text = hy_oci_config_default();
	int r = hy_oci_config_parse("config.json", text, strlen(text), &cfg, &err);
	free(text);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.args[0], "sh");
	ck_assert_ptr_null(cfg.args[1]);
	ck_assert_str_eq(cfg.env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(cfg.env[1], "TERM=xterm");
	ck_assert_ptr_null(cfg.env[2]);
	ck_assert_ptr_eq(cfg.proc.envp, cfg.env);
	ck_assert_str_eq(cfg.cwd, "/");
	ck_assert_str_eq(cfg.root_path, "rootfs");
	ck_assert_str_eq(cfg.hostname, "hybox");
	ck_assert_ptr_null(cfg.domainname);
	ck_assert_int_eq(cfg.proc.uid, 0);
	ck_assert_int_eq(cfg.proc.gid, 0);
	ck_assert_uint_eq(cfg.proc.ngroups, 0);
	ck_assert(!cfg.proc.has_umask);
	ck_assert_uint_eq(cfg.proc.caps.bounding, hy_caps_default());
	ck_assert_uint_eq(cfg.proc.caps.effective, hy_caps_default());
	ck_assert_uint_eq(cfg.proc.caps.permitted, hy_caps_default());
	ck_assert_uint_eq(cfg.proc.caps.inheritable, hy_caps_default());
	ck_assert_uint_eq(cfg.proc.nrlimits, 1);
	ck_assert_int_eq(cfg.proc.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(cfg.proc.rlimits[0].soft, 1024);
	ck_assert_uint_eq(cfg.proc.rlimits[0].hard, 1024);
	ck_assert_str_eq(cfg.proc.rlimits[0].name, "RLIMIT_NOFILE");
	ck_assert(cfg.is_net_none);
	ck_assert(!cfg.is_uts_host);
	ck_assert_uint_eq(cfg.mounts, HY_MOUNT_SYSFS | HY_MOUNT_MQUEUE | HY_MOUNT_CGROUP);
	ck_assert_uint_eq(cfg.shm_flags, MS_NOEXEC);
	ck_assert_uint_eq(cfg.shm_size, 65536ULL << 10);
	ck_assert_ptr_null(cfg.policy);
	ck_assert_ptr_null(cfg.events);
	hy_oci_config_fini(&cfg);
}
END_TEST

/* A pod's containers join its sandbox's network, ipc, uts and pid namespaces by path. */
START_TEST(test_oci_config_join_paths)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "linux.namespaces[1].path", json_string("/proc/7/ns/net"));
	set_path(doc, "linux.namespaces[2].path", json_string("/proc/7/ns/ipc"));
	set_path(doc, "linux.namespaces[3].path", json_string("/proc/7/ns/uts"));
	set_path(doc, "linux.namespaces[4].path", json_string(""));
	set_path(doc, "linux.namespaces[0].path", json_string("/proc/7/ns/pid"));
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(!cfg.is_net_none);
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_NET], "/proc/7/ns/net");
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_IPC], "/proc/7/ns/ipc");
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_UTS], "/proc/7/ns/uts");
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_PID], "/proc/7/ns/pid");
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* no paths: every namespace is new */
	r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	for (int j = 0; j < HY_JOIN_N; j++)
		ck_assert_ptr_null(cfg.ns_path[j]);
	hy_oci_config_fini(&cfg);

	/* no "uts" (Kubernetes' hostNetwork pods): a new one with the host's names */
	doc = default_doc();
	set_path(doc, "linux.namespaces[3]", NULL);
	r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(cfg.is_uts_host);
	ck_assert_ptr_null(cfg.ns_path[HY_JOIN_UTS]);
	hy_oci_config_fini(&cfg);
}
END_TEST

START_TEST(test_oci_config_settings)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "process.user", J("{\"uid\": 1000, \"gid\": 100, \"umask\": 18, "
					"\"additionalGids\": [5, 6]}"));
	set_path(doc, "process.capabilities", J("{\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"], "
						"\"permitted\": [\"CAP_KILL\"], \"effective\": []}"));
	set_path(doc, "linux.namespaces[1]", NULL); /* network: the host's */
	set_path(doc, "domainname", json_string("example.org"));
	set_path(doc, "annotations", J("{\"org.hybox.policy\": \" {\\\"mode\\\": \\\"audit\\\"}\", "
				       "\"org.hybox.events\": \"ev.jsonl\", \"com.example\": \"x\"}"));
	set_path(doc, "hooks", J("{}"));
	set_path(doc, "linux.maskedPaths", J("[]"));
	set_path(doc, "linux.rootfsPropagation", json_string("rprivate"));
	set_path(doc, "linux.resources", J("{\"memory\": {\"limit\": 268435456}, \"cpu\": "
					   "{\"quota\": 150000, \"period\": 100000, \"shares\": "
					   "1024}, \"pids\": "
					   "{\"limit\": 100}}"));
	set_path(doc, "linux.namespaces[+]", J("{\"type\": \"time\"}"));
	set_path(doc, "linux.cgroupsPath", json_string("/default/x.y-1"));
	set_path(doc, "process.oomScoreAdj", json_integer(-999));
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_int_eq(cfg.proc.uid, 1000);
	ck_assert_int_eq(cfg.proc.gid, 100);
	ck_assert(cfg.proc.has_umask);
	ck_assert_int_eq(cfg.proc.umask, 022);
	ck_assert_uint_eq(cfg.proc.ngroups, 2);
	ck_assert_int_eq(cfg.proc.groups[1], 6);
	ck_assert_uint_eq(cfg.proc.caps.bounding, (1ULL << 5) | (1ULL << 0));
	ck_assert_uint_eq(cfg.proc.caps.permitted, 1ULL << 5);
	ck_assert_uint_eq(cfg.proc.caps.effective, 0);
	ck_assert_uint_eq(cfg.proc.caps.inheritable, 0); /* absent: empty, as the spec says */
	ck_assert(!cfg.is_net_none);
	ck_assert_str_eq(cfg.domainname, "example.org");
	ck_assert(cfg.is_policy_inline);
	ck_assert_str_eq(cfg.events, "ev.jsonl");
	ck_assert_ptr_nonnull(cfg.annotations);
	ck_assert_uint_eq(cfg.memory, 268435456);
	ck_assert(!cfg.has_swap_max);
	ck_assert_uint_eq(cfg.cpus_milli, 1500);
	ck_assert_uint_eq(cfg.cpu_weight, 39); /* runc's cpu.weight for 1024 shares */
	ck_assert_str_eq(cfg.cgroups_path, "/default/x.y-1");
	ck_assert_uint_eq(cfg.pids, 100);
	ck_assert(cfg.proc.has_oom_score_adj);
	ck_assert_int_eq(cfg.proc.oom_score_adj, -999);
	hy_oci_config_fini(&cfg);
}
END_TEST

/* linux.resources.cpu.shares: 0 or absent is no weight of hybox's. */
START_TEST(test_oci_config_cpu_shares_unset)
{
	static const char *const none[] = { "{\"shares\": 0}", "{}" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		struct hy_oci_config cfg;
		struct hy_err err = { 0 };
		json_t *doc = default_doc();
		set_path(doc, "linux.resources", json_pack("{s:o}", "cpu", J(none[i])));
		ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s: %s", none[i], err.msg);
		ck_assert_uint_eq(cfg.cpu_weight, 0);
		hy_oci_config_fini(&cfg);
	}
}
END_TEST

/* linux.resources.hugepageLimits, blockIO and unified: the leaf's files in
 * order, with the JSON path each came from; unified apart (written last). */
START_TEST(test_oci_config_cgroup_files)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "linux.resources",
		 J("{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}], "
		   "\"blockIO\": {\"weight\": 500, \"leafWeight\": 0, \"weightDevice\": "
		   "[{\"major\": 8, \"minor\": 0, \"weight\": 300}], \"throttleReadBpsDevice\": "
		   "[{\"major\": 8, \"minor\": 16, \"rate\": 1048576}], \"throttleWriteIOPSDevice\": "
		   "[{\"major\": 253, \"minor\": 1, \"rate\": 0}]}, "
		   "\"unified\": {\"memory.high\": \"50M\", \"cgroup.max.descendants\": \"10\", "
		   "\"hugetlb.2MB.max\": \"2097152\"}}"));
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg.blkio_weight, 500);
	static const char *const want[][3] = {
		{ "hugetlb.2MB.max", "4194304", "linux.resources.hugepageLimits[0]" },
		{ "hugetlb.2MB.rsvd.max", "4194304", "linux.resources.hugepageLimits[0]" },
		{ "io.bfq.weight", "8:0 300", "linux.resources.blockIO.weightDevice[0]" },
		{ "io.max", "8:16 rbps=1048576", "linux.resources.blockIO.throttleReadBpsDevice[0]" },
		{ "io.max", "253:1 wiops=max", "linux.resources.blockIO.throttleWriteIOPSDevice[0]" },
	};
	ck_assert_uint_eq(cfg.cg_writes.n, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(cfg.cg_writes.v[i].file, want[i][0]);
		ck_assert_str_eq(cfg.cg_writes.v[i].value, want[i][1]);
		ck_assert_str_eq(cfg.cg_writes.v[i].option, want[i][2]);
	}
	ck_assert_int_eq(cfg.cg_writes.v[1].absent, HY_CGW_SKIP);
	ck_assert_int_eq(cfg.cg_writes.v[2].absent, HY_CGW_WARN);
	ck_assert_uint_eq(cfg.unified.n, 3);
	ck_assert_str_eq(cfg.unified.v[0].file, "memory.high");
	ck_assert_str_eq(cfg.unified.v[0].value, "50M");
	ck_assert_str_eq(cfg.unified.v[0].option, "linux.resources.unified[\"memory.high\"]");
	ck_assert_str_eq(cfg.unified.v[2].file, "hugetlb.2MB.max");
	hy_oci_config_fini(&cfg);
}
END_TEST

/* The rest of linux.resources, as runc maps it on cgroup v2: reservation,
 * rdma as leaf files; cpu.idle and cpu.burst (scaled to cpu.max's period) apart,
 * for write_cpu's order; cgroup v1's members without a v2 file as warnings
 * (HY_CGW_V1_ONLY); what asks for nothing leaves nothing. */
START_TEST(test_oci_config_more_resources)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "linux.resources",
		 J("{\"memory\": {\"reservation\": 33554432, \"kernel\": 1073741824, "
		   "\"kernelTCP\": -1, \"swappiness\": 60, \"disableOOMKiller\": true, "
		   "\"useHierarchy\": true, \"checkBeforeUpdate\": true}, "
		   "\"cpu\": {\"idle\": 1, \"burst\": 20000, \"period\": 50000, \"quota\": 25000, "
		   "\"realtimeRuntime\": 0, \"realtimePeriod\": null}, "
		   "\"rdma\": {\"mlx5_0\": {\"hcaHandles\": 3, \"hcaObjects\": 1000}, "
		   "\"rxe0\": {\"hcaObjects\": 5}, \"siw0\": {}}, "
		   "\"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", "
		   "\"priority\": 1}]}}"));
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
	static const struct {
		const char *file, *value, *option;
		enum hy_cgw_absent absent;
	} want[] = {
		{ "memory.low", "33554432", "linux.resources.memory.reservation", HY_CGW_ERROR },
		{ "memory.kmem.limit_in_bytes", "", "linux.resources.memory.kernel",
		  HY_CGW_V1_ONLY },
		{ "memory.swappiness", "", "linux.resources.memory.swappiness", HY_CGW_V1_ONLY },
		{ "memory.oom_control", "", "linux.resources.memory.disableOOMKiller",
		  HY_CGW_V1_ONLY },
		{ "rdma.max", "mlx5_0 hca_handle=3 hca_object=1000", "linux.resources.rdma.mlx5_0",
		  HY_CGW_ERROR },
		{ "rdma.max", "rxe0 hca_object=5", "linux.resources.rdma.rxe0", HY_CGW_ERROR },
		{ "net_cls.classid", "", "linux.resources.network.classID", HY_CGW_V1_ONLY },
		{ "net_prio.ifpriomap", "", "linux.resources.network.priorities", HY_CGW_V1_ONLY },
	};
	ck_assert_uint_eq(cfg.cg_writes.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < cfg.cg_writes.n; i++) {
		ck_assert_str_eq(cfg.cg_writes.v[i].file, want[i].file);
		ck_assert_str_eq(cfg.cg_writes.v[i].value, want[i].value);
		ck_assert_str_eq(cfg.cg_writes.v[i].option, want[i].option);
		ck_assert_int_eq(cfg.cg_writes.v[i].absent, want[i].absent);
	}
	ck_assert_str_eq(cfg.cg_writes.v[2].why, "cgroup v2 has no swappiness per cgroup (cgroup "
						 "v1's memory.swappiness); runc ignores it there "
						 "too");
	ck_assert_uint_eq(cfg.cpu_writes.n, 2);
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cpu_writes, "cpu.idle")->value, "1");
	/* 20000 us per 50000 us period: 40000 per cpu.max's 100000 */
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cpu_writes, "cpu.max.burst")->value, "40000");
	ck_assert_str_eq(hy_cg_writes_find(&cfg.cpu_writes, "cpu.max.burst")->option,
			 "linux.resources.cpu.burst");
	ck_assert(cfg.is_check_usage);
	struct hy_limits l;
	hy_oci_config_limits(&cfg, &l);
	ck_assert_str_eq(l.cpu_burst->file, "cpu.max.burst");
	ck_assert_str_eq(l.cpu_idle->file, "cpu.idle");
	ck_assert(l.is_check_usage);
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* asking for nothing */
	set_path(doc, "linux.resources",
		 J("{\"memory\": {\"reservation\": 0, \"kernel\": 0, \"disableOOMKiller\": false, "
		   "\"useHierarchy\": false, \"checkBeforeUpdate\": false}, "
		   "\"cpu\": {\"idle\": 0, \"realtimeRuntime\": 0}, \"rdma\": {}, "
		   "\"network\": {\"classID\": 0, \"priorities\": []}}"));
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg.cg_writes.n, 1); /* useHierarchy false: v2 is always hierarchical */
	ck_assert_str_eq(cfg.cg_writes.v[0].file, "memory.use_hierarchy");
	ck_assert_uint_eq(cfg.cpu_writes.n, 1); /* idle 0 is written: it ends SCHED_IDLE */
	ck_assert_str_eq(cfg.cpu_writes.v[0].value, "0");
	ck_assert(!cfg.is_check_usage);
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* -1: "max", as runc writes it */
	set_path(doc, "linux.resources", J("{\"memory\": {\"reservation\": -1}}"));
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.cg_writes.v[0].value, "max");
	hy_oci_config_fini(&cfg);
}
END_TEST

/* linux.resources.cpu.cpus/mems: the lists as given and the CPUs named;
 * "" and null are unset. */
START_TEST(test_oci_config_cpuset)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "linux.resources", J("{\"cpu\": {\"cpus\": \"0,2-3\", \"mems\": \"0\"}}"));
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.cpuset_cpus, "0,2-3");
	ck_assert_str_eq(cfg.cpuset_mems, "0");
	ck_assert_int_eq(CPU_COUNT(&cfg.cpuset), 3);
	ck_assert(CPU_ISSET(0, &cfg.cpuset) && CPU_ISSET(2, &cfg.cpuset) && CPU_ISSET(3, &cfg.cpuset));
	hy_oci_config_fini(&cfg);

	static const char *const none[] = { "{\"cpus\": \"\", \"mems\": \"\"}",
					    "{\"cpus\": null, \"mems\": null}", "{}" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		doc = default_doc();
		set_path(doc, "linux.resources", json_pack("{s:o}", "cpu", J(none[i])));
		ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s: %s", none[i], err.msg);
		ck_assert_ptr_null(cfg.cpuset_cpus);
		ck_assert_ptr_null(cfg.cpuset_mems);
		hy_oci_config_fini(&cfg);
	}
}
END_TEST

/* linux.resources.pids.limit: -1 and 0 ask for no limit (runc's reading). */
START_TEST(test_oci_config_pids_unlimited)
{
	static const char *const none[] = { "{\"limit\": -1}", "{\"limit\": 0}", "{}" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		struct hy_oci_config cfg;
		struct hy_err err = { 0 };
		json_t *doc = default_doc();
		set_path(doc, "linux.resources", json_pack("{s:o}", "pids", J(none[i])));
		ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s: %s", none[i], err.msg);
		ck_assert_uint_eq(cfg.pids, 0);
		hy_oci_config_fini(&cfg);
	}
}
END_TEST

/* Binds, tmpfs elsewhere, masked and read-only paths: entries in order, with their attributes. */
START_TEST(test_oci_config_user_mounts)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "mounts[+]", J("{\"destination\": \"/data\", \"type\": \"bind\", "
				     "\"source\": \"data\", \"options\": [\"rbind\", \"ro\", "
				     "\"nosuid\", \"rprivate\"]}"));
	set_path(doc, "mounts[+]", J("{\"destination\": \"/etc/hosts\", \"source\": "
				     "\"/etc/hosts\", \"options\": [\"bind\"]}"));
	set_path(doc, "mounts[+]", J("{\"destination\": \"/scratch\", \"type\": \"tmpfs\", "
				     "\"source\": \"tmpfs\", \"options\": [\"size=64k\", "
				     "\"mode=1777\", \"noexec\"]}"));
	set_path(doc, "linux.maskedPaths", J("[\"/proc/kcore\"]"));
	set_path(doc, "linux.readonlyPaths", J("[\"/proc/sys\"]"));
	set_path(doc, "root.readonly", json_false());
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(cfg.is_root_writable);
	ck_assert_uint_eq(cfg.nuser_mounts, 5);
	const struct hy_mount *m = cfg.user_mounts;
	ck_assert_int_eq(m[0].kind, HY_MNT_BIND);
	ck_assert_str_eq(m[0].source, "data"); /* resolved against the bundle by oci_bundle.c */
	ck_assert_str_eq(m[0].dest, "/data");
	ck_assert(m[0].is_recursive);
	ck_assert_uint_eq(m[0].attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	ck_assert_str_eq(m[0].name, "mounts[7]");
	ck_assert_int_eq(m[1].kind, HY_MNT_BIND);
	ck_assert(!m[1].is_recursive);
	ck_assert_uint_eq(m[1].attr, 0);
	ck_assert_int_eq(m[2].kind, HY_MNT_TMPFS);
	ck_assert_str_eq(m[2].data, "size=64k,mode=1777");
	ck_assert_uint_eq(m[2].attr, MOUNT_ATTR_NOEXEC);
	ck_assert_int_eq(m[3].kind, HY_MNT_MASK);
	ck_assert_str_eq(m[3].dest, "/proc/kcore");
	ck_assert_str_eq(m[3].name, "linux.maskedPaths[0]");
	ck_assert_int_eq(m[4].kind, HY_MNT_READONLY);
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* no readonly: the spec's default, writable */
	json_object_del(json_object_get(doc, "root"), "readonly");
	r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(cfg.is_root_writable);
	hy_oci_config_fini(&cfg);
	doc = default_doc(); /* hybox spec's: read-only */
	ck_assert_int_eq(parse_doc(doc, &cfg, &err), 0);
	ck_assert(!cfg.is_root_writable);
	hy_oci_config_fini(&cfg);
}
END_TEST

/* memory.swap is memory + swap (podman's --memory sets it to twice the limit). */
START_TEST(test_oci_config_swap)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	static const struct {
		const char *res;
		uint64_t swap_max;
	} cases[] = {
		{ "{\"memory\": {\"limit\": 67108864, \"swap\": 134217728}}", 67108864 },
		{ "{\"memory\": {\"limit\": 67108864, \"swap\": 67108864}}", 0 },
		{ "{\"memory\": {\"limit\": 67108864, \"swap\": -1}}", UINT64_MAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *doc = default_doc();
		set_path(doc, "linux.resources", J(cases[i].res));
		ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s", err.msg);
		ck_assert(cfg.has_swap_max);
		ck_assert_uint_eq(cfg.swap_max, cases[i].swap_max);
		hy_oci_config_fini(&cfg);
	}
}
END_TEST

/* A Docker-shaped profile compiles into a filter stacked on hybox's. */
START_TEST(test_oci_config_seccomp_profile)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "linux.seccomp", J("{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
					 "\"defaultErrnoRet\": 1, \"architectures\": "
					 "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], "
					 "\"syscalls\": [{\"names\": [\"read\", \"write\", "
					 "\"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"comment\": \"io\"}, {\"names\": [\"personality\"], "
					 "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
					 "\"value\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, "
					 "\"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}, {\"names\": "
					 "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"));
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_uint_gt(cfg.profile.len, 10);
	hy_oci_config_fini(&cfg);
	ck_assert_uint_eq(cfg.profile.len, 0);
}
END_TEST

START_TEST(test_oci_config_policy_path)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, "annotations", J("{\"org.hybox.policy\": \"policy.json\"}"));
	ck_assert_int_eq(parse_doc(doc, &cfg, &err), 0);
	ck_assert(!cfg.is_policy_inline);
	ck_assert_str_eq(cfg.policy, "policy.json");
	hy_oci_config_fini(&cfg);
}
END_TEST

/* linux.sysctl: namespaced keys kept in order, dots as slashes, with their step. */
START_TEST(test_oci_config_sysctl)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc(); /* with a network namespace */
	set_path(doc, "linux.sysctl", J("{\"net.ipv4.ip_forward\": \"1\", \"kernel.shmmax\": "
					"\"68719476736\", \"fs.mqueue.msg_max\": \"20\", "
					"\"kernel.shm_rmid_forced\": \"1\"}"));
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg.nsysctls, 4);
	ck_assert_str_eq(cfg.sysctls[0].path, "net/ipv4/ip_forward");
	ck_assert_str_eq(cfg.sysctls[0].value, "1");
	ck_assert_str_eq(cfg.sysctls[0].step, "write linux.sysctl[\"net.ipv4.ip_forward\"]");
	ck_assert_str_eq(cfg.sysctls[1].path, "kernel/shmmax");
	ck_assert_str_eq(cfg.sysctls[2].path, "fs/mqueue/msg_max");
	ck_assert_str_eq(cfg.sysctls[3].path, "kernel/shm_rmid_forced");
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* no network namespace: IPC ones still fine */
	set_path(doc, "linux.namespaces[1]", NULL);
	set_path(doc, "linux.sysctl", J("{\"kernel.msgmax\": \"16384\"}"));
	ck_assert_int_eq(parse_doc(doc, &cfg, &err), 0);
	ck_assert_uint_eq(cfg.nsysctls, 1);
	hy_oci_config_fini(&cfg);

	doc = default_doc(); /* net.* without one: the host's; sysctl before namespaces */
	json_t *lx = json_object_get(doc, "linux");
	json_t *ns = json_incref(json_object_get(lx, "namespaces"));
	json_object_del(lx, "namespaces");
	json_array_remove(ns, 1);
	set_path(doc, "linux.sysctl", J("{\"kernel.sem\": \"250 32000 32 128\", "
					"\"net.core.somaxconn\": \"1024\"}"));
	json_object_set_new(lx, "namespaces", ns);
	ck_assert_int_eq(parse_doc(doc, &cfg, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "linux.sysctl[\"net.core.somaxconn\"]: the container shares "
				      "the host's network") != NULL, "%s", err.msg);
	ck_assert_ptr_null(cfg.doc);
}
END_TEST

/* Device lists as podman and containerd send them: nothing beyond hybox's /dev. */
START_TEST(test_oci_config_devices)
{
	static const char *const ok[] = {
		"[]",
		"[{\"allow\": false, \"access\": \"rwm\"}]",
		"[{\"allow\": false, \"type\": \"a\", \"major\": -1, \"minor\": -1, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 7, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 8, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 9, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 0, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 1, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 2, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 136, \"minor\": -1, \"access\": \"rw\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"r\"}]",
		/* Docker's and containerd's mknod-only wildcards (harmless on nodev mounts) */
		"[{\"allow\": false, \"access\": \"rwm\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": -1, \"minor\": -1, \"access\": \"m\"}, "
		"{\"allow\": true, \"type\": \"b\", \"access\": \"m\"}, "
		"{\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 200, \"access\": \"m\"}]",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct hy_oci_config cfg;
		struct hy_err err = { 0 };
		json_t *doc = default_doc();
		set_path(doc, "linux.resources", json_pack("{s:o}", "devices", J(ok[i])));
		set_path(doc, "linux.devices", J("[{\"path\": \"/dev/null\", \"type\": \"c\", "
						 "\"major\": 1, \"minor\": 3, \"fileMode\": 438, "
						 "\"uid\": 0, \"gid\": 0}, {\"path\": \"/dev/tty\", "
						 "\"type\": \"c\", \"major\": 5, \"minor\": 0}]"));
		ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%zu: %s", i, err.msg);
		hy_oci_config_fini(&cfg);
	}
}
END_TEST

/* ---- user namespaces ------------------------------------------------------------ */

/* The default document with a user namespace: 0 -> 100000, 65536 ids. */
static json_t *userns_doc(void)
{
	json_t *doc = default_doc();
	set_path(doc, "linux.namespaces[+]", J("{\"type\": \"user\"}"));
	set_path(doc, "linux.uidMappings",
		 J("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"));
	set_path(doc, "linux.gidMappings",
		 J("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}, "
		   "{\"containerID\": 1000, \"hostID\": 300000, \"size\": 1}]"));
	return doc;
}

/* The features document (`hybox features --oci`) says what a create accepts. */
static void assert_accepts(const char *path, json_t *v, const char *what)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = default_doc();
	set_path(doc, path, v);
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "%s: %s", what, err.msg);
	hy_oci_config_fini(&cfg);
}

START_TEST(test_oci_config_features)
{
	json_t *f = hy_oci_features(), *el, *ns = json_array();
	const char *key;
	size_t i;
	json_t *lx = json_object_get(f, "linux");
	ck_assert_ptr_nonnull(lx);
	ck_assert_uint_eq(json_array_size(json_object_get(f, "hooks")), 0);
	ck_assert(json_is_true(json_object_get(json_object_get(lx, "cgroup"), "v2")));
	ck_assert(json_is_false(json_object_get(json_object_get(lx, "cgroup"), "v1")));
	json_t *sc = json_object_get(lx, "seccomp");
	ck_assert(json_is_true(json_object_get(sc, "enabled")));
	/* every listed action and operator is one a profile may use */
	json_array_foreach (json_object_get(sc, "actions"), i, el) {
		json_t *p = json_pack("{s:s,s:[{s:[s],s:O}]}", "defaultAction", "SCMP_ACT_ALLOW",
				      "syscalls", "names", "mkdir", "action", el);
		assert_accepts("linux.seccomp", p, json_string_value(el));
	}
	json_array_foreach (json_object_get(sc, "operators"), i, el) {
		json_t *p = json_pack("{s:s,s:[{s:[s],s:s,s:[{s:i,s:i,s:O}]}]}", "defaultAction",
				      "SCMP_ACT_ALLOW", "syscalls", "names", "kill", "action",
				      "SCMP_ACT_ERRNO", "args", "index", 1, "value", 10, "op", el);
		assert_accepts("linux.seccomp", p, json_string_value(el));
	}
	json_object_foreach (json_object_get(f, "annotations"), key, el)
		ck_assert_int_eq(strncmp(key, "org.hybox.", 10), 0);
	assert_accepts("ociVersion", json_incref(json_object_get(f, "ociVersionMin")), "min");
	assert_accepts("ociVersion", json_incref(json_object_get(f, "ociVersionMax")), "max");
	json_array_foreach (json_object_get(f, "mountOptions"), i, el) {
		ck_assert_ptr_nonnull(json_string_value(el));
		assert_accepts("mounts[+]", json_pack("{s:s,s:s,s:s,s:[O]}", "destination", "/data",
						      "type", "bind", "source", "/srv", "options",
						      el), json_string_value(el));
	}
	json_array_foreach (json_object_get(lx, "namespaces"), i, el)
		json_array_append_new(ns, json_pack("{s:O}", "type", el));
	ck_assert_uint_ge(json_array_size(ns), 5);
	/* "user" is listed, and needs its mappings */
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = userns_doc();
	set_path(doc, "linux.namespaces", ns);
	ck_assert_msg(parse_doc(doc, &cfg, &err) == 0, "every listed namespace: %s", err.msg);
	ck_assert(cfg.userns.is_new);
	hy_oci_config_fini(&cfg);
	el = json_object_get(lx, "capabilities");
	ck_assert_uint_ge(json_array_size(el), 1);
	assert_accepts("process.capabilities", json_pack("{s:O,s:O,s:O}", "bounding", el,
							 "effective", el, "permitted", el),
		       "every listed capability");
	json_decref(f);
}
END_TEST

/* ---- refusals ------------------------------------------------------------------- */

static const struct bad_case {
	const char *path;  /* NULL: text is the whole document */
	const char *value; /* JSON; NULL deletes path */
	const char *want;  /* a substring of the message */
} bad[] = {
	{ NULL, "{\"ociVersion\": \"1.0.2\",,}", "config.json:1:" },
	{ NULL, "[1, 2]", "config.json:1:1: (document): expected an object, got an array" },
	{ NULL, "{\"ociVersion\": \"1.0.2\", \"ociVersion\": \"1.0.2\"}",
	  "ociVersion: expected each key once, got a duplicate key" },
	{ "ociVersion", "\"2.0.0\"", "ociVersion: expected a runtime-spec 1.x version" },
	{ "process", NULL, "process: expected an object (the command to run), got nothing "
			   "(missing field)" },
	{ "hostnme", "\"x\"", "hostnme: unknown property" },
	{ "hostname", "\"\"", "hostname: expected 1 to 64 characters, got \"\"" },
	{ "process.terminal", "1", "process.terminal: expected true or false, got 1" },
	{ "process.consoleSize", "{\"height\": 70000}", "process.consoleSize.height: expected an "
							 "integer from 0 to 65535" },
	{ "process.args", "[]", "process.args: expected the command and its arguments, got an "
				"empty array" },
	{ "process.args[0]", "7", "process.args[0]: expected a string, got 7" },
	{ "process.env[+]", "\"NOEQUALS\"", "process.env[2]: expected \"NAME=VALUE\", got "
					    "\"NOEQUALS\"" },
	{ "process.cwd", "\"tmp\"", "process.cwd: expected an absolute path" },
	{ "process.user.uid", "-1", "process.user.uid: expected an integer from 0 to 4294967294, "
				    "got -1" },
	{ "process.user.gid", NULL, "process.user.gid: expected an integer (the group id), got "
				    "nothing" },
	{ "process.user.username", "\"root\"", "process.user.username: not supported yet" },
	{ "process.capabilities.bounding[+]", "\"CAP_SYS_ADMIN\"",
	  "process.capabilities.bounding[14]: CAP_SYS_ADMIN is outside hybox's capability set" },
	{ "process.capabilities.effective[+]", "\"CAP_FLY\"",
	  "process.capabilities.effective[14]: expected a capability name like \"CAP_KILL\", "
	  "got \"CAP_FLY\"" },
	{ "process.capabilities.ambient", "[\"CAP_KILL\"]",
	  "process.capabilities.ambient: not supported yet" },
	{ "process.capabilities.bounding", "[\"CAP_KILL\"]",
	  "process.capabilities.effective[0]: CAP_CHOWN is not in the bounding set" },
	{ "process.rlimits[0].soft", "2048", "process.rlimits[0].soft: 2048 is above the hard "
					     "limit 1024" },
	{ "process.rlimits[0].type", "\"RLIMIT_FOO\"", "process.rlimits[0].type: expected a name "
						       "like \"RLIMIT_NOFILE\"" },
	{ "process.rlimits[+]", "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 2}",
	  "process.rlimits[1]: expected each rlimit type once" },
	{ "process.noNewPrivileges", "false", "process.noNewPrivileges: false is not supported" },
	{ "process.ioPriority", "{\"class\": \"IOPRIO_CLASS_IDLE\"}",
	  "process.ioPriority: not supported yet" },
	{ "root.readonly", "0", "root.readonly: expected true or false, got 0" },
	{ "root.path", "\"\"", "root.path: expected a directory (relative to the bundle)" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"type\": \"nfs\", \"source\": \"srv:/x\"}",
	  "mounts[7].type: \"nfs\" is not supported" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"options\": [\"rbind\", \"ro\"]}",
	  "mounts[7].source: expected the host path to bind, got nothing" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"source\": \"\", \"type\": \"bind\"}",
	  "mounts[7].source: expected a path (absolute, or relative to the bundle), got \"\"" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"source\": \"/srv\", \"options\": "
		       "[\"rbind\", \"rshared\"]}",
	  "mounts[7].options[1]: \"rshared\" is not supported on a bind mount" },
	{ "mounts[+]", "{\"destination\": \"/proc\", \"source\": \"/proc\", \"type\": \"bind\"}",
	  "mounts[7].destination: a bind mount on \"/proc\" is not supported (hybox mounts it" },
	{ "mounts[+]", "{\"destination\": \"/\", \"source\": \"/srv\", \"type\": \"bind\"}",
	  "mounts[7]: a mount on \"/\" is not supported" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"type\": \"tmpfs\", \"options\": "
		       "[\"bind\"]}",
	  "mounts[7].source: expected the host path to bind, got nothing" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"type\": \"tmpfs\", \"options\": "
		       "[\"mode=999\"]}",
	  "mounts[7].options[0]: expected mode=OCTAL, got \"mode=999\"" },
	{ "mounts[+]", "{\"destination\": \"/data\", \"type\": \"tmpfs\", \"options\": "
		       "[\"huge=always\"]}",
	  "mounts[7].options[0]: \"huge=always\" is not supported on a tmpfs mount" },
	{ "linux.maskedPaths", "[\"proc/kcore\"]",
	  "linux.maskedPaths[0]: expected an absolute path" },
	{ "linux.readonlyPaths", "\"/proc/sys\"", "linux.readonlyPaths: expected an array" },
	{ "mounts[0].destination", "\"proc\"", "mounts[0].destination: expected an absolute path" },
	{ "mounts[0].type", "\"sysfs\"", "mounts[0].type: expected \"proc\" on /proc, got \"sysfs\"" },
	{ "mounts[5].options[+]", "\"rw\"", "mounts[5].options[4]: \"rw\" is not supported on /sys" },
	{ "mounts[3].options[4]", "\"size=1x\"", "mounts[3].options[4]: expected size=BYTES" },
	{ "mounts[5]", NULL, "mounts[5].destination: needs the sysfs mount on /sys before it" },
	{ "mounts[+]", "{\"destination\": \"/proc\", \"type\": \"proc\"}",
	  "mounts[7].destination: \"/proc\" is mounted twice" },
	{ "mounts[0].uidMappings", "[{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]",
	  "mounts[0].uidMappings: not supported yet" },
	{ "linux.namespaces[4].path", "\"/proc/1/ns/mnt\"",
	  "linux.namespaces[4].path: joining an existing mount namespace is refused: hybox "
	  "builds the container's root, /proc and /dev in a mount namespace of its own; "
	  "another's would be shared and changed (leave out \"path\"; user, network, ipc, uts "
	  "and pid namespaces can be joined)" },
	{ "linux.namespaces[5].path", "\"/proc/1/ns/cgroup\"",
	  "linux.namespaces[5].path: joining an existing cgroup namespace is refused: hybox "
	  "roots the container's cgroup namespace at its own cgroup leaf" },
	{ "linux.namespaces[+]", "{\"type\": \"time\", \"path\": \"/proc/1/ns/time\"}",
	  "linux.namespaces[6].path: joining an existing time namespace is refused: hybox sets "
	  "a new time namespace's clocks to the container's boot" },
	{ "linux.namespaces[2].path", "7", "linux.namespaces[2].path: expected a string" },
	{ "linux.namespaces[+]", "{\"type\": \"user\"}",
	  "linux: a user namespace (\"user\" in linux.namespaces) needs uidMappings and "
	  "gidMappings: uidMappings is missing or empty" },
	{ "linux.uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
	  "linux.uidMappings: needs a user namespace (add {\"type\": \"user\"}" },
	{ "linux.namespaces[+]", "{\"type\": \"pid\"}",
	  "linux.namespaces[6].type: expected each namespace type once" },
	{ "linux.namespaces[+]", "{\"type\": \"foo\"}", "linux.namespaces[6].type: expected pid, "
							"network, mount" },
	{ "linux.namespaces[2]", NULL, "linux.namespaces: hybox always creates a new ipc namespace" },
	{ "linux.namespaces", NULL, "linux.namespaces: expected an array" },
	{ "process.oomScoreAdj", "1001",
	  "process.oomScoreAdj: expected an integer from -1000 to 1000, got 1001" },
	{ "process.oomScoreAdj", "\"-5\"", "process.oomScoreAdj: expected an integer from" },
	{ "linux.resources", "{\"memory\": {\"limit\": 4096}}",
	  "linux.resources.memory.limit: expected at least 4194304 bytes (4 MiB), got 4096" },
	{ "linux.resources", "{\"memory\": {\"limit\": \"1G\"}}",
	  "linux.resources.memory.limit: expected an integer (-1: no limit), got \"1G\"" },
	{ "linux.resources", "{\"memory\": {\"swap\": 8388608}}",
	  "linux.resources.memory.swap: needs memory.limit" },
	{ "linux.resources", "{\"memory\": {\"limit\": 8388608, \"swap\": 4194304}}",
	  "linux.resources.memory.swap: expected at least memory.limit (8388608: memory + swap" },
	{ "linux.resources", "{\"cpu\": {\"quota\": 50000, \"period\": 10}}",
	  "linux.resources.cpu.period: expected 1000 to 1000000 microseconds, got 10" },
	{ "linux.resources", "{\"cpu\": {\"shares\": 1}}",
	  "linux.resources.cpu.shares: expected 0 (unset) or 2 to 262144, got 1" },
	{ "linux.resources", "{\"cpu\": {\"shares\": 262145}}",
	  "linux.resources.cpu.shares: expected an integer from 0 to 262144, got 262145" },
	{ "linux.resources", "{\"cpu\": {\"cpus\": \"0-\"}}",
	  "linux.resources.cpu.cpus: expected a list of CPUs like \"0-3,5\" (numbers 0 to 1023 "
	  "and ranges a-b with a <= b, comma separated, no spaces), got \"0-\": expected a "
	  "number after '-'" },
	{ "linux.resources", "{\"cpu\": {\"cpus\": \"0, 1\"}}",
	  "linux.resources.cpu.cpus: expected a list of CPUs like" },
	{ "linux.resources", "{\"cpu\": {\"cpus\": \"3-1\"}}",
	  "got \"3-1\": a range whose end is below its start" },
	{ "linux.resources", "{\"cpu\": {\"cpus\": \"1024\"}}",
	  "got \"1024\": a number above the largest allowed" },
	{ "linux.resources", "{\"cpu\": {\"cpus\": 3}}",
	  "linux.resources.cpu.cpus: expected a string, got 3" },
	{ "linux.resources", "{\"cpu\": {\"mems\": \"0,,1\"}}",
	  "linux.resources.cpu.mems: expected a list of memory nodes like \"0-3,5\"" },
	{ "linux.resources", "{\"pids\": {\"limit\": -2}}",
	  "linux.resources.pids.limit: expected an integer (-1: no limit), got -2" },
	{ "linux.resources", "{\"pids\": {\"limit\": 1.5}}",
	  "linux.resources.pids.limit: expected an integer (-1: no limit), got 1.5" },
	{ "linux.resources", "{\"pids\": {\"max\": 5}}", "linux.resources.pids.max: unknown property" },
	{ "linux.resources", "{\"unified\": {\"memory/../memory.high\": \"1\"}}",
	  "linux.resources.unified[\"memory/../memory.high\"]: expected a cgroup v2 file name like "
	  "\"memory.high\", got a \"/\" in it" },
	{ "linux.resources", "{\"unified\": {\"\": \"1\"}}",
	  "linux.resources.unified[\"\"]: expected a cgroup v2 file name like \"memory.high\", got "
	  "an empty name" },
	{ "linux.resources", "{\"unified\": {\"..\": \"1\"}}", "not of the form CONTROLLER.NAME" },
	{ "linux.resources", "{\"unified\": {\"memory..high\": \"1\"}}",
	  "not of the form CONTROLLER.NAME" },
	{ "linux.resources", "{\"unified\": {\"cgroup.procs\": \"1\"}}",
	  "linux.resources.unified[\"cgroup.procs\"]: expected a cgroup v2 file name like "
	  "\"memory.high\", got hybox manages the leaf's cgroup.* files itself" },
	{ "linux.resources", "{\"unified\": {\"cgroup.subtree_control\": \"+io\"}}",
	  "hybox manages the leaf's cgroup.* files itself" },
	{ "linux.resources", "{\"unified\": {\"misc.max\": \"x\"}}",
	  "linux.resources.unified[\"misc.max\"]: expected a cgroup v2 file name like "
	  "\"memory.high\", got not a file of a controller hybox enables for the container "
	  "(memory, pids, cpu, cpuset, io, hugetlb, rdma)" },
	{ "linux.resources", "{\"unified\": {\"memory.high\": \"\"}}",
	  "linux.resources.unified[\"memory.high\"]: expected a value of one line (1 to 4096 "
	  "bytes, no newline or NUL), got \"\"" },
	{ "linux.resources", "{\"unified\": {\"memory.high\": \"1\\n2\"}}",
	  "linux.resources.unified[\"memory.high\"]: expected a value of one line" },
	{ "linux.resources", "{\"unified\": {\"memory.high\": 5}}",
	  "linux.resources.unified[\"memory.high\"]: expected a string, got 5" },
	{ "linux.resources", "{\"unified\": [\"memory.high\"]}",
	  "linux.resources.unified: expected an object" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"2MiB\", \"limit\": 0}]}",
	  "linux.resources.hugepageLimits[0].pageSize: expected a huge page size as the kernel "
	  "names it, like \"2MB\" or \"1GB\", got \"2MiB\": a unit other than KB, MB or GB" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"../2MB\", \"limit\": 0}]}",
	  "got \"../2MB\": no number first" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}",
	  "linux.resources.hugepageLimits[0].limit: expected an integer, got nothing (missing "
	  "field)" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": -1}]}",
	  "linux.resources.hugepageLimits[0].limit: expected an integer from 0 to" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}, "
			     "{\"pageSize\": \"2MB\", \"limit\": 2097152}]}",
	  "linux.resources.hugepageLimits[1].pageSize: expected each page size once, got \"2MB\" "
	  "again" },
	{ "linux.resources", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0, "
			     "\"max\": 1}]}",
	  "linux.resources.hugepageLimits[0].max: unknown property (expected pageSize and limit)" },
	{ "linux.resources", "{\"blockIO\": {\"weight\": 5}}",
	  "linux.resources.blockIO.weight: expected 0 (unset) or 10 to 1000, got 5" },
	{ "linux.resources", "{\"blockIO\": {\"weight\": 1001}}",
	  "linux.resources.blockIO.weight: expected an integer from 0 to 1000, got 1001" },
	{ "linux.resources", "{\"blockIO\": {\"leafWeight\": 300}}",
	  "linux.resources.blockIO.leafWeight: not supported: cgroup v2 has no leaf weight" },
	{ "linux.resources", "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, "
			     "\"weight\": 100, \"leafWeight\": 10}]}}",
	  "linux.resources.blockIO.weightDevice[0].leafWeight: not supported: cgroup v2 has no "
	  "leaf weight" },
	{ "linux.resources", "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}",
	  "linux.resources.blockIO.weightDevice[0].weight: expected a weight from 10 to 1000, got "
	  "nothing" },
	{ "linux.resources", "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, "
			     "\"rate\": 1}]}}",
	  "linux.resources.blockIO.throttleReadBpsDevice[0].minor: expected an integer, got "
	  "nothing" },
	{ "linux.resources", "{\"blockIO\": {\"throttleWriteIOPSDevice\": [{\"major\": 4096, "
			     "\"minor\": 0, \"rate\": 1}]}}",
	  "linux.resources.blockIO.throttleWriteIOPSDevice[0].major: expected an integer from 0 "
	  "to 4095, got 4096" },
	{ "linux.resources", "{\"blockIO\": {\"throttleReadIOPSDevice\": [{\"major\": 8, "
			     "\"minor\": 0, \"rate\": 10, \"path\": \"/dev/sda\"}]}}",
	  "linux.resources.blockIO.throttleReadIOPSDevice[0].path: unknown property (expected "
	  "major, minor and rate)" },
	{ "linux.resources", "{\"blockIO\": {\"readBps\": 1}}",
	  "linux.resources.blockIO.readBps: unknown property" },
	{ "linux.resources", "{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 1, "
			     "\"minor\": 3, \"access\": \"rwm\"}]}",
	  "linux.resources.devices[0]: expected a deny-all first" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false, \"access\": \"rw\"}]}",
	  "linux.resources.devices[0]: expected a deny-all first" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false, \"type\": \"c\", \"major\": 1, "
			     "\"access\": \"rwm\"}]}",
	  "linux.resources.devices[0]: expected a deny-all first" },
	{ "linux.resources", "{\"devices\": [{\"access\": \"rwm\"}]}",
	  "linux.resources.devices[0].allow: expected true or false, got nothing" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false, \"access\": \"rwx\"}]}",
	  "linux.resources.devices[0].access: expected r, w and m (any of them), got \"rwx\"" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false, \"access\": \"rwm\", \"path\": "
			     "\"/dev/sda\"}]}",
	  "linux.resources.devices[0].path: unknown property" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true}]}",
	  "linux.resources.devices[1]: allows all devices, which is not supported (hybox's /dev "
	  "holds only char 1:3 null" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"b\", "
			     "\"major\": 8, \"minor\": 0, \"access\": \"r\"}]}",
	  "linux.resources.devices[1]: allows block devices" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			     "\"major\": 10, \"minor\": 200, \"access\": \"rwm\"}]}",
	  "linux.resources.devices[1]: allows char 10:200, which is not supported" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			     "\"major\": -1, \"minor\": -1, \"access\": \"rm\"}]}",
	  "linux.resources.devices[1]: allows char -1:-1 (-1: any)" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"b\", "
			     "\"access\": \"mw\"}]}",
	  "linux.resources.devices[1]: allows block devices" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			     "\"major\": 1, \"access\": \"rwm\"}]}",
	  "linux.resources.devices[1]: allows char 1:-1 (-1: any)" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": false, \"type\": \"c\", "
			     "\"major\": 1, \"minor\": 3}]}",
	  "linux.resources.devices[1]: a deny rule after the first is not supported" },
	{ "linux.resources", "{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			     "\"major\": 136, \"minor\": -2}]}",
	  "linux.resources.devices[1].minor: expected -1 (any) or a device number, got -2" },
	{ "linux.devices", "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": "
			   "229}]",
	  "linux.devices[0]: /dev/fuse (c 10:229) is not supported (hybox's /dev is fixed" },
	{ "linux.devices", "[{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0}]",
	  "linux.devices[0]: /dev/sda (b 8:0) is not supported" },
	{ "linux.devices", "[{\"path\": \"/dev/mynull\", \"type\": \"c\", \"major\": 1, \"minor\": "
			   "3}]",
	  "linux.devices[0]: /dev/mynull (c 1:3) is not supported" },
	{ "linux.devices", "[{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": "
			   "3, \"fileMode\": 511}]",
	  "linux.devices[0]: /dev/null: expected fileMode 438 (0666), uid 0 and gid 0 or none" },
	{ "linux.devices", "[{\"path\": \"/dev/null\", \"major\": 1, \"minor\": 3}]",
	  "linux.devices[0].type: expected \"c\", got nothing" },
	{ "linux.devices", "[{\"path\": \"/dev/ptmx\", \"type\": \"c\", \"major\": 5, \"minor\": "
			   "2}]",
	  "linux.devices[0]: /dev/ptmx (c 5:2) is not supported" },
	{ "linux.devices", "[{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": "
			   "3, \"major2\": 1}]",
	  "linux.devices[0].major2: unknown property" },
	{ "linux.cgroupsPath", "\"system.slice:libpod:x\"",
	  "linux.cgroupsPath: \"system.slice:libpod:x\": systemd cgroups (\"slice:prefix:name\") "
	  "are not supported" },
	{ "linux.cgroupsPath", "\"/default/../x\"",
	  "linux.cgroupsPath: expected a cgroup path like \"/default/ID\" or \"group/ID\", got "
	  "\"/default/../x\": a \".\" or \"..\" component" },
	{ "linux.cgroupsPath", "\"..\"", "linux.cgroupsPath: expected a cgroup path like" },
	{ "linux.cgroupsPath", "\"a/./b\"", "a \".\" or \"..\" component" },
	{ "linux.cgroupsPath", "\"/default//x\"",
	  "got \"/default//x\": an empty component (\"//\" or a trailing \"/\")" },
	{ "linux.cgroupsPath", "\"default/x/\"", "an empty component" },
	{ "linux.cgroupsPath", "\"/\"", "got \"/\": the root cgroup cannot hold a container" },
	{ "linux.cgroupsPath", "\"a\\nb\"", "a control character in it" },
	{ "linux.cgroupsPath", "7", "linux.cgroupsPath: expected a string, got 7" },
	{ "linux.seccomp", "{\"syscalls\": []}",
	  "linux.seccomp.defaultAction: expected an action like \"SCMP_ACT_ERRNO\"" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
	  "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\"}",
	  "linux.seccomp.listenerPath: not supported yet" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
			   "[\"SCMP_ARCH_VAX\"]}",
	  "linux.seccomp.architectures[0]: expected an architecture like" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"mkdir\"], \"action\": \"SCMP_ACT_DANCE\"}]}",
	  "linux.seccomp.syscalls[0].action: expected SCMP_ACT_ALLOW" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, "
			   "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "linux.seccomp.syscalls[0].args[0].index: expected an integer from 0 to 5" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, "
			   "\"value\": 1, \"op\": \"SCMP_CMP_ABOUT\"}]}]}",
	  "linux.seccomp.syscalls[0].args[0].op: expected SCMP_CMP_EQ" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {}}]}",
	  "linux.seccomp.syscalls[0].includes: unknown property" },
	{ "linux.sysctl", "{\"vm.swappiness\": \"10\"}",
	  "linux.sysctl[\"vm.swappiness\"]: not namespaced: it would change the host" },
	{ "linux.sysctl", "{\"kernel.hostname\": \"x\"}",
	  "linux.sysctl[\"kernel.hostname\"]: not supported (use hostname)" },
	{ "linux.sysctl", "{\"kernel.domainname\": \"x\"}",
	  "linux.sysctl[\"kernel.domainname\"]: not supported (use domainname)" },
	{ "linux.sysctl", "{\"kernel.shmmax\": 5}",
	  "linux.sysctl[\"kernel.shmmax\"]: expected a string, got 5" },
	{ "linux.sysctl", "{\"kernel.shmmax\": \"\"}",
	  "linux.sysctl[\"kernel.shmmax\"]: expected a value, got \"\"" },
	{ "linux.sysctl", "{\"net.ipv4..x\": \"1\"}", "an empty component" },
	{ "linux.sysctl", "{\"net.ipv4.\": \"1\"}", "an empty component" },
	{ "linux.sysctl", "{\"fs.mqueue.a/../../../vm/x\": \"1\"}",
	  "a character other than letters" },
	{ "linux.sysctl", "{\"net/ipv4/ip_forward\": \"1\"}",
	  "expected a dotted name like \"kernel.shmmax\"" },
	{ "linux.sysctl", "{\"kernel.shmmax\": \"1\", \"kernel.core_pattern\": \"|/x\"}",
	  "linux.sysctl[\"kernel.core_pattern\"]: not namespaced" },
	{ "linux.sysctl", "[\"kernel.shmmax\"]", "linux.sysctl: expected an object" },
	{ "linux.rootfsPropagation", "\"shared\"", "linux.rootfsPropagation: \"shared\" is not "
						   "supported yet" },
	{ "hooks", "{\"prestart\": [{\"path\": \"/bin/true\"}]}", "hooks: not supported yet" },
	{ "annotations", "{\"org.hybox.colour\": \"red\"}",
	  "annotations[\"org.hybox.colour\"]: unknown hybox annotation" },
	{ "linux.resources", "{\"cpu\": {\"realtimeRuntime\": 95000}}",
	  "linux.resources.cpu.realtimeRuntime: not supported: cgroup v2 has no real-time CPU "
	  "time per cgroup (cgroup v1's cpu.rt_runtime_us and cpu.rt_period_us); leave it out "
	  "or 0" },
	{ "linux.resources", "{\"cpu\": {\"realtimePeriod\": 1000000}}",
	  "linux.resources.cpu.realtimePeriod: not supported: cgroup v2 has no real-time" },
	{ "linux.resources", "{\"cpu\": {\"idle\": 2}}",
	  "linux.resources.cpu.idle: expected an integer from 0 to 1, got 2" },
	{ "linux.resources", "{\"cpu\": {\"idle\": -1}}",
	  "linux.resources.cpu.idle: expected an integer from 0 to 1, got -1" },
	{ "linux.resources", "{\"cpu\": {\"burst\": -1}}",
	  "linux.resources.cpu.burst: expected an integer from 0 to 92233720368547, got -1" },
	{ "linux.resources", "{\"cpu\": {\"burst\": 60000, \"quota\": 50000}}",
	  "linux.resources.cpu.burst: expected at most cpu.quota (50000), got 60000: the kernel "
	  "refuses a burst above the quota" },
	{ "linux.resources", "{\"cpu\": {\"burst\": \"1ms\"}}",
	  "linux.resources.cpu.burst: expected an integer from 0 to" },
	{ "linux.resources", "{\"memory\": {\"reservation\": -2}}",
	  "linux.resources.memory.reservation: expected an integer (-1: no limit), got -2" },
	{ "linux.resources", "{\"memory\": {\"kernelTCP\": \"1G\"}}",
	  "linux.resources.memory.kernelTCP: expected an integer (-1: no limit), got \"1G\"" },
	{ "linux.resources", "{\"memory\": {\"swappiness\": 101}}",
	  "linux.resources.memory.swappiness: expected an integer from 0 to 100, got 101" },
	{ "linux.resources", "{\"memory\": {\"disableOOMKiller\": 1}}",
	  "linux.resources.memory.disableOOMKiller: expected true or false, got 1" },
	{ "linux.resources", "{\"memory\": {\"checkBeforeUpdate\": \"yes\"}}",
	  "linux.resources.memory.checkBeforeUpdate: expected true or false, got \"yes\"" },
	{ "linux.resources", "{\"rdma\": {\"mlx5 0\": {\"hcaHandles\": 1}}}",
	  ": expected an RDMA device name like \"mlx5_0\" (1 to 63 letters, digits, \".\", \"_\" "
	  "and \"-\")" },
	{ "linux.resources", "{\"rdma\": {\"mlx5_0\": {\"hcaHandles\": -1}}}",
	  "linux.resources.rdma.mlx5_0.hcaHandles: expected an integer from 0 to 4294967295, "
	  "got -1" },
	{ "linux.resources", "{\"rdma\": {\"mlx5_0\": {\"hcaObjects\": 4294967296}}}",
	  "linux.resources.rdma.mlx5_0.hcaObjects: expected an integer from 0 to 4294967295" },
	{ "linux.resources", "{\"rdma\": {\"mlx5_0\": {\"handles\": 1}}}",
	  "linux.resources.rdma.mlx5_0.handles: unknown property (expected hcaHandles and "
	  "hcaObjects)" },
	{ "linux.resources", "{\"rdma\": [\"mlx5_0\"]}",
	  "linux.resources.rdma: expected an object" },
	{ "linux.resources", "{\"network\": {\"classID\": -1}}",
	  "linux.resources.network.classID: expected an integer from 0 to 4294967295, got -1" },
	{ "linux.resources", "{\"network\": {\"priorities\": [{\"name\": \"eth0\"}]}}",
	  "linux.resources.network.priorities[0].priority: expected an integer, got nothing "
	  "(missing field)" },
	{ "linux.resources", "{\"network\": {\"priorities\": [{\"priority\": 1}]}}",
	  "linux.resources.network.priorities[0].name: expected a network interface name, got "
	  "nothing" },
	{ "linux.resources", "{\"network\": {\"classid\": 1}}",
	  "linux.resources.network.classid: unknown property" },
	{ "annotations", "{\"x\": 1}", "annotations.x: expected a string, got 1" },
	{ "annotations", "{\"org.hybox.policy\": \"{\\\"mode\\\": \\\"strict\\\"}\"}",
	  "config.json annotations[\"org.hybox.policy\"]:1:10: mode: expected" },
};

START_TEST(test_oci_config_refusals)
{
	const struct bad_case *c = &bad[_i];
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	int r;
	if (!c->path) {
		r = hy_oci_config_parse("config.json", c->value, strlen(c->value), &cfg, &err);
	} else {
		json_t *doc = default_doc();
		json_t *v = NULL;
		if (c->value) {
			json_error_t je;
			v = json_loads(c->value, JSON_DECODE_ANY, &je);
			ck_assert_msg(v != NULL, "case %d: bad test value: %s", _i, je.text);
		}
		set_path(doc, c->path, v);
		r = parse_doc(doc, &cfg, &err);
	}
	ck_assert_msg(r == -EINVAL, "case %d (%s): expected -EINVAL, got %d", _i,
		      c->path ? c->path : c->value, r);
	ck_assert_msg(strstr(err.msg, c->want) != NULL, "case %d: expected \"%s\" in \"%s\"", _i,
		      c->want, err.msg);
	ck_assert_msg(strncmp(err.msg, "config.json", 11) == 0, "case %d: %s", _i, err.msg);
	ck_assert_ptr_null(cfg.doc); /* nothing survives a failure */
}
END_TEST

START_TEST(test_oci_config_userns)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	char text[128];
	int r = parse_doc(userns_doc(), &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(cfg.userns.is_new);
	ck_assert_uint_eq(cfg.userns.nuid, 1);
	ck_assert_uint_eq(cfg.userns.ngid, 2);
	ck_assert_uint_eq(cfg.userns.gid[1].outer, 300000);
	ck_assert_uint_eq(hy_userns_map_id(cfg.userns.uid, cfg.userns.nuid, 0), 100000);
	ck_assert_uint_eq(hy_userns_map_id(cfg.userns.gid, cfg.userns.ngid, 1000), 300000);
	ck_assert_uint_eq(hy_userns_map_id(cfg.userns.gid, cfg.userns.ngid, 1001), (uint32_t)-1);
	ck_assert_int_eq(hy_userns_format(cfg.userns.gid, cfg.userns.ngid, text, sizeof(text)),
			 (int)strlen("0 100000 1000\n1000 300000 1\n"));
	ck_assert_str_eq(text, "0 100000 1000\n1000 300000 1\n");
	ck_assert_int_eq(hy_userns_format(cfg.userns.gid, cfg.userns.ngid, text, 10), -ENOBUFS);
	hy_oci_config_fini(&cfg);

	r = parse_doc(default_doc(), &cfg, &err); /* none: the host's */
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(!cfg.userns.is_new && !cfg.userns.nuid && !cfg.userns.ngid);
	hy_oci_config_fini(&cfg);
}
END_TEST

/* A pod's user namespace joined by path (Kubernetes' hostUsers: false, podman
 * pods with --userns): no mappings, and sysfs wants a network namespace it owns. */
static int parse_joined_userns(const char *edit_path, json_t *v, struct hy_oci_config *cfg,
			       struct hy_err *err)
{
	json_t *doc = default_doc();
	set_path(doc, "linux.namespaces[+]",
		 J("{\"type\": \"user\", \"path\": \"/proc/7/ns/user\"}"));
	set_path(doc, "linux.namespaces[1].path", json_string("/proc/7/ns/net"));
	if (edit_path)
		set_path(doc, edit_path, v);
	return parse_doc(doc, cfg, err);
}

START_TEST(test_oci_config_userns_joined)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	int r = parse_joined_userns(NULL, NULL, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_USER], "/proc/7/ns/user");
	ck_assert_str_eq(cfg.ns_path[HY_JOIN_NET], "/proc/7/ns/net");
	ck_assert(!cfg.userns.is_new && !cfg.userns.nuid && !cfg.userns.ngid);
	hy_oci_config_fini(&cfg);

	r = parse_joined_userns("linux.gidMappings",
				J("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"), &cfg, &err);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_msg(strstr(err.msg, "linux.gidMappings: expected none with a user namespace "
				      "joined by path"), "%s", err.msg);

	r = parse_joined_userns("linux.namespaces[1]", NULL, &cfg, &err); /* the host's network */
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_msg(strstr(err.msg, "linux.namespaces: a user namespace with the host's network "
				      "cannot mount sysfs"), "%s", err.msg);

	r = parse_joined_userns("linux.namespaces[1].path", NULL, &cfg, &err); /* a new one */
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert(cfg.is_net_none && !cfg.ns_path[HY_JOIN_NET]);
	hy_oci_config_fini(&cfg);
}
END_TEST

/* The most mappings the kernel takes (340) parse; one more is refused. */
START_TEST(test_oci_config_userns_limit)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	for (int n = HY_USERNS_MAP_MAX; n <= HY_USERNS_MAP_MAX + 1; n++) {
		json_t *doc = userns_doc(), *a = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:i,s:i,s:i}", "containerID", i * 10,
							   "hostID", 100000 + i * 10, "size", 10));
		set_path(doc, "linux.uidMappings", a);
		int r = parse_doc(doc, &cfg, &err);
		if (n == HY_USERNS_MAP_MAX) {
			ck_assert_msg(r == 0, "%s", err.msg);
			ck_assert_uint_eq(cfg.userns.nuid, HY_USERNS_MAP_MAX);
			hy_oci_config_fini(&cfg);
		} else {
			ck_assert_int_eq(r, -EINVAL);
			ck_assert_msg(strstr(err.msg, "linux.uidMappings[340]: expected at most 340 "
						      "mappings"), "%s", err.msg);
		}
	}
}
END_TEST

static const struct bad_case bad_userns[] = {
	{ "linux.uidMappings[0].size", "0",
	  "linux.uidMappings[0]: expected a range of ids that the kernel can map, got a size of 0" },
	{ "linux.uidMappings[0].hostID", "-1",
	  "linux.uidMappings[0].hostID: expected an integer from 0 to 4294967294, got -1" },
	{ "linux.uidMappings[0].containerID", "4294967295",
	  "linux.uidMappings[0].containerID: expected an integer from 0 to 4294967294" },
	{ "linux.uidMappings[0].hostID", "4294967290",
	  "linux.uidMappings[0]: expected a range of ids that the kernel can map, got ids beyond "
	  "4294967294" },
	{ "linux.uidMappings[0].size", "\"1\"", "linux.uidMappings[0].size: expected an integer" },
	{ "linux.uidMappings[0].size", NULL,
	  "linux.uidMappings[0].size: expected an integer, got nothing" },
	{ "linux.uidMappings[0].length", "1", "linux.uidMappings[0].length: unknown property" },
	{ "linux.uidMappings[+]", "{\"containerID\": 65535, \"hostID\": 1, \"size\": 1}",
	  "linux.uidMappings[1]: expected a range of ids that the kernel can map, got "
	  "containerIDs that overlap an earlier mapping's" },
	{ "linux.gidMappings[+]", "{\"containerID\": 5000, \"hostID\": 100999, \"size\": 2}",
	  "linux.gidMappings[2]: expected a range of ids that the kernel can map, got hostIDs "
	  "that overlap an earlier mapping's" },
	{ "linux.uidMappings[+]", "7", "linux.uidMappings[1]: expected an object, got 7" },
	{ "linux.uidMappings", "{}", "linux.uidMappings: expected an array" },
	{ "linux.gidMappings", NULL, "linux: a user namespace (\"user\" in linux.namespaces) "
				     "needs uidMappings and gidMappings: gidMappings is missing" },
	{ "linux.uidMappings", "[]", "uidMappings is missing or empty" },
	{ "linux.uidMappings[0].containerID", "1",
	  "linux.uidMappings: expected a mapping of containerID 0 (the container's root" },
	{ "linux.gidMappings[0].containerID", "2000",
	  "linux.gidMappings: expected a mapping of containerID 0" },
	{ "linux.namespaces[6]", NULL, "linux.uidMappings: needs a user namespace" },
	{ "linux.namespaces[1].path", "\"/proc/7/ns/net\"",
	  "linux.namespaces: joining a network namespace (\"path\") in a new user namespace is "
	  "not supported yet" },
	{ "linux.namespaces[0].path", "\"/proc/7/ns/pid\"",
	  "linux.namespaces: joining a pid namespace (\"path\") in a new user namespace is "
	  "not supported yet" },
	{ "process.user.uid", "65536",
	  "process.user.uid: expected an id that linux.uidMappings maps" },
	{ "process.user.gid", "1001", "process.user.gid: expected an id that linux.gidMappings maps" },
	{ "process.user.additionalGids", "[5, 2000]",
	  "process.user.additionalGids: expected ids that linux.gidMappings maps, got 2000" },
	{ "linux.namespaces[1]", NULL, "linux.namespaces: a user namespace with the host's "
				       "network cannot mount sysfs on /sys" },
	/* a joined user namespace has its maps */
	{ "linux.namespaces[6].path", "\"/proc/7/ns/user\"",
	  "linux.uidMappings: expected none with a user namespace joined by path (the namespace "
	  "has its maps" },
};

START_TEST(test_oci_config_userns_refusals)
{
	const struct bad_case *c = &bad_userns[_i];
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	json_t *doc = userns_doc();
	set_path(doc, c->path, c->value ? J(c->value) : NULL);
	int r = parse_doc(doc, &cfg, &err);
	ck_assert_msg(r == -EINVAL, "case %d (%s): expected -EINVAL, got %d", _i, c->path, r);
	ck_assert_msg(strstr(err.msg, c->want) != NULL, "case %d: expected \"%s\" in \"%s\"", _i,
		      c->want, err.msg);
	ck_assert_ptr_null(cfg.doc);
}
END_TEST

/* Messages point at the value: line and column of process.terminal's value. */
START_TEST(test_oci_config_position)
{
	static const char text[] = "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n"
				   "    \"terminal\": 7\n  }\n}\n";
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_oci_config_parse("config.json", text, strlen(text), &cfg, &err),
			 -EINVAL);
	ck_assert_msg(strncmp(err.msg, "config.json:4:17: process.terminal: ", 36) == 0, "%s",
		      err.msg);
}
END_TEST

START_TEST(test_oci_config_load_missing)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_oci_config_load("/nonexistent/config.json", "config.json", &cfg, &err),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/config.json: No such file"));
}
END_TEST

/* hybox update's --resources: a linux.resources object alone, parsed as
 * config.json's, its paths relative to the object and placed in its text. */
static int load_resources(const char *text, struct hy_oci_config *cfg, struct hy_err *err)
{
	char path[] = "/tmp/hy-resources-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	int r = hy_oci_resources_load(path, "RES", cfg, err);
	unlink(path);
	return r;
}

START_TEST(test_oci_config_resources_alone)
{
	struct hy_oci_config cfg;
	struct hy_err err = { 0 };

	ck_assert_msg(load_resources("{\"memory\": {\"limit\": -1, \"swap\": -1}, \"pids\": "
				     "{\"limit\": -1}, \"cpu\": {\"shares\": 1024, \"quota\": "
				     "-1}, \"unified\": {\"memory.high\": \"1M\"}}",
				     &cfg, &err) == 0, "%s", err.msg);
	ck_assert(cfg.is_memory_unlimited && cfg.is_pids_unlimited);
	ck_assert_uint_eq(cfg.memory, 0);
	ck_assert(cfg.has_swap_max);
	ck_assert_uint_eq(cfg.swap_max, UINT64_MAX);
	ck_assert_int_eq(cfg.cpu_quota, -1);
	ck_assert_uint_eq(cfg.cpu_weight, 39);
	ck_assert_uint_eq(cfg.unified.n, 1);
	hy_oci_config_fini(&cfg);
	ck_assert_int_eq(load_resources("{\n  \"memory\": {\"limit\": 1024}}", &cfg, &err),
			 -EINVAL);
	ck_assert_str_eq(err.msg, "RES:2:23: memory.limit: expected at least 4194304 bytes "
				  "(4 MiB), got 1024");
	ck_assert_msg(load_resources("{\"memory\": {\"reservation\": 5}, \"cpu\": {\"burst\": 0}}",
				     &cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.cg_writes.v[0].file, "memory.low");
	ck_assert_str_eq(cfg.cg_writes.v[0].option, "memory.reservation");
	ck_assert_str_eq(cfg.cpu_writes.v[0].value, "0");
	ck_assert_str_eq(cfg.cpu_writes.v[0].option, "cpu.burst");
	hy_oci_config_fini(&cfg);
	ck_assert_int_eq(load_resources("{\"cpu\": {\"realtimeRuntime\": 5}}", &cfg, &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "RES:1:29: cpu.realtimeRuntime: not supported: "));
	ck_assert_int_eq(load_resources("{\"linux\": {}}", &cfg, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "RES:1:11: linux: unknown property"));
	ck_assert_int_eq(load_resources("[]", &cfg, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "RES:1:1: (document): expected an object, got an array");
	ck_assert_int_eq(hy_oci_resources_load("/nonexistent/r.json", "RES", &cfg, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/r.json: No such file"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oci_config");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_oci_config_default_parses);
	tcase_add_test(tc, test_oci_config_settings);
	tcase_add_test(tc, test_oci_config_join_paths);
	tcase_add_test(tc, test_oci_config_pids_unlimited);
	tcase_add_test(tc, test_oci_config_cpuset);
	tcase_add_test(tc, test_oci_config_cpu_shares_unset);
	tcase_add_test(tc, test_oci_config_cgroup_files);
	tcase_add_test(tc, test_oci_config_more_resources);
	tcase_add_test(tc, test_oci_config_user_mounts);
	tcase_add_test(tc, test_oci_config_seccomp_profile);
	tcase_add_test(tc, test_oci_config_swap);
	tcase_add_test(tc, test_oci_config_policy_path);
	tcase_add_test(tc, test_oci_config_sysctl);
	tcase_add_test(tc, test_oci_config_devices);
	tcase_add_test(tc, test_oci_config_features);
	tcase_add_loop_test(tc, test_oci_config_refusals, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_oci_config_userns);
	tcase_add_test(tc, test_oci_config_userns_limit);
	tcase_add_test(tc, test_oci_config_userns_joined);
	tcase_add_loop_test(tc, test_oci_config_userns_refusals, 0,
			    sizeof(bad_userns) / sizeof(bad_userns[0]));
	tcase_add_test(tc, test_oci_config_position);
	tcase_add_test(tc, test_oci_config_load_missing);
	tcase_add_test(tc, test_oci_config_resources_alone);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(suite)
