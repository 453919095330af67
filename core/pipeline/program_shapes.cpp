#include "pipeline/program_shapes.h"

#include "pt2/exported_program.h"

namespace torchprep {

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
        shape.dtype = exportDtypeName(it->second.dtype);
        if (shape.dtype.empty())
            shape.dtype = "dtype " + std::to_string(it->second.dtype);
        ++shapes.recorded;
    }
    return shapes;
}

} // namespace torchprep
