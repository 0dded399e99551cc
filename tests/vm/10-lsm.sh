#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# BPF LSM, seed of the VM suite: the guest kernel runs with "bpf" in its LSM
# list, so hybox must find BPF LSM usable, pick the bpf-lsm road for files,
# exec and network, and still run commands with their exit status and the
# syscall table's denials. Runs inside the VM only (scripts/vmtest.sh).
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
# shellcheck source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"
require root cgroup2 probe

lsm=$(cat /sys/kernel/security/lsm 2>&1)
assert_contains ",$lsm," ",bpf," "\"bpf\" is in the active LSM list (/sys/kernel/security/lsm)"

hy features --json
assert_rc 0 "features --json exits 0"
flat=$(printf '%s\n' "$RUN_OUT" | json_flat)
if [ "$(json_value "$flat" features.bpf_lsm.available)" = true ]; then
	ok "features --json: bpf_lsm is available (an LSM program loads and attaches)"
else
	not_ok "features --json: bpf_lsm is available (an LSM program loads and attaches)" \
		"available: $(json_value "$flat" features.bpf_lsm.available)" \
		"reason: $(json_value "$flat" features.bpf_lsm.reason)" "stderr: $RUN_ERR"
fi
for area in files exec network; do
	assert_eq "$(json_value "$flat" "roads.$area.road")" bpf-lsm \
		"features --json: the $area road is bpf-lsm"
done

id=$(tid true)
hy run --id "$id" -- /bin/true
assert_rc 0 "run /bin/true exits 0"
assert_no_leftovers "$id"

id=$(tid false)
hy run --id "$id" -- /bin/false
assert_rc 1 "run /bin/false exits 1"

id=$(tid exit3)
hy run --id "$id" -- /bin/sh -c 'exit 3'
assert_rc 3 "run sh -c 'exit 3' exits 3"
assert_no_leftovers "$id"

id=$(tid bpf)
hy run --id "$id" -- "$PROBE" bpf
assert_rc 0 "run probe bpf exits 0"
assert_eq "$RUN_OUT" "err EPERM" "bpf() is denied inside the sandbox"
assert_no_leftovers "$id"

done_testing
