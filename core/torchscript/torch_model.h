// A loaded TorchScript model. Torch stays behind this handle: callers see plain C++.
#pragma once

#include <memory>
#include <string>

namespace torchprep {

class TorchModel
{
  public:
    // Loads a file saved by torch.jit.trace(...).save() or torch.jit.script(...).save().
    // Throws InputError with one line saying why for anything that is not such a file
    // (missing, a directory, empty, truncated, a state_dict saved with torch.save, ...).
    static std::unique_ptr<TorchModel> load(const std::string &path);
    // The same, with the tensors read straight onto `device` ("cpu", "cuda:0").
    static std::unique_ptr<TorchModel> load(const std::string &path, const std::string &device);

    ~TorchModel();
    TorchModel(const TorchModel &) = delete;
    TorchModel &operator=(const TorchModel &) = delete;

    const std::string &path() const;

    // An independent copy (own class types, method graphs and tensors): rewriting it leaves this
    // model as it is. The Studio keeps one per step for undo.
    std::unique_ptr<TorchModel> copy() const;

    // Saves as TorchScript through a temporary file in the same folder renamed into place:
    // never a half-written file. Throws InputError when it cannot.
    void saveAtomically(const std::string &path) const;

    struct Impl; // defined in torch_model_impl.h, for core .cpp files only
    Impl &impl() { return *impl_; }
    const Impl &impl() const { return *impl_; }

  private:
    explicit TorchModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace torchprep
