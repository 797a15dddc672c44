# Boot 1 with our packages: install them from the test disk (the runtime
# three: libvmdev-dev needs -dev packages the image does not have), then the
# scenario's first part with vmdevctl as mdevctl.
. ./lib.sh
. ./scenario.sh
VIEWS="libvirt mdevctl vmdevctl files"
PKGS="libvmdev1 vmdevctl vmdevctl-mdevctl"

dpkg_clean() { # DESC CMD...: exit 0 and no "error" in dpkg's output
	local d=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qi error <<<"$out"; then ok "$d"; else fail "$d" "exit $rc: $(tr '\n' ' ' <<<"$out" | cut -c1-600)"; fi
	grep -i warning <<<"$out" | sed 's/^/# dpkg: /'
}
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

check "mdevctl is not there before the packages" test -z "$(command -v mdevctl)"
dpkg_clean "dpkg -i of the three packages" dpkg -i "$T"/debs/*.deb
for p in $PKGS; do check "$p installed" installed "$p"; done
check_eq "/usr/bin/mdevctl is vmdevctl" /usr/sbin/vmdevctl "$(readlink -f /usr/bin/mdevctl)"
check_eq "/usr/sbin/mdevctl is vmdevctl" /usr/sbin/vmdevctl "$(readlink -f /usr/sbin/mdevctl)"
check_eq "/usr/bin/lsmdev is vmdevctl" /usr/sbin/vmdevctl "$(readlink -f /usr/bin/lsmdev)"
check "/etc/mdevctl.d is there" test -d /etc/mdevctl.d
check "the udev rule is installed" test -f /lib/udev/rules.d/60-vmdevctl.rules
check "systemd knows the autostart unit" systemctl cat vmdevctl-autostart@mtty.service
dpkg_clean "dpkg -i of the same packages again" dpkg -i "$T"/debs/*.deb
check "dpkg --audit finds nothing" test -z "$(dpkg --audit 2>&1)"

scenario_start 1
scenario_part1
# the end reached: the host checks for it
exit 0
