// `torchprep compare A.pt B.pt [--input-shape S]... [--dtype T] [--inputs FILE] [--device D]
//  [--per-layer] [--tolerance T] [--runs N] [--batches N] [--json]`
#include "base/errors.h"
#include "base/json_writer.h"
#include "base/printable.h"
#include "base/shared_options.h"
#include "commands/arguments.h"
#include "commands/cli.h"
#include "compare/comparison.h"
#include "compare/comparison_report.h"
#include "io/archive_check.h"
#include "torchscript/torch_model.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>

namespace torchprep {

namespace {

std::string compareUsage()
{
    using namespace shared_option;
    return "usage: torchprep compare A.pt B.pt (--input-shape 1,3,224,224 [--input-shape S]... "
           "[--dtype float32]\n"
           "         | --inputs FILE) [--device auto|cpu|cuda[:N]] [--per-layer] [--tolerance "
           "1e-5]\n"
           "         [--runs 10] [--batches 3] [--json]\n"
           "       torchprep compare A.pt OUTPUTS.pt --inputs FILE [--tolerance 1e-5] [--json]\n" +
           optionHelp({&kInputShape, &kInputs, &kPerLayer, &kOpsLibrary}) +
           "  OUTPUTS.pt: what another runtime (the torch that wrote A) returned on those inputs, "
           "torch.save(out, FILE)\n";
}

// A file torch.save wrote, not a TorchScript model (no code, a data.pkl): outputs to compare
// with. Objects of other classes in it (a pickled model, a library's output class) are refused:
// outputs are saved as tensors.
bool holdsSavedTensors(const std::string &path)
{
    const std::string what = "'" + printable(path) + "'";
    const ArchiveContents archive = checkArchive(path, what);
    if (!archive.isTorchSave())
        return false;
    const std::string cls = archive.objectClass();
    if (!cls.empty())
        throw InputError(
            what + " holds objects of class " + printable(cls) +
            ", not outputs: save the outputs as tensors, torch.save(tuple(outputs), FILE)");
    return true;
}

std::string number(double value)
{
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", value);
    return buf;
}

void writeText(std::ostream &out, const ComparisonReport &r, bool perLayer)
{
    out << "device: " << r.device << "; " << r.batches << " batch" << (r.batches == 1 ? "" : "es")
        << " of";
    for (const Shape &s : r.inputShapes)
        out << " " << shapeText(s);
    out << "\n";
    for (const OutputComparison &o : r.outputs)
        out << "output " << o.index << " " << shapeText(o.shape) << ": max |diff| "
            << number(o.metrics.maxAbsDiff) << ", mean |diff| " << number(o.metrics.meanAbsDiff)
            << ", cosine " << number(o.metrics.cosine) << ", SQNR " << number(o.metrics.sqnrDb)
            << " dB"
            << (o.metrics.nonFiniteA || o.metrics.nonFiniteB
                    ? "; NaN/Inf: " + std::to_string(o.metrics.nonFiniteA) + " in A, " +
                          std::to_string(o.metrics.nonFiniteB) + " in B, " +
                          std::to_string(o.metrics.nonFiniteMismatches) + " where they differ"
                    : std::string())
            << "\n";
    out << "forward, median of " << r.timingA.runs << " runs: A " << number(r.timingA.medianMs)
        << " ms"
        << (r.timingB.runs ? ", B " + number(r.timingB.medianMs) + " ms"
                           : std::string(", B saved outputs"))
        << "\n";
    if (perLayer) {
        std::size_t differing = 0, fresh = 0;
        for (const LayerComparison &l : r.layers) {
            differing += l.compared && l.metrics.maxAbsDiff > r.tolerance;
            fresh += !l.compared;
        }
        out << "layers: " << r.layers.size() << " calls, " << differing << " beyond tolerance, "
            << fresh << " without a twin\n";
        int shown = 0;
        for (const LayerComparison &l : r.layers) {
            const bool interesting =
                !l.compared || l.match != "path" || l.metrics.maxAbsDiff > r.tolerance;
            if (!interesting || shown++ >= 40)
                continue;
            out << "  " << l.module << (l.call ? " (call " + std::to_string(l.call + 1) + ")" : "")
                << "  " << l.match
                << (l.aModule.empty() || l.aModule == l.module ? "" : " ~ " + l.aModule);
            if (l.compared)
                out << "  max |diff| " << number(l.metrics.maxAbsDiff) << ", SQNR "
                    << number(l.metrics.sqnrDb) << " dB";
            out << "\n";
        }
        out << "first divergence: " << (r.firstDivergence.empty() ? "none" : r.firstDivergence)
            << "\n";
    }
    out << (r.passed ? "outputs match" : "outputs DIFFER") << " (tolerance " << number(r.tolerance)
        << ")" << (r.verdict.empty() ? "" : ": " + r.verdict) << "\n";
}

} // namespace

int runCompare(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed = parseArguments(args,
                                            {"--input-shape", "--dtype", "--inputs", "--device",
                                             "--tolerance", "--runs", "--batches", "--ops-library"},
                                            {"--per-layer", "--json", "--help"});
    if (parsed.has("--help")) {
        out << compareUsage();
        return kExitPassed;
    }
    if (parsed.positional.size() != 2)
        throw InputError("compare takes two model files, A.pt and B.pt (got " +
                         std::to_string(parsed.positional.size()) + ")");
    CompareOptions options;
    options.inputs = inputSpecArgument(parsed);
    if (!parsed.all("--device").empty())
        options.device = parsed.all("--device").back();
    options.perLayer = parsed.has("--per-layer");
    options.tolerance = toleranceArgument(parsed);
    options.runs = static_cast<int>(wholeNumberArgument(parsed, "--runs", options.runs, 1, 100000));

    loadOpsLibraries(parsed);
    // Read straight onto the device: on a GPU no model is copied on the host first.
    const std::string device = resolveComparisonDevice(options.device);
    // Either file a TorchScript model or a torch.export program.
    const ComparableModel a = ComparableModel::load(parsed.positional[0], device);
    ComparisonReport report;
    if (holdsSavedTensors(parsed.positional[1])) {
        options.nameB = "saved outputs";
        report = compareWithOutputs(a, parsed.positional[1], options);
    } else {
        report = compareModels(a, ComparableModel::load(parsed.positional[1], device), options);
    }
    if (!report.comparable) // two models that return other numbers or shapes of tensors
        throw InputError("the models cannot be compared: " + report.verdict);
    if (parsed.has("--json"))
        out << comparisonJson(parsed.positional[0], parsed.positional[1], report);
    else
        writeText(out, report, options.perLayer);
    return report.passed ? kExitPassed : kExitFindings;
}

} // namespace torchprep
