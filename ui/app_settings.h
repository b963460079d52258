#pragma once
// The user's preferences, read from and written to QSettings. Plain value type; GUI thread.

#include <QString>

#include "ui/audio_recorder.h"
#include "weft/session.h"

class QSettings;

namespace weft::ui {

enum class SeedPolicy { Random, Fixed };

struct AppSettings {
    QString modelDirectory;          ///< empty: the embedded model (Model::defaultModelDirectory)
    QString device = QStringLiteral("auto"); ///< "auto", "cpu" or "cuda"
    int threads = 0;                 ///< 0: every core
    SeedPolicy seedPolicy = SeedPolicy::Random;
    quint64 fixedSeed = 1;
    // Greedy and unguided: what weft-tiny's card recommends and how its evaluation runs, so a
    // first try shows what the model can do (its world is exact; sampling only adds errors).
    double temperature = 0.0;
    int topK = 50;
    double guidanceScale = 1.0;
    int maxTextTokens = 96;
    bool compressExamples = false;   ///< off, as ReplyOptions: weft-tiny follows example pairs better uncompressed
    QString language;                ///< empty: follow the system; else "en", "de", "ja", "zh_CN"
    double recordSeconds = kDefaultRecordSeconds; ///< microphone recording limit, s (key audio/recordSeconds)

    /// Reads every key, keeping the defaults above for missing or out-of-range values.
    static AppSettings load(QSettings& settings);
    void save(QSettings& settings) const;

    /// Engine options for a reply with the given seed.
    weft::ReplyOptions replyOptions(quint64 seed) const;
    /// The model folder to load: the configured one or the embedded model.
    QString effectiveModelDirectory() const;
};

/// The largest seed that can be entered: 2^53, the last integer every JSON reader holds exactly.
constexpr quint64 kMaxSeed = quint64(1) << 53;

/// A fresh seed below 2^53 (exact in JSON numbers everywhere). Thread-safe.
quint64 randomSeed();

} // namespace weft::ui
