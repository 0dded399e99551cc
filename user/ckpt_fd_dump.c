// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process's fd table. Saved: regular files, directories and device nodes
 * (path, open flags, offset); the container's stdio (the objects init
 * holds as 0, 1, 2: whatever `hybox run` was given, which the restore's own
 * stdio replaces); anonymous pipes, once each, with the bytes they hold,
 * copied with tee(2) so the pipe keeps them; memfds, once each, with their
 * contents (ck_dump_shm); eventfd, signalfd, timerfd and epoll fds
 * (ckpt_anon_dump.c); unix socket pairs (ckpt_sock_dump.c). Anything else
 * (other sockets, FIFOs, ...) is a blocker
 * naming the fd and the object, and so are a deleted file and a file lock
 * (flock, POSIX or OFD: fdinfo's "lock:" lines), which hybox does not save
 * (CRIU without --file-locks refuses them alike).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt_dump.h"
#include "util.h"

/* Record the pipe fd refers to, with a copy of its contents. */
static int save_pipe(struct ck_dump_proc *d, int fd, uint64_t id, struct hy_err *err)
{
	char name[32];
	int tmp[2] = { -1, -1 };
	snprintf(name, sizeof(name), "fd/%d", fd);
	_cleanup_close_ int p = openat(d->procfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int size = p < 0 ? -1 : fcntl(p, F_GETPIPE_SZ);
	if (size < 0 || pipe2(tmp, O_CLOEXEC | O_NONBLOCK) < 0)
		return hy_err_setr(err, -errno, "open the pipe of pid %d's fd %d", d->p->pid, fd);
	struct ck_pipe *n = realloc(d->img->pipes, (d->img->npipes + 1) * sizeof(*n));
	uint8_t *data = malloc((size_t)size);
	ssize_t len = -1;
	if (n && data && fcntl(tmp[1], F_SETPIPE_SZ, size) >= 0) {
		len = tee(p, tmp[1], (size_t)size, SPLICE_F_NONBLOCK);
		if (len < 0 && errno == EAGAIN)
			len = 0;
		if (len > 0 && read_full(tmp[0], data, (size_t)len) != len)
			len = -1;
	}
	int e = errno;
	close(tmp[0]);
	close(tmp[1]);
	if (n)
		d->img->pipes = n;
	if (len < 0) {
		free(data);
		return hy_err_setr(err, -(e ? e : EIO), "copy the pipe of pid %d's fd %d", d->p->pid,
				   fd);
	}
	d->img->pipes[d->img->npipes++] =
		(struct ck_pipe){ .id = id, .size = (uint32_t)size, .data = data, .len = (size_t)len };
	return 0;
}

/* Which of init's fds 0..2 is the same object as st, or -1. */
static int stdio_of(int init_procfd, const struct stat *st)
{
	for (int k = 0; k < 3; k++) {
		char name[16];
		struct stat s;
		snprintf(name, sizeof(name), "fd/%d", k);
		if (fstatat(init_procfd, name, &s, 0) == 0 && s.st_dev == st->st_dev &&
		    s.st_ino == st->st_ino)
			return k;
	}
	return -1;
}

/* fd's open flags and offset, and whether it holds a file lock. */
static int fdinfo(int procfd, int fd, int *flags, uint64_t *pos, bool *is_locked)
{
	char name[32];
	_cleanup_free_ char *s = NULL;
	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (read_file_at(procfd, name, &s) < 0)
		return -errno;
	const char *p = strstr(s, "pos:"), *f = strstr(s, "flags:");
	if (!p || !f)
		return -EIO;
	*pos = strtoull(p + 4, NULL, 10);
	*flags = (int)strtol(f + 6, NULL, 8);
	*is_locked = strstr(s, "\nlock:") != NULL;
	return 0;
}

static int dump_one(struct ck_dump_proc *d, int fd, struct ck_fd *out, struct hy_err *err)
{
	char name[32], target[4096];
	struct stat st;
	snprintf(name, sizeof(name), "fd/%d", fd);
	ssize_t n = readlinkat(d->procfd, name, target, sizeof(target) - 1);
	if (n < 0 || fstatat(d->procfd, name, &st, 0) < 0)
		return hy_err_setr(err, -errno, "inspect fd %d of pid %d", fd, d->p->pid);
	target[n] = 0;
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	bool is_locked = false;
	int r = fdinfo(d->procfd, fd, &out->flags, &out->pos, &is_locked);
	if (r < 0)
		return hy_err_setr(err, r, "read fdinfo %d of pid %d", fd, d->p->pid);
	if (is_locked)
		ck_block(d->blockers, "pid %d: fd %d (%s) holds a file lock, which hybox cannot "
				      "save yet", d->p->pid, fd, target);
	out->cloexec = out->flags & O_CLOEXEC;
	out->flags &= ~O_CLOEXEC;
	int k = stdio_of(d->init_procfd, &st);
	if (k >= 0) {
		out->kind = CK_FD_STDIO;
		out->stdio = k;
		return 0;
	}
	if (S_ISFIFO(st.st_mode) && strncmp(target, "pipe:[", 6) == 0) {
		out->kind = CK_FD_PIPE;
		out->obj = st.st_ino;
		out->pos = 0;
		return ck_image_pipe(d->img, st.st_ino) ? 0 : save_pipe(d, fd, st.st_ino, err);
	}
	if (S_ISREG(st.st_mode) && strncmp(target, "/memfd:", 7) == 0) {
		char name[64], path[32];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(target + 7, " "), target + 7);
		out->kind = CK_FD_SHM;
		out->obj = st.st_ino;
		if (ck_image_shm(d->img, st.st_ino))
			return 0;
		snprintf(path, sizeof(path), "fd/%d", fd);
		_cleanup_close_ int mfd = openat(d->procfd, path, O_RDONLY | O_CLOEXEC);
		if (mfd < 0)
			return hy_err_setr(err, -errno, "open the memfd of pid %d's fd %d", d->p->pid,
					   fd);
		return ck_dump_shm(d, st.st_ino, mfd, name, err);
	}
	if (S_ISSOCK(st.st_mode))
		return ck_dump_socket(d, fd, st.st_ino, target, out, err);
	if ((r = ck_dump_anon_fd(d, fd, target, out, err)) != 0)
		return r < 0 ? r : 0;
	out->kind = CK_FD_FILE;
	out->path = strdup(target);
	ck_check_utf8(d, "the path of an open file", target);
	if (!(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode)) ||
	    target[0] != '/')
		ck_block(d->blockers, "pid %d: fd %d is %s, which hybox cannot save yet", d->p->pid,
			 fd, target);
	else if (strstr(target, " (deleted)"))
		ck_block(d->blockers, "pid %d: fd %d is deleted file %s", d->p->pid, fd, target);
	return 0;
}

int ck_dump_fds(struct ck_dump_proc *d, struct hy_err *err)
{
	struct ck_proc *p = d->p;
	int dfd = openat(d->procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	if (!dir) {
		if (dfd >= 0)
			close(dfd);
		return hy_err_setr(err, -errno, "list the fds of pid %d", p->pid);
	}
	size_t alloc = 0;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if (p->nfds == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			struct ck_fd *n = realloc(p->fds, alloc * sizeof(*n));
			if (!n) {
				r = hy_err_set(err, -ENOMEM, "list fds");
				break;
			}
			p->fds = n;
		}
		r = dump_one(d, atoi(e->d_name), &p->fds[p->nfds], err);
		if (r == 0)
			p->nfds++;
	}
	closedir(dir);
	return r;
}
