#!/bin/sh
# Record the part of a live /sys (and /dev/vfio) that libvmdev reads into a small
# tarball. Unpacked to DIR, a program reads DIR/sys/... as it would read /sys
# (vmdevctl --root DIR). Runs under busybox sh (VM guest) and bash/dash (host).
#
#   tests/vm/record-tree.sh OUT.tar.gz [SRCROOT]
#
# SRCROOT (default /) lets you re-record from an unpacked tree.
# What is recorded:
#   /sys/bus/pci/devices/* links and the device directories they point to
#     (ids, class, revision, driver_override, sriov_* (with sriov_drivers_autoprobe), boot_vga, config (64 bytes),
#     modalias, numa_node, enable, uevent, bus numbers; links iommu_group, driver,
#     subsystem, physfn, virtfn*; net/*/{operstate,flags}; vfio-dev/* with dev, uevent)
#   /sys/bus/{pci,mdev}/drivers/* (bind/unbind/new_id/remove_id, device and module links),
#     /sys/bus/{pci,mdev}/{drivers_probe,drivers_autoprobe,rescan}, /sys/module/X
#   /sys/kernel/iommu_groups/*/{type,devices/*}
#   /sys/class/mdev_bus/* links, each parent's mdev_supported_types/*/
#     {name,description,device_api,available_instances,create,devices/*}
#   mdevs (mdev_type, iommu_group, driver, subsystem links, remove, uevent, vfio-dev/*),
#     /sys/bus/mdev/devices/* links
#   /dev/vfio/* and /dev/vfio/devices/* as empty regular files (same names and modes)
# Symlinks keep their relative target strings; write-only attributes become empty
# files with the same mode; a final pass creates (empty) directories for link
# targets that exist on the source but were not recorded, so no link dangles
# unless it dangles on the source too.
set -u

OUTF=${1:?usage: record-tree.sh OUT.tar.gz [SRCROOT]}
SRC=${2:-}
SRC=${SRC%/}
case $OUTF in /*) ;; *) OUTF=$(pwd)/$OUTF ;; esac

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/record-tree.XXXXXX") || exit 1
trap 'rm -rf "$STAGE"' EXIT INT TERM

# real (resolved) path relative to SRC, e.g. /sys/devices/pci0000:00/0000:00:02.0
resolve() {
	_r=$(readlink -f "$SRC$1") || return 1
	printf '%s\n' "${_r#"$SRC"}"
}

# rec PATH: record one entry (link as link, dir as dir, file as file)
rec() {
	_s=$SRC$1 _d=$STAGE$1
	if [ -L "$_s" ]; then
		[ -L "$_d" ] && return 0
		mkdir -p "${_d%/*}"
		ln -s "$(readlink "$_s")" "$_d"
		return 0
	fi
	[ -e "$_s" ] || return 0
	if [ -d "$_s" ]; then mkdir -p "$_d"; return 0; fi
	[ -e "$_d" ] && return 0
	mkdir -p "${_d%/*}"
	_m=$(stat -c %a "$_s")
	case $_m in
	[4567]??)
		case $1 in
		*/config) head -c 64 "$_s" >"$_d" 2>/dev/null || : >"$_d" ;;
		*) cat "$_s" >"$_d" 2>/dev/null || : >"$_d" ;;
		esac ;;
	*) : >"$_d" ;;   # write-only (create, remove, bind, unbind, new_id, ...)
	esac
	chmod "$_m" "$_d"
}

