// SPDX-License-Identifier: GPL-2.0-only
/*
 * Setup channel framing: one struct per datagram, ancillary data for the
 * listener fd and the sender's pid (translated by the kernel into the
 * supervisor's pid namespace, so it is the host pid of the command).
 */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int hy_sync_send(int sock, const struct hy_sync_msg *m)
{
	/* send(), not sendmsg(): the command calls this under its seccomp filter,
	 * where sendmsg may be routed to kernel-emu. The supervisor's end has
	 * SO_PASSCRED, so the kernel attaches our pid anyway. */
	for (;;) {
		ssize_t n = send(sock, m, sizeof(*m), MSG_NOSIGNAL);
		if (n == (ssize_t)sizeof(*m))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

static void take_cmsgs(struct msghdr *mh, int *ret_fd, pid_t *ret_pid)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			if (*ret_fd >= 0) /* only one fd is ever expected */
				close(fd);
			else
				*ret_fd = fd;
		} else if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*ret_pid = cred.pid;
		}
	}
}

int hy_sync_recv(int sock, struct hy_sync_msg *m, int *ret_fd, pid_t *ret_pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	*ret_fd = -1;
	*ret_pid = 0;
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	take_cmsgs(&mh, ret_fd, ret_pid);
	if (n == 0)
		return 0;
	if (n != sizeof(*m) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*ret_fd >= 0)
			close(*ret_fd);
		*ret_fd = -1;
		return -EBADMSG;
	}
	m->what[sizeof(m->what) - 1] = '\0';
	return 1;
}
