/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once
#define HYBOX_VERSION "0.1.0"
/* The OCI runtime-spec version hybox implements (`--version`, `state`, `spec`). */
#define HYBOX_OCI_SPEC "1.0.2"
