#!/usr/bin/env python3
"""The GitHub side of ctrail's workflows: one sticky plan comment per pull
request, the reviewed plans of a merged pull request, one drift issue per spec.

Standard library only. Talks to the GitHub REST API at $GITHUB_API_URL (set by
GitHub Actions) for $GITHUB_REPOSITORY, with the token in $GH_TOKEN (or
$GITHUB_TOKEN). Each command prints what it did on stderr.

  plan-comment --plans DIR          post or update the pull request's plan comment
  reviewed-plans --sha SHA --workflow FILE --artifact NAME --out DIR
                                    fetch the plans reviewed on the pull request merged as SHA
  drift-issue --spec PATH (--body-file FILE | --resolved)
                                    open or update the spec's drift issue, or close it
"""

import argparse
import io
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

# GitHub refuses comment and issue bodies over 65,536 characters.
MAX_BODY = 65536
PLAN_MARKER = "<!-- ctrail:plan -->"
DRIFT_LABEL = "ctrail-drift"


def drift_marker(spec):
    return f"<!-- ctrail:drift {spec} -->"


class GitHub:
    def __init__(self):
        self.api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        self.repo = os.environ["GITHUB_REPOSITORY"]
        self.token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")
        if not self.token:
            sys.exit("error: set GH_TOKEN (e.g. GH_TOKEN: ${{ github.token }}) for the GitHub API")

    def request(self, method, path, body=None, raw=False):
        url = path if path.startswith("http") else f"{self.api}/repos/{self.repo}{path}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        req.add_header("User-Agent", "ctrail-workflows")
        # Not sent on to the storage host an artifact download redirects to.
        req.add_unredirected_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:500]
            sys.exit(f"error: GitHub answered {e.code} to {method} {url}: {detail}")
        if raw:
            return payload
        return json.loads(payload) if payload else None

    def pages(self, path):
        """Every item of a paginated list (100 per page)."""
        sep = "&" if "?" in path else "?"
        page = 1
        while True:
            items = self.request("GET", f"{path}{sep}per_page=100&page={page}")
            if isinstance(items, dict):
                # Lists wrapped in an object (workflow runs, artifacts).
                items = next(v for v in items.values() if isinstance(v, list))
            yield from items
            if len(items) < 100:
                return
            page += 1


def fit(body, note):
    """The body within GitHub's limit, saying where the rest is when cut."""
    if len(body) <= MAX_BODY:
        return body
    cut = f"\n\n... cut to fit GitHub's comment limit: {note}\n"
    return body[: MAX_BODY - len(cut)] + cut


def pull_request_number():
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text())
    pr = event.get("pull_request")
    if not pr:
        sys.exit("error: plan-comment runs on pull_request events")
    return pr["number"], pr["head"]["sha"]


def run_url():
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    return f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ.get('GITHUB_RUN_ID', '0')}"


def plan_body(plans, head_sha):
    """One comment for every spec planned: its Markdown plan, or its error."""
    specs = sorted(p.stem for p in plans.glob("*.exit"))
    if not specs:
        sys.exit(f"error: no plans in {plans} (each spec leaves NAME.exit beside NAME.md)")
    failed = [s for s in specs if (plans / f"{s}.exit").read_text().strip() not in ("0", "2")]
    lines = [
        PLAN_MARKER,
        f"## ctrail plan: {len(specs)} spec(s) at `{head_sha[:12]}`",
        "",
    ]
    if failed:
        lines += [f"**Plan failed for {', '.join(failed)}**: merging would not apply; see below.", ""]
    for spec in specs:
        md = plans / f"{spec}.md"
        err = plans / f"{spec}.err"
        if md.exists() and md.read_text().strip():
            # The Markdown plan has its own heading, naming the spec.
            lines += [md.read_text().rstrip(), ""]
        else:
            lines += [f"### `{spec}`", ""]
        if spec in failed and err.exists() and err.read_text().strip():
            lines += ["```", err.read_text().rstrip(), "```", ""]
    lines += [
        "---",
        f"Saved plans: artifact `ctrail-plans` of [this run]({run_url()}). Merging applies exactly "
        "these plans; if the spec or the account changes first, the apply refuses and asks for a new plan.",
    ]
    return fit("\n".join(lines) + "\n", f"the full plans are in the artifact of {run_url()}")


