// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Object-level policy enforcement: BPF LSM hooks that apply each container's
 * struct hy_obj_policy (bpf/abi/policy.h) to files, exec, sockets, ptrace,
 * signals and mounts, in the kernel, on the objects themselves (no TOCTOU).
 * Loaded and fed by user/lsm.c (root, in the supervisor); every denial or
 * would-be denial (audit mode) is one struct hy_evt_policy on the ring of
 * events.bpf.h. Nothing here prints, and nothing changes what a task outside
 * every container may do.
 *
 * Scope. Every hook runs for every task on the host. The first thing each
 * does is read hy_cg_level (0 while no container is registered: return) and
 * look up the current task's cgroup ancestor at that level in hy_lsm_cgs; a
 * host task pays that one helper call and one hash lookup, nothing else. The
 * ancestor rather than the leaf: a container that creates a child cgroup and
 * moves a task there stays confined (the leaf id would not be in the map).
 *
 * Files: inodes, not strings. A d_path() string seen in a hook can be raced
 * (a parent renamed between check and use) and is cut short by bind mounts
 * and chroots, so rules are not matched on path strings here. User space
 * resolves each rule's path to (dev, ino) inside the container's root when
 * the container starts, and a hook walks from the object's dentry up through
 * its parents (crossing mount points to the mount they sit on) to the root
 * of the container's mount namespace, looking each (cgid, dev, ino) up in
 * hy_lsm_inos, as Landlock does. The first hit is the most specific rule --
 * the same answer hy_path_lookup() gives on strings, because each rule's
 * inode is where its path ends. Consequences, stated in docs and tests:
 *  - a rule whose path does not exist at start has no inode: user/lsm.c
 *    skips it, and objects under it fall to the next rule up;
 *  - a new entry (create, mkdir, mknod, symlink, link and rename targets)
 *    has no inode yet, so its c is decided by the walk from its parent
 *    directory (the nearest rule above it); an existing entry (unlink,
 *    rmdir, rename source, an overwritten rename target) is walked from
 *    itself, so "/etc/shadow" without c cannot be unlinked under a "/etc"
 *    with c;
 *  - a hard link shares the inode, so a rule on a file follows its links;
 *    rename and link refuse (EXDEV) to give an object without a rule of its
 *    own more r/w/x than it had (gains_access(), as on the emulated road);
 *  - a walk longer than HY_LSM_WALK_DEPTH steps finds nothing: denied;
 *  - keys are (super_block.s_dev, i_ino) read from the dentry; user space
 *    gets them from statx(), which agrees except on btrfs subvolumes (an
 *    anonymous st_dev): rules there bind nothing, so their objects are
 *    denied (fail closed, documented in user/lsm.c).
 * Objects on internal filesystems (pipes, sockets, anon inodes, nsfs:
 * SB_NOUSER) and private inodes are not checked, as in Landlock: they have
 * no path in the container, and reopening an inherited pipe through
 * /proc/self/fd must keep working.
 *
 * Event paths are rendered from the same dentry walk (container-absolute:
 * the walk stops at the root of the container's mount namespace), not with
 * bpf_d_path(): on 6.1 an LSM program may call bpf_d_path() only from a
 * sleepable hook, and the path_* hooks are not sleepable. Names are read
 * without the rename lock, so a path in an event can be torn by a
 * concurrent rename; the decision never depends on it.
 *
 * Hooks: file_open (r/w from f_mode, O_TRUNC is w; the opens of execve are
 * left to bprm_check, so x does not need r; mmap(PROT_EXEC) of a library
 * needs only the r of its open), path_mknod/mkdir/symlink/unlink/rmdir/
 * rename/link (c),
 * path_truncate (w, also ftruncate on 6.1), bprm_check_security (x + the
 * exec allow-list), socket_create, socket_connect/bind/sendmsg (with an
 * address), ptrace_access_check, ptrace_traceme, task_kill, sb_mount,
 * move_mount, sb_umount, sb_pivotroot. The path_* hooks rather than the
 * inode_* ones: they carry the vfsmount the walk needs to cross mount points,
 * and they run for the container's own syscalls only, not for what overlayfs
 * does to its upper layer on the container's behalf (copy-up).
 *
 * Verifier: every loop (the dentry walks, the network rules) is a
 * bpf_loop() callback, checked once; open-coded they did not fit the 1M
 * instruction budget on 6.1 (walk + path rendering) or took ~80K
 * instructions per network hook, most of the object's load time.
 *
 * Results: -EACCES for files and exec, -EPERM otherwise; 0 with an AUDIT
 * event in audit mode. A hook that sees a non-zero ret from an earlier BPF
 * LSM program returns it untouched. A container entry that is malformed
 * (wrong magic) denies everything, audit flag included (fail closed).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "events.bpf.h"
#include "abi/lsm.h"
#include "abi/policy.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Kernel #defines vmlinux.h does not carry. */
#define AF_UNSPEC	    0
#define AF_UNIX		    1
#define AF_INET		    2
#define AF_INET6	    10
#define AF_NETLINK	    16
#define AF_PACKET	    17
#define SOCK_RAW	    3
#define SOCK_TYPE_MASK	    0xf
#define FMODE_READ	    0x1
#define FMODE_WRITE	    0x2
#define O_ACCMODE	    00000003
#define O_TRUNC		    00001000
#define __FMODE_EXEC	    0x20 /* in f_flags, not f_mode */
#define SB_NOUSER	    (1UL << 31)
#define S_PRIVATE	    (1U << 9)
#define PTRACE_MODE_ATTACH  0x02
#define PTRACE_MODE_NOAUDIT 0x04
#ifndef EXDEV
#define EXDEV 18
#endif

/*
 * cgroup v2 level of the registered containers' cgroups (user/lsm.c writes
 * it; one level per loaded object). 0: no container yet, every hook returns
 * at once.
 */
__u32 hy_cg_level = 0;

/* Containers: cgroup id (of the ancestor at hy_cg_level) -> policy. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HY_LSM_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, struct hy_lsm_cg);
} hy_lsm_cgs SEC(".maps");

/* Files rules and exec entries by inode (see bpf/abi/lsm.h for the key choice). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HY_LSM_MAX_INOS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hy_lsm_ino_key);
	__type(value, struct hy_lsm_ino);
} hy_lsm_inos SEC(".maps");

/*
 * Path rendering buffer, per CPU: components are written right to left
 * ending at RENDER_END, each at most 255 bytes, so every write stays below
 * RENDER_END + 256 <= sizeof(buf). Only used on the denial path; a task
 * preempted while rendering (full preemption) can have its event's path
 * garbled by another, never its decision.
 */
#define RENDER_END 511
struct hy_lsm_scratch {
	char buf[1024];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hy_lsm_scratch);
} hy_lsm_scratch SEC(".maps");

