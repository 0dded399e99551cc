// SPDX-License-Identifier: GPL-2.0-only
/*
 * The objects fds and mappings refer to (pipes, shared memory, socket
 * pairs), made once in the seed before the process tree forks from it, so
 * that every restored process finds all of them at the same fd numbers and
 * keeps the ones it had (ckpt_proc_restore.c). Their bytes go in through
 * the seed: pipes and memfds from here through /proc/SEED/fd/N, socket
 * pairs by the seed sending them through the other end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ckpt_pages.h"
#include "ckpt_restore.h"
#include "util.h"

#define CHUNK (1UL << 20)

struct seed {
	struct ck_task *task;
	const struct ck_image *img;
	uint64_t at; /* scratch memory in the seed: fd pairs, names, socket bytes */
	struct ck_seed_objects *o;
};

/* The seed's fd, opened from here for writing. */
static int open_seed_fd(const struct seed *s, int fd, int flags)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", s->task->tid, fd);
	return open(path, O_WRONLY | O_CLOEXEC | flags);
}

static int make_pipes(struct seed *s, struct hy_err *err)
{
	long ret;
	int e = 0;
	for (size_t i = 0; i < s->img->npipes && e == 0; i++) {
		const struct ck_pipe *p = &s->img->pipes[i];
		int *ends = s->o->pipe_fds[i];
		e = ck_inject(s->task, &ret, "make a pipe", SYS_pipe2, s->at, 0, 0, 0, 0, 0, err);
		if (e == 0)
			e = ck_task_read(s->task, s->at, ends, 2 * sizeof(int), err);
		if (e == 0)
			e = ck_inject(s->task, &ret, "size a pipe", SYS_fcntl, (uint64_t)ends[1],
				      F_SETPIPE_SZ, p->size, 0, 0, 0, err);
		if (e < 0 || !p->len)
			continue;
		_cleanup_close_ int w = open_seed_fd(s, ends[1], O_NONBLOCK); /* opens as a FIFO */
		if (w < 0 || (e = write_all(w, p->data, p->len)) < 0)
			e = hy_err_setr(err, w < 0 ? -errno : e, "fill a restored pipe");
	}
	return e;
}

