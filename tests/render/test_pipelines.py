#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every runnable example in pipelines/ runs headless and does what it says, checked on its
# decoded output: pixel colours where and when the document or the launch line puts them,
# exact frame counts, the sound's level where there is sound and silence elsewhere.
import array
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops

sys.path.insert(0, os.path.dirname(__file__))
from test_render import (TMP, decode_audio, decode_frames, document, media_item, near,  # noqa: E402
                         rms, solid, text_item)
from clitest import check, expect, finish  # noqa: E402

PIPELINES = os.path.join(os.path.dirname(__file__), "..", "..", "pipelines")
RED, BLUE, BLACK = (255, 0, 0), (0, 0, 255), (0, 0, 0)


def run(script, *args, **env):
    path = os.path.join(PIPELINES, script)
    cmd = ["/usr/bin/python3", path] if script.endswith(".py") else ["sh", path]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, **env))
    expect(p.returncode == 0, f"{script}: exit {p.returncode}: {p.stderr[-1500:]}")
    return p


def raw_sink(d, w, h, fmt="RGB"):
    """A sink for a script's SINK/VSINK: every frame as raw w x h pixels, one file each."""
    return (f"videoconvert ! videoscale ! video/x-raw,format={fmt},width={w},height={h} ! "
            f"multifilesink location={d}/%05d.raw")


def raw_frames(d, w, h, mode="RGB"):
    """The frames a raw_sink wrote, in order, as PIL images (the files are removed)."""
    frames = []
    for f in sorted(glob.glob(os.path.join(d, "*.raw"))):
        with open(f, "rb") as fh:
            data = fh.read()
        expect(len(data) == w * h * len(mode), f"{f}: {len(data)} bytes")
        frames.append(Image.frombytes(mode, (w, h), data))
    shutil.rmtree(d)
    return frames


def pcm_sink(path):
    """A sink for a script's ASINK: 48 kHz mono S16 samples in a file."""
    return ("audioconvert ! audioresample ! audio/x-raw,format=S16LE,channels=1,rate=48000 ! "
            f"filesink location={path}")


def pcm(path):
    a = array.array("h")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    return a


def smpte(w, h):
    """videotestsrc's default pattern at 640x360 (the input of the element examples) as a
    raw_sink at w x h has it."""
    d = tempfile.mkdtemp(dir=TMP)
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=1", "!",
                    "video/x-raw,width=640,height=360", "!", *raw_sink(d, w, h).split()],
                   check=True, timeout=60)
    return raw_frames(d, w, h)[0]


def changed(a, b, box=None, level=40):
    """How many pixels of box (x0, y0, x1, y1) differ between two images by more than level
    in any channel."""
    if box:
        a, b = a.crop(box), b.crop(box)
    r, g, bl = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).split()
    most = ImageChops.lighter(ImageChops.lighter(r, g), bl)
    return sum(most.point(lambda v: 255 if v > level else 0).histogram()[255:])


def count(img, box, test):
    """How many pixels of box satisfy test(pixel)."""
    return sum(1 for p in img.crop(box).getdata() if test(p))


def level_db(samples, t0, t1, full):
    return 20 * math.log10(max(rms(samples, t0, t1), 1e-9) / full)


