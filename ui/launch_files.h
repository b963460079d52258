#pragma once
// Files named on the command line (`weft picture.png rain.wav`, the desktop entry's
// `Exec=weft %F`): they open in a new conversation, attached in the composer and not sent.
// GUI thread only.

#include <QString>
#include <QStringList>

namespace weft::ui {

class MainWindow;

/// What openLaunchFiles did.
struct LaunchFilesResult {
    QString conversationId; ///< the conversation now open with the files; empty when none was opened
    int attached = 0;       ///< how many files were added to the composer
    QStringList problems;   ///< one translated message per file that was not attached
};

/// Attaches `paths` (pictures, sounds or text files; local paths or file:// URLs, relative
/// paths against the working directory) to `window`'s composer without sending them. The open
/// conversation is used when it has no messages yet; otherwise a new one is created first.
/// A missing, unreadable, oversized or unsupported file is not attached: its message goes to
/// `problems` and is shown by the composer and the status bar. When no file can be attached,
/// or no conversation can be created, nothing is opened (conversationId stays empty) and the
/// messages are shown all the same. An empty `paths` does nothing. Never throws.
LaunchFilesResult openLaunchFiles(MainWindow& window, const QStringList& paths);

} // namespace weft::ui
