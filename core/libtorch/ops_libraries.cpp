#include "libtorch/ops_libraries.h"

#include "base/errors.h"
#include "base/printable.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <dlfcn.h>
#include <glob.h>
#include <sys/stat.h>

namespace torchprep {

namespace {

std::mutex &libraryMutex()
{
    static std::mutex mutex;
    return mutex;
}

std::vector<std::string> &loaded()
{
    static std::vector<std::string> paths;
    return paths;
}

struct Provider
{
    const char *pattern; // where Debian installs it
    const char *words;   // for a person
};

const std::map<std::string, Provider> &providers()
{
    static const std::map<std::string, Provider> known = {
        {"torchvision",
         {"/usr/lib/python3/dist-packages/torchvision/_C*.so",
          "torchvision's operator library (torchvision/_C*.so, in Debian's python3-torchvision)"}},
        {"torchaudio",
         {"/usr/lib/python3/dist-packages/torchaudio/lib/libtorchaudio.so",
          "torchaudio's operator library (torchaudio/lib/libtorchaudio.so, in Debian's "
          "python3-torchaudio)"}},
    };
    return known;
}

} // namespace

void loadOpsLibrary(const std::string &path)
{
    std::lock_guard<std::mutex> lock(libraryMutex());
    std::vector<std::string> &paths = loaded();
    if (std::find(paths.begin(), paths.end(), path) != paths.end())
        return;
    struct stat status{};
    if (::stat(path.c_str(), &status) != 0)
        throw InputError("--ops-library '" + printable(path) + "': no such file");
    if (!S_ISREG(status.st_mode))
        throw InputError("--ops-library '" + printable(path) + "' is not a regular file");
    // RTLD_GLOBAL: the library registers its ops with the libtorch this process already has.
    if (!::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
        const char *why = ::dlerror();
        throw InputError("--ops-library '" + printable(path) + "' cannot be loaded: " +
                         printable(why ? firstLine(why) : "unknown reason"));
    }
    paths.push_back(path);
}

std::vector<std::string> loadedOpsLibraries()
{
    std::lock_guard<std::mutex> lock(libraryMutex());
    return loaded();
}

std::string findOpsLibraryFor(const std::string &ns)
{
    auto it = providers().find(ns);
    if (it == providers().end())
        return {};
    glob_t found{};
    std::string path;
    if (::glob(it->second.pattern, 0, nullptr, &found) == 0 && found.gl_pathc > 0)
        path = found.gl_pathv[0];
    ::globfree(&found);
    return path;
}

std::string opsLibraryProvider(const std::string &ns)
{
    auto it = providers().find(ns);
    if (it != providers().end())
        return it->second.words;
    return "the library that registers the '" + printable(ns) +
           "' ops (what torch.ops.load_library loads in Python)";
}

} // namespace torchprep
