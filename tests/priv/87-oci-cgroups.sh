#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# linux.cgroupsPath: an absolute path is below the cgroup2 mount's root, a
# relative one below <cgroup2>/hybox. The container's processes are there
# (host's /proc/PID/cgroup), ps, kill --all, pause/resume and a killed
# supervisor's delete find the leaf; delete removes the leaf and the parents
# hybox created, never a parent that existed. Refused paths (systemd's
# form, "..", "//", an existing leaf) leave nothing. linux.resources.pids.limit
# sets pids.max, cpu.shares cpu.weight and cpu.cpus/mems cpuset.cpus/mems
# (where the controller is available, else a warning); cpu.cpus pins the
# container to those CPUs (nproc, the views), a quota to some of them.
# hugepageLimits sets hugetlb.<size>.max, blockIO io.weight and io.max,
# unified any file of an enabled controller, last; each refusal names its path.
# memory.reservation sets memory.low, cpu.idle cpu.idle, cpu.burst
# cpu.max.burst, rdma rdma.max lines (else a warning naming the member);
# cgroup v1's members without a v2 file are warnings; cpu.realtime* refused.
# hybox update (runc's) changes those files of a running container, from a
# resources object (--resources FILE|-) or runc's flags; refusals name the
# member or flag and write nothing; a stopped container is refused.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

oci_scratch
CG=$(cg2_mount)
TOP=hyt-$$ # every parent this test makes starts here, below the cgroup2 root

cleanup_cg() { # whatever a failed run left below $TOP, deepest first
	[ -d "$CG/$TOP" ] && find "$CG/$TOP" -depth -type d -exec rmdir {} + 2>/dev/null
	[ -d "$CG/hybox/$TOP" ] && find "$CG/hybox/$TOP" -depth -type d -exec rmdir {} + 2>/dev/null
	return 0
}
trap 'cleanup_cg; _t_cleanup' EXIT

# set_config ARGS CGROUPSPATH: the default config with args and linux.cgroupsPath.
set_config() {
	cp "$SCRATCH/default.json" "$B/config.json"
	python3 - "$B/config.json" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = json.loads(sys.argv[2])
c["linux"]["cgroupsPath"] = sys.argv[3]
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}

# assert_leaf ID LEAF CREATED: the command of created container ID is in
# <cgroup2>/LEAF, and run.json records LEAF and CREATED (the shallowest parent
# hybox made).
assert_leaf() {
	local pid
	pid=$(state_field "$1" pid)
	assert_match "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/$2\$" "the command is in <cgroup2>/$2"
	check "run.json records the leaf and the parents hybox made from $3 on" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["cgroup"]
sys.exit(not (c["path"] == sys.argv[2] and c["created"] == sys.argv[3]))' \
		"$ROOT/$1/run.json" "$2" "$3"
}

# create_in NAME CGROUPSPATH: container $(tid NAME), `sleep 1000`, created at
# CGROUPSPATH; sets id.
create_in() {
	id=$(tid "$1")
	set_config '["sleep", "1000"]' "$2"
	hyr create --bundle "$B" "$id"
	assert_rc 0 "create $id with linux.cgroupsPath $2"
}

state_field() {
	"$HYBOX" --root "$ROOT" state "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null
}

# --- absolute: /TOP/pod/ID, none of it existing --------------------------------
id=$(tid abs)
leaf=$TOP/pod/$id
set_config '["sh", "-c", "sleep 1000 & sleep 1000"]' "/$leaf"
hyr create --bundle "$B" "$id"
assert_rc 0 "create with an absolute linux.cgroupsPath"
assert_leaf "$id" "$leaf" "$TOP"
hyr start "$id"
assert_rc 0 "start"
check "init, sh and the sleeps are in the leaf" wait_for 10 sh -c "[ \$(wc -l <'$CG/$leaf/cgroup.procs') -ge 3 ]"
hyr ps --format json "$id"
assert_match "$RUN_OUT" "^\[[0-9]+(,[0-9]+)+\]$" "ps --format json lists the processes ($RUN_OUT)"
hyr pause "$id"
assert_eq "$(state_field "$id" status):$(cat "$CG/$leaf/cgroup.freeze" 2>&1)" "paused:1" \
	"pause freezes the configured leaf"
hyr resume "$id"
assert_eq "$(state_field "$id" status):$(cat "$CG/$leaf/cgroup.freeze" 2>&1)" "running:0" \
	"resume thaws it"
hyr kill --all "$id" KILL
assert_rc 0 "kill --all KILL"
check "kill --all stops the container" wait_for 10 sh -c "\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
hyr delete "$id"
assert_rc 0 "delete"
check "the leaf and the parents hybox made are gone" test ! -e "$CG/$TOP"
assert_no_leftovers "$id" "$ROOT" "" "$leaf"

