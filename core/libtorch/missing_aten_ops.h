// aten ops that torch 2.x writes into TorchScript files and an older linked libtorch lacks
// (libtorch 1.13 has no scaled_dot_product_attention or rms_norm), registered under their own
// names with kernels composed from ops every libtorch has, so such files load and run. The one op
// no older op computes (lanczos resampling, in every scripted F.interpolate) resolves, so the
// file loads, and refuses to run in one line.
#pragma once

#include <string>
#include <vector>

namespace torchprep {

// Registers every op of the table that the linked libtorch lacks, once per process; an op it
// has is left alone. Called before any model is loaded. Returns the ops this call registered.
std::vector<std::string> registerMissingAtenOps();

// The ops registered by this process so far ("aten::rms_norm"), for reports.
std::vector<std::string> registeredAtenOps();

// The linked libtorch's version, "1.13.1".
std::string linkedTorchVersion();

// For an aten op the linked libtorch cannot resolve: which torch has it, from the census of
// torch 2.x files (core/libtorch/aten_op_census.inc); "" when the census never met it.
std::string torchVersionWithOp(const std::string &op);

} // namespace torchprep
