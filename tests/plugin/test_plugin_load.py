#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The plugin loads from the build tree: gst-inspect-1.0 finds libgstjsontimeline.so.
import os
import subprocess
import sys

p = subprocess.run(["gst-inspect-1.0", "jsontimeline"], capture_output=True, text=True, timeout=120)
checks = [
    ("gst-inspect-1.0 exits 0", p.returncode == 0),
    ("the plugin is named jsontimeline", "Name                     jsontimeline" in p.stdout),
    ("loaded from the build tree", os.path.join(os.environ["GST_PLUGIN_PATH_1_0"],
                                                "libgstjsontimeline.so") in p.stdout),
    ("licence LGPL", "License                  LGPL" in p.stdout),
]
# the runnable examples in pipelines/ are run by tests/render/test_pipelines.py
inspect = subprocess.run(["gst-inspect-1.0", "textoverlay-kf"], capture_output=True,
                         text=True, timeout=120)
checks.append(("textoverlay-kf properties are controllable",
               "controllable" in inspect.stdout and "rotation" in inspect.stdout))
failed = 0
for name, ok in checks:
    print(("ok - " if ok else "FAIL - ") + name)
    failed += not ok
if failed:
    print(p.stdout, p.stderr)
print(f"{len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
