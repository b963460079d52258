// The evaluation harness end to end on a random tiny model: it must run every task without
// error and write its reports; the scorer itself is checked on hand-made replies.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "weft/eval/evaluator.h"
#include "weft/model.h"
#include "weft/world/world.h"

using namespace weft;

class TestEval : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_model = (m_tmp.path() + "/model").toStdString();
        const auto r = initModel(std::string(WEFT_TEST_DATA_DIR) + "/configs/tiny.json", m_model, 3,
                                 world::textCorpus(2000, 3));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    }

    void scoresHandMadeReplies()
    {
        std::mt19937_64 rng(5);
        // A perfect edit reply scores 1 everywhere; an empty reply scores 0 but still counts.
        const auto edit = world::generateTask(world::TaskKind::Edit, rng, world::Split::Test);
        auto m = eval::scoreReply(edit, edit.answer);
        QCOMPARE(m.sceneCases, 1);
        QCOMPARE(m.sceneExact, 1);
        QCOMPARE(m.attributeSum, 1.0);
        QCOMPARE(m.preservedKept, m.preservedTotal);
        m = eval::scoreReply(edit, Message{});
        QCOMPARE(m.sceneExact, 0);
        QCOMPARE(m.attributeSum, 0.0);
        QCOMPARE(m.preservedKept, 0);
        QVERIFY(eval::missed(m));
        QVERIFY(!eval::missed(eval::scoreReply(edit, edit.answer)));

        const auto count = world::generateTask(world::TaskKind::Count, rng, world::Split::Test);
        QCOMPARE(eval::scoreReply(count, count.answer).textExact, 1);
        Message wrong;
        wrong.role = Role::Assistant;
        wrong.segments.push_back(Segment::makeText(count.expectedText == "one" ? "two" : "one"));
        QCOMPARE(eval::scoreReply(count, wrong).textExact, 0);
        QVERIFY(eval::missed(eval::scoreReply(count, wrong)));
        QVERIFY(!eval::missed(eval::scoreReply(count, count.answer)));

        // Retrieval: right only with retrieved = true and the right index.
        const auto ret = world::generateTask(world::TaskKind::Retrieval, rng, world::Split::Test);
        auto r = eval::scoreReply(ret, ret.answer);
        QCOMPARE(r.retrievalCorrect, 1);
        QCOMPARE(r.sceneExact, 1);
        Message regenerated = ret.answer;
        regenerated.segments[0].retrieved = false;
        QCOMPARE(eval::scoreReply(ret, regenerated).retrievalCorrect, 0);
        Message wrongIndex = ret.answer;
        wrongIndex.segments[0].retrievedFrom = ret.expectedRetrievedIndex == 0 ? 1 : 0;
        QCOMPARE(eval::scoreReply(ret, wrongIndex).retrievalCorrect, 0);
        QVERIFY(eval::missed(eval::scoreReply(ret, wrongIndex))); // the right picture, from the wrong place

        // Subject-driven: creature fidelity is 1 for the exact image, 0 when nothing is drawn.
        const auto subject = world::generateTask(world::TaskKind::SubjectByExample, rng, world::Split::Test);
        auto s = eval::scoreReply(subject, subject.answer);
        QCOMPARE(s.creatureCells, 1);
        QCOMPARE(s.creatureSum, 1.0);
        Message blank;
        blank.role = Role::Assistant;
        world::Scene empty = *subject.expectedScene;
        for (auto& cell : empty.cells)
            cell = world::Cell::makeEmpty();
        blank.segments.push_back(Segment::makeImage(world::render(empty, 2)));
        s = eval::scoreReply(subject, blank);
        QCOMPARE(s.creatureSum, 0.0);
        QCOMPARE(s.sceneExact, 0);
        QVERIFY(eval::missed(s));
    }

    // Task 12: background exact (colour and pattern) and every object preserved.
    void scoresSoundReplies()
    {
        std::mt19937_64 rng(6);
        world::TaskOptions noAudio;
        noAudio.synthesizeAudio = false; // scoring looks at the images only
        const auto c = world::generateTask(world::TaskKind::SoundAtmosphere, rng, world::Split::Test, noAudio);
        const world::Scene expected = *c.expectedScene;
        const int objects = expected.objectCount();
        QVERIFY(objects >= 1);
        auto reply = [](const world::Scene& s) {
            Message m;
            m.role = Role::Assistant;
            m.segments.push_back(Segment::makeImage(world::render(s)));
            return m;
        };
        auto m = eval::scoreReply(c, c.answer);
        QCOMPARE(m.backgroundCases, 1);
        QCOMPARE(m.backgroundExact, 1);
        QCOMPARE(m.sceneExact, 1);
        QCOMPARE(m.preservedTotal, objects);
        QCOMPARE(m.preservedKept, objects);
        // The unchanged input: objects kept, background wrong.
        m = eval::scoreReply(c, reply(*c.sourceScene));
        QCOMPARE(m.backgroundExact, 0);
        QCOMPARE(m.sceneExact, 0);
        QCOMPARE(m.preservedKept, objects);
        // Right background, one object lost.
        world::Scene lost = expected;
        for (auto& cell : lost.cells)
            if (!cell.empty()) {
                cell = world::Cell::makeEmpty();
                break;
            }
        m = eval::scoreReply(c, reply(lost));
        QCOMPARE(m.backgroundExact, 1);
        QCOMPARE(m.preservedKept, objects - 1);
        // Right pattern on the wrong colour is not an exact background.
        world::Scene recoloured = expected;
        recoloured.background = expected.background == world::Color::Black ? world::Color::White : world::Color::Black;
        for (auto& cell : recoloured.cells)
            if (!cell.empty() && cell.color == recoloured.background)
                cell.color = expected.background; // keep the scene valid
        m = eval::scoreReply(c, reply(recoloured));
        QCOMPARE(m.backgroundExact, 0);
        m = eval::scoreReply(c, Message{});
        QCOMPARE(m.backgroundCases, 1);
        QCOMPARE(m.backgroundExact, 0);
        QCOMPARE(m.preservedKept, 0);
        QCOMPARE(m.preservedTotal, objects);
    }

    // Task 13: scene exact and attribute accuracy, on the held-out voice.
    void scoresSpokenReplies()
    {
        std::mt19937_64 rng(9);
        world::TaskOptions noAudio;
        noAudio.synthesizeAudio = false;
        world::TaskCase c;
        do
            c = world::generateTask(world::TaskKind::SpokenRequest, rng, world::Split::Test, noAudio);
        while (c.expectedScene->objectCount() == 0);
        QCOMPARE(c.variant, world::heldOutSpeechVoice());
        auto m = eval::scoreReply(c, c.answer);
        QCOMPARE(m.sceneCases, 1);
        QCOMPARE(m.sceneExact, 1);
        QCOMPARE(m.attributeSum, 1.0);
        QCOMPARE(m.backgroundCases, 0); // a sound-task metric only
        QCOMPARE(m.preservedTotal, 0);
        // One object drawn in the wrong size: 28 of 29 attributes.
        world::Scene wrong = *c.expectedScene;
        for (auto& cell : wrong.cells)
            if (cell.kind == world::Cell::Kind::Object) {
                cell.size = cell.size == world::Size::Small ? world::Size::Large : world::Size::Small;
                break;
            }
        Message reply;
        reply.role = Role::Assistant;
        reply.segments.push_back(Segment::makeImage(world::render(wrong)));
        m = eval::scoreReply(c, reply);
        QCOMPARE(m.sceneExact, 0);
        QCOMPARE(m.attributeSum, 28.0 / 29.0);
    }

    void runsOnRandomModel()
    {
        eval::EvalOptions o;
        o.modelDirectory = m_model;
        o.tasks = {world::TaskKind::Generate, world::TaskKind::Count, world::TaskKind::Edit,
                   world::TaskKind::InContext, world::TaskKind::Retrieval};
        o.casesPerTask = 2;
        o.seed = 4;
        o.outDirectory = (m_tmp.path() + "/eval").toStdString();
        o.compression = eval::Compression::Both;
        o.sheetCases = 1;
        o.reply.maxTextTokens = 8;
        o.log = [](LogLevel, const std::string& line) { qInfo("%s", line.c_str()); };
        const auto report = eval::runEvaluation(o);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        namespace fs = std::filesystem;
        for (const char* f : {"eval.json", "eval.md", "contact_sheet.png"})
            QVERIFY2(fs::exists(fs::path(o.outDirectory) / f), f);
        const auto doc = nlohmann::json::parse(report.value().json);
        int allGroups = 0, compositions = 0, seen = 0;
        for (const auto& r : doc["results"]) {
            if (r["group"] == "all") {
                ++allGroups;
                // Seven images of k = 3 in-context cases may exceed the tiny model's context: the
                // engine refuses them (LimitExceeded) and the harness counts them as errors.
                if (r["task"] != "in-context")
                    QCOMPARE(r["errors"].get<int>(), 0);
                QVERIFY(r["errors"].get<int>() <= r["cases"].get<int>());
            }
            if (r["group"] == "composition")
                compositions += r["cases"].get<int>();
            if (r["group"] == "seen") // task 9 without its compositions, once per mode
                seen += r["cases"].get<int>();
        }
        QCOMPARE(allGroups, 5 * 2); // five tasks, compression off and on
        QCOMPARE(compositions, 2 * 2);
        QCOMPARE(seen, 2 * 2);
        QVERIFY(report.value().markdown.find("| 9 in-context | composition |") != std::string::npos);
        const auto sheet = loadImageFile((fs::path(o.outDirectory) / "contact_sheet.png").string());
        QVERIFY(sheet.ok());
        QVERIFY(sheet.value().height >= 5 * 128);
        QVERIFY(sheet.value().height < 10 * 128); // one row per task: only the first mode adds rows
        // report.groups and the rows of eval.json describe the same groups in the same order.
        const auto& groups = report.value().groups;
        QCOMPARE(groups.size(), doc["results"].size());
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const auto& r = doc["results"][i];
            QCOMPARE(r["task"].get<std::string>(), groups[i].task);
            QCOMPARE(r["task_number"].get<int>(), groups[i].taskNumber);
            QCOMPARE(r["group"].get<std::string>(), groups[i].group);
            QCOMPARE(r["compression"].get<std::string>(), groups[i].compression);
            QCOMPARE(r["cases"].get<int>(), groups[i].metrics.cases);
            QVERIFY(!r.contains("skipped"));
        }

        eval::EvalOptions bad = o;
        bad.casesPerTask = 0;
        QVERIFY(!eval::runEvaluation(bad).ok());
        bad = o;
        bad.modelDirectory = m_model + "/missing";
        QVERIFY(!eval::runEvaluation(bad).ok());
        bad = o;
        bad.tasks = {static_cast<world::TaskKind>(14)};
        QCOMPARE(int(eval::runEvaluation(bad).error().code), int(ErrorCode::InvalidArgument));
    }

    // --sheet-misses: the contact sheet holds one row per missed case (up to sheetCases) and
    // none for a case the model got right. The shipped model draws nearly every generate case
    // exactly, so the two sheets differ.
    void sheetHoldsOnlyMisses()
    {
        const std::string shipped = Model::defaultModelDirectory();
        if (shipped.empty())
            QSKIP("no shipped model (resources/models/weft-tiny)");
        eval::EvalOptions o;
        o.modelDirectory = shipped;
        o.tasks = {world::TaskKind::Generate};
        o.casesPerTask = 3;
        o.seed = 5;
        o.compression = eval::Compression::Off;
        o.sheetCases = 3;
        auto sheetImage = [&](bool missesOnly, int& misses) {
            o.sheetMissesOnly = missesOnly;
            o.outDirectory = (m_tmp.path() + (missesOnly ? "/misses" : "/first")).toStdString();
            const auto report = eval::runEvaluation(o);
            if (!report.ok())
                qFatal("%s", report.error().message.c_str());
            const eval::Metrics& all = report.value().groups.front().metrics;
            misses = all.cases - all.sceneExact; // a failed reply scores no exact scene either
            auto sheet = loadImageFile(o.outDirectory + "/contact_sheet.png");
            return sheet.ok() ? sheet.value() : Image{};
        };
        int misses = 0;
        const int tile = 2 * world::kCanvasSize, gap = 4;
        const Image first = sheetImage(false, misses);
        QCOMPARE(first.height, 3 * (tile + gap) + gap);
        QVERIFY2(misses < 3, qPrintable(QString("%1 of 3 generate cases missed").arg(misses)));
        const Image missed = sheetImage(true, misses);
        if (misses > 0) {
            QCOMPARE(missed.height, misses * (tile + gap) + gap);
        } else { // an empty sheet: one blank tile's size, every pixel the same
            QCOMPARE(missed.height, tile + 2 * gap);
            for (std::size_t i = 3; i < missed.rgb.size(); ++i)
                QCOMPARE(missed.rgb[i], missed.rgb[i % 3]);
        }
    }

    // The tiny model has no audio input (audio.enabled false): tasks 12-13 are reported as
    // skipped, with the reason, and nothing crashes.
    void skipsAudioTasksWithoutAudio()
    {
        eval::EvalOptions o;
        o.modelDirectory = m_model;
        o.tasks = {world::TaskKind::Count, world::TaskKind::SoundAtmosphere, world::TaskKind::SpokenRequest};
        o.casesPerTask = 1;
        o.outDirectory = (m_tmp.path() + "/eval-audio").toStdString();
        o.reply.maxTextTokens = 4;
        const auto report = eval::runEvaluation(o);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        int skipped = 0;
        for (const auto& g : report.value().groups) {
            if (world::taskNeedsAudio(static_cast<world::TaskKind>(g.taskNumber))) {
                ++skipped;
                QVERIFY(g.skipped.find("no audio input") != std::string::npos);
                QCOMPARE(g.metrics.cases, 0);
            } else {
                QVERIFY(g.skipped.empty());
                QCOMPARE(g.metrics.cases, 1);
            }
        }
        QCOMPARE(skipped, 2);
        const auto doc = nlohmann::json::parse(report.value().json);
        int skippedJson = 0;
        for (const auto& r : doc["results"])
            if (r.contains("skipped")) {
                ++skippedJson;
                QVERIFY(r["task"] == "sound" || r["task"] == "spoken");
            }
        QCOMPARE(skippedJson, 2);
        const std::string& md = report.value().markdown;
        QVERIFY(md.find("| 12 sound | all | on | skipped |") != std::string::npos);
        QVERIFY(md.find("task 13 (spoken) skipped: the model has no audio input") != std::string::npos);
        QVERIFY(md.find("background exact") != std::string::npos);
    }

    // A model with audio input runs tasks 12-13 (replies of random weights may fail; they count
    // as errors, not as a failed run). Skipped while the engine cannot build such a model.
    void runsAudioTasksWithAudio()
    {
        std::ifstream in(std::string(WEFT_TEST_DATA_DIR) + "/configs/tiny.json");
        auto config = nlohmann::json::parse(in);
        config["audio"] = {{"enabled", true}};
        const std::string configPath = (m_tmp.path() + "/tiny-audio.json").toStdString();
        std::ofstream(configPath) << config.dump(2);
        const std::string dir = (m_tmp.path() + "/model-audio").toStdString();
        const auto made = initModel(configPath, dir, 3, world::textCorpus(2000, 3));
        if (!made.ok())
            QSKIP(("the engine cannot build a model with audio input yet: " + made.error().message).c_str());
        const auto loaded = Model::load(dir);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        if (!loaded.value()->info().hasAudio)
            QSKIP("the engine does not report audio input for a config with audio.enabled true yet");
        eval::EvalOptions o;
        o.modelDirectory = dir;
        o.tasks = {world::TaskKind::SoundAtmosphere, world::TaskKind::SpokenRequest};
        o.casesPerTask = 1;
        o.outDirectory = (m_tmp.path() + "/eval-with-audio").toStdString();
        o.reply.maxTextTokens = 4;
        o.log = [](LogLevel, const std::string& line) { qInfo("%s", line.c_str()); };
        const auto report = eval::runEvaluation(o);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        for (const auto& g : report.value().groups) {
            if (g.group != "all")
                continue;
            const bool spokenWithoutEspeak =
                g.taskNumber == 13 && !world::SpeechSynthesizer::available();
            QCOMPARE(g.skipped.empty(), !spokenWithoutEspeak);
            QCOMPARE(g.metrics.cases, spokenWithoutEspeak ? 0 : 1);
            if (g.taskNumber == 12)
                QCOMPARE(g.metrics.backgroundCases, 1);
        }
    }

private:
    QTemporaryDir m_tmp;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestEval)
#include "test_eval.moc"
