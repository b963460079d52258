#pragma once
// Installs the interface translation: the language override from settings, else the
// system's languages. Weft's own translations are compiled into the resources
// (:/i18n/weft_<lang>.qm); Qt's own (qtbase_<lang>.qm: OK/Cancel, file dialogs, --help) come
// from Qt's translations folder (QLibraryInfo::TranslationsPath, Debian's
// qt6-translations-l10n).

#include <QString>

class QTranslator;

namespace weft::ui {

/// Loads and installs the best translation of Weft into the application, then Qt's own
/// translation of the same language when installed (missing: Qt's dialogs stay English, no
/// error). Returns Weft's translator (parented to the application, like Qt's) or nullptr when
/// English is used; Qt's translation is not loaded then either. GUI thread.
QTranslator* installTranslation(const QString& languageOverride);

} // namespace weft::ui
