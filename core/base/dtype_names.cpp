#include "base/dtype_names.h"

namespace torchprep {

const std::vector<DtypeName> &dtypeNames()
{
    static const std::vector<DtypeName> names = {
        {"float32", "float", "Float", true},
        {"float64", "double", "Double", true},
        {"float16", "half", "Half", true},
        {"bfloat16", "", "BFloat16", true},
        {"int64", "long", "Long", true},
        {"int32", "int", "Int", true},
        {"int16", "", "Short", true},
        {"int8", "", "Char", true},
        {"uint8", "", "Byte", true},
        {"bool", "", "Bool", true},
        {"complex64", "", "ComplexFloat", false},
        {"complex128", "", "ComplexDouble", false},
        {"complex32", "chalf", "ComplexHalf", false},
    };
    return names;
}

const DtypeName *findDtype(const std::string &nameOrAlias)
{
    for (const DtypeName &d : dtypeNames())
        if (nameOrAlias == d.name || (!d.alias.empty() && nameOrAlias == d.alias))
            return &d;
    return nullptr;
}

std::string inputDtypeName(const std::string &nameOrAlias)
{
    const DtypeName *d = findDtype(nameOrAlias);
    return d && d->input ? d->name : std::string();
}

bool isKnownDtype(const std::string &dtype)
{
    return !inputDtypeName(dtype).empty();
}

std::string inputDtypesText()
{
    std::vector<std::string> names;
    for (const DtypeName &d : dtypeNames())
        if (d.input)
            names.push_back(d.name);
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return text;
}

} // namespace torchprep
