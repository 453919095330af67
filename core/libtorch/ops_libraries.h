// Custom operator libraries (what torch.ops.load_library does in Python): shared libraries that
// register ops such as torchvision::nms with libtorch when loaded. Detection models call them.
#pragma once

#include <string>
#include <vector>

namespace torchprep {

// Loads the library at `path` into the process (once per path). Throws InputError naming the
// file and the loader's reason when it cannot.
void loadOpsLibrary(const std::string &path);

// Libraries loaded so far, in order.
std::vector<std::string> loadedOpsLibraries();

// The operator library on this machine that registers ops of the namespace `ns` ("torchvision"):
// Debian's python3-torchvision and python3-torchaudio ship theirs as plain shared libraries linked
// against libtorch only. "" when there is none.
std::string findOpsLibraryFor(const std::string &ns);

// Which package provides the ops of `ns`, for a person: "torchvision's operator library
// (torchvision/_C*.so, in Debian's python3-torchvision)"; a generic sentence for others.
std::string opsLibraryProvider(const std::string &ns);

} // namespace torchprep
