// Training code: each stage runs a few steps on tiny sizes, resumes from its checkpoint, is
// deterministic for a seed, and the exported folder loads as a model that answers.
// torch before Qt: Qt's "slots" macro breaks libtorch headers.
#include "image_codec.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "audio_augment.h"
#include "codec_trainer.h"
#include "errors.h"
#include "lm_trainer.h"
#include "loss_plot.h"
#include "loss_weights.h"
#include "model_config.h"
#include "safetensors.h"
#include "tokenizer_stage.h"
#include "train_common.h"
#include "train_log.h"
#include "weft/model.h"
#include "weft/session.h"
#include "weft/world/caption.h"
#include "weft/world/render.h"

namespace fs = std::filesystem;

namespace {

const std::string kConfig = std::string(WEFT_SOURCE_DIR) + "/tests/data/configs/tiny.json";

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

weft::train::CodecTrainOptions codecOptions(const std::string& run, long long steps)
{
    weft::train::CodecTrainOptions o;
    o.configPath = kConfig;
    o.runDir = run;
    o.seed = 5;
    o.batch = 4;
    o.steps = steps;
    o.evalEvery = 1000;
    o.evalScenes = 8;
    o.checkpointEvery = 2;
    o.threads = 1;
    return o;
}

// Runs stages 1-2 into `run` (tokenizer, two codec steps) and returns options for stage 3
// on the tiny config, seed 3, two sequences per step.
weft::train::LmTrainOptions preparedLmRun(const std::string& run)
{
    weft::train::TokenizerStageOptions t;
    t.configPath = kConfig;
    t.runDir = run;
    t.sentences = 3000;
    weft::train::trainTokenizerStage(t);
    weft::train::trainCodec(codecOptions(run, 2));
    weft::train::LmTrainOptions l;
    l.configPath = kConfig;
    l.runDir = run;
    l.seed = 3;
    l.batch = 2;
    return l;
}

// A hand-made stream of three images of four codes each (starts 2, 8, 14) and an answer
// image (start 20); the answer's codes and eos are targets.
// `images` images of four codes each (boi, codes, eoi: six tokens) after two text tokens; the
// last one is the answer (loss weight 1).
weft::TokenStream imageStream(int images)
{
    const int n = 2 + 6 * images;
    weft::TokenStream s;
    s.ids.assign(static_cast<std::size_t>(n), 0);
    s.positions.resize(static_cast<std::size_t>(n));
    s.lossMask.assign(static_cast<std::size_t>(n), 0);
    s.exampleGroup.assign(static_cast<std::size_t>(n), -1);
    for (int i = 0; i < images; ++i) s.imageStarts.push_back(2 + 6 * i);
    for (int t = n - 6; t < n; ++t) s.lossMask[static_cast<std::size_t>(t)] = 1;
    return s;
}

weft::TokenStream fourImageStream() { return imageStream(4); }

weft::Message userWithImages(int images)
{
    weft::Message user;
    user.role = weft::Role::User;
    for (int i = 0; i < images; ++i) user.segments.push_back(weft::Segment::makeImage(weft::Image{}));
    return user;
}

} // namespace

class TestTrain : public QObject {
    Q_OBJECT

private slots:
    void tokenizerStageWritesExactVocabulary()
    {
        QTemporaryDir dir;
        weft::train::TokenizerStageOptions o;
        o.configPath = kConfig;
        o.runDir = dir.path().toStdString();
        o.sentences = 3000;
        weft::train::trainTokenizerStage(o);
        const auto path = o.runDir + "/tokenizer.model";
        QVERIFY(fs::exists(path));
        const auto first = readAll(path);
        // A rerun keeps the existing tokenizer (stages are resumable).
        weft::train::trainTokenizerStage(o);
        QCOMPARE(readAll(path), first);
    }

