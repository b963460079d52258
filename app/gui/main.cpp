// weft: multimodal chat and image editing. `weft [options] [FILE...]`: the files (pictures,
// sounds, text) open in a new conversation, attached in the composer and not sent. Options:
//   --model DIR          load this model folder instead of the configured/embedded one
//   --data DIR           keep conversations in DIR instead of the user's data folder
//   --open ID            open this conversation
//   --screenshot FILE    wait for the model (or --screenshot-delay ms), save the window as PNG, quit
//   --prompt TEXT        with --screenshot: send TEXT first and wait for the answer
//   --bench-stall        measure GUI-thread stalls while the engine draws images (app/gui/stall_probe.h),
//                        print them (and write --bench-json FILE), quit; --bench-replies N,
//                        --bench-threads N (engine threads, 0 = every core)
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QIcon>
#include <QSettings>

#include "app/gui/screenshot.h"
#include "app/gui/stall_probe.h"
#include "ui/app_settings.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/launch_files.h"
#include "ui/main_window.h"
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

// The application's names, version and icon, as the desktop and QSettings see them.
void describeApplication()
{
    QApplication::setOrganizationName(QStringLiteral("weft"));
    QApplication::setApplicationName(QStringLiteral("weft"));
    QApplication::setApplicationDisplayName(QStringLiteral("Weft"));
    QApplication::setApplicationVersion(QStringLiteral(WEFT_VERSION_STRING));
    // The desktop entry's name without ".desktop": the Wayland app id and the taskbar's icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.weft.Weft"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/weft.png")));
}

// The command line's options. Made after the translation is installed: --help is translated.
struct Options {
    QCommandLineOption model{QStringLiteral("model"), QCoreApplication::translate("main", "Model folder to load."),
                             QStringLiteral("DIR")};
    QCommandLineOption data{QStringLiteral("data"), QCoreApplication::translate("main", "Folder holding the conversations."),
                            QStringLiteral("DIR")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save the window as a PNG image and quit."),
                                  QStringLiteral("FILE")};
    QCommandLineOption prompt{QStringLiteral("prompt"),
                              QCoreApplication::translate("main", "With --screenshot: send this message first."),
                              QStringLiteral("TEXT")};
    QCommandLineOption attach{QStringLiteral("attach"), QCoreApplication::translate("main", "With --prompt: attach this file."),
                              QStringLiteral("FILE")};
    QCommandLineOption benchStall{QStringLiteral("bench-stall"),
                                  QCoreApplication::translate("main", "Measure GUI stalls while drawing images, then quit.")};
    QCommandLineOption benchJson{QStringLiteral("bench-json"),
                                 QCoreApplication::translate("main", "With --bench-stall: write the result as JSON."),
                                 QStringLiteral("FILE")};
    QCommandLineOption benchReplies{QStringLiteral("bench-replies"),
                                    QCoreApplication::translate("main", "With --bench-stall: image requests."),
                                    QStringLiteral("N"), QStringLiteral("8")};
    QCommandLineOption benchThreads{QStringLiteral("bench-threads"),
                                    QCoreApplication::translate("main", "With --bench-stall: engine threads (0 = every core)."),
                                    QStringLiteral("N"), QStringLiteral("0")};
};

// Parses the command line into `parser`; --help and --version print and exit here.
void parseCommandLine(QCommandLineParser& parser, const Options& o, const QApplication& app)
{
    parser.setApplicationDescription(QCoreApplication::translate("main", "Multimodal chat and image editing"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({o.model, o.data, o.screenshot, o.prompt, o.attach, o.benchStall, o.benchJson, o.benchReplies,
                       o.benchThreads});
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Pictures, sounds or text files to attach to a new conversation."),
                                 QStringLiteral("[FILE...]"));
    parser.process(app);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    describeApplication();
    QSettings settingsStore;
    weft::ui::AppSettings settings = weft::ui::AppSettings::load(settingsStore);
    weft::ui::installTranslation(settings.language);

    QCommandLineParser parser;
    const Options options;
    parseCommandLine(parser, options, app);
    if (parser.isSet(options.benchStall))
        return runStallBench(parser.value(options.model), parser.value(options.benchJson),
                             parser.value(options.benchReplies).toInt(), parser.value(options.benchThreads).toInt());
    if (parser.isSet(options.model))
        settings.modelDirectory = parser.value(options.model);

    weft::ui::ConversationStore store(parser.value(options.data));
    weft::ui::EngineHost engine;
    weft::ui::MainWindow window(store, engine, settings);
    window.show();
    // Problems with the files are shown by the composer and the status bar.
    weft::ui::openLaunchFiles(window, parser.positionalArguments());
    window.startModelLoad();
    if (parser.isSet(options.screenshot))
        weft::ui::scheduleScreenshot(window, engine,
                                     {parser.value(options.screenshot), parser.value(options.prompt), parser.values(options.attach)});
    return app.exec();
}
