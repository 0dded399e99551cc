#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An OCI container with a user namespace of its own ("user" in
# linux.namespaces, linux.uidMappings/gidMappings 0 -> 100000, 65536 ids)
# on a busybox bundle: root inside is host uid 100000 (seen from the host),
# creates files as 100000 on a writable bind, cannot read a host root's 0600
# file bound in, natively or through kernel-emu's emulated open (which takes
# no capabilities from a user-namespaced task: not even over files its
# namespace maps); hybox exec runs as the mapped root too; kernel-emu's
# sethostname lets the container's root rename it and nobody else; a
# checkpoint and a restore into a user namespace are refused with the
# reason; malformed mappings are refused with their JSON path and leave
# nothing behind. A pod: app containers join the sandbox container's user
# namespace (and its network, ipc and uts namespaces) by path, and are
# treated as the sandbox is, natively and by kernel-emu.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3 userns

oci_scratch
# init runs as the container's root (host uid 100000), which must reach the
# bundle's root and the bind sources, as with runc.
chmod 0755 "$SCRATCH"
# The rootfs is the host root's: the container's root cannot create mount
# points in it (as with runc), so they exist beforehand.
mkdir "$B/rootfs/rw" && touch "$B/rootfs/secret"
mkdir "$SCRATCH/rw" && chmod 0777 "$SCRATCH/rw"
echo host-secret >"$SCRATCH/secret" && chmod 0600 "$SCRATCH/secret"
echo mapped-secret >"$SCRATCH/rw/mapped" && chmod 0600 "$SCRATCH/rw/mapped" && chown 100005:100005 "$SCRATCH/rw/mapped"
echo rw-secret >"$SCRATCH/rw/secret" && chmod 0600 "$SCRATCH/rw/secret"

USERNS="c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['mounts'] += [{'destination': '/rw', 'type': 'bind', 'source': '$SCRATCH/rw', 'options': ['rbind', 'rw']},
  {'destination': '/secret', 'type': 'bind', 'source': '$SCRATCH/secret', 'options': ['bind', 'ro']}]
c['hostname'] = 'userns-box'
"

# config PYTHON SCRIPT: the user-namespaced config edited by PYTHON, running sh -c SCRIPT.
config() {
	cp "$SCRATCH/default.json" "$B/config.json"
	edit_config "$B/config.json" "$USERNS$1"'
c["process"]["args"] = ["sh", "-c", arg]' "$2"
}

# refused DESC ERE: create must fail with one line matching ERE, leaving nothing.
refused() { oci_refused "$ROOT" "$B" "$@"; }

# started ID DESC: create and start container ID of the bundle (two TAP lines);
# its init's host pid in INIT.
started() {
	hyr create --bundle "$B" --pid-file "$SCRATCH/$1.pid" "$1"
	assert_rc 0 "create of $2"
	hyr start "$1"
	assert_rc 0 "... start"
	INIT=$(cat "$SCRATCH/$1.pid")
}

# --- the container's root is host uid 100000 -----------------------------------------
config "" 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map | tr -s " "
touch /rw/made-inside && echo made
cat /secret 2>&1 || echo secret-refused
cat 0<>/rw/secret 2>&1 || echo rw-secret-refused
echo x 2>&1 >>/rw/mapped || echo mapped-refused
hostname renamed && hostname'
id=$(tid run)
hyr run --bundle "$B" "$id"
assert_rc 0 "a bundle with a user namespace runs"
assert_eq "$(sed -n 1,4p <<<"$RUN_OUT")" "0
0
 0 100000 65536
 0 100000 65536" "inside: uid and gid 0, uid_map and gid_map are the config's mappings"
assert_contains "$RUN_OUT" made "root inside creates a file on a writable bind"
assert_eq "$(stat -c %u:%g "$SCRATCH/rw/made-inside" 2>&1)" 100000:100000 \
	"... owned by host uid and gid 100000"
