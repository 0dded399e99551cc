// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox stats [--json] ID`: a running container's counters, asked of its
 * supervisor over the control socket (op "stats"): events produced per kind
 * and what each sink wrote, filtered or dropped; the BPF rings' counters;
 * kernel-emu's syscall decisions; policy decisions by area and road. Runs
 * with the caller's privileges; prints what the supervisor sends.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"
#include "evfilter.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox stats [--json] ID\n"
		"\n"
		"Show the counters the supervisor of the running container ID keeps since\n"
		"the container started, whether or not it was started with --events:\n"
		"\n"
		"  Events    every event produced, per kind, and how many the policy's\n"
		"            \"events\" setting kept from every sink; for the --events sink\n"
		"            and each follower (hybox events): lines written, filtered out,\n"
		"            dropped (a follower's full queue), plus the file's rotations\n"
		"            and errors.\n"
		"  BPF       events the exec/fork/exit and LSM programs submitted to their\n"
		"            ring buffers and lost when a ring was full (only while those\n"
		"            programs are loaded: --events, a follower or hybox ps asked for\n"
		"            them).\n"
		"  Tasks     the task set behind hybox ps: fed by the exec/fork/exit\n"
		"            events once loaded, else built by scanning the cgroup.\n"
		"  Syscalls  kernel-emu's decisions (emulate, deny, audit, unimplemented),\n"
		"            per syscall. Calls on the native road never reach hybox and are\n"
		"            not counted; nor are per-syscall counts taken in BPF. Denials the\n"
		"            rate limit (100/s, burst 1000) kept from becoming events are\n"
		"            counted apart, as `suppressed`.\n"
		"  Policy    object-policy decisions (deny, audit) per area (files, exec,\n"
		"            network, process) and per road (emulated, bpf-lsm).\n"
		"\n"
		"  --json      the same as one JSON object (fields in docs/events.md)\n"
		"  -h, --help  show this help\n"
		"\n"
		"Exit status: 0, or 125 on an error (unknown or stopped container, permission\n"
		"denied: root or the owner of the state directory only).\n"
		"\n"
		"Examples:\n"
		"  hybox stats box1\n"
		"  hybox stats --json box1 | jq '.syscalls.by_syscall'\n");
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void print_kinds(json_t *kinds, char *buf, size_t cap)
{
	size_t i, n = 0;
	json_t *k;

	buf[0] = '\0';
	if (json_array_size(kinds) == HY_EVK__COUNT) {
		snprintf(buf, cap, "all");
		return;
	}
	json_array_foreach(kinds, i, k) {
		int w = snprintf(buf + n, cap - n, "%s%s", i ? "," : "", json_string_value(k));
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += w;
	}
	if (!n)
		snprintf(buf, cap, "none");
}

static void print_events(json_t *s)
{
	json_t *ev = json_object_get(s, "events"), *by = json_object_get(ev, "by_kind"), *v;
	const char *key;

	printf("Events produced           %12lld\n", num(ev, "produced"));
	json_object_foreach(by, key, v)
		if (json_integer_value(v))
			printf("  %-23s %12lld\n", key, json_integer_value(v));
	printf("  kept out by the policy's \"events\" setting: %lld; numbered (seq): %lld\n",
	       num(ev, "filtered_by_policy"), num(ev, "numbered"));
}

static void print_sinks(json_t *s)
{
	json_t *sinks = json_object_get(s, "sinks"), *f = json_object_get(s, "followers"), *k;
	char kinds[256], name[300];
	size_t i;

	printf("\n%-30s %-14s %10s %10s %10s\n", "Sinks", "KINDS", "WRITTEN", "FILTERED",
	       "DROPPED");
	if (json_array_size(sinks) == 0)
		printf("  (none: no --events and no follower)\n");
	json_array_foreach(sinks, i, k) {
		const char *type = json_string_value(json_object_get(k, "type"));
		print_kinds(json_object_get(k, "kinds"), kinds, sizeof(kinds));
		if (strcmp(type, "follower") == 0)
			snprintf(name, sizeof(name), "follower pid %lld", num(k, "pid"));
		else
			snprintf(name, sizeof(name), "%s %s", type,
				 json_string_value(json_object_get(k, "path")));
		printf("  %-28s %-14s %10lld %10lld %10lld\n", name, kinds, num(k, "written"),
		       num(k, "filtered"), num(k, "dropped"));
		if (strcmp(type, "file") == 0)
			printf("    %lld bytes, %lld rotations, %lld write errors\n",
			       num(k, "bytes"), num(k, "rotations"), num(k, "errors"));
		else if (strcmp(type, "follower") == 0)
			printf("    uid %lld, %lld lines queued\n", num(k, "uid"),
			       num(k, "queued"));
	}
	printf("  followers: %lld connected, %lld since start; %lld lines written to them, "
	       "%lld dropped\n",
	       num(f, "connected"), num(f, "total"), num(f, "written"), num(f, "dropped"));
}

