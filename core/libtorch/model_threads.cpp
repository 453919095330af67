#include "libtorch/model_threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

namespace torchprep {

void shareIntraOpThreads(int workers)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(std::max(1, cores / std::max(1, workers)));
}

} // namespace torchprep