# --- relative: hybox/TOP/sub/ID, a parent that pre-exists stays ---------------
mkdir -p "$CG/hybox/$TOP"
create_in rel "$TOP/sub/$(tid rel)"
leaf=hybox/$TOP/sub/$id
assert_leaf "$id" "$leaf" "hybox/$TOP/sub"
hyr delete --force "$id"
assert_rc 0 "delete --force"
check "the leaf and the parent hybox made are gone" test ! -e "$CG/hybox/$TOP/sub"
check "the parent that existed stays" test -d "$CG/hybox/$TOP"
assert_no_leftovers "$id" "$ROOT" "" "$leaf"

# The supervisor's own teardown (the command ends) removes them too.
id=$(tid run)
set_config '["true"]' "$TOP/r1/r2/$id"
hyr run --bundle "$B" --keep "$id"
assert_rc 0 "run --keep with a relative linux.cgroupsPath"
check "after the run, $TOP/r1 (made by hybox) is gone" test ! -e "$CG/hybox/$TOP/r1"
hyr delete "$id"
assert_no_leftovers "$id" "$ROOT" "" "hybox/$TOP/r1/r2/$id"

# A killed supervisor: delete finds the configured leaf through run.json.
create_in killed "$TOP/k/$(tid killed)"
leaf=hybox/$TOP/k/$id
kill_supervisor "$ROOT" "$B" "$id"
hyr delete "$id"
assert_rc 0 "delete after a killed supervisor"
check "delete removed the leaf and the parent hybox made ($TOP/k)" test ! -e "$CG/hybox/$TOP/k"
check "the pre-existing parent stays" test -d "$CG/hybox/$TOP"
assert_no_leftovers "$id" "$ROOT" "" "$leaf"
rmdir "$CG/hybox/$TOP"

# --- linux.resources.pids.limit -> pids.max ----------------------------------
set_pids() { # ARGS LIMIT
	set_config "$1" ""
	python3 - "$B/config.json" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["resources"] = {"pids": {"limit": int(sys.argv[2])}}
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}
hy features
if grep -qw pids "$CG/cgroup.controllers"; then
	assert_match "$RUN_OUT" "cgroup v2 pids controller \(OCI linux.resources.pids.limit\): yes" \
		"features: the pids controller is available"
	# init, sh and the sleeps: at most 8 tasks, so a fork fails (EAGAIN) and
	# busybox sh stops with "can't fork" before the echo.
	set_pids '["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 10 & done; echo all-forked"]' 8
	id=$(tid pids)
	hyr run --bundle "$B" "$id"
	assert_not_contains "$RUN_OUT" all-forked "pids.max 8 stops the loop before its 12 sleeps"
	assert_match "$RUN_ERR" "can't fork|Resource temporarily unavailable" "the failed fork is EAGAIN"
	assert_no_leftovers "$id" "$ROOT"
else
	# This host's cgroup2 lacks the pids controller (bound to cgroup v1): the
	# limit cannot be enforced, which hybox says at run time and in features.
	assert_match "$RUN_OUT" "cgroup v2 pids controller \(OCI linux.resources.pids.limit\): no \(no pids controller in $CG/cgroup.controllers .*: the limit is not enforced\)" \
		"features: the pids controller is unavailable, with the reason"
	set_pids '["true"]' 8
	id=$(tid pids)
	hyr run --bundle "$B" "$id"
	assert_rc 0 "run with linux.resources.pids.limit 8 (not enforceable here)"
	assert_error_line "warning: linux.resources.pids.limit is not enforced: the cgroup v2 pids controller is not available to hybox on this host \(see 'hybox features'\)\$" \
		"run warns that pids.limit is not enforced"
	assert_no_leftovers "$id" "$ROOT"
fi
set_pids '["true"]' -2
hyr run --bundle "$B" "$(tid pidsbad)"
assert_rc 125 "pids.limit -2 is refused"
assert_error_line "linux.resources.pids.limit: expected an integer \(-1: no limit\), got -2" \
	"the refusal names linux.resources.pids.limit"

# --- linux.resources.cpu.shares -> cpu.weight (runc's mapping) ----------------
set_config '["sleep", "100"]' ""
edit_config "$B/config.json" 'c["linux"]["resources"] = {"cpu": {"shares": 1024}}'
id=$(tid shares)
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d with linux.resources.cpu.shares 1024"
if grep -qw cpu "$CG/cgroup.controllers"; then
	assert_eq "$(cat "$CG/hybox/$id/cpu.weight" 2>&1)" 39 "cpu.shares 1024 is cpu.weight 39"
else
	assert_error_line "warning: linux.resources.cpu.shares is not enforced: the cgroup v2 cpu controller is not available to hybox on this host" \
		"cpu.shares: a warning where the cgroup2 mount has no cpu controller"
