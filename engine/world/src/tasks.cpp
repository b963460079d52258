#include "weft/world/tasks.h"

#include <iterator>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "weft/world/caption.h"
#include "weft/world/creature.h"
#include "weft/world/random_scene.h"
#include "weft/world/render.h"
#include "weft/world/sampling.h"
#include "weft/world/sound.h"
#include "weft/world/speech.h"
#include "weft/world/transforms.h"

namespace weft::world {
namespace {

// Generators retry on the rare draws that cannot host the task; this bounds the loop so that a
// bug shows up as an exception rather than a hang.
constexpr int kMaxAttempts = 10000;

// Calls `attempt` (returning std::optional) until it yields a value; after kMaxAttempts empty
// draws throws std::logic_error(`failure`). Each call draws afresh from the generator's rng.
template <typename Attempt>
auto retry(const char* failure, Attempt&& attempt) -> typename std::invoke_result_t<Attempt&>::value_type
{
    for (int i = 0; i < kMaxAttempts; ++i)
        if (auto found = attempt())
            return std::move(*found);
    throw std::logic_error(failure);
}

// Builds the conversation of one case: keeps messages and the scene of every image in order.
class CaseBuilder {
public:
    CaseBuilder(TaskCase& c, bool renderImages) : m_case(c), m_render(renderImages) {}

    weft::Segment image(const Scene& s) const
    {
        return weft::Segment::makeImage(m_render ? render(s) : weft::Image{});
    }

    void user(const std::vector<Scene>& images, const std::string& text)
    {
        weft::Message m;
        m.role = weft::Role::User;
        for (const Scene& s : images) {
            m.segments.push_back(image(s));
            m_case.imageScenes.push_back(s);
        }
        m.segments.push_back(weft::Segment::makeText(text));
        m_case.messages.push_back(std::move(m));
    }

    // Images, then audio clips, then the text (none when `text` is empty: task 13).
    void userWithAudio(const std::vector<Scene>& images, std::vector<weft::AudioClip> audio, const std::string& text)
    {
        weft::Message m;
        m.role = weft::Role::User;
        for (const Scene& s : images) {
            m.segments.push_back(image(s));
            m_case.imageScenes.push_back(s);
        }
        for (auto& a : audio)
            m.segments.push_back(weft::Segment::makeAudio(std::move(a)));
        if (!text.empty())
            m.segments.push_back(weft::Segment::makeText(text));
        m_case.messages.push_back(std::move(m));
    }

    void assistantImage(const Scene& s)
    {
        weft::Message m;
        m.role = weft::Role::Assistant;
        m.segments.push_back(image(s));
        m_case.imageScenes.push_back(s);
        m_case.messages.push_back(std::move(m));
    }

    void assistantText(const std::string& text)
    {
        weft::Message m;
        m.role = weft::Role::Assistant;
        m.segments.push_back(weft::Segment::makeText(text));
        m_case.messages.push_back(std::move(m));
    }

    void answerImage(const Scene& s)
    {
        m_case.answer = weft::Message{};
        m_case.answer.role = weft::Role::Assistant;
        m_case.answer.segments.push_back(image(s));
        m_case.expectedScene = s;
    }

    void answerText(const std::string& text)
    {
        m_case.answer = weft::Message{};
        m_case.answer.role = weft::Role::Assistant;
        m_case.answer.segments.push_back(weft::Segment::makeText(text));
        m_case.expectedText = text;
    }

private:
    TaskCase& m_case;
    bool m_render;
};

SceneOptions sceneOptions(int minObjects, int maxObjects, int creaturePercent, Split split)
{
    SceneOptions o;
    o.minObjects = minObjects;
    o.maxObjects = maxObjects;
    o.creaturePercent = creaturePercent;
    o.split = split;
    return o;
}

int countShape(const Scene& s, Shape shape)
{
    int n = 0;
    for (const Cell& c : s.cells)
        n += (c.kind == Cell::Kind::Object && c.shape == shape) ? 1 : 0;
    return n;
}

std::vector<int> objectCells(const Scene& s)
{
    std::vector<int> v;
    for (int i = 0; i < kCellCount; ++i)
        if (s.cells[i].kind == Cell::Kind::Object)
            v.push_back(i);
    return v;
}

// --- tasks 1 to 8 ------------------------------------------------------------------------

void generateDrawRequest(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions&)
{
    const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, 0, split));
    b.user({}, "draw " + caption(s));
    b.answerImage(s);
    c.variant = std::to_string(s.objectCount()) + "-objects";
}

