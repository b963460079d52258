#include "ui/starter_panel.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

namespace weft::ui {

QList<Starter> builtInStarters()
{
    // The requests are Shapes World's canonical phrasings (the model's own language), so
    // they stay English in every translation; only the labels are translated.
    return {
        {QCoreApplication::translate("weft::ui::StarterPanel", "Draw: a small yellow star and a large red circle on blue stripes"),
         QStringLiteral("draw a small yellow star at the top-left, a large red circle in the center on a blue stripes "
                        "background"),
         {}},
        {QCoreApplication::translate("weft::ui::StarterPanel", "Edit a picture: make the red circle green"), QStringLiteral("make the red circle green"),
         {QStringLiteral(":/starters/edit_picture.png")}},
        {QCoreApplication::translate("weft::ui::StarterPanel", "Learn from an example pair, then apply it to a new picture"), QStringLiteral("do the same"),
         {QStringLiteral(":/starters/pair_before.png"), QStringLiteral(":/starters/pair_after.png"),
          QStringLiteral(":/starters/pair_query.png")}},
        {QCoreApplication::translate("weft::ui::StarterPanel", "Picture + sound: make it sound like rain"), QStringLiteral("make it sound like this"),
         {QStringLiteral(":/starters/sound_picture.png"), QStringLiteral(":/starters/rain.wav")}},
    };
}

StarterPanel::StarterPanel(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Ways to start"));
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Try one of these, or drop pictures and sounds here.")), this);
    title->setWordWrap(true);
    layout->addWidget(title);
    auto* limits = new QLabel(tr("weft-tiny knows only its world of shapes, colours and patterns: other pictures come "
                                 "back as shapes."),
                              this);
    limits->setWordWrap(true);
    limits->setAccessibleName(tr("What the model knows"));
    layout->addWidget(limits);
    for (const Starter& starter : builtInStarters()) {
        auto* button = new QPushButton(starter.label, this);
        button->setAccessibleName(starter.label);
        button->setToolTip(starter.text);
        for (const QString& r : starter.resources)
            if (r.endsWith(QStringLiteral(".png"))) {
                button->setIcon(QIcon(QPixmap(r)));
                button->setIconSize(QSize(32, 32));
                break;
            }
        button->setStyleSheet(QStringLiteral("text-align: left; padding: 6px;"));
        connect(button, &QPushButton::clicked, this, [this, starter] { choose(starter); });
        layout->addWidget(button);
        m_buttons << button;
    }
    layout->addStretch();
}

void StarterPanel::choose(const Starter& starter)
{
    if (!m_files) {
        m_files = std::make_unique<QTemporaryDir>();
        if (!m_files->isValid()) {
            const QString error = tr("Could not prepare the example files: %1").arg(m_files->errorString());
            m_files.reset();
            emit starterChosen(starter.text, {}, error);
            return;
        }
    }
    QStringList paths;
    for (const QString& r : starter.resources) {
        const QString target = m_files->filePath(QFileInfo(r).fileName());
        if (!QFileInfo::exists(target) && !QFile::copy(r, target)) {
            emit starterChosen(starter.text, {}, tr("Could not prepare the example file %1.").arg(QFileInfo(r).fileName()));
            return;
        }
        paths << target;
    }
    emit starterChosen(starter.text, paths, {});
}

} // namespace weft::ui
