#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Cuts on the frame grid: an item shows on exactly the frames whose instant it covers, at
# every residue of the grid (30 fps frames are 8000 ticks = 33333333.3 ns apart, 60 fps
# 4000 ticks), and its sound starts on the first sample at or after its start.
import array
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, decode_frames, document, media_item, render, solid  # noqa: E402
from clitest import check, expect, finish  # noqa: E402

W, H = 96, 54
PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255),
           (0, 255, 255), (255, 255, 255)]
BLACK = (0, 0, 0)


def small(tracks, background="#000000"):
    doc = document(tracks, background)
    doc["compositionWidth"], doc["compositionHeight"] = W, H
    return doc


def full(item_id, colour, start, dur):
    return solid(item_id, "#%02x%02x%02x" % colour, start, dur, 0, 0, W, H)


def centre(frame, w=W, h=H):
    i = ((h // 2) * w + w // 2) * 3
    return tuple(frame[i:i + 3])


def nearest(rgb):
    """The palette colour (or black) a decoded pixel is."""
    return min(PALETTE + [BLACK], key=lambda c: sum((a - b) ** 2 for a, b in zip(rgb, c)))


def element_frames(doc, name, fps):
    """Renders doc through jsontimelinesrc at fps (any rate, the CLI takes 30 and 60 only)
    to raw RGB frames."""
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    d = tempfile.mkdtemp(dir=TMP)
    subprocess.run(["gst-launch-1.0", "-q", "jsontimelinesrc", f"location={src}", f"fps={fps}",
                    "name=t", "t.video", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!",
                    "multifilesink", f"location={d}/f-%05d.raw", "t.audio", "!", "fakesink"],
                   check=True, timeout=120)
    frames = []
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), "rb") as fh:
            frames.append(fh.read())
    return frames


def one_frame_solids(fps, n):
    step = 240000 // fps
    return small([[full(f"s{k}", PALETTE[k % len(PALETTE)], k * step, step) for k in range(n)]])


def expect_colours(frames, n, what):
    got = [nearest(centre(f)) for f in frames]
    want = [PALETTE[k % len(PALETTE)] for k in range(n)]
    expect(len(frames) == n, f"{what}: {len(frames)} frames, want {n}")
    wrong = [k for k in range(n) if got[k] != want[k]]
    expect(not wrong, f"{what}: frames {wrong} are {[got[k] for k in wrong]}, "
                      f"want {[want[k] for k in wrong]}")


def test_one_frame_solids_30_and_60():
    # every residue of the grid three times over: frames 2, 5, 8 (30 fps) and 1, 2, 4, 5, ...
    # (60 fps) start a nanosecond after their frames' timestamps when rounded
    for fps in (30, 60):
        n = 9
        code, out, err = render(one_frame_solids(fps, n), f"solids{fps}", "--fps", str(fps))
        expect(code == 0, err)
        expect_colours(decode_frames(out, W, H), n, f"{fps} fps")


def test_one_frame_solids_25():
    n = 9
    expect_colours(element_frames(one_frame_solids(25, n), "solids25", 25), n, "25 fps")


def test_cut_between_nanoseconds():
    """A red -> blue cut at 256000 ticks (1.0666... s, frame 32 at 30 fps, not a whole
    nanosecond), and one tick either side of it."""
    red, blue = PALETTE[0], PALETTE[2]
    for cut, first_blue in ((256000, 32), (256001, 33), (255999, 32)):
        doc = small([[full("r", red, 0, cut), full("b", blue, cut, 288000 - cut)]])
        code, out, err = render(doc, f"cut{cut}")
        expect(code == 0, err)
        got = [nearest(centre(f)) for f in decode_frames(out, W, H)]
        want = [red] * first_blue + [blue] * (36 - first_blue)
        expect(got == want, f"cut at {cut}: frames {[k for k in range(36) if got[k:k+1] != want[k:k+1]]}"
                            f" differ, first blue {got.index(blue) if blue in got else None}")


def test_media_starts_on_its_frame():
    """A video clip and an image starting on frames 2 and 5 (30 fps): decoded pictures and
    drawn ones alike."""
    clip = os.path.join(TMP, "cut-red.mp4")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "pattern=red", "num-buffers=30", "!",
                    f"video/x-raw,width={W},height={H},framerate=30/1", "!", "x264enc", "!",
                    "mp4mux", "!", "filesink", f"location={clip}"], check=True, timeout=60)
    from PIL import Image
    Image.new("RGB", (8, 8), PALETTE[2]).save(os.path.join(TMP, "cut-blue.png"))
    video = media_item("v", "video", "clip", 16000, 8000, w=W, h=H)
    image = full("i", BLACK, 40000, 16000)
    for key in ("color", "shape"):
        del image[key]
    image.update({"type": "image", "assetId": "png"})
    doc = small([[video, image], [full("pad", BLACK, 0, 80000)]])
    doc["assets"] = {
        "clip": {"id": "clip", "type": "video", "filename": "cut-red.mp4", "size": 1,
                 "mimeType": "video/mp4", "remoteUrl": None, "remoteKey": None,
                 "durationInSeconds": 1, "hasAudioTrack": False, "width": W, "height": H},
        "png": {"id": "png", "type": "image", "filename": "cut-blue.png", "size": 1,
                "mimeType": "image/png", "remoteUrl": None, "remoteKey": None, "width": 8,
                "height": 8}}
    code, out, err = render(doc, "cut-media")
    expect(code == 0, err)
    got = [nearest(centre(f)) for f in decode_frames(out, W, H)]
    red, blue = PALETTE[0], PALETTE[2]
    want = [BLACK, BLACK, red, BLACK, BLACK, blue, blue, BLACK, BLACK, BLACK]
    expect(got == want, f"frames {got}, want {want}")


