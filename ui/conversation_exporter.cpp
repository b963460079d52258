#include "ui/conversation_exporter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "weft/conversation.h"

namespace weft::ui {
namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

QString mimeFor(const QString& path)
{
    const QString s = QFileInfo(path).suffix().toLower();
    if (s == QLatin1String("jpg") || s == QLatin1String("jpeg"))
        return QStringLiteral("image/jpeg");
    if (s == QLatin1String("webp"))
        return QStringLiteral("image/webp");
    if (s == QLatin1String("bmp"))
        return QStringLiteral("image/bmp");
    if (s == QLatin1String("wav"))
        return QStringLiteral("audio/wav");
    if (s == QLatin1String("flac"))
        return QStringLiteral("audio/flac");
    if (s == QLatin1String("ogg"))
        return QStringLiteral("audio/ogg");
    return QStringLiteral("image/png");
}

} // namespace

bool exportFolder(const StoredConversation& conversation, const QString& targetDir, QString* error)
{
    QDir target(targetDir);
    if (!target.mkpath(QStringLiteral("media"))) {
        setError(error, QStringLiteral("%1: cannot create folder").arg(targetDir));
        return false;
    }
    weft::Conversation out;
    out.title = conversation.title.toStdString();
    out.messages = conversation.tree.activeMessages();
    for (auto& message : out.messages) {
        for (auto& segment : message.segments) {
            if (segment.kind == weft::SegmentKind::Text || segment.path.empty())
                continue;
            const QString source = QString::fromStdString(segment.path);
            const QString copy = target.filePath(QStringLiteral("media/") + QFileInfo(source).fileName());
            QFile::remove(copy);
            if (!QFile::copy(source, copy)) {
                setError(error, QStringLiteral("%1: cannot copy to %2").arg(source, copy));
                return false;
            }
            segment.path = QFileInfo(copy).absoluteFilePath().toStdString();
        }
    }
    const QString absolute = QFileInfo(targetDir).absoluteFilePath();
    auto json = weft::serializeConversation(out, absolute.toStdString());
    if (!json.ok()) {
        setError(error, QString::fromStdString(json.error().message));
        return false;
    }
    auto written = weft::writeFileAtomic(target.filePath(QStringLiteral("conversation.json")).toStdString(), json.value());
    if (!written.ok()) {
        setError(error, QString::fromStdString(written.error().message));
        return false;
    }
    return true;
}

bool exportHtml(const StoredConversation& conversation, const QString& filePath, QString* error)
{
    const QString title = conversation.title.isEmpty() ? QStringLiteral("Weft") : conversation.title;
    QString html = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>\n"
                                  "<style>body{font-family:sans-serif;max-width:48em;margin:auto}"
                                  ".m{border:1px solid #ccc;border-radius:6px;padding:8px;margin:10px 0}"
                                  ".user{background:#f3f5f8}img{image-rendering:pixelated;width:256px;display:block;margin:4px 0}"
                                  ".meta{color:#777;font-size:small}</style></head><body>\n<h1>%1</h1>\n")
                       .arg(title.toHtmlEscaped());
    const auto& tree = conversation.tree;
    for (int id : tree.activePath()) {
        const auto& node = tree.node(id);
        const bool user = node.message.role == weft::Role::User;
        html += QStringLiteral("<div class=\"m %1\"><b>%2</b>\n").arg(user ? QStringLiteral("user") : QStringLiteral("assistant"),
                                                                       user ? QStringLiteral("User") : QStringLiteral("Weft"));
        for (std::size_t i = 0; i < node.message.segments.size(); ++i) {
            const auto& s = node.message.segments[i];
            if (s.kind == weft::SegmentKind::Text) {
                html += QStringLiteral("<p>%1</p>\n").arg(QString::fromStdString(s.text).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
                continue;
            }
            const QString path = QString::fromStdString(s.path);
            QFile media(path);
            if (!media.open(QIODevice::ReadOnly)) {
                setError(error, QStringLiteral("%1: %2").arg(path, media.errorString()));
                return false;
            }
            const QString data = QStringLiteral("data:%1;base64,%2").arg(mimeFor(path), QString::fromLatin1(media.readAll().toBase64()));
            if (s.kind == weft::SegmentKind::Image) {
                auto alt = node.altTexts.find(static_cast<int>(i));
                html += QStringLiteral("<img src=\"%1\" alt=\"%2\">\n").arg(data, alt == node.altTexts.end() ? QString() : alt->second.toHtmlEscaped());
            } else {
                html += QStringLiteral("<audio controls src=\"%1\"></audio>\n").arg(data);
            }
        }
        if (node.message.meta) {
            html += QStringLiteral("<div class=\"meta\">%1 · seed %2 · %3 s</div>\n")
                        .arg(QString::fromStdString(node.message.meta->modelId).toHtmlEscaped())
                        .arg(node.message.meta->seed).arg(node.message.meta->seconds, 0, 'f', 2);
        }
        html += QStringLiteral("</div>\n");
    }
    html += QStringLiteral("</body></html>\n");
    QSaveFile file(filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(html.toUtf8()) < 0 || !file.commit()) {
        setError(error, QStringLiteral("%1: %2").arg(filePath, file.errorString()));
        return false;
    }
    return true;
}

} // namespace weft::ui
