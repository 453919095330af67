#include "pt2/metadata_text.h"

#include <cctype>

namespace torchprep {

namespace {

// Splits at `separator` outside brackets, parentheses and quotes.
std::vector<std::string> splitTopLevel(const std::string &text, char separator)
{
    std::vector<std::string> parts(1);
    int depth = 0;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == separator && depth == 0) {
            parts.emplace_back();
            continue;
        }
        parts.back() += c;
    }
    return parts;
}

bool isIdentifierChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

} // namespace

std::vector<ExportedModuleFrame>
parseModuleStack(const std::string &text, const std::function<void(const std::string &)> &bad)
{
    std::vector<ExportedModuleFrame> frames;
    if (text.empty())
        return frames;
    for (const std::string &entry : splitTopLevel(text, ';')) {
        const std::vector<std::string> parts = splitTopLevel(entry, ',');
        if (parts.size() != 3) {
            bad("entry without its key, path and class");
            return frames;
        }
        // export marks a node it made itself (a size it reads) with a placeholder entry, not a
        // module: every class it names is qualified ("__main__.Block").
        if (parts[2].find('.') == std::string::npos)
            continue;
        const std::string path = normalModulePath(parts[1]);
        if (path == "?") {
            bad("path that names no module");
            return frames;
        }
        frames.push_back({parts[0], path, parts[2]});
    }
    return frames;
}

std::string normalModulePath(const std::string &path)
{
    std::string s = path;
    // getattr(X, 'name') -> X.name, innermost first.
    for (std::size_t at; (at = s.rfind("getattr(")) != std::string::npos;) {
        const std::size_t comma = s.find(", ", at);
        const std::size_t close = s.find(')', at);
        if (comma == std::string::npos || close == std::string::npos || comma > close)
            return "?";
        std::string attribute = s.substr(comma + 2, close - comma - 2);
        if (attribute.size() < 2 || (attribute.front() != '\'' && attribute.front() != '"') ||
            attribute.back() != attribute.front())
            return "?";
        attribute = attribute.substr(1, attribute.size() - 2);
        s = s.substr(0, at) + s.substr(at + 8, comma - at - 8) + "." + attribute +
            s.substr(close + 1);
    }
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s.compare(i, 2, "L[") == 0 && out.empty()) {
            // L['self']: the model itself, whatever its forward calls `self`.
            const std::size_t close = s.find(']', i);
            if (close == std::string::npos)
                return "?";
            i = close + 1;
            if (i < s.size() && s[i] == '.')
                ++i;
            continue;
        }
        if (s[i] == '[') {
            const std::size_t close = s.find(']', i);
            if (close == std::string::npos)
                return "?";
            std::string key = s.substr(i + 1, close - i - 1);
            if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"') &&
                key.back() == key.front())
                key = key.substr(1, key.size() - 2);
            if (!out.empty())
                out += '.';
            out += key;
            i = close + 1;
            continue;
        }
        out += s[i++];
    }
    // `_modules` is how a dict of children is reached, not a module.
    for (std::size_t at;
         (at = out.find("_modules.")) != std::string::npos && (at == 0 || out[at - 1] == '.');)
        out.erase(at, 9);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (!isIdentifierChar(out[i]) &&
            !(out[i] == '.' && i > 0 && i + 1 < out.size() && out[i + 1] != '.'))
            return "?";
    return out;
}

std::vector<ExportedFrame> parseStackTrace(const std::string &text)
{
    std::vector<ExportedFrame> frames;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        const std::size_t file = line.find("File \"");
        if (file == std::string::npos)
            continue;
        const std::size_t fileEnd = line.find("\", line ", file + 6);
        if (fileEnd == std::string::npos)
            continue;
        ExportedFrame f;
        f.file = line.substr(file + 6, fileEnd - file - 6);
        std::size_t p = fileEnd + 8;
        long number = 0;
        while (p < line.size() && std::isdigit(static_cast<unsigned char>(line[p])) &&
               number < 100000000)
            number = number * 10 + (line[p++] - '0');
        f.line = static_cast<int>(number);
        if (line.compare(p, 5, ", in ") == 0)
            f.function = line.substr(p + 5);
        if (f.line > 0)
            frames.push_back(std::move(f));
    }
    return frames;
}

bool isTorchFrame(const ExportedFrame &frame)
{
    return frame.file.empty() || frame.file.front() == '<' ||
           frame.file.find("-packages/torch/") != std::string::npos;
}

} // namespace torchprep
