#include "model_inputs.h"

#include <QRegularExpression>
#include <QSettings>
#include <QVariantMap>

namespace torchprep {

namespace {
const char *const kInputsKey = "modelInputs";      // absolute model path -> ModelInputs::text()
const char *const kDeclinedKey = "inputsDeclined"; // absolute model paths
const char *const kLastKey = "lastInputs";
const QString kFilePrefix = QStringLiteral("file:");
} // namespace

QString ModelInputs::text() const
{
    return file.isEmpty() ? shapes.join(QStringLiteral("; "))
                          : kFilePrefix + QLatin1Char(' ') + file;
}

ModelInputs ModelInputs::fromText(const QString &text)
{
    ModelInputs inputs;
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(kFilePrefix))
        inputs.file = trimmed.mid(kFilePrefix.size()).trimmed();
    else
        inputs.shapes =
            trimmed.split(QRegularExpression(QStringLiteral("[;\\s]+")), Qt::SkipEmptyParts);
    return inputs;
}

InputSpec ModelInputs::spec() const
{
    InputSpec spec;
    if (!file.isEmpty()) {
        spec.inputsFile = file.toStdString();
        return spec;
    }
    for (const QString &shape : shapes)
        addInputArgument(spec, shape.toStdString());
    return spec;
}

ModelInputs rememberedInputs(const QString &modelPath)
{
    const QVariantMap all = QSettings().value(kInputsKey).toMap();
    return all.contains(modelPath) ? ModelInputs::fromText(all.value(modelPath).toString())
                                   : ModelInputs();
}

void rememberInputs(const QString &modelPath, const ModelInputs &inputs)
{
    QSettings settings;
    QVariantMap all = settings.value(kInputsKey).toMap();
    if (inputs.isEmpty())
        all.remove(modelPath);
    else
        all.insert(modelPath, inputs.text());
    settings.setValue(kInputsKey, all);
    if (!inputs.isEmpty())
        settings.setValue(kLastKey, inputs.text());
}

ModelInputs lastInputs()
{
    return ModelInputs::fromText(
        QSettings().value(kLastKey, QStringLiteral("1,3,224,224")).toString());
}

void declineInputs(const QString &modelPath)
{
    QSettings settings;
    QStringList declined = settings.value(kDeclinedKey).toStringList();
    if (!declined.contains(modelPath))
        declined << modelPath;
    settings.setValue(kDeclinedKey, declined);
}

bool inputsDeclined(const QString &modelPath)
{
    return QSettings().value(kDeclinedKey).toStringList().contains(modelPath);
}

} // namespace torchprep
