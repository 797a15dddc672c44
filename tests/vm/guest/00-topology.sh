#!/bin/sh
# Print the topology (informational) and assert it matches tests/vm/README.md.
. ./lib.sh
echo "# PCI devices: address vendor:device class driver group"
for d in /sys/bus/pci/devices/*; do
	a=${d##*/}
	echo "#   $a $(cat $d/vendor):$(cat $d/device) $(cat $d/class) drv=$(drv_of $a) group=$(group_of $a)"
done
echo "# IOMMU groups"
for g in /sys/kernel/iommu_groups/*; do
	echo "#   ${g##*/}: $(ls $g/devices | tr '\n' ' ')"
done
echo "# modules: $(lsmod | awk 'NR>1 {print $1}' | tr '\n' ' ')"
