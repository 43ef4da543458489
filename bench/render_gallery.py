#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: the gallery case. Five 1920x1080 stills of 1.6 s joined by four transitions
# of different types (fade, wipe, iris, flip; 0.8 s each), 8 s at 30 fps, with a filter
# over the last two. Compared with encoding the same frames alone (the reference, measured
# in the same run), as render_promo.py does.
#
#   python3 bench/render_gallery.py [--cli build/tools/jsontimeline] [--keep DIR]
import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from render_promo import (FPS, H, TICKS, W, asset, encode_only, geometry, launch,  # noqa: E402
                          timed)

STILLS = 5
EACH = 1.6  # seconds
TRANSITIONS = [("fade", None), ("wipe", "from-top-left"), ("iris", None), ("flip", "from-left")]


def make_stills(d):
    for i, pattern in enumerate(("smpte", "ball", "pinwheel", "colors", "spokes")):
        launch("videotestsrc", f"pattern={pattern}", "num-buffers=1", "!",
               f"video/x-raw,width={W},height={H}", "!", "pngenc", "!", "filesink",
               f"location={d}/still{i}.png")


def gallery():
    dur = int(EACH * TICKS)
    items, ids = {}, []
    for i in range(STILLS):
        item = {"id": f"s{i}", "type": "image", "assetId": f"still{i}", "keepAspectRatio": True,
                "borderRadius": {"value": 0, "keyframes": []}, "startTicks": i * dur,
                "durationTicks": dur}
        item.update(geometry(0, 0, W, H))
        items[item["id"]] = item
        ids.append(item["id"])
    look = {"id": "look", "type": "filter", "filterType": "sunset-orange", "intensity": 0.8,
            "startTicks": 3 * dur, "durationTicks": 2 * dur, "isDraggingInTimeline": False}
    items["look"] = look
    transitions = {}
    for i, (kind, direction) in enumerate(TRANSITIONS):
        tr = {"id": f"tr{i}", "trackId": "stills", "fromClipId": f"s{i}",
              "toClipId": f"s{i + 1}", "type": kind, "durationTicks": int(0.8 * TICKS),
              "easing": "ease-in-out"}
        if direction:
            tr["params"] = {"direction": direction}
        transitions[tr["id"]] = tr
    return {"compositionWidth": W, "compositionHeight": H, "timebaseTicksPerSecond": TICKS,
            "tracks": [{"id": "looks", "items": ["look"], "hidden": False, "muted": False},
                       {"id": "stills", "items": ids, "hidden": False, "muted": False}],
            "items": items,
            "assets": {f"still{i}": asset(f"still{i}", "image", f"still{i}.png", width=W,
                                          height=H) for i in range(STILLS)},
            "transitions": transitions,
            "globalBackground": {"type": "color", "color": "#000000", "gradient": None}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/tools/jsontimeline")
    ap.add_argument("--keep")
    args = ap.parse_args()
    d = args.keep or tempfile.mkdtemp(prefix="jtl-bench-")
    os.makedirs(d, exist_ok=True)
    make_stills(d)
    with open(os.path.join(d, "gallery.json"), "w") as f:
        json.dump(gallery(), f)
    out = os.path.join(d, "gallery.mp4")
    wall, cpu, rss = timed([args.cli, "render", "-q", os.path.join(d, "gallery.json"), "-o",
                            out])
    enc_wall, enc_cpu, _ = encode_only(out, d)
    seconds = STILLS * EACH
    print(f"gallery             {STILLS} stills, {len(TRANSITIONS)} transitions "
          f"({', '.join(t for t, _ in TRANSITIONS)}), a filter; {seconds:g} s, {W}x{H}, "
          f"{FPS} fps")
    print(f"render wall         {wall:.2f} s ({seconds / wall:.2f}x realtime)")
    print(f"render CPU          {cpu:.2f} s")
    print(f"peak RSS            {rss / 1024:.0f} MiB")
    print(f"encode-only wall    {enc_wall:.2f} s (reference, CPU {enc_cpu:.2f} s)")
    print(f"encode-only ratio   {wall / enc_wall:.2f}")
    print("per-frame cost of each transition and filter: build/bench/bench-effects")
    if not args.keep:
        shutil.rmtree(d)


if __name__ == "__main__":
    sys.exit(main())
