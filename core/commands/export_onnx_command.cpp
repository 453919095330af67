// `torchprep export-onnx MODEL.pt -o OUT.onnx (--input-shape ... | --inputs FILE) [--opset 17]
//  [--tolerance 1e-4] [--json]`
#include "base/errors.h"
#include "base/json_writer.h"
#include "base/shared_options.h"
#include "commands/arguments.h"
#include "commands/cli.h"
#include "io/run_files.h"
#include "onnx/onnx_export.h"
#include "onnx/onnx_report.h"
#include "pipeline/analysed_model.h"
#include "torchscript/torch_model.h"

#include <ostream>

namespace torchprep {

namespace {

std::string exportOnnxUsage()
{
    using namespace shared_option;
    return "usage: torchprep export-onnx MODEL.pt -o OUT.onnx (--input-shape "
           "SHAPE[:DTYPE][:LOW..HIGH]... | --inputs FILE)\n"
           "         [--opset 17] [--tolerance 1e-4] [--ops-library PATH]... [--python PATH] "
           "[--json]\n"
           "  runs PyTorch's own exporter (python3 with torch) on the file, ONNX's checker, and "
           "ONNX Runtime\n"
           "  (Python's onnxruntime, when installed) against the TorchScript outputs on the same "
           "inputs\n"
           "  --python PATH: the Python whose torch exports (your venv's, the torch that wrote the "
           "file);\n"
           "  default $TORCHPREP_PYTHON, then Debian's /usr/bin/python3\n" +
           optionHelp({&kInputShape, &kInputs, &kOpsLibrary});
}

} // namespace

int runExportOnnx(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed =
        parseArguments(args,
                       {"-o", "--output", "--input-shape", "--dtype", "--inputs", "--opset",
                        "--tolerance", "--ops-library", "--python"},
                       {"--json", "--help"});
    if (parsed.has("--help")) {
        out << exportOnnxUsage();
        return kExitPassed;
    }
    if (parsed.positional.size() != 1)
        throw InputError("export-onnx takes one model file (got " +
                         std::to_string(parsed.positional.size()) + ")");
    std::vector<std::string> outputs = parsed.all("-o");
    for (const std::string &o : parsed.all("--output"))
        outputs.push_back(o);
    if (outputs.size() != 1)
        throw InputError("export-onnx needs one output file: -o OUT.onnx");
    const std::string &input = parsed.positional.front();
    OnnxExportOptions options;
    options.inputs = inputSpecArgument(parsed);
    options.opset = static_cast<int>(wholeNumberArgument(parsed, "--opset", options.opset, 7, 99));
    if (!parsed.all("--tolerance").empty())
        options.tolerance = toleranceArgument(parsed);
    if (!parsed.all("--python").empty())
        options.python = parsed.all("--python").back();
    if (options.inputs.shapes.empty() && options.inputs.inputsFile.empty())
        throw InputError(
            "--input-shape is required (or --inputs FILE): the exporter traces the model on "
            "inputs and TorchScript files do not keep input shapes");
    RunFiles files;
    files.reads(input, "the input model");
    if (!options.inputs.inputsFile.empty())
        files.reads(options.inputs.inputsFile, "--inputs");
    files.writes(outputs.front(), "-o");
    files.check();
    loadOpsLibraries(parsed);

    const AnalysedModel analysed = AnalysedModel::load(input);
    const OnnxExportResult result = exportOnnx(analysed.torchScript("ONNX export"),
                                               &analysed.graph(), outputs.front(), options);
    out << (parsed.has("--json") ? onnxJson(input, outputs.front(), options, result)
                                 : onnxText(outputs.front(), options, result));
    return result.written ? kExitPassed : kExitFindings;
}

} // namespace torchprep
