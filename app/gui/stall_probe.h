#pragma once
// GUI responsiveness while the engine works: an event-loop latency probe for the GUI thread
// and the benchmark behind `weft --bench-stall` and the stall test, which drives the real
// main window and the real engine worker thread through image replies. GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <vector>

namespace weft::ui {

/// Asks the GUI thread's event loop to run a precise timer every `intervalMs` and records,
/// at each run, how much later than the interval it came: the time the loop spent on other
/// work (painting, signal handlers, image conversion) in one stretch, i.e. how long a click
/// or a repaint would have waited. Samples in milliseconds, >= 0.
class StallProbe : public QObject {
    Q_OBJECT
public:
    explicit StallProbe(int intervalMs = 2, QObject* parent = nullptr);

    /// Starts (or restarts) sampling; earlier samples are kept.
    void start();
    void stop();
    void clear() { m_stallsMs.clear(); }
    const std::vector<double>& stallsMs() const { return m_stallsMs; }

private:
    void tick();

    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = -1;
    std::vector<double> m_stallsMs;
};

/// Order statistics of stall samples (nearest-rank percentiles; zeros when empty).
struct StallStats {
    int samples = 0;
    double p50Ms = 0.0;
    double p99Ms = 0.0;
    double maxMs = 0.0;
    double meanMs = 0.0;
};
StallStats summarizeStalls(std::vector<double> stallsMs);

struct StallBenchOptions {
    QString modelDirectory;      ///< empty: the embedded model (Model::defaultModelDirectory)
    int threads = 0;             ///< engine threads as in AppSettings (0: every core)
    int replies = 8;             ///< image requests sent one after another
    double guidanceScale = 2.0;  ///< the app's default (guidance on: two streams per token)
    int probeIntervalMs = 2;
    int timeoutMs = 300000;      ///< for loading plus every reply
};

struct StallBenchResult {
    bool ok = false;
    QString error;               ///< why the run failed (model not loadable, reply failed, timeout)
    StallStats stats;            ///< probe samples from the first send to the last answer shown
    int replies = 0;             ///< replies completed
    int images = 0;              ///< of those, answers that were an image
    double generatingSeconds = 0.0;
    QString modelName;
    QString modelHash;
};

/// Opens a MainWindow on a temporary conversation folder with the app's default settings
/// (seed policy random, `options.threads`, `options.guidanceScale`), loads the model and
/// waits for it, then sends `replies` Shapes World drawing requests through the composer,
/// each after the previous answer arrived, while a StallProbe samples the GUI thread.
/// Blocking: spins the event loop; needs a QApplication. Never throws.
StallBenchResult runStallBench(const StallBenchOptions& options);

/// The result as a JSON object (stall_p50_ms, stall_p99_ms, stall_max_ms, ...).
QByteArray stallResultJson(const StallBenchResult& result, const StallBenchOptions& options);

} // namespace weft::ui
