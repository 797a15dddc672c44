#!/bin/sh
# SR-IOV on the real kernel: QEMU's emulated nvme controller (tests/vm/run.sh) is a PF
# with 2 VFs at most, on Debian's nvme driver. vmdevctl sriov makes them with each driver
# choice, verifies them (driver, group, /dev/vfio/N), undoes a failure mid-way, refuses to
# take away a held VF, changes a count through 0, stays whole when two calls race, shows
# its events in monitor and changes nothing in a dry run. The PF is left without VFs.
. ./lib.sh
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi
PF=$SRIOV_PF
D=/sys/bus/pci/devices/$PF
run() { OUT=$("$@" 2>/tmp/err); RC=$?; ERR=$(cat /tmp/err); }
numvfs() { cat $D/sriov_numvfs; }
autoprobe() { cat $D/sriov_drivers_autoprobe; }
vf() { basename "$(readlink $D/virtfn$1)"; }
vfs() { for _l in $D/virtfn*; do [ -L "$_l" ] && printf '%s ' "$(basename "$(readlink "$_l")")"; done; }
vf_drivers() { for _v in $(vfs); do printf '%s=%s ' $_v "$(drv_of $_v)"; done; }
state() { echo "$(numvfs) $(autoprobe) $(vfs)| $(vf_drivers)| $(ls /dev/vfio | tr '\n' ' ')"; }
# check_one_of DESC ACTUAL A B: ok iff ACTUAL is A or B
check_one_of() {
	if [ "$2" = "$3" ] || [ "$2" = "$4" ]; then ok "$1"; else fail "$1" "'$2' is neither '$3' nor '$4'"; fi
}
wait_for_ready() { n=50; while [ $n -gt 0 ] && ! grep -q ready /tmp/holder.out; do sleep 0.1; n=$((n-1)); done; grep -q ready /tmp/holder.out; }
# back to no VFs by hand, whatever a failed check left
reset() { echo 0 >$D/sriov_numvfs 2>/dev/null; echo 1 >$D/sriov_drivers_autoprobe 2>/dev/null; }

# The VFs' default driver is bind's choice: our variant vfio_pci_vtest (tests/vm/vvariant)
# matches QEMU's NVMe VF by its vfio_pci: alias where it is installed, else vfio-pci.
DEF=vfio-pci
grep -qi '^alias vfio_pci:v00001B36d00000010.* vfio_pci_vtest$' /lib/modules/$(uname -r)/modules.alias &&
	DEF=vtest-vfio-pci
echo "# fact: the VFs' default driver here: $DEF"
check_eq "the PF is on nvme" nvme "$(drv_of $PF)"
check_eq "the PF can make 2 VFs" 2 "$(cat $D/sriov_totalvfs 2>/dev/null)"
check_eq "the PF starts without VFs, autoprobe on" "0 1" "$(numvfs) $(autoprobe)"
PFG=$(group_of $PF)

# ---------------------------------------------------------------- the listing
run vmdevctl --json sriov
check_eq "sriov --json exits 0" 0 $RC
check_match "sriov --json lists the PF, no VFs" "*\"pf\": \"$PF\", \"driver\": \"nvme\", \"totalvfs\": 2, \"numvfs\": 0, \"autoprobe\": true, \"vf_device\": \"0010\", \"vfs\": \[ \]*" "$(echo $OUT)"
run vmdevctl sriov
check_match "sriov lists the PF as text" "*$PF*nvme*0*2*on*1b36:0010*" "$(echo $OUT)"
run vmdevctl sriov $NIC_A
check_eq "sriov of a device that is no PF exits 1" 1 $RC
check_match "and says so" "*$NIC_A is not an SR-IOV PF*" "$ERR"
run vmdevctl sriov $NIC_A 1
check_eq "sriov NUM on a device that is no PF exits 1" 1 $RC
run vmdevctl sriov $PF 3
check_eq "more VFs than sriov_totalvfs: exit 2" 2 $RC
check_match "and says how many it can have" "*at most 2*" "$ERR"
run vmdevctl sriov $PF 2 -d no-such-driver
check_eq "a driver that does not exist: exit 3" 3 $RC
check_eq "a driver that does not exist changed nothing" "0 1" "$(numvfs) $(autoprobe)"

