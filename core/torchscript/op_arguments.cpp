#include "torchscript/op_arguments.h"

#include <torch/csrc/jit/runtime/operator.h>

#include <map>
#include <mutex>

namespace torchprep {

std::vector<std::string> opArgumentNames(const std::string &op, std::size_t count)
{
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::size_t>, std::vector<std::string>> known;
    const std::lock_guard<std::mutex> lock(mutex);
    const auto cached = known.find({op, count});
    if (cached != known.end())
        return cached->second;
    std::vector<std::string> names;
    if (op.find("::") != std::string::npos) {
        for (const auto &candidate :
             torch::jit::getAllOperatorsFor(c10::Symbol::fromQualString(op))) {
            const c10::FunctionSchema &schema = candidate->schema();
            if (schema.is_vararg() || schema.arguments().size() != count)
                continue;
            for (const c10::Argument &argument : schema.arguments())
                names.push_back(argument.name());
            break;
        }
    }
    known[{op, count}] = names;
    return names;
}

} // namespace torchprep
