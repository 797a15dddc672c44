#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds (once) the system tier's Debian 12 disk image and prints its cache
# directory: disk.raw (ext4, the whole root), initrd.cpio, vmlinux.
#
#   tests/system/image.sh KERNELDIR
#
# KERNELDIR is a kernel cache of tests/vm/run.sh --prepare-only (the Debian
# kernel unpacked, the sample mdev drivers built under extra/, vmlinux).
# The image: debootstrap --variant=minbase bookworm, then systemd, udev,
# libvirt's daemon and client, jq and procps; that kernel's modules (pruned
# of what a VM without graphics, sound, USB or radios never loads) with the
# sample drivers (mtty, mdpy, mdpy-fb, mbochs); mtty loaded at boot; the
# scenario runner (image/). Cached in ~/.cache/vmdevctl-system/KEY
# (VMDEV_SYSTEM_CACHE), KEY a hash of every input: this script, image/, the
# package list, the mirror, the kernel and the sample drivers. Debian's
# archive moving on does not change the key: remove the cache to take
# newer packages.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMDEV_SYSTEM_CACHE:-$HOME/.cache/vmdevctl-system}
MIRROR=${VMDEV_SYSTEM_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
PACKAGES="systemd-sysv udev kmod dbus libvirt-daemon-system libvirt-daemon libvirt-clients jq procps"
log() { echo "== image: $*" >&2; }
die() { echo "image.sh: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: image.sh KERNELDIR"
KD=$(cd "$1" && pwd)
KVER=$(basename "$KD")
[ -e "$KD/.ready" ] && [ -e "$KD/vmlinux" ] || die "$KD is not a prepared kernel (tests/vm/run.sh --prepare-only)"
MODSRC=$KD/root/lib/modules/$KVER

KEY=$( {
	echo "v1 $SUITE $MIRROR $PACKAGES $KVER"
	cat "$0" "$HERE"/image/*
	md5sum "$MODSRC"/extra/{mtty,mdpy,mdpy-fb,mbochs}.ko "$KD/vmlinux" | cut -d' ' -f1
} | md5sum | cut -c1-12)
IMG=$CACHE/$KEY
mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
flock 8
if [ -e "$IMG/.ready" ]; then
	echo "$IMG"
	exit 0
fi
t0=$(date +%s)
log "building $IMG (kernel $KVER)"
# one image at a time: an older key's image goes
find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -name "$KEY" -exec rm -rf {} +
mkdir -p "$IMG"
R=$IMG/root

# --------------------------------------------------------------- userland
debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" >"$IMG/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$IMG/debootstrap.log" >&2; die "debootstrap failed (log: $IMG/debootstrap.log)"; }
log "debootstrap: $(( $(date +%s) - t0 )) s"
# no daemon starts in the chroot
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"
echo "deb $MIRROR $SUITE main" >"$R/etc/apt/sources.list"
# in a private mount namespace, so /proc in the chroot goes with it
unshare -m --propagation private sh -ec '
	mount -t proc proc "$1/proc"
	chroot "$1" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -y -qq --no-install-recommends $2
	chroot "$1" apt-get clean
' sh "$R" "$PACKAGES" >"$IMG/apt.log" 2>&1 ||
	{ tail -n 20 "$IMG/apt.log" >&2; die "installing the packages failed (log: $IMG/apt.log)"; }
rm -f "$R/usr/sbin/policy-rc.d"
rm -rf "$R"/var/lib/apt/lists/*
log "packages: $(( $(date +%s) - t0 )) s"

# --------------------------------------------------------------- system set-up
echo vmdevsystem >"$R/etc/hostname"
# a fixed machine id: not a first boot, the same journal across boots
echo 5d6b1e0c9a774c8e8f2a3d6b1e0c9a77 >"$R/etc/machine-id"
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$R/etc/fstab"
echo mtty >"$R/etc/modules-load.d/mtty.conf"
# what a test VM never needs and what slows its boots and shutdowns
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
	fstrim.timer libvirt-guests.service getty.target systemd-timesyncd.service; do
	ln -sf /dev/null "$R/etc/systemd/system/$u"
done
rm -f "$R"/etc/libvirt/qemu/networks/autostart/*.xml
install -m 0755 "$HERE/image/vmdev-system-runner" "$R/usr/local/sbin/vmdev-system-runner"
install -m 0644 "$HERE/image/vmdev-system.service" "$R/etc/systemd/system/vmdev-system.service"
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/vmdev-system.service "$R/etc/systemd/system/multi-user.target.wants/"

# --------------------------------------------------------------- kernel modules
mkdir -p "$R/lib/modules"
cp -a "$MODSRC" "$R/lib/modules/"
rm -f "$R/lib/modules/$KVER/build" "$R/lib/modules/$KVER/source"
# tests/vm's own mattr is rebuilt there for each branch's source: not ours
rm -f "$R/lib/modules/$KVER/extra/mattr.ko"
M=$R/lib/modules/$KVER/kernel
rm -rf "$M"/drivers/{gpu,media,usb,infiniband,staging,bluetooth,net/wireless,net/ethernet,isdn,iio} \
	"$M"/sound "$M"/net/{wireless,mac80211,bluetooth}
depmod -b "$R" "$KVER"

# --------------------------------------------------------------- initramfs
S=$IMG/initrd.stage
mkdir -p "$S"/{bin,proc,sys,dev,newroot}
cp /bin/busybox "$S/bin/busybox"
for a in $(/bin/busybox --list); do [ -e "$S/bin/$a" ] || ln -s busybox "$S/bin/$a"; done
cp "$HERE/image/init" "$S/init"
for f in $(for m in virtio_pci virtio_blk crc32c_generic ext4; do
		modprobe -d "$R" -S "$KVER" --show-depends "$m"
	done | awk '$1 == "insmod" { print $2 }' | sort -u); do
	rel=${f#"$R"/}
	mkdir -p "$S/$(dirname "$rel")"
	case $f in
	*.ko.xz) xz -dc "$f" >"$S/${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$f" >"$S/${rel%.zst}" ;;
	*) cp "$f" "$S/$rel" ;;
	esac
done
cp "$R/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$S/lib/modules/$KVER/"
sed -i 's/\.ko\.\(xz\|zst\|gz\)$/.ko/' "$S/lib/modules/$KVER/modules.order"
depmod -b "$S" "$KVER"
(cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$IMG/initrd.cpio"
rm -rf "$S"
cp "$KD/vmlinux" "$IMG/vmlinux"

# --------------------------------------------------------------- disk
mkfs.ext4 -q -F -L vmdevroot -d "$R" "$IMG/disk.raw" 3G >"$IMG/mkfs.log" 2>&1 ||
	{ cat "$IMG/mkfs.log" >&2; die "mkfs.ext4 -d failed"; }
log "used: $(du -sh "$R" | cut -f1); disk.raw $(du -h "$IMG/disk.raw" | cut -f1) allocated"
rm -rf "$R"
touch "$IMG/.ready"
log "built in $(( $(date +%s) - t0 )) s"
echo "$IMG"
