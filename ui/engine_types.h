#pragma once
// Values that travel between the GUI thread and the engine worker in queued signals.

#include <QImage>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

#include "weft/message.h"
#include "weft/session.h"

namespace weft::ui {

/// One request for an answer. `cancel` is shared with the GUI thread, which raises it to stop.
struct ReplyRequest {
    quint64 id = 0;
    QString sessionKey;                    ///< conversation id; keeps one engine Session per chat
    std::vector<weft::Message> messages;   ///< the active path; the last one is the user's turn
    weft::ReplyOptions options;
    QString mediaDir;                      ///< generated images are written here as PNG
    /// Image files outside `messages` that retrieval may also return (the conversation's other
    /// branches; see galleryPaths), decoded by the worker for Session::setGallery.
    QStringList gallery;
    bool describeImages = true;            ///< caption generated images for alt text
    std::shared_ptr<std::atomic<bool>> cancel;
};

/// What the GUI shows about the loaded model.
struct ModelSummary {
    QString directory;
    QString name;
    QString sha256;
    QString device;
    qint64 parameterCount = 0;
    int imageSize = 0;
    bool hasAudio = false; ///< the model reads audio segments (config audio.enabled)
};

/// The finished answer: the message (generated images saved, paths set; a retrieved image
/// that lies in the conversation's folder keeps the path of its source instead of a copy),
/// alt texts keyed by segment index, and what the context-overflow policy left out.
struct ReplyResult {
    quint64 id = 0;
    weft::Message message;
    QMap<int, QString> altTexts;
    weft::ContextNotice context; ///< what the engine left out to fit the model's context
};

} // namespace weft::ui

Q_DECLARE_METATYPE(weft::ui::ReplyRequest)
Q_DECLARE_METATYPE(weft::ui::ModelSummary)
Q_DECLARE_METATYPE(weft::ui::ReplyResult)
