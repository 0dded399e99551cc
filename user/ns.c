// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mount namespace setup for the container (model: bubblewrap's setup_newroot).
 * Runs as root in the container's init task, after clone and before the
 * user's command is started; it must not touch the host mount namespace
 * (everything is made private first).
 */
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emu.h"
#include "util.h"

#define BASE "/tmp"
#define NEWROOT BASE "/newroot"

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

static const struct {
	const char *link, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

#define STEP(s)                                                                                    \
	do {                                                                                       \
		*ret_step = (s);                                                                   \
	} while (0)

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data)
{
	return mount(src, dst, type, flags, data) < 0 ? -errno : 0;
}

/*
 * The root and everything under it: nodev always (there is no device
 * cgroup: with CAP_MKNOD a node made anywhere else could open a host disk;
 * the container's devices are the ones bound into its own /dev), read-only
 * unless root.readonly is false.
 */
static int restrict_root(const char *path, bool is_writable)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NODEV |
					       (is_writable ? 0 : MOUNT_ATTR_RDONLY) };
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

/* Mountpoints a rootfs must offer; created if missing (fails if it is read-only). */
static int ensure_mountpoints(const struct hy_root_spec *spec, const char **ret_step)
{
	static const char *const dirs[] = { NEWROOT "/proc", NEWROOT "/dev", NEWROOT "/tmp",
					    NEWROOT "/sys" };
	size_t n = ARRAY_SIZE(dirs) - !(spec->extra & HY_MOUNT_SYSFS);
	for (size_t i = 0; i < n; i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) {
			STEP(dirs[i] + strlen(NEWROOT));
			return -errno;
		}
	return 0;
}

static int setup_dev(const struct hy_root_spec *spec, const char **ret_step)
{
	char p[256], shm[64] = "mode=1777";
	int r;
	STEP("mount tmpfs on /dev");
	/* nodev: its nodes are bind mounts of the host's, which keep working;
	 * a node made in it later does not. */
	r = do_mount("tmpfs", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV,
		     "mode=0755,size=64k");
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(p, sizeof(p), NEWROOT "/dev/%s", dev_nodes[i]);
		STEP("create /dev node mountpoint");
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			return -errno;
		close(fd);
		char src[64];
		snprintf(src, sizeof(src), "/dev/%s", dev_nodes[i]);
		STEP("bind-mount a /dev node");
		if ((r = do_mount(src, p, NULL, MS_BIND, NULL)) < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		snprintf(p, sizeof(p), NEWROOT "/dev/%s", dev_links[i].link);
		STEP("create /dev symlinks");
		if (symlink(dev_links[i].target, p) < 0)
			return -errno;
	}
	STEP("mount devpts on /dev/pts");
	if (mkdir(NEWROOT "/dev/pts", 0755) < 0 ||
	    (r = do_mount("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=620")) < 0)
		return r < 0 ? r : -errno;
	STEP("mount tmpfs on /dev/shm");
	if (spec->shm_size)
		snprintf(shm, sizeof(shm), "mode=1777,size=%llu", spec->shm_size);
	if (mkdir(NEWROOT "/dev/shm", 01777) < 0 ||
	    (r = do_mount("tmpfs", NEWROOT "/dev/shm", "tmpfs",
			  MS_NOSUID | MS_NODEV | spec->shm_flags, shm)) < 0)
		return r < 0 ? r : -errno;
	return 0;
}

/* Mounts a config.json asked for (HY_MOUNT_*), after proc and /dev. sysfs and
 * the cgroup2 view are read-only whatever the config says; cgroup2 shows the
 * container's own leaf (init entered a new cgroup namespace before). */