void generateDescribe(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, o.creaturePercent, split));
    b.user({s}, "describe this image");
    b.answerText(caption(s));
    c.variant = std::to_string(s.objectCount()) + "-objects";
}

void generateCount(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, o.creaturePercent, split));
    const auto cells = objectCells(s);
    // Half the questions ask about a shape that is present, so every count gets asked.
    const Shape shape = (!cells.empty() && chance(rng, 1, 2)) ? s.cells[pick(cells, rng)].shape
                                                              : static_cast<Shape>(uniformBelow(rng, kShapeCount));
    const bool variant = o.phrasingVariants && chance(rng, 1, 2);
    b.user({s}, variant ? std::string("count the ") + shapePlural(shape)
                        : std::string("how many ") + shapePlural(shape) + " are there");
    b.answerText(numberWord(countShape(s, shape)));
    c.variant = shapeName(shape);
}

void generateColorQuery(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    // A scene with at least one object whose shape is unique in it, and that object.
    const auto [s, cell] = retry("no colour-query scene found", [&]() -> std::optional<std::pair<Scene, int>> {
        const Scene scene = randomScene(rng, sceneOptions(1, kMaxObjects, o.creaturePercent, split));
        std::vector<int> unique;
        for (int i : objectCells(scene))
            if (countShape(scene, scene.cells[i].shape) == 1)
                unique.push_back(i);
        if (unique.empty())
            return std::nullopt;
        return std::pair{scene, pick(unique, rng)};
    });
    const Cell& obj = s.cells[cell];
    b.user({s}, std::string("what color is the ") + shapeName(obj.shape));
    b.answerText(colorName(obj.color));
    c.variant = shapeName(obj.shape);
}

// True when another object of `s` could be mistaken for the one the edit names: same colour
// or same shape, or for a resize the same size. Edits that name no object always pass.
bool hasLookalike(const Scene& s, const Edit& e)
{
    if (e.kind == EditKind::Add || e.kind == EditKind::Background)
        return true;
    const Cell& named = s.cells[e.cell];
    for (int i : objectCells(s)) {
        const Cell& other = s.cells[i];
        if (i != e.cell && (other.color == named.color || other.shape == named.shape ||
                            (e.kind == EditKind::Resize && other.size == named.size)))
            return true;
    }
    return false;
}

// A scene plus a legal edit of the requested kind (retrying scenes that allow none), with a
// lookalike of the named object when asked for.
std::pair<Scene, Edit> sceneWithEdit(std::mt19937_64& rng, const TaskOptions& o, Split split,
                                     std::optional<EditKind> kind, bool lookalike)
{
    return retry("no scene admitted the requested edit", [&]() -> std::optional<std::pair<Scene, Edit>> {
        const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, o.creaturePercent, split));
        if (auto e = randomEdit(rng, s, kind); e && (!lookalike || hasLookalike(s, *e)))
            return std::pair{s, *e};
        return std::nullopt;
    });
}

void generateEditLike(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o,
                      bool whatChanged)
{
    // The weighted kind is drawn once, before the scene, so retries keep the weighting.
    std::optional<EditKind> kind = o.editKind;
    if (!kind && !whatChanged && !o.editKinds.empty())
        kind = o.editKinds[uniformBelow(rng, o.editKinds.size())];
    // Drawn only when asked for, so the default draw consumes the generator as before. A case
    // that needs a lookalike fixes its kind first: otherwise the retries would favour adds and
    // background changes, which always pass.
    const bool lookalike = !whatChanged && o.lookalikePercent > 0 && chance(rng, o.lookalikePercent, 100);
    if (lookalike && !kind)
        kind = static_cast<EditKind>(uniformBelow(rng, kEditKindCount));
    const auto [before, edit] = sceneWithEdit(rng, o, split, kind, lookalike);
    const Scene after = applyEdit(before, edit);
    const std::string instruction = editInstruction(before, edit);
    c.variant = editKindName(edit.kind);
    c.sourceScene = before;
    c.namedCells = editNamedCells(edit);
    if (whatChanged) {
        b.user({before, after}, "what changed");
        b.answerText(instruction);
        c.expectedScene.reset();
    } else {
        b.user({before}, instruction);
        b.answerImage(after);
    }
}

