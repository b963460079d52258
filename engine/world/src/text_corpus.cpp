#include "weft/world/tasks.h"

namespace weft::world {

std::vector<std::string> textCorpus(std::size_t n, std::uint64_t seed)
{
    std::vector<std::string> out;
    out.reserve(n);
    // Every word first, so that even a tiny corpus gives the tokenizer the whole vocabulary.
    std::vector<std::string> vocabulary;
    std::string colors, shapes, plurals, patterns, positions, numbers;
    for (int i = 0; i < kColorCount; ++i)
        colors += std::string(i ? " " : "") + colorName(static_cast<Color>(i));
    for (int i = 0; i < kShapeCount; ++i) {
        shapes += std::string(i ? " " : "") + shapeName(static_cast<Shape>(i));
        plurals += std::string(i ? " " : "") + shapePlural(static_cast<Shape>(i));
    }
    for (int i = 1; i < kPatternCount; ++i) // "plain" is never written
        patterns += std::string(i > 1 ? " " : "") + patternName(static_cast<Pattern>(i));
    for (int i = 0; i < kCellCount; ++i)
        positions += std::string(i ? " " : "") + positionName(i);
    for (int i = 0; i <= kMaxObjects; ++i)
        numbers += std::string(i ? " " : "") + numberWord(i);
    vocabulary = {colors, shapes, plurals, patterns, positions, numbers, "small large creature background",
                  "an empty background on a", "at the top in the center to the center",
                  "draw describe this image", "how many are there what color is the",
                  "make the move the remove the add a change the background to",
                  "what changed", "this is my creature. draw it with", "in the style of this image",
                  "do the same now", "show me the image with the again", "make it sound like this"};
    for (const auto& v : vocabulary) {
        if (out.size() >= n)
            return out;
        out.push_back(v);
    }
    std::mt19937_64 rng(seed);
    TaskOptions options;
    options.renderImages = false;
    options.synthesizeAudio = false; // only the text matters here, and espeak-ng may be missing
    int task = 0;
    while (out.size() < n) {
        const auto kind = static_cast<TaskKind>(1 + task % taskCount());
        ++task;
        const TaskCase c = generateTask(kind, rng, Split::Train, options);
        for (const auto& m : c.messages)
            for (const auto& s : m.segments)
                if (s.kind == weft::SegmentKind::Text && out.size() < n)
                    out.push_back(s.text);
        if (!c.expectedText.empty() && out.size() < n)
            out.push_back(c.expectedText);
    }
    return out;
}

} // namespace weft::world
