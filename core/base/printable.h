// Text from a model file (names, strings, torch's messages quoting its bytes) made safe to print:
// valid UTF-8 everywhere, and one line where one line is promised.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace torchprep {

// `text` with every byte that is not part of valid UTF-8 written as the four characters "\xa5",
// and control characters (line breaks, tabs, escapes) written as "\n", "\t", "\x1b": valid
// UTF-8 on one line, whatever the input.
std::string printable(const std::string &text);

// As printable(), but line breaks are kept: for multi-line reports built from such text.
std::string printableLines(const std::string &text);

// Only the bytes that are not valid UTF-8 written as "\xa5"; everything else as it is.
std::string validUtf8(const std::string &text);

// True when `text` is valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool isValidUtf8(const std::string &text);

// An output stream's buffer that passes each line through printableLines() on its way to
// `target`: whatever a report quotes from a model file, what reaches the terminal or a pipe is
// valid UTF-8. Flushes a pending partial line when destroyed.
class PrintableLineBuffer : public std::streambuf
{
  public:
    explicit PrintableLineBuffer(std::ostream &target) : target_(target) {}
    ~PrintableLineBuffer() override;

  protected:
    int_type overflow(int_type c) override;
    int sync() override;

  private:
    void emit();
    std::ostream &target_;
    std::string line_;
};

} // namespace torchprep
