/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hybox restore`: turn a fresh container's waiting command (the seed: pid
 * 2, under the container's seccomp filter, with CAP_CHECKPOINT_RESTORE) into
 * the image's processes. ckpt_restore.c orchestrates: it forks the process
 * tree and the threads from the seed with the saved pids (ns_last_pid set by
 * a helper inside the container's pid namespace), then
 * ckpt_mem_restore.c replaces each address space and ckpt_proc_restore.c
 * the rest (fds, cwd, handlers, per-thread state, credentials, registers).
 * Everything the tasks do is injected syscalls (ckpt_ptrace.h), so the
 * container's filter and policy apply to the restore itself.
 */
#pragma once
#include <sys/types.h>

#include "ckpt.h"
#include "ckpt_ptrace.h"
#include "error.h"

/* In the supervisor, after the seed got its go and before the supervisor
 * confines itself (ptrace). On failure the caller kills the container. */
int ck_restore_tasks(const struct ck_image *img, int image_dirfd, pid_t init_host,
		     pid_t seed_host, struct hy_err *err);

/* The fd numbers of the image's objects in the seed and in every process
 * forked from it (ckpt_seed_objects.c): img->pipes[i]'s read and write
 * ends, img->shms[i]'s memfd, img->socks[i]'s end. */
struct ck_seed_objects {
	int (*pipe_fds)[2];
	int *shm_fds;
	int *sock_fds;
};

int ck_seed_objects_init(struct ck_seed_objects *o, const struct ck_image *img);
void ck_seed_objects_fini(struct ck_seed_objects *o);
/* Make them in the seed (before the tree forks), with their bytes. */
int ck_make_seed_objects(struct ck_task *seed, const struct ck_image *img, int image_dirfd,
			 struct ck_seed_objects *o, struct hy_err *err);

/* One process being rebuilt: its tasks (threads[i] <-> tasks[i]), stopped. */
struct ck_restore_proc {
	const struct ck_image *img;
	const struct ck_seed_objects *objs;
	const struct ck_proc *p;
	struct ck_task *tasks;
	int image_dirfd;
	uint64_t scratch; /* a scratch area in the process, CK_SCRATCH bytes */
};

#define CK_SCRATCH (16 * CK_PAGE)

/* Unmap the seed, move its vDSO where the image had it, map and fill the
 * image's memory, set the mm fields; leaves a scratch area mapped. */
int ck_restore_memory(struct ck_restore_proc *r, struct hy_err *err);
/* fds, cwd, umask, handlers, then each thread's state and credentials;
 * unmaps the scratch area and sets the final registers. */
int ck_restore_state(struct ck_restore_proc *r, struct hy_err *err);
/* Move fd got of the process to f->fd (with f's close-on-exec). */
int ck_place_fd(struct ck_restore_proc *r, long got, const struct ck_fd *f, struct hy_err *err);
/* Make an eventfd, signalfd, timerfd or (empty) epoll fd as f says. */
int ck_restore_anon_fd(struct ck_restore_proc *r, const struct ck_fd *f, struct hy_err *err);
/* Add an epoll fd's targets (all fds in place). */
int ck_restore_epoll_targets(struct ck_restore_proc *r, const struct ck_fd *f, struct hy_err *err);
/* Run a syscall in t, with -errno results turned into an error naming what. */
int ck_inject(struct ck_task *t, long *ret, const char *what, long nr, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, struct hy_err *err);
