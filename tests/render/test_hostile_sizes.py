#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Hostile sizes: items far larger than the output, image bombs (a PNG of 30000 x 30000
# in under a megabyte), huge outputs under a memory limit, and what errors tell the user.
# Every render is bounded in time and memory; none may crash.
import json
import os
import resource
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from clitest import CLI, check, expect, finish  # noqa: E402
from test_render import (GREEN, RED, TMP, decode_frames, document, image_asset,  # noqa: E402
                         image_item, near, pixel, solid, text_item)

SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("UBSAN_OPTIONS"))


def render(doc, name, *opts, memory_mib=3072):
    """Renders doc under an address-space limit (as the service's --render-memory does; not
    under the sanitizers, which reserve terabytes of it): a runaway allocation fails the
    test instead of taking the machine's memory. Returns (exit code, output, stderr)."""
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name + ".mp4")

    def limit():
        if memory_mib and not SANITIZED:
            n = memory_mib << 20
            resource.setrlimit(resource.RLIMIT_AS, (n, n))
    p = subprocess.run([CLI, "render", "-q", src, "-o", out, *opts], capture_output=True,
                       timeout=300, preexec_fn=limit)
    err = p.stderr.decode("utf-8", "replace")
    expect(0 <= p.returncode <= 2, f"{name}: crashed or bad exit {p.returncode}: {err[-2000:]}")
    return p.returncode, out, err


def png_bomb(path, w, h):
    """A grey PNG of w x h black pixels in a few hundred KB: one deflate run of rows,
    flushed to a byte boundary and repeated (the zlib check sum of zeros is computed)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    row = b"\0" * (w + 1)
    per = max(1, (4 << 20) // len(row))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(row * per) + co.flush(zlib.Z_FULL_FLUSH)
    rest = co.compress(row * (h % per)) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.flush(zlib.Z_FINISH)
    adler = ((len(row) * h) % 65521) << 16 | 1
    idat = b"\x78\xda" + block * (h // per) + rest + end + struct.pack(">I", adler)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def test_png_bomb_as_item():
    """30000 x 30000 pixels (3.6 GB decoded) in an 876 KB file: refused before decoding,
    naming the item and its asset; the render ends at once with exit 1."""
    png_bomb(os.path.join(TMP, "bomb.png"), 30000, 30000)
    doc = document([[image_item("bomb", "a-bomb", 0, 0, 100, 100)]])
    doc["assets"] = {"a-bomb": image_asset("a-bomb", "bomb.png", "image/png", 30000, 30000)}
    code, out, err = render(doc, "png-bomb")
    expect(code == 1, f"exit {code}: {err[-500:]}")
    expect("/items/bomb" in err and "a-bomb" in err and "30000" in err, err)
    expect(TMP not in err, f"a server path in the error: {err}")


def test_png_bomb_as_background():
    png_bomb(os.path.join(TMP, "bomb-bg.png"), 30000, 30000)
    doc = document([[solid("s", "#ff0000", 0, 48000, 0, 0, 10, 10)]])
    doc["globalBackground"] = {"type": "image", "imageAssetId": None,
                               "imageUrl": "bomb-bg.png", "source": "custom"}
    code, out, err = render(doc, "png-bomb-bg")
    expect(code == 1, f"exit {code}: {err[-500:]}")
    expect("/globalBackground/imageUrl" in err and "30000" in err, err)


def test_large_image_downscaled_on_load():
    """A 4000 x 3000 PNG (within the budget) shown in a 100 x 100 box: decoded at about
    the box's size, drawn right."""
    png_bomb(os.path.join(TMP, "big.png"), 4000, 3000)
    doc = document([[image_item("big", "a-big", 10, 10, 100, 100, keep=False)]])
    doc["assets"] = {"a-big": image_asset("a-big", "big.png", "image/png", 4000, 3000)}
    code, out, err = render(doc, "big-image")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 60, 60), (0, 0, 0)), f"image {pixel(f, 60, 60)}")
    expect(near(pixel(f, 200, 60), GREEN), f"background {pixel(f, 200, 60)}")


def test_huge_solid_covering_the_frame():
    """A 100000 x 100000 solid over the whole output (it aborted with "malloc(): corrupted
    top size"): drawn cut to the output, the frame red all over."""
    doc = document([[solid("huge", "#ff0000", 0, 48000, -50000, -50000, 100000, 100000)]])
    code, out, err = render(doc, "huge-solid")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    for x, y in ((1, 1), (160, 120), (318, 238)):
        expect(near(pixel(f, x, y), RED), f"({x},{y}) {pixel(f, x, y)}")


