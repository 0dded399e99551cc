// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsprobe: static payload for the files/exec policy tests (tests/priv/75-*).
 * `fsprobe SUBCOMMAND [ARGS]` does one file-system operation with the raw
 * syscall named after it and prints "ok" or "err ENAME" on stdout (read-type
 * subcommands print what they read instead of "ok"), exiting 0 whatever the
 * outcome; exit 2 is a usage error.
 *
 *   open PATH MODE          open(2); MODE: r w rw append creat excl trunc
 *                           rtrunc (O_RDONLY|O_TRUNC) dir path (O_PATH)
 *   openat DIR PATH MODE    openat(2) relative to an O_RDONLY|O_DIRECTORY fd of DIR
 *   openat2 PATH MODE [in-root|beneath]   openat2(2) from AT_FDCWD
 *   creat PATH              creat(2), mode 0666
 *   reopen PATH             open(PATH, O_PATH), then open /proc/self/fd/N
 *                           O_RDONLY and print the first line read ("err
 *                           ENAME opath" when the O_PATH open fails)
 *   cat PATH                open O_RDONLY and print the first line read
 *   write PATH TEXT         open O_WRONLY|O_TRUNC and write TEXT
 *   stat PATH               print the file type letter and octal mode
 *   mkdir PATH | rmdir PATH | unlink PATH | mkfifo PATH (mknod(2))
 *   rename A B | link A B | symlink TARGET LINK
 *   renameat2 A B FLAG      FLAG: 0, noreplace, exchange
 *   truncate PATH           truncate(2) to 0 bytes
 *   exec PATH [ARGS]        execve(2) in a child: "ok" when it succeeded
 *   execveat PATH [ARGS]    execveat(2) of the basename from an O_RDONLY fd of
 *                           the directory
 *   relative DIR PATH       chdir(DIR), open(PATH, O_RDONLY), print the first line
 *   umask MASK SUBCOMMAND...  set the umask (octal), then run SUBCOMMAND
 *   stdout                  reopen fd 1 and 2 through /dev/stdout, /dev/stderr,
 *                           /dev/fd/1, /proc/self/fd/1 and write "via PATH"
 *                           to each; failures are "PATH: err ENAME" on fd 1
 *   loop SECONDS PATH       open+read PATH every millisecond for SECONDS:
 *                           "ok N" or "err ENAME N" when every try ended the
 *                           same way, "mixed ..." otherwise
 *   race ALLOWED DENIED SECONDS [r|w]
 *                           thread A flips a shared path buffer between
 *                           ALLOWED and DENIED as fast as it can; thread B
 *                           opens the buffer in a loop. An fd whose inode is
 *                           DENIED's (compared with fstat; DENIED is stat'ed
 *                           first) is a lost race. Prints "allowed=N
 *                           denied=N other=N lost=N" and then RACE-LOST or
 *                           RACE-OK.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define E(x) { x, #x }
static const struct {
	int nr;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
	E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(ENAMETOOLONG), E(ENOSYS),
	E(ENOTEMPTY), E(ELOOP), E(EOVERFLOW), E(EOPNOTSUPP), E(ESTALE), E(EDQUOT),
};
#undef E

static const char *errno_name(int e)
{
	static char buf[16];

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].nr == e)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* Print the outcome of a raw syscall: ret < 0 means failure with errno set. */
static int report(long ret)
{
	if (ret < 0)
		printf("err %s\n", errno_name(errno));
	else
		printf("ok\n");
	return 0;
}

static int report_fd(long ret)
{
	int saved = errno;

	if (ret >= 0)
		close((int)ret);
	errno = saved;
	return report(ret);
}

static const struct {
	const char *name;
	int flags;
} open_modes[] = {
	{ "r", O_RDONLY },
	{ "w", O_WRONLY },
	{ "rw", O_RDWR },
	{ "append", O_WRONLY | O_APPEND },
	{ "creat", O_WRONLY | O_CREAT },
	{ "excl", O_WRONLY | O_CREAT | O_EXCL },
	{ "trunc", O_WRONLY | O_TRUNC },
	{ "rtrunc", O_RDONLY | O_TRUNC },
	{ "dir", O_RDONLY | O_DIRECTORY },
	{ "path", O_PATH },
};

