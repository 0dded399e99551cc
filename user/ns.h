/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's filesystem view, built inside its new mount namespace by
 * the init task before anything untrusted runs: the root (host / or a
 * rootfs directory) bind-mounted read-only, fresh /proc, a minimal /dev, a
 * private /tmp, /dev/shm and /run, then pivot_root. Every mount lives in the
 * container's private mount namespace, so nothing needs undoing on the host.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mounts beyond hybox's own, asked for by a config.json (see docs/oci.md). */
enum {
	HY_MOUNT_SYSFS = 1 << 0,  /* sysfs on /sys, read-only */
	HY_MOUNT_MQUEUE = 1 << 1, /* mqueue on /dev/mqueue (the container's IPC namespace) */
	HY_MOUNT_CGROUP = 1 << 2, /* cgroup2 on /sys/fs/cgroup, read-only: the container's leaf */
};

/* A mount of config.json beyond the standard ones (ns_mounts.c), applied in
 * order after them, before pivot_root. */
enum hy_mount_kind {
	HY_MNT_BIND,     /* source (a host path) on dest */
	HY_MNT_TMPFS,    /* a fresh tmpfs on dest, with data's options */
	HY_MNT_READONLY, /* linux.readonlyPaths: dest made read-only (recursively) */
	HY_MNT_MASK,     /* linux.maskedPaths: /dev/null on a file, a read-only tmpfs on a dir */
};
#define HY_MOUNTS_MAX 64

struct hy_mount {
	enum hy_mount_kind kind;
	const char *source; /* BIND: absolute host path */
	const char *dest;   /* absolute, as the container sees it; created if missing
			     * (BIND, TMPFS), skipped if missing (READONLY, MASK) */
	uint64_t attr;      /* MOUNT_ATTR_* to set (RDONLY, NOSUID, NODEV, NOEXEC, atime) */
	bool is_recursive;  /* BIND: rbind */
	bool is_copyup;     /* TMPFS: "tmpcopyup" (podman's --read-only): the directory
			     * it covers must be empty, since hybox copies nothing yet */
	char data[96];      /* TMPFS: "size=N,mode=M,nr_inodes=N" (any subset) */
	char name[48];      /* "mounts[3]", "linux.maskedPaths[0]": for error steps */
};

/* A linux.sysctl entry, checked at parse time to be namespaced (oci_linux.c):
 * written to /proc/sys/<path> on the container's own proc, before the
 * config's mounts (linux.readonlyPaths makes /proc/sys read-only), as runc does. */
#define HY_SYSCTLS_MAX 64
struct hy_sysctl {
	const char *value; /* written as it is */
	char path[96];	   /* "net/ipv4/ip_forward": names without "/", "." or ".." */
	char step[144];	   /* "write linux.sysctl[\"net.ipv4.ip_forward\"]": for errors */
};

struct hy_root_spec {
	const char *rootfs;	     /* NULL: the host root */
	unsigned int extra;	     /* HY_MOUNT_* */
	unsigned long shm_flags;     /* MS_* added to /dev/shm's nosuid,nodev (MS_NOEXEC) */
	unsigned long long shm_size; /* bytes; 0: tmpfs's default */
	int views_fd;                /* /dev/fuse of kernel-emu's views, -1: none */
	const struct hy_mount *mounts; /* config.json's, in order (ns_mounts.c) */
	size_t nmounts;              /* at most HY_MOUNTS_MAX */
	bool is_writable;            /* root.readonly false: the rootfs stays writable */
	const struct hy_sysctl *sysctls; /* written once /proc is mounted */
	size_t nsysctls;             /* at most HY_SYSCTLS_MAX */
	bool is_pid_joined;          /* init's children are in a joined pid namespace */
};

/* Build and enter the root. Returns 0 or -errno with *ret_step naming what failed. */
int hy_ns_setup_root(const struct hy_root_spec *spec, const char **ret_step);
/*
 * ns_mounts.c, for hy_ns_setup_root(): open every bind source now (host
 * paths, before tmpfs on /tmp can hide them) into trees[] (-1 for other
 * kinds); then, once the standard mounts are in place under newroot (an
 * O_PATH fd), apply them all. Destinations resolve inside newroot
 * (RESOLVE_IN_ROOT): a symlink in the rootfs cannot send a mount outside
 * it. Missing destinations are created through newroot, or through rootfs
 * (the same directory, writable) where newroot is read-only, as runc does.
 * 0 or -errno with *ret_step naming the mount.
 */
int hy_ns_open_binds(const struct hy_root_spec *spec, int trees[HY_MOUNTS_MAX],
		     const char **ret_step);
int hy_ns_apply_mounts(const struct hy_root_spec *spec, const int trees[HY_MOUNTS_MAX],
		       int newroot, int rootfs, const char **ret_step);

/* Bring the loopback interface up in a fresh network namespace. */
int hy_ns_loopback_up(void);
/*
 * ns_proc.c: proc on dst (a path in the new root) for a joined pid
 * namespace, created by a child of init (which is in it) and attached by
 * init, then checked: dst's pid 1 must be in init's pid_for_children
 * namespace. 0 or -errno (-EXDEV: the instance shows another namespace) with
 * *ret_step naming what failed.
 */
int hy_ns_mount_joined_proc(const char *dst, const char **ret_step);
