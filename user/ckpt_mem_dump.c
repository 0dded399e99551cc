// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process's memory: its mappings from /proc/PID/maps, and the pages that
 * hold something of its own. /proc/PID/pagemap says which pages are
 * populated (present or swapped) and which of a private file mapping's are
 * still the file's (bit 61) rather than copies the process wrote: only the
 * process's own pages are saved; the rest comes back from the file. Pages
 * are read through /proc/PID/mem and appended to pages-PID.img in runs
 * that image.json lists, with a running crc32.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ckpt_dump.h"
#include "ckpt_pages.h"
#include "ckpt_pages_async.h"
#include "util.h"

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define COPY_CHUNK (4UL << 20)

struct pages_out {
	struct ck_pages_writer w;
	struct ck_pages_async *async;
	uint64_t raw; /* bytes submitted: the offset of the next run */
};

int ck_dump_shm(struct ck_dump_proc *d, uint64_t id, int fd, const char *name,
		struct hy_err *err)
{
	struct stat st;
	struct ck_shm *n = realloc(d->img->shms, (d->img->nshms + 1) * sizeof(*n));
	if (!n)
		return hy_err_set(err, -ENOMEM, "list shared memory");
	d->img->shms = n;
	struct ck_shm *m = &n[d->img->nshms];
	memset(m, 0, sizeof(*m));
	m->id = id;
	snprintf(m->name, sizeof(m->name), "%s", name);
	ck_check_utf8(d, "a memfd's name", m->name);
	snprintf(m->file, sizeof(m->file), "shm-%llx.img", (unsigned long long)id);
	if (fstat(fd, &st) < 0)
		return hy_err_setr(err, -errno, "inspect shared memory %s", m->file);
	m->size = (uint64_t)st.st_size;
	d->img->nshms++;
	if (d->image_dirfd < 0)
		return 0;
	struct ck_pages_writer w;
	_cleanup_close_ int out =
		openat(d->image_dirfd, m->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	_cleanup_free_ uint8_t *buf = malloc(COPY_CHUNK);
	int r = out < 0 || !buf ? -ENOMEM : ck_pages_writer_open(&w, out, d->compress_level);
	if (out < 0)
		r = -errno;
	for (uint64_t off = 0; r == 0 && off < m->size;) {
		ssize_t got = pread(fd, buf, MIN(COPY_CHUNK, m->size - off), (off_t)off);
		r = got > 0 ? ck_pages_write(&w, buf, (size_t)got) : got < 0 ? -errno : -EIO;
		off += got > 0 ? (uint64_t)got : 0;
	}
	if (out >= 0 && buf) {
		int r2 = ck_pages_writer_finish(&w);
		r = r < 0 ? r : r2;
	}
	if (r < 0)
		return hy_err_setr(err, r, "save shared memory into %s", m->file);
	m->compress = d->compress_level > 0 ? CK_COMPRESS_ZLIB : CK_COMPRESS_NONE;
	m->file_size = w.size;
	m->crc = w.crc;
	return 0;
}

/* Shared memory without a name: save it (once) from /proc/PID/map_files. */
static int shm_vma(struct ck_dump_proc *d, struct ck_vma *v, uint64_t ino, const char *name,
		   struct hy_err *err)
{
	char path[64];
	v->kind = CK_VMA_SHM;
	v->shm = ino;
	if (ck_image_shm(d->img, ino))
		return 0;
	snprintf(path, sizeof(path), "map_files/%lx-%lx", (unsigned long)v->start,
		 (unsigned long)v->end);
	_cleanup_close_ int fd = openat(d->procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "open the shared memory of pid %d at 0x%lx", d->p->pid,
				   (unsigned long)v->start);
	return ck_dump_shm(d, ino, fd, name, err);
}

/* One line of /proc/PID/maps; 0, 1 to skip it ([vsyscall]), -errno. */
static int parse_map(char *line, struct ck_vma *v, struct ck_dump_proc *d, struct hy_err *err)
{
	char perms[8];
	unsigned long start, end, off, ino;
	int name_at = 0;
	if (sscanf(line, "%lx-%lx %7s %lx %*x:%*x %lu %n", &start, &end, perms, &off, &ino,
		   &name_at) < 5)
		return hy_err_set(err, -EINVAL, "/proc/%d/maps: cannot parse \"%s\"", d->p->host_pid,
				  line);
	char *name = line + name_at;
	name[strcspn(name, "\n")] = 0;
	memset(v, 0, sizeof(*v));
	v->start = start, v->end = end, v->pgoff = off;
	v->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	v->shared = perms[3] == 's';
	if (strcmp(name, "[vsyscall]") == 0 || strcmp(name, "[uprobes]") == 0)
		return 1;
	if (ck_is_special_mapping(name)) {
		v->kind = CK_VMA_SPECIAL;
		v->path = strdup(name);
	} else if (v->shared && (strncmp(name, "/memfd:", 7) == 0 ||
				 strcmp(name, "/dev/zero (deleted)") == 0)) {
		char label[64] = "";
		if (name[1] == 'm')
			snprintf(label, sizeof(label), "%.*s", (int)strcspn(name + 7, " "), name + 7);
		return shm_vma(d, v, ino, label, err);
	} else if (name[0] == '/') {
		v->kind = CK_VMA_FILE;
		v->path = strdup(name);
		ck_check_utf8(d, "the path of a mapped file", name);
		if (strstr(name, " (deleted)"))
			ck_block(d->blockers, "pid %d: a mapping of deleted file %s", d->p->pid, name);
	} else {
		v->kind = CK_VMA_ANON;
		v->growsdown = strcmp(name, "[stack]") == 0;
		if (v->shared)
			ck_block(d->blockers, "pid %d: shared anonymous memory at 0x%lx%s%s", d->p->pid,
				 start, *name ? " " : "", name);
	}
	if (name[0] && name[0] != '/' && name[0] != '[')
		ck_block(d->blockers, "pid %d: a mapping of %s", d->p->pid, name);
	return 0;
}

static int read_maps(struct ck_dump_proc *d, struct hy_err *err)
{
	_cleanup_close_ int fd = openat(d->procfd, "maps", O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");
	if (!f)
		return hy_err_setr(err, -errno, "read /proc/%d/maps", d->p->host_pid);
	fd = -1;
	char *line = NULL;
	size_t cap = 0, n = 0, alloc = 0;
	struct ck_proc *p = d->p;
	int r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			p->vmas = realloc(p->vmas, alloc * sizeof(*p->vmas));
			if (!p->vmas)
				r = -ENOMEM;
		}
		int k = r ? r : parse_map(line, &p->vmas[n], d, err);
		if (k < 0)
			r = k;
		else if (k == 0)
			p->nvmas = ++n;
	}
	free(line);
	fclose(f);
	return r;
}

