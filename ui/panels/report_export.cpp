#include "report_export.h"

#include "checks/validation_report.h"
#include "session/check_style.h"
#include "session/model_session.h"

#include "session/export_file.h"

namespace torchprep {

namespace {

bool writeText(const QByteArray &text, const QString &path, QString *error)
{
    return writeExportFile(path, text, error); // whole or not at all, never over a model
}

QString md(const std::string &text)
{
    return QString::fromStdString(text).replace('|', QLatin1String("\\|"));
}

ValidationReport describedReport(const ModelSession &session, const QString &describes)
{
    ValidationReport report = session.report();
    if (!describes.isEmpty())
        report.modelPath = describes.toStdString();
    return report;
}

} // namespace

QString findingsMarkdown(const ModelSession &session, const QString &describes)
{
    const ValidationReport report = describedReport(session, describes);
    QString out = QStringLiteral("# TorchPrep findings: %1\n\n")
                      .arg(QString::fromStdString(report.modelPath));
    out += report.passed() ? QStringLiteral("**Passed**: every check passes.\n\n")
                           : QStringLiteral("**%1 findings.**\n\n").arg(report.findings.size());
    if (!session.excludedModules().empty()) {
        out += QStringLiteral("Excluded modules:");
        for (const std::string &path : session.excludedModules())
            out += QStringLiteral(" `%1`").arg(QString::fromStdString(path));
        out += QStringLiteral("\n\n");
    }
    out += QStringLiteral("| check | findings |\n|---|---|\n");
    for (const CheckSummary &check : report.checks)
        out += QStringLiteral("| %1 (`%2`) | %3 |\n")
                   .arg(checkTitle(check.name), QString::fromStdString(check.name))
                   .arg(check.count);
    std::string current;
    int n = 0;
    for (const Finding &f : report.findings) {
        if (f.check != current) {
            current = f.check;
            out += QStringLiteral("\n## %1\n").arg(checkTitle(f.check));
        }
        out += QStringLiteral("\n%1. **`%2`**%3 — %4\n")
                   .arg(++n)
                   .arg(f.module.empty() ? QStringLiteral("(model)") : md(f.module))
                   .arg(f.op.empty() ? QString() : QStringLiteral(" `%1`").arg(md(f.op)))
                   .arg(md(f.message));
        if (f.source.known())
            out += QStringLiteral("   - source: `%1`%2\n")
                       .arg(QString::fromStdString(f.source.str()))
                       .arg(f.source.inferred ? QStringLiteral(" (inferred)") : QString());
        out += QStringLiteral("   - fix: %1\n").arg(md(f.fix));
    }
    return out;
}

bool writeFindingsJson(const ModelSession &session, const QString &describes, const QString &path,
                       QString *error)
{
    return writeText(QByteArray::fromStdString(validationJson(describedReport(session, describes))),
                     path, error);
}

bool writeFindingsMarkdown(const ModelSession &session, const QString &describes,
                           const QString &path, QString *error)
{
    return writeText(findingsMarkdown(session, describes).toUtf8(), path, error);
}

} // namespace torchprep
