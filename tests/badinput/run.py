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
LONG = "x" * 256                                  # NAME_MAX + 1
LONGER = "y" * 5000
NEWLINE = "mt\nty"
ESC = "\x1b[31mred"
NONUTF8 = os.fsdecode(b"mtty\xff\xfe")            # bytes that are not UTF-8
BAD_UTF8_LEAD = os.fsdecode(b"\xc3(")

# (description, argv after "vmdevctl --root COPY", exit code, substrings of the
#  error line; extra environment). ROOT=None: the case gives --root itself.
def cases(copy, afile):
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
    # --- unbind
    c("unbind without an address", ["unbind"], 2, ["needs a PCI address"])
    c("unbind a malformed address", ["unbind", "0000:00:02.0.0"], 2, ["'0000:00:02.0.0'"])
    c("unbind an unknown address", ["unbind", "0000:00:1e.0"], 3, ["0000:00:1e.0"])
    c("remove --force (an option of bind and unbind)", ["remove", "--force", "0b0c1a7e-0001-4000-8000-000000000001"], 2, ["--force is not for remove"])
    c("unbind -d (an option of bind)", ["unbind", "-d", "vfio-pci", "00:02.0"], 2, ["-d is not for unbind"])
    # --- monitor
    c("monitor with a positional argument", ["monitor", "now"], 2, ["'now'"])
    c("monitor -p (takes no option)", ["monitor", "-p", "mtty"], 2, ["-p is not for monitor"])
    c("monitor with a control byte argument", ["monitor", "\x07"], 2, ["'\\x07'"])
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
        before = tree_digest(copy)
        all_cases = cases(copy, afile)
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
