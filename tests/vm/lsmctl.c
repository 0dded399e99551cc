// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsmctl: drives the BPF LSM road (user/lsm.c) without the rest of hybox,
 * for the VM suite (tests/vm/20-policy.sh) and its measurements. Static,
 * runs as root in the guest. Not installed; not a hybox command.
 *
 *   lsmctl check
 *       load and attach the LSM programs, print "ok" (or the reason, exit 1)
 *   lsmctl run [--audit] [--outside] --policy FILE --cgroup DIR [--root DIR]
 *              [--events FILE] -- CMD [ARG...]
 *       load the programs, create cgroup DIR, confine it with the policy file
 *       (parsed by user/policy.c; --audit or "mode": "audit" for audit),
 *       run CMD in it (--outside: CMD stays out of the cgroup), then print
 *       every event of the ring, one line each, to FILE (default stderr) and
 *       exit with CMD's status (128+N for signal N)
 *   lsmctl run --bare -- CMD [ARG...]
 *       load and attach the programs, confine nothing, run CMD (to measure
 *       what the hooks cost a host task while no container is registered)
 *   lsmctl batch --cgroup-root DIR [--root DIR] < SCRIPT
 *       one load for many cases, each in the cgroup of a named policy (see
 *       cmd_batch())
 *   lsmctl sys OP ARG...
 *       one operation, then "ok" or "err ENAME" on stdout (see ops[])
 *   lsmctl bench N
 *       "getpid_ns=X open_close_ns=Y": mean cost over N rounds
 *   lsmctl verify
 *       load each program alone with libbpf (full skeleton) and print the
 *       verifier's statistics, or its log when it refuses one
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/events.h"
#include "error.h"
#include "log.h"
#include "lsm.h"
#include "policy.h"
#include "util.h"

#include "skel/lsm.skel.h"

/* ------------------------------------------------------------ sys */

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },	   { ENOENT, "ENOENT" },	 { EACCES, "EACCES" },
	{ EEXIST, "EEXIST" },	   { ENOTDIR, "ENOTDIR" },	 { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },	   { EBUSY, "EBUSY" },		 { ENOTEMPTY, "ENOTEMPTY" },
	{ EXDEV, "EXDEV" },	   { ESRCH, "ESRCH" },		 { EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ ECONNREFUSED, "ECONNREFUSED" }, { ENETUNREACH, "ENETUNREACH" }, { EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" }, { ENOEXEC, "ENOEXEC" }, { EROFS, "EROFS" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { EHOSTUNREACH, "EHOSTUNREACH" },
};

static int result(int r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == -r) {
			printf("err %s\n", errnames[i].name);
			return 1;
		}
	printf("err %d\n", -r);
	return 1;
}

#define SYSRET(x) ((x) < 0 ? -errno : 0)

static int op_open(char **a)
{
	static const struct {
		const char *mode;
		int flags;
	} modes[] = {
		{ "r", O_RDONLY }, { "w", O_WRONLY }, { "rw", O_RDWR },
		{ "rt", O_RDONLY | O_TRUNC }, { "wt", O_WRONLY | O_TRUNC },
		{ "dir", O_RDONLY | O_DIRECTORY },
	};
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(a[1], modes[i].mode) == 0) {
			int fd = open(a[0], modes[i].flags | O_CLOEXEC);
			if (fd >= 0)
				close(fd);
			return SYSRET(fd);
		}
	}
	return -EINVAL;
}