/* ------------------------------------------------------------ container */

/* The container current belongs to (NULL: a host task), and its cgroup id. */
static __always_inline const struct hy_lsm_cg *container(__u64 *ret_cgid)
{
	__u32 level = hy_cg_level;
	__u64 cgid;

	if (!level)
		return NULL;
	cgid = bpf_get_current_ancestor_cgroup_id(level);
	*ret_cgid = cgid;
	return bpf_map_lookup_elem(&hy_lsm_cgs, &cgid);
}

/* Cgroup id of t's ancestor at hy_cg_level (0 if t is shallower or too deep). */
static __always_inline __u64 task_container(struct task_struct *t)
{
	__u32 level = hy_cg_level;
	struct cgroup *cg = BPF_CORE_READ(t, cgroups, dfl_cgrp);
	__u32 i, l;

	for (i = 0; i < HY_LSM_WALK_DEPTH; i++) {
		if (!cg)
			return 0;
		l = BPF_CORE_READ(cg, level);
		if (l <= level)
			break;
		/* self (the cgroup's css) is cgroup's first member: parent css == parent cgroup */
		cg = (struct cgroup *)((char *)BPF_CORE_READ(cg, self.parent) -
				       bpf_core_field_offset(struct cgroup, self));
	}
	if (!cg || BPF_CORE_READ(cg, level) != level)
		return 0;
	return BPF_CORE_READ(cg, kn, id);
}

static __always_inline int sane(const struct hy_lsm_cg *cg)
{
	return cg->magic == HY_LSM_CG_MAGIC;
}

static __always_inline int is_audit(const struct hy_lsm_cg *cg)
{
	return sane(cg) && (cg->flags & HY_LSM_CG_AUDIT);
}

/* What the hook returns for a denial: err, or 0 in audit mode. */
static __always_inline int verdict(const struct hy_lsm_cg *cg, int err)
{
	return is_audit(cg) ? 0 : err;
}

/* ------------------------------------------------------------ events */

/* A zeroed policy event with task, area, op, decision and ret filled; NULL if the ring is full. */
static __always_inline struct hy_evt_policy *evt_new(__u64 cgid, const struct hy_lsm_cg *cg,
						     __u32 area, __u32 op, int err)
{
	struct hy_evt_policy *e = hy_evt_reserve(HY_EVT_POLICY, sizeof(*e), cgid);
	__u64 *w, id;
	__u32 i;

	if (!e)
		return NULL;
	w = (__u64 *)&e->task;
	for (i = 0; i < (sizeof(*e) - sizeof(e->hdr)) / 8; i++)
		w[i] = 0;
	id = bpf_get_current_pid_tgid();
	e->task.pid = id >> 32;
	e->task.tid = (__u32)id;
	bpf_get_current_comm(e->task.comm, sizeof(e->task.comm));
	e->area = area;
	e->op = op;
	e->decision = is_audit(cg) ? HY_DECISION_AUDIT : HY_DECISION_DENY;
	e->road = HY_ROAD_ID_BPF_LSM;
	e->ret = verdict(cg, err);
	return e;
}

