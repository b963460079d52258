#include "ui/app_settings.h"

#include <QRandomGenerator>
#include <QSettings>

#include <algorithm>
#include <cmath>

#include "weft/model.h"

namespace weft::ui {

AppSettings AppSettings::load(QSettings& s)
{
    AppSettings a;
    a.modelDirectory = s.value(QStringLiteral("model/directory"), a.modelDirectory).toString();
    const QString device = s.value(QStringLiteral("engine/device"), a.device).toString();
    if (device == QLatin1String("auto") || device == QLatin1String("cpu") || device == QLatin1String("cuda"))
        a.device = device;
    a.threads = std::clamp(s.value(QStringLiteral("engine/threads"), a.threads).toInt(), 0, 256);
    a.seedPolicy = s.value(QStringLiteral("generation/seedPolicy")).toString() == QLatin1String("fixed")
                       ? SeedPolicy::Fixed : SeedPolicy::Random;
    a.fixedSeed = s.value(QStringLiteral("generation/fixedSeed"), a.fixedSeed).toULongLong();
    a.temperature = std::clamp(s.value(QStringLiteral("generation/temperature"), a.temperature).toDouble(), 0.0, 5.0);
    a.topK = std::clamp(s.value(QStringLiteral("generation/topK"), a.topK).toInt(), 0, 100000);
    a.guidanceScale = std::clamp(s.value(QStringLiteral("generation/guidanceScale"), a.guidanceScale).toDouble(), 1.0, 20.0);
    a.maxTextTokens = std::clamp(s.value(QStringLiteral("generation/maxTextTokens"), a.maxTextTokens).toInt(), 1, 4096);
    a.compressExamples = s.value(QStringLiteral("generation/compressExamples"), a.compressExamples).toBool();
    a.language = s.value(QStringLiteral("ui/language"), a.language).toString();
    const double record = s.value(QStringLiteral("audio/recordSeconds"), a.recordSeconds).toDouble();
    if (std::isfinite(record))
        a.recordSeconds = std::clamp(record, kMinRecordSeconds, kMaxRecordSeconds);
    return a;
}

void AppSettings::save(QSettings& s) const
{
    s.setValue(QStringLiteral("model/directory"), modelDirectory);
    s.setValue(QStringLiteral("engine/device"), device);
    s.setValue(QStringLiteral("engine/threads"), threads);
    s.setValue(QStringLiteral("generation/seedPolicy"),
               seedPolicy == SeedPolicy::Fixed ? QStringLiteral("fixed") : QStringLiteral("random"));
    s.setValue(QStringLiteral("generation/fixedSeed"), fixedSeed);
    s.setValue(QStringLiteral("generation/temperature"), temperature);
    s.setValue(QStringLiteral("generation/topK"), topK);
    s.setValue(QStringLiteral("generation/guidanceScale"), guidanceScale);
    s.setValue(QStringLiteral("generation/maxTextTokens"), maxTextTokens);
    s.setValue(QStringLiteral("generation/compressExamples"), compressExamples);
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("audio/recordSeconds"), recordSeconds);
}

weft::ReplyOptions AppSettings::replyOptions(quint64 seed) const
{
    weft::ReplyOptions o;
    o.seed = seed;
    o.temperature = static_cast<float>(temperature);
    o.topK = topK;
    o.guidanceScale = static_cast<float>(guidanceScale);
    o.maxTextTokens = maxTextTokens;
    o.compressExamples = compressExamples;
    return o;
}

QString AppSettings::effectiveModelDirectory() const
{
    return modelDirectory.isEmpty() ? QString::fromStdString(weft::Model::defaultModelDirectory()) : modelDirectory;
}

quint64 randomSeed()
{
    return QRandomGenerator::global()->generate64() & (kMaxSeed - 1);
}

} // namespace weft::ui
