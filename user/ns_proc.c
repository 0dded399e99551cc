// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc for a container that joined a pid namespace by path (ns_join.h).
 * Runs in the container's init (root, all capabilities, before pivot_root);
 * raw syscalls and stack buffers only, like the rest of init's setup.
 *
 * Security: a proc instance shows the pid namespace that was active for the
 * task that created its fs context (fsopen, or mount(2)). Init is not in the
 * joined namespace (setns with CLONE_NEWPID moves only the tasks it forks
 * next), so init's own mount would show the HOST's processes. A child of
 * init, which is in the joined namespace, creates the instance (fsopen,
 * fsmount) and hands the detached mount back over a socketpair; init
 * attaches it. Then init checks the result rather than trusting the road:
 * the new /proc's pid 1 must be in the namespace init's children are in
 * (pid_for_children), which the host's pid 1 is not.
 */
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* In the child (in the joined pid namespace): a detached proc mount, or -errno. */
static int create_proc(void)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	return mnt < 0 ? -errno : mnt;
}

/* The child's answer: its result (the mount fd, or -errno), with the fd itself. */
static __attribute__((noreturn)) void proc_child(int sock)
{
	int r = create_proc();
	ssize_t n = r >= 0 ? send_fds(sock, &r, sizeof(r), &r, 1, MSG_NOSIGNAL)
			   : send(sock, &r, sizeof(r), MSG_NOSIGNAL);
	_exit(n < 0 ? 1 : 0);
}

/* In init: the child's mount fd, or -errno (its own, or of the channel). */
static int recv_proc(int sock)
{
	int r = -EPIPE;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n != (ssize_t)sizeof(r))
		return n < 0 ? -errno : -EPIPE;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (r < 0)
		return r;
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	memcpy(&r, CMSG_DATA(c), sizeof(int));
	return r;
}

/* A proc mount made by a child of init, in the joined namespace: fd or -errno. */
static int proc_from_child(void)
{
	int sv[2], st;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = hy_raw_fork();
	if (pid == 0) {
		close(sv[0]);
		proc_child(sv[1]);
	}
	close(sv[1]);
	int r = pid < 0 ? -errno : recv_proc(sv[0]);
	close(sv[0]);
	while (pid > 0 && waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
	return r;
}

/* Is dst's pid 1 in the pid namespace of init's children? 0, -EXDEV if not, or -errno. */
static int check_proc_ns(const char *dst)
{
	char one[256];
	struct stat want, got;
	size_t n = strscpy(one, dst, sizeof(one));
	if (n + sizeof("/1/ns/pid") > sizeof(one))
		return -ENAMETOOLONG;
	memcpy(one + n, "/1/ns/pid", sizeof("/1/ns/pid"));
	if (stat("/proc/self/ns/pid_for_children", &want) < 0 || stat(one, &got) < 0)
		return -errno;
	return want.st_dev == got.st_dev && want.st_ino == got.st_ino ? 0 : -EXDEV;
}

int hy_ns_mount_joined_proc(const char *dst, const char **ret_step)
{
	*ret_step = "mount proc on /proc from a task in the joined pid namespace";
	int mnt = proc_from_child();
	if (mnt < 0)
		return mnt;
	int r = syscall(SYS_move_mount, mnt, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0
			? -errno
			: 0;
	close(mnt);
	if (r < 0)
		return r;
	*ret_step = "check that /proc shows the joined pid namespace (its pid 1)";
	return check_proc_ns(dst);
}
