#!/bin/sh
# vfio-pci variant drivers on the real kernel: bind without -d picks our
# variant (tests/vm/vvariant, vfio_pci_vtest, driver vtest-vfio-pci) for the
# emulated NVMe's VF by its vfio_pci: alias, loading its module, and vfio-pci
# for everything else; -d vfio-pci forces the generic driver; check accepts
# the variant; a variant that refuses the device, fails to load or is not
# installed gives a clear error and changes nothing. The VFs are made by hand
# (autoprobe off, so nvme never takes them) and taken away at the end.
. ./lib.sh
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi
run() { OUT=$("$@" 2>/tmp/err); RC=$?; ERR=$(cat /tmp/err); }
one_line() { echo $1; }

# the emulated NVMe controller, the topology's one SR-IOV PF
PF=$(for d in /sys/bus/pci/devices/*; do [ -e $d/sriov_totalvfs ] && echo ${d##*/}; done | head -n1)
P=/sys/bus/pci/devices/$PF
MOD=vfio_pci_vtest
DRV=vtest-vfio-pci
KO=/lib/modules/$(uname -r)/extra/$MOD.ko
if [ -z "$PF" ]; then
	fail "the NVMe SR-IOV PF" "no device with sriov_totalvfs (tests/vm/run.sh topology)"
	exit 0
fi
check_match "modules.alias lists our variant's vfio_pci: alias" \
	"*alias vfio_pci:v00001B36d00000010sv\*sd\*bc\*sc\*i\* $MOD*" \
	"$(one_line "$(grep "^alias vfio_pci:" /lib/modules/$(uname -r)/modules.alias)")"
check_absent "$MOD is not loaded before a bind loads it" /sys/module/$MOD

# ---------------------------------------------------------------- the VFs, by hand
sysw $P/sriov_drivers_autoprobe 0 && sysw $P/sriov_numvfs 2
check_eq "2 VFs made on $PF (autoprobe off)" 2 "$(cat $P/sriov_numvfs)"
wait_for $P/virtfn1
VF=$(basename "$(readlink $P/virtfn0)")
VF2=$(basename "$(readlink $P/virtfn1)")
check_eq "the VF has no driver" "" "$(drv_of $VF)"
G=$(group_of $VF)

# ---------------------------------------------------------------- bind picks the variant
run vmdevctl --json bind $VF
check_eq "bind $VF without -d exits 0" 0 $RC
check_eq "bind $VF: on our variant's driver" $DRV "$(drv_of $VF)"
check_eq "bind $VF: driver_override is the driver's name, not the module's" $DRV "$(cat /sys/bus/pci/devices/$VF/driver_override)"
check_exists "bind $VF: $MOD loaded by vmdevctl (libkmod)" /sys/module/$MOD
check_exists "bind $VF: /dev/vfio/$G appeared" /dev/vfio/$G
check_match "bind --json: the variant, chosen by its alias" \
	"*\"address\": \"$VF\"*\"driver\": \"$DRV\"*\"previous_driver\": null*\"driver_choice\": \"alias\"*" "$(one_line "$OUT")"
check "check accepts a group whose device is on the variant" vmdevctl -q check $VF
run vmdevctl --json check $VF
check_match "check --json: the member on the variant is ok" "*\"driver\": \"$DRV\"*\"ok\": true*" "$(one_line "$OUT")"
run vmdevctl bind $VF
check_eq "bind $VF again exits 0 (already there)" 0 $RC
check_match "bind text says the variant and why" "$VF: $DRV -> $DRV (a vfio-pci variant: the vfio_pci: alias of module $MOD matches it)" "$OUT"

# ---------------------------------------------------------------- -d vfio-pci forces the generic one
run vmdevctl --json bind -d vfio-pci $VF
check_eq "bind -d vfio-pci $VF exits 0" 0 $RC
check_eq "bind -d vfio-pci: $VF on vfio-pci" vfio-pci "$(drv_of $VF)"
check_match "bind -d vfio-pci --json: named, previous the variant" \
	"*\"driver\": \"vfio-pci\"*\"previous_driver\": \"$DRV\"*\"driver_choice\": \"named\"*" "$(one_line "$OUT")"
run vmdevctl --json bind -d auto $VF
check_eq "bind -d auto $VF exits 0" 0 $RC
check_eq "bind -d auto: $VF back on the variant" $DRV "$(drv_of $VF)"
check_match "bind -d auto --json: alias" "*\"previous_driver\": \"vfio-pci\"*\"driver_choice\": \"alias\"*" "$(one_line "$OUT")"

# ---------------------------------------------------------------- unbind restores
run vmdevctl unbind $VF
check_eq "unbind $VF exits 0" 0 $RC
check_eq "unbind $VF: no driver again (autoprobe off)" "" "$(drv_of $VF)"
check_eq "unbind $VF: driver_override cleared" "(null)" "$(cat /sys/bus/pci/devices/$VF/driver_override)"
check_absent "unbind $VF: /dev/vfio/$G is gone" /dev/vfio/$G

