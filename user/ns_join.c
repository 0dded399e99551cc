// SPDX-License-Identifier: GPL-2.0-only
/* Joining namespaces by path (see ns_join.h). */
#include "ns_join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

static const struct {
	const char *type;
	int flag;
	const char *step; /* for the container's setup error */
} joins[HY_JOIN_N] = {
	[HY_JOIN_NET] = { "network", CLONE_NEWNET, "join the network namespace of linux.namespaces" },
	[HY_JOIN_IPC] = { "ipc", CLONE_NEWIPC, "join the ipc namespace of linux.namespaces" },
	[HY_JOIN_UTS] = { "uts", CLONE_NEWUTS, "join the uts namespace of linux.namespaces" },
	/* for init's children: init stays where it is (ns_join.h) */
	[HY_JOIN_PID] = { "pid", CLONE_NEWPID, "join the pid namespace of linux.namespaces" },
	/* by the helper that clones init (sandbox.c), not by init */
	[HY_JOIN_USER] = { "user", CLONE_NEWUSER, "join the user namespace of linux.namespaces" },
};

int hy_ns_join_by_type(const char *type)
{
	for (int j = 0; j < HY_JOIN_N; j++)
		if (strcmp(joins[j].type, type) == 0)
			return j;
	return -1;
}

const char *hy_ns_join_type(enum hy_ns_join j)
{
	return joins[j].type;
}

int hy_ns_join_flag(enum hy_ns_join j)
{
	return joins[j].flag;
}

/* Is fd the caller's own namespace of type j? (Unreadable: assume so.) */
static bool is_own_ns(int fd, enum hy_ns_join j)
{
	const char *own = j == HY_JOIN_PID ? "/proc/self/ns/pid" : "/proc/self/ns/user";
	struct stat a, b;
	if (fstat(fd, &a) < 0 || stat(own, &b) < 0)
		return true;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The supervisor's own pid or user namespace by path: why it is refused, or NULL. */
static const char *own_ns_problem(int fd, enum hy_ns_join j)
{
	/* hybox never shares the host's pid namespace (a "pid" entry is required):
	 * not by path either. setns allows only it or one below it. */
	if (j == HY_JOIN_PID && is_own_ns(fd, j))
		return "the host's pid namespace (hybox does not share it; name a container's)";
	/* Joining it would be no user namespace at all: the host's root, with
	 * every capability (and setns refuses a task's own user namespace). */
	if (j == HY_JOIN_USER && is_own_ns(fd, j))
		return "the host's user namespace (joining it would be none: name a container's)";
	return NULL;
}

int hy_ns_join_open(struct hy_ns_joins *js, enum hy_ns_join j, const char *path,
		    struct hy_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "%s path %s", joins[j].type, path);
	/* A path to any other file, or a namespace of another type, is a mistake. */
	if (ioctl(fd, NS_GET_NSTYPE) != joins[j].flag) {
		close(fd);
		return hy_err_set(err, -EINVAL, "%s path %s: not a%s %s namespace", joins[j].type,
				  path, j == HY_JOIN_IPC ? "n" : "", joins[j].type);
	}
	const char *why = own_ns_problem(fd, j);
	if (why) {
		close(fd);
		return hy_err_set(err, -EINVAL, "%s path %s: %s", joins[j].type, path, why);
	}
	js->fd[j] = fd;
	js->mask |= 1u << j;
	return 0;
}

void hy_ns_joins_close(struct hy_ns_joins *js)
{
	for (int j = 0; j < HY_JOIN_N; j++)
		if (hy_ns_is_joined(js, j))
			close(js->fd[j]);
	js->mask = 0;
}

int hy_ns_joins_enter(const struct hy_ns_joins *js, const char **step)
{
	for (int j = 0; j < HY_JOIN_N; j++) {
		if (!hy_ns_is_joined(js, j) || j == HY_JOIN_USER)
			continue;
		*step = joins[j].step;
		if (setns(js->fd[j], joins[j].flag) < 0)
			return -errno;
		close(js->fd[j]);
	}
	return 0;
}

struct uts_read {
	int fd;
	int err;
	struct utsname u;
};

/* A thread's UTS namespace is its own: entering one changes no other thread's. */
static void *read_uts(void *arg)
{
	struct uts_read *r = arg;
	r->err = setns(r->fd, CLONE_NEWUTS) < 0 || uname(&r->u) < 0 ? -errno : 0;
	return NULL;
}

int hy_ns_uts_names(int fd, char host[HY_UTS_NAME_LEN], char domain[HY_UTS_NAME_LEN])
{
	struct uts_read r = { .fd = fd };
	pthread_t t;
	int e = pthread_create(&t, NULL, read_uts, &r);
	if (e)
		return -e;
	pthread_join(t, NULL);
	if (r.err < 0)
		return r.err;
	strscpy(host, r.u.nodename, HY_UTS_NAME_LEN);
	strscpy(domain, r.u.domainname, HY_UTS_NAME_LEN);
	return 0;
}
