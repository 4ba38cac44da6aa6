"""What the benchmark scripts share: running one backend in a child process and reading back
its figures, and the PASS/MISS and millisecond formats of their summaries.

A benchmark runs itself again as a child per backend (`--backend sqlite-child` or
`postgres-child`): SQLite on a scratch file (or a kept one), PostgreSQL on a throwaway cluster
started by scripts/with-postgres. The child prints its progress, then one result line (JSON
after RESULT_PREFIX), which the parent parses for the summary.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "
BACKENDS = ["sqlite", "postgres", "both", "sqlite-child", "postgres-child"]


def count_of(amount: int) -> dict[str, int]:
    """The fewest notes and coins that make `amount` cents, as the drawer-close API takes them."""
    from pos.services.drawers import count_for  # the children's Django, not the parent's

    return {str(denomination): n for denomination, n in count_for(amount).items()}


def run_parent(
    args: argparse.Namespace, run_one, print_summary, order=("sqlite", "postgres")
) -> int:
    """Run each chosen backend's child (`run_one(backend)` returns its result or None), then the
    summary; exit 1 when a child failed."""
    backends = list(order) if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        result = run_one(backend)
        if result is None:
            print(f"{backend}: the child failed; no figures", flush=True)
        else:
            results.append(result)
    print_summary(results)
    return 0 if len(results) == len(backends) else 1


def add_backend_option(parser: argparse.ArgumentParser) -> None:
    """--backend: which database(s) to measure; the *-child values are the runs themselves."""
    parser.add_argument("--backend", choices=BACKENDS, default="both")


def main(args: argparse.Namespace, run_parent, run_child) -> int:
    """Run one backend's child (as asked by the parent), or the parent that starts them."""
    if args.backend.endswith("-child"):
        return run_child(args)
    return run_parent(args)


def run_backend(
    *, script: str, backend: str, child_args: list[str], sqlite_file: Path | None = None
) -> dict | None:
    """Run script's child for backend and return its parsed result (None if it failed)."""
    command = [sys.executable, str(Path(script).resolve()), "--backend", f"{backend}-child"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    scratch = None
    if backend == "sqlite":
        if sqlite_file is None:
            scratch = tempfile.mkdtemp(prefix="tillshare-bench-")
            sqlite_file = Path(scratch) / "bench.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    else:
        command = [str(ROOT / "scripts" / "with-postgres"), *command]
        env.pop("DATABASE_URL", None)
    print(f"=== {backend} ===", flush=True)
    started = time.perf_counter()
    try:
        return _stream_child([*command, *child_args], env)
    finally:
        print(f"({backend} run: {time.perf_counter() - started:.0f} s)", flush=True)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _stream_child(command: list[str], env: dict) -> dict | None:
    """Run the child, echo its output as it comes, and return its result line, parsed."""
    result = None
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as child:
        for line in child.stdout:
            if line.startswith(RESULT_PREFIX):
                result = json.loads(line.removeprefix(RESULT_PREFIX))
            else:
                print(line, end="", flush=True)
    return result if child.returncode == 0 else None


def report_result(result: dict) -> None:
    """Print the child's result line for the parent."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"
