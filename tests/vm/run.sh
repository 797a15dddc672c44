#!/bin/bash
# Real-kernel test tier: boot a Debian kernel under QEMU (TCG) with an emulated
# IOMMU and a fixed PCI topology, load vfio/mdev and the kernel's sample mdev
# drivers, run tests/vm/guest/[0-9]*.sh in the guest and report TAP-like results.
#
#   tests/vm/run.sh [--kernel KVER] [--out DIR] [--keep] [--timeout SECS] BUILDDIR
#
# Exit: 0 all passed; 1 failures, crash, hang or setup error; 77 skipped
# (no qemu / apt unreachable; exit 1 instead when CI=true).
# See tests/vm/README.md.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMDEV_VM_CACHE:-$HOME/.cache/vmdevctl-vm}
KVER=
OUT=
KEEP=0
TIMEOUT=${VMDEV_VM_TIMEOUT:-900}
EXTRA_BINS=${VMDEV_VM_EXTRA:-}   # extra host binaries to copy into the guest (with their libraries)
APPEND_EXTRA=${VMDEV_VM_APPEND:-}
ONLY=${VMDEV_VM_ONLY:-}          # run only the guest scripts with these number prefixes (and 0x-*)
PREPARE_ONLY=0

usage() {
	cat <<EOF
usage: $PROG [--kernel KVER] [--out DIR] [--keep] [--timeout SECS] BUILDDIR
  --kernel KVER   Debian kernel ABI name (default: what linux-image-amd64 depends on),
                  e.g. 6.1.0-56-amd64 or 6.12.117+deb12-amd64; "cdev": our own build of
                  linux-source-6.12 with the VFIO device cdev (build-cdev-kernel.sh)
  --out DIR       where guest files (\$VM_OUT) and console.log go (default: a temp dir)
  --keep          keep the per-run work dir (initrd, raw serial output)
  --timeout SECS  kill QEMU after SECS (default $TIMEOUT)
  --prepare-only  fetch and build the kernel cache only, print its directory and exit
                  (tests/system builds its Debian image from it)
env: VMDEV_VM_CACHE (cache dir, default ~/.cache/vmdevctl-vm), VMDEV_VM_EXTRA (extra host
     binaries for the guest's /usr/bin), VMDEV_VM_APPEND (extra kernel arguments),
     VMDEV_VM_ONLY (e.g. "50 60": only those guest scripts, plus the 0x set-up ones;
     for development: a partial run is never the tier), CI=true
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=$2; shift 2 ;;
	--kernel=*) KVER=${1#*=}; shift ;;
	--out) OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	--keep) KEEP=1; shift ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	--prepare-only) PREPARE_ONLY=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "$PROG: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
BUILDDIR=$1

skip() {
	echo "" >&2
	echo "VM TIER SKIPPED: $*" >&2
	echo "" >&2
	if [ "${CI:-}" = true ]; then
		echo "$PROG: CI=true: the VM tier must run; failing" >&2
		exit 1
	fi
	exit 77
}
die() { echo "$PROG: error: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

now() { date +%s.%N; }
T_START=$(now)
PHASES=()
phase_done() { # NAME START
	local d
	d=$(echo "$(now) - $2" | bc)
	PHASES+=("$(printf '%-14s %7.2f s' "$1" "$d")")
	log "phase $1: $(printf '%.2f' "$d") s"
}
print_phases() {
	local p
	echo "-- phase times --"
	for p in "${PHASES[@]}"; do echo "   $p"; done
	printf '   %-14s %7.2f s\n' total "$(echo "$(now) - $T_START" | bc)"
}

# ---------------------------------------------------------------- prerequisites
QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
for t in dpkg-deb make gcc cpio depmod modprobe bc timeout xz; do
	command -v $t >/dev/null 2>&1 || skip "$t not found (see tests/vm/README.md for the package list)"
done
BUSYBOX=${VMDEV_VM_BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || skip "static busybox not found at $BUSYBOX (apt-get install busybox-static)"

CDEV=0
if [ "$KVER" = cdev ]; then
	t0=$(now)
	set +e
	KVER=$(bash "$HERE/build-cdev-kernel.sh" "$CACHE")
	rc=$?
	set -e
	[ $rc != 77 ] || skip "cannot fetch linux-source-6.12 for the cdev kernel with apt-get download"
	[ $rc = 0 ] || die "building the cdev kernel failed"
	CDEV=1
	phase_done kernel-build "$t0"
fi
meta_dep() { apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1; }
case $KVER in
[0-9]*.[0-9]*-*|[0-9]*.[0-9]*.[0-9]*) ;;
[0-9]*.[0-9]*)  # series shorthand: --kernel 6.12 -> what linux-image-6.12-amd64 depends on
	k=$(meta_dep "linux-image-$KVER-amd64")
	[ -n "$k" ] || { k=$(meta_dep linux-image-amd64); case $k in "$KVER".*) ;; *) k= ;; esac; }
	[ -n "$k" ] || skip "cannot resolve kernel series $KVER with apt-cache"
	KVER=$k ;;
