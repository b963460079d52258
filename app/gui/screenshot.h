#pragma once
// `weft --screenshot FILE [--prompt TEXT] [--attach FILE...]`: the window saved as a PNG once
// the model has loaded (and, with a prompt or attachments, once that message was answered),
// then the application quits. For the README's pictures and release checks. GUI thread only.

#include <QString>
#include <QStringList>

namespace weft::ui {

class EngineHost;
class MainWindow;

struct ScreenshotRequest {
    QString file;            ///< the PNG to write
    QString prompt;          ///< sent through the composer first when not empty
    QStringList attachments; ///< files attached to that message
};

/// Arranges for `window` to be grabbed into `request.file` and QApplication::quit() to be
/// called: 200 ms after `engine` loaded the model when there is nothing to send; otherwise the
/// attachments and prompt are sent through the composer and the grab follows 300 ms after the
/// answer (successful or not). A failed model load is grabbed at once (the window shows why),
/// and after two minutes whatever is on screen is kept, so a run never hangs. Call after
/// MainWindow::startModelLoad and before QApplication::exec; `window` and `engine` must outlive
/// the event loop. A PNG that cannot be written is not reported.
void scheduleScreenshot(MainWindow& window, EngineHost& engine, const ScreenshotRequest& request);

} // namespace weft::ui
