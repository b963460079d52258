// GUI tests: real widgets on the offscreen platform, the real engine on a random tiny model.
// The same executable doubles as the "victim" of the kill-during-save test: started with
// WEFT_GUI_SAVE_LOOP=<root>|<id> it saves that conversation in a loop until it is killed;
// WEFT_GUI_INIT_MODEL=<dir> writes the random test model there and exits.
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QAudioDevice>
#include <QAudioFormat>
#include <QBuffer>
#include <QClipboard>
#include <QDir>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QCheckBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMediaDevices>
#include <QMimeData>
#include <QPainter>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTranslator>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>

#include "ui/attachment.h"
#include "ui/attachment_strip.h"
#include "ui/audio_recorder.h"
#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/conversation_exporter.h"
#include "ui/conversation_list_model.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/example_pair_dialog.h"
#include "ui/image_viewer.h"
#include "ui/starter_panel.h"
#include "ui/image_tile.h"
#include "ui/launch_files.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#include "ui/starter_panel.h"
#include "weft/audio.h"
#include "weft/conversation.h"
#include "weft/model.h"
// Engine internals (no torch): to edit the test model's weights.
#include "model_config.h"
#include "safetensors.h"

using namespace weft::ui;

namespace {

std::vector<std::string> tokenizerCorpus()
{
    // Sentences in the style of Shapes World (WORLD.md) for the random model's tokenizer.
    const char* colors[] = {"red", "green", "blue", "yellow", "purple", "orange", "white", "black"};
    const char* shapes[] = {"circle", "square", "triangle", "star", "heart", "cross"};
    const char* places[] = {"at the top left", "in the center", "at the bottom right", "on the left", "on the right"};
    const char* verbs[] = {"draw a small", "make the big", "remove the", "move the"};
    std::vector<std::string> out;
    for (const char* v : verbs)
        for (const char* c : colors)
            for (const char* s : shapes)
                for (const char* p : places)
                    out.push_back(std::string(v) + " " + c + " " + s + " " + p + " on a plain background");
    out.push_back("describe this image");
    out.push_back("how many circles are there");
    out.push_back("do the same");
    return out;
}

QString writeSceneImage(const QString& path)
{
    QImage image(64, 64, QImage::Format_RGB888);
    image.fill(QColor(230, 230, 230));
    QPainter p(&image);
    p.setBrush(Qt::red);
    p.drawEllipse(8, 8, 20, 20);
    p.setBrush(Qt::blue);
    p.drawRect(36, 36, 20, 20);
    p.end();
    image.save(path, "PNG");
    return path;
}

void dropFiles(QWidget* target, const QStringList& files)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& f : files)
        urls << QUrl::fromLocalFile(f);
    mime.setUrls(urls);
    const QPointF pos(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

// Copies the model folder `from` to `to` with weights edited so that the first token of every
// answer is `first` (boi: an image, ret: a retrieval, where one is allowed; the technique of
// test_model's steeredModel): the residual outputs of every layer are zero, so the last hidden
// state is the normalised embedding of the last token; every embedding gets +1 along e0, the
// final norm keeps e0 positive, and only the `first` row of output.weight is non-zero, reading
// e0 with a weight large enough that sampling at any temperature picks it. Returns an empty
// string on success, else the error.
std::string writeSteeredModel(const QString& from, const QString& to, int weft::VocabLayout::*first,
                              const std::string& configPath = WEFT_SOURCE_DIR "/tests/data/configs/tiny.json")
{
    namespace fs = std::filesystem;
    try {
        const auto config = weft::ModelConfig::read(configPath);
        const int d = config.transformer.dModel;
        fs::create_directories(to.toStdString());
        for (const auto& f : fs::directory_iterator(from.toStdString()))
            fs::copy_file(f.path(), fs::path(to.toStdString()) / f.path().filename(), fs::copy_options::overwrite_existing);
        const std::string weights = (fs::path(from.toStdString()) / "model.safetensors").string();
        const auto file = weft::SafetensorsFile::read(weights);
        weft::SafetensorsWriter writer;
        bool sawEmbeddings = false, sawOutput = false, sawNorm = false;
        for (const auto& t : file.tensors()) {
            const std::uint8_t* p = file.data(t);
            std::vector<std::uint8_t> bytes(p, p + (t.end - t.begin));
            const bool residual = t.name.find(".attn.wo.") != std::string::npos || t.name.find(".ffn.w2.") != std::string::npos;
            if (residual || t.name == "output.weight")
                std::memset(bytes.data(), 0, bytes.size());
            if (t.name == "tok_embeddings.weight" || t.name == "output.weight" || t.name == "norm.weight") {
                if (t.dtype != weft::DType::F32)
                    return t.name + " is not F32";
                float* v = reinterpret_cast<float*>(bytes.data());
                if (t.name == "tok_embeddings.weight") {
                    sawEmbeddings = true;
                    for (int tok = 0; tok < config.vocab.total; ++tok)
                        v[tok * d + 0] = 1.0f; // every token points along e0
                } else if (t.name == "output.weight") {
                    sawOutput = true;
                    v[config.vocab.*first * d + 0] = 1000.0f;
                } else {
                    sawNorm = true;
                    for (int i = 0; i < d; ++i)
                        v[i] = 1.0f;
                }
            }
            writer.add(t.name, t.dtype, t.shape, bytes.data(), bytes.size());
        }
        for (const auto& [key, value] : file.metadata())
            writer.setMetadata(key, value);
        if (!sawEmbeddings || !sawOutput || !sawNorm)
            return "the model lacks tok_embeddings.weight, output.weight or norm.weight";
        writer.write((fs::path(to.toStdString()) / "model.safetensors").string());
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

std::string writeImageSteeredModel(const QString& from, const QString& to,
                                   const std::string& configPath = WEFT_SOURCE_DIR "/tests/data/configs/tiny.json")
{
    return writeSteeredModel(from, to, &weft::VocabLayout::boi, configPath);
}

// A sine tone (or silence for amplitude 0) at `rate` Hz, mono.
std::vector<float> tone(double seconds, double amplitude, int rate = weft::ui::kRecordSampleRate, double hz = 440.0)
{
    std::vector<float> out(static_cast<std::size_t>(std::llround(seconds * rate)));
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * hz * double(i) / rate));
    return out;
}

// Interleaved 16-bit little-endian PCM, what a microphone delivers for QAudioFormat::Int16.
QByteArray pcm16(const std::vector<float>& samples)
{
    QByteArray out(qsizetype(samples.size() * 2), Qt::Uninitialized);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const qint16 v = static_cast<qint16>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
        std::memcpy(out.data() + i * 2, &v, 2);
    }
    return out;
}

QAudioFormat monoInt16(int rate = weft::ui::kRecordSampleRate)
{
    QAudioFormat format;
    format.setSampleRate(rate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    return format;
}

int saveLoop(const QString& spec)
{
    const QString root = spec.section(QLatin1Char('|'), 0, 0);
    const QString id = spec.section(QLatin1Char('|'), 1, 1);
    ConversationStore store(root);
    StoredConversation c;
    if (!store.load(id, c))
        return 2;
    const std::string filler(20000, 'x');
    for (int i = 0;; ++i) {
        weft::Message m;
        m.role = i % 2 ? weft::Role::Assistant : weft::Role::User;
        m.segments.push_back(weft::Segment::makeText("turn " + std::to_string(i) + " " + filler));
        c.tree.append(std::move(m));
        if (!store.save(c))
            return 3;
        if (i == 0) {
            fputs("saving\n", stdout);
            fflush(stdout);
        }
    }
}

// Runs `step` on the next modal dialog of type T once it is shown (from inside its exec()).
template <typename T>
void onNextModal(std::function<void(T*)> step)
{
    auto* poll = new QTimer;
    QObject::connect(poll, &QTimer::timeout, poll, [poll, step] {
        auto* dialog = qobject_cast<T*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        poll->stop();
        poll->deleteLater();
        step(dialog);
    });
    poll->start(20);
}

// Calls `onShow` when a dialog of type T is shown: from show(), before its exec() processes
// any event.
template <typename T>
struct ShowSpyOf : QObject {
    explicit ShowSpyOf(std::function<void(T*)> f) : onShow(std::move(f)) {}
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Show) {
            if (auto* dialog = qobject_cast<T*>(watched))
                onShow(dialog);
        }
        return false;
    }
    std::function<void(T*)> onShow;
};
using DialogShowSpy = ShowSpyOf<ExamplePairDialog>;

} // namespace

class GuiTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void killDuringSaveLosesNothing();
    void unsupportedFilesAreRefused();
    void pasteFromClipboard();
    void dropImageAndTextThenSend();
    void cancelMidGeneration();
    void regenerateBranchesSurviveRestart();
    void replyLandsInItsOwnConversation();
    void engineFailureIsAMessage();
    void failedModelLoadKeepsTheWorkingModel();
    void keyboardOpensViewerAndCopiesText();
    void reproduceChecksTheModel();
    void translationsAreCompiledIn();
    void examplePairsMakeOneMessage();
    void examplePairsStayPairs();
    void exportFolderAndHtml();
    void contextOverflowIsShown();
    void recordButtonNeedsAMicrophone();
    void recorderWritesWavOfRecordedLength();
    void levelMeterMovesAndCancelAttachesNothing();
    void recordingStopsAtTheLimit();
    void recordingWriteFailureLosesNothing();
    void soundChipShowsDurationAndRefusalIsAMessage();
    void imageAndSoundAnswerWithAnImage();
    void emptyChatOffersStarters();
    void launchFilesOpenInANewChat();
    void retrievalShowsItsSource();
    void attachmentChipRemovesItself();

private:
    bool waitForReply(int timeoutMs = 90000);
    bool loadModelAndWait(const QString& directory);
    // Feeds `pcm` to the composer's recorder and waits until it has read all of it (or
    // stopped by itself). False when it did not start or stalled.
    bool recordFrom(QBuffer& pcm, const QAudioFormat& format);
    QString writeWavFixture(const QString& name, double seconds);
    // Empties the composer and opens a new conversation.
    Composer* freshComposer();

    QTemporaryDir m_tmp;
    QString m_modelDir;
    QString m_imageModelDir; // a copy of the model edited to always answer with an image
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<EngineHost> m_engine;
    std::unique_ptr<MainWindow> m_window;
    AppSettings m_settings;
};

void GuiTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
    m_modelDir = m_tmp.filePath(QStringLiteral("model"));
    auto made = weft::initModel(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json", m_modelDir.toStdString(), 5,
                                tokenizerCorpus());
    QVERIFY2(made.ok(), made.ok() ? "" : made.error().message.c_str());
    m_imageModelDir = m_tmp.filePath(QStringLiteral("model-image"));
    const std::string steered = writeImageSteeredModel(m_modelDir, m_imageModelDir);
    QVERIFY2(steered.empty(), steered.c_str());

    m_settings.modelDirectory = m_modelDir;
    m_settings.device = QStringLiteral("cpu");
    m_settings.threads = 1; // leaves a core to the GUI thread on the 2-core test machines
    m_settings.temperature = 1.0;
    m_settings.topK = 0;
    m_settings.guidanceScale = 1.0;
    m_settings.maxTextTokens = 24;
    m_store = std::make_unique<ConversationStore>(m_tmp.filePath(QStringLiteral("conversations")));
    m_engine = std::make_unique<EngineHost>();
    m_window = std::make_unique<MainWindow>(*m_store, *m_engine, m_settings);
    m_window->show();
    QSignalSpy loaded(m_engine.get(), &EngineHost::modelLoaded);
    QSignalSpy failed(m_engine.get(), &EngineHost::modelLoadFailed);
    m_window->startModelLoad();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QVERIFY(m_window->modelStatus()->text().contains(QStringLiteral("on")));
}

void GuiTest::cleanupTestCase()
{
    m_window.reset();
    m_engine.reset();
}

bool GuiTest::waitForReply(int timeoutMs)
{
    QSignalSpy done(&m_window->controller(), &ChatController::replyCompleted);
    if (!m_window->controller().isGenerating())
        return true;
    return done.wait(timeoutMs);
}

