#include "large_stack.h"

#include <exception>
#include <stdexcept>
#include <string>

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
    Job job{&work, nullptr};
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, kLargeStackBytes);
    pthread_t thread;
    const int started = pthread_create(&thread, &attributes, runJob, &job);
    pthread_attr_destroy(&attributes);
    if (started != 0) {
        work(); // no thread to be had (address space limits): run here rather than not at all
        return;
    }
    pthread_join(thread, nullptr);
    if (job.error)
        std::rethrow_exception(job.error);
}

} // namespace torchprep