/* ------------------------------------------------------------ dentry walks */

static __always_inline struct mount *real_mount(struct vfsmount *mnt)
{
	return (struct mount *)((char *)mnt - bpf_core_field_offset(struct mount, mnt));
}

static __always_inline struct vfsmount *mount_vfs(struct mount *m)
{
	return (struct vfsmount *)((char *)m + bpf_core_field_offset(struct mount, mnt));
}

/*
 * One step up from (*mnt, *d) towards the namespace root: to the parent
 * dentry, or from the root of a mount to the dentry it is mounted on.
 * Returns 0 at the top (root of the namespace's root mount, or a detached
 * or internal mount).
 */
static __always_inline int step_up(struct vfsmount **ret_mnt, struct dentry **ret_d)
{
	/* Locals: BPF_CORE_READ would relocate an access through our own structs too. */
	struct vfsmount *mnt = *ret_mnt;
	struct dentry *d = *ret_d, *parent;
	struct mount *m, *up;

	if (d == BPF_CORE_READ(mnt, mnt_root)) {
		m = real_mount(mnt);
		up = BPF_CORE_READ(m, mnt_parent);
		if (!up || up == m)
			return 0;
		*ret_d = BPF_CORE_READ(m, mnt_mountpoint);
		*ret_mnt = mount_vfs(up);
		return 1;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d)
		return 0;
	*ret_d = parent;
	return 1;
}

/*
 * The walks below are bpf_loop() callbacks, one dentry step per call: the
 * verifier checks a callback body once instead of unrolling 32 steps whose
 * states differ (the open-coded walk with path rendering did not fit in the
 * 1M-instruction budget on 6.1).
 */
struct walk {
	__u64 cgid;
	struct vfsmount *mnt;
	struct dentry *d;
	__u32 want;        /* HY_LSM_INO_* kinds to find */
	__u32 found;       /* HY_LSM_INO_* kinds met so far */
	__u32 file_access; /* of the first files rule met */
	__u32 exec_access; /* of the first exec entry met */
};

static long walk_step(__u32 i, void *arg)
{
	struct walk *w = arg;
	struct hy_lsm_ino_key key = { .cgid = w->cgid };
	struct dentry *d = w->d;
	const struct hy_lsm_ino *v;
	struct inode *inode;

	inode = BPF_CORE_READ(d, d_inode);
	if (inode) {
		key.ino = BPF_CORE_READ(inode, i_ino);
		key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
		v = bpf_map_lookup_elem(&hy_lsm_inos, &key);
		if (v) {
			if ((v->flags & HY_LSM_INO_FILE) && !(w->found & HY_LSM_INO_FILE)) {
				w->found |= HY_LSM_INO_FILE;
				w->file_access = v->file_access;
			}
			if ((v->flags & HY_LSM_INO_EXEC) && !(w->found & HY_LSM_INO_EXEC)) {
				w->found |= HY_LSM_INO_EXEC;
				w->exec_access = v->exec_access;
			}
			if ((w->found & w->want) == w->want)
				return 1;
		}
	}
	return step_up(&w->mnt, &w->d) ? 0 : 1;
}

/*
 * Walk from (mnt, d) up to the namespace root and record the first rule of
 * each kind in want (HY_LSM_INO_*). A negative dentry (an entry about to be
 * created) has no inode: the walk starts deciding at its parent. At a mount
 * point both the mounted root and the covered dentry are looked up (a rule
 * names the mounted one; the covered one can only match a rule resolved
 * before the mount, which is harmless).
 */
static __always_inline void walk_rules(__u64 cgid, struct vfsmount *mnt, struct dentry *d,
				       __u32 want, struct walk *w)
{
	w->cgid = cgid;
	w->mnt = mnt;
	w->d = d;
	w->want = want;
	w->found = w->file_access = w->exec_access = 0;
	bpf_loop(HY_LSM_WALK_DEPTH, walk_step, w, 0);
}

/* Access bits the files rules grant on (mnt, d): those of the nearest rule; 0 if none. */
static __always_inline __u32 files_access(__u64 cgid, struct vfsmount *mnt, struct dentry *d)
{
	struct walk w;

	walk_rules(cgid, mnt, d, HY_LSM_INO_FILE, &w);
	return (w.found & HY_LSM_INO_FILE) ? w.file_access & HY_ACC_ALL : 0;
}

/* Objects the files rules do not apply to: internal filesystems, private inodes. */
static __always_inline int is_internal(struct dentry *d)
{
	struct inode *inode;

	if (BPF_CORE_READ(d, d_sb, s_flags) & SB_NOUSER)
		return 1;
	inode = BPF_CORE_READ(d, d_inode);
	return inode && (BPF_CORE_READ(inode, i_flags) & S_PRIVATE);
}

