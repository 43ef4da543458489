# SPDX-License-Identifier: LGPL-2.1-or-later
# jsontimeline serve as the official Indream client (@indreamai/client) reads it: every
# answer it parses, checked member by member (names, JSON types, nullability), the
# {data, meta} envelope it unwraps, the problem body it turns into its error classes, the
# pagination it follows, the webhooks it verifies and the uploads it sends. See
# "Checked with the official client" in docs/service.md.
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_service  # noqa: E402
from test_service import KEY1, KEY2, Server, call, check, create, png, request, tiny, wait_final  # noqa: E402,E501

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
STATUSES = {"PENDING", "PROCESSING", "COMPLETED", "FAILED", "PAUSED", "CANCELED"}
# status line reason phrases (RFC 9110), and the problem `type` and `title` as the Indream
# client's own fixtures write them (UNPROCESSABLE_CONTENT, RATE_LIMITED, sentence case)
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 413: "Content Too Large",
           422: "Unprocessable Content", 429: "Too Many Requests"}
TYPES = {429: "RATE_LIMITED"}

# What the client's types say of each answer: member -> kind ("?" = may be null).
EXPORT_TASK = {"taskId": "str", "projectId": "uuid?", "createdByApiKeyId": "str?",
               "clientTaskId": "str?", "status": "status", "progress": "num", "error": "str?",
               "outputUrl": "str?", "durationSeconds": "num", "billedStandardSeconds": "int",
               "chargedCredits": "str", "callbackUrl": "str?", "createdAt": "date",
               "completedAt": "date?"}
CREATED_EXPORT = {"taskId": "str", "projectId": "uuid?", "createdAt": "date",
                  "durationSeconds": "num", "billedStandardSeconds": "int",
                  "chargedCredits": "str"}
PROJECT = {"projectId": "uuid", "title": "str", "description": "str?", "createdAt": "date",
           "updatedAt": "date"}
PROJECT_DETAIL = dict(PROJECT, editorState="obj", stateVersion="str")
PROJECT_METADATA = {"projectId": "uuid", "title": "str", "description": "str?",
                    "updatedAt": "date"}
PROJECT_SYNCED = {"projectId": "uuid", "stateVersion": "str", "updatedAt": "date"}
PROJECT_DELETED = {"projectId": "uuid", "deleted": "bool"}
ASSET = {"assetId": "uuid", "type": "str", "source": "str?", "filename": "str",
         "mimetype": "str", "size": "int?", "fileUrl": "str", "fileKey": "str",
         "width": "num?", "height": "num?", "duration": "num?"}
BINDING = {"projectId": "uuid", "assetId": "uuid"}
UNBOUND = dict(BINDING, deleted="bool")
ASSET_DELETED = {"assetId": "uuid", "deleted": "bool"}
PROBLEM = {"type": "str", "title": "str", "status": "int", "detail": "str", "errorCode": "str"}


def kind_ok(value, kind):
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "num": number,
        "bool": isinstance(value, bool),
        "obj": isinstance(value, dict),
        "list": isinstance(value, list),
        "date": isinstance(value, str) and bool(DATE_TIME.match(value)),
        "uuid": isinstance(value, str) and bool(UUID.match(value)),
        "status": isinstance(value, str) and value in STATUSES,
    }[kind]


def conforms(value, shape, where, exact=False):
    """Every member of shape present with its kind (others allowed unless exact)."""
    assert isinstance(value, dict), f"{where}: not an object: {value!r}"
    wrong = [f"{m} ({k}): {value.get(m, '<missing>')!r}" for m, k in shape.items()
             if m not in value or not kind_ok(value[m], k)]
    assert not wrong, f"{where}: {wrong} in {json.dumps(value)[:400]}"
    if exact:
        extra = set(value) - set(shape)
        assert not extra, f"{where}: members the client's schema forbids: {extra}"


