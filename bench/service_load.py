#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: requests per second and p99 latency of `jsontimeline serve` pinned to one core,
# measured with wrk on loopback: GET /v1/exports/{id} and POST /v1/editor/validate with a
# 10 KB document, against GET /healthz (no key, no work) measured in the same run.
# Aims (issue 7): >= 3000 and >= 1000 requests/s, p99 under 50 ms.
#   python3 bench/service_load.py [SECONDS]   (JTL_CLI: the jsontimeline binary)
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CLI = os.environ.get("JTL_CLI", os.path.join(os.path.dirname(__file__), "..", "build", "tools",
                                             "jsontimeline"))
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
KEY = "bench-key"


def start(tmp):
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write(KEY + "\n")
    proc = subprocess.Popen(["taskset", "-c", "0", CLI, "serve", "--listen", "127.0.0.1:0",
                             "--data-dir", os.path.join(tmp, "data"), "--keys-file", keys,
                             "--rate-limit", "0", "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = None
    for line in proc.stderr:
        if '"event":"listening"' in line:
            url = json.loads(line)["url"]
            break
    # the request log goes on: drain it
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, url


def document():
    """An editorState of about 10 KB: solids and texts on a few tracks."""
    def anim(v):
        return {"value": v, "keyframes": []}
    items, tracks = {}, []
    for t in range(3):
        ids = []
        for i in range(6):
            iid = f"t{t}i{i}"
            items[iid] = {"id": iid, "type": "solid", "color": "#336699", "shape": "rectangle",
                          "startTicks": i * 240000, "durationTicks": 240000,
                          "isDraggingInTimeline": False, "keepAspectRatio": False,
                          "top": anim(10 * i), "left": anim(20 * t), "width": anim(200),
                          "height": anim(100), "scaleX": anim(1), "scaleY": anim(1),
                          "opacity": anim(1), "borderRadius": anim(0), "rotation": anim(0)}
            ids.append(iid)
        tracks.append({"id": f"track{t}", "items": ids, "hidden": False, "muted": False})
    return {"compositionWidth": 1280, "compositionHeight": 720,
            "timebaseTicksPerSecond": 240000, "tracks": tracks, "assets": {}, "items": items,
            "transitions": {}, "globalBackground": {"type": "color", "color": "#000000",
                                                    "gradient": None}}


def wrk(url, script=None):
    args = ["wrk", "-t", "1", "-c", "16", "-d", f"{SECONDS}s", "--latency",
            "-H", f"x-api-key: {KEY}"]
    if script:
        args += ["-s", script]
    out = subprocess.run(["taskset", "-c", "1"] + args + [url], capture_output=True, text=True,
                         timeout=SECONDS + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, int(non2xx.group(1)) if non2xx else 0


def main():
    tmp = tempfile.mkdtemp(prefix="jtl-bench-serve-")
    proc, url = start(tmp)
    try:
        doc = document()
        body = json.dumps({"editorState": doc, "ratio": "16:9", "scale": 0.6, "fps": 30,
                           "format": "mp4"}).encode()
        req = urllib.request.Request(url + "/v1/exports", data=body, method="POST",
                                     headers={"x-api-key": KEY,
                                              "Content-Type": "application/json"})
        task = json.loads(urllib.request.urlopen(req).read())["data"]["taskId"]
        validate = os.path.join(tmp, "validate.lua")
        payload = json.dumps({"editorState": doc})
        with open(validate, "w") as f:
            f.write('wrk.method = "POST"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = {json.dumps(payload)}\n")
        print(f"jsontimeline serve on one core, wrk 16 connections, {SECONDS} s each")
        print(f"validate body {len(payload)} bytes")
        print(f"{'route':34} {'req/s':>9} {'p99 ms':>8} {'x ref':>7} {'errors':>7}")
        ref, ref_p99, _ = wrk(url + "/healthz")
        print(f"{'GET /healthz (reference)':34} {ref:9.0f} {ref_p99:8.2f} {1.0:7.2f} {0:7d}")
        for name, target, script in (("GET /v1/exports/{id}", f"/v1/exports/{task}", None),
                                     ("POST /v1/editor/validate", "/v1/editor/validate",
                                      validate)):
            rps, p99, errors = wrk(url + target, script)
            print(f"{name:34} {rps:9.0f} {p99:8.2f} {rps / ref:7.2f} {errors:7d}")
    finally:
        proc.terminate()
        proc.wait(60)


if __name__ == "__main__":
    main()
