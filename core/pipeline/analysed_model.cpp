#include "pipeline/analysed_model.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/archive_check.h"
#include "pt2/exported_program.h"
#include "pt2/program_graph.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

namespace torchprep {

AnalysedModel::AnalysedModel(std::shared_ptr<const TorchModel> model,
                             std::shared_ptr<const ModelGraph> graph, ValidationReport report,
                             CheckOptions options)
    : model_(std::move(model)), graph_(std::move(graph)), report_(std::move(report)),
      options_(std::move(options))
{
}

AnalysedModel AnalysedModel::load(const std::string &path, const CheckOptions &options,
                                  SourceDetail detail)
{
    if (isExportedProgramFile(path)) {
        // Read without libtorch: there is no loaded model to prepare or run.
        auto graph =
            std::make_shared<const ModelGraph>(buildProgramGraph(readExportedProgram(path), path));
        ValidationReport report = validateGraph(*graph, options);
        return AnalysedModel(nullptr, std::move(graph), std::move(report), options);
    }
    return analyse(TorchModel::load(path), options, detail);
}

AnalysedModel AnalysedModel::analyse(std::shared_ptr<const TorchModel> model,
                                     const CheckOptions &options, SourceDetail detail)
{
    auto graph = std::make_shared<const ModelGraph>(buildModelGraph(*model, detail));
    ValidationReport report = validateGraph(*graph, options);
    return AnalysedModel(std::move(model), std::move(graph), std::move(report), options);
}

AnalysedModel AnalysedModel::revalidated(const CheckOptions &options) const
{
    return AnalysedModel(model_, graph_, validateGraph(*graph_, options), options);
}

const TorchModel &AnalysedModel::torchScript(const std::string &task) const
{
    if (model_)
        return *model_;
    if (graph_->format == ModelFormat::ExportedProgram)
        throw InputError("'" + printable(graph_->sourcePath) + "' is a torch.export program: " +
                         task + " takes TorchScript files (save one with " +
                         "torch.jit.trace(model, example).save(path))");
    throw InputError(task + " needs a loaded model");
}

PreparedModel AnalysedModel::prepared(const PrepareOptions &options) const
{
    if (!model_ && graph_->format == ModelFormat::ExportedProgram)
        throw InputError("'" + printable(graph_->sourcePath) +
                         "' is a torch.export program (.pt2): TorchPrep prepares TorchScript "
                         "files only; make each finding's fix in the source, or prepare the "
                         "model's torch.jit.trace");
    if (!model_)
        throw InputError("no model is loaded to prepare");
    return prepareCopy(model_, options);
}

std::vector<PreparedChange> PreparedModel::changes() const
{
    std::vector<PreparedChange> all;
    for (const PassLog &pass : result.passes)
        all.insert(all.end(), pass.changes.begin(), pass.changes.end());
    return all;
}

PreparedModel prepareCopy(const std::shared_ptr<const TorchModel> &model,
                          const PrepareOptions &options)
{
    std::shared_ptr<TorchModel> copy = model->copy();
    PrepareResult result = prepareModel(*copy, options);
    AnalysedModel analysed = AnalysedModel::analyse(std::move(copy), result.checkOptions);
    return {std::move(analysed), std::move(result)};
}

} // namespace torchprep
