// SPDX-License-Identifier: GPL-2.0-only
/*
 * startup N LABEL [--unmount PATH] CMD ARGS... [+ [until TEXT] CMD ARGS...]...
 *         [:: LABEL ...]...
 *
 * Wall time of whole command runs (fork + exec + wait), the commands
 * interleaved round-robin N times so that drift on a noisy VM hits them all
 * alike. After one untimed warm-up run of each, prints one line per command:
 *   label=LABEL n=N median_us=X p10_us=Y p90_us=Z failures=F spawn_errors=S
 * (plus polls_per_run=P when it has an `until` step). The commands'
 * stdout/stderr go to /dev/null. A run that exits non-zero counts as a
 * failure (its time is still recorded); a run that could not be started at
 * all is a spawn error (not recorded; n counts recorded runs).
 * Exit 0 unless a command could not be started in its warm-up run.
 *
 * For the OCI lifecycle (bench section oci) a command may be a sequence:
 *  - `+` separates steps run one after another; the run is timed from the
 *    first step's start to the last one's end and stops at a failing step.
 *  - A step `until TEXT CMD ARGS...` runs CMD again (no pause) until its
 *    stdout contains TEXT, at most MAX_POLLS times: a poll of `state` until
 *    the container reads as stopped. Polls per run are reported.
 *  - `{run}` in an argument becomes the run number (`w` in the warm-up), so
 *    each run can use its own container id.
 *  - `--unmount PATH`: the command runs in a private mount namespace, made
 *    once, in which PATH is unmounted. The timer enters it (setns) around
 *    the command's runs, outside the timed part; relative paths then resolve
 *    from /. crun 1.8.1 needs that on a hybrid cgroup host (bench.sh says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;

#define MAX_CMDS 8
#define MAX_STEPS 8
#define MAX_POLLS 10000
#define RUN_MARK "{run}"

struct step {
	char **argv;	   /* template, RUN_MARK not yet replaced */
	const char *until; /* NULL: run once */
};

struct cmd {
	const char *label;
	struct step steps[MAX_STEPS];
	int nsteps;
	int mntns; /* -1, or the --unmount namespace */
	uint64_t *t;
	long nt;
	int failures, spawn_errors;
	long polls; /* `until` polls, warm-up excluded */
};

static int host_mntns = -1;

/* argv with RUN_MARK replaced by tag; NULL on OOM. Freed by free_argv(). */
static char **subst_argv(char **tmpl, const char *tag)
{
	int n = 0;

	while (tmpl[n])
		n++;
	char **av = calloc((size_t)n + 1, sizeof(*av));

	for (int i = 0; av && i < n; i++) {
		const char *m = strstr(tmpl[i], RUN_MARK);
		size_t len = strlen(tmpl[i]) + strlen(tag) + 1;

		av[i] = malloc(len);
		if (!av[i])
			return NULL; /* the caller exits on OOM */
		if (m)
			snprintf(av[i], len, "%.*s%s%s", (int)(m - tmpl[i]), tmpl[i], tag,
				 m + strlen(RUN_MARK));
		else
			memcpy(av[i], tmpl[i], strlen(tmpl[i]) + 1);
	}
	return av;
}

static void free_argv(char **av)
{
	for (int i = 0; av && av[i]; i++)
		free(av[i]);
	free(av);
}

/* Spawn argv with fa and wait. Returns 1 (exit 0), 0 (other status) or -1
 * (could not start). With out_fd >= 0, reads the child's stdout (the pipe's
 * read end; fa gives it wr_fd, the write end, which this closes) into buf first. */
