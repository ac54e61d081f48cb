"""Soak benchmark: the daemon with second-level schedules for N minutes.

Runs `connect-monitor run` against the fixture docs server and the fake Slack server,
samples the process every few seconds and prints, per minute, its resident memory, its
open file descriptors (counted in /proc/<pid>/fd) and the mean wall time of its job runs,
each also as a ratio to the first minute. The target is flat: memory and descriptors
that stop growing once warm, and job latency that does not creep up.

    python bench/bench_soak.py [--minutes 10] [--sample-seconds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.cli import isolated_env  # noqa: E402
from tests.support.daemon import FAST_SCHEDULES, add_shop, query, start_daemon  # noqa: E402
from tests.support.docs_server import DocsServer, copy_site  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402


@dataclass
class Minute:
    rss_kib: list[int] = field(default_factory=list)
    fds: list[int] = field(default_factory=list)
    job_seconds: list[float] = field(default_factory=list)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def job_seconds(url: str, after_id: int) -> tuple[list[float], int]:
    rows = query(
        url,
        "SELECT id, summary FROM job_runs WHERE id > :after AND status != 'running' ORDER BY id",
        after=after_id,
    )
    seconds = []
    for row in rows:
        summary = row["summary"]
        if isinstance(summary, str):
            summary = json.loads(summary)
        if isinstance(summary, dict) and "seconds" in summary:
            seconds.append(float(summary["seconds"]))
    return seconds, max((r["id"] for r in rows), default=after_id)


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample-seconds", type=float, default=5.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cm-soak-"))
    try:
        with DocsServer(copy_site(work / "site")) as docs, FakeSlack() as slack:
            data = work / "data"
            data.mkdir()
            env = (
                isolated_env(data)
                | FAST_SCHEDULES
                | {
                    "CONNECT_MONITOR_DOCS_BASE_URL": docs.base_url,
                    "SLACK_BOT_TOKEN": "test-bot-token",
                    "CONNECT_MONITOR_SLACK_BASE_URL": slack.api_url,
                    "SLACK_DEFAULT_CHANNEL": "#deprecations",
                    "CONNECT_MONITOR_ALERTS__MAX_PER_CHANNEL_PER_HOUR": "3",
                    "CONNECT_MONITOR_LOG_LEVEL": "WARNING",
                }
            )
            add_shop(env, work)
            url = f"sqlite:///{data / 'monitor.db'}"
            daemon = start_daemon(env, work / "daemon.log")
            minutes = soak(daemon.pid, url, args.minutes, args.sample_seconds)
            daemon.send(signal.SIGTERM)
            code = daemon.wait(60)
        report(minutes, code)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def soak(pid: int, url: str, total_minutes: float, sample: float) -> list[Minute]:
    started = time.monotonic()
    minutes: list[Minute] = []
    last_id = 0
    while (elapsed := time.monotonic() - started) < total_minutes * 60:
        index = int(elapsed // 60)
        while len(minutes) <= index:
            minutes.append(Minute())
        minute = minutes[index]
        minute.rss_kib.append(rss_kib(pid))
        minute.fds.append(open_fds(pid))
        seconds, last_id = job_seconds(url, last_id)
        minute.job_seconds.extend(seconds)
        time.sleep(sample)
    return [m for m in minutes if m.rss_kib]


def report(minutes: list[Minute], exit_code: int) -> None:
    first = minutes[0]
    base_rss = max(first.rss_kib)
    base_fds = max(first.fds)
    base_job = statistics.mean(first.job_seconds) if first.job_seconds else 0.0
    print("minute  rss_MiB  (vs 1st)  fds  (vs 1st)  jobs  mean_job_s  (vs 1st)")
    for number, minute in enumerate(minutes, start=1):
        rss = max(minute.rss_kib)
        fds = max(minute.fds)
        job = statistics.mean(minute.job_seconds) if minute.job_seconds else 0.0
        print(
            f"{number:>6}  {rss / 1024:7.1f}  {ratio(rss, base_rss):>8}  {fds:>3}  "
            f"{ratio(fds, base_fds):>8}  {len(minute.job_seconds):>4}  {job:10.3f}  "
            f"{ratio(job, base_job):>8}"
        )
    last = minutes[-1]
    print(
        f"rss growth {ratio(max(last.rss_kib), base_rss)}, "
        f"fd growth {ratio(max(last.fds), base_fds)}, daemon exit code {exit_code}"
    )


if __name__ == "__main__":
    main()
