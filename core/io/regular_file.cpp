#include "io/regular_file.h"

#include "base/errors.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchprep {

namespace {

std::string kindOf(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a plain file";
}

} // namespace

RegularFile::RegularFile(const std::string &path, const std::string &what) : what_(what)
{
    struct stat status{};
    if (::stat(path.c_str(), &status) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            throw InputError(what + ": no such file");
        throw InputError(what + ": cannot open for reading (" + std::strerror(errno) + ")");
    }
    if (S_ISDIR(status.st_mode))
        throw InputError(what + " is a directory, not a file");
    if (!S_ISREG(status.st_mode))
        throw InputError(what + " is " + kindOf(status.st_mode) + ", not a regular file");
    // O_NONBLOCK: should the path have become a FIFO since, open returns instead of waiting.
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0)
        throw InputError(what + ": cannot open for reading (" + std::strerror(errno) + ")");
    if (::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd_);
        throw InputError(what + " is not a regular file");
    }
    size_ = static_cast<std::uint64_t>(status.st_size);
}

RegularFile::~RegularFile()
{
    if (fd_ >= 0)
        ::close(fd_);
}

std::string RegularFile::read(std::uint64_t offset, std::size_t length) const
{
    if (offset > size_ || length > size_ - offset)
        throw InputError(what_ + " is a truncated or corrupt archive (it ends early)");
    std::string bytes(length, '\0');
    std::size_t done = 0;
    while (done < length) {
        const ssize_t got =
            ::pread(fd_, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            throw InputError(what_ + ": cannot read (" +
                             (got < 0 ? std::string(std::strerror(errno)) : "it ends early") + ")");
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

} // namespace torchprep
