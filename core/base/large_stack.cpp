#include "base/large_stack.h"

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include <pthread.h>

namespace torchprep {

namespace {

struct Job
{
    const std::function<void()> *work;
    std::exception_ptr error;
};

void *runJob(void *argument)
{
    Job &job = *static_cast<Job *>(argument);
    try {
        (*job.work)();
    } catch (...) {
        job.error = std::current_exception();
    }
    return nullptr;
}

} // namespace

void runOnLargeStack(const std::function<void()> &work)
{
    runOnLargeStacks(1, [&](int) { work(); });
}

void runOnLargeStacks(int threads, const std::function<void(int)> &work)
{
    std::vector<std::function<void()>> bodies;
    for (int i = 0; i < threads; ++i)
        bodies.push_back([&work, i] { work(i); });
    std::vector<Job> jobs;
    for (const auto &body : bodies)
        jobs.push_back(Job{&body, nullptr});
    std::vector<pthread_t> started;
    std::vector<std::size_t> inline_;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, kLargeStackBytes);
        pthread_t thread;
        if (pthread_create(&thread, &attributes, runJob, &jobs[i]) == 0)
            started.push_back(thread);
        else
            inline_.push_back(i); // no thread to be had (address space limits): run it here
        pthread_attr_destroy(&attributes);
    }
    for (std::size_t i : inline_)
        runJob(&jobs[i]);
    for (pthread_t thread : started)
        pthread_join(thread, nullptr);
    for (const Job &job : jobs)
        if (job.error)
            std::rethrow_exception(job.error);
}

} // namespace torchprep