static void print_bpf(json_t *s)
{
	json_t *b = json_object_get(s, "bpf");

	if (json_is_true(json_object_get(b, "loaded")))
		printf("\nBPF rings (exec/fork/exit, LSM policy): %lld events submitted, %lld lost "
		       "(ring full)\n",
		       num(b, "produced"), num(b, "dropped"));
	else
		printf("\nBPF rings (exec/fork/exit, LSM policy): %s (loaded when --events, a "
		       "follower or hybox ps asks for them)\n",
		       json_string_value(json_object_get(b, "reason")) ?: "not loaded");
	json_t *t = json_object_get(s, "tasks");
	printf("Task set: %lld threads known, from %s (%lld events applied, %lld cgroup scans)\n",
	       num(t, "known"), json_string_value(json_object_get(t, "source")) ?: "?",
	       num(t, "events"), num(t, "scans"));
}

static void print_syscalls(json_t *s)
{
	json_t *sc = json_object_get(s, "syscalls"), *d = json_object_get(sc, "decisions");
	json_t *per = json_object_get(sc, "by_syscall"), *e;
	size_t i;

	printf("\nSyscalls decided by kernel-emu (the native road is not counted)\n");
	printf("  emulate %lld, deny %lld, audit %lld, unimplemented %lld; suppressed by the "
	       "rate limit %lld\n",
	       num(d, "emulate"), num(d, "deny"), num(d, "audit"), num(d, "unimplemented"),
	       num(sc, "suppressed"));
	if (json_array_size(per) == 0)
		return;
	printf("  %-22s %5s %-14s %12s\n", "SYSCALL", "NR", "DECISION", "COUNT");
	json_array_foreach(per, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *nr = json_object_get(e, "nr");
		char nrs[16] = "-";
		if (json_is_integer(nr))
			snprintf(nrs, sizeof(nrs), "%lld", json_integer_value(nr));
		printf("  %-22s %5s %-14s %12lld\n",
		       name ? name : (json_is_integer(nr) ? "?" : "(other ABI or number)"), nrs,
		       json_string_value(json_object_get(e, "decision")), num(e, "count"));
	}
}

/* --trace-syscalls: the BPF counts of every syscall, the top ten. */
static void print_traced(json_t *s)
{
	json_t *t = json_object_get(s, "traced"), *e;
	size_t i;

	if (!t)
		return;
	printf("\nAll syscalls of the container (--trace-syscalls, BPF), top 10 of %zu\n",
	       json_array_size(t));
	printf("  %-22s %5s %12s\n", "SYSCALL", "NR", "COUNT");
	json_array_foreach(t, i, e) {
		if (i == 10)
			break;
		printf("  %-22s %5lld %12lld\n", json_string_value(json_object_get(e, "name")),
		       num(e, "nr"), num(e, "count"));
	}
}

static void print_policy(json_t *s)
{
	json_t *p = json_object_get(s, "policy"), *areas = json_object_get(p, "by_area");
	json_t *road = json_object_get(p, "by_road"), *a;
	const char *key;

	printf("\n%-30s %10s %10s\n", "Policy decisions", "DENY", "AUDIT");
	json_object_foreach(areas, key, a)
		printf("  %-28s %10lld %10lld\n", key, num(a, "deny"), num(a, "audit"));
	printf("  by road: emulated %lld, bpf-lsm %lld; suppressed by the rate limit %lld\n",
	       num(road, "emulated"), num(road, "bpf-lsm"), num(p, "suppressed"));
}

int hy_cmd_stats(const struct hy_global_opts *g, int argc, char **argv)
{
	bool json = false;
	int status;
	const char *id = hy_cmd_id_arg(argc, argv, "stats", usage, &json, &status);
	if (!id)
		return status;
	struct hy_err err = { 0 };
	json_t *reply = NULL, *req = json_pack("{s:s}", "op", "stats");
	int r = hy_control_call(g->root, id, req, &reply, &err);
	json_decref(req);
	if (r < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	json_t *s = json_object_get(reply, "stats");
	if (json) {
		json_dumpf(s, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("Container %s\n\n", json_string_value(json_object_get(s, "id")));
		print_events(s);
		print_sinks(s);
		print_bpf(s);
		print_syscalls(s);
		print_traced(s);
		print_policy(s);
	}
	json_decref(reply);
	return 0;
}