bool GuiTest::loadModelAndWait(const QString& directory)
{
    QSignalSpy loaded(m_engine.get(), &EngineHost::modelLoaded);
    QSignalSpy failed(m_engine.get(), &EngineHost::modelLoadFailed);
    m_engine->loadModel(directory, m_settings.device, m_settings.threads);
    if (!QTest::qWaitFor([&] { return loaded.count() + failed.count() > 0; }, 120000))
        return false;
    return !loaded.isEmpty() && failed.isEmpty() && m_engine->isModelLoaded();
}

void GuiTest::killDuringSaveLosesNothing()
{
    ConversationStore store(m_tmp.filePath(QStringLiteral("killed")));
    const QString id = store.create(QStringLiteral("kill test"));
    QVERIFY(!id.isEmpty());
    StoredConversation c;
    QVERIFY(store.load(id, c));
    for (const char* text : {"first question", "first answer"}) {
        weft::Message m;
        m.role = c.tree.activePath().empty() ? weft::Role::User : weft::Role::Assistant;
        m.segments.push_back(weft::Segment::makeText(text));
        c.tree.append(std::move(m));
    }
    QVERIFY(store.save(c));

    for (int round = 0; round < 4; ++round) {
        QProcess victim;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("WEFT_GUI_SAVE_LOOP"), store.rootDir() + QLatin1Char('|') + id);
        victim.setProcessEnvironment(env);
        victim.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(victim.waitForStarted());
        QByteArray said;
        QTRY_VERIFY_WITH_TIMEOUT((said += victim.readAllStandardOutput()).contains("saving") ||
                                     victim.state() != QProcess::Running, 20000);
        QVERIFY2(victim.state() == QProcess::Running, victim.readAllStandardError().constData());
        QTest::qWait(20 + 37 * round); // lands at a different point of a save each round
        victim.kill();                  // SIGKILL: no destructor, no QSaveFile cleanup
        QVERIFY(victim.waitForFinished());

        StoredConversation reopened;
        QString error;
        QVERIFY2(store.load(id, reopened, &error), qPrintable(error));
        const auto messages = reopened.tree.activeMessages();
        QVERIFY(messages.size() >= 2);
        QCOMPARE(QString::fromStdString(messages[0].joinedText()), QStringLiteral("first question"));
        QCOMPARE(QString::fromStdString(messages[1].joinedText()), QStringLiteral("first answer"));
        // conversation.json, the file other tools read, is whole as well.
        auto linear = weft::readConversationFile(QDir(store.folderOf(id)).filePath(QStringLiteral("conversation.json")).toStdString());
        QVERIFY2(linear.ok(), linear.ok() ? "" : linear.error().message.c_str());
        QVERIFY(linear.value().messages.size() >= 2);
    }

    // A partial temporary file next to the real one (what a kill inside write() leaves).
    QFile partial(QDir(store.folderOf(id)).filePath(QStringLiteral("branches.json.Xy12Ab")));
    QVERIFY(partial.open(QIODevice::WriteOnly));
    partial.write("{\"format\":\"weft-branches\",\"version\":1,\"nodes\":[{\"par");
    partial.close();
    StoredConversation recovered;
    QVERIFY(store.load(id, recovered));
    QVERIFY(!partial.exists());
    QVERIFY(recovered.recovered.join(QString()).contains(QStringLiteral("branches.json.Xy12Ab")));
    QVERIFY(recovered.tree.activeMessages().size() >= 2);

    // A branches.json from a newer build is refused, not overwritten.
    {
        QFile branches(QDir(store.folderOf(id)).filePath(QStringLiteral("branches.json")));
        QVERIFY(branches.open(QIODevice::ReadOnly));
        const QByteArray good = branches.readAll();
        branches.close();
        QByteArray newer = good;
        newer.replace("\"version\":1", "\"version\":99");
        QVERIFY(newer != good);
        QVERIFY(branches.open(QIODevice::WriteOnly | QIODevice::Truncate));
        branches.write(newer);
        branches.close();
        StoredConversation refused;
        QString error;
        QVERIFY(!store.load(id, refused, &error));
        QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
        QVERIFY(branches.open(QIODevice::WriteOnly | QIODevice::Truncate));
        branches.write(good);
        branches.close();
    }

    // A corrupt branches.json falls back to conversation.json rather than losing the chat.
    QFile branches(QDir(store.folderOf(id)).filePath(QStringLiteral("branches.json")));
    QVERIFY(branches.open(QIODevice::WriteOnly | QIODevice::Truncate));
    branches.write("{ not json");
    branches.close();
    StoredConversation fallback;
    QVERIFY(store.load(id, fallback));
    QCOMPARE(QString::fromStdString(fallback.tree.activeMessages().at(0).joinedText()), QStringLiteral("first question"));
}

void GuiTest::unsupportedFilesAreRefused()
{
    Composer* composer = m_window->composer();
    composer->clear();
    const QString exe = m_tmp.filePath(QStringLiteral("setup.exe"));
    QFile f(exe);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("MZ not for us");
    f.close();
    const QString fake = m_tmp.filePath(QStringLiteral("fake.png"));
    QFile g(fake);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("this is not a png at all");
    g.close();
    const QString huge = m_tmp.filePath(QStringLiteral("huge.wav"));
    QFile h(huge);
    QVERIFY(h.open(QIODevice::WriteOnly));
    QVERIFY(h.resize(40LL * 1024 * 1024)); // sparse: refused on its size before any read
    h.close();

    QSignalSpy refused(composer, &Composer::refused);
    dropFiles(m_window->chatView()->viewport(), {exe, fake, huge});
    QCOMPARE(composer->attachments().size(), 0);
    QCOMPARE(refused.count(), 1);
    const QString message = composer->lastMessage();
    QVERIFY2(message.contains(QStringLiteral("setup.exe")) && message.contains(QStringLiteral("unsupported")), qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("fake.png")));
    QVERIFY(message.contains(QStringLiteral("huge.wav")) && message.contains(QStringLiteral("too large")));
    composer->clear();
}

void GuiTest::pasteFromClipboard()
{
    Composer* composer = m_window->composer();
    composer->clear();
    QImage image(40, 30, QImage::Format_RGB32);
    image.fill(Qt::green);
    QApplication::clipboard()->setImage(image);
    composer->editor()->setFocus();
    QTest::keyClick(composer->editor(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(composer->attachments().size(), 1);
    QCOMPARE(composer->attachments().first().kind, Attachment::Kind::Image);
    // Small images are enlarged for the thumbnail by whole pixels, keeping the aspect ratio.
    QCOMPARE(composer->attachments().first().thumbnail.size(), QSize(96, 72));

    QApplication::clipboard()->setText(QStringLiteral("how many circles are there"));
    QTest::keyClick(composer->editor(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(composer->text(), QStringLiteral("how many circles are there"));
    QCOMPARE(composer->attachments().size(), 1);
    composer->removeAttachment(0);
    QCOMPARE(composer->attachments().size(), 0);
    composer->clear();
}

void GuiTest::dropImageAndTextThenSend()
{
    // The random model usually answers with text; this test runs on the copy edited to always
    // answer with an image, and puts the random model back afterwards (also when it fails).
    QVERIFY(loadModelAndWait(m_imageModelDir));
    auto restoreModel = qScopeGuard([this] {
        if (!loadModelAndWait(m_modelDir))
            qWarning("could not reload the test model");
    });
    ChatController& controller = m_window->controller();
    m_window->composer()->clear();
    m_window->newChatAction()->trigger();
    QVERIFY(controller.hasConversation());
    const QString imagePath = writeSceneImage(m_tmp.filePath(QStringLiteral("scene.png")));
    const QString textPath = m_tmp.filePath(QStringLiteral("note.txt"));
    QFile text(textPath);
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("make the red circle green");
    text.close();

    dropFiles(m_window->chatView()->viewport(), {imagePath});
    dropFiles(m_window->composer(), {textPath});
    QCOMPARE(m_window->composer()->attachments().size(), 2);

    // Longest gap between 5 ms timer ticks on the GUI thread while the engine works.
    qint64 longestGap = 0;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.elapsed();
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        longestGap = std::max(longestGap, now - last);
        last = now;
    });
    QSignalSpy deltas(m_engine.get(), &EngineHost::textDelta);
    ticker.start();
    last = clock.elapsed();
    QTest::keyClick(m_window->composer()->editor(), Qt::Key_Return);
    QVERIFY(controller.isGenerating());
    QCOMPARE(m_window->composer()->attachments().size(), 0);
    QVERIFY(waitForReply());
    ticker.stop();
    qInfo("longest GUI-thread stall during generation: %lld ms (%d text deltas)", longestGap, int(deltas.count()));
    // Sanitizer builds run our code several times slower; they check memory, not timing.
    const qint64 stallLimit = WEFT_TEST_SANITIZED ? 400 : 50;
    QVERIFY2(longestGap < stallLimit, qPrintable(QStringLiteral("GUI thread stalled %1 ms").arg(longestGap)));

    const auto path = controller.current().tree.activePath();
    QCOMPARE(path.size(), std::size_t(2));
    const auto& question = controller.current().tree.node(path[0]).message;
    QCOMPARE(question.segments.size(), std::size_t(2));
    QCOMPARE(question.segments[0].kind, weft::SegmentKind::Image);
    QVERIFY(QFile::exists(QString::fromStdString(question.segments[0].path)));
    QCOMPARE(QString::fromStdString(question.segments[1].text), QStringLiteral("make the red circle green"));
    const auto& answer = controller.current().tree.node(path[1]).message;
    QCOMPARE(answer.role, weft::Role::Assistant);
    QVERIFY(!answer.segments.empty());
    QVERIFY(answer.meta.has_value());
    QCOMPARE(m_window->chatView()->messageCount(), 2);
    int answerImages = 0;
    QString answerImagePath;
    for (std::size_t i = 0; i < answer.segments.size(); ++i) {
        if (answer.segments[i].kind == weft::SegmentKind::Image) {
            ++answerImages;
            answerImagePath = QString::fromStdString(answer.segments[i].path);
            QVERIFY(QFile::exists(answerImagePath));
            // The caption comes from asking the model to describe the image; the steered model
            // answers that with an image too, so the alt text is the fallback naming the model.
            // Either way there is one: a missing alt text fails here.
            const auto& alts = controller.current().tree.node(path[1]).altTexts;
            const auto alt = alts.find(int(i));
            QVERIFY2(alt != alts.end(), "the answer's image has no alt text");
            QVERIFY(!alt->second.isEmpty());
        }
    }
    // The steered model answers with exactly one generated image at the model's image size.
    QCOMPARE(answerImages, 1);
    QCOMPARE(answer.segments.size(), std::size_t(1));
    QCOMPARE(answer.segments[0].image.width, 64);
    QCOMPARE(answer.segments[0].image.height, 64);
    // The canvas shows one tile per image of both messages, each with alt text.
    const auto tiles = m_window->chatView()->findChildren<ImageTile*>();
    QCOMPARE(tiles.size(), 1 + answerImages);
    for (ImageTile* tile : tiles)
        QVERIFY(!tile->pictureLabel()->accessibleDescription().isEmpty());
    // The answer's tile holds the generated picture.
    const auto answerTile = std::find_if(tiles.begin(), tiles.end(),
                                         [&](ImageTile* t) { return t->path() == answerImagePath; });
    QVERIFY2(answerTile != tiles.end(), "no tile shows the answer image");
    // Screen readers name each tile after its alt text (the question's picture, which has
    // none, after its place).
    QCOMPARE((*answerTile)->pictureLabel()->accessibleName(),
             controller.current().tree.node(path[1]).altTexts.at(0));
    for (ImageTile* tile : tiles) {
        if (tile != *answerTile)
            QCOMPARE(tile->pictureLabel()->accessibleName(), QStringLiteral("Your picture 1"));
    }
    QVERIFY(!(*answerTile)->image().isNull());
    QCOMPARE((*answerTile)->image().size(), QSize(64, 64));
    // Saved after the turn.
    controller.flushSaves();
    StoredConversation onDisk;
    QVERIFY(m_store->load(controller.current().id, onDisk));
    QCOMPARE(onDisk.tree.activePath().size(), std::size_t(2));
    // conversation.json (what the CLI reads) holds the answer as an image segment whose PNG exists.
    const QString json = QDir(m_store->folderOf(controller.current().id)).filePath(QStringLiteral("conversation.json"));
    auto saved = weft::readConversationFile(json.toStdString());
    QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().message.c_str());
    QCOMPARE(saved.value().messages.size(), std::size_t(2));
    const weft::Message& savedAnswer = saved.value().messages[1];
    QCOMPARE(savedAnswer.role, weft::Role::Assistant);
    QCOMPARE(savedAnswer.segments.size(), std::size_t(1));
    QCOMPARE(savedAnswer.segments[0].kind, weft::SegmentKind::Image);
    const QString savedPng = QString::fromStdString(savedAnswer.segments[0].path);
    QVERIFY2(savedPng.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive), qPrintable(savedPng));
    QVERIFY2(QFile::exists(savedPng), qPrintable(savedPng));
    QFile png(savedPng);
    QVERIFY(png.open(QIODevice::ReadOnly));
    QCOMPARE(png.read(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
    png.close();
    QCOMPARE(QImage(savedPng).size(), QSize(64, 64));
}

void GuiTest::cancelMidGeneration()
{
    ChatController& controller = m_window->controller();
    AppSettings long_ = m_settings;
    long_.maxTextTokens = 400;
    long_.guidanceScale = 2.0;
    controller.setSettings(long_);
    bool measured = false;
    for (int attempt = 0; attempt < 5 && !measured; ++attempt) {
        QSignalSpy started(m_engine.get(), &EngineHost::progress);
        QSignalSpy deltas(m_engine.get(), &EngineHost::textDelta);
        QSignalSpy done(&controller, &ChatController::replyCompleted);
        m_window->composer()->setText(QStringLiteral("draw a big red circle at the top left"));
        m_window->sendAction()->trigger();
        QVERIFY(controller.isGenerating());
        QTRY_VERIFY_WITH_TIMEOUT(started.count() + deltas.count() > 0 || !done.isEmpty(), 60000);
        if (!done.isEmpty())
            continue; // answered before it could be stopped; try again
        QElapsedTimer stopClock;
        stopClock.start();
        m_window->stopAction()->trigger();
        QVERIFY(done.wait(5000));
        const qint64 stopMs = stopClock.elapsed();
        if (done.first().first().toBool())
            continue; // it finished on its own between the two events
        qInfo("Stop took %lld ms", stopMs);
        QVERIFY2(stopMs < (WEFT_TEST_SANITIZED ? 800 : 100), qPrintable(QStringLiteral("Stop took %1 ms").arg(stopMs)));
        QVERIFY(!controller.isGenerating());
        QVERIFY(m_window->chatView()->noticeLabel()->text().contains(QStringLiteral("Stopped")));
        QVERIFY(m_window->composer()->sendButton()->isVisibleTo(m_window.get()));
        measured = true;
    }
    controller.setSettings(m_settings);
    QCOMPARE(m_window->stopAction()->shortcut(), QKeySequence(Qt::Key_Escape));
    QCOMPARE(m_window->newChatAction()->shortcut(), QKeySequence(QKeySequence::New));
    QCOMPARE(m_window->regenerateAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    QVERIFY2(measured, "every attempt finished before Stop could be pressed");
    // The app stays usable: the unanswered question can be answered.
    QVERIFY(controller.needsAnswer());
    QVERIFY(controller.retry());
    QVERIFY(waitForReply());
    QVERIFY(!controller.needsAnswer());
}

void GuiTest::regenerateBranchesSurviveRestart()
{
    ChatController& controller = m_window->controller();
    QVERIFY(!controller.needsAnswer());
    const QString id = controller.current().id;
    const int firstAnswer = controller.current().tree.activeLeaf();
    const std::string firstText = controller.current().tree.node(firstAnswer).message.joinedText();
    m_window->regenerateAction()->trigger();
    QVERIFY(controller.isGenerating());
    QVERIFY(waitForReply());
    const int secondAnswer = controller.current().tree.activeLeaf();
    QVERIFY(secondAnswer != firstAnswer);
    QCOMPARE(controller.current().tree.node(secondAnswer).parent, controller.current().tree.node(firstAnswer).parent);
    QCOMPARE(controller.current().tree.branchCount(secondAnswer), 2);
    QCOMPARE(controller.current().tree.branchIndex(secondAnswer), 1);
    QVERIFY(controller.current().tree.node(secondAnswer).message.meta->seed !=
            controller.current().tree.node(firstAnswer).message.meta->seed);
    // The arrows are on the canvas and switch back.
    const auto labels = m_window->chatView()->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* l) { return l->text() == QStringLiteral("2 / 2"); }));
    controller.switchBranch(secondAnswer, -1);
    QCOMPARE(controller.current().tree.activeLeaf(), firstAnswer);

    // Restart: a new store, engine-less window over the same folder.
    controller.flushSaves();
    ConversationStore reopenedStore(m_store->rootDir());
    StoredConversation reopened;
    QVERIFY(reopenedStore.load(id, reopened));
    QCOMPARE(reopened.tree.branchCount(secondAnswer), 2);
    QCOMPARE(reopened.tree.activeLeaf(), firstAnswer);
    QCOMPARE(reopened.tree.node(firstAnswer).message.joinedText(), firstText);
    QCOMPARE(reopened.tree.node(secondAnswer).message.joinedText(),
             controller.current().tree.node(secondAnswer).message.joinedText());
    QCOMPARE(reopened.tree.node(secondAnswer).message.meta->seed,
             controller.current().tree.node(secondAnswer).message.meta->seed);
    EngineHost idleEngine;
    MainWindow second(reopenedStore, idleEngine, m_settings);
    second.controller().open(id);
    QCOMPARE(second.controller().current().tree.nodeCount(), controller.current().tree.nodeCount());
    const auto labels2 = second.chatView()->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels2.begin(), labels2.end(), [](QLabel* l) { return l->text() == QStringLiteral("1 / 2"); }));
}

