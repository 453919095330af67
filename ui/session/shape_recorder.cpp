#include "shape_recorder.h"

#include "session/background_work.h"
#include "session/model_session.h"
#include "torchscript/torch_model.h"

namespace torchprep {

bool SessionShapes::belongTo(const ModelSession &session) const { return graph == session.analysed().sharedGraph(); }

ShapeRecorder::ShapeRecorder(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("recording the tensor shapes"), this))
{
    // The job reports its end before the tracker hears of it: what waits starts in between.
    connect(job_, &Job::runningChanged, this, [this](bool running) {
        if (!running)
            startNext();
    });
}

ShapeRecorder::~ShapeRecorder() = default;

bool ShapeRecorder::busy() const { return job_->running() || next_; }

void ShapeRecorder::record(std::shared_ptr<const ModelSession> session, const ModelInputs &inputs)
{
    next_ = std::move(session);
    nextInputs_ = inputs;
    if (job_->running())
        job_->cancel();
    else
        startNext();
}

void ShapeRecorder::cancel()
{
    next_.reset();
    job_->cancel();
}

void ShapeRecorder::startNext()
{
    if (!next_)
        return;
    const std::shared_ptr<const ModelSession> session = std::move(next_);
    const ModelInputs inputs = nextInputs_;
    next_.reset();
    if (!session->model()) {
        emit failed(tr("no model is loaded"));
        return;
    }
    job_->start(
        [session, inputs] {
            auto shapes = std::make_shared<SessionShapes>();
            shapes->graph = session->analysed().sharedGraph();
            shapes->inputs = inputs;
            shapes->shapes = recordValueShapes(*session->model(), session->graph(), inputs.spec());
            return std::shared_ptr<const SessionShapes>(std::move(shapes));
        },
        [this](std::shared_ptr<const SessionShapes> shapes) { emit recorded(std::move(shapes)); },
        [this](const QString &reason) { emit failed(reason); }, tr("Recording tensor shapes"));
}

} // namespace torchprep
