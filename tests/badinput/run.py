#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad-input tier: every command and option of vmdevctl fed malformed,
truncated, out-of-range, unknown and conflicting input, against a copy of
a recorded tree (--root COPY, never --dry-run).

usage: run.py VMDEVCTL TREE.tar.gz

Each case asserts: the exit code the product contract gives it
(../shared/SPEC.md, "Exit codes": 2 invalid, 3 not found, ...);
exactly one line on stderr, "vmdevctl: ...", valid UTF-8, naming the
problem (it contains the bad value or option, or a fixed phrase); nothing on
stdout; and no file under the root changed (a checksum of the whole copy,
contents, modes and link targets, before and after). Prints TAP-like lines
and 'N passed, M failed'; exits 1 on any failure.
VMDEV_TEST_WRAPPER (e.g. valgrind ...) wraps every run.
"""
import os
import subprocess
import sys
import tarfile
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from cli import WRAPPER  # noqa: E402
from tap import finish, result, tree_digest  # noqa: E402

# values from the recorded tree (tests/golden/mdev-nonviable)
U1 = "0b0c1a7e-0001-4000-8000-000000000001"       # an mdev of mtty/mtty-1
U_NONE = "0b0c1a7e-0009-4000-8000-000000000009"   # well formed, no such mdev
PF = "0000:03:00.0"                               # the SR-IOV PF (nvme, 2 VFs at most, none now)
# definitions seeded into the copy (main()): DEF_U a good one under mtty,
# ACT_U the definition of the active U1, BAD_U a malformed file under mdpy,
# DUP_U defined under two parents
DEF_U = "0b0c1a7e-00d1-4000-8000-0000000000d1"
BAD_U = "0b0c1a7e-00d2-4000-8000-0000000000d2"
DUP_U = "0b0c1a7e-00d3-4000-8000-0000000000d3"
DEFINITIONS = {
    "mtty/" + DEF_U: '{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": [\n'
                     '    {\n      "assign_adapter": "5"\n    }\n  ]\n}',
    "mtty/" + U1: '{\n  "mdev_type": "mtty-1",\n  "start": "auto",\n  "attrs": []\n}',
    "mdpy/" + BAD_U: '{"mdev_type": "mdpy-vga", "start": ',
    "mtty/" + DUP_U: '{"mdev_type": "mtty-1", "start": "manual"}',
    "mbochs/" + DUP_U: '{"mdev_type": "mbochs-small", "start": "manual"}',
}
LONG = "x" * 256                                  # NAME_MAX + 1
LONGER = "y" * 5000
NEWLINE = "mt\nty"
ESC = "\x1b[31mred"
NONUTF8 = os.fsdecode(b"mtty\xff\xfe")            # bytes that are not UTF-8
BAD_UTF8_LEAD = os.fsdecode(b"\xc3(")

# (description, argv after "vmdevctl --root COPY", exit code, substrings of the
#  error line; extra environment). ROOT=None: the case gives --root itself.
def cases(copy, afile, jfile, jbad):
    C = []

    def c(desc, args, code, needles, env=None, root=True, xfail=None):
        C.append((desc, args, code, needles, env or {}, root, xfail))

    # --- global options
    c("unknown command", ["frobnicate"], 2, ["unknown command 'frobnicate'"])
    c("unknown command that looks like a path", ["../list"], 2, ["unknown command '../list'"])
    c("unknown long option", ["--bogus", "list"], 2, ["'--bogus'"])
    c("unknown long option after the command", ["list", "--bogus"], 2, ["'--bogus'"])
    c("unknown short option", ["list", "-x"], 2, ["'-x'"])
    c("unknown short option in a cluster", ["-qx", "list"], 2, ["'-x'"])
    c("unknown option of non-UTF-8 bytes", ["list", "--" + NONUTF8], 2, ["unknown option", "\\xff"])
    c("--root that does not exist", ["--root", copy + "/nonexistent", "list"], 2,
      ["invalid --root", "nonexistent", "No such file"], root=False)
    c("--root that is a file", ["--root", afile, "list"], 2,
      ["invalid --root", "Not a directory"], root=False)
    c("--root empty", ["--root", "", "list"], 2, ["invalid --root ''"], root=False)
    c("--root given twice", ["--root", copy, "--root", copy, "list"], 2,
      ["--root given twice"], root=False)
    c("--root without a value", ["list", "--root"], 2, ["--root needs a value"], root=False)
    c("--root with a newline in a missing path", ["--root", copy + "/a\nb", "list"], 2,
      ["invalid --root", "\\x0ab"], root=False)
    c("VMDEV_ROOT that does not exist", ["list"], 2, ["invalid VMDEV_ROOT", "/nonexistent-root"],
      env={"VMDEV_ROOT": "/nonexistent-root"}, root=False)
    c("--timeout negative", ["--timeout", "-1", "list"], 2, ["invalid --timeout '-1'"])
    c("--timeout over an hour", ["--timeout", "3600001", "list"], 2, ["'3600001'"])
    c("--timeout beyond 64 bits", ["--timeout", "99999999999999999999999", "list"], 2,
      ["'99999999999999999999999'"])
    c("--timeout empty", ["--timeout=", "list"], 2, ["invalid --timeout ''"])
    c("--timeout with a leading space", ["--timeout", " 5", "list"], 2, ["' 5'"])
    c("--timeout with a plus sign", ["--timeout", "+5", "list"], 2, ["'+5'"])
    c("--timeout in hex", ["--timeout", "0x10", "list"], 2, ["'0x10'"])
    c("--timeout with a unit", ["--timeout", "5s", "list"], 2, ["'5s'"])
    c("--timeout in exponent form", ["--timeout", "1e3", "list"], 2, ["'1e3'"])
    c("--timeout given twice", ["--timeout", "5", "--timeout=6", "list"], 2, ["--timeout given twice"])
    c("--timeout without a value", ["list", "--timeout"], 2, ["--timeout needs a value"])
    c("VMDEV_TIMEOUT invalid", ["list"], 2, ["invalid VMDEV_TIMEOUT 'soon'"],
      env={"VMDEV_TIMEOUT": "soon"})
    c("VMDEV_LOG invalid", ["list"], 2, ["invalid VMDEV_LOG 'dbug'", "err, info, debug"],
      env={"VMDEV_LOG": "dbug"})
    c("VMDEV_LOG out of range", ["list"], 2, ["invalid VMDEV_LOG '8'"], env={"VMDEV_LOG": "8"})
    # --- help
    c("help for an unknown command", ["help", "frob"], 2, ["unknown command 'frob'"])
    c("help with two commands", ["help", "list", "types"], 2, ["help takes one command"])
    c("help for a command with control bytes", ["help", ESC], 2, ["unknown command", "\\x1b[31mred"])
    # --- list
    c("list -p ..", ["list", "-p", ".."], 2, ["invalid parent name '..'"])
    c("list -p .", ["list", "-p", "."], 2, ["invalid parent name '.'"])
    c("list -p a/b", ["list", "-p", "a/b"], 2, ["invalid parent name 'a/b'"])
    c("list -p ../../etc", ["list", "-p", "../../etc"], 2, ["'../../etc'"])
    c("list -p empty", ["list", "-p", ""], 2, ["invalid parent name ''"])
    c("list -p over NAME_MAX", ["list", "-p", LONG], 2, ["invalid parent name", LONG[:200]])
    c("list -p with a newline", ["list", "-p", NEWLINE], 2, ["invalid parent name 'mt\\x0aty'"])
    c("list -p with an escape sequence", ["list", "-p", ESC], 2, ["'\\x1b[31mred'"])
    c("list -p %2e%2e (not decoded: not found)", ["list", "-p", "%2e%2e"], 3, ["no mdev parent '%2e%2e'"])
    c("list -p unknown", ["list", "-p", "nosuchparent"], 3, ["'nosuchparent'"])
    c("list -t unknown", ["list", "-t", "mtty-9"], 3, ["'mtty-9'"])
    c("list -t a/b", ["list", "-t", "mtty/../mdpy"], 2, ["invalid type name 'mtty/../mdpy'"])
    c("list -t ..", ["list", "-t", ".."], 2, ["invalid type name '..'"])
    c("list -p known -t from another parent", ["list", "-p", "mdpy", "-t", "mtty-1"], 3, ["'mtty-1'"])
    c("list -u truncated", ["list", "-u", U1[:-1]], 2, ["invalid UUID '" + U1[:-1] + "'"])
    c("list -u one digit too many", ["list", "-u", U1 + "0"], 2, ["'" + U1 + "0'"])
    c("list -u non-hex digit", ["list", "-u", U1[:-1] + "g"], 2, ["'" + U1[:-1] + "g'"])
    c("list -u without dashes", ["list", "-u", U1.replace("-", "")], 2, ["invalid UUID"])
    c("list -u dashes moved", ["list", "-u", "0b0c1a7e0-001-4000-8000-000000000001"], 2, ["invalid UUID"])
    c("list -u in braces", ["list", "-u", "{" + U1 + "}"], 2, ["'{" + U1 + "}'"])
    c("list -u empty", ["list", "-u", ""], 2, ["invalid UUID ''"])
    c("list -u 5000 bytes", ["list", "-u", LONGER], 2, ["invalid UUID", "yyyy", "..."])
    c("list -u unknown", ["list", "-u", U_NONE], 3, [U_NONE])
    c("list -u given twice", ["list", "-u", U1, "-u", U1], 2, ["-u given twice"])
    c("list -p given twice", ["list", "-p", "mtty", "--parent=mtty"], 2, ["-p given twice"])
    c("list -t without a value", ["list", "-t"], 2, ["-t needs a value"])
    c("list with a positional argument", ["list", "mtty"], 2, ["'mtty'"])
    c("list with a positional argument with a newline", ["list", NEWLINE], 2, ["'mt\\x0aty'"])
    c("list -g (an option of devices)", ["list", "-g", "1"], 2, ["-g is not for list"])
    c("list --group (an option of bind)", ["list", "--group"], 2, ["--group is not for list"])
    # --- types
    c("types -p unknown", ["types", "-p", "nosuch"], 3, ["'nosuch'"])
    c("types -t unknown", ["types", "-t", "nosuch-type"], 3, ["'nosuch-type'"])
    c("types -p non-UTF-8", ["types", "-p", NONUTF8], 3, ["mtty\\xff\\xfe"])
    c("types -t non-UTF-8", ["types", "-t", NONUTF8], 3, ["mtty\\xff\\xfe"])
    c("types -t over NAME_MAX", ["types", "-t", LONG], 2, ["invalid type name"])
    c("types -u (not an option of types)", ["types", "-u", U1], 2, ["-u is not for types"])
    c("types with a positional argument", ["types", "mtty"], 2, ["'mtty'"])
    # --- parents
    c("parents with a positional argument", ["parents", "mtty"], 2, ["'mtty'"])
    c("parents -p (takes no option)", ["parents", "-p", "mtty"], 2, ["-p is not for parents"])
    # --- devices
    c("devices address truncated", ["devices", "0000:00:02"], 2, ["'0000:00:02'"])
    c("devices device number over 1f", ["devices", "0000:00:20.0"], 2, ["'0000:00:20.0'"])
    c("devices function over 7", ["devices", "00:02.8"], 2, ["'00:02.8'"])
    c("devices domain of 5 digits", ["devices", "10000:00:02.0"], 2, ["'10000:00:02.0'"])
    c("devices non-hex bus", ["devices", "0000:0g:02.0"], 2, ["'0000:0g:02.0'"])
    c("devices address with a path", ["devices", "../0000:00:02.0"], 2, ["'../0000:00:02.0'"])
    c("devices address with a trailing newline", ["devices", "00:02.0\n"], 2, ["'00:02.0\\x0a'"])
    c("devices address of invalid UTF-8", ["devices", BAD_UTF8_LEAD], 2, ["'\\xc3('"])
    c("devices address empty", ["devices", ""], 2, ["invalid PCI address ''"])
    c("devices unknown address", ["devices", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    c("devices -g over INT_MAX", ["devices", "-g", "2147483648"], 2, ["'2147483648'"])
    c("devices -g negative", ["devices", "-g", "-1"], 2, ["'-1'"])
    c("devices -g not a number", ["devices", "-g", "one"], 2, ["'one'"])
    c("devices -g with a sign", ["devices", "-g", "+1"], 2, ["'+1'"])
    c("devices -g 20 digits", ["devices", "-g", "18446744073709551617"], 2, ["'18446744073709551617'"])
    c("devices -g unknown", ["devices", "-g", "4242"], 3, ["4242"])
    c("devices -d with a slash", ["devices", "-d", "vfio-pci/../e1000e"], 2, ["invalid driver name"])
    c("devices -d ..", ["devices", "-d", ".."], 2, ["invalid driver name '..'"])
    c("devices -g twice", ["devices", "-g", "1", "-g", "1"], 2, ["-g given twice"])
    # --- groups
    c("groups not a number", ["groups", "abc"], 2, ["'abc'"])
    c("groups over INT_MAX", ["groups", "2147483648"], 2, ["'2147483648'"])
    c("groups negative", ["groups", "-5"], 2, ["-5"])
    c("groups unknown", ["groups", "4242"], 3, ["4242"])
    c("groups with a newline", ["groups", "1\n2"], 2, ["'1\\x0a2'"])
    c("groups empty", ["groups", ""], 2, ["''"])
    c("groups -p (takes no option)", ["groups", "-p", "mtty"], 2, ["-p is not for groups"])
    # --- check
    c("check without a target", ["check"], 2, ["check needs a target"])
    c("check a malformed target", ["check", "foo"], 2, ["'foo'"])
    c("check an unknown group", ["check", "4242"], 3, ["4242"])
    c("check an unknown UUID", ["check", U_NONE], 3, [U_NONE])
    c("check an unknown address", ["check", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    c("check a truncated UUID", ["check", U1[:20]], 2, ["'" + U1[:20] + "'"])
    c("check non-UTF-8", ["check", NONUTF8], 2, ["mtty\\xff\\xfe"])
    # --- create (never --dry-run: invalid input must be refused before any write)
    c("create without -t", ["create", "-p", "mtty"], 2, ["-t TYPE"])
    c("create without -p", ["create", "-t", "mtty-1"], 2, ["-p PARENT"])
    c("create without options", ["create"], 2, ["-p PARENT"])
    c("create with a positional argument", ["create", "-p", "mtty", "-t", "mtty-1", "extra"], 2, ["'extra'"])
    c("create -p ..", ["create", "-p", "..", "-t", "mtty-1"], 2, ["invalid parent name '..'"])
    c("create -t ../mdpy/mdpy-vga", ["create", "-p", "mtty", "-t", "../mdpy/mdpy-vga"], 2, ["invalid type name"])
    c("create -t .", ["create", "-p", "mtty", "-t", "."], 2, ["invalid type name '.'"])
    c("create -t over NAME_MAX", ["create", "-p", "mtty", "-t", LONG], 2, ["invalid type name"])
    c("create -p unknown", ["create", "-p", "nosuch", "-t", "mtty-1"], 3, ["'nosuch'"])
    c("create -t unknown", ["create", "-p", "mtty", "-t", "mtty-9"], 3, ["'mtty-9'"])
    c("create -t %2e%2e", ["create", "-p", "mtty", "-t", "%2e%2e"], 3, ["'%2e%2e'"])
    c("create -t non-UTF-8", ["create", "-p", "mtty", "-t", NONUTF8], 3, ["mtty\\xff\\xfe"])
    c("create -u truncated", ["create", "-p", "mtty", "-t", "mtty-1", "-u", U1[:35]], 2, ["invalid UUID"])
    c("create -u of an existing mdev", ["create", "-p", "mtty", "-t", "mtty-1", "-u", U1], 5, [U1, "exists"])
    c("create -u of an existing mdev, upper case", ["create", "-p", "mdpy", "-t", "mdpy-vga", "-u", U1.upper()], 5, [U1])
    c("create -p twice", ["create", "-p", "mtty", "-p", "mdpy", "-t", "mtty-1"], 2, ["-p given twice"])
    c("create -d (an option of bind)", ["create", "-p", "mtty", "-t", "mtty-1", "-d", "vfio-pci"], 2, ["-d is not for create"])
    # --- remove
    c("remove without a UUID", ["remove"], 2, ["needs a UUID"])
    c("remove a malformed UUID", ["remove", "0b0c1a7e-aaaa"], 2, ["'0b0c1a7e-aaaa'"])
    c("remove an unknown UUID", ["remove", U_NONE], 3, [U_NONE])
    c("remove a good UUID then a bad one (nothing removed)", ["remove", U1, "zz"], 2, ["'zz'"])
    c("remove a good UUID then an unknown one (nothing removed)", ["remove", U1, U_NONE], 3, [U_NONE])
    c("remove the same UUID twice", ["remove", U1, U1.upper()], 2, [U1 + " given twice"])
    c("remove the same UUID as argument and -u", ["remove", U1, "-u", U1], 2, [U1 + " given twice"])
    c("remove -u malformed", ["remove", "-u", "nope"], 2, ["'nope'"])
    c("remove -u twice", ["remove", "-u", U1, "-u", U1], 2, ["-u given twice"])
    c("remove -p (not an option of remove)", ["remove", "-p", "mtty", U1], 2, ["-p is not for remove"])
    c("remove a UUID with a newline", ["remove", U1 + "\n"], 2, ["\\x0a"])
    # --- bind
    c("bind without an address", ["bind"], 2, ["needs a PCI address"])
    c("bind --group without an address", ["bind", "--group"], 2, ["needs a PCI address"])
    c("bind a malformed address", ["bind", "00:99.0"], 2, ["'00:99.0'"])
    c("bind an address with a newline", ["bind", "00:02.0\nx"], 2, ["'00:02.0\\x0ax'"])
    c("bind an unknown address", ["bind", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    c("bind a good address then a bad one (nothing written)", ["bind", "00:03.0", "zz"], 2, ["'zz'"])
    c("bind -d ..", ["bind", "-d", "..", "00:03.0"], 2, ["invalid driver name '..'"])
    c("bind -d a/b", ["bind", "-d", "vfio/pci", "00:03.0"], 2, ["'vfio/pci'"])
    c("bind -d over NAME_MAX", ["bind", "-d", LONG, "00:03.0"], 2, ["invalid driver name"])
    c("bind -d empty", ["bind", "-d", "", "00:03.0"], 2, ["invalid driver name ''"])
    c("bind -d unknown", ["bind", "-d", "nosuchdriver", "00:03.0"], 3, ["'nosuchdriver'"])
    c("bind -d non-UTF-8", ["bind", "-d", NONUTF8, "00:03.0"], 3, ["mtty\\xff\\xfe"])
    c("bind -d twice", ["bind", "-d", "vfio-pci", "-d", "pci-stub", "00:03.0"], 2, ["-d given twice"])
    c("bind --no-probe (an option of unbind)", ["bind", "--no-probe", "00:03.0"], 2, ["--no-probe is not for bind"])
    c("bind a bridge (refused: exit 1)", ["bind", "0000:01:00.0"], 1, ["0000:01:00.0", "bridge"])
    c("bind -d auto a malformed address", ["bind", "-d", "auto", "00:99.0"], 2, ["'00:99.0'"])
    c("bind -d auto a bridge (refused: exit 1)", ["bind", "-d", "auto", "0000:01:00.0"], 1, ["0000:01:00.0", "bridge"])
    c("bind -d AUTO (driver names are case-sensitive)", ["bind", "-d", "AUTO", "00:03.0"], 3, ["'AUTO'"])
    c("bind -d auto then -d vfio-pci", ["bind", "-d", "auto", "-d", "vfio-pci", "00:03.0"], 2, ["-d given twice"])
    # --- unbind
    c("unbind without an address", ["unbind"], 2, ["needs a PCI address"])
    c("unbind a malformed address", ["unbind", "0000:00:02.0.0"], 2, ["'0000:00:02.0.0'"])
    c("unbind an unknown address", ["unbind", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    # --- a refusing pre callout: exit 1, the script and its exit code named, nothing changed
    REFUSE = {"BADINPUT_REFUSE": "1"}
    SCRIPT = "callout script /etc/mdevctl.d/scripts.d/callouts/refuse refused "
    c("define refused by a callout", ["define", "-p", "mtty", "-t", "mtty-2", "-u", U_NONE], 1,
      [SCRIPT + "define of " + U_NONE + " (exit 4)", "--force"], env=REFUSE)
    c("undefine refused by a callout", ["undefine", "-u", DEF_U], 1,
      [SCRIPT + "undefine of " + DEF_U + " (exit 4)"], env=REFUSE)
    c("modify refused by a callout", ["modify", "-u", DEF_U, "--auto"], 1,
      [SCRIPT + "modify of " + DEF_U + " (exit 4)"], env=REFUSE)
    c("start refused by a callout", ["start", "-u", DEF_U], 1,
      [SCRIPT + "start of " + DEF_U + " (exit 4)"], env=REFUSE)
    c("create refused by a callout", ["create", "-p", "mtty", "-t", "mtty-2", "-u", U_NONE], 1,
      [SCRIPT + "start of " + U_NONE + " (exit 4)"], env=REFUSE)
    c("create without -u refused by a callout", ["create", "-p", "mtty", "-t", "mtty-2"], 1,
      [SCRIPT + "start of an mdev on mtty/mtty-2 (exit 4)"], env=REFUSE)
    c("remove refused by a callout", ["remove", U1], 1, [SCRIPT + "stop of " + U1 + " (exit 4)"],
      env=REFUSE)
    c("stop refused by a callout", ["stop", "-u", U1], 1, [SCRIPT + "stop of " + U1 + " (exit 4)"],
      env=REFUSE)
    c("list --force (an option of the commands that run callouts)", ["list", "--force"], 2, ["--force is not for list"])
    c("remove --force=1 (a flag takes no value)", ["remove", "--force=1", U1], 2, ["--force"])
    c("autostart --force (autostart never forces, as mdevctl)", ["autostart", "--force", "mtty"], 2, ["--force is not for autostart"])
    c("unbind -d (an option of bind)", ["unbind", "-d", "vfio-pci", "00:02.0"], 2, ["-d is not for unbind"])
    # --- qemu-args --iommufd (the tree is 6.1's: vfio devices, no cdevs)
    c("qemu-args --iommufd without a device", ["qemu-args", "--iommufd"], 2, ["qemu-args needs"])
    c("qemu-args --iommufd a malformed device", ["qemu-args", "--iommufd", "foo"], 2, ["'foo'"])
    c("qemu-args --iommufd an unknown address", ["qemu-args", "--iommufd", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    c("qemu-args --iommufd an unknown UUID", ["qemu-args", "--iommufd", U_NONE], 3, [U_NONE])
    c("qemu-args --iommufd=yes (takes no value)", ["qemu-args", "--iommufd=yes", "0000:00:02.0"], 2, ["option --iommufd takes no value"])
    c("a global flag given a value", ["--json=1", "list"], 2, ["option --json takes no value"])
    c("list --defined=yes (a flag)", ["list", "--defined=yes"], 2, ["option --defined takes no value"])
    c("qemu-args --iommufd -d (an option of bind)", ["qemu-args", "--iommufd", "-d", "vfio-pci", "0000:00:02.0"], 2, ["-d is not for qemu-args"])
    c("devices --iommufd (an option of qemu-args)", ["devices", "--iommufd"], 2, ["--iommufd is not for devices"])
    c("qemu-args --iommufd of a device on a host driver", ["qemu-args", "--iommufd", "0000:00:03.0"], 1, ["host driver e1000e"])
    c("qemu-args --iommufd of a device without a cdev", ["qemu-args", "--iommufd", "0000:00:02.0"], 1, ["with --iommufd", "has no cdev"])
    c("qemu-args --iommufd of an mdev without a cdev", ["qemu-args", "--iommufd", U1], 1, ["with --iommufd", "has no cdev"])
    c("qemu-args --iommufd: a bad one after a good one prints nothing", ["qemu-args", "--iommufd", U1, "0000:00:1e.0"], 1, ["has no cdev"])
    # --- monitor
    c("monitor with a positional argument", ["monitor", "now"], 2, ["'now'"])
    c("monitor -p (takes no option)", ["monitor", "-p", "mtty"], 2, ["-p is not for monitor"])
    c("monitor with a control byte argument", ["monitor", "\x07"], 2, ["'\\x07'"])
    # --- sriov
    c("sriov a malformed address", ["sriov", "00:99.0"], 2, ["'00:99.0'"])
    c("sriov an unknown address", ["sriov", "0000:00:1e.0"], 3, ["no PCI device 0000:00:1e.0"])
    c("sriov a good PF then a bad address", ["sriov", PF, "zz", "00:03.0"], 2, ["'zz'"])
    c("sriov of a device that is no PF (exit 1)", ["sriov", "00:03.0"], 1, ["0000:00:03.0 is not an SR-IOV PF"])
    c("sriov NUM of a device that is no PF (exit 1)", ["sriov", "00:03.0", "1"], 1, ["not an SR-IOV PF"])
    c("sriov NUM of an unknown address", ["sriov", "0000:00:1e.0", "1"], 3, ["0000:00:1e.0"])
    c("sriov NUM over sriov_totalvfs", ["sriov", PF, "3"], 2, ["invalid VF count 3", "at most 2"])
    c("sriov NUM over 65535", ["sriov", PF, "65536"], 2, ["invalid VF count '65536'"])
    c("sriov NUM of many digits", ["sriov", PF, "0000000000001"], 2, ["invalid VF count '0000000000001'"])
    c("sriov NUM negative", ["sriov", PF, "-1"], 2, ["'-1'"])
    c("sriov NUM not a number", ["sriov", PF, "2x"], 2, ["'2x'"])
    c("sriov two counts", ["sriov", PF, "1", "2"], 2, ["one PF and one count", "'2'"])
    c("sriov a count first", ["sriov", "1", PF], 2, ["'1'"])
    c("sriov -d without a count", ["sriov", "-d", "vfio-pci", PF], 2, ["-d goes with a VF count"])
    c("sriov -d ..", ["sriov", PF, "1", "-d", ".."], 2, ["invalid driver name '..'"])
    c("sriov -d a/b", ["sriov", PF, "1", "-d", "vfio/pci"], 2, ["'vfio/pci'"])
    c("sriov -d empty", ["sriov", PF, "1", "-d", ""], 2, ["invalid driver name ''"])
    c("sriov -d unknown", ["sriov", PF, "1", "-d", "nosuchdriver"], 3, ["no driver 'nosuchdriver'"])
    c("sriov -d twice", ["sriov", PF, "1", "-d", "none", "-d", "probe"], 2, ["-d given twice"])
    c("sriov --group (an option of bind)", ["sriov", "--group", PF, "1"], 2, ["--group is not for sriov"])
    c("sriov -u (not an option of sriov)", ["sriov", "-u", U1], 2, ["-u is not for sriov"])
    # --- define (persistent mdevs: nothing under /etc may change either)
    c("define without options", ["define"], 2, ["define needs -p PARENT"])
    c("define without -t", ["define", "-p", "mtty"], 2, ["-t TYPE"])
    c("define -p ..", ["define", "-p", "..", "-t", "mtty-1"], 2, ["invalid parent name '..'"])
    c("define -p a/b", ["define", "-p", "mtty/../x", "-t", "mtty-1"], 2, ["invalid parent name 'mtty/../x'"])
    c("define -t ../x", ["define", "-p", "mtty", "-t", "../x"], 2, ["invalid type name '../x'"])
    c("define --attr without =", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "noequals"], 2,
      ["--attr 'noequals' is not NAME=VALUE"])
    c("define --attr a/b=1", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "a/b=1"], 2,
      ["invalid attribute name 'a/b'"])
    c("define --attr ..=1", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "..=1"], 2,
      ["invalid attribute name '..'"])
    c("define --attr .=1", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", ".=1"], 2,
      ["invalid attribute name '.'"])
    c("define --attr =1 (no name)", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "=1"], 2,
      ["invalid attribute name in --attr '=1'"])
    c("define --attr with a newline in the value", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "x=a\nb"], 2,
      ["not one line", "a\\x0ab"])
    c("define --attr value over a page", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", "x=" + "v" * 5000], 2,
      ["over 4094 bytes"])
    c("define --attr name over NAME_MAX", ["define", "-p", "mtty", "-t", "mtty-1", "--attr", LONG + "=1"], 2,
      ["invalid attribute name"])
    c("define --jsonfile with -t", ["define", "-p", "mtty", "--jsonfile", jfile, "-t", "mtty-1"], 2,
      ["--jsonfile gives the type", "not with -t"])
    c("define --jsonfile with --attr", ["define", "-p", "mtty", "--jsonfile", jfile, "--attr", "x=1"], 2,
      ["not with --attr"])
    c("define --jsonfile with --auto", ["define", "-p", "mtty", "--jsonfile", jfile, "--auto"], 2,
      ["not with --auto"])
    c("define --jsonfile missing", ["define", "-p", "mtty", "--jsonfile", copy + "/no-such.json"], 2,
      ["cannot read --jsonfile", "no-such.json", "No such file"])
    c("define --jsonfile not JSON", ["define", "-p", "mtty", "--jsonfile", afile], 2,
      ["--jsonfile", "not JSON at byte 0"])
    c("define --jsonfile with a bad start", ["define", "-p", "mtty", "--jsonfile", jbad], 2,
      ['"start" is neither "auto" nor "manual"'])
    c("define --jsonfile empty name", ["define", "-p", "mtty", "--jsonfile="], 2, ["--jsonfile needs a file name"])
    c("define --jsonfile twice", ["define", "-p", "mtty", "--jsonfile", jfile, "--jsonfile", jfile], 2,
      ["--jsonfile given twice"])
    c("define an existing UUID on the same parent", ["define", "-u", DEF_U, "-p", "mtty", "-t", "mtty-2"], 5,
      [DEF_U, "exists under mtty"])
    c("define the UUID of a malformed file on its parent", ["define", "-u", BAD_U, "-p", "mdpy", "-t", "mdpy-vga"], 5,
      [BAD_U, "exists under mdpy"])
    c("define -u UUID alone, not active", ["define", "-u", U_NONE], 3, ["no active mdev " + U_NONE, "-p PARENT"])
    c("define -u active mdev, defined already", ["define", "-u", U1], 5, [U1, "exists under mtty"])
    c("define a type the parent lacks", ["define", "-p", "mtty", "-t", "mtty-9"], 3, ["no mdev type 'mtty-9' on mtty"])
    c("define -u malformed", ["define", "-u", "0b0c1a7e", "-p", "mtty", "-t", "mtty-1"], 2, ["invalid UUID '0b0c1a7e'"])
    c("define with a positional argument", ["define", "-p", "mtty", "-t", "mtty-1", "extra"], 2, ["'extra'"])
    c("define -d (an option of bind)", ["define", "-p", "mtty", "-t", "mtty-1", "-d", "x"], 2, ["-d is not for define"])
    c("define --manual (an option of modify)", ["define", "-p", "mtty", "-t", "mtty-1", "--manual"], 2,
      ["--manual is not for define"])
    # --- undefine
    c("undefine without -u", ["undefine"], 2, ["undefine needs -u UUID"])
    c("undefine an unknown UUID", ["undefine", "-u", U_NONE], 3, ["no definition " + U_NONE])
    c("undefine under the wrong parent", ["undefine", "-u", DEF_U, "-p", "mdpy"], 3, [DEF_U, "under mdpy"])
    c("undefine a malformed file names it", ["undefine", "-u", BAD_U], 1,
      ["/etc/mdevctl.d/mdpy/" + BAD_U, "not JSON at byte"])
    c("undefine -p ..", ["undefine", "-u", DEF_U, "-p", ".."], 2, ["invalid parent name '..'"])
    c("undefine -t (not an option of undefine)", ["undefine", "-u", DEF_U, "-t", "mtty-1"], 2, ["-t is not for undefine"])
    # --- modify
    c("modify without -u", ["modify", "--auto"], 2, ["modify needs -u UUID"])
    c("modify without a change", ["modify", "-u", DEF_U], 2, ["modify needs a change"])
    c("modify --auto --manual", ["modify", "-u", DEF_U, "--auto", "--manual"], 2, ["--auto and --manual"])
    c("modify --jsonfile with -t", ["modify", "-u", DEF_U, "--jsonfile", jfile, "-t", "mtty-1"], 2, ["not with -t"])
    c("modify --jsonfile with --del-attr", ["modify", "-u", DEF_U, "--jsonfile", jfile, "--del-attr", "x"], 2,
      ["not with --del-attr"])
    c("modify --live with -t", ["modify", "-u", U1, "--live", "-t", "mtty-2"], 2, ["--live cannot change the type"])
    c("modify --live of an inactive definition", ["modify", "-u", DEF_U, "--live", "--attr", "x=1"], 3,
      [DEF_U, "not active on mtty/mtty-2"])
    c("modify an unknown UUID", ["modify", "-u", U_NONE, "--auto"], 3, ["no definition " + U_NONE])
    c("modify a UUID defined under two parents", ["modify", "-u", DUP_U, "--auto"], 2,
      ["several parents", "mbochs, mtty", "-p PARENT"])
    c("modify --del-attr of a missing name", ["modify", "-u", DEF_U, "--del-attr", "nosuch"], 3,
      ["has no attribute nosuch"])
    c("modify --del-attr of a missing entry", ["modify", "-u", DEF_U, "--del-attr", "assign_adapter=99"], 3,
      ["has no attribute entry assign_adapter=99"])
    c("modify --del-attr a/b", ["modify", "-u", DEF_U, "--del-attr", "a/b"], 2, ["invalid attribute name 'a/b'"])
    c("modify -t a type the parent lacks", ["modify", "-u", DEF_U, "-t", "mtty-9"], 3, ["no mdev type 'mtty-9'"])
    c("modify a malformed file names it", ["modify", "-u", BAD_U, "--auto"], 1,
      ["/etc/mdevctl.d/mdpy/" + BAD_U, "not JSON at byte"])
    c("modify --attr with a newline", ["modify", "-u", DEF_U, "--attr", "x=1\n2"], 2, ["not one line"])
    c("modify --jsonfile not JSON", ["modify", "-u", DEF_U, "--jsonfile", afile], 2, ["not JSON at byte 0"])
    # --- start, stop
    c("start without -u", ["start"], 2, ["start needs -u UUID"])
    c("start an unknown UUID", ["start", "-u", U_NONE], 3, ["no definition " + U_NONE])
    c("start a malformed definition names the file", ["start", "-u", BAD_U], 1,
      ["/etc/mdevctl.d/mdpy/" + BAD_U, "not JSON at byte"])
    c("start a UUID defined under two parents", ["start", "-u", DUP_U], 2, ["several parents"])
    c("start under a parent without it", ["start", "-u", DEF_U, "-p", "nosuch"], 3, ["no definition", "under nosuch"])
    c("start an active definition", ["start", "-u", U1], 5, [U1, "already active on mtty/mtty-1"])
    c("start with a positional argument", ["start", DEF_U], 2, ["start takes no argument"])
    c("start --auto (not an option of start)", ["start", "-u", DEF_U, "--auto"], 2, ["--auto is not for start"])
    c("stop without -u", ["stop"], 2, ["stop needs -u UUID"])
    c("stop an unknown UUID", ["stop", "-u", U_NONE], 3, ["no mdev " + U_NONE])
    c("stop -p (not an option of stop)", ["stop", "-u", U1, "-p", "mtty"], 2, ["-p is not for stop"])
    # --- autostart, list --defined
    c("autostart ..", ["autostart", ".."], 2, ["invalid parent name '..'"])
    c("autostart a/b", ["autostart", "mtty/x"], 2, ["invalid parent name 'mtty/x'"])
    c("autostart a parent twice", ["autostart", "mtty", "mtty"], 2, ["parent mtty given twice"])
    c("autostart -u (takes no option)", ["autostart", "-u", U1], 2, ["-u is not for autostart"])
    c("list --defined -u unknown", ["list", "--defined", "-u", U_NONE], 3, ["no definition " + U_NONE])
    c("list --defined -u of a malformed file names it", ["list", "--defined", "-u", BAD_U], 1,
      ["/etc/mdevctl.d/mdpy/" + BAD_U, "not JSON at byte 35"])
    c("list --defined -p ..", ["list", "--defined", "-p", ".."], 2, ["invalid parent name '..'"])
    return [x for x in C]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    vmdevctl, tarball = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="vmdev-badinput.") as tmp:
        copy = os.path.join(tmp, "root")
        os.mkdir(copy)
        with tarfile.open(tarball) as t:
            t.extractall(copy)
        afile = os.path.join(tmp, "a-file")
        with open(afile, "w") as f:
            f.write("not a directory\n")
        jfile = os.path.join(tmp, "def.json")
        with open(jfile, "w") as f:
            f.write('{"mdev_type": "mtty-1", "start": "manual"}')
        jbad = os.path.join(tmp, "bad-start.json")
        with open(jbad, "w") as f:
            f.write('{"mdev_type": "mtty-1", "start": "sometimes"}')
        for rel, content in DEFINITIONS.items():
            path = os.path.join(copy, "etc/mdevctl.d", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(content)
        # a callout that refuses every pre event when BADINPUT_REFUSE is
        # set (silent: the error line is vmdevctl's one line)
        script = os.path.join(copy, "etc/mdevctl.d/scripts.d/callouts/refuse")
        os.makedirs(os.path.dirname(script), exist_ok=True)
        with open(script, "w") as f:
            f.write('#!/bin/sh\ncase "$*" in *"-e pre "*) [ -n "$BADINPUT_REFUSE" ] && exit 4;; esac\n'
                    'exit 0\n')
        os.chmod(script, 0o755)
        before = tree_digest(copy)
        all_cases = cases(copy, afile, jfile, jbad)
        base_env = {k: v for k, v in os.environ.items()
                    if k not in ("VMDEV_ROOT", "VMDEV_TIMEOUT", "VMDEV_LOG")}
        for desc, args, code, needles, env, root, xfail in all_cases:
            argv = [vmdevctl] + (["--root", copy] if root else []) + args
            p = subprocess.run(WRAPPER + [os.fsencode(a) for a in argv],
                               capture_output=True, env={**base_env, **env})
            problems = []
            if p.returncode != code:
                problems.append(f"exit {p.returncode}, expected {code}")
            if p.stdout:
                problems.append(f"stdout not empty: {p.stdout[:120]!r}")
            err = p.stderr
            lines = err.split(b"\n")
            if not err.endswith(b"\n") or len(lines) != 2:
                problems.append(f"stderr is not one line: {err[:300]!r}")
            try:
                text = err.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"stderr is not UTF-8: {err[:300]!r}")
                text = err.decode("utf-8", "replace")
            if not text.startswith("vmdevctl: "):
                problems.append(f"stderr does not start with 'vmdevctl: ': {text[:200]!r}")
            for n in needles:
                if n not in text:
                    problems.append(f"stderr lacks {n[:80]!r}: {text[:300]!r}")
            now = tree_digest(copy)
            if now != before:
                problems.append("the tree under --root changed")
                before = now
            result(not problems, f"{' '.join(args)[:60]!r}: {desc}", "; ".join(problems), xfail)
        print(f"# {len(all_cases)} bad inputs")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
