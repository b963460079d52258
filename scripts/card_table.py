#!/usr/bin/env python3
"""Builds MODEL_CARD.md's evaluation table from `weft-cli eval` outputs.

Usage: scripts/card_table.py ON/eval.json [OFF/eval.json]

ON is an evaluation with compression on (every task); OFF, optional, one with compression
off (usually only the tasks whose prompts can hold example pairs). Each cell of the table is
"off / on"; "–" where a metric does not apply or the task was not run that way.
"""
import json
import sys

TARGETS = {
    "generate": "scene ≥ 95, attr ≥ 99",
    "describe": "text ≥ 90",
    "count": "text ≥ 95",
    "color-query": "text ≥ 95",
    "edit": "scene ≥ 85, pres ≥ 97 (each kind)",
    "what-changed": "text ≥ 80",
    "subject": "fidelity ≥ 0.95, cell ≥ 95",
    "style": "background ≥ 95, scene ≥ 80",
    "in-context": "scene ≥ 60 (k=1..3); compositions: report (aim ≥ 25)",
    "multi-turn": "scene ≥ 70",
    "retrieval": "retrieval ≥ 95",
    "sound": "background ≥ 95, pres ≥ 97",
    "spoken": "scene ≥ 80 (held-out voice)",
}
# (json key, scale, decimals)
METRICS = [
    ("scene_exact", 100, 1),
    ("attribute_accuracy", 100, 1),
    ("background_exact", 100, 1),
    ("preservation", 100, 1),
    ("creature_fidelity", 1, 2),
    ("text_exact", 100, 1),
    ("retrieval_correct", 100, 1),
    ("latency_ms", 1, 0),
]


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = {}
    for r in data["results"]:
        rows[(r["task_number"], r["task"], r["group"])] = r
    return data, rows


def cell(value, scale, decimals):
    if value is None:
        return "–"
    return f"{value * scale:.{decimals}f}"


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    on_data, on = load(argv[1])
    off = load(argv[2])[1] if len(argv) > 2 else {}
    keys = sorted(set(on) | set(off), key=lambda k: (k[0], k[2] != "all", k[2] != "seen", k[2]))
    header = ["task", "group", "cases", "scene exact", "attribute acc.", "background exact", "preservation",
              "creature fidelity", "text exact", "retrieval", "latency ms", "target (%)"]
    print(f"Model sha256 `{on_data['model_sha256'][:8]}…`, seed {on_data.get('seed', '?')}.\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for k in keys:
        a, b = off.get(k), on.get(k)
        any_row = b or a
        if any_row.get("skipped"):
            print(f"| {k[0]} {k[1]} | {k[2]} | – | skipped: {any_row['skipped']} |" + " |" * (len(header) - 4))
            continue
        cells = []
        for key, scale, decimals in METRICS:
            x = cell(a.get(key), scale, decimals) if a else "–"
            y = cell(b.get(key), scale, decimals) if b else "–"
            cells.append("–" if x == "–" and y == "–" else f"{x} / {y}")
        target = TARGETS.get(k[1], "") if k[2] == ("seen" if k[0] == 9 else "all") else ""
        print(f"| {k[0]} {k[1]} | {k[2]} | {any_row['cases']} | " + " | ".join(cells) + f" | {target} |")


if __name__ == "__main__":
    main(sys.argv)
