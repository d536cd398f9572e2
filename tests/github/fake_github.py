#!/usr/bin/env python3
"""A stand-in for the GitHub REST API, for the workflow tests.

It starts from the payloads in tests/github/recorded/ (the pull request's
existing comments, the pull request merged as a commit, the plan workflow's
runs and their artifact), keeps what the workflow scripts write (comments,
issues), and logs every request. Paths and answers follow the REST API:
pagination by per_page/page, 401 without a token, 404 for what it does not
hold, and an artifact download that redirects to a storage host which refuses
the GitHub token (as the real one does).

Control endpoints for the test, under /_fake/:
  GET  /_fake/requests            every request so far: [method, path]
  GET  /_fake/state               comments and issues
  POST /_fake/artifact            {"dir": ...}: the artifact's files, zipped on download
  POST /_fake/unmerged            {"sha": ...}: a commit pushed without a pull request

Prints "port N" on stdout once listening on 127.0.0.1.
"""

import argparse
import io
import json
import re
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

REPO = "example-org/cloudtrail-specs"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
TOKEN = "test-github-token"


class State:
    def __init__(self, recorded):
        load = lambda name: json.loads((recorded / name).read_text())
        self.lock = threading.Lock()
        self.event = load("pull_request.synchronize.json")
        self.comments = {self.event["number"]: load("issue-comments.json")}
        self.issues = []
        self.commit_pulls = {p["merge_commit_sha"]: [p] for p in load("commit-pulls.json")}
        self.runs = load("workflow-runs.json")
        self.artifacts = load("run-artifacts.json")
        self.artifact_dir = None
        self.requests = []
        self.next_id = 2501190000

    def new_id(self):
        self.next_id += 1
        return self.next_id


class Handler(BaseHTTPRequestHandler):
    state: State
    base = ""

    def log_message(self, *args):
        pass

    def reply(self, code, body=None, headers=None):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None and not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"null")

    def page(self, items, query):
        per = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        return items[(page - 1) * per : page * per]

    def handle_any(self, method):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        path = url.path
        st = self.state
        with st.lock:
            if not path.startswith("/_fake/"):
                st.requests.append([method, self.path])
            if path.startswith("/_fake/"):
                return self.control(method, path)
            if path.startswith("/_blob/"):
                # The storage host: a signed URL, and GitHub's token refused.
                if self.headers.get("Authorization"):
                    return self.reply(400, {"message": "Authorization header not allowed on a signed URL"})
                return self.reply(200, self.zipped(), {"Content-Type": "application/zip"})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.reply(401, {"message": "Bad credentials"})
            prefix = f"/repos/{REPO}"
            if not path.startswith(prefix):
                return self.reply(404, {"message": "Not Found"})
            return self.route(method, path[len(prefix) :], query)

    def route(self, method, path, query):
        st = self.state
        m = re.fullmatch(r"/issues/(\d+)/comments", path)
        if m:
            number = int(m.group(1))
            comments = st.comments.setdefault(number, [])
            if method == "GET":
                return self.reply(200, self.page(comments, query))
            if method == "POST":
                c = {
                    "id": st.new_id(),
                    "body": self.body()["body"],
                    "user": BOT,
                    "html_url": f"https://github.com/{REPO}/pull/{number}",
                }
                comments.append(c)
                return self.reply(201, c)
        m = re.fullmatch(r"/issues/comments/(\d+)", path)
        if m:
            cid = int(m.group(1))
            for comments in st.comments.values():
                for c in comments:
                    if c["id"] == cid:
                        if method == "PATCH":
                            c["body"] = self.body()["body"]
                            return self.reply(200, c)
                        if method == "DELETE":
                            comments.remove(c)
                            return self.reply(204)
            return self.reply(404, {"message": "Not Found"})
        if path == "/issues":
            if method == "GET":
                state = query.get("state", ["open"])[0]
                labels = set(query.get("labels", [""])[0].split(",")) - {""}
                found = [
                    i
                    for i in st.issues
                    if (state == "all" or i["state"] == state)
                    and labels <= {l["name"] for l in i["labels"]}
                ]
                return self.reply(200, self.page(found, query))
            if method == "POST":
                b = self.body()
                number = 100 + len(st.issues)
                issue = {
                    "id": st.new_id(),
                    "number": number,
                    "title": b["title"],
                    "body": b.get("body"),
                    "state": "open",
                    "state_reason": None,
                    "labels": [{"name": n} for n in b.get("labels", [])],
                    "user": BOT,
                }
                st.issues.append(issue)
                return self.reply(201, issue)
        m = re.fullmatch(r"/issues/(\d+)", path)
        if m and method == "PATCH":
            for i in st.issues:
                if i["number"] == int(m.group(1)):
                    i.update(self.body())
                    return self.reply(200, i)
            return self.reply(404, {"message": "Not Found"})
        m = re.fullmatch(r"/commits/([0-9a-f]{40})/pulls", path)
        if m and method == "GET":
            return self.reply(200, st.commit_pulls.get(m.group(1), []))
        m = re.fullmatch(r"/actions/workflows/([^/]+)/runs", path)
        if m and method == "GET":
            runs = [
                r
                for r in st.runs["workflow_runs"]
                if r["path"].endswith("/" + m.group(1))
                and r["head_sha"] == query.get("head_sha", [r["head_sha"]])[0]
                and r["event"] == query.get("event", [r["event"]])[0]
                and r["conclusion"] == query.get("status", [r["conclusion"]])[0]
            ]
            return self.reply(200, {"total_count": len(runs), "workflow_runs": self.page(runs, query)})
        m = re.fullmatch(r"/actions/runs/(\d+)/artifacts", path)
        if m and method == "GET":
            arts = [a for a in st.artifacts["artifacts"] if a["workflow_run"]["id"] == int(m.group(1))]
            arts = [dict(a, archive_download_url=self.local(a["archive_download_url"])) for a in arts]
            return self.reply(200, {"total_count": len(arts), "artifacts": arts})
        m = re.fullmatch(r"/actions/artifacts/(\d+)/zip", path)
        if m and method == "GET":
            if st.artifact_dir is None:
                return self.reply(410, {"message": "Artifact has expired"})
            return self.reply(302, headers={"Location": f"{self.base}/_blob/{m.group(1)}?sig=signed"})
        return self.reply(404, {"message": "Not Found"})

    def local(self, url):
        return url.replace("https://api.github.com", self.base)

    def zipped(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for f in sorted(Path(self.state.artifact_dir).glob("*.json")):
                z.write(f, f.name)
        return buf.getvalue()

    def control(self, method, path):
        st = self.state
        if path == "/_fake/requests":
            return self.reply(200, st.requests)
        if path == "/_fake/state":
            return self.reply(200, {"comments": st.comments, "issues": st.issues})
        if path == "/_fake/artifact" and method == "POST":
            st.artifact_dir = self.body()["dir"]
            return self.reply(200, {})
        if path == "/_fake/unmerged" and method == "POST":
            st.commit_pulls[self.body()["sha"]] = []
            return self.reply(200, {})
        return self.reply(404, {"message": "Not Found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recorded", required=True)
    args = parser.parse_args()
    Handler.state = State(Path(args.recorded))
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.base = f"http://127.0.0.1:{server.server_port}"
    print(f"port {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
