// SPDX-License-Identifier: GPL-2.0-only
/*
 * notify_min N: the floor for an emulated syscall. A forked child installs a
 * filter that returns SECCOMP_RET_USER_NOTIF for uname and ALLOW for
 * everything else (SECCOMP_FILTER_FLAG_NEW_LISTENER) and passes the listener
 * to the parent over a unix socketpair (SCM_RIGHTS). The parent sets
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on it and answers every notification
 * with val=0 from a thread blocked in SECCOMP_IOCTL_NOTIF_RECV (no polling),
 * as hybox's notify loop does, but with no handler, no event, no lookup.
 * The child times N uname() calls one by one (after N/10 warm-up calls) and
 * prints the same line as `loop uname N`:
 *   mode=uname n=N median_ns=X p99_ns=Y mean_ns=Z
 * Root is not needed (no_new_privs is set). Exit 0 on success.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif



static int install_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static int send_fd(int sock, int fd)
{
	char byte = 'L';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int child_main(int sock, long n)
{
	char go;
	int listener = install_filter();

	if (listener < 0) {
		perror("notify_min: child setup");
		return 1;
	}
	if (send_fd(sock, listener) < 0) {
		perror("notify_min: send listener");
		return 1;
	}
	close(listener);
	/* Wait until the parent has set the flags and its responder is running. */
	if (read(sock, &go, 1) != 1)
		return 1;
	return time_uname(n, "notify_min");
}

/* The responder: blocking RECV, answer val=0, nothing else. */
static void *responder(void *arg)
{
	int fd = *(int *)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = 0;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: caller gone */
	}
}

int main(int argc, char **argv)
{
	int sv[2], status, listener;
	long n;
	char *end;
	pid_t child;
	pthread_t th;

	if (argc != 2 || (n = strtol(argv[1], &end, 0)) < 100 || *end) {
		fprintf(stderr, "usage: notify_min N   (N >= 100)\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("notify_min: socketpair");
		return 1;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("notify_min: fork");
		return 1;
	}
	if (child == 0) {
		close(sv[0]);
		_exit(child_main(sv[1], n));
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	if (listener < 0) {
		fprintf(stderr, "notify_min: no listener from the child\n");
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return 1;
	}
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (__u64)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		perror("notify_min: SECCOMP_IOCTL_NOTIF_SET_FLAGS (continuing without SYNC_WAKE_UP)");
	if (pthread_create(&th, NULL, responder, &listener) != 0) {
		fprintf(stderr, "notify_min: pthread_create failed\n");
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return 1;
	}
	if (write(sv[0], "g", 1) != 1) {
		perror("notify_min: start the child");
		kill(child, SIGKILL);
	}
	if (waitpid(child, &status, 0) < 0) {
		perror("notify_min: waitpid");
		return 1;
	}
	/* The responder may be blocked in RECV for good: exit the whole process. */
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}