static int op_creat(char **a)
{
	int fd = open(a[0], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	return SYSRET(fd);
}

static int op_mkdir(char **a) { return SYSRET(mkdir(a[0], 0755)); }
static int op_rmdir(char **a) { return SYSRET(rmdir(a[0])); }
static int op_unlink(char **a) { return SYSRET(unlink(a[0])); }
static int op_rename(char **a) { return SYSRET(rename(a[0], a[1])); }
static int op_link(char **a) { return SYSRET(link(a[0], a[1])); }
static int op_symlink(char **a) { return SYSRET(symlink(a[0], a[1])); }
static int op_mkfifo(char **a) { return SYSRET(mknod(a[0], S_IFIFO | 0644, 0)); }
static int op_truncate(char **a) { return SYSRET(truncate(a[0], 0)); }

static int op_ftruncate(char **a)
{
	/* open for writing is allowed by w; ftruncate reaches path_truncate on 6.1 */
	int fd = open(a[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = SYSRET(ftruncate(fd, 0));
	close(fd);
	return r;
}

static int op_exec(char **a)
{
	execv(a[0], a);
	return -errno;
}

static int family_of(const char *s)
{
	return !strcmp(s, "unix")    ? AF_UNIX :
	       !strcmp(s, "inet")    ? AF_INET :
	       !strcmp(s, "inet6")   ? AF_INET6 :
	       !strcmp(s, "netlink") ? AF_NETLINK :
	       !strcmp(s, "packet")  ? AF_PACKET :
				       -1;
}

static int op_socket(char **a)
{
	int type = !strcmp(a[1], "stream") ? SOCK_STREAM : !strcmp(a[1], "dgram") ? SOCK_DGRAM :
										     SOCK_RAW;
	int fam = family_of(a[0]);
	if (fam < 0)
		return -EINVAL;
	int fd = socket(fam, type | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		close(fd);
	return SYSRET(fd);
}

/* a: FAMILY ADDR [PORT] -> sockaddr; returns its length or -EINVAL. */
static int sockaddr_of(char **a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(a[0], "unix")) {
		struct sockaddr_un *un = (void *)ss;
		un->sun_family = AF_UNIX;
		strscpy(un->sun_path, a[1], sizeof(un->sun_path));
		return (int)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
	}
	if (!strcmp(a[0], "inet") && a[2]) {
		struct sockaddr_in *in = (void *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)atoi(a[2]));
		return inet_pton(AF_INET, a[1], &in->sin_addr) == 1 ? (int)sizeof(*in) : -EINVAL;
	}
	if (!strcmp(a[0], "inet6") && a[2]) {
		struct sockaddr_in6 *in6 = (void *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(a[2]));
		return inet_pton(AF_INET6, a[1], &in6->sin6_addr) == 1 ? (int)sizeof(*in6) : -EINVAL;
	}
	return -EINVAL;
}

/* connect/bind/sendto: FAMILY ADDR [PORT]; inet/inet6 connect and bind use TCP, sendto UDP. */
static int sock_op(char **a, int which)
{
	struct sockaddr_storage ss;
	int len = sockaddr_of(a, &ss), r;
	if (len < 0)
		return len;
	int type = which == 2 ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (which == 0)
		r = SYSRET(connect(fd, (struct sockaddr *)&ss, len));
	else if (which == 1)
		r = SYSRET(bind(fd, (struct sockaddr *)&ss, len));
	else
		r = SYSRET(sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
	close(fd);
	return r;
}

static int op_connect(char **a) { return sock_op(a, 0); }
static int op_bind(char **a) { return sock_op(a, 1); }
static int op_sendto(char **a) { return sock_op(a, 2); }

static int op_kill(char **a) { return SYSRET(kill(atoi(a[0]), atoi(a[1]))); }

/* A child of ours (so in our cgroup), paused until killed. */
static pid_t sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int op_killchild(char **a)
{
	pid_t pid = sleeper();
	if (pid < 0)
		return -errno;
	int r = SYSRET(kill(pid, atoi(a[0])));
	reap(pid);
	return r;
}

static int attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
		return -errno;
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

static int op_ptrace(char **a) { return attach(atoi(a[0])); }

static int op_ptracechild(char **a)
{
	pid_t pid = sleeper();
	if (pid < 0)
		return -errno;
	int r = attach(pid);
	reap(pid);
	return r;
}

static int op_mount(char **a)
{
	int r = SYSRET(mount("none", a[0], "tmpfs", 0, NULL));
	if (r == 0)
		umount(a[0]);
	return r;
}

static int op_umount(char **a) { return SYSRET(umount(a[0])); }

static const struct {
	const char *name;
	int nargs; /* at least */
	int (*fn)(char **args);
	const char *usage;
} ops[] = {
	{ "open", 2, op_open, "PATH r|w|rw|rt|wt|dir" },
	{ "creat", 1, op_creat, "PATH (O_CREAT|O_EXCL)" },
	{ "mkdir", 1, op_mkdir, "PATH" },
	{ "rmdir", 1, op_rmdir, "PATH" },
	{ "unlink", 1, op_unlink, "PATH" },
	{ "rename", 2, op_rename, "OLD NEW" },
	{ "link", 2, op_link, "OLD NEW" },
	{ "symlink", 2, op_symlink, "TARGET PATH" },
	{ "mkfifo", 1, op_mkfifo, "PATH" },
	{ "truncate", 1, op_truncate, "PATH (to 0)" },
	{ "ftruncate", 1, op_ftruncate, "PATH (open O_WRONLY, ftruncate to 0)" },
	{ "exec", 1, op_exec, "PATH [ARG...] (no output when it runs)" },
	{ "socket", 2, op_socket, "unix|inet|inet6|netlink|packet stream|dgram|raw" },
	{ "connect", 2, op_connect, "unix PATH | inet[6] ADDR PORT" },
	{ "bind", 2, op_bind, "unix PATH | inet[6] ADDR PORT" },
	{ "sendto", 2, op_sendto, "unix PATH | inet[6] ADDR PORT (datagram)" },
	{ "kill", 2, op_kill, "PID SIG" },
	{ "killchild", 1, op_killchild, "SIG (to a child of ours)" },
	{ "ptrace", 1, op_ptrace, "PID (attach, detach)" },
	{ "ptracechild", 0, op_ptracechild, "(attach to a child of ours)" },
	{ "mount", 1, op_mount, "DIR (tmpfs, then umount)" },
	{ "umount", 1, op_umount, "DIR" },
};

static int cmd_sys(int argc, char **argv)
{
	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(ops); i++)
		if (strcmp(argv[0], ops[i].name) == 0 && argc - 1 >= ops[i].nargs)
			return result(ops[i].fn(argv + 1));
	fprintf(stderr, "usage: lsmctl sys OP ARGS, OP one of:\n");
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		fprintf(stderr, "  %s %s\n", ops[i].name, ops[i].usage);
	return 2;
}

/* ------------------------------------------------------------ run, batch */

/* Where ring events go: one "evt [TAG] key=value..." line each. */
struct sink {
	FILE *out;
	const char *tag; /* batch: the case id */
	unsigned int n;	 /* lines since the last reset */
};

static const char *name_of(unsigned int v, const char *const *names, size_t n)
{
	return v < n && names[v] ? names[v] : "?";
}

static int on_event(void *ctx, void *data, size_t size)
{
	static const char *const areas[] = { [HY_AREA_FILES] = "files", [HY_AREA_EXEC] = "exec",
					     [HY_AREA_NET] = "net", [HY_AREA_PROCESS] = "process" };
	static const char *const opn[] = {
		[HY_OP_OPEN] = "open",	     [HY_OP_CREATE] = "create",	 [HY_OP_MKDIR] = "mkdir",
		[HY_OP_UNLINK] = "unlink",   [HY_OP_RENAME] = "rename",	 [HY_OP_LINK] = "link",
		[HY_OP_TRUNCATE] = "truncate", [HY_OP_EXEC] = "exec",	 [HY_OP_SOCKET] = "socket",
		[HY_OP_CONNECT] = "connect", [HY_OP_BIND] = "bind",	 [HY_OP_PTRACE] = "ptrace",
		[HY_OP_SIGNAL] = "signal",   [HY_OP_MOUNT] = "mount",
	};
	static const char *const decisions[] = { [HY_DECISION_DENY] = "deny",
						 [HY_DECISION_AUDIT] = "audit" };
	static const char *const fams[] = { "other", "inet", "inet6", "unix", "netlink", "packet",
					    "raw" };
	struct sink *sk = ctx;
	const struct hy_evt_hdr *h = data;
	const struct hy_evt_policy *e = data;
	char acc[5] = "", addr[INET6_ADDRSTRLEN] = "";
	int n = 0;

	sk->n++;
	if (size < sizeof(*h) || h->type != HY_EVT_POLICY || h->size != sizeof(*e) ||
	    size < sizeof(*e)) {
		fprintf(sk->out, "evt%s%s malformed type=%u size=%u\n", sk->tag ? " " : "",
			sk->tag ? sk->tag : "", size >= sizeof(*h) ? h->type : 0, (unsigned int)size);
		return 0;
	}
	if (e->access & HY_ACC_R)
		acc[n++] = 'r';
	if (e->access & HY_ACC_W)
		acc[n++] = 'w';
	if (e->access & HY_ACC_X)
		acc[n++] = 'x';
	if (e->access & HY_ACC_C)
		acc[n++] = 'c';
	if (e->area == HY_AREA_NET && e->family == HY_NET_INET)
		inet_ntop(AF_INET, e->addr, addr, sizeof(addr));
	else if (e->area == HY_AREA_NET && e->family == HY_NET_INET6)
		inet_ntop(AF_INET6, e->addr, addr, sizeof(addr));
	fprintf(sk->out,
		"evt%s%s area=%s op=%s decision=%s road=%s access=%s ret=%d family=%s addr=%s "
		"port=%u target=%u sig=%u path=%.*s path2=%.*s comm=%.*s pid=%u cgid=%llu\n",
		sk->tag ? " " : "", sk->tag ? sk->tag : "",
		name_of(e->area, areas, ARRAY_SIZE(areas)), name_of(e->op, opn, ARRAY_SIZE(opn)),
		name_of(e->decision, decisions, ARRAY_SIZE(decisions)),
		e->road == HY_ROAD_ID_BPF_LSM ? "bpf-lsm" : "?", acc, e->ret,
		e->area == HY_AREA_NET ? name_of(e->family, fams, ARRAY_SIZE(fams)) : "", addr,
		e->port, e->target, e->sig, HY_PATH_LEN, e->path, HY_PATH_LEN, e->path2,
		HY_COMM_LEN, e->task.comm, e->task.pid, (unsigned long long)e->hdr.cgid);
	return 0;
}

#define MAX_CGROUPS 16

struct driver {
	struct hy_lsm *l;
	struct ring_buffer *rb;
	struct sink sink;
	int rootfd;
	unsigned long long dropped;
	unsigned int ncg;
	struct {
		char name[64];
		char path[PATH_MAX];
		uint64_t cgid;
		int fd;
	} cg[MAX_CGROUPS];
};

static int driver_open(struct driver *d, const char *root, FILE *out, struct hy_err *err)
{
	*d = (struct driver){ .sink = { .out = out }, .rootfd = -1 };
	d->rootfd = open(root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->rootfd < 0)
		return hy_err_setr(err, -errno, "%s", root ? root : "/");
	if (hy_lsm_open(&d->l, err) < 0)
		return err->code;
	d->rb = ring_buffer__new(hy_lsm_ring_fd(d->l), on_event, &d->sink, NULL);
	if (!d->rb)
		return hy_err_setr(err, -errno, "ring_buffer__new");
	return 0;
}

/* Create cgroup path and confine it with the policy file (name: how cases refer to it). */
static int driver_add(struct driver *d, const char *name, const char *path, const char *policy,
		      bool audit, struct hy_err *err)
{
	_cleanup_free_ struct hy_policy *pol = xcalloc(1, sizeof(*pol));
	struct stat st;
	int fd, r;

	if (d->ncg == MAX_CGROUPS)
		return hy_err_set(err, -ENOSPC, "%u cgroups at most", MAX_CGROUPS);
	r = hy_policy_load(policy, pol, err);
	if (r < 0)
		return r;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return hy_err_setr(err, -errno, "mkdir %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = hy_err_setr(err, -errno, "%s", path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	/* A cgroup v2 directory's inode number is its cgroup id. */
	r = hy_lsm_add(d->l, st.st_ino, &pol->obj, audit || pol->mode == HY_POLICY_AUDIT, d->rootfd,
		       err);
	if (r < 0) {
		close(fd);
		rmdir(path);
		return r;
	}
	strscpy(d->cg[d->ncg].name, name, sizeof(d->cg[d->ncg].name));
	strscpy(d->cg[d->ncg].path, path, sizeof(d->cg[d->ncg].path));
	d->cg[d->ncg].cgid = st.st_ino;
	d->cg[d->ncg].fd = fd;
	d->ncg++;
	return 0;
}

static int driver_cgfd(const struct driver *d, const char *name)
{
	for (unsigned int i = 0; i < d->ncg; i++)
		if (!strcmp(d->cg[i].name, name))
			return d->cg[i].fd;
	return -1;
}

/*
 * Run argv in the cgroup cgfd (-1: where we are), its stdout to out_fd (-1:
 * ours). Returns its exit status, 128+N for signal N, 125 if it could not
 * be started.
 */
static int driver_exec(int cgfd, char **argv, int out_fd)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		int r = cgfd < 0 ? 0 : write_file_at(cgfd, "cgroup.procs", "0");

		if (r < 0) {
			fprintf(stderr, "lsmctl: join the cgroup: %s\n", strerror(-r));
			_exit(125);
		}
		if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(125);
		execvp(argv[0], argv);
		fprintf(stderr, "lsmctl: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out_fd >= 0)
		close(out_fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Print what the ring holds (submitted before the hooks returned: complete once the
 * command is gone) and any new losses. */
static void driver_drain(struct driver *d)
{
	int ncpus = libbpf_num_possible_cpus();
	_cleanup_free_ struct hy_trace_counters *c = xcalloc(ncpus > 0 ? ncpus : 1, sizeof(*c));
	unsigned long long dropped = 0;
	__u32 zero = 0;

	ring_buffer__consume(d->rb);
	if (ncpus <= 0 || bpf_map_lookup_elem(hy_lsm_counters_fd(d->l), &zero, c) < 0)
		return;
	for (int i = 0; i < ncpus; i++)
		dropped += c[i].dropped;
	if (dropped > d->dropped)
		fprintf(d->sink.out, "lost %llu\n", dropped - d->dropped);
	d->dropped = dropped;
}

/* Kill what is left in cgroup path and its children (a case may make some), remove them. */
static void cgroup_remove(const char *path, int depth)
{
	DIR *dir = depth < 8 ? opendir(path) : NULL;
	char sub[PATH_MAX];
	struct dirent *e;
	int fd;

	while (dir && (e = readdir(dir)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
		    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < (int)sizeof(sub))
			cgroup_remove(sub, depth + 1);
	if (dir)
		closedir(dir);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		write_file_at(fd, "cgroup.kill", "1");
		close(fd);
	}
	for (int n = 0; n < 100 && rmdir(path) < 0 && errno == EBUSY; n++)
		usleep(10000);
}

/* Forget every cgroup (killing what is left in it), unload. */
static void driver_close(struct driver *d)
{
	for (unsigned int i = 0; i < d->ncg; i++) {
		hy_lsm_remove(d->l, d->cg[i].cgid);
		close(d->cg[i].fd);
		cgroup_remove(d->cg[i].path, 0);
	}
	ring_buffer__free(d->rb);
	hy_lsm_free(d->l);
	if (d->rootfd >= 0)
		close(d->rootfd);
}

struct run_opts {
	const char *policy, *cgroup, *root, *events;
	bool audit, outside, bare;
	char **argv;
};

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	int i;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--audit")) {
			o->audit = true;
		} else if (!strcmp(a, "--outside")) {
			o->outside = true;
		} else if (!strcmp(a, "--bare")) {
			o->bare = true;
		} else if (i + 1 < argc && !strcmp(a, "--policy")) {
			o->policy = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--cgroup")) {
			o->cgroup = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--root")) {
			o->root = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--events")) {
			o->events = argv[++i];
		} else {
			return -EINVAL;
		}
	}
	o->argv = argv + i;
	return (o->bare || (o->policy && o->cgroup)) && i < argc ? 0 : -EINVAL;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct hy_err err = { 0 };
	struct driver d = { .rootfd = -1 };
	FILE *out = stderr;
	int rc = 125;

	if (parse_run(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: lsmctl run [--audit] [--outside] --policy FILE --cgroup DIR "
				"[--root DIR] [--events FILE] -- CMD [ARG...]\n"
				"       lsmctl run --bare -- CMD [ARG...]\n");
		return 2;
	}
	if (o.events && !(out = fopen(o.events, "we"))) {
		fprintf(stderr, "lsmctl: %s: %s\n", o.events, strerror(errno));
		return 125;
	}
	if (driver_open(&d, o.root, out, &err) == 0 &&
	    (o.bare || driver_add(&d, "run", o.cgroup, o.policy, o.audit, &err) == 0)) {
		rc = driver_exec(o.outside || o.bare ? -1 : d.cg[0].fd, o.argv, -1);
		driver_drain(&d);
	} else {
		fprintf(stderr, "lsmctl: %s\n", err.msg);
	}
	driver_close(&d);
	if (out != stderr)
		fclose(out);
	return rc;
}

/* Split line into at most max words (spaces and tabs; no quoting). Returns the count. */
static int split(char *line, char **word, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\n"); t && n < max; t = strtok(NULL, " \t\n"))
		word[n++] = t;
	word[n] = NULL;
	return n;
}

/*
 * One batch case: run argv in cgroup `where` ("-": outside), print
 *   case ID rc=N out=OUTPUT      (its stdout, lines joined with " | ")
 *   evt ID ...                   (one per event it caused)
 *   end ID events=N
 */
static void batch_case(struct driver *d, const char *id, const char *where, char **argv)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int p[2], rc, cgfd = strcmp(where, "-") ? driver_cgfd(d, where) : -1;

	if (strcmp(where, "-") && cgfd < 0) {
		printf("case %s rc=125 out=no policy named %s\nend %s events=0\n", id, where, id);
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		printf("case %s rc=125 out=pipe: %s\nend %s events=0\n", id, strerror(errno), id);
		return;
	}
	fflush(NULL);
	/* Output is small (a line or two): read it all after the case ends. */
	rc = driver_exec(cgfd, argv, p[1]);
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(p[0]);
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	for (char *c = buf; (c = strchr(c, '\n'));)
		*c = '|';
	printf("case %s rc=%d out=%s\n", id, rc, buf);
	d->sink.tag = id;
	d->sink.n = 0;
	driver_drain(d);
	printf("end %s events=%u\n", id, d->sink.n);
	d->sink.tag = NULL;
}

/*
 * lsmctl batch --cgroup-root DIR [--root DIR] < SCRIPT: one load of the
 * programs for a whole suite. SCRIPT lines:
 *   policy NAME FILE [audit]     confine a new cgroup DIR/NAME with FILE
 *   case ID NAME|- CMD [ARG...]  run CMD in that cgroup (- : outside any)
 * Everything is printed on stdout; a policy that cannot be added prints
 * "policy NAME err MESSAGE" and the batch goes on (its cases fail).
 */
static int cmd_batch(int argc, char **argv)
{
	const char *cgroot = NULL, *root = NULL;
	struct hy_err err = { 0 };
	struct driver d = { .rootfd = -1 };
	char line[4096], *w[64], path[PATH_MAX];
	int rc = 0;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cgroup-root"))
			cgroot = argv[i + 1];
		else if (!strcmp(argv[i], "--root"))
			root = argv[i + 1];
	}
	if (!cgroot) {
		fprintf(stderr, "usage: lsmctl batch --cgroup-root DIR [--root DIR] < SCRIPT\n");
		return 2;
	}
	if (driver_open(&d, root, stdout, &err) < 0) {
		printf("load err %s\n", err.msg);
		driver_close(&d);
		return 1;
	}
	printf("load ok\n");
	while (fgets(line, sizeof(line), stdin)) {
		int n = split(line, w, (int)ARRAY_SIZE(w) - 1);

		if (n >= 3 && !strcmp(w[0], "policy")) {
			snprintf(path, sizeof(path), "%s/%s", cgroot, w[1]);
			err = (struct hy_err){ 0 };
			if (driver_add(&d, w[1], path, w[2], n >= 4 && !strcmp(w[3], "audit"), &err) < 0) {
				printf("policy %s err %s\n", w[1], err.msg);
				rc = 1;
			} else {
				printf("policy %s ok\n", w[1]);
			}
		} else if (n >= 4 && !strcmp(w[0], "case")) {
			batch_case(&d, w[1], w[2], w + 3);
		} else if (n > 0 && w[0][0] != '#') {
			printf("bad line: %s\n", w[0]);
			rc = 1;
		}
		fflush(stdout);
	}
	driver_close(&d);
	return rc;
}

