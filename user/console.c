// SPDX-License-Identifier: GPL-2.0-only
/* The OCI process's pseudo-terminal and the console socket (console.h). */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

int hy_console_setup(const struct hy_proc_spec *p, const char **ret_step)
{
	int unlock = 0, master, slave;

	*ret_step = "open /dev/ptmx for process.terminal";
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	*ret_step = "unlock the pseudo-terminal";
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		goto fail;
	if (p->console_rows || p->console_cols) {
		struct winsize ws = { .ws_row = p->console_rows, .ws_col = p->console_cols };
		*ret_step = "set process.consoleSize";
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			goto fail;
	}
	/* TIOCGPTPEER: the slave of this master, without a path lookup to race. */
	*ret_step = "open the pseudo-terminal's slave";
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		goto fail;
	*ret_step = "make the terminal the command's";
	if (fchown(slave, p->uid, p->gid) < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 ||
	    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
		int e = errno;
		close(slave);
		close(master);
		return -e;
	}
	if (slave > 2)
		close(slave);
	return master;
fail:;
	int e = errno;
	close(master);
	return -e;
}

int hy_console_send(const char *path, int master, struct hy_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[64];

	if (strlen(path) >= sizeof(sa.sun_path))
		return hy_err_set(err, -ENAMETOOLONG, "--console-socket %s: path too long", path);
	strscpy(sa.sun_path, path, sizeof(sa.sun_path));
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return hy_err_setr(err, -errno, "--console-socket %s: connect", path);
	if (ptsname_r(master, name, sizeof(name)) != 0)
		strscpy(name, "/dev/ptmx", sizeof(name));
	if (send_fds(s, name, strlen(name), &master, 1, MSG_NOSIGNAL) < 0)
		return hy_err_setr(err, -errno, "--console-socket %s: send the terminal", path);
	return 0;
}
