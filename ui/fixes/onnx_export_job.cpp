#include "onnx_export_job.h"

#include "onnx/onnx_export.h"
#include "onnx/onnx_report.h"
#include "session/background_work.h"
#include "session/export_file.h"
#include "session/guarded.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "torchscript/torch_model.h"

#include <QFileInfo>

namespace torchprep {

OnnxExportJob::OnnxExportJob(WorkTracker *tracker, QObject *parent)
    : QObject(parent), job_(new Job(tracker, tr("exporting to ONNX"), this))
{
}

bool OnnxExportJob::running() const
{
    return job_->running();
}

bool OnnxExportJob::start(const std::shared_ptr<const ModelSession> &session,
                          const ModelInputs &inputs, const QString &path, int opset, QString *error)
{
    if (!session || !session->model()) {
        *error = tr("no model is open");
        return false;
    }
    if (inputs.isEmpty()) {
        *error = tr("describe the model's inputs first (Tools ▸ Describe Inputs): the exporter "
                    "runs the model on them");
        return false;
    }
    if (!mayExportTo(path, error))
        return false;
    if (job_->running()) {
        *error = tr("an ONNX export is still running");
        return false;
    }
    OnnxExportOptions options;
    options.opset = opset;
    *error =
        guarded([&] { options.inputs = inputs.spec(); }, // InputError: a bad shape, dtype or range
                tr("reading the inputs"));
    if (!error->isEmpty())
        return false;
    const std::string output = QFileInfo(path).absoluteFilePath().toStdString();
    return job_->start(
        [session, output, options] {
            const OnnxExportResult result = exportOnnx(
                session->analysed().torchScript("ONNX export"), &session->graph(), output, options);
            return std::make_pair(result.written, onnxText(output, options, result));
        },
        [this](std::pair<bool, std::string> outcome) {
            emit finished(outcome.first, QString::fromStdString(outcome.second).trimmed());
        },
        [this](const QString &line) { emit finished(false, line); }, tr("Exporting to ONNX"));
}

} // namespace torchprep
