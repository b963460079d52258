// Reliability: input limits before decoding, faults injected into saving and generation, and a
// 1,000-turn load test through the real engine worker (docs/RELIABILITY.md lists each case).
//
// Faults are real and deterministic without root-only tricks (the tests run as root in CI,
// where permission bits stop nothing):
// - disk full: RLIMIT_FSIZE makes write() fail part-way through the file, as ENOSPC does (the
//   error is EFBIG; SIGXFSZ is ignored for the duration);
// - read-only folder: the store's root is a symlink that is switched to a regular file, so every
//   open() below it fails with ENOTDIR while the real folder keeps the last good copy; where
//   the process may set the immutable attribute (CAP_LINUX_IMMUTABLE), a genuinely read-only
//   conversation folder is tried as well;
// - engine throwing: a model copy whose output row for one token is NaN makes libtorch's
//   multinomial throw inside sampling (temperature > 0), after the prompt has been encoded.
// The load test runs only with WEFT_RELIABILITY_LOAD=1 (CTest: reliability_load, label slow).
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ui/attachment.h"
#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/image_tile.h"
#include "ui/main_window.h"
#include "weft/conversation.h"
#include "weft/media.h"
#include "weft/model.h"
// Engine internals (no torch): to edit the test model's weights.
#include "model_config.h"
#include "safetensors.h"

using namespace weft::ui;

