#!/bin/sh
# The VFIO device cdev, iommufd and noiommu (SPEC.md): on every kernel,
# "vfio_device" in devices and list against sysfs, and qemu-args --iommufd;
# on our cdev kernel (tests/vm/build-cdev-kernel.sh, "-vmdev-" in its name),
# which has IOMMUFD, VFIO_DEVICE_CDEV and VFIO_NOIOMMU:
#  - each vfio device's node /dev/vfio/devices/vfioN and links, for a PCI
#    device and an mdev, as the library sees them;
#  - a process holding only a cdev bound to an iommufd, opened through nodes
#    of its own (as in a private /dev, other names), blocks unbind and remove
#    and is named;
#  - noiommu mode on the NIC the IOMMU does not cover (run.sh puts it behind
#    a bypass_iommu root bus): groups, check and qemu-args; a golden tree of
#    that state ($VM_OUT/golden/cdev-noiommu).
# On Debian's kernels: no cdev, no /dev/iommu, no noiommu parameter, and
# --iommufd is refused. Leaves the system clean.
. ./lib.sh
. ./snapshot.sh

U=0b0c1a7e-0070-4000-8000-000000000070
CDEV=0
case $(uname -r) in *-vmdev-*) CDEV=1 ;; esac
echo "# kernel $(uname -r): cdev kernel $CDEV"

