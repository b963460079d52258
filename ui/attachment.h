#pragma once
// Files the user adds to a message before sending: validated, typed, with a thumbnail.

#include <QByteArray>
#include <QImage>
#include <QString>

namespace weft::ui {

struct Attachment {
    enum class Kind { Image, Audio, Text };
    Kind kind = Kind::Image;
    QString name;        ///< shown under the thumbnail
    QString sourcePath;  ///< a file on disk, or empty for pasted data
    QByteArray bytes;    ///< pasted data (PNG-encoded image) when sourcePath is empty
    QString text;        ///< Text attachments: the file's contents
    QImage thumbnail;    ///< Image attachments: a small preview
};

/// Limits on what can be attached; beyond them files are refused with a message.
struct AttachmentLimits {
    qint64 maxImageBytes = 32LL * 1024 * 1024;
    qint64 maxImagePixels = 40LL * 1000 * 1000;
    qint64 maxAudioBytes = 32LL * 1024 * 1024;
    qint64 maxTextBytes = 64 * 1024;
};

/// Builds an attachment from a file, checking its extension, size and content (the image
/// header or audio magic bytes). On failure returns false and a user-facing `error`
/// (translated). Reads the file on the calling thread; files are capped in size.
bool attachmentFromFile(const QString& path, Attachment& out, QString& error, const AttachmentLimits& limits = {});

/// Builds an image attachment from a pasted or dropped image (stored as PNG).
bool attachmentFromImage(const QImage& image, const QString& name, Attachment& out, QString& error,
                         const AttachmentLimits& limits = {});

/// The file name filter for open dialogs ("Images and sounds (*.png ...)").
QString attachmentFileFilter();

} // namespace weft::ui
