#!/usr/bin/env bash
# The headless demo: the embedded model answers three real requests with weft-cli reply,
# one after the other as a user would send them: a drawing, a follow-up edit of that drawing
# ("now ..."), and an example pair with a new picture ("do the same"). Each image answer is
# parsed back into a caption (weft-cli world parse) and shown beside what was asked.
# Usage: scripts/demo.sh [BUILD_DIR] [OUT_DIR]   (defaults: build, demo-out)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-demo-out}
cli="$build/app/weft-cli"
rm -rf "$out" && mkdir -p "$out/draw" "$out/edit" "$out/pair"
"$cli" info

conversation() { # FILE, then message objects (JSON) -> a conversation file
  local file=$1; shift
  local IFS=,
  printf '{"format":"weft-conversation","version":1,"messages":[%s]}\n' "$*" > "$file"
}
answer_image() { # reply folder -> path of its first image
  find "$1" -name '*.png' | sort | head -n 1
}
show() { # title, request, expected caption, answer image
  echo
  echo "== $1"
  echo "   asked:    $2"
  echo "   expected: $3"
  if [ -n "$4" ]; then
    echo "   answered: $("$cli" world parse "$4" | tail -n 1)   ($4)"
  else
    echo "   answered: (no image)"
  fi
}

draw="draw a small yellow star at the top-left, a large red circle in the center on a blue stripes background"
conversation "$out/draw/draw.json" "{\"role\":\"user\",\"segments\":[{\"text\":\"$draw\"}]}"
"$cli" reply "$out/draw/draw.json" --out "$out/replies" --seed 7 > /dev/null
first=$(answer_image "$out/replies/draw")
show "a drawing" "$draw" "a small yellow star at the top-left, a large red circle in the center on a blue stripes background" "$first"

edit="now make the red circle green"
if [ -n "$first" ]; then
  cp "$first" "$out/edit/first.png"
  conversation "$out/edit/edit.json" "{\"role\":\"user\",\"segments\":[{\"text\":\"$draw\"}]}" \
    '{"role":"assistant","segments":[{"image":"first.png"}]}' "{\"role\":\"user\",\"segments\":[{\"text\":\"$edit\"}]}"
  "$cli" reply "$out/edit/edit.json" --out "$out/replies" --seed 7 > /dev/null
  show "a follow-up edit" "$edit" "a small yellow star at the top-left, a large green circle in the center on a blue stripes background" \
    "$(answer_image "$out/replies/edit")"
fi

cp resources/starters/pair_before.png resources/starters/pair_after.png resources/starters/pair_query.png "$out/pair/"
conversation "$out/pair/pair.json" \
  '{"role":"user","segments":[{"image":"pair_before.png"},{"image":"pair_after.png"},{"image":"pair_query.png"},{"text":"do the same"}]}'
"$cli" reply "$out/pair/pair.json" --out "$out/replies" --seed 7 > /dev/null
show "an example pair (make every object large), then a new picture" \
  "[$("$cli" world parse "$out/pair/pair_before.png" | tail -n 1)] -> [$("$cli" world parse "$out/pair/pair_after.png" | tail -n 1)]; do the same with [$("$cli" world parse "$out/pair/pair_query.png" | tail -n 1)]" \
  "a large blue square at the top-left, a large orange circle at the bottom on a gray dots background" \
  "$(answer_image "$out/replies/pair")"
echo
echo "Replies written under $out/replies:"
find "$out/replies" -type f | sort
