// Loading a TorchScript file, with a one-line reason for every way it can fail.
#include "torch_model.h"

#include "errors.h"
#include "torch_model_impl.h"

#include <caffe2/serialize/inline_container.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace torchprep {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string &path) { return "'" + path + "'"; }

// What the first bytes say about a file, before torch reads it.
void checkFileHeader(const std::string &path)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw InputError(quoted(path) + ": no such file");
    if (fs::is_directory(status))
        throw InputError(quoted(path) + " is a directory, not a TorchScript file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(quoted(path) + ": cannot open for reading");
    char magic[4] = {0, 0, 0, 0};
    in.read(magic, 4);
    const auto got = in.gcount();
    if (got == 0)
        throw InputError(quoted(path) + " is empty, not a TorchScript file");
    if (got >= 2 && static_cast<unsigned char>(magic[0]) == 0x80)
        throw InputError(quoted(path) +
                         " was pickled with torch.save's legacy format, not saved as TorchScript: "
                         "use torch.jit.trace(model, example).save(path)");
    if (got < 4 || magic[0] != 'P' || magic[1] != 'K')
        throw InputError(quoted(path) + " is not a TorchScript file (not a zip archive)");
}

// torch.save(state_dict) and torch.jit.save both write zip archives; only TorchScript has code.
void checkArchiveRecords(const std::string &path)
{
    try {
        caffe2::serialize::PyTorchStreamReader reader(path);
        if (!reader.hasRecord("constants.pkl") && reader.hasRecord("data.pkl"))
            throw InputError(quoted(path) +
                             " holds a state_dict or tensors saved with torch.save, not a "
                             "TorchScript model: save it with torch.jit.trace(model, example).save(path)");
    } catch (const InputError &) {
        throw;
    } catch (const c10::Error &) {
        throw InputError(quoted(path) + " is a truncated or corrupt archive");
    }
}

} // namespace

TorchModel::TorchModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchModel::~TorchModel() = default;

const std::string &TorchModel::path() const { return impl_->path; }

void TorchModel::saveAtomically(const std::string &path) const
{
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw InputError(quoted(path) + ": folder " + quoted(folder.string()) + " does not exist");
    if (fs::is_directory(target, ec))
        throw InputError(quoted(path) + " is a directory");
    const fs::path temporary =
        folder / ("." + target.filename().string() + ".torchprep-" + std::to_string(::getpid()));
    try {
        impl_->module.save(temporary.string());
    } catch (const c10::Error &e) {
        fs::remove(temporary, ec);
        throw InputError("cannot write " + quoted(path) + ": " + firstLine(e.what_without_backtrace()));
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw InputError("cannot write " + quoted(path) + ": " + ec.message());
    }
}

std::unique_ptr<TorchModel> TorchModel::copy() const
{
    auto impl = std::make_unique<Impl>();
    impl->path = impl_->path;
    // clone(): new class types and graphs, attributes deep-copied; a pass edits only the copy.
    impl->module = impl_->module.clone();
    return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
}

std::unique_ptr<TorchModel> TorchModel::load(const std::string &path)
{
    checkFileHeader(path);
    checkArchiveRecords(path);
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    try {
        impl->module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error &e) {
        throw InputError(quoted(path) + " cannot be loaded as TorchScript: " +
                         firstLine(e.what_without_backtrace()));
    } catch (const std::exception &e) {
        throw InputError(quoted(path) + " cannot be loaded as TorchScript: " + firstLine(e.what()));
    }
    if (!impl->module.find_method("forward"))
        throw InputError(quoted(path) + " has no forward method to analyse");
    impl->module.eval();
    return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
}

} // namespace torchprep