void GuiTest::replyLandsInItsOwnConversation()
{
    ChatController& controller = m_window->controller();
    ChatView* view = m_window->chatView();
    ConversationListModel* list = m_window->conversationList();
    auto generatingRow = [list](const QString& id) {
        return list->data(list->index(list->rowOf(id)), ConversationListModel::GeneratingRole).toBool();
    };
    auto onDisk = [this, &controller](const QString& id) {
        controller.flushSaves();
        StoredConversation c;
        return m_store->load(id, c) ? c.tree.activePath().size() : std::size_t(0);
    };
    // B: a chat with one answered question.
    m_window->composer()->clear();
    const QString b = controller.createNew();
    QVERIFY(controller.send(QStringLiteral("draw a small red circle at the top left"), {}));
    QVERIFY(waitForReply());
    // A: one answered question, then a second one whose answer is running when B is opened.
    const QString a = controller.createNew();
    QVERIFY(controller.send(QStringLiteral("draw a small blue square in the center"), {}));
    QVERIFY(waitForReply());
    AppSettings long_ = m_settings;
    long_.maxTextTokens = 400;
    controller.setSettings(long_);
    auto restore = qScopeGuard([&] { controller.setSettings(m_settings); });
    // The answer to A's second question is stopped from B. The worker may finish a short
    // answer before Stop reaches it; then (it landed in A, checked below) ask again.
    bool stopped = false;
    for (int attempt = 0; attempt < 5 && !stopped; ++attempt) {
        QVERIFY(controller.open(a));
        QVERIFY(controller.send(QStringLiteral("draw a big green star on the right"), {}));
        QVERIFY(controller.isGeneratingHere());
        QVERIFY(view->pendingLabel()->isVisibleTo(m_window.get()));
        QVERIFY(controller.open(b));
        m_window->stopAction()->trigger();
        // No event has run since the send: to the window the answer is still being written.
        // B does not show it; the sidebar says which chat is answering.
        QCOMPARE(controller.generatingConversationId(), a);
        QVERIFY(!view->pendingLabel()->isVisibleTo(m_window.get()));
        QCOMPARE(view->messageCount(), 2);
        QVERIFY(generatingRow(a));
        QVERIFY(!generatingRow(b));
        QVERIFY(list->data(list->index(list->rowOf(a)), Qt::DisplayRole).toString().contains(QStringLiteral("answering")));
        QVERIFY(controller.open(a));
        QVERIFY(view->pendingLabel()->isVisibleTo(m_window.get()));
        QVERIFY(controller.open(b));
        QSignalSpy done(&controller, &ChatController::replyCompleted);
        QVERIFY(done.wait(30000));
        stopped = !done.first().first().toBool();
        // Either way B is untouched and shows no notice of A's.
        QVERIFY(!generatingRow(a));
        QVERIFY(view->noticeLabel()->text().isEmpty());
        QCOMPARE(view->messageCount(), 2);
        QCOMPARE(onDisk(b), std::size_t(2));
    }
    QVERIFY2(stopped, "every answer finished before Stop reached it");
    // The Stop notice is A's.
    QVERIFY(controller.open(a));
    QVERIFY(view->noticeLabel()->text().contains(QStringLiteral("Stopped")));
    const std::size_t stoppedLength = controller.current().tree.activePath().size();
    QCOMPARE(std::size_t(view->messageCount()), stoppedLength);
    // Ctrl+R with the last question unanswered answers that question; the answer before it
    // keeps its single version.
    controller.setSettings(m_settings);
    const int earlierAnswer = controller.current().tree.activePath()[stoppedLength - 2];
    const int question = controller.current().tree.activeLeaf();
    m_window->regenerateAction()->trigger();
    QVERIFY(controller.isGeneratingHere());
    QVERIFY(waitForReply());
    QCOMPARE(controller.current().tree.activePath().size(), stoppedLength + 1);
    QCOMPARE(controller.current().tree.node(controller.current().tree.activeLeaf()).parent, question);
    QCOMPARE(controller.current().tree.branchCount(earlierAnswer), 1);
    // A reply that finishes while B is open lands in A, on disk and on screen, and B is untouched.
    QVERIFY(controller.send(QStringLiteral("draw a small red heart at the bottom right"), {}));
    QVERIFY(controller.open(b));
    QVERIFY(waitForReply());
    QVERIFY(!view->pendingLabel()->isVisibleTo(m_window.get()));
    QCOMPARE(view->messageCount(), 2);
    QCOMPARE(controller.current().tree.activePath().size(), std::size_t(2));
    QCOMPARE(onDisk(b), std::size_t(2));
    QCOMPARE(onDisk(a), stoppedLength + 3);
    QVERIFY(controller.open(a));
    QCOMPARE(std::size_t(view->messageCount()), stoppedLength + 3);
    QVERIFY(!controller.needsAnswer());
}

void GuiTest::engineFailureIsAMessage()
{
    // A model folder that does not load: the failure is shown and the window still works.
    ConversationStore store(m_tmp.filePath(QStringLiteral("failing")));
    EngineHost engine;
    AppSettings settings = m_settings;
    settings.modelDirectory = m_tmp.filePath(QStringLiteral("no-such-model"));
    MainWindow window(store, engine, settings);
    QSignalSpy failed(&engine, &EngineHost::modelLoadFailed);
    window.startModelLoad();
    QVERIFY(failed.wait(30000));
    QVERIFY(window.modelStatus()->text().contains(QStringLiteral("not loaded")));
    window.composer()->setText(QStringLiteral("describe this image"));
    window.sendAction()->trigger();
    QVERIFY(!window.controller().isGenerating());
    QVERIFY(window.chatView()->noticeLabel()->isVisibleTo(&window));
    QVERIFY(!window.chatView()->noticeLabel()->text().isEmpty());
    // The question was kept and can be answered later.
    QVERIFY(window.controller().needsAnswer());
    window.controller().flushSaves();
    StoredConversation onDisk;
    QVERIFY(store.load(window.controller().current().id, onDisk));
    QCOMPARE(onDisk.tree.activePath().size(), std::size_t(1));
}

