# SPDX-License-Identifier: LGPL-2.1-or-later
# Tenants over real HTTP: a key's render reads its own uploads (named by their fileUrl)
# and nothing else; another key's upload named by path, absolute path or file:// URI fails
# the task exactly as a file that does not exist, without a server path in the error.
import os
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from test_service import (KEY1, KEY2, Server, call, check, check_stops, create,  # noqa: E402
                          missing_asset_request, png, summary, wait_final)

REFUSED = "is not a file in the asset directory"


def main():
    tmp = tempfile.mkdtemp(prefix="jtl-tenants-")
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write(f"{KEY1}\n{KEY2}\n")
    data = os.path.join(tmp, "data")
    s = Server(data, keys)
    octet = {"Content-Type": "application/octet-stream", "x-file-name": "a.png"}
    st, _, r = call(s, "POST", "/v1/uploads", raw=png(16, 12), headers=octet, key=KEY1)
    assert st == 201, r
    upload = r["data"]

    def export(remote_url, filename="photo.png", key=KEY1):
        """An export of the tiny document with an image of asset "photo-missing"; returns
        the final task."""
        req = missing_asset_request()
        req["editorState"]["assets"]["photo-missing"].update(remoteUrl=remote_url,
                                                             filename=filename, width=16,
                                                             height=12)
        st, _, body = create(s, req, key=key)
        assert st == 201, body
        t, _ = wait_final(s, body["data"]["taskId"], key=key, timeout=120)
        return t

    def owner_renders_its_upload():
        """The owner names its upload by fileUrl: the render reads it."""
        t = export(upload["fileUrl"])
        assert t["status"] == "COMPLETED", t

    def other_key_cannot_read():
        """Key B names key A's upload by a relative path (from the task's document), by
        an absolute path and by a file:// URI: each task fails as for a file that does
        not exist, naming the asset and its reference, never the data directory."""
        path = os.path.join(data, "assets", upload["assetId"])
        assert os.path.isfile(path)
        missing = os.path.join(data, "assets", str(uuid.uuid4()))
        answers = {}
        for name, remote, filename in (
                ("relative", None, "../assets/" + upload["assetId"]),
                ("relative-missing", None, "../assets/" + os.path.basename(missing)),
                ("absolute", path, "a.png"),
                ("absolute-missing", missing, "a.png"),
                ("uri", "file://" + path, "a.png"),
                ("uri-missing", "file://" + missing, "a.png")):
            t = export(remote, filename, key=KEY2)
            ref = remote or filename
            assert t["status"] == "FAILED", (name, t)
            err = t["error"]
            assert "photo-missing" in err and f'"{ref}" {REFUSED}' in err, (name, err)
            shown = err.replace(ref, "REF")
            assert data not in shown and tmp not in shown, (name, err)
            answers[name] = shown
        # an upload that exists reads exactly as one that does not
        for kind in ("relative", "absolute", "uri"):
            assert answers[kind] == answers[kind + "-missing"], answers

    def owner_path_is_not_a_way_in():
        """Even the owner reaches an upload only through its fileUrl, not by path."""
        t = export(None, "../assets/" + upload["assetId"])
        assert t["status"] == "FAILED" and REFUSED in t["error"], t

    def signed_link_of_another_key():
        """Key A's signed fileUrl in key B's document is not read from the disk: it stays
        a URL, and the service's own address is refused to a render."""
        t = export(upload["fileUrl"], key=KEY2)
        assert t["status"] == "FAILED" and "refused address" in t["error"], t

    def task_directories_removed():
        """A finished task's directory of uploads is gone."""
        jobs = os.listdir(os.path.join(data, "jobs"))
        assert not [j for j in jobs if j.endswith(".assets")], jobs

    for name, fn in (("the owner's render reads its upload", owner_renders_its_upload),
                     ("another key's upload by path, absolute path, file://: as missing",
                      other_key_cannot_read),
                     ("uploads only through the fileUrl, for the owner too",
                      owner_path_is_not_a_way_in),
                     ("another key's signed fileUrl is not read from the disk",
                      signed_link_of_another_key),
                     ("finished tasks leave no directory of uploads", task_directories_removed)):
        check(name, fn)
    check_stops(s)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