static int spawn_wait(char **argv, const posix_spawn_file_actions_t *fa, int out_fd, int wr_fd,
		      char *buf, size_t size)
{
	pid_t pid;
	int status;
	size_t len = 0;
	int r = posix_spawn(&pid, argv[0], fa, NULL, argv, environ);

	if (wr_fd >= 0)
		close(wr_fd); /* the child has its copy: EOF comes when it ends */
	if (r != 0)
		return -1;
	if (out_fd >= 0) {
		ssize_t k;

		while ((k = read(out_fd, buf + len, size - 1 - len)) > 0 ||
		       (k < 0 && errno == EINTR))
			if (k > 0 && (len += (size_t)k) == size - 1)
				break;
		buf[len] = '\0';
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* One `until` step: poll until stdout has the text. Same return as spawn_wait. */
static int poll_until(struct cmd *c, char **argv, const char *text)
{
	char buf[16384];

	for (int i = 0; i < MAX_POLLS; i++) {
		posix_spawn_file_actions_t fa;
		int p[2], r;

		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		r = spawn_wait(argv, &fa, p[0], p[1], buf, sizeof(buf));
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		c->polls++;
		if (r < 0 || strstr(buf, text))
			return r;
	}
	return 0;
}

/* One run of every step; returns the wall time in ns, or 0 if a step could
 * not start. */
static uint64_t run_once(struct cmd *c, const posix_spawn_file_actions_t *fa, const char *tag)
{
	uint64_t t0, dt;
	int ok = 1;

	if (c->mntns >= 0 && setns(c->mntns, CLONE_NEWNS) < 0)
		return 0;
	t0 = now_ns();
	for (int s = 0; s < c->nsteps && ok == 1; s++) {
		char **av = subst_argv(c->steps[s].argv, tag);

		if (!av) {
			fprintf(stderr, "startup: out of memory\n");
			exit(1);
		}
		ok = c->steps[s].until ? poll_until(c, av, c->steps[s].until)
				       : spawn_wait(av, fa, -1, -1, NULL, 0);
		free_argv(av);
	}
	dt = now_ns() - t0;
	if (c->mntns >= 0 && setns(host_mntns, CLONE_NEWNS) < 0) {
		perror("startup: setns back to the first mount namespace");
		exit(1);
	}
	if (ok < 0)
		return 0;
	if (!ok)
		c->failures++;
	return dt ? dt : 1;
}

/* A private mount namespace with path unmounted; the timer stays where it was.
 * Returns its fd, or -1 (printed). */
static int unmount_ns(const char *path)
{
	int fd = -1;

	if (host_mntns < 0 && (host_mntns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) < 0) {
		perror("startup: /proc/self/ns/mnt");
		return -1;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    umount2(path, MNT_DETACH) < 0)
		fprintf(stderr, "startup: --unmount %s: %s\n", path, strerror(errno));
	else
		fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (setns(host_mntns, CLONE_NEWNS) < 0) {
		perror("startup: setns back to the first mount namespace");
		exit(1);
	}
	return fd;
}

/* Parses argv[i..] up to "::" or the end into c; returns the next index, or -1. */
static int parse_cmd(struct cmd *c, char **argv, int argc, int i)
{
	memset(c, 0, sizeof(*c));
	c->mntns = -1;
	c->label = argv[i++];
	if (i + 1 < argc && strcmp(argv[i], "--unmount") == 0) {
		if ((c->mntns = unmount_ns(argv[i + 1])) < 0)
			return -1;
		i += 2;
	}
	while (i < argc && strcmp(argv[i], "::") != 0) {
		struct step *s = &c->steps[c->nsteps];

		if (c->nsteps == MAX_STEPS)
			return -1;
		if (strcmp(argv[i], "until") == 0 && i + 2 < argc) {
			s->until = argv[i + 1];
			i += 2;
		}
		s->argv = &argv[i];
		while (i < argc && strcmp(argv[i], "::") != 0 && strcmp(argv[i], "+") != 0)
			i++;
		if (s->argv == &argv[i])
			return -1; /* an empty step */
		c->nsteps++;
		if (i < argc && strcmp(argv[i], "+") == 0)
			argv[i++] = NULL; /* terminate this step's argv */
	}
	if (c->nsteps == 0)
		return -1;
	if (i < argc)
		argv[i++] = NULL; /* the "::" */
	return i;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int ncmd = 0;
	long n;
	char *end, tag[32];
	posix_spawn_file_actions_t fa;

	if (argc < 4 || (n = strtol(argv[1], &end, 0)) < 1 || *end) {
		fprintf(stderr, "usage: startup N LABEL [--unmount PATH] CMD ARGS... "
				"[+ [until TEXT] CMD ARGS...]... [:: LABEL ...]...\n");
		return 2;
	}
	for (int i = 2; i < argc; ncmd++) {
		if (ncmd == MAX_CMDS || (i = parse_cmd(&cmds[ncmd], argv, argc, i)) < 0) {
			fprintf(stderr, "startup: bad command list\n");
			return 2;
		}
		cmds[ncmd].t = calloc((size_t)n, sizeof(uint64_t));
		if (!cmds[ncmd].t)
			return 1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (int c = 0; c < ncmd; c++) { /* warm-up: page cache, first-run setup */
		if (!run_once(&cmds[c], &fa, "w")) {
			fprintf(stderr, "startup: cannot run %s (%s)\n", cmds[c].label,
				cmds[c].steps[0].argv[0]);
			return 1;
		}
		cmds[c].failures = 0;
		cmds[c].polls = 0;
	}
	for (long r = 0; r < n; r++)
		for (int c = 0; c < ncmd; c++) {
			uint64_t dt;

			snprintf(tag, sizeof(tag), "%ld", r);
			dt = run_once(&cmds[c], &fa, tag);
			if (dt)
				cmds[c].t[cmds[c].nt++] = dt;
			else
				cmds[c].spawn_errors++;
		}
	for (int c = 0; c < ncmd; c++) {
		struct cmd *m = &cmds[c];
		long k = m->nt ? m->nt : 1;
		int has_until = 0;

		for (int s = 0; s < m->nsteps; s++)
			has_until |= m->steps[s].until != NULL;
		if (m->nt == 0)
			m->t[0] = 0;
		qsort(m->t, (size_t)m->nt, sizeof(uint64_t), cmp_u64);
		printf("label=%s n=%ld median_us=%.1f p10_us=%.1f p90_us=%.1f failures=%d "
		       "spawn_errors=%d",
		       m->label, m->nt, (double)m->t[k / 2] / 1e3, (double)m->t[k / 10] / 1e3,
		       (double)m->t[(k * 9) / 10] / 1e3, m->failures, m->spawn_errors);
		if (has_until)
			printf(" polls_per_run=%.2f", (double)m->polls / (double)n);
		printf("\n");
	}
	return 0;
}
