/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path resolution for the files and exec areas on the emulated road.
 *
 * A path argument is copied from the task ONCE. It is resolved by kernel-emu
 * itself, in the notify thread, which lives in the container's mount
 * namespace with the container's root as its root (notify.c): absolute paths
 * with openat2(root, RESOLVE_IN_ROOT), relative ones from the task's cwd or
 * dirfd (taken from /proc/TID, proven by the notification id), so ".." stops
 * at the container's root either way. RESOLVE_NO_MAGICLINKS refuses
 * /proc/PID/fd-style links, which could point anywhere; the task's own
 * standard streams are the exception (emu_fs_task_stream()). The policy is
 * checked on the path of what was resolved (readlink of the O_PATH fd,
 * relative to the container's root), and the operation then acts on that fd
 * or on the resolved parent directory fd: nothing the task does after the
 * check can change what is acted on.
 */
#pragma once
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "call.h"
#include "kernel.h"

/* Copy a NUL-terminated path (at most PATH_MAX bytes with the NUL) from the
 * task. 0, -EFAULT or -ENAMETOOLONG. An empty path is returned as such. */
int emu_fs_copy_path(struct emu_call *c, uint64_t addr, char buf[PATH_MAX]);

/* The directory fd a path starts from: the container root for an absolute
 * path (unless scoped: RESOLVE_BENEATH/IN_ROOT asked by the task are relative
 * to its dirfd), the task's cwd for AT_FDCWD, else the task's dirfd. New fd
 * or -errno. */
int emu_fs_base(struct emu_kernel *k, struct emu_call *c, int dirfd, const char *path, bool scoped);

/* In emu_fs_resolve()'s extra: follow magic links (exec checks only: nothing
 * is opened for data, and /proc/self/exe must work). */
#define EMU_FS_MAGICLINKS (1ULL << 63)

/* O_PATH fd of path from base (extra: RESOLVE_* the task asked for). */
int emu_fs_resolve(int base, const char *path, bool follow, uint64_t extra);

/* Container-absolute path of an fd kernel-emu holds. 0 or -errno. */
int emu_fs_fd_path(struct emu_kernel *k, int fd, char out[PATH_MAX]);

/*
 * Split path into the directory part (into dir, "." when there is none) and
 * the last component (a pointer into path). -EINVAL-free: returns -ENOENT for
 * an empty path, -EISDIR-like callers decide on "." and "..": *last is then
 * NULL. Trailing slashes are dropped; *trailing_slash says there were some.
 */
int emu_fs_split(const char *path, char dir[PATH_MAX], const char **last, bool *trailing_slash);

/* The parent directory of path, resolved (resolve: RESOLVE_* the task asked
 * for, else 0), its container path joined with the last component into
 * entry. New O_PATH fd or -errno; *last as emu_fs_split(). */
int emu_fs_parent(struct emu_kernel *k, struct emu_call *c, int dirfd, const char *path,
		  uint64_t resolve, char entry[PATH_MAX], const char **last);

/* Access bits (HY_ACC_*) the files rules grant on a container path. */
uint32_t emu_fs_granted(const struct emu_kernel *k, const char *path);

/*
 * Check that the files rules grant need on path; otherwise report (op, path,
 * path2) and return -EACCES, or 0 in audit mode. Also 0 when allowed.
 */
int emu_fs_check(struct emu_kernel *k, struct emu_call *c, uint32_t op, uint32_t need,
		 const char *path, const char *path2);
/* Same, checking need on checked while the event names path and path2 (the
 * event's order is fixed by the op: rename source/destination, link
 * existing/new; either may be the one checked). */
int emu_fs_check2(struct emu_kernel *k, struct emu_call *c, uint32_t op, uint32_t need,
		  const char *checked, const char *path, const char *path2);

/* "/dev/stdout", "/dev/fd/N", "/proc/self/fd/N"...: the task's own fd
 * number, or -1 when path does not name one of the task's streams. */
int emu_fs_task_stream(const char *path);

/*
 * "/proc/self/..." and "/proc/thread-self/..." name the caller, and kernel-emu
 * is not in the container's pid namespace: rewrite them to the task's own
 * "/proc/TGID/..." and "/proc/TGID/task/TID/...". Paths that reach
 * /proc/self through another symlink (/etc/mtab) are not rewritten and fail
 * with ENOENT on the emulated road. 0 or -ENAMETOOLONG.
 */
int emu_fs_rewrite_self(char path[PATH_MAX], pid_t nstgid, pid_t nstid);

/* Install fd in the task as the call's result (NOTIF_ADDFD with SEND):
 * EMU_RET_ADDFD, or -errno for the loop to answer with. Closes fd. */
long emu_fs_install(struct emu_kernel *k, struct emu_call *c, int fd, bool cloexec);
