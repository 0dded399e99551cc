// SPDX-License-Identifier: GPL-2.0-only
/*
 * conformance: exercises the Linux syscall surface a program relies on and
 * prints one line per check, "name: result", where result is "ok", the errno
 * name of a failure ("ENOENT"), a value ("13", "644", "Linux") or, for a
 * relation that did not hold, "wrong (what was seen)". Every line is the same
 * on every run on the same host: no pids, times or addresses, only relations
 * between them ("getppid-nonzero: ok").
 *
 * tests/priv/86-conformance.sh runs it natively and inside `hybox run` and
 * compares the two outputs line by line. It works in a fresh directory
 * /tmp/hybox-conformance.XXXXXX that it creates and removes, and changes
 * nothing outside it except for short-lived objects with unique names (a
 * /dev/shm file, SysV IPC objects, an abstract socket, loopback ports).
 * Some checks only make sense as root (chown, setresuid to nobody).
 *
 * The exit status is 0 when the program ran to the end, whatever the checks
 * printed: judging them is the comparison's job.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/bpf.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/sendfile.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define UNUSED __attribute__((unused))
#define NOBODY 65534
#define OTHER_GID 4321

static char workdir[] = "/tmp/hybox-conformance.XXXXXX";
static char self_exe[PATH_MAX];

/* --- reporting ----------------------------------------------------------- */

