#include "ui/attachment.h"

#include <algorithm>

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>

#include "ui/conversation_store.h"
#include "ui/image_convert.h"
#include "weft/audio.h"
#include "weft/media.h"

namespace weft::ui {
namespace {

const QStringList kImageSuffixes{QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
                                 QStringLiteral("webp"), QStringLiteral("bmp")};
const QStringList kAudioSuffixes{QStringLiteral("wav"), QStringLiteral("flac"), QStringLiteral("ogg")};
const QStringList kTextSuffixes{QStringLiteral("txt"), QStringLiteral("md"), QStringLiteral("text")};
constexpr int kThumbnailSide = 96;

QImage makeThumbnail(const QImage& image)
{
    return image.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio,
                        std::max(image.width(), image.height()) < kThumbnailSide ? Qt::FastTransformation
                                                                                 : Qt::SmoothTransformation);
}

bool audioMagicMatches(const QByteArray& head, const QString& suffix)
{
    if (suffix == QLatin1String("wav"))
        return head.startsWith("RIFF") && head.mid(8, 4) == "WAVE";
    if (suffix == QLatin1String("flac"))
        return head.startsWith("fLaC");
    return head.startsWith("OggS");
}

weft::MediaLimits engineLimits(qint64 maxBytes, qint64 maxPixels)
{
    weft::MediaLimits mediaLimits;
    mediaLimits.maxFileBytes = maxBytes;
    mediaLimits.maxPixels = maxPixels;
    return mediaLimits;
}

} // namespace

int imageAllocationLimitMiB(const AttachmentLimits& limits)
{
    constexpr qint64 kMiB = 1024 * 1024;
    return static_cast<int>((limits.maxImagePixels * 4 + kMiB - 1) / kMiB);
}

void applyImageAllocationLimit(const AttachmentLimits& limits)
{
    QImageReader::setAllocationLimit(imageAllocationLimitMiB(limits));
}

namespace {

// Decodes with Qt under the allocation cap, falling back to the engine's decoder (Qt has no
// WebP reader here; the engine's decoder is the one used for replies). An image whose header
// announces more than maxImagePixels is refused before decoding; its size goes to `oversize`.
QImage decodeWithinCaps(const QString& path, qint64 maxBytes, const AttachmentLimits& limits, QSize* oversize)
{
    applyImageAllocationLimit(limits);
    QImageReader reader(path);
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > limits.maxImagePixels) {
        if (oversize)
            *oversize = size;
        return {};
    }
    QImage image = reader.read();
    if (image.isNull()) {
        auto decoded = weft::loadImageFile(path.toStdString(), engineLimits(maxBytes, limits.maxImagePixels));
        if (decoded.ok())
            image = toQImage(decoded.value());
    }
    return image;
}

} // namespace

QImage readImageCapped(const QString& path, const AttachmentLimits& limits)
{
    const qint64 maxBytes = std::max(limits.maxImageBytes, ConversationStore::kMaxMediaBytes);
    const QFileInfo info(path);
    if (!info.isFile() || info.size() > maxBytes)
        return {};
    return decodeWithinCaps(path, maxBytes, limits, nullptr);
}

