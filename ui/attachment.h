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
    double seconds = 0.0; ///< Audio attachments: the clip's duration
};

/// Limits on what can be attached; beyond them files are refused with a message.
struct AttachmentLimits {
    qint64 maxImageBytes = 32LL * 1024 * 1024;
    qint64 maxImagePixels = 40LL * 1000 * 1000;
    qint64 maxAudioBytes = 32LL * 1024 * 1024;
    qint64 maxTextBytes = 64 * 1024;
};

/// Builds an attachment from a file, checking its extension, size and content (the image
/// header; for sounds the magic bytes, then a full decode by the engine, which also gives
/// `seconds` and refuses clips over MediaLimits' 30 s). On failure returns false and a
/// user-facing `error` (translated). Reads the file on the calling thread; files are capped
/// in size.
bool attachmentFromFile(const QString& path, Attachment& out, QString& error, const AttachmentLimits& limits = {});

/// Builds an image attachment from a pasted or dropped image (stored as PNG).
bool attachmentFromImage(const QImage& image, const QString& name, Attachment& out, QString& error,
                         const AttachmentLimits& limits = {});

/// Qt's allocation limit for one decoded image (QImageReader::allocationLimit), in MiB, that
/// matches `limits`: maxImagePixels at 4 bytes per pixel (ARGB32), rounded up; 153 MiB by
/// default, below Qt's own default of 256 MiB.
int imageAllocationLimitMiB(const AttachmentLimits& limits = {});

/// Sets QImageReader's process-wide allocation limit to imageAllocationLimitMiB(limits), so
/// that no Qt image decoder allocates more than the pixel cap allows even when a header lies.
/// Called by every image reader of the UI before reading; cheap. GUI thread.
void applyImageAllocationLimit(const AttachmentLimits& limits = {});

/// Reads an image file for display: refuses files over limits.maxImageBytes (from the file
/// system) or ConversationStore's media cap, whichever is larger, and images over
/// limits.maxImagePixels (from the header) before decoding; Qt's readers first, then the
/// engine's decoder (WebP, which Qt lacks here). Null image when refused or unreadable. GUI thread.
QImage readImageCapped(const QString& path, const AttachmentLimits& limits = {});

/// The duration of a WAV/FLAC/OGG file in seconds, from a full decode by the engine (the
/// header's frame count is only an estimate for some containers), under the attachment
/// limits (maxAudioBytes, 30 s). Negative when the file is unreadable or over a limit; the
/// engine's reason then goes to `error` when given (English). Calling thread; a few ms for a
/// 4 s clip, up to ~100 ms for a 32 MiB file.
double audioFileSeconds(const QString& path, QString* error = nullptr, const AttachmentLimits& limits = {});

/// The file name filter for open dialogs ("Images and sounds (*.png ...)").
QString attachmentFileFilter();

} // namespace weft::ui