struct render {
	struct hy_lsm_scratch *s;
	struct vfsmount *mnt;
	struct dentry *d;
	__u32 pos; /* start of the rendered part in s->buf */
	__u32 top; /* reached the namespace root */
};

/* Prepend one component ("/name") unless d is a mount root, then step up. */
static long render_step(__u32 i, void *arg)
{
	struct render *c = arg;
	struct vfsmount *mnt = c->mnt;
	struct dentry *d = c->d;
	const unsigned char *name;
	__u32 len, pos = c->pos;

	if (d != BPF_CORE_READ(mnt, mnt_root)) {
		len = BPF_CORE_READ(d, d_name.len);
		name = BPF_CORE_READ(d, d_name.name);
		if (len > 255 || len + 1 > pos)
			return 1;
		pos -= len;
		bpf_probe_read_kernel(c->s->buf + (pos & RENDER_END), len & 255, name);
		pos--;
		c->s->buf[pos & RENDER_END] = '/';
		c->pos = pos;
	}
	if (!step_up(&c->mnt, &c->d)) {
		c->top = 1;
		return 1;
	}
	return 0;
}

/*
 * Write the container-absolute path of (mnt, d) into out (HY_PATH_LEN
 * bytes, NUL-terminated, cut at HY_PATH_LEN - 1). A path deeper than the
 * walk bound starts with "..." (its top is missing).
 */
static __always_inline void render_path(struct vfsmount *mnt, struct dentry *d, char *out)
{
	struct render c = { .mnt = mnt, .d = d, .pos = RENDER_END };
	__u32 zero = 0, pos;

	c.s = bpf_map_lookup_elem(&hy_lsm_scratch, &zero);
	if (!c.s)
		return;
	c.s->buf[RENDER_END] = '\0';
	bpf_loop(HY_LSM_WALK_DEPTH, render_step, &c, 0);
	pos = c.pos & RENDER_END;
	if (pos == RENDER_END) {
		pos--;
		c.s->buf[pos & RENDER_END] = '/';
	}
	if (!c.top && pos >= 3) {
		pos -= 3;
		c.s->buf[pos & RENDER_END] = '.';
		c.s->buf[(pos + 1) & RENDER_END] = '.';
		c.s->buf[(pos + 2) & RENDER_END] = '.';
	}
	bpf_probe_read_kernel_str(out, HY_PATH_LEN, c.s->buf + (pos & RENDER_END));
}

/* Deny (or audit) a files/exec/mount operation on (mnt, d) [and (mnt2, d2)] with one event. */
static __always_inline int deny_path(__u64 cgid, const struct hy_lsm_cg *cg, __u32 area, __u32 op,
				     __u32 access, int err, struct vfsmount *mnt, struct dentry *d,
				     struct vfsmount *mnt2, struct dentry *d2)
{
	struct hy_evt_policy *e = evt_new(cgid, cg, area, op, err);

	if (e) {
		e->access = access;
		render_path(mnt, d, e->path);
		if (d2)
			render_path(mnt2, d2, e->path2);
		hy_evt_submit(e);
	}
	return verdict(cg, err);
}

/*
 * c on an entry of directory dir: the entry's own walk when it exists, else
 * its parent's (a new entry has no inode and so no rule of its own yet).
 */
static __always_inline int may_change_entry(__u64 cgid, struct vfsmount *mnt, struct dentry *dir,
					    struct dentry *entry)
{
	struct dentry *from = BPF_CORE_READ(entry, d_inode) ? entry : dir;

	return (files_access(cgid, mnt, from) & HY_ACC_C) != 0;
}

/* ------------------------------------------------------------ files */

SEC("lsm/file_open")
int BPF_PROG(hy_file_open, struct file *file, int ret)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	struct dentry *d;
	__u32 flags, mode, want = 0;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	flags = BPF_CORE_READ(file, f_flags);
	/* execve/uselib open the file for reading: x decides, in bprm_check */
	if (flags & __FMODE_EXEC)
		return 0;
	d = BPF_CORE_READ(file, f_path.dentry);
	mnt = BPF_CORE_READ(file, f_path.mnt);
	if (is_internal(d))
		return 0;
	mode = BPF_CORE_READ(file, f_mode);
	if (mode & FMODE_READ)
		want |= HY_ACC_R;
	if ((mode & FMODE_WRITE) || (flags & O_TRUNC))
		want |= HY_ACC_W;
	if ((flags & O_ACCMODE) == O_ACCMODE) /* "3": ioctl-only opens need r and w permission */
		want |= HY_ACC_R | HY_ACC_W;
	if (!want)
		return 0;
	if ((files_access(cgid, mnt, d) & want) == want && sane(cg))
		return 0;
	return deny_path(cgid, cg, HY_AREA_FILES, HY_OP_OPEN, want, -EACCES, mnt, d, NULL, NULL);
}

