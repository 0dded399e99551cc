// SPDX-License-Identifier: GPL-2.0-only
/* Page files, raw or deflated (ckpt_pages.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt.h"
#include "ckpt_pages.h"
#include "crc32c.h"
#include "util.h"

#define ZBUF (1UL << 20)

void ck_pages_header(uint8_t out[CK_PAGES_HEADER], enum ck_compress c)
{
	uint32_t v = CK_FORMAT_VERSION, z = (uint32_t)c;
	memcpy(out, CK_PAGES_MAGIC, 8);
	memcpy(out + 8, &v, 4);
	memcpy(out + 12, &z, 4);
}

static int put(struct ck_pages_writer *w, const void *buf, size_t n)
{
	int r = write_all(w->fd, buf, n);
	if (r == 0) {
		w->crc = hy_crc32c(w->crc, buf, n);
		w->size += n;
	}
	return r;
}

int ck_pages_writer_open(struct ck_pages_writer *w, int fd, int level)
{
	uint8_t head[CK_PAGES_HEADER];
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->is_zlib = level > 0;
	ck_pages_header(head, w->is_zlib ? CK_COMPRESS_ZLIB : CK_COMPRESS_NONE);
	if (w->is_zlib && (!(w->out = malloc(ZBUF)) || deflateInit(&w->z, level) != Z_OK)) {
		free(w->out);
		return -ENOMEM;
	}
	int r = write_all(fd, head, sizeof(head));
	if (r < 0)
		ck_pages_writer_finish(w);
	return r;
}

/* Run deflate with flush over what z holds, writing what comes out. */
static int deflate_out(struct ck_pages_writer *w, int flush)
{
	int zr;
	do {
		w->z.next_out = w->out;
		w->z.avail_out = ZBUF;
		zr = deflate(&w->z, flush);
		if (zr == Z_STREAM_ERROR)
			return -EIO;
		int r = put(w, w->out, ZBUF - w->z.avail_out);
		if (r < 0)
			return r;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

int ck_pages_write(struct ck_pages_writer *w, const void *buf, size_t n)
{
	w->raw += n;
	if (!w->is_zlib)
		return put(w, buf, n);
	w->z.next_in = (Bytef *)buf;
	w->z.avail_in = (uInt)n;
	return deflate_out(w, Z_NO_FLUSH);
}

int ck_pages_writer_finish(struct ck_pages_writer *w)
{
	int r = 0;
	if (w->is_zlib) {
		if (w->out)
			r = deflate_out(w, Z_FINISH);
		deflateEnd(&w->z);
		free(w->out);
		w->out = NULL;
		w->is_zlib = false;
	}
	return r;
}

int ck_pages_reader_open(struct ck_pages_reader *r, int fd, enum ck_compress c)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->at = CK_PAGES_HEADER;
	r->is_zlib = c == CK_COMPRESS_ZLIB;
	if (r->is_zlib && (!(r->in = malloc(ZBUF)) || inflateInit(&r->z) != Z_OK)) {
		free(r->in);
		r->in = NULL;
		r->is_zlib = false;
		return -ENOMEM;
	}
	return 0;
}

int ck_pages_read(struct ck_pages_reader *r, uint64_t off, void *buf, size_t n)
{
	if (!r->is_zlib) {
		ssize_t got = pread(r->fd, buf, n, (off_t)(CK_PAGES_HEADER + off));
		return got == (ssize_t)n ? 0 : got < 0 ? -errno : -EIO;
	}
	if (off != r->raw)
		return -EINVAL; /* runs out of order: not an image hybox wrote */
	r->z.next_out = buf;
	r->z.avail_out = (uInt)n;
	while (r->z.avail_out) {
		if (!r->z.avail_in) {
			ssize_t got = pread(r->fd, r->in, ZBUF, r->at);
			if (got <= 0)
				return got < 0 ? -errno : -EIO;
			r->at += got;
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)got;
		}
		int zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr != Z_OK && !(zr == Z_STREAM_END && !r->z.avail_out))
			return -EIO;
	}
	r->raw += n;
	return 0;
}

void ck_pages_reader_close(struct ck_pages_reader *r)
{
	if (r->is_zlib)
		inflateEnd(&r->z);
	free(r->in);
	r->in = NULL;
	r->is_zlib = false;
}
