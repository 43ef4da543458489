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
# the runnable examples in pipelines/, headless
here = os.path.dirname(os.path.abspath(__file__))
pipelines = os.path.join(here, "..", "..", "pipelines")
env = dict(os.environ, SINK="fakesink", VSINK="fakesink", ASINK="fakesink", NUM_BUFFERS="10")
for script in ("textoverlay-kf.sh", "jsontimelinesrc-preview.sh", "transitionmixer.sh",
               "captionrender-srt.sh"):
    r = subprocess.run(["sh", os.path.join(pipelines, script)], capture_output=True,
                       text=True, timeout=120, env=env)
    checks.append((f"pipelines/{script} runs", r.returncode == 0))
    if r.returncode:
        print(r.stdout, r.stderr)
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
