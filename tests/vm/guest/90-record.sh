#!/bin/sh
# Record golden sysfs trees into $VM_OUT with tests/vm/record-tree.sh and check their
# fidelity against the live /sys; leave the system clean.
#   mdev-nonviable.tar.gz  mdevs on mtty (mtty-1, mtty-2), mdpy and mbochs; the multifunction
#                          group half on vfio-pci (not viable); NIC_A on vfio-pci
#   all-viable.tar.gz      the same mdevs; every PCI endpoint on vfio-pci or unbound
#   sriov.tar.gz           the same, the SR-IOV PF back on nvme with 2 VFs (autoprobe off while
#                          they came): the first on vfio-pci, the second unbound
. ./lib.sh
. ./snapshot.sh
REC=/tests/vm/record-tree.sh
T=/sys/class/mdev_bus

# fixed UUIDs so the recorded trees are reproducible
U_MTTY1=0b0c1a7e-0001-4000-8000-000000000001
U_MTTY2=0b0c1a7e-0002-4000-8000-000000000002
U_MDPY=0b0c1a7e-0003-4000-8000-000000000003
U_MBOCHS=0b0c1a7e-0004-4000-8000-000000000004

# verify_tree NAME TGZ: unpack and compare with the live system
verify_tree() {
	_n=$1 _t=$2 _x=/tmp/verify.$1
	rm -rf "$_x"; mkdir -p "$_x"
	if ! tar -xzf "$_t" -C "$_x"; then fail "$_n: unpacks" "tar failed"; return; fi
	ok "$_n: unpacks"
	_sz=$(stat -c %s "$_t")
	echo "# $_n: $_sz bytes compressed, $(find "$_x" | wc -l) entries, $(find "$_x" -type l | wc -l) links"
	[ "$_sz" -lt 200000 ] && ok "$_n: small ($_sz bytes)" || fail "$_n: small" "$_sz bytes"
	_bad=$(find "$_x" -type l | while read -r _l; do
		_r=${_l#"$_x"}
		[ "$(readlink "$_l")" = "$(readlink "$_r")" ] || echo "$_r"
	done)
	check_eq "$_n: every link has the live readlink target" "" "$(echo $_bad | cut -c1-400)"
	_dang=$(find "$_x" -type l | while read -r _l; do [ -e "$_l" ] || echo "${_l#"$_x"}"; done)
	check_eq "$_n: no dangling links" "" "$(echo $_dang | cut -c1-400)"
	_diff=$(find "$_x/sys" -type f | while read -r _f; do
		_r=${_f#"$_x"}
		[ -s "$_f" ] || continue
		case $_r in
		*/config) [ "$(head -c 64 "$_r" | md5sum)" = "$(md5sum <"$_f")" ] || echo "$_r" ;;
		*) [ "$(md5sum <"$_r")" = "$(md5sum <"$_f")" ] || echo "$_r" ;;
		esac
	done)
	check_eq "$_n: attribute contents equal the live ones" "" "$(echo $_diff | cut -c1-400)"
	for _u in $U_MTTY1 $U_MTTY2 $U_MDPY $U_MBOCHS; do
		check_link "$_n: has mdev $_u" "$_x/sys/bus/mdev/devices/$_u"
	done
	check_exists "$_n: has mtty-2 available_instances" "$_x/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances"
	check_eq "$_n: create is an empty file" "0 200" "$(stat -c '%s %a' "$_x/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create")"
	check_eq "$_n: /dev/vfio entries" "$(ls /dev/vfio | tr '\n' ' ')" "$(ls "$_x/dev/vfio" | tr '\n' ' ')"
	check_eq "$_n: PCI devices" "$(ls /sys/bus/pci/devices | tr '\n' ' ')" "$(ls "$_x/sys/bus/pci/devices" | tr '\n' ' ')"
	check_eq "$_n: iommu groups" "$(ls /sys/kernel/iommu_groups | tr '\n' ' ')" "$(ls "$_x/sys/kernel/iommu_groups" | tr '\n' ' ')"
	check_eq "$_n: pci drivers" "$(ls /sys/bus/pci/drivers | tr '\n' ' ')" "$(ls "$_x/sys/bus/pci/drivers" | tr '\n' ' ')"
	rm -rf "$_x"
}

# record_golden NAME: $VM_OUT/golden/NAME/ gets the tree, the kernel version
# and vmdevctl's live JSON of every read command: the golden tier's case
# (copy it to tests/golden/NAME/). A snapshot of the same moment lets the
# host check that JSON against the shell's view of sysfs.
record_golden() {
	_g=$VM_OUT/golden/$1
	mkdir -p "$_g"
	uname -r >"$_g/KERNEL"
	if sh $REC "$_g/tree.tar.gz"; then
		ok "record $1"
		verify_tree "$1" "$_g/tree.tar.gz"
	else
		fail "record $1" "record-tree.sh failed"
	fi
	[ -x /usr/bin/vmdevctl ] || return 0
	for _c in list types parents devices groups sriov; do
		vmdevctl --json $_c >"$_g/$_c.json" || fail "record $1: vmdevctl $_c" "exit $?"
	done
	snapshot "golden-$1"
}