/* c on an entry: walked from itself when it exists, else from its directory (new entry). */
static __always_inline int check_entry(const struct path *dir, struct dentry *dentry, __u32 op)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	__u64 cgid;

	cg = container(&cgid);
	if (!cg)
		return 0;
	mnt = BPF_CORE_READ(dir, mnt);
	if (may_change_entry(cgid, mnt, BPF_CORE_READ(dir, dentry), dentry) && sane(cg))
		return 0;
	return deny_path(cgid, cg, HY_AREA_FILES, op, HY_ACC_C, -EACCES, mnt, dentry, NULL, NULL);
}

/* Also open(O_CREAT) of a new file (may_o_create). */
SEC("lsm/path_mknod")
int BPF_PROG(hy_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	return ret ? ret : check_entry(dir, dentry, HY_OP_CREATE);
}

SEC("lsm/path_mkdir")
int BPF_PROG(hy_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return ret ? ret : check_entry(dir, dentry, HY_OP_MKDIR);
}

SEC("lsm/path_symlink")
int BPF_PROG(hy_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	return ret ? ret : check_entry(dir, dentry, HY_OP_CREATE);
}

/* unlink and rmdir: the entry exists, so check_entry() walks from it. */
SEC("lsm/path_unlink")
int BPF_PROG(hy_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : check_entry(dir, dentry, HY_OP_UNLINK);
}

SEC("lsm/path_rmdir")
int BPF_PROG(hy_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : check_entry(dir, dentry, HY_OP_UNLINK);
}

/*
 * Would the object at obj gain r, w or x by appearing in directory new_dir
 * (rename, link)? Then the call fails with EXDEV, which mv and cp -l answer
 * by copying (each copy then checked as a create): the emulated road's rule
 * and Landlock's REFER. A rule on the object's own inode moves with it, so
 * only an object without one can gain: its access then comes from the
 * nearest rule above its old and its new place. No event, and the same in
 * audit mode: the call is not refused by a rule, it is turned into a copy.
 */
static __always_inline int gains_access(__u64 cgid, struct vfsmount *mnt, struct dentry *obj,
					struct dentry *new_dir)
{
	struct hy_lsm_ino_key key = { .cgid = cgid };
	const struct hy_lsm_ino *own;
	struct inode *inode = BPF_CORE_READ(obj, d_inode);
	__u32 before, after;

	if (!inode)
		return 0;
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	own = bpf_map_lookup_elem(&hy_lsm_inos, &key);
	if (own && (own->flags & HY_LSM_INO_FILE))
		return 0;
	before = files_access(cgid, mnt, obj);
	after = files_access(cgid, mnt, new_dir);
	return (after & ~before & (HY_ACC_R | HY_ACC_W | HY_ACC_X)) != 0;
}

/*
 * c on the source and on the target (which is walked from itself when it
 * exists: rename over it removes it), then no access gained (EXDEV). Linux
 * 6.2 added a flags argument before ret; neither is read here, so one
 * program fits both (a non-zero ret from an earlier BPF LSM program would
 * have stopped the trampoline before us anyway). RENAME_EXCHANGE on 6.1
 * calls the hook twice, swapped, so each object's move is checked; from 6.2
 * it calls it once with the flag, which this program does not see: there the
 * object coming back from the target is not checked for a gain (its c is).
 */
SEC("lsm/path_rename")
int BPF_PROG(hy_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	struct dentry *ndir;
	__u64 cgid;

	cg = container(&cgid);
	if (!cg)
		return 0;
	mnt = BPF_CORE_READ(old_dir, mnt); /* the same mount as new_dir's (else EXDEV earlier) */
	ndir = BPF_CORE_READ(new_dir, dentry);
	if (!may_change_entry(cgid, mnt, BPF_CORE_READ(old_dir, dentry), old_dentry) ||
	    !may_change_entry(cgid, mnt, ndir, new_dentry) || !sane(cg))
		return deny_path(cgid, cg, HY_AREA_FILES, HY_OP_RENAME, HY_ACC_C, -EACCES, mnt,
				 old_dentry, mnt, new_dentry);
	return gains_access(cgid, mnt, old_dentry, ndir) ? -EXDEV : 0;
}

/* c on the new name (a new entry: its directory's walk decides), then no access gained. */
SEC("lsm/path_link")
int BPF_PROG(hy_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	struct dentry *dir;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	mnt = BPF_CORE_READ(new_dir, mnt); /* old_dentry is on it too (else EXDEV earlier) */
	dir = BPF_CORE_READ(new_dir, dentry);
	if (!may_change_entry(cgid, mnt, dir, new_dentry) || !sane(cg))
		return deny_path(cgid, cg, HY_AREA_FILES, HY_OP_LINK, HY_ACC_C, -EACCES, mnt,
				 old_dentry, mnt, new_dentry);
	return gains_access(cgid, mnt, old_dentry, dir) ? -EXDEV : 0;
}

