// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM road of the object policy: load and attach bpf/lsm.bpf.c
 * (light skeleton, so the static binary needs no BTF parsing), and turn a
 * container's struct hy_obj_policy into the entries of its maps
 * (bpf/abi/lsm.h). Runs as root in the supervisor; fills hy_err and logs at
 * debug only (STYLE E4); never leaves half a container in the maps.
 *
 * Cost: the programs are attached host-wide for as long as this object
 * lives, so every task on the host pays one cgroup-ancestor lookup per
 * hooked operation (file open, socket calls, signals, ...) while a
 * container is registered, and one load of a global when none is. Loading
 * verifies 21 programs (~1 s under TCG in `make vmtest`), and freeing
 * detaches 21 trampolines, ~120 ms each under TCG and serialized in the
 * kernel (closing the links from parallel threads measured the same 2.6 s;
 * most likely the RCU-tasks wait when a trampoline's ftrace direct call is
 * removed). One object can hold HY_LSM_MAX_CGROUPS
 * containers; today each supervisor loads its own (as the trace skeleton
 * does), so N running containers mean N programs per hook and every
 * container start and exit pays load and detach -- one long-lived, pinned
 * object shared by all supervisors is the fix, and the API already takes
 * several containers.
 */
#define LOG_PREFIX "lsm: "
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/lsm.h"
#include "bpf_log.h"
#include "cgroup.h"
#include "log.h"
#include "util.h"

#include "skel/lsm.lskel.h"

#define LSM_LIST_PATH "/sys/kernel/security/lsm"
#define FILEID_KERNFS 0xfe /* include/linux/exportfs.h: cgroupfs handles are the 8-byte cgroup id */
#define LSM_MAX_KEYS (2 * HY_POL_PATH_RULES)

struct lsm_container {
	uint64_t cgid;
	unsigned int nkeys;
	struct hy_lsm_ino_key keys[LSM_MAX_KEYS]; /* what hy_lsm_remove() deletes */
};

struct hy_lsm {
	struct lsm_bpf *skel;
	uint32_t level; /* cgroup level of every registered container; 0: none */
	struct lsm_container *c[HY_LSM_MAX_CGROUPS];
};

static void lsm_bpf_destroyp(struct lsm_bpf **s)
{
	if (*s)
		lsm_bpf__destroy(*s);
}

/* ------------------------------------------------------------ load */

/* Why loading failed, as far as the host tells: "bpf" missing from the LSM list is the usual cause. */
static const char *load_hint(int r, char *buf, size_t len)
{
	_cleanup_free_ char *list = NULL;
	char padded[512];

	if (read_file_at(AT_FDCWD, LSM_LIST_PATH, &list) >= 0) {
		list[strcspn(list, "\n")] = '\0';
		snprintf(padded, sizeof(padded), ",%s,", list);
		if (!strstr(padded, ",bpf,")) {
			snprintf(buf, len, "\"bpf\" is not an active LSM (%s is \"%s\"; boot with lsm=...,bpf)",
				 LSM_LIST_PATH, list);
			return buf;
		}
	}
	if (r == -EPERM)
		snprintf(buf, len, "the kernel refuses LSM programs: they need root, CONFIG_BPF_LSM "
				   "and \"bpf\" in the lsm= list, and some hosts block them");
	else
		snprintf(buf, len, "hybox features shows what the host supports");
	return buf;
}

int hy_lsm_open(struct hy_lsm **ret, struct hy_err *err)
{
	_cleanup_(lsm_bpf_destroyp) struct lsm_bpf *skel = NULL;
	libbpf_print_fn_t old_print = hy_bpf_log_quiet();
	unsigned long long t0 = now_mono_ns(), t1;
	char hint[256];
	int r;

	skel = lsm_bpf__open();
	if (!skel) {
		r = -errno;
		hy_bpf_log_restore(old_print);
		return hy_err_setr(err, r, "open the BPF LSM object");
	}
	/* Light skeleton: the loader program reads the size from the map descriptor. */
	skel->maps.hy_events.max_entries = HY_LSM_RING_BYTES;
	skel->rodata->cfg_wakeup_bytes = HY_LSM_RING_BYTES / 4;
	r = lsm_bpf__load(skel);
	if (r < 0) {
		hy_bpf_log_restore(old_print);
		return hy_err_set(err, r, "load the BPF LSM programs: %s; %s", strerror(-r),
				  load_hint(r, hint, sizeof(hint)));
	}
	t1 = now_mono_ns();
	r = lsm_bpf__attach(skel);
	hy_bpf_log_restore(old_print);
	pr_debug("programs loaded in %llu ms, attached in %llu ms", (t1 - t0) / 1000000,
		 (now_mono_ns() - t1) / 1000000);
	if (r < 0)
		return hy_err_set(err, r, "attach the BPF LSM programs: %s; %s", strerror(-r),
				  load_hint(r, hint, sizeof(hint)));
	*ret = xcalloc(1, sizeof(**ret));
	(*ret)->skel = TAKE_PTR(skel);
	return 0;
}

