// File > Export ONNX: the open (possibly fixed) model through PyTorch's own exporter, ONNX's
// checker and ONNX Runtime, in the background (a Python process: seconds). The file is written
// only when exported and checked (and proven, where a runtime is found); the outcome is told in
// the words `torchprep export-onnx` prints.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace torchprep {

class Job;
class ModelSession;
class WorkTracker;
struct ModelInputs;

class OnnxExportJob : public QObject
{
    Q_OBJECT
  public:
    OnnxExportJob(WorkTracker *tracker, QObject *parent = nullptr);

    // Starts exporting `session`'s model to `path` at `opset`, fed `inputs`. False, with one line
    // in *error, when nothing started: no inputs described, `path` is a model's own file, a
    // previous export still runs.
    bool start(const std::shared_ptr<const ModelSession> &session, const ModelInputs &inputs,
               const QString &path, int opset, QString *error);
    bool running() const;

  signals:
    // `written`: the file is on disk. `report`: what the export, the checker and the proof said.
    void finished(bool written, const QString &report);

  private:
    Job *job_;
};

} // namespace torchprep
