// Little-endian unsigned integers in bytes read from a file (zip headers, pickle operands).
#pragma once

#include <cstdint>
#include <string>

namespace torchprep {

// The `width` bytes (at most 8) at `at`; throws std::out_of_range past the end of `bytes`.
inline std::uint64_t little(const std::string &bytes, std::size_t at, int width)
{
    std::uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i)
        value =
            (value << 8) | static_cast<unsigned char>(bytes.at(at + static_cast<std::size_t>(i)));
    return value;
}

} // namespace torchprep
