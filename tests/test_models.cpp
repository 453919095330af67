#include "test_models.h"

#include <QFile>
#include <QTextStream>

namespace testing {

QString modelPath(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_TEST_MODELS") + "/" + name + ".pt";
}

QString cliPath() { return qEnvironmentVariable("TORCHPREP_CLI"); }

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
