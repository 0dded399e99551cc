// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading an image for a restore, shared by both forms of `hybox restore`
 * (hybox's `--image DIR` and runc's `--bundle B --image-path DIR ID`):
 * this kernel can restore at all, the directory opens, the image reads
 * and checks completely (ck_image_read), and this CPU has the features the
 * saved registers may use. Nothing is created; runs with the caller's
 * privileges.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ckpt.h"
#include "features.h"
#include "util.h"

int ck_image_load(const char *dir, int *ret_dirfd, struct ck_image *img, struct hy_err *err)
{
	char why[160];
	*ret_dirfd = -1;
	if (hy_checkpoint_probe(why, sizeof(why)) < 0)
		return hy_err_set(err, -ENOTSUP, "this kernel cannot restore: %s (hybox features: "
						 "checkpoint)", why);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "open image directory %s", dir);
	int r = ck_image_read(fd, img, err);
	if (r == 0 && (r = ck_image_check_cpu(img, err)) < 0)
		ck_image_free(img);
	if (r < 0)
		return hy_err_wrap(err, "%s", dir);
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}
