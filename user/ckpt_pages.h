/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page files (pages-PID.img): a 16-byte header (magic, format version,
 * compression) and the saved pages as one stream, raw or zlib-deflated.
 * image.json's runs give offsets into the raw stream; its pages_size and
 * pages_crc cover the bytes in the file. Deflated files are read in order
 * only, which is the order restore wants them in.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>

#include "error.h"

enum ck_compress { CK_COMPRESS_NONE = 0, CK_COMPRESS_ZLIB = 1 };

struct ck_pages_writer {
	int fd;
	bool is_zlib;
	z_stream z;
	uint32_t crc;  /* crc32c (crc32c.h) of the file's bytes after the header */
	uint64_t raw;  /* bytes of pages taken */
	uint64_t size; /* bytes written after the header */
	uint8_t *out;
};

/* Write the header; level 0: raw, 1-9: zlib at that level. */
int ck_pages_writer_open(struct ck_pages_writer *w, int fd, int level);
int ck_pages_write(struct ck_pages_writer *w, const void *buf, size_t n);
/* Flush; frees the writer's buffers (also on failure). */
int ck_pages_writer_finish(struct ck_pages_writer *w);

struct ck_pages_reader {
	int fd;
	bool is_zlib;
	z_stream z;
	uint64_t raw; /* raw offset of the next byte out */
	off_t at;     /* file offset of the next byte in */
	uint8_t *in;
};

int ck_pages_reader_open(struct ck_pages_reader *r, int fd, enum ck_compress c);
/* n bytes at raw offset off (deflated files: in increasing order only). */
int ck_pages_read(struct ck_pages_reader *r, uint64_t off, void *buf, size_t n);
void ck_pages_reader_close(struct ck_pages_reader *r);

#define CK_PAGES_HEADER 16
void ck_pages_header(uint8_t out[CK_PAGES_HEADER], enum ck_compress c);
