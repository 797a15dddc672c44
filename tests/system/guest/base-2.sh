# The baseline, boot 2: what Debian's mdevctl makes of the reboot.
. ./lib.sh
. ./scenario.sh
VIEWS="libvirt mdevctl files"
fact "journal lines of this boot naming mdevctl: $(journalctl -b -o cat | grep -c mdevctl)"
journalctl -b -o cat | grep mdevctl | sort | uniq -c | sed 's/^ */# journal: /' | head -n 5
scenario_start
scenario_part2
# the end reached: the host checks for it
exit 0