def test_solid_scaled_a_million_times():
    """scaleX 1e6 (9.8 GB before): the visible part only; a half-covering solid keeps its
    edge where the box says."""
    s = solid("wide", "#ff0000", 0, 48000, 160, 0, 10, 240)
    s["scaleX"] = {"value": 1e6, "keyframes": []}  # 10 million pixels wide
    s["left"] = {"value": 160 + (1e7 - 10) / 2, "keyframes": []}  # left edge at x = 160
    code, out, err = render(document([[s]]), "scale-million")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 100, 120), GREEN), f"left of the edge {pixel(f, 100, 120)}")
    expect(near(pixel(f, 220, 120), RED), f"right of the edge {pixel(f, 220, 120)}")


def test_huge_text_refused_with_its_pointer():
    """A 24000 x 24000 text item (it asked for 18446744071718584479 bytes): refused before
    a frame is drawn, naming the item, with exit 1."""
    t = text_item("big-text", "Hello", 0, 48000, -12000, -12000, 24000, 24000)
    code, out, err = render(document([[t]]), "huge-text")
    expect(code == 1, f"exit {code}: {err[-500:]}")
    expect("/items/big-text" in err and "too large" in err, err)
    expect(not os.path.exists(out), "an output was left")


def test_far_away_item_is_hidden():
    """A large text box far outside the output shows nothing and costs nothing."""
    doc = document([[solid("away", "#ff0000", 0, 48000, 1e7, 1e7, 1e6, 1e6, shape="circle")]])
    code, out, err = render(doc, "far-away")
    expect(code == 0, err)
    expect(near(pixel(decode_frames(out)[3], 160, 120), GREEN), "background")


def test_errors_name_no_server_detail():
    """Errors carry the item's pointer and the user's own file name, not the server's
    directories nor GStreamer's source locations; a huge font name is not echoed whole."""
    doc = document([[image_item("pic", "a-pic", 0, 0, 100, 100)]])
    doc["assets"] = {"a-pic": image_asset("a-pic", "no-such.png", "image/png", 10, 10)}
    code, out, err = render(doc, "missing-image")
    expect(code == 1 and "/items/pic" in err and "no-such.png" in err, err)
    for leak in (TMP, ".cpp(", ".c(", "GstPipeline"):
        expect(leak not in err, f"{leak!r} in {err!r}")
    font = "F" * 200000
    t = text_item("t", "Hi", 0, 48000, 0, 0, 200, 100, fontFamily=font)
    code, out, err = render(document([[t]]), "long-font")
    expect(code == 0, err[-500:])
    expect(font[:100] in err and font[:101] not in err and len(err) < 4000,
           f"{len(err)} bytes of warnings: {err[:300]!r}")


def test_output_too_large_for_the_memory_limit():
    """Scale 8 of 320 x 240 (2560 x 1920) under 1100 MiB of address space, as scale 8 of
    1920 x 1080 under the service's 8 GiB was ("render crashed (signal 5)"): refused before
    it starts, saying how much it needs; at 3 GiB it renders."""
    doc = document([[solid("s", "#ff0000", 0, 24000, 10, 10, 50, 50)]])
    if not SANITIZED:
        code, out, err = render(doc, "scale8-small-limit", "--scale", "8", memory_mib=1100)
        expect(code == 1 and "2560 x 1920" in err and "MiB" in err, f"exit {code}: {err}")
    code, out, err = render(doc, "scale8", "--scale", "8")
    expect(code == 0, err)


def test_gif_of_too_many_pixels():
    """A 41-byte GIF whose screen is 12000 x 12000 (each frame decodes to 576 MB): refused
    from its header, naming the item."""
    path = os.path.join(TMP, "wide-screen.gif")
    with open(path, "wb") as f:
        f.write(b"GIF89a" + struct.pack("<HH", 12000, 12000) + b"\x80\x00\x00" +
                b"\x00\x00\x00\xff\xff\xff" + b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) +
                b"\x00\x02\x02\x44\x01\x00\x3b")
    item = solid("g", "#000000", 0, 24000, 0, 0, 100, 100)
    del item["color"], item["shape"]
    item.update({"type": "gif", "assetId": "gif", "keepAspectRatio": False,
                 "gifStartFromInSeconds": 0, "playbackRate": 1})
    doc = document([[item]])
    doc["assets"]["gif"] = {"id": "gif", "type": "gif", "filename": "wide-screen.gif",
                            "size": 41, "remoteUrl": None, "remoteKey": None,
                            "mimeType": "image/gif", "width": 32, "height": 32,
                            "durationInSeconds": 0.4, "loopBehavior": "loop"}
    code, out, err = render(doc, "gif-pixels")
    expect(code == 1 and "12000" in err and "/items/g" in err, f"exit {code}: {err[-500:]}")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
