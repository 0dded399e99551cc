// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path-changing syscalls on the emulated road (files area): mkdir, mknod,
 * symlink, unlink, rmdir here; rename, link, truncate in sys_move.c. Each resolves the parent
 * directory in the container (fsres.h), checks c (create/unlink/rename/
 * mkdir of the entry itself) or w (truncate) on the entry's container path,
 * and acts on the resolved parent fd with the task's credentials.
 *
 * rename and link must not hand an object more access than it had: moving
 * "/secret" (r denied) to "/tmp/x" (rw) would open it. As Landlock does
 * (LANDLOCK_ACCESS_FS_REFER), the new place may not grant r/w/x the old one
 * lacks, and a directory may not be moved in or out of a subtree that has
 * rules of its own (its entries would change rules at once); both are
 * refused with EXDEV, which programs such as mv answer with copy+delete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/policy.h"
#include "cred.h"
#include "fsres.h"
#include "sys.h"
#include "util.h"

/* What to do with the resolved parent and the last component. */
struct entry_op {
	uint32_t op;     /* HY_OP_* for the event */
	int no_entry;    /* errno when the path has no last component ("/", ".", "..") */
	int (*act)(int pfd, const char *last, const struct entry_op *e);
	uint64_t a, b;   /* the call's other arguments (mode, dev, flags) */
	const char *str; /* symlink target */
};

static int act_unlink(int pfd, const char *last, const struct entry_op *e);

/* What the kernel answers for a path without a last entry ("/", ".", ".."). */
static int no_entry_errno(const char *path, const struct entry_op *e)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	bool dotdot = n >= 2 && path[n - 1] == '.' && path[n - 2] == '.' &&
		      (n == 2 || path[n - 3] == '/');
	if (e->act == act_unlink && e->a == AT_REMOVEDIR) /* rmdir */
		return n == 1 && path[0] == '/' ? EBUSY : dotdot ? ENOTEMPTY : EINVAL;
	return e->no_entry;
}

static long entry_call(struct emu_kernel *k, struct emu_call *c, int dirfd, uint64_t path_addr,
		       struct entry_op *e)
{
	char path[PATH_MAX], entry[PATH_MAX];
	const char *last;
	int r = emu_fs_copy_path(c, path_addr, path);
	if (r < 0)
		return r;
	if (!path[0])
		return -ENOENT;
	if ((r = emu_cred_adopt(c->cred, k, c)) < 0)
		return r;
	_cleanup_close_ int pfd = emu_fs_parent(k, c, dirfd, path, 0, entry, &last);
	if (pfd < 0)
		return pfd;
	if (!last)
		return -no_entry_errno(path, e);
	if ((r = emu_fs_check(k, c, e->op, HY_ACC_C, entry, NULL)) < 0)
		return r;
	return e->act(pfd, last, e) < 0 ? -errno : 0;
}

static int act_mkdir(int pfd, const char *last, const struct entry_op *e)
{
	return mkdirat(pfd, last, (mode_t)e->a);
}

static int act_mknod(int pfd, const char *last, const struct entry_op *e)
{
	return mknodat(pfd, last, (mode_t)e->a, (dev_t)e->b);
}

static int act_unlink(int pfd, const char *last, const struct entry_op *e)
{
	return unlinkat(pfd, last, (int)e->a);
}

static int act_symlink(int pfd, const char *last, const struct entry_op *e)
{
	return symlinkat(e->str, pfd, last);
}

long emu_sys_mkdirat(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_MKDIR, .no_entry = EEXIST, .act = act_mkdir,
			      .a = (uint32_t)c->args[2] };
	return entry_call(k, c, (int)c->args[0], c->args[1], &e);
}

long emu_sys_mkdir(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_MKDIR, .no_entry = EEXIST, .act = act_mkdir,
			      .a = (uint32_t)c->args[1] };
	return entry_call(k, c, AT_FDCWD, c->args[0], &e);
}

long emu_sys_mknodat(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_CREATE, .no_entry = EEXIST, .act = act_mknod,
			      .a = (uint32_t)c->args[2], .b = (uint32_t)c->args[3] };
	return entry_call(k, c, (int)c->args[0], c->args[1], &e);
}

long emu_sys_mknod(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_CREATE, .no_entry = EEXIST, .act = act_mknod,
			      .a = (uint32_t)c->args[1], .b = (uint32_t)c->args[2] };
	return entry_call(k, c, AT_FDCWD, c->args[0], &e);
}

long emu_sys_unlinkat(struct emu_kernel *k, struct emu_call *c)
{
	int flags = (int)c->args[2];
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	struct entry_op e = { .op = HY_OP_UNLINK, .no_entry = flags ? EINVAL : EISDIR,
			      .act = act_unlink, .a = (uint64_t)flags };
	return entry_call(k, c, (int)c->args[0], c->args[1], &e);
}

long emu_sys_unlink(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_UNLINK, .no_entry = EISDIR, .act = act_unlink };
	return entry_call(k, c, AT_FDCWD, c->args[0], &e);
}

long emu_sys_rmdir(struct emu_kernel *k, struct emu_call *c)
{
	struct entry_op e = { .op = HY_OP_UNLINK, .no_entry = EINVAL, .act = act_unlink,
			      .a = AT_REMOVEDIR };
	return entry_call(k, c, AT_FDCWD, c->args[0], &e);
}

static long symlink_call(struct emu_kernel *k, struct emu_call *c, uint64_t target, int dirfd,
			 uint64_t linkpath)
{
	char t[PATH_MAX];
	int r = emu_fs_copy_path(c, target, t);
	if (r < 0)
		return r;
	if (!t[0])
		return -ENOENT;
	struct entry_op e = { .op = HY_OP_CREATE, .no_entry = EEXIST, .act = act_symlink, .str = t };
	return entry_call(k, c, dirfd, linkpath, &e);
}

long emu_sys_symlinkat(struct emu_kernel *k, struct emu_call *c)
{
	return symlink_call(k, c, c->args[0], (int)c->args[1], c->args[2]);
}

long emu_sys_symlink(struct emu_kernel *k, struct emu_call *c)
{
	return symlink_call(k, c, c->args[0], AT_FDCWD, c->args[1]);
}
