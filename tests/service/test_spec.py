#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The service's own /openapi.yaml is true to what it serves: every route is called, its
# successes and its errors, and each answer's status must be one the spec lists for that
# operation, its Content-Type one the spec gives for that status, and its JSON body valid
# against the spec's schema (JSON Schema 2020-12, as OpenAPI 3.1 says).
import json
import os
import sys
import tempfile
import urllib.parse

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_service import KEY1, KEY2, Server, check, png, request, tiny, wait_final  # noqa: E402
import test_service  # noqa: E402


def load_spec(server):
    st, headers, raw = request(server, "GET", "/openapi.yaml")
    assert st == 200, st
    spec = yaml.safe_load(raw)
    # the editorState schema lives in its own file: answers are checked up to it
    def unref_external(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and not node["$ref"].startswith("#"):
                return {}
            return {k: unref_external(v) for k, v in node.items()}
        if isinstance(node, list):
            return [unref_external(v) for v in node]
        return node
    return unref_external(spec)


class Checker:
    def __init__(self, spec):
        self.spec = spec
        self.seen = set()  # (METHOD, template, status)

    def response(self, template, method, status):
        op = self.spec["paths"][template][method.lower()]
        responses = op.get("responses", {})
        r = responses.get(str(status))
        assert r is not None, f"{method} {template}: status {status} is not in the spec " \
            f"(it lists {sorted(responses)})"
        while "$ref" in r:
            r = self.lookup(r["$ref"])
        return r

    def lookup(self, ref):
        node = self.spec
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def check(self, got, method, template):
        st, headers, raw = got
        self.seen.add((method, template, st))
        r = self.response(template, method, st)
        content = r.get("content")
        if not content:
            return
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
        assert ctype in content, f"{method} {template} {st}: Content-Type {ctype} is not " \
            f"one of {sorted(content)}"
        schema = content[ctype].get("schema")
        if not schema or not ctype.endswith("json"):
            return
        body = json.loads(raw)
        resolver = jsonschema.RefResolver(base_uri="", referrer=self.spec)
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{method} {template} {st}: " + "; ".join(
            f"/{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in errors[:5])


def main():
    tmp = tempfile.mkdtemp(prefix="jtl-spec-")
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write(f"{KEY1}\n{KEY2}\n")
    s = Server(os.path.join(tmp, "data"), keys, ["--max-active", "0"])
    spec = load_spec(s)
    c = Checker(spec)
    octet = {"Content-Type": "application/octet-stream"}

    def every_route():
        # editor and materials
        c.check(request(s, "POST", "/v1/editor/validate", {"editorState": tiny()["editorState"]}),
                "POST", "/v1/editor/validate")
        c.check(request(s, "POST", "/v1/editor/validate", {"editorState": {"tracks": 1}}),
                "POST", "/v1/editor/validate")
        c.check(request(s, "POST", "/v1/editor/validate", raw=b"{no"), "POST",
                "/v1/editor/validate")
        c.check(request(s, "POST", "/v1/editor/validate", {}, key=None), "POST",
                "/v1/editor/validate")
        c.check(request(s, "GET", "/v1/editor/capabilities"), "GET", "/v1/editor/capabilities")
        c.check(request(s, "GET", "/v1/illustrations?q=arrow"), "GET", "/v1/illustrations")
        c.check(request(s, "GET", "/v1/illustrations?q=" + "a" * 300), "GET",
                "/v1/illustrations")
        c.check(request(s, "GET", "/healthz", key=None), "GET", "/healthz")
        c.check(request(s, "GET", "/metrics"), "GET", "/metrics")
        # exports
        got = request(s, "POST", "/v1/exports", tiny("SPEC"))
        c.check(got, "POST", "/v1/exports")
        task = json.loads(got[2])["data"]["taskId"]
        bad = tiny()
        bad["fps"] = 25
        c.check(request(s, "POST", "/v1/exports", bad), "POST", "/v1/exports")
        c.check(request(s, "POST", "/v1/exports", {"fps": 30}), "POST", "/v1/exports")
        broken = tiny()
        broken["editorState"]["tracks"] = 3
        c.check(request(s, "POST", "/v1/exports", broken), "POST", "/v1/exports")
        t, _ = wait_final(s, task)
        assert t["status"] == "COMPLETED", t
        c.check(request(s, "GET", f"/v1/exports/{task}"), "GET", "/v1/exports/{taskId}")
        c.check(request(s, "GET", "/v1/exports/nope"), "GET", "/v1/exports/{taskId}")
        c.check(request(s, "GET", "/v1/exports?pageSize=1"), "GET", "/v1/exports")
        c.check(request(s, "GET", "/v1/exports?pageSize=0"), "GET", "/v1/exports")
        c.check(request(s, "GET", f"/v1/exports/{task}/webhooks"), "GET",
                "/v1/exports/{taskId}/webhooks")
        c.check(request(s, "POST", f"/v1/exports/{task}/cancel"), "POST",
                "/v1/exports/{taskId}/cancel")
        out = urllib.parse.urlsplit(t["outputUrl"])
        c.check(request(s, "GET", f"{out.path}?{out.query}", key=None), "GET",
                "/v1/exports/{taskId}/download")
        c.check(request(s, "GET", f"{out.path}?{out.query}0", key=None), "GET",
                "/v1/exports/{taskId}/download")
        # projects
        got = request(s, "POST", "/v1/projects", {"title": "Spec",
                                                  "editorState": tiny()["editorState"]})
        c.check(got, "POST", "/v1/projects")
        pid = json.loads(got[2])["data"]["projectId"]
        c.check(request(s, "POST", "/v1/projects", {"editorState": {"tracks": []}}), "POST",
                "/v1/projects")
        c.check(request(s, "GET", "/v1/projects"), "GET", "/v1/projects")
        c.check(request(s, "GET", f"/v1/projects/{pid}"), "GET", "/v1/projects/{projectId}")
        c.check(request(s, "GET", f"/v1/projects/{pid}", key=KEY2), "GET",
                "/v1/projects/{projectId}")
        c.check(request(s, "PATCH", f"/v1/projects/{pid}", {"title": "Spec 2"}), "PATCH",
                "/v1/projects/{projectId}")
        c.check(request(s, "PATCH", f"/v1/projects/{pid}", {"title": "x" * 200}), "PATCH",
                "/v1/projects/{projectId}")
        c.check(request(s, "POST", f"/v1/projects/{pid}/sync",
                        {"editorState": tiny("v2")["editorState"]}), "POST",
                "/v1/projects/{projectId}/sync")
        got = request(s, "POST", f"/v1/projects/{pid}/exports",
                      {"fps": 30, "ratio": "16:9", "scale": 1, "format": "mp4"})
        c.check(got, "POST", "/v1/projects/{projectId}/exports")
        wait_final(s, json.loads(got[2])["data"]["taskId"])
        # uploads and assets
        got = request(s, "POST", "/v1/uploads", raw=png(8, 8),
                      headers={**octet, "x-file-name": "dot.png", "x-project-id": pid})
        c.check(got, "POST", "/v1/uploads")
        asset = json.loads(got[2])["data"]
        c.check(request(s, "POST", "/v1/uploads", raw=png(8, 8), headers=octet), "POST",
                "/v1/uploads")
        c.check(request(s, "GET", f"/v1/assets/{asset['assetId']}"), "GET",
                "/v1/assets/{assetId}")
        file_url = urllib.parse.urlsplit(asset["fileUrl"])
        c.check(request(s, "GET", f"{file_url.path}?{file_url.query}", key=None), "GET",
                "/v1/assets/{assetId}/file")
        c.check(request(s, "GET", f"/v1/projects/{pid}/assets"), "GET",
                "/v1/projects/{projectId}/assets")
        got = request(s, "POST", "/v1/uploads", raw=b"notes", headers={
            "Content-Type": "text/plain", "x-file-name": "n.txt"})
        other = json.loads(got[2])["data"]["assetId"]
        c.check(request(s, "POST", f"/v1/projects/{pid}/assets", {"assetId": other}), "POST",
                "/v1/projects/{projectId}/assets")
        c.check(request(s, "DELETE", f"/v1/projects/{pid}/assets/{other}"), "DELETE",
                "/v1/projects/{projectId}/assets/{assetId}")
        c.check(request(s, "DELETE", f"/v1/assets/{other}"), "DELETE", "/v1/assets/{assetId}")
        c.check(request(s, "DELETE", f"/v1/assets/{other}"), "DELETE", "/v1/assets/{assetId}")
        c.check(request(s, "DELETE", f"/v1/projects/{pid}"), "DELETE",
                "/v1/projects/{projectId}")
        # every operation of the spec was called at least once
        ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item
               if m in ("get", "post", "patch", "delete", "put")}
        called = {(m, p) for m, p, _ in c.seen}
        assert ops - called == set(), f"not called: {sorted(ops - called)}"

    def limits_and_stops():
        # 413 (body announced too large), 429 (rate limit), 503 (stopping) where they occur
        r = Server(os.path.join(tmp, "data-limits"), keys, ["--rate-limit", "3",
                                                            "--sync-rate-limit", "1"])
        try:
            got = request(r, "POST", "/v1/projects", {"editorState": tiny()["editorState"]})
            pid = json.loads(got[2])["data"]["projectId"]
            c.check(request(r, "POST", f"/v1/projects/{pid}/sync",
                            {"editorState": tiny()["editorState"]}), "POST",
                    "/v1/projects/{projectId}/sync")
            c.check(request(r, "POST", f"/v1/projects/{pid}/sync",
                            {"editorState": tiny()["editorState"]}), "POST",
                    "/v1/projects/{projectId}/sync")
            c.check(request(r, "GET", "/v1/exports"), "GET", "/v1/exports")
            assert (("POST", "/v1/projects/{projectId}/sync", 429) in c.seen and
                    ("GET", "/v1/exports", 429) in c.seen), sorted(c.seen)
        finally:
            assert r.stop() == 0
        big = b'{"editorState":"' + b"x" * (33 * 1024 * 1024) + b'"}'
        for method, template in (("POST", "/v1/editor/validate"), ("POST", "/v1/exports"),
                                 ("POST", "/v1/projects")):
            c.check(request(s, method, template, raw=big), method, template)

    check("every route's answers as the served /openapi.yaml says", every_route)
    check("413 and 429 answers are in the spec", limits_and_stops)
    test_service.check_stops(s)
    return test_service.summary()


if __name__ == "__main__":
    sys.exit(main())
