#include "commands/model_batch.h"

#include "base/errors.h"
#include "base/large_stack.h"
#include "libtorch/model_threads.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>

namespace torchprep {

namespace fs = std::filesystem;

std::vector<std::string> expandModelPaths(const std::vector<std::string> &paths)
{
    std::vector<std::string> out;
    for (const std::string &path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            out.push_back(path);
            continue;
        }
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(
                 path, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const auto extension = it->path().extension();
            if ((extension == ".pt" || extension == ".pt2") && it->is_regular_file(ec))
                found.push_back(it->path().string());
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

bool isBatch(const std::vector<std::string> &paths)
{
    if (paths.size() != 1)
        return true;
    std::error_code ec;
    return fs::is_directory(paths.front(), ec);
}

void runInOrder(std::size_t count, int workers, const std::function<void(std::size_t)> &work,
                const std::function<void(std::size_t)> &emit)
{
    workers =
        std::max(1, std::min<int>(workers, static_cast<int>(std::max<std::size_t>(count, 1))));
    shareIntraOpThreads(workers);
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::vector<bool> done(count, false);
    std::size_t emitted = 0;
    runOnLargeStacks(workers, [&](int) {
        for (std::size_t i = next++; i < count; i = next++) {
            work(i);
            std::lock_guard<std::mutex> lock(mutex);
            done[i] = true;
            while (emitted < count && done[emitted])
                emit(emitted++);
        }
    });
}

std::string errorOf(const std::function<void()> &work)
{
    try {
        work();
    } catch (const InputError &e) {
        return e.what();
    } catch (const std::bad_alloc &) {
        return "out of memory";
    } catch (const std::exception &e) {
        return firstLine(e.what());
    }
    return {};
}

int worstExitCode(const std::vector<int> &codes)
{
    int worst = 0;
    for (int code : codes)
        worst = std::max(worst, code);
    return worst;
}

} // namespace torchprep
