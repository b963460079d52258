#!/usr/bin/env python3
"""Writes a shipped model's evaluation into the quality test's tables.

Usage: scripts/quality_floors.py ON/eval.json OFF/eval.json [tests/test_quality.cpp]

ON is `weft-cli eval --compress on` over every task, OFF `--compress off` over task 9 at
least (the MODEL_CARD.md commands). Each row of kShipped in the test takes its value from ON,
each row of kShippedUncompressed from OFF: the same task, metric and group ("all" unless the
row names one). The test derives its floors from these values; run this when a model ships.
"""
import json
import re
import sys

TASKS = {
    "Generate": "generate", "Describe": "describe", "Count": "count", "ColorQuery": "color-query",
    "Edit": "edit", "WhatChanged": "what-changed", "SubjectByExample": "subject",
    "StyleByExample": "style", "InContext": "in-context", "MultiTurn": "multi-turn",
    "Retrieval": "retrieval", "SoundAtmosphere": "sound", "SpokenRequest": "spoken",
}
SCORES = {
    "SceneExact": "scene_exact", "Attributes": "attribute_accuracy", "TextExact": "text_exact",
    "Retrieval": "retrieval_correct", "BackgroundExact": "background_exact",
}
ROW = re.compile(r'\{world::TaskKind::(\w+), Score::(\w+), ([0-9.]+)(, "([\w=.-]+)")?\}')


def load(path):
    with open(path, encoding="utf-8") as f:
        return {(r["task"], r["group"]): r for r in json.load(f)["results"]}


def rewrite(block, rows, source):
    def value(m):
        task, score, group = TASKS[m.group(1)], SCORES[m.group(2)], m.group(5) or "all"
        row = rows.get((task, group))
        if row is None or row.get(score) is None:
            sys.exit(f"{source}: no {score} for {task} / {group}")
        suffix = m.group(4) or ""
        return f"{{world::TaskKind::{m.group(1)}, Score::{m.group(2)}, {row[score]:.3f}{suffix}}}"
    return ROW.sub(value, block)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    test = argv[3] if len(argv) > 3 else "tests/test_quality.cpp"
    on, off = load(argv[1]), load(argv[2])
    with open(test, encoding="utf-8") as f:
        text = f.read()
    parts = re.split(r"(constexpr Expected \w+\[\] = \{.*?\n\};)", text, flags=re.S)
    for i, part in enumerate(parts):
        if part.startswith("constexpr Expected kShippedUncompressed"):
            parts[i] = rewrite(part, off, argv[2])
        elif part.startswith("constexpr Expected kShipped"):
            parts[i] = rewrite(part, on, argv[1])
    with open(test, "w", encoding="utf-8") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main(sys.argv)