fi
hyr delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# --- linux.resources.cpu.cpus/mems -> cpuset.cpus/mems, and the CPUs it runs on ---
set_cpu() { # ARGS CPU-OBJECT
	set_config "$1" ""
	edit_config "$B/config.json" 'c["linux"]["resources"] = {"cpu": json.loads(arg)}' "$2"
}
# grep, not busybox cat: its sendfile(2) reads a FUSE view as empty on some kernels
show='nproc; grep . /sys/devices/system/cpu/online; grep Cpus_allowed_list /proc/self/status'
last=$(($(nproc) - 1))
set_cpu "[\"sh\", \"-c\", \"$show\"]" "{\"cpus\": \"$last\"}"
id=$(tid cpus)
hyr run --bundle "$B" "$id"
assert_rc 0 "run with linux.resources.cpu.cpus \"$last\""
assert_eq "$(sed -n 1p <<<"$RUN_OUT")" 1 "cpu.cpus \"$last\": nproc says 1"
if [ "$(feature_state fuse)" = yes ]; then
	assert_eq "$(sed -n 2p <<<"$RUN_OUT")" "$last" "cpu.cpus \"$last\": /sys/devices/system/cpu/online shows CPU $last"
else
	skip "/sys/devices/system/cpu/online: no FUSE, the views are the host's"
fi
assert_match "$(sed -n 3p <<<"$RUN_OUT")" "^Cpus_allowed_list:\s+$last\$" "init and its children run on CPU $last alone"
if [ "$(feature_state cgroup_cpuset)" = yes ]; then
	assert_eq "$RUN_ERR" "" "cpu.cpus: no warning where the cpuset controller enforces it"
else
	assert_error_line "warning: linux.resources.cpu.cpus is not enforced: the cgroup v2 cpuset controller is not available to hybox on this host \(see 'hybox features'\); the container still runs on those CPUs" \
		"cpu.cpus: a warning where the cgroup2 mount has no cpuset controller"
fi
assert_no_leftovers "$id" "$ROOT"

# A quota picks ceil(quota/period) CPUs among cpu.cpus: 1 of 0-LAST.
set_cpu "[\"sh\", \"-c\", \"$show\"]" "{\"cpus\": \"0-$last\", \"quota\": 50000, \"period\": 100000}"
hyr run --bundle "$B" "$(tid cpusq)"
assert_rc 0 "run with cpu.cpus \"0-$last\" and a quota of half a CPU"
assert_eq "$(sed -n 1p <<<"$RUN_OUT")" 1 "cpu.cpus with quota 0.5: nproc says 1"
assert_match "$(sed -n 3p <<<"$RUN_OUT")" '^Cpus_allowed_list:\s+0$' "the first CPU of cpu.cpus"

# The leaf's files, or a warning for mems too.
set_cpu '["sleep", "100"]' "{\"cpus\": \"0-$last\", \"mems\": \"0\"}"
id=$(tid cpuset)
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d with cpu.cpus \"0-$last\" and cpu.mems \"0\""
if [ "$(feature_state cgroup_cpuset)" = yes ]; then
	assert_eq "$(cat "$CG/hybox/$id/cpuset.cpus" 2>&1)" "0-$last" "cpu.cpus is the leaf's cpuset.cpus"
	assert_eq "$(cat "$CG/hybox/$id/cpuset.mems" 2>&1)" 0 "cpu.mems is the leaf's cpuset.mems"
else
	assert_match "$RUN_ERR" "warning: linux.resources.cpu.mems is not enforced: the cgroup v2 cpuset controller is not available" \
		"cpu.mems: a warning where the cgroup2 mount has no cpuset controller"
fi
hyr delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# Refused before anything is made: a malformed list; CPUs hybox cannot use.
set_cpu '["true"]' '{"cpus": "0-"}'
id=$(tid cpusbad)
hyr create --bundle "$B" "$id"
assert_rc 125 "cpu.cpus \"0-\" is refused"
assert_error_line "linux.resources.cpu.cpus: expected a list of CPUs like \"0-3,5\" .*got \"0-\": expected a number after '-'" \
	"the refusal names linux.resources.cpu.cpus and what was expected"
assert_no_leftovers "$id" "$ROOT"
set_cpu '["true"]' '{"mems": "1,x"}'
hyr create --bundle "$B" "$(tid memsbad)"
assert_rc 125 "cpu.mems \"1,x\" is refused"
assert_error_line "linux.resources.cpu.mems: expected a list of memory nodes" "the refusal names linux.resources.cpu.mems"
set_cpu '["true"]' '{"cpus": "1023"}'
id=$(tid cpusnone)
hyr create --bundle "$B" "$id"
assert_rc 125 "cpu.cpus \"1023\" (no such CPU here) fails create"
assert_error_line "linux.resources.cpu.cpus \"1023\": none of these CPUs is available \(hybox may run on 0(-$last)?\)" \
	"the failure names linux.resources.cpu.cpus, the value and the CPUs there are"