def envelope(got, status, where):
    """A success as the client unwraps it: the status, JSON, an object with data and a
    meta object. Returns data."""
    st, headers, body = got
    if isinstance(body, bytes):
        body = json.loads(body)
    assert st == status, f"{where}: status {st}, expected {status}: {body}"
    assert headers.get("Content-Type", "").startswith("application/json"), (where, headers)
    assert isinstance(body, dict) and "data" in body, f"{where}: no data member: {body}"
    assert isinstance(body.get("meta"), dict), f"{where}: meta is not an object: {body}"
    return body["data"]


def problem(got, status, code, where):
    st, headers, body = got
    if isinstance(body, bytes):
        body = json.loads(body)
    assert st == status, f"{where}: status {st}, expected {status}: {body}"
    assert "json" in headers.get("Content-Type", ""), (where, headers)
    conforms(body, PROBLEM, where)
    assert body["status"] == status and body["errorCode"] == code, (where, body)
    assert body["title"] == REASONS[status].capitalize(), (where, body)
    assert body["type"] == TYPES.get(status, REASONS[status].upper().replace(" ", "_")), \
        (where, body)
    return body


def raw_http(server, method, path, headers=None, body=None, chunked=False):
    """(status, reason phrase, headers, body bytes) through http.client: the status line's
    reason, and bodies sent in chunks as a streamed upload is."""
    u = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        r = conn.getresponse()
        return r.status, r.reason, r.headers, r.read()
    finally:
        conn.close()


def solid_state(color="#158dff"):
    """An editorState built as the client's own types shape it (keyframed properties)."""
    prop = lambda v: {"value": v, "keyframes": []}  # noqa: E731
    return {
        "timebaseTicksPerSecond": 240000, "compositionWidth": 160, "compositionHeight": 120,
        "outputRatio": "custom",
        "tracks": [{"id": "t", "hidden": False, "muted": False, "items": ["s"]}],
        "assets": {}, "transitions": {}, "deletedAssets": [],
        "globalBackground": {"type": "color", "color": "#111827", "gradient": None},
        "items": {"s": {
            "id": "s", "type": "solid", "color": color, "shape": "rectangle", "startTicks": 0,
            "durationTicks": 120000, "top": prop(10), "left": prop(10), "width": prop(60),
            "height": prop(60), "scaleX": prop(1), "scaleY": prop(1), "opacity": prop(1),
            "isDraggingInTimeline": False, "borderRadius": prop(0), "rotation": prop(0),
            "keepAspectRatio": False}},
    }


def walk(server, path, page_size, key=KEY1):
    """Follows meta.nextPageCursor as the client does (query-encoded) to the last page;
    returns every item's data."""
    items, cursor, pages = [], None, 0
    while True:
        q = {"pageSize": page_size}
        if cursor:
            q["pageCursor"] = cursor
        got = call(server, "GET", path + "?" + urllib.parse.urlencode(q), key=key)
        data, body = envelope(got, 200, path), got[2]
        cursor = body["meta"].get("nextPageCursor")
        assert cursor is None or (isinstance(cursor, str) and cursor), body["meta"]
        assert len(data) <= page_size, (path, len(data))
        items += data
        pages += 1
        assert pages < 200, "the cursor never ends"
        if cursor is None:
            return items


