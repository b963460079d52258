#include "app/gui/screenshot.h"

#include <QAction>
#include <QApplication>
#include <QTimer>

#include "ui/chat_controller.h"
#include "ui/composer.h"
#include "ui/engine_host.h"
#include "ui/main_window.h"

namespace weft::ui {

void scheduleScreenshot(MainWindow& window, EngineHost& engine, const ScreenshotRequest& request)
{
    auto shoot = [&window, file = request.file] {
        window.grab().save(file, "PNG");
        QApplication::quit();
    };
    QObject::connect(&engine, &EngineHost::modelLoadFailed, &window, [shoot](const QString&) { shoot(); });
    QObject::connect(&engine, &EngineHost::modelLoaded, &window, [&window, request, shoot] {
        if (request.prompt.isEmpty() && request.attachments.isEmpty()) {
            QTimer::singleShot(200, &window, shoot);
            return;
        }
        QObject::connect(&window.controller(), &ChatController::replyCompleted, &window,
                         [&window, shoot](bool, qint64) { QTimer::singleShot(300, &window, shoot); });
        window.composer()->addFiles(request.attachments);
        window.composer()->setText(request.prompt);
        window.sendAction()->trigger();
    });
    // A screenshot run never hangs: whatever is on screen after two minutes is kept.
    QTimer::singleShot(120000, &window, shoot);
}

} // namespace weft::ui
