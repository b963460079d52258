// The Python baseline of `weft-cli bench` (bench/baseline.py, written from MODEL_FORMAT.md)
// computes the same next-token logits as the engine on a random tiny model.
// torch first: Qt's "slots" macro would otherwise break torch headers.
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "baseline_runner.h"
#include "model_loader.h"
#include "network.h"
#include "weft/model.h"
#include "weft/world/tasks.h"

#include <QtTest/QtTest>

using namespace weft;

namespace {

const std::string kTinyConfig = std::string(WEFT_TEST_DATA_DIR) + "/configs/tiny.json";
const std::string kBaseline = std::string(WEFT_SOURCE_DIR) + "/bench/baseline.py";

} // namespace

class TestBench : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void baselineLogitsMatchEngine()
    {
        if (!bench::pythonHasTorch(bench::kDefaultPython))
            QSKIP("/usr/bin/python3 cannot import torch (python3-torch not installed)");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::string dir = tmp.path().toStdString() + "/tiny";
        auto made = initModel(kTinyConfig, dir, 3, world::textCorpus(400, 3));
        QVERIFY2(made.ok(), made.ok() ? "" : made.error().message.c_str());
        auto loaded = Model::load(dir);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const Model::Impl& m = loaded.value()->impl();
        const auto& vocab = m.config.vocab;

        // Text pieces, special tokens and image codes, long enough for rotary phases to matter.
        std::vector<int> ids{vocab.bos, vocab.user};
        for (int i = 0; i < 40; ++i) ids.push_back((i * 37 + 5) % vocab.textVocab);
        ids.push_back(vocab.eos);
        ids.push_back(vocab.assistant);
        ids.push_back(vocab.boi);
        for (int i = 0; i < 20; ++i) ids.push_back(vocab.imageBase + (i * 13) % vocab.imageCount);
        const auto t = static_cast<std::int64_t>(ids.size());

        torch::NoGradGuard noGrad;
        auto idTensor = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), torch::kLong).view({1, t});
        auto positions = torch::arange(t, torch::kLong).view({1, t});
        auto mask = torch::ones({t, t}, torch::kBool).tril().view({1, 1, t, t});
        auto hidden = m.network->forwardHidden(idTensor, positions, mask);
        auto engine = m.network->logits(hidden[0][t - 1]).to(torch::kDouble).contiguous();

        const std::vector<double> python = bench::baselineLogits(bench::kDefaultPython, kBaseline, dir, ids);
        QCOMPARE(static_cast<std::int64_t>(python.size()), engine.numel());
        double maxDiff = 0.0;
        const double* e = engine.data_ptr<double>();
        for (std::size_t i = 0; i < python.size(); ++i) maxDiff = std::max(maxDiff, std::abs(python[i] - e[i]));
        qInfo("max abs logit difference engine vs baseline.py: %g", maxDiff);
        QVERIFY2(maxDiff <= 1e-3, ("max abs logit difference " + std::to_string(maxDiff)).c_str());
        // Random weights give small logits: make sure the comparison is not vacuous.
        QVERIFY(engine.abs().max().item<double>() > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestBench)
#include "test_bench.moc"
