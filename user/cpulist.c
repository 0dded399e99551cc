// SPDX-License-Identifier: GPL-2.0-only
/* CPU and memory node lists in the kernel's format (cpulist.h). */
#include "cpulist.h"

#include <errno.h>
#include <stdio.h>

/* One number of at most max at *p; advances *p. -EINVAL without a digit,
 * -ERANGE above max (leading zeros are fine, as the kernel reads them). */
static int read_number(const char **p, unsigned max, unsigned *ret)
{
	unsigned long n = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (unsigned long)(*s - '0')) > max)
			return -ERANGE;
	*p = s;
	*ret = (unsigned)n;
	return 0;
}

int hy_cpulist_parse(const char *s, unsigned max, cpu_set_t *out, const char **ret_why)
{
	const char *p = s;
	unsigned a, b;
	int r;

	CPU_ZERO(out);
	while (*p) {
		if ((r = read_number(&p, max, &a)) < 0) {
			*ret_why = r == -ERANGE ? "a number above the largest allowed"
						: "expected a number";
			return r;
		}
		b = a;
		if (*p == '-') {
			p++;
			if ((r = read_number(&p, max, &b)) < 0) {
				*ret_why = r == -ERANGE ? "a number above the largest allowed"
							: "expected a number after '-'";
				return r;
			}
			if (b < a) {
				*ret_why = "a range whose end is below its start";
				return -ERANGE;
			}
		}
		for (unsigned i = a; i <= b; i++)
			CPU_SET(i, out);
		if (*p == ',' && !p[1]) {
			*ret_why = "a trailing comma";
			return -EINVAL;
		}
		if (*p && *p++ != ',') {
			*ret_why = "expected ',' after a number or range";
			return -EINVAL;
		}
	}
	return 0;
}

void hy_cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int i = 0; i < CPU_SETSIZE; i++) {
		int j = i;

		if (!CPU_ISSET(i, set))
			continue;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
			j++;
		int w = j > i ? snprintf(buf + n, len - n, "%s%d-%d", n ? "," : "", i, j)
			      : snprintf(buf + n, len - n, "%s%d", n ? "," : "", i);
		if (w < 0 || (size_t)w >= len - n)
			return; /* snprintf has cut and terminated it */
		n += (size_t)w;
		i = j;
	}
}
