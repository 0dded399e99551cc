// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox checkpoint [--image DIR] [--leave-running] [--check] ID` (and runc's
 * `--image-path DIR [--work-path W] [--leave-running]`): save a
 * running container into an image directory (ckpt_dump.c). The directory
 * is created if missing and must be empty; a failed checkpoint removes what
 * it wrote (and the directory, if it made it), and leaves the container
 * running. Needs root (ptrace, namespaces, cgroup files).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt_dump.h"
#include "cmd.h"
#include "criu_flags.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox checkpoint --image DIR [--leave-running] [--compress LEVEL] ID\n"
		"       hybox checkpoint --check ID\n\n"
		"Freeze container ID, save its processes (memory, registers, threads, open\n"
		"files, pipes, unix socket pairs, shared memory and memfds, eventfd, signalfd,\n"
		"timerfd and epoll fds, signal handlers, credentials) and the container's\n"
		"clocks and hostname into DIR, then end the container; `hybox restore --image\n"
		"DIR` brings it back, here or on another machine with the same kernel, CPU\n"
		"features and files. What cannot be saved yet (inet, listening, named or\n"
		"datagram sockets, FIFOs, SysV shared memory, POSIX timers, file locks, an\n"
		"eventfd, timerfd, signalfd or epoll fd shared by two processes) makes the\n"
		"checkpoint fail with a line naming each, and the container keeps running.\n"
		"The image format: docs/checkpoint-format.md.\n\n"
		"  -i, --image DIR, --image-path DIR\n"
		"                       where the image goes (created; must be empty)\n"
		"      --leave-running  let the container continue after the checkpoint\n"
		"      --compress none|fast|best\n"
		"                       deflate the page files (zlib level 1 or 9; default none)\n"
		"      --check          only say what would block a checkpoint; change nothing\n"
		"      --work-path W    runc's: on failure hybox writes its error to W/dump.log\n"
		"                       (where CRIU's log would be); no other work files\n"
		"      --shell-job      runc's, accepted: the container's stdio (a terminal too)\n"
		"                       is saved as stdio, which the restore's replaces\n"
		"      --file-locks     runc's (containerd always passes it), accepted: hybox\n"
		"                       saves no file locks, and a container holding one is\n"
		"                       refused, as CRIU refuses it without this option\n"
		"  -h, --help           show this help\n\n"
		"runc's other CRIU options (--tcp-established, --ext-unix-sk,\n"
		"--manage-cgroups-mode, --empty-ns, --lazy-pages, --auto-dedup, --page-server,\n"
		"--pre-dump, --parent-path, --status-fd) are refused by name: hybox's\n"
		"checkpoint has none of them yet.\n"
		"Exit status: 0 when saved (with --check: when nothing blocks), 125 otherwise.\n");
}

static int compress_level(const char *v)
{
	return strcmp(v, "none") == 0 ? 0 : strcmp(v, "fast") == 0 ? 1 : strcmp(v, "best") == 0 ? 9 : -1;
}

/* Open DIR for the image: created (0700) or existing and empty. */
static int open_image_dir(const char *dir, bool *created, struct hy_err *err)
{
	*created = mkdir(dir, 0700) == 0;
	if (!*created && errno != EEXIST)
		return hy_err_setr(err, -errno, "create image directory %s", dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "open image directory %s", dir);
	DIR *d = fdopendir(openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	struct dirent *e;
	bool empty = true;
	while (d && (e = readdir(d)))
		empty &= e->d_name[0] == '.' &&
			 (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]));
	if (d)
		closedir(d);
	if (!empty) {
		close(fd);
		return hy_err_set(err, -EEXIST, "image directory %s is not empty", dir);
	}
	return fd;
}

/* Remove what a failed checkpoint wrote into dirfd (it was empty). */
static void remove_image(int dirfd, const char *dir, bool created)
{
	DIR *d = fdopendir(openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd, e->d_name, 0);
	if (d)
		closedir(d);
	if (created)
		rmdir(dir);
}

static void summary(const char *id, const char *dir, const struct ck_dump_stats *s)
{
	double ms = (double)s->frozen_ns / 1e6;
	fprintf(stderr,
		"hybox checkpoint: %s: %zu process%s, %zu thread%s, %.1f MiB of pages into %s "
		"(%.1f MiB of files); frozen %.1f ms (%.0f MB/s)\n",
		id, s->procs, s->procs == 1 ? "" : "es", s->threads, s->threads == 1 ? "" : "s",
		(double)s->bytes / (1 << 20), dir, (double)s->file_bytes / (1 << 20), ms,
		ms > 0 ? (double)s->bytes / 1e3 / ms : 0.0);
}

/*
 * The dump joins the container's mount namespace (so paths are the
 * container's): do it in a child, so this process can still clean the
 * image directory up by its host path. The child sends back its result.
 */