assert_contains "$RUN_OUT" secret-refused "a host root's 0600 file bound in cannot be read"
assert_not_contains() { case $1 in *"$2"*) not_ok "$3" "found: $2" ;; *) ok "$3" ;; esac; }
assert_not_contains "$RUN_OUT" host-secret "... its content never shows"
# Opens for writing take kernel-emu's road where files are emulated
# (read-only ones stay native when the policy grants every read): it must
# not lend the task capabilities. O_RDWR of the host root's 0600 file (on a
# writable bind) fails; so does a write to a 0600 file of host uid 100005,
# which natively the namespace's root could write (CAP_DAC_OVERRIDE counts
# over the ids its namespace maps): kernel-emu takes none (the documented
# cost), which also shows the call went its way.
road=$("$HYBOX" features 2>/dev/null | sed -n 's/^road for files: \([a-z]*\).*/\1/p')
# check_emulated_open WHO: RUN_OUT shows kernel-emu's opens refused as above.
check_emulated_open() {
	if [ "$road" != emulated ]; then
		for _ in 1 2 3 4; do skip "the files road is $road here: kernel-emu's open is not taken"; done
		return
	fi
	assert_contains "$RUN_OUT" rw-secret-refused "$1: kernel-emu's O_RDWR open of a host root's 0600 file is refused"
	assert_eq "$(grep -cx rw-secret <<<"$RUN_OUT")" 0 "... its content never shows"
	assert_contains "$RUN_OUT" mapped-refused \
		"$1: kernel-emu's open takes no capabilities from the namespace's root (a mapped owner's 0600 file)"
	assert_eq "$(cat "$SCRATCH/rw/mapped")" mapped-secret "... and the file is unchanged"
}
check_emulated_open "a new user namespace"
assert_eq "$(tail -n 1 <<<"$RUN_OUT")" renamed "the namespace's root renames it (kernel-emu's sethostname)"
assert_no_leftovers "$id" "$ROOT"

# --- seen from the host; hybox exec ---------------------------------------------------
config "" 'sleep 1000'
id=$(tid live)
started "$id" "a user-namespaced container"
init=$INIT
cmd_pid() { cmd=$(awk '{print $1}' "/proc/$init/task/$init/children" 2>/dev/null) && [ -n "$cmd" ]; }
wait_for 10 cmd_pid
assert_eq "$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$cmd/status")" "100000 100000 100000 100000" \
	"the command's host uids (its /proc/PID/status from the host) are 100000"
assert_eq "$(awk '/^Gid:/ {print $2}' "/proc/$cmd/status")" 100000 "... its host gid 100000"
assert_ne "$(readlink "/proc/$cmd/ns/user")" "$(readlink /proc/self/ns/user)" "... in a user namespace of its own"
hyr exec "$id" sh -c 'id -u; cat /proc/self/uid_map | tr -s " "; grep "^Uid:" /proc/self/status | tr -s "\t" " "'
assert_eq "$RUN_OUT" "0
 0 100000 65536
Uid: 0 0 0 0" "hybox exec: root of the container's user namespace"
"$HYBOX" --root "$ROOT" exec "$id" sleep 1001 >/dev/null 2>&1 &
exec_pid() { ex=$(pgrep -u 100000 -xf "sleep 1001" | head -n 1) && [ -n "$ex" ]; }
wait_for 10 exec_pid
assert_eq "$(awk '/^Uid:/ {print $3}' "/proc/${ex:-0}/status" 2>&1)" 100000 "an exec'd process's host uid is 100000"
hyr exec "$id" cat /secret
assert_ne "$RUN_RC" 0 "hybox exec: the host root's 0600 file stays unreadable"
hyr exec -u 1000 "$id" hostname other
assert_ne "$RUN_RC" 0 "uid 1000 of the namespace may not rename it (kernel-emu)"
hyr exec "$id" hostname
assert_eq "$RUN_OUT" userns-box "... the name stays"
hyr checkpoint --check "$id"
assert_rc 125 "checkpoint --check of a user-namespaced container exits 125"
assert_contains "$RUN_ERR" "user namespace of its own" "... and names the reason"
hyr delete --force "$id"
assert_rc 0 "delete --force"
wait
assert_no_leftovers "$id" "$ROOT"