def main():
    tmp = tempfile.mkdtemp(prefix="jtl-contract-")
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write(f"{KEY1} whsec-contract\n{KEY2}\n")
    s = Server(os.path.join(tmp, "data"), keys, ["--allow-host", "127.0.0.1"])
    own_id = "key_" + hashlib.sha256(KEY1.encode()).hexdigest()[:16]

    def editor_routes():
        caps = envelope(call(s, "GET", "/v1/editor/capabilities"), 200, "capabilities")
        # the one object the client's schema closes (additionalProperties: false)
        conforms(caps, {"version": "str", "animations": "list", "captionAnimations": "obj",
                        "transitions": "list", "transitionPresets": "list", "effects": "list",
                        "effectPresets": "list", "filters": "list", "filterPresets": "list",
                        "shapes": "list", "backgroundPresets": "obj"}, "capabilities", exact=True)
        conforms(caps["captionAnimations"], {"in": "list", "out": "list", "loop": "list"},
                 "captionAnimations", exact=True)
        for group in caps["captionAnimations"].values():
            for p in group:
                conforms(p, {"id": "str", "type": "str", "label": "str", "preview": "str"},
                         "caption animation", exact=True)
        for name, optional in (("transitionPresets", {"params": "obj"}),
                               ("effectPresets", {"defaultDurationInSeconds": "num",
                                                  "defaultIntensity": "num", "params": "obj"}),
                               ("filterPresets", {"defaultDurationInSeconds": "num",
                                                  "defaultIntensity": "num", "params": "obj"})):
            for p in caps[name]:
                conforms(p, {"id": "str", "type": "str", "label": "str"}, name)
                extra = {m: k for m, k in optional.items() if m in p}
                conforms(p, dict({"id": "str", "type": "str", "label": "str"}, **extra), name,
                         exact=True)
        for m in ("animations", "transitions", "effects", "filters", "shapes"):
            assert all(isinstance(v, str) for v in caps[m]), m
        bg = caps["backgroundPresets"]
        conforms(bg, {"colors": "list", "gradients": "list", "images": "list",
                      "blurLevels": "list"}, "backgroundPresets", exact=True)
        assert all(kind_ok(v, "int") for v in bg["blurLevels"]), bg["blurLevels"]
        st, headers, body = call(s, "POST", "/v1/editor/validate", {"editorState": solid_state()})
        d = envelope((st, headers, body), 200, "validate")
        conforms(d, {"valid": "bool", "errors": "list"}, "validate", exact=True)
        assert d["valid"] is True and d["errors"] == [], d
        assert kind_ok(body["meta"].get("capabilitiesVersion"), "str"), body["meta"]
        bad = solid_state()
        bad["items"]["s"]["durationTicks"] = "long"
        d = envelope(call(s, "POST", "/v1/editor/validate", {"editorState": bad}), 200,
                     "validate invalid")
        assert d["valid"] is False and d["errors"], d
        for e in d["errors"]:
            conforms(e, {"code": "str", "path": "str", "message": "str"}, "error", exact=True)
        names = envelope(call(s, "GET", "/v1/illustrations?q=arrow"), 200, "illustrations")
        assert names and all(isinstance(n, str) for n in names), names

    def export_routes():
        c = envelope(create(s, tiny("C")), 201, "create export")
        conforms(c, CREATED_EXPORT, "create export")
        assert c["projectId"] is None, c
        t = envelope(call(s, "GET", f"/v1/exports/{c['taskId']}"), 200, "get export")
        conforms(t, EXPORT_TASK, "get export")
        done, _ = wait_final(s, c["taskId"])
        conforms(done, EXPORT_TASK, "completed export")
        assert done["status"] == "COMPLETED" and done["outputUrl"] and done["completedAt"], done
        assert done["createdByApiKeyId"] == own_id, done
        st, _, out = request(s, "GET", done["outputUrl"], key=None)  # no key: a plain fetch
        assert st == 200 and out, st
        listed = envelope(call(s, "GET", "/v1/exports"), 200, "list exports")
        assert any(x["taskId"] == c["taskId"] for x in listed), listed
        for x in listed:
            conforms(x, EXPORT_TASK, "listed export")

    def created_by_filter():
        q = "/v1/exports?createdByApiKeyId="
        mine = envelope(call(s, "GET", q + own_id), 200, "own key id")
        assert mine and all(x["createdByApiKeyId"] == own_id for x in mine), mine
        for other in ("00000000-0000-4000-8000-000000000000",
                      "key_" + hashlib.sha256(KEY2.encode()).hexdigest()[:16]):
            st, _, body = call(s, "GET", q + other)
            assert envelope((st, _, body), 200, "other key id") == [], body
            assert body["meta"].get("nextPageCursor") is None, body
        problem(call(s, "GET", q + "x" * 129), 400, "OPEN_API_INVALID_REQUEST", "long id")

    def project_routes():
        p = envelope(call(s, "POST", "/v1/projects",
                          {"title": "Contract", "description": None,
                           "editorState": solid_state()}), 201, "create project")
        conforms(p, PROJECT, "create project", exact=True)
        pid = p["projectId"]
        listed = envelope(call(s, "GET", "/v1/projects"), 200, "list projects")
        for x in listed:
            conforms(x, PROJECT, "listed project")
        d = envelope(call(s, "GET", f"/v1/projects/{pid}"), 200, "get project")
        conforms(d, PROJECT_DETAIL, "get project")
        assert d["editorState"]["compositionWidth"] == 160, d
        m = envelope(call(s, "PATCH", f"/v1/projects/{pid}", {"title": "Renamed"}), 200, "patch")
        conforms(m, PROJECT_METADATA, "patch project")
        assert m["title"] == "Renamed" and m["description"] is None, m
        y = envelope(call(s, "POST", f"/v1/projects/{pid}/sync",
                          {"editorState": solid_state("#22c55e")}), 200, "sync")
        conforms(y, PROJECT_SYNCED, "sync project")
        d = envelope(call(s, "GET", f"/v1/projects/{pid}"), 200, "get project")
        assert d["editorState"]["items"]["s"]["color"] == "#22c55e", d
        assert d["stateVersion"] == y["stateVersion"], (d["stateVersion"], y)
        e = envelope(call(s, "POST", f"/v1/projects/{pid}/exports",
                          {"ratio": "custom", "scale": 1, "fps": 30, "format": "mp4"}),
                     201, "project export")
        conforms(e, CREATED_EXPORT, "project export")
        assert e["projectId"] == pid, e
        t, _ = wait_final(s, e["taskId"])
        assert t["status"] == "COMPLETED" and t["projectId"] == pid, t

        image = png(32, 16)
        a = envelope(request(s, "POST", "/v1/uploads", raw=image,
                             headers={"Content-Type": "image/png", "x-file-name": "red.png",
                                      "x-project-id": pid}), 201, "upload")
        conforms(a, ASSET, "upload")
        assert (a["filename"], a["mimetype"], a["size"], a["width"], a["height"]) == \
            ("red.png", "image/png", len(image), 32, 16), a
        assert a["fileUrl"].startswith("http"), a
        g = envelope(call(s, "GET", f"/v1/assets/{a['assetId']}"), 200, "get asset")
        conforms(g, ASSET, "get asset")
        assert g["fileKey"] == a["fileKey"], (g, a)
        b = envelope(call(s, "POST", f"/v1/projects/{pid}/assets", {"assetId": a["assetId"]}),
                     201, "bind asset")
        conforms(b, BINDING, "bind asset")
        bound = envelope(call(s, "GET", f"/v1/projects/{pid}/assets?pageSize=100"), 200,
                         "project assets")
        assert [x["assetId"] for x in bound] == [a["assetId"]], bound
        conforms(bound[0], ASSET, "project asset")
        u = envelope(call(s, "DELETE", f"/v1/projects/{pid}/assets/{a['assetId']}"), 200,
                     "unbind")
        conforms(u, UNBOUND, "unbind asset")
        assert u["deleted"] is True, u
        x = envelope(call(s, "DELETE", f"/v1/assets/{a['assetId']}"), 200, "delete asset")
        conforms(x, ASSET_DELETED, "delete asset")
        x = envelope(call(s, "DELETE", f"/v1/projects/{pid}"), 200, "delete project")
        conforms(x, PROJECT_DELETED, "delete project")
        assert x["deleted"] is True, x

    def streamed_upload():
        """A ReadableStream body: chunked transfer encoding, no Content-Length."""
        image = png(20, 10)
        parts = [image[:50], image[50:120], image[120:]]
        st, _, _, body = raw_http(s, "POST", "/v1/uploads", chunked=True, body=iter(parts),
                                  headers={"x-api-key": KEY1, "Content-Type": "image/png",
                                           "x-file-name": "stream.png"})
        assert st == 201, body
        a = json.loads(body)["data"]
        conforms(a, ASSET, "streamed upload")
        assert a["size"] == len(image) and (a["width"], a["height"]) == (20, 10), a
        st, _, got = request(s, "GET", a["fileUrl"], key=None)
        assert st == 200 and got == image, st

    def pagination():
        """pageSize 1 walked with the cursor the client passes back, to a null cursor."""
        ids = set()
        for i in range(3):
            ids.add(envelope(call(s, "POST", "/v1/projects",
                                  {"title": f"page {i}", "editorState": solid_state()}),
                             201, "project")["projectId"])
        for path, n in (("/v1/projects", 1), ("/v1/exports", 1), ("/v1/projects", 2)):
            seen = walk(s, path, n)
            got = [x["projectId" if "projects" in path else "taskId"] for x in seen]
            assert len(got) == len(set(got)), f"{path}: an item twice: {got}"
            full = envelope(call(s, "GET", path + "?pageSize=50"), 200, path)
            assert len(full) == len(got), (path, len(full), len(got))
        assert ids <= {x["projectId"] for x in walk(s, "/v1/projects", 1)}

    def idempotent_creates():
        """The client's idempotencyKey option: a replay answers the first response."""
        body = {"title": "Once", "editorState": solid_state()}
        h = {"Idempotency-Key": f"contract-project-{time.time()}"}
        first = call(s, "POST", "/v1/projects", body, headers=h)
        again = call(s, "POST", "/v1/projects", body, headers=h)
        assert (first[0], first[2]) == (again[0], again[2]) and first[0] == 201, (first, again)
        req = tiny("IDEM")
        req["clientTaskId"] = f"contract-{time.time()}"
        h = {"Idempotency-Key": req["clientTaskId"]}
        first, again = create(s, req, headers=h), create(s, req, headers=h)
        conforms(envelope(again, first[0], "replayed export"), CREATED_EXPORT, "replay")
        assert first[2] == again[2], (first, again)
        wait_final(s, first[2]["data"]["taskId"])

    def problems():
        """Each error the client maps to its classes, as problem+json whose title and type
        follow the status (also on the status line: the client sees status and body)."""
        problem(call(s, "GET", "/v1/exports", key="not-a-key"), 401, "OPEN_API_KEY_INVALID",
                "bad key")
        problem(request(s, "POST", "/v1/editor/validate", raw=b"{"), 400,
                "OPEN_API_INVALID_JSON", "not JSON")
        problem(call(s, "GET", "/v1/exports/00000000-0000-4000-8000-000000000000"), 404,
                "OPEN_API_EXPORT_NOT_FOUND", "unknown task")
        problem(call(s, "DELETE", "/v1/exports"), 405, "OPEN_API_METHOD_NOT_ALLOWED", "405")
        bad = tiny()
        bad["fps"] = 25
        problem(create(s, bad), 422, "OPEN_API_VALIDATION_FAILED", "fps 25")
        done = envelope(create(s, tiny("DONE")), 201, "create")["taskId"]
        wait_final(s, done)
        problem(call(s, "POST", f"/v1/exports/{done}/cancel"), 409,
                "OPEN_API_EXPORT_NOT_CANCELABLE", "cancel a finished task")
        for status, path in ((401, "/v1/exports"), (404, "/v1/nothing")):
            st, reason, headers, _ = raw_http(s, "GET", path, headers={"x-api-key": "no"}
                                              if status == 401 else {"x-api-key": KEY1})
            assert (st, reason) == (status, REASONS[status]), (st, reason)

    def rate_limited():
        r = Server(os.path.join(tmp, "data-rate"), keys, ["--rate-limit", "2"])
        try:
            for _ in range(2):
                assert call(r, "GET", "/v1/illustrations")[0] == 200
            p = problem(call(r, "GET", "/v1/illustrations"), 429,
                        "OPEN_API_REQUEST_LIMIT_EXCEEDED", "rate limit")
            assert p["title"] == "Too many requests" and p["type"] == "RATE_LIMITED", p
            st, reason, headers, _ = raw_http(r, "GET", "/v1/illustrations",
                                              headers={"x-api-key": KEY1})
            assert (st, reason) == (429, "Too Many Requests"), (st, reason)
            assert int(headers["Retry-After"]) >= 1, dict(headers)
        finally:
            assert r.stop() == 0

    def expired_output():
        r = Server(os.path.join(tmp, "data-gone"), keys, ["--retention", "0.0005"])
        try:
            t, _ = wait_final(r, envelope(create(r, tiny("GONE")), 201, "create")["taskId"])
            url = t["outputUrl"]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and \
                    call(r, "GET", f"/v1/exports/{t['taskId']}")[2]["data"]["outputUrl"]:
                time.sleep(0.2)
            problem(request(r, "GET", url, key=None), 410, "OPEN_API_EXPORT_OUTPUT_EXPIRED",
                    "expired output")
        finally:
            assert r.stop() == 0

    def webhooks():
        """What the client's verifyExportWebhookRequest and parseExportWebhookEvent accept:
        X-Indream-Timestamp (seconds, within 300 s), X-Indream-Signature (hex HMAC-SHA256 of
        "timestamp.rawBody" with the key's webhook secret), a body of exactly eventType,
        occurredAt and an ExportTask."""
        got = []

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                got.append((dict(self.headers), raw))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        rx = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=rx.serve_forever, daemon=True).start()
        try:
            req = tiny("HOOK")
            req["callbackUrl"] = f"http://127.0.0.1:{rx.server_address[1]}/hook"
            task_id = envelope(create(s, req), 201, "create")["taskId"]
            wait_final(s, task_id)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(got) < 2:
                time.sleep(0.05)
            assert len(got) == 2, got
            kinds = []
            for headers, raw in got:
                h = {k.lower(): v for k, v in headers.items()}
                assert h["content-type"].startswith("application/json"), h
                ts = h["x-indream-timestamp"]
                assert ts.isdigit() and abs(int(ts) - time.time()) <= 300, ts
                sig = h["x-indream-signature"]
                want = hmac.new(b"whsec-contract", ts.encode() + b"." + raw,
                                hashlib.sha256).hexdigest()
                assert re.fullmatch(r"[0-9a-f]{64}", sig) and sig == want, (sig, want)
                event = json.loads(raw)
                conforms(event, {"eventType": "str", "occurredAt": "date", "task": "obj"},
                         "webhook", exact=True)
                conforms(event["task"], EXPORT_TASK, "webhook task")
                assert event["task"]["taskId"] == task_id, event
                kinds.append(event["eventType"])
            assert kinds == ["EXPORT_STARTED", "EXPORT_COMPLETED"], kinds
            assert json.loads(got[1][1])["task"]["status"] == "COMPLETED", got[1]
        finally:
            rx.shutdown()

    for name, fn in (
            ("editor routes: capabilities closed as the client's schema, validate, "
             "illustrations", editor_routes),
            ("export routes: CreateExportResponse and ExportTask members and types",
             export_routes),
            ("GET /v1/exports?createdByApiKeyId: own id lists, another lists nothing",
             created_by_filter),
            ("project, upload and asset routes: every answer's members and types",
             project_routes),
            ("an upload streamed in chunks (no Content-Length)", streamed_upload),
            ("pagination followed with nextPageCursor to null", pagination),
            ("Idempotency-Key replays of projects.create and exports.create", idempotent_creates),
            ("problems: title and type follow the status; reason phrase on the status line",
             problems),
            ("429: Too Many Requests, not Internal Server Error", rate_limited),
            ("410 for an expired output link: Gone", expired_output),
            ("webhooks verify and parse as the client does", webhooks)):
        check(name, fn)
    test_service.check_stops(s)
    return test_service.summary()


if __name__ == "__main__":
    sys.exit(main())
