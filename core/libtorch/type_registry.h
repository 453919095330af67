// libtorch's compilation units are not thread-safe, and a model's copies share its unit: copying
// a model (clone: new class types and methods) and rewriting one (new module classes, defined
// methods) both register there. Whoever does either holds this lock, so one model can be copied,
// rewritten and tapped from several threads at once (the Studio's background work).
#pragma once

#include <mutex>

namespace torchprep {

std::mutex &typeRegistryMutex();

} // namespace torchprep
