#!/bin/sh
# Kernel facts by plain shell and sysfs (no vmdevctl): what the library must cope with.
# Lines starting with "# fact:" record measured values (see tests/vm/README.md).
. ./lib.sh

fact() { echo "# fact: $*"; }

# ------------------------------------------------------------------ modules
for m in vfio vfio_iommu_type1 vfio_pci vfio_pci_core mdev mtty mdpy mdpy_fb mbochs \
	e1000e virtio_pci virtio_net virtio_rng pci_stub; do
	check_exists "module $m loaded" /sys/module/$m
done
check_exists "/dev/vfio/vfio exists" /dev/vfio/vfio
check_absent "no vfio_mdev module on this kernel" /sys/module/vfio_mdev
for d in vfio-pci pcieport e1000e virtio-pci pci-stub; do
	check_exists "pci driver $d registered" /sys/bus/pci/drivers/$d
done
for d in mtty mdpy mbochs; do
	check_exists "mdev driver $d registered" /sys/bus/mdev/drivers/$d
done

# ------------------------------------------------------------------ parents and types
for p in mtty mdpy mbochs; do
	check_link "mdev_bus has parent $p" /sys/class/mdev_bus/$p
	check_eq "mdev_bus/$p links to the virtual device" "../../devices/virtual/$p/$p" "$(readlink /sys/class/mdev_bus/$p)"
done
types_of() { ls /sys/class/mdev_bus/$1/mdev_supported_types/ | tr '\n' ' ' | sed 's/ $//'; }
check_eq "mtty types" "mtty-1 mtty-2" "$(types_of mtty)"
check_eq "mdpy types" "mdpy-hd mdpy-vga mdpy-xga" "$(types_of mdpy)"
check_eq "mbochs types" "mbochs-large mbochs-medium mbochs-small" "$(types_of mbochs)"

T=/sys/class/mdev_bus
ai() { cat $T/$1/mdev_supported_types/$2/available_instances; }
for p in mtty mdpy mbochs; do
	for t in $(types_of $p); do
		d=$T/$p/mdev_supported_types/$t
		check_eq "$t device_api" "vfio-pci" "$(cat $d/device_api)"
		check_exists "$t has name" $d/name
		check_exists "$t has devices/" $d/devices
		check_exists "$t has create" $d/create
		fact "$t name='$(cat $d/name 2>/dev/null)' available_instances=$(cat $d/available_instances) description='$(cat $d/description 2>/dev/null | tr '\n' ' ')' desc_present=$([ -e $d/description ] && echo yes || echo no) create_mode=$(stat -c %a $d/create)"
	done
done
check_eq "mtty-1 name" "Single port serial" "$(cat $T/mtty/mdev_supported_types/mtty-1/name)"
check_eq "mtty-2 name" "Dual port serial" "$(cat $T/mtty/mdev_supported_types/mtty-2/name)"
check_absent "mtty-1 has no description" $T/mtty/mdev_supported_types/mtty-1/description
check_exists "mdpy-vga has a description" $T/mdpy/mdev_supported_types/mdpy-vga/description
check_eq "mtty-1 available_instances starts at 24" 24 "$(ai mtty mtty-1)"
check_eq "mtty-2 available_instances starts at 12" 12 "$(ai mtty mtty-2)"
check_eq "mdpy-vga available_instances starts at 4" 4 "$(ai mdpy mdpy-vga)"
check_eq "mdpy-hd available_instances starts at 4" 4 "$(ai mdpy mdpy-hd)"
check_eq "mbochs-small available_instances starts at 64" 64 "$(ai mbochs mbochs-small)"
check_eq "mbochs-medium available_instances starts at 16" 16 "$(ai mbochs mbochs-medium)"
check_eq "mbochs-large available_instances starts at 4" 4 "$(ai mbochs mbochs-large)"

