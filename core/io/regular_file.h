// Opening a file named by the user for reading: only regular files, never a FIFO, a device or a
// directory (reading /dev/zero or a FIFO would never end).
#pragma once

#include <cstdint>
#include <string>

namespace torchprep {

// An open, read-only regular file; closed when it goes.
class RegularFile
{
  public:
    // Opens `path` without blocking (a FIFO would wait for a writer) and checks what it is.
    // Throws InputError "<what>: no such file" / "is a directory" / "is not a regular file (a
    // FIFO)" / "is empty" ... `what` names the file as the user gave it: "'model.pt'".
    RegularFile(const std::string &path, const std::string &what);
    ~RegularFile();
    RegularFile(const RegularFile &) = delete;
    RegularFile &operator=(const RegularFile &) = delete;

    std::uint64_t size() const { return size_; }
    // Reads `length` bytes at `offset`; throws InputError when the file is shorter.
    std::string read(std::uint64_t offset, std::size_t length) const;
    int descriptor() const { return fd_; }

  private:
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::string what_;
};

} // namespace torchprep
