#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every valid example of the Indream spec renders end to end: remote URLs are pointed at
# local fixtures (made here, by asset type) served over HTTP by this test, the document is
# rendered small, and the file has the timeline's frame count. Remote fetching itself:
# one request per URL per cache, a failing URL names the asset.
import glob
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.parse

from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, decode_frames  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

DATA = os.path.join(os.environ.get("JTL_TEST_DATA",
                                   os.path.join(os.path.dirname(__file__), "..", "data")),
                    "indream")
SERVED = os.path.join(TMP, "served")
os.makedirs(SERVED, exist_ok=True)
REQUESTS = []


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=SERVED, **kwargs)

    def do_GET(self):
        REQUESTS.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


SERVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=SERVER.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{SERVER.server_address[1]}"


def fixture(asset):
    """A local file standing in for the asset's remote file; its served name."""
    kind = asset["type"]
    name = f"{asset['id']}-{os.path.basename(urllib.parse.urlparse(asset['remoteUrl']).path)}"
    path = os.path.join(SERVED, name)
    w, h = int(asset.get("width", 64) or 64), int(asset.get("height", 64) or 64)
    w, h = max(2, min(w, 320)), max(2, min(h, 320))
    if kind == "image":
        Image.new("RGB", (w, h), (200, 40, 40)).save(path, format="PNG")
    elif kind == "gif":
        frames = [Image.new("RGB", (w, h), c) for c in ((255, 0, 0), (0, 0, 255))]
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                       duration=100, loop=0)
    elif kind in ("video", "audio"):
        secs = max(1, int(asset.get("durationInSeconds", 1) or 1))
        n = secs * 30
        pipe = (f"videotestsrc num-buffers={n} ! video/x-raw,width={w - w % 2},"
                f"height={h - h % 2},framerate=30/1 ! x264enc ! mp4mux name=m ! "
                f"filesink location={path} audiotestsrc num-buffers={secs * 43} ! "
                "audioconvert ! avenc_aac ! m.")
        subprocess.run(["gst-launch-1.0", "-q"] + pipe.split(), check=True, timeout=120)
    else:
        with open(path, "wb") as f:
            f.write(b"{}")
    return name


def localise(doc):
    for asset in doc.get("assets", {}).values():
        url = asset.get("remoteUrl")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            asset["remoteUrl"] = f"{BASE}/{fixture(asset)}"
    bg = doc.get("globalBackground") or {}
    if str(bg.get("imageUrl", "")).startswith(("http://", "https://")):
        bg["imageUrl"] = f"{BASE}/" + fixture({"id": "background", "type": "image",
                                               "remoteUrl": bg["imageUrl"]})
    return doc


def test_every_valid_example_renders():
    examples = sorted(glob.glob(os.path.join(DATA, "editor-state.valid*.json")))
    expect(len(examples) >= 6, f"{examples}")
    cache = os.path.join(TMP, "cache-examples")
    for src in examples:
        with open(src) as f:
            doc = localise(json.load(f))
        name = os.path.basename(src)[:-5]
        path = os.path.join(TMP, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f)
        out = os.path.join(TMP, name + ".mp4")
        code, _, err = run("render", "-q", path, "-o", out, "--width", "320", "--height", "180",
                           env={"XDG_CACHE_HOME": cache}, timeout=300)
        expect(code == 0, f"{name}: {err}")
        end = max(i["startTicks"] + i["durationTicks"] for i in doc["items"].values())
        frames = decode_frames(out, 320, 180)
        # at least one frame, even for a timeline shorter than a frame
        want = max(1, round(end / 240000 * 30))
        expect(len(frames) == want, f"{name}: {len(frames)} frames, want {want}")


def test_remote_fetched_once_and_failures_name_the_asset():
    with open(os.path.join(DATA, "editor-state.valid.json")) as f:
        doc = localise(json.load(f))
    path = os.path.join(TMP, "remote.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    cache = os.path.join(TMP, "cache-once")
    url = doc["assets"]["asset-image-1"]["remoteUrl"]
    served = "/" + url.rsplit("/", 1)[1]
    before = REQUESTS.count(served)
    for i in range(2):
        code, _, err = run("render", "-q", path, "-o", os.path.join(TMP, f"once{i}.mp4"),
                           "--width", "160", "--height", "90", env={"XDG_CACHE_HOME": cache},
                           timeout=300)
        expect(code == 0, err)
    got = REQUESTS.count(served) - before
    expect(got == 1, f"{got} requests of {served}")
    # a URL that answers 404: the error names the asset and the status
    doc["assets"]["asset-image-1"]["remoteUrl"] = f"{BASE}/missing.png"
    with open(path, "w") as f:
        json.dump(doc, f)
    code, _, err = run("render", "-q", path, "-o", os.path.join(TMP, "404.mp4"),
                       "--cache-dir", os.path.join(TMP, "cache-404"), timeout=300)
    expect(code == 1 and "asset-image-1" in err and "404" in err, err)
    expect(not os.listdir(os.path.join(TMP, "cache-404")), "a partial file left in the cache")
    expect(not os.path.exists(os.path.join(TMP, "404.mp4")), "a file after a failure")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
