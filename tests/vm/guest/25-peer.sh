#!/bin/sh
# Debian's mdevctl, the established tool, on the same live kernel as
# vmdevctl: their lists of mdevs and of types (with available instances)
# are taken back to back here and compared on the host by check-peer.py.
. ./lib.sh
T=/sys/class/mdev_bus
if ! [ -x /usr/bin/mdevctl ]; then
	fail "mdevctl in the guest" "not copied in (install the mdevctl package on the host)"
	exit 0
fi
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers "$VM_OUT/peer"

U1=$(new_uuid) U2=$(new_uuid) U3=$(new_uuid)
check "peer: create mtty-2" sysw $T/mtty/mdev_supported_types/mtty-2/create $U1
check "peer: create mdpy-xga" sysw $T/mdpy/mdev_supported_types/mdpy-xga/create $U2
check "peer: create mbochs-medium" sysw $T/mbochs/mdev_supported_types/mbochs-medium/create $U3
check "mdevctl list --dumpjson runs" sh -c "mdevctl list --dumpjson >$VM_OUT/peer/mdevctl-list.json"
check "vmdevctl list --json runs" sh -c "vmdevctl --json list >$VM_OUT/peer/vmdevctl-list.json"
check "mdevctl types --dumpjson runs" sh -c "mdevctl types --dumpjson >$VM_OUT/peer/mdevctl-types.json"
check "vmdevctl types --json runs" sh -c "vmdevctl --json types >$VM_OUT/peer/vmdevctl-types.json"
for u in $U1 $U2 $U3; do sysw /sys/bus/mdev/devices/$u/remove 1; done
check_eq "peer: clean" "" "$(ls /sys/bus/mdev/devices)"
exit 0
