#include "ui/engine_worker.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>
#include <QUuid>

#include <algorithm>

#include "ui/image_convert.h"
#include "weft/conversation.h"
#include "weft/media.h"

namespace weft::ui {
namespace {

// Each chat keeps a Session (KV cache); a few are enough, more would only hold memory.
constexpr std::size_t kMaxSessions = 8;

// Images that may be retrieved beside the conversation's own; more would only slow every
// answer down (each candidate's key is computed per reply).
constexpr int kMaxGalleryImages = 32;

// True when `path` names an existing file inside `folder` (compared after resolving links).
bool isInsideFolder(const QString& path, const QString& folder)
{
    const QString file = QFileInfo(path).canonicalFilePath();
    const QString root = QFileInfo(folder).canonicalFilePath();
    return !file.isEmpty() && !root.isEmpty() && file.startsWith(root + QLatin1Char('/'));
}

int imageCount(const std::vector<weft::Message>& messages)
{
    int count = 0;
    for (const auto& m : messages)
        for (const auto& s : m.segments)
            count += s.kind == weft::SegmentKind::Image ? 1 : 0;
    return count;
}

// Decodes the gallery's files (the newest kMaxGalleryImages); `decoded` gets the paths that
// could be read, in the order of the returned images. An unreadable file is left out: it
// cannot be retrieved, and the answer should not fail for it.
std::vector<weft::Image> loadGallery(const QStringList& gallery, QStringList& decoded)
{
    std::vector<weft::Image> images;
    for (qsizetype i = std::max<qsizetype>(0, gallery.size() - kMaxGalleryImages); i < gallery.size(); ++i) {
        auto image = weft::loadImageFile(gallery[i].toStdString());
        if (!image.ok())
            continue;
        images.push_back(std::move(image.value()));
        decoded << gallery[i];
    }
    return images;
}

weft::Device parseDevice(const QString& device)
{
    if (device == QLatin1String("cpu"))
        return weft::Device::Cpu;
    if (device == QLatin1String("cuda"))
        return weft::Device::Cuda;
    return weft::Device::Auto;
}

} // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::loadModel(const QString& directory, const QString& device, int threads,
                             std::shared_ptr<std::atomic<bool>> cancel)
{
    // The working model stays until the new one has loaded: a bad folder only costs the
    // error message (both are in memory for the length of the load).
    if (directory.isEmpty()) {
        emit modelLoadFailed(tr("No model folder is set and no embedded model was found."));
        return;
    }
    weft::LoadOptions options;
    options.device = parseDevice(device);
    options.threads = threads;
    options.cancel = cancel.get();
    options.progress = [this, cancel](double fraction) {
        emit loadProgress(fraction);
        return !(cancel && cancel->load());
    };
    auto loaded = weft::Model::load(directory.toStdString(), options);
    if (!loaded.ok()) {
        emit modelLoadFailed(QString::fromStdString(loaded.error().message));
        return;
    }
    m_sessions.clear();
    m_model = loaded.value();
    // 0 asks for every core (weft::LoadOptions::threads).
    m_threads = threads > 0 ? threads : QThread::idealThreadCount();
    const auto& info = m_model->info();
    ModelSummary summary;
    summary.directory = QString::fromStdString(info.directory.empty() ? directory.toStdString() : info.directory);
    summary.name = QString::fromStdString(info.name);
    summary.sha256 = QString::fromStdString(info.sha256);
    summary.device = QString::fromStdString(info.device);
    summary.parameterCount = info.parameterCount;
    summary.imageSize = info.imageSize;
    summary.hasAudio = info.hasAudio;
    emit loadProgress(1.0);
    emit modelLoaded(summary);
}

weft::Session& EngineWorker::sessionFor(const QString& key)
{
    auto it = m_sessions.find(key);
    if (it != m_sessions.end())
        return *it->second;
    if (m_sessions.size() >= kMaxSessions)
        m_sessions.clear();
    return *m_sessions.emplace(key, std::make_unique<weft::Session>(m_model)).first->second;
}

QString EngineWorker::describe(const weft::Image& image, const std::atomic<bool>* cancel)
{
    // A throwaway session so that the caption does not enter the chat's own KV cache.
    weft::Session session(m_model);
    weft::Message question;
    question.role = weft::Role::User;
    question.segments.push_back(weft::Segment::makeImage(image));
    question.segments.push_back(weft::Segment::makeText("describe this image"));
    weft::ReplyOptions options;
    options.maxTextTokens = 40;
    auto answer = session.reply({question}, options, {}, cancel);
    if (!answer.ok())
        return {};
    return QString::fromStdString(answer.value().joinedText()).trimmed();
}