# ------------------------------------------------------------------ create / inspect / remove (mtty-2)
U=$(new_uuid)
if sysw $T/mtty/mdev_supported_types/mtty-2/create "$U"; then ok "create mtty-2 $U"; else fail "create mtty-2" "$SYSW_ERR"; fi
M=/sys/bus/mdev/devices/$U
check_link "mdev appears in /sys/bus/mdev/devices at once" $M
check_eq "bus link target" "../../../devices/virtual/mtty/mtty/$U" "$(readlink $M)"
check_eq "mdev_type link" "mtty-2" "$(basename "$(readlink $M/mdev_type)")"
fact "mdev_type link target: $(readlink $M/mdev_type)"
check_link "mdev has iommu_group link" $M/iommu_group
check_eq "mdev driver is the vendor driver" "mtty" "$(drv_of $M)"
fact "mdev driver link target: $(readlink $M/driver)"
G=$(group_of $M)
fact "mdev iommu_group link target: $(readlink $M/iommu_group) (group $G)"
check_eq "mdev group holds only the mdev" "$U" "$(ls /sys/kernel/iommu_groups/$G/devices)"
check_exists "/dev/vfio/$G exists for the mdev group" /dev/vfio/$G
fact "/dev/vfio/$G mode $(stat -c %a /dev/vfio/$G)"
check_exists "mdev has remove" $M/remove
fact "mdev remove mode $(stat -c %a $M/remove); uevent: $(tr '\n' ' ' <$M/uevent)"
check_link "type devices/ lists the mdev" $T/mtty/mdev_supported_types/mtty-2/devices/$U
check_eq "mtty-2 available drops by 1" 11 "$(ai mtty mtty-2)"
check_eq "mtty-1 available drops by 2 (shared ports)" 22 "$(ai mtty mtty-1)"
check_eq "mdev uevent file holds DRIVER=mtty" "DRIVER=mtty" "$(grep DRIVER $M/uevent)"

# duplicate UUIDs
if sysw $T/mtty/mdev_supported_types/mtty-1/create "$U"; then
	fail "duplicate UUID on the same parent refused" "write succeeded"
else
	ok "duplicate UUID on the same parent refused"
	fact "duplicate UUID same parent: $(sysw_errmsg)"
fi
if sysw $T/mdpy/mdev_supported_types/mdpy-vga/create "$U"; then
	fail "duplicate UUID on another parent refused" "write succeeded"
	sysw /sys/bus/mdev/devices/$U/remove 1
else
	ok "duplicate UUID on another parent refused"
	fact "duplicate UUID other parent: $(sysw_errmsg)"
fi
check_eq "mdpy-vga available unchanged after refused create" 4 "$(ai mdpy mdpy-vga)"
U2=$(echo "$U" | tr a-f A-F)
if sysw $T/mtty/mdev_supported_types/mtty-1/create "$U2"; then
	fail "upper-case duplicate UUID refused" "write succeeded"
	sysw /sys/bus/mdev/devices/$U2/remove 1
else
	ok "upper-case duplicate UUID refused"
	fact "upper-case duplicate UUID: $(sysw_errmsg)"
fi
if sysw $T/mtty/mdev_supported_types/mtty-1/create "not-a-uuid"; then
	fail "malformed UUID refused" "write succeeded"
else
	ok "malformed UUID refused"
	fact "malformed UUID: $(sysw_errmsg)"
fi
# a non-RFC-4122 UUID (version 0, variant 0)
NR=12345678-1234-0234-0234-123456789abc
if sysw $T/mtty/mdev_supported_types/mtty-1/create "$NR"; then
	ok "non-RFC-4122 UUID accepted"
	check_link "non-RFC UUID mdev exists" /sys/bus/mdev/devices/$NR
	sysw /sys/bus/mdev/devices/$NR/remove 1
else
	fail "non-RFC-4122 UUID accepted" "$SYSW_ERR"
fi
if sysw $M/remove 0; then
	fact "writing 0 to remove: accepted (no-op), still present=$([ -e $M ] && echo yes || echo no)"
else
	fact "writing 0 to remove: $(sysw_errmsg)"
fi

# remove
if sysw $M/remove 1; then ok "remove mtty-2 mdev"; else fail "remove mtty-2 mdev" "$SYSW_ERR"; fi
check_absent "mdev gone from /sys/bus/mdev/devices at once" $M
check_absent "/dev/vfio/$G gone after remove" /dev/vfio/$G
check_absent "iommu group $G gone after remove" /sys/kernel/iommu_groups/$G
check_eq "mtty-2 available back to 12" 12 "$(ai mtty mtty-2)"
check_eq "mtty-1 available back to 24" 24 "$(ai mtty mtty-1)"

