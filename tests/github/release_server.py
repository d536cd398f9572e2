#!/usr/bin/env python3
"""A stand-in for GitHub's release downloads, for the action tests.

Serves the files of --dir as a release's assets: GET /vVERSION/NAME answers
the file NAME of --dir when VERSION is --version, 404 otherwise (as
github.com/OWNER/REPO/releases/download/vVERSION/NAME does for an asset the
release lacks). Logs every request; GET /_fake/requests lists them.

Prints "port N" on stdout once listening on 127.0.0.1.
"""

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(BaseHTTPRequestHandler):
    root = None
    version = None
    requests = []

    def log_message(self, *args):
        pass

    def answer(self, code, body, kind="application/octet-stream"):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_fake/requests":
            self.answer(200, json.dumps(Handler.requests).encode(), "application/json")
            return
        Handler.requests.append(self.path)
        prefix = f"/v{Handler.version}/"
        name = self.path[len(prefix):] if self.path.startswith(prefix) else ""
        file = Handler.root / name
        if not name or "/" in name or not file.is_file():
            self.answer(404, b"Not Found", "text/plain")
            return
        self.answer(200, file.read_bytes())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--version", required=True)
    args = parser.parse_args()
    Handler.root = Path(args.dir)
    Handler.version = args.version
    # Python's backlog of 5 overflows under a burst of connects (docs/testing.md).
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
