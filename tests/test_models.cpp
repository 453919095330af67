#include "test_models.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTextStream>

namespace testing {

QString modelPath(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_TEST_MODELS") + "/" + name + ".pt";
}

bool modelsAttentionIsOneOp()
{
    QFile file(qEnvironmentVariable("TORCHPREP_TEST_MODELS") + "/made_by.json");
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return !QJsonDocument::fromJson(file.readAll()).object()["torch"].toString().startsWith("1.");
}

QString cliPath()
{
    return qEnvironmentVariable("TORCHPREP_CLI");
}

Run execute(const QString &program, const QStringList &args, const RunOptions &options)
{
    QProcess process;
    if (!options.environment.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &pair : options.environment)
            environment.insert(pair.section('=', 0, 0), pair.section('=', 1));
        process.setProcessEnvironment(environment);
    }
    if (!options.workingDirectory.isEmpty())
        process.setWorkingDirectory(options.workingDirectory);
    process.start(program, args);
    Run run;
    if (!process.waitForFinished(options.seconds * 1000)) {
        process.kill();
        process.waitForFinished();
        run.exitCode = -2;
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

Run torchprep(const QStringList &args, const RunOptions &options)
{
    return execute(cliPath(), args, options);
}

bool isAddedModuleName(const QString &name)
{
    static const QRegularExpression projection("^linear_[QKV](_[0-9]+)?$");
    return name.startsWith("module_") || projection.match(name).hasMatch();
}

QString sourceLine(const QString &file, int line)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QTextStream in(&f);
    for (int i = 1; !in.atEnd(); ++i) {
        const QString text = in.readLine();
        if (i == line)
            return text;
    }
    return {};
}

QString makePaddedEncoder(const QString &dir, QString *error)
{
    const QString model = QDir(dir).filePath("encoder_padded.pt");
    const QString maker = QDir(dir).filePath("make_encoder_padded.py");
    // torch.jit.script reads the class's source: a file, not `python -c`.
    QFile script(maker);
    if (!script.open(QIODevice::WriteOnly)) {
        *error = "cannot write " + maker;
        return {};
    }
    script.write(
        "import sys, torch, torch.nn as nn\n"
        "class U(nn.Module):\n"
        "    def __init__(s):\n"
        "        super().__init__()\n"
        "        layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)\n"
        "        s.enc = nn.TransformerEncoder(layer, 2)\n"
        "        pad = torch.zeros(2, 5, dtype=torch.bool)\n"
        "        pad[1, 3:] = True\n"
        "        s.register_buffer('pad', pad)\n"
        "    def forward(s, x):\n"
        "        return s.enc(x, src_key_padding_mask=s.pad)\n"
        "torch.manual_seed(0)\n"
        "torch.jit.script(U().eval()).save(sys.argv[1])\n");
    script.close();
    const Run made = execute(qEnvironmentVariable("TORCHPREP_PYTHON"), {maker, model});
    if (made.exitCode != 0) {
        *error = QString::fromUtf8(made.err);
        return {};
    }
    return model;
}

} // namespace testing
