#include "ui/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>

namespace weft::ui {

SettingsDialog::SettingsDialog(const AppSettings& settings, bool cudaAvailable, QWidget* parent)
    : QDialog(parent), m_base(settings)
{
    setWindowTitle(tr("Settings"));
    QLayout* modelRow = buildModelRow(settings);
    buildDeviceControls(settings, cudaAvailable);
    buildSeedControls(settings);
    buildSamplingControls(settings);
    buildLanguageChoice(settings);
    layOut(modelRow);
}

QLayout* SettingsDialog::buildModelRow(const AppSettings& settings)
{
    m_model = new QLineEdit(settings.modelDirectory, this);
    m_model->setPlaceholderText(tr("Embedded model"));
    m_model->setAccessibleName(tr("Model folder"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setAccessibleName(tr("Choose the model folder"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model folder"), m_model->text());
        if (!dir.isEmpty())
            m_model->setText(dir);
    });
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    return modelRow;
}

void SettingsDialog::buildDeviceControls(const AppSettings& settings, bool cudaAvailable)
{
    m_device = new QComboBox(this);
    m_device->setAccessibleName(tr("Device"));
    m_device->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (cudaAvailable || settings.device == QLatin1String("cuda"))
        m_device->addItem(tr("CUDA (GPU)"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(settings.device)));

    m_threads = new QSpinBox(this);
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("All cores"));
    m_threads->setValue(settings.threads);
    m_threads->setAccessibleName(tr("Threads"));
}

void SettingsDialog::buildSeedControls(const AppSettings& settings)
{
    m_seedPolicy = new QComboBox(this);
    m_seedPolicy->setAccessibleName(tr("Seed policy"));
    m_seedPolicy->addItem(tr("New random seed for every answer"), QStringLiteral("random"));
    m_seedPolicy->addItem(tr("Fixed seed"), QStringLiteral("fixed"));
    m_seedPolicy->setCurrentIndex(settings.seedPolicy == SeedPolicy::Fixed ? 1 : 0);
    // Seeds go up to 2^53 (what randomSeed() draws from and JSON numbers hold exactly); a
    // double spin box without decimals holds every integer up to there exactly.
    m_seed = new QDoubleSpinBox(this);
    m_seed->setDecimals(0);
    m_seed->setRange(0.0, static_cast<double>(kMaxSeed));
    m_seed->setValue(static_cast<double>(std::min<quint64>(settings.fixedSeed, kMaxSeed)));
    m_seed->setAccessibleName(tr("Fixed seed"));
    m_seed->setEnabled(settings.seedPolicy == SeedPolicy::Fixed);
    connect(m_seedPolicy, &QComboBox::currentIndexChanged, this, [this](int i) { m_seed->setEnabled(i == 1); });
}

void SettingsDialog::buildSamplingControls(const AppSettings& settings)
{
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.0, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(settings.temperature);
    m_temperature->setAccessibleName(tr("Temperature"));
    m_topK = new QSpinBox(this);
    m_topK->setRange(0, 100000);
    m_topK->setSpecialValueText(tr("Off"));
    m_topK->setValue(settings.topK);
    m_topK->setAccessibleName(tr("Top-k"));
    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setRange(1.0, 20.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setValue(settings.guidanceScale);
    m_guidance->setAccessibleName(tr("Guidance scale"));
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setRange(1, 4096);
    m_maxTokens->setValue(settings.maxTextTokens);
    m_maxTokens->setAccessibleName(tr("Maximum text tokens"));
    m_compress = new QCheckBox(tr("Compress in-context examples"), this);
    m_compress->setChecked(settings.compressExamples);
    m_compress->setAccessibleName(tr("Compress in-context examples"));
}

void SettingsDialog::buildLanguageChoice(const AppSettings& settings)
{
    m_language = new QComboBox(this);
    m_language->setAccessibleName(tr("Language"));
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("日本語"), QStringLiteral("ja"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings.language)));
}

void SettingsDialog::layOut(QLayout* modelRow)
{
    auto* form = new QFormLayout;
    form->addRow(tr("Model folder:"), modelRow);
    form->addRow(tr("Device:"), m_device);
    form->addRow(tr("Threads:"), m_threads);
    form->addRow(tr("Seed:"), m_seedPolicy);
    form->addRow(tr("Fixed seed:"), m_seed);
    form->addRow(tr("Temperature:"), m_temperature);
    form->addRow(tr("Top-k:"), m_topK);
    form->addRow(tr("Guidance scale:"), m_guidance);
    form->addRow(tr("Maximum text tokens:"), m_maxTokens);
    form->addRow(QString(), m_compress);
    form->addRow(tr("Language (after restart):"), m_language);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base;
    s.modelDirectory = m_model->text().trimmed();
    s.device = m_device->currentData().toString();
    s.threads = m_threads->value();
    s.seedPolicy = m_seedPolicy->currentIndex() == 1 ? SeedPolicy::Fixed : SeedPolicy::Random;
    s.fixedSeed = std::min<quint64>(static_cast<quint64>(m_seed->value()), kMaxSeed);
    s.temperature = m_temperature->value();
    s.topK = m_topK->value();
    s.guidanceScale = m_guidance->value();
    s.maxTextTokens = m_maxTokens->value();
    s.compressExamples = m_compress->isChecked();
    s.language = m_language->currentData().toString();
    return s;
}

} // namespace weft::ui