namespace {

// A scripted conversation: the user turns of the load test, and the tokenizer's corpus.
std::vector<std::string> scriptLines()
{
    const char* asks[] = {"draw", "describe", "count", "colour", "move"};
    const char* things[] = {"a red ring", "two blue boxes", "the green star", "one small dot", "the big heart",
                            "a yellow cross", "three purple stripes"};
    const char* ends[] = {"please", "near the edge", "in the middle", "on grey paper"};
    std::vector<std::string> lines;
    for (const char* a : asks)
        for (const char* t : things)
            for (const char* e : ends)
                lines.push_back(std::string(a) + " " + t + " " + e);
    return lines;
}

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// A store root that can be made unwritable: `link` points at the folder `real`, or (to break
// every save, for root too) at the regular file `plain`.
struct BreakableRoot {
    QString real;
    QString link;
    QString plain;
    bool made = false;
};

BreakableRoot makeBreakableRoot(const QTemporaryDir& tmp, const QString& prefix)
{
    BreakableRoot r{tmp.filePath(prefix + QStringLiteral("-real")), tmp.filePath(prefix + QStringLiteral("-link")),
                    tmp.filePath(prefix + QStringLiteral("-plain-file"))};
    r.made = QDir().mkpath(r.real) && writeBytes(r.plain, "a regular file, not a folder") && QFile::link(r.real, r.link);
    return r;
}

// A BMP whose header declares width x height at 24 bits but holds no pixel data.
QByteArray bmpHeader(qint32 width, qint32 height)
{
    QByteArray b(54, '\0');
    auto put32 = [&](int at, quint32 v) {
        for (int i = 0; i < 4; ++i)
            b[at + i] = char((v >> (8 * i)) & 0xFF);
    };
    b[0] = 'B';
    b[1] = 'M';
    put32(2, 54 + quint32(width) * 3 * quint32(height));
    put32(10, 54);
    put32(14, 40);
    put32(18, quint32(width));
    put32(22, quint32(height));
    b[26] = 1;
    b[28] = 24;
    return b;
}

// Resident set size of this process in KiB (VmRSS of /proc/self/status), -1 when unknown.
long residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

// Copies the model folder with output.weight's row for `token` set to NaN: any sampling at
// temperature > 0 then throws inside libtorch (multinomial refuses NaN probabilities).
std::string writeNanModel(const QString& from, const QString& to, int token)
{
    namespace fs = std::filesystem;
    try {
        const auto config = weft::ModelConfig::read(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json");
        fs::create_directories(to.toStdString());
        for (const auto& f : fs::directory_iterator(from.toStdString()))
            fs::copy_file(f.path(), fs::path(to.toStdString()) / f.path().filename(), fs::copy_options::overwrite_existing);
        const auto file = weft::SafetensorsFile::read((fs::path(from.toStdString()) / "model.safetensors").string());
        weft::SafetensorsWriter writer;
        for (const auto& t : file.tensors()) {
            const std::uint8_t* p = file.data(t);
            std::vector<std::uint8_t> bytes(p, p + (t.end - t.begin));
            if (t.name == "output.weight") {
                float* v = reinterpret_cast<float*>(bytes.data());
                const int d = config.transformer.dModel;
                for (int i = 0; i < d; ++i)
                    v[token * d + i] = std::numeric_limits<float>::quiet_NaN();
            }
            writer.add(t.name, t.dtype, t.shape, bytes.data(), bytes.size());
        }
        for (const auto& [key, value] : file.metadata())
            writer.setMetadata(key, value);
        writer.write((fs::path(to.toStdString()) / "model.safetensors").string());
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

// Sets the immutable attribute of a folder (true on success); needs CAP_LINUX_IMMUTABLE.
bool setImmutable(const QString& folder, bool on)
{
    const int fd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return ok;
}

} // namespace

class ReliabilityTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void imageLimitsBeforeDecoding();
    void conversationFileSizeLimits();
    void textLengthPerMessage();
    void diskFullDuringSave();
    void readOnlyFolderDuringSave();
    void failedSaveIsRetriedAndQuitAsks();
    void corruptAndFutureFilesAreLeftAlone();
    void missingAttachmentIsAPlaceholder();
    void engineThrowingDuringGeneration();
    void quittingMidGeneration();
    void loadThousandTurns();

private:
    bool loadModel(EngineHost& engine, const QString& directory);
    bool waitForReply(ChatController& controller, int timeoutMs = 90000);
    QString savedTitleChange(ChatController& controller, const QString& title);

    QTemporaryDir m_tmp;
    QString m_modelDir;
    AppSettings m_settings;
};

void ReliabilityTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
    m_modelDir = m_tmp.filePath(QStringLiteral("model"));
    std::vector<std::string> corpus = scriptLines();
    corpus.push_back("describe this image");
    auto made = weft::initModel(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json", m_modelDir.toStdString(), 9, corpus);
    QVERIFY2(made.ok(), made.ok() ? "" : made.error().message.c_str());
    m_settings.modelDirectory = m_modelDir;
    m_settings.device = QStringLiteral("cpu");
    m_settings.threads = 1;
    m_settings.temperature = 1.0;
    m_settings.topK = 0;
    m_settings.guidanceScale = 1.0;
    m_settings.maxTextTokens = 6;
}

void ReliabilityTest::cleanupTestCase() {}

bool ReliabilityTest::loadModel(EngineHost& engine, const QString& directory)
{
    QSignalSpy loaded(&engine, &EngineHost::modelLoaded);
    QSignalSpy failed(&engine, &EngineHost::modelLoadFailed);
    engine.loadModel(directory, m_settings.device, m_settings.threads);
    if (!QTest::qWaitFor([&] { return loaded.count() + failed.count() > 0; }, 120000))
        return false;
    return !loaded.isEmpty() && engine.isModelLoaded();
}

bool ReliabilityTest::waitForReply(ChatController& controller, int timeoutMs)
{
    QSignalSpy done(&controller, &ChatController::replyCompleted);
    if (!controller.isGenerating())
        return true;
    return done.wait(timeoutMs);
}

void ReliabilityTest::imageLimitsBeforeDecoding()
{
    // Qt's own allocation cap is set explicitly, from the pixel cap (40 Mpixel * 4 bytes).
    QCOMPARE(imageAllocationLimitMiB(), 153);
    applyImageAllocationLimit();
    QCOMPARE(QImageReader::allocationLimit(), 153);
    // ...and it holds on its own: a header declaring 3000 x 3000 pixels (36 MB decoded) under a
    // 4 MiB cap is refused by Qt's reader without decoding.
    const QString big = m_tmp.filePath(QStringLiteral("big.bmp"));
    QVERIFY(writeBytes(big, bmpHeader(3000, 3000)));
    AttachmentLimits oneMegapixel;
    oneMegapixel.maxImagePixels = 1000 * 1000;
    applyImageAllocationLimit(oneMegapixel);
    QCOMPARE(QImageReader::allocationLimit(), 4);
    {
        QImageReader reader(big);
        QCOMPARE(reader.size(), QSize(3000, 3000));
        QVERIFY(reader.read().isNull());
    }
    applyImageAllocationLimit();

    // Over the pixel cap by the header (10000 x 5000 = 50 Mpixel, a 54-byte file): refused
    // by the attachment check, the display reader and the engine, each before decoding.
    const QString huge = m_tmp.filePath(QStringLiteral("huge.bmp"));
    QVERIFY(writeBytes(huge, bmpHeader(10000, 5000)));
    Attachment attachment;
    QString error;
    QVERIFY(!attachmentFromFile(huge, attachment, error));
    QVERIFY2(error.contains(QStringLiteral("too many pixels")), qPrintable(error));
    QVERIFY(readImageCapped(huge).isNull());
    auto engine = weft::loadImageFile(huge.toStdString());
    QVERIFY(!engine.ok());
    QCOMPARE(engine.error().code, weft::ErrorCode::LimitExceeded);
    QVERIFY2(engine.error().message.find("exceeds the cap") != std::string::npos, engine.error().message.c_str());

    // Over the file-size cap (sparse file, nothing read): refused on its size.
    const QString heavy = m_tmp.filePath(QStringLiteral("heavy.png"));
    QFile h(heavy);
    QVERIFY(h.open(QIODevice::WriteOnly));
    QVERIFY(h.resize(70LL * 1024 * 1024));
    h.close();
    QVERIFY(!attachmentFromFile(heavy, attachment, error));
    QVERIFY2(error.contains(QStringLiteral("too large")), qPrintable(error));
    QVERIFY(readImageCapped(heavy).isNull());
    auto engineHeavy = weft::loadImageFile(heavy.toStdString());
    QCOMPARE(engineHeavy.error().code, weft::ErrorCode::LimitExceeded);

    // A normal image still reads through the same path.
    const QString small = m_tmp.filePath(QStringLiteral("small.png"));
    QImage ok(32, 16, QImage::Format_RGB32);
    ok.fill(Qt::blue);
    QVERIFY(ok.save(small));
    QCOMPARE(readImageCapped(small).size(), QSize(32, 16));
}

void ReliabilityTest::conversationFileSizeLimits()
{
    // The engine refuses a conversation file over 16 MiB before reading it (sparse file).
    const QString sparse = m_tmp.filePath(QStringLiteral("sparse.json"));
    QFile s(sparse);
    QVERIFY(s.open(QIODevice::WriteOnly));
    QVERIFY(s.resize(17LL * 1024 * 1024));
    s.close();
    auto read = weft::readConversationFile(sparse.toStdString());
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, weft::ErrorCode::LimitExceeded);

    // The app refuses a branches.json over 64 MiB, falls back to conversation.json, and does not
    // touch the oversized file.
    ConversationStore store(m_tmp.filePath(QStringLiteral("sizes")));
    const QString id = store.create(QStringLiteral("sizes"));
    QVERIFY(!id.isEmpty());
    StoredConversation c;
    QVERIFY(store.load(id, c));
    weft::Message m;
    m.segments.push_back(weft::Segment::makeText("kept in conversation.json"));
    c.tree.append(std::move(m));
    QVERIFY(store.save(c));
    const QString branches = QDir(store.folderOf(id)).filePath(QStringLiteral("branches.json"));
    QFile b(branches);
    QVERIFY(b.open(QIODevice::ReadWrite));
    QVERIFY(b.resize(ConversationStore::kMaxBranchesBytes + 1));
    b.close();
    StoredConversation fallback;
    QVERIFY(store.load(id, fallback));
    QCOMPARE(QString::fromStdString(fallback.tree.activeMessages().at(0).joinedText()),
             QStringLiteral("kept in conversation.json"));
    QCOMPARE(QFileInfo(branches).size(), ConversationStore::kMaxBranchesBytes + 1);
}

void ReliabilityTest::textLengthPerMessage()
{
    // Conversation files cap a text segment at 64 KiB; the composer's send refuses more than
    // 60 KiB (room for encoding) and keeps nothing of the refused message.
    ConversationStore store(m_tmp.filePath(QStringLiteral("text")));
    EngineHost engine;
    ChatController controller(store, engine);
    QSignalSpy errors(&controller, &ChatController::errorOccurred);
    QVERIFY(!controller.send(QString(61 * 1024, QLatin1Char('a')), {}));
    QVERIFY(!errors.isEmpty());
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("too long")), qPrintable(errors.last().first().toString()));
    QVERIFY(controller.current().tree.activePath().empty());
    // The engine's parser refuses a longer text segment in a file, naming the cap.
    const std::string json = R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":")" +
                             std::string(65 * 1024 + 1, 'a') + R"("}]}]})";
    auto parsed = weft::parseConversation(json, m_tmp.path().toStdString());
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, weft::ErrorCode::LimitExceeded);
}

