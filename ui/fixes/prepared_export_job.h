// File ▸ Export Prepared Model and Export Python Source: the open model written as TorchScript,
// or as Python source with its state_dict, in the background. A fixed model is written only once
// proven equal to the model as opened, on the inputs described for its file: the rule `torchprep
// prepare` writes by (pipeline/prepare_proof.h). A failed proof writes nothing and names the step
// that broke it and the first layer to differ, in the words the CLI prints.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <string>

namespace torchprep {

class Job;
class ModelSession;
class WorkTracker;
struct ModelInputs;

class PreparedExportJob : public QObject
{
    Q_OBJECT
  public:
    PreparedExportJob(WorkTracker *tracker, QObject *parent = nullptr);

    // Starts writing `session`'s model to `path` as TorchScript. `opened` is the session as loaded
    // from the file: when `session` holds another model (fixes), it is proven on `inputs` first.
    // False, with one line in *error, when nothing started: no model, a fixed model with no
    // inputs described, `path` a model's own file, an export still running.
    bool startTorchScript(const std::shared_ptr<const ModelSession> &session,
                          const std::shared_ptr<const ModelSession> &opened,
                          const ModelInputs &inputs, const QString &path, QString *error);
    // The same for STEM.py and STEM_state_dict.pt in `dir`; `stem` must be a Python identifier.
    bool startPython(const std::shared_ptr<const ModelSession> &session,
                     const std::shared_ptr<const ModelSession> &opened, const ModelInputs &inputs,
                     const QString &dir, const QString &stem, QString *error);
    bool running() const;
    // The session the last finished() wrote (null when it wrote nothing, or it is gone), and
    // its first file (the .pt, or the .py).
    std::shared_ptr<const ModelSession> lastWritten() const { return lastWritten_.lock(); }
    QString lastWrittenTo() const { return lastWrittenTo_; }

  signals:
    // `written`: the files are on disk. `report`: the proof's line, what broke it, what was
    // written.
    void finished(bool written, const QString &report);

  private:
    // What must hold before anything starts; the inputs as the core runs them in *spec.
    bool ready(const std::shared_ptr<const ModelSession> &session,
               const std::shared_ptr<const ModelSession> &opened, const ModelInputs &inputs,
               QString *error);

    // Checks, then proves (when fixed) and runs `write` in the background; `targets` are the
    // files `write` makes, each refused when it is a model's own file.
    bool start(const std::shared_ptr<const ModelSession> &session,
               const std::shared_ptr<const ModelSession> &opened, const ModelInputs &inputs,
               const QStringList &targets, const QString &what, QString *error,
               std::function<std::string()> write);
    // Tells finished() once the session it wrote is known.
    void finish(bool written, const QString &report);

    Job *job_;
    std::shared_ptr<const ModelSession> exporting_;
    std::weak_ptr<const ModelSession> lastWritten_;
    QString exportingTo_, lastWrittenTo_;
};

} // namespace torchprep
