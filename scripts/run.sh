#!/usr/bin/env bash
# The main job: installs the dependencies, builds, and runs Weft on the embedded model.
# With a display it opens the app; on a headless machine it runs the CLI demo: it draws a
# sample conversation from Shapes World, answers it with weft-cli reply and writes the
# reply and its images to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/app/gui/weft ]; then
  exec build/app/gui/weft
fi
out=demo-out
rm -rf "$out" && mkdir -p "$out"
./build/app/weft-cli info
inputs=()
for task in generate edit describe in-context; do
  build/app/weft-cli world sample --task "$task" --seed 7 --out "$out/$task"
  # reply names its output folders after the input file's stem: give each its own.
  cp "$out/$task/conversation.json" "$out/$task/$task.json"
  inputs+=("$out/$task/$task.json")
done
./build/app/weft-cli reply "${inputs[@]}" --out "$out/replies" --seed 7
echo "Replies written under $out/replies:"
find "$out/replies" -type f | sort