QString ReliabilityTest::savedTitleChange(ChatController& controller, const QString& title)
{
    // Renaming saves through the same path as a turn (prepare, then the writer thread).
    QSignalSpy saved(&controller, &ChatController::conversationSaved);
    QSignalSpy errors(&controller, &ChatController::errorOccurred);
    controller.rename(title);
    controller.flushSaves();
    if (!QTest::qWaitFor([&] { return saved.count() + errors.count() > 0; }, 5000))
        return QStringLiteral("no answer from the writer");
    return errors.isEmpty() ? QString() : errors.last().first().toString();
}

void ReliabilityTest::diskFullDuringSave()
{
    ConversationStore store(m_tmp.filePath(QStringLiteral("full")));
    EngineHost engine;
    ChatController controller(store, engine);
    QVERIFY(!controller.createNew().isEmpty());
    QVERIFY(savedTitleChange(controller, QStringLiteral("last good title")).isEmpty());
    const QString folder = store.folderOf(controller.current().id);
    const QString branches = QDir(folder).filePath(QStringLiteral("branches.json"));
    const QString linear = QDir(folder).filePath(QStringLiteral("conversation.json"));
    const QByteArray goodBranches = readBytes(branches);
    const QByteArray goodLinear = readBytes(linear);
    QVERIFY(!goodBranches.isEmpty() && !goodLinear.isEmpty());

    // Writes past 1 KiB of any file fail from now on; the next save is ~5 KiB.
    rlimit saved{};
    QVERIFY(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 1024;
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    auto restore = qScopeGuard([&] {
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, oldHandler);
    });
    const QString error = savedTitleChange(controller, QString(5000, QLatin1Char('t')));
    restore.dismiss();
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, oldHandler);

    QVERIFY2(error.contains(QStringLiteral("Saving failed, the previous copy is kept")),
             qPrintable(QStringLiteral("%1 (branches.json now %2 bytes)").arg(error).arg(QFileInfo(branches).size())));
    QVERIFY(controller.notice().contains(QStringLiteral("Saving failed")));
    QCOMPARE(readBytes(branches), goodBranches);
    QCOMPARE(readBytes(linear), goodLinear);
    QCOMPARE(QDir(folder).entryList({QStringLiteral("*.json.*")}, QDir::Files | QDir::Hidden), QStringList());
    // With space again the next save succeeds and carries the change made meanwhile.
    QVERIFY(savedTitleChange(controller, QStringLiteral("after the disk was freed")).isEmpty());
    StoredConversation reopened;
    QVERIFY(store.load(controller.current().id, reopened));
    QCOMPARE(reopened.title, QStringLiteral("after the disk was freed"));
}

