// The comparison engine: outputs batch by batch, timings, and per-layer taps on request.
#include "compare/comparison.h"

#include "base/errors.h"
#include "base/printable.h"
#include "compare/comparison_torch.h"
#include "io/archive_check.h"
#include "pt2/program_graph.h"
#include "pt2/program_run_torch.h"
#include "torchscript/model_run_torch.h"
#include "torchscript/torch_model.h"
#include "torchscript/torch_model_impl.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <iterator>

namespace torchprep {

namespace {

at::Device resolveDevice(const std::string &name)
{
    if (name == "auto")
        return torch::cuda::is_available() ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    if (name == "cpu")
        return at::kCPU;
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw InputError("--device " + name +
                             ": no CUDA device is available here "
                             "(this libtorch sees none); use --device cpu or auto");
        try {
            at::Device device(name);
            const auto count = torch::cuda::device_count();
            if (device.has_index() && device.index() >= static_cast<int>(count)) {
                throw InputError(
                    "--device " + name + ": this machine has " + std::to_string(count) +
                    (count == 1
                         ? " CUDA device (cuda:0)"
                         : " CUDA devices (cuda:0 to cuda:" + std::to_string(count - 1) + ")"));
            }
            return device.has_index() ? device : at::Device(at::kCUDA, 0);
        } catch (const c10::Error &) {
        }
    }
    throw InputError("--device '" + name + "': use auto, cpu, cuda or cuda:N");
}

void synchronize(const at::Device &device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.index());
}

// Seeds the generator before each model's run, apart from the seeds that draw the inputs.
constexpr std::uint64_t kModelSeed = 0x5eed0000;

// Which batch a report keeps for an output or layer: the one furthest from agreeing.
bool worse(const DifferenceMetrics &candidate, const DifferenceMetrics &kept)
{
    if (candidate.nonFiniteMismatches != kept.nonFiniteMismatches)
        return candidate.nonFiniteMismatches > kept.nonFiniteMismatches;
    return candidate.maxAbsDiff > kept.maxAbsDiff;
}

// True when every parameter and buffer of `module` already lives on `device`.
bool isOn(const torch::jit::Module &module, const at::Device &device)
{
    for (const at::Tensor &t : module.parameters())
        if (t.device() != device)
            return false;
    for (const at::Tensor &t : module.buffers())
        if (t.device() != device)
            return false;
    return true;
}

ModelTiming summarize(std::vector<double> ms)
{
    ModelTiming t;
    t.runs = static_cast<int>(ms.size());
    if (ms.empty())
        return t;
    std::sort(ms.begin(), ms.end());
    t.minMs = ms.front();
    t.medianMs =
        ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    return t;
}

Histogram histogramOf(const std::vector<at::Tensor> &diffs, int bins)
{
    Histogram h;
    if (diffs.empty())
        return h;
    const at::Tensor all = at::cat(diffs); // finite differences only
    if (all.numel() == 0)
        return h;
    const double lo = all.min().item<double>();
    const double hi = all.max().item<double>();
    if (lo == hi) { // one bin holds everything: identical outputs give [0, 0]
        h.edges = {lo, hi};
        h.counts = {all.numel()};
        return h;
    }
    const at::Tensor counts = at::histc(all, bins, lo, hi).to(at::kLong).cpu();
    for (int i = 0; i <= bins; ++i)
        h.edges.push_back(lo + (hi - lo) * i / bins);
    for (int i = 0; i < bins; ++i)
        h.counts.push_back(counts[i].item<std::int64_t>());
    return h;
}

// One side of a comparison: runs forward, and forward with every module call's output kept.
class Runner
{
  public:
    virtual ~Runner() = default;
    virtual c10::IValue forward(const std::vector<c10::IValue> &inputs,
                                const std::string &what) = 0;
    virtual std::vector<LayerCall> tapped(const std::vector<c10::IValue> &inputs,
                                          std::vector<at::Tensor> &outputs,
                                          const std::string &what) = 0;
};

class ScriptRunner : public Runner
{
  public:
    ScriptRunner(const TorchModel &model, const at::Device &device)
        : model_(model), device_(device), module_(onDevice(model.impl().module))
    {
    }

    c10::IValue forward(const std::vector<c10::IValue> &inputs, const std::string &what) override
    {
        return runForward(module_, inputs, what);
    }

    std::vector<LayerCall> tapped(const std::vector<c10::IValue> &inputs,
                                  std::vector<at::Tensor> &outputs,
                                  const std::string &what) override
    {
        if (!tapped_) // cloned from the model as loaded
            tapped_ = std::make_unique<TappedModel>(model_.impl().module, device_);
        return tapped_->run(inputs, outputs, what);
    }

