// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bundles (see oci_bundle.h). Paths inside the root are resolved with
 * openat2(RESOLVE_IN_ROOT), as the container will see them: an absolute
 * symlink in the rootfs (busybox's applets) points inside it, not at the
 * host. Paths under the file systems hybox mounts itself (/proc, /dev, /sys,
 * /tmp, /run) are not in the rootfs directory and are not checked here.
 */
#define LOG_PREFIX "bundle: "
#include "oci_bundle.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/mount.h>

#include "log.h"
#include "policy.h"
#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool under_own_mount(const char *path)
{
	static const char *const own[] = { "/proc", "/dev", "/sys", "/tmp", "/run" };
	for (size_t i = 0; i < ARRAY_SIZE(own); i++) {
		size_t n = strlen(own[i]);
		if (strncmp(path, own[i], n) == 0 && (path[n] == '/' || !path[n]))
			return true;
	}
	return false;
}

/* stat path as the container sees it in the rootfs; -errno. */
static int stat_in_root(int rootfd, const char *path, struct stat *st)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	int r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int check_cwd(const struct hy_oci_bundle *b, int rootfd, const char *name,
		     struct hy_err *err)
{
	const char *cwd = b->cfg.cwd;
	struct stat st;
	if (under_own_mount(cwd)) {
		static const char *const roots[] = { "/proc", "/dev", "/sys", "/tmp", "/run" };
		for (size_t i = 0; i < ARRAY_SIZE(roots); i++)
			if (strcmp(cwd, roots[i]) == 0)
				return 0;
		return hy_err_set(err, -ENOENT, "%s: process.cwd: \"%s\" cannot exist at start: "
						"hybox mounts fresh, empty file systems there",
				  name, cwd);
	}
	int r = stat_in_root(rootfd, cwd, &st);
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r < 0)
		return hy_err_setr(err, r, "%s: process.cwd: \"%s\" in the root %s", name, cwd,
				   b->rootfs);
	return 0;
}

