#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The container's own kernel view: /proc/meminfo, cpuinfo, stat, swaps and
# /sys/devices/system/cpu/online served by kernel-emu over FUSE, uptime from
# the container's start (time namespace), --memory and --cpus shown by free,
# nproc and friends, enforced through cgroup v2 where the controllers exist.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3 fuse timens

host_cpus=$(grep -c '^processor' /proc/cpuinfo)
host_up=$(cut -d. -f1 /proc/uptime)

# --- uptime and the views' mounts, no limits ----------------------------------
hy run -- /bin/sh -c 'cut -d. -f1 /proc/uptime; ps -o etimes= -p 1; grep -c "^processor" /proc/cpuinfo
	grep -c " - fuse.hybox " /proc/self/mountinfo; grep -q "^MemTotal:" /proc/meminfo && echo mem-ok'
assert_rc 0 "a command reading the views exits 0"
up=$(sed -n 1p <<<"$RUN_OUT")
check "/proc/uptime counts from the container's start (${up:-?} s)" test "${up:-99}" -lt 10
if [ "$host_up" -ge 20 ]; then
	ok "control: the host's uptime ($host_up s) is far from the container's"
else
	skip "the host booted less than 20 s ago"
fi
etimes=$(sed -n 2p <<<"$RUN_OUT" | tr -d ' ')
check "ps agrees: init started ${etimes:-?} s ago (0..10)" test "${etimes:-99}" -ge 0 -a "${etimes:-99}" -lt 10
assert_eq "$(sed -n 3p <<<"$RUN_OUT")" "$host_cpus" "without --cpus, cpuinfo lists the host's $host_cpus CPUs"
assert_eq "$(sed -n 4p <<<"$RUN_OUT")" 7 "six views and /dev/kmsg are fuse.hybox mounts in the container"
assert_eq "$(sed -n 5p <<<"$RUN_OUT")" mem-ok "meminfo reads through the view"

# --- --memory -----------------------------------------------------------------
id=$(tid mem)
hy run --id "$id" --memory 256M -- /bin/sh -c 'grep ^MemTotal: /proc/meminfo; free -b | sed -n 2p
	"$0" sysinfo' "$PROBE"
assert_rc 0 "run --memory 256M exits 0"
assert_match "$RUN_OUT" 'MemTotal: +262144 kB' "/proc/meminfo's MemTotal is the limit"
read -r _ total used free _ <<<"$(sed -n 2p <<<"$RUN_OUT")"
assert_eq "$total" 268435456 "free(1) shows the limit as total"
check "free(1): used ($used) + free ($free) is the total" test "$((used + free))" -le 268435456 \
	-a "$((used + free))" -ge $((268435456 - 1048576))
check "free(1): the container uses some memory, far less than the host ($used bytes)" \
	test "${used:-0}" -gt 0 -a "${used:-0}" -lt 134217728
assert_match "$RUN_OUT" 'totalram=268435456$' "sysinfo(2) agrees with the view"
if [ "$(feature_state cgroup_memory)" = yes ]; then
	assert_not_contains "$RUN_ERR" "not enforced" "the memory controller enforces --memory: no warning"
else
	assert_contains "$RUN_ERR" "--memory is not enforced" "without the memory controller, a warning says so"
fi
assert_no_leftovers "$id"

# --- --cpus -------------------------------------------------------------------
hy run --cpus 1 -- /bin/sh -c 'nproc; grep -c "^processor" /proc/cpuinfo; cat /sys/devices/system/cpu/online
	grep -c "^cpu[0-9]" /proc/stat; python3 -c "import os; print(os.cpu_count())"
	awk "/^cpu /{a=\$2+\$4} /^cpu[0-9]/{b=\$2+\$4} END{print (a==b) ? \"sum-ok\" : \"sum-bad\"}" /proc/stat'
assert_rc 0 "run --cpus 1 exits 0"
assert_eq "$(sed -n 1p <<<"$RUN_OUT")" 1 "nproc says 1"
assert_eq "$(sed -n 2p <<<"$RUN_OUT")" 1 "/proc/cpuinfo lists 1 processor"
assert_match "$(sed -n 3p <<<"$RUN_OUT")" '^[0-9]+$' "cpu/online lists one CPU"
assert_eq "$(sed -n 4p <<<"$RUN_OUT")" 1 "/proc/stat has one cpuN line"
assert_eq "$(sed -n 5p <<<"$RUN_OUT")" 1 "python's os.cpu_count() says 1"
assert_eq "$(sed -n 6p <<<"$RUN_OUT")" sum-ok "/proc/stat's cpu line is the sum of its cpuN lines"