mkdir -p "$VM_OUT"

# ------------------------------------------------------------------ state 1: mdevs + a non-viable group
check "create mtty-1 $U_MTTY1" sysw $T/mtty/mdev_supported_types/mtty-1/create $U_MTTY1
check "create mtty-2 $U_MTTY2" sysw $T/mtty/mdev_supported_types/mtty-2/create $U_MTTY2
check "create mdpy-vga $U_MDPY" sysw $T/mdpy/mdev_supported_types/mdpy-vga/create $U_MDPY
check "create mbochs-small $U_MBOCHS" sysw $T/mbochs/mdev_supported_types/mbochs-small/create $U_MBOCHS
check "bind $MF_NET alone to vfio-pci" pci_bind $MF_NET vfio-pci
check_eq "$MF_RNG stays on virtio-pci" virtio-pci "$(drv_of $MF_RNG)"
check "bind $NIC_A to vfio-pci" pci_bind $NIC_A vfio-pci
check_exists "/dev/vfio/$(group_of $NIC_A) present" /dev/vfio/$(group_of $NIC_A)
echo "# state mdev-nonviable: mdev groups $(for u in $U_MTTY1 $U_MTTY2 $U_MDPY $U_MBOCHS; do printf '%s ' "$(group_of /sys/bus/mdev/devices/$u)"; done); /dev/vfio: $(ls /dev/vfio | tr '\n' ' ')"
record_golden mdev-nonviable

# ------------------------------------------------------------------ state 2: every group viable
check "bind $MF_RNG to vfio-pci" pci_bind $MF_RNG vfio-pci
check "bind $NIC_B to vfio-pci" pci_bind $NIC_B vfio-pci
check "bind $BR_NET to vfio-pci" pci_bind $BR_NET vfio-pci
check "unbind $BR_RNG (unbound is viable)" pci_bind $BR_RNG ""
check "bind the SR-IOV PF $SRIOV_PF (no VFs) to vfio-pci" pci_bind $SRIOV_PF vfio-pci
check_eq "root port stays on pcieport" pcieport "$(drv_of $ROOT_PORT)"
bad=""
for d in /sys/bus/pci/devices/*; do
	a=${d##*/}
	# the cdev kernel's NIC outside the IOMMU (no group) cannot be assigned
	[ -L "$d/iommu_group" ] || continue
	case "$(drv_of $a)" in ''|vfio-pci|pcieport) ;; *) bad="$bad $a=$(drv_of $a)" ;; esac
done
check_eq "every PCI device on vfio-pci, pcieport or unbound" "" "$bad"
echo "# state all-viable: /dev/vfio: $(ls /dev/vfio | tr '\n' ' ')"
record_golden all-viable

# ------------------------------------------------------------------ state 3: a PF with VFs
PFD=/sys/bus/pci/devices/$SRIOV_PF
pci_restore $SRIOV_PF
check_eq "the SR-IOV PF back on nvme" nvme "$(drv_of $SRIOV_PF)"
check "autoprobe off" sysw $PFD/sriov_drivers_autoprobe 0
check "2 VFs" sysw $PFD/sriov_numvfs 2
VF0=$(basename "$(readlink $PFD/virtfn0)") VF1=$(basename "$(readlink $PFD/virtfn1)")
check "bind VF $VF0 to vfio-pci" pci_bind $VF0 vfio-pci
check_eq "VF $VF1 unbound" "" "$(drv_of $VF1)"
echo "# state sriov: VFs $VF0 $VF1; /dev/vfio: $(ls /dev/vfio | tr '\n' ' ')"
record_golden sriov
sysw $PFD/sriov_numvfs 0
sysw $PFD/sriov_drivers_autoprobe 1

# ------------------------------------------------------------------ clean up
for u in $U_MTTY1 $U_MTTY2 $U_MDPY $U_MBOCHS; do sysw /sys/bus/mdev/devices/$u/remove 1; done
for a in $NIC_A $NIC_B $MF_NET $MF_RNG $BR_NET $BR_RNG $SRIOV_PF; do pci_restore $a; done
check_eq "clean: no mdevs" "" "$(ls /sys/bus/mdev/devices)"
check_eq "clean: only /dev/vfio/vfio" "vfio" "$(ls /dev/vfio | tr '\n' ' ' | sed 's/ $//')"
check_eq "clean: NICs on e1000e" "e1000e e1000e" "$(drv_of $NIC_A) $(drv_of $NIC_B)"
check_eq "clean: virtio devices on virtio-pci" "virtio-pci virtio-pci virtio-pci virtio-pci" \
	"$(drv_of $MF_NET) $(drv_of $MF_RNG) $(drv_of $BR_NET) $(drv_of $BR_RNG)"
check_eq "clean: the SR-IOV PF on nvme without VFs" "nvme 0 1" \
	"$(drv_of $SRIOV_PF) $(cat /sys/bus/pci/devices/$SRIOV_PF/sriov_numvfs) $(cat /sys/bus/pci/devices/$SRIOV_PF/sriov_drivers_autoprobe)"
exit 0
