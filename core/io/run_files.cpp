#include "io/run_files.h"

#include "base/errors.h"

#include <filesystem>

#include <sys/stat.h>

namespace torchprep {

namespace fs = std::filesystem;

namespace {

// Where a path that may not exist yet would be: its folder resolved, its name kept.
fs::path resolvedLocation(const std::string &path)
{
    std::error_code ec;
    const fs::path absolute = fs::absolute(fs::path(path), ec);
    const fs::path folder = fs::weakly_canonical(absolute.parent_path(), ec);
    return (ec ? absolute.parent_path() : folder) / absolute.filename();
}

} // namespace

bool sameFile(const std::string &a, const std::string &b)
{
    struct stat sa{}, sb{};
    const bool hasA = ::stat(a.c_str(), &sa) == 0;
    const bool hasB = ::stat(b.c_str(), &sb) == 0;
    if (hasA && hasB)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (hasA != hasB)
        return false;
    return resolvedLocation(a) == resolvedLocation(b);
}

void RunFiles::reads(const std::string &path, const std::string &role)
{
    inputs_.push_back({path, role});
}

void RunFiles::writes(const std::string &path, const std::string &role)
{
    outputs_.push_back({path, role});
}

void RunFiles::check() const
{
    for (std::size_t i = 0; i < outputs_.size(); ++i) {
        const Entry &out = outputs_[i];
        for (const Entry &in : inputs_)
            if (sameFile(out.path, in.path))
                throw InputError(out.role + " would write '" + out.path + "', which is " + in.role +
                                 " '" + in.path + "': choose another file");
        for (std::size_t j = 0; j < i; ++j)
            if (sameFile(out.path, outputs_[j].path))
                throw InputError(out.role + " would write '" + out.path + "', which " +
                                 outputs_[j].role + " also writes: choose another file");
    }
}

} // namespace torchprep