void EngineWorker::reply(const ReplyRequest& request)
{
    const quint64 id = request.id;
    const std::atomic<bool>* cancel = request.cancel.get();
    auto stopped = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    if (stopped()) {
        emit replyFailed(id, tr("Stopped."), true);
        return;
    }
    if (!m_model) {
        emit replyFailed(id, tr("The model is not loaded."), false);
        return;
    }
    weft::Conversation conversation;
    conversation.messages = request.messages;
    auto media = weft::loadConversationMedia(conversation);
    if (!media.ok()) {
        emit replyFailed(id, QString::fromStdString(media.error().message), false);
        return;
    }
    weft::ReplyCallbacks callbacks;
    callbacks.progress = [this, id, &stopped](weft::ReplyPhase phase, int step, int total) {
        emit progress(id, static_cast<int>(phase), step, total);
        return !stopped();
    };
    callbacks.textDelta = [this, id, &stopped](const std::string& delta) {
        emit textDelta(id, QString::fromStdString(delta));
        return !stopped();
    };
    callbacks.imageDone = [this, id, &stopped](const weft::Image& image) {
        emit imageReady(id, toQImage(image));
        return !stopped();
    };
    QStringList gallery;
    weft::Session& session = sessionFor(request.sessionKey);
    session.setGallery(loadGallery(request.gallery, gallery));
    auto answer = session.replyWithNotice(conversation.messages, request.options, callbacks, cancel);
    if (!answer.ok()) {
        const bool cancelled = answer.error().code == weft::ErrorCode::Cancelled || stopped();
        emit replyFailed(id, cancelled ? tr("Stopped.") : QString::fromStdString(answer.error().message), cancelled);
        return;
    }
    ReplyResult result;
    result.id = id;
    result.message = std::move(answer.value().message);
    result.context = answer.value().context;
    // Where it ran, so that Reproduce can say when it runs elsewhere (DESIGN: same output on
    // one machine).
    if (result.message.meta) {
        result.message.meta->device = m_model->info().device;
        result.message.meta->threads = m_threads;
    }
    // A model may stop at once; conversation files require at least one segment per message.
    if (result.message.segments.empty())
        result.message.segments.push_back(weft::Segment::makeText(std::string()));
    if (!storeImages(request, gallery, imageCount(conversation.messages), result))
        return;
    emit replyFinished(result);
}

bool EngineWorker::storeImages(const ReplyRequest& request, const QStringList& gallery, int conversationImages,
                               ReplyResult& result)
{
    const std::atomic<bool>* cancel = request.cancel.get();
    const QString replyText = QString::fromStdString(result.message.joinedText()).trimmed();
    const QString folder = QFileInfo(request.mediaDir).absolutePath();
    QDir().mkpath(request.mediaDir);
    for (std::size_t i = 0; i < result.message.segments.size(); ++i) {
        auto& segment = result.message.segments[i];
        if (segment.kind != weft::SegmentKind::Image || segment.image.empty())
            continue;
        if (segment.retrieved) {
            // The engine knows a conversation image by its path; a gallery image by its index.
            const int galleryIndex = segment.retrievedFrom - conversationImages;
            const QString source = !segment.path.empty() ? QString::fromStdString(segment.path)
                                   : galleryIndex >= 0 && galleryIndex < gallery.size() ? gallery[galleryIndex]
                                                                                        : QString();
            // An image of this chat is referred to, not copied: the chat shows where it came
            // from, and the file holds one copy of it. Its description is its source's.
            if (isInsideFolder(source, folder)) {
                segment.path = QFileInfo(source).absoluteFilePath().toStdString();
                continue;
            }
        }
        // Anything else is saved: a retrieved image from outside this chat's folder too, since
        // conversation files only refer to media inside their own folder.
        const QString path = QDir(request.mediaDir).filePath(
            QStringLiteral("gen-%1.png").arg(QUuid::createUuid().toString(QUuid::Id128).left(12)));
        auto saved = weft::saveImagePng(segment.image, path.toStdString());
        if (!saved.ok()) {
            emit replyFailed(request.id, QString::fromStdString(saved.error().message), false);
            return false;
        }
        segment.path = path.toStdString();
        QString alt = replyText;
        if (alt.isEmpty() && request.describeImages && !(cancel && cancel->load()))
            alt = describe(segment.image, cancel);
        // Every generated image has alt text, also when the caption comes back empty.
        if (alt.isEmpty())
            alt = tr("Picture drawn by %1, without a description").arg(QString::fromStdString(m_model->info().name));
        result.altTexts.insert(static_cast<int>(i), alt);
    }
    return true;
}

} // namespace weft::ui