# ---------------------------------------------------------------- dry run
s=$(state)
run vmdevctl -n sriov $PF 2
check_eq "dry run exits 0" 0 $RC
check_match "dry run: autoprobe off before the count" "write $D/sriov_drivers_autoprobe 0*write $D/sriov_numvfs 2*" "$(echo $OUT)"
check_match "dry run: autoprobe back last" "*write $D/sriov_drivers_autoprobe 1" "$(echo $OUT)"
DRY=$OUT
check_eq "dry run changed nothing" "$s" "$(state)"

# ---------------------------------------------------------------- default driver, with monitor
vmdevctl monitor --json >/tmp/mon.json 2>/tmp/mon.err &
M=$!
sleep 0.5
t0=$(cut -d' ' -f1 /proc/uptime)
run vmdevctl sriov $PF 2
t1=$(cut -d' ' -f1 /proc/uptime)
check_eq "sriov PF 2 exits 0" 0 $RC
echo "# fact: vmdevctl sriov PF 2 (make, bind, verify 2 VFs) took $(echo "$t1 $t0" | awk '{printf "%.0f ms", ($1-$2)*1000}') (TCG guest)"
check_eq "2 VFs" 2 "$(numvfs)"
check_eq "autoprobe back on" 1 "$(autoprobe)"
V0=$(vf 0) V1=$(vf 1)
check_match "VF 0 is a PCI address" "0000:03:00.?" "$V0"
G0=$(group_of $V0) G1=$(group_of $V1)
for v in $V0 $V1; do
	check_eq "default: $v on $DEF (bind's choice)" $DEF "$(drv_of $v)"
	check_exists "default: /dev/vfio/$(group_of $v) for $v" /dev/vfio/$(group_of $v)
	check_eq "default: $v is 1b36:0010" "0x1b36:0x0010" "$(cat /sys/bus/pci/devices/$v/vendor):$(cat /sys/bus/pci/devices/$v/device)"
	check_eq "default: $v's physfn is the PF" $PF "$(basename "$(readlink /sys/bus/pci/devices/$v/physfn)")"
done
check_eq "each VF in a group of its own" 1 $([ "$G0" != "$G1" ] && [ "$G0" != "$PFG" ] && [ "$G1" != "$PFG" ] && echo 1)
check_match "the text output lists the VFs" "*VF $V0*group $G0*$DEF*VF $V1*group $G1*$DEF*" "$(echo $OUT)"
check_match "the dry run named the VFs' real addresses" "*write /sys/bus/pci/devices/$V0/driver_override vfio-pci*write /sys/bus/pci/drivers_probe $V1*" "$(echo $DRY)"
run vmdevctl --json sriov $PF
check_match "sriov --json: the VFs, groups, drivers" "*\"numvfs\": 2, \"autoprobe\": true,*\"vfs\": \[ { \"address\": \"$V0\", \"iommu_group\": $G0, \"driver\": \"$DEF\" }, { \"address\": \"$V1\", \"iommu_group\": $G1, \"driver\": \"$DEF\" } \]*" "$(echo $OUT)"
run vmdevctl --json devices $V0 $PF
check_match "devices --json: a VF's physfn" "*\"address\": \"$PF\",*\"physfn\": null, \"sriov_totalvfs\": 2*\"address\": \"$V0\",*\"physfn\": \"$PF\", \"sriov_totalvfs\": null*" "$(echo $OUT)"
run vmdevctl devices $V0
check_match "devices text: a VF names its PF" "*(VF of $PF)*" "$OUT"
run vmdevctl check $V0
check_eq "a VF on $DEF is viable" 0 $RC
run vmdevctl sriov $PF 2
check_eq "the same count again exits 0" 0 $RC
check_eq "the same count again changed nothing" "2 $V0=$DEF $V1=$DEF " "$(numvfs) $(vf_drivers)"

