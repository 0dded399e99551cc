// SPDX-License-Identifier: GPL-2.0-only
/*
 * rename, link and truncate on the emulated road (files area); see
 * sys_path.c for the rules on moving an object to a place that grants more.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/policy.h"
#include "cred.h"
#include "fsres.h"
#include "sys.h"
#include "util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define ACC_DATA (HY_ACC_R | HY_ACC_W | HY_ACC_X)

/* A rule strictly below dir (its entries would change rules when dir moves). */
static bool rules_below(const struct emu_kernel *k, const char *dir)
{
	size_t n = strlen(dir);
	if (!k->obj)
		return false;
	for (unsigned i = 0; i < k->obj->files.nrules && i < HY_POL_PATH_RULES; i++) {
		const char *r = k->obj->files.rule[i].path;
		if (strlen(r) > n && !strncmp(r, dir, n) && (r[n] == '/' || n == 1))
			return true;
	}
	return false;
}

/* May an object at from (a directory when dir) appear at to? 0 or -EXDEV. */
static int refer_ok(const struct emu_kernel *k, const char *from, const char *to, bool dir)
{
	uint32_t gained = emu_fs_granted(k, to) & ~emu_fs_granted(k, from) & ACC_DATA;
	if (gained || (dir && (rules_below(k, from) || rules_below(k, to))))
		return -EXDEV;
	return 0;
}

struct side {
	int pfd;
	const char *last;
	char path[PATH_MAX];
	char entry[PATH_MAX];
};

/* Paths are copied from the task before its credentials are taken (cred.h). */
static int copy_side(struct emu_call *c, uint64_t addr, struct side *s, bool empty_ok)
{
	int r = emu_fs_copy_path(c, addr, s->path);
	return r < 0 ? r : (!s->path[0] && !empty_ok) ? -ENOENT : 0;
}

static int resolve_side(struct emu_kernel *k, struct emu_call *c, int dirfd, struct side *s)
{
	s->pfd = emu_fs_parent(k, c, dirfd, s->path, 0, s->entry, &s->last);
	return s->pfd < 0 ? s->pfd : 0;
}

static long rename_call(struct emu_kernel *k, struct emu_call *c, int olddir, uint64_t oldp,
			int newdir, uint64_t newp, unsigned flags)
{
	struct side o = { .pfd = -1 }, n = { .pfd = -1 };
	struct stat st;
	long r = copy_side(c, oldp, &o, false);
	if (r == 0)
		r = copy_side(c, newp, &n, false);
	if (r == 0)
		r = emu_cred_adopt(c->cred, k, c);
	if (r == 0)
		r = resolve_side(k, c, olddir, &o);
	if (r == 0)
		r = resolve_side(k, c, newdir, &n);
	if (r == 0 && (!o.last || !n.last))
		r = -EBUSY;
	if (r == 0 && fstatat(o.pfd, o.last, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r == 0)
		r = emu_fs_check(k, c, HY_OP_RENAME, HY_ACC_C, o.entry, n.entry);
	if (r == 0)
		r = emu_fs_check2(k, c, HY_OP_RENAME, HY_ACC_C, n.entry, o.entry, n.entry);
	if (r == 0)
		r = refer_ok(k, o.entry, n.entry, S_ISDIR(st.st_mode));
	if (r == 0 && (flags & RENAME_EXCHANGE) && fstatat(n.pfd, n.last, &st, AT_SYMLINK_NOFOLLOW) == 0)
		r = refer_ok(k, n.entry, o.entry, S_ISDIR(st.st_mode));
	if (r == 0 && syscall(SYS_renameat2, o.pfd, o.last, n.pfd, n.last, flags) < 0)
		r = -errno;
	if (o.pfd >= 0)
		close(o.pfd);
	if (n.pfd >= 0)
		close(n.pfd);
	return r;
}

long emu_sys_rename(struct emu_kernel *k, struct emu_call *c)
{
	return rename_call(k, c, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1], 0);
}

