// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's own mounts (ns.h: binds, tmpfs, linux.readonlyPaths and
 * linux.maskedPaths), applied by the container's init on top of hybox's
 * standard mounts, before pivot_root. Built with the new mount API: each
 * mount is made detached (open_tree, fsmount), given its attributes
 * (mount_setattr) and attached with move_mount onto an O_PATH fd of its
 * destination, which openat2 resolved inside the new root (RESOLVE_IN_ROOT,
 * no magic links): the container's symlinks cannot aim a mount at the
 * host's files. Raw syscalls and stack buffers only (see sandbox_init.c).
 */
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static char step_buf[PATH_MAX + 128]; /* init is single-threaded */

static const char *step(const struct hy_mount *m, const char *what)
{
	snprintf(step_buf, sizeof(step_buf), "%s: %s %s", m->name, what, m->dest);
	return step_buf;
}

static int open_in(int root, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* Create the last component of path (a directory or an empty file) in its
 * parent resolved inside root. 0, or -errno (-EROFS: root is read-only there). */
static int create_in(int root, const char *path, bool is_dir)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);
	if (n >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, path, n);
	parent[n] = '\0';
	_cleanup_close_ int dir = open_in(root, n ? parent : "/", O_PATH | O_DIRECTORY);
	if (dir < 0)
		return dir;
	int r = is_dir ? mkdirat(dir, slash + 1, 0755) : mknodat(dir, slash + 1, S_IFREG | 0644, 0);
	return r < 0 && errno != EEXIST ? -errno : 0;
}

/*
 * mkdir -p dest's parents, then dest itself, each inside newroot; where
 * newroot is read-only (the rootfs), through rootfs instead: the same
 * directories, not mounted read-only.
 */
static int make_dest(int newroot, int rootfs, const char *dest, bool is_dir)
{
	char prefix[PATH_MAX];
	size_t len = strlen(dest);
	if (len >= sizeof(prefix))
		return -ENAMETOOLONG;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && dest[i] != '/')
			continue;
		memcpy(prefix, dest, i);
		prefix[i] = '\0';
		bool leaf = i == len;
		int r = create_in(newroot, prefix, leaf ? is_dir : true);
		if (r == -EROFS && rootfs >= 0)
			r = create_in(rootfs, prefix, leaf ? is_dir : true);
		if (r < 0)
			return r;
	}
	return 0;
}

/* An O_PATH fd of dest inside newroot, created first when missing and create. */
static int open_dest(int newroot, int rootfs, const char *dest, bool create, bool is_dir)
{
	int fd = open_in(newroot, dest, O_PATH);
	if (fd != -ENOENT || !create)
		return fd;
	int r = make_dest(newroot, rootfs, dest, is_dir);
	return r < 0 ? r : open_in(newroot, dest, O_PATH);
}

/* open_tree(OPEN_TREE_CLONE): a detached copy of the mount at dir/path. fd or -errno. */
static int clone_tree(int dir, const char *path, unsigned int flags)
{
	int fd = (int)syscall(SYS_open_tree, dir, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags);
	return fd < 0 ? -errno : fd;
}

static int attach(int tree, int dest)
{
	int r = (int)syscall(SYS_move_mount, tree, "", dest, "",
			     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	return r < 0 ? -errno : 0;
}

/* Every mount of the config is nodev, whatever it asked (see ns.c restrict_root). */
static int set_attr(int tree, uint64_t attr, bool recursive)
{
	struct mount_attr a = { .attr_set = attr | MOUNT_ATTR_NODEV, .propagation = MS_PRIVATE,
				/* an atime mode replaces the current one */
				.attr_clr = attr & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME) ?
						    MOUNT_ATTR__ATIME : 0 };
	int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	return syscall(SYS_mount_setattr, tree, "", flags, &a, sizeof(a)) < 0 ? -errno : 0;
}

/* A detached tmpfs with "key=value,..." options and attr. A mount fd or -errno. */
static int make_tmpfs(const char *data, uint64_t attr)
{
	char opts[sizeof(((struct hy_mount *)0)->data)];
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	strscpy(opts, data, sizeof(opts));
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, o, eq + 1, 0) < 0)
			return -errno;
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			       (unsigned int)(attr | MOUNT_ATTR_NODEV));
	return mnt < 0 ? -errno : mnt;
}

