// Private to core .cpp files (includes torch): base/dtype_names.h's table, as libtorch's scalar
// types.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

namespace torchprep {

// "float32" for at::kFloat; nothing for a type the table does not name.
std::optional<std::string> dtypeNameOf(at::ScalarType type);
// at::kFloat for "float32" or "float"; nothing for a name the table does not hold.
std::optional<at::ScalarType> scalarTypeOf(const std::string &nameOrAlias);

} // namespace torchprep
