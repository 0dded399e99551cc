// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container cgroups on the cgroup v2 hierarchy. Runs as root in the
 * supervisor. The leaf is created before the container starts (the init task
 * is born into it with CLONE_INTO_CGROUP) and removed after the last task is
 * gone; hy_cgroup_destroy() kills stragglers first, so a failure anywhere
 * leaves no leaf behind.
 */
#define LOG_PREFIX "cgroup: "
#include "cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "util.h"

/* mountinfo fields: id parent major:minor root mountpoint opts ... - fstype source superopts */
int hy_cgroup2_parse_mountinfo(const char *mountinfo, char *path, size_t len)
{
	const char *line = mountinfo;
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char buf[4096];
		if (n < sizeof(buf)) {
			memcpy(buf, line, n);
			buf[n] = '\0';
			char mnt[4096], fstype[64];
			const char *sep = strstr(buf, " - ");
			if (sep && sscanf(sep, " - %63s", fstype) == 1 && strcmp(fstype, "cgroup2") == 0 &&
			    sscanf(buf, "%*s %*s %*s %*s %4095s", mnt) == 1) {
				if (strlen(mnt) >= len)
					return -ENAMETOOLONG;
				strscpy(path, mnt, len);
				return 0;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return -ENOENT;
}

int hy_cgroup2_find_mount(char *path, size_t len)
{
	_cleanup_free_ char *mi = NULL;
	ssize_t r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi);
	if (r < 0)
		return r;
	return hy_cgroup2_parse_mountinfo(mi, path, len);
}

int hy_cgroup_has_file(const char *mount, const char *file)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", mount, file);
	return access(p, F_OK) == 0;
}

/* What hybox enables down to each leaf (those the host has): OCI's resources
 * and unified keys name no other. */
static const char *const controllers[] = { "memory", "pids", "cpu", "cpuset", "io", "hugetlb",
					    "rdma" };

bool hy_cgroup_is_controller(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++)
		if (strlen(controllers[i]) == len && strncmp(controllers[i], name, len) == 0)
			return true;
	return false;
}

/* Is word (a controller) in the space-separated list text? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; p && (p = strstr(p, word)); p += n)
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/*
 * Make sure the controllers we may use are delegated to the children of
 * parent: each one parent has (cgroup.controllers) and does not delegate
 * yet, one write each (a write of several fails whole on one refusal). Every
 * start passes here for hybox/ and its parent: once they delegate, that is
 * two reads and no write.
 */
static void enable_controllers(const char *parent)
{
	char p[4096 + 32], plus[16];
	_cleanup_free_ char *have = NULL, *on = NULL;
	snprintf(p, sizeof(p), "%s/cgroup.controllers", parent);
	if (read_file_at(AT_FDCWD, p, &have) < 0)
		return;
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", parent);
	if (read_file_at(AT_FDCWD, p, &on) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++) {
		if (!has_word(have, controllers[i]) || has_word(on, controllers[i]))
			continue;
		snprintf(plus, sizeof(plus), "+%s", controllers[i]);
		if (write_file_at(AT_FDCWD, p, plus) < 0)
			pr_debug("cannot enable %s in %s", controllers[i], parent);
	}
}

