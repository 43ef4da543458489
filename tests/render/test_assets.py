#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The asset policy end to end: with --asset-root, every file a render reads (an item's
# asset, the background's imageUrl, the images a Lottie names) is inside the root; outside
# or missing reads the same, names the JSON pointer and the reference, never a server path.
import base64
import json
import os
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, W, H, document, near, pixel, solid  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

ROOT = os.path.join(TMP, "root")
OUTSIDE = os.path.join(TMP, "outside")
RED, BLUE, BLACK = (255, 0, 0), (0, 0, 255), (0, 0, 0)
REFUSED = "is not a file in the asset directory"


def png(path, rgb, w=8, h=8):
    """A w x h PNG of one colour, written with zlib."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)
    return data


def setup():
    for d in (ROOT, os.path.join(ROOT, "img"), OUTSIDE):
        os.makedirs(d, exist_ok=True)
    png(os.path.join(ROOT, "img", "red.png"), RED)
    png(os.path.join(OUTSIDE, "secret.png"), BLUE)


def render_frame(doc, name, *opts):
    """Renders frame 0 of doc (written inside the root, so relative paths resolve there)
    with --asset-root ROOT; returns (exit code, RGB bytes or None, stderr)."""
    src = os.path.join(ROOT, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name + ".png")
    code, _, err = run("render", "-q", src, "-o", out, "--asset-root", ROOT, *opts, timeout=120)
    if code != 0:
        expect(not os.path.exists(out), "an output was left")
        return code, None, err
    raw = subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={out}", "!", "pngdec",
                          "!", "videoconvert", "!", "video/x-raw,format=RGB", "!", "fdsink"],
                         check=True, capture_output=True, timeout=60).stdout
    expect(len(raw) == W * H * 3, f"frame of {len(raw)} bytes")
    return code, raw, err


def background_doc(url):
    doc = document([[solid("s", "#000000", 0, 48000, 0, 0, 1, 1, opacity=0)]])
    doc["globalBackground"] = {"type": "image", "imageAssetId": None, "imageUrl": url,
                               "source": "custom"}
    return doc


def refused(err, pointer, reference):
    """The refusal as a client sees it: the pointer and the reference, nothing resolved."""
    expect(pointer in err, f"no {pointer} in {err!r}")
    # the render names no directory of the machine: a reference inside the document's own
    # directory shows without it
    shown = (reference, reference.replace(TMP + "/", ""))
    expect(any(f'"{r}" {REFUSED}' in err for r in shown),
           f"no refusal of {reference!r} in {err!r}")
    leftover = err.replace(shown[0], "REF").replace(shown[1], "REF")
    expect(TMP not in leftover, f"a server path in {err!r}")
    return leftover


def test_background_image_url():
    """globalBackground.imageUrl is read through the root like any asset (issue 14, 3)."""
    code, frame, err = render_frame(background_doc("img/red.png"), "bg-inside")
    expect(code == 0, err)
    expect(near(pixel(frame, W // 2, H // 2), RED), f"background {pixel(frame, W // 2, H // 2)}")
    secret = os.path.join(OUTSIDE, "secret.png")
    answers = []
    for name, url in (("rel", "../outside/secret.png"), ("abs", secret),
                      ("uri", "file://" + secret), ("missing", "../outside/nothing.png"),
                      ("missing-abs", os.path.join(OUTSIDE, "nothing.png"))):
        code, frame, err = render_frame(background_doc(url), "bg-" + name)
        expect(code == 1, f"{url}: exit {code}, {err}")
        answers.append(refused(err, "/globalBackground/imageUrl", url))
    # outside and missing read the same: no existence oracle
    expect(len(set(answers)) == 1, f"answers differ: {answers}")


def test_undecodable_inside():
    """A file inside the root that cannot be decoded: the decoder's words, with the
    reference in place of the server's path."""
    with open(os.path.join(ROOT, "img", "broken.gif"), "wb") as f:
        f.write(b"GIF89a this is not a picture")
    item = solid("g", "#000000", 0, 48000, 0, 0, W, H)
    for key in ("color", "shape"):
        del item[key]
    item.update({"type": "gif", "assetId": "gif", "keepAspectRatio": False,
                 "gifStartFromInSeconds": 0, "playbackRate": 1})
    doc = document([[item]])
    doc["assets"]["gif"] = {"id": "gif", "type": "gif", "filename": "img/broken.gif",
                            "size": 100, "remoteUrl": None, "remoteKey": None,
                            "mimeType": "image/gif", "width": 32, "height": 32,
                            "durationInSeconds": 0.4, "loopBehavior": "loop"}
    code, _, err = render_frame(doc, "gif-broken")
    expect(code == 1 and "/items/g" in err and '"img/broken.gif"' in err, err)
    expect(TMP not in err, f"a server path in {err!r}")