# --- malformed mappings are refused with their JSON path ------------------------------
config "c['linux']['uidMappings'][0]['size'] = 0" true
refused "a mapping of size 0" 'linux\.uidMappings\[0\]: expected a range of ids .*size of 0'
config "c['linux']['gidMappings'].append({'containerID': 1000, 'hostID': 200000, 'size': 1})" true
refused "overlapping containerIDs" 'linux\.gidMappings\[1\]: .*containerIDs that overlap'
config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 4294967290, 'size': 10}]" true
refused "ids beyond 2^32-2" 'linux\.uidMappings\[0\]: .*ids beyond 4294967294'
config "c['linux']['uidMappings'][0]['hostID'] = -1" true
refused "a negative hostID" 'linux\.uidMappings\[0\]\.hostID: expected an integer from 0 to 4294967294'
config "del c['linux']['gidMappings']" true
refused "a user namespace without gidMappings" 'linux: a user namespace .* gidMappings is missing'
config "c['linux']['namespaces'].remove({'type': 'user'})" true
refused "mappings without a user namespace" 'linux\.uidMappings: needs a user namespace'
config "c['linux']['namespaces'][-1]['path'] = '/proc/1/ns/user'" true
refused "mappings with a user namespace path" 'linux\.uidMappings: expected none with a user namespace joined by path'
config "c['linux']['uidMappings'][0]['containerID'] = 1" true
refused "a container root that is not mapped" 'linux\.uidMappings: expected a mapping of containerID 0'
config "c['process']['user'] = {'uid': 70000, 'gid': 0}" true
refused "process.user.uid outside the mapping" 'process\.user\.uid: expected an id that linux\.uidMappings maps'
config "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']" true
refused "sysfs with the host's network" 'linux\.namespaces: a user namespace with the host.s network cannot mount sysfs'
config "" true
id=$(tid restore)
hyr restore --bundle "$B" --image-path "$SCRATCH/no-image" "$id"
assert_rc 125 "restore --bundle into a user namespace exits 125"
assert_error_line 'linux\.namespaces: restore into a user namespace \("user"\) is not supported yet' \
	"... and says why"
assert_no_leftovers "$id" "$ROOT"

# --- a pod: app containers join the sandbox's user namespace by path -----------------
# The sandbox (the pod's infra container) has the user namespace above, and
# network, ipc and uts namespaces owned by it; an app joins them by
# /proc/PID/ns/TYPE, as containerd and CRI-O do for hostUsers: false, and
# gets mount, pid, cgroup and time namespaces of its own, owned by it.
config "" 'exec sleep 1000'
pod=$(tid pod)
started "$pod" "the pod's sandbox container (a user namespace of its own)"
pod_pid=$INIT
# JOIN TYPES: the user namespace and TYPES (OCI names) of the pod by path, no mappings.
join() {
	printf '%s\n' "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user']
c['linux']['namespaces'].append({'type': 'user', 'path': '/proc/$pod_pid/ns/user'})
del c['linux']['uidMappings'], c['linux']['gidMappings'], c['hostname']
for ns in c['linux']['namespaces']:
    if ns['type'] in '$1'.split(): ns['path'] = '/proc/$pod_pid/ns/' + {'network': 'net'}.get(ns['type'], ns['type'])"
}
config "$(join 'network ipc uts')" 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map | tr -s " "
touch /rw/made-by-app && echo made
cat 0<>/rw/secret 2>&1 || echo rw-secret-refused
echo x 2>&1 >>/rw/mapped || echo mapped-refused
touch /tmp/own && chown 1000:1000 /tmp/own && stat -c owned-%u:%g /tmp/own
chown 1000 /rw/secret 2>/dev/null || echo host-chown-refused
hostname'
app=$(tid app)
hyr run --bundle "$B" "$app"
assert_rc 0 "an app container joins the pod's user, network, ipc and uts namespaces by path"
assert_eq "$(sed -n 1,3p <<<"$RUN_OUT")" "$(readlink "/proc/$pod_pid/ns/user")
0
 0 100000 65536" "inside: the pod's user namespace, uid 0, the pod's uid_map"