static int open_flags(const char *mode)
{
	for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++)
		if (strcmp(open_modes[i].name, mode) == 0)
			return open_modes[i].flags | O_CLOEXEC;
	fprintf(stderr, "fsprobe: unknown open mode %s (r w rw append creat excl trunc rtrunc dir path)\n",
		mode);
	return -1;
}

/* Print the first line of what fd holds (or "err ENAME"); closes fd. */
static int print_first_line(int fd)
{
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return report(-1);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		printf("err %s read\n", errno_name(e));
		return 0;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%s\n", buf);
	return 0;
}

#define CMD(fn) static int fn(int argc __attribute__((unused)), char **argv __attribute__((unused)))

CMD(c_open)
{
	int flags = open_flags(argv[2]);

	if (flags < 0)
		return 2;
	return report_fd(syscall(SYS_open, argv[1], flags, 0666));
}

CMD(c_openat)
{
	int flags = open_flags(argv[3]), dfd, saved;
	long fd;

	if (flags < 0)
		return 2;
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		printf("err %s dir\n", errno_name(errno));
		return 0;
	}
	fd = syscall(SYS_openat, dfd, argv[2], flags, 0666);
	saved = errno;
	close(dfd);
	errno = saved;
	return report_fd(fd);
}

CMD(c_openat2)
{
	struct open_how how = { .mode = 0 };
	int flags = open_flags(argv[2]);

	if (flags < 0)
		return 2;
	how.flags = (unsigned)flags;
	if (flags & O_CREAT)
		how.mode = 0666;
	if (argc > 3 && strcmp(argv[3], "in-root") == 0)
		how.resolve = RESOLVE_IN_ROOT;
	else if (argc > 3 && strcmp(argv[3], "beneath") == 0)
		how.resolve = RESOLVE_BENEATH;
	else if (argc > 3) {
		fprintf(stderr, "fsprobe: openat2: unknown resolve %s (in-root beneath)\n", argv[3]);
		return 2;
	}
	return report_fd(syscall(SYS_openat2, AT_FDCWD, argv[1], &how, sizeof(how)));
}

CMD(c_creat)
{
	return report_fd(syscall(SYS_creat, argv[1], 0666));
}

/* An O_PATH fd grants no data access: reopening it for reading is an open like any other. */
CMD(c_reopen)
{
	char self[64];
	long fd = syscall(SYS_open, argv[1], O_PATH | O_CLOEXEC);

	if (fd < 0) {
		printf("err %s opath\n", errno_name(errno));
		return 0;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%ld", fd);
	return print_first_line((int)syscall(SYS_open, self, O_RDONLY | O_CLOEXEC));
}

CMD(c_cat)
{
	return print_first_line((int)syscall(SYS_open, argv[1], O_RDONLY | O_CLOEXEC));
}

CMD(c_write)
{
	size_t len = strlen(argv[2]);
	long fd = syscall(SYS_open, argv[1], O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return report(-1);
	n = write((int)fd, argv[2], len);
	if (n != (ssize_t)len) {
		printf("err %s write\n", n < 0 ? errno_name(errno) : "short");
		close((int)fd);
		return 0;
	}
	return report(close((int)fd));
}

CMD(c_stat)
{
	struct stat st;

	if (lstat(argv[1], &st) < 0)
		return report(-1);
	printf("%c %04o\n",
	       S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' :
	       S_ISFIFO(st.st_mode) ? 'p' : '?',
	       (unsigned)(st.st_mode & 07777));
	return 0;
}

CMD(c_mkdir)
{
	return report(syscall(SYS_mkdir, argv[1], 0777));
}

CMD(c_rmdir)
{
	return report(syscall(SYS_rmdir, argv[1]));
}

CMD(c_unlink)
{
	return report(syscall(SYS_unlink, argv[1]));
}

CMD(c_mkfifo)
{
	return report(syscall(SYS_mknod, argv[1], S_IFIFO | 0666, 0));
}

CMD(c_rename)
{
	return report(syscall(SYS_rename, argv[1], argv[2]));
}

CMD(c_renameat2)
{
	long flags;

	if (strcmp(argv[3], "0") == 0)
		flags = 0;
	else if (strcmp(argv[3], "noreplace") == 0)
		flags = RENAME_NOREPLACE;
	else if (strcmp(argv[3], "exchange") == 0)
		flags = RENAME_EXCHANGE;
	else {
		fprintf(stderr, "fsprobe: renameat2: unknown flag %s (0 noreplace exchange)\n", argv[3]);
		return 2;
	}
	return report(syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], flags));
}

