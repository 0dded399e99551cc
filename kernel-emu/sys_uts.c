// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handlers for uname(2), sethostname(2) and setdomainname(2).
 *
 * Runs in the supervisor's serving thread with the supervisor's privileges,
 * so the task's own right to change names is checked here: the real
 * sethostname() below would otherwise succeed on the task's behalf. The
 * container owns its UTS names (as root in a user-namespaced container owns
 * its UTS namespace), so container root may rename it even though hybox
 * drops CAP_SYS_ADMIN; other users need CAP_SYS_ADMIN, as on Linux.
 * The real call is made only when the serving thread is verifiably in the
 * container's UTS namespace (the one k->uts_ns_fd names); otherwise the
 * thread is in the host's namespace and must never rename the host, so only
 * kernel-emu's state changes. Task memory is touched only outside k->lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel.h"
#include "sys.h"
#include "util.h"

#define CAP_SYS_ADMIN_BIT 21
#define UTS_NAME_MAX (EMU_UTS_LEN - 1) /* __NEW_UTS_LEN */

_Static_assert(sizeof(struct utsname) == 6 * EMU_UTS_LEN, "struct utsname is new_utsname");

/*
 * May the trapping task rename the container: effective uid 0 in the
 * container, or CAP_SYS_ADMIN (effective)? The /proc/PID
 * directory is opened first and the notification id checked afterwards
 * (seccomp_unotify(2)): if the id is still valid, the directory is the
 * trapping task's even if the pid is reused later. Any failure denies: fail
 * closed. The capability is relative to the task's user namespace, which
 * owns the container's UTS namespace in the layouts hybox creates. A UTS
 * namespace the container joined (a pod's) is shared, not its own: there
 * only CAP_SYS_ADMIN may rename it, as runc's containers find. With a user
 * namespace of the container's own (which owns its UTS namespace; joins are
 * refused with it), /proc shows host ids: container root is the host uid its
 * uid 0 maps to, and CAP_SYS_ADMIN in its namespace is what Linux honours.
 */
static bool task_may_set_names(const struct emu_kernel *k, struct emu_call *c)
{
	char path[32];
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *buf = NULL;
	unsigned long long eff;
	const char *p;

	if (c->pid <= 0)
		return false;
	snprintf(path, sizeof(path), "%d", (int)c->pid);
	dfd = openat(k->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	/* No listener: a unit test's fake call, nothing to validate against. */
	if (emu_listener(k, c) >= 0 &&
	    ioctl(emu_listener(k, c), SECCOMP_IOCTL_NOTIF_ID_VALID, &c->id) < 0)
		return false;
	if (read_file_at(dfd, "status", &buf) < 0)
		return false;
	unsigned long ruid, euid, root = k->is_userns ? k->userns_root_uid : 0;
	p = strstr(buf, "\nUid:");
	/* A shared namespace is not the container's own: CAP_SYS_ADMIN only. */
	if (!k->is_uts_shared && p &&
	    sscanf(p + strlen("\nUid:"), "%lu %lu", &ruid, &euid) == 2 && euid == root)
		return true;
	p = strstr(buf, "\nCapEff:");
	if (!p || sscanf(p + strlen("\nCapEff:"), "%llx", &eff) != 1)
		return false;
	return eff & (1ULL << CAP_SYS_ADMIN_BIT);
}

/*
 * Has this (serving) thread joined the container's UTS namespace? Checked at
 * call time, not trusted from uts_ns_fd alone: if the join failed, the thread
 * is still in the host's namespace and a real call would rename the host.
 */
static bool joined_container_uts(const struct emu_kernel *k)
{
	struct stat want, have;

	if (k->uts_ns_fd < 0 || fstat(k->uts_ns_fd, &want) < 0)
		return false;
	if (fstatat(k->proc_fd, "thread-self/ns/uts", &have, 0) < 0)
		return false;
	return want.st_dev == have.st_dev && want.st_ino == have.st_ino;
}

/* A shared UTS namespace's names are whatever its last renamer set: read
 * them (the serving thread is in it) into k->uts. Under k->lock. */
static void refresh_shared_names(struct emu_kernel *k, bool joined)
{
	struct utsname now;
	if (!k->is_uts_shared || !joined || uname(&now) < 0)
		return;
	emu_uts_set_nodename(&k->uts, now.nodename, strnlen(now.nodename, UTS_NAME_MAX));
	emu_uts_set_domainname(&k->uts, now.domainname, strnlen(now.domainname, UTS_NAME_MAX));
}

long emu_sys_uname(struct emu_kernel *k, struct emu_call *c)
{
	struct utsname out;
	bool joined = k->is_uts_shared && joined_container_uts(k);

	/* The host's release/version/machine are read once, at kernel creation:
	 * every syscall counts on the emulated road. */
	pthread_mutex_lock(&k->lock);
	refresh_shared_names(k, joined);
	emu_uts_fill(&k->uts, &k->host_uts, &out);
	pthread_mutex_unlock(&k->lock);
	if (emu_call_write(c, c->args[0], &out, sizeof(out)) < 0)
		return -EFAULT;
	return 0;
}

struct uts_setter {
	const char *what;
	int (*real)(const char *name, size_t len);
	int (*set)(struct emu_uts *u, const char *name, size_t len);
	const char *(*get)(const struct emu_uts *u);
};

static const char *get_nodename(const struct emu_uts *u)
{
	return u->nodename;
}

static const char *get_domainname(const struct emu_uts *u)
{
	return u->domainname;
}

static const struct uts_setter hostname_setter = {
	"hostname", sethostname, emu_uts_set_nodename, get_nodename,
};
static const struct uts_setter domainname_setter = {
	"domainname", setdomainname, emu_uts_set_domainname, get_domainname,
};

/* Real call (if joined) then state, both under the lock so they cannot diverge. */
static long apply_name(struct emu_kernel *k, const struct uts_setter *s, const char *name,
		       size_t len)
{
	bool joined = joined_container_uts(k);
	char msg[128];
	long r = 0;

	pthread_mutex_lock(&k->lock);
	if (joined && s->real(name, len) < 0)
		r = -errno;
	if (r == 0) {
		s->set(&k->uts, name, len);
		snprintf(msg, sizeof(msg), "hybox: %s set to %s", s->what, s->get(&k->uts));
		emu_syslog_append(&k->syslog, now_mono_ns(), 6, msg);
	}
	pthread_mutex_unlock(&k->lock);
	return r;
}

/* Checks in Linux's order: EPERM, EINVAL, EFAULT; then one copy-in. */
static long set_uts_name(struct emu_kernel *k, struct emu_call *c, const struct uts_setter *s)
{
	int len = (int)c->args[1]; /* the kernel takes an int: upper bits are ignored */
	char name[UTS_NAME_MAX];

	if (!task_may_set_names(k, c))
		return -EPERM;
	if (len < 0 || len > UTS_NAME_MAX)
		return -EINVAL;
	if (len > 0 && emu_call_read(c, c->args[0], name, (size_t)len) < 0)
		return -EFAULT;
	return apply_name(k, s, name, (size_t)len);
}

long emu_sys_sethostname(struct emu_kernel *k, struct emu_call *c)
{
	return set_uts_name(k, c, &hostname_setter);
}

long emu_sys_setdomainname(struct emu_kernel *k, struct emu_call *c)
{
	return set_uts_name(k, c, &domainname_setter);
}
