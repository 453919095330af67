// A torch.export program loaded to run: its graph, and its weights as tensors on a device. Torch
// stays behind this handle, as behind TorchModel.
#pragma once

#include <memory>
#include <string>

namespace torchprep {

class ExportedModel
{
  public:
    // Reads the program (readExportedProgram) and its weights onto `device` ("cpu", "cuda:0").
    // Weights come from the raw storages torch 2.8+ writes, or from the torch.save dicts of the
    // layout before. Throws InputError with one line for a file that cannot be run: a weight
    // outside its record, a dtype or layout this libtorch lacks, a pickled tensor subclass.
    static std::unique_ptr<ExportedModel> load(const std::string &path, const std::string &device);

    ~ExportedModel();
    ExportedModel(const ExportedModel &) = delete;
    ExportedModel &operator=(const ExportedModel &) = delete;

    const std::string &path() const;

    struct Impl; // defined in program_run_torch.h, for core .cpp files only
    const Impl &impl() const { return *impl_; }

  private:
    explicit ExportedModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace torchprep
