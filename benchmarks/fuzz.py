"""A long fuzz run by hand (issue 23): the harnesses of tests/fuzz/ with many randomised
examples each; every crash is kept as a corpus case under tests/fuzz/corpus/ (which CI then
replays). Prints, per harness, the examples tried, the seconds taken and the crashes found.

    python benchmarks/fuzz.py --examples 5000 [--harness file_readers ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESSES = ["file_readers", "query_guard", "endpoint_answers", "serve_requests"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per harness")
    parser.add_argument("--harness", nargs="+", choices=HARNESSES, default=HARNESSES)
    args = parser.parse_args()
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples), "FUZZ_SAVE": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    corpus = ROOT / "tests" / "fuzz" / "corpus"
    before = set(corpus.rglob("*.repr"))
    failed = 0
    for harness in args.harness:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"tests/fuzz/test_fuzz.py::test_fuzz_{harness}"], cwd=ROOT, env=env,
            capture_output=True, text=True)
        seconds = time.monotonic() - start
        found = sorted(set(corpus.rglob("*.repr")) - before)
        before |= set(found)
        failed += done.returncode != 0
        print(f"{harness}: {args.examples} examples in {seconds:.0f} s, "
              f"{'crash' if done.returncode else 'no crash'}"
              + "".join(f"\n  kept {path.relative_to(ROOT)}" for path in found))
        if done.returncode:
            print("\n".join("  " + line for line in done.stdout.splitlines()[-15:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