static bool is_executable(int rootfd, const char *path)
{
	struct stat st;
	return stat_in_root(rootfd, path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* The command as the container's PATH finds it, as runc checks at create. */
static int check_command(const struct hy_oci_bundle *b, int rootfd, const char *name,
			 struct hy_err *err)
{
	const char *cmd = b->cfg.args[0], *path = DEFAULT_PATH;
	char buf[PATH_MAX];
	if (strchr(cmd, '/')) {
		if (cmd[0] != '/' || under_own_mount(cmd) || is_executable(rootfd, cmd))
			return 0; /* relative: to the cwd, checked at exec */
		return hy_err_set(err, -ENOENT, "%s: process.args[0]: \"%s\" is not an executable "
						"file in the root %s", name, cmd, b->rootfs);
	}
	for (char **e = b->cfg.env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, cmd);
		if (end > p && n > 0 && (size_t)n < sizeof(buf) &&
		    (under_own_mount(buf) || is_executable(rootfd, buf)))
			return 0;
		if (!*end)
			break;
		p = end;
	}
	return hy_err_set(err, -ENOENT, "%s: process.args[0]: \"%s\" not found in the root %s "
					"(PATH=%s)", name, cmd, b->rootfs, path);
}

/* path relative to the bundle, or absolute. */
static int bundle_path(const struct hy_oci_bundle *b, const char *path, char *out, size_t n)
{
	int len = path[0] == '/' ? snprintf(out, n, "%s", path)
				 : snprintf(out, n, "%s/%s", b->dir, path);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static int resolve_root(struct hy_oci_bundle *b, const char *name, struct hy_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	if (bundle_path(b, b->cfg.root_path, path, sizeof(path)) < 0)
		return hy_err_set(err, -ENAMETOOLONG, "%s: root.path: too long", name);
	if (!realpath(path, b->rootfs) || stat(b->rootfs, &st) < 0)
		return hy_err_setr(err, -errno, "%s: root.path: %s", name, path);
	if (!S_ISDIR(st.st_mode))
		return hy_err_set(err, -ENOTDIR, "%s: root.path: %s is not a directory", name, path);
	return 0;
}

/* Annotations naming files: relative to the bundle. */
static int resolve_annotations(struct hy_oci_bundle *b, const char *name, struct hy_err *err)
{
	const struct hy_oci_config *cfg = &b->cfg;
	if (cfg->policy && cfg->is_policy_inline)
		snprintf(b->policy, sizeof(b->policy), "%s annotations[\"%s\"]", name,
			 HY_OCI_ANN_POLICY);
	else if (cfg->policy && bundle_path(b, cfg->policy, b->policy, sizeof(b->policy)) < 0)
		return hy_err_set(err, -ENAMETOOLONG, "%s: annotations[\"%s\"]: path too long", name,
				  HY_OCI_ANN_POLICY);
	if (cfg->policy && !cfg->is_policy_inline && access(b->policy, R_OK) < 0)
		return hy_err_setr(err, -errno, "%s: annotations[\"%s\"]: %s", name,
				   HY_OCI_ANN_POLICY, b->policy);
	if (cfg->events && strcmp(cfg->events, "-") == 0)
		strscpy(b->events, "-", sizeof(b->events));
	else if (cfg->events && bundle_path(b, cfg->events, b->events, sizeof(b->events)) < 0)
		return hy_err_set(err, -ENAMETOOLONG, "%s: annotations[\"%s\"]: path too long", name,
				  HY_OCI_ANN_EVENTS);
	return 0;
}

/*
 * The namespaces to join: opened now (a path names one at create), each
 * must be of its type. A joined UTS namespace keeps its names unless the
 * config sets them: hybox reads them, so that kernel-emu answers uname()
 * with them and setting them again changes nothing for the pod. Without a
 * "uts" entry the container's own UTS namespace gets the host's names.
 */
static int open_joined_ns(struct hy_oci_bundle *b, const char *name, struct hy_err *err)
{
	int r;
	for (int j = 0; j < HY_JOIN_N; j++) {
		const char *path = b->cfg.ns_path[j];
		if (path && (r = hy_ns_join_open(&b->joins, j, path, err)) < 0)
			return hy_err_wrap(err, "%s: linux.namespaces", name);
	}
	if (b->cfg.hostname && b->cfg.domainname)
		return 0;
	if (b->cfg.is_uts_host) {
		struct utsname u;
		uname(&u);
		strscpy(b->uts_host, u.nodename, sizeof(b->uts_host));
		strscpy(b->uts_domain, u.domainname, sizeof(b->uts_domain));
		r = 0;
	} else if (hy_ns_is_joined(&b->joins, HY_JOIN_UTS)) {
		r = hy_ns_uts_names(b->joins.fd[HY_JOIN_UTS], b->uts_host, b->uts_domain);
	} else {
		return 0;
	}
	if (r < 0)
		return hy_err_setr(err, r, "%s: linux.namespaces: read the names of the uts "
					   "namespace %s", name, b->cfg.ns_path[HY_JOIN_UTS]);
	b->cfg.hostname = b->cfg.hostname ? b->cfg.hostname : b->uts_host;
	b->cfg.domainname = b->cfg.domainname ? b->cfg.domainname : b->uts_domain;
	return 0;
}

/* Bind sources: relative to the bundle (as runc has them), and they must exist. */
static int resolve_bind_sources(struct hy_oci_bundle *b, const char *name, struct hy_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	for (size_t i = 0; i < b->cfg.nuser_mounts; i++) {
		struct hy_mount *m = &b->cfg.user_mounts[i];
		if (m->kind != HY_MNT_BIND)
			continue;
		if (m->source[0] != '/') {
			if (bundle_path(b, m->source, path, sizeof(path)) < 0)
				return hy_err_set(err, -ENAMETOOLONG, "%s: %s.source: path too long",
						  name, m->name);
			m->source = b->bind_sources[i] = xstrdup(path);
		}
		if (stat(m->source, &st) < 0)
			return hy_err_setr(err, -errno, "%s: %s.source: %s", name, m->name, m->source);
	}
	return 0;
}

int hy_oci_bundle_load(const char *dir, struct hy_oci_bundle *b, struct hy_err *err)
{
	char name[PATH_MAX + 16], path[PATH_MAX + 16];
	_cleanup_close_ int rootfd = -1;
	struct stat st;
	*b = (struct hy_oci_bundle){ 0 };
	if (!realpath(dir, b->dir) || stat(b->dir, &st) < 0)
		return hy_err_setr(err, -errno, "bundle %s", dir);
	if (!S_ISDIR(st.st_mode))
		return hy_err_set(err, -ENOTDIR, "bundle %s: not a directory", dir);
	if (strcmp(dir, ".") == 0)
		strscpy(name, "config.json", sizeof(name));
	else
		snprintf(name, sizeof(name), "%s/config.json", dir);
	snprintf(path, sizeof(path), "%s/config.json", b->dir);
	int r = hy_oci_config_load(path, name, &b->cfg, err);
	if (r < 0)
		return r;
	if ((r = resolve_root(b, name, err)) < 0 || (r = resolve_annotations(b, name, err)) < 0 ||
	    (r = resolve_bind_sources(b, name, err)) < 0 || (r = open_joined_ns(b, name, err)) < 0)
		goto err;
	rootfd = open(b->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		r = hy_err_setr(err, -errno, "%s: root.path: %s", name, b->rootfs);
		goto err;
	}
	if ((r = check_cwd(b, rootfd, name, err)) < 0 || (r = check_command(b, rootfd, name, err)) < 0)
		goto err;
	b->sandbox = (struct hy_sandbox_spec){
		.domainname = b->cfg.domainname,
		.cwd = b->cfg.cwd,
		.proc = &b->cfg.proc,
		.mounts = b->cfg.mounts,
		.user_mounts = b->cfg.user_mounts,
		.nuser_mounts = b->cfg.nuser_mounts,
		.is_root_writable = b->cfg.is_root_writable,
		.profile = b->cfg.profile.len ? &b->cfg.profile : NULL,
		.joins = b->joins,
		.userns = b->cfg.userns.is_new ? &b->cfg.userns : NULL,
		.sysctls = b->cfg.sysctls,
		.nsysctls = b->cfg.nsysctls,
		.shm_flags = b->cfg.shm_flags,
		.shm_size = b->cfg.shm_size,
	};
	return 0;
err:
	hy_oci_bundle_fini(b);
	return r;
}

int hy_oci_policy_for_mounts(struct hy_policy *p, const struct hy_sandbox_spec *sb,
			     struct hy_err *err)
{
	int r = sb->is_root_writable ? hy_policy_grant(p, "/", HY_ACC_ALL) : 0;
	for (size_t i = 0; r == 0 && i < sb->nuser_mounts; i++) {
		const struct hy_mount *m = &sb->user_mounts[i];
		uint32_t acc = HY_ACC_R | (m->attr & MOUNT_ATTR_NOEXEC ? 0 : HY_ACC_X) |
			       (m->attr & MOUNT_ATTR_RDONLY ? 0 : HY_ACC_W | HY_ACC_C);
		if (m->kind == HY_MNT_BIND || m->kind == HY_MNT_TMPFS)
			r = hy_policy_grant(p, m->dest, acc);
	}
	if (r < 0)
		return hy_err_set(err, r, "config.json: too many mounts for the default files "
					  "policy (%d rules at most): give one with the %s annotation",
				  HY_POL_PATH_RULES, HY_OCI_ANN_POLICY);
	return 0;
}

void hy_oci_bundle_fini(struct hy_oci_bundle *b)
{
	for (size_t i = 0; i < HY_MOUNTS_MAX; i++)
		free(b->bind_sources[i]);
	hy_ns_joins_close(&b->joins);
	hy_oci_config_fini(&b->cfg);
}

void hy_oci_bundle_run_opts(struct hy_oci_bundle *b, const char *id, struct hy_run_opts *o)
{
	*o = (struct hy_run_opts){
		.id = id,
		.hostname = b->cfg.hostname,
		.rootfs = b->rootfs,
		.policy = b->cfg.policy ? b->policy : NULL,
		.policy_text = b->cfg.policy && b->cfg.is_policy_inline ? b->cfg.policy : NULL,
		.events = b->cfg.events ? b->events : NULL,
		.net_none = b->cfg.is_net_none,
		.memory = b->cfg.memory,
		.cpus_milli = b->cfg.cpus_milli,
		.cgroups_path = b->cfg.cgroups_path,
		.cpuset = b->cfg.cpuset_cpus ? &b->cfg.cpuset : NULL,
		.argv = b->cfg.args,
		.sandbox = &b->sandbox,
	};
	hy_oci_config_limits(&b->cfg, &o->oci_limits);
}
