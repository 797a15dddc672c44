#!/bin/sh
# mdevctl's callouts and notifiers on the real kernel: create and remove
# (start and stop) with a recording callout and notifier, the same
# sequence through Debian's mdevctl recording the same arguments and
# stdin; a refusing pre callout (nothing created, exit 1, the script and
# its exit code named) and --force; post with failure when the kernel
# refuses an attribute; a definition's start and stop; "get attributes"
# of an active mdev stored by define -u. The system is left as found.
. ./lib.sh
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi
B=/sys/bus/mdev/devices
C=/etc/mdevctl.d/scripts.d/callouts
N=/etc/mdevctl.d/scripts.d/notifiers
R=/tmp/callouts
rm -rf $R; mkdir -p $R $C $N
BEFORE=$(ls $B | wc -l)
export REC=$R/calls.log REFUSE=none ATTRS=

# records "NAME ARGS|STDIN"; REFUSE=ACTION: pre of ACTION exits 3; ATTRS:
# what "get attributes" prints
cat >$C/50-rec <<'EOF'
#!/bin/sh
in=$(cat; echo x); in=${in%x}
printf '%s %s|%s\n' "$(basename "$0")" "$*" "$in" >>"$REC"
case "$*" in
*"-e pre -a $REFUSE "*) echo "50-rec: no $REFUSE today" >&2; exit 3 ;;
*"-e get -a attributes "*) printf '%s' "$ATTRS" ;;
esac
exit 0
EOF
cp $C/50-rec $N/n-rec
chmod 755 $C/50-rec $N/n-rec
calls() { grep -v ' -a capabilities ' "$REC" 2>/dev/null; rm -f "$REC"; }
J='{"mdev_type":"mtty-2","start":"manual","attrs":[]}'
line() { printf '%s -t mtty-2 -e %s -a %s -s %s -u %s -p mtty|%s' "$1" "$2" "$3" "$4" "$5" "$6"; }

# ------------------------------------------------ start and stop, recorded
U=$(new_uuid)
check "create with a callout" vmdevctl create -p mtty -t mtty-2 -u $U
check_eq "create: bound when create returns" mtty "$(drv_of $B/$U)"
EXP_START="$(line 50-rec pre start none $U "$J")
$(line 50-rec post start success $U "$J")
$(line n-rec notify start success $U "$J")"
check_eq "create: pre, post (success) and the notifier, with the JSON on stdin" "$EXP_START" "$(calls)"
check "remove with a callout" vmdevctl remove $U
check_absent "remove: gone" $B/$U
EXP_STOP="$(line 50-rec pre stop none $U "$J")
$(line 50-rec post stop success $U "$J")
$(line n-rec notify stop success $U "$J")"
check_eq "remove: pre, post (success) and the notifier" "$EXP_STOP" "$(calls)"

# the same through Debian's mdevctl (1.2.0): the same calls
if [ -x /usr/bin/mdevctl ]; then
	check "mdevctl start -p -t -u with a callout" mdevctl start -p mtty -t mtty-2 -u $U
	check_eq "mdevctl start: the same calls as vmdevctl create" "$EXP_START" "$(calls)"
	check "mdevctl stop with a callout" mdevctl stop -u $U
	check_eq "mdevctl stop: the same calls as vmdevctl remove" "$EXP_STOP" "$(calls)"
	check_absent "mdevctl stop: gone" $B/$U
else
	fail "mdevctl in the guest" "not copied in (install the mdevctl package on the host)"
fi

# ------------------------------------------------ a refusing pre callout
REFUSE=start vmdevctl create -p mtty -t mtty-2 -u $U >$R/out 2>$R/err; RC=$?
check_eq "refused create exits 1" 1 $RC
check_absent "refused create: nothing created" $B/$U
check_match "refused create: the script and its exit code named" \
	"*callout script $C/50-rec refused start of $U (exit 3)*" "$(cat $R/err)"
check_match "refused create: the script's own stderr comes through" "*50-rec: no start today*" "$(cat $R/err)"
check_eq "refused create: pre, then the notifier with state none, no post" \
	"$(line 50-rec pre start none $U "$J")
$(line n-rec notify start none $U "$J")" "$(calls)"
check "create --force past the refusal" env REFUSE=start vmdevctl create --force -p mtty -t mtty-2 -u $U
check_link "create --force: the mdev exists" $B/$U
check_match "create --force: post says success" "*-e post -a start -s success*" "$(calls)"
REFUSE=stop vmdevctl remove $U >$R/out 2>$R/err; RC=$?
check_eq "refused remove exits 1" 1 $RC
check_link "refused remove: the mdev is still there" $B/$U
check_match "refused remove: named" "*refused stop of $U (exit 3)*" "$(cat $R/err)"
check "remove --force" env REFUSE=stop vmdevctl remove --force $U
check_absent "remove --force: gone" $B/$U
calls >/dev/null

