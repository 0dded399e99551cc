#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --memory and --cpus enforced: the guest mounts a pure cgroup v2 hierarchy,
# so its memory and cpu controllers are hybox's (on the development host
# they are bound to v1, and 74-views.sh checks the warning instead), and
# runc's `events --interval` oom notices. Also the /proc views with FUSE
# loaded as a module, and OCI's linux.resources.cpu.cpus as the leaf's
# cpuset.cpus (a CPU the guest lacks fails create); linux.resources.unified
# (memory.high, written last so memory.max is unified's) and blockIO (weight
# as io.weight, runc's conversion; no BFQ and no block device in the guest,
# so weightDevice warns and io.max fails create); `hybox update` changing
# memory.max, cpu.max, cpu.weight, cpuset.cpus and pids.max of a running
# container; memory.reservation as memory.low, cpu.idle and cpu.burst
# (cpu.max.burst, written around cpu.max in runc's order so a quota and burst
# can fall or rise together), at create and through update, and
# memory.checkBeforeUpdate refusing a limit below the usage. Runs inside the
# VM only.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
# shellcheck source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"
require root cgroup2 probe

hy features --json
flat=$(printf '%s\n' "$RUN_OUT" | json_flat)
for f in cgroup_memory cgroup_cpu cgroup_cpuset cgroup_io cgroup_hugetlb fuse timens; do
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

# runc's `events --interval`: an OOM kill in the container is an `oom` line
# as soon as memory.events counts it (a 1 h interval: no stats line comes
# first); a 100 ms stream shows the limit; both end with the container.
scratch_dir
id=$(tid oomev)
bg_start "$HYBOX" run --id "$id" --memory 32M -- /bin/sh -c \
	"while [ ! -e $SCRATCH/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1;
	 echo dd=\$?; while :; do sleep 0.05; done" >"$TEST_TMP/run.out"
run=$BG_PID
running() { "$HYBOX" ps "$id" >/dev/null 2>&1; }
wait_for 20 running || true
bg_start "$HYBOX" events --interval 1h "$id" >"$TEST_TMP/oom.out" 2>"$TEST_TMP/oom.err"
slow=$BG_PID
bg_start "$HYBOX" events --interval 100ms "$id" >"$TEST_TMP/fast.out" 2>"$TEST_TMP/fast.err"
fast=$BG_PID
sleep 0.5
touch "$SCRATCH/go"
dd_done() { grep -q '^dd=' "$TEST_TMP/run.out"; }
wait_for 10 dd_done || true
assert_eq "$(cat "$TEST_TMP/run.out")" "dd=137" "dd bs=64M under --memory 32M is OOM-killed, the container goes on"
has_oom() { grep -qxF "{\"type\":\"oom\",\"id\":\"$id\"}" "$1"; }
check "events --interval 1h: an oom line for the kill" wait_for 5 has_oom "$TEST_TMP/oom.out"
check "events --interval 100ms: the oom line too" wait_for 5 has_oom "$TEST_TMP/fast.out"
assert_eq "$(grep -c '' "$TEST_TMP/oom.out")" 1 "events --interval 1h: the oom line alone"
check "events --interval 100ms: stats lines with the memory limit" \
	grep -q "^{\"type\":\"stats\",\"id\":\"$id\",.*\"limit\":33554432" "$TEST_TMP/fast.out"
"$HYBOX" kill "$id" KILL >/dev/null 2>&1
wait "$run" 2>/dev/null
gone() { ! kill -0 "$1" 2>/dev/null; }
check "the streams end with the container" wait_for 10 gone "$slow"
wait_for 10 gone "$fast" || true
wait "$slow"
assert_eq "$?" 0 "events --interval 1h exits 0 once the container stopped"
wait "$fast"
assert_eq "$?" 0 "events --interval 100ms exits 0 once the container stopped"
assert_eq "$(cat "$TEST_TMP/oom.err" "$TEST_TMP/fast.err")" "" "the streams print nothing on stderr"
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

