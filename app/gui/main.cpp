// weft: multimodal chat and image editing. `weft [options] [FILE...]`: the files (pictures,
// sounds, text) open in a new conversation, attached in the composer and not sent. Options:
//   --model DIR          load this model folder instead of the configured/embedded one
//   --data DIR           keep conversations in DIR instead of the user's data folder
//   --open ID            open this conversation
//   --screenshot FILE    wait for the model (or --screenshot-delay ms), save the window as PNG, quit
//   --prompt TEXT        with --screenshot: send TEXT first and wait for the answer
//   --bench-stall        measure GUI-thread stalls while the engine draws images (ui/stall_probe.h),
//                        print them (and write --bench-json FILE), quit; --bench-replies N,
//                        --bench-threads N (engine threads, 0 = every core)
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QIcon>
#include <QSettings>
#include <QTimer>

#include "ui/app_settings.h"
#include "ui/chat_controller.h"
#include "ui/composer.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/launch_files.h"
#include "ui/main_window.h"
#include "ui/stall_probe.h"
#include "ui/translator.h"

#include <algorithm>
#include <cstdio>

namespace {

int runStallBench(const QString& modelDirectory, const QString& json, int replies, int threads)
{
    weft::ui::StallBenchOptions options;
    options.modelDirectory = modelDirectory;
    options.replies = std::max(1, replies);
    options.threads = std::max(0, threads);
    const weft::ui::StallBenchResult r = weft::ui::runStallBench(options);
    const QByteArray report = weft::ui::stallResultJson(r, options);
    if (!json.isEmpty()) {
        QFile f(json);
        if (!f.open(QIODevice::WriteOnly) || f.write(report) != report.size()) {
            std::fprintf(stderr, "weft --bench-stall: cannot write %s\n", qPrintable(json));
            return 1;
        }
    }
    if (!r.ok) {
        std::fprintf(stderr, "weft --bench-stall: %s\n", qPrintable(r.error));
        return 1;
    }
    std::printf("weft --bench-stall: %s (%s), %d replies (%d images) in %.1f s, engine threads %d\n",
                qPrintable(r.modelName), qPrintable(r.modelHash.left(12)), r.replies, r.images, r.generatingSeconds,
                options.threads);
    std::printf("GUI-thread stall over %d samples: p50 %.2f ms, p99 %.2f ms, longest %.2f ms\n", r.stats.samples,
                r.stats.p50Ms, r.stats.p99Ms, r.stats.maxMs);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("weft"));
    QApplication::setApplicationName(QStringLiteral("weft"));
    QApplication::setApplicationDisplayName(QStringLiteral("Weft"));
    QApplication::setApplicationVersion(QStringLiteral(WEFT_VERSION_STRING));
    // The desktop entry's name without ".desktop": the Wayland app id and the taskbar's icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.weft.Weft"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/weft.png")));

    QSettings settingsStore;
    weft::ui::AppSettings settings = weft::ui::AppSettings::load(settingsStore);
    weft::ui::installTranslation(settings.language);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Multimodal chat and image editing"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption modelOption(QStringLiteral("model"), QCoreApplication::translate("main", "Model folder to load."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QCoreApplication::translate("main", "Folder holding the conversations."), QStringLiteral("DIR"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QCoreApplication::translate("main", "Save the window as a PNG image and quit."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption promptOption(QStringLiteral("prompt"),
                                          QCoreApplication::translate("main", "With --screenshot: send this message first."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption attachOption(QStringLiteral("attach"),
                                          QCoreApplication::translate("main", "With --prompt: attach this file."), QStringLiteral("FILE"));
    const QCommandLineOption benchStallOption(QStringLiteral("bench-stall"),
                                              QCoreApplication::translate("main", "Measure GUI stalls while drawing images, then quit."));
    const QCommandLineOption benchJsonOption(QStringLiteral("bench-json"),
                                             QCoreApplication::translate("main", "With --bench-stall: write the result as JSON."),
                                             QStringLiteral("FILE"));
    const QCommandLineOption benchRepliesOption(QStringLiteral("bench-replies"),
                                                QCoreApplication::translate("main", "With --bench-stall: image requests."),
                                                QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption benchThreadsOption(QStringLiteral("bench-threads"),
                                                QCoreApplication::translate("main", "With --bench-stall: engine threads (0 = every core)."),
                                                QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({modelOption, dataOption, screenshotOption, promptOption, attachOption, benchStallOption,
                       benchJsonOption, benchRepliesOption, benchThreadsOption});
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Pictures, sounds or text files to attach to a new conversation."),
                                 QStringLiteral("[FILE...]"));
    parser.process(app);

    if (parser.isSet(benchStallOption))
        return runStallBench(parser.value(modelOption), parser.value(benchJsonOption),
                             parser.value(benchRepliesOption).toInt(), parser.value(benchThreadsOption).toInt());

    if (parser.isSet(modelOption))
        settings.modelDirectory = parser.value(modelOption);

    weft::ui::ConversationStore store(parser.value(dataOption));
    weft::ui::EngineHost engine;
    weft::ui::MainWindow window(store, engine, settings);
    window.show();
    // Problems with the files are shown by the composer and the status bar.
    weft::ui::openLaunchFiles(window, parser.positionalArguments());
    window.startModelLoad();

    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        const QString prompt = parser.value(promptOption);
        const QStringList attachments = parser.values(attachOption);
        auto shoot = [&window, file] {
            window.grab().save(file, "PNG");
            QApplication::quit();
        };
        QObject::connect(&engine, &weft::ui::EngineHost::modelLoadFailed, &window, [shoot](const QString&) { shoot(); });
        QObject::connect(&engine, &weft::ui::EngineHost::modelLoaded, &window, [&, shoot] {
            if (prompt.isEmpty() && attachments.isEmpty()) {
                QTimer::singleShot(200, &window, shoot);
                return;
            }
            QObject::connect(&window.controller(), &weft::ui::ChatController::replyCompleted, &window,
                             [&window, shoot](bool, qint64) { QTimer::singleShot(300, &window, shoot); });
            window.composer()->addFiles(attachments);
            window.composer()->setText(prompt);
            window.sendAction()->trigger();
        });
        // A screenshot run never hangs: whatever is on screen after two minutes is kept.
        QTimer::singleShot(120000, &window, shoot);
    }
    return app.exec();
}
