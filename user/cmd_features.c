// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox features [--json]`: probe the host (features.c) and print what it
 * supports and which road enforces each policy area. Runs with the caller's
 * privileges (root to see what the runtime will see). Must not enforce or
 * configure anything: the only side effects are the probes' own, which
 * features.c undoes before returning.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cmd.h"
#include "features.h"
#include "oci_config.h"

static void usage(FILE *out)
{
	fputs("NAME\n"
	      "    hybox features - probe what this host supports and how policy is enforced\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    hybox [GLOBAL OPTIONS] features [--json]\n"
	      "    hybox [GLOBAL OPTIONS] features --oci\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    Exercises each kernel feature hybox can use and prints one line per\n"
	      "    feature, \"NAME: yes\" or \"NAME: no (REASON)\", where REASON names the step\n"
	      "    that failed and its errno message. Probes that change process state\n"
	      "    (seccomp filters, unshare) run in short-lived child processes; BPF\n"
	      "    objects are loaded, attached for a moment and destroyed.\n"
	      "\n"
	      "    Features: seccomp filter, seccomp user notification, seccomp NOTIF_ADDFD,\n"
	      "    seccomp NOTIF_FD_SYNC_WAKE_UP, BPF syscall, BTF, BPF ring buffer, BPF\n"
	      "    tracing (tp_btf), BPF LSM (with the active LSM list), cgroup v2 with\n"
	      "    cgroup.freeze and cgroup.kill, user/pid/time namespaces, pidfd_getfd,\n"
	      "    openat2 (RESOLVE_IN_ROOT).\n"
	      "\n"
	      "    Then, for each policy area (files, exec, network, mount, ptrace,\n"
	      "    signals), the road that enforces it on this host and why:\n"
	      "      bpf-lsm      in-kernel LSM hooks check the objects; no TOCTOU\n"
	      "      emulated     seccomp user notification; kernel-emu performs the call\n"
	      "                   on its own copy of the arguments\n"
	      "      denied       the syscall table refuses the family (mount, ptrace\n"
	      "                   without BPF LSM)\n"
	      "      unavailable  neither road is possible on this host\n"
	      "\n"
	      "OPTIONS\n"
	      "    --json\n"
	      "        Print one JSON object instead of text:\n"
	      "          {\"features\": {KEY: {\"available\": BOOL, \"reason\": STRING}, ...},\n"
	      "           \"cgroup2\": {\"path\": STRING|null, \"freeze\": BOOL, \"kill\": BOOL},\n"
	      "           \"roads\": {AREA: {\"road\": STRING, \"why\": STRING}, ...},\n"
	      "           \"object_policy\": {\"enforced\": BOOL, \"why\": STRING},\n"
	      "           \"views\": {\"served\": BOOL, \"why\": STRING},\n"
	      "           \"uptime\": {\"container\": BOOL, \"why\": STRING},\n"
	      "           \"tasks\": {\"events\": BOOL, \"why\": STRING}}\n"
	      "        \"reason\" is present only when \"available\" is false. KEY is one of\n"
	      "        seccomp_filter, seccomp_notif, seccomp_notif_addfd,\n"
	      "        seccomp_notif_sync_wakeup, bpf, btf, ringbuf, bpf_tracing, bpf_lsm,\n"
	      "        cgroup2, cgroup_freeze, cgroup_kill, userns, pidns, timens,\n"
	      "        pidfd_getfd, openat2, cgroup_memory, cgroup_cpu, cgroup_pids,\n"
	      "        cgroup_cpuset, cgroup_io, cgroup_hugetlb, cgroup_rdma, fuse.\n"
	      "        These names are stable; scripts may rely on them.\n"
	      "\n"
	      "    --oci\n"
	      "        Print runc's `runc features` JSON document (runtime-spec\n"
	      "        features.md) for hybox's OCI side instead: what a config.json may\n"
	      "        ask for (ociVersionMin/Max, hooks, mountOptions, linux.namespaces,\n"
	      "        capabilities, cgroup, seccomp, apparmor, selinux, annotations),\n"
	      "        built from the config parser's own tables. Probes nothing.\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "NOTES\n"
	      "    Results are for the calling user: run as root to see what the runtime\n"
	      "    sees. To check cgroup.freeze/cgroup.kill, which exist only below the\n"
	      "    root cgroup, the probe looks in <cgroup2 mount>/hybox or another existing\n"
	      "    child; if there is none it creates and removes <mount>/hybox-probe.PID.\n"
	      "    The global --debug flag shows libbpf's messages from the BPF probes.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0 when the report was printed (a missing feature is not an error);\n"
	      "    125 on a usage error or if the output could not be written.\n"
	      "\n"
	      "EXAMPLE\n"
	      "    hybox features --json |\n"
	      "        python3 -c 'import json,sys; "
	      "sys.exit(not json.load(sys.stdin)[\"features\"][\"bpf_lsm\"][\"available\"])'\n",
	      out);
}

/* Print root (owned; NULL: out of memory) indented, with a newline. */
static int print_json(json_t *root)
{
	int r;

	if (!root) {
		fprintf(stderr, "hybox: features: out of memory building JSON\n");
		return HY_EXIT_RUNTIME;
	}
	r = json_dumpf(root, stdout, JSON_INDENT(2));
	json_decref(root);
	if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
		fprintf(stderr, "hybox: features: cannot write to stdout\n");
		return HY_EXIT_RUNTIME;
	}
	return 0;
}

int hy_cmd_features(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "oci", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct hy_features f;
	bool is_json = false, is_oci = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			is_json = true;
			break;
		case 'o':
			is_oci = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'hybox features --help'.\n");
			return HY_EXIT_RUNTIME;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hybox: features: unexpected argument '%s'\n", argv[optind]);
		return HY_EXIT_RUNTIME;
	}

	if (is_oci && is_json) {
		fprintf(stderr, "hybox: features: --oci and --json do not go together (--oci is "
				"JSON already)\n");
		return HY_EXIT_RUNTIME;
	}
	if (is_oci)
		return print_json(hy_oci_features());
	hy_features_probe(&f);
	if (is_json)
		return print_json(hy_features_to_json(&f));
	if (hy_features_print_text(stdout, &f) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "hybox: features: cannot write to stdout\n");
		return HY_EXIT_RUNTIME;
	}
	return 0;
}