esac
if [ -z "$KVER" ]; then
	KVER=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1 || true)
	if [ -z "$KVER" ]; then
		# no apt metadata: fall back to a single fully cached kernel
		c=$(ls -d "$CACHE"/*/.ready 2>/dev/null | head -n2 || true)
		[ "$(echo "$c" | grep -c .)" = 1 ] || skip "cannot determine the default kernel (apt-cache depends linux-image-amd64 failed) and no single cached kernel"
		KVER=$(basename "$(dirname "$c")")
	fi
fi
case $KVER in */*|*..*|'') die "bad kernel version '$KVER'" ;; esac
XY=$(echo "$KVER" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
KD=$CACHE/$KVER
ROOT=$KD/root
mkdir -p "$KD"
log "kernel $KVER, cache $KD"
# one builder per kernel cache at a time (parallel CI jobs, two developers' shells)
if command -v flock >/dev/null 2>&1; then
	exec 9>"$KD/.lock"
	flock 9
fi

# ---------------------------------------------------------------- phase: fetch
t0=$(now)
if [ ! -e "$KD/.fetched" ]; then
	rm -rf "$KD/debs" "$ROOT"
	mkdir -p "$KD/debs"
	command -v apt-get >/dev/null || skip "apt-get not available to fetch the kernel"
	(
		cd "$KD/debs"
		dl() { apt-get download "$@" >/dev/null 2>"$KD/debs/apt.err" || { cat "$KD/debs/apt.err" >&2; return 1; }; }
		dl "linux-headers-$KVER" || exit 10
		deps=$(apt-cache depends "linux-headers-$KVER" | sed -n 's/^ *Depends: \(linux-headers-.*-common\|linux-kbuild-.*\)$/\1/p' | sort -u)
		[ -n "$deps" ] || exit 11
		# shellcheck disable=SC2086
		dl $deps "linux-source-$XY" || exit 10
		dl "linux-image-$KVER" || dl "linux-image-$KVER-unsigned" || exit 10
	) || skip "cannot fetch kernel packages for $KVER with apt-get download (apt unreachable or no such kernel)"
	mkdir -p "$ROOT"
	for d in "$KD"/debs/*.deb; do
		case $d in *linux-source-*) continue ;; esac
		dpkg-deb -x "$d" "$ROOT"
	done
	if [ ! -e "$ROOT/boot/vmlinuz-$KVER" ]; then
		(cd "$KD/debs" && rm -f linux-image-*.deb && apt-get download "linux-image-$KVER-unsigned" >/dev/null 2>&1) ||
			die "no vmlinuz-$KVER in linux-image-$KVER and no -unsigned package"
		dpkg-deb -x "$KD"/debs/linux-image-*.deb "$ROOT"
	fi
	# The headers' Makefile includes the -common one by its absolute /usr/src path.
	sed -i "s#^include /usr/src/#include $ROOT/usr/src/#" "$ROOT/usr/src/linux-headers-$KVER/Makefile"
	# Only samples/vfio-mdev and extract-vmlinux from the source tarball.
	rm -rf "$KD/src"
	mkdir -p "$KD/src"
	dpkg-deb --fsys-tarfile "$KD"/debs/linux-source-"$XY"_*.deb |
		tar -xO "./usr/src/linux-source-$XY.tar.xz" |
		tar -xJ -C "$KD/src" --strip-components=1 --wildcards \
			"linux-source-$XY/samples/vfio-mdev/*" "linux-source-$XY/scripts/extract-vmlinux"
	rm -rf "$KD/debs"   # 220 MB of .deb files, all unpacked now
	touch "$KD/.fetched"
fi
phase_done fetch "$t0"

# ---------------------------------------------------------------- phase: build modules + vmlinux
t0=$(now)
MODDIR=$ROOT/lib/modules/$KVER
SAMPLES="mtty mdpy mdpy-fb mbochs"
if [ ! -e "$KD/.built" ]; then
	rm -rf "$KD/mbuild"
	mkdir -p "$KD/mbuild"
	cp "$KD"/src/samples/vfio-mdev/*.[ch] "$KD/mbuild/"
	echo "obj-m := $(for s in $SAMPLES; do printf '%s.o ' "$s"; done)" >"$KD/mbuild/Kbuild"
	make -C "$ROOT/usr/src/linux-headers-$KVER" M="$KD/mbuild" -j"$(nproc)" modules \
		>"$KD/mbuild/build.log" 2>&1 || { tail -n 40 "$KD/mbuild/build.log" >&2; die "building the sample mdev drivers failed (log: $KD/mbuild/build.log)"; }
	mkdir -p "$MODDIR/extra"
	for s in $SAMPLES; do cp "$KD/mbuild/$s.ko" "$MODDIR/extra/"; done
	# Uncompressed ELF vmlinux: PVH boot, much faster than bzImage under TCG.
	sh "$KD/src/scripts/extract-vmlinux" "$ROOT/boot/vmlinuz-$KVER" >"$KD/vmlinux.tmp" ||
		die "extract-vmlinux failed"
	mv "$KD/vmlinux.tmp" "$KD/vmlinux"
	touch "$KD/.built"
fi
# own_module DIR SOURCE MODULE: our own module tests/vm/DIR, built against this
# kernel's headers into its extra/ whenever its source changes; prints the
# source's hash (a key of the initramfs below)
own_module() {
	local dir=$1 src=$2 mod=$3 hash b t1
	hash=$(cat "$HERE/$dir/Kbuild" "$HERE/$dir/$src" | md5sum | cut -c1-12)
	b=$KD/$dir-build
	if [ ! -e "$b/.built-$hash" ] || [ ! -e "$MODDIR/extra/$mod.ko" ]; then
		t1=$(now)
		rm -rf "$b"
		mkdir -p "$b" "$MODDIR/extra"
		cp "$HERE/$dir/Kbuild" "$HERE/$dir/$src" "$b/"
		make -C "$ROOT/usr/src/linux-headers-$KVER" M="$b" modules >"$b/build.log" 2>&1 ||
			{ tail -n 40 "$b/build.log" >&2; die "building tests/vm/$dir failed (log: $b/build.log)"; }
		cp "$b/$mod.ko" "$MODDIR/extra/"
		touch "$b/.built-$hash"
		log "built $mod.ko ($hash) in $(printf '%.2f' "$(echo "$(now) - $t1" | bc)") s"
	fi
	echo "$hash"
}
# mattr: an mdev driver with vfio-ap-like attributes; vfio_pci_vtest: a
# vfio-pci variant driver for QEMU's NVMe VF
MATTR_HASH=$(own_module mattr mattr.c mattr)
VVARIANT_HASH=$(own_module vvariant vfio_pci_vtest.c vfio_pci_vtest)
phase_done build-modules "$t0"

# ---------------------------------------------------------------- phase: initramfs
t0=$(now)
# Modules loaded in the guest, in this order (dependencies come from modules.dep);
# mattr (ours, tests/vm/mattr) after the samples; nvme (the SR-IOV PF's driver) last.
GUEST_MODULES="virtio_pci virtio_net virtio_rng e1000e pci-stub vfio vfio_iommu_type1 vfio-pci mdev mtty mdpy mdpy-fb mbochs mattr nvme"
# In the guest's module tree (modules.alias lists them) but not loaded at boot:
# vfio_pci_vtest (ours, tests/vm/vvariant) is loaded by vmdevctl's bind.
GUEST_INSTALLED="vfio_pci_vtest"
HWDB=
[ -r /usr/lib/udev/hwdb.bin ] && HWDB=/usr/lib/udev/hwdb.bin
BASE_KEY=$( { echo "v4 $GUEST_MODULES mattr=$MATTR_HASH installed=$GUEST_INSTALLED vvariant=$VVARIANT_HASH"; md5sum "$BUSYBOX"; [ -z "$HWDB" ] || stat -c '%s %Y' "$HWDB"; stat -c '%Y' "$MODDIR/extra"/*.ko; } | md5sum | cut -c1-12)
BASE=$KD/initramfs-base-$BASE_KEY.cpio
if [ ! -e "$BASE" ]; then
	log "building the static initramfs part"
	rm -f "$KD"/initramfs-base-*.cpio
	depmod -b "$ROOT" "$KVER"
	S=$KD/base.stage
	rm -rf "$S"
	mkdir -p "$S"/{bin,sbin,usr/bin,usr/sbin,lib,proc,sys,dev,tmp,run,etc,out,mnt}
	cp "$BUSYBOX" "$S/bin/busybox"
	for a in $("$BUSYBOX" --list-full); do
		[ -e "$S/$a" ] || ln -s /bin/busybox "$S/$a"
	done
	# closure of the guest modules; .ko.xz/.ko.zst (6.12) decompressed for busybox modprobe
	files=$(for m in $GUEST_MODULES $GUEST_INSTALLED; do
		modprobe -d "$ROOT" -S "$KVER" --show-depends "$m" || die "module $m not found for $KVER"
	done | awk '$1 == "insmod" { print $2 }' | sort -u)
	for f in $files; do
		rel=${f#"$ROOT"/}
		mkdir -p "$S/$(dirname "$rel")"
		case $f in
		*.ko.xz) xz -dc "$f" >"$S/${rel%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" >"$S/${rel%.zst}" ;;
		*.ko.gz) gzip -dc "$f" >"$S/${rel%.gz}" ;;
		*) cp "$f" "$S/$rel" ;;
		esac
	done
	cp "$MODDIR"/modules.builtin* "$MODDIR/modules.order" "$S/lib/modules/$KVER/" 2>/dev/null || true
	# modules.order lists .ko.xz on 6.12; the copied tree has plain .ko
	sed -i 's/\.ko\.\(xz\|zst\|gz\)$/.ko/' "$S/lib/modules/$KVER/modules.order"
	depmod -b "$S" "$KVER"
	echo "$GUEST_MODULES" >"$S/etc/vm-modules"
	if [ -n "$HWDB" ]; then mkdir -p "$S/usr/lib/udev" && cp "$HWDB" "$S/usr/lib/udev/hwdb.bin"; fi
	echo "root:x:0:0:root:/root:/bin/sh" >"$S/etc/passwd"
	echo "root:x:0:" >"$S/etc/group"
	(cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$BASE.tmp"
	mv "$BASE.tmp" "$BASE"
	rm -rf "$S"
fi
touch "$KD/.ready"
exec 9>&-   # cache complete: release the lock
if [ "$PREPARE_ONLY" = 1 ]; then
	echo "$KD"
	exit 0
fi

# per-run part: init, project binaries + their libraries, guest scripts
if [ -n "$OUT" ]; then
	# a previous run's output (marked) is replaced; anything else is left alone
	if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
		[ -e "$OUT/.vmdevctl-vm-out" ] || die "--out $OUT is not empty and not a previous run's output; refusing to mix files"
		rm -rf "${OUT:?}"/* "$OUT"/.vmdevctl-vm-out
	fi
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
else
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/vmdevctl-vm-out.XXXXXX")
fi
touch "$OUT/.vmdevctl-vm-out"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmdevctl-vm-run.XXXXXX")
cleanup() { if [ "$KEEP" = 1 ]; then log "kept work dir $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
R=$WORK/stage
mkdir -p "$R"/{usr/bin,usr/lib,tests/vm}
cp "$HERE/init.sh" "$R/init"
chmod 755 "$R/init"
cp -r "$HERE/guest" "$R/tests/vm/guest"
cp "$HERE/record-tree.sh" "$R/tests/vm/record-tree.sh"
echo "$KVER" >"$R/tests/vm/kver"
if [ -n "$ONLY" ]; then
	[ "${CI:-}" != true ] || die "VMDEV_VM_ONLY is for development; CI runs every guest script"
	echo "$ONLY" >"$R/tests/vm/only"
	log "NOTE: only guest scripts 0x and $ONLY run (VMDEV_VM_ONLY): this is not the whole tier"
fi

bins=()
if [ -d "$BUILDDIR" ]; then
	BUILDDIR=$(cd "$BUILDDIR" && pwd)
	[ -x "$BUILDDIR/cli/vmdevctl" ] && bins+=("$BUILDDIR/cli/vmdevctl")
	# the examples, and the guest's test helpers (tests/vm/*.c, built by meson)
	for d in "$BUILDDIR/examples" "$BUILDDIR/tests/vm"; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] && [ -x "$f" ] && head -c4 "$f" | grep -q ELF && bins+=("$f")
		done
	done
	# the udev rule as the build made it (guest/50-definitions.sh installs it)
	[ -f "$BUILDDIR/udev/60-vmdevctl.rules" ] && cp "$BUILDDIR/udev/60-vmdevctl.rules" "$R/tests/vm/"
	for f in "$BUILDDIR"/lib/libvmdev.so*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		cp -a "$f" "$R/usr/lib/"
	done
else
	log "note: BUILDDIR $BUILDDIR does not exist: no project binaries in the guest"
fi
# udevd, for the guest tests of waiting on udev (guest/35-udevd.sh), and
# Debian's mdevctl, the peer guest/25-peer.sh compares vmdevctl with
for b in /lib/systemd/systemd-udevd /bin/udevadm /usr/bin/mdevctl; do
	[ -x "$b" ] && bins+=("$b")
done
for b in $EXTRA_BINS; do
	b=$(command -v "$b" || echo "$b")
	[ -x "$b" ] || die "VMDEV_VM_EXTRA: $b not executable"
	bins+=("$b")
done
if [ ${#bins[@]} -gt 0 ]; then
	for b in "${bins[@]}"; do cp "$b" "$R/usr/bin/"; done
	# shared libraries (except our own, copied above) and the dynamic loader, at their host paths
	# libkmod too: libvmdev opens it when first needed (lib/kmod-lazy.c), so ldd does not name it
	kmod=$(ldconfig -p | awk '/libkmod\.so\.2 .*x86-64/ { print $NF; exit }')
	{ LD_LIBRARY_PATH=${BUILDDIR:+$BUILDDIR/lib}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ldd "${bins[@]}" 2>/dev/null
	  [ -z "$kmod" ] || { echo "libkmod.so.2 => $kmod (0)"; ldd "$kmod"; }; } |
		awk '/=> \// { print $3 } /^[ \t]*\/[^ ]*ld-linux/ { print $1 }' | sort -u |
		while read -r l; do
			case $l in */libvmdev.so*) continue ;; esac
			mkdir -p "$R$(dirname "$l")"
			cp -L "$l" "$R$l"
		done
