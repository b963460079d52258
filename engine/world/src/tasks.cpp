#include "weft/world/tasks.h"

#include <stdexcept>

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

constexpr const char* kTaskNames[kTaskCount] = {"generate", "describe", "count", "color-query", "edit",
                                                "what-changed", "subject", "style", "in-context",
                                                "multi-turn", "retrieval", "sound", "spoken"};
// Generators retry on the rare draws that cannot host the task; this bounds the loop so that a
// bug shows up as an exception rather than a hang.
constexpr int kMaxAttempts = 10000;

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

// A scene plus a legal edit of the requested kind (retrying scenes that allow none).
std::pair<Scene, Edit> sceneWithEdit(std::mt19937_64& rng, const TaskOptions& o, Split split)
{
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, o.creaturePercent, split));
        if (auto e = randomEdit(rng, s, o.editKind))
            return {s, *e};
    }
    throw std::logic_error("no scene admitted the requested edit");
}

void generateEditLike(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o, bool whatChanged)
{
    const auto [before, edit] = sceneWithEdit(rng, o, split);
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

void generateInContext(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.composition && split != Split::Test)
        throw std::invalid_argument("expected Split::Test for held-out compositions, found Split::Train");
    if (o.examples < 0 || o.examples > 3)
        throw std::invalid_argument("expected 0..3 in-context examples, found " + std::to_string(o.examples));
    const int k = o.composition ? 3 : (o.examples > 0 ? o.examples : uniformInt(rng, 1, 3));
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        TransformChain chain;
        if (o.composition) {
            int f1 = uniformInt(rng, 0, 4);
            int f2 = uniformInt(rng, 0, 3);
            if (f2 >= f1)
                ++f2;
            if (f2 < f1)
                std::swap(f1, f2); // fixed family order: the composition is applied canonically
            chain = {randomTransformOfFamily(rng, familyAt(f1)), randomTransformOfFamily(rng, familyAt(f2))};
        } else {
            // Uniform over the eight kinds so that each gets the same share of cases.
            const auto kind = static_cast<TransformKind>(uniformBelow(rng, 8));
            Transformation t = randomTransformOfFamily(rng, transformFamily(kind));
            t.kind = kind;
            chain = {t};
        }
        std::vector<std::pair<Scene, Scene>> examples;
        bool ok = true;
        for (int i = 0; i <= k && ok; ++i) {
            const auto before = sceneForChain(rng, chain);
            const auto after = before ? applyChain(*before, chain) : std::nullopt;
            ok = after && *after != *before;
            if (ok)
                examples.emplace_back(*before, *after);
        }
        if (!ok)
            continue;
        const auto [query, answer] = examples.back();
        examples.pop_back();
        if (!identifiable(examples, query, answer, o.composition))
            continue;
        std::vector<Scene> images;
        for (const auto& [before, after] : examples) {
            images.push_back(before);
            images.push_back(after);
        }
        images.push_back(query);
        b.user(images, "do the same");
        b.answerImage(answer);
        c.examples = k;
        c.variant = o.composition ? "composition" : transformKindName(chain.front().kind);
        c.detail = chainName(chain);
        c.sourceScene = query;
        return;
    }
    throw std::logic_error("no identifiable in-context case found");
}

// --- tasks 10 and 11 ---------------------------------------------------------------------

void generateMultiTurn(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.turns < 2 || o.turns > 6)
        throw std::invalid_argument("expected 2..6 multi-turn turns, found " + std::to_string(o.turns));
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        const bool startWithDraw = chance(rng, 1, 2);
        Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, startWithDraw ? 0 : o.creaturePercent, split));
        // Plan every edit first so that a dead end (no legal edit) just restarts the case.
        std::vector<Scene> scenes{s};
        std::vector<Edit> edits;
        const int editCount = startWithDraw ? o.turns - 1 : o.turns;
        bool ok = true;
        for (int i = 0; i < editCount && ok; ++i) {
            const bool last = i + 1 == editCount;
            auto e = randomEdit(rng, scenes.back(), last ? o.editKind : std::nullopt);
            ok = e.has_value();
            if (ok) {
                edits.push_back(*e);
                scenes.push_back(applyEdit(scenes.back(), *e));
            }
        }
        if (!ok)
            continue;
        std::size_t e = 0;
        if (startWithDraw) {
            b.user({}, "draw " + caption(scenes[0]));
        } else {
            b.user({scenes[0]}, editInstruction(scenes[0], edits[0]));
            ++e;
        }
        for (; e < edits.size(); ++e) {
            // scenes[e] is the latest image when edit e is asked for.
            b.assistantImage(scenes[e]);
            b.user({}, "now " + editInstruction(scenes[e], edits[e]));
        }
        b.answerImage(scenes.back());
        c.variant = editKindName(edits.back().kind);
        c.sourceScene = scenes[scenes.size() - 2];
        c.namedCells = editNamedCells(edits.back());
        return;
    }
    throw std::logic_error("no multi-turn case found");
}

bool hasObjectOf(const Scene& s, Color color, Shape shape)
{
    for (const Cell& c : s.cells)
        if (c.kind == Cell::Kind::Object && c.color == color && c.shape == shape)
            return true;
    return false;
}

