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
#include "logfile.h"
#include "proc_title.h"
#include "gen/commit.h"
#include "version.h"

static const struct hy_cmd commands[] = {
	{ "run", "run a command in a new sandbox and wait for it", hy_cmd_run },
	{ "ps", "list the processes of a running container", hy_cmd_ps },
	{ "events", "follow a running container's events as JSON Lines", hy_cmd_events },
	{ "stats", "show a running container's event, syscall and policy counters", hy_cmd_stats },
	{ "exec", "run one more process in a running container", hy_cmd_exec },
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
	{ "update", "change a container's resource limits in place (runc's update)",
	  hy_cmd_update },
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
		   "  --log FILE   append every diagnostic there too (a detached supervisor's:\n"
		   "               only there)\n"
		   "  --log-format text|json\n"
		   "               --log's lines: as on stderr (text, the default), or runc's\n"
		   "               JSON objects {\"level\", \"msg\", \"time\"} (json)\n"
		   "  --systemd-cgroup\n"
		   "               not supported (hybox manages its cgroup v2 leaves itself)\n"
		   "  -h, --help   show this help\n"
		   "  --version    show version information\n\n"
		   "Run 'hybox COMMAND --help' for a command's options.\n",
		HY_DEFAULT_ROOT);
}

/* runc's three lines (podman and containerd log them). */
static void version(void)
{
	printf("hybox version %s\ncommit: %s\nspec: %s\n", HYBOX_VERSION, HYBOX_COMMIT,
	       HYBOX_OCI_SPEC);
}

struct globals {
	struct hy_global_opts g;
	enum hy_log_format log_format;
	bool is_systemd_cgroup;
};

/* The flags before the command name: -1 to go on, else the exit status. */
static int parse_globals(int argc, char **argv, struct globals *x)
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
	int c;
	/* '+': stop at the first non-option (the command name). */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'r') {
			x->g.root = optarg;
		} else if (c == 'd') {
			x->g.debug = 1;
			hy_log_level = HY_LOG_DEBUG;
		} else if (c == 'l') {
			x->g.log = optarg;
		} else if (c == 'f') {
			if (hy_log_format_parse(optarg, &x->log_format) < 0) {
				fprintf(stderr, "hybox: --log-format %s: expected text or json\n",
					optarg);
				return HY_EXIT_RUNTIME;
			}
		} else if (c == 's') {
			x->is_systemd_cgroup = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else if (c == 'V') {
			version();
			return 0;
		} else {
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct globals x = { .g = { .root = HY_DEFAULT_ROOT }, .log_format = HY_LOG_FORMAT_TEXT };
	struct hy_err err = { 0 };

	hy_proc_title_init(argc, argv); /* before getopt permutes argv */
	hy_log_init();
	int r = parse_globals(argc, argv, &x);
	if (r >= 0)
		return r;
	/* From here every diagnostic is copied to --log (a refused flag below too). */
	if (x.g.log && hy_logfile_open(x.g.log, x.log_format, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	if (x.is_systemd_cgroup) {
		fprintf(stderr, "hybox: --systemd-cgroup: not supported (hybox creates and removes "
				"its cgroup v2 leaves itself, under <cgroup2>/hybox or at config.json's "
				"linux.cgroupsPath)\n");
		return HY_EXIT_RUNTIME;
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
			return commands[i].run(&x.g, argc - idx, argv + idx);
		}
	fprintf(stderr, "hybox: unknown command '%s' (see 'hybox --help')\n", name);
	return HY_EXIT_RUNTIME;
}
