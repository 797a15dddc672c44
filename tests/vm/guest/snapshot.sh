# Sourced by guest scripts (busybox sh): snapshot NAME writes, into
# $VM_OUT/snap/NAME/, what vmdevctl prints (every read command, --json, with
# its exit status) next to what the shell sees in sysfs ("facts"), at the
# same moment. tests/vm/check-snapshots.py compares the two on the host.

# "vfio_dev=vfioN vfio_node=0|1" of a device directory: its VFIO device
# (empty when no vfio driver has it) and whether /dev/vfio/devices/vfioN exists
vfio_dev_facts() {
	_v=
	for _e in "$1"/vfio-dev/vfio*; do [ -d "$_e" ] && _v=${_e##*/}; done
	echo "vfio_dev=$_v vfio_node=$([ -n "$_v" ] && [ -e /dev/vfio/devices/$_v ] && echo 1 || echo 0)"
}

snapshot() {
	_s=$VM_OUT/snap/$1
	mkdir -p "$_s"
	for _c in list types parents devices groups; do
		vmdevctl --json $_c >"$_s/$_c.json" 2>"$_s/$_c.err"
		echo $? >"$_s/$_c.rc"
	done
	{
		for _m in /sys/bus/mdev/devices/*; do
			[ -L "$_m" ] || continue
			_real=$(readlink -f "$_m")
			echo "mdev ${_m##*/} parent=$(basename "$(readlink -f "$_real/..")") type=$(basename "$(readlink "$_m/mdev_type")") group=$(basename "$(readlink "$_m/iommu_group")") driver=$(drv_of "$_real") $(vfio_dev_facts "$_real") path=$_real"
		done
		for _p in /sys/class/mdev_bus/*; do
			[ -L "$_p" ] || continue
			_real=$(readlink -f "$_p")
			_g=; [ -L "$_real/iommu_group" ] && _g=$(basename "$(readlink "$_real/iommu_group")")
			echo "parent ${_p##*/} path=$_real driver=$(drv_of "$_real") group=$_g types=$(ls "$_real/mdev_supported_types" | tr '\n' ',')"
			for _t in "$_real"/mdev_supported_types/*; do
				_d=; [ -r "$_t/description" ] && _d=$(cat "$_t/description" | tr '\n' ' ' | sed 's/ *$//')
				echo "type ${_p##*/} ${_t##*/} avail=$(cat "$_t/available_instances") api=$(cat "$_t/device_api") mdevs=$(ls "$_t/devices" | tr '\n' ',') name=$(cat "$_t/name" 2>/dev/null)"
				echo "desc ${_p##*/} ${_t##*/} $_d"
			done
		done
		for _d in /sys/bus/pci/devices/*; do
			_a=${_d##*/}
			_g=; [ -L "$_d/iommu_group" ] && _g=$(group_of "$_a")
			_vf=; [ -r "$_d/sriov_numvfs" ] && _vf=$(cat "$_d/sriov_numvfs")
			_tvf=; [ -r "$_d/sriov_totalvfs" ] && _tvf=$(cat "$_d/sriov_totalvfs")
			_pf=; [ -L "$_d/physfn" ] && _pf=$(basename "$(readlink "$_d/physfn")")
			_hdr=$(od -An -tx1 -j14 -N1 "$_d/config" | tr -d ' ')
			echo "pci $_a vendor=$(cat $_d/vendor) device=$(cat $_d/device) subvendor=$(cat $_d/subsystem_vendor) subdevice=$(cat $_d/subsystem_device) class=$(cat $_d/class) revision=$(cat $_d/revision) header=$_hdr driver=$(drv_of "$_a") override=$(cat $_d/driver_override) group=$_g numvfs=$_vf mdev_parent=$([ -d $_d/mdev_supported_types ] && echo 1 || echo 0) physfn=$_pf totalvfs=$_tvf $(vfio_dev_facts "$_d") path=$(readlink -f $_d)"
		done
		for _g in /sys/kernel/iommu_groups/*; do
			_n=${_g##*/}
			_node=/dev/vfio/$_n
			[ -e /dev/vfio/noiommu-$_n ] && _node=/dev/vfio/noiommu-$_n
			echo "group $_n members=$(ls "$_g/devices" | tr '\n' ',') vfio=$([ -e $_node ] && echo 1 || echo 0) node=$_node"
			vmdevctl -q check "$_n" >/dev/null 2>&1
			echo "check $_n rc=$?"
		done
	} >"$_s/facts"
}
