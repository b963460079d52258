#!/usr/bin/env bash
# The main job: installs the dependencies, builds, and runs Weft on the embedded model.
# With a display it opens the app; on a headless machine it runs the CLI demo
# (scripts/demo.sh): a drawing, a follow-up edit and an example pair answered by the embedded
# model with weft-cli reply, each answer parsed back into a caption beside what was asked;
# replies and images go to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/app/gui/weft ]; then
  exec build/app/gui/weft
fi
exec bash scripts/demo.sh build demo-out
