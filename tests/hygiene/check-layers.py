#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The library's layers call only downwards.

Usage: check-layers.py LIBDIR INTERNAL_STATIC_LIB

Each file of lib/ belongs to one layer (LAYERS below, the same order as
lib/meson.build). A file may include the headers, and call the functions,
of its own layer and those below, never above; within a layer the calls
between files must not go round in a circle. Calls are read from the
compiled objects (nm), so a call hidden behind a macro counts too. A file
in lib/ that no layer names is an error: a new file must take its place.
"""
import os
import re
import subprocess
import sys

LAYERS = [
    ("parse", ["parse.c", "parse-mdev-pci.c", "definition-json.c", "parse.h", "util.h",
               "definition-json.h"]),
    ("context", ["context.c", "context.h", "kmod-lazy.c"]),
    ("sysfs", ["sysfs.c", "sysfs.h"]),
    ("model", ["pci.c", "hwdb.c", "mdev.c", "mdev-pci.c", "group.c", "holders.c", "vfio-device.c",
               "driver.c", "variant.c", "host-use.c", "definition.c", "model.h", "definition.h",
               "sriov.c"]),
    ("policy", ["refusal.c", "new-id.c", "warnings.c", "policy.h"]),
    ("action", ["write.c", "wait.c", "lock.c", "create.c", "bind.c", "group-bind.c",
                "definition-write.c", "sriov-set.c", "callout.c",
                "action.h"]),
    ("life cycle", ["libvmdev.c"]),
    ("events", ["monitor.c"]),
]
LEVEL = {f: i for i, (_, files) in enumerate(LAYERS) for f in files}

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("not ok - " + msg)


def ok(msg):
    print("ok - " + msg)


def check_files(libdir):
    present = {f for f in os.listdir(libdir) if f.endswith((".c", ".h"))}
    missing = sorted(present - set(LEVEL))
    if missing:
        fail("every file of lib/ has a layer: not " + ", ".join(missing))
    else:
        ok("every file of lib/ has a layer (%d files)" % len(present))
    gone = sorted(set(LEVEL) - present)
    if gone:
        fail("the layer table names files that are gone: " + ", ".join(gone))


def check_includes(libdir):
    bad = []
    for f in sorted(LEVEL):
        path = os.path.join(libdir, f)
        if not os.path.exists(path):
            continue
        for h in re.findall(r'^#include "([^"]+)"', open(path).read(), re.M):
            if h == "libvmdev.h":
                continue
            if h not in LEVEL:
                bad.append("%s includes %s, which has no layer" % (f, h))
            elif LEVEL[h] > LEVEL[f]:
                bad.append("%s (%s) includes %s (%s)" % (f, LAYERS[LEVEL[f]][0], h,
                                                        LAYERS[LEVEL[h]][0]))
    if bad:
        for b in bad:
            fail("include upwards: " + b)
    else:
        ok("no file includes a header of a layer above its own")


def symbols(archive):
    """{object: (defined, undefined)} from nm over the static library."""
    out = subprocess.run(["nm", "-A", archive], capture_output=True, text=True,
                         check=True).stdout
    objs = {}
    for line in out.splitlines():
        m = re.match(r"[^:]*:([^:]+\.c)\.o:\s*(?:[0-9a-f]+)?\s+([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        src, kind, sym = m.groups()
        d, u = objs.setdefault(os.path.basename(src), (set(), set()))
        (u if kind == "U" else d if kind in "TDBR" else set()).add(sym)
    return objs


def check_calls(archive):
    objs = symbols(archive)
    owner = {s: o for o, (d, _) in objs.items() for s in d}
    edges = {}
    bad = []
    for o, (_, undefined) in sorted(objs.items()):
        if o not in LEVEL:
            fail("object %s has no layer" % o)
            continue
        for s in sorted(undefined):
            t = owner.get(s)
            if not t or t == o:
                continue
            if LEVEL[t] > LEVEL[o]:
                bad.append("%s (%s) calls %s of %s (%s)" % (o, LAYERS[LEVEL[o]][0], s, t,
                                                           LAYERS[LEVEL[t]][0]))
            elif LEVEL[t] == LEVEL[o]:
                edges.setdefault(o, set()).add(t)
    if bad:
        for b in bad:
            fail("call upwards: " + b)
    else:
        ok("no file calls a function of a layer above its own (%d objects)" % len(objs))
    # circles within a layer: depth-first search for a back edge
    state, stack, circles = {}, [], []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                circles.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    if circles:
        for c in circles:
            fail("calls go round in a circle: " + " -> ".join(c))
    else:
        ok("no circle of calls between the files of one layer")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    libdir, archive = sys.argv[1:]
    check_files(libdir)
    check_includes(libdir)
    check_calls(archive)
    print("# %d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