/* truncate(2), open(O_TRUNC) after file_open, and on 6.1 ftruncate(2) too. */
SEC("lsm/path_truncate")
int BPF_PROG(hy_path_trunc, const struct path *path, int ret)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	struct dentry *d;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	mnt = BPF_CORE_READ(path, mnt);
	d = BPF_CORE_READ(path, dentry);
	if (is_internal(d) || ((files_access(cgid, mnt, d) & HY_ACC_W) && sane(cg)))
		return 0;
	return deny_path(cgid, cg, HY_AREA_FILES, HY_OP_TRUNCATE, HY_ACC_W, -EACCES, mnt, d, NULL,
			 NULL);
}

/* ------------------------------------------------------------ exec */

/*
 * Once per binary handler pass: for a script, for the script and again for
 * its interpreter, so both need x (and the allow-list). One walk finds the
 * nearest files rule and the nearest exec entry.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(hy_bprm_check, struct linux_binprm *bprm, int ret)
{
	const struct hy_lsm_cg *cg;
	struct vfsmount *mnt;
	struct dentry *d;
	struct walk w;
	__u32 want = HY_LSM_INO_FILE;
	int ok;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	d = BPF_CORE_READ(bprm, file, f_path.dentry);
	mnt = BPF_CORE_READ(bprm, file, f_path.mnt);
	if (cg->flags & HY_LSM_CG_EXEC_LIST)
		want |= HY_LSM_INO_EXEC;
	walk_rules(cgid, mnt, d, want, &w);
	ok = (w.file_access & HY_ACC_X) != 0;
	if (want & HY_LSM_INO_EXEC)
		ok = ok && (w.exec_access & HY_ACC_X);
	if (ok && sane(cg))
		return 0;
	return deny_path(cgid, cg, HY_AREA_EXEC, HY_OP_EXEC, HY_ACC_X, -EACCES, mnt, d, NULL, NULL);
}

/* ------------------------------------------------------------ network */

static __always_inline __u32 net_family(int family, int type)
{
	switch (family) {
	case AF_INET:
		return (type & SOCK_TYPE_MASK) == SOCK_RAW ? HY_NET_RAW : HY_NET_INET;
	case AF_INET6:
		return (type & SOCK_TYPE_MASK) == SOCK_RAW ? HY_NET_RAW : HY_NET_INET6;
	case AF_UNIX:
		return HY_NET_UNIX;
	case AF_NETLINK:
		return HY_NET_NETLINK;
	case AF_PACKET:
		return HY_NET_PACKET;
	default:
		return HY_NET_OTHER;
	}
}

/*
 * hy_net_decide() (bpf/abi/policy.h) for inet, inet6 and unix, one rule per
 * bpf_loop() step. Open-coded, its loop over 32 rules x 16 port ranges costs
 * ~80K verified instructions in each of the three programs below on 6.1
 * (half a second of load time each under TCG, most of the object's); a
 * callback is verified once. The rule tests are policy.h's own
 * (hy_cidr_match, hy_ports_match, the rank hy_net_rule_seal derives), and
 * so is the choice, step for step: the highest rank among matching rules,
 * deny when (rank - 1) is odd, the default when no rule matches. A change to
 * hy_net_decide() must be mirrored here (a per-rule helper in policy.h both
 * could call would remove this copy).
 */
struct net_walk {
	const struct hy_net_policy *np;
	__u8 addr[16];
	__u32 family;
	__u32 dir;
	__u32 port;
	__u32 ip;
	__u32 best_rank;
};

static long net_rule_step(__u32 i, void *arg)
{
	struct net_walk *c = arg;
	const struct hy_net_policy *np = c->np;
	const struct hy_net_rule *r;

	if (i >= HY_POL_NET_RULES || i >= np->nrules)
		return 1;
	/* clang checks a copy of i and indexes with the original: mask what indexes */
	barrier_var(i);
	r = &np->rule[i & (HY_POL_NET_RULES - 1)];
	if (r->family != c->family || !(r->dirs & c->dir))
		return 0;
	if (c->ip && (!hy_cidr_match(r, c->addr) || !hy_ports_match(r, (__u16)c->port)))
		return 0;
	if (r->rank > c->best_rank)
		c->best_rank = r->rank;
	return 0;
}

static __always_inline __u32 net_decide(const struct hy_net_policy *np, __u32 family, __u32 dir,
					const __u8 *addr, __u32 port)
{
	struct net_walk c = { .np = np, .family = family, .dir = dir, .port = port };

	c.ip = family == HY_NET_INET || family == HY_NET_INET6;
	if (!c.ip && family != HY_NET_UNIX)
		return hy_net_socket_decide(np, family);
	__builtin_memcpy(c.addr, addr, 16);
	bpf_loop(HY_POL_NET_RULES, net_rule_step, &c, 0);
	if (c.best_rank)
		return ((c.best_rank - 1) & 1) ? HY_NET_DENY : HY_NET_ALLOW;
	return np->default_action == HY_NET_ALLOW ? HY_NET_ALLOW : HY_NET_DENY;
}

