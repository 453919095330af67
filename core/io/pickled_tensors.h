// The tensors a pickle rebuilds, checked against the storages they view. libtorch's unpickler
// takes a storage's element count from the pickle (not from its record) and a tensor's offset,
// sizes and strides as written, and checks neither: one changed number in data.pkl, CRCs
// recomputed, and running the model reads outside its memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace torchprep {

// The size in bytes of the archive member `name` ("data/0"), none when there is no such member.
using RecordSize = std::function<std::optional<std::uint64_t>(const std::string &name)>;

// For a pickle of the archive (`archive` is its name without ".pkl": "data", "constants"):
// every storage (a persistent id ('storage', torch.FloatStorage, key, location, numel)) must fit
// in its record `archive/key`, and every tensor rebuilt over one (torch._utils.
// _rebuild_tensor_v2) must lie within it: offset, sizes and strides not negative, the last
// element it reaches inside. The first problem in words ("" when none). What the scan cannot
// follow (opcodes torch does not write for tensors) ends it without a problem: the nesting
// check has already refused malformed pickles.
std::string pickledTensorProblem(const std::string &pickle, const std::string &archive,
                                 const RecordSize &recordSize);

// A tensor a pickled dict holds under a string key, as _rebuild_tensor_v2 would view it.
struct PickledTensor
{
    std::string key;          // "conv.weight"
    std::string record;       // "data/0", below the archive's top folder
    std::string storageClass; // "torch.FloatStorage"
    std::int64_t offset = 0;
    std::vector<std::int64_t> sizes;
    std::vector<std::int64_t> strides;
};

// The tensors (parameters included) a dict of tensors pickled by torch.save holds, each checked
// as pickledTensorProblem() checks them. Sets `problem` and returns what it found so far when
// one fails.
std::vector<PickledTensor> pickledTensorDict(const std::string &pickle, const std::string &archive,
                                             const RecordSize &recordSize, std::string *problem);

} // namespace torchprep
