#include "pipeline/prepare_proof.h"

#include "base/errors.h"
#include "base/report_text.h"
#include "compare/comparison.h"
#include "torchscript/torch_model.h"

#include <algorithm>
#include <sstream>

namespace torchprep {

namespace {

// Re-runs the pipeline from the original, one more step each time, until the proof fails.
ProofDiagnosis diagnose(const TorchModel &original, const PrepareOptions &base,
                        const InputSpec &inputs, double tolerance,
                        const std::vector<PassLog> *passes)
{
    ProofDiagnosis diagnosis;
    // The set-up first (fused fast paths removed, attention specialized): it changes what runs.
    // Only when the whole set-up breaks the proof are its steps tried one prefix at a time.
    auto preparedWith = [&](const std::vector<std::string> &only) {
        auto candidate = original.copy();
        PrepareOptions options = base;
        options.onlyPasses = only;
        prepareModel(*candidate, options);
        return candidate;
    };
    auto provenAfter = [&](const std::vector<std::string> &only) {
        return proveEquivalent(original, *preparedWith(only), inputs, tolerance).passed;
    };
    auto named = [&](const std::string &id) {
        return std::find(base.onlyPasses.begin(), base.onlyPasses.end(), id) !=
               base.onlyPasses.end();
    };
    // The set-up steps the run took: those --only named, else all of them.
    std::vector<std::string> setUp;
    for (const std::string &step : prepareSetUpNames())
        if (named(step))
            setUp.push_back(step);
    const std::vector<std::string> namedSetUp = setUp;
    if (setUp.empty())
        setUp = prepareSetUpNames();
    if (!provenAfter(setUp)) {
        std::vector<std::string> prefix;
        for (const std::string &step : setUp) {
            prefix.push_back(step);
            if (!provenAfter(prefix)) {
                diagnosis.brokenBy = step;
                return diagnosis;
            }
        }
        diagnosis.brokenBy = setUp.back();
        return diagnosis;
    }
    std::vector<std::string> prefix = namedSetUp;
    for (const std::string &pass : preparePassNames()) {
        if (!base.onlyPasses.empty() && !named(pass))
            continue; // not run
        prefix.push_back(pass);
        const bool changedNothing =
            passes && std::any_of(passes->begin(), passes->end(), [&](const PassLog &log) {
                return log.name == pass && log.changes.empty();
            });
        if (changedNothing)
            continue; // a pass that changed nothing broke nothing
        const auto candidate = preparedWith(prefix);
        if (proveEquivalent(original, *candidate, inputs, tolerance).passed)
            continue;
        diagnosis.brokenBy = pass;
        CompareOptions compare;
        compare.timed = false;
        compare.device = "cpu";
        compare.perLayer = true;
        compare.inputs = inputs;
        compare.tolerance = tolerance;
        compare.nameA = "original";
        compare.nameB = "prepared";
        try {
            diagnosis.firstDivergence =
                compareModels(original, *candidate, compare).firstDivergence;
        } catch (const InputError &) {
            // layers whose outputs cannot be compared one by one: the pass is still named
        }
        break;
    }
    return diagnosis;
}

} // namespace

PreparedProof provePrepared(const TorchModel &original, const TorchModel &prepared,
                            const PrepareOptions &options, const InputSpec &inputs,
                            double tolerance, const std::vector<PassLog> *passes)
{
    PreparedProof result;
    result.proof = proveEquivalent(original, prepared, inputs, tolerance);
    // Outputs NaN everywhere in both models convict no step: there is nothing to diagnose.
    if (!result.proof.passed && !result.proof.inputsGaveNoNumbers)
        result.diagnosis = diagnose(original, options, inputs, tolerance, passes);
    return result;
}

std::string inputsText(const InputSpec &spec)
{
    if (!spec.inputsFile.empty())
        return "the inputs in " + spec.inputsFile;
    std::string text;
    for (std::size_t i = 0; i < spec.shapes.size(); ++i)
        text += (i == 0                        ? ""
                 : i + 1 == spec.shapes.size() ? " and "
                                               : ", ") +
                describeInput(spec, i);
    return std::to_string(spec.batches) + " random batch" + (spec.batches == 1 ? "" : "es") +
           " of " + text;
}

std::string proofLine(const EquivalenceReport &proof, const InputSpec &inputs)
{
    std::ostringstream out;
    out << "equivalence: "
        << (proof.passed                ? "proven"
            : proof.inputsGaveNoNumbers ? "not proven, the inputs gave no numbers,"
                                        : "FAILED")
        << " on " << inputsText(inputs) << ": max |diff| " << threeSignificant(proof.maxAbsDiff)
        << ", mean |diff| " << threeSignificant(proof.meanAbsDiff) << ", cosine "
        << threeSignificant(proof.cosine) << " (tolerance " << threeSignificant(proof.tolerance)
        << ")"
        << (proof.nonFinite && proof.nonFiniteMismatches == 0
                ? "; " + std::to_string(proof.nonFinite) + " NaN/Inf elements, the same in both"
                : std::string())
        << (proof.mismatch.empty() ? "" : "; " + proof.mismatch)
        << (proof.reason.empty() ? "" : "; " + proof.reason);
    return out.str();
}

std::string brokenByLine(const ProofDiagnosis &diagnosis)
{
    const auto &setUp = prepareSetUpNames();
    const std::string &step = diagnosis.brokenBy;
    if (step == step_id::kFusedFastPaths)
        return "broken by: the set-up, before any pass (step " + step +
               "): a scripted torch layer's fused inference fast path, which the preparer removes, "
               "computes other "
               "values than the layer's ops (a TransformerEncoder given a padding mask zeroes the "
               "padded positions "
               "on it); trace the model instead";
    if (std::find(setUp.begin(), setUp.end(), step) != setUp.end())
        return "broken by: the set-up, before any pass (step " + step + ")";
    if (step.empty())
        return {};
    return "broken by: pass " + step +
           (diagnosis.firstDivergence.empty()
                ? std::string()
                : "; first layer to differ: " + diagnosis.firstDivergence);
}

std::string notProvenReason(const EquivalenceReport &proof)
{
    return !proof.mismatch.empty() ? proof.mismatch
           : !proof.reason.empty() ? proof.reason
                                   : "the prepared model computes different outputs";
}

} // namespace torchprep
