# The baseline, boot 1: Debian's own mdevctl 1.2.0 as libvirt's backend,
# the same scenario. Reported, not counted (the host keeps it apart).
. ./lib.sh
. ./scenario.sh
VIEWS="libvirt mdevctl files"
out=$(dpkg -i "$T"/mdevctl/mdevctl_*.deb 2>&1)
check "dpkg -i of Debian's mdevctl" test $? = 0
check "/usr/bin/mdevctl is Debian's" test -x /usr/bin/mdevctl
fact "/usr/sbin/mdevctl: $(ls -l /usr/sbin/mdevctl 2>&1)"
fact "its udev rule runs: $(grep -o 'RUN+="[^"]*"' /lib/udev/rules.d/60-mdevctl.rules | tr '\n' ' ')"
scenario_start 1
scenario_part1
# the end reached: the host checks for it
exit 0