def av_document():
    """160x90, 1 s at 30 fps, background none: a red box (10..70, 10..50) for the first half,
    a blue one (90..150, 40..80) for the second, a 440 Hz tone of amplitude 0.5 (TONE RMS)
    from 0.25 s to 0.75 s."""
    doc = document([[solid("r", "#ff0000", 0, 120000, 10, 10, 60, 40),
                     solid("b", "#0000ff", 120000, 120000, 90, 40, 60, 40)],
                    [media_item("tone", "audio", "tone", 60000, 120000)]])
    doc.update(compositionWidth=160, compositionHeight=90, globalBackground={"type": "none"})
    doc["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": "pipe-tone.wav",
                              "size": 1, "mimeType": "audio/wav", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 1}}
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=50", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={os.path.join(TMP, 'pipe-tone.wav')}"], check=True, timeout=60)
    path = os.path.join(TMP, "pipe-av.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


TONE = 0.5 * 32767 / 2 ** 0.5


def check_av(frames, samples, what):
    """The frames and sound of av_document(), decoded from what a script wrote."""
    expect(len(frames) == 30, f"{what}: {len(frames)} frames, want 30")
    for i, (x, y), want in [(7, (40, 30), RED), (7, (120, 60), BLACK), (7, (5, 80), BLACK),
                            (22, (40, 30), BLACK), (22, (120, 60), BLUE), (22, (5, 80), BLACK)]:
        got = frames[i].getpixel((x, y))
        expect(near(got, want), f"{what}: frame {i} ({x}, {y}) = {got}, want {want} (black "
               "where nothing is drawn: flattened, not green)")
    inside = level_db(samples, 0.3, 0.7, TONE)
    expect(abs(inside) <= 1.0, f"{what}: the tone at {inside:.2f} dB of its level, want +/- 1")
    before, after = rms(samples, 0.0, 0.2), rms(samples, 0.8, 0.95)
    expect(before < 50 and after < 50, f"{what}: sound outside the tone: {before}, {after}")
    # at its time, give or take the AAC encoder's priming (which gst-launch cannot skip:
    # about 20 ms late)
    loud = [t for t in range(200) if rms(samples, t / 200, (t + 1) / 200) > TONE / 2]
    expect(loud and 0.25 <= loud[0] / 200 <= 0.29 and 0.74 <= (loud[-1] + 1) / 200 <= 0.79,
           f"{what}: the tone from {loud[:1]} to {loud[-1:]} (5 ms), want 0.25 to 0.75 s")


def images(frames_bytes, w, h):
    return [Image.frombytes("RGB", (w, h), f) for f in frames_bytes]


def test_json_to_mp4():
    out = os.path.join(TMP, "pipeline.mp4")
    run("json-to-mp4.sh", av_document(), out)
    p = subprocess.run(["gst-discoverer-1.0", out], capture_output=True, text=True, timeout=60)
    expect("H.264" in p.stdout and "AAC" in p.stdout, p.stdout)
    check_av(images(decode_frames(out, 160, 90), 160, 90), decode_audio(out), "json-to-mp4")


def test_rtmp():
    from test_live import Nginx, free_port, video_times
    port, rec = free_port(), os.path.join(TMP, "rtmp-rec")
    server = Nginx(port, rec)
    try:
        run("rtmp.sh", f"rtmp://127.0.0.1:{port}/live/pipe", av_document())
    finally:
        server.kill()
    flv = os.path.join(rec, "pipe.flv")
    probe = subprocess.run(["gst-discoverer-1.0", flv], capture_output=True, text=True,
                           timeout=60).stdout
    expect("H.264" in probe and "AAC" in probe, probe)
    n = len(video_times(flv))
    expect(n == 30, f"{n} frames recorded, want 30")
    frames = images(decode_frames(flv, 160, 90, demux="flvdemux"), 160, 90)
    check_av(frames, decode_audio(flv, ("flvdemux", "!", "aacparse", "!", "avdec_aac")), "rtmp")


def test_preview():
    """The preview of the default document (the product page's "Hello World", 1.6 s, no
    sound), its window and speakers replaced by files."""
    d, sound = tempfile.mkdtemp(dir=TMP), os.path.join(TMP, "preview.pcm")
    run("jsontimelinesrc-preview.sh", VSINK=raw_sink(d, 320, 180), ASINK=pcm_sink(sound))
    frames = raw_frames(d, 320, 180)
    expect(len(frames) == 48, f"{len(frames)} frames, want 48 (1.6 s at 30 fps)")
    f = frames[24]
    for x, y in [(10, 10), (300, 170), (160, 50)]:
        expect(near(f.getpixel((x, y)), BLACK, 12), f"nothing drawn at ({x}, {y}): "
               f"{f.getpixel((x, y))}, want black")
    # the title's box 755..1166 x 492..588 of 1920x1080
    white = count(f, (125, 82, 195, 98), lambda p: min(p) >= 200)
    expect(white >= 60, f"{white} white title pixels")
    samples = pcm(sound)
    expect(abs(len(samples) / 48000 - 1.6) < 0.03, f"{len(samples) / 48000} s of sound")
    expect(max(map(abs, samples)) == 0, "sound in a document without any")
    # and a document with sound: what reaches the speakers, exactly (no encoder)
    d = tempfile.mkdtemp(dir=TMP)
    run("jsontimelinesrc-preview.sh", av_document(), VSINK=raw_sink(d, 160, 90),
        ASINK=pcm_sink(sound))
    samples = pcm(sound)
    expect(abs(len(samples) / 48000 - 1.0) < 0.01, f"{len(samples) / 48000} s of sound")
    check_av(raw_frames(d, 160, 90), samples, "preview")


def test_webm_alpha():
    """A small lower third of its own: a 90 % opaque blue bar, an opaque amber accent and a
    white title over nothing, 1 s."""
    bar = solid("bar", "#1e3a8aE6", 0, 240000, 20, 120, 240, 40)
    accent = solid("accent", "#f59e0b", 0, 240000, 20, 120, 6, 40)
    title = text_item("t", "LIVE", 0, 240000, 40, 124, 100, 32, color="#ffffff", size=24,
                      align="left")
    doc = document([[title], [accent], [bar]])
    doc.update(compositionWidth=320, compositionHeight=180, globalBackground={"type": "none"})
    src, out = os.path.join(TMP, "pipe-lower-third.json"), os.path.join(TMP, "pipe.webm")
    with open(src, "w") as f:
        json.dump(doc, f)
    d = tempfile.mkdtemp(dir=TMP)
    run("webm-alpha.sh", src, out, SINK=f"multifilesink location={d}/%05d.raw",
        JSONTIMELINE=os.environ["JTL_CLI"])
    frames = raw_frames(d, 320, 180, "RGBA")
    expect(len(frames) == 30, f"{len(frames)} frames, want 30")
    for f in (frames[0], frames[29]):
        for x, y in [(5, 5), (300, 170), (160, 60), (270, 140)]:
            expect(f.getpixel((x, y))[3] <= 8, f"({x}, {y}) {f.getpixel((x, y))}: not transparent")
        p = f.getpixel((200, 155))
        expect(abs(p[3] - 230) <= 12 and near(p[:3], (30, 58, 138)),
               f"bar {p}: want #1e3a8a at alpha 230")
        p = f.getpixel((22, 140))
        expect(p[3] >= 245 and near(p[:3], (245, 158, 11)), f"accent {p}: want opaque #f59e0b")
        white = count(f, (40, 124, 140, 156), lambda p: p[3] >= 240 and min(p[:3]) >= 220)
        expect(white >= 40, f"{white} opaque white title pixels")


def test_broadcast_mix():
    """The default lower third (1280x720, 2 s) over 1 s of live SMPTE bars at 640x360."""
    d, sound = tempfile.mkdtemp(dir=TMP), os.path.join(TMP, "mix.pcm")
    run("broadcast-mix.sh", SINK=raw_sink(d, 640, 360), ASINK=pcm_sink(sound),
        NUM_BUFFERS="30")
    frames = raw_frames(d, 640, 360)
    # the document's 2 s (a live mix on a starved machine may add one at the start)
    expect(len(frames) in (60, 61), f"{len(frames)} frames, want 60")
    bars, f = smpte(640, 360), frames[15]
    # the camera shows wherever the document draws nothing (not black: its transparency kept)
    for x, y in [(45, 60), (320, 100), (600, 200), (160, 340), (600, 255)]:
        expect(near(f.getpixel((x, y)), bars.getpixel((x, y))),
               f"camera at ({x}, {y}): {f.getpixel((x, y))}, want {bars.getpixel((x, y))}")
    # the bar (30..480 x 260..320 at half size) #1e3a8a at 90 % over the camera
    for x, y in [(400, 270), (400, 312), (200, 315), (460, 290)]:
        under = bars.getpixel((x, y))
        want = tuple(round(0.9 * c + 0.1 * u) for c, u in zip((30, 58, 138), under))
        expect(near(f.getpixel((x, y)), want), f"bar at ({x}, {y}): {f.getpixel((x, y))}, "
               f"want {want}")
    expect(near(f.getpixel((34, 290)), (245, 158, 11)), f"accent {f.getpixel((34, 290))}")
    white = count(f, (50, 270, 330, 305), lambda p: min(p) >= 220)
    expect(white >= 300, f"{white} white title pixels")
    # the live tone (0.1: RMS 2317) for its 1 s, then the document's silence
    samples = pcm(sound)
    expect(len(samples) >= 1.95 * 48000, f"{len(samples) / 48000} s of sound")
    # (in 20 ms windows: a live mix on a starved machine drops what comes late)
    windows = [rms(samples, t / 50, (t + 1) / 50) for t in range(45)]
    heard = [w for w in windows if abs(w - 2317) < 50]
    expect(len(heard) >= 10, f"the live tone (RMS 2317) in {len(heard)} of 45 windows: {windows}")
    expect(rms(samples, 1.1, 1.9) < 20, f"sound after the live source {rms(samples, 1.1, 1.9)}")


def test_textoverlay_keyframes():
    d = tempfile.mkdtemp(dir=TMP)
    run("textoverlay-keyframes.py", SINK=raw_sink(d, 640, 360), NUM_BUFFERS="45")
    frames = raw_frames(d, 640, 360)
    expect(len(frames) == 45, f"{len(frames)} frames")

    def reds(img, x0=0, x1=640, floor=150):
        """The (x, y) of the title's red pixels (of brightness floor at least)."""
        w = img.crop((x0, 0, x1, 360))
        return [(x0 + i % w.width, i // w.width) for i, p in enumerate(w.getdata())
                if p[0] >= floor and p[1] < p[0] // 3 and p[2] < p[0] // 3]
    # the title slides in: off the frame at 0, over the left edge at 0.5 s, at x ~40 at 1 s
    expect(not reds(frames[0], floor=40), "the title before it slides in")
    a, b = min(x for x, _ in reds(frames[15])), min(x for x, _ in reds(frames[30]))
    expect(a == 0 and 30 <= b <= 60, f"left edge {a} then {b}")
    expect(max(frames[30].getpixel(p)[0] for p in reds(frames[30])) >= 240, "opaque at 1 s")
    # it turns to -4 degrees by 1.33 s (right end higher) while fading to 1/3
    tilt = frames[40]
    left, right = reds(tilt, 40, 200, 30), reds(tilt, 330, 500, 30)
    rise = min(y for _, y in left) - min(y for _, y in right)
    expect(10 <= rise <= 25, f"the title rises by {rise} px from left to right, want ~16")
    peak = max(tilt.getpixel(p)[0] for p in left + right)
    expect(60 <= peak <= 110, f"red {peak} at 1.33 s, want ~85 (opacity 1/3)")
    expect(max(p[0] for p in frames[44].getdata()) <= 40, "not faded out at the end")


def test_captionrender_srt():
    """The script's own SRT: 0.2-1.8 s, then 2.0-4.0 s (a right-to-left part), typewriter."""
    d = tempfile.mkdtemp(dir=TMP)
    run("captionrender-srt.sh", SINK=raw_sink(d, 320, 180), NUM_BUFFERS="126")
    frames = raw_frames(d, 320, 180)
    expect(len(frames) == 126, f"{len(frames)} frames")
    bare = smpte(320, 180)
    # the captions' lower quarter, left of the pattern's noise square
    area, top = (0, 130, 238, 180), (0, 0, 320, 125)

    def text(i, box=area):
        return changed(frames[i], bare, box)
    for i in list(range(0, 6)) + list(range(121, 126)):
        expect(text(i) == 0, f"{text(i)} caption pixels at frame {i}, outside the cues")
    for i in (10, 30, 57, 70, 100):
        expect(text(i, top) == 0, f"frame {i} drawn on outside the caption area")
    # the first page types in over 0.5 s, shows to its end and is held over the 0.2 s gap
    partial, full = text(10), text(30)
    expect(50 < partial < full // 2 and full > 500, f"typing {partial}, then {full} pixels")
    expect(changed(frames[30], frames[57], area) == 0, "the first page not held until 2 s")
    second = text(100)
    expect(second > 500 and changed(frames[30], frames[100], area) > 300,
           f"the second page: {second} pixels, as the first")


def test_transitionmixer():
    """A wipe from the left from the bars to the ball, from 1 s to 3 s (ease-in-out), at
    640x360 (the mixer takes the size downstream asks and does not scale its inputs)."""
    d = tempfile.mkdtemp(dir=TMP)
    run("transitionmixer.sh", SINK=raw_sink(d, 640, 360), NUM_BUFFERS="91")
    frames = raw_frames(d, 640, 360)
    expect(len(frames) == 91, f"{len(frames)} frames")
    bars = smpte(640, 360)
    # the upper bars (rows 0..239): never black in the first input, all black in the second
    # but where its ball is
    upper = lambda x0, x1: (x0, 0, x1, 220)  # noqa: E731
    expect(changed(frames[29], bars, upper(0, 640)) == 0, "not the first input before 1 s")
    half = frames[60]
    ball_side = changed(half, bars, upper(0, 308))
    expect(ball_side > 0.9 * 308 * 220 and changed(half, bars, upper(332, 640)) == 0,
           f"halfway: {ball_side} px of the left half from the second input, want all; "
           f"{changed(half, bars, upper(332, 640))} of the right half, want 0")
    expect(changed(frames[90], bars, upper(0, 640)) > 0.9 * 640 * 220,
           "not the second input at 3 s")
    # TYPE=fade: halfway, half of each (the ball's black background: half the bars)
    d = tempfile.mkdtemp(dir=TMP)
    run("transitionmixer.sh", SINK=raw_sink(d, 640, 360), NUM_BUFFERS="61", TYPE="fade")
    half = raw_frames(d, 640, 360)[60]
    for x, y in [(45, 60), (135, 100), (320, 60), (500, 150), (600, 30)]:
        want = tuple(c // 2 for c in bars.getpixel((x, y)))
        expect(near(half.getpixel((x, y)), want, 12),
               f"fade halfway at ({x}, {y}): {half.getpixel((x, y))}, want {want}")


def test_textoverlay_kf():
    """A -4 degree title box 560x120 at (40, 120), #80000000 behind #ffcc00 text."""
    d = tempfile.mkdtemp(dir=TMP)
    run("textoverlay-kf.sh", SINK=raw_sink(d, 640, 360), NUM_BUFFERS="3")
    frames = raw_frames(d, 640, 360)
    expect(len(frames) == 3, f"{len(frames)} frames")
    bars, f = smpte(640, 360), frames[1]
    for box in [(0, 0, 640, 90), (0, 280, 470, 360)]:
        expect(changed(f, bars, box) == 0, f"drawn on outside the title box {box}")
    gold = [i // 640 for i, p in enumerate(f.getdata()) if near(p, (255, 204, 0), 40)]
    expect(len(gold) > 1500, f"{len(gold)} #ffcc00 text pixels")
    # one line (tilted over 520 px: ~70 rows), not wrapped at the hyphen (~110)
    expect(max(gold) - min(gold) <= 80, f"the title spans rows {min(gold)}..{max(gold)}")

    def box_top(x):
        """The first row of column x darkened to about half by the box."""
        for y in range(90, 280):
            p, u = f.getpixel((x, y)), bars.getpixel((x, y))
            if 0.35 * sum(u) < sum(p) < 0.65 * sum(u):
                return y
        return None
    # the left end (white bar under it) lower than the right one (blue bar), by ~520 tan 4
    lo, hi = box_top(60), box_top(580)
    expect(lo is not None and hi is not None and 28 <= lo - hi <= 44,
           f"box top at {lo} (x 60) and {hi} (x 580): want a -4 degree tilt")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
