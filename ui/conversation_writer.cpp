#include "ui/conversation_writer.h"

namespace weft::ui {

ConversationWriter::ConversationWriter(QObject* parent) : QObject(parent), m_thread([this] { run(); }) {}

ConversationWriter::~ConversationWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ConversationWriter::enqueue(SaveJob job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void ConversationWriter::flush()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && !m_writing; });
}

void ConversationWriter::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        // Stopping only once the queue is empty: nothing the user made is dropped at exit.
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty())
            return;
        SaveJob job = std::move(m_queue.front());
        m_queue.pop_front();
        m_writing = true;
        lock.unlock();
        QString error;
        const bool ok = ConversationStore::write(job, &error);
        emit written(job.id, ok, error);
        lock.lock();
        m_writing = false;
        if (m_queue.empty())
            m_idle.notify_all();
    }
}

} // namespace weft::ui