int hy_ns_open_binds(const struct hy_root_spec *spec, int trees[HY_MOUNTS_MAX],
		     const char **ret_step)
{
	for (size_t i = 0; i < HY_MOUNTS_MAX; i++)
		trees[i] = -1;
	for (size_t i = 0; i < spec->nmounts && i < HY_MOUNTS_MAX; i++) {
		const struct hy_mount *m = &spec->mounts[i];
		if (m->kind != HY_MNT_BIND)
			continue;
		int fd = clone_tree(AT_FDCWD, m->source, m->is_recursive ? AT_RECURSIVE : 0);
		if (fd < 0) {
			snprintf(step_buf, sizeof(step_buf), "%s: open the bind source %s", m->name,
				 m->source);
			*ret_step = step_buf;
			return fd;
		}
		trees[i] = fd;
	}
	return 0;
}

static int apply_bind(const struct hy_mount *m, int tree, int newroot, int rootfs)
{
	struct stat st;
	if (fstat(tree, &st) < 0)
		return -errno;
	_cleanup_close_ int dest = open_dest(newroot, rootfs, m->dest, true, S_ISDIR(st.st_mode));
	struct stat dst;
	if (dest < 0 || fstat(dest, &dst) < 0)
		return dest < 0 ? dest : -errno;
	/* The kernel says only EINVAL for a directory onto a file or back. */
	if (S_ISDIR(st.st_mode) != S_ISDIR(dst.st_mode))
		return S_ISDIR(dst.st_mode) ? -EISDIR : -ENOTDIR;
	int r = set_attr(tree, m->attr, m->is_recursive);
	return r < 0 ? r : attach(tree, dest);
}

/* tmpcopyup over a directory with entries would hide them: refused (ENOTEMPTY). */
static int check_copyup(int dest)
{
	char buf[512];
	_cleanup_close_ int dir = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	for (;;) {
		long n = syscall(SYS_getdents64, dir, buf, sizeof(buf));
		if (n <= 0)
			return n < 0 ? -errno : 0;
		for (long off = 0; off < n;) {
			struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type;
				 char name[]; } *d = (void *)(buf + off);
			if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0)
				return -ENOTEMPTY;
			off += d->reclen;
		}
	}
}

static int apply_tmpfs(const struct hy_mount *m, int newroot, int rootfs)
{
	_cleanup_close_ int dest = open_dest(newroot, rootfs, m->dest, true, true);
	if (dest < 0)
		return dest;
	int r = m->is_copyup ? check_copyup(dest) : 0;
	if (r < 0)
		return r;
	_cleanup_close_ int mnt = make_tmpfs(m->data, m->attr);
	return mnt < 0 ? mnt : attach(mnt, dest);
}

/* readonlyPaths and maskedPaths: a path the root lacks is skipped, as runc does. */
static int apply_cover(const struct hy_mount *m, int newroot)
{
	struct stat st;
	_cleanup_close_ int dest = open_in(newroot, m->dest, O_PATH);
	if (dest == -ENOENT)
		return 0;
	if (dest < 0 || fstat(dest, &st) < 0)
		return dest < 0 ? dest : -errno;
	const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int tree = -1;
	if (m->kind == HY_MNT_READONLY)
		tree = clone_tree(dest, "", AT_EMPTY_PATH | AT_RECURSIVE);
	else if (S_ISDIR(st.st_mode))
		tree = make_tmpfs("size=0,mode=0555", ro);
	else
		tree = clone_tree(AT_FDCWD, "/dev/null", 0);
	if (tree < 0)
		return tree;
	int r = m->kind == HY_MNT_READONLY ? set_attr(tree, ro, true) : 0;
	return r < 0 ? r : attach(tree, dest);
}

int hy_ns_apply_mounts(const struct hy_root_spec *spec, const int trees[HY_MOUNTS_MAX],
		       int newroot, int rootfs, const char **ret_step)
{
	static const char *const what[] = { [HY_MNT_BIND] = "bind-mount onto",
					    [HY_MNT_TMPFS] = "mount tmpfs on",
					    [HY_MNT_READONLY] = "make read-only",
					    [HY_MNT_MASK] = "mask" };
	for (size_t i = 0; i < spec->nmounts && i < HY_MOUNTS_MAX; i++) {
		const struct hy_mount *m = &spec->mounts[i];
		int r;
		if (m->kind == HY_MNT_BIND)
			r = apply_bind(m, trees[i], newroot, rootfs);
		else if (m->kind == HY_MNT_TMPFS)
			r = apply_tmpfs(m, newroot, rootfs);
		else
			r = apply_cover(m, newroot);
		if (r < 0) {
			*ret_step = step(m, what[m->kind]);
			return r;
		}
	}
	return 0;
}
