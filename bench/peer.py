"""The peer and dermadesk side by side: 31 days of availability over 5,000 bookings, one sitting.

Run ``make bench-peer`` (or ``.venv/bin/python bench/peer.py``). It runs the peer's harness,
``../shared/peer/django-appointment/run`` (django-appointment 3.12.0 in its own venv under
/tmp; about 4-5 minutes; ``PEER_DIR`` names another checkout of it, ``PEER_QUICK=1`` makes it
short), then ``bench/availability_http.py`` right after it on the same machine, and prints
both and their ratio:

- the peer's 31 days × 4 staff through its function (124 calls: it answers one staff member
  and one day at a time) against dermadesk's reads + engine for 31 days (one call);
- the peer's same month through its HTTP endpoint (124 requests, Django's test client, no
  socket) against dermadesk's API (one request over a real socket to gunicorn).

The peer models much less (no rooms, devices or steps; a 30-minute grid), so the comparison
favours it; see its README.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_DIR = Path(os.environ.get("PEER_DIR", ROOT.parent / "shared" / "peer" / "django-appointment"))
# The peer's 60-minute "Micro-Needling" is closest to ours; the slowest of ours is shown too.
LIKE_FOR_LIKE = "micro-needling"


def last_json_line(output: str) -> dict[str, object]:
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"no JSON line in:\n{output[-3000:]}")
    result: dict[str, object] = json.loads(lines[-1])
    return result


def run(command: list[str], cwd: Path) -> str:
    """Run a bench, its table shown as it goes; returns what it printed."""
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    sys.stderr.write(process.stderr[-3000:])
    print(process.stdout)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed with exit code {process.returncode}")
    return process.stdout


def median_ms(result: object, *path: str) -> float:
    for key in path:
        result = result[key]  # type: ignore[index]
    return float(result["median_ms"])  # type: ignore[index]


def main() -> None:
    harness = PEER_DIR / "run"
    if not harness.exists():
        raise SystemExit(f"The peer's harness is not at {harness}: set PEER_DIR.")
    print(f"## The peer: {harness}\n", flush=True)
    peer = last_json_line(run([str(harness)], PEER_DIR))
    print("## dermadesk: bench/availability_http.py\n", flush=True)
    ours = last_json_line(
        run([sys.executable, str(ROOT / "bench" / "availability_http.py"), "--json"], ROOT)
    )

    results = peer["results"]
    peer_function = median_ms(results, "b_31_days_4_staff_function")
    peer_http = median_ms(results, "c_31_days_4_staff_ajax")
    services = ours["services"]
    assert isinstance(services, dict)
    slowest = max(services, key=lambda slug: median_ms(services, slug, "api"))
    print("## Side by side: 31 days, 5,000 bookings, milliseconds (medians)\n")
    print("| what | peer | dermadesk | peer ÷ dermadesk |")
    print("| --- | ---: | ---: | ---: |")
    for slug in dict.fromkeys([LIKE_FOR_LIKE, slowest]):
        reads = median_ms(services, slug, "reads_engine")
        api = median_ms(services, slug, "api")
        print(
            f"| function (124 calls) vs reads + engine, {slug} "
            f"| {peer_function:,.1f} | {reads:.1f} | {peer_function / reads:,.0f}× |"
        )
        print(
            f"| HTTP (124 requests) vs the API (1 request), {slug} "
            f"| {peer_http:,.1f} | {api:.1f} | {peer_http / api:,.0f}× |"
        )


if __name__ == "__main__":
    main()