/* Kernel sockets (kern = 1) are the kernel's own, not the task's. */
SEC("lsm/socket_create")
int BPF_PROG(hy_sock_create, int family, int type, int protocol, int kern, int ret)
{
	const struct hy_lsm_cg *cg;
	struct hy_evt_policy *e;
	__u32 fam;
	__u64 cgid;

	if (ret)
		return ret;
	if (kern)
		return 0;
	cg = container(&cgid);
	if (!cg)
		return 0;
	fam = net_family(family, type);
	if (hy_net_socket_decide(&cg->net, fam) == HY_NET_ALLOW && sane(cg))
		return 0;
	e = evt_new(cgid, cg, HY_AREA_NET, HY_OP_SOCKET, -EPERM);
	if (e) {
		e->family = fam;
		hy_evt_submit(e);
	}
	return verdict(cg, -EPERM);
}

/*
 * connect/bind/sendmsg with an address. The address is the kernel's copy
 * (a sockaddr_storage, so reading a sockaddr_in6 is in bounds). The
 * socket's family picks the rules: unix sockets are decided as unix, inet
 * and inet6 sockets by the address family given (UDPv6 accepts AF_INET
 * addresses; an IPv4-mapped inet6 address is decided as inet). Too short an
 * address, AF_UNSPEC on connect (disconnect) and other families are left to
 * the kernel, which refuses or handles them without reaching anyone;
 * bind(AF_UNSPEC) on an inet socket binds INADDR_ANY, so it is decided as
 * AF_INET. Other socket families were decided at socket().
 */
static __always_inline int check_addr(struct socket *sock, struct sockaddr *sa, int addrlen,
				      __u32 dir, __u32 op)
{
	const struct hy_lsm_cg *cg;
	struct hy_evt_policy *e;
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	__u8 addr[16] = {};
	__u32 family, port = 0;
	__u16 skfam, safam = 0;
	__u64 cgid;

	cg = container(&cgid);
	if (!cg || !sa || addrlen < 2)
		return 0;
	skfam = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	bpf_probe_read_kernel(&safam, sizeof(safam), &sa->sa_family);
	if (skfam == AF_UNIX) {
		family = HY_NET_UNIX;
	} else if (skfam == AF_INET || skfam == AF_INET6) {
		if (safam == AF_UNSPEC && skfam == AF_INET && dir == HY_NET_BIND)
			safam = AF_INET;
		if (safam == AF_INET) {
			if (addrlen < (int)sizeof(a4))
				return 0;
			bpf_probe_read_kernel(&a4, sizeof(a4), sa);
			family = HY_NET_INET;
			port = bpf_ntohs(a4.sin_port);
			__builtin_memcpy(addr, &a4.sin_addr.s_addr, 4);
		} else if (safam == AF_INET6) {
			if (addrlen < (int)sizeof(a6))
				return 0;
			bpf_probe_read_kernel(&a6, sizeof(a6), sa);
			family = HY_NET_INET6;
			port = bpf_ntohs(a6.sin6_port);
			__builtin_memcpy(addr, &a6.sin6_addr, 16);
			hy_net_normalize(&family, addr);
		} else {
			return 0;
		}
	} else {
		return 0;
	}
	if (net_decide(&cg->net, family, dir, addr, port) == HY_NET_ALLOW && sane(cg))
		return 0;
	e = evt_new(cgid, cg, HY_AREA_NET, op, -EPERM);
	if (e) {
		e->family = family;
		e->port = port;
		__builtin_memcpy(e->addr, addr, 16);
		if (family == HY_NET_UNIX && addrlen > 2) {
			const char *sun_path = (const char *)sa + 2;
			char first = 0;

			bpf_probe_read_kernel(&first, 1, sun_path);
			if (first) {
				bpf_probe_read_kernel_str(e->path, 109, sun_path);
			} else { /* abstract: shown as @name */
				e->path[0] = '@';
				bpf_probe_read_kernel_str(e->path + 1, 108, sun_path + 1);
			}
		}
		hy_evt_submit(e);
	}
	return verdict(cg, -EPERM);
}

SEC("lsm/socket_connect")
int BPF_PROG(hy_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ret ? ret : check_addr(sock, address, addrlen, HY_NET_CONNECT, HY_OP_CONNECT);
}

SEC("lsm/socket_bind")
int BPF_PROG(hy_sock_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ret ? ret : check_addr(sock, address, addrlen, HY_NET_BIND, HY_OP_BIND);
}

