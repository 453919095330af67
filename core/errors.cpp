#include "errors.h"

namespace torchprep {

std::string firstLine(const std::string &message)
{
    const auto end = message.find_first_of("\r\n");
    std::string line = message.substr(0, end);
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
