/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One CLI verb per cmd_*.c file, registered in main.c's table; `hybox --help`
 * is generated from that table. Each command parses its own options and
 * returns the process exit status (0, 125 runtime error, or the container's).
 */
#pragma once
#include <stdbool.h>
#include <stdio.h>

struct hy_global_opts {
	const char *root; /* state directory root, default /run/hybox */
	int debug;
	const char *log; /* --log FILE: every diagnostic is copied there too (logfile.h) */
};

struct hy_cmd {
	const char *name;
	const char *summary; /* one line for `hybox --help` */
	int (*run)(const struct hy_global_opts *g, int argc, char **argv);
};

/* Exit statuses (docker/podman convention). */
#define HY_EXIT_RUNTIME 125
#define HY_EXIT_NOEXEC 126
#define HY_EXIT_NOTFOUND 127

#define HY_DEFAULT_ROOT "/run/hybox"

/*
 * `hybox VERB [-h] [--json] ID`: parses -h/--help, --json (only where json is
 * not NULL) and exactly one ID. Returns the ID; or NULL with *status the exit
 * status (0 after --help, HY_EXIT_RUNTIME after a usage error), the usage
 * already printed.
 */
const char *hy_cmd_id_arg(int argc, char **argv, const char *verb, void (*usage)(FILE *),
			  bool *json, int *status);

int hy_cmd_run(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_features(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_syscalls(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_ps(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_events(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_stats(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_kill(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_exec(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_pause(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_resume(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_checkpoint(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_restore(const struct hy_global_opts *g, int argc, char **argv);
/* The OCI runtime verbs (runc's command line; docs/oci.md). */
int hy_cmd_spec(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_create(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_start(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_state(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_delete(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_list(const struct hy_global_opts *g, int argc, char **argv);
int hy_cmd_update(const struct hy_global_opts *g, int argc, char **argv);
/* `hybox run ID --bundle DIR` (hy_cmd_run hands over when it sees --bundle). */
int hy_cmd_oci_run(const struct hy_global_opts *g, int argc, char **argv);
/* `hybox restore --bundle DIR --image-path IMAGE ID` (hy_cmd_restore hands over). */
int hy_cmd_oci_restore(const struct hy_global_opts *g, int argc, char **argv);