int hy_cgroup_leaf_path(const char *cgroups_path, const char *id, char *rel, size_t len)
{
	int n;
	if (!cgroups_path || !*cgroups_path)
		n = snprintf(rel, len, "hybox/%s", id);
	else if (cgroups_path[0] == '/')
		n = snprintf(rel, len, "%s", cgroups_path + 1);
	else
		n = snprintf(rel, len, "hybox/%s", cgroups_path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* <mount>/<rel> into cg->path; nothing open, nothing created yet. */
static int set_path(struct hy_cgroup *cg, const char *mount, const char *rel)
{
	cg->dirfd = -1;
	cg->created = 0;
	int n = snprintf(cg->path, sizeof(cg->path), "%s/%s", mount, rel);
	cg->rel = strlen(mount) + 1;
	if (n < 0 || (size_t)n >= sizeof(cg->path)) {
		cg->path[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/* rmdir the parents hybox made, deepest first; stop at one still in use
 * (-EBUSY: another container's leaf is in it). Leaves cg->path cut short. */
static void remove_parents(struct hy_cgroup *cg)
{
	char *s;
	while (cg->created && (s = strrchr(cg->path + cg->rel, '/'))) {
		*s = '\0';
		if ((size_t)(s - cg->path) < cg->created)
			break;
		if (rmdir(cg->path) < 0 && errno != ENOENT) {
			pr_debug("keeping cgroup %s: %s", cg->path, strerror(errno));
			break;
		}
	}
	cg->created = 0;
}

/*
 * mkdir -p of the leaf's parents, top down, each with the controllers
 * delegated to its children. The shallowest one made here (not the shared
 * "hybox") goes in cg->created; one that appears meanwhile (EEXIST: another
 * container's) is not ours.
 */
static int make_parents(struct hy_cgroup *cg, struct hy_err *err)
{
	for (char *s = strchr(cg->path + cg->rel, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = mkdir(cg->path, 0755) < 0 ? -errno : 0;
		if (r == 0 && !cg->created && strcmp(cg->path + cg->rel, "hybox") != 0)
			cg->created = (size_t)(s - cg->path);
		if (r == 0 || r == -EEXIST)
			enable_controllers(cg->path);
		else
			hy_err_setr(err, r, "create cgroup %s", cg->path);
		*s = '/';
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

/* The caller holds the container's state lock, so a leaf of that name is
 * left over from a supervisor that was killed: empty it and start afresh. */
static int remake_stale(struct hy_cgroup *cg)
{
	char stale[sizeof(cg->path)];
	size_t created = cg->created;
	pr_info("removing stale cgroup %s", cg->path);
	memcpy(stale, cg->path, sizeof(stale));
	cg->created = 0; /* the parents stay */
	cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	hy_cgroup_destroy(cg);
	memcpy(cg->path, stale, sizeof(stale));
	cg->created = created;
	return mkdir(cg->path, 0755) < 0 ? -errno : 0;
}

int hy_cgroup_create(struct hy_cgroup *cg, const char *mount, const char *rel, bool is_reuse_stale,
		     struct hy_err *err)
{
	if (set_path(cg, mount, rel) < 0)
		return hy_err_set(err, -ENAMETOOLONG, "cgroup path %s/%s too long", mount, rel);
	enable_controllers(mount);
	int r = make_parents(cg, err);
	if (r == 0) {
		r = mkdir(cg->path, 0755) < 0 ? -errno : 0;
		if (r == -EEXIST && is_reuse_stale)
			r = remake_stale(cg);
		if (r < 0)
			hy_err_setr(err, r, "create cgroup %s", cg->path);
	}
	if (r < 0) { /* the leaf is not ours (or not there): only the parents go */
		remove_parents(cg);
		cg->path[0] = '\0';
		return r;
	}
	cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (cg->dirfd < 0 || fstat(cg->dirfd, &st) < 0) {
		r = -errno;
		hy_err_setr(err, r, "open cgroup %s", cg->path);
		hy_cgroup_destroy(cg);
		return r;
	}
	cg->id = st.st_ino;
	return 0;
}

static void kill_all(struct hy_cgroup *cg)
{
	if (write_file_at(cg->dirfd, "cgroup.kill", "1") == 0)
		return;
	/* Kernels before 5.14: signal each pid (the container is ours to end). */
	_cleanup_free_ char *procs = NULL;
	if (read_file_at(cg->dirfd, "cgroup.procs", &procs) < 0)
		return;
	for (char *s = procs, *e; *s; s = e) {
		long pid = strtol(s, &e, 10);
		if (e == s)
			break;
		if (pid > 0)
			kill(pid, SIGKILL);
	}
}

int hy_cgroup_destroy(struct hy_cgroup *cg)
{
	int r = 0;
	if (!cg->path[0])
		goto out;
	if (cg->dirfd >= 0)
		kill_all(cg);
	/* Dying tasks leave the cgroup asynchronously: retry rmdir briefly. */
	for (int i = 0; i < 2000; i++) {
		if (rmdir(cg->path) == 0 || errno == ENOENT) {
			r = 0;
			break;
		}
		r = -errno;
		if (r != -EBUSY)
			break;
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
	if (r < 0)
		pr_warn("cannot remove cgroup %s: %s", cg->path, strerror(-r));
	else
		remove_parents(cg);
	cg->path[0] = '\0';
	cg->created = 0;
out:
	closep(&cg->dirfd);
	cg->dirfd = -1;
	return r;
}

int hy_cgroup_open(struct hy_cgroup *cg, const char *mount, const char *rel, const char *created)
{
	if (set_path(cg, mount, rel) < 0)
		return -ENAMETOOLONG;
	/* Only a proper ancestor of the leaf (a record is root's, but stay exact). */
	size_t n = created ? strlen(created) : 0;
	if (n && strncmp(cg->path + cg->rel, created, n) == 0 && cg->path[cg->rel + n] == '/')
		cg->created = cg->rel + n;
	cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (cg->dirfd < 0) {
		cg->path[0] = '\0';
		return -errno;
	}
	return 0;
}

json_t *hy_cgroup_record(const struct hy_cgroup *cg)
{
	const char *rel = cg->path + cg->rel;
	json_t *created = cg->created ? json_stringn(rel, cg->created - cg->rel) : json_null();
	return json_pack("{s:s,s:o}", "path", rel, "created", created);
}

int hy_cgroup_open_record(struct hy_cgroup *cg, const char *mount, const json_t *rec,
			  const char *id)
{
	const char *rel = json_string_value(json_object_get(rec, "path"));
	const char *created = json_string_value(json_object_get(rec, "created"));
	char def[4096];
	if (!rel) {
		snprintf(def, sizeof(def), "hybox/%s", id);
		rel = def;
	}
	return hy_cgroup_open(cg, mount, rel, created);
}
