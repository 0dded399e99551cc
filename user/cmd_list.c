// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox list` (runc's): every container under the state root, with its OCI
 * state (oci_state.c), as runc's table, JSON array, or ids only. Runs with
 * the caller's privileges; a container that goes away while it is listed is
 * left out, as runc does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "container.h"
#include "oci_state.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox list [--format table|json] [-q|--quiet]\n\n"
		   "List the containers under the state root (hybox --root, default\n"
		   HY_DEFAULT_ROOT "): those of 'hybox create' and 'hybox run' alike.\n\n"
		   "  -f, --format table  ID, PID, STATUS, BUNDLE, CREATED and OWNER columns\n"
		   "                      (the default)\n"
		   "  -f, --format json   a JSON array of the containers' OCI states plus \"owner\"\n"
		   "  -q, --quiet         the ids only, one per line\n"
		   "  -h, --help          show this help\n");
}

/* The user name of uid from /etc/passwd, else "#UID" (runc's fallback). */
static void owner_name(uid_t uid, char *buf, size_t len)
{
	_cleanup_free_ char *passwd = NULL;
	snprintf(buf, len, "#%u", (unsigned)uid);
	if (read_file_at(AT_FDCWD, "/etc/passwd", &passwd) < 0)
		return;
	for (char *line = strtok(passwd, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strtoul(c2 + 1, NULL, 10) == uid && c2[1] != ':') {
			snprintf(buf, len, "%.*s", (int)(c1 - line), line);
			return;
		}
	}
}

static int is_container_id(const struct dirent *de)
{
	struct hy_err ignored = { 0 };
	return hy_id_validate(de->d_name, &ignored) == 0;
}

/* The states of every container under root, by id, into a new array. */
static int collect(const char *root, json_t **ret, struct hy_err *err)
{
	struct dirent **ids;
	int n = scandir(root, &ids, is_container_id, alphasort);
	if (n < 0 && errno != ENOENT)
		return hy_err_setr(err, -errno, "read the state root %s", root);
	json_t *all = json_array();
	for (int i = 0; i < n; i++) { /* none when nothing ever ran here (ENOENT) */
		struct hy_err ignored = { 0 };
		char path[PATH_MAX], owner[64];
		json_t *state;
		struct stat st;
		if (hy_oci_state_get(root, ids[i]->d_name, &state, &ignored) == 0) {
			snprintf(path, sizeof(path), "%s/%s", root, ids[i]->d_name);
			owner_name(stat(path, &st) == 0 ? st.st_uid : 0, owner, sizeof(owner));
			json_object_set_new(state, "owner", json_string(owner));
			json_array_append_new(all, state);
		}
		free(ids[i]);
	}
	if (n >= 0)
		free(ids);
	*ret = all;
	return 0;
}

static const char *str(const json_t *state, const char *key)
{
	const char *v = json_string_value(json_object_get(state, key));
	return v ? v : "";
}

/* runc's table: columns padded to their widest cell, three spaces apart. */
static void print_table(const json_t *all)
{
	static const char *const head[] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
	size_t w[6], i;
	json_t *s;
	char pid[24];
	for (i = 0; i < 6; i++)
		w[i] = strlen(head[i]);
	json_array_foreach (all, i, s) {
		snprintf(pid, sizeof(pid), "%lld", json_integer_value(json_object_get(s, "pid")));
		const char *cell[6] = { str(s, "id"), pid, str(s, "status"), str(s, "bundle"),
					str(s, "created"), str(s, "owner") };
		for (size_t c = 0; c < 6; c++)
			w[c] = MAX(w[c], strlen(cell[c]));
	}
	printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", (int)w[0], head[0], (int)w[1], head[1],
	       (int)w[2], head[2], (int)w[3], head[3], (int)w[4], head[4], head[5]);
	json_array_foreach (all, i, s) {
		snprintf(pid, sizeof(pid), "%lld", json_integer_value(json_object_get(s, "pid")));
		printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", (int)w[0], str(s, "id"), (int)w[1],
		       pid, (int)w[2], str(s, "status"), (int)w[3], str(s, "bundle"), (int)w[4],
		       str(s, "created"), str(s, "owner"));
	}
}

int hy_cmd_list(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false, quiet = false;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0)) {
			json = strcmp(optarg, "json") == 0;
		} else {
			fprintf(stderr, c == 'f' ? "hybox list: --format: expected table or json, got '%s'\n" :
				"hybox list: unknown option or missing value '%s'\n",
				c == 'f' ? optarg : argv[optind - 1]);
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hybox list: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	struct hy_err err = { 0 };
	json_t *all, *s;
	size_t i;
	if (collect(g->root, &all, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	if (quiet) {
		json_array_foreach (all, i, s)
			printf("%s\n", str(s, "id"));
	} else if (json) {
		json_dumpf(all, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		print_table(all);
	}
	json_decref(all);
	return fflush(stdout) == 0 ? 0 : HY_EXIT_RUNTIME;
}