void generateEdit(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    generateEditLike(c, b, rng, split, o, false);
}

void generateWhatChanged(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    generateEditLike(c, b, rng, split, o, true);
}

void generateSubject(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions&)
{
    const std::uint16_t pattern = randomCreature(rng, split);
    const auto color = static_cast<Color>(uniformBelow(rng, kColorCount));
    Scene reference;
    reference.background = randomColorExcept(rng, color);
    reference.cells[cellIndex(1, 1)] = Cell::makeCreature(pattern, color);
    Scene target;
    target.background = randomColorExcept(rng, color);
    target.pattern = static_cast<Pattern>(uniformBelow(rng, kPatternCount));
    const int cell = uniformInt(rng, 0, kCellCount - 1);
    target.cells[cell] = Cell::makeCreature(pattern, color);
    std::string text = "this is my creature. draw it " + positionPhrase(cell) + " on a " +
                       backgroundPhrase(target.background, target.pattern);
    c.variant = "creature";
    if (chance(rng, 1, 2)) {
        int other = uniformInt(rng, 0, kCellCount - 2);
        if (other >= cell)
            ++other;
        target.cells[other] = randomObject(rng, target.background);
        text += " with " + objectPhrase(target, other);
        c.variant = "creature-with-object";
    }
    b.user({reference}, text);
    b.answerImage(target);
    c.namedCells = {cell};
}

void generateStyle(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions&)
{
    SceneOptions ro = sceneOptions(0, 3, 0, split);
    ro.plainPercent = 20;
    const Scene reference = randomScene(rng, ro);
    Scene target;
    target.background = reference.background;
    target.pattern = reference.pattern;
    const int n = uniformInt(rng, 1, 3);
    int cells[kCellCount] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    for (int i = 0; i < n; ++i) {
        const int j = i + static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(kCellCount - i)));
        std::swap(cells[i], cells[j]);
        target.cells[cells[i]] = randomObject(rng, target.background);
    }
    std::string phrases;
    for (int i = 0; i < kCellCount; ++i) {
        if (target.cells[i].empty())
            continue;
        if (!phrases.empty())
            phrases += ", ";
        phrases += objectPhrase(target, i);
    }
    b.user({reference}, "draw " + phrases + " in the style of this image");
    b.answerImage(target);
    c.variant = patternName(reference.pattern);
}

// --- task 9 -----------------------------------------------------------------------------

Transformation randomTransformOfFamily(std::mt19937_64& rng, TransformFamily f)
{
    Transformation t;
    switch (f) {
    case TransformFamily::Geometric:
        t.kind = static_cast<TransformKind>(uniformBelow(rng, 3));
        break;
    case TransformFamily::Recolor:
        t.kind = TransformKind::Recolor;
        t.from = static_cast<Color>(uniformBelow(rng, kColorCount));
        t.to = randomColorExcept(rng, t.from);
        break;
    case TransformFamily::Background:
        t.kind = TransformKind::SetPattern;
        t.pattern = static_cast<Pattern>(uniformBelow(rng, kPatternCount));
        break;
    case TransformFamily::Size:
        t.kind = chance(rng, 1, 2) ? TransformKind::MakeLarge : TransformKind::MakeSmall;
        break;
    case TransformFamily::Removal:
        t.kind = TransformKind::RemoveShape;
        t.shape = static_cast<Shape>(uniformBelow(rng, kShapeCount));
        break;
    }
    return t;
}

TransformFamily familyAt(int i) { return static_cast<TransformFamily>(i); }

// A scene on which every transformation of the chain visibly acts (before any retry).
std::optional<Scene> sceneForChain(std::mt19937_64& rng, const TransformChain& chain)
{
    Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, 0, Split::Train));
    const auto cells = objectCells(s);
    for (const auto& t : chain) {
        const int cell = pick(cells, rng);
        switch (t.kind) {
        case TransformKind::Recolor:
            s.cells[cell].color = t.from;
            if (s.background == t.from || s.background == t.to)
                return std::nullopt;
            break;
        case TransformKind::SetPattern:
            if (s.pattern == t.pattern)
                s.pattern = static_cast<Pattern>((static_cast<int>(t.pattern) + 1 + uniformBelow(rng, kPatternCount - 1)) %
                                                 kPatternCount);
            break;
        case TransformKind::MakeLarge: s.cells[cell].size = Size::Small; break;
        case TransformKind::MakeSmall: s.cells[cell].size = Size::Large; break;
        case TransformKind::RemoveShape: s.cells[cell].shape = t.shape; break;
        default: break;
        }
    }
    if (!isValidScene(s))
        return std::nullopt;
    return s;
}

