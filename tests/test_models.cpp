#include "test_models.h"

#include <QFile>
#include <QProcess>
#include <QTextStream>

namespace testing {

QString modelPath(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_TEST_MODELS") + "/" + name + ".pt";
}

QString cliPath() { return qEnvironmentVariable("TORCHPREP_CLI"); }

Run execute(const QString &program, const QStringList &args)
{
    QProcess process;
    process.start(program, args);
    process.waitForFinished(300000);
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

Run torchprep(const QStringList &args) { return execute(cliPath(), args); }

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
