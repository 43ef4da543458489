# SPDX-License-Identifier: LGPL-2.1-or-later
# jsontimeline serve: the HTTP routes as a client sees them (status, JSON, errorCode, headers).
import copy
import hashlib
import hmac
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import zlib

CLI = os.environ.get("JTL_CLI", "build/tools/jsontimeline")
DATA = os.environ.get("JTL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
INDREAM = os.path.join(DATA, "indream")
KEY1, KEY2, KEY3 = "test-key-one", "test-key-two", "test-key-three"

_passed = 0
_failed = 0


def check(name, fn):
    global _passed, _failed
    try:
        fn()
        _passed += 1
        print(f"ok - {name}", flush=True)
    except Exception as e:  # noqa: BLE001 - report every failure, keep going
        _failed += 1
        print(f"FAIL - {name}: {type(e).__name__}: {e}", flush=True)
        tb = traceback.extract_tb(e.__traceback__)
        print("  at " + ", ".join(f"line {f.lineno}" for f in tb[1:]), flush=True)


def check_stops(server):
    """The check every suite ends its main server with: SIGTERM, exit status 0."""
    def stop():
        status = server.stop()
        assert status == 0, f"exit status {status}"
    check("SIGTERM stops the server", stop)


def summary():
    """Prints the TAP-like total; the exit status of the suite."""
    print(f"# {_passed} passed, {_failed} failed")
    return 1 if _failed else 0


class Server:
    """A `jsontimeline serve` on a free port with its own data directory."""

    def __init__(self, data_dir, keys_file=None, extra=(), preexec_fn=None):
        args = [CLI, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--workers", "2",
                *extra]
        if "--rate-limit" not in extra:
            args += ["--rate-limit", "0"]  # polling tests; the limit has its own check
        if "--sync-rate-limit" not in extra:
            args += ["--sync-rate-limit", "0"]
        if "libasan" in os.environ.get("LD_PRELOAD", ""):
            # AddressSanitizer reserves terabytes of address space: no RLIMIT_AS for it
            args += ["--render-memory", "0"]
        if keys_file:
            args += ["--keys-file", keys_file]
        # the sanitizer runtime preloaded for Python (a sanitized build) is not for the
        # server's children: a stand-in render script is plain sh
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, preexec_fn=preexec_fn)
        self.lines = []
        self.url = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line)
                if '"event":"listening"' in line:
                    self.url = json.loads(line)["url"]
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(60) or not self.url:
            self.proc.kill()
            raise AssertionError(f"server did not start: {''.join(self.lines)[-2000:]}")

    def stop(self):
        """SIGTERM: returns the exit status once it has stopped."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)

    def events(self, name):
        return [json.loads(l) for l in list(self.lines) if f'"event":"{name}"' in l]


def request(server, method, path, body=None, key=KEY1, headers=None, raw=None):
    """Returns (status, headers, body bytes)."""
    url = path if path.startswith("http") else server.url + path
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    if key:
        req.add_header("x-api-key", key)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def call(server, method, path, body=None, **kw):
    status, headers, data = request(server, method, path, body, **kw)
    return status, headers, json.loads(data) if data else None


def expect_problem(got, status, code):
    st, headers, body = got
    if isinstance(body, bytes):
        body = json.loads(body)
    assert st == status, f"status {st}, expected {status}: {body}"
    assert headers.get("Content-Type", "").startswith("application/problem+json"), headers
    for m in ("type", "title", "status", "detail", "errorCode"):
        assert m in body, f"problem without {m}: {body}"
    assert body["status"] == status and body["errorCode"] == code, body
    return body


def tiny(text="Hi", seconds=0.5):
    """A CreateExportRequest for a tiny 160x120 document."""
    return {
        "editorState": {
            "timebaseTicksPerSecond": 240000, "compositionWidth": 160, "compositionHeight": 120,
            "outputRatio": "custom", "globalBackground": {"type": "none"},
            "tracks": [{"id": "t1", "items": ["i1"], "hidden": False, "muted": False}],
            "assets": {}, "transitions": {}, "deletedAssets": [],
            "items": {"i1": {
                "id": "i1", "type": "text", "text": text, "color": "#ffffff", "top": 30,
                "left": 20, "width": 120, "height": 40, "align": "center", "opacity": 1,
                "rotation": 0, "fontFamily": "Roboto", "fontSize": 24, "lineHeight": 1.2,
                "letterSpacing": 0, "resizeOnEdit": True, "direction": "ltr",
                "fontStyle": {"variant": "normal", "weight": "400"},
                "isDraggingInTimeline": False, "strokeWidth": 0, "strokeColor": "#000000",
                "background": None, "startTicks": 0,
                "durationTicks": int(seconds * 240000)}},
        },
        "fps": 30, "ratio": "custom", "scale": 1, "format": "mp4",
    }


def missing_asset_request():
    r = tiny()
    es = r["editorState"]
    es["assets"]["photo-missing"] = {
        "id": "photo-missing", "type": "image", "filename": "missing-photo.png", "size": 1024,
        "remoteUrl": "file:///nonexistent/jtl-test/missing-photo.png", "remoteKey": None,
        "mimeType": "image/png", "width": 160, "height": 120}
    es["tracks"][0]["items"].append("img")
    prop = lambda v: {"value": v, "keyframes": []}  # noqa: E731
    es["items"]["img"] = {
        "id": "img", "type": "image", "assetId": "photo-missing", "startTicks": 120000,
        "durationTicks": 120000, "top": prop(0), "left": prop(0), "width": prop(160),
        "height": prop(120), "scaleX": prop(1), "scaleY": prop(1), "opacity": prop(1),
        "isDraggingInTimeline": False, "borderRadius": prop(0), "rotation": prop(0),
        "keepAspectRatio": True}
    return r


def png(width, height):
    """A red RGB PNG, written here."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def wait_final(server, task_id, key=KEY1, timeout=120):
    """Polls GET /v1/exports/{id} until COMPLETED or FAILED; returns the task and the
    progress values seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st, _, body = call(server, "GET", f"/v1/exports/{task_id}", key=key)
        assert st == 200, body
        t = body["data"]
        seen.append(t["progress"])
        assert 0.0 <= t["progress"] <= 1.0, t
        if t["status"] in ("COMPLETED", "FAILED"):
            return t, seen
        assert t["status"] in ("PENDING", "PROCESSING"), t
        time.sleep(0.05)  # polling, as a client does
    raise AssertionError(f"task {task_id} not finished after {timeout} s")


def children_of(pid):
    """The ids of a process's children, from /proc (no tool: under a sanitized build the
    test's environment preloads ASan, which hangs ordinary programs such as pgrep)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def create(server, body, key=KEY1, headers=None):
    return call(server, "POST", "/v1/exports", body, key=key, headers=headers)


