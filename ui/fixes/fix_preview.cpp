#include "fix_preview.h"

#include "checks/finding.h"
#include "fixes/fix_step.h"
#include "session/background_work.h"
#include "session/model_session.h"

#include <QStringList>

namespace torchprep {

namespace {

// "layer1.0.module_add (Add)", one per module the fix added, from the fixed copy's graph.
QString createdText(const FixResult &result)
{
    QStringList created;
    for (const PreparedChange &change : result.changes) {
        const ModuleInfo *module = result.after->graph().findModule(change.module);
        created << (module ? QStringLiteral("%1 (%2)").arg(QString::fromStdString(change.module),
                                                          QString::fromStdString(module->typeName))
                           : QString::fromStdString(change.module));
    }
    if (created.isEmpty())
        return QObject::tr("nothing: the preparer does not rewrite this; fix it by hand");
    return created.join(QStringLiteral(", "));
}

} // namespace

FixPreview::FixPreview(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("previewing a fix"), this))
{
    connect(job_, &Job::runningChanged, this, [this](bool running) {
        if (!running)
            startNext();
    });
}

FixPreview::~FixPreview() = default;

void FixPreview::preview(std::shared_ptr<const ModelSession> session, int finding)
{
    if (session && session == lastSession_.lock() && finding == lastFinding_) {
        emit previewed(session.get(), lastFinding_, lastText_);
        return;
    }
    next_ = std::move(session);
    nextFinding_ = finding;
    if (job_->running())
        job_->cancel();
    else
        startNext();
}

void FixPreview::cancel()
{
    next_.reset();
    job_->cancel();
}

void FixPreview::startNext()
{
    if (!next_)
        return;
    const std::shared_ptr<const ModelSession> session = std::move(next_);
    const int finding = nextFinding_;
    next_.reset();
    if (!session->model() || finding < 0 || finding >= static_cast<int>(session->report().findings.size()))
        return;
    const std::string key = findingKey(session->report().findings[static_cast<std::size_t>(finding)]);
    job_->start([session, key] { return createdText(applyFixes(session, {key})); },
                [this, session, finding](const QString &text) {
                    lastSession_ = session;
                    lastFinding_ = finding;
                    lastText_ = text;
                    emit previewed(session.get(), finding, text);
                });
}

} // namespace torchprep