// The transformation chain of one in-context case: a held-out composition of two families (in
// canonical family order) or a single transformation, uniform over the eight kinds so that
// each gets the same share of cases (or over `kinds` when a trainer weights them).
TransformChain randomChain(std::mt19937_64& rng, bool composition, const std::vector<TransformKind>& kinds)
{
    if (composition) {
        int f1 = uniformInt(rng, 0, 4);
        int f2 = uniformInt(rng, 0, 3);
        if (f2 >= f1)
            ++f2;
        if (f2 < f1)
            std::swap(f1, f2); // fixed family order: the composition is applied canonically
        return {randomTransformOfFamily(rng, familyAt(f1)), randomTransformOfFamily(rng, familyAt(f2))};
    }
    const auto kind = kinds.empty() ? static_cast<TransformKind>(uniformBelow(rng, transformKindCount()))
                                    : kinds[uniformBelow(rng, kinds.size())];
    Transformation t = randomTransformOfFamily(rng, transformFamily(kind));
    t.kind = kind;
    return {t};
}

struct InContextDraw {
    TransformChain chain;
    std::vector<std::pair<Scene, Scene>> examples;
    Scene query, answer;
};

// One try: a chain and k + 1 (before, after) pairs it visibly changes, the last being the
// query; empty when a scene cannot host the chain or the examples do not identify it.
std::optional<InContextDraw> drawInContext(std::mt19937_64& rng, bool composition, int k,
                                          const std::vector<TransformKind>& kinds)
{
    InContextDraw d;
    d.chain = randomChain(rng, composition, kinds);
    for (int i = 0; i <= k; ++i) {
        const auto before = sceneForChain(rng, d.chain);
        const auto after = before ? applyChain(*before, d.chain) : std::nullopt;
        if (!after || *after == *before)
            return std::nullopt;
        d.examples.emplace_back(*before, *after);
    }
    std::tie(d.query, d.answer) = d.examples.back();
    d.examples.pop_back();
    if (!identifiable(d.examples, d.query, d.answer, composition))
        return std::nullopt;
    return d;
}

void generateInContext(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.composition && split != Split::Test)
        throw std::invalid_argument("expected Split::Test for held-out compositions, found Split::Train");
    if (o.examples < 0 || o.examples > 3)
        throw std::invalid_argument("expected 0..3 in-context examples, found " + std::to_string(o.examples));
    const int k = o.composition ? 3 : (o.examples > 0 ? o.examples : uniformInt(rng, 1, 3));
    const InContextDraw d = retry("no identifiable in-context case found",
                                  [&] { return drawInContext(rng, o.composition, k, o.transformKinds); });
    std::vector<Scene> images;
    for (const auto& [before, after] : d.examples) {
        images.push_back(before);
        images.push_back(after);
    }
    images.push_back(d.query);
    b.user(images, "do the same");
    b.answerImage(d.answer);
    c.examples = k;
    c.variant = o.composition ? "composition" : transformKindName(d.chain.front().kind);
    c.detail = chainName(d.chain);
    c.sourceScene = d.query;
}

// --- tasks 10 and 11 ---------------------------------------------------------------------

struct MultiTurnDraw {
    bool startWithDraw = false;
    std::vector<Scene> scenes; ///< scenes[e] is the latest image when edit e is asked for
    std::vector<Edit> edits;
};

