#include "base/json_writer.h"

#include "base/printable.h"

#include <cmath>
#include <cstdio>

namespace torchprep {

std::string JsonWriter::escape(const std::string &raw)
{
    // Names from a model file may hold bytes that are not UTF-8: JSON gets them as "\\xa5" text.
    const std::string text = validUtf8(raw);
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

void JsonWriter::newline()
{
    out_ += '\n';
    out_.append(2 * hasItems_.size(), ' ');
}

void JsonWriter::beforeValue()
{
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!hasItems_.empty()) {
        if (hasItems_.back())
            out_ += ',';
        hasItems_.back() = true;
        newline();
    }
}

JsonWriter &JsonWriter::beginObject()
{
    beforeValue();
    out_ += '{';
    hasItems_.push_back(false);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    const bool items = hasItems_.back();
    hasItems_.pop_back();
    if (items)
        newline();
    out_ += '}';
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    beforeValue();
    out_ += '[';
    hasItems_.push_back(false);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    const bool items = hasItems_.back();
    hasItems_.pop_back();
    if (items)
        newline();
    out_ += ']';
    return *this;
}

JsonWriter &JsonWriter::key(const std::string &name)
{
    beforeValue();
    out_ += escape(name) + ": ";
    afterKey_ = true;
    return *this;
}

JsonWriter &JsonWriter::value(const std::string &text)
{
    beforeValue();
    out_ += escape(text);
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    beforeValue();
    out_ += flag ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t number)
{
    beforeValue();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null();
    beforeValue();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", number);
    out_ += buf;
    return *this;
}

JsonWriter &JsonWriter::null()
{
    beforeValue();
    out_ += "null";
    return *this;
}

std::string compactJson(const std::string &json)
{
    std::string out;
    out.reserve(json.size());
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '\n') { // a line break and the indentation after it
            while (i + 1 < json.size() && json[i + 1] == ' ')
                ++i;
            continue;
        }
        if (c == ' ' && !out.empty() && out.back() == ':')
            continue;
        if (c == '"')
            inString = true;
        out += c;
    }
    return out;
}

} // namespace torchprep