# --- OCI linux.resources.cpu.cpus: cpuset.cpus in the leaf, init pinned ------------
# A bundle of the guest's busybox; config.json edited with sed (no python3 here).
B=$SCRATCH/bundle
mkdir -p "$B"/rootfs/{bin,proc,dev,sys,tmp}
cp /bin/busybox "$B/rootfs/bin/"
for a in sh grep nproc sleep dd; do ln -s busybox "$B/rootfs/bin/$a"; done
"$HYBOX" spec --bundle "$B"
cp "$B/config.json" "$TEST_TMP/default.json"
cpu_config() { # CMD CPUS: sh -c CMD with linux.resources.cpu.cpus CPUS
	sed -e "s|^      \"sh\"\$|      \"sh\", \"-c\", \"$1\"|" \
		-e "s|^  \"linux\": {\$|  \"linux\": {\"resources\": {\"cpu\": {\"cpus\": \"$2\"}},|" \
		"$TEST_TMP/default.json" >"$B/config.json"
}
ROOT=$SCRATCH/state
last=$(($(nproc) - 1))
cpu_config "sleep 100" "$last"
id=$(tid cpuset)
hy --root "$ROOT" run -d --bundle "$B" "$id"
assert_rc 0 "run -d with linux.resources.cpu.cpus \"$last\""
assert_eq "$RUN_ERR" "" "cpu.cpus: no warning, the cpuset controller enforces it"
assert_eq "$(cat "$(cg2_mount)/hybox/$id/cpuset.cpus" 2>&1)" "$last" "cpu.cpus \"$last\" is the leaf's cpuset.cpus"
assert_eq "$(cat "$(cg2_mount)/hybox/$id/cpuset.cpus.effective" 2>&1)" "$last" "... and its effective CPUs"
"$HYBOX" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
assert_no_leftovers "$id" "$ROOT"

cpu_config "grep Cpus_allowed_list /proc/self/status; nproc" "$last"
hy --root "$ROOT" run --bundle "$B" "$(tid cpuset2)"
assert_rc 0 "run with cpu.cpus \"$last\" showing its CPUs"
assert_match "$(sed -n 1p <<<"$RUN_OUT")" "^Cpus_allowed_list:\s+$last\$" "inside, Cpus_allowed_list is $last"
assert_eq "$(sed -n 2p <<<"$RUN_OUT")" 1 "inside, nproc says 1"

# CPU N (nproc) is one the guest lacks: with CPU 0 the kernel refuses the
# write into cpuset.cpus; alone, none of the CPUs named is there.
n=$(nproc)
cpu_config true "0,$n"
id=$(tid cpusetbad)
hy --root "$ROOT" create --bundle "$B" "$id"
assert_rc 125 "create with cpu.cpus \"0,$n\" fails"
assert_error_line "linux.resources.cpu.cpus \"0,$n\": the kernel refused it as cpuset.cpus \((Invalid argument|Numerical result out of range)\): this host has no such CPU" \
	"one line naming linux.resources.cpu.cpus, the value and the reason"
assert_no_leftovers "$id" "$ROOT"
cpu_config true "$n"
id=$(tid cpusetnone)
hy --root "$ROOT" create --bundle "$B" "$id"
assert_rc 125 "create with cpu.cpus \"$n\" fails"
assert_error_line "linux.resources.cpu.cpus \"$n\": none of these CPUs is available" \
	"one line naming linux.resources.cpu.cpus and the value"
assert_no_leftovers "$id" "$ROOT"

# --- OCI linux.resources.unified and blockIO -----------------------------------------
res_config() { # CMD RESOURCES: sh -c CMD with linux.resources RESOURCES (JSON, no | or &)
	sed -e "s|^      \"sh\"\$|      \"sh\", \"-c\", \"$1\"|" \
		-e "s|^  \"linux\": {\$|  \"linux\": {\"resources\": $2,|" \
		"$TEST_TMP/default.json" >"$B/config.json"
}
leaf=$(cg2_mount)/hybox
res_config "sleep 100" '{"memory": {"limit": 67108864}, "unified": {"memory.high": "50331648", "memory.max": "100663296"}, "blockIO": {"weight": 500}}'
id=$(tid unified)
hy --root "$ROOT" run -d --bundle "$B" "$id"
assert_rc 0 "run -d with unified memory.high and memory.max, memory.limit and blockIO.weight 500"
assert_eq "$RUN_ERR" "" "unified and blockIO.weight: no warning, the controllers enforce them"
assert_eq "$(cat "$leaf/$id/memory.high" 2>&1)" 50331648 "unified memory.high is the leaf's memory.high"
assert_eq "$(cat "$leaf/$id/memory.max" 2>&1)" 100663296 "unified is written last: its memory.max wins over memory.limit"
if [ -e "$leaf/$id/io.bfq.weight" ]; then
	assert_eq "$(cat "$leaf/$id/io.bfq.weight" 2>&1)" "default 500" "blockIO.weight 500 is io.bfq.weight 500"
