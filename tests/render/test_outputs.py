#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every output format of `jsontimeline render`, decoded again: WebM VP8, WebM with alpha,
# animated GIF, PNG/JPEG stills, MP3/M4A/AAC sound; sizes, frame counts, durations,
# pixel colours, alpha values, GIF delays and loop, audio level; usage errors.
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
sys.path.insert(0, os.path.dirname(__file__))
from clitest import check, expect, finish, run  # noqa: E402
from test_render import W, H, decode_audio, document, media_item, near, rms, solid  # noqa: E402,E501
from PIL import Image  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jtl-outputs-")
RED, BLUE, GREEN, BLACK = (255, 0, 0), (0, 0, 255), (0, 255, 0), (0, 0, 0)


def write_doc(doc, name):
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    return src


def render_to(doc, out_name, *opts):
    src = write_doc(doc, out_name.replace(".", "-"))
    out = os.path.join(TMP, out_name)
    code, _, err = run("render", "-q", src, "-o", out, *opts, timeout=300)
    if code == 0:
        expect(os.path.exists(out), f"{out} missing")
    expect(not os.path.exists(out + ".part"), "a .part file was left")
    return code, out, err


def no_background(doc):
    doc["globalBackground"] = {"type": "none"}
    return doc


def two_solids(background="#00ff00"):
    """1 s: red box (20..120, 10..60) all along; blue box (200..300, 100..200) from 0.5 s."""
    return document([[solid("b", "#0000ff", 120000, 120000, 200, 100, 100, 100)],
                     [solid("r", "#ff0000", 0, 240000, 20, 10, 100, 50)]], background)


def decode_rgba(path, w=W, h=H):
    d = tempfile.mkdtemp(dir=TMP)
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!", "decodebin",
                    "!", "videoconvert", "!", "video/x-raw,format=RGBA", "!", "multifilesink",
                    f"location={d}/f-%05d.raw"], check=True, timeout=300)
    frames = []
    for f in sorted(glob.glob(os.path.join(d, "f-*.raw"))):
        with open(f, "rb") as fh:
            data = fh.read()
        expect(len(data) == w * h * 4, f"frame size {len(data)}")
        frames.append(data)
    return frames


def rgba(frame, x, y, w=W):
    i = (y * w + x) * 4
    return tuple(frame[i:i + 4])


def caps_of(path):
    p = subprocess.run(["gst-discoverer-1.0", "-v", path], capture_output=True, text=True,
                       timeout=120)
    return p.stdout


def test_export_options_of_the_request():
    """An export request's fps, ratio and scale: 320x240 at 1:1 and 0.6 is 192x192 at 60 fps;
    the command line's --scale and --fps win; the red box keeps its place (top-left)."""
    request = {"editorState": two_solids(), "ratio": "1:1", "scale": 0.6, "fps": 60,
               "format": "mp4"}
    code, out, err = render_to(request, "request.mp4")
    expect(code == 0, err)
    frames = decode_rgba(out, 192, 192)
    expect(len(frames) == 60, f"{len(frames)} frames at 60 fps for 1 s")
    expect(near(rgba(frames[0], 35, 17, 192)[:3], RED), rgba(frames[0], 35, 17, 192))
    code, out, err = render_to(request, "request-override.mp4", "--scale", "1", "--fps", "30")
    expect(code == 0, err)
    frames = decode_rgba(out, 320, 320)
    expect(len(frames) == 30, f"{len(frames)} frames")
    # ratio custom with compositionWidth/Height: those sizes
    request.update({"ratio": "custom", "compositionWidth": 160, "compositionHeight": 120,
                    "scale": 1})
    code, out, err = render_to(request, "request-custom.mp4")
    expect(code == 0, err)
    expect(len(decode_rgba(out, 160, 120)) == 60, "custom size frames")


def test_webm_vp8():
    code, out, err = render_to(two_solids(), "vp8.webm", "--format", "webm-vp8")
    expect(code == 0, err)
    info = caps_of(out)
    expect("video/x-vp8" in info and "audio/x-opus" in info, info[-800:])
    frames = decode_rgba(out)
    expect(len(frames) == 30, f"{len(frames)} frames, want 30")
    for k, (x, y), want in ((5, (60, 30), RED), (5, (250, 150), GREEN), (20, (250, 150), BLUE),
                            (20, (300, 20), GREEN)):
        expect(near(rgba(frames[k], x, y)[:3], want), f"frame {k} ({x},{y}) = {rgba(frames[k], x, y)}")