# rec_dir_entries DIR: every link and regular file directly in DIR
rec_dir_entries() {
	for _e in "$SRC$1"/*; do
		[ -e "$_e" ] || [ -L "$_e" ] || continue
		[ -L "$_e" ] || [ -f "$_e" ] || continue
		rec "${_e#"$SRC"}"
	done
}

PCI_ATTRS="vendor device subsystem_vendor subsystem_device class revision driver_override
	sriov_numvfs sriov_totalvfs sriov_offset sriov_stride sriov_vf_device sriov_drivers_autoprobe boot_vga config
	modalias numa_node enable uevent secondary_bus_number subordinate_bus_number
	iommu_group driver subsystem physfn"

rec_pci_dev() { # resolved device dir
	_p=$1
	rec "$_p"
	for _a in $PCI_ATTRS; do rec "$_p/$_a"; done
	for _v in "$SRC$_p"/virtfn*; do [ -L "$_v" ] && rec "${_v#"$SRC"}"; done
	for _n in "$SRC$_p"/net/*; do
		[ -d "$_n" ] || continue
		rec "${_n#"$SRC"}/operstate"; rec "${_n#"$SRC"}/flags"
	done
	for _v in "$SRC$_p"/vfio-dev/*; do
		[ -d "$_v" ] || continue
		rec "${_v#"$SRC"}"; rec "${_v#"$SRC"}/dev"; rec "${_v#"$SRC"}/uevent"
	done
}

rec_driver_dir() { # /sys/bus/X/drivers/NAME
	rec "$1"
	rec_dir_entries "$1"
	if [ -L "$SRC$1/module" ]; then
		_mod=$(resolve "$1/module")
		rec "$_mod/initstate"; rec "$_mod/refcnt"; rec "$_mod"
	fi
}

# ---------------------------------------------------------------- PCI
rec /sys/bus/pci/devices
for l in "$SRC"/sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	rec "${l#"$SRC"}"
	rec_pci_dev "$(resolve "${l#"$SRC"}")"
done
for b in pci mdev; do
	[ -d "$SRC/sys/bus/$b" ] || continue
	rec /sys/bus/$b/drivers
	rec /sys/bus/$b/devices
	for f in drivers_probe drivers_autoprobe rescan; do rec /sys/bus/$b/$f; done
	for d in "$SRC"/sys/bus/$b/drivers/*; do
		[ -d "$d" ] && rec_driver_dir "${d#"$SRC"}"
	done
done
for m in vfio vfio_pci vfio_pci_core vfio_iommu_type1 mdev pci_stub iommufd kvm; do
	[ -d "$SRC/sys/module/$m" ] || continue
	rec /sys/module/$m; rec /sys/module/$m/initstate; rec /sys/module/$m/refcnt
done

# ---------------------------------------------------------------- IOMMU groups
rec /sys/kernel/iommu_groups
for g in "$SRC"/sys/kernel/iommu_groups/*; do
	[ -d "$g" ] || continue
	g=${g#"$SRC"}
	rec "$g/type"
	rec "$g/devices"
	rec_dir_entries "$g/devices"
done

# ---------------------------------------------------------------- mdev parents, types, mdevs
rec /sys/class/mdev_bus
for l in "$SRC"/sys/class/mdev_bus/*; do
	[ -L "$l" ] || continue
	rec "${l#"$SRC"}"
	p=$(resolve "${l#"$SRC"}")
	case $p in
	/sys/devices/pci*) rec_pci_dev "$p" ;;
	*) rec "$p"; rec "$p/uevent"; rec "$p/subsystem"; rec "$p/dev" ;;
	esac
	for t in "$SRC$p"/mdev_supported_types/*; do
		[ -d "$t" ] || continue
		t=${t#"$SRC"}
		for a in name description device_api available_instances create; do rec "$t/$a"; done
		rec "$t/devices"
		rec_dir_entries "$t/devices"
	done
done
for l in "$SRC"/sys/bus/mdev/devices/*; do
	[ -L "$l" ] || continue
	rec "${l#"$SRC"}"
	m=$(resolve "${l#"$SRC"}")
	for a in mdev_type iommu_group driver subsystem remove uevent; do rec "$m/$a"; done
	for v in "$SRC$m"/vfio-dev/*; do
		[ -d "$v" ] || continue
		rec "${v#"$SRC"}"; rec "${v#"$SRC"}/dev"
	done
done
for v in mtty mdpy mbochs; do
	[ -d "$SRC/sys/devices/virtual/$v/$v" ] || continue
	rec /sys/devices/virtual/$v/$v; rec /sys/devices/virtual/$v/$v/uevent
done

# ---------------------------------------------------------------- /dev/vfio
if [ -d "$SRC/dev/vfio" ]; then
	mkdir -p "$STAGE/dev/vfio"
	for f in "$SRC"/dev/vfio/* "$SRC"/dev/vfio/devices/*; do
		[ -e "$f" ] || continue
		r=${f#"$SRC"}
		if [ -d "$f" ]; then mkdir -p "$STAGE$r"; continue; fi
		mkdir -p "$STAGE${r%/*}"; : >"$STAGE$r"
		chmod "$(stat -c %a "$f")" "$STAGE$r"
	done
fi

# ---------------------------------------------------------------- make link targets exist
# (e.g. subsystem -> /sys/class/mtty, module -> /sys/module/e1000e)
find "$STAGE" -type l | while read -r l; do
	[ -e "$l" ] && continue
	r=${l#"$STAGE"}
	t=$(readlink -f "$SRC$r") || continue
	[ -e "$t" ] || continue
	t=${t#"$SRC"}
	case $t in /sys/*|/dev/*) ;; *) continue ;; esac
	if [ -d "$SRC$t" ]; then mkdir -p "$STAGE$t"; else mkdir -p "$STAGE${t%/*}"; : >"$STAGE$t"; fi
done

tar -czf "$OUTF" -C "$STAGE" sys dev 2>/dev/null || tar -czf "$OUTF" -C "$STAGE" sys