/* ------------------------------------------------------------ containers */

/*
 * Absolute cgroup v2 level of cgid (the root is 0): what the programs pass
 * to bpf_get_current_ancestor_cgroup_id(). Counted by walking ".." from the
 * cgroup's directory (opened by id) up to the root of the cgroup2 mount,
 * which must be the real root (id 1), not a cgroup namespace's.
 */
static int cgroup_level(uint64_t cgid, uint32_t *ret_level, struct hy_err *err)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	_cleanup_close_ int mfd = -1, fd = -1;
	char mnt[PATH_MAX];
	struct stat root, st;
	uint32_t level;
	int r;

	r = hy_cgroup2_find_mount(mnt, sizeof(mnt));
	if (r < 0)
		return hy_err_set(err, r, "no cgroup2 mount (needed to find cgroup %llu)",
				  (unsigned long long)cgid);
	mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0 || fstat(mfd, &root) < 0)
		return hy_err_setr(err, -errno, "%s", mnt);
	if (root.st_ino != 1)
		return hy_err_set(err, -EOPNOTSUPP,
				  "%s is a cgroup namespace's view (root id %llu, not 1): cgroup "
				  "levels are unknown", mnt, (unsigned long long)root.st_ino);
	memcpy(h.fh.f_handle, &cgid, sizeof(cgid));
	fd = open_by_handle_at(mfd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "open cgroup %llu by id", (unsigned long long)cgid);
	for (level = 0; level < 256; level++) {
		int up;

		if (fstat(fd, &st) < 0)
			return hy_err_setr(err, -errno, "cgroup %llu", (unsigned long long)cgid);
		if (st.st_ino == root.st_ino && st.st_dev == root.st_dev)
			break;
		up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			return hy_err_setr(err, -errno, "cgroup %llu: ..", (unsigned long long)cgid);
		close(fd);
		fd = up;
	}
	if (level == 0 || level == 256)
		return hy_err_set(err, -EINVAL, "cgroup %llu: level %u cannot hold a container",
				  (unsigned long long)cgid, level);
	*ret_level = level;
	return 0;
}

/*
 * (dev, ino) of the object path names inside root_fd, as the hooks read
 * them from the dentry: super_block.s_dev in the kernel's encoding,
 * inode.i_ino. Symlinks are followed inside the root, as kernel-emu's
 * canonicalisation does (kernel-emu/canon.c): a rule names the object, so
 * "/bin/sh" on a merged-/usr system binds /usr/bin/dash on both roads. The
 * numbers agree with statx() on the filesystems containers run on (ext4,
 * xfs, tmpfs, overlayfs on one filesystem); btrfs subvolumes report an
 * anonymous st_dev of their own, so a rule there binds nothing (its objects
 * fall to the rules above: fail closed).
 * Returns 0, -ENOENT/-ENOTDIR/-ELOOP (nothing to bind: skip) or -errno.
 */
static int resolve(int root_fd, const char *path, struct hy_lsm_ino_key *key)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = -1;
	struct statx stx;

	for (int tries = 0; fd < 0; tries++) {
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		/* RESOLVE_IN_ROOT gives up with EAGAIN when a rename races the walk */
		if (fd < 0 && (errno != EAGAIN || tries == 8))
			return -errno;
	}
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, STATX_INO, &stx) < 0)
		return -errno;
	if (stx.stx_dev_major >= (1u << 12) || stx.stx_dev_minor >= (1u << 20))
		return -EOVERFLOW;
	key->ino = stx.stx_ino;
	key->dev = stx.stx_dev_major << 20 | stx.stx_dev_minor;
	return 0;
}