def test_webm_alpha():
    for fmt, codec in (("webm", "video/x-vp9"), ("webm-vp8", "video/x-vp8")):
        code, out, err = render_to(no_background(two_solids()), f"alpha-{fmt}.webm", "--alpha",
                                   "--format", fmt)
        expect(code == 0, err)
        info = caps_of(out)
        expect(codec in info and "audio/x-opus" in info, info[-800:])
        frames = decode_rgba(out)
        expect(len(frames) == 30, f"{fmt}: {len(frames)} frames, want 30")
        for k in (2, 25):
            px = rgba(frames[k], 60, 30)
            expect(near(px[:3], RED) and px[3] > 240, f"{fmt} frame {k} under red: {px}")
            for x, y in ((300, 20), (10, 230), (160, 90)):
                px = rgba(frames[k], x, y)
                expect(px[3] < 16, f"{fmt} frame {k} ({x},{y}) empty but alpha {px[3]}")
        early, late = rgba(frames[5], 250, 150), rgba(frames[20], 250, 150)
        expect(early[3] < 16, f"{fmt}: blue box before 0.5 s: {early}")
        expect(near(late[:3], BLUE) and late[3] > 240, f"{fmt}: blue box at 0.67 s: {late}")


def test_none_background_opaque_outputs_are_black():
    """Without --alpha a none background stays black (flattened), as it always was."""
    code, out, err = render_to(no_background(two_solids()), "none.webm")
    expect(code == 0, err)
    frames = decode_rgba(out)
    expect(len(frames) == 30, len(frames))
    expect(near(rgba(frames[10], 300, 20)[:3], BLACK), f"background {rgba(frames[10], 300, 20)}")
    expect(near(rgba(frames[10], 60, 30)[:3], RED), f"red box {rgba(frames[10], 60, 30)}")


def test_alpha_usage_errors():
    code, out, err = render_to(no_background(two_solids()), "alpha.mp4", "--alpha")
    expect(code == 2 and "mp4 output has no alpha channel" in err, err)
    expect(not os.path.exists(out), "an mp4 was written")
    code, out, err = render_to(two_solids("#00ff00"), "alpha-green.webm", "--alpha")
    expect(code == 2 and "globalBackground to be none" in err, err)
    expect(not os.path.exists(out), "a webm was written")


def test_gif():
    code, out, err = render_to(two_solids(), "anim.gif")
    expect(code == 0, err)
    with open(out, "rb") as f:
        data = f.read()
    expect(data[:6] == b"GIF89a", data[:6])
    expect(b"NETSCAPE2.0\x03\x01\x00\x00" in data, "no loop-forever extension")
    im = Image.open(out)
    expect(im.size == (W, H), im.size)
    expect(im.n_frames == 30, f"{im.n_frames} frames, want 30")
    delays, colours = [], {}
    for k in range(im.n_frames):
        im.seek(k)
        delays.append(im.info["duration"])
        if k in (5, 20):
            colours[k] = im.convert("RGB")
    expect(sum(delays) == 1000, f"delays add up to {sum(delays)} ms")
    expect(set(delays) <= {30, 40}, f"delays {delays}")
    expect(delays[:6] == [30, 40, 30, 30, 40, 30], f"first delays {delays[:6]}")
    for k, (x, y), want in ((5, (60, 30), RED), (5, (250, 150), GREEN), (20, (250, 150), BLUE)):
        px = colours[k].getpixel((x, y))
        expect(near(px, want, 12), f"frame {k} ({x},{y}) = {px}")


def test_gif_60fps_and_width_cap():
    code, out, err = render_to(two_solids(), "anim60.gif", "--fps", "60")
    expect(code == 0, err)
    im = Image.open(out)
    delays = []
    for k in range(im.n_frames):
        im.seek(k)
        delays.append(im.info["duration"])
    expect(sum(delays) == 1000 and min(delays) >= 20, f"60 fps delays {delays}")
    expect(im.n_frames == 40, f"{im.n_frames} frames at 60 fps, want 40 (2 in 5 dropped)")
    big = two_solids()
    big["compositionWidth"], big["compositionHeight"] = 800, 600
    code, out, err = render_to(big, "big.gif")
    expect(code == 0, err)
    expect(Image.open(out).size == (640, 480), Image.open(out).size)
    code, out, err = render_to(big, "big-full.gif", "--gif-max-width", "0")
    expect(code == 0, err)
    expect(Image.open(out).size == (800, 600), Image.open(out).size)


