#include "base/errors.h"

namespace torchprep {

std::string firstLine(const std::string &message)
{
    // libtorch's messages may start with a line break: the reason is the first non-empty line.
    std::size_t start = 0;
    while (start < message.size()) {
        const auto end = message.find_first_of("\r\n", start);
        const std::string candidate =
            message.substr(start, end == std::string::npos ? end : end - start);
        if (candidate.find_first_not_of(" \t") != std::string::npos || end == std::string::npos)
            break;
        start = end + 1;
    }
    const auto end = message.find_first_of("\r\n", start);
    std::string line = message.substr(start, end == std::string::npos ? end : end - start);
    line.erase(0, line.find_first_not_of(" \t"));
    while (!line.empty() && (line.back() == ' ' || line.back() == '.' || line.back() == ':'))
        line.pop_back();
    return line;
}

std::string interpreterErrorLine(const std::string &message)
{
    const std::string marker = "Error: ";
    const auto at = message.rfind(marker);
    if (at == std::string::npos)
        return firstLine(message);
    return firstLine(message.substr(at + marker.size()));
}

} // namespace torchprep
