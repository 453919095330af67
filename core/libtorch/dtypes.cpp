#include "libtorch/dtypes_torch.h"

#include "base/dtype_names.h"

namespace torchprep {

namespace {

// The scalar types the table may name, found by c10's own spelling of each.
std::optional<at::ScalarType> scalarTypeSpelled(const std::string &c10)
{
    static const at::ScalarType candidates[] = {
        at::kFloat,        at::kDouble,        at::kHalf,        at::kBFloat16, at::kLong,
        at::kInt,          at::kShort,         at::kChar,        at::kByte,     at::kBool,
        at::kComplexFloat, at::kComplexDouble, at::kComplexHalf,
    };
    for (at::ScalarType type : candidates)
        if (c10 == c10::toString(type))
            return type;
    return std::nullopt;
}

} // namespace

std::optional<std::string> dtypeNameOf(at::ScalarType type)
{
    const std::string spelled = c10::toString(type);
    for (const DtypeName &d : dtypeNames())
        if (d.c10 == spelled)
            return d.name;
    return std::nullopt;
}

std::optional<at::ScalarType> scalarTypeOf(const std::string &nameOrAlias)
{
    const DtypeName *d = findDtype(nameOrAlias);
    return d ? scalarTypeSpelled(d->c10) : std::nullopt;
}

} // namespace torchprep
