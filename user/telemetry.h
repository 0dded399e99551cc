/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event exporter: sequences events from every producer of one container
 * (one sequence space), encodes them as JSON Lines and writes them to the
 * sink ("-" for stdout, or a file path). Thread-safe.
 */
#pragma once
#include <stdint.h>

#include "abi/events.h"
#include "error.h"

struct hy_telemetry;

/* sink NULL: events are counted but not written. */
int hy_telemetry_open(struct hy_telemetry **ret, const char *sink, const char *container_id,
		      struct hy_err *err);
/* emu_emit_fn-compatible: ctx is the struct hy_telemetry. */
void hy_telemetry_emit(void *ctx, const struct hy_evt_hdr *ev);
/* Flush and close; returns 0 or the first write error (-errno). */
int hy_telemetry_close(struct hy_telemetry *t);
