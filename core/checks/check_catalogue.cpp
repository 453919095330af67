#include "checks/check_catalogue.h"

#include <algorithm>

namespace torchprep {

const std::vector<CheckEntry> &checkCatalogue()
{
    static const std::vector<CheckEntry> all = {
        {check_id::kReusedModule, "Reused module", "orange"},
        {check_id::kMissingModule, "Functional op", "purple"},
        {check_id::kNonTensorIo, "Non-tensor I/O", "blue"},
        {check_id::kDynamicControlFlow, "Dynamic control flow", "red"},
        {check_id::kInputDependentConstructor, "Input-dependent constructor", "teal"},
        {check_id::kOnnxExportable, "ONNX export", "slate"},
    };
    return all;
}

const std::vector<PassEntry> &passCatalogue()
{
    static const std::vector<PassEntry> all = {
        {pass_id::kLinearToLayer, "Functional linear/conv to layers", "purple", "layer rewritten",
         "layers rewritten"},
        {pass_id::kFunctionalToModule, "Functionals to modules", "purple", "module added",
         "modules added"},
        {pass_id::kUnrollReuse, "Unroll reused modules", "orange", "reuse unrolled",
         "reuses unrolled"},
    };
    return all;
}

namespace {
template <typename Entry>
const Entry *findIn(const std::vector<Entry> &entries, const std::string &id)
{
    const auto it =
        std::find_if(entries.begin(), entries.end(), [&](const Entry &e) { return e.id == id; });
    return it == entries.end() ? nullptr : &*it;
}
} // namespace

const CheckEntry *findCheck(const std::string &id)
{
    return findIn(checkCatalogue(), id);
}
const PassEntry *findPass(const std::string &id)
{
    return findIn(passCatalogue(), id);
}

} // namespace torchprep
