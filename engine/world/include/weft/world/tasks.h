#pragma once
// Task generator for the canonical task phrasings of WORLD.md (tasks 1-13). Deterministic: the
// same engine state, kind, split and options give the same case on every platform (the speech
// of task 13 is the same only for one espeak-ng version; see speech.h). Thread-safe for distinct
// engines (a shared SpeechSynthesizer is itself thread-safe).

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "weft/message.h"
#include "weft/world/edits.h"
#include "weft/world/scene.h"
#include "weft/world/speech.h"
#include "weft/world/transforms.h"

namespace weft::world {

enum class TaskKind {
    Generate = 1, Describe, Count, ColorQuery, Edit, WhatChanged, SubjectByExample, StyleByExample,
    InContext, MultiTurn, Retrieval, SoundAtmosphere, SpokenRequest
};
/// Number of task kinds: TaskKind values run 1..taskCount() (the size of the generator table).
int taskCount();
/// Tasks 12 (sound) and 13 (spoken) put audio in the user message.
inline bool taskNeedsAudio(TaskKind kind)
{
    return kind == TaskKind::SoundAtmosphere || kind == TaskKind::SpokenRequest;
}

/// "generate", "describe", "count", "color-query", "edit", "what-changed", "subject",
/// "style", "in-context", "multi-turn", "retrieval", "sound", "spoken".
const char* taskName(TaskKind kind);
/// Accepts a task name or its number ("5"); std::nullopt otherwise.
std::optional<TaskKind> taskFromName(const std::string& name);

struct TaskOptions {
    bool renderImages = true;    ///< false: image segments stay empty (scenes in imageScenes), for fast text-only use
    int turns = 3;               ///< multi-turn: total user turns (first turn + "now ..." turns), 2..6
    int examples = 0;            ///< in-context: pairs k (1..3); 0 = uniform in 1..3 (3 for compositions)
    bool composition = false;    ///< in-context, Split::Test only: a held-out two-family composition (k = 3)
    std::optional<EditKind> editKind; ///< edit / what-changed / multi-turn last edit; empty = uniform
    /// Edit cases (task 5) without an editKind: the edit kind is drawn uniformly from this list
    /// once per case (repeat a kind to weight it; training only). Empty = the world's own draw.
    std::vector<EditKind> editKinds;
    /// Training only: the share (0..100 %) of edit cases (task 5) whose named object has a
    /// lookalike the edit must leave alone: another object of its colour or its shape (for a
    /// resize, also of its size). Adds and background changes name no object and are drawn as
    /// usual. 0 = the world's own draw.
    int lookalikePercent = 0;
    /// In-context cases that are not compositions: the transformation kind is drawn uniformly
    /// from this list (repeat a kind to weight it; training only). A draw that gives no
    /// identifiable case is redrawn, kind included, so shares also follow each kind's success
    /// rate. Empty = the eight kinds uniformly, as WORLD.md draws them.
    std::vector<TransformKind> transformKinds;
    int creaturePercent = 15;    ///< chance of creatures in scenes of tasks that allow them
    /// Training only: half the count questions read `count the {plural}` instead of the
    /// canonical `how many {plural} are there` (the shape word last, next to the answer).
    bool phrasingVariants = false;
    /// false: audio segments stay empty (the drawn sound or speech parameters are still in
    /// variant/detail and the rng advances exactly as with synthesis), for fast text-only use and
    /// for machines without espeak-ng.
    bool synthesizeAudio = true;
    /// Task 13: the synthesizer (and its clip cache) to speak with; share one across cases.
    /// Null: each case runs a one-off synthesizer without a cache.
    std::shared_ptr<SpeechSynthesizer> speech;
};

struct TaskCase {
    TaskKind kind = TaskKind::Generate;
    std::string variant;  ///< edit kind ("recolor"), in-context transformation kind or "composition",
                          ///< sound kind ("rain"), voice of a spoken request ("en-us+f3"), ...
    std::string detail;   ///< full parameters, e.g. "recolor-red-blue+flip-left-right" or the sound's
                          ///< soundDetail / the speech's speechDetail; may be empty
    int examples = 0;     ///< in-context: number of example pairs k
    /// The conversation up to and including the last user turn. User messages: images first,
    /// then audio, then one text segment (task 13: one audio segment and no text). Earlier
    /// assistant turns hold their correct answers.
    std::vector<weft::Message> messages;
    /// The expected assistant message: one text segment, or one image segment with the rendered
    /// expected image, or (retrieval) an image segment with retrieved = true and retrievedFrom.
    weft::Message answer;
    std::optional<Scene> expectedScene;
    std::string expectedText;
    int expectedRetrievedIndex = -1; ///< retrieval: index among all images of the conversation, in order
    std::optional<Scene> sourceScene; ///< edits: the scene being edited
    std::vector<int> namedCells;      ///< cells the instruction names, excluded from preservation
    std::vector<Scene> imageScenes;   ///< the scene of every image in `messages`, in order
    std::string spokenText;           ///< task 13: the words of the speech ("draw ...")
};

/// Generates one case of a task. Options out of range or `composition` with Split::Train throw
/// std::invalid_argument. Apart from rendering (about 10 us per image) a case takes a few
/// microseconds; task 12 adds the atmosphere's synthesis (a few ms), task 13 one espeak-ng run
/// (tens of ms, or a cache hit) and throws SpeechUnavailableError when espeak-ng is missing
/// (unless synthesizeAudio is false).
TaskCase generateTask(TaskKind kind, std::mt19937_64& rng, Split split, const TaskOptions& options = {});

/// `n` sentences covering every word the tasks use (captions, instructions, answers), for
/// training the tokenizer. The first sentences list every vocabulary word; the rest are task
/// texts drawn from `seed`. Deterministic.
std::vector<std::string> textCorpus(std::size_t n, std::uint64_t seed);

} // namespace weft::world
