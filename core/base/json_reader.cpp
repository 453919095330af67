#include "base/json_reader.h"

#include "base/errors.h"

#include <cstdlib>

namespace torchprep {

namespace {

class Parser
{
  public:
    Parser(const std::string &text, const std::string &what) : text_(text), what_(what) {}

    JsonValue document()
    {
        JsonValue value = parse(0);
        skipSpace();
        if (p_ != text_.size())
            fail();
        return value;
    }

  private:
    [[noreturn]] void fail() const { throw InputError(what_ + ": not JSON"); }

    void skipSpace()
    {
        while (p_ < text_.size() &&
               (text_[p_] == ' ' || text_[p_] == '\n' || text_[p_] == '\r' || text_[p_] == '\t'))
            ++p_;
    }

    bool literal(const char *word)
    {
        const std::string w(word);
        if (text_.compare(p_, w.size(), w) != 0)
            return false;
        p_ += w.size();
        return true;
    }

    JsonValue parse(int depth)
    {
        if (depth > 64)
            fail();
        skipSpace();
        if (p_ >= text_.size())
            fail();
        JsonValue v;
        const char c = text_[p_];
        if (c == '{') {
            v.kind = JsonValue::Kind::Object;
            ++p_;
            skipSpace();
            if (p_ < text_.size() && text_[p_] == '}') {
                ++p_;
                return v;
            }
            for (;;) {
                skipSpace();
                const std::string key = stringToken();
                skipSpace();
                if (p_ >= text_.size() || text_[p_++] != ':')
                    fail();
                v.members[key] = parse(depth + 1);
                skipSpace();
                if (p_ < text_.size() && text_[p_] == ',') {
                    ++p_;
                    continue;
                }
                if (p_ < text_.size() && text_[p_] == '}') {
                    ++p_;
                    return v;
                }
                fail();
            }
        }
        if (c == '[') {
            v.kind = JsonValue::Kind::Array;
            ++p_;
            skipSpace();
            if (p_ < text_.size() && text_[p_] == ']') {
                ++p_;
                return v;
            }
            for (;;) {
                v.items.push_back(parse(depth + 1));
                skipSpace();
                if (p_ < text_.size() && text_[p_] == ',') {
                    ++p_;
                    continue;
                }
                if (p_ < text_.size() && text_[p_] == ']') {
                    ++p_;
                    return v;
                }
                fail();
            }
        }
        if (c == '"') {
            v.kind = JsonValue::Kind::String;
            v.text = stringToken();
            return v;
        }
        if (literal("true")) {
            v.kind = JsonValue::Kind::Bool;
            v.boolean = true;
            return v;
        }
        if (literal("false")) {
            v.kind = JsonValue::Kind::Bool;
            return v;
        }
        if (literal("null"))
            return v;
        char *end = nullptr;
        v.number = std::strtod(text_.c_str() + p_, &end);
        if (end == text_.c_str() + p_)
            fail();
        v.kind = JsonValue::Kind::Number;
        p_ = static_cast<std::size_t>(end - text_.c_str());
        return v;
    }

    void appendUtf8(std::string &out, unsigned code)
    {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        }
    }

    unsigned hex4()
    {
        if (p_ + 4 > text_.size())
            fail();
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[p_++];
            code <<= 4;
            if (h >= '0' && h <= '9')
                code |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                code |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                code |= static_cast<unsigned>(h - 'A' + 10);
            else
                fail();
        }
        return code;
    }

    std::string stringToken()
    {
        if (p_ >= text_.size() || text_[p_] != '"')
            fail();
        ++p_;
        std::string out;
        while (p_ < text_.size() && text_[p_] != '"') {
            char c = text_[p_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (p_ >= text_.size())
                fail();
            c = text_[p_++];
            switch (c) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                unsigned code = hex4();
                if (code >= 0xd800 && code < 0xdc00 && text_.compare(p_, 2, "\\u") == 0) {
                    p_ += 2;
                    const unsigned low = hex4();
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                }
                appendUtf8(out, code);
                break;
            }
            default:
                out += c;
            }
        }
        if (p_ >= text_.size())
            fail();
        ++p_;
        return out;
    }

    const std::string &text_;
    std::string what_;
    std::size_t p_ = 0;
};

} // namespace

const JsonValue &JsonValue::operator[](const std::string &key) const
{
    static const JsonValue none;
    auto it = members.find(key);
    return it == members.end() ? none : it->second;
}

JsonValue parseJson(const std::string &text, const std::string &what)
{
    return Parser(text, what).document();
}

} // namespace torchprep