static int setup_extra(const struct hy_root_spec *spec, const char **ret_step)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int r;
	if (spec->extra & HY_MOUNT_SYSFS) {
		STEP("mount sysfs on /sys");
		if ((r = do_mount("sysfs", NEWROOT "/sys", "sysfs", ro, NULL)) < 0)
			return r;
	}
	if (spec->extra & HY_MOUNT_CGROUP) {
		STEP("mount cgroup2 on /sys/fs/cgroup");
		if ((r = do_mount("cgroup2", NEWROOT "/sys/fs/cgroup", "cgroup2", ro, NULL)) < 0)
			return r;
	}
	if (spec->extra & HY_MOUNT_MQUEUE) {
		STEP("mount mqueue on /dev/mqueue");
		if (mkdir(NEWROOT "/dev/mqueue", 01777) < 0)
			return -errno;
		r = do_mount("mqueue", NEWROOT "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

#define VIEWS BASE "/views"

/*
 * A view on the container's /dev (kmsg): an empty file on the tmpfs to bind
 * over, and after the bind, the bind made writable (the FUSE mount is
 * read-only; a bind takes its flags).
 */
static int create_dev_target(const char *dst)
{
	int fd = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int make_bind_writable(const char *dst)
{
	return do_mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL);
}

/*
 * kernel-emu's views: attach its FUSE mount (detached, on views_fd) out of
 * the new root's sight, and bind each file over its target where the target
 * exists (a rootfs may have no /sys) or is made (/dev). The mount on VIEWS
 * goes with the old root at pivot_root; the binds stay.
 */
static int mount_views(int views_fd, const char **ret_step)
{
	char src[128], dst[256];
	struct stat st;
	int r;
	STEP("create " VIEWS);
	if (mkdir(VIEWS, 0700) < 0)
		return -errno;
	STEP("attach kernel-emu's /proc views (FUSE)");
	if (syscall(SYS_move_mount, views_fd, "", AT_FDCWD, VIEWS, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	for (size_t i = 0; i < emu_view_nfiles; i++) {
		const struct emu_view_file *v = &emu_view_files[i];
		snprintf(dst, sizeof(dst), NEWROOT "%s", v->target);
		STEP(v->step);
		if (v->is_dev && (r = create_dev_target(dst)) < 0)
			return r;
		if (stat(dst, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(src, sizeof(src), VIEWS "/%s", v->name);
		if ((r = do_mount(src, dst, NULL, MS_BIND, NULL)) < 0 ||
		    (v->is_dev && (r = make_bind_writable(dst)) < 0))
			return r;
	}
	return 0;
}

/* Fresh filesystems on top of the read-only root. */
static int setup_overlays(const struct hy_root_spec *spec, const char **ret_step)
{
	int r;
	STEP("mount proc on /proc");
	/* proc shows the pid namespace of the task that mounts it: in a joined
	 * one, init is not that task (ns_proc.c) */
	if (spec->is_pid_joined)
		r = hy_ns_mount_joined_proc(NEWROOT "/proc", ret_step);
	else
		r = do_mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (r < 0)
		return r;
	if ((r = setup_dev(spec, ret_step)) < 0 || (r = setup_extra(spec, ret_step)) < 0)
		return r;
	if (spec->views_fd >= 0 && (r = mount_views(spec->views_fd, ret_step)) < 0)
		return r;
	STEP("mount tmpfs on /tmp");
	if ((r = do_mount("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")) < 0)
		return r;
	/* Host /run holds service sockets (a read-only mount does not stop connect()). */
	struct stat st;
	if (stat(NEWROOT "/run", &st) == 0 && S_ISDIR(st.st_mode)) {
		STEP("mount tmpfs on /run");
		r = do_mount("tmpfs", NEWROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * linux.sysctl, through the container's own proc: the kernel resolves
 * /proc/sys/net and the IPC entries in the writer's namespaces, which are the
 * container's (the parser let only those through).
 */
static int write_sysctls(const struct hy_root_spec *spec, const char **ret_step)
{
	char p[sizeof(NEWROOT "/proc/sys/") + sizeof(spec->sysctls->path)];
	for (size_t i = 0; i < spec->nsysctls; i++) {
		const struct hy_sysctl *s = &spec->sysctls[i];
		size_t len = strlen(s->value);
		snprintf(p, sizeof(p), NEWROOT "/proc/sys/%s", s->path);
		STEP(s->step);
		int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return -errno;
		ssize_t n = write(fd, s->value, len);
		int e = errno;
		close(fd);
		if (n != (ssize_t)len)
			return n < 0 ? -e : -EIO;
	}
	return 0;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* config.json's mounts on top of the standard ones (ns_mounts.c). */
static int setup_config_mounts(const struct hy_root_spec *spec, const int trees[HY_MOUNTS_MAX],
			       int rootfs_fd, const char **ret_step)
{
	STEP("open the new root");
	_cleanup_close_ int newroot = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (newroot < 0)
		return -errno;
	return hy_ns_apply_mounts(spec, trees, newroot, rootfs_fd, ret_step);
}

int hy_ns_setup_root(const struct hy_root_spec *spec, const char **ret_step)
{
	int r, trees[HY_MOUNTS_MAX];
	char src[64] = "/";
	/* Hold the rootfs open: the tmpfs on BASE below could hide its path (e.g. /tmp/rootfs). */
	_cleanup_close_ int rootfs_fd = -1;
	if (spec->rootfs) {
		STEP("open the rootfs");
		rootfs_fd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfs_fd < 0)
			return -errno;
		snprintf(src, sizeof(src), "/proc/self/fd/%d", rootfs_fd);
	}
	if ((r = hy_ns_open_binds(spec, trees, ret_step)) < 0) /* before /tmp is covered */
		goto out;
	STEP("make mounts private");
	if ((r = do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) < 0)
		goto out;
	STEP("mount tmpfs on " BASE);
	if ((r = do_mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700")) < 0)
		goto out;
	STEP("create " NEWROOT);
	if (mkdir(NEWROOT, 0755) < 0) {
		r = -errno;
		goto out;
	}
	STEP(spec->rootfs ? "bind-mount the rootfs" : "bind-mount the host root");
	if ((r = do_mount(src, NEWROOT, NULL, MS_BIND | MS_REC, NULL)) < 0)
		goto out;
	if (spec->rootfs && (r = ensure_mountpoints(spec, ret_step)) < 0)
		goto out;
	STEP(spec->is_writable ? "make the root nodev" : "make the root read-only");
	if ((r = restrict_root(NEWROOT, spec->is_writable)) < 0)
		goto out;
	if ((r = setup_overlays(spec, ret_step)) < 0 || (r = write_sysctls(spec, ret_step)) < 0 ||
	    (r = setup_config_mounts(spec, trees, rootfs_fd, ret_step)) < 0)
		goto out;
	close_all(trees, HY_MOUNTS_MAX);
	STEP("pivot_root");
	if (chdir(NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	/* The old root is now stacked on top of the new one at "/": detach it. */
	STEP("detach the old root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
out:
	close_all(trees, HY_MOUNTS_MAX);
	return r;
}

int hy_ns_loopback_up(void)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct ifreq ifr = { 0 };
	strscpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}