fi
log "guest binaries: ${bins[*]:-(none)}"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$WORK/run.cpio"
cat "$BASE" "$WORK/run.cpio" >"$WORK/initrd.cpio"
phase_done initramfs "$t0"

# ---------------------------------------------------------------- phase: boot + tests
t0=$(now)
# Topology (see README.md):
#   00:02.0 e1000e, 00:03.0 e1000e                 single-device groups
#   00:04.0 virtio-net + 00:04.1 virtio-rng         one multifunction slot: one shared group
#   00:05.0 pcie-root-port -> 01:00.0 pcie-pci-bridge -> 02:01.0 virtio-net, 02:02.0 virtio-rng
#                                                   bridge + devices behind it share a group
#   00:09.0 pcie-root-port -> 03:00.0 nvme (SR-IOV PF, driver nvme, sriov_totalvfs 2)
#                                                   its VFs 03:00.1/.2 get groups of their own
# A second serial port (ttyS1) carries the base64 tar of the guest's $VM_OUT back to us.
QARGS=(
	-machine q35,accel=tcg,kernel-irqchip=split -cpu max -smp 1 -m 1024
	-nographic -nodefaults -no-reboot
	-device intel-iommu,intremap=on
	-serial stdio -serial "file:$WORK/ttyS1.out"
	-kernel "$KD/vmlinux" -initrd "$WORK/initrd.cpio"
	-append "console=ttyS0 intel_iommu=on iommu=pt panic=-1 quiet loglevel=3 rdinit=/init $APPEND_EXTRA"
	-device e1000e,bus=pcie.0,addr=02.0,romfile=
	-device e1000e,bus=pcie.0,addr=03.0,romfile=
	-device virtio-net-pci,bus=pcie.0,addr=04.0,multifunction=on,romfile=
	-device virtio-rng-pci,bus=pcie.0,addr=04.1,multifunction=on
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=05.0,chassis=1,slot=1
	-device pcie-pci-bridge,id=br1,bus=rp1,addr=00.0
	-device virtio-net-pci,bus=br1,addr=01.0,romfile=
	-device virtio-rng-pci,bus=br1,addr=02.0
	-device pcie-root-port,id=rp9,bus=pcie.0,chassis=9,slot=9,addr=0x9
	-device nvme-subsys,id=subsys0
	-device nvme,serial=deadbeef,subsys=subsys0,bus=rp9,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=6
)
# The cdev kernel also gets a NIC on a root bus the IOMMU does not cover
# (bypass_iommu): no IOMMU group, for vfio's noiommu mode (guest/70-cdev.sh).
[ "$CDEV" = 0 ] || QARGS+=(
	-device pxb-pcie,id=pxb1,bus_nr=0x80,bypass_iommu=on,bus=pcie.0,addr=0a.0
	-device pcie-root-port,id=rp8,bus=pxb1,chassis=8,slot=8
	-device e1000e,bus=rp8,romfile=
)
log "booting: $QEMU ${QARGS[*]}"
set +e
timeout -k 10 "$TIMEOUT" "$QEMU" "${QARGS[@]}" </dev/null 2>&1 | tee "$OUT/console.log"
QRC=${PIPESTATUS[0]}
set -e
phase_done boot+tests "$t0"

