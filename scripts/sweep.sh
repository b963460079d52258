#!/usr/bin/env bash
# Short size/lever sweep for weft-tiny on an equal budget (MODEL_CARD.md, "Sizes by measurement").
# Every variant trains from scratch for the same number of steps and tokens with the same seed on
# the same tasks, then is scored on the same fresh Split::Test cases. Variants are
# "name d_model layers heads d_ff [extra train flags…]".
#
#   bash scripts/sweep.sh                       # the default grid below
#   STEPS=600 TASKS=generate,edit bash scripts/sweep.sh
#
# A lever on the shipped weights (extra flags after the sizes; COLUMNS picks the table's
# task:metric columns from eval.json):
#   STEPS=300 TASKS=in-context EVAL_TASKS=9 COLUMNS=in-context:scene_exact,in-context:attribute_accuracy \
#     bash scripts/sweep.sh "plain 256 4 4 688 --lm-init resources/models/weft-tiny --example-loss" \
#                           "changed8 256 4 4 688 --lm-init resources/models/weft-tiny --example-loss --changed-weight 8"
#
# Needs a built weft-cli (scripts/build.sh). Writes runs/sweep/<name>/ and runs/sweep/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${CLI:-build/app/weft-cli}
OUT=${OUT:-runs/sweep}
STEPS=${STEPS:-400}
TOKENS=${TOKENS:-4096}
TASKS=${TASKS:-generate,edit,describe}
EVAL_TASKS=${EVAL_TASKS:-1,2,5}
EVAL_N=${EVAL_N:-50}
COLUMNS=${COLUMNS:-generate:scene_exact,generate:attribute_accuracy,describe:text_exact,edit:scene_exact,edit:preservation}
SEED=${SEED:-11}
THREADS=${THREADS:-2}
BASE=resources/models/configs/weft-tiny.json

if [ "$#" -gt 0 ]; then
    VARIANTS=("$@")
else
    VARIANTS=(
        "d192-l4 192 4 4 512"
        "d256-l4 256 4 4 688"
        "d256-l6 256 6 4 688"
        "d320-l4 320 4 5 864"
    )
fi

mkdir -p "$OUT"
# One codec and tokenizer for every variant: the patch dictionary has no learned weights, so it
# does not depend on the transformer's size.
if [ ! -f "$OUT/codec/codec.safetensors" ]; then
    mkdir -p "$OUT/codec"
    cp resources/models/weft-tiny/tokenizer.model "$OUT/codec/"
    "$CLI" train --stage codec --config "$BASE" --run "$OUT/codec" --seed 1 > "$OUT/codec/codec.out" 2>&1
fi

for v in "${VARIANTS[@]}"; do
    read -r name d layers heads dff extra <<< "$v"
    run="$OUT/$name"
    mkdir -p "$run"
    python3 - "$BASE" "$run/config.json" "$d" "$layers" "$heads" "$dff" <<'EOF'
import json, sys
base, out, d, layers, heads, dff = sys.argv[1:]
c = json.load(open(base))
c["name"] = "weft-tiny-sweep"
c["transformer"].update(d_model=int(d), layers=int(layers), heads=int(heads), d_ff=int(dff))
c["audio"]["enabled"] = False  # the swept tasks have no sound
json.dump(c, open(out, "w"), indent=2)
EOF
    cp "$OUT/codec/tokenizer.model" "$OUT/codec/codec.safetensors" "$run/"
    if [ ! -d "$run/model" ]; then
        start=$SECONDS
        # shellcheck disable=SC2086
        "$CLI" train --stage lm --config "$run/config.json" --run "$run" --seed "$SEED" \
            --lm-steps "$STEPS" --lm-batch 32 --lm-tokens "$TOKENS" --tasks "$TASKS" --threads "$THREADS" \
            --out "$run/model" $extra > "$run/lm.out" 2>&1
        echo "$((SECONDS - start)) s wall" >> "$run/lm.out"
    fi
    "$CLI" eval --model "$run/model" --n "$EVAL_N" --seed 2027 --tasks "$EVAL_TASKS" --sheet 0 --out "$run/eval" > "$run/eval.out" 2>&1
done

for v in "${VARIANTS[@]}"; do
    read -r name _ <<< "$v"
    "$CLI" info --model "$OUT/$name/model" | awk '/^parameters:/ {print $2}' > "$OUT/$name/params.txt"
done
python3 - "$OUT" "$COLUMNS" "${VARIANTS[@]}" <<'EOF' | tee "$OUT/table.md"
import json, os, re, sys
out = sys.argv[1]
cols = [tuple(c.split(":")) for c in sys.argv[2].split(",")]
print("| variant | parameters | wall s | tokens/s (last window) | " + " | ".join(f"{t} {k.replace('_', ' ')}" for t, k in cols) + " |")
print("|---" * (4 + len(cols)) + "|")
for v in sys.argv[3:]:
    name = v.split()[0]
    run = os.path.join(out, name)
    log = open(os.path.join(run, "lm.out")).read()
    wall = re.findall(r"([\d.]+) s wall", log)
    tps = re.findall(r"(\d+) tok/s", log)
    params = open(os.path.join(run, "params.txt")).read().strip()
    rows = {r["task"]: r for r in json.load(open(os.path.join(run, "eval", "eval.json")))["results"] if r["group"] == "all"}
    cells = []
    for task, key in cols:
        value = rows.get(task, {}).get(key)
        cells.append("–" if value is None else f"{100 * value:.1f}")
    print(f"| {v} | {params} | {wall[-1] if wall else '?'} | {tps[-1] if tps else '?'} | " + " | ".join(cells) + " |")
EOF
