#pragma once
// Writes conversation snapshots on a background thread, in the order they were queued, so
// that the GUI thread never waits on fsync (tens of milliseconds on a busy disk). Each job
// is an atomic write of both files (ConversationStore::write), so a kill at any moment
// still leaves the last good copy.

#include <QObject>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "ui/conversation_store.h"

namespace weft::ui {

class ConversationWriter : public QObject {
    Q_OBJECT
public:
    explicit ConversationWriter(QObject* parent = nullptr);
    /// Writes every queued job, then stops the thread (blocks until the disk is done).
    ~ConversationWriter() override;

    /// Queues a snapshot; returns at once. Thread-safe.
    void enqueue(SaveJob job);
    /// Blocks until every job queued so far is written. Meant for tests and for reading a
    /// conversation back from disk right after saving it.
    void flush();

signals:
    /// Emitted from the writer thread after each job (connect with the default, queued,
    /// connection to handle it on the GUI thread).
    void written(const QString& id, bool ok, const QString& error);

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<SaveJob> m_queue;
    bool m_writing = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace weft::ui