static int dump_in_child(const struct ck_dump_opts *o, struct ck_dump_stats *stats,
			 struct hy_err *err)
{
	struct {
		int r;
		struct ck_dump_stats stats;
		struct hy_err err;
	} res = { .r = -EIO };
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return hy_err_setr(err, -errno, "create a pipe");
	pid_t pid = fork();
	if (pid < 0)
		return hy_err_setr(err, -errno, "fork");
	if (pid == 0) {
		close(p[0]);
		res.r = ck_dump(o, &res.stats, &res.err);
		_exit(write(p[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	ssize_t n = read_full(p[0], &res, sizeof(res));
	close(p[0]);
	waitpid(pid, NULL, 0);
	if (n != (ssize_t)sizeof(res))
		return hy_err_set(err, -EIO, "the checkpoint process died");
	*stats = res.stats;
	*err = res.err;
	return res.r;
}

/* An option getopt did not take: runc's CRIU flags by name, else unknown. */
static int bad_option(int c, const char *arg)
{
	struct hy_err err = { 0 };
	if (c != ':' && hy_criu_flag_refuse(HY_CRIU_CHECKPOINT, arg, &err) < 0) {
		fprintf(stderr, "hybox checkpoint: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	fprintf(stderr, "hybox checkpoint: %s '%s'\n", c == ':' ? "missing value for" : "bad option",
		arg);
	usage(stderr);
	return HY_EXIT_RUNTIME;
}

/* Options into o, *dir and *work: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct ck_dump_opts *o, const char **dir,
		      const char **work)
{
	static const struct option opts[] = { { "image", required_argument, NULL, 'i' },
					      { "image-path", required_argument, NULL, 'i' },
					      { "work-path", required_argument, NULL, 'w' },
					      { "shell-job", no_argument, NULL, 's' },
					      { "file-locks", no_argument, NULL, 's' },
					      { "leave-running", no_argument, NULL, 'l' },
					      { "check", no_argument, NULL, 'c' },
					      { "compress", required_argument, NULL, 'z' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:h", opts, NULL)) != -1) {
		if (c == 'i') {
			*dir = optarg;
		} else if (c == 'w') {
			*work = optarg;
		} else if (c == 'l') {
			o->is_leave_running = true;
		} else if (c == 'c') {
			o->is_check = true;
		} else if (c == 'z' && (o->compress_level = compress_level(optarg)) < 0) {
			fprintf(stderr, "hybox checkpoint: --compress: expected none, fast or best, "
					"not '%s'\n", optarg);
			return HY_EXIT_RUNTIME;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else if (c != 'z' && c != 's') {
			return bad_option(c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1 || (!*dir && !o->is_check) || (*dir && o->is_check)) {
		fprintf(stderr, "hybox checkpoint: expected --image DIR ID, or --check ID\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	o->id = argv[optind];
	return -1;
}

/* --work-path W: the error in W/dump.log too (containerd's shim copies it
 * next to the bundle when a checkpoint fails). Best effort. */
static void work_log(const char *work, const char *id, const struct hy_err *err)
{
	char path[PATH_MAX];
	if (!work || (size_t)snprintf(path, sizeof(path), "%s/dump.log", work) >= sizeof(path))
		return;
	FILE *f = fopen(path, "ae");
	if (f) {
		fprintf(f, "hybox checkpoint %s: error: %s\n", id, err->msg);
		fclose(f);
	}
}

int hy_cmd_checkpoint(const struct hy_global_opts *g, int argc, char **argv)
{
	struct ck_dump_opts o = { .root = g->root, .image_dirfd = -1 };
	const char *dir = NULL, *work = NULL;
	int status = parse_args(argc, argv, &o, &dir, &work);
	if (status >= 0)
		return status;
	struct hy_err err = { 0 };
	struct ck_dump_stats stats = { 0 };
	bool created = false;
	if (dir && (o.image_dirfd = open_image_dir(dir, &created, &err)) < 0) {
		fprintf(stderr, "hybox checkpoint: %s\n", err.msg);
		work_log(work, o.id, &err);
		return HY_EXIT_RUNTIME;
	}
	int r = dump_in_child(&o, &stats, &err);
	if (r < 0 && dir)
		remove_image(o.image_dirfd, dir, created);
	if (o.image_dirfd >= 0)
		close(o.image_dirfd);
	if (r < 0) {
		fprintf(stderr, "hybox checkpoint: %s\n", err.msg);
		work_log(work, o.id, &err);
		return HY_EXIT_RUNTIME;
	}
	if (o.is_check)
		printf("%s: nothing blocks a checkpoint\n", o.id);
	else
		summary(o.id, dir, &stats);
	return 0;
}