void GuiTest::failedModelLoadKeepsTheWorkingModel()
{
    // A model folder that looks right but whose weights are cut short.
    const QString bad = m_tmp.filePath(QStringLiteral("bad-model"));
    QVERIFY(QDir().mkpath(bad));
    for (const QString& name : QDir(m_modelDir).entryList(QDir::Files))
        QVERIFY(QFile::copy(QDir(m_modelDir).filePath(name), QDir(bad).filePath(name)));
    QFile weights(QDir(bad).filePath(QStringLiteral("model.safetensors")));
    QVERIFY(weights.resize(100));
    ChatController& controller = m_window->controller();
    QVERIFY(m_engine->isModelLoaded());
    const QString hash = m_engine->model().sha256;
    AppSettings badSettings = m_settings;
    badSettings.modelDirectory = bad;
    controller.setSettings(badSettings);
    auto restore = qScopeGuard([&] { controller.setSettings(m_settings); });
    QSignalSpy failed(m_engine.get(), &EngineHost::modelLoadFailed);
    QSignalSpy loaded(m_engine.get(), &EngineHost::modelLoaded);
    m_window->startModelLoad();
    QVERIFY(failed.wait(60000));
    QVERIFY(loaded.isEmpty());
    // The error is shown and the previous model is still loaded and answers.
    QVERIFY(m_engine->isModelLoaded());
    QCOMPARE(m_engine->model().sha256, hash);
    QVERIFY(m_window->statusBar()->currentMessage().contains(failed.first().first().toString()));
    QVERIFY(m_window->modelStatus()->text().contains(m_engine->model().name));
    m_window->composer()->clear();
    QVERIFY(!controller.createNew().isEmpty());
    QVERIFY(controller.send(QStringLiteral("draw a small red circle at the top left"), {}));
    QVERIFY(waitForReply());
    QVERIFY(!controller.needsAnswer());
    QCOMPARE(QString::fromStdString(controller.current().tree.node(controller.current().tree.activeLeaf())
                                        .message.meta->modelHash), hash);
}

void GuiTest::keyboardOpensViewerAndCopiesText()
{
    ChatController& controller = m_window->controller();
    m_window->composer()->clear();
    QVERIFY(!controller.createNew().isEmpty());
    const QString imagePath = writeSceneImage(m_tmp.filePath(QStringLiteral("keyboard.png")));
    // The random model may begin an answer with an image; ask until one has text.
    std::string answerText;
    for (int attempt = 0; attempt < 5 && answerText.empty(); ++attempt) {
        m_window->composer()->clear();
        QCOMPARE(m_window->composer()->addFiles({imagePath}), 1);
        m_window->composer()->setText(QStringLiteral("describe this image"));
        m_window->sendAction()->trigger();
        QVERIFY(waitForReply());
        const auto& tree = controller.current().tree;
        answerText = tree.node(tree.activeLeaf()).message.joinedText();
    }
    QVERIFY2(!answerText.empty(), "no answer with text in 5 tries");
    ChatView* view = m_window->chatView();
    // The picture's tile takes focus and opens the viewer with Enter.
    const auto tiles = view->findChildren<ImageTile*>();
    QVERIFY(!tiles.isEmpty());
    QLabel* picture = tiles.last()->pictureLabel();
    QCOMPARE(picture->accessibleName(), QStringLiteral("Your picture 1"));
    QVERIFY(picture->focusPolicy() & Qt::TabFocus);
    bool viewerOpened = false;
    QTimer closer;
    connect(&closer, &QTimer::timeout, this, [&] {
        if (auto* viewer = qobject_cast<ImageViewer*>(QApplication::activeModalWidget())) {
            viewerOpened = true;
            viewer->reject();
        }
    });
    closer.start(20);
    picture->setFocus();
    QTest::keyClick(picture, Qt::Key_Return);
    closer.stop();
    QVERIFY(viewerOpened);
    // The answer's text: a Copy text button reached with Tab, pressed with Space.
    QToolButton* copy = nullptr;
    for (QToolButton* b : view->findChildren<QToolButton*>()) {
        if (b->accessibleName() == QStringLiteral("Copy the answer's text") && b->isVisibleTo(m_window.get()))
            copy = b;
    }
    QVERIFY(copy);
    QVERIFY(copy->focusPolicy() & Qt::TabFocus);
    QApplication::clipboard()->clear();
    copy->setFocus();
    QTest::keyClick(copy, Qt::Key_Space);
    QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(answerText).trimmed());
    // The text itself can be selected from the keyboard.
    for (QLabel* label : view->findChildren<QLabel*>()) {
        if (label->accessibleName() == QStringLiteral("Answer text"))
            QVERIFY(label->textInteractionFlags() & Qt::TextSelectableByKeyboard);
    }
}

void GuiTest::reproduceChecksTheModel()
{
    ChatController& controller = m_window->controller();
    m_window->composer()->clear();
    const QString id = controller.createNew();
    QVERIFY(controller.send(QStringLiteral("draw a small red circle at the top left"), {}));
    QVERIFY(waitForReply());
    const int answer = controller.current().tree.activeLeaf();
    const weft::MessageMeta meta = *controller.current().tree.node(answer).message.meta;
    const std::string text = controller.current().tree.node(answer).message.joinedText();
    // Device and threads are recorded in meta, in memory and in the interchange file.
    QCOMPARE(QString::fromStdString(meta.device), m_engine->model().device);
    QCOMPARE(meta.threads, m_settings.threads);
    controller.flushSaves();
    auto file = weft::readConversationFile(QDir(m_store->folderOf(id)).filePath(QStringLiteral("conversation.json")).toStdString());
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    QCOMPARE(file.value().messages.back().meta->device, meta.device);
    QCOMPARE(file.value().messages.back().meta->threads, m_settings.threads);
    // The same model: nothing to say, and the same answer.
    QVERIFY(controller.reproduce(answer));
    QVERIFY(controller.notice().isEmpty());
    QVERIFY(waitForReply());
    QVERIFY(controller.current().tree.activeLeaf() != answer);
    QCOMPARE(controller.current().tree.node(controller.current().tree.activeLeaf()).message.joinedText(), text);
    // An answer made by another model (its hash in meta): Reproduce says so.
    controller.flushSaves();
    StoredConversation stored;
    QVERIFY(m_store->load(id, stored));
    stored.tree.node(answer).message.meta->modelHash = std::string(64, 'f');
    QVERIFY(m_store->save(stored));
    QVERIFY(controller.open(id));
    QVERIFY(controller.reproduce(answer));
    QVERIFY(m_window->chatView()->noticeLabel()->isVisibleTo(m_window.get()));
    QVERIFY(m_window->chatView()->noticeLabel()->text().contains(QStringLiteral("different")));
    QVERIFY(m_window->chatView()->noticeLabel()->text().contains(QStringLiteral("ffffffffffff")));
    QVERIFY(waitForReply());
    // A file written before device and threads were recorded still loads.
    const auto old = weft::parseConversation(
        R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"hi"}]},)"
        R"({"role":"assistant","segments":[{"text":"ok"}],"meta":{"model":"m","model_hash":"ab","seed":9007199254740992,)"
        R"("options":{"temperature":0},"seconds":0.5}}]})",
        m_tmp.path().toStdString());
    QVERIFY2(old.ok(), old.ok() ? "" : old.error().message.c_str());
    QVERIFY(old.value().messages.back().meta->device.empty());
    QCOMPARE(old.value().messages.back().meta->threads, 0);
    QCOMPARE(old.value().messages.back().meta->seed, std::uint64_t(1) << 53);
    // Seeds up to 2^53 can be entered in Settings.
    AppSettings fixed = m_settings;
    fixed.seedPolicy = SeedPolicy::Fixed;
    fixed.fixedSeed = kMaxSeed;
    SettingsDialog dialog(fixed, false);
    QCOMPARE(dialog.settings().fixedSeed, kMaxSeed);
    QAbstractSpinBox* seed = nullptr;
    for (QAbstractSpinBox* box : dialog.findChildren<QAbstractSpinBox*>()) {
        if (box->accessibleName() == QStringLiteral("Fixed seed"))
            seed = box;
    }
    QVERIFY(seed);
    seed->selectAll();
    QTest::keyClicks(seed, QStringLiteral("9007199254740991"));
    QCOMPARE(dialog.settings().fixedSeed, kMaxSeed - 1);
}

void GuiTest::translationsAreCompiledIn()
{
    const QList<QPair<QString, QString>> expected{{QStringLiteral("de"), QStringLiteral("Senden")},
                                                  {QStringLiteral("ja"), QStringLiteral("送信")},
                                                  {QStringLiteral("zh_CN"), QStringLiteral("发送")}};
    for (const auto& [language, send] : expected) {
        QTranslator translator;
        QVERIFY2(translator.load(QLocale(language), QStringLiteral("weft"), QStringLiteral("_"), QStringLiteral(":/i18n")),
                 qPrintable(language));
        QCOMPARE(translator.translate("weft::ui::Composer", "Send"), send);
        QVERIFY(!translator.translate("weft::ui::ChatController", "Stopped. Press Retry to answer again.").isEmpty());
        // The recording strings too (added with the Record button).
        QVERIFY(!translator.translate("weft::ui::Composer", "● Record").isEmpty());
        QVERIFY(!translator.translate("weft::ui::AudioRecorder",
                                      "No microphone was found: recording needs an audio input device.").isEmpty());
    }
}

void GuiTest::examplePairsMakeOneMessage()
{
    // Builder: one before/after pair and a query; the message holds before, after, query, text.
    const QString before = writeSceneImage(m_tmp.filePath(QStringLiteral("before.png")));
    QImage flipped = QImage(before).mirrored(true, false);
    const QString after = m_tmp.filePath(QStringLiteral("after.png"));
    QVERIFY(flipped.save(after, "PNG"));
    const QString query = writeSceneImage(m_tmp.filePath(QStringLiteral("query.png")));
    ExamplePairDialog dialog(m_window.get());
    QVERIFY(!dialog.problem().isEmpty());
    QString error;
    QVERIFY(dialog.beforeSlot(0)->setFile(before, error));
    QVERIFY(dialog.problem().contains(QStringLiteral("Pair 1")));
    QVERIFY(dialog.afterSlot(0)->setFile(after, error));
    QVERIFY(dialog.problem().contains(QStringLiteral("query")));
    QVERIFY(!dialog.querySlot()->setFile(m_tmp.filePath(QStringLiteral("note.txt")), error));
    QVERIFY(dialog.querySlot()->setFile(query, error));
    QVERIFY(dialog.problem().isEmpty());
    QCOMPARE(dialog.attachments().size(), 3);
    QCOMPARE(dialog.instruction(), QStringLiteral("do the same"));

    ChatController& controller = m_window->controller();
    m_window->newChatAction()->trigger();
    QVERIFY(controller.send(dialog.instruction(), dialog.attachments()));
    QVERIFY(waitForReply());
    const auto& tree = controller.current().tree;
    const auto& message = tree.node(tree.activePath().front()).message;
    QCOMPARE(message.segments.size(), std::size_t(4));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(message.segments[std::size_t(i)].kind, weft::SegmentKind::Image);
    QCOMPARE(QString::fromStdString(message.segments[3].text), QStringLiteral("do the same"));
    QCOMPARE(QImage(QString::fromStdString(message.segments[1].path)), QImage(after));

    // The viewer offers before/after compare only when there is an original.
    ImageViewer withOriginal(QImage(after), QImage(before), QStringLiteral("alt"));
    QVERIFY(withOriginal.findChild<QCheckBox*>()->isVisibleTo(&withOriginal));
    ImageViewer alone(QImage(after), QImage(), QStringLiteral("alt"));
    QVERIFY(!alone.findChild<QCheckBox*>()->isVisibleTo(&alone));
}

