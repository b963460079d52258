// Quality regression of the shipped model: `weft-cli eval`'s harness on a small fresh sample
// of every task, against floors derived from the numbers resources/models/weft-tiny/MODEL_CARD.md
// reports (n = 200 per task). A change that breaks the codec, the sampler, the token stream or
// the weights shows up here as a score far below what the card promises.
#include <QtTest>

#include <cmath>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "weft/eval/evaluator.h"
#include "weft/model.h"
#include "weft/world/world.h"

using namespace weft;

namespace {

enum class Score { SceneExact, Attributes, TextExact, Retrieval, BackgroundExact };

struct Expected {
    world::TaskKind task;
    Score score;
    double card; ///< the MODEL_CARD.md value (compression on, n = 200), as a fraction
    const char* group = "all"; ///< the eval group compared ("seen": task 9 without compositions)
};

// From MODEL_CARD.md's table (`weft-cli eval --n 200 --seed 2026 --compress both`).
// Attribute accuracy is here as well as scene exact: it varies far less between samples,
// so its floor is close to the card's value.
constexpr Expected kShipped[] = {
    {world::TaskKind::Generate, Score::SceneExact, 1.000},
    {world::TaskKind::Describe, Score::TextExact, 0.950},
    {world::TaskKind::Count, Score::TextExact, 0.970},
    {world::TaskKind::ColorQuery, Score::TextExact, 1.000},
    {world::TaskKind::Edit, Score::SceneExact, 1.000},
    {world::TaskKind::WhatChanged, Score::TextExact, 0.960},
    {world::TaskKind::SubjectByExample, Score::SceneExact, 0.975},
    {world::TaskKind::StyleByExample, Score::SceneExact, 0.995},
    {world::TaskKind::InContext, Score::Attributes, 0.880},
    {world::TaskKind::MultiTurn, Score::SceneExact, 0.965},
    {world::TaskKind::Retrieval, Score::Retrieval, 1.000},
    {world::TaskKind::SoundAtmosphere, Score::SceneExact, 0.965},
    {world::TaskKind::SpokenRequest, Score::SceneExact, 0.920},
};

// Task 9 with compression off (`--compress off`, the app's default), same table.
constexpr Expected kShippedUncompressed[] = {
    {world::TaskKind::InContext, Score::SceneExact, 0.710},
    {world::TaskKind::InContext, Score::Attributes, 0.964},
    {world::TaskKind::InContext, Score::SceneExact, 0.915, "seen"},
};

constexpr int kCases = 16;

double value(const eval::Metrics& m, Score s)
{
    auto ratio = [](double a, int b) { return b > 0 ? a / b : 0.0; };
    switch (s) {
    case Score::SceneExact: return ratio(m.sceneExact, m.sceneCases);
    case Score::Attributes: return ratio(m.attributeSum, m.sceneCases);
    case Score::TextExact: return ratio(m.textExact, m.textCases);
    case Score::Retrieval: return ratio(m.retrievalCorrect, m.retrievalCases);
    case Score::BackgroundExact: return ratio(m.backgroundExact, m.backgroundCases);
    }
    return 0.0;
}

// A proportion's floor is exact rather than a normal approximation, which is far too tight
// near 1 on 16 cases: the lowest fraction k / n that a binomial with the card's value, less an
// allowance of 0.03 for the card's own sampling error, falls below with probability at most
// 0.0015 (three standard errors, one-sided). Attribute accuracy averages 29 attributes per
// case, so it keeps a normal bound: a third of (three standard errors plus 0.03), plus 0.03.
double floorFor(const Expected& e, int n)
{
    const double p = std::max(0.0, e.card - 0.03);
    if (e.score == Score::Attributes)
        return std::max(0.0, e.card - (std::sqrt(std::max(e.card * (1.0 - e.card), 0.01) / n) + 0.04));
    if (p <= 0.0)
        return 0.0;
    double atMost = 0.0; // P(X <= k)
    for (int k = 0; k <= n; ++k) {
        atMost += std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                           k * std::log(p) + (n - k) * (p < 1.0 ? std::log1p(-p) : 0.0));
        if (atMost > 0.0015)
            return static_cast<double>(k) / n;
    }
    return 1.0;
}

