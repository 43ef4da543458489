#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Transitions in the timeline: two touching clips of one track joined by each transition type
# render the outgoing clip before the window, the incoming after it, a blend inside, the same
# number of frames as without the transition, and crossfaded sound.
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import (BLUE, GREEN, RED, TMP, W, H, decode_audio, decode_frames,  # noqa: E402
                         document, media_item, near, pixel, render, rms, solid)
from clitest import check, expect, finish  # noqa: E402

SECOND = 240000


def joined(kind, direction=None, duration=0.4, easing="linear"):
    """Red [0, 1 s) then blue [1 s, 2 s), full frame, joined by a transition of `duration`
    seconds: the window is [1 - d/2, 1 + d/2)."""
    a = solid("a", "#ff0000", 0, SECOND, 0, 0, W, H)
    b = solid("b", "#0000ff", SECOND, SECOND, 0, 0, W, H)
    doc = document([[a, b]])
    tr = {"id": "tr", "trackId": "t0", "fromClipId": "a", "toClipId": "b", "type": kind,
          "durationTicks": int(duration * SECOND), "easing": easing}
    if direction:
        tr["params"] = {"direction": direction}
    doc["transitions"] = {"tr": tr}
    return doc


def rendered(kind, direction=None, **kw):
    code, out, err = render(joined(kind, direction, **kw), f"tr-{kind}-{direction}")
    expect(code == 0, err)
    frames = decode_frames(out)
    # 2 s at 30 fps, as without the transition
    expect(len(frames) == 60, f"{kind}: {len(frames)} frames, want 60")
    # window [0.8 s, 1.2 s) = frames 24..35: A before, B after
    for k in (0, 23):
        expect(near(pixel(frames[k], 160, 120), RED), f"{kind}: frame {k} {pixel(frames[k], 160, 120)}")
    for k in (36, 59):
        expect(near(pixel(frames[k], 160, 120), BLUE), f"{kind}: frame {k} {pixel(frames[k], 160, 120)}")
    return frames


def test_fade():
    frames = rendered("fade")
    # frame 30 = 1.0 s: progress 0.5, an even mix of red and blue
    mid = pixel(frames[30], 160, 120)
    expect(near(mid, (128, 0, 128), 24), f"fade at 0.5: {mid}")
    # frame 27 = 0.9 s: progress 0.25
    q = pixel(frames[27], 160, 120)
    expect(near(q, (191, 0, 64), 24), f"fade at 0.25: {q}")


def test_fade_easing():
    frames = rendered("fade", easing="ease-in")
    # ease-in at half time is well under half way: mostly red still
    mid = pixel(frames[30], 160, 120)
    expect(mid[0] > 150 and mid[2] < 105, f"ease-in fade at half time: {mid}")


def test_wipe_from_left():
    frames = rendered("wipe", "from-left")
    f = frames[30]
    expect(near(pixel(f, 40, 120), BLUE) and near(pixel(f, 280, 120), RED),
           f"wipe from-left at 0.5: left {pixel(f, 40, 120)} right {pixel(f, 280, 120)}")
    f = frames[27]  # 0.25: a quarter of the width
    expect(near(pixel(f, 40, 120), BLUE) and near(pixel(f, 120, 120), RED),
           f"wipe from-left at 0.25: {pixel(f, 40, 120)} {pixel(f, 120, 120)}")


def test_wipe_from_bottom_right():
    f = rendered("wipe", "from-bottom-right")[30]
    expect(near(pixel(f, 300, 220), BLUE) and near(pixel(f, 20, 20), RED),
           f"wipe from-bottom-right at 0.5: {pixel(f, 300, 220)} {pixel(f, 20, 20)}")


def test_iris():
    f = rendered("iris")[30]
    expect(near(pixel(f, 160, 120), BLUE) and near(pixel(f, 3, 3), RED),
           f"iris at 0.5: centre {pixel(f, 160, 120)} corner {pixel(f, 3, 3)}")


def test_clock_wipe():
    f = rendered("clock-wipe")[30]
    # half a turn clockwise from 12 o'clock: the right half is B, the left half A
    for x, y, want in ((240, 60, BLUE), (240, 180, BLUE), (80, 60, RED), (80, 180, RED)):
        expect(near(pixel(f, x, y), want), f"clock-wipe at 0.5 ({x},{y}): {pixel(f, x, y)}")


def test_slide_from_right():
    f = rendered("slide", "from-right")[30]
    # B's left edge at x = 160, A pushed out to the left
    expect(near(pixel(f, 200, 120), BLUE) and near(pixel(f, 120, 120), RED),
           f"slide at 0.5: {pixel(f, 200, 120)} {pixel(f, 120, 120)}")