void ReliabilityTest::readOnlyFolderDuringSave()
{
    // The store's root is a symlink to the real folder; pointing it at a regular file makes the
    // conversation's folder unwritable (ENOTDIR) for root too, while the good copy stays put.
    const BreakableRoot root = makeBreakableRoot(m_tmp, QStringLiteral("ro"));
    QVERIFY(root.made);
    const QString& real = root.real;
    const QString& link = root.link;
    const QString& plain = root.plain;
    ConversationStore store(link);
    EngineHost engine;
    ChatController controller(store, engine);
    const QString id = controller.createNew();
    QVERIFY(!id.isEmpty());
    QVERIFY(savedTitleChange(controller, QStringLiteral("last good title")).isEmpty());
    const QString folder = QDir(real).filePath(id);
    const QByteArray goodBranches = readBytes(QDir(folder).filePath(QStringLiteral("branches.json")));
    const QByteArray goodLinear = readBytes(QDir(folder).filePath(QStringLiteral("conversation.json")));
    QVERIFY(goodBranches.contains("last good title"));

    QVERIFY(QFile::remove(link));
    QVERIFY(QFile::link(plain, link));
    const QString error = savedTitleChange(controller, QStringLiteral("cannot be written"));
    QVERIFY2(error.contains(QStringLiteral("Saving failed, the previous copy is kept")), qPrintable(error));
    QCOMPARE(readBytes(QDir(folder).filePath(QStringLiteral("branches.json"))), goodBranches);
    QCOMPARE(readBytes(QDir(folder).filePath(QStringLiteral("conversation.json"))), goodLinear);
    QVERIFY(QFile::remove(link));
    QVERIFY(QFile::link(real, link));
    QVERIFY(savedTitleChange(controller, QStringLiteral("writable again")).isEmpty());

    // A genuinely read-only folder, where this process may make one (immutable attribute).
    if (!setImmutable(folder, true)) {
        qInfo("immutable folders are not available here (no CAP_LINUX_IMMUTABLE); checked the symlink case only");
        return;
    }
    auto unlock = qScopeGuard([&] { setImmutable(folder, false); });
    const QByteArray before = readBytes(QDir(folder).filePath(QStringLiteral("branches.json")));
    const QString roError = savedTitleChange(controller, QStringLiteral("read-only folder"));
    QVERIFY2(roError.contains(QStringLiteral("Saving failed, the previous copy is kept")), qPrintable(roError));
    QCOMPARE(readBytes(QDir(folder).filePath(QStringLiteral("branches.json"))), before);
    QVERIFY(before.contains("writable again"));
}