def plan_comment(gh, args):
    number, head_sha = pull_request_number()
    body = plan_body(Path(args.plans), head_sha)
    mine = [
        c for c in gh.pages(f"/issues/{number}/comments") if PLAN_MARKER in (c.get("body") or "")
    ]
    if mine:
        # The first is the sticky one; any later copy (a race of two runs) goes.
        gh.request("PATCH", f"/issues/comments/{mine[0]['id']}", {"body": body})
        for extra in mine[1:]:
            gh.request("DELETE", f"/issues/comments/{extra['id']}")
        print(f"updated the plan comment {mine[0]['id']} on #{number}", file=sys.stderr)
    else:
        made = gh.request("POST", f"/issues/{number}/comments", {"body": body})
        print(f"posted the plan comment {made['id']} on #{number}", file=sys.stderr)


def reviewed_plans(gh, args):
    """The plans the merged pull request's last successful plan run saved."""
    pulls = [
        p
        for p in gh.request("GET", f"/commits/{args.sha}/pulls") or []
        if p.get("merged_at") and p.get("merge_commit_sha") == args.sha
    ]
    if not pulls:
        sys.exit(
            f"error: {args.sha[:12]} was not merged from a pull request, so no plan of it was "
            "reviewed; ctrail applies only reviewed plans (open a pull request)"
        )
    pr = pulls[0]
    head = pr["head"]["sha"]
    query = urllib.parse.urlencode({"head_sha": head, "event": "pull_request", "status": "success"})
    runs = list(gh.pages(f"/actions/workflows/{args.workflow}/runs?{query}"))
    if not runs:
        sys.exit(
            f"error: no successful {args.workflow} run for #{pr['number']} at {head[:12]}: "
            "the plan that was reviewed is not known; re-run the plan workflow on the pull request"
        )
    run = max(runs, key=lambda r: r["run_number"])
    artifacts = [
        a for a in gh.pages(f"/actions/runs/{run['id']}/artifacts") if a["name"] == args.artifact
    ]
    if not artifacts or artifacts[0].get("expired"):
        sys.exit(f"error: run {run['id']} of #{pr['number']} has no artifact {args.artifact} (expired?)")
    archive = gh.request("GET", artifacts[0]["archive_download_url"], raw=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        for name in z.namelist():
            target = (out / name).resolve()
            if out.resolve() not in target.parents:
                sys.exit(f"error: the artifact holds a path outside {out}: {name}")
        z.extractall(out)
    print(
        f"reviewed plans of #{pr['number']} (run {run['id']}, {head[:12]}) in {out}",
        file=sys.stderr,
    )
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with open(github_output, "a") as f:
            f.write(f"pr={pr['number']}\nrun_id={run['id']}\n")


def drift_issue(gh, args):
    marker = drift_marker(args.spec)
    open_issues = [
        i
        for i in gh.pages(f"/issues?state=open&labels={DRIFT_LABEL}")
        if marker in (i.get("body") or "") and "pull_request" not in i
    ]
    issue = open_issues[0] if open_issues else None
    if args.resolved:
        if issue:
            gh.request(
                "POST",
                f"/issues/{issue['number']}/comments",
                {"body": f"No drift in `{args.spec}` any more ([run]({run_url()})): closing."},
            )
            gh.request("PATCH", f"/issues/{issue['number']}", {"state": "closed", "state_reason": "completed"})
            print(f"closed #{issue['number']}: {args.spec} has no drift", file=sys.stderr)
        else:
            print(f"{args.spec}: no drift, no open issue", file=sys.stderr)
        return
    report = Path(args.body_file).read_text().rstrip()
    body = fit(
        f"{marker}\n`ctrail drift {args.spec}` found changes made outside ctrail "
        f"([run]({run_url()})). Bring them back with a reviewed `ctrail apply`, or "
        f"put them in the spec.\n\n{report}\n",
        f"the full report is in the log of {run_url()}",
    )
    if issue:
        gh.request("PATCH", f"/issues/{issue['number']}", {"body": body})
        print(f"updated #{issue['number']} for {args.spec}", file=sys.stderr)
    else:
        made = gh.request(
            "POST",
            "/issues",
            {"title": f"Drift in {args.spec}", "body": body, "labels": [DRIFT_LABEL]},
        )
        print(f"opened #{made['number']} for {args.spec}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plan-comment")
    p.add_argument("--plans", required=True)
    r = sub.add_parser("reviewed-plans")
    r.add_argument("--sha", required=True)
    r.add_argument("--workflow", required=True)
    r.add_argument("--artifact", default="ctrail-plans")
    r.add_argument("--out", required=True)
    d = sub.add_parser("drift-issue")
    d.add_argument("--spec", required=True)
    g = d.add_mutually_exclusive_group(required=True)
    g.add_argument("--body-file")
    g.add_argument("--resolved", action="store_true")
    args = parser.parse_args(argv)
    gh = GitHub()
    {"plan-comment": plan_comment, "reviewed-plans": reviewed_plans, "drift-issue": drift_issue}[
        args.command
    ](gh, args)


if __name__ == "__main__":
    main()
