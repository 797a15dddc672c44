#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The system tier: our Debian packages on a real Debian 12 userland, with
# libvirt driving vmdevctl as mdevctl across a reboot (tests/system/README
# section of tests/README.md).
#
#   tests/system/run.sh [--keep] BUILDDIR
#
# 1. builds the packages from this tree (dpkg-buildpackage -us -uc -b, in
#    BUILDDIR/system/debs) and runs lintian on the .changes;
# 2. the kernel of tests/vm (run.sh --prepare-only) and the cached Debian
#    image (image.sh);
# 3. boots it in QEMU (TCG, intel-iommu), a new QEMU per boot on a qcow2
#    overlay per sequence, the packages and the guest scripts on a second,
#    read-only disk; each boot runs guest/PHASE.sh as a systemd service and
#    sends its TAP lines over the second serial port:
#      ours:     ours-1 (install, scenario part 1), ours-2 (after the
#                reboot, libvirt's environment, upgrade, removal, purge)
#      baseline: base-1, base-2, the same scenario with Debian's mdevctl:
#                reported, not counted; it must run to its end.
# Exit: 0 all passed; 1 a failure; 77 skipped (exit 1 instead when CI=true).
set -euo pipefail
PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CACHE=${VMDEV_SYSTEM_CACHE:-$HOME/.cache/vmdevctl-system}
TIMEOUT=${VMDEV_SYSTEM_TIMEOUT:-480}
KEEP=0
[ "${1:-}" = --keep ] && { KEEP=1; shift; }
[ $# -eq 1 ] || { echo "usage: $PROG [--keep] BUILDDIR" >&2; exit 2; }
BUILDDIR=$(cd "$1" && pwd)

skip() {
	echo "" >&2
	echo "SYSTEM TIER SKIPPED: $*" >&2
	echo "" >&2
	if [ "${CI:-}" = true ]; then
		echo "$PROG: CI=true: the system tier must run; failing" >&2
		exit 1
	fi
	exit 77
}
die() { echo "$PROG: error: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }
T_START=$(date +%s)
TIMES=()
timed() { # LABEL START
	TIMES+=("$(printf '%-34s %4d s' "$1" $(( $(date +%s) - $2 )))")
	log "$1: $(( $(date +%s) - $2 )) s"
}

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot)"
for t in qemu-system-x86_64 qemu-img debootstrap dpkg-buildpackage dh lintian mkfs.ext4 \
		flock unshare chroot apt-get; do
	command -v $t >/dev/null 2>&1 || skip "$t not found (scripts/setup.sh installs it)"
done

OUT=$BUILDDIR/system
rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmdevctl-system.XXXXXX")
cleanup() { if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
RESULTS=$OUT/host.results
: >"$RESULTS"
ok() { echo "ok - $*" | tee -a "$RESULTS"; }
notok() { echo "not ok - $*" | tee -a "$RESULTS"; }

# ---------------------------------------------------------------- packages
t0=$(date +%s)
changes=$(bash "$HERE/build-debs.sh" "$OUT/debs") || die "building the packages failed"
timed "packages (dpkg-buildpackage -b)" "$t0"
ok "dpkg-buildpackage -us -uc -b built $(ls "$OUT"/debs/src/*.deb | wc -l) .deb files"
t0=$(date +%s)
if lintian --fail-on error,warning "$changes" >"$OUT/lintian.log" 2>&1; then
	ok "lintian on the .changes: no error, no warning"
else
	notok "lintian on the .changes: $(grep -v '^N:\|not recommended' "$OUT/lintian.log" | tr '\n' ' ' | cut -c1-600)"
fi
timed "lintian" "$t0"

# the test disk: guest scripts, our four packages, the same rebuilt with a
# higher version (the upgrade), Debian's mdevctl (the baseline)
D=$WORK/disk
mkdir -p "$D/debs" "$D/debs-next" "$D/mdevctl"
cp -r "$HERE/guest" "$D/guest"
# the runtime three (libvmdev-dev needs -dev packages the image has not)
for p in libvmdev1 vmdevctl vmdevctl-mdevctl; do
	cp "$OUT"/debs/src/${p}_*.deb "$D/debs/"
done
version=$(dpkg-deb -f "$(ls "$D"/debs/vmdevctl_*.deb)" Version)
next=$version+1
for deb in "$D"/debs/*.deb; do
	x=$WORK/repack
	rm -rf "$x"
	dpkg-deb -R "$deb" "$x"
	sed -i -e "s/^Version: .*/Version: $next/" -e "s/(= $version)/(= $next)/g" "$x/DEBIAN/control"
	dpkg-deb -b "$x" "$D/debs-next/" >/dev/null
done
mkdir -p "$CACHE/mdevctl"
if ! ls "$CACHE"/mdevctl/mdevctl_*.deb >/dev/null 2>&1; then
	(cd "$CACHE/mdevctl" && apt-get download mdevctl >/dev/null 2>&1) ||
		skip "cannot fetch Debian's mdevctl with apt-get download (the baseline)"
fi
cp "$CACHE"/mdevctl/mdevctl_*.deb "$D/mdevctl/"
mkfs.ext4 -q -F -L VMDEVTEST -d "$D" "$WORK/test.img" 64M >/dev/null

# ---------------------------------------------------------------- kernel and image
t0=$(date +%s)
set +e
KD=$(bash "$SRC/tests/vm/run.sh" --prepare-only "$BUILDDIR")
rc=$?
set -e
[ $rc = 77 ] && skip "tests/vm/run.sh --prepare-only skipped (no kernel)"
[ $rc = 0 ] || die "tests/vm/run.sh --prepare-only failed"
timed "kernel (tests/vm cache)" "$t0"
t0=$(date +%s)
IMG=$(bash "$HERE/image.sh" "$KD") || die "building the Debian image failed"
timed "image (debootstrap; cached)" "$t0"

# ---------------------------------------------------------------- boots
# boot NAME PHASE OVERLAY: one QEMU (the caller holds the VM lock)
boot() {
	local name=$1 phase=$2 disk=$3 t rc
	log "boot $name (phase $phase)"
	t=$(date +%s)
	set +e
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-machine q35,accel=tcg,kernel-irqchip=split -cpu max -smp 1 -m 1024 \
		-nographic -nodefaults -no-reboot \
		-device intel-iommu,intremap=on \
		-kernel "$IMG/vmlinux" -initrd "$IMG/initrd.cpio" \
		-append "console=ttyS0 root=/dev/vda intel_iommu=on iommu=pt panic=-1 quiet loglevel=3 vmdev.phase=$phase" \
		-drive "file=$disk,if=virtio,format=qcow2" \
		-drive "file=$WORK/test.img,if=virtio,format=raw,readonly=on" \
		-device virtio-rng-pci \
		-serial "file:$OUT/$name.console" -serial "file:$OUT/$name.results" \
		</dev/null >"$OUT/$name.qemu" 2>&1 {lock}>&-
	rc=$?
	set -e
	tr -d '\r' <"$OUT/$name.results" >"$OUT/$name.tap" 2>/dev/null || : >"$OUT/$name.tap"
	timed "boot $name (QEMU start to power-off)" "$t"
	[ $rc = 0 ] || echo "not ok - boot $name: QEMU exit $rc$([ $rc = 124 ] && echo " (timed out after $TIMEOUT s)")" >>"$OUT/$name.tap"
	grep -q "^PHASE-END $phase" "$OUT/$name.tap" ||
		echo "not ok - boot $name: the phase did not reach its end (console: $OUT/$name.console)" >>"$OUT/$name.tap"
	grep -q "^# phase $phase exited with status 0" "$OUT/$name.tap" ||
		echo "not ok - boot $name: the phase script did not exit 0" >>"$OUT/$name.tap"
}
# the machine's one-VM lock, taken once for the four boots (one after the
# other, so a single VM runs at a time), not once per boot: on a busy
# machine every wait for it is a turn in the queue
t0=$(date +%s)
exec {lock}>/tmp/vmdev-vm.lock
flock "$lock"
timed "waiting for the VM lock" "$t0"
for seq in ours base; do
	qemu-img create -q -f qcow2 -b "$IMG/disk.raw" -F raw "$WORK/$seq.qcow2"
	boot "$seq-1" "$seq-1" "$WORK/$seq.qcow2"
	boot "$seq-2" "$seq-2" "$WORK/$seq.qcow2"
done
exec {lock}>&-

# ---------------------------------------------------------------- results
echo ""
echo "-- baseline: Debian's mdevctl as libvirt's backend (reported, not counted) --"
for b in base-1 base-2; do
	grep -v '^PHASE-' "$OUT/$b.tap" | sed "s/^/   $b: /"
done
bad=$(cat "$OUT"/base-*.tap | grep -c '^not ok - boot ' || true)
[ "$bad" = 0 ] && ok "the baseline ran to its end (both boots)" ||
	notok "the baseline did not run to its end: $(grep -h '^not ok - boot ' "$OUT"/base-*.tap | tr '\n' ' ')"
echo ""
echo "-- ours: vmdevctl's packages, libvirt driving vmdevctl as mdevctl --"
cat "$OUT/ours-1.tap" "$OUT/ours-2.tap" | grep -v '^PHASE-'
all=$(cat "$RESULTS" "$OUT/ours-1.tap" "$OUT/ours-2.tap")
PASS=$(grep -c '^ok ' <<<"$all" || true)
FAIL=$(grep -c '^not ok ' <<<"$all" || true)
echo ""
echo "-- times (this machine: $(nproc) cores, TCG) --"
printf '   %s\n' "${TIMES[@]}"
printf '   %-34s %4d s\n' "whole tier" $(( $(date +%s) - T_START ))
echo "files: $OUT"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ]
