# The libvirt scenario (sourced by the phases): libvirt drives whichever
# mdevctl the PATH gives. VIEWS names the views that must agree at every
# step (see lib.sh). Part 1 runs before the reboot, part 2 after it.

xml() { # UUID TYPE: a node device XML for an mdev on mtty
	cat <<XML
<device>
  <parent>mtty_mtty</parent>
  <capability type='mdev'>
    <type id='$2'/>
    <uuid>$1</uuid>
  </capability>
</device>
XML
}

# libvirt and the mtty parent as the boot left them; after installing
# mdevctl (PHASE 1) libvirtd is restarted: it found no /etc/mdevctl.d when
# it started, and watches that directory only when it is there
scenario_start() {
	fact "kernel $(uname -r); libvirt $(dpkg-query -W -f='${Version}' libvirt-daemon); mdevctl: $(readlink -f "$(command -v mdevctl)" 2>/dev/null || echo none)"
	check "mtty loaded at boot (modules-load.d)" test -e /sys/class/mdev_bus/mtty
	[ "${1:-}" != 1 ] || check "libvirtd restarts" systemctl restart libvirtd
	check "virsh connects" wait_for 60 virsh nodedev-list
}

scenario_part1() {
	local out
	out=$(virsh nodedev-list --cap mdev_types 2>&1)
	check_eq "nodedev-list --cap mdev_types: the mtty parent" mtty_mtty "$(grep mtty <<<"$out")"
	agree "before any definition" ""

	xml "$U1" mtty-2 >/tmp/u1.xml
	check "nodedev-define (mtty-2, fixed UUID)" virsh nodedev-define /tmp/u1.xml
	agree "after nodedev-define" "$U1 mtty mtty-2 manual no"
	out=$(virsh nodedev-list --cap mdev --all)
	check_eq "nodedev-list --cap mdev --all: the defined one" "$N1" "$(grep mdev_ <<<"$out")"
	out=$(virsh nodedev-list --cap mdev)
	check_eq "nodedev-list --cap mdev: nothing active" "" "$(grep mdev_ <<<"$out")"
	check "nodedev-info: inactive" grep -qx 'Active: *no' <(virsh nodedev-info "$N1")

	check "nodedev-start" virsh nodedev-start "$N1"
	check "the mdev exists" active "$U1"
	agree "after nodedev-start" "$U1 mtty mtty-2 manual yes"

	check "nodedev-autostart" virsh nodedev-autostart "$N1"
	agree "after nodedev-autostart" "$U1 mtty mtty-2 auto yes"

	xml "$U2" mtty-1 >/tmp/u2.xml
	check "nodedev-define of a second, manual one (mtty-1)" virsh nodedev-define /tmp/u2.xml
	check "nodedev-start of the manual one" virsh nodedev-start "$N2"
	agree "two definitions, both active" "$U1 mtty mtty-2 auto yes
$U2 mtty mtty-1 manual yes"

	out=$(virsh nodedev-dumpxml "$N1")
	check "nodedev-dumpxml: uuid" grep -q "<uuid>$U1</uuid>" <<<"$out"
	check "nodedev-dumpxml: type" grep -q "<type id='mtty-2'" <<<"$out"
	check "nodedev-dumpxml: parent" grep -q "<parent>mtty_mtty</parent>" <<<"$out"
	fact "definition files before the reboot: $(cd /etc/mdevctl.d && echo */*)"
}

scenario_part2() {
	local t=0
	while ! active "$U1" && [ $t -lt 30 ]; do sleep 1; t=$((t + 1)); done
	check "after the reboot: the autostart definition is active by itself" active "$U1"
	fact "waited $t s for it after the scenario began; uptime $(cut -d' ' -f1 /proc/uptime) s"
	check "after the reboot: the manual definition is not active" test ! -e "/sys/bus/mdev/devices/$U2"
	agree "after the reboot" "$U1 mtty mtty-2 auto yes
$U2 mtty mtty-1 manual no"

	# libvirt 9.0 opens the mdev's /dev/vfio/N itself before it runs
	# "mdevctl stop" (an EBUSY there means a VM uses it) and holds that fd
	# until stop returns: a stop must not count libvirt's probe as a user
	check "nodedev-destroy of the autostart one" virsh nodedev-destroy "$N1"
	check "the mdev is gone" test ! -e "/sys/bus/mdev/devices/$U1"
	agree "after nodedev-destroy" "$U1 mtty mtty-2 auto no
$U2 mtty mtty-1 manual no"
	check "nodedev-undefine of the autostart one" virsh nodedev-undefine "$N1"
	agree "after nodedev-undefine" "$U2 mtty mtty-1 manual no"
	check "nodedev-undefine of the manual one" virsh nodedev-undefine "$N2"
	agree "after both are undefined" ""
	check "/etc/mdevctl.d/mtty holds no definition" test -z "$(ls /etc/mdevctl.d/mtty 2>/dev/null)"
}