  private:
    torch::jit::Module onDevice(const torch::jit::Module &module) const
    {
        if (device_.is_cpu() || isOn(module, device_))
            return module;                           // loaded straight onto the device: no copy
        torch::jit::Module copy = module.deepcopy(); // the caller's model stays on the CPU
        copy.to(device_);
        return copy;
    }

    const TorchModel &model_;
    at::Device device_;
    torch::jit::Module module_;
    std::unique_ptr<TappedModel> tapped_;
};

// A torch.export program, run node by node; its module calls are those of its model graph.
class ProgramRunner : public Runner
{
  public:
    ProgramRunner(const ExportedModel &model, const at::Device &device) : model_(model.impl())
    {
        model_.device = device;
        for (auto &[name, tensor] : model_.state)
            tensor = tensor.to(device);
    }

    c10::IValue forward(const std::vector<c10::IValue> &inputs, const std::string &what) override
    {
        return runProgram(model_, inputs, what);
    }

    std::vector<LayerCall> tapped(const std::vector<c10::IValue> &inputs,
                                  std::vector<at::Tensor> &outputs,
                                  const std::string &what) override
    {
        std::map<std::string, at::Tensor> values;
        runProgram(model_, inputs, what, &values);
        if (calls_.empty())
            findCalls();
        std::vector<LayerCall> calls;
        outputs.clear();
        for (const Tap &tap : calls_) {
            const auto it = values.find(tap.value);
            if (it == values.end())
                continue;
            LayerCall call = tap.call;
            call.shape = it->second.sizes().vec();
            calls.push_back(std::move(call));
            outputs.push_back(it->second);
        }
        return calls;
    }

  private:
    struct Tap
    {
        LayerCall call;
        std::string value; // the first tensor the call returns
        NodeId completes = 0;
        int depth = 0;
    };

    // Every module call with a tensor result, in the order they complete.
    void findCalls()
    {
        const ModelGraph graph = buildProgramGraph(model_.program, model_.path);
        std::map<ModuleId, int> callsSoFar;
        for (const GraphNode &node : graph.nodes) {
            if (node.kind != NodeKind::ModuleCall)
                continue;
            for (ValueId out : node.outputs) {
                const GraphValue &value = graph.values[out];
                if (value.type != "Tensor")
                    continue;
                Tap tap;
                tap.call.module = graph.modules[node.callee].path;
                tap.call.className = graph.modules[node.callee].typeName;
                tap.call.call = callsSoFar[node.callee]++;
                tap.value = value.name;
                tap.completes = value.producer;
                for (NodeId c = node.parentCall; c != kNoId; c = graph.nodes[c].parentCall)
                    ++tap.depth;
                calls_.push_back(std::move(tap));
                break;
            }
        }
        // A call returning its last child's result completes right after that child.
        std::stable_sort(calls_.begin(), calls_.end(), [](const Tap &x, const Tap &y) {
            return x.completes != y.completes ? x.completes < y.completes : x.depth > y.depth;
        });
    }

    ExportedModel::Impl model_; // a copy: its tensors on this comparison's device
    std::vector<Tap> calls_;
};

std::unique_ptr<Runner> runnerFor(const ComparableModel &model, const at::Device &device)
{
    if (model.program)
        return std::make_unique<ProgramRunner>(*model.program, device);
    return std::make_unique<ScriptRunner>(*model.script, device);
}

class Comparison
{
  public:
    Comparison(const ComparableModel &a, const ComparableModel &b, const CompareOptions &options)
        : options_(options), device_(resolveDevice(options.device)), a_(runnerFor(a, device_)),
          b_(runnerFor(b, device_))
    {
    }

    // B is what another runtime returned on the inputs file: outputs only, nothing to run.
    Comparison(const ComparableModel &a, const std::string &outputsFile,
               const CompareOptions &options)
        : options_(options), device_(resolveDevice(options.device)), a_(runnerFor(a, device_))
    {
        if (options.inputs.inputsFile.empty())
            throw InputError(
                "outputs saved by another runtime are compared on the inputs they came from: "
                "give them with --inputs FILE");
        if (options.perLayer)
            throw InputError("--per-layer needs two models: saved outputs have no layers");
        reference_ = loadOutputsFile(outputsFile, device_);
    }