def test_item_file_uri():
    """An image item's file:// URI outside the root: the same refusal, at its pointer."""
    item = solid("i", "#000000", 0, 48000, 0, 0, W, H)
    for key in ("color", "shape"):
        del item[key]
    item.update({"type": "image", "assetId": "a", "keepAspectRatio": False})
    doc = document([[item]])
    uri = "file://" + os.path.join(OUTSIDE, "secret.png")
    doc["assets"] = {"a": {"id": "a", "type": "image", "filename": "x.png", "size": 1,
                           "mimeType": "image/png", "remoteUrl": uri, "remoteKey": None,
                           "width": 8, "height": 8}}
    code, _, err = render_frame(doc, "item-uri")
    expect(code == 1, err)
    refused(err, "/assets/a/remoteUrl", uri)


def lottie(u, p):
    """A 16 x 16 Lottie of one image layer showing the image asset u + p."""
    return {"v": "5.5.2", "fr": 10, "ip": 0, "op": 10, "w": 16, "h": 16,
            "assets": [{"id": "img", "w": 8, "h": 8, "u": u, "p": p, "e": 0}],
            "layers": [{"ddd": 0, "ind": 1, "ty": 2, "refId": "img", "sr": 1,
                        "ks": {"o": {"a": 0, "k": 100}, "r": {"a": 0, "k": 0},
                               "p": {"a": 0, "k": [8, 8, 0]}, "a": {"a": 0, "k": [4, 4, 0]},
                               "s": {"a": 0, "k": [200, 200, 100]}},
                        "ip": 0, "op": 10, "st": 0, "bm": 0}]}


def lottie_doc(filename, resource=None):
    item = solid("l", "#000000", 0, 48000, 0, 0, W, H)
    for key in ("color", "shape", "borderRadius"):
        del item[key]
    item.update({"type": "lottie", "assetId": "lot", "keepAspectRatio": False,
                 "lottieStartFromInSeconds": 0, "playbackRate": 1})
    doc = document([[item]], background="#000000")
    doc["assets"]["lot"] = {"id": "lot", "type": "lottie", "filename": filename, "size": 100,
                            "remoteUrl": None, "remoteKey": None,
                            "mimeType": "application/json", "width": 16, "height": 16,
                            "durationInSeconds": 1, "resourceType": "lottie",
                            "resourceJson": resource}
    return doc


def test_lottie_images():
    """A Lottie's images: beside it inside the root drawn; "u"/"p" leading outside refused
    (rlottie never opens them); JSON in the document: data: images only (issue 14, 4)."""
    path = os.path.join(ROOT, "anim.json")
    with open(path, "w") as f:
        json.dump(lottie("img/", "red.png"), f)
    code, frame, err = render_frame(lottie_doc("anim.json"), "lottie-inside")
    expect(code == 0, err)
    expect(near(pixel(frame, W // 2, H // 2), RED), f"lottie image {pixel(frame, W // 2, H // 2)}")
    rel = os.path.relpath(OUTSIDE, ROOT)
    for u, p in (("../outside/", "secret.png"), ("", "../outside/secret.png"),
                 ("/", os.path.join(OUTSIDE, "secret.png")[1:]),
                 ("img/../" + rel + "/", "secret.png")):
        with open(path, "w") as f:
            json.dump(lottie(u, p), f)
        code, frame, err = render_frame(lottie_doc("anim.json"), "lottie-outside")
        expect(code == 1, f"{u}{p}: exit {code}, {err}")
        expect('"lot"' in err and "/items/l" in err, err)
        refused(err, "/items/l", u + p)
    # inline resourceJson: a path is refused, an embedded image drawn
    code, _, err = render_frame(lottie_doc("anim.json", lottie("../outside/", "secret.png")),
                                "lottie-inline-path")
    expect(code == 1 and "is not embedded" in err, err)
    with open(os.path.join(ROOT, "img", "red.png"), "rb") as f:
        data = "data:image/png;base64," + base64.b64encode(f.read()).decode()
    code, frame, err = render_frame(lottie_doc("anim.json", lottie("", data)), "lottie-inline")
    expect(code == 0, err)
    expect(near(pixel(frame, W // 2, H // 2), RED), f"inline {pixel(frame, W // 2, H // 2)}")


setup()
check("background imageUrl inside the asset root", test_background_image_url)
check("an undecodable file inside the root: no server path", test_undecodable_inside)
check("an item's file:// URI outside the root", test_item_file_uri)
check("Lottie images inside the root only", test_lottie_images)
finish()