else
	assert_eq "$(cat "$leaf/$id/io.weight" 2>&1)" "default 4950" "blockIO.weight 500 is io.weight 4950 (no BFQ: runc's conversion)"
fi
"$HYBOX" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
assert_no_leftovers "$id" "$ROOT"

# weightDevice needs BFQ (a module the guest does not load): a warning.
res_config "true" '{"blockIO": {"weightDevice": [{"major": 7, "minor": 0, "weight": 300}]}}'
hy --root "$ROOT" run --bundle "$B" "$(tid wdev)"
assert_rc 0 "run with blockIO.weightDevice and no BFQ"
assert_error_line "warning: linux.resources.blockIO.weightDevice\[0\] is not enforced: per-device weights are BFQ's \(io.bfq.weight\), and the BFQ I/O scheduler is not loaded\$" \
	"weightDevice: a warning naming the entry and BFQ"

# The kernel's refusals fail create, naming the member, the value and why.
res_fails() { # NAME RESOURCES ERE DESC
	local id
	id=$(tid "$1")
	res_config true "$2"
	hy --root "$ROOT" create --bundle "$B" "$id"
	assert_rc 125 "$4: create fails"
	assert_error_line "$3" "$4: one line naming it"
	assert_no_leftovers "$id" "$ROOT"
}
res_fails thr '{"blockIO": {"throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}]}}' \
	"linux.resources.blockIO.throttleReadBpsDevice\[0\] \"7:0 rbps=1048576\": the kernel refused it as io.max \(No such device\)" \
	"a read bps throttle on a device the guest lacks (7:0)"
res_fails uniinval '{"unified": {"memory.high": "lots"}}' \
	"linux.resources.unified\[\"memory.high\"\] \"lots\": the kernel refused it as memory.high \(Invalid argument\)" \
	"unified memory.high \"lots\""
res_fails uninone '{"unified": {"memory.nosuch": "1"}}' \
	"linux.resources.unified\[\"memory.nosuch\"\] \"1\": the container's cgroup has no file memory.nosuch: the controller has no such file on this kernel" \
	"unified memory.nosuch"

# --- hybox update (runc's): a running container's leaf files change ---------------------
res_config "sleep 100" '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
id=$(tid update)
hy --root "$ROOT" run -d --bundle "$B" "$id"
assert_rc 0 "run -d with memory.limit 64M and pids.limit 50"
hy --root "$ROOT" update --resources - "$id" <<<'{"memory": {"limit": 33554432}, "cpu": {"quota": 50000, "period": 100000, "shares": 1024, "cpus": "0"}, "pids": {"limit": 20}}'
assert_rc 0 "update --resources - with memory.limit, cpu quota/period/shares/cpus and pids.limit"
assert_eq "$RUN_ERR" "" "update: no warning, the controllers enforce it all"
assert_eq "$(cat "$leaf/$id/memory.max" 2>&1)" 33554432 "update: memory.limit is memory.max"
assert_eq "$(cat "$leaf/$id/cpu.max" 2>&1)" "50000 100000" "update: cpu.quota/period is cpu.max"
assert_eq "$(cat "$leaf/$id/cpu.weight" 2>&1)" 39 "update: cpu.shares 1024 is cpu.weight 39"
assert_eq "$(cat "$leaf/$id/cpuset.cpus" 2>&1)" 0 "update: cpu.cpus is cpuset.cpus"
assert_eq "$(cat "$leaf/$id/pids.max" 2>&1)" 20 "update: pids.limit is pids.max"
hy --root "$ROOT" update --memory -1 --pids-limit -1 --cpu-quota -1 "$id"
assert_rc 0 "update with runc's flags, -1: limits lifted"
assert_eq "$(cat "$leaf/$id/memory.max" "$leaf/$id/pids.max" "$leaf/$id/cpu.max" 2>&1 | tr '\n' ' ')" \
	"max max max 100000 " "update -1: memory.max, pids.max and cpu.max are max"
hy --root "$ROOT" update --pids-limit 0x10 "$id"
assert_rc 125 "update --pids-limit 0x10 is refused"
assert_eq "$(cat "$leaf/$id/pids.max" 2>&1)" max "... and changes nothing"
"$HYBOX" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
assert_no_leftovers "$id" "$ROOT"

