/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's filesystem view, built inside its new mount namespace by
 * the init task before anything untrusted runs: the root (host / or a
 * rootfs directory) bind-mounted read-only, fresh /proc, a minimal /dev, a
 * private /tmp, /dev/shm and /run, then pivot_root. Every mount lives in the
 * container's private mount namespace, so nothing needs undoing on the host.
 */
#pragma once

/* Mounts beyond hybox's own, asked for by a config.json (see docs/oci.md). */
enum {
	HY_MOUNT_SYSFS = 1 << 0,  /* sysfs on /sys, read-only */
	HY_MOUNT_MQUEUE = 1 << 1, /* mqueue on /dev/mqueue (the container's IPC namespace) */
	HY_MOUNT_CGROUP = 1 << 2, /* cgroup2 on /sys/fs/cgroup, read-only: the container's leaf */
};

struct hy_root_spec {
	const char *rootfs;	     /* NULL: the host root */
	unsigned int extra;	     /* HY_MOUNT_* */
	unsigned long shm_flags;     /* MS_* added to /dev/shm's nosuid,nodev (MS_NOEXEC) */
	unsigned long long shm_size; /* bytes; 0: tmpfs's default */
	int views_fd;                /* /dev/fuse of kernel-emu's views, -1: none */
};

/* Build and enter the root. Returns 0 or -errno with *ret_step naming what failed. */
int hy_ns_setup_root(const struct hy_root_spec *spec, const char **ret_step);
/* Bring the loopback interface up in a fresh network namespace. */
int hy_ns_loopback_up(void);
