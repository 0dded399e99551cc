// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule paths name objects, not spellings. The emulated road matches the
 * container path of what a call resolved to, in which no symlink is left: a
 * rule written through a symlink ("/bin/sh" where /bin -> usr/bin, as on
 * merged-/usr systems) would never match. So, once the serving thread has
 * joined the container, each files rule and exec entry whose path exists is
 * rewritten to its resolved container path, which is also the inode the
 * BPF LSM road binds it to. Rules whose paths do not exist keep their text
 * (they take effect if the path is created later; an LSM inode rule does
 * not). Two rules that land on one path keep the access both grant.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsres.h"
#include "log.h"
#include "util.h"

/* The resolved container path of a rule path, or -errno. */
static int canon_path(struct emu_kernel *k, const char *path, char out[PATH_MAX])
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, k->root_fd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	int r = emu_fs_fd_path(k, fd, out);
	close(fd);
	return r;
}

static void canon_rules(struct emu_kernel *k, struct hy_path_rule *rule, __u32 n)
{
	char out[PATH_MAX];
	for (__u32 i = 0; i < n && i < HY_POL_PATH_RULES; i++) {
		if (canon_path(k, rule[i].path, out) < 0 || !strcmp(out, rule[i].path))
			continue;
		if (strlen(out) >= HY_PATH_LEN) {
			pr_warn("rule %s resolves to a path too long for a rule; kept as written",
				rule[i].path);
			continue;
		}
		pr_debug("rule %s names %s", rule[i].path, out);
		memset(rule[i].path, 0, sizeof(rule[i].path));
		rule[i].len = (__u32)strscpy(rule[i].path, out, sizeof(rule[i].path));
	}
	/* Merge rules that now share a path: union of their access. */
	for (__u32 i = 0; i < n && i < HY_POL_PATH_RULES; i++)
		for (__u32 j = i + 1; j < n && j < HY_POL_PATH_RULES; j++)
			if (rule[j].len && !strcmp(rule[i].path, rule[j].path)) {
				rule[i].access |= rule[j].access;
				rule[j].access = rule[i].access;
			}
}

void emu_canon_policy(struct emu_kernel *k)
{
	if (!k->obj || k->root_fd < 0)
		return;
	canon_rules(k, k->obj_copy.files.rule, k->obj_copy.files.nrules);
	canon_rules(k, k->obj_copy.exec.rule, k->obj_copy.exec.nrules);
}