# ---------------------------------------------------------------- bind of the PF keeps its refusal
run vmdevctl bind $PF
check_eq "bind of a PF with VFs exits 1" 1 $RC
check_match "with the sriov hint" "*SR-IOV PF with 2 VFs*vmdevctl sriov $PF 0*" "$ERR"
check_eq "the PF stays on nvme" nvme "$(drv_of $PF)"

# ---------------------------------------------------------------- held VFs
: >/tmp/holder.out
vfio-holder $G1 >/tmp/holder.out 2>&1 &
H=$!
check "vfio-holder holds VF $V1's group $G1" wait_for_ready
s=$(state)
run timeout 20 vmdevctl sriov $PF 0
check_eq "sriov PF 0 while a VF's group is held exits 5" 5 $RC
check_match "and names the VF and the holder" "*$V1*vfio-holder (pid $H)*" "$ERR"
run timeout 20 vmdevctl sriov $PF 1
check_eq "sriov PF 1 (through 0) while held exits 5" 5 $RC
check_eq "refused while held changed nothing" "$s" "$(state)"
kill $H; wait $H 2>/dev/null
: >/tmp/holder.out
vfio-holder $G0 $V0 >/tmp/holder.out 2>&1 &
H=$!
check "vfio-holder holds VF $V0 with a device fd" wait_for_ready
run timeout 20 vmdevctl sriov $PF 0
check_eq "sriov PF 0 while a VF's device fd is held exits 5, at once" 5 $RC
check_eq "refused with a device fd changed nothing" "$s" "$(state)"
kill $H; wait $H 2>/dev/null

# ---------------------------------------------------------------- N -> M through 0, -d none
run vmdevctl sriov $PF 1 -d none
check_eq "sriov PF 1 -d none (from 2) exits 0" 0 $RC
check_eq "1 VF now" 1 "$(numvfs)"
check_eq "-d none: the VF is unbound" "" "$(drv_of $(vf 0))"
check_eq "-d none: autoprobe back on" 1 "$(autoprobe)"
check_absent "-d none: no /dev/vfio node for the unbound VF" /dev/vfio/$(group_of $(vf 0))
check_absent "the old second VF is gone" /sys/bus/pci/devices/$V1
run vmdevctl sriov $PF 0
check_eq "sriov PF 0 exits 0" 0 $RC
check_eq "no VFs" "0 1 " "$(numvfs) $(autoprobe) $(vfs)"
sleep 0.5
kill -INT $M; wait $M
mon=$(tr -d '\n' </tmp/mon.json)
check_match "monitor saw a VF added" "*\"event\": \"add\", \"kind\": \"pci\", \"id\": \"$V0\"*" "$mon"
check_match "monitor saw a VF bound to $DEF" "*\"event\": \"bind\", \"kind\": \"pci\", \"id\": \"$V1\"*\"driver\": \"$DEF\"*" "$mon"
check_match "monitor saw a VF removed" "*\"event\": \"remove\", \"kind\": \"pci\", \"id\": \"$V1\"*" "$mon"
check_eq "monitor: one JSON object a line" "" "$(grep -v '^{.*}$' /tmp/mon.json)"

# ---------------------------------------------------------------- -d vfio-pci, -d probe
run vmdevctl sriov $PF 2 -d vfio-pci
check_eq "sriov PF 2 -d vfio-pci exits 0" 0 $RC
check_eq "-d vfio-pci: both VFs on vfio-pci" "$(vf 0)=vfio-pci $(vf 1)=vfio-pci " "$(vf_drivers)"
check_exists "-d vfio-pci: /dev/vfio node of VF 1" /dev/vfio/$(group_of $(vf 1))
vmdevctl -q sriov $PF 0
# probe: the kernel's own choice; nvme probes the VFs and gives them up (the emulated
# secondary controllers are offline), so a VF may end on nvme or unbound
echo 0 >$D/sriov_drivers_autoprobe
run vmdevctl --json sriov $PF 2 -d probe
check_eq "sriov PF 2 -d probe exits 0" 0 $RC
check_eq "-d probe: 2 VFs" 2 "$(numvfs)"
check_eq "-d probe: autoprobe back off, as it was" 0 "$(autoprobe)"
for v in $(vfs); do
	check_one_of "-d probe: $v on the host's choice or unbound" "$(drv_of $v)" nvme ""
	check_eq "-d probe: $v has no override" "(null)" "$(cat /sys/bus/pci/devices/$v/driver_override)"
