#!/bin/sh
# Install the Debian packages hybox builds and tests with. Idempotent: does
# nothing (and needs no network) when everything is already installed.
set -eu
PKGS="make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev bpftool \
libseccomp-dev libjansson-dev check busybox-static bubblewrap \
qemu-system-x86 linux-image-cloud-amd64 cpio python3 git sqlite3 podman containerd containernetworking-plugins python3-grpcio python3-websocket strace"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
