// SPDX-License-Identifier: GPL-2.0-only
/*
 * state.json of OCI containers and the live OCI state (see oci_state.h).
 * The record is replaced with renameat() so a reader never sees half of it.
 * A supervisor that was killed leaves a record saying "created" or
 * "running" and no lock holder: such a container reads as "stopped".
 */
#define LOG_PREFIX "oci-state: "
#include "oci_state.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "control.h"
#include "log.h"
#include "oci_config.h"
#include "util.h"

#define RECORD_TMP HY_STATE_OCI_FILE ".tmp"

static int write_record(int dirfd, json_t *rec)
{
	_cleanup_free_ char *s = json_dumps(rec, JSON_INDENT(2));
	if (!s)
		return -ENOMEM;
	_cleanup_close_ int fd = openat(dirfd, RECORD_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
					0600);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, s, strlen(s));
	if (r == 0 && write_all(fd, "\n", 1) == 0 &&
	    renameat(dirfd, RECORD_TMP, dirfd, HY_STATE_OCI_FILE) == 0)
		return 0;
	r = r < 0 ? r : -errno;
	unlinkat(dirfd, RECORD_TMP, 0);
	return r;
}

static json_t *read_record(int dirfd)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dirfd, HY_STATE_OCI_FILE, &text) < 0)
		return NULL;
	json_t *j = json_loads(text, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* RFC 3339 in UTC with nanoseconds, as runc writes "created". */
static void timestamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", gmtime_r(&ts.tv_sec, &tm));
	snprintf(buf, n, "%s.%09ldZ", sec, ts.tv_nsec);
}

int hy_oci_state_create(int state_dirfd, const struct hy_oci_record *rec, struct hy_err *err)
{
	char created[48];
	timestamp(created, sizeof(created));
	json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:O?}", "ociVersion", HY_OCI_VERSION,
			      "id", rec->id, "status", rec->status, "pid", (int)rec->pid, "bundle",
			      rec->bundle, "rootfs", rec->rootfs, "created", created, "annotations",
			      rec->annotations);
	int r = j ? write_record(state_dirfd, j) : -ENOMEM;
	json_decref(j);
	if (r < 0)
		return hy_err_setr(err, r, "write the container's %s", HY_STATE_OCI_FILE);
	return 0;
}

int hy_oci_state_stopped(int state_dirfd, int wstatus)
{
	json_t *j = read_record(state_dirfd);
	if (!j)
		return -ENOENT;
	json_object_set_new(j, "status", json_string("stopped"));
	json_object_set_new(j, "hyboxExit",
			    json_pack("{s:i,s:i}", "code", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
				      "signal", WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0));
	int r = write_record(state_dirfd, j);
	json_decref(j);
	if (r < 0)
		pr_warn("cannot record the stopped state: %s", strerror(-r));
	return r;
}

/* The supervisor's view: status, pid, created (op state). NULL when it does not answer. */
static json_t *ask_supervisor(const char *root, const char *id)
{
	struct hy_err err = { 0 };
	json_t *reply = NULL, *req = json_pack("{s:s}", "op", "state");
	int r = hy_control_call(root, id, req, &reply, &err);
	json_decref(req);
	if (r < 0) {
		pr_debug("%s", err.msg);
		return NULL;
	}
	return reply;
}

/* The printed state: OCI's fields in runc's order, from the record and the live view. */
static json_t *compose(const char *id, json_t *rec, json_t *live)
{
	const char *status = live ? json_string_value(json_object_get(live, "status")) : NULL;
	json_t *pid = live ? json_object_get(live, "pid") : NULL;
	const char *created = json_string_value(json_object_get(rec ? rec : live, "created"));
	if (!status)
		status = "stopped";
	json_t *j = json_pack("{s:s,s:s,s:s,s:I}", "ociVersion", HY_OCI_VERSION, "id", id, "status",
			      status, "pid",
			      strcmp(status, "stopped") == 0 ? (json_int_t)0 : json_integer_value(pid));
	json_t *ann = rec ? json_object_get(rec, "annotations") : NULL;
	const char *bundle = rec ? json_string_value(json_object_get(rec, "bundle")) : NULL;
	const char *rootfs = rec ? json_string_value(json_object_get(rec, "rootfs")) : NULL;
	json_object_set_new(j, "bundle", json_string(bundle ? bundle : ""));
	json_object_set_new(j, "rootfs", json_string(rootfs ? rootfs : ""));
	json_object_set_new(j, "created", json_string(created ? created : ""));
	json_object_set_new(j, "annotations", json_is_object(ann) ? json_copy(ann) : json_object());
	return j;
}

int hy_oci_state_get(const char *root, const char *id, json_t **ret, struct hy_err *err)
{
	char dir[4096];
	int r = hy_id_validate(id, err);
	if (r < 0)
		return r;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", root, id) >= sizeof(dir))
		return hy_err_set(err, -ENAMETOOLONG, "state directory path too long");
	_cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT)
		return hy_err_set(err, -ENOENT, "container '%s' does not exist (no %s)", id, dir);
	if (dfd < 0)
		return hy_err_setr(err, -errno, "container '%s': open %s", id, dir);
	json_t *rec = read_record(dfd);
	int live = hy_state_is_live(root, id);
	json_t *reply = live > 0 ? ask_supervisor(root, id) : NULL;
	if (!rec && !reply) {
		/* Neither an OCI container nor a live one: being created, or a stale directory. */
		json_decref(rec);
		return hy_err_set(err, -ENOENT, "container '%s' does not exist (%s has no %s and no "
						"live supervisor)", id, dir, HY_STATE_OCI_FILE);
	}
	*ret = compose(id, rec, reply);
	json_decref(rec);
	json_decref(reply);
	return 0;
}

const char *hy_oci_state_status(const json_t *state)
{
	const char *s = json_string_value(json_object_get(state, "status"));
	return s ? s : "stopped";
}

int hy_oci_state_is_stopped(const char *root, const char *id, struct hy_err *err)
{
	json_t *state = NULL;
	int r = hy_oci_state_get(root, id, &state, err);
	if (r < 0)
		return r;
	r = strcmp(hy_oci_state_status(state), "stopped") == 0;
	json_decref(state);
	return r;
}