done
check_match "-d probe --json: the PF with its VFs" "*\"pf\": \"$PF\"*\"numvfs\": 2, \"autoprobe\": false*" "$(echo $OUT)"
echo "# fact: -d probe: the VFs ended on: $(vf_drivers)"
vmdevctl -q sriov $PF 0
echo 1 >$D/sriov_drivers_autoprobe

# ---------------------------------------------------------------- a failure mid-way, undone
# virtio-pci exists but its probe refuses a device that is not virtio: the first VF does
# not take it; everything is undone
run vmdevctl --timeout 1500 sriov $PF 2 -d virtio-pci
check_eq "a VF that does not take its driver: exit 1" 1 $RC
check_match "and says it was undone" "*taken away again*" "$ERR"
check_eq "after the failure: no VFs, autoprobe on" "0 1 " "$(numvfs) $(autoprobe) $(vfs)"
# the same with autoprobe off at the start: it stays off
echo 0 >$D/sriov_drivers_autoprobe
run vmdevctl --timeout 1500 sriov $PF 2 -d virtio-pci
check_eq "a failure with autoprobe off: exit 1" 1 $RC
check_eq "after it: no VFs, autoprobe still off" "0 0 " "$(numvfs) $(autoprobe) $(vfs)"
echo 1 >$D/sriov_drivers_autoprobe
# a held VF while changing: N -> M with one VF held fails before anything is written
vmdevctl -q sriov $PF 2
: >/tmp/holder.out
vfio-holder $(group_of $(vf 0)) >/tmp/holder.out 2>&1 &
H=$!
check "vfio-holder holds VF 0 before a change" wait_for_ready
s=$(state)
run timeout 20 vmdevctl sriov $PF 1 -d none
check_eq "a change with a VF held exits 5" 5 $RC
check_eq "a change with a VF held left the VFs as they were" "$s" "$(state)"
kill $H; wait $H 2>/dev/null
vmdevctl -q sriov $PF 0

# ---------------------------------------------------------------- races on one PF
# the second waits for the first (the lock on the PF), at most --timeout: then it is
# refused with exit 5; either way the PF ends in one whole state
# race_codes A B: "ok" when both exit 0, or one 0 and the other 5 (it waited in vain)
race_codes() { case "$1 $2" in "0 0"|"0 5"|"5 0") echo ok ;; *) echo "$1 $2" ;; esac; }
vmdevctl --timeout 20000 sriov $PF 2 >/tmp/r1.out 2>&1 & A=$!
vmdevctl --timeout 20000 sriov $PF 2 >/tmp/r2.out 2>&1 & B=$!
wait $A; ra=$?; wait $B; rb=$?
check_eq "two sriov PF 2 at once: both exit 0 (the second waits)" "0 0" "$ra $rb"
check_eq "two at once: 2 VFs, both on $DEF, autoprobe on" "2 1 $(vf 0)=$DEF $(vf 1)=$DEF " "$(numvfs) $(autoprobe) $(vf_drivers)"
for i in 1 2 3; do
	vmdevctl --timeout 20000 sriov $PF 1 -d none >/tmp/r1.out 2>&1 & A=$!
	vmdevctl --timeout 20000 sriov $PF 2 >/tmp/r2.out 2>&1 & B=$!
	wait $A; ra=$?; wait $B; rb=$?
	check_eq "race $i: 1 -d none against 2: both exit 0" "0 0" "$ra $rb"
	st="$(numvfs) $(autoprobe) $(vf_drivers)"
	echo "# fact: race $i ended with: $st"
	check_one_of "race $i: one whole state, not half of each" "$st" "1 1 $(vf 0)= " "2 1 $(vf 0)=$DEF $(vf 1)=$DEF "
