#pragma once
// GUI-side owner of the engine thread: creates the EngineWorker in its own QThread, sends it
// requests by queued calls and relays its signals. Every method returns at once; nothing
// here waits on the engine except the destructor, which cancels and joins the thread.
// Use from the GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QThread>

#include "ui/engine_types.h"

namespace weft::ui {

class EngineWorker;

class EngineHost : public QObject {
    Q_OBJECT
public:
    explicit EngineHost(QObject* parent = nullptr);
    ~EngineHost() override;

    /// Starts loading a model in the background (cancelling a load in progress). The loaded
    /// model (isModelLoaded, model()) stays in use until the new one has loaded, and for good
    /// when it fails to load (modelLoadFailed). Replies queued meanwhile run after the load.
    void loadModel(const QString& directory, const QString& device = QStringLiteral("auto"), int threads = 0);
    /// Queues a request; fills in its id and cancel flag and returns the id.
    quint64 reply(ReplyRequest request);
    /// Raises the cancel flag of every queued or running request. Returns immediately.
    void stop();

    bool isModelLoaded() const { return m_loaded; }
    bool isBusy() const { return m_pending > 0; }
    const ModelSummary& model() const { return m_summary; }
    /// The engine thread. For tests and diagnostics: its finished() signal marks the join
    /// that the destructor performs. Do not start, stop or move objects to it.
    const QThread* workerThread() const { return &m_thread; }

signals:
    void loadProgress(double fraction);
    void modelLoaded(const weft::ui::ModelSummary& summary);
    void modelLoadFailed(const QString& message);
    void progress(quint64 id, int phase, int step, int total);
    void textDelta(quint64 id, const QString& delta);
    void imageReady(quint64 id, const QImage& image);
    void replyFinished(const weft::ui::ReplyResult& result);
    void replyFailed(quint64 id, const QString& message, bool cancelled);
    void busyChanged(bool busy);

private:
    void settle();

    QThread m_thread;
    EngineWorker* m_worker = nullptr;
    quint64 m_nextId = 1;
    int m_pending = 0;
    bool m_loaded = false;
    ModelSummary m_summary;
    std::shared_ptr<std::atomic<bool>> m_loadCancel;
    std::vector<std::shared_ptr<std::atomic<bool>>> m_cancelFlags;
};

} // namespace weft::ui
