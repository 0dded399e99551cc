/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Namespaces a container joins by path instead of creating them
 * (config.json's linux.namespaces[].path): the user, network, IPC, UTS and
 * pid namespaces a Kubernetes pod's containers share with its sandbox. The
 * supervisor opens and checks each path when it loads the bundle; the
 * container's init enters them (setns) before it builds anything, but for
 * the user namespace: init is cloned inside it (sandbox.c), so that it owns
 * every namespace init creates.
 *
 * A joined pid namespace is entered for init's children only (setns with
 * CLONE_NEWPID sets the namespace of the tasks a task forks next): init
 * itself stays in the supervisor's pid namespace, as runc's setns process
 * does, and its children (the command, exec'd processes) are in the pod's.
 * Init's /proc must therefore be made by one of its children (ns_proc.c).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum hy_ns_join { HY_JOIN_NET, HY_JOIN_IPC, HY_JOIN_UTS, HY_JOIN_PID, HY_JOIN_USER, HY_JOIN_N };

struct hy_ns_joins {
	unsigned int mask; /* 1u << HY_JOIN_*: joined, not created */
	int fd[HY_JOIN_N]; /* the namespace, where mask has its bit */
};

#define HY_UTS_NAME_LEN 65 /* __NEW_UTS_LEN + 1 */

/* The OCI type ("network", "ipc", "uts", "pid", "user") that can be joined: its HY_JOIN_*,
 * or -1. */
int hy_ns_join_by_type(const char *type);
const char *hy_ns_join_type(enum hy_ns_join j);
/* Its clone flag (CLONE_NEWNET, ...). */
int hy_ns_join_flag(enum hy_ns_join j);
static inline bool hy_ns_is_joined(const struct hy_ns_joins *js, enum hy_ns_join j)
{
	return js->mask & (1u << j);
}

/* Open path as namespace j of js: 0, or -errno with err naming the type and
 * path ("network path P: not a network namespace"). */
int hy_ns_join_open(struct hy_ns_joins *js, enum hy_ns_join j, const char *path,
		    struct hy_err *err);
void hy_ns_joins_close(struct hy_ns_joins *js);
/* In the container's init, before anything else: setns into each joined
 * namespace but the user one (init was cloned in it), closing its fd. 0 or
 * -errno with *step naming the namespace. */
int hy_ns_joins_enter(const struct hy_ns_joins *js, const char **step);
/* The host and domain names of the UTS namespace fd (read from a thread that
 * enters it, so the caller's own namespace does not change). 0 or -errno. */
int hy_ns_uts_names(int fd, char host[HY_UTS_NAME_LEN], char domain[HY_UTS_NAME_LEN]);
