#pragma once
// The only object that calls the engine. It lives in its own QThread (see EngineHost):
// requests arrive as queued slot calls, results leave as signals carrying values, and a
// running reply stops when the request's atomic cancel flag is raised (checked between
// tokens by the engine, and in every callback here).

#include <QObject>

#include <map>
#include <memory>

#include "ui/engine_types.h"
#include "weft/model.h"
#include "weft/session.h"

namespace weft::ui {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

public slots:
    /// Loads a model (blocking this worker thread only). `device`: "auto", "cpu" or "cuda".
    /// Emits loadProgress, then modelLoaded or modelLoadFailed. Replaces the loaded model only
    /// once the new one has loaded; on failure (or cancel) the previous model stays in use.
    void loadModel(const QString& directory, const QString& device, int threads,
                   std::shared_ptr<std::atomic<bool>> cancel);
    /// Answers a request; emits textDelta/progress/imageReady while running, then exactly one
    /// of replyFinished or replyFailed. Without a model it fails with a message.
    void reply(const weft::ui::ReplyRequest& request);

signals:
    void loadProgress(double fraction);
    void modelLoaded(const weft::ui::ModelSummary& summary);
    void modelLoadFailed(const QString& message);
    void progress(quint64 id, int phase, int step, int total);
    void textDelta(quint64 id, const QString& delta);
    void imageReady(quint64 id, const QImage& image);
    void replyFinished(const weft::ui::ReplyResult& result);
    /// `cancelled` is true when the request's cancel flag stopped it.
    void replyFailed(quint64 id, const QString& message, bool cancelled);

private:
    weft::Session& sessionFor(const QString& key);
    QString describe(const weft::Image& image, const std::atomic<bool>* cancel);
    /// Saves the answer's images into request.mediaDir (a retrieved image of the conversation's
    /// folder keeps its source's path instead; `gallery` maps gallery indices to files) and
    /// describes the saved ones. False after emitting replyFailed when a file cannot be written.
    bool storeImages(const ReplyRequest& request, const QStringList& gallery, int conversationImages,
                     ReplyResult& result);

    std::shared_ptr<const weft::Model> m_model;
    int m_threads = 0; ///< intra-op threads the loaded model runs with (recorded in meta)
    std::map<QString, std::unique_ptr<weft::Session>> m_sessions;
};

} // namespace weft::ui