# ---------------------------------------------------------------- --group takes each member's choice
run vmdevctl --json bind --group $VF2
check_eq "bind --group $VF2 exits 0" 0 $RC
check_eq "bind --group: $VF2 on the variant" $DRV "$(drv_of $VF2)"
check_match "bind --group --json: alias" "*\"address\": \"$VF2\"*\"driver_choice\": \"alias\"*" "$(one_line "$OUT")"
run vmdevctl unbind $VF2
check_eq "unbind $VF2 exits 0" 0 $RC

# ---------------------------------------------------------------- everything else: vfio-pci
run vmdevctl --json bind $NIC_B
check_eq "bind $NIC_B without -d exits 0" 0 $RC
check_eq "bind $NIC_B: e1000e has no variant, vfio-pci" vfio-pci "$(drv_of $NIC_B)"
check_match "bind $NIC_B --json: default" "*\"driver\": \"vfio-pci\"*\"previous_driver\": \"e1000e\"*\"driver_choice\": \"default\"*" "$(one_line "$OUT")"
run vmdevctl unbind $NIC_B
check_eq "unbind $NIC_B: back on e1000e" e1000e "$(drv_of $NIC_B)"

# ---------------------------------------------------------------- the variant refuses the device
sysw /sys/bus/pci/devices/$VF/driver_override vfio-pci && sysw /sys/bus/pci/drivers_probe $VF
check_eq "refusal set-up: $VF on vfio-pci" vfio-pci "$(drv_of $VF)"
sysw /sys/module/$MOD/parameters/refuse_probe 1
run vmdevctl bind $VF
check_eq "bind to a variant whose probe refuses exits 1" 1 $RC
check_match "the refusal's error says the driver did not take it and was restored" \
	"vmdevctl: cannot bind $VF to $DRV: the driver did not take it (see dmesg); its driver was restored" "$ERR"
check_eq "after the refusal: $VF back on vfio-pci" vfio-pci "$(drv_of $VF)"
check_eq "after the refusal: its override back" vfio-pci "$(cat /sys/bus/pci/devices/$VF/driver_override)"
sysw /sys/module/$MOD/parameters/refuse_probe 0
pci_restore $VF
check_eq "refusal clean-up: $VF unbound" "" "$(drv_of $VF)"

# ---------------------------------------------------------------- the module fails to load
rmmod $MOD
check_absent "$MOD unloaded for the next cases" /sys/module/$MOD
mkdir -p /etc/modprobe.d
echo "options $MOD refuse_load=1" >/etc/modprobe.d/vtest.conf
before=$(drv_of $VF)/$(cat /sys/bus/pci/devices/$VF/driver_override)
run vmdevctl bind $VF
check_eq "bind when the variant's module fails to load exits 1" 1 $RC
check_match "its error names the module and the way out" \
	"vmdevctl: cannot bind $VF: module $MOD, the vfio-pci variant whose vfio_pci: alias matches it, failed to load: *bind -d vfio-pci*" "$ERR"
check_eq "nothing written when the module failed to load" "/(null)" "$before"
check_eq "the VF is as it was" "$before" "$(drv_of $VF)/$(cat /sys/bus/pci/devices/$VF/driver_override)"
rm -f /etc/modprobe.d/vtest.conf

# ---------------------------------------------------------------- the module is not installed
mv $KO /tmp/$MOD.ko
run vmdevctl bind $VF
check_eq "bind when the variant's module is gone exits 3" 3 $RC
check_match "its error says the module is not installed" \
	"vmdevctl: cannot bind $VF: module $MOD, the vfio-pci variant whose vfio_pci: alias matches it, is not installed*" "$ERR"
check_eq "nothing written when the module is gone" "$before" "$(drv_of $VF)/$(cat /sys/bus/pci/devices/$VF/driver_override)"
check_absent "the missing module is not loaded" /sys/module/$MOD
run vmdevctl -q bind -d vfio-pci $VF
check_eq "bind -d vfio-pci still works without the variant" 0 $RC
check_eq "bind -d vfio-pci: $VF on vfio-pci" vfio-pci "$(drv_of $VF)"
run vmdevctl -q unbind $VF
mv /tmp/$MOD.ko $KO

# ---------------------------------------------------------------- dry run
run vmdevctl --dry-run bind $VF
check_eq "bind --dry-run $VF exits 0" 0 $RC
check_match "bind --dry-run: loads the variant's module, then binds" \
	"load $MOD*write /sys/bus/pci/devices/$VF/driver_override $MOD*write /sys/bus/pci/drivers_probe $VF" "$(one_line "$OUT")"
check_absent "bind --dry-run loaded nothing" /sys/module/$MOD

# ---------------------------------------------------------------- clean up
sysw $P/sriov_numvfs 0
sysw $P/sriov_drivers_autoprobe 1
check_eq "VFs taken away" 0 "$(cat $P/sriov_numvfs)"
rmmod $MOD 2>/dev/null
true
