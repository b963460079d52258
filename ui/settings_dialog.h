#pragma once
// Edits AppSettings: model folder, device, threads, seed policy, sampling, guidance,
// example compression, language. The caller saves and applies the result. GUI thread only.

#include <QDialog>

#include "ui/app_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLayout;
class QLineEdit;
class QSpinBox;

namespace weft::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    /// `cudaAvailable` decides whether CUDA is offered as a device.
    SettingsDialog(const AppSettings& settings, bool cudaAvailable, QWidget* parent = nullptr);
    /// The settings as edited.
    AppSettings settings() const;

private:
    /// The constructor's steps: each makes the controls of one group, filled from `settings`.
    QLayout* buildModelRow(const AppSettings& settings);
    void buildDeviceControls(const AppSettings& settings, bool cudaAvailable);
    void buildSeedControls(const AppSettings& settings);
    void buildSamplingControls(const AppSettings& settings);
    void buildLanguageChoice(const AppSettings& settings);
    /// Puts the controls in a form (with `modelRow` first) above OK / Cancel.
    void layOut(QLayout* modelRow);

    AppSettings m_base;
    QLineEdit* m_model = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_threads = nullptr;
    QComboBox* m_seedPolicy = nullptr;
    QDoubleSpinBox* m_seed = nullptr; ///< 0 to kMaxSeed, no decimals
    QDoubleSpinBox* m_temperature = nullptr;
    QSpinBox* m_topK = nullptr;
    QDoubleSpinBox* m_guidance = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QCheckBox* m_compress = nullptr;
    QComboBox* m_language = nullptr;
};

} // namespace weft::ui
