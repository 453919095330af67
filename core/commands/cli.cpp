#include "commands/cli.h"

#include "base/errors.h"
#include "base/large_stack.h"
#include "base/printable.h"

#include <exception>
#include <ostream>

namespace torchprep {

namespace {

const char *kUsage =
    "usage: torchprep <command> [options]\n"
    "\n"
    "commands:\n"
    "  validate MODEL.pt [--exclude MODULE_PATH]... [--exclude-class CLASS]... [--allow OP]... "
    "[--json]\n"
    "      check a TorchScript model against the model guidelines\n"
    "  prepare MODEL.pt -o OUT.pt --input-shape 1,3,224,224 [options]\n"
    "      rewrite the model so it follows the guidelines, prove it computes the same\n"
    "      outputs, and save it (torchprep prepare --help for the options)\n"
    "  compare A.pt B.pt --input-shape 1,3,224,224 [--per-layer] [options]\n"
    "      run two models on the same inputs (GPU when there is one) and compare their\n"
    "      outputs, and with --per-layer every layer's (torchprep compare --help)\n"
    "  export-onnx MODEL.pt -o OUT.onnx --input-shape 1,3,224,224 [--opset 17]\n"
    "      export with PyTorch's own exporter (python3 with torch), check it, and prove it in\n"
    "      ONNX Runtime where one is installed (torchprep export-onnx --help)\n"
    "\n"
    "exit codes: 0 passed, 1 findings reported (validate) or outputs differ (prepare, compare),\n"
    "            2 unusable input or arguments\n";

} // namespace

namespace {

int dispatch(const std::vector<std::string> &args, std::ostream &out, std::ostream &err)
{
    try {
        if (args.empty()) {
            err << kUsage;
            return kExitUnusable;
        }
        const std::string &command = args.front();
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "--help" || command == "-h" || command == "help") {
            out << kUsage;
            return kExitPassed;
        }
        if (command == "--version") {
            out << "torchprep " TORCHPREP_VERSION "\n";
            return kExitPassed;
        }
        if (command == "validate")
            return runValidate(rest, out, err);
        if (command == "prepare")
            return runPrepare(rest, out, err);
        if (command == "compare")
            return runCompare(rest, out, err);
        if (command == "export-onnx")
            return runExportOnnx(rest, out, err);
        err << "torchprep: unknown command '" << command
            << "' (commands: validate, prepare, compare, export-onnx)\n";
        return kExitUnusable;
    } catch (const InputError &e) {
        err << "torchprep: " << printable(e.what()) << "\n";
    } catch (const std::bad_alloc &) {
        err << "torchprep: out of memory\n";
    } catch (const std::exception &e) {
        err << "torchprep: " << printable(firstLine(e.what())) << "\n";
    } catch (...) {
        err << "torchprep: unexpected error\n";
    }
    return kExitUnusable;
}

} // namespace

int runCli(const std::vector<std::string> &args, std::ostream &out, std::ostream &err)
{
    // Reports quote names from model files: what reaches the user is valid UTF-8, line by line.
    PrintableLineBuffer outLines(out);
    std::ostream safeOut(&outLines);
    int code = kExitUnusable;
    // libtorch compiles and runs graphs recursively: long graphs need a deep stack.
    runOnLargeStack([&] { code = dispatch(args, safeOut, err); });
    safeOut.flush();
    return code;
}

} // namespace torchprep