def test_animation_time_from_the_item_start():
    """A GIF (red 0.1 s, green 0.2 s, blue 0.1 s) starting on frame 2: its second picture from
    frame 5, 0.1 s after the item's start (its start in ns is a nanosecond after frame 2's
    timestamp); caption words timed from the item's start alike: the word spoken from
    100 ms is highlighted from frame 5."""
    sys.path.insert(0, os.path.dirname(__file__))
    from test_animated import boxed, write_gif
    from test_captions import caption_asset, captions_item
    gif = os.path.join(TMP, "cut-rgb.gif")
    write_gif(gif)
    item = boxed("g", "gif", 16000, 8 * 8000, 0, 0, W, H, assetId="gif",
                 keepAspectRatio=False, gifStartFromInSeconds=0, playbackRate=1)
    doc = small([[item]])
    doc["assets"]["gif"] = {"id": "gif", "type": "gif", "filename": gif, "size": 100,
                            "remoteUrl": None, "remoteKey": None, "mimeType": "image/gif",
                            "width": 32, "height": 32, "durationInSeconds": 0.4,
                            "loopBehavior": "loop"}
    code, out, err = render(doc, "cut-gif")
    expect(code == 0, err)
    got = [nearest(centre(f)) for f in decode_frames(out, W, H)]
    red, green = PALETTE[0], PALETTE[1]
    expect(got[:6] == [BLACK, BLACK, red, red, red, green], f"GIF frames {got[:6]}")
    # the captions: "AAAA BBBB" centred in a 320 x 180 frame, BBBB spoken from 100 ms
    cw, ch = 320, 180
    cap = captions_item("cap", "words", 16000, 8 * 8000, left=0, top=60)
    cap.update({"left": {"value": 0, "keyframes": []}, "top": {"value": 60, "keyframes": []},
                "width": {"value": cw, "keyframes": []}})
    doc = small([[cap]])
    doc["compositionWidth"], doc["compositionHeight"] = cw, ch
    doc["assets"]["words"] = caption_asset("words", [("AAAA ", 0, 100), ("BBBB", 100, 300)])
    code, out, err = render(doc, "cut-captions")
    expect(code == 0, err)
    frames = decode_frames(out, cw, ch)

    def green_side(frame):
        xs = [x for y in range(ch) for x in range(0, cw, 2)
              if (lambda p: p[1] > 190 and p[0] < 90 and p[2] < 90)(
                  tuple(frame[(y * cw + x) * 3:(y * cw + x) * 3 + 3]))]
        return None if len(xs) < 20 else "left" if sum(xs) / len(xs) < cw / 2 else "right"
    sides = [green_side(frames[k]) for k in range(2, 7)]
    expect(sides == ["left", "left", "left", "right", "right"], f"highlight {sides}")


def test_sound_starts_and_ends_on_its_samples():
    """An audio item's first sample is the first at or after its start (5 ticks a sample at
    48 kHz): 8000 ticks, frame 1's instant, is sample 1600 (its start in ns, 33333333,
    is in sample 1599); 8003 ticks is sample 1601. Its last is the one before the first
    at or after its end, not the last of the decoded buffer holding it."""
    tone = os.path.join(TMP, "cut-square.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "wave=square", "freq=100",
                    "volume=0.5", "num-buffers=10", "samplesperbuffer=4800", "!",
                    "audio/x-raw,rate=48000,channels=1,format=S16LE", "!", "wavenc", "!",
                    "filesink", f"location={tone}"], check=True, timeout=60)
    for start, first in ((8000, 1600), (8003, 1601), (16000, 3200)):
        doc = small([[media_item("m", "audio", "tone", start, 48000)],
                     [full("pad", BLACK, 0, 120000)]])
        doc["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": "cut-square.wav",
                                  "size": 1, "mimeType": "audio/wav", "remoteUrl": None,
                                  "remoteKey": None, "durationInSeconds": 1}}
        src = os.path.join(TMP, f"sound{start}.json")
        with open(src, "w") as f:
            json.dump(doc, f)
        raw = os.path.join(TMP, f"sound{start}.raw")
        subprocess.run(["gst-launch-1.0", "-q", "jsontimelinesrc", f"location={src}", "name=t",
                        "t.video", "!", "fakesink", "t.audio", "!", "audioconvert", "!",
                        "audio/x-raw,format=S16LE,channels=1", "!", "filesink",
                        f"location={raw}"], check=True, timeout=120)
        samples = array.array("h")
        with open(raw, "rb") as f:
            samples.frombytes(f.read())
        heard = [i for i, x in enumerate(samples) if x != 0]
        expect(heard and heard[0] == first,
               f"start {start} ticks: first sound at sample {heard[:1]}, want {first}")
        last = -(-(start + 48000) // 5) - 1
        expect(heard[-1] == last, f"start {start} ticks: last sound at sample {heard[-1]}, "
                                  f"want {last}")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