void GuiTest::examplePairsStayPairs()
{
    const QString before = writeSceneImage(m_tmp.filePath(QStringLiteral("pair-before.png")));
    const QString after = m_tmp.filePath(QStringLiteral("pair-after.png"));
    QVERIFY(QImage(before).mirrored(true, false).save(after, "PNG"));
    const QString after2 = m_tmp.filePath(QStringLiteral("pair-after2.png"));
    QVERIFY(QImage(before).mirrored(false, true).save(after2, "PNG"));
    const QString query = writeSceneImage(m_tmp.filePath(QStringLiteral("pair-query.png")));
    ChatController& controller = m_window->controller();
    AppSettings long_ = m_settings;
    long_.maxTextTokens = 400;
    controller.setSettings(long_);
    auto restore = qScopeGuard([&] { controller.setSettings(m_settings); });
    m_window->composer()->clear();
    QVERIFY(!controller.createNew().isEmpty());
    QAction* builder = nullptr;
    for (QAction* a : m_window->findChildren<QAction*>()) {
        if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E))
            builder = a;
    }
    QVERIFY(builder);
    // Built and sent through the builder (Ctrl+E).
    onNextModal<ExamplePairDialog>([&](ExamplePairDialog* d) {
        QString e;
        d->beforeSlot(0)->setFile(before, e);
        d->afterSlot(0)->setFile(after, e);
        d->querySlot()->setFile(query, e);
        d->sendButton()->click();
    });
    builder->trigger();
    const int question = controller.current().tree.activePath().front();
    QCOMPARE(controller.current().tree.node(question).examplePairs, 1);
    // Shown as an "A → A′" row and the query.
    ChatView* view = m_window->chatView();
    QWidget* row = nullptr;
    for (QWidget* w : view->findChildren<QWidget*>()) {
        if (w->accessibleName() == QStringLiteral("Example pair 1"))
            row = w;
    }
    QVERIFY(row);
    const auto rowTiles = row->findChildren<ImageTile*>();
    QCOMPARE(rowTiles.size(), 2);
    QCOMPARE(rowTiles[0]->pictureLabel()->accessibleName(), QStringLiteral("Before 1"));
    QCOMPARE(rowTiles[1]->pictureLabel()->accessibleName(), QStringLiteral("After 1"));
    const auto tiles = view->findChildren<ImageTile*>();
    QVERIFY(std::any_of(tiles.begin(), tiles.end(),
                        [](ImageTile* t) { return t->pictureLabel()->accessibleName() == QStringLiteral("Query picture"); }));
    // Reopened from the message: prefilled; a slot is cleared and filled again; while the answer
    // is still being written Send waits and says why, and nothing is dropped.
    QToolButton* edit = nullptr;
    for (QToolButton* b : view->findChildren<QToolButton*>()) {
        if (b->accessibleName() == QStringLiteral("Edit the example pairs and send again"))
            edit = b;
    }
    QVERIFY(edit);
    // The answer is still being written (its end is a queued event that has not run yet); the
    // builder's Show event comes before any event is processed, so this is seen every time.
    QVERIFY(controller.isGenerating());
    bool busyShown = false;
    DialogShowSpy showSpy([&](ExamplePairDialog* d) {
        busyShown = !d->sendButton()->isEnabled();
    });
    qApp->installEventFilter(&showSpy);
    bool prefilled = false, cleared = false, sendable = false;
    onNextModal<ExamplePairDialog>([&](ExamplePairDialog* d) {
        qApp->removeEventFilter(&showSpy);
        if (!busyShown) {
            d->reject(); // Send would be refused while the answer runs
            return;
        }
        prefilled = d->beforeSlot(0)->hasImage() && d->afterSlot(0)->hasImage() && d->querySlot()->hasImage() &&
                    d->instruction() == QStringLiteral("do the same");
        d->afterSlot(0)->clearButton()->click();
        cleared = !d->afterSlot(0)->hasImage() && !d->problem().isEmpty();
        QString e;
        d->afterSlot(0)->setFile(after2, e);
        sendable = QTest::qWaitFor([&] { return d->sendButton()->isEnabled(); }, 90000);
        d->sendButton()->click();
    });
    edit->click();
    QVERIFY(busyShown);
    QVERIFY(prefilled);
    QVERIFY(cleared);
    QVERIFY(sendable);
    QVERIFY(waitForReply());
    // A new branch of the question, still a pair, with the new after image; saved that way.
    const auto& tree = controller.current().tree;
    QVERIFY2(tree.activePath().size() >= 2, qPrintable(controller.notice()));
    const int edited = tree.activePath().front();
    QVERIFY(edited != question);
    QCOMPARE(tree.branchCount(edited), 2);
    QCOMPARE(tree.node(edited).examplePairs, 1);
    QCOMPARE(QImage(QString::fromStdString(tree.node(edited).message.segments[1].path)), QImage(after2));
    controller.flushSaves();
    StoredConversation onDisk;
    QVERIFY(m_store->load(controller.current().id, onDisk));
    QCOMPARE(onDisk.tree.node(edited).examplePairs, 1);
    QCOMPARE(onDisk.tree.node(question).examplePairs, 1);
}

void GuiTest::exportFolderAndHtml()
{
    // Its own example-pair conversation: three images, a text, and an answer.
    const QString before = writeSceneImage(m_tmp.filePath(QStringLiteral("export-before.png")));
    const QString after = m_tmp.filePath(QStringLiteral("export-after.png"));
    QVERIFY(QImage(before).mirrored(true, false).save(after, "PNG"));
    const QString query = writeSceneImage(m_tmp.filePath(QStringLiteral("export-query.png")));
    QList<Attachment> images;
    for (const QString& path : {before, after, query}) {
        Attachment a;
        QString error;
        QVERIFY2(attachmentFromFile(path, a, error), qPrintable(error));
        images << a;
    }
    ChatController& controller = m_window->controller();
    m_window->newChatAction()->trigger();
    QVERIFY(controller.send(QStringLiteral("do the same"), images));
    QVERIFY(waitForReply());
    const StoredConversation& c = controller.current();
    QCOMPARE(c.tree.activePath().size(), std::size_t(2));
    const QString folder = m_tmp.filePath(QStringLiteral("exported"));
    QString error;
    QVERIFY2(exportFolder(c, folder, &error), qPrintable(error));
    auto read = weft::readConversationFile(QDir(folder).filePath(QStringLiteral("conversation.json")).toStdString());
    QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
    QCOMPARE(read.value().messages.size(), c.tree.activePath().size());
    const auto& first = read.value().messages.front();
    QCOMPARE(first.segments.size(), std::size_t(4));
    QVERIFY(QString::fromStdString(first.segments[0].path).startsWith(QFileInfo(folder).absoluteFilePath()));
    QCOMPARE(QImage(QString::fromStdString(first.segments[2].path)), QImage(query));

    const QString html = m_tmp.filePath(QStringLiteral("chat.html"));
    QVERIFY2(exportHtml(c, html, &error), qPrintable(error));
    QFile page(html);
    QVERIFY(page.open(QIODevice::ReadOnly));
    const QByteArray text = page.readAll();
    const auto& answer = c.tree.node(c.tree.activePath()[1]).message.segments;
    const auto answerImages = std::count_if(answer.begin(), answer.end(),
                                            [](const weft::Segment& s) { return s.kind == weft::SegmentKind::Image; });
    // Every image is inlined: the three of the question and any of the answer.
    QCOMPARE(text.count("<img src=\"data:image/png;base64,"), qsizetype(3 + answerImages));
    QVERIFY(text.contains("do the same"));
}

void GuiTest::contextOverflowIsShown()
{
    // Five images (two example pairs and a query, ~335 tokens) then two-image turns overflow the
    // tiny model's 512-token context: the examples go first, then the oldest turns, and each
    // time the chat says so in a visible note.
    ChatController& controller = m_window->controller();
    m_window->newChatAction()->trigger();
    auto imageAttachment = [&](int i) {
        const QString path = m_tmp.filePath(QStringLiteral("overflow-%1.png").arg(i));
        QImage image(64, 64, QImage::Format_RGB888);
        image.fill(QColor(20 * i, 200 - 15 * i, 90));
        image.save(path, "PNG");
        Attachment a;
        QString error;
        attachmentFromFile(path, a, error);
        return a;
    };
    QList<Attachment> examples;
    for (int i = 0; i < 5; ++i)
        examples << imageAttachment(i);
    QVERIFY(controller.send(QStringLiteral("do the same"), examples));
    QVERIFY(waitForReply());
    QVERIFY(controller.notice().isEmpty());
    QVERIFY(controller.send(QStringLiteral("make the red circle green"), {imageAttachment(5), imageAttachment(6)}));
    QVERIFY(waitForReply());
    QLabel* note = m_window->chatView()->noticeLabel();
    QVERIFY(note->isVisibleTo(m_window.get()));
    QVERIFY2(note->text().contains(QStringLiteral("512 tokens")) && note->text().contains(QStringLiteral("example pairs")),
             qPrintable(note->text()));
    bool dropped = false;
    for (int turn = 0; turn < 6 && !dropped; ++turn) {
        QVERIFY(controller.send(QStringLiteral("how many circles are there"), {imageAttachment(7 + turn), imageAttachment(8 + turn)}));
        QVERIFY(waitForReply());
        QVERIFY2(!controller.needsAnswer(), qPrintable(controller.notice()));
        dropped = note->text().contains(QStringLiteral("oldest"));
    }
    QVERIFY2(dropped, qPrintable(note->text()));
    QVERIFY(note->isVisibleTo(m_window.get()));
    // The whole conversation is still kept: only the engine's view of it was shortened.
    QVERIFY(controller.current().tree.activePath().size() >= 6);
    // A turn that fits again has no note.
    m_window->newChatAction()->trigger();
    QVERIFY(controller.send(QStringLiteral("draw a small red circle"), {}));
    QVERIFY(waitForReply());
    QVERIFY(!note->isVisibleTo(m_window.get()));
}

Composer* GuiTest::freshComposer()
{
    m_window->composer()->clear();
    m_window->newChatAction()->trigger();
    return m_window->composer();
}

bool GuiTest::recordFrom(QBuffer& pcm, const QAudioFormat& format)
{
    AudioRecorder* recorder = m_window->composer()->recorder();
    if (!recorder->start(&pcm, format))
        return false;
    // The recorder polls every 50 ms; a buffer is read in one go.
    return QTest::qWaitFor([&] { return !recorder->isRecording() || pcm.bytesAvailable() == 0; }, 5000);
}

QString GuiTest::writeWavFixture(const QString& name, double seconds)
{
    weft::AudioClip clip;
    clip.sampleRate = kRecordSampleRate;
    clip.samples = tone(seconds, 0.4, clip.sampleRate, 330.0);
    const QString path = m_tmp.filePath(name);
    auto saved = weft::saveAudioWav(clip, path.toStdString());
    return saved.ok() ? path : QString();
}