/* Does the page with this pagemap entry hold the process's own data? */
static bool own_page(const struct ck_vma *v, uint64_t pm)
{
	if (pm & PM_SWAPPED)
		return true;
	if (!(pm & PM_PRESENT))
		return false;
	return v->kind == CK_VMA_ANON || !(pm & PM_FILE);
}

static int add_run(struct ck_vma *v, uint64_t addr, uint64_t npages, uint64_t offset)
{
	if (v->nruns && v->runs[v->nruns - 1].addr + v->runs[v->nruns - 1].npages * CK_PAGE == addr) {
		v->runs[v->nruns - 1].npages += npages;
		return 0;
	}
	if ((v->nruns & (v->nruns - 1)) == 0) {
		struct ck_run *n = realloc(v->runs, (v->nruns ? 2 * v->nruns : 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		v->runs = n;
	}
	v->runs[v->nruns++] = (struct ck_run){ addr, npages, offset };
	return 0;
}

/* A line on stderr at most each second, once a dump takes that long. */
static void progress(struct ck_progress *p, size_t n)
{
	p->bytes += n;
	unsigned long long now = now_mono_ns();
	if (now - p->last_ns < 1000000000ULL)
		return;
	p->last_ns = now;
	fprintf(stderr, "hybox checkpoint: %s: %.0f MiB of pages written (%.0f MB/s)\n", p->id,
		(double)p->bytes / (1 << 20), (double)p->bytes / 1e3 / ((now - p->start_ns) / 1e6));
}

/* Copy [addr, addr + len) of the process into the page file. */
static int copy_out(struct ck_dump_proc *d, struct pages_out *o, uint64_t addr, uint64_t len,
		    struct hy_err *err)
{
	while (len) {
		size_t n = MIN(len, CK_ASYNC_CHUNK);
		uint8_t *buf = ck_pages_async_buffer(o->async);
		if (!buf)
			return hy_err_set(err, -EIO, "write %s", d->p->pages_file);
		int r = ck_task_read(&d->tasks[0], addr, buf, n, err);
		if (r < 0)
			return r;
		ck_pages_async_submit(o->async, n);
		o->raw += n, addr += n, len -= n;
		progress(d->progress, n);
	}
	return 0;
}

static int dump_vma(struct ck_dump_proc *d, int pagemap, struct ck_vma *v, struct pages_out *o,
		    struct hy_err *err)
{
	static uint64_t pm[8192];
	if (v->kind == CK_VMA_SPECIAL || v->kind == CK_VMA_SHM || (v->kind == CK_VMA_FILE && v->shared) ||
	    !v->prot)
		return 0;
	for (uint64_t a = v->start; a < v->end;) {
		size_t n = MIN((v->end - a) / CK_PAGE, ARRAY_SIZE(pm));
		ssize_t got = pread(pagemap, pm, n * 8, (off_t)(a / CK_PAGE * 8));
		if (got != (ssize_t)(n * 8))
			return hy_err_setr(err, got < 0 ? -errno : -EIO, "read /proc/%d/pagemap",
					   d->p->host_pid);
		for (size_t i = 0; i < n;) {
			size_t j = i;
			while (j < n && own_page(v, pm[j]))
				j++;
			if (j > i) {
				uint64_t at = a + i * CK_PAGE, len = (j - i) * CK_PAGE;
				if (add_run(v, at, j - i, o->raw) < 0)
					return hy_err_set(err, -ENOMEM, "list saved pages");
				int r = copy_out(d, o, at, len, err);
				if (r < 0)
					return r;
			}
			i = j + 1;
		}
		a += n * CK_PAGE;
	}
	return 0;
}

int ck_dump_memory(struct ck_dump_proc *d, int image_dirfd, struct hy_err *err)
{
	struct ck_proc *p = d->p;
	int r = read_maps(d, err);
	if (r < 0 || image_dirfd < 0)
		return r;
	snprintf(p->pages_file, sizeof(p->pages_file), "pages-%d.img", p->pid);
	_cleanup_close_ int pagemap = openat(d->procfd, "pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		return hy_err_setr(err, -errno, "open /proc/%d/pagemap", p->host_pid);
	struct pages_out o = { 0 };
	_cleanup_close_ int fd =
		openat(image_dirfd, p->pages_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return hy_err_setr(err, -errno, "create %s", p->pages_file);
	if ((r = ck_pages_writer_open(&o.w, fd, d->compress_level)) < 0)
		return hy_err_setr(err, r, "write %s", p->pages_file);
	if ((r = ck_pages_async_start(&o.async, &o.w)) < 0) {
		ck_pages_writer_finish(&o.w);
		return hy_err_setr(err, r, "start the page writer");
	}
	for (size_t i = 0; r == 0 && i < p->nvmas; i++)
		r = dump_vma(d, pagemap, &p->vmas[i], &o, err);
	int r2 = ck_pages_async_finish(o.async);
	int r3 = ck_pages_writer_finish(&o.w);
	if (r == 0 && (r2 < 0 || r3 < 0))
		return hy_err_setr(err, r2 < 0 ? r2 : r3, "write %s", p->pages_file);
	p->pages_compress = d->compress_level > 0 ? CK_COMPRESS_ZLIB : CK_COMPRESS_NONE;
	p->pages_raw = o.w.raw;
	p->pages_size = o.w.size;
	p->pages_crc = (uint32_t)o.w.crc;
	return r;
}