/* Fill the seed's memfd fd with shared memory object m's saved bytes. */
static int fill_shm(const struct seed *s, int fd, int dirfd, const struct ck_shm *m,
		    struct hy_err *err)
{
	struct ck_pages_reader rd;
	_cleanup_close_ int w = open_seed_fd(s, fd, 0);
	_cleanup_close_ int in = openat(dirfd, m->file, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ uint8_t *buf = malloc(CHUNK);
	if (w < 0 || in < 0 || !buf || ck_pages_reader_open(&rd, in, m->compress) < 0)
		return hy_err_setr(err, -(errno ? errno : ENOMEM), "restore shared memory %s", m->file);
	int e = 0;
	for (uint64_t off = 0; off < m->size && e == 0;) {
		size_t n = MIN(CHUNK, m->size - off);
		e = ck_pages_read(&rd, off, buf, n);
		if (e == 0 && pwrite(w, buf, n, (off_t)off) != (ssize_t)n)
			e = -(errno ? errno : EIO);
		off += n;
	}
	ck_pages_reader_close(&rd);
	return e < 0 ? hy_err_setr(err, e, "restore shared memory %s", m->file) : 0;
}

static int make_shms(struct seed *s, int dirfd, struct hy_err *err)
{
	long fd, ret;
	int e = 0;
	for (size_t i = 0; i < s->img->nshms && e == 0; i++) {
		const struct ck_shm *m = &s->img->shms[i];
		e = ck_task_write(s->task, s->at, m->name, strlen(m->name) + 1, err);
		if (e == 0)
			e = ck_inject(s->task, &fd, "make a memfd", SYS_memfd_create, s->at, 0, 0, 0, 0,
				      0, err);
		if (e == 0)
			e = ck_inject(s->task, &ret, "size a memfd", SYS_ftruncate, (uint64_t)fd,
				      m->size, 0, 0, 0, 0, err);
		s->o->shm_fds[i] = (int)fd;
		if (e == 0)
			e = fill_shm(s, (int)fd, dirfd, m, err);
	}
	return e;
}

/* Queue k's bytes for it to read: sent through fd, its peer. */
static int send_through(const struct seed *s, int fd, const struct ck_sock *k,
			struct hy_err *err)
{
	long ret;
	if (!k->len)
		return 0;
	int e = ck_task_write(s->task, s->at, k->data, k->len, err);
	if (e == 0)
		e = ck_inject(s->task, &ret, "queue a socket's bytes", SYS_sendto, (uint64_t)fd, s->at,
			      k->len, MSG_DONTWAIT, 0, 0, err);
	if (e == 0 && (size_t)ret != k->len)
		e = hy_err_set(err, -EAGAIN, "queue a socket's bytes: %ld of %zu", ret, k->len);
	return e;
}

static int shut(const struct seed *s, int fd, int bits, struct hy_err *err)
{
	long ret;
	if (!bits)
		return 0;
	int how = bits == 3 ? SHUT_RDWR : bits == 1 ? SHUT_RD : SHUT_WR;
	return ck_inject(s->task, &ret, "shut a socket down", SYS_shutdown, (uint64_t)fd,
			 (uint64_t)how, 0, 0, 0, 0, err);
}

/* One end k (index i) and, when the container had it, its peer q (index j):
 * the bytes queued for each sent through the other, then the shutdown
 * state; an end whose peer was gone gets its peer closed, as it was. */
static int make_pair(struct seed *s, size_t i, const struct ck_sock *q, struct hy_err *err)
{
	const struct ck_sock *k = &s->img->socks[i];
	int sv[2];
	long ret;
	int e = ck_inject(s->task, &ret, "make a socket pair", SYS_socketpair, AF_UNIX, SOCK_STREAM,
			  0, s->at, 0, 0, err);
	if (e == 0)
		e = ck_task_read(s->task, s->at, sv, sizeof(sv), err);
	if (e < 0)
		return e;
	s->o->sock_fds[i] = sv[0];
	if (q)
		s->o->sock_fds[q - s->img->socks] = sv[1];
	e = send_through(s, sv[1], k, err);
	if (e == 0 && q)
		e = send_through(s, sv[0], q, err);
	if (e == 0)
		e = shut(s, sv[0], k->shutdown, err);
	if (e == 0 && q)
		e = shut(s, sv[1], q->shutdown, err);
	if (e == 0 && !q)
		e = ck_inject(s->task, &ret, "close a gone peer", SYS_close, (uint64_t)sv[1], 0, 0, 0,
			      0, 0, err);
	return e;
}

static int make_socks(struct seed *s, struct hy_err *err)
{
	int e = 0;
	for (size_t i = 0; i < s->img->nsocks; i++)
		s->o->sock_fds[i] = -1;
	for (size_t i = 0; i < s->img->nsocks && e == 0; i++)
		if (s->o->sock_fds[i] < 0) /* not made with its peer */
			e = make_pair(s, i, ck_image_sock(s->img, s->img->socks[i].peer), err);
	return e;
}

int ck_seed_objects_init(struct ck_seed_objects *o, const struct ck_image *img)
{
	o->pipe_fds = calloc(img->npipes + 1, sizeof(*o->pipe_fds));
	o->shm_fds = calloc(img->nshms + 1, sizeof(*o->shm_fds));
	o->sock_fds = calloc(img->nsocks + 1, sizeof(*o->sock_fds));
	if (o->pipe_fds && o->shm_fds && o->sock_fds)
		return 0;
	ck_seed_objects_fini(o);
	return -ENOMEM;
}

void ck_seed_objects_fini(struct ck_seed_objects *o)
{
	free(o->pipe_fds);
	free(o->shm_fds);
	free(o->sock_fds);
	memset(o, 0, sizeof(*o));
}

int ck_make_seed_objects(struct ck_task *seed, const struct ck_image *img, int dirfd,
			 struct ck_seed_objects *o, struct hy_err *err)
{
	struct seed s = { .task = seed, .img = img, .o = o };
	long at;
	/* One scratch area for all (the largest use: a socket's queued bytes);
	 * it goes with the rest of the seed's memory (ck_restore_memory). */
	int e = ck_inject(seed, &at, "map a scratch area in the seed", SYS_mmap, 0,
			  CK_SOCK_DATA_MAX + CK_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, err);
	s.at = (uint64_t)at;
	if (e == 0)
		e = make_pipes(&s, err);
	if (e == 0)
		e = make_shms(&s, dirfd, err);
	return e < 0 ? e : make_socks(&s, err);
}
