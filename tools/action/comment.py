#!/usr/bin/env python3
"""The action's comment-on-pr: one comment per command on the pull request,
edited in place on each run. Standard library only.

  comment.py COMMAND MARKDOWN_FILE

Talks to $GITHUB_API_URL for $GITHUB_REPOSITORY with the token in $GH_TOKEN;
the pull request is the one of $GITHUB_EVENT_PATH.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

# GitHub refuses comment bodies over 65,536 characters.
MAX_BODY = 65536


def request(method, path, body=None):
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    url = f"{api}/repos/{os.environ['GITHUB_REPOSITORY']}{path}"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    req.add_header("User-Agent", "ctrail-action")
    req.add_header("Authorization", f"Bearer {os.environ['GH_TOKEN']}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            payload = resp.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"error: GitHub answered {e.code} to {method} {url}: {e.read().decode(errors='replace')[:500]}")
    return json.loads(payload) if payload else None


def main(argv):
    command, markdown = argv
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text())
    pr = event.get("pull_request")
    if not pr:
        print("comment-on-pr: not a pull_request event; no comment", file=sys.stderr)
        return 0
    if not os.environ.get("GH_TOKEN"):
        sys.exit("error: comment-on-pr needs the input token (default: github.token)")
    marker = f"<!-- ctrail-action:{command} -->"
    body = f"{marker}\n{Path(markdown).read_text().rstrip()}\n"
    if len(body) > MAX_BODY:
        cut = "\n\n... cut to fit GitHub's comment limit: the full text is in the job summary\n"
        body = body[: MAX_BODY - len(cut)] + cut
    number = pr["number"]
    page, mine = 1, None
    while mine is None:
        items = request("GET", f"/issues/{number}/comments?per_page=100&page={page}")
        mine = next((c for c in items if marker in (c.get("body") or "")), None)
        if len(items) < 100:
            break
        page += 1
    if mine:
        request("PATCH", f"/issues/comments/{mine['id']}", {"body": body})
        print(f"updated the ctrail {command} comment {mine['id']} on #{number}", file=sys.stderr)
    else:
        made = request("POST", f"/issues/{number}/comments", {"body": body})
        print(f"posted the ctrail {command} comment {made['id']} on #{number}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
