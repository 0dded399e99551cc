// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's user namespace id maps (userns.h): checks, text and the
 * supervisor's write and read of /proc/PID/{uid,gid}_map (root, initial
 * namespace).
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util.h"

static bool overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

const char *hy_userns_maps_problem(const struct hy_id_map *m, size_t n, size_t *ret_i)
{
	for (size_t i = 0; i < n; i++) {
		*ret_i = i;
		if (m[i].count == 0)
			return "a size of 0";
		if ((uint64_t)m[i].inner + m[i].count - 1 > HY_USERNS_ID_MAX ||
		    (uint64_t)m[i].outer + m[i].count - 1 > HY_USERNS_ID_MAX)
			return "ids beyond 4294967294";
		for (size_t j = 0; j < i; j++) {
			if (overlap(m[i].inner, m[i].count, m[j].inner, m[j].count))
				return "containerIDs that overlap an earlier mapping's";
			if (overlap(m[i].outer, m[i].count, m[j].outer, m[j].count))
				return "hostIDs that overlap an earlier mapping's";
		}
	}
	return NULL;
}

uint32_t hy_userns_map_id(const struct hy_id_map *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].inner && (uint64_t)id < (uint64_t)m[i].inner + m[i].count)
			return m[i].outer + (id - m[i].inner);
	return (uint32_t)-1;
}

int hy_userns_format(const struct hy_id_map *m, size_t n, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, size - len, "%u %u %u\n", m[i].inner, m[i].outer,
				 m[i].count);
		if (w < 0 || (size_t)w >= size - len)
			return -ENOBUFS;
		len += (size_t)w;
	}
	return (int)len;
}

/* The kernel takes a map in one write only. */
static int write_map(pid_t pid, const char *file, const struct hy_id_map *m, size_t n)
{
	char path[64], text[HY_USERNS_MAP_MAX * 34];
	int len = hy_userns_format(m, n, text, sizeof(text));
	if (len < 0)
		return len;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, text, (size_t)len);
	return w == len ? 0 : w < 0 ? -errno : -EIO;
}

int hy_userns_write_maps(pid_t pid, const struct hy_userns *u, const char **ret_step)
{
	int r;
	*ret_step = "write the user namespace's gid_map (linux.gidMappings)";
	if ((r = write_map(pid, "gid_map", u->gid, u->ngid)) < 0)
		return r;
	*ret_step = "write the user namespace's uid_map (linux.uidMappings)";
	return write_map(pid, "uid_map", u->uid, u->nuid);
}

int hy_userns_read_root(pid_t pid, uint32_t *ret_uid)
{
	char path[64];
	unsigned int inner, outer, count;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int r = -ENOENT;
	while (r == -ENOENT && fscanf(f, "%u %u %u", &inner, &outer, &count) == 3)
		if (inner == 0 && count > 0)
			r = 0;
	fclose(f);
	if (r == 0)
		*ret_uid = outer;
	return r;
}