void GuiTest::recordButtonNeedsAMicrophone()
{
    Composer* composer = m_window->composer();
    QString why;
    const bool microphone = AudioRecorder::inputAvailable(&why);
    // A look at it: the composer with its record button, and while recording.
    const QString shots = qEnvironmentVariable("WEFT_GUI_SHOTS");
    if (!shots.isEmpty()) {
        composer->grab().save(QDir(shots).filePath(QStringLiteral("composer.png")));
        QByteArray data = pcm16(tone(0.7, 0.3));
        QBuffer pcm(&data);
        QVERIFY(pcm.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        QVERIFY(composer->recorder()->start(&pcm, monoInt16()));
        QTRY_VERIFY(pcm.bytesAvailable() == 0);
        QTest::qWait(60);
        composer->grab().save(QDir(shots).filePath(QStringLiteral("composer-recording.png")));
        composer->recorder()->cancel();
    }
    QCOMPARE(composer->recordButton()->isEnabled(), microphone);
    QVERIFY(composer->recordButton()->isVisibleTo(m_window.get()));
    QVERIFY(!composer->recordButton()->accessibleName().isEmpty());
    if (!microphone) {
        // The offscreen platform and CI machines: disabled, and the tooltip says why.
        QVERIFY2(composer->recordButton()->toolTip().contains(QStringLiteral("microphone")),
                 qPrintable(composer->recordButton()->toolTip()));
        QCOMPARE(composer->recordButton()->toolTip(), why);
        // start() on the missing device reports instead of crashing.
        QSignalSpy errors(composer->recorder(), &AudioRecorder::errorOccurred);
        QVERIFY(!composer->recorder()->start());
        QCOMPARE(errors.count(), 1);
        QVERIFY(!composer->recorder()->isRecording());
    } else {
        QVERIFY(composer->recordButton()->toolTip().contains(QStringLiteral("4 s")));
    }
}

void GuiTest::recorderWritesWavOfRecordedLength()
{
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    const QString id = controller.current().id;
    QVERIFY(!id.isEmpty());
    // 1.5 s of a tone, as a 16 kHz mono 16-bit microphone would deliver it.
    const std::vector<float> samples = tone(1.5, 0.5);
    QByteArray data = pcm16(samples);
    QBuffer pcm(&data);
    QVERIFY(pcm.open(QIODevice::ReadOnly));
    QSignalSpy started(composer->recorder(), &AudioRecorder::started);
    QVERIFY(recordFrom(pcm, monoInt16()));
    QCOMPARE(started.count(), 1);
    QVERIFY(composer->recorder()->isRecording());
    // While recording: the panel with the meter, time and Stop/Cancel replaces Record.
    QVERIFY(composer->levelMeter()->isVisibleTo(m_window.get()));
    QVERIFY(composer->stopRecordingButton()->isVisibleTo(m_window.get()));
    QVERIFY(!composer->recordButton()->isVisibleTo(m_window.get()));
    QTRY_VERIFY(std::abs(composer->recorder()->elapsedSeconds() - 1.5) < 1e-9);
    QVERIFY2(composer->recordTimeLabel()->text().contains(QStringLiteral("1.5 / 4.0 s")),
             qPrintable(composer->recordTimeLabel()->text()));
    QTest::mouseClick(composer->stopRecordingButton(), Qt::LeftButton);
    QVERIFY(!composer->recorder()->isRecording());
    QVERIFY(composer->recordButton()->isVisibleTo(m_window.get()));
    QVERIFY2(composer->lastMessage().isEmpty(), qPrintable(composer->lastMessage()));

    QCOMPARE(composer->attachments().size(), 1);
    const Attachment a = composer->attachments().first();
    QCOMPARE(a.kind, Attachment::Kind::Audio);
    QVERIFY(std::abs(a.seconds - 1.5) < 1e-6);
    // Written into this conversation's media folder as a WAV, 16 kHz mono, the whole clip.
    QVERIFY2(m_store->isMediaOf(id, a.sourcePath), qPrintable(a.sourcePath));
    QVERIFY(a.sourcePath.endsWith(QStringLiteral(".wav")));
    QFile wav(a.sourcePath);
    QVERIFY(wav.open(QIODevice::ReadOnly));
    const QByteArray head = wav.read(12);
    QVERIFY(head.startsWith("RIFF") && head.mid(8, 4) == "WAVE");
    wav.close();
    auto clip = weft::loadAudioFile(a.sourcePath.toStdString());
    QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
    QCOMPARE(clip.value().sampleRate, kRecordSampleRate);
    QCOMPARE(clip.value().samples.size(), samples.size());
    float worst = 0.0f;
    for (std::size_t i = 0; i < samples.size(); ++i)
        worst = std::max(worst, std::fabs(clip.value().samples[i] - samples[i]));
    QVERIFY2(worst < 2.0f / 32767.0f, qPrintable(QString::number(worst)));

    // Sending uses that file as is (no second copy in media/).
    const QStringList before = QDir(QFileInfo(a.sourcePath).absolutePath()).entryList(QDir::Files);
    QVERIFY(controller.send(QStringLiteral("what is this sound"), composer->attachments()));
    composer->clear();
    QVERIFY(waitForReply());
    QCOMPARE(QDir(QFileInfo(a.sourcePath).absolutePath()).entryList(QDir::Files), before);
    const auto& question = controller.current().tree.node(controller.current().tree.activePath().front()).message;
    QCOMPARE(question.segments.front().kind, weft::SegmentKind::Audio);
    QCOMPARE(QFileInfo(QString::fromStdString(question.segments.front().path)).canonicalFilePath(),
             QFileInfo(a.sourcePath).canonicalFilePath());

    // Another microphone format: 48 kHz stereo float is averaged to mono and resampled to 16 kHz.
    QAudioFormat stereo;
    stereo.setSampleRate(48000);
    stereo.setChannelCount(2);
    stereo.setSampleFormat(QAudioFormat::Float);
    const std::vector<float> left = tone(1.0, 0.6, 48000, 200.0);
    QByteArray interleaved(qsizetype(left.size() * 2 * sizeof(float)), Qt::Uninitialized);
    for (std::size_t i = 0; i < left.size(); ++i) {
        const float frame[2] = {left[i], left[i] * 0.5f};
        std::memcpy(interleaved.data() + i * sizeof(frame), frame, sizeof(frame));
    }
    QBuffer stereoPcm(&interleaved);
    QVERIFY(stereoPcm.open(QIODevice::ReadOnly));
    QSignalSpy finished(composer->recorder(), &AudioRecorder::finished);
    QVERIFY(recordFrom(stereoPcm, stereo));
    composer->recorder()->stop();
    QCOMPARE(finished.count(), 1);
    const auto resampled = finished.first().first().value<weft::AudioClip>();
    QCOMPARE(resampled.sampleRate, kRecordSampleRate);
    QVERIFY2(std::abs(int(resampled.samples.size()) - 16000) <= 1, qPrintable(QString::number(resampled.samples.size())));
    const float peak = *std::max_element(resampled.samples.begin(), resampled.samples.end());
    QVERIFY2(peak > 0.40f && peak < 0.50f, qPrintable(QString::number(peak))); // (0.6 + 0.3) / 2
    QCOMPARE(composer->attachments().size(), 1);
    composer->clear();
}

void GuiTest::levelMeterMovesAndCancelAttachesNothing()
{
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    AudioRecorder* recorder = composer->recorder();
    const QString media = QDir(m_store->folderOf(controller.current().id)).filePath(QStringLiteral("media"));
    const QStringList filesBefore = QDir(media).entryList(QDir::Files);

    // Sound arrives while recording, as from a microphone: silence, a loud tone, silence.
    QByteArray data = pcm16(tone(0.3, 0.0));
    QBuffer pcm(&data);
    QVERIFY(pcm.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
    QSignalSpy levels(recorder, &AudioRecorder::levelChanged);
    QVERIFY(recorder->start(&pcm, monoInt16()));
    QTRY_VERIFY(recorder->elapsedSeconds() >= 0.3 - 1e-9);
    QCOMPARE(composer->levelMeter()->value(), 0);
    QCOMPARE(levels.count(), 6); // one level per 50 ms of sound
    data += pcm16(tone(0.3, 0.5));
    QTRY_VERIFY(recorder->elapsedSeconds() >= 0.6 - 1e-9);
    // A peak of 0.5 is -6 dBFS: 90 % of the -60..0 dB meter.
    QVERIFY2(composer->levelMeter()->value() >= 85 && composer->levelMeter()->value() <= 95,
             qPrintable(QString::number(composer->levelMeter()->value())));
    QVERIFY(std::abs(recorder->level() - 0.5f) < 0.01f);
    QVERIFY2(composer->recordTimeLabel()->text().contains(QStringLiteral("0.6")), qPrintable(composer->recordTimeLabel()->text()));
    data += pcm16(tone(0.1, 0.0));
    QTRY_VERIFY(recorder->elapsedSeconds() >= 0.7 - 1e-9);
    QCOMPARE(composer->levelMeter()->value(), 0);
    QCOMPARE(levels.count(), 14);
    float loudest = 0.0f;
    for (const auto& args : levels)
        loudest = std::max(loudest, args.first().toFloat());
    QVERIFY(loudest > 0.49f);

    // Cancel: nothing attached, nothing written, the Record button is back.
    QSignalSpy cancelled(recorder, &AudioRecorder::cancelled);
    QSignalSpy finished(recorder, &AudioRecorder::finished);
    QTest::mouseClick(composer->cancelRecordingButton(), Qt::LeftButton);
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!recorder->isRecording());
    QCOMPARE(composer->attachments().size(), 0);
    QCOMPARE(QDir(media).entryList(QDir::Files), filesBefore);
    QVERIFY(!composer->levelMeter()->isVisibleTo(m_window.get()));
    QVERIFY(composer->recordButton()->isVisibleTo(m_window.get()));
    // Sound arriving after the cancel is ignored.
    data += pcm16(tone(0.2, 0.5));
    QTest::qWait(120);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(composer->attachments().size(), 0);
}

void GuiTest::recordingStopsAtTheLimit()
{
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    AudioRecorder* recorder = composer->recorder();
    QCOMPARE(recorder->maxSeconds(), kDefaultRecordSeconds);
    QCOMPARE(m_settings.recordSeconds, kDefaultRecordSeconds);
    // Six seconds of sound: the recording ends by itself at 4 s and is attached.
    QByteArray data = pcm16(tone(6.0, 0.3));
    QBuffer pcm(&data);
    QVERIFY(pcm.open(QIODevice::ReadOnly));
    QSignalSpy finished(recorder, &AudioRecorder::finished);
    QVERIFY(recorder->start(&pcm, monoInt16()));
    QTRY_VERIFY(!recorder->isRecording());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(1).toBool(), true);
    QCOMPARE(composer->attachments().size(), 1);
    auto clip = weft::loadAudioFile(composer->attachments().first().sourcePath.toStdString());
    QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
    QCOMPARE(clip.value().samples.size(), std::size_t(4 * kRecordSampleRate));
    QVERIFY(m_store->isMediaOf(controller.current().id, composer->attachments().first().sourcePath));

    // A configured limit applies from the next recording; out-of-range values are clamped.
    composer->setRecordLimit(1.25);
    QVERIFY(composer->recordButton()->toolTip().contains(QStringLiteral("1.25")) || !composer->recordButton()->isEnabled());
    QBuffer again(&data);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QVERIFY(recorder->start(&again, monoInt16()));
    QTRY_VERIFY(!recorder->isRecording());
    QCOMPARE(composer->attachments().size(), 2);
    QVERIFY(std::abs(composer->attachments().at(1).seconds - 1.25) < 1e-6);
    composer->setRecordLimit(1000.0);
    QCOMPARE(recorder->maxSeconds(), kMaxRecordSeconds);
    composer->setRecordLimit(m_settings.recordSeconds);
    composer->clear();
}

void GuiTest::recordingWriteFailureLosesNothing()
{
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    const QString id = controller.current().id;
    // A file where media/ should be: no writer, root included, can create the folder.
    const QString media = QDir(m_store->folderOf(id)).filePath(QStringLiteral("media"));
    QVERIFY(!QFileInfo::exists(media));
    QFile blocker(media);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    // What the user already has in the composer must survive the failure.
    const QString image = writeSceneImage(m_tmp.filePath(QStringLiteral("kept.png")));
    QCOMPARE(composer->addFiles({image}), 1);
    composer->setText(QStringLiteral("keep this text"));

    QByteArray data = pcm16(tone(0.5, 0.4));
    QBuffer pcm(&data);
    QVERIFY(pcm.open(QIODevice::ReadOnly));
    QSignalSpy refused(composer, &Composer::refused);
    QVERIFY(recordFrom(pcm, monoInt16()));
    composer->recorder()->stop();
    QVERIFY(!refused.isEmpty());
    const QString message = composer->lastMessage();
    QVERIFY2(message.contains(QStringLiteral("could not be saved")) && message.contains(QStringLiteral("media")),
             qPrintable(message));
    QCOMPARE(composer->attachments().size(), 1);
    QCOMPARE(composer->attachments().first().kind, Attachment::Kind::Image);
    QCOMPARE(composer->text(), QStringLiteral("keep this text"));
    QVERIFY(composer->hasUnsavedRecording());
    QVERIFY(composer->saveRecordingButton()->isVisibleTo(m_window.get()));
    QVERIFY(!composer->recordButton()->isEnabled()); // no second recording over the kept one
    QVERIFY(QFileInfo(media).isFile()); // nothing was written over the blocker

    // Once the folder can be made, Save recording writes the kept sound, whole.
    QVERIFY(QFile::remove(media));
    QTest::mouseClick(composer->saveRecordingButton(), Qt::LeftButton);
    QVERIFY2(!composer->hasUnsavedRecording(), qPrintable(composer->lastMessage()));
    QVERIFY(!composer->saveRecordingButton()->isVisibleTo(m_window.get()));
    QCOMPARE(composer->attachments().size(), 2);
    QCOMPARE(composer->attachments().at(1).kind, Attachment::Kind::Audio);
    auto clip = weft::loadAudioFile(composer->attachments().at(1).sourcePath.toStdString());
    QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
    QCOMPARE(clip.value().samples.size(), std::size_t(kRecordSampleRate / 2));
    QCOMPARE(composer->text(), QStringLiteral("keep this text"));
    QCOMPARE(composer->recordButton()->isEnabled(), AudioRecorder::inputAvailable());

    // Discard drops a kept recording on request only (in a fresh chat, blocked the same way).
    composer->clear();
    m_window->newChatAction()->trigger();
    QFile blocker2(QDir(m_store->folderOf(controller.current().id)).filePath(QStringLiteral("media")));
    QVERIFY(blocker2.open(QIODevice::WriteOnly));
    blocker2.close();
    QBuffer again(&data);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QVERIFY(recordFrom(again, monoInt16()));
    composer->recorder()->stop();
    QVERIFY(composer->hasUnsavedRecording());
    composer->discardUnsavedRecording();
    QVERIFY(!composer->hasUnsavedRecording());
    QVERIFY(QFile::remove(blocker2.fileName()));
    composer->clear();
}