bool attachmentFromFile(const QString& path, Attachment& out, QString& error, const AttachmentLimits& limits)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    out = Attachment();
    out.name = info.fileName();
    out.sourcePath = info.absoluteFilePath();
    if (!info.isFile()) {
        error = QCoreApplication::translate("Attachment", "%1 is not a file.").arg(info.fileName());
        return false;
    }
    if (kImageSuffixes.contains(suffix)) {
        out.kind = Attachment::Kind::Image;
        if (info.size() > limits.maxImageBytes) {
            error = QCoreApplication::translate("Attachment", "%1 is too large (%2 MiB; the limit is %3 MiB).")
                        .arg(info.fileName()).arg(info.size() / (1024.0 * 1024.0), 0, 'f', 1)
                        .arg(limits.maxImageBytes / (1024 * 1024));
            return false;
        }
        QSize size;
        const QImage image = decodeWithinCaps(path, limits.maxImageBytes, limits, &size);
        if (size.isValid()) {
            error = QCoreApplication::translate("Attachment", "%1 has too many pixels (%2 x %3).").arg(info.fileName()).arg(size.width()).arg(size.height());
            return false;
        }
        if (image.isNull()) {
            error = QCoreApplication::translate("Attachment", "%1 is not a readable image.").arg(info.fileName());
            return false;
        }
        out.thumbnail = makeThumbnail(image);
        return true;
    }
    if (kAudioSuffixes.contains(suffix)) {
        out.kind = Attachment::Kind::Audio;
        if (info.size() > limits.maxAudioBytes) {
            error = QCoreApplication::translate("Attachment", "%1 is too large (%2 MiB; the limit is %3 MiB).")
                        .arg(info.fileName()).arg(info.size() / (1024.0 * 1024.0), 0, 'f', 1)
                        .arg(limits.maxAudioBytes / (1024 * 1024));
            return false;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly) || !audioMagicMatches(file.read(12), suffix)) {
            error = QCoreApplication::translate("Attachment", "%1 is not a readable sound file.").arg(info.fileName());
            return false;
        }
        file.close();
        // Decoding now refuses a damaged or over-long clip while the user still has the
        // file at hand, instead of failing the reply later.
        QString reason;
        out.seconds = audioFileSeconds(path, &reason, limits);
        if (out.seconds < 0) {
            error = QCoreApplication::translate("Attachment", "%1 cannot be used as a sound: %2").arg(info.fileName(), reason);
            return false;
        }
        return true;
    }
    if (kTextSuffixes.contains(suffix)) {
        out.kind = Attachment::Kind::Text;
        if (info.size() > limits.maxTextBytes) {
            error = QCoreApplication::translate("Attachment", "%1 is too large (the limit for text is %2 KiB).")
                        .arg(info.fileName()).arg(limits.maxTextBytes / 1024);
            return false;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            error = QCoreApplication::translate("Attachment", "%1 cannot be read.").arg(info.fileName());
            return false;
        }
        out.text = QString::fromUtf8(file.readAll());
        return true;
    }
    error = QCoreApplication::translate("Attachment", "%1: unsupported file type. Weft accepts PNG, JPEG, WebP, BMP, WAV, FLAC, OGG and text files.")
                .arg(info.fileName());
    return false;
}

bool attachmentFromImage(const QImage& image, const QString& name, Attachment& out, QString& error,
                         const AttachmentLimits& limits)
{
    out = Attachment();
    if (image.isNull()) {
        error = QCoreApplication::translate("Attachment", "The clipboard holds no readable image.");
        return false;
    }
    if (qint64(image.width()) * image.height() > limits.maxImagePixels) {
        error = QCoreApplication::translate("Attachment", "The image has too many pixels (%1 x %2).").arg(image.width()).arg(image.height());
        return false;
    }
    out.kind = Attachment::Kind::Image;
    out.name = name;
    QBuffer buffer(&out.bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    out.thumbnail = makeThumbnail(image);
    return true;
}

double audioFileSeconds(const QString& path, QString* error, const AttachmentLimits& limits)
{
    weft::MediaLimits mediaLimits;
    mediaLimits.maxFileBytes = limits.maxAudioBytes;
    auto clip = weft::loadAudioFile(path.toStdString(), mediaLimits);
    if (!clip.ok()) {
        if (error)
            *error = QString::fromStdString(clip.error().message);
        return -1.0;
    }
    const auto& value = clip.value();
    return value.sampleRate > 0 ? double(value.samples.size()) / value.sampleRate : -1.0;
}

QString attachmentFileFilter()
{
    return QCoreApplication::translate("Attachment", "Images, sounds and text (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)");
}

} // namespace weft::ui
