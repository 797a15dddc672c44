#!/bin/sh
# Our own mdev driver, tests/vm/mattr (vfio-ap-like matrix attributes), proven
# by plain sysfs writes (no vmdevctl): parent, type, create/bind//dev/vfio,
# ordered assignments in "matrix", every errno, unassign, rebind, removal.
. ./lib.sh

T=/sys/class/mdev_bus
P=$T/mattr
TY=$P/mdev_supported_types/mattr-1
NL='
'

# wr DESC PATH VALUE EXPECTED: write VALUE (like echo) and expect "ok" or the errno text
wr() {
	if sysw "$2" "$3"; then _got=ok; else _got=$(sysw_errmsg); fi
	check_eq "$1" "$4" "$_got"
}
# mx MDEVDIR: the matrix, lines joined with "|"
mx() { cat "$1/matrix" | tr '\n' '|' | sed 's/|$//'; }

# ------------------------------------------------------------------ module, parent, type
check_exists "module mattr loaded" /sys/module/mattr
check_exists "mdev driver mattr registered" /sys/bus/mdev/drivers/mattr
check_link "mdev_bus has parent mattr" $P
check_eq "mdev_bus/mattr links to the virtual device" "../../devices/virtual/mattr/mattr" "$(readlink $P)"
check_eq "mattr types" "mattr-1" "$(ls $P/mdev_supported_types | tr '\n' ' ' | sed 's/ $//')"
check_eq "mattr-1 name" "Matrix test device" "$(cat $TY/name)"
check_eq "mattr-1 device_api" "vfio-ap" "$(cat $TY/device_api)"
check_eq "mattr-1 description" "matrix test device: adapters 0-15, domains 0-255, 13 reserved" "$(cat $TY/description)"
check_eq "mattr-1 available_instances starts at 8" 8 "$(cat $TY/available_instances)"

# ------------------------------------------------------------------ create, bind, /dev/vfio
U1=$(new_uuid)
U2=$(new_uuid)
M1=/sys/bus/mdev/devices/$U1
M2=/sys/bus/mdev/devices/$U2
wr "create mattr-1 $U1" $TY/create $U1 ok
check_link "mdev $U1 exists" $M1
check_eq "mdev is bound to mattr" mattr "$(drv_of $M1)"
check_eq "mdev_type link" "../mdev_supported_types/mattr-1" "$(readlink $M1/mdev_type)"
G1=$(group_of $M1)
check_match "mdev has an IOMMU group" "[0-9]*" "$G1"
if [ -c /dev/vfio/$G1 ]; then ok "/dev/vfio/$G1 is a char device"; else fail "/dev/vfio/$G1 is a char device" "$(ls -l /dev/vfio)"; fi
check_eq "available_instances drops to 7" 7 "$(cat $TY/available_instances)"
for a in assign_adapter unassign_adapter assign_domain unassign_domain assign_control_domain unassign_control_domain; do
	check_eq "$a mode 0200" 200 "$(stat -c %a $M1/$a 2>&1)"
done
check_eq "matrix mode 0444" 444 "$(stat -c %a $M1/matrix 2>&1)"
check_eq "matrix starts empty" "" "$(cat $M1/matrix)"

# ------------------------------------------------------------------ ordered assignments
wr "assign_adapter 5" $M1/assign_adapter 5 ok
wr "assign_domain 0xab" $M1/assign_domain 0xab ok
wr "assign_control_domain 3" $M1/assign_control_domain 3 ok
check_eq "matrix lists the three in assignment order" \
	"adapter 0x05${NL}domain 0xab${NL}control_domain 0x03" "$(cat $M1/matrix)"
wr "assign_adapter 5 again succeeds" $M1/assign_adapter 5 ok
wr "assign_domain 171 (same domain, decimal) succeeds" $M1/assign_domain 171 ok
check_eq "re-assigning changes nothing" "adapter 0x05|domain 0xab|control_domain 0x03" "$(mx $M1)"
wr "assign_adapter 0X0f (upper-case prefix)" $M1/assign_adapter 0X0f ok
wr "assign_adapter 010 (octal, as kstrtouint base 0)" $M1/assign_adapter 010 ok
if printf 0 >$M1/assign_domain 2>/dev/null; then ok "assign_domain 0 without a newline"; else fail "assign_domain 0 without a newline" "write failed"; fi
check_eq "matrix appends in order" "adapter 0x05|domain 0xab|control_domain 0x03|adapter 0x0f|adapter 0x08|domain 0x00" "$(mx $M1)"