    ComparisonReport run()
    {
        torch::NoGradGuard noGrad;
        // Run the graphs as written, the same way for the proof and for compare: the optimising
        // executor's first run takes a minute on a model with ten thousand calls.
        torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false);
        ComparisonReport report;
        report.device = device_.str();
        report.tolerance = options_.tolerance;
        makeBatches();
        report.batches = static_cast<int>(batches_.size());
        for (const c10::IValue &input : batches_.front())
            report.inputShapes.push_back(input.toTensor().sizes().vec());

        const int warmup = options_.timed ? options_.warmup : 0;
        const int batches = static_cast<int>(batches_.size());
        const int runs = options_.timed ? std::max(options_.runs, batches) : batches;
        const int models = b_ ? 2 : 1; // saved outputs do not run
        runsInAll_ = models * (warmup + runs + (options_.perLayer ? batches : 0));
        for (int w = 0; w < warmup; ++w) {
            run(*a_, 0, options_.nameA);
            if (b_)
                run(*b_, 0, options_.nameB);
        }
        std::vector<double> msA, msB;
        std::vector<std::vector<at::Tensor>> diffs;
        for (int r = 0; r < runs; ++r) {
            const c10::IValue outA = timed(*a_, r % batches, options_.nameA, msA);
            const std::vector<at::Tensor> outB =
                b_ ? flattenTensors(timed(*b_, r % batches, options_.nameB, msB)) : reference_;
            if (r < batches && report.comparable)
                compareOutputs(flattenTensors(outA), outB, r, report, diffs);
        }
        if (options_.timed) {
            report.timingA = summarize(msA);
            report.timingB = summarize(msB);
        }
        report.passed = report.comparable;
        for (std::size_t i = 0; report.comparable && i < report.outputs.size(); ++i) {
            report.outputs[i].histogram = histogramOf(diffs[i], options_.histogramBins);
            const Agreement agreement = agreementOf(report.outputs[i].metrics, options_.tolerance);
            if (!agreement.agrees && report.passed) {
                report.passed = false;
                report.verdict = "output " + std::to_string(i) + ": " + agreement.reason;
            }
        }
        if (options_.perLayer && report.comparable)
            compareLayers(report);
        return report;
    }

  private:
    void makeBatches()
    {
        if (!options_.inputs.inputsFile.empty()) {
            batches_.push_back(loadInputsFile(options_.inputs.inputsFile, device_));
            return;
        }
        if (options_.inputs.shapes.empty())
            throw InputError("give the inputs: --input-shape 1,3,224,224 (one per forward input) "
                             "or --inputs FILE saved with torch.save");
        for (int i = 0; i < std::max(1, options_.inputs.batches); ++i)
            batches_.push_back(randomInputs(options_.inputs, i, device_));
    }

    // Seeds torch's generator for batch `batch` first: both models draw the same random numbers.
    c10::IValue run(Runner &model, int batch, const std::string &what)
    {
        torch::manual_seed(kModelSeed + options_.inputs.seed + static_cast<std::uint64_t>(batch));
        c10::IValue out = model.forward(batches_[static_cast<std::size_t>(batch)], what);
        ranOne();
        return out;
    }

    // One more forward run done: tell whoever follows, who may stop the comparison here.
    void ranOne()
    {
        if (options_.progress && !options_.progress(++runsDone_, runsInAll_))
            throw InputError("the comparison was cancelled");
    }

    c10::IValue timed(Runner &model, int batch, const std::string &what, std::vector<double> &ms)
    {
        synchronize(device_);
        const auto start = std::chrono::steady_clock::now();
        c10::IValue out = run(model, batch, what);
        synchronize(device_);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        return out;
    }

    void compareOutputs(const std::vector<at::Tensor> &a, const std::vector<at::Tensor> &b,
                        int batch, ComparisonReport &report,
                        std::vector<std::vector<at::Tensor>> &diffs)
    {
        if (a.size() != b.size()) {
            report.comparable = false;
            report.verdict = "the first model returns " + std::to_string(a.size()) +
                             " tensors, the second " + std::to_string(b.size());
            return;
        }
        if (batch == 0) {
            report.outputs.resize(a.size());
            diffs.resize(a.size());
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (a[i].sizes() != b[i].sizes()) {
                report.comparable = false;
                report.verdict = "output " + std::to_string(i) + " has shape " +
                                 shapeText(a[i].sizes().vec()) + " in the first model and " +
                                 shapeText(b[i].sizes().vec()) + " in the second";
                return;
            }
            const DifferenceMetrics m = measureDifference(a[i], b[i]);
            OutputComparison &out = report.outputs[i];
            if (batch == 0 || worse(m, out.metrics)) {
                out.index = i;
                out.shape = a[i].sizes().vec();
                out.metrics = m;
            }
            const at::Tensor x = a[i].detach().to(at::kDouble).flatten();
            const at::Tensor y = b[i].detach().to(at::kDouble).flatten();
            diffs[i].push_back((y - x).masked_select(bothFinite(x, y)).cpu());
        }
    }

    // Every batch through both tapped copies; each layer keeps its worst batch.
    void compareLayers(ComparisonReport &report)
    {
        std::vector<at::Tensor> valuesA, valuesB;
        for (std::size_t batch = 0; batch < batches_.size(); ++batch) {
            const std::uint64_t seed = kModelSeed + options_.inputs.seed + batch;
            torch::manual_seed(seed);
            const std::vector<LayerCall> callsA =
                a_->tapped(batches_[batch], valuesA, options_.nameA);
            ranOne();
            torch::manual_seed(seed);
            const std::vector<LayerCall> callsB =
                b_->tapped(batches_[batch], valuesB, options_.nameB);
            ranOne();
            const std::vector<LayerPair> pairs = matchLayers(callsA, callsB);
            if (batch == 0) {
                for (const LayerPair &p : pairs) {
                    LayerComparison layer;
                    const LayerCall &named = p.b >= 0 ? callsB[p.b] : callsA[p.a];
                    layer.module = named.module;
                    layer.call = named.call;
                    layer.shape = named.shape;
                    layer.aModule = p.a >= 0 ? callsA[p.a].module : "";
                    layer.match = p.how;
                    report.layers.push_back(std::move(layer));
                }
            } else if (pairs.size() != report.layers.size()) {
                continue; // control flow took another path: batch 0's layers stand
            }
            for (std::size_t k = 0; k < pairs.size(); ++k) {
                const LayerPair &p = pairs[k];
                if (p.a < 0 || p.b < 0 || valuesA[p.a].sizes() != valuesB[p.b].sizes())
                    continue;
                const DifferenceMetrics m = measureDifference(valuesA[p.a], valuesB[p.b]);
                LayerComparison &layer = report.layers[k];
                if (!layer.compared || worse(m, layer.metrics))
                    layer.metrics = m;
                layer.compared = true;
            }
        }
        for (const LayerComparison &layer : report.layers) {
            if (layer.compared && !agreementOf(layer.metrics, options_.tolerance).agrees) {
                report.firstDivergence = layer.module;
                break;
            }
        }
    }

    const CompareOptions &options_;
    at::Device device_;
    std::unique_ptr<Runner> a_;
    std::unique_ptr<Runner> b_; // null: B is reference_
    std::vector<at::Tensor> reference_;
    std::vector<std::vector<c10::IValue>> batches_;
    int runsDone_ = 0;
    int runsInAll_ = 0;
};

} // namespace