struct ino_ent {
	struct hy_lsm_ino_key key;
	struct hy_lsm_ino val;
};

/*
 * Add one rule's inode. Two rules that name one object (through a symlink
 * or a hard link) keep the union of their access, as kernel-emu/canon.c
 * merges rules that canonicalise to one path.
 */
static void merge(struct ino_ent *ents, unsigned int *n, const struct hy_lsm_ino_key *key,
		  uint32_t kind, uint32_t access)
{
	struct ino_ent *e = NULL;

	for (unsigned int i = 0; i < *n && !e; i++)
		if (ents[i].key.ino == key->ino && ents[i].key.dev == key->dev)
			e = &ents[i];
	if (!e) {
		e = &ents[(*n)++];
		*e = (struct ino_ent){ .key = *key };
	}
	if (kind == HY_LSM_INO_FILE)
		e->val.file_access |= access;
	else
		e->val.exec_access |= access;
	e->val.flags |= kind;
}

/* Resolve n rules of one kind into ents. Missing paths are skipped (see lsm.h). */
static int resolve_rules(uint64_t cgid, int root_fd, const struct hy_path_rule *rule, uint32_t n,
			 uint32_t kind, struct ino_ent *ents, unsigned int *nents, struct hy_err *err)
{
	const char *what = kind == HY_LSM_INO_FILE ? "files" : "exec";

	if (n > HY_POL_PATH_RULES)
		return hy_err_set(err, -EINVAL, "%s: %u rules (at most %u)", what, n,
				  HY_POL_PATH_RULES);
	for (uint32_t i = 0; i < n; i++) {
		struct hy_lsm_ino_key key = { .cgid = cgid };
		char path[HY_PATH_LEN];
		int r;

		strscpy(path, rule[i].path, sizeof(path));
		r = resolve(root_fd, path, &key);
		if (r == -ENOENT || r == -ENOTDIR || r == -ELOOP) {
			pr_debug("cgroup %llu: %s rule %s: %s; skipped (an inode rule needs its path "
				 "to exist when the container starts)",
				 (unsigned long long)cgid, what, path, strerror(-r));
			continue;
		}
		if (r < 0)
			return hy_err_setr(err, r, "%s rule %s", what, path);
		merge(ents, nents, &key, kind, rule[i].access & HY_ACC_ALL);
	}
	return 0;
}

static struct lsm_container **find(struct hy_lsm *l, uint64_t cgid)
{
	for (size_t i = 0; i < ARRAY_SIZE(l->c); i++)
		if (l->c[i] && l->c[i]->cgid == cgid)
			return &l->c[i];
	return NULL;
}

static void delete_keys(struct hy_lsm *l, struct lsm_container *c)
{
	for (unsigned int i = 0; i < c->nkeys; i++)
		if (bpf_map_delete_elem(l->skel->maps.hy_lsm_inos.map_fd, &c->keys[i]) < 0)
			pr_debug("cgroup %llu: delete inode key: %s", (unsigned long long)c->cgid,
				 strerror(errno));
	c->nkeys = 0;
}

static bool any_container(const struct hy_lsm *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(l->c); i++)
		if (l->c[i])
			return true;
	return false;
}

/* The programs read the level on every hook: 0 turns every container lookup off. */
static void set_level(struct hy_lsm *l, uint32_t level)
{
	l->level = level;
	__atomic_store_n(&l->skel->bss->hy_cg_level, level, __ATOMIC_RELEASE);
}

/* Fill the maps for c (inodes first, the container entry last: until then nothing applies). */
static int fill(struct hy_lsm *l, struct lsm_container *c, const struct ino_ent *ents,
		unsigned int n, const struct hy_lsm_cg *cg, struct hy_err *err)
{
	for (unsigned int i = 0; i < n; i++) {
		if (bpf_map_update_elem(l->skel->maps.hy_lsm_inos.map_fd, &ents[i].key, &ents[i].val,
					BPF_NOEXIST) < 0)
			return hy_err_setr(err, -errno, "add inode rule %u of cgroup %llu", i,
					   (unsigned long long)c->cgid);
		c->keys[c->nkeys++] = ents[i].key;
	}
	if (bpf_map_update_elem(l->skel->maps.hy_lsm_cgs.map_fd, &c->cgid, cg, BPF_NOEXIST) < 0)
		return hy_err_setr(err, -errno, "add cgroup %llu to the LSM map",
				   (unsigned long long)c->cgid);
	return 0;
}

