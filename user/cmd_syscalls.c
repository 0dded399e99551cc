// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox syscalls [--policy FILE] [--object-road R] [--json]`: print the road
 * of every x86_64 syscall (table + policy, default policy without --policy)
 * with its reason, as `hybox run` would set it up on this host: the object
 * areas' syscalls are native under BPF LSM and emulated without it.
 * Unprivileged, read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "emu.h"
#include "features.h"
#include "policy.h"

static const char *road_name(int road)
{
	static const char *const names[] = { "native", "emulated", "denied" };
	return road >= 0 && road < 3 ? names[road] : "?";
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox syscalls [--policy FILE] [--object-road lsm|emulated] [--json]\n\n"
		   "List the road every x86_64 syscall takes in a container: native (runs\n"
		   "in the kernel), native with argument checks, emulated (performed by\n"
		   "kernel-emu) or denied (with the errno the task gets), and why.\n"
		   "\"+args\" after a road: native while its argument checks hold (a\n"
		   "read-only open, a send without an address), else that road.\n\n"
		   "  --policy FILE       the container's policy (default: the default policy)\n"
		   "  --object-road ROAD  where the files, exec and network rules are\n"
		   "                      enforced: lsm (BPF LSM; their syscalls stay native)\n"
		   "                      or emulated (kernel-emu performs them). Default:\n"
		   "                      lsm where the host lists BPF in its active LSMs\n"
		   "  --json              one JSON array of {nr, name, road, errno, checked,\n"
		   "                      reason}\n"
		   "  -h, --help          show this help\n");
}

static void row(int nr, const struct emu_road_decision *d, int json, json_t *arr)
{
	/* The errno of a failed argument check; emulated calls get the handler's. */
	bool denies = d->road == EMU_ROAD_DENIED || (d->road == EMU_ROAD_NATIVE && d->ncond);
	const char *err = denies ? strerrorname_np(d->err) : NULL;
	if (json) {
		json_array_append_new(arr, json_pack("{s:i,s:s,s:s,s:s?,s:b,s:s}", "nr", nr, "name",
						     emu_syscall_name(nr), "road",
						     road_name(d->road), "errno", err, "checked",
						     d->ncond > 0, "reason", d->reason));
		return;
	}
	char road[32];
	snprintf(road, sizeof(road), "%s%s", road_name(d->road), d->ncond ? "+args" : "");
	printf("%3d  %-24s %-12s %-8s %s\n", nr, emu_syscall_name(nr), road, err ? err : "",
	       d->reason);
}

int hy_cmd_syscalls(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "policy", required_argument, NULL, 'p' },
					      { "object-road", required_argument, NULL, 'o' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	int json = 0, c, lsm = hy_features_lsm_listed() > 0;
	const char *policy = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'p') {
			policy = optarg;
		} else if (c == 'o' && (!strcmp(optarg, "lsm") || !strcmp(optarg, "emulated"))) {
			lsm = !strcmp(optarg, "lsm");
		} else if (c == 'o') {
			fprintf(stderr, "hybox syscalls: --object-road: expected lsm or emulated, got '%s'\n",
				optarg);
			return HY_EXIT_RUNTIME;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "hybox syscalls: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	struct hy_policy p;
	struct hy_err err = { 0 };
	if (hy_policy_load(policy, &p, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	hy_policy_route(&p, lsm);
	if (!json)
		printf("# object policy (files, exec, network) on the %s road\n",
		       lsm ? "bpf-lsm" : "emulated");
	json_t *arr = json ? json_array() : NULL;
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision d;
		if (emu_road_resolve(&p.sys, nr, &d) != -ENOENT)
			row(nr, &d, json, arr);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(arr);
	}
	return 0;
}
