#include "ui/model_card_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace weft::ui {

ModelCardDialog::ModelCardDialog(const QString& modelDirectory, const ModelSummary& summary, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Model card"));
    m_browser = new QTextBrowser(this);
    m_browser->setAccessibleName(tr("Model card"));
    m_browser->setOpenExternalLinks(true);
    QString markdown;
    if (!summary.name.isEmpty()) {
        markdown += tr("**Loaded:** %1 · %2 parameters · %3 · sha256 `%4`")
                        .arg(summary.name).arg(summary.parameterCount).arg(summary.device, summary.sha256.left(16)) +
                    QStringLiteral("\n\n---\n\n");
    }
    QFile card(QDir(modelDirectory).filePath(QStringLiteral("MODEL_CARD.md")));
    // Cards are short documents; a cap keeps a stray huge file from freezing the dialog.
    if (card.open(QIODevice::ReadOnly) && card.size() < 4 * 1024 * 1024)
        markdown += QString::fromUtf8(card.readAll());
    else
        markdown += tr("No MODEL_CARD.md in %1.").arg(QDir::toNativeSeparators(modelDirectory));
    m_browser->setMarkdown(markdown);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser);
    layout->addWidget(buttons);
    resize(640, 560);
}

} // namespace weft::ui
