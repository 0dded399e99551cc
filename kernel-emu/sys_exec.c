// SPDX-License-Identifier: GPL-2.0-only
/*
 * execve and execveat on the emulated road (exec area): kernel-emu resolves
 * the program in the container, checks the files rules' x bit and the exec
 * allow-list on what it resolved, and lets the task's own call continue.
 *
 * What stays racy here, and only here (the BPF LSM road checks the file the
 * kernel actually executes, in bprm_check_security): kernel-emu cannot
 * perform an exec for the task, so after the check the kernel resolves the
 * path again from the task's memory. A task can therefore win a race against
 * its own check by (1) rewriting the path string from another thread or
 * process sharing its memory, or (2) replacing a file or symlink on the path,
 * where the files rules grant it c. The interpreter of a "#!" script and the
 * ELF interpreter are not checked either. `hybox features` says so. The x bit
 * of the files rules still cannot be bypassed for files the task cannot
 * create or rename: they are resolved by the kernel to the same object.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abi/policy.h"
#include "cred.h"
#include "fsres.h"
#include "sys.h"
#include "task.h"
#include "util.h"

static int exec_allowed(struct emu_kernel *k, struct emu_call *c, const char *path)
{
	int r = emu_fs_check(k, c, HY_OP_EXEC, HY_ACC_X, path, NULL);
	if (r < 0 || !k->obj || !k->obj->exec.enabled)
		return r;
	char buf[HY_PATH_LEN];
	hy_path_buf(buf, path);
	if (hy_exec_allowed(&k->obj->exec, buf))
		return 0;
	struct hy_evt_policy ev = { .area = HY_AREA_EXEC, .op = HY_OP_EXEC, .access = HY_ACC_X,
				    .ret = -EACCES };
	strscpy(ev.path, path, sizeof(ev.path));
	return emu_policy_deny(k, c, &ev) ? -EACCES : 0;
}

static long exec_call(struct emu_kernel *k, struct emu_call *c, int dirfd, uint64_t addr, int flags)
{
	char path[PATH_MAX];
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	long r = emu_fs_copy_path(c, addr, path);
	if (r == 0 && !path[0] && !(flags & AT_EMPTY_PATH))
		r = -ENOENT;
	if (r == 0)
		r = emu_cred_adopt(c->cred, k, c);
	if (r == 0) /* "/proc/self/exe": the task's, not kernel-emu's */
		r = emu_fs_rewrite_self(path, c->cred->cur.nstgid, c->cred->cur.nspid);
	if (r < 0)
		return r;
	_cleanup_close_ int base = emu_fs_base(k, c, dirfd, path[0] ? path : ".", false);
	if (base < 0)
		return base;
	_cleanup_close_ int opath = path[0] ?
		emu_fs_resolve(base, path, !(flags & AT_SYMLINK_NOFOLLOW), EMU_FS_MAGICLINKS) :
		fcntl(base, F_DUPFD_CLOEXEC, 0);
	if (opath < 0)
		return opath < -1 ? opath : -errno;
	if ((r = emu_fs_fd_path(k, opath, path)) < 0)
		return r;
	r = exec_allowed(k, c, path);
	return r < 0 ? r : EMU_RET_CONTINUE;
}

long emu_sys_execve(struct emu_kernel *k, struct emu_call *c)
{
	return exec_call(k, c, AT_FDCWD, c->args[0], 0);
}

long emu_sys_execveat(struct emu_kernel *k, struct emu_call *c)
{
	return exec_call(k, c, (int)c->args[0], c->args[1], (int)c->args[4]);
}
