#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The mdevctl personality against the real mdevctl: Debian's mdevctl
1.2.0 and vmdevctl run as `mdevctl` (and `lsmdev`, and `vmdevctl mdevctl`)
on copies of the same definitions and the same recorded sysfs tree, case by
case: stdout byte for byte, the exit code, and the whole /etc/mdevctl.d
afterwards (names, bytes, modes). Every argv libvirt 9.0 and 11 build, with
their stdin, is among the cases.

Three kinds of case:
  same    both must agree exactly (a generated UUID is compared by shape,
          and the new file by content);
  differ  a deliberate difference (vmdevctl(8), MDEVCTL PERSONALITY): the
          reason is printed and the difference asserted to be the
          documented one;
  new     1.3/1.4 command lines (1.2.0 rejects them with exit 2): vmdevctl
          must do what 1.4 does, checked on the files it leaves.

usage: unshare -m --propagation private run-mdevctl.py VMDEVCTL TREE.tar.gz
(mdevctl has no root option: in the private mount namespace the tree's sys
is bound over /sys and a work directory over /etc/mdevctl.d; before each
run the work directory is reset to the case's definitions.)
Without root or mdevctl it says so loudly and exits 77 (1 under CI=true).
start and stop need a kernel: tests/vm/guest/55-mdevctl.sh.
"""
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import finish, result  # noqa: E402

WRAPPER = shlex.split(os.environ.get("VMDEV_TEST_WRAPPER", ""))
ETC = "/etc/mdevctl.d"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$")

# the recorded tree's mdevs: UUID -> (parent, type)
M1, M2, M3, M4 = ("0b0c1a7e-000%d-4000-8000-00000000000%d" % (i, i) for i in range(1, 5))
# definitions only
D1 = "5ee1ab1e-0000-4000-8000-000000000001"
D2 = "5ee1ab1e-0000-4000-8000-000000000002"
D3 = "5ee1ab1e-0000-4000-8000-000000000003"
D4 = "5ee1ab1e-0000-4000-8000-000000000004"
NEW = "5ee1ab1e-0000-4000-8000-0000000000ff"
UNKNOWN = "deadbeef-0000-4000-8000-000000000000"


def pretty(mdev_type, start, attrs=()):
    """A definition file as mdevctl writes it (serde_json's pretty form)."""
    def s(x):
        return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if attrs:
        inner = ",\n".join("    {\n      %s: %s\n    }" % (s(k), s(v)) for k, v in attrs)
        a = "[\n" + inner + "\n  ]"
    else:
        a = "[]"
    return '{\n  "mdev_type": %s,\n  "start": %s,\n  "attrs": %s\n}' % (s(mdev_type), s(start), a)


BASIC = {
    f"mtty/{M1}": pretty("mtty-1", "auto"),
    f"mtty/{D1}": pretty("mtty-2", "manual", [("a", "1"), ("b", "2")]),
    f"mdpy/{M3}": pretty("mdpy-vga", "manual", [("x", "y z")]),
    f"mdpy/{D2}": pretty("mdpy-hd", "auto"),
    f"0000:00:02.0/{D3}": pretty("i915-GVTg_V5_4", "manual", [("k", 'v "q" \\ é')]),
    f"matrix/{D4}": pretty("vfio_ap-passthrough", "auto",
                           [("assign_adapter", "5"), ("assign_domain", "0xab"), ("assign_adapter", "6")]),
    f"mbochs/{D1}": pretty("mbochs-small", "manual"),
}
FIXTURES = {
    "empty": {},
    "basic": BASIC,
    # names that are not UUIDs are skipped by both
    "junk": dict(BASIC, **{"mtty/notes.txt": "not a definition", "mdpy/README": "{}"}),
    # a malformed definition (mdevctl 1.2.0 fails every listing that reads it)
    "malformed": dict(BASIC, **{f"mtty/{UNKNOWN}": '{"mdev_type": "mtty-1", '}),
    # the compact form libvirt writes through mdevctl, attrs left out
    # a running mdev defined with another type
    "mismatch": {f"mtty/{M2}": pretty("mtty-1", "auto")},
    "compact": {f"mtty/{D1}": '{"mdev_type":"mtty-2","start":"auto"}',
                f"mtty/{M2}": '{"mdev_type":"mtty-2","start":"manual","attrs":null}'},
}

# ---- the tools ---------------------------------------------------------


class Run:
    def __init__(self, rc, out, files):
        self.rc, self.out, self.files = rc, out, files

    def __repr__(self):
        return f"rc={self.rc} out={self.out!r} files={self.files}"


def snapshot(work):
    """{relative path: (mode, bytes or None for a directory)} of the work
    directory, scripts.d aside (both tools leave it alone)."""
    snap = {}
    for d, dirs, files in os.walk(work):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(d, name)
            rel = os.path.relpath(p, work)
            if rel.startswith("scripts.d"):
                continue
            st = os.lstat(p)
            data = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    data = f.read()
            snap[rel] = (oct(st.st_mode), data)
    return snap


def reset(work, fixture):
    for name in os.listdir(work):
        if name != "scripts.d":
            p = os.path.join(work, name)
            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    for rel, content in FIXTURES[fixture].items():
        p = os.path.join(work, rel)
        os.makedirs(os.path.dirname(p), mode=0o755, exist_ok=True)
        with open(p, "w") as f:
            f.write(content)
        os.chmod(p, 0o644)


def run_tool(cmd, work, fixture, stdin, env=None):
    reset(work, fixture)
    e = {k: v for k, v in os.environ.items() if not k.startswith(("VMDEV_", "MDEVCTL_"))}
    e.update(env or {})
    p = subprocess.run(cmd, capture_output=True, input=stdin.encode() if stdin else None, env=e)
    return Run(p.returncode, p.stdout, snapshot(work)), p.stderr.decode(errors="replace")


class Suite:
    def __init__(self, mdevctl, bindir, work, vmdevctl):
        self.mdevctl, self.bindir, self.work, self.vmdevctl = mdevctl, bindir, work, vmdevctl
        self.counts = {"same": 0, "differ": 0, "new": 0}

    def theirs(self, args, fixture, stdin, lsmdev=False):
        exe = os.path.join(self.bindir, "real", "lsmdev" if lsmdev else "mdevctl")
        return run_tool([exe, *args], self.work, fixture, stdin)

    def ours(self, args, fixture, stdin, via="link", env=None):
        if via == "lsmdev":
            cmd = [os.path.join(self.bindir, "lsmdev"), *args]
        elif via == "sub":
            cmd = [self.vmdevctl, "mdevctl", *args]
        else:
            cmd = [os.path.join(self.bindir, "mdevctl"), *args]
        return run_tool(WRAPPER + cmd, self.work, fixture, stdin, env)

    def case(self, args, fixture="basic", stdin=None, via="link", desc=None, generated=False):
        """Both tools must agree exactly."""
        self.counts["same"] += 1
        m, merr = self.theirs(args, fixture, stdin, lsmdev=via == "lsmdev")
        v, verr = self.ours(args, fixture, stdin, via)
        name = desc or f"{'lsmdev' if via == 'lsmdev' else 'mdevctl'} {' '.join(args)} [{fixture}]"
        if via == "sub":
            name = "vmdevctl " + name
        if generated:
            ok = (m.rc == v.rc == 0 and UUID_RE.match(m.out.decode()) and UUID_RE.match(v.out.decode())
                  and normalize(m) == normalize(v))
        else:
            ok = m.rc == v.rc and m.out == v.out and m.files == v.files
        result(ok, name, explain(m, merr, v, verr))

    def differ(self, args, reason, check, fixture="basic", stdin=None):
        """A deliberate difference: CHECK(mdevctl's run, ours) says it is
        the documented one."""
        self.counts["differ"] += 1
        m, merr = self.theirs(args, fixture, stdin)
        v, verr = self.ours(args, fixture, stdin)
        print(f"# deliberate difference: mdevctl {' '.join(args)} [{fixture}]: {reason}")
        ok = check(m, v)
        result(ok, f"differs as documented: mdevctl {' '.join(args)} [{fixture}] ({reason})",
               explain(m, merr, v, verr))

    def new(self, args, what, check, fixture="basic", stdin=None, env=None):
        """A 1.3/1.4 command line: 1.2.0 refuses it as usage; ours does
        what 1.4 does."""
        self.counts["new"] += 1
        m, _ = self.theirs(args, fixture, stdin)
        v, verr = self.ours(args, fixture, stdin, env=env)
        ok = check(v) and (m.rc == 2 or env is not None)
        result(ok, f"1.4's mdevctl {' '.join(args)} [{fixture}]: {what}",
               f"\n  mdevctl 1.2.0: rc={m.rc}\n  vmdevctl: rc={v.rc} {v.out!r} {verr.strip()!r}")


def explain(m, merr, v, verr):
    """how two runs differ, short"""
    files = {k: (m.files.get(k), v.files.get(k)) for k in set(m.files) | set(v.files)
             if m.files.get(k) != v.files.get(k)}
    return (f"\n  rc {m.rc} / {v.rc}\n  stdout {m.out!r}\n      / {v.out!r}\n  files differ: {files}"
            f"\n  stderr {merr.strip()!r}\n      / {verr.strip()!r}")


def normalize(r):
    """A run that defined a generated UUID: that UUID replaced by NEW."""
    u = r.out.decode().strip()
    return {k.replace(u, "NEW"): v for k, v in r.files.items()}


# ---- the cases -----------------------------------------------------------

def list_cases(s):
    filters = [[], ["-u", M1], ["-u", D1], ["-u", UNKNOWN], ["-p", "mtty"], ["-p", "nosuch"],
               ["-p", "mtty", "-u", M1], ["-p", "mdpy", "-u", M1], ["-p", "mbochs", "-u", D1],
               ["-p", "matrix"]]
    for fixture in ("basic", "empty"):
        for defined in ([], ["-d"]):
            for fmt in ([], ["--dumpjson"], ["-v"]):
                for filt in filters:
                    if fixture == "empty" and filt not in ([], ["-u", M1], ["-p", "mtty"]):
                        continue
                    s.case(["list", *defined, *fmt, *filt], fixture)
    for fixture in ("junk", "compact"):
        for args in (["list"], ["list", "-d"], ["list", "-d", "--dumpjson"], ["list", "--dumpjson"],
                     ["list", "-d", "-v"]):
            s.case(args, fixture)
    # both option forms, short forms, clusters, the uuid crate's forms
    for args in (["list", "--defined", "--verbose"], ["list", "-dv"], ["list", "-vd", "--dumpjson"],
                 ["list", f"--uuid={M1}"], ["list", f"-u{M1}"], ["list", f"-u={M1}"],
                 ["list", "--defined", f"--uuid={D1}", "--parent=mtty", "--dumpjson"],
                 ["list", "-d", "--parent", "mdpy", "--verbose"], ["list", "-dpmdpy"],
                 ["list", "-d", "-p=mdpy"], ["list", "-d", "--parent="],
                 ["list", "-u", M1.upper()], ["list", "-u", M1.replace("-", "")],
                 ["list", "-u", "urn:uuid:" + M1], ["list", "-d", "-u", D1.upper(), "--dumpjson"],
                 ["list", "--dumpjson", "-v"], ["list", "-d", "--dumpjson", "-v", "-u", D4]):
        s.case(args)
    # lsmdev is list, and vmdevctl mdevctl is mdevctl
    for args in ([], ["-d"], ["--dumpjson"], ["-d", "-v", "-p", "mtty"], ["-u", M3, "--dumpjson"],
                 ["--bogus"], ["extra"]):
        s.case(args, via="lsmdev")
    for args in (["list"], ["list", "-d", "--dumpjson"], ["types", "-p", "mtty"]):
        s.case(args, via="sub")


def types_cases(s, fixture):
    for args in (["types"], ["types", "--dumpjson"], ["types", "-p", "mtty"],
                 ["types", "--parent=mdpy", "--dumpjson"], ["types", "-pmbochs"],
                 ["types", "-p", "nosuch"], ["types", "-p", "nosuch", "--dumpjson"],
                 ["types", "--parent", "0000:00:02.0"]):
        s.case(args, fixture)


def define_cases(s):
    for args in (["define", "-u", NEW, "-p", "mtty", "-t", "mtty-2"],
                 ["define", "--uuid", NEW, "--parent", "mtty", "--type", "mtty-1", "--auto"],
                 ["define", f"--uuid={NEW}", "--parent=mdpy", "--type=mdpy-hd", "-a"],
                 ["define", "-u", NEW, "-p", "0000:00:02.0", "-t", "i915-GVTg_V5_4"],
                 ["define", "-u", NEW.upper(), "-p", "mtty", "-t", "mtty-2"],
                 ["define", "-u", NEW, "-p", "mtty", "-t", "no-such-type"],
                 ["define", "-u", NEW, "-p", "nosuch", "-t", "x"],
                 ["define", "-u", D1, "-p", "mtty", "-t", "mtty-2"],        # exists
                 ["define", "-u", D1, "-p", "mdpy", "-t", "mdpy-vga"],      # another parent
                 ["define", "-u", M2],                                       # from the running mdev
                 ["define", "-u", M2, "--auto"],
                 ["define", "-u", M2, "-p", "mdpy"],                          # its type, another parent
                 ["define", "-u", M2, "-p", "mtty", "-t", "mtty-1"],
                 ["define", "-u", M2, "-t", "mtty-1"],                       # type without parent
                 ["define", "-u", M1],                                        # running and defined
                 ["define", "-u", UNKNOWN],                                   # not running
                 ["define", "-p", "mtty"],                                    # no type
                 ["define", "-u", UNKNOWN, "-t", "mtty-1"],
                 ["define"], ["define", "-t", "mtty-1"], ["define", "-u", "bad", "-p", "mtty"],
                 ["define", "-p", "mtty", "-t", "mtty-1", "--jsonfile", "/dev/null"],
                 ["define", "-p", "mtty", "-a", "--jsonfile", "/dev/null"],
                 ["define", "-u", NEW, "-p", "mtty", "-t", "mtty-1", "-t", "mtty-2"],
                 ["define", "-u", NEW, "-p", "mtty", "-t", "mtty-1", "extra"],
                 ["define", "-u", NEW, "-p", "mtty", "-t"],
                 ["define", "-u", NEW, "--jsonfile", "/dev/stdin"]):          # no parent
        s.case(args, "basic", stdin='{"mdev_type":"mtty-2","start":"manual"}'
               if "/dev/stdin" in args else None)
    for fixture in ("empty", "basic"):
        s.case(["define", "-u", NEW, "-p", "mtty", "-t", "mtty-2"], fixture)
        s.case(["define", "-p", "mtty", "-t", "mtty-1"], fixture, generated=True,
               desc=f"mdevctl define -p mtty -t mtty-1 (a generated UUID) [{fixture}]")
    # --jsonfile: a file, stdin, attributes, odd but valid JSON
    for stdin in ('{"mdev_type":"mtty-2","start":"manual"}',
                  '{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"1"},{"b":"x \\"y\\" \\\\ é"}]}',
                  '{"mdev_type":"mtty-2","start":"auto","attrs":[]}',
                  '{"mdev_type":"mtty-2","start":"manual","attrs":null}',
                  '{"start":"manual","mdev_type":"mtty-1","extra":{"k":[1,2]}}',
                  '  {"mdev_type": "mtty-2", "start": "auto"}\n\n',
                  '{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"tab\\there\\u0001"}]}'):
        s.case(["define", "-u", NEW, "-p", "mtty", "--jsonfile", "/dev/stdin"], stdin=stdin,
               desc=f"mdevctl define --jsonfile /dev/stdin <<< {stdin.strip()}")
    for stdin in ('{"mdev_type":"mtty-2"}', '{"start":"auto"}', "not json", "",
                  '{"mdev_type":"mtty-2","start":"auto","attrs":{"a":"1"}}',
                  '{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"1","b":"2"}]}',
                  '{"mdev_type":"mtty-2","start":"auto","attrs":["a"]}'):
        s.case(["define", "-u", NEW, "-p", "mtty", "--jsonfile", "/dev/stdin"], stdin=stdin,
               desc=f"mdevctl define --jsonfile with bad JSON: {stdin!r}")
    s.case(["define", "-u", D1, "-p", "mtty", "--jsonfile", "/dev/stdin"],
           stdin='{"mdev_type":"mtty-2","start":"auto"}', desc="define --jsonfile over an existing one")
    s.case(["define", "-u", NEW, "-p", "mtty", "--jsonfile", "/nonexistent/file"])


def undefine_cases(s):
    for args in (["undefine", "-u", D2], ["undefine", "--uuid", D1], ["undefine", "-u", D1, "-p", "mbochs"],
                 ["undefine", f"--uuid={D1}", "--parent=mtty"], ["undefine", "-u", M1],
                 ["undefine", "-u", UNKNOWN], ["undefine", "-u", D2, "-p", "mtty"],
                 ["undefine", "-u", D3, "-p", "0000:00:02.0"], ["undefine"], ["undefine", "-p", "mtty"],
                 ["undefine", "-u", "nope"], ["undefine", "-u", D2, "-u", D1],
                 ["undefine", "-u", D2.replace("-", "")]):
        s.case(args)
    s.case(["undefine", "-u", D1], "empty")
    s.case(["undefine", "-u", M2], "compact")


def modify_cases(s):
    for args in (["modify", "-u", D2, "--manual"], ["modify", "-u", M1, "-m"],
                 ["modify", "-u", D3, "--auto"], ["modify", "-u", D3, "-a"],
                 ["modify", "-u", D2, "-t", "mdpy-xga"], ["modify", "-u", D2, "--type=mdpy-vga", "-m"],
                 ["modify", "-u", D4, "--addattr", "assign_control_domain", "--value", "0x1"],
                 ["modify", "-u", D4, "--addattr=assign_domain", "--value=0x2", "--index=0"],
                 ["modify", "-u", D4, "--addattr", "x", "--value", "y", "-i", "3"],
                 ["modify", "-u", D4, "--addattr", "x", "--value", "y", "-i", "4"],   # past the end
                 ["modify", "-u", D4, "--addattr", "x", "--value", "y", "--index", "+1"],
                 ["modify", "-u", D4, "--delattr"], ["modify", "-u", D4, "--delattr", "--index", "0"],
                 ["modify", "-u", D4, "--delattr", "-i", "2"], ["modify", "-u", D4, "--delattr", "-i", "9"],
                 ["modify", "-u", M1, "--delattr"],                                  # none to delete
                 ["modify", "-u", D4, "--addattr", "q", "--value", 'a "quoted" \\ value é'],
                 ["modify", "-u", D4, "--addattr", "name.with.dots", "--value", ""],
                 ["modify", "-u", D4, "--auto", "--addattr", "k", "--value", "v"],
                 ["modify", "-u", D2, "-t", "other", "--manual", "--delattr"],
                 ["modify", "-u", D1, "--manual"],                                    # two parents
                 ["modify", "-u", D1, "-p", "mtty", "--auto"], ["modify", "-u", D1, "-p", "mbochs", "-a"],
                 ["modify", "-u", D1, "-p", "mdpy", "-a"], ["modify", "-u", UNKNOWN, "-a"],
                 ["modify", "-u", M2, "-a"],                                           # running, not defined
                 ["modify", "-u", D2],                                                 # no change
                 ["modify", "-u", D2, "--value", "x"],
                 ["modify", "-u", D2, "--addattr", "x"], ["modify", "-u", D2, "--addattr", "x", "--value", "y", "--delattr"],
                 ["modify", "-u", D2, "--auto", "--manual"], ["modify", "-a"], ["modify", "-u", D2, "-i", "-1", "--delattr"],
                 ["modify", "-u", D2, "-i", "4294967296", "--delattr"], ["modify", "-u", D2, "--bogus"],
                 ["modify", "-u", D2, "--auto=yes"], ["modify", "-u", D2, "--addattr", "a", "--value", "-1"]):
        s.case(args)
    s.case(["modify", "-u", D1, "-a"], "compact")
    s.case(["modify", "-u", M2, "--addattr", "a", "--value", "1"], "compact")


def usage_cases(s):
    for args in ([], ["bogus"], ["list", "extra"], ["list", "--bogus"], ["list", "-x"], ["list", "-d", "-d"],
                 ["list", "--dumpjson", "--dumpjson"], ["list", "--dumpjson=1"], ["list", "--parent"],
                 ["list", "-p"], ["list", "-p", "-d"], ["list", "--uuid="], ["list", "-u", "bad"],
                 ["list", "-u", "{" + M1 + "}"], ["list", "-u", "{" + M1.replace("-", "") + "}"],
                 ["list", "-u", M1 + "0"], ["list", "--", "-d"],
                 ["list", "--de"], ["list", "-u", M1, "--uuid", M1], ["types", "-d"], ["types", "extra"],
                 ["types", "-p"], ["stop"], ["stop", "-u", "bad"], ["start"], ["start", "-t", "mtty-1"],
                 ["start", "-p", "mtty", "-t", "mtty-1", "--jsonfile", "x"], ["start-parent-mdevs"],
                 ["start-parent-mdevs", "a", "b"], ["help", "nosuch"], ["LIST"]):
        s.case(args)


def libvirt_cases(s):
    j = '{"mdev_type":"mtty-2","start":"manual"}'
    ja = '{"mdev_type":"mtty-2","start":"manual","attrs":[{"a":"1"}]}'
    # libvirt 9.0 (Debian 12)
    s.case(["define", "--parent=mtty", "--jsonfile=/dev/stdin", f"--uuid={NEW}"], stdin=j,
           desc="libvirt 9.0: mdevctl define --parent=mtty --jsonfile=/dev/stdin --uuid=U")
    s.case(["define", "--parent=mtty", "--jsonfile=/dev/stdin", f"--uuid={NEW}"], stdin=ja,
           desc="libvirt 9.0: mdevctl define --parent=P --jsonfile=/dev/stdin --uuid=U (attrs)")
    s.case(["define", "--parent=mtty", "--jsonfile=/dev/stdin"], stdin=j, generated=True,
           desc="libvirt 9.0: mdevctl define --parent=mtty --jsonfile=/dev/stdin (a generated UUID)")
    s.case(["undefine", f"--uuid={D1}"], desc="libvirt 9.0: mdevctl undefine --uuid=U (two parents)")
    s.case(["undefine", f"--uuid={D2}"], desc="libvirt 9.0: mdevctl undefine --uuid=U")
    s.case(["modify", "--uuid", D2, "--manual"], desc="libvirt 9.0: mdevctl modify --uuid U --manual")
    s.case(["modify", "--uuid", D3, "--auto"], desc="libvirt 9.0: mdevctl modify --uuid U --auto")
    for fixture in ("basic", "empty", "compact"):
        s.case(["list", "--dumpjson", "--defined"], fixture,
               desc=f"libvirt 9.0: mdevctl list --dumpjson --defined [{fixture}]")
    # libvirt 10/11
    for fixture in ("basic", "empty", "compact"):
        s.case(["list", "--dumpjson"], fixture, desc=f"libvirt 11: mdevctl list --dumpjson [{fixture}]")
    def file_is(rel, text):
        return lambda v: v.rc == 0 and v.files.get(rel, (0, None))[1] == text.encode() \
            and v.files[rel][0] == oct(0o100644)
    s.new(["modify", "--defined", "--live", "--jsonfile", "b", "--help"],
          "libvirt 11's probe exits 0", lambda v: v.rc == 0 and b"modify" in v.out)
    s.new(["modify", "--parent=mdpy", "--jsonfile=/dev/stdin", f"--uuid={D2}"],
          "libvirt 11's update replaces type, start and attributes",
          file_is(f"mdpy/{D2}", pretty("mdpy-xga", "auto", [("a", "1")])),
          stdin='{"mdev_type":"mdpy-xga","start":"auto","attrs":[{"a":"1"}]}')
    s.new(["modify", "--parent=mdpy", "--jsonfile=/dev/stdin", f"--uuid={D2}", "--defined"],
          "libvirt 11's update with --defined (the stored definition only)",
          file_is(f"mdpy/{D2}", pretty("mdpy-hd", "manual")),
          stdin='{"mdev_type":"mdpy-hd","start":"manual"}')
    s.new(["modify", "--parent=mdpy", "--jsonfile=/dev/stdin", f"--uuid={M3}", "--defined", "--live"],
          "libvirt 11's live update of a running defined mdev without attributes stores it",
          file_is(f"mdpy/{M3}", pretty("mdpy-vga", "auto")),
          stdin='{"mdev_type":"mdpy-vga","start":"auto"}')
    s.new(["modify", "--parent=mdpy", "--jsonfile=/dev/stdin", f"--uuid={M3}", "--defined", "--live"],
          "a live update cannot change the type: exit 1, nothing changed",
          lambda v: v.rc == 1 and v.files[f"mdpy/{M3}"][1] == BASIC[f"mdpy/{M3}"].encode(),
          stdin='{"mdev_type":"mdpy-hd","start":"auto"}')
    s.new(["modify", "--parent=mdpy", "--jsonfile=/dev/stdin", f"--uuid={D2}", "--live"],
          "a live update of a device that does not run: exit 1, nothing changed",
          lambda v: v.rc == 1 and v.files[f"mdpy/{D2}"][1] == BASIC[f"mdpy/{D2}"].encode(),
          stdin='{"mdev_type":"mdpy-hd","start":"auto"}')
    s.new(["modify", "--jsonfile=/dev/stdin", f"--uuid={D2}"],
          "modify --jsonfile needs --parent: exit 1", lambda v: v.rc == 1,
          stdin='{"mdev_type":"mdpy-hd","start":"auto"}')
    s.new(["modify", f"--uuid={D2}", "--live", "--auto"], "--live needs --jsonfile: exit 2",
          lambda v: v.rc == 2)
    s.new(["modify", f"--uuid={D2}", "-p", "mdpy", "--jsonfile", "/dev/stdin", "-a"],
          "--jsonfile with --auto: exit 2", lambda v: v.rc == 2, stdin="{}")
    s.new(["modify", f"--uuid={D2}", "-l", "-t", "x", "--jsonfile", "/dev/null"],
          "--live with --type: exit 2", lambda v: v.rc == 2)
    for args in (["define", "-f", "-u", NEW, "-p", "mtty", "-t", "mtty-2"],
                 ["modify", "--force", "-u", D2, "-m"], ["undefine", "-f", "-u", D2]):
        s.new(args, "-f/--force is taken", lambda v: v.rc == 0)
    s.new(["list", "-d", "-p", "mtty"], "MDEVCTL_ENV_ROOT names the root as VMDEV_ROOT does",
          lambda v: v.rc == 0 and v.out == f"{NEW} mtty mtty-2 manual\n\n".encode(),
          env={"MDEVCTL_ENV_ROOT": s.root})


def differ_cases(s):
    def lists_the_rest(args):
        def check(m, v):
            ref, _ = s.theirs(args, "basic", None)
            return m.rc == 1 and m.out == b"" and v.rc == 0 and v.out == ref.out
        return check
    reason = "a malformed definition does not hide the others (1.2.0: exit 1, nothing listed)"
    for args in (["list", "-d"], ["list", "-d", "--dumpjson"], ["list", "--dumpjson", "--defined", "-p", "mtty"],
                 ["list", "-d", "-v", "-p", "mtty"]):
        s.differ(args, reason, lists_the_rest(args), "malformed")
    s.differ(["modify", "-u", D4, "--delattr", "--index", "3"],
             "--delattr --index one past the last is an error, as in 1.4 (1.2.0 panics, exit 101)",
             lambda m, v: m.rc == 101 and v.rc == 1 and v.files == m.files)
    s.differ(["define", "-u", NEW, "-p", "a/b", "-t", "mtty-1"],
             "a parent name with '/' is refused (1.2.0 makes nested directories)",
             lambda m, v: m.rc == 0 and v.rc == 2 and "a/b/" + NEW in m.files and "a" not in v.files)
    s.differ(["modify", "-u", D4, "--addattr", "x", "--value", "two\nlines"],
             "an attribute value with a line break is refused (vmdevctl(8): a value is one line)",
             lambda m, v: m.rc == 0 and v.rc == 2
             and v.files[f"matrix/{D4}"][1] == BASIC[f"matrix/{D4}"].encode())
    s.differ(["define", "-u", NEW, "-p", "mtty", "--jsonfile", "/dev/stdin"],
             "a \"start\" other than auto or manual is malformed (1.2.0 takes it as manual)",
             lambda m, v: m.rc == 0 and v.rc == 1 and f"mtty/{NEW}" not in v.files,
             stdin='{"mdev_type":"mtty-1","start":"sometimes"}')
    for args in (["list"], ["list", "--dumpjson"]):
        s.differ(args, "a running mdev shows the type it runs with, as 1.4 does (1.2.0 shows its "
                 "definition's type)",
                 lambda m, v: m.rc == v.rc == 0 and m.out != v.out
                 and v.out == m.out.replace(f'"{M2}": {{\n          "mdev_type": "mtty-1"'.encode(),
                                            f'"{M2}": {{\n          "mdev_type": "mtty-2"'.encode())
                 .replace(f"{M2} mtty mtty-1".encode(), f"{M2} mtty mtty-2".encode()), "mismatch")
    s.differ(["--version"], "the version names vmdevctl",
             lambda m, v: m.rc == v.rc == 0 and m.out == b"mdevctl 1.2.0\n" and b"vmdevctl" in v.out)
    s.differ(["list", "--help"], "help is vmdevctl's own text (the same exit code)",
             lambda m, v: m.rc == v.rc == 0 and b"--dumpjson" in v.out and b"--defined" in v.out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vmdevctl, tree = os.path.abspath(sys.argv[1]), sys.argv[2]
    real = shutil.which("mdevctl", path="/usr/bin:/usr/sbin:/bin:/sbin")
    if os.geteuid() != 0 or not real or os.path.realpath(real) == os.path.realpath(vmdevctl):
        print("PEER TIER SKIPPED: needs root and Debian's mdevctl (apt-get install -y mdevctl)")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)
    with tempfile.TemporaryDirectory(prefix="vmdev-mdevctl-") as tmp:
        root = os.path.join(tmp, "root")
        with tarfile.open(tree) as t:
            t.extractall(root)
        # a second sys: the same tree with names and descriptions as some
        # drivers give them (padded, several lines)
        deco = os.path.join(tmp, "decorated")
        shutil.copytree(root, deco, symlinks=True)
        types = os.path.join(deco, "sys/class/mdev_bus/mdpy/mdev_supported_types")
        types = os.path.realpath(types)
        with open(os.path.join(types, "mdpy-vga/description"), "w") as f:
            f.write("  virtual display\nvga: 640x480\n\n")
        with open(os.path.join(types, "mdpy-hd/name"), "w") as f:
            f.write(" padded name \n")
        bindir = os.path.join(tmp, "bin")
        os.makedirs(os.path.join(bindir, "real"))
        for name in ("mdevctl", "lsmdev"):
            os.symlink(vmdevctl, os.path.join(bindir, name))
            os.symlink(real, os.path.join(bindir, "real", name))
        work = os.path.join(tmp, "etc-mdevctl.d")
        for d in ("scripts.d/callouts", "scripts.d/notifiers"):
            os.makedirs(os.path.join(work, d))
        FIXTURES["decorated-tree"] = {}
        subprocess.run(["mount", "--bind", work, ETC], check=True)
        subprocess.run(["mount", "--bind", os.path.join(root, "sys"), "/sys"], check=True)
        s = Suite(real, bindir, work, vmdevctl)
        # a root of its own for MDEVCTL_ENV_ROOT, with one definition
        s.root = root
        os.makedirs(os.path.join(root, "etc/mdevctl.d/mtty"))
        with open(os.path.join(root, "etc/mdevctl.d/mtty", NEW), "w") as f:
            f.write(pretty("mtty-2", "manual"))
        try:
            for group in (list_cases, define_cases, undefine_cases, modify_cases, usage_cases,
                          libvirt_cases, differ_cases):
                group(s)
            types_cases(s, "empty")
            # types on the decorated tree
            subprocess.run(["umount", "/sys"], check=True)
            subprocess.run(["mount", "--bind", os.path.join(deco, "sys"), "/sys"], check=True)
            types_cases(s, "decorated-tree")
        finally:
            subprocess.run(["umount", "/sys"])
            subprocess.run(["umount", ETC])
    print(f"# cases: {s.counts['same']} the same, {s.counts['differ']} deliberately different, "
          f"{s.counts['new']} 1.3/1.4 command lines")
    sys.exit(finish())


if __name__ == "__main__":
    main()
