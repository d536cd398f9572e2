#!/usr/bin/env python3
"""`just bench`: sequential rounds of API calls, measured with added latency.

Run through tools/with-emulator. For each command, the test proxy adds 0 ms
and then BENCH_LATENCY_MS (default 300, a slow cross-region call) to every
call; the difference in wall time divided by that latency is the number of
sequential rounds on the command's critical path. Printed:

* `ctrail plan` on a converged account, for the seed's spec and for the
  monitoring spec: calls per operation, wall times, rounds (target: at most
  3 rounds);
* `ctrail apply` from an empty account: calls, wall times, rounds, against
  the sum of all its calls (what running them one after another would cost),
  for the seed's spec and for the monitoring spec (more ready actions than
  the 8 that run at once, so the scheduler's choice shows);
* the seed's step-by-step CLI procedure (tests/seed-procedure.sh) the same way;
* (`BENCH_ONLY=rounds` stops here; `BENCH_ONLY=validate-logs` runs only
  the next)
* `ctrail validate-logs` against the AWS CLI's `validate-logs` on the same
  generated, signed digest chain (BENCH_LOGS log files, default 5,000), with
  VALIDATE_LATENCY_MS (default 25) added to every call as a stand-in for S3's
  own latency: wall time, files per second, and peak memory (max RSS); and
  ctrail's peak memory again on four times the files.
"""

import json
import statistics
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

CTRAIL = os.environ.get("CTRAIL", "./target/debug/ctrail")
AWS = os.environ["AWS_CLI"]
PYTHON = os.path.join(os.path.dirname(AWS), "python")
PROXY = os.environ["AWS_ENDPOINT_URL"]
MOTO = os.environ["MOTO_URL"]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# Added to every call for the second measurement, in ms.
LAT = int(os.environ.get("BENCH_LATENCY_MS", "300"))
TMP = tempfile.mkdtemp()
SPEC = os.path.join(TMP, "spec.yaml")


def post(url, body=None):
    req = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST")
    return urllib.request.urlopen(req).read()


def counts():
    return json.load(urllib.request.urlopen(PROXY + "/_proxy/counts"))


def latency(ms):
    post(PROXY + "/_proxy/config", {"latency_ms": ms})