def main():
    tmp = tempfile.mkdtemp(prefix="jtl-serve-")
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write(f"# test keys\n{KEY1} whsec-one\n\n{KEY2}\n{KEY3}\n")
    data = os.path.join(tmp, "data")
    operator = os.path.join(tmp, "metrics-token")
    with open(operator, "w") as f:
        f.write("operator-token-0123456789\n")
    s = Server(data, keys, ["--max-upload-bytes", "100000", "--metrics-token-file", operator])
    state = {}

    def help_lists_options():
        p = subprocess.run([CLI, "serve", "--help"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        for opt in ("--listen", "--data-dir", "--keys-file", "--workers", "--allow-host",
                    "--max-active", "--rate-limit", "--retention", "--render-memory",
                    "--render-timeout-max", "--max-connections", "--header-timeout",
                    "--idle-timeout", "--metrics-token-file"):
            assert opt in p.stdout, p.stdout
        p = subprocess.run([CLI, "serve", "extra"], capture_output=True, text=True)
        assert p.returncode == 2 and "no arguments expected" in p.stderr, p.stderr
        for bad in ("--workers=-1", "--download-ttl=0", "--rate-limit=-1",
                    "--sync-rate-limit=-1", "--max-active=-1", "--retention=-0.5",
                    "--render-timeout-base=0", "--header-timeout=0", "--idle-timeout=0",
                    "--max-connections=-1"):
            p = subprocess.run([CLI, "serve", bad], capture_output=True, text=True)
            assert p.returncode == 2 and bad.split("=")[0] + " must be a number from" in p.stderr, \
                (bad, p.stderr)
        # zero set-up: a data directory here and a generated key, printed
        here = os.path.join(tmp, "zero")
        os.makedirs(here)
        z = subprocess.Popen([CLI, "serve", "--listen", "127.0.0.1:0"], cwd=here,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = z.stdout.readline()
            assert line.startswith("API key"), line
            key = line.rsplit(" ", 1)[1].strip()
            url = None
            for l in z.stderr:
                if '"event":"listening"' in l:
                    url = json.loads(l)["url"]
                    break
            threading.Thread(target=lambda: [None for _ in z.stderr], daemon=True).start()
            assert os.path.isdir(os.path.join(here, "jsontimeline-data")), os.listdir(here)
            req = urllib.request.Request(url + "/v1/editor/capabilities",
                                         headers={"x-api-key": key})
            assert urllib.request.urlopen(req, timeout=30).status == 200
        finally:
            z.send_signal(signal.SIGTERM)
            assert z.wait(60) == 0
        bad_keys = os.path.join(tmp, "bad-keys")
        with open(bad_keys, "w") as f:
            f.write("one two three\n")
        for extra, words in ((["--keys-file", bad_keys], "bad-keys:1"),
                             (["--keys-file", keys, "--listen", "nowhere"], "HOST:PORT")):
            p = subprocess.run([CLI, "serve", "--data-dir", os.path.join(tmp, "bad"), *extra],
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == 2 and words in p.stderr, (extra, p.stderr)

    def healthz_without_key():
        st, _, body = call(s, "GET", "/healthz", key=None)
        assert st == 200 and body == {"status": "ok"}, body

    def unauthorized():
        for key in (None, "wrong-key", KEY1 + "x", ""):
            for method, path in (("GET", "/v1/editor/capabilities"), ("GET", "/v1/exports"),
                                 ("POST", "/v1/exports"), ("GET", "/metrics"),
                                 ("GET", "/openapi.yaml")):
                expect_problem(call(s, method, path, {} if method == "POST" else None,
                                    key=key), 401, "OPEN_API_KEY_INVALID")

    def capabilities():
        st, headers, body = call(s, "GET", "/v1/editor/capabilities")
        assert st == 200 and headers["Content-Type"].startswith("application/json"), st
        assert set(body) == {"data", "meta"}, body.keys()
        for m in ("version", "animations", "captionAnimations", "transitions", "effects",
                  "filters", "shapes", "backgroundPresets"):
            assert m in body["data"], m
        state["capver"] = body["data"]["version"]

    def validate_examples():
        valid = [f for f in os.listdir(INDREAM) if f.startswith("editor-state.valid")]
        invalid = [f for f in os.listdir(INDREAM) if f.startswith("editor-state.invalid")]
        assert len(valid) >= 3 and len(invalid) >= 3
        for name in valid + invalid:
            with open(os.path.join(INDREAM, name), "rb") as f:
                doc = json.load(f)
            body = doc if "editorState" in doc else {"editorState": doc}
            st, _, r = call(s, "POST", "/v1/editor/validate", body)
            assert st == 200, (name, r)
            assert r["meta"]["capabilitiesVersion"] == state["capver"], r["meta"]
            d = r["data"]
            assert set(d) == {"valid", "errors"}, d
            if name in valid:
                assert d["valid"] is True and d["errors"] == [], (name, d)
            else:
                assert d["valid"] is False and d["errors"], (name, d)
                for e in d["errors"]:
                    assert set(e) == {"code", "path", "message"}, e
                    # pointers into the editorState the client sent
                    assert e["path"] == "" or e["path"].startswith("/"), e
                    assert not e["path"].startswith("/editorState"), e
        # the same as the CLI finds in the document alone, paths and all
        name = "editor-state.invalid.transition.json"
        with open(os.path.join(INDREAM, name), "rb") as f:
            doc = json.load(f)
        r = call(s, "POST", "/v1/editor/validate", {"editorState": doc})[2]["data"]
        assert {"code": "EDITOR_TRANSITION_TYPE_INVALID",
                "path": "/transitions/transition-1/type"} in \
            [{k: e[k] for k in ("code", "path")} for e in r["errors"]], r
        # what the parse finds is reported too, at its place in the editorState
        raw = json.dumps({"editorState": tiny()["editorState"]}).replace(
            '"compositionWidth": 160', '"compositionWidth": 123456789012345678901234')
        r = json.loads(request(s, "POST", "/v1/editor/validate", raw=raw.encode())[2])
        assert not r["data"]["valid"] and {"code": "EDITOR_NUMBER_OUT_OF_RANGE",
                                           "path": "/compositionWidth"} in \
            [{k: e[k] for k in ("code", "path")} for e in r["data"]["errors"]], r

    def validate_bad_bodies():
        expect_problem(request(s, "POST", "/v1/editor/validate", raw=b"{not json"), 400,
                       "OPEN_API_INVALID_JSON")
        p = expect_problem(call(s, "POST", "/v1/editor/validate", {"state": {}}), 400,
                           "OPEN_API_INVALID_REQUEST")
        assert "editorState" in p["detail"], p
        big = b'{"editorState":"' + b"x" * (33 * 1024 * 1024) + b'"}'
        expect_problem(request(s, "POST", "/v1/editor/validate", raw=big), 413,
                       "OPEN_API_PAYLOAD_TOO_LARGE")
        # thousands of errors: the first 1000 listed, all counted
        many = tiny()["editorState"]
        many["tracks"] += [5] * 999  # 1000 tracks: the budget (docs/limits.md)
        many["items"].update({f"x{i}": 5 for i in range(2500)})
        st, _, r = call(s, "POST", "/v1/editor/validate", {"editorState": many})
        assert st == 200 and not r["data"]["valid"] and len(r["data"]["errors"]) == 1000, st
        assert r["meta"]["errorCount"] >= 3499, r["meta"]
        assert all(e["path"].startswith(("/tracks/", "/items/x")) for e in r["data"]["errors"]), \
            r["data"]["errors"][0]
        st, _, r = call(s, "POST", "/v1/editor/validate", tiny())
        assert r["data"] == {"valid": True, "errors": []} and r["meta"]["errorCount"] == 0, r
        expect_problem(call(s, "GET", "/v1/editor/validate"), 405, "OPEN_API_METHOD_NOT_ALLOWED")
        expect_problem(call(s, "GET", "/v1/nothing"), 404, "OPEN_API_NOT_FOUND")

    def hostile_bodies():
        """Every route that reads a JSON body answers broken, mistyped, deep, odd and huge
        bodies with a 400, 413 or 422 problem, never a 500, and keeps serving."""
        st, _, r = call(s, "POST", "/v1/projects", {"editorState": tiny()["editorState"]})
        pid = r["data"]["projectId"]
        routes = [("POST", "/v1/editor/validate"), ("POST", "/v1/exports"),
                  ("POST", "/v1/projects"), ("PATCH", f"/v1/projects/{pid}"),
                  ("POST", f"/v1/projects/{pid}/sync"), ("POST", f"/v1/projects/{pid}/exports"),
                  ("POST", f"/v1/projects/{pid}/assets")]
        deep = b'{"editorState":' + b"[" * 100000 + b"]" * 100000 + b"}"
        deep_objects = b'{"editorState":' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}"
        bodies = [b"", b"{not json", b'{"editorState": {', b"[]", b'"text"', b"42", b"null",
                  b"\xff\xfe{}", b'{"editorState": "\x00"}', deep, deep_objects,
                  b'{"editorState": 1e999999}', b'{"editorState": -123456789012345678901234567890}',
                  b'{"editorState": [], "fps": {}, "ratio": [], "scale": "big"}',
                  b'{"editorState": {"tracks": 5, "items": [], "assets": "x"}}',
                  b'{"editorState": {}, "title": 7, "description": [], "assetId": {}}',
                  b'{"a": 1, "a": 2}', b"{" + b'"k": 0, ' * 20000 + b'"z": 1}',
                  b'{"editorState": "' + "\u00e9\U0001F600".encode() * 1000 + b'"}']
        for method, path in routes:
            for raw in bodies:
                st, headers, body = request(s, method, path, raw=raw)
                what = (method, path, raw[:40], st, body[:300])
                if st == 200 and path == "/v1/editor/validate":
                    r = json.loads(body)["data"]  # a JSON body with a wrong editorState
                    assert r["valid"] is False and r["errors"], what
                    assert all(e["path"] == "" or e["path"].startswith("/")
                               for e in r["errors"]), what
                    assert "inf" not in body.decode(), what
                    continue
                if st == 200 and method == "PATCH":  # an object naming no known member
                    assert not {"title", "description"} & set(json.loads(raw)), what
                    continue
                assert st in (400, 413, 422), what
                p = json.loads(body)
                assert p["status"] == st and p["errorCode"].startswith("OPEN_API_"), what
                assert headers.get("Content-Type", "").startswith(
                    "application/problem+json"), what
        assert call(s, "GET", "/healthz", key=None)[0] == 200

    def illustrations():
        st, _, body = call(s, "GET", "/v1/illustrations")
        assert st == 200 and len(body["data"]) >= 10 and body["meta"]["count"] == len(body["data"])
        st, _, body = call(s, "GET", "/v1/illustrations?q=" + urllib.parse.quote("arrow"))
        assert st == 200 and body["data"] and all("arrow" in n for n in body["data"]), body
        assert body["meta"]["q"] == "arrow", body
        expect_problem(call(s, "GET", "/v1/illustrations?q=" + "a" * 201), 400,
                       "OPEN_API_INVALID_REQUEST")

    def openapi():
        st, headers, raw = request(s, "GET", "/openapi.yaml")
        text = raw.decode()
        assert st == 200 and "yaml" in headers["Content-Type"], headers
        assert "openapi: 3.1.0" in text and "/v1/exports/{taskId}/download:" in text
        for route in ("/v1/projects:", "/v1/projects/{projectId}/exports:", "/v1/uploads:",
                      "/v1/assets/{assetId}/file:"):
            assert route in text, route

    def export_request_checks():
        cases = [("fps", 25, 422), ("fps", "30", 422), ("scale", 0.5, 422), ("scale", 9, 422),
                 ("ratio", "2:1", 422), ("format", "gif", 422), ("clientTaskId", "x" * 129, 422),
                 ("compositionWidth", 20, 422), ("callbackUrl", 5, 400)]
        for field, value, status in cases:
            body = tiny()
            body[field] = value
            p = expect_problem(create(s, body), status,
                               "OPEN_API_VALIDATION_FAILED" if status == 422
                               else "OPEN_API_INVALID_REQUEST")
            assert p["field"] == field and field in p["detail"], p
        body = tiny()
        del body["format"]
        p = expect_problem(create(s, body), 400, "OPEN_API_INVALID_REQUEST")
        assert p["field"] == "format", p
        body = tiny()
        body["editorState"]["items"]["i1"]["durationTicks"] = -5
        p = expect_problem(create(s, body), 422, "OPEN_API_EDITOR_STATE_INVALID")
        assert p["errors"] and p["errors"][0]["path"].startswith("/editorState/items/i1"), p

    def lifecycle():
        body = tiny("Life")
        body["callbackUrl"] = "https://example.com/hook"
        body["callbackHeaders"] = {"x-test": "1"}
        st, _, r = create(s, body, key=KEY2)
        assert st == 201, r
        d = r["data"]
        assert d["durationSeconds"] == 0.5 and d["billedStandardSeconds"] == 1, d
        assert d["projectId"] is None and d["createdAt"].endswith("Z"), d
        t, seen = wait_final(s, d["taskId"], key=KEY2)
        assert t["status"] == "COMPLETED", t
        assert t["progress"] == 1 and t["error"] is None and t["completedAt"], t
        assert t["callbackUrl"] == "https://example.com/hook", t
        assert seen == sorted(seen), f"progress went back: {seen}"
        url = t["outputUrl"]
        assert url.startswith(s.url + "/v1/exports/" + d["taskId"] + "/download?"), url
        # links point where the client reached the service
        st, _, other = call(s, "GET", f"/v1/exports/{d['taskId']}", key=KEY2,
                            headers={"Host": "video.example:8443"})
        assert other["data"]["outputUrl"].startswith("http://video.example:8443/v1/exports/"), \
            other
        st, headers, video = request(s, "GET", url, key=None)
        assert st == 200 and headers["Content-Type"] == "video/mp4", (st, headers)
        assert video[4:8] == b"ftyp", video[:16]
        path = os.path.join(tmp, "out.mp4")
        with open(path, "wb") as f:
            f.write(video)
        p = subprocess.run(["gst-discoverer-1.0", path], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 0 and "0:00:00.5" in p.stdout and "Width: 160" in p.stdout, \
            p.stdout
        # webm: VP9 in WebM
        body = tiny("webm")
        body["format"] = "webm"
        st, _, r = create(s, body, key=KEY2)
        assert st == 201, r
        t, _ = wait_final(s, r["data"]["taskId"], key=KEY2)
        assert t["status"] == "COMPLETED", t
        st, headers, webm = request(s, "GET", t["outputUrl"], key=None)
        assert st == 200 and headers["Content-Type"] == "video/webm", headers
        assert webm[:4] == b"\x1a\x45\xdf\xa3", webm[:8]  # EBML
        state["done"] = d["taskId"]
        state["url"] = url
        # the transitions were logged, one line each
        states = [e["status"] for e in s.events("task") if e["taskId"] == d["taskId"]]
        assert states == ["PENDING", "PROCESSING", "COMPLETED"], states

    def download_signature():
        url = state["url"]
        q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        base = url.split("?")[0]
        tampered = f"{base}?expires={q['expires'][0]}&signature={'0' * 64}"
        expect_problem(call(s, "GET", tampered, key=None), 403,
                       "OPEN_API_DOWNLOAD_SIGNATURE_INVALID")
        later = int(q["expires"][0]) + 10
        expect_problem(call(s, "GET", f"{base}?expires={later}&signature={q['signature'][0]}",
                            key=None), 403, "OPEN_API_DOWNLOAD_SIGNATURE_INVALID")
        expect_problem(call(s, "GET", base, key=None), 403, "OPEN_API_DOWNLOAD_SIGNATURE_INVALID")
        # a correctly signed link whose time is over (signed with the server's secret)
        with open(os.path.join(data, "secret")) as f:
            secret = f.read().strip()
        past = int(time.time()) - 5
        task_id = state["done"]
        sig = hmac.new(secret.encode(), f"{task_id}\n{past}".encode(), hashlib.sha256).hexdigest()
        expect_problem(call(s, "GET", f"{base}?expires={past}&signature={sig}", key=None), 403,
                       "OPEN_API_DOWNLOAD_EXPIRED")

    def other_key_sees_nothing():
        expect_problem(call(s, "GET", f"/v1/exports/{state['done']}", key=KEY1), 404,
                       "OPEN_API_EXPORT_NOT_FOUND")
        expect_problem(call(s, "GET", "/v1/exports/no-such-task", key=KEY2), 404,
                       "OPEN_API_EXPORT_NOT_FOUND")
        st, _, body = call(s, "GET", "/v1/exports", key=KEY1)
        assert st == 200 and state["done"] not in [t["taskId"] for t in body["data"]], body

    def failing_render():
        st, _, r = create(s, missing_asset_request(), key=KEY2)
        assert st == 201, r
        t, _ = wait_final(s, r["data"]["taskId"], key=KEY2)
        assert t["status"] == "FAILED" and t["outputUrl"] is None, t
        assert "photo-missing" in t["error"] and "missing-photo.png" in t["error"], t["error"]
        assert ".cpp(" not in t["error"], t["error"]  # no debug text for clients
        assert t["completedAt"], t
        # the service goes on
        st, _, r = create(s, tiny("after"), key=KEY2)
        assert st == 201, r
        t, _ = wait_final(s, r["data"]["taskId"], key=KEY2)
        assert t["status"] == "COMPLETED", t

    def missing_illustration():
        # issue 15: the vendor's illustration names fail the task by default, naming the
        # item's pointer; `serve --missing-illustration placeholder` renders a placeholder
        # and logs the render's warning
        r = tiny()
        es = r["editorState"]
        es["tracks"].insert(0, {"id": "t0", "items": ["ill"], "hidden": False,
                                "muted": False})
        prop = lambda v: {"value": v, "keyframes": []}  # noqa: E731
        es["items"]["ill"] = {
            "id": "ill", "type": "illustration", "illustrationName": "IHello",
            "color": "#ff8000", "startTicks": 0, "durationTicks": 120000, "top": prop(10),
            "left": prop(10), "width": prop(60), "height": prop(40), "scaleX": prop(1),
            "scaleY": prop(1), "opacity": prop(1), "isDraggingInTimeline": False,
            "rotation": prop(0), "keepAspectRatio": True}
        st, _, body = create(s, r, key=KEY2)
        assert st == 201, body
        t, _ = wait_final(s, body["data"]["taskId"], key=KEY2)
        assert t["status"] == "FAILED" and "IHello" in t["error"], t
        assert "/items/ill/illustrationName" in t["error"], t["error"]
        p = Server(os.path.join(tmp, "data-placeholder"), keys,
                   ["--missing-illustration", "placeholder"])
        try:
            st, _, body = create(p, r, key=KEY2)
            assert st == 201, body
            t, _ = wait_final(p, body["data"]["taskId"], key=KEY2)
            assert t["status"] == "COMPLETED", t
            warned = [e for e in p.events("warning") if e["taskId"] == t["taskId"]]
            assert warned and "IHello" in warned[0]["message"], p.lines[-5:]
            assert "/items/ill/illustrationName" in warned[0]["message"], warned
        finally:
            assert p.stop() == 0

    def pagination():
        ids = []
        for i in range(5):
            st, _, r = create(s, tiny(f"p{i}"), key=KEY3)
            assert st == 201, r
            ids.append(r["data"]["taskId"])
            wait_final(s, ids[-1], key=KEY3)
        got, cursor = [], None
        while True:
            path = "/v1/exports?pageSize=2" + (f"&pageCursor={urllib.parse.quote(cursor)}"
                                               if cursor else "")
            st, _, body = call(s, "GET", path, key=KEY3)
            assert st == 200 and len(body["data"]) <= 2, body
            got += [t["taskId"] for t in body["data"]]
            cursor = body["meta"]["nextPageCursor"]
            if cursor is None:
                break
        assert got == list(reversed(ids)), (got, ids)  # newest first, each once
        for bad in ("pageSize=0", "pageSize=51", "pageSize=x", "pageCursor=garbage"):
            expect_problem(call(s, "GET", "/v1/exports?" + bad, key=KEY3), 400,
                           "OPEN_API_INVALID_REQUEST")

    def client_task_id():
        body = tiny("dedup")
        body["clientTaskId"] = "order-42"
        st1, _, r1 = create(s, body, key=KEY3)
        st2, _, r2 = create(s, body, key=KEY3)
        assert st1 == 201 and st2 == 200, (st1, st2)
        assert r1["data"]["taskId"] == r2["data"]["taskId"], (r1, r2)
        t, _ = wait_final(s, r1["data"]["taskId"], key=KEY3)
        assert t["clientTaskId"] == "order-42", t
        st3, _, r3 = create(s, body, key=KEY2)  # another key: its own task
        assert st3 == 201 and r3["data"]["taskId"] != r1["data"]["taskId"], r3
        wait_final(s, r3["data"]["taskId"], key=KEY2)

    def metrics():
        # the operator's view: the service's counts (a key sees only its own)
        st, headers, raw = request(s, "GET", "/metrics", key=None, headers={
            "Authorization": "Bearer operator-token-0123456789"})
        text = raw.decode()
        assert st == 200 and headers["Content-Type"].startswith("text/plain"), headers
        assert 'jsontimeline_tasks{state="COMPLETED"}' in text, text
        # the missing asset's and the unknown illustration's
        assert 'jsontimeline_tasks{state="FAILED"} 2' in text, text
        assert "jsontimeline_render_seconds_count" in text, text
        assert "\njsontimeline_queue_depth 0\n" in text, text  # all finished by now
        assert 'jsontimeline_probes{state="waiting"} 0' in text, text
        assert ('jsontimeline_http_requests_total{route="/v1/exports",method="POST",'
                'status="201"}') in text, text
        assert 'route="/v1/exports/{taskId}",method="GET",status="404"' in text, text
        assert 'route="/v1/exports",method="POST",status="401"' in text, text
        assert 'route="(body too large)",method="POST",status="413"' in text, text

    def project_lifecycle():
        st, _, r = call(s, "POST", "/v1/projects", {
            "title": "Launch", "description": "draft", "editorState": tiny("v1")["editorState"]})
        assert st == 201, r
        p = r["data"]
        pid = p["projectId"]
        assert set(p) == {"projectId", "title", "description", "createdAt", "updatedAt"}, p
        assert p["title"] == "Launch" and p["description"] == "draft", p
        st, _, r = call(s, "GET", f"/v1/projects/{pid}")
        assert st == 200 and r["data"]["editorState"]["items"]["i1"]["text"] == "v1", r
        assert isinstance(r["data"]["stateVersion"], str) and r["data"]["stateVersion"], r
        st, _, r = call(s, "PATCH", f"/v1/projects/{pid}", {"title": "Launch 2",
                                                             "description": None})
        assert st == 200, r
        assert {k: r["data"][k] for k in ("projectId", "title", "description")} == {
            "projectId": pid, "title": "Launch 2", "description": None}, r
        assert "updatedAt" in r["data"], r
        expect_problem(call(s, "PATCH", f"/v1/projects/{pid}", {"title": "x" * 121}), 422,
                       "OPEN_API_VALIDATION_FAILED")
        expect_problem(call(s, "PATCH", f"/v1/projects/{pid}", {"title": 5}), 400,
                       "OPEN_API_INVALID_REQUEST")
        # list: newest first, each once, in pages of 2
        ids = [pid]
        for i in range(2):
            st, _, r = call(s, "POST", "/v1/projects", {"editorState": tiny()["editorState"]})
            assert st == 201 and r["data"]["title"], r
            ids.append(r["data"]["projectId"])
        got, cursor = [], None
        while True:
            path = "/v1/projects?pageSize=2" + (f"&pageCursor={urllib.parse.quote(cursor)}"
                                                if cursor else "")
            st, _, r = call(s, "GET", path)
            assert st == 200 and len(r["data"]) <= 2, r
            assert all("editorState" not in x for x in r["data"]), r
            got += [x["projectId"] for x in r["data"]]
            cursor = r["meta"]["nextPageCursor"]
            if cursor is None:
                break
        assert len(got) == len(set(got)) and [i for i in got if i in ids] == ids[::-1], got
        for bad in ("pageSize=0", "pageSize=51", "pageCursor=garbage"):
            expect_problem(call(s, "GET", "/v1/projects?" + bad), 400,
                           "OPEN_API_INVALID_REQUEST")
        # sync replaces the state
        st, _, r = call(s, "POST", f"/v1/projects/{pid}/sync",
                        {"editorState": tiny("v2")["editorState"], "stateVersion": "rev-2"})
        assert st == 200 and r["data"]["stateVersion"] == "rev-2", r
        assert r["data"]["projectId"] == pid, r
        st, _, r = call(s, "GET", f"/v1/projects/{pid}")
        assert r["data"]["editorState"]["items"]["i1"]["text"] == "v2", r
        # another key sees nothing
        for m, path, body in (("GET", f"/v1/projects/{pid}", None),
                              ("PATCH", f"/v1/projects/{pid}", {"title": "x"}),
                              ("POST", f"/v1/projects/{pid}/exports",
                               {"fps": 30, "ratio": "custom", "scale": 1, "format": "mp4"}),
                              ("DELETE", f"/v1/projects/{pid}", None)):
            expect_problem(call(s, m, path, body, key=KEY2), 404, "OPEN_API_PROJECT_NOT_FOUND")
        # an export of the project's state
        expect_problem(call(s, "POST", f"/v1/projects/{pid}/exports", {"fps": 30}), 400,
                       "OPEN_API_INVALID_REQUEST")
        st, _, r = call(s, "POST", f"/v1/projects/{pid}/exports",
                        {"fps": 30, "ratio": "custom", "scale": 1, "format": "mp4"})
        assert st == 201 and r["data"]["projectId"] == pid, r
        t, _ = wait_final(s, r["data"]["taskId"])
        assert t["status"] == "COMPLETED" and t["projectId"] == pid, t
        assert abs(t["durationSeconds"] - 0.5) < 0.01, t
        st, _, video = request(s, "GET", t["outputUrl"], key=None)
        assert st == 200 and video[4:8] == b"ftyp", video[:16]
        # delete
        st, _, r = call(s, "DELETE", f"/v1/projects/{pid}")
        assert st == 200 and r["data"] == {"projectId": pid, "deleted": True}, r
        for m in ("GET", "DELETE"):
            expect_problem(call(s, m, f"/v1/projects/{pid}"), 404, "OPEN_API_PROJECT_NOT_FOUND")

    def project_invalid_state():
        bad = tiny()["editorState"]
        bad["tracks"][0]["items"].append("nowhere")
        bad["compositionWidth"] = "wide"
        p = expect_problem(call(s, "POST", "/v1/projects", {"editorState": bad}), 422,
                           "OPEN_API_EDITOR_STATE_INVALID")
        assert p["errors"] and all(e["path"].startswith("/editorState") for e in p["errors"]), p
        assert any(e["path"] == "/editorState/compositionWidth" for e in p["errors"]), p
        expect_problem(call(s, "POST", "/v1/projects", {"title": "no state"}), 400,
                       "OPEN_API_INVALID_REQUEST")
        expect_problem(request(s, "POST", "/v1/projects", raw=b"[1"), 400,
                       "OPEN_API_INVALID_JSON")
        st, _, r = call(s, "POST", "/v1/projects", {"editorState": tiny("kept")["editorState"]})
        pid = r["data"]["projectId"]
        expect_problem(call(s, "POST", f"/v1/projects/{pid}/sync", {"editorState": bad}), 422,
                       "OPEN_API_EDITOR_STATE_INVALID")
        st, _, r = call(s, "GET", f"/v1/projects/{pid}")
        assert r["data"]["editorState"]["items"]["i1"]["text"] == "kept", r
        expect_problem(call(s, "PUT", f"/v1/projects/{pid}"), 405, "OPEN_API_METHOD_NOT_ALLOWED")

    def media_uploads():
        """Video and audio uploads get their duration (and a video its size) from a probe
        in a child process; undecodable media is stored with nulls."""
        media = os.path.join(tmp, "media")
        os.makedirs(media, exist_ok=True)
        clip, sound = os.path.join(media, "clip.webm"), os.path.join(media, "tone.ogg")
        # gst-launch makes the media: plain GStreamer, without our (maybe sanitized) plugin
        env = {k: v for k, v in os.environ.items()
               if k not in ("LD_PRELOAD", "GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0")}
        env["GST_REGISTRY_1_0"] = os.path.join(media, "registry.bin")
        subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=36", "!",
                        "video/x-raw,width=96,height=64,framerate=24/1", "!", "vp8enc", "!",
                        "webmmux", "!", "filesink", f"location={clip}"], check=True,
                       timeout=60, env=env)
        subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=100",
                        "samplesperbuffer=441", "!", "audio/x-raw,rate=44100", "!",
                        "audioconvert", "!", "vorbisenc", "!", "oggmux", "!", "filesink",
                        f"location={sound}"], check=True, timeout=60, env=env)
        octet = {"Content-Type": "application/octet-stream"}
        with open(clip, "rb") as f:
            st, _, r = call(s, "POST", "/v1/uploads", raw=f.read(),
                            headers={**octet, "x-file-name": "clip.webm"})
        assert st == 201, r
        a = r["data"]
        assert (a["type"], a["width"], a["height"]) == ("VIDEO", 96, 64), a
        assert abs(a["duration"] - 1.5) < 0.05, a
        assert call(s, "GET", f"/v1/assets/{a['assetId']}")[2]["data"] == a
        with open(sound, "rb") as f:
            st, _, r = call(s, "POST", "/v1/uploads", raw=f.read(),
                            headers={**octet, "x-file-name": "tone.ogg"})
        assert st == 201, r
        b = r["data"]
        assert b["type"] == "AUDIO" and b["width"] is None and abs(b["duration"] - 1.0) < 0.05, b
        st, _, r = call(s, "POST", "/v1/uploads", raw=b"\x1aE\xdf\xa3 not really a video",
                        headers={"Content-Type": "video/webm", "x-file-name": "broken.webm"})
        assert st == 201 and r["data"]["type"] == "VIDEO", r
        assert r["data"]["duration"] is None and r["data"]["width"] is None, r
        # six at once, each probe taking 1 s: two probes at a time (--workers 1), every
        # upload answered with its duration
        log = os.path.join(media, "probes.log")
        slow = os.path.join(media, "slow-probe.sh")
        with open(slow, "w") as f:
            f.write(f'#!/bin/sh\nif [ "$1" = probe ]; then echo start >> {log}; sleep 1; '
                    f'echo end >> {log}; fi\nexec {CLI} "$@"\n')
        os.chmod(slow, 0o755)
        p = Server(os.path.join(tmp, "data-probes"), keys,
                   ["--render-program", slow, "--workers", "1"])
        try:
            with open(sound, "rb") as f:
                audio = f.read()
            results = []

            def upload(i):
                results.append(call(p, "POST", "/v1/uploads", raw=audio,
                                    headers={**octet, "x-file-name": f"tone{i}.ogg"}))
            threads = [threading.Thread(target=upload, args=(i,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(results) == 6 and all(st == 201 and abs(r["data"]["duration"] - 1.0) < 0.05
                                             for st, _, r in results), results
            running = peak = 0
            with open(log) as f:
                for line in f:
                    running += 1 if line.strip() == "start" else -1
                    peak = max(peak, running)
            assert peak == 2, peak
            # SIGTERM while an upload waits for its probe: the upload is answered (and
            # stored) before the service stops; nothing is left in the temporary folder
            with open(slow, "w") as f:
                f.write(f'#!/bin/sh\nif [ "$1" = probe ]; then sleep 1.5; fi\nexec {CLI} "$@"\n')
            tmp_dir = os.path.join(tmp, "data-probes", "assets", ".tmp")
            late = threading.Thread(target=upload, args=(99,))
            late.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not os.listdir(tmp_dir):
                time.sleep(0.05)
            assert os.listdir(tmp_dir), "the upload never arrived"
            time.sleep(0.2)
        finally:
            assert p.stop() == 0
        late.join(30)
        st, _, r = results[-1]
        assert st == 201 and abs(r["data"]["duration"] - 1.0) < 0.05, results[-1]
        assert os.listdir(tmp_dir) == [], os.listdir(tmp_dir)
        assert os.path.exists(os.path.join(tmp, "data-probes", "assets", r["data"]["assetId"]))
        assert any(json.loads(l).get("probes") == 1 for l in p.lines
                   if '"event":"stopping"' in l), p.lines[-5:]
        # a second SIGTERM cuts the probes short: two running, one waiting, all three
        # uploads answered (without duration) and the service gone well before the probes
        # would have ended
        with open(slow, "w") as f:
            f.write(f'#!/bin/sh\nif [ "$1" = probe ]; then sleep 30; fi\nexec {CLI} "$@"\n')
        p = Server(os.path.join(tmp, "data-probes"), keys,
                   ["--render-program", slow, "--workers", "1"])
        results.clear()
        threads = [threading.Thread(target=upload, args=(i,)) for i in (200, 201, 202)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(os.listdir(tmp_dir)) < 3:
            time.sleep(0.05)
        time.sleep(0.3)
        started = time.monotonic()
        p.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert p.stop() == 0
        assert time.monotonic() - started < 20
        for t in threads:
            t.join(20)
        assert len(results) == 3 and all(st == 201 and r["data"]["duration"] is None
                                         for st, _, r in results), results

    def project_idempotency():
        h = {"Idempotency-Key": "proj-1"}
        body = {"title": "once", "editorState": tiny()["editorState"]}
        first = call(s, "POST", "/v1/projects", body, key=KEY2, headers=h)
        again = call(s, "POST", "/v1/projects", body, key=KEY2, headers=h)
        assert first[0] == 201 and again[0] == 201 and first[2] == again[2], (first, again)
        assert again[1].get("Idempotent-Replayed") == "true", again[1]
        st, _, lst = call(s, "GET", "/v1/projects", key=KEY2)
        assert [p["title"] for p in lst["data"]].count("once") == 1, lst
        expect_problem(call(s, "POST", "/v1/projects", {**body, "title": "twice"}, key=KEY2,
                            headers=h), 422, "OPEN_API_IDEMPOTENCY_KEY_REUSED")

    def uploads():
        st, _, r = call(s, "POST", "/v1/projects", {"editorState": tiny()["editorState"]})
        pid = r["data"]["projectId"]
        img = png(40, 30)
        octet = {"Content-Type": "application/octet-stream"}
        st, _, r = call(s, "POST", "/v1/uploads", raw=img,
                        headers={**octet, "x-file-name": "red dot.png", "x-project-id": pid})
        assert st == 201, r
        a = r["data"]
        aid = a["assetId"]
        assert {k: a[k] for k in ("type", "source", "filename", "mimetype", "size", "width",
                                  "height", "duration")} == {
            "type": "IMAGE", "source": "UPLOAD", "filename": "red dot.png",
            "mimetype": "image/png", "size": len(img), "width": 40, "height": 30,
            "duration": None}, a
        assert aid in a["fileKey"] and a["fileUrl"].startswith(s.url), a
        st, _, got = request(s, "GET", a["fileUrl"], key=None)
        assert st == 200 and got == img
        expect_problem(request(s, "GET", a["fileUrl"] + "0", key=None), 403,
                       "OPEN_API_DOWNLOAD_SIGNATURE_INVALID")
        st, _, r = call(s, "GET", f"/v1/assets/{aid}")
        assert st == 200 and r["data"] == a, r
        st, _, r = call(s, "GET", f"/v1/projects/{pid}/assets")
        assert st == 200 and [x["assetId"] for x in r["data"]] == [aid], r
        # bad uploads
        p = expect_problem(request(s, "POST", "/v1/uploads", raw=img, headers=octet), 400,
                           "OPEN_API_INVALID_REQUEST")
        assert p.get("field") == "x-file-name", p
        for name in ("../evil.png", "a/b.png", ".."):
            expect_problem(request(s, "POST", "/v1/uploads", raw=img,
                                   headers={**octet, "x-file-name": name}), 400,
                           "OPEN_API_INVALID_REQUEST")
        expect_problem(request(s, "POST", "/v1/uploads", raw=b"\0" * 100001,
                               headers={**octet, "x-file-name": "big.bin"}), 413,
                       "OPEN_API_PAYLOAD_TOO_LARGE")
        # chunked (no Content-Length): read to the end, 413 all the same
        expect_problem(request(s, "POST", "/v1/uploads", raw=[b"\0" * 60000] * 2,
                               headers={**octet, "x-file-name": "big.bin"}), 413,
                       "OPEN_API_PAYLOAD_TOO_LARGE")
        st, _, r = call(s, "POST", "/v1/uploads", raw=[img[:50], img[50:]],
                        headers={**octet, "x-file-name": "chunked.png"})
        assert st == 201 and r["data"]["size"] == len(img) and r["data"]["width"] == 40, r
        expect_problem(request(s, "POST", "/v1/uploads", raw=img, key=None,
                               headers={**octet, "x-file-name": "x.png"}), 401,
                       "OPEN_API_KEY_INVALID")
        expect_problem(request(s, "POST", "/v1/uploads", raw=img, key=KEY2,
                               headers={**octet, "x-file-name": "x.png", "x-project-id": pid}),
                       404, "OPEN_API_PROJECT_NOT_FOUND")
        # another key's asset is 404
        for m in ("GET", "DELETE"):
            expect_problem(call(s, m, f"/v1/assets/{aid}", key=KEY2), 404,
                           "OPEN_API_ASSET_NOT_FOUND")
        expect_problem(call(s, "GET", f"/v1/projects/{pid}/assets", key=KEY2), 404,
                       "OPEN_API_PROJECT_NOT_FOUND")
        # a second asset, attached afterwards; pages of 1
        st, _, r = call(s, "POST", "/v1/uploads", raw=b"some notes\n",
                        headers={"Content-Type": "text/plain", "x-file-name": "notes.txt"})
        assert st == 201 and r["data"]["mimetype"] == "text/plain", r
        assert r["data"]["width"] is None and r["data"]["type"] == "FILE", r
        aid2 = r["data"]["assetId"]
        st, _, r = call(s, "POST", f"/v1/projects/{pid}/assets", {"assetId": aid2})
        assert st == 201 and r["data"] == {"projectId": pid, "assetId": aid2}, r
        expect_problem(call(s, "POST", f"/v1/projects/{pid}/assets", {"assetId": "nope"}), 404,
                       "OPEN_API_ASSET_NOT_FOUND")
        expect_problem(call(s, "POST", f"/v1/projects/{pid}/assets", {}), 400,
                       "OPEN_API_INVALID_REQUEST")
        st, _, r1 = call(s, "GET", f"/v1/projects/{pid}/assets?pageSize=1")
        cur = urllib.parse.quote(r1["meta"]["nextPageCursor"])
        st, _, r2 = call(s, "GET", f"/v1/projects/{pid}/assets?pageSize=1&pageCursor={cur}")
        assert [x["assetId"] for x in r1["data"] + r2["data"]] == [aid2, aid], (r1, r2)
        assert r2["meta"]["nextPageCursor"] is None, r2
        expect_problem(call(s, "GET", f"/v1/projects/{pid}/assets?pageSize=101"), 400,
                       "OPEN_API_INVALID_REQUEST")
        st, _, r = call(s, "DELETE", f"/v1/projects/{pid}/assets/{aid2}")
        assert st == 200 and r["data"] == {"projectId": pid, "assetId": aid2, "deleted": True}
        expect_problem(call(s, "DELETE", f"/v1/projects/{pid}/assets/{aid2}"), 404,
                       "OPEN_API_ASSET_NOT_FOUND")
        st, _, r = call(s, "GET", f"/v1/assets/{aid2}")  # the asset itself stays
        assert st == 200, r
        # the project's editorState uses the upload (remoteUrl = fileUrl): its export renders
        # it (a missing image would fail the task), and it cannot be deleted
        es = missing_asset_request()["editorState"]
        es["assets"]["photo-missing"].update(remoteUrl=a["fileUrl"], remoteKey=a["fileKey"],
                                             width=a["width"], height=a["height"])
        st, _, r = call(s, "POST", f"/v1/projects/{pid}/sync", {"editorState": es})
        assert st == 200, r
        st, _, r = call(s, "POST", f"/v1/projects/{pid}/exports",
                        {"fps": 30, "ratio": "custom", "scale": 1, "format": "mp4"})
        assert st == 201, r
        t, _ = wait_final(s, r["data"]["taskId"])
        assert t["status"] == "COMPLETED", t
        expect_problem(call(s, "DELETE", f"/v1/assets/{aid}"), 409, "ASSET_REFERENCED")
        call(s, "POST", f"/v1/projects/{pid}/sync", {"editorState": tiny()["editorState"]})
        st, _, r = call(s, "DELETE", f"/v1/assets/{aid}")
        assert st == 200 and r["data"] == {"assetId": aid, "deleted": True}, r
        expect_problem(call(s, "GET", f"/v1/assets/{aid}"), 404, "OPEN_API_ASSET_NOT_FOUND")
        assert request(s, "GET", a["fileUrl"], key=None)[0] == 404
        st, _, r = call(s, "GET", f"/v1/projects/{pid}/assets")
        assert r["data"] == [], r
        assert os.listdir(os.path.join(data, "assets", ".tmp")) == []  # no leftovers

    for name, fn in [("serve --help lists the options", help_lists_options),
                     ("GET /healthz needs no key", healthz_without_key),
                     ("401 OPEN_API_KEY_INVALID without or with a wrong key", unauthorized),
                     ("capabilities in a {data, meta} envelope", capabilities),
                     ("validate: the spec's valid and invalid examples", validate_examples),
                     ("validate: 400, 413, 405, 404 problems", validate_bad_bodies),
                     ("hostile bodies on every JSON route: 400/413/422, never 500",
                      hostile_bodies),
                     ("illustrations with q", illustrations),
                     ("GET /openapi.yaml", openapi),
                     ("POST /v1/exports: request limits name the field", export_request_checks),
                     ("export lifecycle: render, poll, download a valid MP4", lifecycle),
                     ("download: tampered or expired signature 403", download_signature),
                     ("another key's task is 404", other_key_sees_nothing),
                     ("a failing render marks its task FAILED, naming the asset", failing_render),
                     ("unknown illustrations: a failed task, or placeholders on request",
                      missing_illustration),
                     ("list: cursor pagination", pagination),
                     ("clientTaskId deduplicates per key", client_task_id),
                     ("project lifecycle: create, get, patch, list, sync, export, delete",
                      project_lifecycle),
                     ("projects: an invalid editorState is 422 with JSON paths",
                      project_invalid_state),
                     ("uploads and assets: PNG, limits, project bindings, other keys",
                      uploads),
                     ("projects: Idempotency-Key replays a create", project_idempotency),
                     ("uploads: video and audio durations from a probe", media_uploads),
                     ("metrics", metrics)]:
        check(name, fn)
    check_stops(s)

    # a server that accepts but renders nothing: tasks stay PENDING (deterministic limits)
    data2 = os.path.join(tmp, "data2")
    q = Server(data2, keys, ["--queue-only"])
    held = {}

    def concurrency_limit():
        a = create(q, tiny("a"))
        b = create(q, tiny("b"))
        assert a[0] == 201 and b[0] == 201, (a, b)
        expect_problem(create(q, tiny("c")), 422, "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED")
        assert create(q, tiny("other key"), key=KEY2)[0] == 201  # per key
        held["ids"] = [a[2]["data"]["taskId"], b[2]["data"]["taskId"]]
        for i in held["ids"]:
            st, _, t = call(q, "GET", f"/v1/exports/{i}")
            assert t["data"]["status"] == "PENDING", t

    def idempotency():
        h = {"Idempotency-Key": "idem-1"}
        body = tiny("idem")
        first = request(q, "POST", "/v1/exports", body, key=KEY3, headers=h)
        again = request(q, "POST", "/v1/exports", body, key=KEY3, headers=h)
        assert first[0] == 201, first
        assert again[0] == first[0] and again[2] == first[2], (first, again)
        assert again[1].get("Idempotent-Replayed") == "true", again[1]
        st, _, lst = call(q, "GET", "/v1/exports", key=KEY3)
        assert len(lst["data"]) == 1, lst  # one task only
        other = tiny("idem, another payload")
        expect_problem(create(q, other, key=KEY3, headers=h), 422,
                       "OPEN_API_IDEMPOTENCY_KEY_REUSED")
        # scoped per API key: the same header under KEY2 is a new request
        st, _, r = create(q, other, key=KEY2, headers=h)
        assert st == 201, r
        held["idem"] = json.loads(first[2])["data"]["taskId"]

    check("3rd active task of a key: 422 OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED",
          concurrency_limit)
    check("Idempotency-Key: replay and conflict", idempotency)

    def restart_completes_pending():
        assert q.stop() == 0
        r = Server(data2, keys, ["--public-url", "https://cdn.example.com/"])
        try:
            for i in held["ids"]:
                t, _ = wait_final(r, i)
                assert t["status"] == "COMPLETED", t
                assert t["outputUrl"].startswith(f"https://cdn.example.com/v1/exports/{i}/"), t
            t, _ = wait_final(r, held["idem"], key=KEY3)
            assert t["status"] == "COMPLETED", t
        finally:
            assert r.stop() == 0

    check("a restart renders the PENDING tasks", restart_completes_pending)

    def generated_key():
        d3 = os.path.join(tmp, "data3")
        g = Server(d3)
        try:
            line = g.proc.stdout.readline()
            assert "API key" in line, line
            key = line.split()[-1]
            assert call(g, "GET", "/v1/editor/capabilities", key=key)[0] == 200
            expect_problem(call(g, "GET", "/v1/editor/capabilities", key="nope"), 401,
                           "OPEN_API_KEY_INVALID")
            with open(os.path.join(d3, "api-key.sha256")) as f:
                assert f.read().strip() == hashlib.sha256(key.encode()).hexdigest()
        finally:
            assert g.stop() == 0
        g = Server(d3)  # printed once only
        try:
            assert g.stop() == 0
            assert g.proc.stdout.read() == "", "the key was printed again"
        finally:
            if g.proc.poll() is None:
                g.proc.kill()

    check("without --keys-file a key is generated and printed once", generated_key)

    # a stand-in render program: hangs, crashes or waits for a gate file, by the text
    fake = os.path.join(tmp, "fake-render.sh")
    gate = os.path.join(tmp, "gate")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\n# $1=render $2=DOC $3=-o $4=OUTPUT\n"
                'if grep -q CRASH "$2"; then kill -SEGV $$; fi\n'
                'if grep -q HANG "$2"; then exec sleep 600; fi\n'
                'if grep -q GATE "$2"; then echo 50% >&2; '
                f'while [ ! -e "{gate}" ]; do sleep 0.02; done; fi\n'
                'printf "fake video" > "$4"\n')
    os.chmod(fake, 0o755)
    data4 = os.path.join(tmp, "data4")
    fake_args = ["--render-program", fake, "--workers", "1", "--render-timeout-base", "2",
                 "--render-timeout-factor", "0"]

    def poll(server, task_id, want, key=KEY1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = call(server, "GET", f"/v1/exports/{task_id}", key=key)[2]["data"]
            if want(t):
                return t
            time.sleep(0.02)
        raise AssertionError(f"{task_id}: condition not met: {t}")

    def hang_and_crash():
        f = Server(data4, keys, fake_args)
        try:
            a = create(f, tiny("HANG"))[2]["data"]["taskId"]
            b = create(f, tiny("CRASH"))[2]["data"]["taskId"]
            ta = call(f, "GET", f"/v1/exports/{a}")[2]["data"]
            tb = call(f, "GET", f"/v1/exports/{b}")[2]["data"]
            # --workers 1: one render at a time
            assert ta["status"] == "PROCESSING" and tb["status"] == "PENDING", (ta, tb)
            ta = poll(f, a, lambda t: t["status"] == "FAILED")
            assert "longer than its limit of 2 s" in ta["error"], ta
            tb = poll(f, b, lambda t: t["status"] == "FAILED")
            assert "crashed (signal 11)" in tb["error"], tb
            assert 'jsontimeline_tasks{state="FAILED"} 2' in request(f, "GET", "/metrics")[2].decode()
        finally:
            assert f.stop() == 0

    def graceful_sigterm():
        f = Server(data4, keys, fake_args)
        c = create(f, tiny("GATE c"), key=KEY2)[2]["data"]["taskId"]
        d = create(f, tiny("GATE d"), key=KEY2)[2]["data"]["taskId"]
        poll(f, c, lambda t: t["status"] == "PROCESSING" and t["progress"] == 0.5, key=KEY2)
        f.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while not f.events("stopping") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert f.events("stopping"), "no stopping event"
        try:  # no longer accepting
            request(f, "GET", "/healthz", key=None)
            raise AssertionError("still accepting after SIGTERM")
        except (urllib.error.URLError, ConnectionError):
            pass
        assert f.proc.poll() is None, "exited before its render ended"
        open(gate, "w").close()
        assert f.proc.wait(60) == 0
        r = Server(data4, keys, fake_args)
        try:
            tc = call(r, "GET", f"/v1/exports/{c}", key=KEY2)[2]["data"]
            assert tc["status"] == "COMPLETED", tc  # finished before the exit
            td = poll(r, d, lambda t: t["status"] == "COMPLETED", key=KEY2)  # queued: ran now
            assert request(r, "GET", td["outputUrl"], key=None)[2] == b"fake video"
        finally:
            assert r.stop() == 0

    def second_sigterm_requeues():
        os.unlink(gate)
        f = Server(data4, keys, fake_args)
        e = create(f, tiny("GATE e"), key=KEY3)[2]["data"]["taskId"]
        poll(f, e, lambda t: t["status"] == "PROCESSING", key=KEY3)
        f.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while not f.events("stopping") and time.monotonic() < deadline:
            time.sleep(0.02)
        f.proc.send_signal(signal.SIGTERM)
        assert f.proc.wait(60) == 0
        states = [x["status"] for x in f.events("task") if x["taskId"] == e]
        assert states == ["PENDING", "PROCESSING", "PENDING"], states
        open(gate, "w").close()
        r = Server(data4, keys, fake_args)
        try:
            te = poll(r, e, lambda t: t["status"] == "COMPLETED", key=KEY3)
            assert te["error"] is None, te
        finally:
            assert r.stop() == 0

    def kill9():
        """kill -9 of a render child: only its task fails. kill -9 of the service in the
        middle of a render: after a restart the task completes and its callback receives
        exactly one EXPORT_COMPLETED."""
        import http.server
        completed = []

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body["eventType"] == "EXPORT_COMPLETED":
                    completed.append(self.headers["X-Indream-Event-Id"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        rx = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=rx.serve_forever, daemon=True).start()
        hook = f"http://127.0.0.1:{rx.server_address[1]}/done"
        args = fake_args + ["--allow-host", "127.0.0.1", "--webhook-schedule", "0.2,0.4"]
        data5 = os.path.join(tmp, "data5")
        if os.path.exists(gate):
            os.unlink(gate)
        f = Server(data5, keys, args)
        try:
            a = create(f, tiny("GATE child"))[2]["data"]["taskId"]
            poll(f, a, lambda t: t["status"] == "PROCESSING")
            children = children_of(f.proc.pid)
            assert len(children) == 1, children
            os.kill(int(children[0]), signal.SIGKILL)
            ta = poll(f, a, lambda t: t["status"] == "FAILED")
            assert "signal 9" in ta["error"], ta
            req = tiny("GATE service")
            req["callbackUrl"] = hook
            b = create(f, req)[2]["data"]["taskId"]
            poll(f, b, lambda t: t["status"] == "PROCESSING")
        finally:
            f.proc.kill()  # kill -9 the service mid-render
            f.proc.wait(30)
        open(gate, "w").close()
        r = Server(data5, keys, args)
        try:
            tb = poll(r, b, lambda t: t["status"] == "COMPLETED")
            assert tb["error"] is None, tb
            deadline = time.monotonic() + 20
            while not completed and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)  # a second delivery, if any, would come within the schedule
            assert len(completed) == 1, completed
        finally:
            assert r.stop() == 0
            rx.shutdown()

    check("a hanging render hits its time limit, a crash fails only its task", hang_and_crash)
    check("SIGTERM: stop accepting, finish the running render, keep the queue",
          graceful_sigterm)
    check("a second SIGTERM stops the render and re-queues its task", second_sigterm_requeues)
    check("kill -9 of a render, and of the service mid-render: one COMPLETED callback", kill9)

    def cancel():
        """POST /v1/exports/{id}/cancel: a PENDING and a PROCESSING task become CANCELED
        (the render stops, the slot frees); a finished one is a 409; another key's a 404."""
        if os.path.exists(gate):
            os.unlink(gate)
        f = Server(os.path.join(tmp, "data6"), keys, fake_args)
        try:
            a = create(f, tiny("GATE a"))[2]["data"]["taskId"]
            b = create(f, tiny("GATE b"))[2]["data"]["taskId"]
            poll(f, a, lambda t: t["status"] == "PROCESSING")
            expect_problem(call(f, "POST", f"/v1/exports/{b}/cancel", key=KEY2), 404,
                           "OPEN_API_EXPORT_NOT_FOUND")
            st, _, body = call(f, "POST", f"/v1/exports/{b}/cancel")
            assert st == 200 and body["data"]["status"] == "CANCELED", body
            st, _, body = call(f, "POST", f"/v1/exports/{a}/cancel")
            assert st == 200 and body["data"]["status"] == "CANCELED", body
            deadline = time.monotonic() + 10
            while children_of(f.proc.pid):
                assert time.monotonic() < deadline, "the render still runs"
                time.sleep(0.05)
            assert call(f, "GET", f"/v1/exports/{a}")[2]["data"]["status"] == "CANCELED"
            expect_problem(call(f, "POST", f"/v1/exports/{a}/cancel"), 409,
                           "OPEN_API_EXPORT_NOT_CANCELABLE")
            # both slots free again
            c = create(f, tiny("GATE c"))
            d = create(f, tiny("GATE d"))
            assert c[0] in (200, 201) and d[0] in (200, 201), (c, d)
        finally:
            open(gate, "w").close()
            assert f.stop() == 0

    check("cancel: PENDING and PROCESSING become CANCELED; finished ones are 409", cancel)

    def webhooks_signed_and_retried():
        """A receiver on 127.0.0.1 (allow-listed) answering 500 to the first COMPLETED
        delivery: EXPORT_STARTED and EXPORT_COMPLETED arrive signed with the key's webhook
        secret (HMAC-SHA256 of timestamp.body), the failed one again with the same event
        id; the delivery log says so. A callback to a private address not allow-listed is
        refused and never connects; a non-http callbackUrl is a 400."""
        import http.server
        got, hits = [], {"private": 0}

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                got.append((dict(self.headers), raw, body))
                completed = [g for g in got if g[2]["eventType"] == "EXPORT_COMPLETED"]
                fail = body["eventType"] == "EXPORT_COMPLETED" and len(completed) == 1
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        rx = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=rx.serve_forever, daemon=True).start()
        hook_url = f"http://127.0.0.1:{rx.server_address[1]}/hook"
        w = Server(os.path.join(tmp, "data-hooks"), keys,
                   ["--allow-host", "127.0.0.1", "--webhook-schedule", "0.2,0.4,0.8"])
        try:
            req = tiny("HOOK")
            req["callbackUrl"] = hook_url
            req["callbackHeaders"] = {"X-Customer": "acme"}
            st, _, body = create(w, req)
            assert st in (200, 201), body
            task_id = body["data"]["taskId"]
            t, _ = wait_final(w, task_id)
            assert t["status"] == "COMPLETED", t
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and \
                    len([g for g in got if g[2]["eventType"] == "EXPORT_COMPLETED"]) < 2:
                time.sleep(0.05)
            types = [g[2]["eventType"] for g in got]
            assert types.count("EXPORT_STARTED") == 1 and types.count("EXPORT_COMPLETED") == 2, types
            for headers, raw, body in got:
                ts = headers["X-Indream-Timestamp"]
                want = hmac.new(b"whsec-one", ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
                assert headers["X-Indream-Signature"] == want, headers
                assert headers["X-Customer"] == "acme", headers
                assert body["task"]["taskId"] == task_id, body
            ids = [h["X-Indream-Event-Id"] for h, _, b in got if b["eventType"] == "EXPORT_COMPLETED"]
            assert len(set(ids)) == 1, ids
            assert got[-1][2]["task"]["status"] == "COMPLETED" and got[-1][2]["task"]["outputUrl"]
            st, _, log = call(w, "GET", f"/v1/exports/{task_id}/webhooks")
            assert st == 200, log
            events = {e["eventType"]: e for e in log["data"]["events"]}
            codes = [d["statusCode"] for d in events["EXPORT_COMPLETED"]["deliveries"]]
            assert codes == [500, 204], codes
            st, _, _ = call(w, "GET", f"/v1/exports/{task_id}/webhooks", key=KEY2)
            assert st == 404
            # not http(s): refused on creation
            bad = tiny("BAD")
            bad["callbackUrl"] = "ftp://127.0.0.1/x"
            expect_problem(create(w, bad), 400, "OPEN_API_INVALID_REQUEST")
        finally:
            assert w.stop() == 0
            rx.shutdown()
        # the same receiver, not allow-listed: refused at connect time
        n = len(got)
        w = Server(os.path.join(tmp, "data-hooks2"), keys, ["--max-active", "0"])
        try:
            port = rx.server_address[1]
            task_ids = []
            for url in (hook_url, f"http://[::ffff:127.0.0.1]:{port}/hook",
                        f"http://[::1]:{port}/hook", "http://169.254.169.254/hook",
                        "http://10.0.0.7/hook"):
                req = tiny("PRIVATE")
                req["callbackUrl"] = url
                task_ids.append(create(w, req)[2]["data"]["taskId"])
            for task_id in task_ids:
                wait_final(w, task_id)
                deadline = time.monotonic() + 10
                refused = []
                while time.monotonic() < deadline and not refused:
                    log = call(w, "GET", f"/v1/exports/{task_id}/webhooks")[2]["data"]
                    refused = [d for e in log["events"] for d in e["deliveries"]
                               if "refused" in (d.get("error") or "")]
                    time.sleep(0.1)
                assert refused and refused[0]["outcome"] == "refused", log
            assert len(got) == n, "a refused callback reached the receiver"
        finally:
            assert w.stop() == 0

    check("webhooks: signed, retried with the same id, logged; private callbacks refused",
          webhooks_signed_and_retried)

    def webhook_retry_survives_restart():
        """The receiver fails the first COMPLETED delivery; the service stops before the
        retry is due and starts again: the retry comes from the new process, with the same
        event id and signature scheme, once; the log shows both attempts."""
        import http.server
        got = []

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                got.append((dict(self.headers), raw, body))
                done = [g for g in got if g[2]["eventType"] == "EXPORT_COMPLETED"]
                fail = body["eventType"] == "EXPORT_COMPLETED" and len(done) == 1
                self.send_response(503 if fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        def completed():
            return [g for g in got if g[2]["eventType"] == "EXPORT_COMPLETED"]

        rx = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=rx.serve_forever, daemon=True).start()
        data_dir = os.path.join(tmp, "data-hooks-restart")
        extra = ["--allow-host", "127.0.0.1", "--webhook-schedule", "3,3"]
        try:
            w = Server(data_dir, keys, extra)
            try:
                req = tiny("RETRY")
                req["callbackUrl"] = f"http://127.0.0.1:{rx.server_address[1]}/hook"
                task_id = create(w, req)[2]["data"]["taskId"]
                t, _ = wait_final(w, task_id)
                assert t["status"] == "COMPLETED", t
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and not completed():
                    time.sleep(0.05)
                assert len(completed()) == 1, got
            finally:
                assert w.stop() == 0
            stopped_at = time.monotonic()
            assert len(completed()) == 1, "the retry came before the restart"
            w = Server(data_dir, keys, extra)
            try:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and len(completed()) < 2:
                    time.sleep(0.05)
                time.sleep(3.5)  # and nothing after the delivered one
                c = completed()
                assert len(c) == 2, [g[2]["eventType"] for g in got]
                assert c[0][0]["X-Indream-Event-Id"] == c[1][0]["X-Indream-Event-Id"], c
                ts = c[1][0]["X-Indream-Timestamp"]
                want = hmac.new(b"whsec-one", ts.encode() + b"." + c[1][1],
                                hashlib.sha256).hexdigest()
                assert c[1][0]["X-Indream-Signature"] == want
                assert time.monotonic() - stopped_at < 20
                log = call(w, "GET", f"/v1/exports/{task_id}/webhooks")[2]["data"]
                ev = {e["eventType"]: e for e in log["events"]}["EXPORT_COMPLETED"]
                assert [d["statusCode"] for d in ev["deliveries"]] == [503, 200], ev
                assert ev["state"] == "delivered", ev
            finally:
                assert w.stop() == 0
        finally:
            rx.shutdown()

    check("webhooks: a retry due while the service was stopped is sent after its restart",
          webhook_retry_survives_restart)

    def keys_command():
        d = os.path.join(tmp, "data-hooks")
        p = subprocess.run([CLI, "keys", "--data-dir", d, "--keys-file", keys],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        rows = [l.split() for l in p.stdout.splitlines()]
        ids = ["key_" + hashlib.sha256(k.encode()).hexdigest()[:16] for k in (KEY1, KEY2, KEY3)]
        assert [r[0] for r in rows] == ids, rows
        assert rows[0][1:] == ["whsec-one", "given"], rows[0]
        with open(os.path.join(d, "secret")) as f:
            server_secret = f.read().strip()
        want = hmac.new(server_secret.encode(), ("webhook:" + ids[1]).encode(),
                        hashlib.sha256).hexdigest()
        assert rows[1][1:] == [want, "derived"], rows[1]

    check("jsontimeline keys shows given and derived webhook secrets", keys_command)

    def rate_limit():
        """5 requests a minute per key: the 6th answers 429 with Retry-After; another key
        is not affected; /healthz is not limited."""
        r = Server(os.path.join(tmp, "data-rate"), keys, ["--rate-limit", "5"])
        try:
            codes = [call(r, "GET", "/v1/editor/capabilities")[0] for _ in range(5)]
            assert codes == [200] * 5, codes
            st, headers, body = request(r, "GET", "/v1/editor/capabilities")
            assert st == 429, st
            problem = json.loads(body)
            assert problem["errorCode"] == "OPEN_API_REQUEST_LIMIT_EXCEEDED", problem
            wait = int(dict((k.lower(), v) for k, v in headers.items())["retry-after"])
            assert 1 <= wait <= 12, wait
            assert call(r, "GET", "/v1/editor/capabilities", key=KEY2)[0] == 200
            assert all(call(r, "GET", "/healthz", key=None)[0] == 200 for _ in range(10))
        finally:
            assert r.stop() == 0

    def sync_rate_limit():
        """--sync-rate-limit 3: the 4th sync of a project within the minute answers 429
        OPEN_API_PROJECT_SYNC_RATE_LIMITED with Retry-After and changes nothing; another
        project of the same key syncs."""
        r = Server(os.path.join(tmp, "data-sync-rate"), keys, ["--sync-rate-limit", "3"])
        try:
            pids = [call(r, "POST", "/v1/projects", {"editorState": tiny()["editorState"]})[2]
                    ["data"]["projectId"] for _ in range(2)]
            for i in range(3):
                st, _, body = call(r, "POST", f"/v1/projects/{pids[0]}/sync",
                                   {"editorState": tiny(f"v{i}")["editorState"]})
                assert st == 200, body
            st, headers, body = request(r, "POST", f"/v1/projects/{pids[0]}/sync",
                                        {"editorState": tiny("late")["editorState"]})
            p = expect_problem((st, headers, body), 429, "OPEN_API_PROJECT_SYNC_RATE_LIMITED")
            wait = int(dict((k.lower(), v) for k, v in headers.items())["retry-after"])
            assert 1 <= wait <= 30, wait
            state = call(r, "GET", f"/v1/projects/{pids[0]}")[2]["data"]["editorState"]
            assert state["items"]["i1"]["text"] == "v2", state["items"]
            st, _, body = call(r, "POST", f"/v1/projects/{pids[1]}/sync",
                               {"editorState": tiny("other")["editorState"]})
            assert st == 200, body
        finally:
            assert r.stop() == 0

    check("per-key rate limit: 429 with Retry-After", rate_limit)
    check("per-project sync rate limit: 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED",
          sync_rate_limit)

    def retention():
        """--retention 0.0005 (1.8 s): a finished output is downloadable, then deleted:
        outputUrl null, the old link 410 OPEN_API_EXPORT_OUTPUT_EXPIRED."""
        r = Server(os.path.join(tmp, "data-retention"), keys, ["--retention", "0.0005"])
        try:
            task_id = create(r, tiny("KEEP"))[2]["data"]["taskId"]
            t, _ = wait_final(r, task_id)
            assert t["status"] == "COMPLETED" and t["outputUrl"], t
            url = t["outputUrl"]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                t = call(r, "GET", f"/v1/exports/{task_id}")[2]["data"]
                if t["outputUrl"] is None:
                    break
                time.sleep(0.2)
            assert t["outputUrl"] is None and t["status"] == "COMPLETED", t
            st, _, body = request(r, "GET", url, key=None)
            assert st == 410 and json.loads(body)["errorCode"] == \
                "OPEN_API_EXPORT_OUTPUT_EXPIRED", (st, body)
            assert any(e["taskId"] == task_id for e in r.events("expired")), r.lines[-5:]
        finally:
            assert r.stop() == 0

    check("--retention deletes old outputs: outputUrl null, links 410", retention)

    def media_guard():
        """A client's document cannot reach the server's network or files: an image at
        http://127.0.0.1 (no --allow-host), one redirecting there from an allowed host, and
        a local file outside the uploads all fail their task naming the asset."""
        import http.server

        hits = []

        class Media(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/x.png")
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"not reached")

            def log_message(self, *args):
                pass

        media = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Media)
        threading.Thread(target=media.serve_forever, daemon=True).start()
        port = media.server_address[1]
        g = Server(os.path.join(tmp, "data-guard"), keys, ["--max-active", "0"])
        try:
            # every spelling of a loopback, private, link-local or metadata address; the
            # unreachable ones are refused before any connection is tried (no timeout)
            cases = [(f"http://127.0.0.1:{port}/x.png", "refused"),
                     (f"http://localhost:{port}/x.png", "refused"),
                     (f"http://127.1:{port}/x.png", ("refused", "resolving")),
                     (f"http://2130706433:{port}/x.png", ("refused", "resolving")),
                     (f"http://0.0.0.0:{port}/x.png", "refused"),
                     (f"http://[::1]:{port}/x.png", "refused"),
                     (f"http://[::ffff:127.0.0.1]:{port}/x.png", "refused"),
                     (f"http://[::ffff:7f00:1]:{port}/x.png", "refused"),
                     ("http://10.1.2.3/x.png", "refused"),
                     ("http://172.16.0.1/x.png", "refused"),
                     ("http://192.168.1.1/x.png", "refused"),
                     ("http://169.254.169.254/latest/meta-data/", "refused"),
                     ("http://[fd00:ec2::254]/latest/meta-data/", "refused"),
                     ("http://[fe80::1]/x.png", "refused"),
                     ("http://100.64.0.1/x.png", "refused"),
                     ("file:///etc/hostname", "is not a file in the asset directory"),
                     ("gopher://127.0.0.1/x", "photo-missing")]
            tasks = []
            for url, words in cases:
                req = missing_asset_request()
                req["editorState"]["assets"]["photo-missing"]["remoteUrl"] = url
                st, _, body = create(g, req)
                if st == 422:  # refused on creation: the document names the asset
                    assert "photo-missing" in json.dumps(body), (url, body)
                    continue
                assert st in (200, 201), (url, body)
                tasks.append((url, words, body["data"]["taskId"]))
            assert len(tasks) >= len(cases) - 1, tasks
            for url, words, task_id in tasks:
                t, _ = wait_final(g, task_id, timeout=60)
                assert t["status"] == "FAILED" and "photo-missing" in t["error"] and \
                    any(w in t["error"] for w in (words if isinstance(words, tuple)
                                                  else (words,))), (url, t["error"])
            assert hits == [], hits
        finally:
            assert g.stop() == 0
        # allowed host redirecting to localhost: the redirect is checked again
        g = Server(os.path.join(tmp, "data-guard2"), keys, ["--allow-host", "127.0.0.1"])
        try:
            req = missing_asset_request()
            req["editorState"]["assets"]["photo-missing"]["remoteUrl"] = \
                f"http://127.0.0.1:{port}/redirect"
            task_id = create(g, req)[2]["data"]["taskId"]
            t, _ = wait_final(g, task_id)
            assert t["status"] == "FAILED" and "refused" in t["error"], t["error"]
        finally:
            assert g.stop() == 0
            media.shutdown()

    check("a client's media cannot reach private addresses or local files", media_guard)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
