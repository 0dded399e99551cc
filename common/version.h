/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once
#define HYBOX_VERSION "0.1.0"
