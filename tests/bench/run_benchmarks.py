"""Runs the sandbox benchmarks and prints their figures with targets (not collected by pytest).

Usage: ``.venv/bin/python tests/bench/run_benchmarks.py [--contacts N] [--scenario NAMES]
[--json]``. The same as ``python main.py sandbox bench``; it exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere

from app.devtools import bench  # after the path fix above


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--scenario", help=f"comma-separated, from {', '.join(bench.SCENARIOS)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    scenarios = bench.parse_scenarios(args.scenario)
    return bench.bench(args.contacts, as_json=args.json, scenarios=scenarios)


if __name__ == "__main__":
    raise SystemExit(main())
