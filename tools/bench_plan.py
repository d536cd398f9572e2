#!/usr/bin/env python3
"""`just bench`: how many sequential rounds of API calls `ctrail plan` makes.

Run through tools/with-emulator. Sets up the seed procedure's account,
converges it, then with 0 ms and with 50 ms added to every call by the test
proxy, times `ctrail plan` on the converged account (best of N runs) and
prints the figures: calls per operation, wall time, and the implied number of
sequential rounds ((wall at 50 ms - wall at 0 ms) / 50 ms). The target is
under 5 x 50 ms plus process start.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

CTRAIL = os.environ.get("CTRAIL", "./target/debug/ctrail")
AWS = os.environ["AWS_CLI"]
PROXY = os.environ["AWS_ENDPOINT_URL"]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def control(path, body=None):
    req = urllib.request.Request(PROXY + path, data=json.dumps(body).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET")
    return json.load(urllib.request.urlopen(req))


def run(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def best_wall(args):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        p = subprocess.run(args, capture_output=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"{' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return min(times)


def main():
    tmp = tempfile.mkdtemp()
    key = run(AWS, "kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text").stdout.strip()
    spec = os.path.join(tmp, "spec.yaml")
    open(spec, "w").write(open("specs/security-audit-trail.yaml").read().replace("12345678-1234-1234-1234-123456789012", key))
    run("tests/seed-procedure.sh", key)
    open(f"{tmp}/graph.json", "w").write(run(CTRAIL, "graph", "--format", "json", spec).stdout)
    open(f"{tmp}/plan.json", "w").write(run(CTRAIL, "plan", "--format", "json", spec, check=False).stdout)
    run(os.path.join(os.path.dirname(AWS), "python"), "tests/support/remediate.py", f"{tmp}/graph.json", f"{tmp}/plan.json")
    plan = [CTRAIL, "plan", "--detailed-exitcode", spec]
    if subprocess.run(plan, capture_output=True).returncode != 0:
        sys.exit("the account did not converge")

    start = best_wall([CTRAIL, "--version"])
    control("/_proxy/reset", {})
    run(*plan)
    counts = control("/_proxy/counts")
    control("/_proxy/config", {"latency_ms": 0})
    wall0 = best_wall(plan)
    control("/_proxy/config", {"latency_ms": 50})
    wall50 = best_wall(plan)
    control("/_proxy/config", {"latency_ms": 0})
    rounds = (wall50 - wall0) / 0.050
    calls = sum(counts.values())
    bound = 5 * 0.050 + start

    print(f"ctrail plan on a converged account ({len(counts)} operations, {calls} calls, best of {RUNS}):")
    print(f"  most calls of one operation: {max(counts.values())}")
    print(f"  process start (ctrail --version): {start * 1000:7.1f} ms")
    print(f"  wall time, no added latency:      {wall0 * 1000:7.1f} ms")
    print(f"  wall time, 50 ms per call:        {wall50 * 1000:7.1f} ms")
    print(f"  sequential rounds implied:        {rounds:7.2f}   (all calls one after another: {calls})")
    print(f"  target, 5 x 50 ms + start:        {bound * 1000:7.1f} ms  -> {'met' if wall50 < bound else 'MISSED'}")


if __name__ == "__main__":
    main()