    // A checkpoint carries its own step and wall time: the .json beside it is only a copy,
    // so losing it (or a stale one from a kill between the two writes) changes nothing.
    void checkpointCarriesItsProgress()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/x.ckpt";
        torch::manual_seed(3);
        torch::nn::Linear saved(3, 2);
        torch::optim::AdamW savedOpt(saved->parameters(), torch::optim::AdamWOptions(1e-3));
        weft::train::saveCheckpoint(*saved, savedOpt, path, {7, 12.5});
        {
            std::ofstream stale(path + ".json");
            stale << R"({"step":3,"seconds":1.0})";
        }
        torch::nn::Linear loaded(3, 2);
        torch::optim::AdamW loadedOpt(loaded->parameters(), torch::optim::AdamWOptions(1e-3));
        weft::train::CheckpointState state;
        QVERIFY(weft::train::loadCheckpoint(*loaded, loadedOpt, path, state));
        QCOMPARE(state.step, 7LL);
        QCOMPARE(state.seconds, 12.5);
        QVERIFY(torch::equal(saved->weight, loaded->weight));
        std::filesystem::remove(path + ".json");
        state = {};
        QVERIFY(weft::train::loadCheckpoint(*loaded, loadedOpt, path, state));
        QCOMPARE(state.step, 7LL);
        weft::train::CheckpointState untouched{5, 1.0};
        QVERIFY(!weft::train::loadCheckpoint(*loaded, loadedOpt, path + ".missing", untouched));
        QCOMPARE(untouched.step, 5LL);
    }

    void codecStageResumesAndIsDeterministic()
    {
        QTemporaryDir a, b;
        // Run A: 4 steps in one go. Run B: 2 steps, then resumed to 4.
        auto ra = weft::train::trainCodec(codecOptions(a.path().toStdString(), 4));
        auto paused = codecOptions(b.path().toStdString(), 4);
        paused.pauseAtStep = 2;
        weft::train::trainCodec(paused);
        auto rb = weft::train::trainCodec(codecOptions(b.path().toStdString(), 4));
        QCOMPARE(ra.scenes, 8);
        QVERIFY(ra.pixelAccuracy >= 0.0 && ra.pixelAccuracy <= 1.0);
        QVERIFY(ra.codesUsed > 0.0);
        const auto fa = readAll(a.path().toStdString() + "/codec.safetensors");
        const auto fb = readAll(b.path().toStdString() + "/codec.safetensors");
        QVERIFY(!fa.empty());
        QVERIFY2(fa == fb, "a resumed codec run must end with the same weights as an uninterrupted one");
        QCOMPARE(ra.sceneExact, rb.sceneExact);
        // The metrics file holds the loss curve and plots to a PNG.
        const auto points = weft::train::readMetrics(a.path().toStdString() + "/metrics.jsonl");
        QVERIFY(!points.empty());
        const auto png = a.path().toStdString() + "/loss.png";
        weft::train::plotMetrics(points, {"loss"}, png);
        QVERIFY(fs::file_size(png) > 100);
    }

    void marginBackgroundHidesInnerBackground()
    {
        using namespace weft::world;
        auto json = nlohmann::json::parse(readAll(std::string(WEFT_SOURCE_DIR) + "/resources/models/configs/weft-tiny.json"));
        json["codec"]["margin_background"] = true;
        const auto config = weft::ModelConfig::parse(json.dump());
        QVERIFY(config.codec.marginBackground);
        QCOMPARE(weft::ModelConfig::parse(config.toJson()).codec.marginBackground, true);
        weft::ImageCodec codec(config.codec);

        // The same red circle on two backgrounds with patterns: the centre cell's four patches
        // must reach the encoder identically, holding only the circle's pixels.
        Scene a;
        a.background = Color::Blue;
        a.pattern = Pattern::Dots;
        a.cells[4] = Cell::makeObject(Shape::Circle, Color::Red, Size::Large);
        Scene b = a;
        b.background = Color::Green;
        b.pattern = Pattern::Checker;
        Scene plain = a;
        plain.pattern = Pattern::Plain;
        const auto input = codec->pixelInput({render(a), render(b), render(plain)});
        for (int patch : {27, 28, 35, 36}) {
            QVERIFY(torch::equal(input[0][patch], input[1][patch]));
            QVERIFY(torch::equal(input[0][patch], input[2][patch]));
            QVERIFY(input[0][patch].sum().item<double>() > 10); // circle pixels, one-hot
        }
        // An inner patch of an empty cell is all background: nothing reaches the encoder.
        QCOMPARE(input[0][9].sum().item<double>(), 0.0);
        // The ring keeps every pixel: it is where the decoder finds the background.
        QCOMPARE(input[0][0].sum().item<double>(), 64.0);
        QVERIFY(!torch::equal(input[0][0], input[1][0]));

        json["codec"].erase("palette");
        QVERIFY_THROWS_EXCEPTION(weft::FormatError, weft::ModelConfig::parse(json.dump()));
    }

    void codecStageRefusesBadConfig()
    {
        QTemporaryDir dir;
        const auto bad = dir.path().toStdString() + "/bad.json";
        std::ofstream(bad) << "{\"format\":\"weft-model\",\"version\":9}";
        auto o = codecOptions(dir.path().toStdString(), 1);
        o.configPath = bad;
        QVERIFY_THROWS_EXCEPTION(std::exception, weft::train::trainCodec(o));
    }

    // Example pairs' after images become targets, except the first pair's (nothing before it
    // shows the transformation); the changed-code weight lands only on target codes that
    // differ from the image before them, and the batch carries it as a float.
    void lossWeightsMarkExamplesAndChangedCodes()
    {
        auto two = imageStream(6); // two pairs, the query, the answer
        weft::train::markExampleTargets(two, {userWithImages(5)}, 4);
        for (int t = 0; t < 38; ++t) {
            const bool secondAfter = t >= 20 && t <= 24; // its four codes and the eoi
            QCOMPARE(int(two.lossMask[static_cast<std::size_t>(t)]), secondAfter || t >= 32 ? 1 : 0);
        }
        auto one = fourImageStream(); // k = 1: the answer alone is a target
        weft::train::markExampleTargets(one, {userWithImages(3)}, 4);
        for (int t = 0; t < 26; ++t)
            QCOMPARE(int(one.lossMask[static_cast<std::size_t>(t)]), t >= 20 ? 1 : 0);

        // The changed-code weights on a k = 1 stream whose example after image is a target.
        auto s = fourImageStream();
        for (int t = 8; t <= 12; ++t) s.lossMask[static_cast<std::size_t>(t)] = 1;
        const std::vector<std::vector<int>> codes{{1, 2, 3, 4}, {1, 9, 3, 4}, {5, 5, 5, 5}, {5, 6, 5, 7}};
        weft::train::weightChangedCodes(s, codes, 5);
        const std::vector<int> expected{0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 5, 1, 5, 1, 1};
        for (int t = 0; t < 26; ++t)
            QCOMPARE(int(s.lossMask[static_cast<std::size_t>(t)]), expected[static_cast<std::size_t>(t)]);
        // The query (third image) is no target: nothing there changes although it differs.
        const auto batch = weft::batchStreams({s}, 0);
        QCOMPARE(batch.lossMask[0][21].item<float>(), 5.0f);
        QCOMPARE(batch.lossMask[0][20].item<float>(), 1.0f);

        // Fewer code lists than images (an unconditional stream): no out-of-range access.
        auto unconditional = fourImageStream();
        weft::train::weightChangedCodes(unconditional, {{1, 2, 3, 4}}, 5);
        QCOMPARE(int(unconditional.lossMask[21]), 1);
    }

    // Half the clips pass unchanged; the rest are one feature map shifted along the bins by at
    // most kMelShiftBins (edges repeated) plus one level within kMelLevelOffset; a seed
    // gives the same clips again.
    void audioAugmentShiftsAndOffsets()
    {
        const auto mel = torch::arange(40, torch::kFloat).repeat({5, 1}); // bin b holds b
        std::mt19937_64 rng(7), again(7);
        int unchanged = 0, changed = 0;
        for (int i = 0; i < 200; ++i) {
            const auto out = weft::train::augmentMel(mel, rng);
            QVERIFY(torch::equal(out, weft::train::augmentMel(mel, again)));
            QCOMPARE(out.sizes(), mel.sizes());
            if (torch::equal(out, mel)) {
                ++unchanged;
                continue;
            }
            ++changed;
            // Interior bins moved by one whole shift; every frame got the same level.
            const double level = out[0][20].item<double>() - 20.0;
            const double shift = std::round(-level);
            const double offset = out[0][20].item<double>() - (20.0 - shift);
            QVERIFY(std::abs(offset) <= weft::train::kMelLevelOffset + 1e-6);
            QVERIFY(std::abs(shift) <= weft::train::kMelShiftBins);
            QVERIFY(torch::allclose(out[4], out[0]));
            QVERIFY(torch::allclose(out[0].narrow(0, 10, 20) - (torch::arange(10, 30, torch::kFloat) - shift), torch::full({20}, offset), 1e-5, 1e-5));
        }
        QVERIFY2(unchanged > 60 && changed > 60, qPrintable(QStringLiteral("%1 unchanged, %2 changed").arg(unchanged).arg(changed)));
    }

    void languageModelStageTrainsAndExports()
    {
        QTemporaryDir dir;
        const auto run = dir.path().toStdString();
        auto l = preparedLmRun(run);
        l.steps = 3;
        l.checkpointEvery = 2;
        l.threads = 1;
        l.tasks = "generate,describe,retrieval,edit";
        l.changedWeight = 4;
        l.editKinds = "recolor,recolor,move";
        l.lookalikePercent = 50;
        l.inContextKinds = "flip-up-down";
        weft::train::trainLanguageModel(l);
        QVERIFY(fs::exists(run + "/lm.ckpt"));
        const auto out = run + "/model";
        weft::train::exportModel(kConfig, run, out);
        auto model = weft::Model::load(out);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        QCOMPARE(model.value()->info().name, std::string("weft-test-tiny"));

        // The exported model answers through the public API.
        weft::Session session(model.value());
        weft::Message user;
        user.role = weft::Role::User;
        weft::world::Scene scene;
        user.segments.push_back(weft::Segment::makeImage(weft::world::render(scene)));
        user.segments.push_back(weft::Segment::makeText("describe this image"));
        weft::ReplyOptions options;
        options.maxTextTokens = 8;
        auto reply = session.reply({user}, options);
        QVERIFY2(reply.ok(), reply.ok() ? "" : reply.error().message.c_str());
        QVERIFY(reply.value().role == weft::Role::Assistant);

        // Unknown task names, weights outside 1..255 and compressed shares outside 0..100 % are
        // refused before any work.
        l.tasks = "juggling";
        QVERIFY_THROWS_EXCEPTION(std::exception, weft::train::trainLanguageModel(l));
        l.tasks = "edit";
        l.changedWeight = 0;
        QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        l.changedWeight = 4;
        for (int share : {-1, 101}) {
            l.compressPercent = share;
            QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        }
        l.compressPercent = 50;
        for (int share : {-1, 101}) {
            l.lookalikePercent = share;
            QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        }
        l.lookalikePercent = 0;
        for (const char* kinds : {"spin", "flip-up-down,,remove", "recolor-red-blue"}) {
            l.inContextKinds = kinds;
            QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        }
        l.inContextKinds = "";
        for (const char* kinds : {"paint", "recolor,,move", "flip-up-down"}) {
            l.editKinds = kinds;
            QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        }
    }

    // A paused and resumed transformer run ends with the weights of an uninterrupted one (the
    // stage runner's pause, checkpoint and learning-rate schedule), and its metrics continue.
    void languageModelStageResumesExactly()
    {
        QTemporaryDir a, b;
        auto whole = preparedLmRun(a.path().toStdString());
        whole.steps = 4;
        whole.threads = 1;
        whole.tasks = "generate,describe";
        auto paused = preparedLmRun(b.path().toStdString());
        paused.steps = 4;
        paused.threads = 1;
        paused.tasks = "generate,describe";
        paused.pauseAtStep = 2;
        weft::train::trainLanguageModel(whole);
        weft::train::trainLanguageModel(paused);
        paused.pauseAtStep = 0;
        std::string logText;
        paused.log = [&](weft::LogLevel, const std::string& m) { logText += m + "\n"; };
        weft::train::trainLanguageModel(paused);
        QVERIFY2(logText.find("lm: resumed at step 2") != std::string::npos, logText.c_str());
        for (const auto& run : {a.path().toStdString(), b.path().toStdString()})
            weft::train::exportModel(kConfig, run, run + "/model");
        const auto wa = readAll(a.path().toStdString() + "/model/model.safetensors");
        QVERIFY(!wa.empty());
        QVERIFY2(wa == readAll(b.path().toStdString() + "/model/model.safetensors"),
                 "a resumed transformer run must end with the same weights as an uninterrupted one");
        QCOMPARE(readAll(b.path().toStdString() + "/lm.ckpt.json").find("\"step\":4") != std::string::npos, true);
    }

    // An audio-enabled config trains on the audio tasks, warm-started from a model without
    // audio: the shared tensors are copied, the audio encoder starts fresh and learns.
    void languageModelStageTrainsAudioFromAWarmStart()
    {
        QTemporaryDir dir;
        const auto run = dir.path().toStdString();
        auto json = nlohmann::json::parse(std::ifstream(kConfig));
        json["audio"]["enabled"] = true;
        json["audio"]["encoder_channels"] = 8;
        const auto audioConfig = run + "/audio.json";
        std::ofstream(audioConfig) << json.dump(2);

        auto l = preparedLmRun(run);
        l.steps = 2;
        l.threads = 1;
        l.tasks = "generate";
        weft::train::trainLanguageModel(l);
        weft::train::exportModel(kConfig, run, run + "/plain");

        // Audio tasks on a config without audio are refused before any work.
        l.tasks = "sound";
        QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));

        fs::remove(run + "/lm.ckpt");
        std::string logText;
        l.configPath = audioConfig;
        l.initFrom = run + "/plain";
        l.tasks = "sound,spoken";
        l.log = [&](weft::LogLevel, const std::string& m) { logText += m + "\n"; };
        weft::train::trainLanguageModel(l);
        QVERIFY2(logText.find("warm start") != std::string::npos, logText.c_str());
        QVERIFY2(logText.find("fresh: audio.conv1.weight") != std::string::npos, logText.c_str());
        weft::train::exportModel(audioConfig, run, run + "/audio");
        auto plain = weft::Model::load(run + "/plain");
        auto audio = weft::Model::load(run + "/audio");
        QVERIFY2(audio.ok(), audio.ok() ? "" : audio.error().message.c_str());
        QVERIFY(audio.value()->info().hasAudio);
        QVERIFY(!plain.value()->info().hasAudio);
    }

    // A config with a retrieval head trains it beside the tokens; --retrieval-head-only then
    // trains the head alone from a warm start and leaves every other tensor as it was.
    void retrievalHeadTrainsAloneFromAWarmStart()
    {
        QTemporaryDir dir;
        const auto run = dir.path().toStdString();
        auto json = nlohmann::json::parse(std::ifstream(kConfig));
        json["retrieval"]["embed_dim"] = 8;
        const auto headConfig = run + "/head.json";
        std::ofstream(headConfig) << json.dump(2);

        auto l = preparedLmRun(run);
        l.configPath = headConfig;
        l.steps = 2;
        l.threads = 1;
        l.tasks = "retrieval";
        std::string logText;
        l.log = [&](weft::LogLevel, const std::string& m) { logText += m + "\n"; };
        weft::train::trainLanguageModel(l);
        weft::train::exportModel(headConfig, run, run + "/joint");

        // Alone, in a fresh run folder that takes the warm start's tokenizer and codec: refused
        // without a head or with other tasks, before any work.
        l.runDir = run + "/alone";
        l.initFrom = run + "/joint";
        l.retrievalHeadOnly = true;
        l.steps = 25; // one log line; a head-only step skips the transformer, so this is quick
        l.checkpointEvery = 100;
        l.tasks = "retrieval,generate";
        QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        l.tasks = "retrieval";
        l.configPath = kConfig;
        QVERIFY_THROWS_EXCEPTION(weft::ArgumentError, weft::train::trainLanguageModel(l));
        QVERIFY2(logText.find("codec tensors taken from") != std::string::npos, logText.c_str());
        l.configPath = headConfig;
        logText.clear();
        weft::train::trainLanguageModel(l);
        QVERIFY2(logText.find("retrieval ") != std::string::npos && logText.find("% right") != std::string::npos,
                 logText.c_str());
        QCOMPARE(readAll(l.runDir + "/tokenizer.model"), readAll(run + "/tokenizer.model"));
        weft::train::exportModel(headConfig, l.runDir, run + "/head");

        const auto before = weft::SafetensorsFile::read(run + "/joint/model.safetensors");
        const auto after = weft::SafetensorsFile::read(run + "/head/model.safetensors");
        int heads = 0;
        for (const auto& t : after.tensors()) {
            const auto* old = before.find(t.name);
            QVERIFY2(old, t.name.c_str());
            const bool same = std::equal(after.data(t), after.data(t) + (t.end - t.begin), before.data(*old));
            const bool head = t.name.rfind("retrieval.", 0) == 0;
            heads += head;
            QVERIFY2(same != head, t.name.c_str()); // the head moved, nothing else did
        }
        QCOMPARE(heads, 2);
        QVERIFY(weft::Model::load(run + "/head").ok());
    }

    void exportWithoutCheckpointFails()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(std::exception,
                                 weft::train::exportModel(kConfig, dir.path().toStdString(), dir.path().toStdString() + "/m"));
    }
};

QTEST_GUILESS_MAIN(TestTrain)
#include "test_train.moc"