# ------------------------------------------------------------------ errors
for a in assign_adapter assign_domain assign_control_domain unassign_adapter unassign_domain unassign_control_domain; do
	for v in abc "" 5x -1 08 "0x" "1 2"; do
		wr "$a '$v': EINVAL" $M1/$a "$v" "Invalid argument"
	done
done
wr "assign_adapter 16: ENODEV" $M1/assign_adapter 16 "No such device"
wr "assign_adapter 0x10: ENODEV" $M1/assign_adapter 0x10 "No such device"
wr "assign_domain 256: ENODEV" $M1/assign_domain 256 "No such device"
wr "assign_control_domain 0x100: ENODEV" $M1/assign_control_domain 0x100 "No such device"
wr "assign_domain 99999999999 (overflow): ENODEV" $M1/assign_domain 99999999999 "No such device"
wr "unassign_adapter 16: ENODEV" $M1/unassign_adapter 16 "No such device"
wr "unassign_domain 256: ENODEV" $M1/unassign_domain 256 "No such device"
wr "assign_adapter 13: EADDRNOTAVAIL" $M1/assign_adapter 13 "Cannot assign requested address"
wr "assign_domain 0xd: EADDRNOTAVAIL" $M1/assign_domain 0xd "Cannot assign requested address"
wr "assign_control_domain 13: EADDRNOTAVAIL" $M1/assign_control_domain 13 "Cannot assign requested address"
check_eq "failed writes changed nothing" "adapter 0x05|domain 0xab|control_domain 0x03|adapter 0x0f|adapter 0x08|domain 0x00" "$(mx $M1)"

wr "create mattr-1 $U2" $TY/create $U2 ok
check_eq "second mdev bound to mattr" mattr "$(drv_of $M2)"
check_eq "second mdev's matrix starts empty" "" "$(cat $M2/matrix)"
wr "assign_domain 0xab first on the second mdev" $M2/assign_domain 0xab ok
wr "assign_adapter 5 held by $U1: EBUSY" $M2/assign_adapter 5 "Device or resource busy"
wr "assign_adapter 0x5 held by $U1: EBUSY" $M2/assign_adapter 0x5 "Device or resource busy"
wr "assign_adapter 4 on the second mdev" $M2/assign_adapter 4 ok
wr "assign_adapter 4 held by $U2: EBUSY on the first" $M1/assign_adapter 4 "Device or resource busy"
wr "a domain another mdev holds is not exclusive" $M2/assign_control_domain 3 ok
check_eq "second matrix keeps its own order" "domain 0xab|adapter 0x04|control_domain 0x03" "$(mx $M2)"

# ------------------------------------------------------------------ unassign
wr "unassign_adapter 5" $M1/unassign_adapter 5 ok
check_eq "unassign keeps the others' order" "domain 0xab|control_domain 0x03|adapter 0x0f|adapter 0x08|domain 0x00" "$(mx $M1)"
wr "unassign_adapter 5 again (not held) succeeds" $M1/unassign_adapter 5 ok
wr "unassign_adapter 13 (never held) succeeds" $M1/unassign_adapter 13 ok
wr "unassign_domain 0" $M1/unassign_domain 0 ok
wr "unassign_control_domain 0x03" $M1/unassign_control_domain 0x03 ok
check_eq "matrix after unassigns" "domain 0xab|adapter 0x0f|adapter 0x08" "$(mx $M1)"
wr "adapter 5 is free again for the second mdev" $M2/assign_adapter 5 ok
wr "re-assigned adapter goes last" $M1/assign_domain 0x3 ok
check_eq "matrix after re-assigning" "domain 0xab|adapter 0x0f|adapter 0x08|domain 0x03" "$(mx $M1)"

# ------------------------------------------------------------------ capacity: 64 assignments per mdev
n=$(cat $M1/matrix | wc -l)
d=16
while [ $n -lt 64 ] && [ $d -le 255 ]; do
	sysw $M1/assign_domain $d || break
	n=$((n + 1)); d=$((d + 1))
done
check_eq "64 assignments fit" 64 "$(cat $M1/matrix | wc -l)"
wr "the 65th: ENOSPC" $M1/assign_domain 250 "No space left on device"
wr "a held value still succeeds when full" $M1/assign_domain 0xab ok
wr "unassign when full" $M1/unassign_domain 16 ok
wr "then one more fits" $M1/assign_domain 250 ok
check_eq "matrix still 64 lines" 64 "$(cat $M1/matrix | wc -l)"
for d in $(seq 17 75) 250; do sysw $M1/unassign_domain $d; done
check_eq "matrix after unassigning the bulk" "domain 0xab|adapter 0x0f|adapter 0x08|domain 0x03" "$(mx $M1)"