namespace {

// Answers the next modal QMessageBox by clicking the button whose text starts with `button`,
// after running `before`. Records the buttons it offered in `offered`.
void answerNextBox(const QString& button, QStringList* offered, std::function<void()> before = {})
{
    auto* poll = new QTimer;
    QObject::connect(poll, &QTimer::timeout, poll, [=] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        poll->stop();
        poll->deleteLater();
        if (before)
            before();
        QAbstractButton* chosen = nullptr;
        for (QAbstractButton* b : box->buttons()) {
            offered->append(b->text());
            if (b->text().startsWith(button))
                chosen = b;
        }
        if (chosen)
            chosen->click();
        else
            box->reject();
    });
    poll->start(20);
}

} // namespace

void ReliabilityTest::failedSaveIsRetriedAndQuitAsks()
{
    // As in readOnlyFolderDuringSave: a symlinked root pointed at a regular file makes every
    // save fail (for root too) while the last good copy stays; pointing it back mends the disk.
    const BreakableRoot root = makeBreakableRoot(m_tmp, QStringLiteral("retry"));
    QVERIFY(root.made);
    const QString& real = root.real;
    auto breakDisk = [&](bool broken) {
        QFile::remove(root.link);
        return QFile::link(broken ? root.plain : root.real, root.link);
    };
    ConversationStore store(root.link);
    EngineHost engine;
    MainWindow window(store, engine, m_settings);
    window.show();
    ChatController& controller = window.controller();
    const QString id = controller.createNew();
    QVERIFY(!id.isEmpty());
    QVERIFY(savedTitleChange(controller, QStringLiteral("last good title")).isEmpty());
    const QString branches = QDir(QDir(real).filePath(id)).filePath(QStringLiteral("branches.json"));

    // A failed save: the marker shows, and once the disk is back the retry saves it by itself.
    QVERIFY(breakDisk(true));
    QVERIFY(savedTitleChange(controller, QStringLiteral("changed while broken")).contains(QStringLiteral("Saving failed")));
    QVERIFY(controller.hasUnsaved());
    QVERIFY(window.isWindowModified());
    QVERIFY(window.unsavedMarker()->isVisibleTo(&window));
    QVERIFY2(window.unsavedMarker()->text().contains(QStringLiteral("Not saved")), qPrintable(window.unsavedMarker()->text()));
    QVERIFY(breakDisk(false));
    QTRY_VERIFY_WITH_TIMEOUT(!controller.hasUnsaved(), 10000);
    QVERIFY(readBytes(branches).contains("changed while broken"));
    QVERIFY(!window.isWindowModified());
    QVERIFY(!window.unsavedMarker()->isVisibleTo(&window));
    QVERIFY(controller.notice().isEmpty());

    // Closing with an unsaved change asks; Cancel keeps the window, Retry saves and closes.
    QVERIFY(breakDisk(true));
    QVERIFY(!savedTitleChange(controller, QStringLiteral("second change")).isEmpty());
    QStringList offered;
    answerNextBox(QStringLiteral("Cancel"), &offered);
    QVERIFY(!window.close());
    QVERIFY(window.isVisible());
    QVERIFY(offered.contains(QStringLiteral("Retry")));
    QVERIFY(offered.contains(QStringLiteral("Save a copy elsewhere…")));
    QVERIFY(offered.contains(QStringLiteral("Quit anyway")));
    answerNextBox(QStringLiteral("Retry"), &offered, [&] { breakDisk(false); });
    QVERIFY(window.close());
    QVERIFY(readBytes(branches).contains("second change"));
    QVERIFY(!controller.hasUnsaved());

    // A copy elsewhere holds the change that the real folder could not take.
    window.show();
    QVERIFY(breakDisk(true));
    QVERIFY(!savedTitleChange(controller, QStringLiteral("third change")).isEmpty());
    const QString elsewhere = m_tmp.filePath(QStringLiteral("retry-copy"));
    QVERIFY(controller.saveUnsavedCopies(elsewhere));
    QVERIFY(readBytes(QDir(QDir(elsewhere).filePath(id)).filePath(QStringLiteral("branches.json"))).contains("third change"));
    StoredConversation copy;
    QVERIFY(ConversationStore(elsewhere).load(id, copy));
    QCOMPARE(copy.title, QStringLiteral("third change"));
    // Quit anyway closes and leaves the last good copy as it was.
    answerNextBox(QStringLiteral("Quit anyway"), &offered);
    QVERIFY(window.close());
    QVERIFY(readBytes(branches).contains("second change"));
    QVERIFY(breakDisk(false));
}

