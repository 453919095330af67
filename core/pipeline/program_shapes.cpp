#include "pipeline/program_shapes.h"

#include "pt2/exported_program.h"

#include <map>

namespace torchprep {

namespace {

// The schema's ScalarType numbers, as --input-shape spells the dtypes.
std::string dtypeName(int dtype)
{
    static const std::map<int, std::string> names = {
        {1, "uint8"},   {2, "int8"},    {3, "int16"},   {4, "int32"}, {5, "int64"},
        {6, "float16"}, {7, "float32"}, {8, "float64"}, {12, "bool"}, {13, "bfloat16"}};
    const auto it = names.find(dtype);
    return it == names.end() ? "dtype " + std::to_string(dtype) : it->second;
}

} // namespace

ValueShapes programValueShapes(const std::string &path, const ModelGraph &graph)
{
    const ExportedProgram program = readExportedProgram(path);
    ValueShapes shapes;
    shapes.values.resize(graph.values.size());
    for (const GraphValue &value : graph.values) {
        const auto it = program.tensors.find(value.name);
        if (value.type != "Tensor" || it == program.tensors.end())
            continue;
        bool fixed = true;
        for (std::int64_t size : it->second.sizes)
            fixed = fixed && size >= 0;
        if (!fixed)
            continue;
        TensorShape &shape = shapes.values[static_cast<std::size_t>(value.id)];
        shape.known = true;
        shape.sizes = it->second.sizes;
        shape.dtype = dtypeName(it->second.dtype);
        ++shapes.recorded;
    }
    return shapes;
}

} // namespace torchprep
