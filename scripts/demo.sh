#!/bin/sh
# The main job: a shell script in a sandbox with the default policy, its
# events streaming live as JSON Lines on stdout next to its own output.
set -eu
HYBOX=${HYBOX:-build/hybox}
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: hybox run needs root; re-run as root (e.g. sudo make demo)" >&2
	exit 1
fi
echo "== hybox features"
"$HYBOX" features
echo
echo "== hybox run --hostname demo --events - -- /bin/sh -c '...'"
exec "$HYBOX" run --hostname demo --events - -- /bin/sh -c '
echo "inside: hostname=$(hostname) pid=$$ uid=$(id -u)"
echo "root is read-only:"; touch /etc/x 2>&1 || true
echo "tmp is private and writable:"; echo hi > /tmp/x && cat /tmp/x
hostname renamed && echo "hostname after rename: $(hostname)"
echo "kernel log of this container:"; dmesg 2>/dev/null || busybox dmesg || true
echo "a denied syscall (unshare of a user namespace):"; unshare -U true 2>&1 || true
exit 0'