void ReliabilityTest::corruptAndFutureFilesAreLeftAlone()
{
    const QString root = m_tmp.filePath(QStringLiteral("mixed"));
    ConversationStore store(root);
    QString ids[3];
    for (int i = 0; i < 3; ++i) {
        ids[i] = store.create(QStringLiteral("chat %1").arg(i));
        QVERIFY(!ids[i].isEmpty());
        StoredConversation c;
        QVERIFY(store.load(ids[i], c));
        weft::Message m;
        m.segments.push_back(weft::Segment::makeText("question " + std::to_string(i)));
        c.tree.append(std::move(m));
        QVERIFY(store.save(c));
    }
    auto file = [&](int i, const char* name) { return QDir(store.folderOf(ids[i])).filePath(QLatin1String(name)); };
    // 1: corrupt (both files), 2: written by a future version (both files).
    QVERIFY(writeBytes(file(1, "branches.json"), QByteArray("{\"format\":\"weft-branches\",\"nodes\":[{\x01\xff")));
    QVERIFY(writeBytes(file(1, "conversation.json"), QByteArray("\x89PNG not json at all")));
    QByteArray future = readBytes(file(2, "branches.json"));
    QVERIFY(future.contains("\"version\":1"));
    future.replace("\"version\":1", "\"version\":7");
    QVERIFY(writeBytes(file(2, "branches.json"), future));
    QByteArray futureLinear = readBytes(file(2, "conversation.json"));
    futureLinear.replace(QRegularExpression(QStringLiteral("\"version\"\\s*:\\s*1")).match(QString::fromUtf8(futureLinear)).captured(0).toUtf8(),
                         "\"version\": 7");
    QVERIFY(writeBytes(file(2, "conversation.json"), futureLinear));
    QByteArray before[3][2];
    for (int i = 0; i < 3; ++i) {
        before[i][0] = readBytes(file(i, "branches.json"));
        before[i][1] = readBytes(file(i, "conversation.json"));
    }

    StoredConversation c;
    QString error;
    QVERIFY(!store.load(ids[1], c, &error));
    QVERIFY(!store.load(ids[2], c, &error));
    QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
    auto engineRead = weft::readConversationFile(file(2, "conversation.json").toStdString());
    QCOMPARE(engineRead.error().code, weft::ErrorCode::UnsupportedVersion);

    // The whole app over that folder: the good one opens, saves, and the others stay untouched.
    {
        EngineHost engine;
        MainWindow window(store, engine, m_settings);
        window.show();
        QVERIFY(window.controller().open(ids[0]));
        QCOMPARE(QString::fromStdString(window.controller().current().tree.activeMessages().at(0).joinedText()),
                 QStringLiteral("question 0"));
        QVERIFY(!window.controller().open(ids[1]));
        QVERIFY(!window.controller().open(ids[2]));
        QVERIFY(window.controller().open(ids[0]));
        QVERIFY(window.controller().rename(QStringLiteral("still fine")));
        window.controller().flushSaves();
    }
    for (int i = 1; i < 3; ++i) {
        QCOMPARE(readBytes(file(i, "branches.json")), before[i][0]);
        QCOMPARE(readBytes(file(i, "conversation.json")), before[i][1]);
    }
    QVERIFY(store.load(ids[0], c));
    QCOMPARE(c.title, QStringLiteral("still fine"));
}