def run(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def fresh_account():
    """An empty emulated account with a KMS key, and the spec naming that key."""
    post(MOTO + "/moto-api/reset")
    post(PROXY + "/_proxy/forget")
    key = run(AWS, "kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text").stdout.strip()
    text = open("specs/security-audit-trail.yaml").read().replace("12345678-1234-1234-1234-123456789012", key)
    open(SPEC, "w").write(text)
    return key


def timed(args, ok=(0,)):
    t = time.perf_counter()
    p = subprocess.run(args, capture_output=True)
    if p.returncode not in ok:
        sys.exit(f"{' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return time.perf_counter() - t


def measure_from_empty(label, command, prepare=None):
    """Wall time at 0 and LAT ms per call, each the median of RUNS runs on a
    fresh account (prepared, untimed, by `prepare`; the two latencies
    alternate, so drift in the machine's speed falls on both); calls made."""
    times = {0: [], LAT: []}
    calls = {}
    for _ in range(RUNS):
        for ms in (0, LAT):
            key = fresh_account()
            if prepare:
                run(*[c.replace("{key}", key) for c in prepare])
            post(PROXY + "/_proxy/reset")
            latency(ms)
            times[ms].append(timed([c.replace("{key}", key) for c in command]))
            calls[ms] = sum(counts().values())
            latency(0)
    walls = {ms: (statistics.median(ts), calls[ms]) for ms, ts in times.items()}
    (w0, calls), (w50, _) = walls[0], walls[LAT]
    rounds = (w50 - w0) / (LAT / 1000)
    print(f"{label}:")
    print(f"  calls made:                       {calls:7d}   (one after another: {calls * LAT} ms of latency)")
    print(f"  wall time, no added latency:      {w0 * 1000:7.1f} ms   (median of {RUNS})")
    print(f"  wall time, {LAT} ms per call:       {w50 * 1000:7.1f} ms   (median of {RUNS})")
    print(f"  sequential rounds implied:        {rounds:7.2f}   (critical-path bound at {LAT} ms: {rounds * LAT:.0f} ms)")
    return rounds, calls


def bench_plan(label, spec):
    """`ctrail plan` on a converged account: `spec` is applied first."""
    run(CTRAIL, "apply", "--auto-approve", spec)
    plan = [CTRAIL, "plan", "--detailed-exitcode", spec]
    start = min(timed([CTRAIL, "--version"]) for _ in range(RUNS))
    post(PROXY + "/_proxy/reset")
    timed(plan)
    c = counts()
    latency(0)
    w0 = min(timed(plan) for _ in range(RUNS))
    latency(LAT)
    w50 = min(timed(plan) for _ in range(RUNS))
    latency(0)
    rounds = (w50 - w0) / (LAT / 1000)
    print(f"ctrail plan on a converged account, {label} ({len(c)} operations, {sum(c.values())} calls, best of {RUNS}):")
    print(f"  most calls of one operation:      {max(c.values()):7d}")
    print(f"  process start (ctrail --version): {start * 1000:7.1f} ms")
    print(f"  wall time, no added latency:      {w0 * 1000:7.1f} ms")
    print(f"  wall time, {LAT} ms per call:       {w50 * 1000:7.1f} ms")
    print(f"  sequential rounds implied:        {rounds:7.2f}")
    print(f"  target, at most 3 rounds:         {'met' if rounds <= 3 else 'MISSED'}")


TESTDATA = os.environ.get("CTRAIL_TESTDATA", "./target/debug/ctrail-testdata")
KEY_PEM = "tests/fixtures/digest-keys/signing-key.pk8.pem"
BENCH_LOGS = int(os.environ.get("BENCH_LOGS", "5000"))
VALIDATE_LATENCY_MS = int(os.environ.get("VALIDATE_LATENCY_MS", "25"))


def timed_rss(args, ok=(0, 1)):
    """Wall time (s) and peak resident memory (MB) of one command."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in ok:
        sys.exit(f"{' '.join(args)} exited {p.returncode}: {p.stderr}")
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, p.stdout


def chain_of(logs):
    """A fresh bucket holding one region's signed chain of `logs` log files
    (50 hourly digests)."""
    post(MOTO + "/moto-api/reset")
    post(PROXY + "/_proxy/forget")
    run(AWS, "s3api", "create-bucket", "--bucket", "bench-integrity")
    run(TESTDATA, "bench-integrity", KEY_PEM, "2026-11-20T00:00:00Z", "50", str(logs // 50), "us-east-1")


def validate_args(ctrail):
    common = ["--trail-arn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/bench-trail",
              "--s3-bucket", "bench-integrity", "--start-time", "2026-11-20T00:00:00Z",
              "--end-time", "2026-11-22T02:00:00Z"]
    if ctrail:
        return [CTRAIL, "validate-logs", *common]
    return [AWS, "cloudtrail", "validate-logs", "--region", "us-east-1", *common]


def summary_line(out, name):
    return next((l.strip() for l in out.splitlines() if f" {name} files valid" in l), "?")


def bench_validate():
    chain_of(BENCH_LOGS)
    latency(VALIDATE_LATENCY_MS)
    ours, ours_mb, out = timed_rss(validate_args(True))
    theirs, theirs_mb, cli_out = timed_rss(validate_args(False))
    latency(0)
    files = BENCH_LOGS + 50
    print(f"validate-logs on one region's chain: {BENCH_LOGS} log files, 50 digests, "
          f"{VALIDATE_LATENCY_MS} ms added to every call:")
    print(f"  ctrail validate-logs:             {ours:7.2f} s   {files / ours:8.0f} files/s   peak {ours_mb:6.1f} MB   ({summary_line(out, 'log')})")
    print(f"  aws cloudtrail validate-logs:     {theirs:7.2f} s   {files / theirs:8.0f} files/s   peak {theirs_mb:6.1f} MB   ({summary_line(cli_out, 'log')})")
    print(f"  throughput, ctrail / AWS CLI:     {theirs / ours:7.1f}x  (goal: at least 20x)")
    chain_of(BENCH_LOGS * 4)
    latency(VALIDATE_LATENCY_MS)
    big, big_mb, out = timed_rss(validate_args(True))
    latency(0)
    print(f"  ctrail on {BENCH_LOGS * 4} log files:        {big:7.2f} s   {(BENCH_LOGS * 4 + 50) / big:8.0f} files/s   peak {big_mb:6.1f} MB   ({summary_line(out, 'log')})")
    print(f"  peak memory, {BENCH_LOGS * 4} vs {BENCH_LOGS} files:   {big_mb / ours_mb:7.2f}x")


def main():
    if os.environ.get("BENCH_ONLY") == "validate-logs":
        bench_validate()
        return
    key = fresh_account()
    run("tests/seed-key-policy.sh", key)
    run("tests/seed-procedure.sh", key)
    bench_plan("after the seed procedure (specs/security-audit-trail.yaml)", SPEC)
    print()
    fresh_account()
    monitoring = os.path.join(TMP, "security-monitoring.yaml")
    open(monitoring, "w").write(open("specs/security-monitoring.yaml").read())
    bench_plan("with the CIS monitoring (specs/security-monitoring.yaml, 60 resources)", monitoring)
    print()
    ctrail_rounds, ctrail_calls = measure_from_empty(
        "ctrail apply from an empty account (plan, lock, apply, ledger, verifying plan)",
        [CTRAIL, "apply", "--auto-approve", SPEC],
    )
    print(f"  target, at most 11 rounds:        {'met' if ctrail_rounds <= 11 else 'MISSED'}")
    print()
    measure_from_empty(
        "ctrail apply of the monitoring spec from an empty account (60 resources; the scheduler's order matters)",
        [CTRAIL, "apply", "--auto-approve", monitoring],
    )
    print()
    if os.environ.get("BENCH_ONLY") == "rounds":
        return
    seed_rounds, seed_calls = measure_from_empty(
        "the seed's step-by-step CLI procedure (tests/seed-procedure.sh)",
        ["tests/seed-procedure.sh", "{key}"],
        prepare=["tests/seed-key-policy.sh", "{key}"],
    )
    print()
    print(f"apply: {ctrail_rounds:.1f} rounds for {ctrail_calls} calls "
          f"({ctrail_calls / max(ctrail_rounds, 1):.1f} calls per round); "
          f"the CLI procedure: {seed_rounds:.1f} rounds for {seed_calls} calls.")
    print()
    bench_validate()


if __name__ == "__main__":
    main()