# json CMD...: vmdevctl --json CMD, without spaces and newlines, in $J
json() { J=$(vmdevctl --json "$@" 2>&1 | tr -d ' \n'); }
# vfio_dev DIR: the vfioN entry of DIR/vfio-dev ("" for none)
vfio_dev() { _v=; for _e in "$1"/vfio-dev/vfio*; do [ -d "$_e" ] && _v=${_e##*/}; done; echo "$_v"; }
# dev_of NODE: "major:minor" of a character device node, in decimal
dev_of() { echo "$(printf %d 0x$(stat -c %t "$1")):$(printf %d 0x$(stat -c %T "$1"))"; }
# holder_ready: vfio-holder wrote its ready line to /tmp/holder.out
holder_ready() {
	_n=50
	while [ $_n -gt 0 ] && ! grep -q '^ready' /tmp/holder.out; do sleep 0.1; _n=$((_n - 1)); done
	grep -q '^ready' /tmp/holder.out
}

# ---------------------------------------------------------------- every kernel: vfio_device
check "bind $NIC_B to vfio-pci" vmdevctl -q bind $NIC_B
V=$(vfio_dev /sys/bus/pci/devices/$NIC_B)
check_match "$NIC_B on vfio-pci has a vfio device" "vfio[0-9]*" "$V"
check_eq "$NIC_A on e1000e has none" "" "$(vfio_dev /sys/bus/pci/devices/$NIC_A)"
P=false; [ -e /dev/vfio/devices/$V ] && P=true
json devices $NIC_B
check_match "devices: vfio_device of $NIC_B" "*\"vfio_device\":{\"name\":\"$V\",\"node\":\"/dev/vfio/devices/$V\",\"present\":$P}*" "$J"
json devices $NIC_A
check_match "devices: vfio_device of $NIC_A is null" "*\"vfio_device\":null*" "$J"
check "create mtty mdev $U" vmdevctl -q create -p mtty -t mtty-1 -u $U
MV=$(vfio_dev /sys/bus/mdev/devices/$U)
check_match "mdev $U has a vfio device" "vfio[0-9]*" "$MV"
MP=false; [ -e /dev/vfio/devices/$MV ] && MP=true
json list -u $U
check_match "list: vfio_device of $U" "*\"vfio_device\":{\"name\":\"$MV\",\"node\":\"/dev/vfio/devices/$MV\",\"present\":$MP}*" "$J"
json create -p mtty -t mtty-1 -u 0b0c1a7e-0071-4000-8000-000000000071
check_match "create prints vfio_device too" "*\"vfio_device\":{\"name\":\"vfio*" "$J"
vmdevctl -q remove 0b0c1a7e-0071-4000-8000-000000000071

run() { OUT=$("$@" 2>/tmp/run.err); RC=$?; ERR=$(cat /tmp/run.err); }
run vmdevctl qemu-args --iommufd $NIC_A
check_eq "qemu-args --iommufd of a device on a host driver exits 1" 1 $RC
check_match "it says why" "*host driver e1000e*" "$ERR"
run vmdevctl qemu-args $NIC_B
check_eq "qemu-args without --iommufd is as before" "-device vfio-pci,host=$NIC_B" "$OUT"

if [ $CDEV = 0 ]; then
	check_absent "no cdev for $V on this kernel" /sys/bus/pci/devices/$NIC_B/vfio-dev/$V/dev
	check_absent "no /dev/vfio/devices on this kernel" /dev/vfio/devices
	check_absent "no /dev/iommu on this kernel" /dev/iommu
	check_eq "present is false without the cdev" false "$P"
	run vmdevctl qemu-args --iommufd $NIC_B
	check_eq "qemu-args --iommufd without a cdev exits 1" 1 $RC
	check_match "it names the missing cdev" "*$V has no cdev*IOMMUFD*VFIO_DEVICE_CDEV*" "$ERR"
	check_eq "nothing on stdout" "" "$OUT"
	run vmdevctl qemu-args --iommufd $U
	check_eq "qemu-args --iommufd of an mdev without a cdev exits 1" 1 $RC
	check_absent "no noiommu mode on this kernel" /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
	vmdevctl -q remove $U
	vmdevctl -q unbind $NIC_B
	check_eq "clean: $NIC_B on e1000e" e1000e "$(drv_of $NIC_B)"
	exit 0
fi

# ---------------------------------------------------------------- the cdev kernel: nodes and links
for d in /sys/bus/pci/devices/$NIC_B:$V /sys/bus/mdev/devices/$U:$MV; do
	dir=${d%:*} v=${d##*:}
	check_exists "$v: sysfs dev" "$dir/vfio-dev/$v/dev"
	if [ -c /dev/vfio/devices/$v ]; then ok "$v: /dev/vfio/devices/$v is a character device"
	else fail "$v: /dev/vfio/devices/$v is a character device" "$(ls -l /dev/vfio/devices 2>&1)"; fi
	check_eq "$v: node number is sysfs dev" "$(cat "$dir/vfio-dev/$v/dev")" "$(dev_of /dev/vfio/devices/$v)"
	check_eq "$v: /sys/class/vfio-dev/$v is the device's" "$(readlink -f "$dir/vfio-dev/$v")" "$(readlink -f /sys/class/vfio-dev/$v)"
done
check_eq "devices: present true for the cdev" true "$P"
check_eq "list: present true for the mdev's cdev" true "$MP"
check "/dev/iommu is a character device" test -c /dev/iommu
check_eq "/dev/vfio/devices holds exactly the bound devices' cdevs" "$(echo "$MV $V" | tr ' ' '\n' | sort | tr '\n' ' ')" "$(ls /dev/vfio/devices | sort | tr '\n' ' ')"
run vmdevctl qemu-args --iommufd $NIC_B $U
check_eq "qemu-args --iommufd exits 0" 0 $RC
check_eq "qemu-args --iommufd: one iommufd object, each device on it" \
	"-object iommufd,id=iommufd0 -device vfio-pci,host=$NIC_B,iommufd=iommufd0 -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U,iommufd=iommufd0" \
	"$(echo $OUT)"
json qemu-args --iommufd $NIC_B
check_eq "qemu-args --iommufd --json: the object first" "[{\"id\":\"iommufd0\",\"kind\":\"iommufd\",\"args\":[\"-object\",\"iommufd,id=iommufd0\"]},{\"id\":\"$NIC_B\",\"kind\":\"pci\",\"args\":[\"-device\",\"vfio-pci,host=$NIC_B,iommufd=iommufd0\"]}]" "$J"

# ---------------------------------------------------------------- a holder of the cdev only
# nodes of its own, as a VMM in a private /dev has them: other paths, same numbers
mkdir -p /tmp/priv
GB=$(group_of $NIC_B)
mknod /tmp/priv/dev-$V c $(cat /sys/bus/pci/devices/$NIC_B/vfio-dev/$V/dev | tr ':' ' ')
mknod /tmp/priv/iommu c $(cat /sys/class/misc/iommu/dev | tr ':' ' ')
: >/tmp/holder.out
vfio-holder --cdev /tmp/priv/dev-$V /tmp/priv/iommu >/tmp/holder.out 2>&1 &
H=$!
if check "vfio-holder binds $V to an iommufd through its own nodes" holder_ready; then
	fds=$(ls -l /proc/$H/fd | sed -n 's/.*-> //p' | tr '\n' ' ')
	echo "# holder $H fds: $fds"
	case $fds in *"/dev/vfio/"*) fail "the holder has only its own nodes open" "$fds" ;; *) ok "the holder has only its own nodes open" ;; esac
	json groups $GB
	check_match "groups names the cdev holder" "*\"holders\":?{\"pid\":$H,\"comm\":\"vfio-holder\"}?,*" "$J"
	run timeout 20 vmdevctl unbind $NIC_B
	check_eq "unbind while only the cdev is held exits 5, at once" 5 $RC
	check_match "unbind names the cdev holder" "*in use by vfio-holder (pid $H)*" "$ERR"
	check_eq "unbind while held changed nothing" vfio-pci "$(drv_of $NIC_B)"
	# the kernel's own rule: group and cdev exclude each other
	run timeout 10 vfio-holder $GB
	check_eq "the group cannot be opened while its device's cdev is bound" 1 $RC
	check_match "the kernel says busy" "*busy*" "$ERR"
fi
kill $H 2>/dev/null; wait $H 2>/dev/null
check "unbind after the cdev holder exits" vmdevctl -q unbind $NIC_B
check_eq "back on e1000e" e1000e "$(drv_of $NIC_B)"

mknod /tmp/priv/dev-$MV c $(cat /sys/bus/mdev/devices/$U/vfio-dev/$MV/dev | tr ':' ' ')
: >/tmp/holder.out
vfio-holder --cdev /tmp/priv/dev-$MV /tmp/priv/iommu >/tmp/holder.out 2>&1 &
H=$!
if check "vfio-holder binds mdev $U's $MV to an iommufd" holder_ready; then
	run timeout 20 vmdevctl remove $U
	check_eq "remove while only the mdev's cdev is held exits 5, at once" 5 $RC
	check_match "remove names the cdev holder" "*in use by vfio-holder (pid $H)*" "$ERR"
	check_link "remove while held left the mdev" /sys/bus/mdev/devices/$U
fi
kill $H 2>/dev/null; wait $H 2>/dev/null
rm -rf /tmp/priv

# ---------------------------------------------------------------- noiommu
NOIO=
for d in /sys/bus/pci/devices/*; do
	[ -L "$d/iommu_group" ] && continue
	[ "$(cat $d/class)" = 0x020000 ] && NOIO=${d##*/}