void ReliabilityTest::missingAttachmentIsAPlaceholder()
{
    ConversationStore store(m_tmp.filePath(QStringLiteral("missing")));
    const QString id = store.create(QStringLiteral("missing media"));
    StoredConversation c;
    QVERIFY(store.load(id, c));
    const QString png = QDir(store.folderOf(id)).filePath(QStringLiteral("media/gone.png"));
    QVERIFY(QDir().mkpath(QFileInfo(png).path()));
    QImage image(16, 16, QImage::Format_RGB32);
    image.fill(Qt::red);
    QVERIFY(image.save(png));
    weft::Message m;
    m.segments.push_back(weft::Segment::makeImage({}, png.toStdString()));
    m.segments.push_back(weft::Segment::makeText("describe this image"));
    c.tree.append(std::move(m));
    QVERIFY(store.save(c));
    QVERIFY(QFile::remove(png));

    EngineHost engine;
    MainWindow window(store, engine, m_settings);
    window.show();
    QVERIFY(window.controller().open(id));
    QCOMPARE(window.chatView()->findChildren<ImageTile*>().size(), 0);
    const auto labels = window.chatView()->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel* l) { return l->text().contains(QStringLiteral("image missing")) && l->text().contains(QStringLiteral("gone.png")); }));
    // Answering it names the missing file instead of failing silently or crashing; the app
    // then answers a new chat.
    QVERIFY(loadModel(engine, m_modelDir));
    QVERIFY(window.controller().retry());
    QVERIFY(waitForReply(window.controller()));
    QVERIFY2(window.controller().notice().contains(QStringLiteral("gone.png")), qPrintable(window.controller().notice()));
    QVERIFY(window.chatView()->noticeLabel()->isVisibleTo(&window));
    QVERIFY(!window.controller().createNew().isEmpty());
    QVERIFY(window.controller().send(QStringLiteral("draw a red ring please"), {}));
    QVERIFY(waitForReply(window.controller()));
    QVERIFY(!window.controller().needsAnswer());
}

void ReliabilityTest::engineThrowingDuringGeneration()
{
    const weft::ModelConfig config = weft::ModelConfig::read(WEFT_SOURCE_DIR "/tests/data/configs/tiny.json");
    const QString nanModel = m_tmp.filePath(QStringLiteral("model-nan"));
    const std::string made = writeNanModel(m_modelDir, nanModel, 5);
    QVERIFY2(made.empty(), made.c_str());
    QVERIFY(5 < config.vocab.textVocab);

    ConversationStore store(m_tmp.filePath(QStringLiteral("throwing")));
    EngineHost engine;
    MainWindow window(store, engine, m_settings);
    window.show();
    QVERIFY(loadModel(engine, nanModel));
    ChatController& controller = window.controller();
    QSignalSpy progress(&engine, &EngineHost::progress);
    QSignalSpy completed(&controller, &ChatController::replyCompleted);
    QVERIFY(controller.send(QStringLiteral("count the green star please"), {}));
    QVERIFY(waitForReply(controller));
    QCOMPARE(completed.count(), 1);
    QCOMPARE(completed.first().first().toBool(), false);
    QVERIFY(!progress.isEmpty()); // it failed during generation, after encoding started
    QVERIFY2(controller.notice().contains(QStringLiteral("The engine could not answer")), qPrintable(controller.notice()));
    QVERIFY(window.chatView()->noticeLabel()->isVisibleTo(&window));
    QVERIFY(controller.needsAnswer()); // the question is kept
    QVERIFY(!controller.isGenerating());

    // Still usable: greedy decoding does not sample, so the same model answers the retry.
    AppSettings greedy = m_settings;
    greedy.temperature = 0.0;
    controller.setSettings(greedy);
    QVERIFY(controller.retry());
    QVERIFY(waitForReply(controller));
    QCOMPARE(completed.count(), 2);
    QCOMPARE(completed.last().first().toBool(), true);
    QVERIFY(!controller.needsAnswer());
}