static unsigned long long ns(void);

static int cmd_check(void)
{
	struct hy_err err = { 0 };
	unsigned long long t0 = ns(), t1;
	struct hy_lsm *l;

	if (hy_lsm_open(&l, &err) < 0) {
		printf("%s\n", err.msg);
		return 1;
	}
	t1 = ns();
	hy_lsm_free(l);
	printf("ok load+attach %llu ms, detach+free %llu ms\n", (t1 - t0) / 1000000,
	       (ns() - t1) / 1000000);
	return 0;
}

/* ------------------------------------------------------------ bench */

static unsigned long long ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmd_bench(int argc, char **argv)
{
	long n = argc > 0 ? atol(argv[0]) : 100000;
	const char *path = argc > 1 ? argv[1] : "/etc/passwd";
	unsigned long long t0, t1, t2;

	if (n <= 0)
		return 2;
	t0 = ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	t1 = ns();
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	t2 = ns();
	printf("getpid_ns=%llu open_close_ns=%llu\n", (t1 - t0) / n, (t2 - t1) / n);
	return 0;
}

/* ------------------------------------------------------------ verify */

static char vlog[1 << 22];

static int verify_one(size_t idx, int *failed)
{
	struct lsm_bpf *s = lsm_bpf__open();
	struct bpf_program *p, *mine = NULL;
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	size_t i = 0;
	unsigned long long t0;
	int r;

	if (!s)
		return -errno;
	bpf_object__for_each_program(p, s->obj) {
		bpf_program__set_autoload(p, i == idx);
		if (i++ == idx)
			mine = p;
	}
	if (!mine) {
		lsm_bpf__destroy(s);
		return 0;
	}
	vlog[0] = 0;
	bpf_program__set_log_buf(mine, vlog, sizeof(vlog));
	bpf_program__set_log_level(mine, getenv("LSMCTL_VLOG") ? 5 : 4);
	t0 = ns();
	r = lsm_bpf__load(s);
	if (r < 0) {
		size_t n = strlen(vlog);
		*failed = 1;
		bpf_program__set_log_level(mine, 1);
		printf("%-16s FAILED %d\n%s\n", bpf_program__name(mine), r,
		       n > 6000 ? vlog + n - 6000 : vlog);
	} else {
		bpf_obj_get_info_by_fd(bpf_program__fd(mine), &info, &len);
		printf("%-16s %7u insns verified, %6u xlated, %5llu ms: %s", bpf_program__name(mine),
		       info.verified_insns, info.xlated_prog_len / 8, (ns() - t0) / 1000000, vlog);
	}
	lsm_bpf__destroy(s);
	return 1;
}

static int cmd_verify(void)
{
	int failed = 0;

	for (size_t i = 0; verify_one(i, &failed) > 0; i++)
		;
	return failed;
}

int main(int argc, char **argv)
{
	hy_log_init();
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check();
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "batch"))
		return cmd_batch(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "sys"))
		return cmd_sys(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify();
	if (argc >= 2 && !strcmp(argv[1], "bench"))
		return cmd_bench(argc - 2, argv + 2);
	fprintf(stderr, "usage: lsmctl check | run ... | sys OP ARGS | bench N [PATH]\n");
	return 2;
}