done
check_match "a NIC without an IOMMU group (behind the bypass_iommu root bus)" "0000:*" "$NOIO"
PARAM=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
check_eq "noiommu mode is off by default" N "$(cat $PARAM)"
vmdevctl -q bind $NIC_B
check "enable_unsafe_noiommu_mode" sysw $PARAM Y
check "bind $NOIO (no IOMMU) to vfio-pci" pci_bind $NOIO vfio-pci
GN=$(group_of $NOIO)
check_match "vfio gave $NOIO a group" "[0-9]*" "$GN"
check_exists "its node is /dev/vfio/noiommu-$GN" /dev/vfio/noiommu-$GN
check_absent "and not /dev/vfio/$GN" /dev/vfio/$GN
json groups $GN
check_match "groups: noiommu true, not viable" "*\"group\":$GN,\"viable\":false,\"vfio_node\":\"/dev/vfio/noiommu-$GN\",\"vfio_node_present\":true,*\"noiommu\":true}*" "$J"
check_match "groups: the member's reason" "*\"reason\":\"noIOMMUisolation:noiommumode\"*" "$J"
json groups $(group_of $NIC_B)
check_match "an ordinary group is not noiommu" "*\"viable\":true,*\"noiommu\":false}*" "$J"
json groups $(group_of /sys/bus/mdev/devices/$U)
check_match "an mdev's group is not noiommu (whatever its name file says)" "*\"noiommu\":false}*" "$J"
echo "# mdev group name: $(cat /sys/kernel/iommu_groups/$(group_of /sys/bus/mdev/devices/$U)/name 2>&1), noiommu group name: $(cat /sys/kernel/iommu_groups/$GN/name 2>&1)"
run vmdevctl check $NOIO
check_eq "check of the noiommu device exits 1" 1 $RC
check_match "check says why" "*no IOMMU isolation: noiommu mode*" "$OUT"
run vmdevctl check $GN
check_eq "check of the noiommu group exits 1" 1 $RC
run vmdevctl qemu-args $NOIO
check_eq "qemu-args refuses the noiommu device" 1 $RC
check_match "qemu-args says why" "*noiommu group*no IOMMU isolation*" "$ERR"
run vmdevctl qemu-args --iommufd $NOIO
check_eq "qemu-args --iommufd refuses it too" 1 $RC
snapshot cdev-noiommu
# the golden tier's case: this state, recorded
G=$VM_OUT/golden/cdev-noiommu
mkdir -p "$G"
uname -r >"$G/KERNEL"
check "record the cdev-noiommu tree" sh /tests/vm/record-tree.sh "$G/tree.tar.gz"
for c in list types parents devices groups; do
	vmdevctl --json $c >"$G/$c.json" || fail "record cdev-noiommu: vmdevctl $c" "exit $?"
done

# ---------------------------------------------------------------- clean up
check "unbind $NOIO" vmdevctl -q unbind $NOIO
check_eq "$NOIO back on e1000e" e1000e "$(drv_of $NOIO)"
check_absent "its noiommu group is gone" /sys/kernel/iommu_groups/$GN
sysw $PARAM N
vmdevctl -q remove $U
vmdevctl -q unbind $NIC_B
check_eq "clean: no mdevs" "" "$(ls /sys/bus/mdev/devices)"
check_eq "clean: $NIC_B on e1000e" e1000e "$(drv_of $NIC_B)"
check_eq "clean: only /dev/vfio/vfio (and the cdevs' directory)" "vfio" "$(ls /dev/vfio | grep -v '^devices$' | tr '\n' ' ' | sed 's/ $//')"
check_eq "clean: no cdevs" "" "$(ls /dev/vfio/devices 2>/dev/null)"
exit 0