ComparableModel ComparableModel::of(const TorchModel &model)
{
    return {std::shared_ptr<const TorchModel>(&model, [](const TorchModel *) {}), nullptr};
}

ComparableModel ComparableModel::load(const std::string &path, const std::string &device)
{
    ComparableModel model;
    if (isExportedProgramFile(path))
        model.program = ExportedModel::load(path, device);
    else
        model.script = TorchModel::load(path, device);
    return model;
}

ComparisonReport compareWithOutputs(const TorchModel &a, const std::string &outputsFile,
                                    const CompareOptions &options)
{
    return compareWithOutputs(ComparableModel::of(a), outputsFile, options);
}

ComparisonReport compareModels(const TorchModel &a, const TorchModel &b,
                               const CompareOptions &options)
{
    return compareModels(ComparableModel::of(a), ComparableModel::of(b), options);
}

ComparisonReport compareWithOutputs(const ComparableModel &a, const std::string &outputsFile,
                                    const CompareOptions &options)
{
    try {
        return Comparison(a, outputsFile, options).run();
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) {
        throw InputError("cannot compare the model with its saved outputs: " +
                         interpreterErrorLine(e.what()));
    }
}

std::string resolveComparisonDevice(const std::string &name)
{
    return resolveDevice(name).str();
}

ComparisonReport compareModels(const ComparableModel &a, const ComparableModel &b,
                               const CompareOptions &options)
{
    try {
        return Comparison(a, b, options).run();
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) { // c10::Error from a device, a tensor op, a clone
        throw InputError("cannot compare the models: " + interpreterErrorLine(e.what()));
    }
}

} // namespace torchprep
