#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The plugin links the elements and lib/core, lib/dialects/indream, lib/assets and lib/draw
# only: never the service (SQLite) nor lib/output (FFmpeg, giflib). Checked three ways: its
# NEEDED entries, its link line in build.ninja (the linker's --as-needed would hide a
# library the plugin is linked with but does not call yet), and its symbol table.
# usage: test_plugin_links.py PLUGIN.so BUILD_DIR
import os
import re
import subprocess
import sys

plugin, build_dir = sys.argv[1], sys.argv[2]
# what the service and the output layer bring; libsoup is needed (lib/assets fetches)
FORBIDDEN = ["libsqlite3", "libpq", "libavformat", "libavcodec", "libavutil", "libgif"]
FORBIDDEN_ARCHIVES = ["libjtl-service.a", "libjtl-output.a", "libjsontimeline.a"]

dynamic = subprocess.run(["readelf", "-d", plugin], capture_output=True, text=True,
                         timeout=60, check=True).stdout
needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)

ninja = os.path.join(build_dir, "build.ninja")
link_args = ""
rel = os.path.relpath(plugin, build_dir)
with open(ninja, encoding="utf-8") as f:
    lines = f.read().split("\n")
for i, line in enumerate(lines):
    if line.startswith("build " + rel + ":"):
        for follow in lines[i + 1:]:
            if not follow.startswith(" "):
                break
            if follow.strip().startswith("LINK_ARGS ="):
                link_args = follow
        break

symbols = subprocess.run(["readelf", "-Ws", "--wide", plugin], capture_output=True, text=True,
                         timeout=60, check=True).stdout
# service and output entry points (mangled C++ names contain the plain ones)
service_symbols = sorted(set(re.findall(r"\S*(?:sqlite3_\w+|render_file|run_server|stream_live)\S*",
                                        symbols)))

checks = [
    ("readelf lists the plugin's NEEDED entries", any("libgstreamer-1.0" in n for n in needed)),
    ("NEEDED has no service or output library",
     not [n for n in needed if any(n.startswith(f) for f in FORBIDDEN)]),
    ("build.ninja has the plugin's link line", "-shared" in link_args),
    ("the link line has no service or output library",
     not [f for f in FORBIDDEN if f in link_args]),
    ("the link line has no service, output or whole-lib archive",
     not [a for a in FORBIDDEN_ARCHIVES if a in link_args]),
    ("no service or output code in the plugin", not service_symbols),
]
failed = 0
for name, ok in checks:
    print(("ok - " if ok else "FAIL - ") + name)
    failed += not ok
if failed:
    print("NEEDED:", " ".join(needed))
    print(link_args)
    print("symbols:", " ".join(service_symbols[:20]))
print(f"{len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
