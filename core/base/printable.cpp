#include "base/printable.h"

#include <cstdio>

namespace torchprep {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8Length(const std::string &text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned lowest = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3;
        lowest = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4;
        lowest = 0x10000;
    } else {
        return 0; // a continuation byte, an overlong lead (c0, c1) or past U+10FFFF (f5..ff)
    }
    if (i + length > text.size())
        return 0;
    unsigned code = c & (0xff >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        code = (code << 6) | (byte(i + k) & 0x3f);
    }
    if (code < lowest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return 0;
    return length;
}

void appendHex(std::string &out, unsigned char c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

enum class Keep { Nothing, LineBreaks, ControlCharacters };

std::string escaped(const std::string &text, Keep keep)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8Length(text, i);
        if (length == 0) {
            appendHex(out, c);
            ++i;
            continue;
        }
        if (length == 1 && (c < 0x20 || c == 0x7f) && keep != Keep::ControlCharacters) {
            if (c == '\n' && keep == Keep::LineBreaks)
                out += '\n';
            else if (c == '\n')
                out += "\\n";
            else if (c == '\r')
                out += "\\r";
            else if (c == '\t')
                out += "\\t";
            else
                appendHex(out, c);
            ++i;
            continue;
        }
        out.append(text, i, length);
        i += length;
    }
    return out;
}

} // namespace

std::string printable(const std::string &text)
{
    return escaped(text, Keep::Nothing);
}

std::string printableLines(const std::string &text)
{
    return escaped(text, Keep::LineBreaks);
}

std::string validUtf8(const std::string &text)
{
    return isValidUtf8(text) ? text : escaped(text, Keep::ControlCharacters);
}

bool isValidUtf8(const std::string &text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8Length(text, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

PrintableLineBuffer::~PrintableLineBuffer()
{
    sync();
}

PrintableLineBuffer::int_type PrintableLineBuffer::overflow(int_type c)
{
    if (traits_type::eq_int_type(c, traits_type::eof()))
        return traits_type::not_eof(c);
    line_ += traits_type::to_char_type(c);
    if (line_.back() == '\n')
        emit();
    return c;
}

int PrintableLineBuffer::sync()
{
    if (!line_.empty())
        emit();
    target_.flush();
    return 0;
}

void PrintableLineBuffer::emit()
{
    target_ << printableLines(line_);
    line_.clear();
}

} // namespace torchprep