assert_no_leftovers "$id" "$ROOT"

# --- hugepageLimits, blockIO, unified: further files of the leaf ------------------
set_res() { # ARGS RESOURCES-JSON: the default config with linux.resources
	set_config "$1" ""
	edit_config "$B/config.json" 'c["linux"]["resources"] = json.loads(arg)' "$2"
}
# create_fails NAME RESOURCES ERE DESC: create exits 125 with one line, nothing left
create_fails() {
	local id
	id=$(tid "$1")
	set_res '["true"]' "$2"
	hyr create --bundle "$B" "$id"
	assert_rc 125 "$4: create exits 125"
	assert_error_line "$3" "$4: one line naming it"
	assert_no_leftovers "$id" "$ROOT"
}
leaf_of() { cat "$CG/hybox/$1/$2" 2>&1; }
# A block device of this host for io.max and the weights ("MAJ:MIN").
dev=$(cat /sys/block/*/dev 2>/dev/null | head -n 1)
dev=${dev:-8:0}
maj=${dev%:*} min=${dev#*:}

# hugepageLimits: hugetlb.<size>.max and .rsvd.max (runc's pair); unified is
# written last, so its hugetlb.2MB.max wins over hugepageLimits' own.
id=$(tid huge)
set_res '["sleep", "100"]' '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d with hugepageLimits 2MB: 4194304"
if [ "$(feature_state cgroup_hugetlb)" = yes ]; then
	assert_eq "$RUN_ERR" "" "hugepageLimits: no warning where the hugetlb controller enforces it"
	assert_eq "$(leaf_of "$id" hugetlb.2MB.max)" 4194304 "hugepageLimits 2MB is the leaf's hugetlb.2MB.max"
	if [ -e "$CG/hybox/$id/hugetlb.2MB.rsvd.max" ]; then
		assert_eq "$(leaf_of "$id" hugetlb.2MB.rsvd.max)" 4194304 "... and hugetlb.2MB.rsvd.max"
	else
		skip "hugetlb.2MB.rsvd.max: the kernel has none (before Linux 5.7)"
	fi
	hyr delete --force "$id"
	assert_no_leftovers "$id" "$ROOT"

	id=$(tid hugeuni)
	set_res '["sleep", "100"]' '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}], "unified": {"hugetlb.2MB.max": "2097152"}}'
	hyr run -d --bundle "$B" "$id"
	assert_rc 0 "run -d with hugepageLimits and unified both setting hugetlb.2MB.max"
	assert_eq "$(leaf_of "$id" hugetlb.2MB.max)" 2097152 "unified is written last: its value wins"
	assert_eq "$(leaf_of "$id" hugetlb.2MB.rsvd.max)" 4194304 "hugepageLimits' rsvd.max stays"
	hyr delete --force "$id"
	assert_no_leftovers "$id" "$ROOT"

	# The kernel's refusals fail create with the member, the value and the reason.
	create_fails hugenone '{"hugepageLimits": [{"pageSize": "4MB", "limit": 0}]}' \
		"linux.resources.hugepageLimits\[0\] \"0\": the container's cgroup has no file hugetlb.4MB.max: this host has no huge pages of that size" \
		"a page size the host lacks (4MB)"
	create_fails unibad '{"unified": {"hugetlb.2MB.max": "lots"}}' \
		"linux.resources.unified\[\"hugetlb.2MB.max\"\] \"lots\": the kernel refused it as hugetlb.2MB.max \(Invalid argument\)" \
		"unified hugetlb.2MB.max \"lots\""
	create_fails uninone '{"unified": {"hugetlb.2MB.nosuch": "1"}}' \
		"linux.resources.unified\[\"hugetlb.2MB.nosuch\"\] \"1\": the container's cgroup has no file hugetlb.2MB.nosuch: the controller has no such file on this kernel" \
		"a unified file the hugetlb controller does not have"
else
	assert_error_line "warning: linux.resources.hugepageLimits\[0\] is not enforced: the cgroup v2 hugetlb controller is not available to hybox on this host" \
		"hugepageLimits: a warning where the cgroup2 mount has no hugetlb controller"
	hyr delete --force "$id"
	assert_no_leftovers "$id" "$ROOT"
fi

# unified memory.high (Kubernetes' MemoryQoS) and blockIO: the leaf's files
# where memory and io are hybox's, else one warning each naming the member.
id=$(tid uniio)
set_res '["sleep", "100"]' "{\"unified\": {\"memory.high\": \"50331648\"}, \"blockIO\": {\"weight\": 500, \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}]}}"
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d with unified memory.high, blockIO weight 500 and a read bps throttle on $dev"
if [ "$(feature_state cgroup_memory)" = yes ]; then
	assert_eq "$(leaf_of "$id" memory.high)" 50331648 "unified memory.high is the leaf's memory.high"
else
	assert_match "$RUN_ERR" "warning: linux\.resources\.unified\[\"memory\.high\"\] is not enforced: the cgroup v2 memory controller is not available to hybox on this host \(see 'hybox features'\)" \
		"unified memory.high: a warning naming the key where the cgroup2 mount has no memory controller"
fi
if [ "$(feature_state cgroup_io)" = yes ]; then
	assert_match "$(leaf_of "$id" io.max)" "^$dev rbps=1048576 " "throttleReadBpsDevice is the leaf's io.max line for $dev"
	w=$(leaf_of "$id" io.bfq.weight)
	[ -e "$CG/hybox/$id/io.bfq.weight" ] || w=$(leaf_of "$id" io.weight)
	assert_match "$w" "^default (500|4950)\$" "blockIO.weight 500: io.bfq.weight 500, or io.weight 4950"
else
	assert_match "$RUN_ERR" "warning: linux\.resources\.blockIO\.weight is not enforced: the cgroup v2 io controller is not available to hybox on this host" \
		"blockIO.weight: a warning where the cgroup2 mount has no io controller"
	assert_match "$RUN_ERR" "warning: linux\.resources\.blockIO\.throttleReadBpsDevice\[0\] is not enforced: the cgroup v2 io controller is not available" \
		"throttleReadBpsDevice: a warning naming the entry"
fi
hyr delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# The rest of runc's cgroup v2 mapping: memory.reservation -> memory.low,
# cpu.idle -> cpu.idle, cpu.burst -> cpu.max.burst (with a quota), rdma ->
# rdma.max; the leaf's files where the controller is hybox's, else a warning
# naming the member. cgroup v1's members without a v2 file: a warning each.
# has_ctl CONTROLLER: the cgroup2 mount gives hybox that controller.
has_ctl() { grep -qw "$1" "$CG/cgroup.controllers"; }
# leaf_is FILE WANT DESC [MEMBER]: container $id's leaf FILE reads WANT where
# its controller is hybox's; else the last command warned that MEMBER (an ERE,
# any by default) is not enforced for want of that controller.
leaf_is() {
	if has_ctl "${1%%.*}"; then
		assert_eq "$(leaf_of "$id" "$1")" "$2" "$3"
	else
		assert_match "$RUN_ERR" "warning: ${4:-.*} is not enforced: the cgroup v2 ${1%%.*} controller is not available to hybox on this host \(see 'hybox features'\)" \
			"$3: a warning where the cgroup2 mount has no ${1%%.*} controller"
	fi
}
id=$(tid more)
set_res '["sleep", "100"]' '{"memory": {"reservation": 33554432, "kernel": 1073741824, "swappiness": 60, "disableOOMKiller": true}, "cpu": {"idle": 1, "burst": 20000, "quota": 50000, "period": 100000, "realtimeRuntime": 0}, "network": {"classID": 1048577}}'
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d with memory.reservation, cpu.idle, cpu.burst and cgroup v1's members"
leaf_is memory.low 33554432 "memory.reservation is the leaf's memory.low" "linux\.resources\.memory\.reservation"
leaf_is cpu.idle 1 "cpu.idle is the leaf's cpu.idle" "linux\.resources\.cpu\.idle"
leaf_is cpu.max.burst 20000 "cpu.burst is the leaf's cpu.max.burst" "linux\.resources\.cpu\.burst"
leaf_is cpu.max "50000 100000" "cpu.quota/period is the leaf's cpu.max" "linux\.resources\.cpu\.quota"
assert_not_contains "$RUN_ERR" "--cpus" "warnings name config.json's members, not hybox run's --cpus"
for m in "memory\.kernel:no kernel memory limit of its own: it counts in memory\.max \(cgroup v1's memory\.kmem\.limit_in_bytes\)" \
	"memory\.swappiness:no swappiness per cgroup \(cgroup v1's memory\.swappiness\)" \
	"memory\.disableOOMKiller:no way to turn the OOM killer off \(cgroup v1's memory\.oom_control\)" \
	"network\.classID:no net_cls controller \(cgroup v1's net_cls\.classid\)"; do
	assert_match "$RUN_ERR" "hybox: warning: linux\.resources\.${m%%:*} is not enforced: cgroup v2 has ${m#*:}; runc ignores it there too" \
		"${m%%:*}: a warning that cgroup v2 has no such control"
done
assert_eq "$(ls "$CG/hybox/$id" | grep -cE 'swappiness|kmem|oom_control|net_cls')" 0 \
	"no cgroup v1 file is written"
hyr delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# rdma: one rdma.max line per device; a device the host lacks is the kernel's
# refusal (No such device) where the rdma controller is hybox's.
rdma='{"rdma": {"hyt_nosuch0": {"hcaHandles": 2, "hcaObjects": 100}}}'
if has_ctl rdma; then
	create_fails rdmanone "$rdma" \
		"linux\.resources\.rdma\.hyt_nosuch0 \"hyt_nosuch0 hca_handle=2 hca_object=100\": the kernel refused it as rdma\.max \(No such device\)" \
		"rdma for a device the host lacks"
else
	id=$(tid rdma)
	set_res '["true"]' "$rdma"
	hyr run --bundle "$B" "$id"
	assert_rc 0 "run with rdma (no rdma controller here)"
	assert_error_line "warning: linux\.resources\.rdma\.hyt_nosuch0 is not enforced: the cgroup v2 rdma controller is not available to hybox on this host" \
		"rdma: one warning naming the device's member"
	assert_no_leftovers "$id" "$ROOT"
fi

# Refused when config.json is read: nothing is created.
create_fails rt '{"cpu": {"realtimeRuntime": 95000, "realtimePeriod": 1000000}}' \
	"linux\.resources\.cpu\.realtimeRuntime: not supported: cgroup v2 has no real-time CPU time per cgroup \(cgroup v1's cpu\.rt_runtime_us and cpu\.rt_period_us\); leave it out or 0" \
	"cpu.realtimeRuntime"
create_fails burstbig '{"cpu": {"quota": 10000, "burst": 20000}}' \
	"linux\.resources\.cpu\.burst: expected at most cpu\.quota \(10000\), got 20000: the kernel refuses a burst above the quota" \
	"cpu.burst above cpu.quota"
create_fails idle2 '{"cpu": {"idle": 2}}' \
	"linux\.resources\.cpu\.idle: expected an integer from 0 to 1, got 2" "cpu.idle 2"
create_fails burstneg '{"cpu": {"burst": -5}}' \
	"linux\.resources\.cpu\.burst: expected an integer from 0 to [0-9]+, got -5" "cpu.burst -5"
create_fails resneg '{"memory": {"reservation": -2}}' \
	"linux\.resources\.memory\.reservation: expected an integer \(-1: no limit\), got -2" \
	"memory.reservation -2"
create_fails swapp '{"memory": {"swappiness": 101}}' \
	"linux\.resources\.memory\.swappiness: expected an integer from 0 to 100, got 101" \
	"memory.swappiness 101"
create_fails rdmaname '{"rdma": {"mlx5 0": {"hcaHandles": 1}}}' \
	"linux\.resources\.rdma\[\"mlx5 0\"\]: expected an RDMA device name like \"mlx5_0\"" \
	"an rdma device name with a space"
create_fails rdmaneg '{"rdma": {"mlx5_0": {"hcaObjects": -1}}}' \
	"linux\.resources\.rdma\.mlx5_0\.hcaObjects: expected an integer from 0 to 4294967295, got -1" \
	"rdma hcaObjects -1"
create_fails netprio '{"network": {"priorities": [{"name": "eth0"}]}}' \
	"linux\.resources\.network\.priorities\[0\]\.priority: expected an integer, got nothing" \
	"network.priorities without a priority"

# Refused when config.json is read: nothing is created.
create_fails unislash '{"unified": {"memory/../memory.high": "1"}}' \
	"linux.resources.unified\[\"memory/\.\./memory\.high\"\]: expected a cgroup v2 file name like \"memory.high\", got a \"/\" in it" \
	"a unified key with a /"
create_fails uniprocs '{"unified": {"cgroup.procs": "1"}}' \
	"linux.resources.unified\[\"cgroup.procs\"\]: .*hybox manages the leaf's cgroup.\* files itself" \
	"unified cgroup.procs"
create_fails unimisc '{"unified": {"misc.max": "res_a 1"}}' \
	"linux.resources.unified\[\"misc.max\"\]: .*not a file of a controller hybox enables for the container \(memory, pids, cpu, cpuset, io, hugetlb, rdma\)" \
	"unified misc.max (a controller hybox does not enable)"
create_fails uninl '{"unified": {"memory.high": "1\n2"}}' \
	"linux.resources.unified\[\"memory.high\"\]: expected a value of one line" \
	"a unified value with a newline"
create_fails leafw '{"blockIO": {"leafWeight": 500}}' \
	"linux.resources.blockIO.leafWeight: not supported: cgroup v2 has no leaf weight" \
	"blockIO.leafWeight"
create_fails blkw '{"blockIO": {"weight": 5}}' \
	"linux.resources.blockIO.weight: expected 0 \(unset\) or 10 to 1000, got 5" "blockIO.weight 5"
create_fails hugemib '{"hugepageLimits": [{"pageSize": "2MiB", "limit": 0}]}' \
	"linux.resources.hugepageLimits\[0\].pageSize: expected a huge page size as the kernel names it, like \"2MB\" or \"1GB\", got \"2MiB\"" \
	"hugepageLimits pageSize 2MiB"

# --- hybox update: runc's update (containerd's UpdateContainerResources) ---------
# The leaf's files change where the controller is hybox's (else a warning
# naming the member); members left out stay; a refusal writes nothing.
id=$(tid upd)
set_res '["sleep", "1000"]' '{"pids": {"limit": 50}, "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d a container to update (pids.limit 50, hugepageLimits 2MB 4194304)"
hyr update --resources - "$id" <<<'{"memory": {"limit": 67108864}, "cpu": {"quota": 50000, "period": 100000}, "pids": {"limit": 20}}'
assert_rc 0 "update --resources - with memory.limit, cpu.quota/period and pids.limit"
leaf_is memory.max 67108864 "update: memory.limit is the leaf's memory.max"
leaf_is cpu.max "50000 100000" "update: cpu.quota/period is the leaf's cpu.max"
leaf_is pids.max 20 "update: pids.limit is the leaf's pids.max"
if [ "$(feature_state cgroup_hugetlb)" = yes ]; then
	assert_eq "$(leaf_of "$id" hugetlb.2MB.max)" 4194304 "update: hugetlb.2MB.max, left out, stays"
	hyr update -r - "$id" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}'
	assert_rc 0 "update -r - with hugepageLimits"
	assert_eq "$(leaf_of "$id" hugetlb.2MB.max)" 2097152 "update: hugepageLimits is the leaf's hugetlb.2MB.max"
	echo '{"unified": {"hugetlb.2MB.max": "6291456"}}' >"$SCRATCH/res.json"
	hyr update --resources "$SCRATCH/res.json" "$id"
	assert_rc 0 "update --resources FILE with unified"
	assert_eq "$(leaf_of "$id" hugetlb.2MB.max)" 6291456 "update: a unified key is written into the leaf"
else
	skip "update of hugetlb files: no hugetlb controller here"
fi
hyr update --pids-limit 30 --cpu-share 1024 --memory 128M "$id"
assert_rc 0 "update with runc's flags --pids-limit, --cpu-share, --memory"
leaf_is pids.max 30 "update --pids-limit 30 is pids.max"
leaf_is cpu.weight 39 "update --cpu-share 1024 is cpu.weight 39"
leaf_is memory.max 134217728 "update --memory 128M is memory.max"
hyr update --memory-reservation 32M --cpu-idle 1 --cpu-quota 50000 --cpu-burst 10000 \
	--kernel-memory 1G "$id"
assert_rc 0 "update with runc's flags --memory-reservation, --cpu-idle, --cpu-burst, --kernel-memory"
leaf_is memory.low 33554432 "update --memory-reservation 32M is memory.low"
leaf_is cpu.idle 1 "update --cpu-idle 1 is cpu.idle"
leaf_is cpu.max.burst 10000 "update --cpu-burst 10000 is cpu.max.burst"
assert_match "$RUN_ERR" "hybox: warning: memory\.kernel is not enforced: cgroup v2 has no kernel memory limit of its own" \
	"update --kernel-memory: a warning, as runc's"
hyr update -r - "$id" <<<'{"memory": {"reservation": -1}, "cpu": {"idle": 0}, "rdma": {"hyt_nosuch0": {"hcaHandles": 1}}}'
if has_ctl rdma; then
	assert_rc 125 "update with rdma for a device the host lacks exits 125"
	assert_error_line "rdma\.hyt_nosuch0 \"hyt_nosuch0 hca_handle=1\": the kernel refused it as rdma\.max \(No such device\)" \
		"the kernel's refusal names the member, the line and the reason"
else
	assert_rc 0 "update -r with memory.reservation -1, cpu.idle 0 and rdma"
	assert_match "$RUN_ERR" "warning: rdma\.hyt_nosuch0 is not enforced: the cgroup v2 rdma controller is not available" \
		"update: rdma, a warning where the cgroup2 mount has no rdma controller"
fi
leaf_is memory.low max "update memory.reservation -1 is memory.low max"
leaf_is cpu.idle 0 "update cpu.idle 0 is cpu.idle 0"
hyr update --pids-limit -1 --memory -1 --cpu-quota -1 "$id"
assert_rc 0 "update with -1: limits lifted"
leaf_is pids.max max "update --pids-limit -1 is pids.max max"
leaf_is memory.max max "update --memory -1 is memory.max max"
leaf_is cpu.max "max 100000" "update --cpu-quota -1 is cpu.max max"
hyr update --pids-limit 40 "$id"
before=$(cat "$CG/hybox/$id/hugetlb.2MB.max" "$CG/hybox/$id/pids.max" 2>&1)

# A malformed object or value: 125, one line naming it, nothing written.
hyr update -r - "$id" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}], "pids": {"limit": -2}}'
assert_rc 125 "update with pids.limit -2 exits 125"
assert_error_line "^hybox update: --resources -:1:[0-9]+: pids\.limit: expected an integer \(-1: no limit\), got -2\$" \
	"the refusal names pids.limit, rooted at the resources object"
hyr update -r - "$id" <<<'{"memory": {"limit": 1024'
assert_rc 125 "update with malformed JSON exits 125"
assert_error_line "^hybox update: --resources -:[0-9]+:[0-9]+: .*\(not valid JSON\)\$" "malformed JSON: one line saying so"
hyr update -r - "$id" <<<'{"cpu": {"realtimeRuntime": 1000}}'
assert_rc 125 "update with cpu.realtimeRuntime exits 125"
assert_error_line "cpu\.realtimeRuntime: not supported: cgroup v2 has no real-time CPU time per cgroup" \
	"a refused member is named with the reason, as at create"
hyr update --memory 1k "$id"
assert_rc 125 "update --memory 1k exits 125"
assert_error_line "^hybox update: --memory 1k: memory\.limit: expected at least 4194304 bytes \(4 MiB\), got 1024\$" \
	"the refusal names the flag and the member"
hyr update --pids-limit lots "$id"
assert_rc 125 "update --pids-limit lots exits 125"
assert_error_line "^hybox update: --pids-limit: expected an integer, got 'lots'\$" "the refusal names the flag"
assert_eq "$(cat "$CG/hybox/$id/hugetlb.2MB.max" "$CG/hybox/$id/pids.max" 2>&1)" "$before" \
	"the refused updates changed nothing in the leaf"
hyr update --cpu-rt-runtime 1000 "$id"
assert_rc 125 "update --cpu-rt-runtime 1000 exits 125"
assert_error_line "^hybox update: --cpu-rt-runtime 1000: cpu\.realtimeRuntime: not supported: cgroup v2 has no real-time CPU time per cgroup" \
	"update --cpu-rt-runtime is refused by name, with its member's reason"
hyr update --l3-cache-schema L3=f "$id"
assert_rc 125 "update --l3-cache-schema exits 125"
assert_error_line "^hybox update: --l3-cache-schema: not supported: it asks for Intel RDT" \
	"update --l3-cache-schema is refused by name"
hyr update --memory 64M --resources - "$id" </dev/null
assert_rc 125 "flags and --resources together exit 125"
assert_error_line "--memory 64M: cannot be combined with --resources" "the refusal names the flag"
hyr delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# Only a created, running or paused container.
id=$(tid updstop)
set_res '["true"]' '{}'
hyr run --keep --bundle "$B" "$id"
hyr update --pids-limit 10 "$id"
assert_rc 125 "update of a stopped container exits 125"
assert_error_line "^hybox update: container '$id' is stopped: only a created, running or paused container can be updated\$" \
	"a stopped container: a clear error"
hyr delete "$id"
hyr update --pids-limit 10 "$id"
assert_rc 125 "update of an unknown container exits 125"
assert_error_line "^hybox update: container '$id' does not exist" "an unknown container: a clear error"

# --- refusals: nothing is created ----------------------------------------------
refuse() { # NAME CGROUPSPATH ERE DESC
	local id
	id=$(tid "$1")
	shift
	set_config '["true"]' "$1"
	hyr create --bundle "$B" "$id"
	assert_rc 125 "$3: create exits 125"
	assert_error_line "$2" "$3: one line naming linux.cgroupsPath"
	assert_no_leftovers "$id" "$ROOT"
}
refuse systemd "system.slice:libpod:x" "linux.cgroupsPath: .*systemd cgroups .* are not supported" "systemd's slice:prefix:name"
refuse dotdot "/$TOP/../x" "linux.cgroupsPath: expected a cgroup path .*\"\.\.\" component" "a .. component"
refuse slashes "/$TOP//x" "linux.cgroupsPath: .*an empty component" "a // in the path"
check "the refused paths created nothing" test ! -e "$CG/$TOP"
mkdir -p "$CG/$TOP/taken"
refuse exists "/$TOP/taken" "config.json linux.cgroupsPath \"/$TOP/taken\": create cgroup .*/$TOP/taken: File exists" "an existing leaf"
check "the existing leaf stays" test -d "$CG/$TOP/taken"
rmdir "$CG/$TOP/taken" "$CG/$TOP"

done_testing