static const char *errname(int e)
{
	static char buf[16];
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void line(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ok, or the errno name: for calls returning -1 and setting errno. */
static long ck(const char *name, long rc)
{
	if (rc < 0)
		line(name, "%s", errname(errno));
	else
		line(name, "ok");
	return rc;
}

/* ck() for a call returning a new fd, which is closed. */
static void ck_close(const char *name, long fd)
{
	if (ck(name, fd) >= 0)
		close(fd);
}

/* The value, or the errno name. */
static long val(const char *name, long rc)
{
	if (rc < 0)
		line(name, "%s", errname(errno));
	else
		line(name, "%ld", rc);
	return rc;
}

/* ok, or the error number a call returned itself (pthread style). */
static void ck_err(const char *name, int err)
{
	line(name, "%s", err ? errname(err) : "ok");
}

/* A relation: ok, or "wrong" with what was seen. */
static bool rel(const char *name, bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		line(name, "ok");
		return true;
	}
	printf("%s: wrong (", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	return false;
}

/* The permission bits of PATH in octal (lstat), or the errno name. */
static void mode_of(const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		line(name, "%s", errname(errno));
	else
		line(name, "%o", st.st_mode & 07777);
}

static void size_of(const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		line(name, "%s", errname(errno));
	else
		line(name, "%lld", (long long)st.st_size);
}

/* ok if PATH exists (lstat), else the errno name. */
static void exists(const char *name, const char *path)
{
	struct stat st;

	ck(name, lstat(path, &st));
}

static const char *status_text(int st)
{
	static char buf[32];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

/*
 * Runs fn in a forked child and returns its wait status (-1 if fork or wait
 * failed). The child may print lines: the parent flushed before, the child
 * flushes before it exits, and the parent waits.
 */
static int in_child(int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int rc = fn(arg);

		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* Runs fn in a child that returns 0 or an errno value: prints ok or its name. */
static void ck_child(const char *name, int (*fn)(void *), void *arg)
{
	int st = in_child(fn, arg);

	if (st == -1)
		line(name, "%s", errname(errno));
	else if (WIFEXITED(st))
		ck_err(name, WEXITSTATUS(st));
	else
		line(name, "%s", status_text(st));
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

/* The content of PATH as the value, or the errno name. */
static void content_of(const char *name, const char *path)
{
	char buf[256];

	if (read_file(path, buf, sizeof(buf)) < 0) {
		line(name, "%s", errname(errno));
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
	line(name, "%s", buf);
}

/* --- faults -------------------------------------------------------------- */

static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* 0 if writing (or reading) *p works, else the signal it raised. */
static int touch_mem(volatile char *p, bool write)
{
	struct sigaction sa = { .sa_handler = fault_handler }, old_segv, old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(fault_jmp, 1);
	if (sig == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

/* --- files: open, read, write --------------------------------------------- */

static void t_read_write(void)
{
	char buf[64] = "", a[4] = "", b[4] = "";
	struct iovec wv[2] = { { "xy", 2 }, { "z", 1 } };
	struct iovec rv[2] = { { a, 3 }, { b, 3 } };
	int fd = ck("open-creat-excl", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	ssize_t n;

	ck_close("open-creat-excl-exists", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	val("write", write(fd, "0123456789", 10));
	val("pwrite", pwrite(fd, "AB", 2, 4));
	val("lseek-cur-after-pwrite", lseek(fd, 0, SEEK_CUR));
	val("writev", writev(fd, wv, 2));
	val("lseek-end", lseek(fd, 0, SEEK_END));
	val("read-wronly-fd", read(fd, buf, 1));
	ck("fsync", fsync(fd));
	ck("fdatasync", fdatasync(fd));
	ck("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	ck("syncfs", syncfs(fd));
	ck("close", close(fd));
	ck("close-closed-fd", close(fd));

	fd = ck("open-rdonly", open("f", O_RDONLY));
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	line("read-content", "%s", n < 0 ? errname(errno) : buf);
	val("read-at-eof", read(fd, buf, 1));
	n = pread(fd, buf, 3, 2);
	buf[n < 0 ? 0 : n] = '\0';
	line("pread-content", "%s", n < 0 ? errname(errno) : buf);
	lseek(fd, 0, SEEK_SET);
	val("readv", readv(fd, rv, 2));
	rel("readv-content", !strcmp(a, "012") && !strcmp(b, "3AB"), "%s|%s", a, b);
	val("write-rdonly-fd", write(fd, "x", 1));
	val("lseek-hole", lseek(fd, 0, SEEK_HOLE));
	val("lseek-negative", lseek(fd, -1, SEEK_SET));
	close(fd);
}

static void t_open_errors(void)
{
	char longname[300];

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_close("open-enoent", open("missing", O_RDONLY));
	ck_close("open-enotdir", open("f/x", O_RDONLY));
	ck_close("open-directory-on-file", open("f", O_RDONLY | O_DIRECTORY));
	ck_close("open-rdwr-directory", open(".", O_RDWR));
	ck_close("open-creat-directory", open(".", O_WRONLY | O_CREAT, 0644));
	ck_close("open-creat-trailing-slash", open("newfile/", O_CREAT | O_WRONLY, 0644));
	ck_close("open-trailing-slash-on-file", open("f/", O_RDONLY));
	ck_close("open-wronly-trailing-slash-on-file", open("f/", O_WRONLY));
	ck_close("open-empty-path", open("", O_RDONLY));
	ck_close("open-creat-empty-path", open("", O_CREAT | O_WRONLY, 0644));
	ck_close("open-creat-name-too-long", open(longname, O_CREAT | O_WRONLY, 0644));
	ck_close("open-creat-missing-parent", open("nodir/x", O_CREAT | O_WRONLY, 0644));
	ck_close("open-creat-parent-is-file", open("f/x", O_CREAT | O_WRONLY, 0644));
	ck_close("open-bad-accmode", open("f", O_WRONLY | O_RDWR));
}

static void t_open_flags(void)
{
	struct stat st;
	int fd;

	fd = ck("open-trunc", open("f", O_WRONLY | O_TRUNC));
	if (fd >= 0 && fstat(fd, &st) == 0)
		val("open-trunc-size", st.st_size);
	if (fd >= 0 && write(fd, "0123456789", 10) != 10)
		line("rewrite", "%s", errname(errno));
	close(fd);

	fd = ck("open-append", open("f", O_WRONLY | O_APPEND));
	lseek(fd, 0, SEEK_SET);
	val("write-append", write(fd, "AP", 2));
	val("append-position", lseek(fd, 0, SEEK_CUR));
	close(fd);
	content_of("append-content", "f");

	ck_close("creat", creat("c", 0600));
	mode_of("creat-mode", "c");
	ck_close("open-creat-existing", open("f", O_CREAT | O_WRONLY, 0600));
	mode_of("open-creat-existing-keeps-mode", "f");
	ck_close("open-creat-rdwr-trunc", open("c", O_CREAT | O_RDWR | O_TRUNC, 0644));
	ck_close("open-noatime", open("f", O_RDONLY | O_NOATIME));
	ck_close("open-cloexec", open("f", O_RDONLY | O_CLOEXEC));
	ck_close("open-directory-dot", open(".", O_RDONLY | O_DIRECTORY));
	ck_close("open-creat-directory-flag", open("cd", O_CREAT | O_DIRECTORY | O_RDONLY, 0755));

	fd = ck("open-path", open("f", O_PATH));
	val("read-opath-fd", read(fd, &st, 1));
	ck("fstat-opath-fd", fstat(fd, &st));
	close(fd);
	ck_close("open-path-wronly-ignored", open("f", O_PATH | O_WRONLY));
}

static void t_umask(void)
{
	umask(027);
	ck_close("open-creat-umask", open("u", O_CREAT | O_WRONLY, 0666));
	mode_of("open-creat-umask-mode", "u");
	ck("mkdir-umask", mkdir("ud", 0777));
	mode_of("mkdir-umask-mode", "ud");
	ck("mkfifo-umask", mkfifo("ufifo", 0666));
	mode_of("mkfifo-umask-mode", "ufifo");
	ck("symlink-umask", symlink("u", "ulink"));
	mode_of("symlink-mode", "ulink");
	line("umask-previous", "%o", umask(022));
}

static void t_symlinked_paths(void)
{
	char abs[PATH_MAX];

	ck("symlink", symlink("f", "lnk"));
	ck_close("open-nofollow-symlink", open("lnk", O_RDONLY | O_NOFOLLOW));
	ck_close("open-nofollow-creat-symlink", open("lnk", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644));
	ck_close("open-wronly-through-symlink", open("lnk", O_WRONLY));
	ck_close("open-path-nofollow-symlink", open("lnk", O_PATH | O_NOFOLLOW));

	symlink("made-by-open", "dangling");
	ck_close("open-creat-dangling-symlink", open("dangling", O_CREAT | O_WRONLY, 0644));
	exists("open-creat-dangling-made-target", "made-by-open");
	symlink("never-made", "dangling2");
	ck_close("open-creat-excl-dangling-symlink",
		 open("dangling2", O_CREAT | O_EXCL | O_WRONLY, 0644));
	exists("open-creat-excl-left-target-absent", "never-made");

	ck("mkdir-sub", mkdir("sub", 0755));
	symlink("sub", "sublink");
	ck_close("open-creat-through-dir-symlink", open("sublink/x", O_CREAT | O_WRONLY, 0644));
	exists("created-in-symlinked-dir", "sub/x");
	snprintf(abs, sizeof(abs), "%s/sub", workdir);
	symlink(abs, "abslink");
	ck_close("open-creat-through-absolute-symlink",
		 open("abslink/y", O_CREAT | O_WRONLY, 0644));
	exists("created-through-absolute-symlink", "sub/y");
	ck("mkdir-through-dir-symlink", mkdir("sublink/m", 0755));
	exists("mkdir-through-dir-symlink-there", "sub/m");

	symlink("loop1", "loop2");
	symlink("loop2", "loop1");
	ck_close("open-symlink-loop", open("loop1", O_RDONLY));
	ck_close("open-creat-symlink-loop", open("loop1", O_CREAT | O_WRONLY, 0644));
	ck("mkdir-on-dangling-symlink", mkdir("dangling2", 0755));
}

/* A thread with its own fs state (unshare CLONE_FS) creates in its own cwd. */
static void *thread_own_cwd(void *arg)
{
	int *err = arg, fd;

	if (unshare(CLONE_FS) < 0 || chdir("sub") < 0) {
		*err = errno;
		return NULL;
	}
	fd = open("from-thread", O_CREAT | O_WRONLY, 0644);
	*err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int child_creates_in_sub(void *arg UNUSED)
{
	int fd;

	if (chdir("sub") < 0)
		return errno;
	fd = open("from-child", O_CREAT | O_WRONLY, 0644);
	return fd < 0 ? errno : 0;
}

static void t_dirfds(void)
{
	int d = open("sub", O_RDONLY | O_DIRECTORY), p = open("sub", O_PATH | O_DIRECTORY);
	int f = open("f", O_RDONLY), err = -1;
	char abs[PATH_MAX];
	pthread_t t;

	ck_close("openat-dirfd-creat", openat(d, "y2", O_CREAT | O_WRONLY, 0644));
	exists("openat-dirfd-created-there", "sub/y2");
	ck_close("openat-opath-dirfd-creat", openat(p, "y3", O_CREAT | O_WRONLY, 0644));
	exists("openat-opath-dirfd-created-there", "sub/y3");
	ck_close("openat-dirfd-dotdot-wronly", openat(d, "../f", O_WRONLY));
	ck_close("openat-file-as-dirfd", openat(f, "x", O_CREAT | O_WRONLY, 0644));
	ck_close("openat-bad-dirfd", openat(9999, "x", O_CREAT | O_WRONLY, 0644));
	snprintf(abs, sizeof(abs), "%s/f", workdir);
	ck_close("openat-absolute-ignores-dirfd", openat(9999, abs, O_WRONLY));
	ck("mkdirat-dirfd", mkdirat(d, "md", 0755));
	exists("mkdirat-dirfd-there", "sub/md");
	ck("unlinkat-dirfd-removedir", unlinkat(d, "md", AT_REMOVEDIR));

	ck_child("child-chdir-creat", child_creates_in_sub, NULL);
	exists("child-created-in-its-cwd", "sub/from-child");

	ck("fchdir-opath", fchdir(p));
	ck_close("creat-after-fchdir", open("from-fchdir", O_CREAT | O_WRONLY, 0644));
	ck("chdir-back", chdir(workdir));
	exists("created-in-fchdir-dir", "sub/from-fchdir");

	ck_err("thread-unshare-fs-create", pthread_create(&t, NULL, thread_own_cwd, &err));
	pthread_join(t, NULL);
	ck_err("thread-creat-in-own-cwd", err);
	exists("thread-file-in-its-cwd", "sub/from-thread");
	exists("thread-file-not-in-process-cwd", "from-thread");
	close(d);
	close(p);
	close(f);
}

/* Odd but valid path spellings, modes and permission overrides on creation. */
static void t_path_spellings(void)
{
	char path[PATH_MAX];

	ck_close("open-wronly-dot-component", open("sub/./x", O_WRONLY));
	ck_close("open-wronly-double-slash", open("sub//x", O_WRONLY));
	ck_close("open-wronly-dotdot-component", open("sub/../f", O_WRONLY));
	snprintf(path, sizeof(path), "/../..%s/f", workdir);
	ck_close("open-wronly-dotdot-above-root", open(path, O_WRONLY));
	ck_close("open-creat-dot-dot-slash", open("./sub/../dotdot-made", O_CREAT | O_WRONLY, 0644));
	exists("open-creat-dot-dot-slash-there", "dotdot-made");
	ck("mkdir-dot-of-existing", mkdir("sub/.", 0755));
	ck("mkdir-dot-of-missing", mkdir("nodir/.", 0755));
	ck("mkdir-sticky-mode", mkdir("sticky", 01777));
	mode_of("mkdir-sticky-mode-kept", "sticky");
	ck_close("open-creat-setgid-mode", open("sgid-file", O_CREAT | O_WRONLY, 02755));
	mode_of("open-creat-setgid-mode-kept", "sgid-file");
	ck_close("open-excl-without-creat", open("f", O_RDONLY | O_EXCL));
	ck_close("open-creat-excl-on-symlink-to-file", open("lnk", O_CREAT | O_EXCL | O_WRONLY, 0644));
	ck_close("open-wronly-sync-flags", open("f", O_WRONLY | O_SYNC | O_DSYNC | O_NOCTTY));
	ck_close("open-wronly-direct", open("f", O_WRONLY | O_DIRECT));
	ck("mkdir-readonly-dir", mkdir("ro", 0555));
	ck_close("root-creat-in-0555-dir", open("ro/x", O_CREAT | O_WRONLY, 0644));
	ck("root-mkdir-in-0555-dir", mkdir("ro/d", 0755));
	ck("root-unlink-in-0555-dir", unlink("ro/x"));
	write_file("zero-perm", "x", 0000);
	ck_close("root-open-0000-file-wronly", open("zero-perm", O_WRONLY));
}

/* Relative paths follow the task's cwd itself, not the path it was reached by. */
static void t_cwd_moves(void)
{
	ck("chdir-through-symlink", chdir("sublink"));
	ck_close("creat-after-chdir-through-symlink", open("via-link", O_CREAT | O_WRONLY, 0644));
	chdir(workdir);
	exists("created-in-symlink-target", "sub/via-link");

	mkdir("mv1", 0755);
	ck("chdir-before-rename", chdir("mv1"));
	ck("rename-own-cwd", rename("../mv1", "../mv2"));
	ck_close("creat-in-renamed-cwd", open("z", O_CREAT | O_WRONLY, 0644));
	ck("mkdir-in-renamed-cwd", mkdir("zd", 0755));
	chdir(workdir);
	exists("created-in-renamed-cwd", "mv2/z");
	exists("mkdir-in-renamed-cwd-there", "mv2/zd");

	mkdir("gone", 0755);
	chdir("gone");
	ck("rmdir-own-cwd", rmdir("../gone"));
	ck_close("creat-in-deleted-cwd", open("z", O_CREAT | O_WRONLY, 0644));
	ck("mkdir-in-deleted-cwd", mkdir("zd", 0755));
	chdir(workdir);
}

static void *thread_reopens_fd(void *arg)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", *(int *)arg);
	fd = open(path, O_WRONLY);
	*(int *)arg = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int child_reopens_parent_fd(void *arg)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getppid(), *(int *)arg);
	fd = open(path, O_WRONLY);
	return fd < 0 ? errno : 0;
}

static void t_magic_links(void)
{
	int fd = open("f", O_RDONLY), pfd[2], arg;
	char path[64], buf[8] = "";
	pthread_t t;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck_close("open-proc-self-fd-rdonly", open(path, O_RDONLY));
	ck_close("open-proc-self-fd-rdwr-of-rdonly-fd", open(path, O_RDWR));
	snprintf(path, sizeof(path), "/proc/thread-self/fd/%d", fd);
	ck_close("open-proc-thread-self-fd-wronly", open(path, O_WRONLY));
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	ck_close("open-dev-fd-wronly", open(path, O_WRONLY));
	arg = fd;
	pthread_create(&t, NULL, thread_reopens_fd, &arg);
	pthread_join(t, NULL);
	ck_err("thread-open-proc-self-fd-wronly", arg);
	arg = fd;
	ck_child("child-open-parent-proc-fd-wronly", child_reopens_parent_fd, &arg);
	close(fd);

	if (pipe(pfd) == 0) {
		snprintf(path, sizeof(path), "/dev/fd/%d", pfd[1]);
		fd = ck("open-dev-fd-pipe-wronly", open(path, O_WRONLY));
		if (fd >= 0 && write(fd, "via", 3) == 3 && read(pfd[0], buf, 3) == 3)
			line("dev-fd-pipe-data", "%s", buf);
		close(fd);
		close(pfd[0]);
		close(pfd[1]);
	}
	ck_close("open-dev-stderr-wronly", open("/dev/stderr", O_WRONLY));
	snprintf(path, sizeof(path), "/proc/%d/comm", getpid());
	ck_close("open-proc-pid-comm-wronly", open(path, O_WRONLY));
	ck_close("open-proc-self-oom-score-adj-wronly", open("/proc/self/oom_score_adj", O_WRONLY));
	ck_close("open-dev-null-wronly", open("/dev/null", O_WRONLY));
	fd = ck("open-dev-full-wronly", open("/dev/full", O_WRONLY));
	val("write-dev-full", write(fd, "x", 1));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	val("read-dev-zero", read(fd, buf, sizeof(buf)));
	close(fd);
}

static void t_truncate_alloc(void)
{
	int fd = open("t", O_CREAT | O_RDWR, 0644), g;
	off_t off = 0;

	ck("ftruncate", ftruncate(fd, 100));
	size_of("ftruncate-size", "t");
	ck("truncate", truncate("t", 5));
	size_of("truncate-size", "t");
	ck("truncate-grow", truncate("t", 1 << 20));
	size_of("truncate-grow-size", "t");
	ck("truncate-directory", truncate("sub", 0));
	ck("truncate-enoent", truncate("missing", 0));
	ck("truncate-negative", truncate("t", -1));
	ck("truncate-through-symlink", truncate("lnk", 12));
	size_of("truncate-through-symlink-size", "f");
	ck("ftruncate-rdonly-fd", ftruncate(open("f", O_RDONLY), 0));
	ck("fallocate", fallocate(fd, 0, 0, 2 << 20));
	size_of("fallocate-size", "t");
	ck("fallocate-punch-hole", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	ck("posix_fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) ? -1 : 0);
	pwrite(fd, "sendfile", 8, 0);
	g = open("t2", O_CREAT | O_WRONLY, 0644);
	val("sendfile", sendfile(g, fd, &off, 8));
	val("copy_file_range", copy_file_range(fd, NULL, g, NULL, 4, 0));
	close(g);
	close(fd);
	content_of("copied-content", "t2");
}

/* --- stat family, attributes ---------------------------------------------- */

static void t_stat(void)
{
	struct stat st;
	struct statx stx;
	struct statfs sfs;
	int fd = open("f", O_RDONLY);

	if (ck("stat", stat("f", &st)) == 0) {
		val("stat-size", st.st_size);
		val("stat-nlink", st.st_nlink);
		rel("stat-regular", S_ISREG(st.st_mode), "mode %o", st.st_mode);
		rel("stat-blksize-positive", st.st_blksize > 0, "%ld", (long)st.st_blksize);
	}
	if (ck("lstat-symlink", lstat("lnk", &st)) == 0) {
		rel("lstat-is-symlink", S_ISLNK(st.st_mode), "mode %o", st.st_mode);
		val("lstat-symlink-size", st.st_size);
	}
	if (ck("stat-through-symlink", stat("lnk", &st)) == 0)
		rel("stat-follows-symlink", S_ISREG(st.st_mode), "mode %o", st.st_mode);
	ck("fstat", fstat(fd, &st));
	ck("fstatat-nofollow", fstatat(AT_FDCWD, "lnk", &st, AT_SYMLINK_NOFOLLOW));
	ck("fstatat-empty-path", fstatat(fd, "", &st, AT_EMPTY_PATH));
	ck("stat-enoent", stat("missing", &st));
	ck("stat-enotdir", stat("f/x", &st));
	if (ck("statx", statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS | STATX_BTIME, &stx)) == 0) {
		rel("statx-basic-mask", (stx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
		    "mask 0x%x", stx.stx_mask);
		val("statx-size", stx.stx_size);
		rel("statx-btime", stx.stx_mask & STATX_BTIME, "mask 0x%x", stx.stx_mask);
	}
	ck("statx-bad-flags", statx(AT_FDCWD, "f", 0x40000000, STATX_BASIC_STATS, &stx));
	if (ck("statfs", statfs(".", &sfs)) == 0)
		rel("statfs-tmpfs", sfs.f_type == TMPFS_MAGIC, "f_type 0x%lx", (long)sfs.f_type);
	ck("fstatfs", fstatfs(fd, &sfs));
	close(fd);

	ck("access-r", access("f", R_OK));
	ck("access-w", access("f", W_OK));
	ck("access-x-on-0644", access("f", X_OK));
	ck("access-enoent", access("missing", F_OK));
	ck("faccessat-eaccess", faccessat(AT_FDCWD, "f", R_OK | W_OK, AT_EACCESS));
	ck("faccessat2-nofollow", syscall(SYS_faccessat2, AT_FDCWD, "lnk", F_OK, AT_SYMLINK_NOFOLLOW));
}

static void t_attributes(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	char buf[16] = "";
	int fd = open("f", O_RDWR);
	ssize_t n;

	ck("chmod", chmod("f", 0600));
	mode_of("chmod-mode", "f");
	ck("fchmod", fchmod(fd, 0640));
	mode_of("fchmod-mode", "f");
	ck("fchmodat", fchmodat(AT_FDCWD, "f", 0644, 0));
	mode_of("fchmodat-mode", "f");
	ck("chmod-enoent", chmod("missing", 0644));
	ck("chown", chown("c", 1234, 1234));
	if (stat("c", &st) == 0)
		line("chown-owner", "%d:%d", (int)st.st_uid, (int)st.st_gid);
	ck("fchown-same", fchown(fd, 0, 0));
	ck("lchown-symlink", lchown("lnk", 1234, 1234));
	if (lstat("lnk", &st) == 0)
		line("lchown-owner", "%d:%d", (int)st.st_uid, (int)st.st_gid);
	ck("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
	if (stat("f", &st) == 0)
		val("utimensat-mtime", st.st_mtim.tv_sec);
	ck("utimensat-nofollow", utimensat(AT_FDCWD, "lnk", ts, AT_SYMLINK_NOFOLLOW));
	ck("futimens-now", futimens(fd, NULL));
	if (fstat(fd, &st) == 0)
		rel("futimens-mtime-now", st.st_mtim.tv_sec > 1000000000, "%ld", (long)st.st_mtim.tv_sec);
	ck("utimes", utimes("c", NULL));

	ck("setxattr-user", setxattr("f", "user.hybox", "value", 5, 0));
	n = getxattr("f", "user.hybox", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	line("getxattr-user", "%s", n < 0 ? errname(errno) : buf);
	n = listxattr("f", buf, sizeof(buf));
	rel("listxattr", n > 0 && !strcmp(buf, "user.hybox"), "%zd %s", n, n > 0 ? buf : "");
	ck("setxattr-create-exists", setxattr("f", "user.hybox", "v", 1, XATTR_CREATE));
	ck("fsetxattr", fsetxattr(fd, "user.other", "v", 1, 0));
	ck("removexattr", removexattr("f", "user.hybox"));
	ck("getxattr-removed", getxattr("f", "user.hybox", buf, sizeof(buf)));
	ck("lsetxattr-user-on-symlink", lsetxattr("lnk", "user.hybox", "v", 1, 0));
	close(fd);

	n = readlink("lnk", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	line("readlink", "%s", n < 0 ? errname(errno) : buf);
	ck("readlink-not-symlink", readlink("f", buf, sizeof(buf)));
	n = readlinkat(AT_FDCWD, "sublink", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	line("readlinkat", "%s", n < 0 ? errname(errno) : buf);
	n = readlink("/proc/self/exe", buf, 1);
	rel("readlink-proc-self-exe", n == 1 && buf[0] == '/', "%zd", n);
}

/* --- directories, links, renames ------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in DIR (getdents64 through readdir), sorted, comma-separated. */
static void list_dir(const char *name, const char *dir)
{
	char *names[64], out[512] = "";
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d) {
		line(name, "%s", errname(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (int i = 0; i < n; i++) {
		strncat(out, names[i], sizeof(out) - strlen(out) - 2);
		if (i + 1 < n)
			strcat(out, ",");
		free(names[i]);
	}
	line(name, "%s", out);
}

static void t_dirs(void)
{
	char cwd[PATH_MAX], deep[PATH_MAX] = "deep";
	int ok = 1;

	ck("mkdir", mkdir("d", 0755));
	ck("mkdir-exists", mkdir("d", 0755));
	ck("mkdir-on-file", mkdir("f", 0755));
	ck("mkdir-trailing-slash", mkdir("d2/", 0755));
	ck("mkdir-missing-parent", mkdir("nodir/d", 0755));
	ck("mkdir-empty-path", mkdir("", 0755));
	write_file("d/in", "x", 0644);
	mkdir("d/sub", 0755);
	list_dir("getdents-d", "d");
	ck("rmdir-nonempty", rmdir("d"));
	ck("rmdir-file", rmdir("f"));
	ck("rmdir-dot", rmdir("."));
	ck("rmdir-dotdot", rmdir("d/.."));
	ck("rmdir-enoent", rmdir("missing"));
	ck("unlink-directory", unlink("d2"));
	ck("rmdir", rmdir("d2"));
	ck("rmdir-trailing-slash", rmdir("d/sub/"));

	ck("chdir", chdir("d"));
	rel("getcwd-follows-chdir",
	    getcwd(cwd, sizeof(cwd)) && strlen(cwd) > 2 && !strcmp(cwd + strlen(cwd) - 2, "/d"),
	    "%s", cwd);
	ck("chdir-dotdot", chdir(".."));
	rel("getcwd-is-workdir", getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, workdir), "differs");
	ck("chdir-file", chdir("f"));
	ck("chdir-enoent", chdir("missing"));

	for (int i = 0; i < 40 && ok; i++) {
		ok = mkdir(deep, 0755) == 0;
		strcat(deep, "/deep");
	}
	rel("mkdir-40-levels", ok, "%s", errname(errno));
	strcat(deep, "-file");
	ck_close("creat-40-levels-deep", open(deep, O_CREAT | O_WRONLY, 0644));
	ck("unlink-40-levels-deep", unlink(deep));
}

static void t_setgid_dir(void)
{
	struct stat st;

	mkdir("sg", 0775);
	ck("chown-dir-group", chown("sg", 0, OTHER_GID));
	ck("chmod-setgid-dir", chmod("sg", 02775));
	ck_close("creat-in-setgid-dir", open("sg/file", O_CREAT | O_WRONLY, 0644));
	if (stat("sg/file", &st) == 0)
		val("setgid-dir-file-gid", st.st_gid);
	ck("mkdir-in-setgid-dir", mkdir("sg/dir", 0755));
	if (stat("sg/dir", &st) == 0)
		line("setgid-dir-subdir", "gid %d mode %o", (int)st.st_gid, st.st_mode & 07777);
}

static void t_links(void)
{
	struct stat st;
	char buf[32];

	ck("link", link("f", "hard"));
	if (stat("f", &st) == 0)
		val("link-nlink", st.st_nlink);
	ck("link-exists", link("f", "hard"));
	ck("link-directory", link("sub", "subhard"));
	ck("link-enoent", link("missing", "x"));
	ck("link-into-missing-dir", link("f", "nodir/x"));
	ck("linkat-follow", linkat(AT_FDCWD, "lnk", AT_FDCWD, "hl-follow", AT_SYMLINK_FOLLOW));
	if (lstat("hl-follow", &st) == 0)
		rel("linkat-follow-is-file", S_ISREG(st.st_mode), "mode %o", st.st_mode);
	ck("linkat-nofollow", linkat(AT_FDCWD, "lnk", AT_FDCWD, "hl-nofollow", 0));
	if (lstat("hl-nofollow", &st) == 0)
		rel("linkat-nofollow-is-symlink", S_ISLNK(st.st_mode), "mode %o", st.st_mode);
	ck("linkat-dirfds", linkat(open("sub", O_PATH), "x", open(".", O_PATH), "x-linked", 0));
	ck("symlink-exists", symlink("f", "lnk"));
	ck("symlink-empty-target", symlink("", "empty-target"));
	ck("symlinkat", symlinkat("../f", open("sub", O_PATH), "up"));
	content_of("symlinkat-resolves", "sub/up");
	ssize_t n = readlinkat(open("sub", O_PATH), "up", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	line("readlinkat-dirfd", "%s", n < 0 ? errname(errno) : buf);
	ck("unlink", unlink("hard"));
	ck("unlink-enoent", unlink("hard"));
	ck("unlink-symlink-not-target", unlink("hl-nofollow"));
	exists("unlink-symlink-kept-target", "f");
	ck("unlinkat", unlinkat(AT_FDCWD, "hl-follow", 0));
	ck("unlinkat-removedir-on-file", unlinkat(AT_FDCWD, "x-linked", AT_REMOVEDIR));
	ck("unlink-trailing-slash", unlink("x-linked/"));
}

static void t_renames(void)
{
	char a[8] = "", b[8] = "";

	write_file("ra", "A", 0644);
	write_file("rb", "B", 0644);
	mkdir("rd", 0755);
	mkdir("rd2", 0755);
	write_file("rd2/full", "x", 0644);
	ck("rename", rename("ra", "ra2"));
	ck("rename-enoent", rename("ra", "x"));
	ck("rename-over-existing", rename("ra2", "rb"));
	content_of("rename-over-existing-content", "rb");
	ck("rename-into-dir", rename("rb", "rd/rb"));
	ck("rename-dir-into-itself", rename("rd", "rd/inner"));
	ck("rename-dir-over-nonempty", rename("rd", "rd2"));
	ck("rename-file-over-dir", rename("rd/rb", "rd2"));
	write_file("rfile", "x", 0644);
	ck("rename-dir-over-file", rename("rd2", "rfile"));
	ck("rename-dir", rename("rd", "rd3"));
	link("u", "u-hard");
	ck("rename-hardlinks-same-inode", rename("u", "u-hard"));
	exists("rename-hardlinks-both-kept", "u");
	ck("renameat-dirfds", renameat(open("rd3", O_PATH), "rb", open("sub", O_PATH), "rb"));
	exists("renameat-dirfds-moved", "sub/rb");
	ck("rename-trailing-slash-file", rename("c/", "c2"));
	ck("rename-dot", rename(".", "x"));

	write_file("ea", "A", 0644);
	write_file("eb", "B", 0644);
	ck("renameat2-noreplace-exists", renameat2(AT_FDCWD, "ea", AT_FDCWD, "eb", RENAME_NOREPLACE));
	ck("renameat2-noreplace", renameat2(AT_FDCWD, "ea", AT_FDCWD, "ec", RENAME_NOREPLACE));
	ck("renameat2-exchange", renameat2(AT_FDCWD, "ec", AT_FDCWD, "eb", RENAME_EXCHANGE));
	read_file("ec", a, sizeof(a));
	read_file("eb", b, sizeof(b));
	line("renameat2-exchange-content", "%s%s", a, b);
	ck("renameat2-exchange-file-dir", renameat2(AT_FDCWD, "ec", AT_FDCWD, "rd3", RENAME_EXCHANGE));
	ck("renameat2-exchange-missing", renameat2(AT_FDCWD, "ec", AT_FDCWD, "nope", RENAME_EXCHANGE));
	ck("renameat2-bad-flags", renameat2(AT_FDCWD, "ec", AT_FDCWD, "x",
					    RENAME_NOREPLACE | RENAME_EXCHANGE));
	ck("renameat2-whiteout", renameat2(AT_FDCWD, "eb", AT_FDCWD, "ew", RENAME_WHITEOUT));
}

static void t_special_files(void)
{
	struct stat st;

	ck("mknod-fifo", mknod("fifo", S_IFIFO | 0644, 0));
	if (stat("fifo", &st) == 0)
		rel("mknod-fifo-type", S_ISFIFO(st.st_mode), "mode %o", st.st_mode);
	ck("mkfifoat", mkfifoat(AT_FDCWD, "fifo2", 0600));
	ck("mkfifo-exists", mkfifo("fifo", 0600));
	ck("mknod-regular", mknod("regular", S_IFREG | 0600, 0));
	mode_of("mknod-regular-mode", "regular");
	ck("mknodat-dirfd", mknodat(open("sub", O_PATH), "reg2", S_IFREG | 0600, 0));
	ck("mknod-char-dev-null", mknod("null", S_IFCHR | 0666, makedev(1, 3)));
	ck_close("open-nodev-char-dev", open("null", O_WRONLY));
	ck("mknod-bad-type", mknod("bad", 0170000 | 0600, 0));
	ck_close("open-fifo-nonblock-no-reader", open("fifo", O_WRONLY | O_NONBLOCK));
	ck_close("open-fifo-rdonly-nonblock", open("fifo", O_RDONLY | O_NONBLOCK));
}

static int fifo_writer(void *arg UNUSED)
{
	int fd = open("fifo", O_WRONLY);

	if (fd < 0)
		return errno;
	return write(fd, "fifo!", 5) == 5 ? 0 : errno;
}

/* Both ends of a FIFO opened blocking, one in a child: the opens must meet. */
static void t_fifo_blocking(void)
{
	char buf[8] = "";
	pid_t pid;
	int fd, st;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fifo_writer(NULL));
	fd = ck("open-fifo-blocking-rdonly", open("fifo", O_RDONLY));
	val("read-fifo", read(fd, buf, sizeof(buf) - 1));
	line("fifo-data", "%s", buf);
	close(fd);
	waitpid(pid, &st, 0);
	line("fifo-writer", "%s", status_text(st));
}

/* Without an O_TMPFILE fd the follow-up checks still print (EBADF, ENOENT). */
static void t_tmpfile(void)
{
	char path[64];
	int fd = ck("open-tmpfile", open(".", O_TMPFILE | O_RDWR, 0600));

	val("write-tmpfile", write(fd, "tmp", 3));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck("linkat-tmpfile", linkat(AT_FDCWD, path, AT_FDCWD, "from-tmpfile", AT_SYMLINK_FOLLOW));
	close(fd);
	content_of("tmpfile-linked-content", "from-tmpfile");
	fd = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck("linkat-tmpfile-excl", linkat(AT_FDCWD, path, AT_FDCWD, "excl", AT_SYMLINK_FOLLOW));
	close(fd);
	ck_close("open-tmpfile-rdonly", open(".", O_TMPFILE | O_RDONLY, 0600));
	ck_close("open-tmpfile-on-file", open("f", O_TMPFILE | O_RDWR, 0600));
}

static long openat2_(int dfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve,
		     size_t size)
{
	struct {
		struct open_how how;
		uint64_t extra;
	} h = { { .flags = flags, .mode = mode, .resolve = resolve }, 0 };

	return syscall(SYS_openat2, dfd, path, &h, size);
}

static void t_openat2(void)
{
	int sub = open("sub", O_PATH | O_DIRECTORY), fd = open("f", O_RDONLY);
	char path[64];

	ck_close("openat2", openat2_(AT_FDCWD, "f", O_RDONLY, 0, 0, sizeof(struct open_how)));
	ck_close("openat2-wronly", openat2_(AT_FDCWD, "f", O_WRONLY, 0, 0, sizeof(struct open_how)));
	ck_close("openat2-creat", openat2_(AT_FDCWD, "o2", O_CREAT | O_EXCL | O_WRONLY, 0600, 0,
					   sizeof(struct open_how)));
	mode_of("openat2-creat-mode", "o2");
	ck_close("openat2-mode-without-creat",
		 openat2_(AT_FDCWD, "f", O_RDONLY, 0600, 0, sizeof(struct open_how)));
	ck_close("openat2-unknown-flag",
		 openat2_(AT_FDCWD, "f", O_RDONLY | (1ULL << 40), 0, 0, sizeof(struct open_how)));
	ck_close("openat2-unknown-resolve",
		 openat2_(AT_FDCWD, "f", O_RDONLY, 0, 1ULL << 40, sizeof(struct open_how)));
	ck_close("openat2-size-too-small", openat2_(AT_FDCWD, "f", O_RDONLY, 0, 0, 8));
	ck_close("openat2-size-larger-zeroed",
		 openat2_(AT_FDCWD, "f", O_RDONLY, 0, 0, sizeof(struct open_how) + 8));
	ck_close("openat2-beneath", openat2_(sub, "x", O_RDONLY, 0, RESOLVE_BENEATH,
					     sizeof(struct open_how)));
	ck_close("openat2-beneath-dotdot", openat2_(sub, "../f", O_RDONLY, 0, RESOLVE_BENEATH,
						    sizeof(struct open_how)));
	ck_close("openat2-beneath-creat-dotdot",
		 openat2_(sub, "../o3", O_CREAT | O_WRONLY, 0600, RESOLVE_BENEATH,
			  sizeof(struct open_how)));
	ck_close("openat2-beneath-absolute", openat2_(sub, "/etc/hostname", O_RDONLY, 0,
						      RESOLVE_BENEATH, sizeof(struct open_how)));
	ck_close("openat2-no-symlinks", openat2_(AT_FDCWD, "lnk", O_RDONLY, 0, RESOLVE_NO_SYMLINKS,
						 sizeof(struct open_how)));
	ck_close("openat2-no-symlinks-wronly", openat2_(AT_FDCWD, "lnk", O_WRONLY, 0,
							RESOLVE_NO_SYMLINKS, sizeof(struct open_how)));
	ck_close("openat2-in-root-creat", openat2_(sub, "/in-root", O_CREAT | O_WRONLY, 0600,
						   RESOLVE_IN_ROOT, sizeof(struct open_how)));
	exists("openat2-in-root-created-in-dirfd", "sub/in-root");
	ck_close("openat2-in-root-dotdot", openat2_(sub, "../../x", O_RDONLY, 0, RESOLVE_IN_ROOT,
						    sizeof(struct open_how)));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck_close("openat2-no-magiclinks", openat2_(AT_FDCWD, path, O_RDONLY, 0, RESOLVE_NO_MAGICLINKS,
						   sizeof(struct open_how)));
	ck_close("openat2-no-xdev", openat2_(AT_FDCWD, "f", O_RDONLY, 0, RESOLVE_NO_XDEV,
					     sizeof(struct open_how)));
	ck_close("openat2-no-xdev-crossing", openat2_(AT_FDCWD, "/proc/self", O_RDONLY, 0,
						      RESOLVE_NO_XDEV, sizeof(struct open_how)));
	ck_close("openat2-opath", openat2_(AT_FDCWD, "f", O_PATH, 0, 0, sizeof(struct open_how)));
	close(fd);
	close(sub);
}

/* --- pipes, fds ------------------------------------------------------------- */

static void t_pipes(void)
{
	int p[2], q[2], n = 0;
	char buf[16] = "";
	struct iovec iov = { "vmsplice", 8 };

	ck("pipe2", pipe2(p, O_CLOEXEC));
	val("pipe-write", write(p[1], "data", 4));
	ck("ioctl-fionread", ioctl(p[0], FIONREAD, &n));
	val("fionread-value", n);
	val("pipe-read", read(p[0], buf, sizeof(buf)));
	ck("ioctl-tcgets-on-pipe", ioctl(p[0], TCGETS, &(struct termios){ 0 }));
	val("fcntl-getpipe-sz", fcntl(p[0], F_GETPIPE_SZ));
	val("fcntl-setpipe-sz", fcntl(p[0], F_SETPIPE_SZ, 1 << 20));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	val("pipe-nonblock-empty-read", read(p[0], buf, 1));

	ck("pipe", pipe(q));
	write(p[1], "splice-tee", 10);
	val("tee", tee(p[0], q[1], 10, 0));
	val("splice-pipe-to-file", splice(q[0], NULL, open("spliced", O_CREAT | O_WRONLY, 0644),
					    NULL, 10, 0));
	content_of("spliced-content", "spliced");
	val("vmsplice", vmsplice(q[1], &iov, 1, 0));
	memset(buf, 0, sizeof(buf));
	read(q[0], buf, 8);
	line("vmsplice-data", "%s", buf);
	close(p[0]);
	close(q[0]);

	signal(SIGPIPE, SIG_IGN);
	val("write-pipe-no-reader", write(p[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	close(q[1]);
}

static void t_fds(void)
{
	int fd = open("f", O_RDWR), a = open("f", O_RDONLY), b = open("f", O_RDONLY), d, d2;

	close(a);
	d = dup(fd);
	rel("dup-lowest-free", d == a, "%d vs %d", d, a);
	val("dup2", dup2(fd, 100));
	d2 = dup2(fd, fd);
	rel("dup2-same-fd", d2 == fd, "%s", d2 < 0 ? errname(errno) : "other fd");
	ck("dup3-cloexec", dup3(fd, 101, O_CLOEXEC));
	val("fcntl-getfd-cloexec", fcntl(101, F_GETFD));
	ck("dup3-same-fd", dup3(fd, fd, 0));
	ck("dup-bad-fd", dup(9999));
	val("fcntl-dupfd-min", fcntl(fd, F_DUPFD, 150));
	val("fcntl-dupfd-cloexec-flag", fcntl(fcntl(fd, F_DUPFD_CLOEXEC, 160), F_GETFD));
	line("fcntl-getfl-accmode", "%d", fcntl(fd, F_GETFL) & O_ACCMODE);
	ck("fcntl-setfl-append-nonblock", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	rel("fcntl-getfl-after-setfl", (fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) ==
					       (O_APPEND | O_NONBLOCK),
	    "0x%x", fcntl(fd, F_GETFL));
	ck("fcntl-bad-fd", fcntl(9999, F_GETFD));
	ck("fcntl-bad-cmd", fcntl(fd, 9999));
	ck("close_range", close_range(100, 200, 0));
	ck("close_range-closed", fcntl(150, F_GETFD));
	ck("close_range-cloexec", close_range(b, b, CLOSE_RANGE_CLOEXEC));
	val("close_range-cloexec-flag", fcntl(b, F_GETFD));
	close(fd);
	close(b);
	close(d);
}

static int child_lock_probe(void *arg UNUSED)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open("f", O_RDWR);

	if (fcntl(fd, F_GETLK, &fl) < 0)
		return 100;
	if (fl.l_type != F_WRLCK || fl.l_pid != getppid())
		return 101;
	fl.l_type = F_WRLCK;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	return errno;
}

static void t_locks(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open("f", O_RDWR), other = open("f", O_RDWR);

	ck("fcntl-setlk", fcntl(fd, F_SETLK, &fl));
	ck_child("fcntl-setlk-conflict-in-child", child_lock_probe, NULL);
	fl.l_type = F_UNLCK;
	ck("fcntl-unlock", fcntl(fd, F_SETLK, &fl));
	fl.l_type = F_WRLCK;
	fl.l_pid = 0;
	ck("fcntl-ofd-setlk", fcntl(fd, F_OFD_SETLK, &fl));
	fl.l_pid = 0;
	ck("fcntl-ofd-setlk-conflict", fcntl(other, F_OFD_SETLK, &fl));
	fl.l_type = F_UNLCK;
	fl.l_pid = 0;
	fcntl(fd, F_OFD_SETLK, &fl);
	ck("flock-ex", flock(fd, LOCK_EX | LOCK_NB));
	ck("flock-conflict", flock(other, LOCK_EX | LOCK_NB));
	ck("flock-unlock", flock(fd, LOCK_UN));
	ck("flock-sh-after-unlock", flock(other, LOCK_SH | LOCK_NB));
	close(fd);
	close(other);
}

static int child_low_nofile(void *arg UNUSED)
{
	struct rlimit rl = { 16, 16 };

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 100;
	if (dup2(0, 20) >= 0)
		return 101;
	return errno;
}

static void t_limits(void)
{
	struct rlimit rl, old;

	ck("getrlimit-nofile", getrlimit(RLIMIT_NOFILE, &rl));
	rel("rlimit-nofile-soft-le-hard", rl.rlim_cur <= rl.rlim_max, "%ld", (long)rl.rlim_cur);
	ck_child("setrlimit-nofile-enforced", child_low_nofile, NULL);
	ck("prlimit-read-stack", prlimit(0, RLIMIT_STACK, NULL, &old));
	ck("setrlimit-soft-above-hard", setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 10, 5 }));
	ck("getrusage-self", getrusage(RUSAGE_SELF, &(struct rusage){ 0 }));
	ck("getrusage-children", getrusage(RUSAGE_CHILDREN, &(struct rusage){ 0 }));
	ck("getrusage-bad-who", getrusage(42, &(struct rusage){ 0 }));
}

/* --- memory ----------------------------------------------------------------- */

static void t_memory(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;
	unsigned char vec[4];
	void *brk0 = sbrk(0);
	int fd;

	rel("mmap-anon", p != MAP_FAILED, "%s", errname(errno));
	rel("mmap-anon-zeroed", p[pg] == 0 && p[3 * pg] == 0, "nonzero");
	rel("mmap-anon-writable", touch_mem(p, true) == 0, "fault");
	ck("mprotect-readonly", mprotect(p, pg, PROT_READ));
	val("write-readonly-page-signal", touch_mem(p, true));
	rel("read-readonly-page", touch_mem(p, false) == 0, "fault");
	ck("mprotect-none", mprotect(p + pg, pg, PROT_NONE));
	val("read-none-page-signal", touch_mem(p + pg, false));
	memset(p + 2 * pg, 7, pg);
	ck("madvise-dontneed", madvise(p + 2 * pg, pg, MADV_DONTNEED));
	rel("madvise-dontneed-zeroes", p[2 * pg] == 0, "%d", p[2 * pg]);
	ck("mincore", mincore(p, 4 * pg, vec));
	ck("mlock", mlock(p + 3 * pg, pg));
	ck("munlock", munlock(p + 3 * pg, pg));
	q = mremap(p + 3 * pg, pg, 8 * pg, MREMAP_MAYMOVE);
	rel("mremap-grow", q != MAP_FAILED, "%s", errname(errno));
	if (q != MAP_FAILED)
		rel("mremap-grown-writable", touch_mem(q + 7 * pg, true) == 0, "fault");
	q = mmap(p, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	line("mmap-fixed-noreplace-taken", "%s", q == MAP_FAILED ? errname(errno) : "mapped");
	ck("munmap", munmap(p, 3 * pg));
	val("read-unmapped-signal", touch_mem(p, false));
	ck("munmap-unaligned", munmap(p + 1, pg));
	rel("mmap-bad-fd", mmap(NULL, pg, PROT_READ, MAP_SHARED, 9999, 0) == MAP_FAILED,
	    "mapped");
	line("mmap-bad-fd-errno", "%s", errname(errno));

	fd = open("mapped", O_CREAT | O_RDWR, 0644);
	ftruncate(fd, pg);
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	rel("mmap-file-shared", p != MAP_FAILED, "%s", errname(errno));
	if (p != MAP_FAILED) {
		char buf[8] = "";

		memcpy(p, "shared", 6);
		ck("msync", msync(p, pg, MS_SYNC));
		pread(fd, buf, 6, 0);
		line("mmap-shared-visible-to-read", "%s", buf);
		munmap(p, pg);
	}
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p != MAP_FAILED) {
		char buf[8] = "";

		memcpy(p, "privat", 6);
		pread(fd, buf, 6, 0);
		line("mmap-private-not-visible", "%s", buf);
		munmap(p, pg);
	}
	ck("mmap-wronly-fd-shared", mmap(NULL, pg, PROT_READ, MAP_SHARED,
					 open("mapped", O_WRONLY), 0) == MAP_FAILED ? -1 : 0);
	close(fd);

	rel("sbrk-zero", brk0 != (void *)-1, "failed");
	ck("brk-grow", brk((char *)brk0 + 64 * 1024));
	rel("brk-grown-writable", touch_mem((char *)brk0 + 64 * 1024 - 1, true) == 0, "fault");
	ck("brk-shrink", brk(brk0));
}

static void t_memfd_shm(void)
{
	char name[64];
	int fd = ck("memfd_create", memfd_create("conformance", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	int id;
	void *p;
	mqd_t mq;

	val("memfd-write", write(fd, "memfd", 5));
	ck("memfd-add-seals", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW));
	val("memfd-get-seals", fcntl(fd, F_GET_SEALS));
	val("memfd-write-sealed", write(fd, "x", 1));
	close(fd);

	snprintf(name, sizeof(name), "/hybox-conformance-%d", getpid());
	fd = ck("shm_open-creat", shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600));
	ck("shm-ftruncate", ftruncate(fd, 4096));
	close(fd);
	ck("shm_unlink", shm_unlink(name));
	ck("shm_unlink-again", shm_unlink(name));

	id = ck("shmget", shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	p = shmat(id, NULL, 0);
	rel("shmat", p != (void *)-1, "%s", errname(errno));
	ck("shmdt", shmdt(p));
	ck("shmctl-rmid", shmctl(id, IPC_RMID, NULL));
	id = ck("semget", semget(IPC_PRIVATE, 1, IPC_CREAT | 0600));
	ck("semop", semop(id, &(struct sembuf){ 0, 1, 0 }, 1));
	val("semctl-getval", semctl(id, 0, GETVAL));
	ck("semctl-rmid", semctl(id, 0, IPC_RMID));
	id = ck("msgget", msgget(IPC_PRIVATE, IPC_CREAT | 0600));
	struct {
		long type;
		char text[8];
	} msg = { 1, "msg" }, got = { 0, "" };
	ck("msgsnd", msgsnd(id, &msg, 4, 0));
	val("msgrcv", msgrcv(id, &got, sizeof(got.text), 0, 0));
	ck("msgctl-rmid", msgctl(id, IPC_RMID, NULL));

	snprintf(name, sizeof(name), "/hybox-conformance-%d", getpid());
	mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	ck("mq_open", mq);
	ck("mq_send", mq_send(mq, "mq", 2, 1));
	char buf[16384];
	val("mq_receive", mq_receive(mq, buf, sizeof(buf), NULL));
	mq_close(mq);
	ck("mq_unlink", mq_unlink(name));
}

/* --- processes ------------------------------------------------------------- */

static int exit7(void *arg UNUSED)
{
	return 7;
}

static int child_kills_itself(void *arg UNUSED)
{
	raise(SIGTERM);
	return 0;
}

static int raw_clone_child(void *arg UNUSED)
{
	_exit(5);
}

/* execve ARGV[0] with ARGV, from a child; the child exits 126 + errno-ish. */
static void exec_status(const char *name, const char *path, char *const argv[])
{
	char *env[] = { "HYBOX_CONF=yes", NULL };
	int st, p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execve(path, argv, env);
		int e = errno;
		write(p[1], &e, sizeof(e));
		_exit(127);
	}
	close(p[1]);
	int e = 0;
	if (read(p[0], &e, sizeof(e)) == sizeof(e))
		line(name, "%s", errname(e));
	close(p[0]);
	waitpid(pid, &st, 0);
	if (!e)
		line(name, "%s", status_text(st));
}

static int child_execveat_self(void *arg UNUSED)
{
	char *argv[] = { "conformance", "--exec-child", "fd", NULL };
	char *env[] = { "HYBOX_CONF=yes", NULL };
	int fd = open(self_exe, O_RDONLY);

	syscall(SYS_execveat, fd, "", argv, env, AT_EMPTY_PATH);
	return 100 + errno;
}

static int child_exec_relative(void *arg UNUSED)
{
	char *argv[] = { "true", NULL };

	if (chdir("/usr/bin") < 0)
		return 100;
	execv("./true", argv);
	return 100 + errno;
}

static void t_exec(void)
{
	char *self_argv[] = { "conformance", "--exec-child", "abc", NULL };
	char *true_argv[] = { "true", NULL };
	char *argv1[] = { "x", NULL };

	exec_status("execve-true", "/bin/true", true_argv);
	exec_status("execve-false", "/bin/false", true_argv);
	exec_status("execve-self-argv-env", self_exe, self_argv);
	exec_status("execve-proc-self-exe", "/proc/self/exe", self_argv);
	line("execveat-empty-path", "%s", status_text(in_child(child_execveat_self, NULL)));
	line("execve-relative-path", "%s", status_text(in_child(child_exec_relative, NULL)));
	symlink("/bin/true", "truelink");
	exec_status("execve-symlink-in-workdir", "truelink", true_argv);
	exec_status("execve-enoent", "missing", argv1);
	exec_status("execve-noexec-file", "f", argv1);
	exec_status("execve-directory", "sub", argv1);
	exec_status("execve-empty-path", "", argv1);
	write_file("script.sh", "#!/bin/sh\nexit 4\n", 0755);
	exec_status("execve-script-in-tmp", "script.sh", argv1);
	write_file("badinterp.sh", "#!/nonexistent/interp\n", 0755);
	exec_status("execve-script-missing-interpreter", "badinterp.sh", argv1);
}

static void t_fork_wait(void)
{
	siginfo_t si = { 0 };
	struct rusage ru;
	int st;
	pid_t pid;

	line("fork-exit-status", "%s", status_text(in_child(exit7, NULL)));
	line("fork-child-killed", "%s", status_text(in_child(child_kills_itself, NULL)));

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(3);
	waitpid(pid, &st, 0);
	line("vfork", "%s", status_text(st));

	fflush(stdout);
	static char stack[64 * 1024];
	pid = clone(raw_clone_child, stack + sizeof(stack), SIGCHLD, NULL);
	rel("clone", pid > 0, "%s", errname(errno));
	waitpid(pid, &st, 0);
	line("clone-exit-status", "%s", status_text(st));

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(9);
	ck("waitid-exited", waitid(P_PID, pid, &si, WEXITED));
	line("waitid-siginfo", "code %d status %d pid-matches %d", si.si_code, si.si_status,
	     si.si_pid == pid);
	ck("waitid-no-child", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
	ck("waitpid-no-child", waitpid(-1, &st, WNOHANG));

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck("kill-child-stop", kill(pid, SIGSTOP));
	rel("waitpid-stopped", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st),
	    "status 0x%x", st);
	ck("kill-child-cont", kill(pid, SIGCONT));
	rel("waitpid-continued", waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st),
	    "status 0x%x", st);
	ck("kill-child-term", kill(pid, SIGTERM));
	ck("wait4-rusage", wait4(pid, &st, 0, &ru));
	line("wait4-status", "%s", status_text(st));
}

static int child_session(void *arg UNUSED)
{
	if (setpgid(0, 0) < 0 || getpgrp() != getpid())
		return 100;
	if (setsid() >= 0)
		return 101; /* a group leader cannot make a session */
	if (fork() == 0) {
		_exit(setsid() == getpid() && getsid(0) == getpid() ? 0 : 1);
	}
	int st;
	wait(&st);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 102;
}

static void *thread_tid(void *arg UNUSED)
{
	*(pid_t *)arg = gettid();
	return NULL;
}

static void t_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	pid_t tid = 0;
	pthread_t t;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2];

	rel("getpid-positive", getpid() > 0, "%d", getpid());
	rel("getppid-nonzero", getppid() > 0, "%d", getppid());
	rel("gettid-is-pid-in-main-thread", gettid() == getpid(), "differ");
	pthread_create(&t, NULL, thread_tid, &tid);
	pthread_join(t, NULL);
	rel("gettid-differs-in-thread", tid > 0 && tid != getpid(), "same");
	rel("getpgid-is-getpgrp", getpgid(0) == getpgrp(), "differ");
	val("getsid-nonzero", getsid(0) ? 1 : 0);
	val("getpgrp-nonzero", getpgrp() ? 1 : 0);
	ck("getpgid-esrch", getpgid(INT_MAX));
	ck_child("setpgid-setsid-in-child", child_session, NULL);
	val("getuid", getuid());
	val("geteuid", geteuid());
	val("getgid", getgid());
	val("getegid", getegid());
	val("getgroups-count", getgroups(0, NULL));
	if (getresuid(&r, &e, &s) == 0 && getresgid(&gr, &ge, &gs) == 0)
		line("getresuid-getresgid", "%d %d %d %d %d %d", r, e, s, gr, ge, gs);
	val("setfsuid-query", setfsuid(-1));
	ck("capget", syscall(SYS_capget, &hdr, caps));
	line("capget-effective", "%08x%08x", caps[1].effective, caps[0].effective);
	ck("kill-self-signal-0", kill(getpid(), 0));
	ck("kill-esrch", kill(INT_MAX, 0));
	ck("kill-bad-signal", kill(getpid(), 1000));
}

/* As nobody (setresuid in a child): the fs credentials must be used. */
static int as_nobody(void *arg UNUSED)
{
	struct stat st;
	int fd;

	ck("nobody-setgroups", setgroups(0, NULL));
	ck("nobody-setresgid", setresgid(NOBODY, NOBODY, NOBODY));
	if (ck("nobody-setresuid", setresuid(NOBODY, NOBODY, NOBODY)) < 0)
		return 1;
	ck_close("nobody-creat-in-root-dir", open("priv/x", O_CREAT | O_WRONLY, 0644));
	ck("nobody-mkdir-in-root-dir", mkdir("priv/d", 0755));
	ck("nobody-unlink-in-root-dir", unlink("priv/file"));
	ck("nobody-rename-out-of-root-dir", rename("priv/file", "pub/stolen"));
	ck_close("nobody-open-root-file-wronly", open("priv/file", O_WRONLY));
	ck_close("nobody-open-root-file-rdonly", open("priv/file", O_RDONLY));
	ck("nobody-truncate-root-file", truncate("priv/file", 0));
	fd = ck("nobody-creat-in-sticky-dir", open("pub/mine", O_CREAT | O_WRONLY, 0644));
	if (fd >= 0 && fstat(fd, &st) == 0)
		line("nobody-file-owner", "%d:%d", (int)st.st_uid, (int)st.st_gid);
	close(fd);
	ck("nobody-unlink-root-file-in-sticky-dir", unlink("pub/rootfile"));
	ck("nobody-chmod-root-file", chmod("pub/rootfile", 0777));
	ck("nobody-chown-own-file", chown("pub/mine", 0, 0));
	ck("nobody-mkdir-in-sticky-dir", mkdir("pub/nd", 0700));
	ck("nobody-rename-own-file", rename("pub/mine", "pub/mine2"));
	ck("nobody-symlink-in-sticky-dir", symlink("mine2", "pub/nl"));
	ck("nobody-link-root-file", link("pub/rootfile", "pub/rl"));
	ck_close("nobody-open-0600-root-file", open("pub/rootfile", O_RDONLY));
	ck("nobody-kill-init", kill(1, 0));
	return 0;
}

static void t_credentials(void)
{
	mkdir("priv", 0755);
	write_file("priv/file", "root", 0644);
	mkdir("pub", 01777);
	chmod("pub", 01777);
	write_file("pub/rootfile", "root", 0600);
	line("as-nobody", "%s", status_text(in_child(as_nobody, NULL)));
}

static void t_sched(void)
{
	cpu_set_t set;
	struct sched_param sp;
	int prio;

	ck("sched_yield", sched_yield());
	if (ck("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set)) == 0)
		rel("sched_getaffinity-nonempty", CPU_COUNT(&set) > 0, "empty");
	ck("sched_setaffinity-same", sched_setaffinity(0, sizeof(set), &set));
	val("sched_getscheduler", sched_getscheduler(0));
	if (ck("sched_getparam", sched_getparam(0, &sp)) == 0)
		val("sched_getparam-priority", sp.sched_priority);
	val("sched_get_priority_max-fifo", sched_get_priority_max(SCHED_FIFO));
	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	rel("getpriority", errno == 0, "%s", errname(errno));
	ck("setpriority-nicer", setpriority(PRIO_PROCESS, 0, prio < 19 ? prio + 1 : prio));
	rel("getpriority-after-set", getpriority(PRIO_PROCESS, 0) == (prio < 19 ? prio + 1 : prio),
	    "%d", getpriority(PRIO_PROCESS, 0));
	unsigned cpu, node;
	ck("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
	line("personality-query", "0x%x", personality(0xffffffff));
	unsigned long fs = 0;
	ck("arch_prctl-get-fs", syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs));
	rel("arch_prctl-fs-nonzero", fs != 0, "zero");
	struct tms tm;
	ck("times", times(&tm) == (clock_t)-1 ? -1 : 0);
}

/* --- signals ---------------------------------------------------------------- */

static volatile sig_atomic_t got_sig, got_value, on_altstack;
static char altstack[64 * 1024];

static void handler(int sig)
{
	got_sig = sig;
}

static void info_handler(int sig, siginfo_t *si, void *uc UNUSED)
{
	got_sig = sig;
	got_value = si->si_value.sival_int;
}

static void alt_handler(int sig)
{
	char here;

	got_sig = sig;
	on_altstack = &here >= altstack && &here < altstack + sizeof(altstack);
}

static void t_signals(void)
{
	struct sigaction sa = { .sa_handler = handler }, old;
	sigset_t set, pending;
	siginfo_t si;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	ck("sigaction", sigaction(SIGUSR1, &sa, NULL));
	ck("sigaction-query", sigaction(SIGUSR1, NULL, &old));
	rel("sigaction-query-handler", old.sa_handler == handler, "other handler");
	ck("sigaction-sigkill", sigaction(SIGKILL, &sa, NULL));
	ck("sigaction-bad-signal", sigaction(1000, &sa, NULL));
	got_sig = 0;
	ck("raise", raise(SIGUSR1));
	val("raise-handler-ran", got_sig);
	got_sig = 0;
	ck("tgkill", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	val("tgkill-handler-ran", got_sig);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	got_sig = 0;
	ck("sigprocmask-block", sigprocmask(SIG_BLOCK, &set, NULL));
	kill(getpid(), SIGUSR1);
	rel("blocked-not-delivered", got_sig == 0, "delivered");
	sigpending(&pending);
	rel("sigpending-has-blocked", sigismember(&pending, SIGUSR1), "not pending");
	ck("sigprocmask-unblock", sigprocmask(SIG_UNBLOCK, &set, NULL));
	val("unblock-delivers", got_sig);

	ck("sigaltstack", sigaltstack(&ss, NULL));
	sa.sa_handler = alt_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	rel("handler-on-altstack", on_altstack, "not on the alternate stack");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	ck("sigaltstack-too-small", sigaltstack(&(stack_t){ .ss_sp = altstack, .ss_size = 16 }, NULL));

	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	got_value = 0;
	ck("sigqueue", sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 42 }));
	val("sigqueue-value", got_value);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	val("sigtimedwait-timeout",
	    sigtimedwait(&set, &si, &(struct timespec){ 0, 1000000 }));
	raise(SIGUSR2);
	val("sigtimedwait-pending", sigtimedwait(&set, &si, &(struct timespec){ 1, 0 }));
	line("sigtimedwait-si_code", "%s", si.si_code == SI_TKILL ? "SI_TKILL" :
					   si.si_code == SI_USER ? "SI_USER" : "other");
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	sa.sa_handler = handler;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	got_sig = 0;
	ck("setitimer", setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 20000 } }, NULL));
	int p[2];
	char c;
	pipe(p);
	val("read-interrupted", read(p[0], &c, 1));
	val("itimer-handler-ran", got_sig);
	struct itimerval it;
	ck("getitimer", getitimer(ITIMER_REAL, &it));
	rel("getitimer-disarmed", it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0, "armed");
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		write(p[1], "r", 1);
		_exit(0);
	}
	got_sig = 0;
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 10000 } }, NULL);
	val("read-restarted-sa-restart", read(p[0], &c, 1));
	val("sa-restart-handler-ran", got_sig);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);

	/* SIGUSR1 blocked until sigsuspend() waits for it. */
	sigset_t block_usr1, old_mask;
	sigemptyset(&block_usr1);
	sigaddset(&block_usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block_usr1, &old_mask);
	got_sig = 0;
	sigemptyset(&set);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	val("sigsuspend", sigsuspend(&set));
	val("sigsuspend-handler-ran", got_sig);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	waitpid(pid, NULL, 0);

	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	got_sig = 0;
	in_child(exit7, NULL);
	val("sigchld-on-child-exit", got_sig);
	signal(SIGCHLD, SIG_DFL);
}

static void t_signalfd_pidfd(void)
{
	sigset_t set;
	struct signalfd_siginfo ssi;
	struct pollfd pfd;
	int fd, st;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = ck("signalfd", signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
	val("signalfd-read-empty", read(fd, &ssi, sizeof(ssi)));
	raise(SIGUSR1);
	if (val("signalfd-read", read(fd, &ssi, sizeof(ssi))) > 0)
		val("signalfd-signo", ssi.ssi_signo);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	fd = ck("pidfd_open", syscall(SYS_pidfd_open, pid, 0));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	val("pidfd-poll-alive", poll(&pfd, 1, 0));
	ck("pidfd_send_signal", syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0));
	val("pidfd-poll-exited", poll(&pfd, 1, 5000));
	waitpid(pid, &st, 0);
	line("pidfd-killed-child", "%s", status_text(st));
	ck("pidfd_send_signal-reaped", syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0));
	close(fd);
	ck("pidfd_open-esrch", syscall(SYS_pidfd_open, INT_MAX, 0));
}

/* --- futex, threads ---------------------------------------------------------- */

static uint32_t futex_word;

static long futex(uint32_t *uaddr, int op, uint32_t v, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, v, ts, NULL, 0);
}

static void *futex_waiter(void *arg UNUSED)
{
	while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0)
		futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;

static void *incrementer(void *arg UNUSED)
{
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mutex);
		counter++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&mutex);
	}
	return NULL;
}

static void t_futex_threads(void)
{
	pthread_t t[4];
	long woken = 0;
	uint32_t word = 1;

	val("futex-wait-wrong-value", futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL));
	val("futex-wait-timeout", futex(&word, FUTEX_WAIT_PRIVATE, 1,
					 &(struct timespec){ 0, 1000000 }));
	val("futex-wake-nobody", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
	val("futex-bad-op", futex(&word, 99, 0, NULL));
	/* Wake the waiter once it sleeps (it goes back to sleep), then release it. */
	futex_word = 0;
	pthread_create(&t[0], NULL, futex_waiter, NULL);
	for (int i = 0; i < 5000 && woken == 0; i++) {
		usleep(1000);
		woken = futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
	val("futex-wake-waiter", woken);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
	pthread_join(t[0], NULL);

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, incrementer, NULL);
	pthread_mutex_lock(&mutex);
	while (counter < 40000)
		pthread_cond_wait(&cond, &mutex);
	pthread_mutex_unlock(&mutex);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	val("threads-mutex-cond-counter", counter);

	struct robust_list_head *head;
	size_t len;
	ck("get_robust_list", syscall(SYS_get_robust_list, 0, &head, &len));
	ck("set_robust_list-bad-len", syscall(SYS_set_robust_list, head, len + 1));
}

/* --- time ------------------------------------------------------------------- */

static double ts_sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static void t_time(void)
{
	struct timespec rt, m1, m2, bt, res, cpu;
	struct timeval tv;
	int fd;
	uint64_t exp = 0;
	timer_t timer;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct sigaction sa = { .sa_handler = handler };

	ck("clock_gettime-realtime", clock_gettime(CLOCK_REALTIME, &rt));
	rel("realtime-after-2020", rt.tv_sec > 1577836800, "%ld", (long)rt.tv_sec);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	ck("clock_gettime-boottime", clock_gettime(CLOCK_BOOTTIME, &bt));
	clock_gettime(CLOCK_MONOTONIC, &m2);
	rel("monotonic-nondecreasing", ts_sec(&m2) >= ts_sec(&m1), "went back");
	rel("boottime-ge-monotonic", ts_sec(&bt) >= ts_sec(&m1), "smaller");
	ck("clock_gettime-process-cputime", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu));
	ck("clock_gettime-thread-cputime", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu));
	ck("clock_gettime-coarse", clock_gettime(CLOCK_MONOTONIC_COARSE, &cpu));
	ck("clock_gettime-bad-clock", clock_gettime(1000, &cpu));
	if (ck("clock_getres-monotonic", clock_getres(CLOCK_MONOTONIC, &res)) == 0)
		line("clock_getres-monotonic-value", "%ld.%09ld", (long)res.tv_sec, res.tv_nsec);
	ck("gettimeofday", gettimeofday(&tv, NULL));
	rel("gettimeofday-near-realtime", tv.tv_sec - rt.tv_sec < 5 && tv.tv_sec >= rt.tv_sec,
	    "%ld s apart", (long)(tv.tv_sec - rt.tv_sec));
	rel("time-near-realtime", time(NULL) - rt.tv_sec < 5, "far");

	clock_gettime(CLOCK_MONOTONIC, &m1);
	ck("nanosleep", nanosleep(&(struct timespec){ 0, 2000000 }, NULL));
	clock_gettime(CLOCK_MONOTONIC, &m2);
	rel("nanosleep-slept", ts_sec(&m2) - ts_sec(&m1) >= 0.002, "%.6f", ts_sec(&m2) - ts_sec(&m1));
	m2.tv_nsec += 1000000;
	if (m2.tv_nsec >= 1000000000) {
		m2.tv_sec++;
		m2.tv_nsec -= 1000000000;
	}
	ck_err("clock_nanosleep-abstime", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &m2, NULL));
	ck_err("clock_nanosleep-bad-clock", clock_nanosleep(1000, 0, &m2, NULL));
	ck("nanosleep-bad-nsec", nanosleep(&(struct timespec){ 0, 2000000000 }, NULL));
	ck("clock_settime-monotonic", clock_settime(CLOCK_MONOTONIC, &m1));

	sigaction(SIGUSR1, &sa, NULL);
	got_sig = 0;
	ck("timer_create", timer_create(CLOCK_MONOTONIC, &sev, &timer));
	ck("timer_settime", timer_settime(timer, 0,
					  &(struct itimerspec){ { 0, 0 }, { 0, 5000000 } }, NULL));
	for (int i = 0; i < 1000 && !got_sig; i++)
		usleep(1000);
	val("timer-signal", got_sig);
	ck("timer_gettime", timer_gettime(timer, &(struct itimerspec){ 0 }));
	val("timer_getoverrun", timer_getoverrun(timer));
	ck("timer_delete", timer_delete(timer));

	fd = ck("timerfd_create", timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
	ck("timerfd_settime", timerfd_settime(fd, 0, &(struct itimerspec){ { 0, 0 }, { 0, 2000000 } },
					      NULL));
	val("timerfd-read", read(fd, &exp, sizeof(exp)));
	val("timerfd-expirations", exp);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	val("timerfd-read-disarmed", read(fd, &exp, sizeof(exp)));
	close(fd);
	ck("timerfd-bad-clock", timerfd_create(1000, 0));
	struct timex tx = { 0 };
	ck("adjtimex-read", syscall(SYS_adjtimex, &tx));
}

/* --- system ------------------------------------------------------------------ */

static void t_system(void)
{
	struct utsname u;
	struct sysinfo si;
	char host[HOST_NAME_MAX + 1] = "", buf[32];
	struct timespec boot;
	double proc_uptime = -1;
	FILE *f;

	if (ck("uname", uname(&u)) == 0) {
		line("uname-sysname", "%s", u.sysname);
		line("uname-machine", "%s", u.machine);
		line("uname-release", "%s", u.release);
		rel("uname-nodename-nonempty", u.nodename[0] != '\0', "empty");
	}
	ck("gethostname", gethostname(host, sizeof(host)));
	rel("gethostname-is-uname-nodename", !strcmp(host, u.nodename), "differ");
	ck("sethostname-same", sethostname(host, strlen(host)));
	ck("sethostname-too-long", sethostname(host, HOST_NAME_MAX + 1));
	ck("getdomainname", getdomainname(buf, sizeof(buf)));
	ck("setdomainname-same", setdomainname(buf, strlen(buf)));

	if (ck("sysinfo", sysinfo(&si)) == 0) {
		clock_gettime(CLOCK_BOOTTIME, &boot);
		rel("sysinfo-uptime-le-boottime", si.uptime <= boot.tv_sec + 1, "%ld > %ld",
		    si.uptime, (long)boot.tv_sec);
		f = fopen("/proc/uptime", "r");
		if (!f || fscanf(f, "%lf", &proc_uptime) != 1)
			proc_uptime = -1;
		if (f)
			fclose(f);
		rel("sysinfo-uptime-is-proc-uptime", labs(si.uptime - (long)proc_uptime) <= 1,
		    "%ld vs %.0f", si.uptime, proc_uptime);
		rel("sysinfo-totalram-positive", si.totalram > 0, "0");
		rel("sysinfo-freeram-le-totalram", si.freeram <= si.totalram, "more free than total");
		rel("sysinfo-procs-positive", si.procs > 0, "0");
		val("sysinfo-mem_unit", si.mem_unit);
	}
	long size = syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (ck("syslog-size-buffer", size) >= 0)
		rel("syslog-size-buffer-positive", size > 0, "%ld", size);
	val("getrandom", getrandom(buf, 16, 0));
	val("getrandom-nonblock", getrandom(buf, 16, GRND_NONBLOCK));
	ck("getrandom-bad-flags", getrandom(buf, 16, 0x1000));
	ck("ioctl-tiocsti-on-file", ioctl(open("f", O_RDONLY), TIOCSTI, "x"));
}

static void t_prctl(void)
{
	char name[17] = "";
	int v = -1;

	ck("prctl-set-name", prctl(PR_SET_NAME, "conf-test"));
	ck("prctl-get-name", prctl(PR_GET_NAME, name));
	line("prctl-name", "%s", name);
	content_of("proc-self-comm", "/proc/self/comm");
	val("prctl-get-dumpable", prctl(PR_GET_DUMPABLE));
	ck("prctl-set-pdeathsig", prctl(PR_SET_PDEATHSIG, SIGUSR1));
	prctl(PR_GET_PDEATHSIG, &v);
	val("prctl-get-pdeathsig", v);
	prctl(PR_SET_PDEATHSIG, 0);
	ck("prctl-set-child-subreaper", prctl(PR_SET_CHILD_SUBREAPER, 1));
	prctl(PR_GET_CHILD_SUBREAPER, &v);
	val("prctl-get-child-subreaper", v);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	ck("prctl-set-timerslack", prctl(PR_SET_TIMERSLACK, 50000));
	val("prctl-get-timerslack", prctl(PR_GET_TIMERSLACK));
	val("prctl-get-no-new-privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	val("prctl-get-seccomp", prctl(PR_GET_SECCOMP));
	val("prctl-capbset-read-sys-admin", prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN));
	val("prctl-capbset-read-chown", prctl(PR_CAPBSET_READ, CAP_CHOWN));
	val("prctl-get-keepcaps", prctl(PR_GET_KEEPCAPS));
	ck("prctl-bad-option", prctl(12345));
}

/* --- sockets ------------------------------------------------------------------ */

static void t_unix_sockets(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "sock" }, got;
	socklen_t len = sizeof(got);
	struct ucred cred;
	int sv[2], l, c, a, p[2];
	char buf[32] = "";
	struct stat st;

	ck("socketpair-stream", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	val("socketpair-send", send(sv[0], "hello", 5, 0));
	val("socketpair-recv", recv(sv[1], buf, sizeof(buf), 0));
	len = sizeof(cred);
	ck("so-peercred", getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cred, &len));
	rel("so-peercred-is-self", cred.pid == getpid() && cred.uid == getuid(), "other");

	/* SCM_RIGHTS: pass a pipe's write end and write through it. */
	pipe(p);
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
	val("sendmsg-scm-rights", sendmsg(sv[0], &mh, 0));
	memset(cbuf, 0, sizeof(cbuf));
	iov = (struct iovec){ buf, 1 };
	val("recvmsg-scm-rights", recvmsg(sv[1], &mh, 0));
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		int passed;

		memcpy(&passed, CMSG_DATA(cm), sizeof(int));
		write(passed, "passed", 6);
		close(passed);
		memset(buf, 0, sizeof(buf));
		read(p[0], buf, 6);
		line("scm-rights-fd-works", "%s", buf);
	} else {
		line("scm-rights-fd-works", "no fd");
	}
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);

	ck("socketpair-dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	send(sv[0], "one", 3, 0);
	send(sv[0], "three", 5, 0);
	val("dgram-boundary-1", recv(sv[1], buf, sizeof(buf), 0));
	val("dgram-boundary-2", recv(sv[1], buf, sizeof(buf), 0));
	close(sv[0]);
	close(sv[1]);

	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ck("unix-bind-relative-path", bind(l, (struct sockaddr *)&sun, sizeof(sun)));
	if (stat("sock", &st) == 0)
		rel("unix-bind-made-socket-file", S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
	else
		line("unix-bind-made-socket-file", "%s", errname(errno));
	len = sizeof(got);
	if (getsockname(l, (struct sockaddr *)&got, &len) == 0)
		line("unix-getsockname", "%s", got.sun_path);
	ck("unix-listen", listen(l, 4));
	ck_close("open-socket-file-wronly", open("sock", O_WRONLY));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck("unix-connect-relative-path", connect(c, (struct sockaddr *)&sun, sizeof(sun)));
	a = ck("unix-accept4", accept4(l, NULL, NULL, SOCK_CLOEXEC));
	send(c, "stream", 6, 0);
	memset(buf, 0, sizeof(buf));
	recv(a, buf, sizeof(buf), 0);
	line("unix-stream-data", "%s", buf);
	close(a);
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck("unix-bind-in-use", bind(c, (struct sockaddr *)&sun, sizeof(sun)));
	close(c);
	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck("unix-connect-closed-listener", connect(c, (struct sockaddr *)&sun, sizeof(sun)));
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "nosock");
	ck("unix-connect-enoent", connect(c, (struct sockaddr *)&sun, sizeof(sun)));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sub/abs.sock", workdir);
	ck("unix-bind-absolute-path", bind(c, (struct sockaddr *)&sun, sizeof(sun)));
	exists("unix-bind-absolute-made-file", "sub/abs.sock");
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "nodir/sock");
	ck("unix-bind-missing-dir", bind(c, (struct sockaddr *)&sun, sizeof(sun)));
	close(c);

	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	sun.sun_path[0] = '\0';
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "hybox-conformance-%d", getpid());
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun.sun_path + 1);
	ck("unix-bind-abstract", bind(l, (struct sockaddr *)&sun, len));
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck("unix-connect-abstract", connect(c, (struct sockaddr *)&sun, len));
	close(c);
	close(l);
}

