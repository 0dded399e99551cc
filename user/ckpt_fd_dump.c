// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process's fd table. Saved: regular files, directories and device nodes
 * (path, open flags, offset), and the container's stdio (the objects init
 * holds as 0, 1, 2: whatever `hybox run` was given, which the restore's own
 * stdio replaces). Anything else (pipes, sockets, eventfd, epoll...) is a
 * blocker naming the fd and the object, and so is a deleted file.
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

static int fdinfo(int procfd, int fd, int *flags, uint64_t *pos)
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
	int r = fdinfo(d->procfd, fd, &out->flags, &out->pos);
	if (r < 0)
		return hy_err_setr(err, r, "read fdinfo %d of pid %d", fd, d->p->pid);
	out->cloexec = out->flags & O_CLOEXEC;
	out->flags &= ~O_CLOEXEC;
	int k = stdio_of(d->init_procfd, &st);
	if (k >= 0) {
		out->kind = CK_FD_STDIO;
		out->stdio = k;
		return 0;
	}
	out->kind = CK_FD_FILE;
	out->path = strdup(target);
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
