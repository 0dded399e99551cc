/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hybox checkpoint`: gather a frozen container into a ck_image
 * (ckpt_dump.c orchestrates; ckpt_proc_dump.c reads each process's and
 * thread's state; ckpt_mem_dump.c its memory; ckpt_fd_dump.c its fds).
 * What cannot be saved is collected as blockers, each naming the task and
 * the object, so `--check` lists them all and a dump refuses with them.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt.h"
#include "ckpt_ptrace.h"
#include "error.h"

struct ck_dump_opts {
	const char *root; /* state directory root */
	const char *id;
	int image_dirfd;  /* empty directory for the image; -1 with is_check */
	bool is_leave_running;
	bool is_check;    /* only list what would block a checkpoint */
	int compress_level; /* 0: raw pages, 1-9: zlib at that level */
};

struct ck_dump_stats {
	size_t procs, threads;
	uint64_t bytes;	    /* of saved pages */
	uint64_t file_bytes; /* in the page files (compressed or not) */
	uint64_t frozen_ns; /* from the freeze until the tasks were let go or killed */
};

/* Returns 0, or -errno with err set; blockers make it fail with -ENOTSUP
 * and are printed to stderr (with is_check too). */
int ck_dump(const struct ck_dump_opts *o, struct ck_dump_stats *stats, struct hy_err *err);

#define CK_BLOCKERS_MAX 32

struct ck_blockers {
	char line[CK_BLOCKERS_MAX][256];
	size_t n, total;
};

void ck_block(struct ck_blockers *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Host pid -> container pid of the container's processes and threads. */
struct ck_pidmap {
	pid_t host[4096], ns[4096];
	size_t n;
};
pid_t ck_pidmap_ns(const struct ck_pidmap *m, pid_t host);

/* Pages written so far, for a progress line on stderr each second. */
struct ck_progress {
	const char *id;
	uint64_t bytes;
	unsigned long long start_ns, last_ns;
};

/* One process being dumped: its threads stopped, /proc/PID open. */
struct ck_dump_proc {
	struct ck_image *img; /* its pipes[] grow as fds name new pipes */
	struct ck_proc *p;
	struct ck_task *tasks; /* one per p->threads[] */
	int procfd;	       /* /proc/HOSTPID (O_PATH directory) */
	int init_procfd;       /* init's, for its stdio */
	const struct ck_pidmap *map;
	struct ck_blockers *blockers;
	int compress_level;
	int image_dirfd; /* -1 with --check: nothing is written */
	struct ck_progress *progress;
};

int ck_dump_proc_state(struct ck_dump_proc *d, struct hy_err *err);
/* A number of /proc/PID/status text (key with its leading "\n"), the last
 * of several when last (NSpid: the innermost pid namespace's); 0 if absent. */
unsigned long long ck_status_num(const char *status, const char *key, int base, bool last);
/* A blocker if s (a path or name of d's process) is not UTF-8. */
void ck_check_utf8(struct ck_dump_proc *d, const char *what, const char *s);
int ck_dump_memory(struct ck_dump_proc *d, int image_dirfd, struct hy_err *err);
int ck_dump_fds(struct ck_dump_proc *d, struct hy_err *err);
/* A socket fd (inode ino) into out, and its end into the image's socks. */
int ck_dump_socket(struct ck_dump_proc *d, int fd, uint64_t ino, const char *target,
		   struct ck_fd *out, struct hy_err *err);
/* An eventfd, signalfd, timerfd or epoll fd (target: its /proc link) into
 * out: 1; another kind: 0; -errno. */
int ck_dump_anon_fd(struct ck_dump_proc *d, int fd, const char *target, struct ck_fd *out,
		    struct hy_err *err);
/* Save shared memory object id (its fd open for reading: a memfd, or
 * /proc/PID/map_files/ of shared anonymous memory) once into shm-ID.img. */
int ck_dump_shm(struct ck_dump_proc *d, uint64_t id, int fd, const char *name,
		struct hy_err *err);