void GuiTest::soundChipShowsDurationAndRefusalIsAMessage()
{
    // The random test model has no audio encoder (audio.enabled false): a sound is attached,
    // saved and shown with its duration, and the model's refusal is a message, not a crash.
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    const QString wav = writeWavFixture(QStringLiteral("voice.wav"), 1.5);
    QVERIFY(!wav.isEmpty());
    dropFiles(m_window->chatView()->viewport(), {wav});
    QCOMPARE(composer->attachments().size(), 1);
    QCOMPARE(composer->attachments().first().kind, Attachment::Kind::Audio);
    QVERIFY(std::abs(composer->attachments().first().seconds - 1.5) < 1e-6);
    const auto previews = composer->findChildren<QLabel*>();
    QVERIFY(std::any_of(previews.begin(), previews.end(), [](QLabel* l) { return l->text() == QStringLiteral("♪ 1.5 s"); }));
    // A damaged sound is refused at once, with the file's name.
    const QString broken = m_tmp.filePath(QStringLiteral("broken.wav"));
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    static const char kBroken[] = "RIFF\x24\x00\x00\x00WAVEfmt garbage that is not a header";
    b.write(kBroken, sizeof(kBroken) - 1);
    b.close();
    QCOMPARE(composer->addFiles({broken}), 0);
    QVERIFY2(composer->lastMessage().contains(QStringLiteral("broken.wav")), qPrintable(composer->lastMessage()));

    composer->setText(QStringLiteral("what is this sound"));
    QTest::keyClick(composer->editor(), Qt::Key_Return);
    QVERIFY(waitForReply());
    const auto& tree = controller.current().tree;
    QCOMPARE(tree.node(tree.activePath().front()).message.segments.front().kind, weft::SegmentKind::Audio);
    const auto chips = m_window->chatView()->findChildren<QPushButton*>();
    const auto chip = std::find_if(chips.begin(), chips.end(), [](QPushButton* p) {
        return p->isCheckable() && p->text().startsWith(QStringLiteral("▶"));
    });
    QVERIFY(chip != chips.end());
    QVERIFY2((*chip)->text().endsWith(QStringLiteral("· 1.5 s")), qPrintable((*chip)->text()));
    if (!m_engine->model().hasAudio) {
        QVERIFY(controller.needsAnswer());
        QVERIFY2(controller.notice().contains(QStringLiteral("audio")), qPrintable(controller.notice()));
        QVERIFY(m_window->chatView()->noticeLabel()->isVisibleTo(m_window.get()));
    }
    // Playing with no output device (offscreen, CI) says so and un-toggles; with one, it plays.
    if (QMediaDevices::defaultAudioOutput().isNull()) {
        QSignalSpy failed(m_window->chatView(), &ChatView::playbackFailed);
        QTest::mouseClick(*chip, Qt::LeftButton);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("output")));
        QVERIFY(!(*chip)->isChecked());
        QVERIFY(m_window->chatView()->player() == nullptr);
    }
    // The app stays usable after the refusal (the refused question stays, answerable later).
    m_window->newChatAction()->trigger();
    QVERIFY(controller.send(QStringLiteral("draw a small red circle"), {}));
    QVERIFY(waitForReply());
    QVERIFY(!controller.needsAnswer());
}

void GuiTest::imageAndSoundAnswerWithAnImage()
{
    // An audio-capable random model: tiny.json with audio.enabled, steered to answer with an image.
    QFile tiny(QStringLiteral(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json"));
    QVERIFY(tiny.open(QIODevice::ReadOnly));
    QJsonObject config = QJsonDocument::fromJson(tiny.readAll()).object();
    QJsonObject audio = config.value(QStringLiteral("audio")).toObject();
    audio.insert(QStringLiteral("enabled"), true);
    config.insert(QStringLiteral("audio"), audio);
    const QString configPath = m_tmp.filePath(QStringLiteral("tiny-audio.json"));
    QFile out(configPath);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(config).toJson());
    out.close();
    const QString audioModel = m_tmp.filePath(QStringLiteral("model-audio"));
    auto made = weft::initModel(configPath.toStdString(), audioModel.toStdString(), 11, tokenizerCorpus());
    QVERIFY2(made.ok(), made.ok() ? "" : made.error().message.c_str());
    const QString steeredDir = m_tmp.filePath(QStringLiteral("model-audio-image"));
    const std::string steered = writeImageSteeredModel(audioModel, steeredDir, configPath.toStdString());
    QVERIFY2(steered.empty(), steered.c_str());
    auto restoreModel = qScopeGuard([this] {
        if (!loadModelAndWait(m_modelDir))
            qWarning("could not reload the test model");
    });
    QVERIFY(loadModelAndWait(steeredDir));
    QVERIFY(m_engine->model().hasAudio);

    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    const QString image = writeSceneImage(m_tmp.filePath(QStringLiteral("sound-scene.png")));
    const QString wav = writeWavFixture(QStringLiteral("like-this.wav"), 1.5);
    QVERIFY(!wav.isEmpty());
    dropFiles(composer, {image, wav});
    QCOMPARE(composer->attachments().size(), 2);
    composer->setText(QStringLiteral("make it sound like this"));
    QTest::keyClick(composer->editor(), Qt::Key_Return);
    QVERIFY(controller.isGenerating());
    QVERIFY(waitForReply());
    QVERIFY2(controller.notice().isEmpty(), qPrintable(controller.notice()));
    const auto path = controller.current().tree.activePath();
    QCOMPARE(path.size(), std::size_t(2));
    const auto& question = controller.current().tree.node(path[0]).message;
    QCOMPARE(question.segments.size(), std::size_t(3));
    QCOMPARE(question.segments[0].kind, weft::SegmentKind::Image);
    QCOMPARE(question.segments[1].kind, weft::SegmentKind::Audio);
    QVERIFY(m_store->isMediaOf(controller.current().id, QString::fromStdString(question.segments[1].path)));
    QCOMPARE(QString::fromStdString(question.segments[2].text), QStringLiteral("make it sound like this"));
    const auto& answer = controller.current().tree.node(path[1]).message;
    QCOMPARE(answer.role, weft::Role::Assistant);
    QVERIFY(std::any_of(answer.segments.begin(), answer.segments.end(),
                        [](const weft::Segment& s) { return s.kind == weft::SegmentKind::Image && !s.image.empty(); }));
    // The chat shows the question's image, its sound chip with the duration, and the answer's image.
    const auto tiles = m_window->chatView()->findChildren<ImageTile*>();
    QVERIFY(tiles.size() >= 2);
    const auto chips = m_window->chatView()->findChildren<QPushButton*>();
    QVERIFY(std::any_of(chips.begin(), chips.end(), [](QPushButton* p) { return p->text().endsWith(QStringLiteral("· 1.5 s")); }));
    const QString shots = qEnvironmentVariable("WEFT_GUI_SHOTS");
    if (!shots.isEmpty()) {
        QTest::qWait(100); // the rebuilt canvas is laid out and scrolled on the next events
        m_window->grab().save(QDir(shots).filePath(QStringLiteral("chat-sound.png")));
    }
}

void GuiTest::emptyChatOffersStarters()
{
    ChatController& controller = m_window->controller();
    m_window->composer()->clear();
    m_window->newChatAction()->trigger();
    QVERIFY(controller.hasConversation());
    StarterPanel* panel = m_window->chatView()->starters();
    QVERIFY(panel->isVisible());
    QCOMPARE(panel->buttons().size(), 4);
    const auto labels = panel->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel* l) { return l->text().contains(QStringLiteral("weft-tiny knows only")); }));
    for (QPushButton* b : panel->buttons()) QVERIFY(!b->accessibleName().isEmpty());

    // The example-pair starter sends three pictures and "do the same" as one message.
    panel->buttons().at(2)->click();
    QVERIFY(controller.isGenerating());
    QVERIFY(!panel->isVisible());
    QVERIFY(waitForReply());
    const auto path = controller.current().tree.activePath();
    QVERIFY(path.size() >= 1);
    const auto& question = controller.current().tree.node(path[0]).message;
    QCOMPARE(question.segments.size(), std::size_t(4));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(question.segments[static_cast<std::size_t>(i)].kind, weft::SegmentKind::Image);
        QVERIFY(QFile::exists(QString::fromStdString(question.segments[static_cast<std::size_t>(i)].path)));
    }
    QCOMPARE(QString::fromStdString(question.segments[3].text), QStringLiteral("do the same"));

    // The sound starter sends a picture, a WAV and its request (this test model has no audio
    // encoder, so its answer is a failure notice; the question is kept either way).
    m_window->newChatAction()->trigger();
    QVERIFY(panel->isVisible());
    panel->buttons().at(3)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!controller.isGenerating(), 90000);
    const auto& withSound = controller.current().tree.node(controller.current().tree.activePath().at(0)).message;
    QCOMPARE(withSound.segments.size(), std::size_t(3));
    QCOMPARE(withSound.segments[1].kind, weft::SegmentKind::Audio);
    QVERIFY(QFile::exists(QString::fromStdString(withSound.segments[1].path)));
    QCOMPARE(QString::fromStdString(withSound.segments[2].text), QStringLiteral("make it sound like this"));
}

void GuiTest::launchFilesOpenInANewChat()
{
    // `weft picture.png sound.wav`: the files open in a new chat, attached in the composer and
    // not sent; a missing or unsupported file is reported by name, not attached.
    ChatController& controller = m_window->controller();
    Composer* composer = m_window->composer();
    composer->clear();
    const QString image = writeSceneImage(m_tmp.filePath(QStringLiteral("launch picture.png")));
    const QString sound = writeWavFixture(QStringLiteral("launch.wav"), 1.0);
    QVERIFY(!sound.isEmpty());
    const QString earlierId = m_store->create(QStringLiteral("earlier chat"));
    QVERIFY(!earlierId.isEmpty());
    StoredConversation earlier;
    QVERIFY(m_store->load(earlierId, earlier));
    weft::Message hello;
    hello.role = weft::Role::User;
    hello.segments.push_back(weft::Segment::makeText("hello"));
    earlier.tree.append(std::move(hello));
    QVERIFY(m_store->save(earlier));
    QVERIFY(controller.open(earlierId));

    const LaunchFilesResult opened = openLaunchFiles(*m_window, {image, QUrl::fromLocalFile(sound).toString()});
    QVERIFY2(opened.problems.isEmpty(), qPrintable(opened.problems.join(QLatin1Char('\n'))));
    QVERIFY(!opened.conversationId.isEmpty());
    QVERIFY(opened.conversationId != earlierId);
    QCOMPARE(controller.current().id, opened.conversationId);
    QVERIFY(controller.current().tree.isEmpty());
    QVERIFY(!controller.isGenerating());
    QCOMPARE(opened.attached, 2);
    QCOMPARE(composer->attachments().size(), 2);
    QCOMPARE(composer->attachments().at(0).kind, Attachment::Kind::Image);
    QCOMPARE(composer->attachments().at(0).sourcePath, QFileInfo(image).absoluteFilePath());
    QCOMPARE(composer->attachments().at(1).kind, Attachment::Kind::Audio);
    QCOMPARE(composer->attachments().at(1).sourcePath, QFileInfo(sound).absoluteFilePath());
    QVERIFY(std::abs(composer->attachments().at(1).seconds - 1.0) < 1e-6);
    QVERIFY(composer->lastMessage().isEmpty());

    // An open chat without messages is used instead of leaving another empty one behind.
    composer->clear();
    const LaunchFilesResult again = openLaunchFiles(*m_window, {image});
    QCOMPARE(again.conversationId, opened.conversationId);
    QCOMPARE(composer->attachments().size(), 1);

    // Nothing usable: both files are reported, nothing is attached and no chat is opened.
    composer->clear();
    QVERIFY(controller.open(earlierId));
    const QString missing = m_tmp.filePath(QStringLiteral("missing.png"));
    const QString notes = m_tmp.filePath(QStringLiteral("notes.xyz"));
    QFile notesFile(notes);
    QVERIFY(notesFile.open(QIODevice::WriteOnly));
    notesFile.write("not a picture");
    notesFile.close();
    const LaunchFilesResult refused = openLaunchFiles(*m_window, {missing, notes});
    QVERIFY(refused.conversationId.isEmpty());
    QCOMPARE(refused.attached, 0);
    QCOMPARE(refused.problems.size(), 2);
    QVERIFY2(refused.problems.at(0).contains(QStringLiteral("missing.png")), qPrintable(refused.problems.at(0)));
    QVERIFY2(refused.problems.at(1).contains(QStringLiteral("notes.xyz")), qPrintable(refused.problems.at(1)));
    QCOMPARE(controller.current().id, earlierId);
    QVERIFY(composer->attachments().isEmpty());
    QVERIFY(composer->lastMessage().contains(QStringLiteral("missing.png")));
    QVERIFY(composer->lastMessage().contains(QStringLiteral("notes.xyz")));

    // One good, one missing: the good one opens in a new chat, the other is reported.
    const LaunchFilesResult mixed = openLaunchFiles(*m_window, {missing, image});
    QVERIFY(!mixed.conversationId.isEmpty());
    QVERIFY(mixed.conversationId != earlierId);
    QCOMPARE(mixed.attached, 1);
    QCOMPARE(mixed.problems.size(), 1);
    QCOMPARE(composer->attachments().size(), 1);
    QVERIFY(composer->lastMessage().contains(QStringLiteral("missing.png")));
    QCOMPARE(openLaunchFiles(*m_window, {}).attached, 0);
    composer->clear();
}