// One try: the whole chain of edits is planned first, so that a dead end (no legal edit) just
// restarts the case.
std::optional<MultiTurnDraw> drawMultiTurn(std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    MultiTurnDraw d;
    d.startWithDraw = chance(rng, 1, 2);
    d.scenes = {randomScene(rng, sceneOptions(1, kMaxObjects, d.startWithDraw ? 0 : o.creaturePercent, split))};
    const int editCount = d.startWithDraw ? o.turns - 1 : o.turns;
    for (int i = 0; i < editCount; ++i) {
        const bool last = i + 1 == editCount;
        const auto e = randomEdit(rng, d.scenes.back(), last ? o.editKind : std::nullopt);
        if (!e)
            return std::nullopt;
        d.edits.push_back(*e);
        d.scenes.push_back(applyEdit(d.scenes.back(), *e));
    }
    return d;
}

void generateMultiTurn(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.turns < 2 || o.turns > 6)
        throw std::invalid_argument("expected 2..6 multi-turn turns, found " + std::to_string(o.turns));
    const MultiTurnDraw d = retry("no multi-turn case found", [&] { return drawMultiTurn(rng, split, o); });
    std::size_t e = 0;
    if (d.startWithDraw) {
        b.user({}, "draw " + caption(d.scenes[0]));
    } else {
        b.user({d.scenes[0]}, editInstruction(d.scenes[0], d.edits[0]));
        ++e;
    }
    for (; e < d.edits.size(); ++e) {
        b.assistantImage(d.scenes[e]);
        b.user({}, "now " + editInstruction(d.scenes[e], d.edits[e]));
    }
    b.answerImage(d.scenes.back());
    c.variant = editKindName(d.edits.back().kind);
    c.sourceScene = d.scenes[d.scenes.size() - 2];
    c.namedCells = editNamedCells(d.edits.back());
}

bool hasObjectOf(const Scene& s, Color color, Shape shape)
{
    for (const Cell& c : s.cells)
        if (c.kind == Cell::Kind::Object && c.color == color && c.shape == shape)
            return true;
    return false;
}

// The named object is unique in its own image too, so "the image with the ..." is exact.
std::pair<Scene, Cell> retrievalTarget(std::mt19937_64& rng, Split split)
{
    const auto [scene, cells] = retry("no retrieval target scene found", [&] {
        const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, 0, split));
        std::vector<int> unique;
        for (int i : objectCells(s))
            if (uniqueObject(s, s.cells[i].color, s.cells[i].shape))
                unique.push_back(i);
        return unique.empty() ? std::nullopt : std::optional{std::pair{s, unique}};
    });
    return {scene, scene.cells[pick(cells, rng)]};
}

// A scene that holds no object of the named colour and shape.
Scene retrievalDistractor(std::mt19937_64& rng, Split split, const Cell& named)
{
    return retry("no distractor scene found", [&] {
        const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, 0, split));
        return hasObjectOf(s, named.color, named.shape) ? std::nullopt : std::optional{s};
    });
}

void generateRetrieval(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions&)
{
    const int m = uniformInt(rng, 2, 4);
    const int target = uniformInt(rng, 0, m - 1);
    const auto [targetScene, named] = retrievalTarget(rng, split);
    std::vector<Scene> scenes;
    for (int i = 0; i < m; ++i)
        scenes.push_back(i == target ? targetScene : retrievalDistractor(rng, split, named));
    int imageIndex = 0;
    for (int i = 0; i < m; ++i) {
        // Earlier images come both from the user (described) and from the assistant (drawn).
        if (chance(rng, 1, 2)) {
            b.user({}, "draw " + caption(scenes[i]));
            b.assistantImage(scenes[i]);
        } else {
            b.user({scenes[i]}, "describe this image");
            b.assistantText(caption(scenes[i]));
        }
        if (i == target)
            c.expectedRetrievedIndex = imageIndex;
        ++imageIndex;
    }
    b.user({}, std::string("show me the image with the ") + colorName(named.color) + " " + shapeName(named.shape) + " again");
    b.answerImage(targetScene);
    c.answer.segments.front().retrieved = true;
    c.answer.segments.front().retrievedFrom = c.expectedRetrievedIndex;
    c.variant = std::to_string(m) + "-images";
}

// --- tasks 12 and 13 ---------------------------------------------------------------------

