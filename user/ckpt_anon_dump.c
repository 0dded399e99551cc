// SPDX-License-Identifier: GPL-2.0-only
/*
 * fds on anonymous inodes: eventfd (count, semaphore), signalfd (mask),
 * timerfd (clock, time left, period, unread ticks) and epoll (each watched
 * fd with its events and data), all read from /proc/PID/fdinfo. Two fds of
 * a process that are one open file (kcmp) are saved as a dup of the first;
 * one shared with another process is a blocker: restore would make two.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ckpt_dump.h"
#include "util.h"

static bool same_file(pid_t p1, int fd1, pid_t p2, int fd2)
{
	return syscall(SYS_kcmp, p1, p2, KCMP_FILE, fd1, fd2) == 0;
}

static bool is_anon(enum ck_fd_kind k)
{
	return k == CK_FD_EVENTFD || k == CK_FD_SIGNALFD || k == CK_FD_TIMERFD || k == CK_FD_EPOLL;
}

/* An earlier fd of this process on the same file, or another process's. */
static int find_same(struct ck_dump_proc *d, int fd, struct ck_fd *out)
{
	for (size_t i = 0; i < d->p->nfds; i++)
		if (is_anon(d->p->fds[i].kind) && same_file(d->p->host_pid, d->p->fds[i].fd,
							     d->p->host_pid, fd)) {
			out->kind = CK_FD_DUP;
			out->dup_of = d->p->fds[i].fd;
			return 1;
		}
	for (const struct ck_proc *q = d->img->procs; q < d->p; q++)
		for (size_t i = 0; i < q->nfds; i++)
			if (is_anon(q->fds[i].kind) &&
			    same_file(q->host_pid, q->fds[i].fd, d->p->host_pid, fd)) {
				ck_block(d->blockers, "pid %d: fd %d is shared with pid %d (fd %d)",
					 d->p->pid, fd, q->pid, q->fds[i].fd);
				return 1;
			}
	return 0;
}

static uint64_t field(const char *info, const char *key, int base)
{
	const char *p = strstr(info, key);
	return p ? strtoull(p + strlen(key), NULL, base) : 0;
}

static uint64_t timespec_field(const char *info, const char *key)
{
	const char *p = strstr(info, key);
	unsigned long long s = 0, ns = 0;
	if (p)
		sscanf(p + strlen(key), " (%llu, %llu)", &s, &ns);
	return s * 1000000000ULL + ns;
}

static int epoll_targets(const char *info, struct ck_fd *out)
{
	size_t n = 0;
	for (const char *p = info; (p = strstr(p, "tfd:")); p++)
		n++;
	out->targets = calloc(n + 1, sizeof(*out->targets));
	if (!out->targets)
		return -ENOMEM;
	for (const char *p = info; (p = strstr(p, "tfd:")); p++) {
		struct ck_epoll_target *t = &out->targets[out->ntargets];
		unsigned long long data;
		if (sscanf(p, "tfd: %d events: %x data: %llx", &t->fd, &t->events, &data) == 3) {
			t->data = data;
			out->ntargets++;
		}
	}
	return 0;
}

int ck_dump_anon_fd(struct ck_dump_proc *d, int fd, const char *target, struct ck_fd *out,
		    struct hy_err *err)
{
	static const struct {
		const char *name;
		enum ck_fd_kind kind;
	} kinds[] = { { "anon_inode:[eventfd]", CK_FD_EVENTFD },
		      { "anon_inode:[signalfd]", CK_FD_SIGNALFD },
		      { "anon_inode:[timerfd]", CK_FD_TIMERFD },
		      { "anon_inode:[eventpoll]", CK_FD_EPOLL } };
	size_t k = 0;
	while (k < ARRAY_SIZE(kinds) && strcmp(target, kinds[k].name) != 0)
		k++;
	if (k == ARRAY_SIZE(kinds))
		return 0;
	if (find_same(d, fd, out))
		return 1;
	char name[32];
	_cleanup_free_ char *info = NULL;
	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (read_file_at(d->procfd, name, &info) < 0)
		return hy_err_setr(err, -errno, "read fdinfo %d of pid %d", fd, d->p->pid);
	out->kind = kinds[k].kind;
	switch (out->kind) {
	case CK_FD_EVENTFD:
		out->value = field(info, "eventfd-count:", 16);
		out->is_semaphore = field(info, "eventfd-semaphore:", 10);
		break;
	case CK_FD_SIGNALFD:
		out->value = field(info, "sigmask:", 16);
		break;
	case CK_FD_TIMERFD:
		out->clockid = (int)field(info, "clockid:", 10);
		out->value = field(info, "ticks:", 10);
		out->it_value_ns = timespec_field(info, "it_value:");
		out->it_interval_ns = timespec_field(info, "it_interval:");
		break;
	default:
		if (epoll_targets(info, out) < 0)
			return hy_err_set(err, -ENOMEM, "list epoll targets");
	}
	return 1;
}
