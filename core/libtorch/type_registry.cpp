#include "libtorch/type_registry.h"

namespace torchprep {

std::mutex &typeRegistryMutex()
{
    static std::mutex mutex;
    return mutex;
}

} // namespace torchprep