CMD(c_link)
{
	return report(syscall(SYS_link, argv[1], argv[2]));
}

CMD(c_symlink)
{
	return report(syscall(SYS_symlink, argv[1], argv[2]));
}

CMD(c_truncate)
{
	return report(syscall(SYS_truncate, argv[1], 0L));
}

/*
 * Run the exec in a child (stdout/stderr to /dev/null when it opens) and
 * learn the execve outcome through a close-on-exec pipe: EOF means the exec
 * succeeded, an int is its errno.
 */
static int exec_in_child(char **argv, int dirfd, const char *name)
{
	int pfd[2], err = 0, status;
	pid_t child;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return report(-1);
	child = fork();
	if (child < 0)
		return report(-1);
	if (child == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (dirfd >= 0)
			syscall(SYS_execveat, dirfd, name, argv, environ, 0);
		else
			syscall(SYS_execve, argv[0], argv, environ);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = 0;
	close(pfd[0]);
	waitpid(child, &status, 0);
	errno = err;
	return report(err ? -1 : 0);
}

CMD(c_exec)
{
	return exec_in_child(argv + 1, -1, NULL);
}

CMD(c_execveat)
{
	char dir[4096];
	const char *slash = strrchr(argv[1], '/');
	int dfd, rc;

	if (!slash || (size_t)(slash - argv[1]) >= sizeof(dir)) {
		fprintf(stderr, "fsprobe: execveat: PATH needs a directory part\n");
		return 2;
	}
	memcpy(dir, argv[1], (size_t)(slash - argv[1]));
	dir[slash - argv[1]] = '\0';
	dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		printf("err %s dir\n", errno_name(errno));
		return 0;
	}
	rc = exec_in_child(argv + 1, dfd, slash + 1);
	close(dfd);
	return rc;
}

CMD(c_relative)
{
	if (chdir(argv[1]) < 0) {
		printf("err %s chdir\n", errno_name(errno));
		return 0;
	}
	return print_first_line((int)syscall(SYS_open, argv[2], O_RDONLY | O_CLOEXEC));
}

/* Reopen the task's own streams, as a shell's "> /dev/stderr" does. */
CMD(c_stdout)
{
	static const struct {
		const char *path;
		int flags;
	} streams[] = {
		{ "/dev/stdout", O_WRONLY },
		{ "/dev/stderr", O_WRONLY },
		{ "/dev/fd/1", O_WRONLY | O_APPEND },
		{ "/proc/self/fd/1", O_WRONLY | O_APPEND },
	};
	char line[64];

	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		long fd = syscall(SYS_open, streams[i].path, streams[i].flags | O_CLOEXEC);
		int len = snprintf(line, sizeof(line), "via %s\n", streams[i].path);

		if (fd < 0 || write((int)fd, line, (size_t)len) != len)
			printf("%s: err %s\n", streams[i].path, errno_name(errno));
		fflush(stdout);
		if (fd >= 0)
			close((int)fd);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end || *out <= 0 || *out > 600) {
		fprintf(stderr, "fsprobe: not a duration in seconds: %s\n", s);
		return -1;
	}
	return 0;
}

