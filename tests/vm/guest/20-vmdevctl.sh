#!/bin/sh
# vmdevctl's read commands on the live kernel, against what the shell sees.
# Snapshots (see snapshot.sh) are compared field by field on the host by
# tests/vm/check-snapshots.py; exit codes and holders are asserted here.
. ./lib.sh
. ./snapshot.sh
T=/sys/class/mdev_bus

if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl (BUILDDIR without cli/vmdevctl)"
	exit 0
fi

snapshot clean

# mdevs of several parents and types, made by plain sysfs writes
U1=$(new_uuid) U2=$(new_uuid) U3=$(new_uuid) U4=$(new_uuid)
A1=$(cat $T/mtty/mdev_supported_types/mtty-2/available_instances)
check "sysfs create mtty-2" sysw $T/mtty/mdev_supported_types/mtty-2/create $U1
check "sysfs create mtty-1" sysw $T/mtty/mdev_supported_types/mtty-1/create $U2
check "sysfs create mdpy" sysw $T/mdpy/mdev_supported_types/mdpy-vga/create $U3
check "sysfs create mbochs" sysw $T/mbochs/mdev_supported_types/mbochs-small/create $U4
A2=$(cat $T/mtty/mdev_supported_types/mtty-2/available_instances)
out=$(vmdevctl --json types -p mtty -t mtty-2)
check_match "types shows the live available_instances of mtty-2 ($A2, was $A1)" "*\"available_instances\": $A2,*" "$out"
check_match "types lists the new mdev under mtty-2" "*\"$U1\"*" "$out"
out=$(vmdevctl list -u "$(echo $U3 | tr a-f A-F)")
check_match "list -u finds an upper-case UUID" "*$U3*mdpy*" "$out"
G1=$(basename "$(readlink /sys/bus/mdev/devices/$U1/iommu_group)")
check "check of an mdev UUID exits 0" vmdevctl -q check $U1
out=$(vmdevctl check $U1)
check_match "check of an mdev names its own group $G1" "group $G1: viable*" "$out"

# half of the multifunction group on vfio-pci: not viable, with a reason
MFG=$(group_of $MF_NET)
check "bind $MF_NET to vfio-pci by sysfs writes" pci_bind $MF_NET vfio-pci
snapshot half-bound
vmdevctl -q check $MF_NET; rc=$?
check_eq "check $MF_NET exits 1 while $MF_RNG is on its host driver" 1 $rc
out=$(vmdevctl check $MFG)
check_match "check names $MF_RNG and its driver as the reason" "*$MF_RNG is bound to host driver $(drv_of $MF_RNG): bind it too*" "$out"
check "/dev/vfio/$MFG exists with a member on vfio-pci" test -e /dev/vfio/$MFG

# the whole group on vfio-pci: viable
check "bind $MF_RNG to vfio-pci by sysfs writes" pci_bind $MF_RNG vfio-pci
check "check $MF_NET exits 0 with the whole group on vfio-pci" vmdevctl -q check $MF_NET
check "examples/check-group agrees: viable" check-group $MF_NET

# a holder of the group: listed, and the group is still viable
sleep 30 3</dev/vfio/$MFG &
HOLDER=$!
sleep 0.3
out=$(vmdevctl --json check $MFG); rc=$?
check_eq "a held viable group still checks 0" 0 $rc
check_match "check lists the holder's pid" "*\"pid\": $HOLDER,*" "$out"
check_match "check lists the holder's command" "*\"comm\": \"sleep\"*" "$out"
out=$(vmdevctl groups $MFG)
check_match "groups text says in use by sleep" "*in use by sleep (pid $HOLDER)*" "$out"
snapshot all-bound
kill $HOLDER; wait $HOLDER 2>/dev/null

# a bridge on pcieport does not spoil its group
out=$(vmdevctl --json groups "$(group_of $ROOT_PORT)" | grep -A2 "\"address\": \"$ROOT_PORT\"" | tr -d '\n ')
check_match "the root port on pcieport is an acceptable member" '*"driver":"pcieport","ok":true*' "$out"

# undo: give the functions back, remove the mdevs
pci_restore $MF_NET; pci_restore $MF_RNG
vmdevctl -q check $MF_NET; rc=$?
check_eq "check $MF_NET exits 1 again after giving both back" 1 $rc
for u in $U1 $U2 $U3 $U4; do
	check "sysfs remove $u" sysw /sys/bus/mdev/devices/$u/remove 1
done
out=$(vmdevctl --json list)
check_eq "list is empty after removing every mdev" "[
]" "$out"
check_eq "mtty-2 available_instances back to $A1" "$A1" "$(cat $T/mtty/mdev_supported_types/mtty-2/available_instances)"
snapshot removed
exit 0
