"""RESULTS.md: the counts first, then issue 15's named cases, then every defect."""

from __future__ import annotations

from collections import Counter, defaultdict

from .harness import (ACCEPTED, CLINIC_FILES, DAMAGED, DEFECTS, HOSTILE, OUTSIDE, RAW,
                      REFUSED, UNPREPARED, WRITTEN, WRONG, Outcome)


def _cell(text: str, limit: int = 220) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _changes(outcome: Outcome) -> str:
    if outcome.verdict == DAMAGED:
        return ""  # every table "vanished": the detail says why
    parts = [f"{name}: {how}" for name, how in outcome.tables.items()]
    parts += [f"file {name}: {how}" for name, how in outcome.files.items()
              if name not in CLINIC_FILES or not outcome.tables]
    return "; ".join(parts)


def _what(outcome: Outcome) -> str:
    detail = outcome.detail
    if outcome.verdict in (HOSTILE, WRITTEN, OUTSIDE, WRONG, DAMAGED):
        changed = _changes(outcome)
        detail = f"{detail} \u2014 changed: {changed}" if changed else detail
    return _cell(detail or outcome.verdict)


def render(outcomes: list[Outcome], *, when: str, commit: str, machine: str,
           seconds: float) -> str:
    counts = Counter(o.verdict for o in outcomes)
    defects = [o for o in outcomes if o.defect]
    code_only = [o for o in defects if o.case.programmer_only]
    desk = len(defects) - len(code_only)
    lines = [
        "# Adversarial campaign (issue 15): results", "",
        f"{when} \u00b7 commit {commit} \u00b7 {machine} \u00b7 {seconds:.0f} s, one process.",
        "", "Every case ran on a fresh copy of a small seeded clinic, with every table's rows "
        "hashed and every file of the case's folder hashed before and after the call "
        "(campaign/README.md says how to read this).", "",
        "| | cases |", "|---|---:|",
        f"| **tried** | **{len(outcomes)}** |",
        f"| refused, nothing written (pass) | {counts[REFUSED]} |",
        f"| accepted, valid (pass) | {counts[ACCEPTED]} |",
        f"| **defects** | **{len(defects)}** |",
    ]
    for verdict in DEFECTS:
        lines.append(f"| \u2003{verdict} | {counts[verdict]} |")
    lines += [f"| \u2003(of the defects: on arguments only code passes \u2014 a Report, a "
              f"PendingSale, a Clinic) | {len(code_only)} |",
              f"| could not be prepared (the harness's own problem) | {counts[UNPREPARED]} |",
              "", f"Defects a desk user can reach: **{desk}**.", ""]
    by_group = defaultdict(Counter)
    for o in outcomes:
        by_group[o.case.group][o.verdict if o.verdict in (REFUSED, ACCEPTED) else
                                "defect" if o.defect else o.verdict] += 1
    lines += ["| group | tried | refused, nothing written | accepted, valid | defects |",
              "|---|---:|---:|---:|---:|"]
    for group in ("roles", "sweep", "named"):
        c = by_group[group]
        lines.append(f"| {group} | {sum(c.values())} | {c[REFUSED]} | {c[ACCEPTED]} | "
                     f"{c['defect']} |")
    named = [o for o in outcomes if o.case.group == "named"]
    lines += ["", "## Issue 15's own reproductions", "",
              "| item | cases | pass | defects |", "|---|---:|---:|---:|"]
    for item in sorted({o.case.args.split(":")[0] for o in named}):
        mine = [o for o in named if o.case.args.split(":")[0] == item]
        bad = sum(o.defect for o in mine)
        lines.append(f"| {item} | {len(mine)} | {len(mine) - bad} | {bad} |")
    lines += ["", "| case | verdict | what happened |", "|---|---|---|"]
    for o in outcomes:
        if o.case.group == "named":
            mark = "**DEFECT** " if o.defect else ""
            lines.append(f"| {_cell(o.case.target)} \u2014 {_cell(o.case.args)} | "
                         f"{mark}{o.verdict} | {_what(o)} |")
    lines += ["", "## Defects by method", "", "| method | defects | kinds |", "|---|---:|---|"]
    per_method = defaultdict(Counter)
    for o in defects:
        per_method[o.case.target][o.verdict] += 1
    for method, c in sorted(per_method.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        kinds = ", ".join(f"{k} {n}" for k, n in c.most_common())
        lines.append(f"| {method} | {sum(c.values())} | {kinds} |")
    lines += ["", "## Every defect", ""]
    for verdict in (DAMAGED, RAW, WRITTEN, HOSTILE, WRONG, OUTSIDE):
        found = [o for o in defects if o.verdict == verdict]
        if not found:
            continue
        lines += [f"### {verdict} ({len(found)})", "",
                  "| method | args | role | what happened |", "|---|---|---|---|"]
        for o in sorted(found, key=lambda o: (o.case.target, o.case.group, o.case.args)):
            note = " (code only)" if o.case.programmer_only else ""
            lines.append(f"| {o.case.target} | {_cell(o.case.args, 90)}{note} | {o.case.role} "
                         f"| {_what(o)} |")
        lines.append("")
    refused_valid = [o for o in outcomes if o.case.group == "roles" and o.case.role != "front_desk"
                     and o.verdict == REFUSED]
    unprepared = [o for o in outcomes if o.verdict == UNPREPARED]
    if refused_valid or unprepared:
        lines += ["## Valid calls refused (not defects: where the sweeps test less)", "",
                  "A method's valid call (baseline.py) was refused, so its sweep's refusals may "
                  "come from that refusal rather than from the hostile value. Add an override "
                  "in campaign/baseline.py when a method is listed here.", "",
                  "| method | role | refusal |", "|---|---|---|"]
        for o in refused_valid + unprepared:
            lines.append(f"| {o.case.target} | {o.case.role} | {_cell(o.detail, 160)} |")
        lines.append("")
    return "\n".join(lines) + "\n"
