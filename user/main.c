// SPDX-License-Identifier: GPL-2.0-only
/*
 * hybox entry point: global flags and the command table, nothing else.
 * Runs with the caller's privileges; commands check what they need.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "version.h"

static const struct hy_cmd commands[] = {
	{ "run", "run a command in a new sandbox and wait for it", hy_cmd_run },
	{ "ps", "list the processes of a running container", hy_cmd_ps },
	{ "events", "follow a running container's events as JSON Lines", hy_cmd_events },
	{ "stats", "show a running container's event, syscall and policy counters", hy_cmd_stats },
	{ "kill", "send a signal to a container's command (or --all its processes)", hy_cmd_kill },
	{ "pause", "freeze every process of a container", hy_cmd_pause },
	{ "resume", "thaw a paused container", hy_cmd_resume },
	{ "checkpoint", "save a running container into an image directory", hy_cmd_checkpoint },
	{ "restore", "run a container again from a checkpoint image", hy_cmd_restore },
	{ "features", "probe what this host supports and which road enforces each policy area",
	  hy_cmd_features },
	{ "syscalls", "list the road (native, emulated, denied) of every syscall, and why",
	  hy_cmd_syscalls },
	/* OCI runtime verbs, runc's command line (docs/oci.md); `run --bundle` is runc's run. */
	{ "spec", "write a default OCI config.json for a bundle", hy_cmd_spec },
	{ "create", "create a container from an OCI bundle; its command waits for start",
	  hy_cmd_create },
	{ "start", "start a created container's command", hy_cmd_start },
	{ "state", "print a container's OCI state as JSON", hy_cmd_state },
	{ "delete", "delete a stopped container (--force: any) and all it holds", hy_cmd_delete },
	{ "list", "list the containers under the state root (runc's table or --format json)",
	  hy_cmd_list },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n\n"
		   "A sandbox runtime: programs run natively under a seccomp filter; the\n"
		   "syscalls that need it are performed by hybox's emulation kernel.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR   state directory root (default %s)\n"
		   "  --debug      verbose logging to stderr (same as HYBOX_LOG=debug)\n"
		   "  --log FILE   diagnostics of detached supervisors (create, run -d)\n"
		   "  --log-format text\n"
		   "               the --log format (only text so far)\n"
		   "  --systemd-cgroup\n"
		   "               not supported (hybox manages its cgroup v2 leaves itself)\n"
		   "  -h, --help   show this help\n"
		   "  --version    show version information\n\n"
		   "Run 'hybox COMMAND --help' for a command's options.\n",
		HY_DEFAULT_ROOT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "debug", no_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct hy_global_opts g = { .root = HY_DEFAULT_ROOT };
	int c;

	hy_log_init();
	/* '+': stop at the first non-option (the command name). */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			g.root = optarg;
			break;
		case 'd':
			g.debug = 1;
			hy_log_level = HY_LOG_DEBUG;
			break;
		case 'l':
			g.log = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "hybox: --log-format %s: not supported yet (only "
						"text)\n", optarg);
				return HY_EXIT_RUNTIME;
			}
			break;
		case 's':
			fprintf(stderr, "hybox: --systemd-cgroup: not supported (hybox creates and "
					"removes its cgroup v2 leaves itself, under <cgroup2>/hybox or "
					"at config.json's linux.cgroupsPath)\n");
			return HY_EXIT_RUNTIME;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("hybox version %s\n", HYBOX_VERSION);
			return 0;
		default:
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0) {
			int idx = optind;
			optind = 0; /* full getopt reset: commands parse argv[1..] themselves */
			return commands[i].run(&g, argc - idx, argv + idx);
		}
	fprintf(stderr, "hybox: unknown command '%s' (see 'hybox --help')\n", name);
	return HY_EXIT_RUNTIME;
}
