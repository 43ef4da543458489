#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every runnable example in pipelines/ runs headless and does what it says: the MP4 has
# the timeline's frames and sound, keyframes move the title, captions appear at their
# cue, the broadcast mix runs at the live source's pace.
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP  # noqa: E402
from clitest import check, expect, finish  # noqa: E402

PIPELINES = os.path.join(os.path.dirname(__file__), "..", "..", "pipelines")


def run(script, *args, **env):
    path = os.path.join(PIPELINES, script)
    cmd = ["/usr/bin/python3", path] if script.endswith(".py") else ["sh", path]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, **env))
    expect(p.returncode == 0, f"{script}: exit {p.returncode}: {p.stderr[-1500:]}")
    return p


def png_frames(pattern_dir):
    """The RGB pixels of the PNG frames a multifilesink wrote, in order."""
    from PIL import Image
    return [Image.open(f).convert("RGB") for f in sorted(glob.glob(os.path.join(pattern_dir, "*.png")))]


def png_sink(d):
    return f"videoconvert ! pngenc ! multifilesink location={d}/%04d.png"


def test_json_to_mp4():
    out = os.path.join(TMP, "pipeline.mp4")
    run("json-to-mp4.sh", os.path.join(PIPELINES, "examples", "hello-world.request.json"), out)
    p = subprocess.run(["gst-discoverer-1.0", out], capture_output=True, text=True, timeout=60)
    expect("H.264" in p.stdout and "AAC" in p.stdout, p.stdout)
    frames = subprocess.run(["gst-launch-1.0", "-v", "filesrc", f"location={out}", "!",
                             "qtdemux", "!", "h264parse", "!", "avdec_h264", "!", "fakesink",
                             "silent=false"], capture_output=True, text=True, timeout=60)
    count = frames.stdout.count("last-message = chain")
    expect(count == 48, f"{count} frames, want 48 (1.6 s at 30 fps)")
    # the background is none: black where nothing is drawn (not green: the transparent
    # frames' alpha dropped by videoconvert), the white title over it
    png = os.path.join(TMP, "pipeline.png")
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={out}", "!", "qtdemux", "!",
                    "h264parse", "!", "avdec_h264", "!", "videoconvert", "!", "pngenc",
                    "snapshot=true", "!", "filesink", f"location={png}"], check=True,
                   timeout=60)
    from PIL import Image
    img = Image.open(png).convert("RGB")
    for x, y in [(100, 100), (1800, 1000), (960, 300)]:
        px = img.getpixel((x, y))
        expect(max(px) <= 24, f"nothing drawn at ({x}, {y}): {px}, want black")
    title = img.crop((755, 492, 1166, 588)).convert("L")
    expect(title.getextrema()[1] >= 230, f"the title's white: {title.getextrema()}")


def test_textoverlay_keyframes():
    d = tempfile.mkdtemp(dir=TMP)
    run("textoverlay-keyframes.py", SINK=png_sink(d), NUM_BUFFERS="45")
    frames = png_frames(d)
    expect(len(frames) == 45, f"{len(frames)} frames")

    def left_edge(img):
        xs = [x for x in range(img.width) for y in range(120, 240)
              if (lambda p: p[0] > 150 and p[1] < 80 and p[2] < 80)(img.getpixel((x, y)))]
        return min(xs) if xs else None
    # the title slides in: off the left edge at first, at x ~40 after 1 s
    a, b = left_edge(frames[15]), left_edge(frames[30])
    expect(a == 0 and b is not None and 30 <= b <= 60, f"left edge {a} then {b}")


def test_captionrender_srt():
    d = tempfile.mkdtemp(dir=TMP)
    run("captionrender-srt.sh", SINK=png_sink(d), NUM_BUFFERS="30")
    frames = png_frames(d)
    expect(len(frames) == 30, f"{len(frames)} frames")

    def changed(a, b):
        """Pixels of the lower part that differ between two frames (the pattern is still
        there, left of its noise square)."""
        return sum(1 for y in range(250, 360) for x in range(0, 460, 2)
                   if sum(abs(u - v) for u, v in zip(a.getpixel((x, y)), b.getpixel((x, y)))) > 90)
    # the first cue starts at 0.2 s: frame 3 is the bare pattern, frame 20 has the text
    expect(changed(frames[0], frames[3]) == 0, "text before its cue")
    expect(changed(frames[0], frames[20]) > 100, f"{changed(frames[0], frames[20])} caption pixels")


def test_broadcast_mix():
    d = tempfile.mkdtemp(dir=TMP)
    run("broadcast-mix.sh", SINK=png_sink(d), ASINK="fakesink", NUM_BUFFERS="30")
    n = len(png_frames(d))
    expect(n >= 30, f"{n} frames of the live mix")


def test_webm_alpha():
    d = tempfile.mkdtemp(dir=TMP)
    out = os.path.join(TMP, "lower-third.webm")
    run("webm-alpha.sh", os.path.join(PIPELINES, "examples", "lower-third.json"), out,
        SINK=f"pngenc ! multifilesink location={d}/%04d.png",
        JSONTIMELINE=os.environ["JTL_CLI"])
    from PIL import Image
    frames = sorted(glob.glob(os.path.join(d, "*.png")))
    expect(len(frames) == 60, f"{len(frames)} frames")
    img = Image.open(frames[0])
    expect(img.mode == "RGBA", img.mode)
    corner, bar = img.getpixel((20, 20)), img.getpixel((700, 600))
    expect(corner[3] < 16, f"corner {corner}: not transparent")
    expect(bar[3] > 200 and bar[2] > bar[0], f"bar {bar}: not the opaque blue bar")


def test_rtmp():
    from test_live import Nginx, free_port, video_times
    port, rec = free_port(), os.path.join(TMP, "rtmp-rec")
    server = Nginx(port, rec)
    try:
        run("rtmp.sh", f"rtmp://127.0.0.1:{port}/live/pipe")
    finally:
        server.kill()
    flv = os.path.join(rec, "pipe.flv")
    probe = subprocess.run(["gst-discoverer-1.0", flv], capture_output=True, text=True,
                           timeout=60).stdout
    expect("H.264" in probe and "AAC" in probe, probe)
    n = len(video_times(flv))
    expect(abs(n - 48) <= 1, f"{n} frames recorded, want 48")


def test_others_run():
    run("transitionmixer.sh", SINK="fakesink", NUM_BUFFERS="10")
    run("textoverlay-kf.sh", SINK="fakesink", NUM_BUFFERS="10")
    run("jsontimelinesrc-preview.sh", VSINK="fakesink", ASINK="fakesink")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