# Enforcement, or a warning: never silence.
id=$(tid cpu)
bg_start "$HYBOX" run --id "$id" --memory 64M --cpus 0.5 -- sleep 30 2>"$TEST_TMP/bg.err"
cg="$(cg2_mount)/hybox/$id"
wait_for 10 test -e "$HYBOX_STATE_ROOT/$id/control.sock" || true
if [ "$(feature_state cgroup_cpu)" = yes ]; then
	assert_eq "$(cat "$cg/cpu.max" 2>&1)" "50000 100000" "--cpus 0.5 is cpu.max 50000 100000"
else
	check "without the cpu controller, a warning names --cpus" grep -q -- "--cpus is not enforced" "$TEST_TMP/bg.err"
fi
if [ "$(feature_state cgroup_memory)" = yes ]; then
	assert_eq "$(cat "$cg/memory.max" 2>&1)" 67108864 "--memory 64M is memory.max 67108864"
else
	check "without the memory controller, a warning names --memory" grep -q -- "--memory is not enforced" "$TEST_TMP/bg.err"
fi
"$HYBOX" kill "$id" KILL >/dev/null 2>&1
wait "$BG_PID" 2>/dev/null
assert_no_leftovers "$id"

# --- load averages: the container's tasks only ------------------------------------
hy run -- /bin/sh -c 'cat /proc/loadavg; (while :; do :; done) & (while :; do :; done) & sleep 11
	cat /proc/loadavg; busybox uptime 2>/dev/null || uptime; kill $(jobs -p) 2>/dev/null; exit 0'
read -r l0 _ <<<"$(sed -n 1p <<<"$RUN_OUT")"
assert_match "$(sed -n 1p <<<"$RUN_OUT")" '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+/[0-9]+ [0-9]+$' \
	"/proc/loadavg has the kernel's shape"
check "the container's load starts near zero (${l0:-?}): the host's is not the container's" \
	awk -v l="${l0:-9}" 'BEGIN { exit !(l < 0.2) }'
read -r l1 _ _ tasks last <<<"$(sed -n 2p <<<"$RUN_OUT")"
check "two busy loops raise the 1-minute load over two samples (${l1:-?})" \
	awk -v l="${l1:-0}" 'BEGIN { exit !(l >= 0.2 && l <= 2.5) }'
check "running/total counts the container's tasks ($tasks)" \
	awk -v t="${tasks:-0/999}" 'BEGIN { split(t, a, "/"); exit !(a[2] >= 3 && a[2] < 20) }'
check "the last pid is the container's ($last)" test "${last:-999999}" -lt 100
up_load=$(sed -n 3p <<<"$RUN_OUT" | sed -n 's/.*load average: \([0-9.]*\),.*/\1/p')
check "uptime's load (sysinfo) is the container's too (${up_load:-?})" \
	awk -v l="${up_load:-0}" 'BEGIN { exit !(l >= 0.2 && l <= 2.5) }'

# --- the views are read-only snapshots ----------------------------------------
hy run -- /bin/sh -c 'echo x > /proc/meminfo && echo wrote; cat /proc/meminfo | md5sum; dd if=/proc/meminfo bs=7 2>/dev/null | md5sum
	tail -c 20 /proc/stat | wc -c'
assert_not_contains "$RUN_OUT" wrote "writing /proc/meminfo fails, even as root"
m1=$(sed -n 1p <<<"$RUN_OUT")
m2=$(sed -n 2p <<<"$RUN_OUT")
assert_eq "$(sed -n 3p <<<"$RUN_OUT" | tr -d ' ')" 20 "reads at an offset (tail -c) work"
# MemFree moves between two reads; compare the shape (line count) instead when they differ.
if [ "$m1" = "$m2" ]; then ok "7-byte reads give the same text as one read"; else
	hy run -- /bin/sh -c 'dd if=/proc/meminfo bs=7 2>/dev/null | wc -l; wc -l < /proc/meminfo'
	assert_eq "$(sed -n 1p <<<"$RUN_OUT")" "$(sed -n 2p <<<"$RUN_OUT")" "7-byte reads give whole lines"
fi

# --- bad limits: clear errors, nothing created --------------------------------
for bad in "--memory 3M:--memory" "--memory 12Q:--memory" "--cpus 0:--cpus" \
	"--cpus 1000:--cpus" "--cpus 0.5.1:--cpus"; do
	opt=${bad%%:*}
	id=$(tid bad)
	# shellcheck disable=SC2086 # opt is "FLAG VALUE"
	hy run --id "$id" $opt -- true
	assert_rc 125 "run $opt exits 125"
	assert_error_line "^hybox: ${bad##*:}: expected" "run $opt: one line naming the option"
	assert_no_leftovers "$id"
done

done_testing
