// libtorch's intra-op threads, shared out when several models run at once.
#pragma once

namespace torchprep {

// Gives each of `workers` concurrent model runs an equal share of the machine's cores for
// libtorch's intra-op parallelism (at least one each).
void shareIntraOpThreads(int workers);

} // namespace torchprep