void generateSound(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    const Scene before = randomScene(rng, sceneOptions(1, kMaxObjects, o.creaturePercent, split));
    // Only sounds that change the picture: a sound naming the current pattern would be a no-op.
    std::vector<SoundKind> kinds;
    for (int k = 0; k < kSoundKindCount; ++k)
        if (soundPattern(static_cast<SoundKind>(k)) != before.pattern)
            kinds.push_back(static_cast<SoundKind>(k));
    const SoundKind kind = pick(kinds, rng);
    const SoundParams params = randomSoundParams(rng, kind);
    Scene after = before;
    after.pattern = soundPattern(kind);
    std::vector<weft::AudioClip> audio(1);
    if (o.synthesizeAudio)
        audio[0] = synthesizeSound(params);
    b.userWithAudio({before}, std::move(audio), "make it sound like this");
    b.answerImage(after);
    c.variant = soundKindName(kind);
    c.detail = soundDetail(params);
    c.sourceScene = before;
}

void generateSpoken(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    const Scene s = randomScene(rng, sceneOptions(0, 2, 0, split));
    const SpeechParams params = randomSpeechParams(rng, split);
    const std::string text = "draw " + caption(s);
    std::vector<weft::AudioClip> audio(1);
    if (o.synthesizeAudio) {
        if (o.speech) {
            audio[0] = o.speech->speak(text, params);
        } else {
            SpeechSynthesizer::Options uncached;
            uncached.cacheBytes = 0;
            audio[0] = SpeechSynthesizer(uncached).speak(text, params);
        }
    }
    b.userWithAudio({}, std::move(audio), {});
    b.answerImage(s);
    c.variant = params.voice;
    c.detail = speechDetail(params);
    c.spokenText = text;
}

using Generator = void (*)(TaskCase&, CaseBuilder&, std::mt19937_64&, Split, const TaskOptions&);

struct TaskEntry {
    TaskKind kind;
    const char* name;
    Generator generate;
};

// One row per task, in TaskKind order (row i is task i + 1).
constexpr TaskEntry kTasks[] = {
    {TaskKind::Generate, "generate", generateDrawRequest},
    {TaskKind::Describe, "describe", generateDescribe},
    {TaskKind::Count, "count", generateCount},
    {TaskKind::ColorQuery, "color-query", generateColorQuery},
    {TaskKind::Edit, "edit", generateEdit},
    {TaskKind::WhatChanged, "what-changed", generateWhatChanged},
    {TaskKind::SubjectByExample, "subject", generateSubject},
    {TaskKind::StyleByExample, "style", generateStyle},
    {TaskKind::InContext, "in-context", generateInContext},
    {TaskKind::MultiTurn, "multi-turn", generateMultiTurn},
    {TaskKind::Retrieval, "retrieval", generateRetrieval},
    {TaskKind::SoundAtmosphere, "sound", generateSound},
    {TaskKind::SpokenRequest, "spoken", generateSpoken},
};

constexpr bool rowsInKindOrder()
{
    for (std::size_t i = 0; i < std::size(kTasks); ++i)
        if (static_cast<std::size_t>(kTasks[i].kind) != i + 1)
            return false;
    return true;
}
static_assert(rowsInKindOrder(), "kTasks rows must follow TaskKind order");
static_assert(std::size(kTasks) == static_cast<std::size_t>(TaskKind::SpokenRequest), "one kTasks row per TaskKind");

// The table row of `kind`; throws std::invalid_argument outside 1..taskCount().
const TaskEntry& taskEntry(TaskKind kind)
{
    const int i = static_cast<int>(kind);
    if (i < 1 || i > taskCount())
        throw std::invalid_argument("expected a task number 1.." + std::to_string(taskCount()) + ", found " +
                                    std::to_string(i));
    return kTasks[i - 1];
}

} // namespace

int taskCount() { return static_cast<int>(std::size(kTasks)); }

const char* taskName(TaskKind kind) { return taskEntry(kind).name; }

std::optional<TaskKind> taskFromName(const std::string& name)
{
    for (const TaskEntry& t : kTasks)
        if (name == t.name || name == std::to_string(static_cast<int>(t.kind)))
            return t.kind;
    return std::nullopt;
}

TaskCase generateTask(TaskKind kind, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.creaturePercent < 0 || o.creaturePercent > 100)
        throw std::invalid_argument("expected creaturePercent in 0..100, found " + std::to_string(o.creaturePercent));
    const TaskEntry& entry = taskEntry(kind);
    TaskCase c;
    c.kind = kind;
    CaseBuilder b(c, o.renderImages);
    entry.generate(c, b, rng, split, o);
    return c;
}

} // namespace weft::world