# ------------------------------------------------ definitions: start, stop, post failure
D=$(vmdevctl define -p mtty -t mtty-2 --auto)
calls >/dev/null
JA='{"mdev_type":"mtty-2","start":"auto","attrs":[]}'
check "start of a definition" vmdevctl start -u $D
check_eq "start: the definition's JSON on stdin" "$(line 50-rec pre start none $D "$JA")
$(line 50-rec post start success $D "$JA")
$(line n-rec notify start success $D "$JA")" "$(calls)"
check "stop of a definition" vmdevctl stop -u $D
check_eq "stop: sysfs's view on stdin, as mdevctl's stop" 1 \
	"$(calls | grep -cxF "50-rec -t mtty-2 -e pre -a stop -s none -u $D -p mtty|$J")"
REFUSE=start vmdevctl start -u $D >$R/out 2>$R/err; RC=$?
check_eq "refused start of a definition exits 1" 1 $RC
check_absent "refused start: nothing created" $B/$D
calls >/dev/null
check "modify: an attribute mtty does not have" vmdevctl modify -u $D --attr no_such_attr=1
calls >/dev/null
check_fail "start with an attribute the kernel refuses" vmdevctl start -u $D
check_absent "that start left nothing" $B/$D
check_match "post says failure" "*-e post -a start -s failure -u $D*" "$(calls)"
check "undefine" vmdevctl undefine -u $D
calls >/dev/null

# ------------------------------------------------ get attributes of an active mdev
check "create for get attributes" vmdevctl create -p mtty -t mtty-2 -u $U
calls >/dev/null
check "define -u of the active mdev asks its callout" env ATTRS='[{"a.b":"1"},{"c":"x y"}]' vmdevctl define -u $U
check_eq "the definition holds the callout's attributes" \
	"$(printf '{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": [\n    {\n      "a.b": "1"\n    },\n    {\n      "c": "x y"\n    }\n  ]\n}')" \
	"$(cat /etc/mdevctl.d/mtty/$U)"
check_match "get attributes ran before pre define" "50-rec -t mtty-2 -e get -a attributes -s none -u $U -p mtty|
50-rec -t mtty-2 -e pre -a define*" "$(calls)"
check "undefine it" vmdevctl undefine -u $U
ATTRS='{"not":"an array"}' vmdevctl define -u $U >$R/out 2>$R/err; RC=$?
check_eq "define -u with a callout that answers nonsense exits 1" 1 $RC
check_absent "and defines nothing" /etc/mdevctl.d/mtty/$U
check_match "and says why" "*its answer is not a JSON array of attributes*" "$(cat $R/err)"
check "remove it" vmdevctl remove $U
calls >/dev/null

# ------------------------------------------------ modify --live through a versioned callout
# (mdevctl 1.3+): the script applies the change; vmdevctl writes nothing
# itself (mtty has no attribute "knob": a write of it would fail)
cat >$C/10-v2 <<'END'
#!/bin/sh
in=$(cat; echo x); in=${in%x}
printf '%s %s|%s\n' "$(basename "$0")" "$*" "$in" >>"$REC"
case "$*" in
*"-a capabilities "*) printf '{"supports":{"version":2,"actions":["start","stop","define","undefine","modify"],"events":["pre","post","live"]}}' ;;
*"-e live "*) [ "$REFUSE" = live ] && exit 5 ;;
esac
exit 0
END
chmod 755 $C/10-v2
D=$(vmdevctl define -p mtty -t mtty-2)
check "start for modify --live" vmdevctl start -u $D
calls >/dev/null
check "modify --live: the versioned callout applies it" vmdevctl modify -u $D --attr knob=1 --live
LIVE='{"mdev_type":"mtty-2","start":"manual","attrs":[{"knob":"1"}]}'
ALL=$(calls)
check_eq "modify --live: the live event with the new configuration" 1 \
	"$(printf '%s\n' "$ALL" | grep -cxF "10-v2 -t mtty-2 -e live -a modify -s none -u $D -p mtty|$LIVE")"
check_eq "modify --live: only the versioned script is asked" "" "$(printf '%s\n' "$ALL" | grep '^50-rec -t')"
check_match "modify --live: the definition holds it" '*"knob": "1"*' "$(cat /etc/mdevctl.d/mtty/$D)"
REFUSE=live vmdevctl modify -u $D --attr knob=2 --live >$R/out 2>$R/err; RC=$?
check_eq "modify --live refused by the callout exits 1" 1 $RC
check_match "and is named" "*10-v2 refused live modify of $D (exit 5)*" "$(cat $R/err)"
check_eq "and the definition is unchanged" 1 "$(grep -c knob /etc/mdevctl.d/mtty/$D)"
check "stop it" vmdevctl stop -u $D
check "undefine it" vmdevctl undefine -u $D
rm -f $C/10-v2
calls >/dev/null

# ------------------------------------------------ dry run: no script runs
vmdevctl -n create -p mtty -t mtty-2 -u $U >/dev/null 2>&1
check_eq "a dry run runs no script" "" "$(calls)"

rm -f $C/50-rec $N/n-rec
check_eq "callouts left no mdev" "$BEFORE" "$(ls $B | wc -l)"
exit 0