CMD(c_loop)
{
	double secs, end;
	long n = 0;
	int first = -1; /* errno of the first try, 0 for success */
	const struct timespec ms = { 0, 1000000 };

	if (parse_seconds(argv[1], &secs) < 0)
		return 2;
	end = now_s() + secs;
	while (now_s() < end) {
		char buf[64];
		long fd = syscall(SYS_open, argv[2], O_RDONLY | O_CLOEXEC);
		int e = fd < 0 ? errno : 0;

		if (fd >= 0) {
			if (read((int)fd, buf, sizeof(buf)) < 0)
				e = errno;
			close((int)fd);
		}
		if (first < 0)
			first = e;
		if (e != first) {
			printf("mixed: first %s, then %s after %ld tries\n",
			       first ? errno_name(first) : "ok", e ? errno_name(e) : "ok", n);
			return 0;
		}
		n++;
		nanosleep(&ms, NULL);
	}
	if (first > 0)
		printf("err %s %ld\n", errno_name(first), n);
	else
		printf("ok %ld\n", n);
	return 0;
}

/* --- race ---------------------------------------------------------------- */

struct race {
	char buf[4096];               /* the path both threads share */
	const char *allowed, *denied;
	size_t len;                   /* bytes flipped: the longer path plus its NUL */
	int flags;
	atomic_int stop;
	dev_t allowed_dev, denied_dev;
	ino_t allowed_ino, denied_ino;
	long n_allowed, n_denied, n_other, n_lost;
	int other_errno;
};

/* Thread A: rewrite the buffer, byte by byte, as fast as possible. */
static void *race_flipper(void *arg)
{
	struct race *r = arg;
	volatile char *b = r->buf;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (size_t i = 0; i < r->len; i++)
			b[i] = r->denied[i];
		for (size_t i = 0; i < r->len; i++)
			b[i] = r->allowed[i];
	}
	return NULL;
}

/* Thread B (the caller): open what the buffer names and classify the fd. */
static void race_opener(struct race *r, double secs)
{
	double end = now_s() + secs;
	long tries = 0;

	while (tries % 256 != 0 || now_s() < end) {
		long fd = syscall(SYS_open, r->buf, r->flags | O_CLOEXEC);
		struct stat st;

		tries++;
		if (fd < 0) {
			if (errno == EACCES) {
				r->n_denied++;
			} else {
				r->n_other++;
				r->other_errno = errno;
			}
			continue;
		}
		if (fstat((int)fd, &st) == 0 && st.st_dev == r->denied_dev &&
		    st.st_ino == r->denied_ino)
			r->n_lost++;
		else if (fstat((int)fd, &st) == 0 && st.st_dev == r->allowed_dev &&
			 st.st_ino == r->allowed_ino)
			r->n_allowed++;
		else
			r->n_other++;
		close((int)fd);
	}
}

CMD(c_race)
{
	static struct race r;
	const char *mode = argc > 4 ? argv[4] : "r";
	struct stat st;
	pthread_t t;
	double secs;
	size_t la = strlen(argv[1]), ld = strlen(argv[2]);

	if (parse_seconds(argv[3], &secs) < 0)
		return 2;
	if (strcmp(mode, "r") && strcmp(mode, "w")) {
		fprintf(stderr, "fsprobe: race: mode %s is not r or w\n", mode);
		return 2;
	}
	if (la != ld || la >= sizeof(r.buf)) {
		fprintf(stderr, "fsprobe: race: ALLOWED and DENIED must have the same length\n");
		return 2;
	}
	/* stat does not open: the inodes are known without the policy's leave. */
	if (stat(argv[2], &st) < 0) {
		printf("err %s stat denied\n", errno_name(errno));
		return 0;
	}
	r.denied_dev = st.st_dev;
	r.denied_ino = st.st_ino;
	if (stat(argv[1], &st) < 0) {
		printf("err %s stat allowed\n", errno_name(errno));
		return 0;
	}
	r.allowed_dev = st.st_dev;
	r.allowed_ino = st.st_ino;
	if (r.allowed_dev == r.denied_dev && r.allowed_ino == r.denied_ino) {
		fprintf(stderr, "fsprobe: race: ALLOWED and DENIED are the same file\n");
		return 2;
	}
	r.allowed = argv[1];
	r.denied = argv[2];
	r.len = la + 1;
	r.flags = strcmp(mode, "w") == 0 ? O_WRONLY : O_RDONLY;
	memcpy(r.buf, argv[1], r.len);
	if (pthread_create(&t, NULL, race_flipper, &r) != 0) {
		printf("err pthread_create\n");
		return 0;
	}
	race_opener(&r, secs);
	atomic_store(&r.stop, 1);
	pthread_join(t, NULL);
	printf("allowed=%ld denied=%ld other=%ld lost=%ld", r.n_allowed, r.n_denied, r.n_other,
	       r.n_lost);
	if (r.other_errno)
		printf(" other_errno=%s", errno_name(r.other_errno));
	printf("\n%s\n", r.n_lost ? "RACE-LOST" : "RACE-OK");
	return 0;
}