static int inet_pair(int type, int *srv, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);

	*addr = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	*srv = socket(AF_INET, type, 0);
	if (bind(*srv, (struct sockaddr *)addr, sizeof(*addr)) < 0)
		return -1;
	return getsockname(*srv, (struct sockaddr *)addr, &len);
}

static void t_inet_sockets(void)
{
	struct sockaddr_in addr, peer;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(peer);
	int l, c, a, v = 1, u1, u2;
	char buf[32] = "";
	struct pollfd pfd;

	ck("tcp-bind-loopback-port-0", inet_pair(SOCK_STREAM, &l, &addr));
	rel("tcp-ephemeral-port-nonzero", addr.sin_port != 0, "0");
	ck("tcp-listen", listen(l, 4));
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck("tcp-connect", connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	a = ck("tcp-accept", accept(l, (struct sockaddr *)&peer, &len));
	line("tcp-peer-address", "%s", inet_ntoa(peer.sin_addr));
	val("tcp-send", send(c, "tcp-data", 8, 0));
	val("tcp-recv", recv(a, buf, sizeof(buf), 0));
	ck("tcp-setsockopt-nodelay", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	ck("tcp-shutdown-write", shutdown(c, SHUT_WR));
	val("tcp-recv-eof", recv(a, buf, sizeof(buf), 0));
	close(a);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck("tcp-bind-in-use", bind(c, (struct sockaddr *)&addr, sizeof(addr)));
	close(c);
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck("tcp-connect-refused", connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	close(c);

	inet_pair(SOCK_STREAM, &l, &addr);
	listen(l, 1);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	v = connect(c, (struct sockaddr *)&addr, sizeof(addr));
	rel("tcp-nonblock-connect", v == 0 || errno == EINPROGRESS, "%s", errname(errno));
	pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
	val("tcp-nonblock-connect-poll", poll(&pfd, 1, 5000));
	len = sizeof(v);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len);
	val("tcp-so-error", v);
	close(c);
	close(l);

	ck("udp-bind", inet_pair(SOCK_DGRAM, &u1, &addr));
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	val("udp-sendto", sendto(u2, "udp", 3, 0, (struct sockaddr *)&addr, sizeof(addr)));
	len = sizeof(peer);
	val("udp-recvfrom", recvfrom(u1, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len));
	ck("udp-connect", connect(u2, (struct sockaddr *)&addr, sizeof(addr)));
	struct mmsghdr mm[2] = {
		{ .msg_hdr = { .msg_iov = &(struct iovec){ "m1", 2 }, .msg_iovlen = 1 } },
		{ .msg_hdr = { .msg_iov = &(struct iovec){ "m22", 3 }, .msg_iovlen = 1 } },
	};
	val("sendmmsg", sendmmsg(u2, mm, 2, 0));
	char r1[8], r2[8];
	struct mmsghdr rm[2] = {
		{ .msg_hdr = { .msg_iov = &(struct iovec){ r1, 8 }, .msg_iovlen = 1 } },
		{ .msg_hdr = { .msg_iov = &(struct iovec){ r2, 8 }, .msg_iovlen = 1 } },
	};
	val("recvmmsg", recvmmsg(u1, rm, 2, MSG_WAITFORONE, NULL));
	line("recvmmsg-lengths", "%u %u", rm[0].msg_len, rm[1].msg_len);
	v = 4096;
	ck("setsockopt-rcvbuf", setsockopt(u1, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	len = sizeof(v);
	getsockopt(u1, SOL_SOCKET, SO_RCVBUF, &v, &len);
	val("getsockopt-rcvbuf", v);
	v = 1;
	ck("setsockopt-reuseaddr", setsockopt(u1, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	ck("getsockopt-bad-level", getsockopt(u1, 12345, 1, &v, &len));
	close(u1);
	close(u2);

	c = socket(AF_INET6, SOCK_STREAM, 0);
	ck("tcp6-socket", c);
	ck("tcp6-bind-loopback", bind(c, (struct sockaddr *)&a6, sizeof(a6)));
	close(c);

	ck_close("socket-bad-family", socket(12345, SOCK_STREAM, 0));
	ck_close("socket-bad-type", socket(AF_INET, 12345, 0));
	ck_close("socket-netlink-route", socket(AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */));
	ck_close("socket-packet", socket(AF_PACKET, SOCK_DGRAM, 0));
	ck_close("socket-raw-icmp", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
}

/* --- poll, select, epoll, eventfd, inotify ------------------------------------- */

static void t_poll_select(void)
{
	int p[2], ep;
	struct pollfd pfd[2];
	fd_set rfds;
	struct epoll_event ev = { .events = EPOLLIN }, out[4];

	pipe(p);
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	val("poll-writable-only", poll(pfd, 2, 0));
	write(p[1], "x", 1);
	val("poll-both-ready", poll(pfd, 2, 0));
	val("poll-revents-in", pfd[0].revents);
	val("poll-timeout", poll(&(struct pollfd){ .fd = p[1], .events = POLLIN }, 1, 10));
	pfd[0] = (struct pollfd){ .fd = 9999, .events = POLLIN };
	val("poll-bad-fd-revents", poll(pfd, 1, 0) == 1 ? pfd[0].revents : -1);
	val("ppoll", ppoll(&(struct pollfd){ .fd = p[0], .events = POLLIN }, 1,
			   &(struct timespec){ 0, 0 }, NULL));

	FD_ZERO(&rfds);
	FD_SET(p[0], &rfds);
	val("select-readable", select(p[0] + 1, &rfds, NULL, NULL, &(struct timeval){ 0, 0 }));
	FD_ZERO(&rfds);
	FD_SET(p[1], &rfds);
	val("select-timeout", select(p[1] + 1, &rfds, NULL, NULL, &(struct timeval){ 0, 1000 }));
	ck("select-bad-nfds", select(-1, NULL, NULL, NULL, &(struct timeval){ 0, 0 }));
	FD_ZERO(&rfds);
	FD_SET(p[0], &rfds);
	val("pselect", pselect(p[0] + 1, &rfds, NULL, NULL, &(struct timespec){ 0, 0 }, NULL));

	ep = ck("epoll_create1", epoll_create1(EPOLL_CLOEXEC));
	ev.data.u32 = 77;
	ck("epoll_ctl-add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ck("epoll_ctl-add-twice", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ck("epoll_ctl-mod-absent", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev));
	ck("epoll_ctl-add-self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	if (val("epoll_wait", epoll_wait(ep, out, 4, 0)) == 1)
		val("epoll_wait-data", out[0].data.u32);
	val("epoll_pwait", epoll_pwait(ep, out, 4, 0, NULL));
	val("epoll_pwait2", syscall(SYS_epoll_pwait2, ep, out, 4, &(struct timespec){ 0, 0 }, NULL, 0));
	ev.events = EPOLLIN | EPOLLET;
	ck("epoll_ctl-mod-edge", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	write(p[1], "y", 1);
	val("epoll-edge-first", epoll_wait(ep, out, 4, 0));
	val("epoll-edge-second", epoll_wait(ep, out, 4, 0));
	ck("epoll_ctl-del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	val("epoll_wait-empty", epoll_wait(ep, out, 4, 1));
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void t_eventfd_inotify(void)
{
	uint64_t v = 0;
	int fd = ck("eventfd", eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	char buf[sizeof(struct inotify_event) + NAME_MAX + 1] __attribute__((aligned(8)));
	struct inotify_event *ie = (struct inotify_event *)buf;
	int wd;

	val("eventfd-read-empty", read(fd, &v, sizeof(v)));
	write(fd, &(uint64_t){ 3 }, 8);
	write(fd, &(uint64_t){ 4 }, 8);
	val("eventfd-read", read(fd, &v, sizeof(v)));
	val("eventfd-value", v);
	val("eventfd-write-max", write(fd, &(uint64_t){ UINT64_MAX }, 8));
	close(fd);
	fd = ck("eventfd-semaphore", eventfd(2, EFD_SEMAPHORE));
	read(fd, &v, sizeof(v));
	val("eventfd-semaphore-value", v);
	close(fd);

	fd = ck("inotify_init1", inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
	wd = ck("inotify_add_watch", inotify_add_watch(fd, "sub", IN_CREATE | IN_DELETE));
	close(open("sub/watched", O_CREAT | O_WRONLY, 0644));
	if (val("inotify-read", read(fd, buf, sizeof(buf))) > 0)
		line("inotify-event", "%s %s", ie->mask & IN_CREATE ? "IN_CREATE" : "other",
		     ie->len ? ie->name : "");
	unlink("sub/watched");
	if (read(fd, buf, sizeof(buf)) > 0)
		line("inotify-event-unlink", "%s %s", ie->mask & IN_DELETE ? "IN_DELETE" : "other",
		     ie->len ? ie->name : "");
	ck("inotify_rm_watch", inotify_rm_watch(fd, wd));
	ck("inotify_add_watch-enoent", inotify_add_watch(fd, "missing", IN_CREATE));
	close(fd);
}

/* --- calls the default table denies: harmless when they succeed natively ---- */

static int child_traceme(void *arg UNUSED)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0;
}

static int child_unshare_newns(void *arg UNUSED)
{
	return unshare(CLONE_NEWNS) < 0 ? errno : 0;
}

struct clone_args_v0 { /* struct clone_args of <linux/sched.h>, first version */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void t_denied(void)
{
	struct clone_args_v0 ca = { .exit_signal = SIGCHLD };
	struct io_uring_params iup = { 0 };
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
				.max_entries = 1 };
	char buf[8];
	struct iovec local = { buf, 4 }, remote = { "abcd", 4 };
	long pid;
	int st;

	fflush(stdout);
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(6);
	ck("clone3", pid);
	if (pid > 0)
		waitpid(pid, &st, 0);
	fflush(stdout);
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(0);
	ck("clone-newuser", pid);
	if (pid > 0)
		waitpid(pid, &st, 0);
	ck_child("ptrace-traceme", child_traceme, NULL);
	val("process_vm_readv-self", process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	ck_close("io_uring_setup", syscall(SYS_io_uring_setup, 1, &iup));
	ck_close("bpf-map-create", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
	ck_close("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
	ck_close("fanotify_init", syscall(SYS_fanotify_init, 0, O_RDONLY));
	struct {
		struct file_handle fh;
		char data[128];
	} h = { .fh.handle_bytes = 128 };
	int mnt;
	ck("name_to_handle_at", name_to_handle_at(AT_FDCWD, "f", &h.fh, &mnt, 0));
	ck_child("unshare-newns", child_unshare_newns, NULL);
	if (ck("mount-tmpfs-on-workdir-subdir", mount("none", "sub", "tmpfs", 0, "")) == 0)
		umount2("sub", MNT_DETACH);
}

/* --- main -------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
		    struct FTW *ftw UNUSED)
{
	return remove(path);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--exec-child")) {
		const char *env = getenv("HYBOX_CONF");

		return (int)strlen(argv[2]) + (env && !strcmp(env, "yes") ? 10 : 0) +
		       (!strcmp(argv[0], "conformance") ? 20 : 0);
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	umask(022);
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0) {
		perror("conformance: /proc/self/exe");
		return 1;
	}
	/* 0755: the checks run as nobody must be able to reach their directories. */
	if (!mkdtemp(workdir) || chmod(workdir, 0755) < 0 || chdir(workdir) < 0) {
		perror("conformance: work directory");
		return 1;
	}
	line("workdir", "ok");

	t_read_write();
	t_open_errors();
	t_open_flags();
	t_umask();
	t_symlinked_paths();
	t_dirfds();
	t_path_spellings();
	t_cwd_moves();
	t_magic_links();
	t_truncate_alloc();
	t_stat();
	t_attributes();
	t_dirs();
	t_setgid_dir();
	t_links();
	t_renames();
	t_special_files();
	t_fifo_blocking();
	t_tmpfile();
	t_openat2();
	t_pipes();
	t_fds();
	t_locks();
	t_limits();
	t_memory();
	t_memfd_shm();
	t_exec();
	t_fork_wait();
	t_ids();
	t_credentials();
	t_sched();
	t_signals();
	t_signalfd_pidfd();
	t_futex_threads();
	t_time();
	t_system();
	t_prctl();
	t_unix_sockets();
	t_inet_sockets();
	t_poll_select();
	t_eventfd_inotify();
	t_denied();

	if (chdir("/") == 0)
		ck("cleanup", nftw(workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS));
	exists("workdir-removed", workdir);
	fflush(stdout);
	return 0;
}
