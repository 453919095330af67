#include "background_work.h"

#include "session/guarded.h"

#include "base/large_stack.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace torchprep {

namespace {
// Jobs that may run at once: a window's loader, layouts, fix, preview, shapes and comparison.
constexpr int kMaxJobs = 8;
} // namespace

void WorkTracker::jobStarted(const QString &what)
{
    if (running_++ == 0)
        emit busyChanged(true);
    emit started(what);
}

void WorkTracker::jobEnded()
{
    if (--running_ > 0)
        return;
    emit busyChanged(false);
    emit idle();
}

Job::Job(WorkTracker *tracker, const QString &activity, QObject *parent)
    : QObject(parent), tracker_(tracker), activity_(activity)
{
    connect(&watcher_, &QFutureWatcher<Delivery>::finished, this, &Job::onFinished);
}

Job::~Job()
{
    watcher_.waitForFinished();
}

bool Job::launch(std::function<Delivery()> work, std::function<void(const QString &)> failed,
                 const QString &what)
{
    if (running_)
        return false;
    running_ = true;
    cancelled_ = false;
    if (tracker_)
        tracker_->jobStarted(what);
    emit runningChanged(true);
    const QString activity = activity_;
    // libtorch compiles a graph recursively along its data flow: workers get the CLI's deep stack.
    QThreadPool *pool = QThreadPool::globalInstance();
    if (pool->stackSize() < kLargeStackBytes)
        pool->setStackSize(kLargeStackBytes);
    // A comparison or a shape run takes seconds: a layout must not queue behind them.
    if (pool->maxThreadCount() < kMaxJobs)
        pool->setMaxThreadCount(kMaxJobs);
    watcher_.setFuture(QtConcurrent::run(
        pool, [work = std::move(work), failed = std::move(failed), activity]() -> Delivery {
            Delivery delivery;
            const QString error = guarded([&] { delivery = work(); }, activity);
            if (error.isEmpty())
                return delivery;
            return [failed, error] {
                if (failed)
                    failed(error);
            };
        }));
    return true;
}

void Job::cancel()
{
    cancelled_ = cancelled_ || running_;
}

// The delivery runs before the tracker hears the job ended: work it starts keeps the window busy.
void Job::onFinished()
{
    const Delivery deliver = watcher_.result();
    const bool dropped = cancelled_;
    running_ = false;
    cancelled_ = false;
    if (!dropped && deliver)
        deliver();
    if (!running_)
        emit runningChanged(false);
    if (tracker_)
        tracker_->jobEnded();
}

LatestJob::LatestJob(WorkTracker *tracker, const QString &activity, QObject *parent)
    : QObject(parent), job_(new Job(tracker, activity, this))
{
    // The job reports its end before the tracker hears of it: what waits starts in between.
    connect(job_, &Job::runningChanged, this, [this](bool running) {
        if (!running)
            startNext();
    });
}

void LatestJob::request(std::function<void(Job &)> start)
{
    next_ = std::move(start);
    if (job_->running())
        job_->cancel();
    else
        startNext();
}

void LatestJob::cancel()
{
    next_ = nullptr;
    job_->cancel();
}

bool LatestJob::busy() const
{
    return job_->running() || next_;
}

void LatestJob::startNext()
{
    if (!next_)
        return;
    const std::function<void(Job &)> start = std::move(next_);
    next_ = nullptr;
    start(*job_);
}

} // namespace torchprep
