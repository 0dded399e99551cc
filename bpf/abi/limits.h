/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Sizes shared by BPF programs and user space. */
#pragma once

#define HY_COMM_LEN 16
#define HY_ID_LEN 65 /* container id, including NUL */
#define HY_PATH_LEN 256
