#include "app/gui/stall_probe.h"

#include <QAction>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ui/app_settings.h"
#include "ui/chat_controller.h"
#include "ui/composer.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/main_window.h"

namespace weft::ui {
namespace {

// Drawing requests in the wording of Shapes World's generate task ("draw " + caption), so a
// trained model answers each with an image.
const char* const kPrompts[] = {
    "draw a red circle at the top left",
    "draw a big blue square in the center",
    "draw a green triangle at the bottom right and a yellow star on the left",
    "draw a small purple heart on the right",
};

double nearestRank(const std::vector<double>& sorted, double fraction)
{
    const auto n = sorted.size();
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
    return sorted[std::min(n, std::max<std::size_t>(rank, 1)) - 1];
}

// Spins the event loop until `done` or the deadline; false on timeout.
template <typename Done>
bool spinUntil(const Done& done, const QElapsedTimer& clock, qint64 deadlineMs)
{
    while (!done()) {
        if (clock.elapsed() > deadlineMs) return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

} // namespace

StallProbe::StallProbe(int intervalMs, QObject* parent) : QObject(parent), m_intervalMs(std::max(1, intervalMs))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start()
{
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_timer.start();
}

void StallProbe::stop()
{
    m_timer.stop();
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double gapMs = static_cast<double>(now - m_lastNs) / 1e6;
    m_lastNs = now;
    m_stallsMs.push_back(std::max(0.0, gapMs - m_intervalMs));
}

StallStats summarizeStalls(std::vector<double> stallsMs)
{
    StallStats s;
    if (stallsMs.empty()) return s;
    std::sort(stallsMs.begin(), stallsMs.end());
    s.samples = static_cast<int>(stallsMs.size());
    s.p50Ms = nearestRank(stallsMs, 0.50);
    s.p99Ms = nearestRank(stallsMs, 0.99);
    s.maxMs = stallsMs.back();
    s.meanMs = std::accumulate(stallsMs.begin(), stallsMs.end(), 0.0) / static_cast<double>(stallsMs.size());
    return s;
}

StallBenchResult runStallBench(const StallBenchOptions& options)
{
    StallBenchResult result;
    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        result.error = QStringLiteral("cannot create a temporary conversation folder");
        return result;
    }
    AppSettings settings;
    settings.modelDirectory = options.modelDirectory;
    settings.device = QStringLiteral("cpu");
    settings.threads = options.threads;
    settings.guidanceScale = options.guidanceScale;

    QElapsedTimer clock;
    clock.start();
    ConversationStore store(tmp.filePath(QStringLiteral("conversations")));
    EngineHost engine;
    MainWindow window(store, engine, settings);
    window.show();

    bool loaded = false;
    QString failure;
    QObject::connect(&engine, &EngineHost::modelLoaded, &window, [&] { loaded = true; });
    QObject::connect(&engine, &EngineHost::modelLoadFailed, &window, [&](const QString& m) { failure = m; });
    window.startModelLoad();
    if (!spinUntil([&] { return loaded || !failure.isEmpty(); }, clock, options.timeoutMs)) {
        result.error = QStringLiteral("the model did not load in time");
        return result;
    }
    if (!failure.isEmpty()) {
        result.error = QStringLiteral("model load failed: ") + failure;
        return result;
    }
    result.modelName = engine.model().name;
    result.modelHash = engine.model().sha256;

    int completed = 0, failed = 0;
    QObject::connect(&window.controller(), &ChatController::replyCompleted, &window, [&](bool ok, qint64) {
        ++(ok ? completed : failed);
    });
    QObject::connect(&engine, &EngineHost::imageReady, &window, [&](quint64, const QImage&) { ++result.images; });

    StallProbe probe(options.probeIntervalMs);
    QElapsedTimer generating;
    generating.start();
    probe.start();
    for (int i = 0; i < options.replies; ++i) {
        window.composer()->setText(QString::fromUtf8(kPrompts[static_cast<std::size_t>(i) % std::size(kPrompts)]));
        window.sendAction()->trigger();
        if (!spinUntil([&] { return completed + failed > i; }, clock, options.timeoutMs)) {
            result.error = QStringLiteral("reply %1 did not finish in time").arg(i + 1);
            break;
        }
        if (failed > 0) {
            result.error = QStringLiteral("reply %1 failed: %2").arg(i + 1).arg(window.controller().notice());
            break;
        }
    }
    probe.stop();
    result.generatingSeconds = static_cast<double>(generating.elapsed()) / 1000.0;
    result.replies = completed;
    result.stats = summarizeStalls(probe.stallsMs());
    window.controller().flushSaves();
    result.ok = result.error.isEmpty();
    return result;
}

QByteArray stallResultJson(const StallBenchResult& result, const StallBenchOptions& options)
{
    QJsonObject o{{QStringLiteral("ok"), result.ok},
                  {QStringLiteral("error"), result.error},
                  {QStringLiteral("model_name"), result.modelName},
                  {QStringLiteral("model_sha256"), result.modelHash},
                  {QStringLiteral("threads"), options.threads},
                  {QStringLiteral("guidance_scale"), options.guidanceScale},
                  {QStringLiteral("probe_interval_ms"), options.probeIntervalMs},
                  {QStringLiteral("replies"), result.replies},
                  {QStringLiteral("images"), result.images},
                  {QStringLiteral("generating_seconds"), result.generatingSeconds},
                  {QStringLiteral("stall_samples"), result.stats.samples},
                  {QStringLiteral("stall_p50_ms"), result.stats.p50Ms},
                  {QStringLiteral("stall_p99_ms"), result.stats.p99Ms},
                  {QStringLiteral("stall_max_ms"), result.stats.maxMs},
                  {QStringLiteral("stall_mean_ms"), result.stats.meanMs}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

} // namespace weft::ui