struct FloorCheck {
    int checked = 0;       ///< rows of the table compared with a group
    QStringList failures;  ///< rows under their floor, skipped tasks, failed replies
};

// Runs the harness on `tasks` (all when empty) of the shipped model and compares every row of
// `expected` with its task's group of that name.
template <std::size_t N>
FloorCheck belowFloors(const std::string& model, const Expected (&expected)[N], eval::Compression compression,
                       std::vector<world::TaskKind> tasks)
{
    QTemporaryDir tmp;
    eval::EvalOptions o;
    o.modelDirectory = model;
    o.tasks = std::move(tasks);
    o.casesPerTask = kCases;
    o.seed = 31337; // fresh cases: neither the card's seed nor anything trained on
    o.outDirectory = tmp.path().toStdString();
    o.compression = compression;
    o.sheetCases = 0;
    FloorCheck r;
    const auto report = eval::runEvaluation(o);
    if (!report.ok()) {
        r.failures << QString::fromStdString(report.error().message);
        return r;
    }
    QStringList& failures = r.failures;
    for (const Expected& e : expected) {
        for (const auto& g : report.value().groups) {
            if (g.taskNumber != static_cast<int>(e.task) || g.group != e.group)
                continue;
            ++r.checked;
            if (g.metrics.errors != 0)
                failures << QStringLiteral("%1: %2 failed replies").arg(QString::fromStdString(g.task)).arg(g.metrics.errors);
            if (!g.skipped.empty()) { // e.g. espeak-ng missing: scripts/deps.sh installs it
                failures << QStringLiteral("%1 skipped: %2").arg(QString::fromStdString(g.task),
                                                                  QString::fromStdString(g.skipped));
                continue;
            }
            const double got = value(g.metrics, e.score);
            const double floor = floorFor(e, g.metrics.cases);
            qInfo("%-16s %-4s %.3f (card %.3f, floor %.3f, n %d)", g.task.c_str(), e.group, got, e.card, floor,
                  g.metrics.cases);
            if (got < floor)
                failures << QStringLiteral("%1: %2 < floor %3").arg(QString::fromStdString(g.task)).arg(got).arg(floor);
        }
    }
    return r;
}

} // namespace

class TestQuality : public QObject {
    Q_OBJECT

private slots:
    void shippedModelHoldsItsCardScores()
    {
        const std::string model = Model::defaultModelDirectory();
        if (model.empty())
            QSKIP("no shipped model (resources/models/weft-tiny)");
        const auto r = belowFloors(model, kShipped, eval::Compression::On, {});
        QCOMPARE(r.checked, int(std::size(kShipped)));
        QVERIFY2(r.failures.isEmpty(), qPrintable(r.failures.join(QStringLiteral("; "))));
    }

    // The app leaves example compression off by default, so in-context pairs are guarded
    // that way too.
    void shippedModelFollowsExamplePairsUncompressed()
    {
        const std::string model = Model::defaultModelDirectory();
        if (model.empty())
            QSKIP("no shipped model (resources/models/weft-tiny)");
        const auto r = belowFloors(model, kShippedUncompressed, eval::Compression::Off, {world::TaskKind::InContext});
        QCOMPARE(r.checked, int(std::size(kShippedUncompressed)));
        QVERIFY2(r.failures.isEmpty(), qPrintable(r.failures.join(QStringLiteral("; "))));
    }

    void floorsFollowTheSampleSize()
    {
        const Expected e{world::TaskKind::Count, Score::TextExact, 0.5};
        QVERIFY(floorFor(e, 16) < floorFor(e, 200));
        QVERIFY(floorFor(e, 200) < 0.5);
        QCOMPARE(floorFor({world::TaskKind::Count, Score::TextExact, 0.0}, 16), 0.0);
        const Expected a{world::TaskKind::Generate, Score::Attributes, 0.8};
        QVERIFY(floorFor(a, 16) > floorFor({world::TaskKind::Count, Score::TextExact, 0.8}, 16));
    }
};

QTEST_GUILESS_MAIN(TestQuality)
#include "test_quality.moc"