# ------------------------------------------------------------------ exhaustion
# mtty: 24 ports shared by both types
created=""
n=0
while [ $n -lt 12 ]; do
	u=$(new_uuid)
	sysw $T/mtty/mdev_supported_types/mtty-2/create $u && created="$created $u"
	n=$((n + 1))
done
check_eq "12 mtty-2 created" 12 "$(echo $created | wc -w)"
check_eq "mtty-2 available 0 when full" 0 "$(ai mtty mtty-2)"
check_eq "mtty-1 available 0 when full" 0 "$(ai mtty mtty-1)"
u=$(new_uuid)
if sysw $T/mtty/mdev_supported_types/mtty-1/create $u; then
	fail "mtty create refused when exhausted" "write succeeded"; created="$created $u"
else
	ok "mtty create refused when exhausted"
	fact "exhausted mtty create: $(sysw_errmsg)"
fi
check_absent "no mdev left behind by refused mtty create" /sys/bus/mdev/devices/$u
for u in $created; do sysw /sys/bus/mdev/devices/$u/remove 1; done
check_eq "mtty-1 back to 24 after removing all" 24 "$(ai mtty mtty-1)"

# mdpy: max_instances 4 shared by all its types (counted by the mdev core)
created=""
for t in mdpy-vga mdpy-xga mdpy-hd mdpy-vga; do
	u=$(new_uuid)
	sysw $T/mdpy/mdev_supported_types/$t/create $u && created="$created $u"
	fact "after creating $t: mdpy-vga=$(ai mdpy mdpy-vga) mdpy-xga=$(ai mdpy mdpy-xga) mdpy-hd=$(ai mdpy mdpy-hd)"
done
check_eq "4 mdpy created" 4 "$(echo $created | wc -w)"
check_eq "mdpy-hd available 0 when full" 0 "$(ai mdpy mdpy-hd)"
u=$(new_uuid)
if sysw $T/mdpy/mdev_supported_types/mdpy-hd/create $u; then
	fail "mdpy create refused when exhausted" "write succeeded"; created="$created $u"
else
	ok "mdpy create refused when exhausted"
	fact "exhausted mdpy create: $(sysw_errmsg)"
fi
for u in $created; do sysw /sys/bus/mdev/devices/$u/remove 1; done
check_eq "mdpy-vga back to 4" 4 "$(ai mdpy mdpy-vga)"

# mbochs: 256 MB shared
u=$(new_uuid)
check "create mbochs-large" sysw $T/mbochs/mdev_supported_types/mbochs-large/create $u
check_eq "mbochs-small 64 -> 48 after a large" 48 "$(ai mbochs mbochs-small)"
check_eq "mbochs-medium 16 -> 12 after a large" 12 "$(ai mbochs mbochs-medium)"
check_eq "mbochs-large 4 -> 3" 3 "$(ai mbochs mbochs-large)"
sysw /sys/bus/mdev/devices/$u/remove 1
created=""
for i in 1 2 3 4; do u=$(new_uuid); sysw $T/mbochs/mdev_supported_types/mbochs-large/create $u && created="$created $u"; done
u=$(new_uuid)
if sysw $T/mbochs/mdev_supported_types/mbochs-small/create $u; then
	fail "mbochs create refused when exhausted" "write succeeded"; created="$created $u"
else
	ok "mbochs create refused when exhausted"
	fact "exhausted mbochs create: $(sysw_errmsg)"
fi
for u in $created; do sysw /sys/bus/mdev/devices/$u/remove 1; done
check_eq "mbochs-small back to 64" 64 "$(ai mbochs mbochs-small)"
check_eq "no mdevs left" "" "$(ls /sys/bus/mdev/devices)"

