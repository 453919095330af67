#include "io/atomic_file.h"

#include "base/errors.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <streambuf>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchprep {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string &path)
{
    return "'" + path + "'";
}

std::string systemError()
{
    return std::strerror(errno);
}

// A streambuf over a file descriptor; remembers the first write error.
class DescriptorBuffer : public std::streambuf
{
  public:
    explicit DescriptorBuffer(int fd) : fd_(fd), buffer_(1 << 16)
    {
        setp(buffer_.data(), buffer_.data() + buffer_.size());
    }
    bool failed() const { return failed_; }
    int error() const { return error_; }

  protected:
    int_type overflow(int_type c) override
    {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }

  private:
    bool drain()
    {
        const char *p = pbase();
        while (p < pptr() && !failed_) {
            const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                failed_ = true;
                error_ = n < 0 ? errno : ENOSPC;
                break;
            }
            p += n;
        }
        setp(buffer_.data(), buffer_.data() + buffer_.size());
        return !failed_;
    }

    int fd_;
    std::vector<char> buffer_;
    bool failed_ = false;
    int error_ = 0;
};

std::string temporaryPrefix(const fs::path &target)
{
    return "." + target.filename().string() + ".torchprep-";
}

// Hidden temporaries of runs that died before renaming them (only the fallback path makes them).
void removeStaleTemporaries(const fs::path &target)
{
    const std::string prefix = temporaryPrefix(target);
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    DIR *dir = ::opendir(folder.c_str());
    if (!dir)
        return;
    while (const dirent *entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string pid = name.substr(prefix.size());
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos ||
            pid.size() > 9)
            continue;
        if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH)
            ::unlink((folder / name).c_str());
    }
    ::closedir(dir);
}

} // namespace

struct AtomicFile::Impl
{
    fs::path target;
    fs::path folder;
    int fd = -1;
    fs::path named; // the fallback's hidden temporary, empty with O_TMPFILE
    bool committed = false;
    std::unique_ptr<DescriptorBuffer> buffer;
    std::unique_ptr<std::ostream> stream;
};

AtomicFile::AtomicFile(const std::string &target) : impl_(std::make_unique<Impl>())
{
    Impl &d = *impl_;
    d.target = fs::path(target);
    d.folder = d.target.has_parent_path() ? d.target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(d.folder, ec))
        throw InputError(quoted(target) + ": folder " + quoted(d.folder.string()) +
                         " does not exist");
    if (fs::is_directory(d.target, ec))
        throw InputError(quoted(target) + " is a directory");
    removeStaleTemporaries(d.target);
    d.fd = ::open(d.folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (d.fd < 0 &&
        (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOENT)) {
        d.named = d.folder / (temporaryPrefix(d.target) + std::to_string(::getpid()));
        d.fd = ::open(d.named.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666);
        if (d.fd < 0)
            d.named.clear();
    }
    if (d.fd < 0)
        throw InputError("cannot write " + quoted(target) + ": " + systemError());
    d.buffer = std::make_unique<DescriptorBuffer>(d.fd);
    d.stream = std::make_unique<std::ostream>(d.buffer.get());
}

AtomicFile::~AtomicFile()
{
    Impl &d = *impl_;
    if (d.fd >= 0)
        ::close(d.fd); // an unnamed file vanishes with its descriptor
    if (!d.committed && !d.named.empty())
        ::unlink(d.named.c_str());
}

std::ostream &AtomicFile::stream()
{
    return *impl_->stream;
}

void AtomicFile::commit()
{
    Impl &d = *impl_;
    const std::string target = d.target.string();
    d.stream->flush();
    if (d.buffer->failed() || !*d.stream)
        throw InputError("cannot write " + quoted(target) + ": " +
                         std::strerror(d.buffer->error() ? d.buffer->error() : EIO));
    if (::fsync(d.fd) != 0)
        throw InputError("cannot write " + quoted(target) + ": " + systemError());
    // Test hook (tests/robustness): die here, every byte written and nothing linked yet, to
    // show that a killed run leaves no file behind.
    if (std::getenv("TORCHPREP_TEST_KILL_BEFORE_COMMIT"))
        ::raise(SIGKILL);
    if (d.named.empty()) {
        // Give the unnamed file a hidden name beside the target, then rename it over the target:
        // linkat cannot replace an existing file, rename can, atomically.
        d.named = d.folder / (temporaryPrefix(d.target) + std::to_string(::getpid()));
        ::unlink(d.named.c_str());
        const std::string self = "/proc/self/fd/" + std::to_string(d.fd);
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, d.named.c_str(), AT_SYMLINK_FOLLOW) != 0) {
            const std::string why = systemError();
            d.named.clear();
            throw InputError("cannot write " + quoted(target) + ": " + why);
        }
    }
    if (::rename(d.named.c_str(), d.target.c_str()) != 0) {
        const std::string why = systemError();
        ::unlink(d.named.c_str());
        d.named.clear();
        throw InputError("cannot write " + quoted(target) + ": " + why);
    }
    d.named.clear();
    d.committed = true;
    ::close(d.fd);
    d.fd = -1;
}

void writeFileAtomically(const std::string &target, const std::string &bytes)
{
    AtomicFile file(target);
    file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.commit();
}

} // namespace torchprep