namespace {

// The source lines under retrieved pictures on the canvas, top to bottom.
QList<QLabel*> sourceLabels(ChatView* view)
{
    QList<QLabel*> labels;
    for (QLabel* l : view->findChildren<QLabel*>(QStringLiteral("retrievedSource")))
        if (l->isVisibleTo(view))
            labels << l;
    std::sort(labels.begin(), labels.end(), [view](QLabel* a, QLabel* b) {
        return a->mapTo(view->widget(), QPoint()).y() < b->mapTo(view->widget(), QPoint()).y();
    });
    return labels;
}

} // namespace

void GuiTest::retrievalShowsItsSource()
{
    // A copy of the random model steered to answer with `ret` whenever there is a picture to
    // return: retrieval (GILL) then picks one of the conversation's pictures or the gallery's.
    const QString retrievalModel = m_tmp.filePath(QStringLiteral("model-retrieval"));
    const std::string steered = writeSteeredModel(m_modelDir, retrievalModel, &weft::VocabLayout::ret);
    QVERIFY2(steered.empty(), steered.c_str());
    QVERIFY(loadModelAndWait(retrievalModel));
    const QSize size = m_window->size();
    auto restore = qScopeGuard([this, size] {
        m_window->resize(size);
        if (!loadModelAndWait(m_modelDir))
            qWarning("could not reload the test model");
    });
    // Short enough that the question scrolls out of view below two answers.
    m_window->resize(900, 480);
    ChatController& controller = m_window->controller();
    Composer* composer = freshComposer();
    dropFiles(composer, {writeSceneImage(m_tmp.filePath(QStringLiteral("retrieval-scene.png")))});
    composer->setText(QStringLiteral("draw a small red circle in the center on a plain background"));
    QTest::keyClick(composer->editor(), Qt::Key_Return);
    QVERIFY(waitForReply());
    composer->setText(QStringLiteral("how many circles are there"));
    QTest::keyClick(composer->editor(), Qt::Key_Return);
    QVERIFY(waitForReply());
    QVERIFY2(controller.notice().isEmpty(), qPrintable(controller.notice()));

    // On disk: the answers refer to the question's file; media/ holds that one file, no copy.
    const QString id = controller.current().id;
    const auto& tree = controller.current().tree;
    const auto path = tree.activePath();
    QCOMPARE(path.size(), std::size_t(4));
    const QDateTime asked = tree.node(path[0]).time;
    QVERIFY(asked.isValid());
    const std::string source = tree.node(path[0]).message.segments.at(0).path;
    for (int answer : {path[1], path[3]}) {
        const weft::Segment& image = tree.node(answer).message.segments.at(0);
        QVERIFY(image.retrieved);
        QCOMPARE(image.retrievedFrom, 0); // equal pictures: the first candidate wins the tie
        QCOMPARE(image.path, source);
    }
    const QDir media(QDir(m_store->folderOf(id)).filePath(QStringLiteral("media")));
    QCOMPARE(media.entryList(QDir::Files).size(), 1);
    controller.flushSaves();
    QFile file(QDir(m_store->folderOf(id)).filePath(QStringLiteral("conversation.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray messages = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("messages")).toArray();
    const QJsonObject stored = messages.at(1).toObject().value(QStringLiteral("segments")).toArray().at(0).toObject();
    QCOMPARE(stored.value(QStringLiteral("image")),
             messages.at(0).toObject().value(QStringLiteral("segments")).toArray().at(0).toObject().value(QStringLiteral("image")));
    QCOMPARE(stored.value(QStringLiteral("retrieved")).toBool(false), true);
    QCOMPARE(stored.value(QStringLiteral("retrieved_from")).toInt(-1), 0);

    // On screen: each answer shows the picture with a link to the question; the link scrolls
    // the question, out of view at the end of the chat, to the top.
    ChatView* view = m_window->chatView();
    QTest::qWait(100); // laid out and scrolled to the end
    const QList<QLabel*> labels = sourceLabels(view);
    QCOMPARE(labels.size(), 2);
    const QString when = QLocale().toString(asked.toLocalTime().time(), QLocale::ShortFormat);
    QVERIFY2(labels[1]->text().contains(QStringLiteral("From your message of %1").arg(when)), qPrintable(labels[1]->text()));
    QVERIFY(labels[1]->accessibleName().contains(when));
    const auto tiles = view->findChildren<ImageTile*>();
    QVERIFY(std::any_of(tiles.begin(), tiles.end(), [](ImageTile* t) {
        const auto pictures = t->findChildren<QLabel*>();
        return std::any_of(pictures.begin(), pictures.end(),
                           [](QLabel* p) { return p->accessibleName() == QStringLiteral("Your earlier picture"); });
    }));
    QWidget* askedWidget = view->messageWidget(path[0]);
    QVERIFY(askedWidget);
    auto topInView = [&] { return askedWidget->mapTo(view->viewport(), QPoint()).y(); };
    // At the end of the chat, as after an answer (also when an earlier test left it elsewhere).
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
    QVERIFY2(topInView() < 0, qPrintable(QStringLiteral("question at %1, view %2 high, scroll range %3, window %4x%5")
                                             .arg(topInView()).arg(view->viewport()->height())
                                             .arg(view->verticalScrollBar()->maximum())
                                             .arg(m_window->width()).arg(m_window->height())));
    const QString href = QStringLiteral("#message-%1").arg(path[0]);
    QVERIFY(labels[1]->text().contains(href));
    emit labels[1]->linkActivated(href);
    QCOMPARE(topInView(), 0);
    const QString shots = qEnvironmentVariable("WEFT_GUI_SHOTS");
    if (!shots.isEmpty()) {
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
        m_window->grab().save(QDir(shots).filePath(QStringLiteral("chat-retrieval.png")));
    }

    // The gallery is fed from the conversation's other pictures: a new version of the question
    // without a picture still gets the first version's picture back, by reference.
    QVERIFY(controller.resendExamples(path[0], QStringLiteral("draw a small red circle in the center on a plain background"),
                                      {}, 0));
    QVERIFY(waitForReply());
    const auto branch = controller.current().tree.activePath();
    QCOMPARE(branch.size(), std::size_t(2));
    const weft::Segment& fromGallery = controller.current().tree.node(branch[1]).message.segments.at(0);
    QVERIFY(fromGallery.retrieved);
    QCOMPARE(fromGallery.retrievedFrom, 0); // the first gallery picture (this branch has none)
    QCOMPARE(fromGallery.path, source);
    QCOMPARE(media.entryList(QDir::Files).size(), 1);
    QTest::qWait(50);
    QCOMPARE(sourceLabels(view).size(), 1);
    QCOMPARE(sourceLabels(view)[0]->text(), QStringLiteral("↩ From another version of this chat"));

    // Reloaded: `retrieved`, its source and the question's time survive; a new window shows
    // the same lines.
    controller.flushSaves();
    ConversationStore reopenedStore(m_store->rootDir());
    StoredConversation reopened;
    QVERIFY(reopenedStore.load(id, reopened));
    for (int answer : {path[1], path[3], branch[1]}) {
        const weft::Segment& image = reopened.tree.node(answer).message.segments.at(0);
        QVERIFY(image.retrieved);
        QCOMPARE(image.retrievedFrom, 0);
        QCOMPARE(image.path, source);
    }
    QCOMPARE(reopened.tree.node(path[0]).time, asked);
    EngineHost idleEngine;
    MainWindow second(reopenedStore, idleEngine, m_settings);
    second.controller().open(id);
    QCOMPARE(sourceLabels(second.chatView()).size(), 1);
    second.controller().switchBranch(branch[0], -1);
    QTest::qWait(50);
    const QList<QLabel*> again = sourceLabels(second.chatView());
    QCOMPARE(again.size(), 2);
    QVERIFY2(again[0]->text().contains(QStringLiteral("From your message of %1").arg(when)), qPrintable(again[0]->text()));
}

void GuiTest::attachmentChipRemovesItself()
{
    // The strip's ✕ removes its own chip from inside its click; the others stay, in order.
    Composer* composer = freshComposer();
    const QString image = writeSceneImage(m_tmp.filePath(QStringLiteral("chip_image.png")));
    const QString sound = writeWavFixture(QStringLiteral("chip_sound.wav"), 0.5);
    QVERIFY(!sound.isEmpty());
    QCOMPARE(composer->addFiles({image, sound}), 2);
    auto* strip = composer->findChild<AttachmentStrip*>();
    QVERIFY(strip);
    QVERIFY(strip->isVisibleTo(composer));
    auto removeButton = [composer](const QString& name) -> QToolButton* {
        for (QToolButton* b : composer->findChildren<QToolButton*>()) {
            if (b->isVisibleTo(composer) && b->accessibleName() == QStringLiteral("Remove attachment ") + name)
                return b;
        }
        return nullptr;
    };
    QToolButton* first = removeButton(QStringLiteral("chip_image.png"));
    QVERIFY(first);
    QTest::mouseClick(first, Qt::LeftButton);
    QCOMPARE(composer->attachments().size(), 1);
    QCOMPARE(composer->attachments().first().name, QStringLiteral("chip_sound.wav"));
    QVERIFY(!removeButton(QStringLiteral("chip_image.png")));
    // New chips of a strip on screen are shown by their layout from the event loop.
    QToolButton* second = nullptr;
    QTRY_VERIFY((second = removeButton(QStringLiteral("chip_sound.wav"))) != nullptr);
    QTest::mouseClick(second, Qt::LeftButton);
    QVERIFY(composer->attachments().isEmpty());
    QVERIFY(!strip->isVisibleTo(composer));
    composer->clear();
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet("WEFT_GUI_INIT_MODEL")) {
        // Makes the same random model the tests use (for screenshots before a trained one exists).
        auto made = weft::initModel(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json",
                                    qEnvironmentVariable("WEFT_GUI_INIT_MODEL").toStdString(), 5, tokenizerCorpus());
        if (!made.ok())
            fprintf(stderr, "%s\n", made.error().message.c_str());
        return made.ok() ? 0 : 1;
    }
    if (qEnvironmentVariableIsSet("WEFT_GUI_SAVE_LOOP")) {
        QCoreApplication app(argc, argv);
        return saveLoop(qEnvironmentVariable("WEFT_GUI_SAVE_LOOP"));
    }
    QApplication app(argc, argv);
    GuiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_gui.moc"
