#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: peak and final RSS of `jsontimeline render` against the number of sequential
# video clips (issue 14, point 16: memory must not grow with every clip played).
#
#   python3 bench/memory_clips.py [--cli build/tools/jsontimeline] [--size 1920x1080]
#                                 [--seconds 6] [--counts 2,10,20] [--keep DIR]
#
# The clip: SECONDS of videotestsrc (a moving ball) with a tone, H.264 + AAC in MP4, made
# here at SIZE. Each document plays COUNT copies of it one after another on one track, at
# SIZE, 30 fps, to MP4. Prints per count: peak RSS (the kernel's maxrss of the render, as
# /usr/bin/time shows it), the RSS sampled every 0.2 s at the end of the render (what was
# not given back), wall and CPU time, and the growth per extra clip between the first and
# the last count. Not run in CI: at 1080p one count takes minutes on a small machine.
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "render"))
from test_memory_flat import clips_document, make_clip  # noqa: E402


def measure(cli, doc_path, out_path):
    """(peak MB, last sampled MB, wall s, cpu s) of one render."""
    p = subprocess.Popen([cli, "render", "-q", doc_path, "-o", out_path],
                         stderr=subprocess.PIPE)
    last = [0]

    def sample():
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            last[0] = int(line.split()[1]) // 1024
            except OSError:
                break
            time.sleep(0.2)

    t = threading.Thread(target=sample)
    t0 = time.monotonic()
    t.start()
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    t.join()
    if p.returncode != 0:
        sys.exit(f"render failed ({p.returncode}): {err}")
    return usage.ru_maxrss // 1024, last[0], wall, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description="peak RSS of renders against the number of clips")
    ap.add_argument("--cli", default="build/tools/jsontimeline")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--counts", default="2,10,20")
    ap.add_argument("--keep", help="keep the inputs and outputs in this directory")
    a = ap.parse_args()
    w, h = (int(x) for x in a.size.split("x"))
    counts = [int(c) for c in a.counts.split(",")]
    d = a.keep or tempfile.mkdtemp(prefix="jtl-memory-")
    os.makedirs(d, exist_ok=True)
    clip = os.path.join(d, "clip.mp4")
    make_clip(clip, w, h, a.seconds)
    print(f"{len(counts)} renders of {a.seconds:g} s {w}x{h} clips played one after another")
    print(f"{'clips':>6} {'peak MB':>8} {'end MB':>7} {'wall s':>7} {'cpu s':>7}")
    rows = []
    for n in counts:
        doc = os.path.join(d, f"clips-{n}.json")
        with open(doc, "w") as f:
            json.dump(clips_document(n, w, h, a.seconds), f)
        peak, end, wall, cpu = measure(a.cli, doc, os.path.join(d, f"clips-{n}.mp4"))
        rows.append((n, peak))
        print(f"{n:>6} {peak:>8} {end:>7} {wall:>7.1f} {cpu:>7.1f}", flush=True)
    if len(rows) > 1 and rows[-1][0] != rows[0][0]:
        per = (rows[-1][1] - rows[0][1]) / (rows[-1][0] - rows[0][0])
        print(f"peak growth per extra clip: {per:.1f} MB")
    if not a.keep:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
