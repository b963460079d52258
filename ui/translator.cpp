#include "ui/translator.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace weft::ui {

QTranslator* installTranslation(const QString& languageOverride)
{
    if (languageOverride == QLatin1String("en"))
        return nullptr;
    auto* translator = new QTranslator(QCoreApplication::instance());
    const QLocale locale = languageOverride.isEmpty() ? QLocale::system() : QLocale(languageOverride);
    // QTranslator::load(QLocale, ...) walks the locale's UI languages (e.g. zh_CN, zh).
    if (!translator->load(locale, QStringLiteral("weft"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete translator;
        return nullptr;
    }
    QCoreApplication::installTranslator(translator);
    // Qt's dialogs in the language Weft speaks (the .ts file's language, e.g. "de"), not a
    // different one further down the system's list.
    auto* qtTranslator = new QTranslator(QCoreApplication::instance());
    if (qtTranslator->load(QLocale(translator->language()), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;
    return translator;
}

} // namespace weft::ui
