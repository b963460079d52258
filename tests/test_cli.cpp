// weft-cli end to end: init-model, info, reply (run as a separate process with QProcess).
#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "weft/conversation.h"
#include "weft/media.h"
#include "weft/model.h"

using namespace weft;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList& args, int timeoutMs = 240000)
{
    QProcess p;
    p.start(QStringLiteral(WEFT_CLI_PATH), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2; // -2: crashed
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QStringList nonEmptyLines(const QString& s)
{
    return s.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

Image scene()
{
    Image img;
    img.width = img.height = 64;
    img.rgb.assign(64 * 64 * 3, 0);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            auto* p = img.pixel(x, y);
            const bool inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 49;
            p[0] = inside ? 220 : 40;
            p[1] = inside ? 40 : 80;
            p[2] = inside ? 40 : 220;
        }
    return img;
}

bool writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_model;

    QString at(const QString& name) const { return m_tmp.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY(QFile::exists(QStringLiteral(WEFT_CLI_PATH)));
        m_model = at(QStringLiteral("model"));
        const Run r = runCli({QStringLiteral("init-model"), QStringLiteral("--config"),
                              QStringLiteral(WEFT_TEST_DATA_DIR "/configs/tiny.json"), QStringLiteral("--out"), m_model,
                              QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--corpus-sentences"),
                              QStringLiteral("3000")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* f : {"config.json", "model.safetensors", "tokenizer.model", "MODEL_CARD.md"})
            QVERIFY2(QFile::exists(m_model + QLatin1Char('/') + QLatin1String(f)), f);
    }

    void helpOnEveryCommand()
    {
        for (const char* cmd : {"info", "init-model", "reply"}) {
            const Run r = runCli({QLatin1String(cmd), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(QStringLiteral("--")));
        }
        const Run reply = runCli({QStringLiteral("reply"), QStringLiteral("--help")});
        for (const char* opt :
             {"--out", "--model", "--seed", "--temperature", "--top-k", "--guidance", "--compress", "--no-compress"})
            QVERIFY2(reply.out.contains(QLatin1String(opt)), opt);
    }

    // The embedded model's codec (a patch dictionary) gives a world picture back pixel for
    // pixel; a file that is no image gets one line on stderr and the rest still run.
    void codecRoundTripWritesOneImagePerInput()
    {
        const QString picture = at(QStringLiteral("roundtrip-scene.png"));
        const Run drawn = runCli({QStringLiteral("world"), QStringLiteral("draw"),
                                  QStringLiteral("a large red heart at the top, a small blue star in the center on a "
                                                 "green grid background"),
                                  QStringLiteral("-o"), picture});
        QVERIFY2(drawn.exitCode == 0, qPrintable(drawn.err));
        const QString bad = at(QStringLiteral("not-an-image.png"));
        QVERIFY(writeText(bad, "hello"));
        const QString out = at(QStringLiteral("roundtrip-out"));
        const Run r = runCli({QStringLiteral("codec"), QStringLiteral("roundtrip"), picture, bad, QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(nonEmptyLines(r.err).size(), 1);
        QVERIFY(r.err.startsWith(bad + QStringLiteral(": ")));
        const auto original = loadImageFile(picture.toStdString());
        const auto back = loadImageFile((out + QStringLiteral("/roundtrip-scene.png")).toStdString());
        QVERIFY(original.ok() && back.ok());
        QCOMPARE(back.value().width, original.value().width);
        QCOMPARE(back.value().height, original.value().height);
        QVERIFY(back.value().rgb == original.value().rgb); // the patch dictionary is exact on world scenes
        QVERIFY(!QFile::exists(out + QStringLiteral("/not-an-image.png")));
    }

    void infoPrintsParameterCount()
    {
        const Run r = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto loaded = Model::load(m_model.toStdString());
        QVERIFY(loaded.ok());
        const ModelInfo& info = loaded.value()->info();
        QVERIFY(info.parameterCount > 0);
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("parameters:\\s+%1\\n").arg(info.parameterCount))),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QString::fromStdString(info.sha256)));
        QVERIFY(r.out.contains(QStringLiteral("weft-test-tiny")));
    }

    void infoOnBadFolders()
    {
        QDir().mkpath(at(QStringLiteral("empty")));
        QDir().mkpath(at(QStringLiteral("broken")));
        QVERIFY(writeText(at(QStringLiteral("broken/config.json")), "{\"format\": \"weft-model\", \"version\": 1,"));
        for (const QString& dir : {at(QStringLiteral("empty")), at(QStringLiteral("broken")), at(QStringLiteral("absent"))}) {
            const Run r = runCli({QStringLiteral("info"), QStringLiteral("--model"), dir});
            QVERIFY2(r.exitCode > 0, qPrintable(dir));
            QCOMPARE(nonEmptyLines(r.err).size(), 1);
            QVERIFY(r.out.isEmpty());
        }
    }

    void replyWritesMessages()
    {
        // A conversation with an image, and one that cannot be read; both in one run.
        const QString convDir = at(QStringLiteral("convs"));
        QDir().mkpath(convDir);
        QVERIFY(saveImagePng(scene(), (convDir + QStringLiteral("/scene.png")).toStdString()).ok());
        QVERIFY(writeText(convDir + QStringLiteral("/edit.json"),
                          R"({"format":"weft-conversation","version":1,"messages":[)"
                          R"({"role":"user","segments":[{"image":"scene.png"},{"text":"make the red circle blue"}]}]})"));
        QVERIFY(writeText(convDir + QStringLiteral("/ask.json"),
                          R"({"format":"weft-conversation","version":1,"messages":[)"
                          R"({"role":"user","segments":[{"text":"draw a small red circle in the center"}]}]})"));
        const QString missing = convDir + QStringLiteral("/missing.json");
        const QString out = at(QStringLiteral("out"));
        const Run r = runCli({QStringLiteral("reply"), convDir + QStringLiteral("/edit.json"), missing,
                              convDir + QStringLiteral("/ask.json"), QStringLiteral("--out"), out, QStringLiteral("--model"),
                              m_model, QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--temperature"),
                              QStringLiteral("1"), QStringLiteral("--guidance"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        const QStringList errors = nonEmptyLines(r.err);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].startsWith(missing + QStringLiteral(": ")), qPrintable(errors[0]));
        QVERIFY(!QDir(out + QStringLiteral("/missing")).exists());

        for (const char* stem : {"edit", "ask"}) {
            const QString folder = out + QLatin1Char('/') + QLatin1String(stem);
            QFile f(folder + QStringLiteral("/reply.json"));
            QVERIFY2(f.open(QIODevice::ReadOnly), stem);
            const std::string message = f.readAll().toStdString();
            // Wrap the message as a one-message conversation and parse it back.
            const std::string doc = R"({"format":"weft-conversation","version":1,"messages":[)" + message + "]}";
            auto parsed = parseConversation(doc, folder.toStdString());
            QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
            const Message& m = parsed.value().messages.at(0);
            QCOMPARE(m.role, Role::Assistant);
            QVERIFY(!m.segments.empty());
            QVERIFY(m.meta.has_value());
            QCOMPARE(m.meta->seed, std::uint64_t(4));
            QCOMPARE(m.meta->modelId, std::string("weft-test-tiny"));
            for (const Segment& s : m.segments)
                if (s.kind == SegmentKind::Image) {
                    QVERIFY2(QFile::exists(QString::fromStdString(s.path)), s.path.c_str());
                    QVERIFY(QString::fromStdString(s.path).startsWith(folder));
                    auto img = loadImageFile(s.path);
                    QVERIFY(img.ok());
                    QCOMPARE(img.value().width, 64);
                }
        }

        // Same seed again: the same reply, bit for bit (meta holds the time, so compare segments).
        const QString out2 = at(QStringLiteral("out2"));
        const Run again = runCli({QStringLiteral("reply"), convDir + QStringLiteral("/ask.json"), QStringLiteral("--out"),
                                  out2, QStringLiteral("--model"), m_model, QStringLiteral("--seed"), QStringLiteral("4"),
                                  QStringLiteral("--temperature"), QStringLiteral("1"), QStringLiteral("--guidance"),
                                  QStringLiteral("2")});
        QCOMPARE(again.exitCode, 0);
        auto segmentsOf = [](const QString& folder) {
            QFile f(folder + QStringLiteral("/reply.json"));
            if (!f.open(QIODevice::ReadOnly)) return std::string();
            const std::string doc = R"({"format":"weft-conversation","version":1,"messages":[)" + f.readAll().toStdString() + "]}";
            auto parsed = parseConversation(doc, folder.toStdString());
            if (!parsed.ok()) return std::string();
            std::string summary;
            for (const Segment& s : parsed.value().messages.at(0).segments) {
                summary += s.text + "|";
                if (s.kind == SegmentKind::Image) {
                    auto img = loadImageFile(s.path);
                    if (img.ok()) summary += std::string(img.value().rgb.begin(), img.value().rgb.end());
                }
            }
            return summary;
        };
        const std::string first = segmentsOf(out + QStringLiteral("/ask"));
        QVERIFY(!first.empty());
        QCOMPARE(segmentsOf(out2 + QStringLiteral("/ask")), first);
    }

    void replyTellsWhenTheConversationWasShortened()
    {
        // Ten image turns (66 tokens each) cannot fit the tiny model's 512-token context: the
        // oldest are left out, the answer is still written, and stderr says what was dropped.
        const QString convDir = at(QStringLiteral("long"));
        QDir().mkpath(convDir);
        QVERIFY(saveImagePng(scene(), (convDir + QStringLiteral("/scene.png")).toStdString()).ok());
        std::string json = R"({"format":"weft-conversation","version":1,"messages":[)";
        for (int i = 0; i < 10; ++i)
            json += R"({"role":"user","segments":[{"image":"scene.png"},{"text":"how many circles are there"}]},)"
                    R"({"role":"assistant","segments":[{"text":"one"}]},)";
        json += R"({"role":"user","segments":[{"image":"scene.png"},{"text":"describe this image"}]}]})";
        QVERIFY(writeText(convDir + QStringLiteral("/long.json"), QByteArray::fromStdString(json)));
        const QString out = at(QStringLiteral("long-out"));
        const Run r = runCli({QStringLiteral("reply"), convDir + QStringLiteral("/long.json"), QStringLiteral("--out"), out,
                              QStringLiteral("--model"), m_model, QStringLiteral("--max-text-tokens"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("exceeds the model's context of 512 tokens")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("oldest message(s)")), qPrintable(r.err));
        QVERIFY(QFile::exists(out + QStringLiteral("/long/reply.json")));
    }

    void replyRefusesAnAnsweredConversation()
    {
        QVERIFY(writeText(at(QStringLiteral("answered.json")),
                          R"({"format":"weft-conversation","version":1,"messages":[)"
                          R"({"role":"user","segments":[{"text":"hi"}]},{"role":"assistant","segments":[{"text":"one"}]}]})"));
        QVERIFY(writeText(at(QStringLiteral("open.json")),
                          R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"hi"}]}]})"));
        const QString out = at(QStringLiteral("answered-out"));
        const Run r = runCli({QStringLiteral("reply"), at(QStringLiteral("answered.json")), at(QStringLiteral("open.json")),
                              QStringLiteral("--out"), out, QStringLiteral("--model"), m_model,
                              QStringLiteral("--max-text-tokens"), QStringLiteral("4")});
        QCOMPARE(r.exitCode, 1);
        const QStringList lines = nonEmptyLines(r.err);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(at(QStringLiteral("answered.json")) + QStringLiteral(": ")), qPrintable(r.err));
        QVERIFY2(lines.first().contains(QStringLiteral("nothing to answer")), qPrintable(r.err));
        QVERIFY(!QFile::exists(out + QStringLiteral("/answered/reply.json")));
        QVERIFY(QFile::exists(out + QStringLiteral("/open/reply.json")));
    }

    void replyWithBadModel()
    {
        QVERIFY(writeText(at(QStringLiteral("one.json")),
                          R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"hi"}]}]})"));
        const Run r = runCli({QStringLiteral("reply"), at(QStringLiteral("one.json")), QStringLiteral("--out"),
                              at(QStringLiteral("o3")), QStringLiteral("--model"), at(QStringLiteral("absent"))});
        QVERIFY(r.exitCode > 0);
        QCOMPARE(nonEmptyLines(r.err).size(), 1);
    }

    // A task-12 case becomes a folder with its image and its sound; a model without an audio
    // encoder refuses that conversation with one line naming the reason.
    void worldSampleWritesSoundsAndReplyRefusesThemWithoutAudio()
    {
        const QString dir = at(QStringLiteral("sound-case"));
        const Run r = runCli({QStringLiteral("world"), QStringLiteral("sample"), QStringLiteral("--task"),
                              QStringLiteral("sound"), QStringLiteral("--seed"), QStringLiteral("4"),
                              QStringLiteral("--out"), dir});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(dir + QStringLiteral("/image_0.png")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/sound_0.wav")));
        QFile conv(dir + QStringLiteral("/conversation.json"));
        QVERIFY(conv.open(QIODevice::ReadOnly));
        const QByteArray text = conv.readAll();
        QVERIFY(text.contains("\"sound_0.wav\"") && text.contains("\"audio\""));
        QVERIFY(text.contains("make it sound like this"));
        const Run reply = runCli({QStringLiteral("reply"), dir + QStringLiteral("/conversation.json"),
                                  QStringLiteral("--out"), at(QStringLiteral("o4")), QStringLiteral("--model"), m_model});
        QVERIFY(reply.exitCode > 0);
        const auto lines = nonEmptyLines(reply.err);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.front().contains(QStringLiteral("no audio encoder")), qPrintable(reply.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
