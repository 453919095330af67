#include "prepared_export_job.h"

#include "export/python_export.h"
#include "pipeline/prepare_proof.h"
#include "session/background_work.h"
#include "session/export_file.h"
#include "session/guarded.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "torchscript/torch_model.h"

#include <QFileInfo>

#include <functional>
#include <optional>
#include <sstream>

namespace torchprep {

namespace {

// The CLI's default tolerance: the Studio holds a fixed model to what `prepare` would.
constexpr double kTolerance = 1e-5;

struct Written
{
    bool written = false;
    std::string report;
};

// Proves `session`'s model equal to `opened`'s when they differ, then runs `write` (which says
// what it wrote). Runs on a worker.
Written proveThenWrite(const std::shared_ptr<const ModelSession> &session,
                       const std::shared_ptr<const ModelSession> &opened,
                       const std::optional<InputSpec> &inputs,
                       const std::function<std::string()> &write)
{
    std::ostringstream report;
    if (opened && opened->model() != session->model()) {
        PrepareOptions options; // as the fixes ran: the opened file's exclusions and allowed ops
        options.excludedModules = opened->excludedModules();
        options.allowedOps = opened->analysed().checkOptions().allowedOps;
        const PreparedProof proven = provePrepared(opened->analysed().torchScript("the proof"),
                                                   session->analysed().torchScript("the proof"),
                                                   options, *inputs, kTolerance);
        report << proofLine(proven.proof, *inputs) << "\n";
        if (!proven.proof.passed) {
            if (const std::string broken = brokenByLine(proven.diagnosis); !broken.empty())
                report << broken << "\n";
            report << "nothing written: " << notProvenReason(proven.proof);
            return {false, report.str()};
        }
    }
    report << write();
    return {true, report.str()};
}

} // namespace

PreparedExportJob::PreparedExportJob(WorkTracker *tracker, QObject *parent)
    : QObject(parent), job_(new Job(tracker, tr("writing the prepared model"), this))
{
}

bool PreparedExportJob::running() const
{
    return job_->running();
}

void PreparedExportJob::finish(bool written, const QString &report)
{
    lastWritten_ = written ? exporting_ : nullptr;
    lastWrittenTo_ = written ? exportingTo_ : QString();
    exporting_.reset();
    emit finished(written, report);
}

bool PreparedExportJob::ready(const std::shared_ptr<const ModelSession> &session,
                              const std::shared_ptr<const ModelSession> &opened,
                              const ModelInputs &inputs, QString *error)
{
    if (!session || !session->model()) {
        *error = tr("no model is open");
        return false;
    }
    if (opened && opened->model() != session->model() && inputs.isEmpty()) {
        *error = tr("describe the model's inputs first (Tools ▸ Describe Inputs): a fixed model is "
                    "written only once "
                    "proven equal to the opened one on them, as torchprep prepare writes");
        return false;
    }
    if (job_->running()) {
        *error = tr("an export of the prepared model is still running");
        return false;
    }
    return true;
}

bool PreparedExportJob::startTorchScript(const std::shared_ptr<const ModelSession> &session,
                                         const std::shared_ptr<const ModelSession> &opened,
                                         const ModelInputs &inputs, const QString &path,
                                         QString *error)
{
    const std::string output = QFileInfo(path).absoluteFilePath().toStdString();
    return start(
        session, opened, inputs, {path}, tr("Writing the prepared model"), error,
        [session, output] {
            session->analysed().torchScript("Export Prepared Model").saveAtomically(output);
            return "wrote " + output;
        });
}

bool PreparedExportJob::startPython(const std::shared_ptr<const ModelSession> &session,
                                    const std::shared_ptr<const ModelSession> &opened,
                                    const ModelInputs &inputs, const QString &dir,
                                    const QString &stem, QString *error)
{
    const std::string folder = dir.toStdString(), name = stem.toStdString();
    QStringList targets;
    for (const std::string &file : pythonPackagePaths(name, folder))
        targets << QString::fromStdString(file);
    return start(session, opened, inputs, targets, tr("Writing the Python source"), error,
                 [session, folder, name] {
                     const PythonPackage package =
                         emitPythonPackage(session->analysed().torchScript("Python export"),
                                           name); // in memory first
                     preparePythonFolder(folder);
                     const std::vector<std::string> paths = writePythonPackage(package, folder);
                     return "wrote " + paths.at(0) + " and " + paths.at(1);
                 });
}

bool PreparedExportJob::start(const std::shared_ptr<const ModelSession> &session,
                              const std::shared_ptr<const ModelSession> &opened,
                              const ModelInputs &inputs, const QStringList &targets,
                              const QString &what, QString *error,
                              std::function<std::string()> write)
{
    if (!ready(session, opened, inputs, error))
        return false;
    for (const QString &target : targets)
        if (!mayExportTo(target, error))
            return false;
    std::optional<InputSpec> spec;
    *error = guarded(
        [&] {
            if (!inputs.isEmpty())
                spec = inputs.spec(); // InputError: a bad shape, dtype or range
        },
        tr("reading the inputs"));
    if (!error->isEmpty())
        return false;
    exporting_ = session;
    exportingTo_ = QFileInfo(targets.value(0)).absoluteFilePath();
    return job_->start(
        [session, opened, spec, write = std::move(write)] {
            return proveThenWrite(session, opened, spec, write);
        },
        [this](Written outcome) {
            finish(outcome.written, QString::fromStdString(outcome.report));
        },
        [this](const QString &line) { finish(false, line); }, what);
}

} // namespace torchprep
