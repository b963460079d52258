#pragma once
// Installs the interface translation: the language override from settings, else the
// system's languages. Translations are compiled into the resources (:/i18n/weft_<lang>.qm).

#include <QString>

class QTranslator;

namespace weft::ui {

/// Loads and installs the best translation into the application; returns the installed
/// translator (parented to the application) or nullptr when English is used. GUI thread.
QTranslator* installTranslation(const QString& languageOverride);

} // namespace weft::ui
