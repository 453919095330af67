// What the product checks and how it rewrites, told once: each check's and each pass's id (as
// findings, JSON and --only spell it), a title for people, and the name of the colour the Studio
// draws it in. The validator and the preparer take their ids from here, the Studio its words.
#pragma once

#include <string>
#include <vector>

namespace torchprep {

// Check ids, in the order the validator runs the checks.
namespace check_id {
inline constexpr const char kReusedModule[] = "reused_module";
inline constexpr const char kMissingModule[] = "missing_module";
inline constexpr const char kNonTensorIo[] = "non_tensor_io";
inline constexpr const char kDynamicControlFlow[] = "dynamic_control_flow";
inline constexpr const char kInputDependentConstructor[] = "input_dependent_constructor";
inline constexpr const char kOnnxExportable[] = "onnx_exportable";
} // namespace check_id

// Pass ids, in the order the preparer runs the passes.
namespace pass_id {
inline constexpr const char kLinearToLayer[] = "linear_to_layer";
inline constexpr const char kFunctionalToModule[] = "functional_to_module";
inline constexpr const char kUnrollReuse[] = "unroll_reuse";
} // namespace pass_id

struct CheckEntry
{
    std::string id;        // "reused_module"
    std::string title;     // "Reused module": what a person reads in a table or a key
    std::string colourKey; // "orange": the name of its colour in the Studio's palette
};

struct PassEntry
{
    std::string id;         // "unroll_reuse"
    std::string title;      // "Unroll reused modules"
    std::string colourKey;  // its changes' colour: that of the findings it fixes
    std::string changeOne;  // "reuse unrolled": one change it made, as a count says it
    std::string changeMany; // "reuses unrolled"
};

// Every check, in the order the validator runs them.
const std::vector<CheckEntry> &checkCatalogue();
// Every pass, in the order the preparer runs them.
const std::vector<PassEntry> &passCatalogue();

// The entry named `id`, or nullptr.
const CheckEntry *findCheck(const std::string &id);
const PassEntry *findPass(const std::string &id);

} // namespace torchprep