/* sendto/sendmsg with a destination reach it without connect(): decided as connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(hy_sock_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	if (ret)
		return ret;
	return check_addr(sock, BPF_CORE_READ(msg, msg_name), BPF_CORE_READ(msg, msg_namelen),
			  HY_NET_CONNECT, HY_OP_CONNECT);
}

/* ------------------------------------------------------------ process */

static __always_inline int deny_task(__u64 cgid, const struct hy_lsm_cg *cg, __u32 op,
				     struct task_struct *target, int sig)
{
	struct hy_evt_policy *e = evt_new(cgid, cg, HY_AREA_PROCESS, op, -EPERM);

	if (e) {
		e->target = BPF_CORE_READ(target, tgid);
		e->sig = sig;
		hy_evt_submit(e);
	}
	return verdict(cg, -EPERM);
}

/*
 * PTRACE_MODE_ATTACH (ptrace(2), /proc/PID/mem writes): the process.ptrace
 * rule, same container only. PTRACE_MODE_READ (/proc/PID/environ, fd/,
 * exe, ...): within the container always, outside never -- the rule is
 * about tracing, and ps inside the container must keep working. Checks the
 * kernel flags NOAUDIT (probes such as /proc/PID/stat's wchan field) are
 * decided without an event, as the kernel's own audit does.
 */
SEC("lsm/ptrace_access_check")
int BPF_PROG(hy_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	const struct hy_lsm_cg *cg;
	int same, ok;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	same = task_container(child) == cgid;
	ok = (mode & PTRACE_MODE_ATTACH) ? hy_ptrace_allowed(&cg->proc, same) : same;
	if (ok && sane(cg))
		return 0;
	if (mode & PTRACE_MODE_NOAUDIT)
		return verdict(cg, -EPERM);
	return deny_task(cgid, cg, HY_OP_PTRACE, child, 0);
}

/* PTRACE_TRACEME: the parent becomes the tracer, so the same rule, seen from the tracee. */
SEC("lsm/ptrace_traceme")
int BPF_PROG(hy_traceme, struct task_struct *parent, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	if (hy_ptrace_allowed(&cg->proc, task_container(parent) == cgid) && sane(cg))
		return 0;
	return deny_task(cgid, cg, HY_OP_PTRACE, parent, 0);
}

/* Signals (kill, tgkill, sigqueue, pidfd_send_signal; signal 0 too) stay inside the container. */
SEC("lsm/task_kill")
int BPF_PROG(hy_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg)
		return 0;
	if (hy_signal_allowed(&cg->proc, task_container(p) == cgid) && sane(cg))
		return 0;
	return deny_task(cgid, cg, HY_OP_SIGNAL, p, sig);
}

/* ------------------------------------------------------------ mounts */

/* mount(2) in every form (new, bind, remount, move, propagation). path: the mount point. */
SEC("lsm/sb_mount")
int BPF_PROG(hy_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg || (hy_mount_allowed(&cg->proc) && sane(cg)))
		return 0;
	return deny_path(cgid, cg, HY_AREA_PROCESS, HY_OP_MOUNT, 0, -EPERM,
			 BPF_CORE_READ(path, mnt), BPF_CORE_READ(path, dentry), NULL, NULL);
}

/* move_mount(2): how fsmount()/open_tree() results get attached. */
SEC("lsm/move_mount")
int BPF_PROG(hy_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg || (hy_mount_allowed(&cg->proc) && sane(cg)))
		return 0;
	return deny_path(cgid, cg, HY_AREA_PROCESS, HY_OP_MOUNT, 0, -EPERM,
			 BPF_CORE_READ(from_path, mnt), BPF_CORE_READ(from_path, dentry),
			 BPF_CORE_READ(to_path, mnt), BPF_CORE_READ(to_path, dentry));
}

SEC("lsm/sb_umount")
int BPF_PROG(hy_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg || (hy_mount_allowed(&cg->proc) && sane(cg)))
		return 0;
	return deny_path(cgid, cg, HY_AREA_PROCESS, HY_OP_MOUNT, 0, -EPERM, mnt,
			 BPF_CORE_READ(mnt, mnt_root), NULL, NULL);
}

/* pivot_root(2): path is the new root, path2 where the old one goes. */
SEC("lsm/sb_pivotroot")
int BPF_PROG(hy_pivotroot, const struct path *old_path, const struct path *new_path, int ret)
{
	const struct hy_lsm_cg *cg;
	__u64 cgid;

	if (ret)
		return ret;
	cg = container(&cgid);
	if (!cg || (hy_mount_allowed(&cg->proc) && sane(cg)))
		return 0;
	return deny_path(cgid, cg, HY_AREA_PROCESS, HY_OP_MOUNT, 0, -EPERM,
			 BPF_CORE_READ(new_path, mnt), BPF_CORE_READ(new_path, dentry),
			 BPF_CORE_READ(old_path, mnt), BPF_CORE_READ(old_path, dentry));
}