static int dispatch(int argc, char **argv);

CMD(c_umask)
{
	char *end;
	long mask = strtol(argv[1], &end, 8);

	if (end == argv[1] || *end || mask < 0 || mask > 0777) {
		fprintf(stderr, "fsprobe: umask: not an octal mask: %s\n", argv[1]);
		return 2;
	}
	umask((mode_t)mask);
	return dispatch(argc - 2, argv + 2);
}

static const struct fsprobe_cmd {
	const char *name;
	int min_args, max_args;
	const char *args;
	int (*run)(int argc, char **argv);
} cmds[] = {
	{ "open", 2, 2, "PATH MODE", c_open },
	{ "openat", 3, 3, "DIR PATH MODE", c_openat },
	{ "openat2", 2, 3, "PATH MODE [in-root|beneath]", c_openat2 },
	{ "creat", 1, 1, "PATH", c_creat },
	{ "reopen", 1, 1, "PATH", c_reopen },
	{ "cat", 1, 1, "PATH", c_cat },
	{ "write", 2, 2, "PATH TEXT", c_write },
	{ "stat", 1, 1, "PATH", c_stat },
	{ "mkdir", 1, 1, "PATH", c_mkdir },
	{ "rmdir", 1, 1, "PATH", c_rmdir },
	{ "unlink", 1, 1, "PATH", c_unlink },
	{ "mkfifo", 1, 1, "PATH", c_mkfifo },
	{ "rename", 2, 2, "OLD NEW", c_rename },
	{ "renameat2", 3, 3, "OLD NEW 0|noreplace|exchange", c_renameat2 },
	{ "link", 2, 2, "OLD NEW", c_link },
	{ "symlink", 2, 2, "TARGET LINK", c_symlink },
	{ "truncate", 1, 1, "PATH", c_truncate },
	{ "exec", 1, 64, "PATH [ARGS...]", c_exec },
	{ "execveat", 1, 64, "PATH [ARGS...]", c_execveat },
	{ "relative", 2, 2, "DIR PATH", c_relative },
	{ "stdout", 0, 0, "", c_stdout },
	{ "loop", 2, 2, "SECONDS PATH", c_loop },
	{ "race", 3, 4, "ALLOWED DENIED SECONDS [r|w]", c_race },
	{ "umask", 2, 66, "MASK SUBCOMMAND [ARGS...]", c_umask },
};

static int usage(void)
{
	fprintf(stderr, "usage: fsprobe SUBCOMMAND [ARGS]\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %s %s\n", cmds[i].name, cmds[i].args);
	return 2;
}

/* argv[0] is the subcommand. */
static int dispatch(int argc, char **argv)
{
	if (argc < 1)
		return usage();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct fsprobe_cmd *c = &cmds[i];
		int nargs = argc - 1;

		if (strcmp(c->name, argv[0]) != 0)
			continue;
		if (nargs < c->min_args || nargs > c->max_args) {
			fprintf(stderr, "usage: fsprobe %s %s\n", c->name, c->args);
			return 2;
		}
		return c->run(argc, argv);
	}
	fprintf(stderr, "fsprobe: unknown subcommand %s\n", argv[0]);
	return usage();
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc - 1, argv + 1);

	fflush(stdout);
	return rc;
}
