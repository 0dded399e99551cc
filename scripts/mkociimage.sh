#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# mkociimage.sh ROOTFS OUT.tar NAME [COMMAND [ARG...]]
# Pack a root file system directory (e.g. from scripts/mkrootfs.sh) as a
# one-layer OCI image archive (image-spec 1.0 layout: oci-layout,
# index.json, blobs/sha256/*; the layer an uncompressed tar), named NAME
# (e.g. docker.io/library/hybox-busybox:latest) through the
# io.containerd.image.name annotation, for `ctr images import OUT.tar`
# without a registry. The image's platform is this host's (linux and
# dpkg's architecture, which matches Go's for amd64 and arm64); its
# default command is COMMAND with its ARGs (sh if none is given: a pod's
# sandbox image names its pause program). Files are stored as owned by root. Runs as any
# user; writes OUT.tar and the scratch directory OUT.tar.d next to it
# (removed at the end).
set -euo pipefail

die() {
	echo "mkociimage.sh: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: mkociimage.sh ROOTFS OUT.tar NAME [COMMAND [ARG...]]"
rootfs=$1 out=$2 name=$3
shift 3
[ $# -gt 0 ] || set -- sh
cmd=
for a; do
	case $a in
	*[\"\\]*) die "COMMAND $a: a quote or backslash is not supported" ;;
	esac
	cmd="$cmd${cmd:+,}\"$a\""
done
[ -d "$rootfs" ] || die "$rootfs: not a directory"
case $name in
*[\"\\]* | "") die "NAME $name: expected a reference like docker.io/library/x:latest" ;;
esac
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
lay=$out.d
rm -rf "$lay"
mkdir -p "$lay/blobs/sha256"
trap 'rm -rf "$lay"' EXIT

# blob FILE: move FILE into the blobs by its digest; prints "DIGEST SIZE".
blob() {
	local d s
	d=$(sha256sum <"$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$lay/blobs/sha256/$d"
	echo "$d $s"
}

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --sort=name -cf "$lay/layer" .
read -r layer layer_size < <(blob "$lay/layer")
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":[%s]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$arch" "$cmd" "$layer" >"$lay/config"
read -r config config_size < <(blob "$lay/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
	"$config" "$config_size" "$layer" "$layer_size" >"$lay/manifest"
read -r manifest manifest_size < <(blob "$lay/manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
	"$manifest" "$manifest_size" "$name" "${name##*:}" >"$lay/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
tar -C "$lay" -cf "$out" oci-layout index.json blobs
