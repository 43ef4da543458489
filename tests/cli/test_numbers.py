#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Number options of every subcommand: NaN, infinities, negatives and values past the
# documented range are refused with exit 2 and a message naming the option.
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from clitest import check, expect, finish, run  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jtl-numbers-")
DOC = os.path.join(TMP, "doc.json")
with open(DOC, "w") as f:
    json.dump({"compositionWidth": 64, "compositionHeight": 64, "timebaseTicksPerSecond": 240000,
               "tracks": [{"id": "t", "items": ["s"], "hidden": False, "muted": False}],
               "assets": {}, "transitions": {},
               "items": {"s": {"id": "s", "type": "solid", "color": "#ff0000",
                               "shape": "rectangle", "startTicks": 0, "durationTicks": 24000,
                               "top": {"value": 0, "keyframes": []},
                               "left": {"value": 0, "keyframes": []},
                               "width": {"value": 32, "keyframes": []},
                               "height": {"value": 32, "keyframes": []},
                               "isDraggingInTimeline": False, "keepAspectRatio": False,
                               **{k: {"value": v, "keyframes": []} for k, v in
                                  (("scaleX", 1), ("scaleY", 1), ("opacity", 1),
                                   ("borderRadius", 0), ("rotation", 0))}}},
               "globalBackground": {"type": "color", "color": "#000000", "gradient": None}}, f)
OUT = os.path.join(TMP, "out.mp4")

# (subcommand, leading arguments, option, bad values); every run must stop at the options,
# before any document is read or server started
BAD = "nan", "inf", "-inf", "-5"
CASES = [
    ("render", [DOC, "-o", OUT], "--scale", BAD + ("100", "0.5")),
    ("render", [DOC, "-o", OUT], "--width", ("100000", "-1")),
    ("render", [DOC, "-o", OUT], "--height", ("100000", "-1")),
    ("render", [DOC, "-o", OUT], "--start", BAD + ("90000",)),
    ("render", [DOC, "-o", OUT], "--end", BAD + ("90000",)),
    ("render", [DOC, "-o", OUT.replace(".mp4", ".png")], "--frame-at", BAD),
    ("render", [DOC, "-o", OUT], "--fetch-timeout", BAD + ("1e9",)),
    ("render", [DOC, "-o", OUT], "--quality", ("52", "-1")),
    ("render", [DOC, "-o", OUT.replace(".mp4", ".gif")], "--gif-max-width", ("-1", "100000")),
    ("preview", [DOC], "--scale", BAD + ("9",)),
    ("preview", [DOC], "--start", BAD),
    ("preview", [DOC], "--width", ("100000",)),
    ("stream", [DOC, "-o", "rtmp://127.0.0.1:1/app/key"], "--fetch-timeout", BAD),
    ("stream", [DOC, "-o", "rtmp://127.0.0.1:1/app/key"], "--bitrate", ("99", "-1")),
    ("stream", [DOC, "-o", "rtmp://127.0.0.1:1/app/key"], "--max-reconnects", ("-2",)),
    ("probe", [DOC], "--timeout", BAD + ("0",)),
    ("serve", ["--listen", "127.0.0.1:0", "--queue-only", "--data-dir", TMP],
     "--render-timeout-base", BAD),
    ("serve", ["--listen", "127.0.0.1:0", "--queue-only", "--data-dir", TMP], "--retention",
     BAD),
    ("serve", ["--listen", "127.0.0.1:0", "--queue-only", "--data-dir", TMP], "--render-memory",
     ("-1",)),
]


def refused(cmd, lead, option, value):
    def test():
        code, _, err = run(cmd, *lead, f"{option}={value}", timeout=30)
        expect(code == 2, f"exit {code}, want 2: {err!r}")
        expect(option in err, f"{option} not named: {err!r}")
        expect("CRITICAL" not in err and "WARNING" not in err, f"GLib complained: {err!r}")
    return test


for cmd, lead, option, values in CASES:
    for v in values:
        check(f"{cmd} {option}={v} refused", refused(cmd, lead, option, v))


def test_in_range_accepted():
    code, _, err = run("render", "-q", DOC, "-o", OUT, "--scale", "0.6", "--width", "64",
                       "--start", "0", "--fetch-timeout", "5", timeout=60)
    expect(code == 0, f"exit {code}: {err}")
    expect(os.path.getsize(OUT) > 0, "no output")


check("numbers in range are accepted", test_in_range_accepted)
finish()
