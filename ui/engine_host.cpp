#include "ui/engine_host.h"

#include <QMetaObject>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "ui/engine_worker.h"

namespace weft::ui {

EngineHost::EngineHost(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<weft::ui::ReplyRequest>();
    qRegisterMetaType<weft::ui::ModelSummary>();
    qRegisterMetaType<weft::ui::ReplyResult>();
    m_thread.setObjectName(QStringLiteral("weft-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineHost::loadProgress);
    connect(m_worker, &EngineWorker::modelLoaded, this, [this](const ModelSummary& summary) {
        m_loaded = true;
        m_summary = summary;
        emit modelLoaded(summary);
    });
    connect(m_worker, &EngineWorker::modelLoadFailed, this, [this](const QString& message) {
        // The worker kept the previous model (if any): m_loaded and m_summary still describe it.
        emit modelLoadFailed(message);
    });
    connect(m_worker, &EngineWorker::progress, this, &EngineHost::progress);
    connect(m_worker, &EngineWorker::textDelta, this, &EngineHost::textDelta);
    connect(m_worker, &EngineWorker::imageReady, this, &EngineHost::imageReady);
    connect(m_worker, &EngineWorker::replyFinished, this, [this](const ReplyResult& result) {
        settle();
        emit replyFinished(result);
    });
    connect(m_worker, &EngineWorker::replyFailed, this, [this](quint64 id, const QString& message, bool cancelled) {
        settle();
        emit replyFailed(id, message, cancelled);
    });
    m_thread.start();
    // The engine thread (and the math threads it starts, which inherit it) runs at a lower
    // priority than the GUI thread, so that on a busy machine the window keeps responding.
    QMetaObject::invokeMethod(m_worker, [] {
#ifdef Q_OS_LINUX
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
    }, Qt::QueuedConnection);
}

EngineHost::~EngineHost()
{
    // Shutting down is the one place that waits: cancel everything so the wait is short.
    stop();
    if (m_loadCancel)
        m_loadCancel->store(true);
    m_thread.quit();
    m_thread.wait();
}

void EngineHost::loadModel(const QString& directory, const QString& device, int threads)
{
    if (m_loadCancel)
        m_loadCancel->store(true);
    m_loadCancel = std::make_shared<std::atomic<bool>>(false);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, directory, device, threads, cancel = m_loadCancel] {
        worker->loadModel(directory, device, threads, cancel);
    }, Qt::QueuedConnection);
}

quint64 EngineHost::reply(ReplyRequest request)
{
    request.id = m_nextId++;
    request.cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancelFlags.push_back(request.cancel);
    if (m_pending++ == 0)
        emit busyChanged(true);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, request] { worker->reply(request); },
                              Qt::QueuedConnection);
    return request.id;
}

void EngineHost::stop()
{
    for (const auto& flag : m_cancelFlags)
        flag->store(true);
}

void EngineHost::settle()
{
    if (m_pending > 0 && --m_pending == 0) {
        m_cancelFlags.clear();
        emit busyChanged(false);
    }
}

} // namespace weft::ui
