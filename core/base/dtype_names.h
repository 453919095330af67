// The one table of tensor dtypes by the names torch.<name> gives them ("float32", "int64"): what
// --dtype and --input-shape take (with their aliases, "float", "long"), what the Studio and the
// reports print, and (libtorch/dtypes_torch.h) how each maps to libtorch's scalar types.
#pragma once

#include <string>
#include <vector>

namespace torchprep {

struct DtypeName
{
    std::string name;  // "float32": torch.float32
    std::string alias; // "float": what torch.float also names; "" when none
    std::string c10;   // "Float": c10::toString of the scalar type
    bool input = true; // --dtype may name it (complex inputs are not generated)
};

// Every dtype TorchPrep names, in the order the usage lists them.
const std::vector<DtypeName> &dtypeNames();

// The row `nameOrAlias` names ("float32" or "float"), or null.
const DtypeName *findDtype(const std::string &nameOrAlias);
// "float32" for "float32" or "float"; "" for a name that is no input dtype.
std::string inputDtypeName(const std::string &nameOrAlias);
bool isKnownDtype(const std::string &dtype);
// "float32, float64, ..., uint8 or bool": the input dtypes, for a usage or an error.
std::string inputDtypesText();

} // namespace torchprep
