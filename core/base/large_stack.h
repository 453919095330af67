// Running libtorch's recursive work (its interpreter compiles a graph recursively along the
// data flow: ~400 bytes of stack per op in a chain) on a thread whose stack is large enough for
// the longest graph TorchPrep accepts.
#pragma once

#include <cstddef>
#include <functional>

namespace torchprep {

// Stack of the thread runOnLargeStack starts: 1 GiB of address space, used only as deep as needed.
constexpr std::size_t kLargeStackBytes = std::size_t(1) << 30;

// The most nodes one method graph may have: a chain this long runs within kLargeStackBytes with
// room to spare. Longer graphs are refused with one line before they are run.
constexpr std::size_t kMaxGraphNodes = 1000000;

// Runs `work` on a new thread with a kLargeStackBytes stack and waits for it; an exception it
// throws is rethrown here.
void runOnLargeStack(const std::function<void()> &work);

// Runs `work(0)` ... `work(threads - 1)` each on its own kLargeStackBytes thread and waits for all;
// the first exception thrown is rethrown here.
void runOnLargeStacks(int threads, const std::function<void(int)> &work);

} // namespace torchprep