int hy_lsm_add(struct hy_lsm *l, uint64_t cgid, const struct hy_obj_policy *obj, bool audit,
	       int root_fd, struct hy_err *err)
{
	_cleanup_free_ struct ino_ent *ents = xcalloc(LSM_MAX_KEYS, sizeof(*ents));
	_cleanup_free_ struct hy_lsm_cg *cg = xcalloc(1, sizeof(*cg));
	_cleanup_free_ struct lsm_container *c = NULL;
	struct lsm_container **slot = NULL;
	unsigned int n = 0;
	uint32_t level = 0;
	int r;

	if (!cgid || find(l, cgid))
		return hy_err_set(err, cgid ? -EEXIST : -EINVAL, "cgroup %llu: %s",
				  (unsigned long long)cgid, cgid ? "already confined" : "no cgroup id");
	for (size_t i = 0; i < ARRAY_SIZE(l->c) && !slot; i++)
		if (!l->c[i])
			slot = &l->c[i];
	if (!slot)
		return hy_err_set(err, -ENOSPC, "the LSM maps hold %d containers at most",
				  HY_LSM_MAX_CGROUPS);
	r = cgroup_level(cgid, &level, err);
	if (r < 0)
		return r;
	if (l->level && level != l->level)
		return hy_err_set(err, -EXDEV, "cgroup %llu is at level %u, the confined ones at %u",
				  (unsigned long long)cgid, level, l->level);
	r = resolve_rules(cgid, root_fd, obj->files.rule, obj->files.nrules, HY_LSM_INO_FILE, ents,
			  &n, err);
	if (r == 0 && obj->exec.enabled)
		r = resolve_rules(cgid, root_fd, obj->exec.rule, obj->exec.nrules, HY_LSM_INO_EXEC,
				  ents, &n, err);
	if (r < 0)
		return hy_err_wrap(err, "cgroup %llu", (unsigned long long)cgid);

	*cg = (struct hy_lsm_cg){
		.magic = HY_LSM_CG_MAGIC,
		.flags = (audit ? HY_LSM_CG_AUDIT : 0) | (obj->exec.enabled ? HY_LSM_CG_EXEC_LIST : 0),
		.proc = obj->proc,
		.net = obj->net,
	};
	c = xcalloc(1, sizeof(*c));
	c->cgid = cgid;
	if (!l->level)
		set_level(l, level);
	r = fill(l, c, ents, n, cg, err);
	if (r < 0) {
		delete_keys(l, c);
		if (!any_container(l))
			set_level(l, 0);
		return r;
	}
	pr_debug("cgroup %llu (level %u): %u inode rules, %s", (unsigned long long)cgid, level, n,
		 audit ? "audit" : "enforce");
	*slot = TAKE_PTR(c);
	return 0;
}

void hy_lsm_remove(struct hy_lsm *l, uint64_t cgid)
{
	struct lsm_container **slot = l ? find(l, cgid) : NULL;

	if (!slot)
		return;
	/* Rules first: a task still inside meets no rule, which denies (fail closed). */
	delete_keys(l, *slot);
	if (bpf_map_delete_elem(l->skel->maps.hy_lsm_cgs.map_fd, &cgid) < 0)
		pr_debug("cgroup %llu: delete: %s", (unsigned long long)cgid, strerror(errno));
	free(*slot);
	*slot = NULL;
	if (!any_container(l))
		set_level(l, 0);
}

int hy_lsm_ring_fd(const struct hy_lsm *l)
{
	return l->skel->maps.hy_events.map_fd;
}

int hy_lsm_counters_fd(const struct hy_lsm *l)
{
	return l->skel->maps.hy_counters.map_fd;
}

void hy_lsm_free(struct hy_lsm *l)
{
	unsigned long long t0 = now_mono_ns();

	if (!l)
		return;
	/* Detaches first (do not detach twice: it closes the link fds). The
	 * detaches are the slow part, see the header comment. */
	lsm_bpf__destroy(l->skel);
	pr_debug("detached and freed in %llu ms", (now_mono_ns() - t0) / 1000000);
	for (size_t i = 0; i < ARRAY_SIZE(l->c); i++)
		free(l->c[i]);
	free(l);
}
