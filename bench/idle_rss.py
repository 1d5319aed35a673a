"""A running worker's resident memory at idle, beside a bare Python interpreter's, measured in the same run.

Starts a fake WeCom API and a fake Bot API (each a process of its own), then `salesbot run` with both channels on
a fresh SQLite database seeded with the demo team, lets it tick idle for `--idle` seconds (the reminder scan, the
dispatcher and the WeCom intake all run), and reads VmRSS from /proc. The baseline is `python -c` sleeping, started
the same way. Target: under 150 MB; matplotlib and openpyxl must not be loaded by an idle worker (checked in
/proc/PID/maps).
Run: .venv/bin/python bench/idle_rss.py [--idle 30]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 150.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def loaded(pid: int, *names: str) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [n for n in names if f"/{n}/" in maps]


def start_fake(module: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    fake = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    return fake, fake.stdout.readline().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=float, default=30.0, help="seconds to let the worker idle before measuring")
    args = parser.parse_args()

    baseline = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    wecom, wecom_url = start_fake("tests.fakes.wecom_api")
    telegram, telegram_url = start_fake("tests.fakes.telegram_api")
    salesbot = str(Path(sys.executable).with_name("salesbot"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SALESBOT_DATABASE_URL": f"sqlite:///{tmp}/idle.db",
            "SALESBOT_SERVER_PORT": "0",
            "SALESBOT_TELEGRAM_TOKEN": "123456:TEST-TOKEN",  # the fake Bot API's token
            "SALESBOT_TELEGRAM_BASE_URL": telegram_url,
            "SALESBOT_WECOM_CORP_ID": "ww_test_corp",
            "SALESBOT_WECOM_AGENT_ID": "1000002",
            "SALESBOT_WECOM_API_BASE_URL": f"{wecom_url}/cgi-bin/",
            "SALESBOT_WECOM_SECRET": "test-secret",
            "SALESBOT_WECOM_TOKEN": "token",
            "SALESBOT_WECOM_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "SALESBOT_LOG_LEVEL": "WARNING",
        }
        subprocess.run([salesbot, "init"], env=env, check=True, capture_output=True)
        subprocess.run([salesbot, "seed", str(ROOT / "config/demo.toml")], env=env, check=True, capture_output=True)
        worker = subprocess.Popen([salesbot, "run"], env=env, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(args.idle)
            if worker.poll() is not None:
                raise SystemExit(f"salesbot run exited: {worker.stderr.read() if worker.stderr else ''}")
            worker_mb, base_mb = rss_mb(worker.pid), rss_mb(baseline.pid)
            heavy = loaded(worker.pid, "matplotlib", "openpyxl", "numpy")
        finally:
            worker.terminate()
            worker.wait(30)
            for process in (baseline, wecom, telegram):
                process.kill()
    print(f"idle {args.idle:.0f} s, both channels (Telegram polling, WeCom callbacks), SQLite, demo team")
    print(f"bare python:   {base_mb:7.1f} MB")
    ratio, share = worker_mb / base_mb, worker_mb / TARGET_MB
    print(f"salesbot run:  {worker_mb:7.1f} MB  = {ratio:.1f}x bare python, {share:.2f}x the {TARGET_MB:.0f} MB target")
    print(f"heavy libraries loaded at idle: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