long emu_sys_renameat(struct emu_kernel *k, struct emu_call *c)
{
	return rename_call(k, c, (int)c->args[0], c->args[1], (int)c->args[2], c->args[3], 0);
}

long emu_sys_renameat2(struct emu_kernel *k, struct emu_call *c)
{
	return rename_call(k, c, (int)c->args[0], c->args[1], (int)c->args[2], c->args[3],
			   (unsigned)c->args[4]);
}

/* The existing file of link(2): O_PATH fd; path becomes its container path. */
static int link_source(struct emu_kernel *k, struct emu_call *c, int dirfd, int flags,
		       char path[PATH_MAX])
{
	_cleanup_close_ int base = emu_fs_base(k, c, dirfd, path[0] ? path : ".", false);
	if (base < 0)
		return base;
	int fd = path[0] ? emu_fs_resolve(base, path, flags & AT_SYMLINK_FOLLOW, 0) :
			   fcntl(base, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return fd < -1 ? fd : -errno;
	int r = emu_fs_fd_path(k, fd, path);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static long link_call(struct emu_kernel *k, struct emu_call *c, int olddir, uint64_t oldp,
		      int newdir, uint64_t newp, int flags)
{
	char link[48];
	struct side o = { .pfd = -1 }, n = { .pfd = -1 };
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	long r = copy_side(c, oldp, &o, flags & AT_EMPTY_PATH);
	if (r == 0)
		r = copy_side(c, newp, &n, false);
	if (r == 0)
		r = emu_cred_adopt(c->cred, k, c);
	if (r < 0)
		return r;
	_cleanup_close_ int src = link_source(k, c, olddir, flags, o.path);
	if (src < 0)
		return src;
	r = resolve_side(k, c, newdir, &n);
	if (r == 0 && !n.last)
		r = -EEXIST;
	if (r == 0)
		r = emu_fs_check2(k, c, HY_OP_LINK, HY_ACC_C, n.entry, o.path, n.entry);
	if (r == 0)
		r = refer_ok(k, o.path, n.entry, false);
	/* Through /proc: linkat(AT_EMPTY_PATH) would want CAP_DAC_READ_SEARCH. */
	snprintf(link, sizeof(link), "thread-self/fd/%d", src);
	if (r == 0 && linkat(k->proc_fd, link, n.pfd, n.last, AT_SYMLINK_FOLLOW) < 0)
		r = -errno;
	if (n.pfd >= 0)
		close(n.pfd);
	return r;
}

long emu_sys_link(struct emu_kernel *k, struct emu_call *c)
{
	return link_call(k, c, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1], 0);
}

long emu_sys_linkat(struct emu_kernel *k, struct emu_call *c)
{
	return link_call(k, c, (int)c->args[0], c->args[1], (int)c->args[2], c->args[3],
			 (int)c->args[4]);
}

long emu_sys_truncate(struct emu_kernel *k, struct emu_call *c)
{
	char path[PATH_MAX], link[48];
	struct stat st;
	long r = emu_fs_copy_path(c, c->args[0], path);
	if (r == 0 && !path[0])
		r = -ENOENT;
	if (r == 0)
		r = emu_cred_adopt(c->cred, k, c);
	if (r < 0)
		return r;
	_cleanup_close_ int base = emu_fs_base(k, c, AT_FDCWD, path, false);
	if (base < 0)
		return base;
	_cleanup_close_ int opath = emu_fs_resolve(base, path, true, 0);
	if (opath < 0)
		return opath;
	if ((r = emu_fs_fd_path(k, opath, path)) < 0)
		return r;
	if ((r = emu_fs_check(k, c, HY_OP_TRUNCATE, HY_ACC_W, path, NULL)) < 0)
		return r;
	if (fstat(opath, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	snprintf(link, sizeof(link), "thread-self/fd/%d", opath);
	_cleanup_close_ int fd = openat(k->proc_fd, link, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return ftruncate(fd, (off_t)c->args[1]) < 0 ? -errno : 0;
}
