"""A results file from bench/run.py as a markdown table (for bench/RESULTS.md and the README).

    .venv/bin/python -m bench.summary bench/results/<date>-<host>.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def table(results: dict) -> str:
    lines = ["| measure | median ms | CPU ms | hand-written ms (CPU) | ratio | target | |",
             "|---|---:|---:|---:|---:|---|---|"]
    for r in results["results"]:
        if r["median_ms"] is None:
            lines.append(f"| {r['name']} | – | – | – | – | | {r['note']} |")
            continue
        target = []
        if r["target_ms"]:
            target.append(f"< {r['target_ms']:g} ms")
        if r["ratio_target"]:
            target.append(f"≤ {r['ratio_target']:g}x")
        hand = (f"{ms(r['hand_ms'])} ({ms(r['hand_cpu_ms'])})" if r["hand_ms"] is not None
                else "–")
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "–"
        verdict = {None: "", True: "ok", False: "**miss**"}[r["ok"]]
        rows = f"{r['rows']:,} rows" if r.get("rows") else ""
        lines.append(f"| {r['name']}{' — ' + rows if rows else ''} | {ms(r['median_ms'])} | "
                     f"{ms(r['cpu_ms'])} | {hand} | {ratio} | {', '.join(target)} | {verdict} |")
    memory = results["memory"]
    lines.append(f"| peak memory of the program (all of the above, one process) | "
                 f"{memory['program_peak_rss_mb']:.0f} MB | | | | < 300 MB | "
                 f"{'ok' if memory['ok'] else '**miss**'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    machine = data["machine"]
    engine = (f"SQLite {machine['sqlite']}" if "sqlite" in machine else  # (before issue 22)
              f"PostgreSQL {machine['postgresql']['server_version'].split()[0]}, "
              f"psycopg {machine['psycopg']}")
    print(f"{data['date']} on {data['host']}: {machine['cpus']} CPUs, Python {machine['python']}, "
          f"{engine}, load average {machine['load_average_before'][0]:.1f} "
          f"before / {machine['load_average_after'][0]:.1f} after; commit {data['commit']}; "
          f"{data['runs']} runs per measure.\n")
    print(table(data))