def test_flip_from_left():
    frames = rendered("flip", "from-left")
    # 0.25: A turned 45 degrees in perspective, its left edge nearer: narrower than the
    # frame, the near (left) edge taller than the far one
    f = frames[27]
    for x, y, want in ((160, 120, RED), (10, 120, GREEN), (300, 120, GREEN),
                       (30, 5, RED), (250, 5, GREEN)):
        expect(near(pixel(f, x, y), want), f"flip at 0.25 ({x},{y}): {pixel(f, x, y)}")
    # 0.75: B turning in, now its right edge nearer
    f = frames[33]
    for x, y, want in ((160, 120, BLUE), (40, 120, GREEN), (310, 120, GREEN),
                       (290, 5, BLUE), (70, 5, GREEN)):
        expect(near(pixel(f, x, y), want), f"flip at 0.75 ({x},{y}): {pixel(f, x, y)}")


def test_video_clips_and_audio_crossfade():
    """Two video clips: red with a tone, blue and silent, faded over 0.6 s around 1 s. The
    red clip's file goes on past its end (its tail plays it), the blue one starts at the
    file's first frame, which is held through the lead."""
    tone = os.path.join(TMP, "tr-tone.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=100", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={tone}"], check=True, timeout=60)
    red = document([[solid("r", "#ff0000", 0, 2 * SECOND, 0, 0, W, H)],
                    [media_item("m", "audio", "tone", 0, 2 * SECOND)]])
    red["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": "tr-tone.wav",
                              "size": 1, "mimeType": "audio/wav", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 2}}
    code, _, err = render(red, "tr-red")
    expect(code == 0, err)
    blue = document([[solid("b", "#0000ff", 0, 2 * SECOND, 0, 0, W, H)]])
    code, _, err = render(blue, "tr-blue")
    expect(code == 0, err)

    def asset(name, audio):
        return {"id": name, "type": "video", "filename": f"{name}.mp4", "size": 1,
                "mimeType": "video/mp4", "remoteUrl": None, "remoteKey": None,
                "durationInSeconds": 2, "hasAudioTrack": audio, "width": W, "height": H}
    a = media_item("a", "video", "tr-red", 0, SECOND, w=W, h=H)
    b = media_item("b", "video", "tr-blue", SECOND, SECOND, w=W, h=H)
    doc = document([[a, b]])
    doc["assets"] = {"tr-red": asset("tr-red", True), "tr-blue": asset("tr-blue", False)}
    doc["transitions"] = {"tr": {"id": "tr", "trackId": "t0", "fromClipId": "a",
                                 "toClipId": "b", "type": "fade",
                                 "durationTicks": int(0.6 * SECOND), "easing": "linear"}}
    code, out, err = render(doc, "tr-video")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 60, f"{len(frames)} frames, want 60")
    # window [0.7 s, 1.3 s): frame 27 (0.9 s) is a third of the way
    expect(near(pixel(frames[20], 160, 120), RED), f"before {pixel(frames[20], 160, 120)}")
    third = pixel(frames[27], 160, 120)
    expect(near(third, (170, 0, 85), 26), f"a third into the fade: {third}")
    expect(near(pixel(frames[40], 160, 120), BLUE), f"after {pixel(frames[40], 160, 120)}")
    audio = decode_audio(out)
    full = 0.5 * 32767 / 2 ** 0.5
    level = 20 * math.log10(max(1e-9, rms(audio, 0.2, 0.6)) / full)
    expect(abs(level) <= 0.6, f"before the window: {level:.2f} dB, want 0")
    # at the cut the tone is at half its amplitude: -6 dB
    mid = 20 * math.log10(max(1e-9, rms(audio, 0.97, 1.03)) / full)
    expect(abs(mid - -6.0) <= 1.0, f"at the cut: {mid:.2f} dB, want -6")
    expect(rms(audio, 1.35, 1.9) < 50, f"after the window: {rms(audio, 1.35, 1.9)}")
    # a wipe between the same clips: the held first picture is masked frame by frame
    doc["transitions"]["tr"].update({"type": "wipe", "params": {"direction": "from-left"}})
    code, out, err = render(doc, "tr-video-wipe")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 60, f"{len(frames)} frames, want 60")
    for k, edge in ((24, 53), (27, 107), (33, 213)):  # progress 1/6, 1/3, 2/3
        left, right = pixel(frames[k], edge - 30, 120), pixel(frames[k], edge + 30, 120)
        expect(near(left, BLUE) and near(right, RED), f"wipe frame {k}: {left} {right}")


def test_bad_transitions():
    doc = joined("wipe", "from-left")
    doc["items"]["b"]["startTicks"] += 1200  # 5 ms gap: the clips no longer touch
    code, out, err = render(doc, "tr-gap")
    expect(code == 1 and "/transitions/tr" in err and "NOT_ADJACENT" in err, err)
    expect(not os.path.exists(out), "an output was left")
    # longer than twice a clip: shortened to fit, with a warning naming it
    code, out, err = render(joined("fade", duration=3.0), "tr-long")
    expect(code == 0 and "/transitions/tr/durationTicks" in err, err)
    frames = decode_frames(out)
    expect(len(frames) == 60, len(frames))
    # the window is now the whole timeline: at 0.5 s a quarter of the way
    q = pixel(frames[15], 160, 120)
    expect(near(q, (191, 0, 64), 24), f"fade of 2 s at 0.5 s: {q}")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