# guest output files
if [ -s "$WORK/ttyS1.out" ]; then
	if ! tr -d '\r' <"$WORK/ttyS1.out" | base64 -d | tar -xz -C "$OUT"; then
		echo "not ok - host: could not unpack the guest's VM_OUT archive" >>"$OUT/console.log"
	fi
fi

# host-side checks of the guest's files: every tests/vm/check-* (python3 for *.py)
# gets the OUT dir and prints TAP-like lines, counted with the guest's.
HOSTLOG=$OUT/host-checks.log
: >"$HOSTLOG"
for c in "$HERE"/check-*; do
	[ -f "$c" ] || continue
	# they check files the whole run leaves: a partial run has not made them
	[ -z "$ONLY" ] || { log "VMDEV_VM_ONLY: host check ${c##*/} not run"; continue; }
	case $c in
	*.py) cmd=(python3 "$c") ;;
	*) [ -x "$c" ] || continue; cmd=("$c") ;;
	esac
	echo "== host check ${c##*/} $OUT"
	set +e
	"${cmd[@]}" "$OUT" 2>&1 | tee -a "$HOSTLOG"
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 0 ] || echo "not ok - host check ${c##*/} exited with status $rc" | tee -a "$HOSTLOG"
done

# ---------------------------------------------------------------- results
LOG=$OUT/console.log
PASS=$(cat "$LOG" "$HOSTLOG" | tr -d '\r' | grep -c '^ok\( \|$\)' || true)
FAIL=$(tr -d '\r' <"$LOG" | grep -c '^not ok' || true)
FAIL=$((FAIL + $(grep -c '^not ok' "$HOSTLOG" || true)))
SKIP=$(cat "$LOG" "$HOSTLOG" | tr -d '\r' | grep -c '^skip - ' || true)
ENDED=0
if tr -d '\r' <"$LOG" | grep -q '^VMTEST-END$'; then ENDED=1; fi
echo ""
echo "-- results (kernel $KVER) --"
if [ "$FAIL" -gt 0 ]; then
	echo "failed tests:"
	tr -d '\r' <"$LOG" | grep '^not ok' | sed 's/^/  /' || true
	grep '^not ok' "$HOSTLOG" | sed 's/^/  (host) /' || true
fi
if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	echo "VM RUN FAILED: QEMU timed out after $TIMEOUT s (guest hang); last script: $(tr -d '\r' <"$LOG" | sed -n 's/^VMTEST-SCRIPT //p' | tail -n1)"
	FAIL=$((FAIL + 1))
elif [ "$ENDED" != 1 ]; then
	echo "VM RUN FAILED: the guest did not reach its end marker (crash? qemu exit $QRC); last script: $(tr -d '\r' <"$LOG" | sed -n 's/^VMTEST-SCRIPT //p' | tail -n1)"
	FAIL=$((FAIL + 1))
fi
if [ "$PASS" -eq 0 ] && [ "$FAIL" -eq 0 ]; then
	echo "VM RUN FAILED: no test results"
	FAIL=1
fi
echo "guest files and console.log in: $OUT"
print_phases
if [ "$SKIP" -gt 0 ]; then
	echo "skipped (not counted as passed):"
	cat "$LOG" "$HOSTLOG" | tr -d '\r' | grep '^skip - ' | sed 's/^/  /' || true
fi
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