void generateRetrieval(TaskCase& c, CaseBuilder& b, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    const int m = uniformInt(rng, 2, 4);
    const int target = uniformInt(rng, 0, m - 1);
    // The named object is unique in its own image too, so "the image with the ..." is exact.
    Scene targetScene;
    std::vector<int> cells;
    for (int attempt = 0; cells.empty(); ++attempt) {
        if (attempt >= kMaxAttempts)
            throw std::logic_error("no retrieval target scene found");
        targetScene = randomScene(rng, sceneOptions(1, kMaxObjects, 0, split));
        for (int i : objectCells(targetScene))
            if (uniqueObject(targetScene, targetScene.cells[i].color, targetScene.cells[i].shape))
                cells.push_back(i);
    }
    const Cell named = targetScene.cells[pick(cells, rng)];
    std::vector<Scene> scenes;
    for (int i = 0; i < m; ++i) {
        if (i == target) {
            scenes.push_back(targetScene);
            continue;
        }
        for (int attempt = 0;; ++attempt) {
            if (attempt >= kMaxAttempts)
                throw std::logic_error("no distractor scene found");
            const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, 0, split));
            if (!hasObjectOf(s, named.color, named.shape)) {
                scenes.push_back(s);
                break;
            }
        }
    }
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
    (void)o;
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

} // namespace

const char* taskName(TaskKind kind)
{
    const int i = static_cast<int>(kind);
    if (i < 1 || i > kTaskCount)
        throw std::invalid_argument("expected a task number 1..13, found " + std::to_string(i));
    return kTaskNames[i - 1];
}

std::optional<TaskKind> taskFromName(const std::string& name)
{
    for (int i = 0; i < kTaskCount; ++i)
        if (name == kTaskNames[i] || name == std::to_string(i + 1))
            return static_cast<TaskKind>(i + 1);
    return std::nullopt;
}

TaskCase generateTask(TaskKind kind, std::mt19937_64& rng, Split split, const TaskOptions& o)
{
    if (o.creaturePercent < 0 || o.creaturePercent > 100)
        throw std::invalid_argument("expected creaturePercent in 0..100, found " + std::to_string(o.creaturePercent));
    TaskCase c;
    c.kind = kind;
    CaseBuilder b(c, o.renderImages);
    switch (kind) {
    case TaskKind::Generate: {
        const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, 0, split));
        b.user({}, "draw " + caption(s));
        b.answerImage(s);
        c.variant = std::to_string(s.objectCount()) + "-objects";
        break;
    }
    case TaskKind::Describe: {
        const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, o.creaturePercent, split));
        b.user({s}, "describe this image");
        b.answerText(caption(s));
        c.variant = std::to_string(s.objectCount()) + "-objects";
        break;
    }
    case TaskKind::Count: {
        const Scene s = randomScene(rng, sceneOptions(0, kMaxObjects, o.creaturePercent, split));
        const auto cells = objectCells(s);
        // Half the questions ask about a shape that is present, so every count gets asked.
        const Shape shape = (!cells.empty() && chance(rng, 1, 2)) ? s.cells[pick(cells, rng)].shape
                                                                  : static_cast<Shape>(uniformBelow(rng, kShapeCount));
        b.user({s}, std::string("how many ") + shapePlural(shape) + " are there");
        b.answerText(numberWord(countShape(s, shape)));
        c.variant = shapeName(shape);
        break;
    }
    case TaskKind::ColorQuery: {
        for (int attempt = 0;; ++attempt) {
            if (attempt >= kMaxAttempts)
                throw std::logic_error("no colour-query scene found");
            const Scene s = randomScene(rng, sceneOptions(1, kMaxObjects, o.creaturePercent, split));
            std::vector<int> unique;
            for (int i : objectCells(s))
                if (countShape(s, s.cells[i].shape) == 1)
                    unique.push_back(i);
            if (unique.empty())
                continue;
            const Cell& obj = s.cells[pick(unique, rng)];
            b.user({s}, std::string("what color is the ") + shapeName(obj.shape));
            b.answerText(colorName(obj.color));
            c.variant = shapeName(obj.shape);
            break;
        }
        break;
    }
    case TaskKind::Edit: generateEditLike(c, b, rng, split, o, false); break;
    case TaskKind::WhatChanged: generateEditLike(c, b, rng, split, o, true); break;
    case TaskKind::SubjectByExample: {
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
        break;
    }
    case TaskKind::StyleByExample: {
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
        break;
    }
    case TaskKind::InContext: generateInContext(c, b, rng, split, o); break;
    case TaskKind::MultiTurn: generateMultiTurn(c, b, rng, split, o); break;
    case TaskKind::Retrieval: generateRetrieval(c, b, rng, split, o); break;
    case TaskKind::SoundAtmosphere: generateSound(c, b, rng, split, o); break;
    case TaskKind::SpokenRequest: generateSpoken(c, b, rng, split, o); break;
    default:
        throw std::invalid_argument("expected a task number 1..13, found " + std::to_string(static_cast<int>(kind)));
    }
    return c;
}

} // namespace weft::world
