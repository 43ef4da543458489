#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Transitions on every track: for 1 to 7 tracks, every transition type on every track index
# draws its incoming clip (the compositor once stacked a track's two clips in the order their
# pads happened to get, which hid the incoming clip of a fade, wipe, clock-wipe or iris on
# the upper tracks of a document of three tracks or more).
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import test_render  # noqa: E402
from test_render import BLUE, RED, decode_frames, near, solid  # noqa: E402
from clitest import check, expect, finish  # noqa: E402

W, H = 96, 54
SECOND = 240000
SLOT = 18  # frames per case: red [0, 9), blue [9, 18), the window [3, 15)
TYPES = (("fade", None), ("wipe", "from-left"), ("clock-wipe", None), ("iris", None),
         ("slide", "from-left"), ("flip", "from-left"))


def pixel(frame, x, y):
    return test_render.pixel(frame, x, y, W)


def cases(n):
    """Every (track index, type) of a document of n tracks, one after the other."""
    return [(ti, kind, direction) for ti in range(n) for kind, direction in TYPES]


def document(n):
    """n tracks; case i: on its track a red clip for SLOT / 2 frames, then a blue one,
    joined by a transition of 12 frames; the other tracks are empty meanwhile."""
    tracks = [[] for _ in range(n)]
    transitions = {}
    tick = SECOND // 30
    for i, (ti, kind, direction) in enumerate(cases(n)):
        t = i * SLOT * tick
        a, b = f"a{i}", f"b{i}"
        tracks[ti] += [solid(a, "#ff0000", t, SLOT // 2 * tick, 0, 0, W, H),
                       solid(b, "#0000ff", t + SLOT // 2 * tick, SLOT // 2 * tick, 0, 0, W, H)]
        tr = {"id": f"tr{i}", "trackId": f"t{ti}", "fromClipId": a, "toClipId": b,
              "type": kind, "durationTicks": 12 * tick, "easing": "linear"}
        if direction:
            tr["params"] = {"direction": direction}
        transitions[tr["id"]] = tr
    doc = test_render.document(tracks)
    doc.update({"compositionWidth": W, "compositionHeight": H, "transitions": transitions})
    return doc


# the colours expected in a case's frames: frame within the slot -> [(x, y, colour)];
# frames 6, 9 and 12 are progress 0.25, 0.5 and 0.75 (multiples of 3: no cut falls on a
# frame 1 ns after its time)
MIX = (128, 0, 128)
EXPECT = {
    "fade": {6: [(48, 27, (191, 0, 64))], 9: [(48, 27, MIX)], 12: [(48, 27, (64, 0, 191))]},
    # the front at a quarter, a half, three quarters of the width
    "wipe": {6: [(12, 27, BLUE), (36, 27, RED)], 9: [(36, 27, BLUE), (60, 27, RED)],
             12: [(60, 27, BLUE), (84, 27, RED)]},
    # half a turn clockwise from 12 o'clock: the right half is B, the left half A
    "clock-wipe": {9: [(72, 13, BLUE), (72, 40, BLUE), (24, 13, RED), (24, 40, RED)]},
    # the circle's radius half the centre-to-corner distance (27.5 px)
    "iris": {9: [(48, 27, BLUE), (30, 27, BLUE), (4, 4, RED), (92, 50, RED)]},
    # B's right edge at x = 48, A pushed on to the right
    "slide": {9: [(24, 27, BLUE), (72, 27, RED)]},
    # A turned 45 degrees, then B turning in
    "flip": {6: [(48, 27, RED)], 12: [(48, 27, BLUE)]},
}


def wrong_cases(n):
    """The cases of a document of n tracks whose frames are not as expected, described."""
    code, out, err = test_render.render(document(n), f"tracks-{n}")
    expect(code == 0, err)
    frames = decode_frames(out, W, H)
    todo = cases(n)
    expect(len(frames) == len(todo) * SLOT, f"{n} tracks: {len(frames)} frames")
    bad = {}
    for i, (ti, kind, _) in enumerate(todo):
        k0 = i * SLOT
        want = [(0, 48, 27, RED), (SLOT - 1, 48, 27, BLUE)]
        for k, points in EXPECT[kind].items():
            want += [(k, x, y, c) for x, y, c in points]
        for k, x, y, c in want:
            got = pixel(frames[k0 + k], x, y)
            if not near(got, c, 30) and i not in bad:
                bad[i] = f"{kind} on tracks[{ti}] of {n}: frame {k} ({x},{y}) {got}, want {c}"
    return list(bad.values())


def test_one_to_seven_tracks():
    bad, total = [], 0
    for n in range(1, 8):
        bad += wrong_cases(n)
        total += len(cases(n))
    expect(not bad, f"{len(bad)} of {total} cases wrong:\n" + "\n".join(bad))


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