void ReliabilityTest::quittingMidGeneration()
{
    ConversationStore store(m_tmp.filePath(QStringLiteral("quitting")));
    auto engine = std::make_unique<EngineHost>();
    AppSettings longAnswers = m_settings;
    longAnswers.maxTextTokens = 400;
    longAnswers.guidanceScale = 2.0;
    auto window = std::make_unique<MainWindow>(store, *engine, longAnswers);
    window->show();
    QVERIFY(loadModel(*engine, m_modelDir));
    bool joined = false;
    connect(engine->workerThread(), &QThread::finished, engine->workerThread(), [&joined] { joined = true; },
            Qt::DirectConnection);
    QSignalSpy progress(engine.get(), &EngineHost::progress);
    QVERIFY(window->controller().send(QStringLiteral("draw the big heart in the middle"), {}));
    QVERIFY(progress.wait(30000));
    const QString id = window->controller().current().id;
    QElapsedTimer clock;
    clock.start();
    window.reset();
    engine.reset(); // raises every cancel flag and joins the engine thread
    const qint64 ms = clock.elapsed();
    qInfo("shutdown during generation took %lld ms", ms);
    QVERIFY(joined);
    QVERIFY2(ms < 5000, qPrintable(QStringLiteral("shutdown took %1 ms").arg(ms)));
    // The question was saved before the engine saw it; reopening offers Retry.
    StoredConversation reopened;
    QVERIFY(store.load(id, reopened));
    QCOMPARE(reopened.tree.activePath().size(), std::size_t(1));
    QCOMPARE(reopened.tree.node(reopened.tree.activeLeaf()).message.role, weft::Role::User);
}

void ReliabilityTest::loadThousandTurns()
{
    if (qEnvironmentVariable("WEFT_RELIABILITY_LOAD") != QLatin1String("1"))
        QSKIP("the 1,000-turn load test runs as reliability_load (label slow, WEFT_RELIABILITY_LOAD=1)");
    const int turns = WEFT_TEST_SANITIZED ? 200 : 1000;
    // Uncompressed prompts (the default since tiny10h) reach the allocator's plateau later:
    // after 100 turns RSS was 209,376 KiB against 223,864 KiB with compression, and both
    // ended near 234,500 KiB. After 200 turns it was usually ~222,000 KiB, but one run on a
    // clean clone read 208,788 KiB there and still ended at 234,528 KiB (+12.3%), so growth is
    // measured over the second half of the run, after the plateau.
    const int warmUp = turns / 2;
    ConversationStore store(m_tmp.filePath(QStringLiteral("load")));
    EngineHost engine;
    ChatController controller(store, engine);
    AppSettings settings = m_settings;
    settings.maxTextTokens = 4;
    controller.setSettings(settings);
    QVERIFY(loadModel(engine, m_modelDir));
    QVERIFY(!controller.createNew().isEmpty());
    const std::vector<std::string> script = scriptLines();
    QSignalSpy completed(&controller, &ChatController::replyCompleted);
    QSignalSpy errors(&controller, &ChatController::errorOccurred);
    long warmRss = -1;
    QElapsedTimer clock;
    clock.start();
    int shortened = 0;
    for (int turn = 0; turn < turns; ++turn) {
        const QString text = QString::fromStdString(script[std::size_t(turn) % script.size()]);
        QVERIFY2(controller.send(text, {}), qPrintable(QStringLiteral("turn %1 was refused").arg(turn)));
        QVERIFY2(waitForReply(controller), qPrintable(QStringLiteral("turn %1 timed out").arg(turn)));
        QVERIFY2(!controller.needsAnswer(), qPrintable(QStringLiteral("turn %1: %2").arg(turn).arg(controller.notice())));
        if (controller.notice().contains(QStringLiteral("oldest")))
            ++shortened;
        if (turn + 1 == warmUp) {
            controller.flushSaves();
            warmRss = residentKiB();
        }
    }
    controller.flushSaves();
    const long endRss = residentKiB();
    QCOMPARE(int(completed.count()), turns);
    for (const auto& c : completed)
        QVERIFY(c.first().toBool());
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    StoredConversation onDisk;
    QVERIFY(store.load(controller.current().id, onDisk));
    QCOMPARE(onDisk.tree.activePath().size(), std::size_t(2 * turns));
    const double growth = double(endRss - warmRss) / double(warmRss);
    qInfo("load test: %d turns in %.1f s; RSS after %d turns %ld KiB, at the end %ld KiB (%+.1f%%); "
          "%d answers saw a shortened conversation",
          turns, clock.elapsed() / 1000.0, warmUp, warmRss, endRss, growth * 100.0, shortened);
    QVERIFY(warmRss > 0 && endRss > 0);
    QVERIFY2(std::abs(growth) <= 0.10, qPrintable(QStringLiteral("RSS changed by %1%").arg(growth * 100.0)));
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    ReliabilityTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_reliability.moc"
