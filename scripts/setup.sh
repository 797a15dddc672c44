#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fresh Debian 12 machine to a built vmdevctl showing this host's mdevs and
# IOMMU groups (or, on a host without mdev parents, a bundled tree recorded
# from a real kernel, saying so). Run as root (it uses apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	# build
	meson ninja-build pkg-config gcc g++ libc6-dev python3
	libudev-dev libkmod-dev uuid-dev libjson-c-dev scdoc
	# tests: unit, sanitizers, valgrind, completion, hardware names
	libcmocka-dev valgrind bash-completion udev man-db
	# fuzzing (tests/fuzz: clang's libFuzzer), setpriv (tests/fault)
	clang libclang-rt-14-dev util-linux
	# the real-kernel tier (tests/vm): QEMU, busybox guest, kernel modules,
	# and mdevctl, the peer the guest compares vmdevctl's list and types with
	qemu-system-x86 busybox-static cpio kmod make bc xz-utils zstd dwarves
	flex bison libelf-dev libssl-dev mdevctl
	# the Debian packages and the system tier (tests/system): package build,
	# lintian, a Debian 12 image (debootstrap), qcow2 overlays
	debhelper dpkg-dev lintian debootstrap qemu-utils e2fsprogs
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "== installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building in ./build"
[ -d build ] || meson setup build --werror >/dev/null
ninja -C build >/dev/null

vmdevctl=build/cli/vmdevctl
# JSON, not text: in text an empty host says what it lacks
if [ "$("$vmdevctl" --json parents 2>/dev/null | tr -d ' \n')" != "[]" ]; then
	echo "== this host's mdev parents, types, mdevs and IOMMU groups"
	"$vmdevctl" parents
	"$vmdevctl" types
	"$vmdevctl" list
	"$vmdevctl" groups
	exit 0
fi

tree=tests/golden/mdev-nonviable
root=$(mktemp -d /tmp/vmdev-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
tar -xzf "$tree/tree.tar.gz" -C "$root"
cat <<MSG
== This host has no mdev parents, so this is a RECORDED tree, not this host:
== $tree/tree.tar.gz, recorded from $(cat "$tree/KERNEL" 2>/dev/null || echo "a real kernel") in QEMU
== by tests/vm (mtty, mdpy and mbochs sample drivers), unpacked in $root
== (removed again when this script ends).
MSG
set -x
"$vmdevctl" --root "$root" parents
"$vmdevctl" --root "$root" types
"$vmdevctl" --root "$root" list
"$vmdevctl" --root "$root" groups
{ set +x; } 2>/dev/null