def test_stills():
    # the blue box appears at 1 s; the timeline lasts 2 s
    doc = document([[solid("b", "#0000ff", 240000, 240000, 200, 100, 100, 100)],
                    [solid("r", "#ff0000", 0, 480000, 20, 10, 100, 50)]])
    for ext in ("png", "jpg"):
        tol = 12 if ext == "png" else 30
        for at, want in (("0.95", GREEN), ("1.0", BLUE), ("1.9", BLUE), ("0", GREEN)):
            code, out, err = render_to(doc, f"still-{at}.{ext}", "--frame-at", at)
            expect(code == 0, err)
            im = Image.open(out)
            expect(im.size == (W, H) and im.format == ("PNG" if ext == "png" else "JPEG"),
                   (im.size, im.format))
            im = im.convert("RGB")
            expect(near(im.getpixel((250, 150)), want, tol), f"{ext} at {at}: {im.getpixel((250, 150))}")
            expect(near(im.getpixel((60, 30)), RED, tol), f"{ext} at {at}: red {im.getpixel((60, 30))}")
    code, out, err = render_to(no_background(doc), "still-alpha.png", "--frame-at", "1.5",
                               "--alpha")
    expect(code == 0, err)
    im = Image.open(out)
    expect(im.mode == "RGBA", im.mode)
    expect(im.getpixel((300, 20))[3] == 0, f"empty: {im.getpixel((300, 20))}")
    expect(im.getpixel((250, 150))[3] == 255 and near(im.getpixel((250, 150))[:3], BLUE, 12),
           im.getpixel((250, 150)))
    code, _, err = render_to(doc, "late.png", "--frame-at", "2.5")
    expect(code == 2 and "past the end" in err, err)
    code, _, err = render_to(doc, "notstill.mp4", "--frame-at", "1")
    expect(code == 2 and "png and jpeg" in err, err)


def test_still_levels():
    # issue 15: stills carry the document's colours within 2 levels (JPEG was in video
    # levels, black 16 and white 235; PNG went through 8-bit YUV, #00ff00 -> 249)
    colours = ["#000000", "#ffffff", "#808080", "#ff0000", "#00ff00", "#0000ff", "#2563eb",
               "#c08040", "#3a7f5c", "#f4c7a1"]
    tracks = [[solid(f"s{i}", c, 0, 240000, (i % 5) * 64, (i // 5) * 120, 64, 120)]
              for i, c in enumerate(colours)]
    for background in ("#000000", "#336699"):
        doc = document(tracks, background)
        doc["compositionWidth"] = 352  # a strip of the background on the right
        for ext in ("png", "jpg"):
            code, out, err = render_to(doc, f"levels-{background[1:]}.{ext}", "--frame-at",
                                       "0.5")
            expect(code == 0, err)
            im = Image.open(out).convert("RGB")
            for i, c in enumerate(colours + [background]):
                want = tuple(int(c[k:k + 2], 16) for k in (1, 3, 5))
                x, y = ((i % 5) * 64 + 32, (i // 5) * 120 + 60) if i < len(colours) else (336, 120)
                got = im.getpixel((x, y))
                expect(near(got, want, 2), f"{ext} {c} on {background}: {got}")


def test_audio_only():
    tone = os.path.join(TMP, "tone.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=100", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={tone}"], check=True, timeout=60)
    # 2 s timeline (a solid), the tone from 0.5 s to 1.5 s
    doc = document([[media_item("m", "audio", "tone", 120000, 240000)],
                    [solid("s", "#ff0000", 0, 480000, 0, 0, 10, 10)]])
    doc["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": tone, "size": 1,
                              "mimeType": "audio/wav", "remoteUrl": None, "remoteKey": None,
                              "durationInSeconds": 2}}
    full = 0.5 * 32767 / 2 ** 0.5
    for ext, codec in (("mp3", "audio/mpeg, mpegversion=(int)1"),
                       ("m4a", "audio/mpeg, mpegversion=(int)4"),
                       ("aac", "stream-format=(string)adts")):
        code, out, err = render_to(doc, f"sound.{ext}")
        expect(code == 0, err)
        info = caps_of(out)
        expect(codec in info and "video" not in info.lower().replace("video/quicktime", ""),
               f"{ext}: {info[-600:]}")
        pcm = decode_audio(out, decoder=("decodebin",))
        seconds = len(pcm) / 48000
        expect(abs(seconds - 2.0) <= 0.05, f"{ext}: {seconds:.3f} s, want 2 +/- 0.05")
        level = 20 * math.log10(max(1e-9, rms(pcm, 0.7, 1.3)) / full)
        expect(abs(level) <= 1.0, f"{ext}: tone at {level:.2f} dB, want 0 +/- 1")
        expect(rms(pcm, 0.05, 0.4) < 100, f"{ext}: before the tone {rms(pcm, 0.05, 0.4)}")
        expect(rms(pcm, 1.65, 1.95) < 100, f"{ext}: after the tone {rms(pcm, 1.65, 1.95)}")


def test_extension_mapping():
    doc = two_solids()
    code, out, err = render_to(doc, "pic.JPEG")
    expect(code == 0, err)
    expect(Image.open(out).format == "JPEG", Image.open(out).format)
    code, out, err = render_to(doc, "pic.bin", "--format", "png")
    expect(code == 0, err)
    with open(out, "rb") as f:
        expect(f.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG")
    code, out, err = render_to(doc, "movie.xyz")
    expect(code == 2 and "cannot tell the format" in err and ".gif" in err, err)
    expect(not os.path.exists(out), "a file was written")
    code, out, err = render_to(doc, "movie.mp4", "--format", "avi")
    expect(code == 2 and "unknown output format" in err, err)
    code, out, err = render_to(doc, "cut.png", "--start", "0.5")
    expect(code == 2 and "one frame" in err, err)


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
