// One model as every tool holds it: the loaded TorchScript, the graph built from it, and that
// graph's validation. The pipeline is written here once: load -> build the graph -> validate;
// prepare a copy -> rebuild its graph -> validate it with the options the preparer resolved.
// Immutable once built, so threads may share one; the model itself is never modified.
#pragma once

#include "checks/finding.h"
#include "checks/validator.h"
#include "graph/model_graph.h"
#include "prepare/preparer.h"
#include "torchscript/graph_builder.h"

#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class TorchModel;
struct PreparedModel;

class AnalysedModel
{
  public:
    // Loads `path`, builds its graph and validates it with `options`. Throws InputError (one
    // line) for a file that is no TorchScript model, a construct the graph cannot follow, or an
    // excluded path the model lacks.
    // `detail` says which source lines the graph carries (graph_builder.h): every line for a
    // view of the graph, only what findings name for a verdict.
    static AnalysedModel load(const std::string &path, const CheckOptions &options = {},
                              SourceDetail detail = SourceDetail::All);
    // The graph and validation of a model already loaded; `model` is shared, never modified.
    static AnalysedModel analyse(std::shared_ptr<const TorchModel> model,
                                 const CheckOptions &options = {},
                                 SourceDetail detail = SourceDetail::All);

    // From its parts, e.g. a graph built by hand (then `model` is null and nothing can be
    // prepared).
    AnalysedModel(std::shared_ptr<const TorchModel> model, std::shared_ptr<const ModelGraph> graph,
                  ValidationReport report, CheckOptions options);

    // The same model and graph (shared, not rebuilt) validated with `options`.
    AnalysedModel revalidated(const CheckOptions &options) const;
    // An independent copy of the model, prepared with `options`: see prepareCopy(). This model
    // stays as it is. Throws InputError when there is no model or the preparer refuses.
    PreparedModel prepared(const PrepareOptions &options) const;

    // Null for a graph built by hand and for a torch.export program (read, not loaded).
    const std::shared_ptr<const TorchModel> &model() const { return model_; }
    // The loaded TorchScript model `task` ("ONNX export") needs; throws InputError (one line)
    // when there is none: a torch.export program, or a graph built by hand.
    const TorchModel &torchScript(const std::string &task) const;
    const ModelGraph &graph() const { return *graph_; }
    // The graph as shared by every re-validation of this model: two analyses show the same
    // nodes exactly when they share it.
    const std::shared_ptr<const ModelGraph> &sharedGraph() const { return graph_; }
    const ValidationReport &report() const { return report_; }
    const CheckOptions &checkOptions() const { return options_; }
    const std::string &path() const { return graph_->sourcePath; }

  private:
    std::shared_ptr<const TorchModel> model_;
    std::shared_ptr<const ModelGraph> graph_;
    ValidationReport report_;
    CheckOptions options_;
};

// A prepared copy of a model, and what the preparer did to it.
struct PreparedModel
{
    AnalysedModel analysed; // the copy: graph rebuilt, validated with result.checkOptions
    PrepareResult result;   // each pass's changes; the check options the exclusions resolved to

    // Every pass's changes, in pipeline order.
    std::vector<PreparedChange> changes() const;
};

// Copies `model` (never modified), runs the preparer on the copy with `options`, rebuilds the
// copy's graph and validates it with the check options the preparer resolved (exclusions by
// class become module paths). Throws InputError as prepareModel() does.
PreparedModel prepareCopy(const std::shared_ptr<const TorchModel> &model,
                          const PrepareOptions &options);

} // namespace torchprep
