// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sockets. What restore can make again is an unnamed AF_UNIX SOCK_STREAM
 * socket of a pair (socketpair(2), the usual parent-child channel): its
 * peer and shutdown state come from sock_diag (NETLINK_SOCK_DIAG, in the
 * container's network namespace), the bytes queued for it are peeked
 * (MSG_PEEK) through a copy of the fd taken with pidfd_getfd, so the socket
 * keeps them. Anything else (listening, named, datagram, inet, fds in
 * flight) is a blocker naming the socket.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ckpt_dump.h"
#include "util.h"

struct unix_info {
	int type;
	uint32_t peer;
	bool is_named;
	int shutdown;
	uint32_t queued;
};

static void parse_attrs(struct unix_diag_msg *m, int len, struct unix_info *u)
{
	struct rtattr *a = (struct rtattr *)(m + 1);
	int left = len - (int)NLMSG_ALIGN(sizeof(*m));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == UNIX_DIAG_NAME)
			u->is_named = true;
		else if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= 4)
			memcpy(&u->peer, RTA_DATA(a), 4);
		else if (a->rta_type == UNIX_DIAG_SHUTDOWN && RTA_PAYLOAD(a) >= 1)
			u->shutdown = *(uint8_t *)RTA_DATA(a);
		else if (a->rta_type == UNIX_DIAG_RQLEN && RTA_PAYLOAD(a) >= 8)
			memcpy(&u->queued, RTA_DATA(a), 4);
	}
}

/* sock_diag of one unix socket by inode: -ENOENT when it is not unix. */
static int unix_diag(uint32_t ino, struct unix_info *u)
{
	struct {
		struct nlmsghdr nh;
		struct unix_diag_req r;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_ino = ino,
		       .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN,
		       .udiag_cookie = { ~0u, ~0u } },
	};
	_cleanup_close_ int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	uint8_t buf[8192];
	if (s < 0 || send(s, &req, sizeof(req), 0) < 0)
		return -errno;
	ssize_t n = recv(s, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type == NLMSG_ERROR)
		return -ENOENT;
	struct unix_diag_msg *m = NLMSG_DATA(h);
	memset(u, 0, sizeof(*u));
	u->type = m->udiag_type;
	parse_attrs(m, (int)(h->nlmsg_len - NLMSG_HDRLEN), u);
	return 0;
}

/* Peek the bytes queued for the socket (a copy of the task's fd). */
static int peek(struct ck_dump_proc *d, int fd, struct ck_sock *s, uint32_t queued,
		struct hy_err *err)
{
	int pidfd = (int)syscall(SYS_pidfd_open, d->p->host_pid, 0);
	int c = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (c < 0)
		return hy_err_setr(err, -errno, "copy pid %d's socket fd %d", d->p->pid, fd);
	s->data = malloc(queued + 1);
	char cbuf[CMSG_SPACE(64 * sizeof(int))];
	struct iovec iov = { s->data, queued + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n = s->data ? recvmsg(c, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC) : -1;
	int e = errno;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); n >= 0 && h; h = CMSG_NXTHDR(&mh, h))
		if (h->cmsg_type == SCM_RIGHTS) {
			for (int *f = (int *)CMSG_DATA(h); (char *)f < (char *)h + h->cmsg_len; f++)
				close(*f);
			ck_block(d->blockers, "pid %d: fd %d has fds in flight", d->p->pid, fd);
		}
	close(c);
	if (n < 0 && e != EAGAIN)
		return hy_err_setr(err, -e, "peek pid %d's socket fd %d", d->p->pid, fd);
	s->len = n < 0 ? 0 : (size_t)n;
	return 0;
}

int ck_dump_socket(struct ck_dump_proc *d, int fd, uint64_t ino, const char *target,
		   struct ck_fd *out, struct hy_err *err)
{
	struct unix_info u;
	out->kind = CK_FD_SOCKET;
	out->obj = ino;
	if (ck_image_sock(d->img, ino))
		return 0;
	if (unix_diag((uint32_t)ino, &u) < 0 || u.type != SOCK_STREAM || u.is_named ||
	    u.queued > CK_SOCK_DATA_MAX) {
		ck_block(d->blockers, "pid %d: fd %d is %s (%s), which hybox cannot save yet",
			 d->p->pid, fd, target,
			 u.queued > CK_SOCK_DATA_MAX ? "more than 128 KiB queued"
						     : "only unnamed unix stream pairs can be");
		return 0;
	}
	struct ck_sock *n = realloc(d->img->socks, (d->img->nsocks + 1) * sizeof(*n));
	if (!n)
		return hy_err_set(err, -ENOMEM, "list sockets");
	d->img->socks = n;
	struct ck_sock *s = &n[d->img->nsocks];
	*s = (struct ck_sock){ .id = ino, .peer = u.peer, .shutdown = u.shutdown };
	int r = peek(d, fd, s, u.queued, err);
	if (r == 0)
		d->img->nsocks++;
	else
		free(s->data);
	return r;
}
