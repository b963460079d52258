#include "ui/launch_files.h"

#include <QCoreApplication>
#include <QUrl>

#include "ui/attachment.h"
#include "ui/chat_controller.h"
#include "ui/composer.h"
#include "ui/main_window.h"

namespace weft::ui {

LaunchFilesResult openLaunchFiles(MainWindow& window, const QStringList& paths)
{
    LaunchFilesResult result;
    if (paths.isEmpty())
        return result;
    QStringList files;
    bool anyUsable = false;
    for (const QString& path : paths) {
        const QUrl url(path);
        const QString file = url.isLocalFile() ? url.toLocalFile() : path;
        files << file;
        Attachment checked;
        QString error;
        if (attachmentFromFile(file, checked, error))
            anyUsable = true;
        else
            result.problems << error;
    }
    Composer* composer = window.composer();
    if (anyUsable) {
        ChatController& controller = window.controller();
        const QString id = controller.hasConversation() && controller.current().tree.isEmpty() ? controller.current().id
                                                                                         : controller.createNew();
        if (id.isEmpty()) {
            // createNew has reported why on the status bar.
            result.problems << QCoreApplication::translate("LaunchFiles",
                                                           "The files could not be opened: no new conversation could be created.");
            return result;
        }
        result.conversationId = id;
    }
    // Adds what can be attached and shows the refusals (with nothing usable, only the refusals).
    result.attached = composer->addFiles(files);
    composer->editor()->setFocus();
    return result;
}

} // namespace weft::ui