# ------------------------------------------------------------------ the vfio device opens
if [ -x /usr/bin/vfio-holder ]; then
	: >/tmp/mattr-holder.out
	vfio-holder $G1 $U1 >/tmp/mattr-holder.out 2>&1 &
	H=$!
	n=50; while [ $n -gt 0 ] && ! grep -q ready /tmp/mattr-holder.out; do sleep 0.1; n=$((n-1)); done
	if grep -q ready /tmp/mattr-holder.out; then ok "vfio-holder opens mdev $U1 with a device fd"; else fail "vfio-holder opens mdev $U1 with a device fd" "$(cat /tmp/mattr-holder.out)"; fi
	wr "assign while the device is open" $M1/assign_adapter 2 ok
	kill $H; wait $H 2>/dev/null
else
	skip "vfio-holder opens the mattr mdev" "no /usr/bin/vfio-holder"
fi

# ------------------------------------------------------------------ unbind forgets the matrix, for good
# The mdev bus matches no driver by itself (the core attaches the vendor
# driver once, at create): an unbound mdev cannot be bound again; only
# remove + create brings it back, with an empty matrix.
G2=$(group_of $M2)
wr "unbind $U2 from mattr" /sys/bus/mdev/drivers/mattr/unbind $U2 ok
check_eq "unbound: no driver" "" "$(drv_of $M2)"
check_absent "unbound: no matrix file" $M2/matrix
check_absent "unbound: no assign_adapter file" $M2/assign_adapter
check_absent "unbound: no /dev/vfio/$G2" /dev/vfio/$G2
check_absent "unbound: no iommu_group link (the emulated group goes with the vfio device)" $M2/iommu_group
check_eq "unbound: its instance is available again" 7 "$(cat $TY/available_instances)"
wr "adapter 5 is free once $U2 is unbound" $M1/assign_adapter 5 ok
wr "unassign_adapter 5 again" $M1/unassign_adapter 5 ok
wr "bind $U2 to mattr again: ENODEV (mdev bus matches nothing)" /sys/bus/mdev/drivers/mattr/bind $U2 "No such device"
if sysw /sys/bus/mdev/drivers_probe $U2; then _r=ok; else _r=$(sysw_errmsg); fi
echo "# fact: drivers_probe of an unbound mdev: $_r; driver after: '$(drv_of $M2)'"
check_eq "drivers_probe does not rebind it either" "" "$(drv_of $M2)"
wr "remove the unbound $U2" $M2/remove 1 ok
wr "re-create $U2" $TY/create $U2 ok
check_eq "re-created: bound to mattr" mattr "$(drv_of $M2)"
G2=$(group_of $M2)
check_match "re-created: an IOMMU group again" "[0-9]*" "$G2"
check_exists "re-created: /dev/vfio/$G2" /dev/vfio/$G2
check_eq "re-created: the matrix starts empty" "" "$(cat $M2/matrix)"

# ------------------------------------------------------------------ exhaustion
extra=""
i=$(cat $TY/available_instances)
while [ $i -gt 0 ]; do
	u=$(new_uuid)
	sysw $TY/create $u || break
	extra="$extra $u"
	i=$((i - 1))
done
check_eq "8 mattr mdevs exist" 8 "$(ls $TY/devices | wc -l)"
check_eq "available_instances 0" 0 "$(cat $TY/available_instances)"
wr "ninth create: ENOSPC" $TY/create "$(new_uuid)" "No space left on device"
check_eq "the failed create left nothing" 8 "$(ls /sys/bus/mdev/devices | wc -l)"
for u in $extra; do sysw /sys/bus/mdev/devices/$u/remove 1; done

# ------------------------------------------------------------------ remove; a re-created UUID starts empty
wr "remove $U1" $M1/remove 1 ok
check_absent "$U1 gone" $M1
check_absent "/dev/vfio/$G1 gone" /dev/vfio/$G1
wr "re-create $U1" $TY/create $U1 ok
check_eq "re-created mdev's matrix is empty" "" "$(cat $M1/matrix)"
wr "adapter 0x0f is free after the removal" $M2/assign_adapter 0x0f ok
check_eq "second matrix" "adapter 0x0f" "$(mx $M2)"
wr "remove $U1 again" $M1/remove 1 ok
wr "remove $U2" $M2/remove 1 ok
check_eq "available_instances back to 8" 8 "$(cat $TY/available_instances)"
check_eq "clean: no mdevs" "" "$(ls /sys/bus/mdev/devices)"
check_eq "clean: only /dev/vfio/vfio" "vfio" "$(ls /dev/vfio | tr '\n' ' ' | sed 's/ $//')"
exit 0
