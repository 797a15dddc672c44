#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Callouts and notifiers against the real mdevctl: the same recording
scripts in /etc/mdevctl.d/scripts.d, the same define, modify and undefine
operations through Debian's mdevctl 1.2.0 and through vmdevctl's native
commands; each script must have been run with the same arguments and the
same bytes on stdin, in the same order, and a refusing pre callout must
stop both tools alike.

vmdevctl also runs the capabilities probe of mdevctl 1.3+ ("-e get -a
capabilities"), which 1.2.0 does not know: those runs are checked on
their own and left out of the comparison. 1.2.0 tries callouts in
directory order, 1.4 and vmdevctl in name order: each script records to
a log of its own, so that only the order within one script counts.

usage: unshare -m --propagation private run-callouts.py VMDEVCTL TREE.tar.gz
(as run-definitions.py: the tree's sys is bound over /sys, its
etc/mdevctl.d over /etc/mdevctl.d). Exits 77 without root or mdevctl.
"""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import finish, result  # noqa: E402
from cli import run  # noqa: E402

U = ["0b0c1a7e-5000-4000-8000-%012x" % i for i in range(1, 20)]
ACTIVE = "0b0c1a7e-0003-4000-8000-000000000003"  # mdpy/mdpy-vga in the tree

# Records "-t T -e E -a A -s S -u U -p P" and stdin (exactly: a sentinel
# keeps trailing newlines) to $REC_DIR/NAME.log; answers by the
# environment: REFUSE=ACTION makes "pre" of ACTION exit 3, ATTRS is what
# "get attributes" prints. A script named *notmine* answers 2 to everything.
RECORDER = r"""#!/bin/sh
name=$(basename "$0")
input=$(cat; echo x)
input=${input%x}
printf '%s\n%s\n--\n' "$*" "$input" >> "$REC_DIR/$name.log"
[ "${name#*notmine}" != "$name" ] && exit 2
case "$*" in
*"-e pre -a $REFUSE "*) exit 3 ;;
*"-e get -a attributes "*) printf '%s' "$ATTRS" ;;
esac
exit 0
"""


def mdevctl(*args, stdin=None):
    p = subprocess.run(["mdevctl", *args], capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


def records(rec_dir):
    """{script: [(argv, stdin), ...]} of everything recorded, then cleared."""
    out = {}
    for name in sorted(os.listdir(rec_dir)):
        with open(os.path.join(rec_dir, name), encoding="utf-8", errors="surrogateescape") as f:
            chunks = f.read().split("\n--\n")
        entries = []
        for chunk in chunks:
            if not chunk:
                continue
            argv, _, stdin = chunk.partition("\n")
            entries.append((argv, stdin))
        out[name[:-4]] = entries
        os.unlink(os.path.join(rec_dir, name))
    return out


def without_probe(recs):
    return {k: [e for e in v if " -e get -a capabilities " not in e[0] + " "]
            for k, v in recs.items()}


def probes(recs):
    return {k: [e for e in v if " -e get -a capabilities " in e[0] + " "]
            for k, v in recs.items()}


PROVIDES = ('{"provides":{"version":2,"actions":["start","stop","define","undefine","modify",'
            '"attributes","capabilities"],"events":["pre","post","notify","get","live"]}}')

# (what, mdevctl's argv, vmdevctl's argv, environment, stdin for both,
#  expected exit codes (mdevctl, vmdevctl) or None: equal)
CASES = [
    ("define -p -t", ["define", "-u", U[0], "-p", "mtty", "-t", "mtty-2"],
     ["define", "-u", U[0], "-p", "mtty", "-t", "mtty-2"], {}, None, None),
    ("define --auto under a parent that is not there",
     ["define", "-u", U[1], "-p", "matrix", "-t", "vfio_ap-passthrough", "--auto"],
     ["define", "-u", U[1], "-p", "matrix", "-t", "vfio_ap-passthrough", "--auto"], {}, None, None),
    ("define --jsonfile with attributes (libvirt's way)",
     ["define", "-u", U[2], "-p", "mtty", "--jsonfile", "/dev/stdin"],
     ["define", "-u", U[2], "-p", "mtty", "--jsonfile", "-"], {},
     '{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"},{"q":"x \\" \\\\ é"}]}', None),
    ("modify --auto", ["modify", "-u", U[0], "--auto"], ["modify", "-u", U[0], "--auto"], {},
     None, None),
    ("modify: an attribute added",
     ["modify", "-u", U[2], "--addattr", "assign_adapter", "--value", "5"],
     ["modify", "-u", U[2], "--attr", "assign_adapter=5"], {}, None, None),
    ("undefine", ["undefine", "-u", U[1]], ["undefine", "-u", U[1]], {}, None, None),
    ("define refused by the pre callout",
     ["define", "-u", U[3], "-p", "mtty", "-t", "mtty-1"],
     ["define", "-u", U[3], "-p", "mtty", "-t", "mtty-1"], {"REFUSE": "define"}, None, (1, 1)),
    ("modify refused by the pre callout", ["modify", "-u", U[0], "--manual"],
     ["modify", "-u", U[0], "--manual"], {"REFUSE": "modify"}, None, (1, 1)),
    # 1.2.0 ignores a refused undefine (exit 0, the file stays); 1.4 and
    # vmdevctl fail (exit 1): the scripts see the same either way
    ("undefine refused by the pre callout", ["undefine", "-u", U[2]], ["undefine", "-u", U[2]],
     {"REFUSE": "undefine"}, None, (0, 1)),
    ("define -u of an active mdev: get attributes first",
     ["define", "-u", ACTIVE], ["define", "-u", ACTIVE],
     {"ATTRS": '[{"x":"1"},{"y":"two"}]'}, None, None),
]


def definitions(etc):
    """{relative path: bytes} of every definition file."""
    out = {}
    for parent in sorted(os.listdir(etc)):
        d = os.path.join(etc, parent)
        if parent == "scripts.d" or not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                out[parent + "/" + name] = f.read()
    return out


def clear_definitions(etc):
    for parent in os.listdir(etc):
        if parent != "scripts.d":
            shutil.rmtree(os.path.join(etc, parent))


def not_mine_first(callouts):
    """A callout answering 2 that sorts before 50-rec by name and that
    1.2.0's directory order (a file system's hash order) also reaches
    first: both tools must then go on to 50-rec. Its name."""
    names = ["%02d-notmine" % i for i in range(50)]
    for name in names:
        path = os.path.join(callouts, name)
        with open(path, "w") as f:
            f.write(RECORDER)
        os.chmod(path, 0o755)
    order = os.listdir(callouts)
    chosen = next(n for n in order if n in names and order.index(n) < order.index("50-rec"))
    for name in names:
        if name != chosen:
            os.unlink(os.path.join(callouts, name))
    order = os.listdir(callouts)
    result(order.index(chosen) < order.index("50-rec"),
           f"{chosen} (exit 2) comes before 50-rec in name and in directory order", order)
    return chosen


def check(vmdevctl, root, etc, rec_dir):
    scripts = os.path.join(etc, "scripts.d")
    for d, name in (("callouts", "50-rec"), ("notifiers", "n-rec"), ("notifiers", "m-rec")):
        path = os.path.join(scripts, d, name)
        with open(path, "w") as f:
            f.write(RECORDER)
        os.chmod(path, 0o755)
    notmine = not_mine_first(os.path.join(scripts, "callouts"))
    # a file that is not executable is passed over by both
    with open(os.path.join(scripts, "callouts", "30-not-executable"), "w") as f:
        f.write("#!/bin/sh\nexit 1\n")

    base = dict(os.environ)
    seen = {}
    for tool in ("mdevctl", "vmdevctl"):
        clear_definitions(etc)
        seen[tool] = []
        for what, margs, vargs, env, stdin, codes in CASES:
            os.environ.clear()
            os.environ.update(base, REC_DIR=rec_dir, REFUSE=env.get("REFUSE", "none"),
                              ATTRS=env.get("ATTRS", ""))
            if tool == "mdevctl":
                rc, out, err = mdevctl(*margs, stdin=stdin)
            else:
                p = subprocess.run([vmdevctl, "--root", root, *vargs], capture_output=True,
                                   text=True, input=stdin)
                rc, out, err = p.returncode, p.stdout, p.stderr
            seen[tool].append((rc, err, records(rec_dir), definitions(etc)))
        os.environ.clear()
        os.environ.update(base)

    result(all(r[2].get(notmine) for r in seen["mdevctl"] + seen["vmdevctl"]),
           f"both tools try {notmine} (exit 2: not mine) and go on, every time")
    for i, (what, margs, vargs, env, stdin, codes) in enumerate(CASES):
        (mrc, merr, mrec, mdefs), (vrc, verr, vrec, vdefs) = seen["mdevctl"][i], seen["vmdevctl"][i]
        want = codes or (mrc, mrc)
        result(mrc == want[0] and vrc == want[1],
               f"{what}: exit codes mdevctl {mrc}, vmdevctl {vrc} (expected {want})",
               f"mdevctl: {merr.strip()} vmdevctl: {verr.strip()}")
        a, b = without_probe(mrec), without_probe(vrec)
        result(a == b and any(b.values()),
               f"{what}: every callout and notifier ran with the same arguments and stdin",
               f"\n  mdevctl:  {a}\n  vmdevctl: {b}")
        result(mdefs == vdefs, f"{what}: the same definition files afterwards",
               f"mdevctl={mdefs} vmdevctl={vdefs}")
        p = probes(vrec)
        result(not any(probes(mrec).values()) and p.get("50-rec")
               and all(e[1] == PROVIDES and " -s none " in e[0] for e in p["50-rec"])
               and not any(p.get(n) for n in ("n-rec", "m-rec")),
               f"{what}: vmdevctl probed the callouts for capabilities (1.3+), as 1.4 words it",
               p)
        if codes and codes[1] == 1:
            result("callout script /etc/mdevctl.d/scripts.d/callouts/50-rec refused" in verr
                   and "(exit 3)" in verr, f"{what}: vmdevctl names the script and its exit code",
                   verr)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vmdevctl, tree = sys.argv[1:]
    if os.geteuid() != 0 or not shutil.which("mdevctl"):
        print("PEER TIER SKIPPED: needs root and Debian's mdevctl")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)
    with tempfile.TemporaryDirectory(prefix="vmdev-peer-callouts-") as root:
        with tarfile.open(tree) as t:
            t.extractall(root)
        etc = os.path.join(root, "etc/mdevctl.d")
        for d in ("scripts.d/callouts", "scripts.d/notifiers"):
            os.makedirs(os.path.join(etc, d), exist_ok=True)
        rec_dir = os.path.join(root, "records")
        os.makedirs(rec_dir)
        subprocess.run(["mount", "--bind", etc, "/etc/mdevctl.d"], check=True)
        subprocess.run(["mount", "--bind", os.path.join(root, "sys"), "/sys"], check=True)
        try:
            check(vmdevctl, root, etc, rec_dir)
        finally:
            subprocess.run(["umount", "/sys"])
            subprocess.run(["umount", "/etc/mdevctl.d"])
    sys.exit(finish())


if __name__ == "__main__":
    main()