# ------------------------------------------------------------------ topology: groups
gA=$(group_of $NIC_A) gB=$(group_of $NIC_B)
check_eq "$NIC_A is e1000e" e1000e "$(drv_of $NIC_A)"
check_eq "$NIC_A group has one device" "$NIC_A" "$(ls /sys/kernel/iommu_groups/$gA/devices)"
check_eq "$NIC_B group has one device" "$NIC_B" "$(ls /sys/kernel/iommu_groups/$gB/devices)"
gM=$(group_of $MF_NET)
check_eq "multifunction slot shares one group" "$gM" "$(group_of $MF_RNG)"
check_eq "multifunction group members" "$MF_NET $MF_RNG" "$(ls /sys/kernel/iommu_groups/$gM/devices | tr '\n' ' ' | sed 's/ $//')"
check_eq "$MF_NET on virtio-pci" virtio-pci "$(drv_of $MF_NET)"
check_eq "$MF_RNG on virtio-pci" virtio-pci "$(drv_of $MF_RNG)"
gR=$(group_of $BRIDGE)
check_eq "bridge group members" "$BRIDGE $BR_NET $BR_RNG" "$(ls /sys/kernel/iommu_groups/$gR/devices | tr '\n' ' ' | sed 's/ $//')"
check_eq "root port alone in its group" "$ROOT_PORT" "$(ls /sys/kernel/iommu_groups/$(group_of $ROOT_PORT)/devices)"
check_eq "root port on pcieport" pcieport "$(drv_of $ROOT_PORT)"
check_eq "pcie-pci-bridge has no driver" "" "$(drv_of $BRIDGE)"
hdr() { dd if=/sys/bus/pci/devices/$1/config bs=1 skip=14 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
check_eq "bridge header type 01" 01 "$(hdr $BRIDGE)"
check_eq "root port header type 01" 01 "$(hdr $ROOT_PORT)"
check_eq "e1000e header type 00" 00 "$(hdr $NIC_A)"
check_eq "multifunction device header type 80" 80 "$(hdr $MF_NET)"
fact "config size of $NIC_A: $(stat -c %s /sys/bus/pci/devices/$NIC_A/config) bytes readable $(cat /sys/bus/pci/devices/$NIC_A/config | wc -c)"
fact "driver_override when unset: '$(cat /sys/bus/pci/devices/$NIC_A/driver_override)'"
fact "host bridge / ICH9 group: $(ls /sys/kernel/iommu_groups/$(group_of 0000:00:1f.0)/devices | tr '\n' ' ')"

# ------------------------------------------------------------------ vfio-pci bind of a single-device group
P=/sys/bus/pci/devices/$NIC_A
check "override $NIC_A to vfio-pci" sysw $P/driver_override vfio-pci
check_eq "driver_override reads back" vfio-pci "$(cat $P/driver_override)"
check "unbind $NIC_A from e1000e" sysw $P/driver/unbind $NIC_A
check_eq "$NIC_A unbound" "" "$(drv_of $NIC_A)"
check "drivers_probe $NIC_A" sysw /sys/bus/pci/drivers_probe $NIC_A
check_eq "$NIC_A on vfio-pci" vfio-pci "$(drv_of $NIC_A)"
check_exists "/dev/vfio/$gA exists after bind" /dev/vfio/$gA
check_eq "/dev/vfio/$gA mode 0600" 600 "$(stat -c %a /dev/vfio/$gA)"
fact "vfio-pci device has vfio-dev dir: $(ls -d $P/vfio-dev/* 2>/dev/null | tr '\n' ' ') /dev/vfio/devices: $(ls /dev/vfio/devices 2>/dev/null | tr '\n' ' ')"
# a group fd can be open only once
exec 3<>/dev/vfio/$gA
if (exec 4<>/dev/vfio/$gA) 2>/tmp/err; then
	fail "second open of a group fd refused" "second open succeeded"
else
	ok "second open of a group fd refused"
	fact "second open of /dev/vfio/N: $(sed 's/.*: //' /tmp/err)"
fi
check_eq "holder visible in /proc/PID/fd" "/dev/vfio/$gA" "$(readlink /proc/$$/fd/3)"
exec 3<&-
check "unbind $NIC_A from vfio-pci" sysw $P/driver/unbind $NIC_A
check_absent "/dev/vfio/$gA gone after unbind" /dev/vfio/$gA
check "clear override of $NIC_A" sysw $P/driver_override ""
check_eq "driver_override cleared" "(null)" "$(cat $P/driver_override)"
check "reprobe $NIC_A" sysw /sys/bus/pci/drivers_probe $NIC_A
check_eq "$NIC_A back on e1000e" e1000e "$(drv_of $NIC_A)"

# new_id: binds every unbound device with those ids
PB=/sys/bus/pci/devices/$NIC_B
sysw $PB/driver/unbind $NIC_B
if sysw /sys/bus/pci/drivers/vfio-pci/new_id "8086 10d3"; then
	ok "new_id 8086 10d3 accepted by vfio-pci"
	check_eq "unbound $NIC_B taken by vfio-pci via new_id" vfio-pci "$(drv_of $NIC_B)"
	check_eq "bound $NIC_A not taken via new_id" e1000e "$(drv_of $NIC_A)"
	check "remove_id 8086 10d3" sysw /sys/bus/pci/drivers/vfio-pci/remove_id "8086 10d3"
else
	fail "new_id 8086 10d3 accepted by vfio-pci" "$SYSW_ERR"
fi
pci_restore $NIC_B
check_eq "$NIC_B back on e1000e" e1000e "$(drv_of $NIC_B)"

# bind through drivers/vfio-pci/bind without override (no id match)
sysw $PB/driver/unbind $NIC_B
if sysw /sys/bus/pci/drivers/vfio-pci/bind $NIC_B; then
	fact "direct vfio-pci/bind without override: accepted, driver=$(drv_of $NIC_B)"
else
	fact "direct vfio-pci/bind without override: $(sysw_errmsg)"
fi
pci_restore $NIC_B

# ------------------------------------------------------------------ multi-device group: one member on vfio-pci
check "bind $MF_NET to vfio-pci alone" pci_bind $MF_NET vfio-pci
check_eq "$MF_RNG still on virtio-pci" virtio-pci "$(drv_of $MF_RNG)"
if [ -e /dev/vfio/$gM ]; then
	ok "/dev/vfio/$gM exists while the group is not viable"
	if (exec 3<>/dev/vfio/$gM) 2>/tmp/err; then
		fact "opening non-viable /dev/vfio/$gM: succeeds (viability shows in VFIO_GROUP_GET_STATUS)"
	else
		fact "opening non-viable /dev/vfio/$gM: $(sed 's/.*: //' /tmp/err)"
	fi
else
	fail "/dev/vfio/$gM exists while the group is not viable" "absent"
fi
check "bind $MF_RNG to vfio-pci too" pci_bind $MF_RNG vfio-pci
if (exec 3<>/dev/vfio/$gM) 2>/tmp/err; then ok "open viable group $gM"; else fail "open viable group $gM" "$(cat /tmp/err)"; fi
pci_restore $MF_NET; pci_restore $MF_RNG
check_eq "$MF_NET back on virtio-pci" virtio-pci "$(drv_of $MF_NET)"
check_eq "$MF_RNG back on virtio-pci" virtio-pci "$(drv_of $MF_RNG)"

# ------------------------------------------------------------------ bridge: vfio-pci refuses it
sysw /sys/bus/pci/devices/$BRIDGE/driver_override vfio-pci
if sysw /sys/bus/pci/drivers_probe $BRIDGE; then
	fact "drivers_probe of bridge with override vfio-pci: write accepted"
else
	fact "drivers_probe of bridge with override vfio-pci: $(sysw_errmsg)"
fi
check_eq "vfio-pci does not bind the bridge" "" "$(drv_of $BRIDGE)"
if sysw /sys/bus/pci/drivers/vfio-pci/bind $BRIDGE; then
	fact "vfio-pci/bind of bridge: accepted, driver=$(drv_of $BRIDGE)"
else
	fact "vfio-pci/bind of bridge: $(sysw_errmsg)"
fi
sysw /sys/bus/pci/devices/$BRIDGE/driver_override ""
check_eq "bridge still unbound" "" "$(drv_of $BRIDGE)"

# unknown driver in driver_override
sysw /sys/bus/pci/devices/$NIC_B/driver_override nosuchdriver
sysw /sys/bus/pci/devices/$NIC_B/driver/unbind $NIC_B
if sysw /sys/bus/pci/drivers_probe $NIC_B; then
	fact "drivers_probe with override to an unknown driver: write accepted, device stays unbound (driver='$(drv_of $NIC_B)')"
else
	fact "drivers_probe with override to an unknown driver: $(sysw_errmsg)"
fi
check_eq "override to unknown driver leaves device unbound" "" "$(drv_of $NIC_B)"
pci_restore $NIC_B
check_eq "$NIC_B restored" e1000e "$(drv_of $NIC_B)"

# ------------------------------------------------------------------ clean state
check_eq "no mdevs at the end" "" "$(ls /sys/bus/mdev/devices)"
check_eq "no vfio groups open at the end" "vfio" "$(ls /dev/vfio | tr '\n' ' ' | sed 's/ $//')"
exit 0
