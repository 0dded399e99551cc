#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# config.json's own mounts on a busybox bundle: bind mounts (ro, rw, a file,
# a source relative to the bundle), tmpfs anywhere with size and mode,
# linux.maskedPaths and linux.readonlyPaths (hybox spec's defaults are
# runc's), a writable root, destinations created when missing (also through
# a read-only root), a symlink in the rootfs that must not send a mount to
# the host, the default files policy following the mounts, and refused
# mounts, each with its JSON path and nothing left behind.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

oci_scratch
mkdir -p "$B/data" "$SCRATCH/rw"
echo from-the-host >"$B/data/file"
echo "10.9.8.7 bound-hosts" >"$SCRATCH/hosts"

# with_config PYTHON: a fresh config.json (hybox spec's) edited by PYTHON on c.
with_config() {
	cp "$SCRATCH/default.json" "$B/config.json"
	edit_config "$B/config.json" "$1"
}

# run_in SCRIPT: run the bundle with sh -c SCRIPT in the foreground.
run_in() {
	local id
	id=$(tid "run$_t_n")
	edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", arg]' "$1"
	hyr run --bundle "$B" "$id"
	assert_no_leftovers "$id" "$ROOT"
}

# --- binds and tmpfs ---------------------------------------------------------------
with_config "
c['mounts'] += [
  {'destination': '/data', 'type': 'bind', 'source': 'data', 'options': ['rbind', 'ro']},
  {'destination': '/rw', 'type': 'bind', 'source': '$SCRATCH/rw', 'options': ['rbind', 'rw', 'noexec']},
  {'destination': '/etc/hosts', 'source': '$SCRATCH/hosts', 'options': ['bind', 'ro']},
  {'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['size=128k', 'mode=0710', 'nosuid']},
]"
run_in 'cat /data/file; echo x >/data/new 2>/dev/null || echo data-refused
echo written >/rw/out && echo rw-ok; cat /etc/hosts
touch /scratch/f && echo scratch-ok; stat -c "%a" /scratch
grep -E " /(data|rw|scratch|etc/hosts) " /proc/self/mountinfo | while read -r _ _ _ _ mnt opts _; do echo "$mnt $opts"; done'
assert_rc 0 "a bundle with binds and a tmpfs runs"
assert_match "$RUN_OUT" '^from-the-host' "bind (relative source): the host's file is seen"
assert_contains "$RUN_OUT" "data-refused" "bind ro: a write is refused"
assert_contains "$RUN_OUT" "rw-ok" "bind rw: a write succeeds"
assert_eq "$(cat "$SCRATCH/rw/out" 2>&1)" written "bind rw: the write reached the host directory"
assert_contains "$RUN_OUT" "10.9.8.7 bound-hosts" "a file bind-mounted over /etc/hosts"
assert_contains "$RUN_OUT" "scratch-ok" "tmpfs on /scratch is writable"
assert_contains "$RUN_OUT" $'\n710\n' "tmpfs mode=0710 applied"
assert_match "$RUN_OUT" $'\n/data ro,' "mountinfo: /data read-only"
assert_match "$RUN_OUT" $'\n/rw rw,nosuid,nodev,noexec|\n/rw rw,[a-z,]*noexec' "mountinfo: /rw writable, noexec"
assert_match "$RUN_OUT" $'\n/scratch rw,nosuid' "mountinfo: /scratch nosuid"
assert_not_contains "$(cat "$B/rootfs/etc/hosts" 2>/dev/null)" bound-hosts \
	"the rootfs's own /etc/hosts was not written"

# --- masked and read-only paths (hybox spec writes runc's) ---------------------------
run_in 'cat /proc/timer_list | wc -c; ls /proc/acpi 2>&1 | wc -l; ls /sys/firmware | wc -l
grep -E " /proc/(sys|timer_list|acpi) " /proc/self/mountinfo | while read -r _ _ _ _ mnt opts _; do echo "$mnt $opts"; done'
assert_rc 0 "the default spec's masked and read-only paths apply"
assert_match "$RUN_OUT" '^0' "masked file /proc/timer_list reads empty (/dev/null)"
assert_match "$RUN_OUT" $'^0\n0\n0\n' "masked directories /proc/acpi and /sys/firmware are empty"
assert_match "$RUN_OUT" $'\n/proc/sys ro,' "read-only path /proc/sys is mounted read-only"

# --- a writable root; missing destinations are created -------------------------------
with_config "
c['root']['readonly'] = False
c['mounts'].append({'destination': '/made/here', 'type': 'bind', 'source': 'data', 'options': ['bind']})"
run_in 'echo hi >/root-file && echo root-ok; cat /made/here/file
mknod /null-here c 1 3 && echo mknod-ok; echo x >/null-here 2>/dev/null && echo device-opened
mknod /tmp/n c 1 3 && { echo x >/tmp/n 2>/dev/null && echo tmp-device-opened; }'
assert_contains "$RUN_OUT" "root-ok" "root.readonly false: the root is writable under the default policy"
assert_eq "$(cat "$B/rootfs/root-file" 2>&1)" hi "the write landed in the rootfs"
assert_contains "$RUN_OUT" "from-the-host" "a missing destination was created and bound"
assert_contains "$RUN_OUT" "mknod-ok" "CAP_MKNOD: a device node can be made in the writable root"
assert_not_contains "$RUN_OUT" "device-opened" "... but not opened: the root is nodev (no device cgroup here)"
assert_not_contains "$RUN_OUT" "tmp-device-opened" "... nor one in /tmp"
rm -rf "$B/rootfs/root-file" "$B/rootfs/made" "$B/rootfs/null-here"
with_config "
c['mounts'].append({'destination': '/made/here', 'type': 'bind', 'source': 'data', 'options': ['bind', 'ro']})"
run_in 'cat /made/here/file; echo hi >/root-file 2>/dev/null || echo root-refused'
assert_contains "$RUN_OUT" "from-the-host" "read-only root: the destination was created in the rootfs"
assert_contains "$RUN_OUT" "root-refused" "read-only root: a write to the root is refused"
check "the mountpoint was created in the rootfs directory" test -d "$B/rootfs/made/here"
rm -rf "$B/rootfs/made"

# --- a symlink in the rootfs cannot aim a mount at the host ----------------------------
ln -s /etc "$B/rootfs/esc"
marker=hybox-escape-$$
with_config "
c['mounts'].append({'destination': '/esc/$marker', 'type': 'bind', 'source': 'data', 'options': ['bind', 'ro']})"
run_in "cat /etc/$marker/file"
assert_contains "$RUN_OUT" "from-the-host" "the destination behind /esc -> /etc is the rootfs's /etc"
check "nothing was created in the host's /etc" test ! -e "/etc/$marker"
check "it was created in the rootfs's /etc" test -d "$B/rootfs/etc/$marker"
rm -rf "$B/rootfs/esc" "${B:?}/rootfs/etc/$marker"

# --- refused mounts: the JSON path, nothing left behind ---------------------------------
bad_mount() { # DESC ERE PYTHON
	local id
	id=$(tid "bad$_t_n")
	with_config "$3"
	hyr create --bundle "$B" "$id"
	assert_rc 125 "$1: create exits 125"
	assert_error_line "$2" "$1: the error names it"
	assert_no_leftovers "$id" "$ROOT"
}
bad_mount "a missing bind source" 'mounts\[7\]\.source: .*/nope: No such file or directory' \
	"c['mounts'].append({'destination': '/x', 'type': 'bind', 'source': 'nope'})"
bad_mount "a bind over /proc" 'mounts\[7\]\.destination: a bind mount on "/proc" is not supported' \
	"c['mounts'].append({'destination': '/proc', 'type': 'bind', 'source': '/proc'})"
bad_mount "shared propagation" 'mounts\[7\]\.options\[1\]: "rshared" is not supported on a bind mount' \
	"c['mounts'].append({'destination': '/x', 'source': '/tmp', 'options': ['rbind', 'rshared']})"
bad_mount "a tmpfs option hybox does not know" 'mounts\[7\]\.options\[0\]: "huge=always" is not supported on a tmpfs mount' \
	"c['mounts'].append({'destination': '/x', 'type': 'tmpfs', 'options': ['huge=always']})"
bad_mount "a relative masked path" 'linux\.maskedPaths\[10\]: expected an absolute path' \
	"c['linux']['maskedPaths'].append('proc/x')"
# A source that is a file onto a directory: refused by the kernel inside init.
with_config "c['mounts'].append({'destination': '/etc', 'type': 'bind', 'source': '$SCRATCH/hosts'})"
id=$(tid badkind)
hyr create --bundle "$B" "$id"
assert_rc 125 "a file bound over a directory: create exits 125"
assert_error_line "mounts\[7\]: bind-mount onto /etc: Is a directory" "... naming the mount and the kernel's reason"
assert_no_leftovers "$id" "$ROOT"
done_testing