assert_contains "$RUN_OUT" made "the app's root creates a file on a writable bind"
assert_eq "$(stat -c %u:%g "$SCRATCH/rw/made-by-app" 2>&1)" 100000:100000 "... owned by host uid and gid 100000"
assert_contains "$RUN_OUT" owned-1000:1000 \
	"its root has capabilities over its own namespaces (chown in its /tmp, a tmpfs its mount namespace made)"
assert_contains "$RUN_OUT" host-chown-refused "... but not over the host's files (chown of a host root's file)"
assert_eq "$(stat -c %u "$SCRATCH/rw/secret")" 0 "... which stays the host root's"
assert_eq "$(tail -n 1 <<<"$RUN_OUT")" userns-box "the joined uts namespace keeps the pod's name"
check_emulated_open "a joined user namespace"
assert_no_leftovers "$app" "$ROOT"

# Its own uts namespace (owned by the joined user namespace): kernel-emu's
# sethostname knows the namespace's root by its host uid, from init's uid_map.
config "$(join network)" 'exec sleep 1000'
app=$(tid app2)
started "$app" "an app joining the pod's user and network namespaces only"
app_pid=$INIT
assert_eq "$(readlink "/proc/$app_pid/ns/user")" "$(readlink "/proc/$pod_pid/ns/user")" \
	"its init is in the pod's user namespace"
owner_ok=ok
for t in mnt pid cgroup uts ipc; do
	# NS_GET_USERNS: the owning user namespace
	[ "$(python3 -c "import fcntl, os
print(os.fstat(fcntl.ioctl(os.open('/proc/$app_pid/ns/$t', os.O_RDONLY), 0xb701)).st_ino)")" \
		= "$(stat -L -c %i "/proc/$pod_pid/ns/user")" ] || owner_ok="$t"
done
assert_eq "$owner_ok" ok "its new mount, pid, cgroup, uts and ipc namespaces are owned by the pod's user namespace"
hyr exec "$app" sh -c 'hostname renamed && hostname'
assert_eq "$RUN_OUT" renamed "the namespace's root renames its own uts namespace (kernel-emu's sethostname)"
hyr exec -u 1000 "$app" hostname other
assert_ne "$RUN_RC" 0 "uid 1000 of the namespace may not (kernel-emu)"
hyr exec "$pod" hostname
assert_eq "$RUN_OUT" userns-box "the pod's name stays"
assert_ne "$(hostname)" renamed "... and the host's"
hyr checkpoint --check "$app"
assert_rc 125 "checkpoint --check of an app in a joined user namespace exits 125"
assert_contains "$RUN_ERR" "user namespace of its own" "... and names the reason"
hyr delete --force "$app"
assert_rc 0 "delete --force of the app"
assert_no_leftovers "$app" "$ROOT"

config "$(join network)
c['linux']['namespaces'][-1]['path'] = '/proc/self/ns/user'" true
refused "the host's user namespace by path" \
	'linux\.namespaces: user path /proc/self/ns/user: the host.s user namespace \(joining it would be none'
config "$(join network)
c['linux']['namespaces'][-1]['path'] = '/proc/$pod_pid/ns/net'" true
refused "a user path that is not a user namespace" \
	"linux\\.namespaces: user path /proc/$pod_pid/ns/net: not a user namespace"
config "$(join network)
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]" true
refused "mappings with a joined user namespace" \
	'linux\.uidMappings: expected none with a user namespace joined by path'
config "$(join network)" true
id=$(tid restore-app)
hyr restore --bundle "$B" --image-path "$SCRATCH/no-image" "$id"
assert_rc 125 "restore --bundle into a joined user namespace exits 125"
assert_error_line 'linux\.namespaces: restore into a user namespace \("user"\) is not supported yet' \
	"... and says why"
assert_no_leftovers "$id" "$ROOT"
hyr delete --force "$pod"
assert_rc 0 "delete --force of the pod"
assert_no_leftovers "$pod" "$ROOT"
done_testing
