#!/bin/sh
# The write path on the real kernel: create, remove, bind, unbind, monitor,
# dry-run, refusals and rollback. Each assertion its own line; the system is
# left as it was found.
. ./lib.sh
T=/sys/class/mdev_bus
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi

avail() { cat $T/$1/mdev_supported_types/$2/available_instances; }
n_mdevs() { ls /sys/bus/mdev/devices | wc -l; }
state() { echo "$(ls /sys/bus/mdev/devices | tr '\n' ' ')|$(for d in /sys/bus/pci/devices/*; do printf '%s=%s,%s ' ${d##*/} "$(drv_of ${d##*/})" "$(cat $d/driver_override)"; done)|$(lsmod | awk 'NR>1{print $1}' | sort | tr '\n' ' ')"; }
# run CMD, keep stdout in $OUT, stderr in $ERR, status in $RC
run() { OUT=$("$@" 2>/tmp/err); RC=$?; ERR=$(cat /tmp/err); }

# ---------------------------------------------------------------- create / remove
for pt in mtty/mtty-2 mdpy/mdpy-vga mbochs/mbochs-small; do
	p=${pt%/*} t=${pt#*/}
	a0=$(avail $p $t)
	run vmdevctl create -p $p -t $t
	check_eq "create on $pt exits 0" 0 $RC
	U=$OUT
	check_match "create on $pt prints a UUID" "????????-????-????-????-????????????" "$U"
	check_link "create on $pt: /sys/bus/mdev/devices/UUID" /sys/bus/mdev/devices/$U
	check_eq "create on $pt: mdev_type" $t "$(basename "$(readlink /sys/bus/mdev/devices/$U/mdev_type 2>/dev/null)")"
	check_eq "create on $pt: bound to $p" $p "$(drv_of /sys/bus/mdev/devices/$U)"
	G=$(group_of /sys/bus/mdev/devices/$U)
	check_exists "create on $pt: /dev/vfio/$G" /dev/vfio/$G
	check_eq "create on $pt: available_instances dropped" 1 $((a0 - $(avail $p $t) > 0))
	run vmdevctl remove $U
	check_eq "remove on $pt exits 0" 0 $RC
	check_absent "remove on $pt: the mdev is gone" /sys/bus/mdev/devices/$U
	check_absent "remove on $pt: /dev/vfio/$G is gone" /dev/vfio/$G
	check_eq "remove on $pt: available_instances back" $a0 $(avail $p $t)
done

U=0b0c1a7e-aaaa-4bbb-8ccc-00000000abcd
UPPER=$(echo $U | tr a-f A-F)
run vmdevctl --json create -p mtty -t mtty-1 -u $UPPER
check_eq "create -u (upper case) exits 0" 0 $RC
check_match "create --json prints the mdev as list does" "*\"uuid\": \"$U\"*\"type\": \"mtty-1\"*\"driver\": \"mtty\"*" "$(echo $OUT)"
check_link "create -u made the lower-case UUID" /sys/bus/mdev/devices/$U
before=$(n_mdevs)
run vmdevctl create -p mtty -t mtty-1 -u $U
check_eq "the same UUID again exits 5" 5 $RC
check_match "the same UUID again says it exists" "vmdevctl: cannot create mdev $U: an mdev with that UUID exists*" "$ERR"
run vmdevctl create -p mdpy -t mdpy-vga -u $U
check_eq "the same UUID on another parent exits 5" 5 $RC
check_eq "refused creates leave nothing behind" $before $(n_mdevs)
run check-group $(group_of /sys/bus/mdev/devices/$U)
check_eq "examples/check-group on the new mdev's group exits 0" 0 $RC
check "remove -u exits 0" vmdevctl remove -u $U
run vmdevctl remove $U
check_eq "remove of an unknown UUID exits 3" 3 $RC
check_match "remove of an unknown UUID says so" "vmdevctl: no mdev $U*" "$ERR"
run vmdevctl remove 0b0c1a7e-aaaa
check_eq "remove of a malformed UUID exits 2" 2 $RC
run vmdevctl create -p nosuch -t mtty-1
check_eq "create on an unknown parent exits 3" 3 $RC
run vmdevctl create -p mtty -t mtty-9
check_eq "create of an unknown type exits 3" 3 $RC
run vmdevctl create -p mtty
check_eq "create without -t exits 2" 2 $RC

# exhausting a type: exactly the available number, then exit 5, nothing left over
A=$(avail mtty mtty-2)
made=""
i=0
while [ $i -lt $A ]; do
	u=$(vmdevctl create -p mtty -t mtty-2) && made="$made $u"
	i=$((i + 1))
done
check_eq "mtty-2: $A creates succeed" $A $(echo $made | wc -w)
check_eq "mtty-2: available_instances is 0" 0 $(avail mtty mtty-2)
before=$(n_mdevs)
run vmdevctl create -p mtty -t mtty-2
check_eq "create on an exhausted type exits 5" 5 $RC
check_match "create on an exhausted type: no available instances" "vmdevctl: cannot create mdev on mtty/mtty-2: no available instances (0 left; remove one first)" "$ERR"
check_eq "the refused create left nothing behind" $before $(n_mdevs)
run vmdevctl remove $made
check_eq "remove of $A mdevs at once exits 0" 0 $RC
check_eq "mtty-2 available_instances back to $A" $A $(avail mtty mtty-2)
check_eq "no mdevs left" 0 $(n_mdevs)

# the library's create-and-wait example
run create-mdev mbochs mbochs-medium
check_eq "examples/create-mdev exits 0" 0 $RC
check_match "examples/create-mdev saw the driver" "*driver=mbochs*removed*" "$(echo $OUT)"

# latency, create to ready: vmdevctl create vs a plain sysfs write (20 each)
t0=$(cut -d' ' -f1 /proc/uptime)
i=0; while [ $i -lt 20 ]; do u=$(vmdevctl create -p mtty -t mtty-1); vmdevctl remove $u; i=$((i+1)); done
t1=$(cut -d' ' -f1 /proc/uptime)
i=0; while [ $i -lt 20 ]; do u=$(new_uuid); echo $u > $T/mtty/mdev_supported_types/mtty-1/create; echo 1 > /sys/bus/mdev/devices/$u/remove; i=$((i+1)); done
t2=$(cut -d' ' -f1 /proc/uptime)
i=0; while [ $i -lt 20 ]; do vmdevctl --version >/dev/null; vmdevctl --version >/dev/null; i=$((i+1)); done
t3=$(cut -d' ' -f1 /proc/uptime)
ms() { echo "$1 $2" | awk '{printf "%.0f ms", ($1-$2)*1000}'; }
echo "# fact: create-to-ready, 20 x (create + remove): vmdevctl $(ms $t1 $t0), plain sysfs writes $(ms $t2 $t1), 40 x vmdevctl --version (process start alone) $(ms $t3 $t2) (TCG guest)"

# ---------------------------------------------------------------- bind / unbind
GB=$(group_of $NIC_B)
run vmdevctl --json bind $NIC_B
check_eq "bind $NIC_B exits 0" 0 $RC
check_eq "bind $NIC_B: now on vfio-pci" vfio-pci "$(drv_of $NIC_B)"
check_match "bind --json names the previous driver" "*\"previous_driver\": \"e1000e\"*" "$(echo $OUT)"
check_exists "bind $NIC_B: /dev/vfio/$GB appeared" /dev/vfio/$GB
s=$(state)
run vmdevctl bind $NIC_B
check_eq "binding to the driver it has exits 0" 0 $RC
check_eq "binding to the driver it has changes nothing" "$s" "$(state)"
check "check $NIC_B exits 0 on vfio-pci" vmdevctl -q check $NIC_B
run vmdevctl unbind $NIC_B
check_eq "unbind $NIC_B exits 0" 0 $RC
check_eq "unbind $NIC_B: back on e1000e" e1000e "$(drv_of $NIC_B)"
check_eq "unbind $NIC_B: driver_override cleared" "(null)" "$(cat /sys/bus/pci/devices/$NIC_B/driver_override)"
check_absent "unbind $NIC_B: /dev/vfio/$GB is gone" /dev/vfio/$GB

# a whole group in one step
vmdevctl -q check $MF_NET; rc=$?
check_eq "check $MF_NET exits 1 before bind --group" 1 $rc
run vmdevctl bind --group $MF_NET
check_eq "bind --group $MF_NET exits 0" 0 $RC
check_match "bind --group prints the verdict" "*group $(group_of $MF_NET): viable*" "$(echo $OUT)"
check_eq "bind --group: both functions on vfio-pci" "vfio-pci vfio-pci" "$(drv_of $MF_NET) $(drv_of $MF_RNG)"
check "check $MF_NET exits 0 after bind --group" vmdevctl -q check $MF_NET
run vmdevctl unbind $MF_NET $MF_RNG
check_eq "unbind of both functions exits 0" 0 $RC
vmdevctl -q check $MF_NET; rc=$?
check_eq "check $MF_NET exits 1 again after unbind" 1 $rc
check_eq "both functions back on virtio-pci" "virtio-pci virtio-pci" "$(drv_of $MF_NET) $(drv_of $MF_RNG)"
run bind-group $MF_NET
check_eq "examples/bind-group exits 0" 0 $RC
vmdevctl -q unbind $MF_NET $MF_RNG

# refusals and rollback, each leaving everything as it was
s=$(state)
run vmdevctl bind $BRIDGE
check_eq "bind of a bridge exits 1" 1 $RC
check_match "bind of a bridge says why" "*is a bridge*" "$ERR"
run vmdevctl bind $ROOT_PORT
check_eq "bind of the root port exits 1" 1 $RC
run vmdevctl bind -d nosuchdriver $NIC_B
check_eq "bind to a driver that does not exist exits 3" 3 $RC
check_match "bind to a missing driver says so" "*neither registered nor loadable*" "$ERR"
run vmdevctl bind -d virtio-pci $NIC_B
check_eq "bind whose probe fails exits 1" 1 $RC
check_match "bind whose probe fails says it was restored" "*did not take it*restored*" "$ERR"
check_eq "refusals and a failed probe changed nothing" "$s" "$(state)"

# a device the host visibly uses: its network interface is up
IF=$(ls /sys/bus/pci/devices/$NIC_A/net 2>/dev/null | head -n1)
if [ -n "$IF" ] && ip link set "$IF" up 2>/dev/null; then
	s=$(state)
	run vmdevctl bind $NIC_A
	check_eq "bind of a NIC whose interface $IF is up exits 5" 5 $RC
	check_match "the refusal names the interface and --force" "*network interface $IF is up (--force takes it anyway)*" "$ERR"
	check_eq "the refused bind changed nothing" "$s" "$(state)"
	run vmdevctl unbind --no-probe $NIC_A
	check_eq "unbind of a NIC whose interface $IF is up exits 5" 5 $RC
	check_match "the unbind refusal names the interface" "*cannot unbind $NIC_A: network interface $IF is up*" "$ERR"
	check_eq "the refused unbind changed nothing" "$s" "$(state)"
	run vmdevctl bind --force $NIC_A
	check_eq "bind --force takes it anyway" "0 vfio-pci" "$RC $(drv_of $NIC_A)"
	vmdevctl -q unbind $NIC_A
	check_eq "unbind gives it back to e1000e" e1000e "$(drv_of $NIC_A)"
else
	fail "bring up the interface of $NIC_A" "no interface or ip link failed"
fi

# --new-id: the dynamic id binds the unbound device, then is removed again
run vmdevctl bind --new-id $NIC_B
check_eq "bind --new-id exits 0" 0 $RC
check_eq "bind --new-id: on vfio-pci" vfio-pci "$(drv_of $NIC_B)"
check_eq "bind --new-id: the other e1000e stays" e1000e "$(drv_of $NIC_A)"
check_eq "bind --new-id: no override used" "(null)" "$(cat /sys/bus/pci/devices/$NIC_B/driver_override)"
run vmdevctl unbind $NIC_B
check_eq "after --new-id, unbind gives it back to e1000e" e1000e "$(drv_of $NIC_B)"

# the module is loaded through libkmod when the driver is not registered
if rmmod vfio_pci 2>/dev/null; then
	s=$(state)
	run vmdevctl --dry-run bind $NIC_B
	check_eq "dry-run bind with vfio-pci unloaded exits 0" 0 $RC
	check_match "dry-run bind says it would load the module" "load vfio_pci*write /sys/bus/pci/devices/$NIC_B/driver_override vfio-pci*" "$(echo $OUT)"
	check_eq "dry-run bind loaded nothing and wrote nothing" "$s" "$(state)"
	run vmdevctl bind $NIC_B
	check_eq "bind loads vfio-pci and binds" "0 vfio-pci" "$RC $(drv_of $NIC_B)"
	vmdevctl -q unbind $NIC_B
else
	fail "rmmod vfio_pci" "could not unload it to test loading"
fi

# dry-run of every write command changes nothing
s=$(state)
run vmdevctl -n create -p mtty -t mtty-1 -u $U
check_match "dry-run create prints the write" "write /sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1/create $U" "$OUT"
run vmdevctl -n bind --group $MF_NET
check_match "dry-run bind --group prints the writes" "*write /sys/bus/pci/drivers_probe $MF_RNG*" "$(echo $OUT)"
run vmdevctl -n unbind $NIC_A
check_match "dry-run unbind prints the writes" "write /sys/bus/pci/drivers/e1000e/unbind $NIC_A*" "$(echo $OUT)"
vmdevctl -q create -p mtty -t mtty-1 -u $U
s2=$(state)
run vmdevctl -n remove $U
check_eq "dry-run remove prints the write" "write /sys/bus/mdev/devices/$U/remove 1" "$OUT"
check_eq "dry-run remove changed nothing" "$s2" "$(state)"
vmdevctl -q remove $U
check_eq "dry-run create, bind and unbind changed nothing" "$s" "$(state)"

# ---------------------------------------------------------------- held groups
vmdevctl -q bind $NIC_B
vfio-holder $GB >/tmp/holder.out 2>&1 &
H=$!
wait_for_ready() { n=50; while [ $n -gt 0 ] && ! grep -q ready /tmp/holder.out; do sleep 0.1; n=$((n-1)); done; grep -q ready /tmp/holder.out; }
check "vfio-holder holds group $GB" wait_for_ready
run vmdevctl --json check $NIC_B
check_match "a held group is listed with its holder" "*\"pid\": $H,*\"comm\": \"vfio-holder\"*" "$(echo $OUT)"
check_eq "a held viable group still checks 0" 0 $RC
run timeout 20 vmdevctl unbind $NIC_B
check_eq "unbind while the group fd is held exits 5" 5 $RC
check_match "unbind while held names the holder" "*in use by vfio-holder (pid $H)*" "$ERR"
check_eq "unbind while held changed nothing" vfio-pci "$(drv_of $NIC_B)"
run vmdevctl bind -d pci-stub $NIC_B
check_eq "rebinding while held exits 5" 5 $RC
kill $H; wait $H 2>/dev/null
: >/tmp/holder.out
vfio-holder $GB $NIC_B >/tmp/holder.out 2>&1 &
H=$!
check "vfio-holder holds group $GB with a device fd" wait_for_ready
run timeout 20 vmdevctl unbind $NIC_B
check_eq "unbind while a device fd is held exits 5, at once" 5 $RC
check_eq "unbind while a device fd is held changed nothing" vfio-pci "$(drv_of $NIC_B)"
kill $H; wait $H 2>/dev/null
check "unbind after the holder exits" vmdevctl -q unbind $NIC_B
check_eq "back on e1000e" e1000e "$(drv_of $NIC_B)"

vmdevctl -q create -p mtty -t mtty-2 -u $U
GU=$(group_of /sys/bus/mdev/devices/$U)
: >/tmp/holder.out
vfio-holder $GU $U >/tmp/holder.out 2>&1 &
H=$!
check "vfio-holder holds mdev $U with a device fd" wait_for_ready
run timeout 20 vmdevctl remove $U
check_eq "remove while a device fd is held exits 5, at once" 5 $RC
check_match "remove while held names the holder" "*in use by vfio-holder (pid $H)*" "$ERR"
check_link "remove while held left the mdev" /sys/bus/mdev/devices/$U
kill $H; wait $H 2>/dev/null
check "remove after the holder exits" vmdevctl -q remove $U

# ---------------------------------------------------------------- monitor
vmdevctl monitor --json >/tmp/mon.json 2>/tmp/mon.err &
M=$!
sleep 0.5
vmdevctl -q create -p mtty -t mtty-1 -u $U
vmdevctl -q remove $U
vmdevctl -q bind $NIC_B
vmdevctl -q unbind $NIC_B
sleep 0.5
kill -INT $M; wait $M; rc=$?
check_eq "monitor ends with exit 0 on SIGINT" 0 $rc
mon=$(tr -d '\n' </tmp/mon.json)
check_match "monitor saw the mdev add" "*\"event\": \"add\", \"kind\": \"mdev\", \"id\": \"$U\", \"parent\": \"mtty\", \"type\": \"mtty-1\"*" "$mon"
check_match "monitor saw the mdev remove" "*\"event\": \"remove\", \"kind\": \"mdev\", \"id\": \"$U\"*" "$mon"
check_match "monitor saw the PCI bind" "*\"event\": \"bind\", \"kind\": \"pci\", \"id\": \"$NIC_B\"*\"driver\": \"vfio-pci\"*" "$mon"
check_match "monitor saw the PCI unbind" "*\"event\": \"unbind\", \"kind\": \"pci\", \"id\": \"$NIC_B\"*" "$mon"
check_eq "monitor wrote one JSON object a line" "" "$(grep -v '^{.*}$' /tmp/mon.json)"
(trap '' INT TERM; exec vmdevctl monitor >/dev/null 2>&1) &
M=$!
sleep 0.3
kill -TERM $M; wait $M; rc=$?
check_eq "monitor started with signals ignored still ends with 0 on SIGTERM" 0 $rc

check_eq "clean: no mdevs" 0 $(n_mdevs)
check_eq "clean: NICs on e1000e" "e1000e e1000e" "$(drv_of $NIC_A) $(drv_of $NIC_B)"
exit 0
