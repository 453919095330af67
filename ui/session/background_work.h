// Background work, one kind for the whole Studio. A Job runs one piece of work at a time on a
// worker thread, guarded so that nothing it throws escapes, and hands its result (or a one-line
// error) to the GUI thread. A WorkTracker counts the jobs of one window: idle() follows the
// moment the last of them has delivered, so whatever a result set off (a layout after a load)
// is already counted. Tests and --screenshot wait on idle(), never on time.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <type_traits>

namespace torchprep {

class WorkTracker : public QObject
{
    Q_OBJECT
  public:
    using QObject::QObject;

    bool busy() const { return running_ > 0; }

  signals:
    void started(const QString &what); // a job began; `what` ("Loading resnet18.pt") may be empty
    void busyChanged(bool busy);
    void idle(); // the last running job has delivered its result

  private:
    friend class Job;
    void jobStarted(const QString &what);
    void jobEnded();

    int running_ = 0;
};

class Job : public QObject
{
    Q_OBJECT
  public:
    // `activity` names the work in the error for an exception that says nothing ("unknown
    // error while <activity>"). The tracker may be null (the work is then counted nowhere).
    Job(WorkTracker *tracker, const QString &activity, QObject *parent = nullptr);
    // Waits for a worker still running: it must never outlive what it reports to. A job ends
    // with the window its tracker counts for (the tracker is not told of it then).
    ~Job() override;

    bool running() const { return running_; }

    // Runs `work()` on a worker thread; on the GUI thread, `done(result)` follows, or
    // `failed(line)` when it threw (an InputError's message as it is, another exception's first
    // line). False, and nothing started, while a job runs. `what` is told to the tracker.
    template <typename Work, typename Done>
    bool start(Work work, Done done, std::function<void(const QString &)> failed = {},
               const QString &what = {})
    {
        using Result = std::invoke_result_t<Work>;
        return launch(
            [work = std::move(work), done = std::move(done)]() -> Delivery {
                auto result = std::make_shared<Result>(work());
                return [done, result] { done(std::move(*result)); };
            },
            std::move(failed), what);
    }

    // The work running now delivers nothing: its result is dropped when it ends (a worker
    // cannot be stopped midway). running() stays true until then.
    void cancel();

  signals:
    void runningChanged(bool running);

  private:
    using Delivery = std::function<void()>; // built on the worker, run on the GUI thread
    bool launch(std::function<Delivery()> work, std::function<void(const QString &)> failed,
                const QString &what);
    void onFinished();

    WorkTracker *tracker_;
    QString activity_;
    QFutureWatcher<Delivery> watcher_;
    bool running_ = false;
    bool cancelled_ = false;
};

// The latest request wins: a request while a job runs drops that job's result and starts once it
// ends; a request while one waits replaces it. For work a user's newest choice makes stale (a
// preview, the shapes of the graph on show, the diff of the sessions on show).
class LatestJob : public QObject
{
    Q_OBJECT
  public:
    LatestJob(WorkTracker *tracker, const QString &activity, QObject *parent = nullptr);

    // `start` starts the work on the job it is handed (Job::start), now or once the running job
    // ends.
    void request(std::function<void(Job &)> start);
    // Drops the waiting request and the running job's result.
    void cancel();
    // A job runs or a request waits.
    bool busy() const;

  private:
    void startNext();

    Job *job_;
    std::function<void(Job &)> next_;
};

} // namespace torchprep