# --- memory.reservation, cpu.idle, cpu.burst: memory.low, cpu.idle, cpu.max.burst ----------
res_config "sleep 100" '{"memory": {"reservation": 16777216}, "cpu": {"idle": 1, "quota": 50000, "period": 100000, "burst": 20000}}'
id=$(tid more)
hy --root "$ROOT" run -d --bundle "$B" "$id"
assert_rc 0 "run -d with memory.reservation, cpu.idle 1 and cpu.burst 20000"
assert_eq "$RUN_ERR" "" "no warning, the controllers enforce them"
assert_eq "$(cat "$leaf/$id/memory.low" 2>&1)" 16777216 "memory.reservation is the leaf's memory.low"
assert_eq "$(cat "$leaf/$id/cpu.idle" 2>&1)" 1 "cpu.idle 1 is the leaf's cpu.idle"
assert_eq "$(cat "$leaf/$id/cpu.max.burst" 2>&1)" 20000 "cpu.burst is the leaf's cpu.max.burst"
assert_eq "$(cat "$leaf/$id/cpu.max" 2>&1)" "50000 100000" "with cpu.max from the quota"
# Down together: the burst goes first (the new quota is below the old burst).
hy --root "$ROOT" update --cpu-quota 10000 --cpu-burst 5000 --cpu-idle 0 --memory-reservation 8M "$id"
assert_rc 0 "update lowering cpu.quota below the old burst, with a lower burst"
assert_eq "$(cat "$leaf/$id/cpu.max" "$leaf/$id/cpu.max.burst" 2>&1 | tr '\n' ' ')" \
	"10000 100000 5000 " "update: cpu.max and cpu.max.burst both lowered"
assert_eq "$(cat "$leaf/$id/cpu.idle" "$leaf/$id/memory.low" 2>&1 | tr '\n' ' ')" "0 8388608 " \
	"update: cpu.idle 0 and memory.low from --memory-reservation 8M"
# Up together: the kernel refuses the burst for the old quota; written again after cpu.max.
hy --root "$ROOT" update -r - "$id" <<<'{"cpu": {"quota": 80000, "burst": 60000}, "memory": {"reservation": -1}}'
assert_rc 0 "update raising cpu.quota and cpu.burst above the old quota"
assert_eq "$(cat "$leaf/$id/cpu.max" "$leaf/$id/cpu.max.burst" "$leaf/$id/memory.low" 2>&1 | tr '\n' ' ')" \
	"80000 100000 60000 max " "update: cpu.max, cpu.max.burst raised, memory.low max"
# The kernel's refusal: a burst alone above the current quota.
hy --root "$ROOT" update --cpu-burst 90000 "$id"
assert_rc 125 "update --cpu-burst above the quota fails"
assert_error_line "cpu\.burst \"90000\": the kernel refused it as cpu\.max\.burst \(Invalid argument\)" \
	"one line naming cpu.burst, the value and the kernel's reason"
assert_eq "$(cat "$leaf/$id/cpu.max.burst" 2>&1)" 60000 "... and the burst stays"
"$HYBOX" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
assert_no_leftovers "$id" "$ROOT"

# memory.checkBeforeUpdate: a limit at or below memory.current is refused (runc's check).
res_config "dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=12; sleep 100" '{"memory": {"limit": 67108864}}'
id=$(tid check)
hy --root "$ROOT" run -d --bundle "$B" "$id"
assert_rc 0 "run -d filling 12 MiB of /dev/shm under memory.limit 64M"
filled() { [ "$(cat "$leaf/$id/memory.current" 2>/dev/null || echo 0)" -ge 12582912 ]; }
check "the container uses at least 12 MiB" wait_for 10 filled
hy --root "$ROOT" update -r - "$id" <<<'{"memory": {"limit": 8388608, "checkBeforeUpdate": true}}'
assert_rc 125 "update to 8 MiB with checkBeforeUpdate is refused"
assert_error_line "memory\.limit 8388608: refused, as memory\.checkBeforeUpdate asks: the container uses [0-9]+ bytes \(memory\.current\)" \
	"one line naming memory.limit and the usage"
assert_eq "$(cat "$leaf/$id/memory.max" 2>&1)" 67108864 "... and memory.max stays"
hy --root "$ROOT" update -r - "$id" <<<'{"memory": {"limit": 33554432, "checkBeforeUpdate": true}}'
assert_rc 0 "update to 32 MiB, above the usage, with checkBeforeUpdate"
assert_eq "$(cat "$leaf/$id/memory.max" 2>&1)" 33554432 "memory.max is 32 MiB"
"$HYBOX" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
assert_no_leftovers "$id" "$ROOT"

done_testing
