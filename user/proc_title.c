// SPDX-License-Identifier: GPL-2.0-only
/* Overwriting the command line /proc/PID/cmdline shows (see proc_title.h). */
#include "proc_title.h"

#include <string.h>

static char *area;   /* argv[0]: where the strings start (the kernel's arg_start) */
static size_t size;  /* up to the last string's NUL (arg_end) */

void hy_proc_title_init(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return;
	char *last = argv[argc - 1];
	area = argv[0];
	size = (size_t)(last + strlen(last) + 1 - area);
}

/* The kernel returns the whole area, NULs and all, while its last byte is
 * NUL; once that byte is not, it takes the area as setproctitle(3)'s and
 * returns it up to the first NUL: just the title, as a one-word command. */
void hy_proc_title_set(const char *title)
{
	if (!area || size < 2)
		return;
	size_t n = strnlen(title, size - 2);
	memset(area, 0, size);
	memcpy(area, title, n);
	area[size - 1] = ' ';
}
