#include "test_models.h"

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

QString cliPath() { return qEnvironmentVariable("TORCHPREP_CLI"); }

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

Run torchprep(const QStringList &args, const RunOptions &options) { return execute(cliPath(), args, options); }

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

} // namespace testing
