#pragma once
// Shows the MODEL_CARD.md of a model folder (training data, evaluation, limits) and the
// loaded model's identity. GUI thread only; reads one small file.

#include <QDialog>

#include "ui/engine_types.h"

class QTextBrowser;

namespace weft::ui {

class ModelCardDialog : public QDialog {
    Q_OBJECT
public:
    /// `modelDirectory` holds MODEL_CARD.md; a missing card is said so in the dialog.
    ModelCardDialog(const QString& modelDirectory, const ModelSummary& summary, QWidget* parent = nullptr);
    QTextBrowser* browser() const { return m_browser; }

private:
    QTextBrowser* m_browser = nullptr;
};

} // namespace weft::ui