done
# with the default timeout a long first call may outlast the second's wait: exit 5, whole
vmdevctl --timeout 1000 sriov $PF 0 >/tmp/r1.out 2>&1 & A=$!
vmdevctl --timeout 1000 sriov $PF 2 -d vfio-pci >/tmp/r2.out 2>&1 & B=$!
wait $A; ra=$?; wait $B; rb=$?
check_eq "0 against 2 with a short wait: both 0, or one refused with 5" ok "$(race_codes $ra $rb)"
st="$(numvfs) $(autoprobe) $(vf_drivers)"
check_one_of "0 against 2: one whole state" "$st" "0 1 " "2 1 $(vf 0)=vfio-pci $(vf 1)=vfio-pci "
[ "$rb" = 5 ] && check_match "the one refused says another process is changing it" "*another process is changing it*" "$(cat /tmp/r2.out)"
[ "$ra" = 5 ] && check_match "the one refused says another process is changing it" "*another process is changing it*" "$(cat /tmp/r1.out)"
vmdevctl sriov $PF 0 >/tmp/r1.out 2>&1 & A=$!
vmdevctl sriov $PF 0 >/tmp/r2.out 2>&1 & B=$!
wait $A; ra=$?; wait $B; rb=$?
check_eq "two sriov PF 0 at once: both exit 0" "0 0" "$ra $rb"

# ---------------------------------------------------------------- with udevd
# where udevd runs, the VFs are ready once udev has processed each (its events)
if [ -x /usr/bin/systemd-udevd ]; then
	mkdir -p /run/udev
	/usr/bin/systemd-udevd --daemon >/dev/null 2>&1
	n=50; while [ $n -gt 0 ] && ! [ -e /run/udev/control ]; do sleep 0.1; n=$((n-1)); done
	check_exists "udevd runs (/run/udev/control)" /run/udev/control
	UDEVD=$(pidof systemd-udevd | cut -d' ' -f1)
	run vmdevctl --timeout 10000 sriov $PF 2
	check_eq "sriov PF 2 with udevd running exits 0" 0 $RC
	check_eq "with udevd: 2 VFs on $DEF" "2 $(vf 0)=$DEF $(vf 1)=$DEF " "$(numvfs) $(vf_drivers)"
	check "sriov PF 0 with udevd running" vmdevctl -q sriov $PF 0
	# udevd frozen: the kernel makes the VFs, udev never reports them
	kill -STOP $UDEVD
	run vmdevctl --timeout 1000 sriov $PF 2
	check_eq "sriov PF 2 while udevd is stopped exits 1 after the timeout" 1 $RC
	check_match "and says the VFs were taken away" "*did not appear in time*taken away again*" "$ERR"
	check_eq "udevd stopped: no VFs left, autoprobe on" "0 1 " "$(numvfs) $(autoprobe) $(vfs)"
	kill -CONT $UDEVD
	kill $UDEVD; n=30; while [ $n -gt 0 ] && [ -e /proc/$UDEVD ]; do sleep 0.1; n=$((n-1)); done
	rm -f /run/udev/control
	check_absent "udevd stopped" /run/udev/control
else
	fail "systemd-udevd in the guest" "not copied in (install the udev package on the host)"
fi

# ---------------------------------------------------------------- clean
reset
check_eq "clean: no VFs, autoprobe on" "0 1 " "$(numvfs) $(autoprobe) $(vfs)"
check_eq "clean: the PF on nvme" nvme "$(drv_of $PF)"
# 65-variant.sh starts from the variant not loaded: bind loads it
if [ -d /sys/module/vfio_pci_vtest ]; then
	check "clean: unload vfio_pci_vtest" rmmod vfio_pci_vtest
fi
exit 0
