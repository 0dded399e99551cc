// SPDX-License-Identifier: GPL-2.0-only
/*
 * startup N LABEL CMD ARGS... [:: LABEL CMD ARGS...]...
 *
 * Wall time of whole command runs (fork + exec + wait), the commands
 * interleaved round-robin N times so that drift on a noisy VM hits them all
 * alike. After one untimed warm-up run of each, prints one line per command:
 *   label=LABEL n=N median_us=X p10_us=Y p90_us=Z failures=F spawn_errors=S
 * The commands' stdout/stderr go to /dev/null. A run that exits non-zero
 * counts as a failure (its time is still recorded); a run that could not be
 * started at all is a spawn error (not recorded; n counts recorded runs).
 * Exit 0 unless a command could not be started in its warm-up run.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;

#define MAX_CMDS 8

struct cmd {
	const char *label;
	char **argv;
	uint64_t *t;
	long nt;
	int failures, spawn_errors;
};



/* One run; returns the wall time in ns, or 0 if the command could not start. */
static uint64_t run_once(struct cmd *c, const posix_spawn_file_actions_t *fa)
{
	pid_t pid;
	int status;
	uint64_t t0 = now_ns();

	if (posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ) != 0)
		return 0;
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	uint64_t dt = now_ns() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		c->failures++;
	return dt ? dt : 1;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int ncmd = 0;
	long n;
	char *end;
	posix_spawn_file_actions_t fa;

	if (argc < 4 || (n = strtol(argv[1], &end, 0)) < 1 || *end) {
		fprintf(stderr, "usage: startup N LABEL CMD ARGS... [:: LABEL CMD ARGS...]...\n");
		return 2;
	}
	for (int i = 2; i < argc;) {
		if (ncmd == MAX_CMDS || i + 1 >= argc) {
			fprintf(stderr, "startup: bad command list\n");
			return 2;
		}
		cmds[ncmd].label = argv[i];
		cmds[ncmd].argv = &argv[i + 1];
		cmds[ncmd].failures = 0;
		cmds[ncmd].spawn_errors = 0;
		cmds[ncmd].nt = 0;
		cmds[ncmd].t = calloc((size_t)n, sizeof(uint64_t));
		if (!cmds[ncmd].t)
			return 1;
		int j = i + 1;
		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (j < argc)
			argv[j] = NULL; /* terminate this command's argv */
		i = j + 1;
		ncmd++;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (int c = 0; c < ncmd; c++) { /* warm-up: page cache, first-run setup */
		if (!run_once(&cmds[c], &fa)) {
			fprintf(stderr, "startup: cannot run %s (%s)\n", cmds[c].label,
				cmds[c].argv[0]);
			return 1;
		}
		cmds[c].failures = 0;
	}
	for (long r = 0; r < n; r++)
		for (int c = 0; c < ncmd; c++) {
			uint64_t dt = run_once(&cmds[c], &fa);

			if (dt)
				cmds[c].t[cmds[c].nt++] = dt;
			else
				cmds[c].spawn_errors++;
		}
	for (int c = 0; c < ncmd; c++) {
		struct cmd *m = &cmds[c];
		long k = m->nt ? m->nt : 1;

		if (m->nt == 0)
			m->t[0] = 0;
		qsort(m->t, (size_t)m->nt, sizeof(uint64_t), cmp_u64);
		printf("label=%s n=%ld median_us=%.1f p10_us=%.1f p90_us=%.1f failures=%d "
		       "spawn_errors=%d\n",
		       m->label, m->nt, (double)m->t[k / 2] / 1e3, (double)m->t[k / 10] / 1e3,
		       (double)m->t[(k * 9) / 10] / 1e3, m->failures, m->spawn_errors);
	}
	return 0;
}
