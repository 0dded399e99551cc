#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --memory and --cpus enforced: the guest mounts a pure cgroup v2 hierarchy,
# so its memory and cpu controllers are hybox's (on the development host
# they are bound to v1, and 74-views.sh checks the warning instead). Also
# the /proc views with FUSE loaded as a module. Runs inside the VM only.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
# shellcheck source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"
require root cgroup2 probe

hy features --json
flat=$(printf '%s\n' "$RUN_OUT" | json_flat)
for f in cgroup_memory cgroup_cpu fuse timens; do
	assert_eq "$(json_value "$flat" "features.$f.available")" true \
		"features: $f is available ($(json_value "$flat" "features.$f.reason"))"
done

# The limits land in the leaf, with no warning.
id=$(tid limits)
bg_start "$HYBOX" run --id "$id" --memory 48M --cpus 0.5 -- sleep 30 2>"$TEST_TMP/bg.err"
cg="$(cg2_mount)/hybox/$id"
wait_for 20 test -e "$HYBOX_STATE_ROOT/$id/control.sock" || true
assert_eq "$(cat "$cg/memory.max" 2>&1)" 50331648 "--memory 48M is memory.max 50331648"
assert_eq "$(cat "$cg/cpu.max" 2>&1)" "50000 100000" "--cpus 0.5 is cpu.max 50000 100000"
"$HYBOX" kill "$id" KILL >/dev/null 2>&1
wait "$BG_PID" 2>/dev/null
check "no warning when the controllers enforce the limits" \
	bash -c "! grep -q 'not enforced' '$TEST_TMP/bg.err'"
assert_no_leftovers "$id"

# Enforced: 64 MiB of dirtied buffer under a 32 MiB limit is OOM-killed.
hy run -- dd if=/dev/zero of=/dev/null bs=64M count=1
assert_rc 0 "control: dd with a 64 MiB buffer runs without a limit"
id=$(tid oom)
hy run --id "$id" --memory 32M -- dd if=/dev/zero of=/dev/null bs=64M count=1
assert_rc 137 "under --memory 32M the same dd is killed (SIGKILL: the OOM killer)"
assert_no_leftovers "$id"

# The views: meminfo shows the limit, usage charged by the memory controller.
hy run --memory 64M -- /bin/sh -c 'grep -E "^Mem(Total|Free):" /proc/meminfo; cat /proc/uptime'
assert_rc 0 "reading the views in the guest exits 0"
assert_match "$RUN_OUT" 'MemTotal: +65536 kB' "/proc/meminfo's MemTotal is the limit"
free_kb=$(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' <<<"$RUN_OUT")
check "MemFree is below the limit, charged by the controller (${free_kb:-?} kB)" \
	test "${free_kb:-0}" -gt 0 -a "${free_kb:-65536}" -lt 65536
up=$(sed -n 3p <<<"$RUN_OUT" | cut -d. -f1)
check "uptime counts from the container's start (${up:-?} s)" test "${up:-99}" -lt 10

done_testing
