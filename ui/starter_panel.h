#pragma once
// What an empty chat shows: one line on what the embedded model knows, and a few clickable
// starters (a drawing request; a picture with an edit; an example pair with its query; a
// picture with a sound) that put a real request into the composer and send it. The
// starters' pictures and sound ship in the resources (:/starters); on first use they are
// copied to a temporary folder, since attachments are files. GUI thread only.

#include <QList>
#include <QStringList>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>

class QPushButton;

namespace weft::ui {

/// One starter: the button's label, the message text and its attachments (resource paths
/// under :/starters, in message order).
struct Starter {
    QString label;
    QString text;
    QStringList resources;
};

/// The built-in starters (labels translated), in the order shown.
QList<Starter> builtInStarters();

class StarterPanel : public QWidget {
    Q_OBJECT
public:
    explicit StarterPanel(QWidget* parent = nullptr);

    /// The starter buttons, in order (for tests and keyboard navigation).
    QList<QPushButton*> buttons() const { return m_buttons; }

signals:
    /// A starter was clicked: send `text` with the files at `paths` (real files, in order).
    /// When the resources cannot be copied out, `paths` is empty and `error` says why.
    void starterChosen(const QString& text, const QStringList& paths, const QString& error);

private:
    void choose(const Starter& starter);

    QList<QPushButton*> m_buttons;
    std::unique_ptr<QTemporaryDir> m_files; // the copied resources, made on first use
};

} // namespace weft::ui
