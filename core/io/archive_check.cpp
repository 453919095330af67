// The zip directory read by hand (no libtorch): end record, zip64 records, central directory,
// local headers; deflated members inflated with zlib into a counter, never into memory unbounded.
#include "io/archive_check.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/little_endian.h"
#include "io/pickled_tensors.h"
#include "io/regular_file.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

namespace torchprep {

namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr int kStored = 0;
constexpr int kDeflated = 8;

struct Member
{
    std::string name;
    int method = 0;
    std::uint64_t compressed = 0;
    std::uint64_t uncompressed = 0;
    std::uint64_t headerOffset = 0;
    std::uint64_t dataOffset = 0; // after the local header
    std::uint32_t crc = 0;        // CRC-32 of the uncompressed data, as the directory declares
};

} // namespace

// Declared in the header (CheckedArchive holds one); used only here.
class ArchiveReader
{
  public:
    ArchiveReader(const std::string &path, const std::string &what, const ArchiveLimits &limits)
        : file_(path, what), what_(what), limits_(limits), size_(file_.size())
    {
    }

    // An archive stored whole as a member of another ([base, base + size) of the same file).
    ArchiveReader(const std::string &path, const std::string &what, const ArchiveLimits &limits,
                  std::uint64_t base, std::uint64_t size)
        : file_(path, what), what_(what), limits_(limits), base_(base), size_(size)
    {
    }

    // Where a stored member's bytes lie in the file, for reading it as an archive of its own.
    std::pair<std::uint64_t, std::uint64_t> storedWindow(const std::string &record,
                                                         const std::string &folder) const
    {
        for (const Member &m : members_)
            if (m.name == folder + record) {
                if (m.method != kStored)
                    throw InputError(what_ + ": member '" + printable(record) +
                                     "' is compressed, which torch.export never writes");
                return {base_ + m.dataOffset, m.compressed};
            }
        throw InputError(what_ + " has no member '" + printable(record) + "'");
    }

    ArchiveContents run()
    {
        if (size_ == 0)
            throw InputError(what_ + " is empty");
        const std::string magic = readAt(0, std::min<std::uint64_t>(4, size_));
        if (magic.size() >= 2 && static_cast<unsigned char>(magic[0]) == 0x80)
            throw InputError(what_ +
                             " was pickled with torch.save's legacy format (not a zip archive)");
        if (magic.size() < 4 || little(magic, 0, 4) != kLocalHeader)
            throw InputError(what_ + " is not a zip archive");
        readDirectory();
        std::uint64_t inflated = 0;
        for (Member &m : members_) {
            locateData(m);
            checkSizes(m, inflated);
        }
        ArchiveContents contents;
        contents.folder = commonFolder();
        for (const Member &m : members_)
            recordSizes_[m.name.substr(contents.folder.size())] = m.uncompressed;
        for (const Member &m : members_) {
            contents.records.push_back(m.name.substr(contents.folder.size()));
            scanContent(m, contents.records.back(), contents);
        }
        return contents;
    }

    // The member names below the top folder, from the directory alone (nothing else checked).
    std::vector<std::string> names()
    {
        if (size_ == 0)
            return {};
        readDirectory();
        const std::string folder = commonFolder();
        std::vector<std::string> out;
        for (const Member &m : members_)
            out.push_back(m.name.substr(folder.size()));
        return out;
    }

    // One member's bytes, CRC checked, after the whole archive passed run().
    std::string member(const std::string &record, std::uint64_t maxBytes, const std::string &folder)
    {
        for (const Member &m : members_) {
            if (m.name != folder + record)
                continue;
            if (m.uncompressed > maxBytes)
                throw InputError(what_ + ": member '" + printable(record) + "' holds " +
                                 std::to_string(m.uncompressed) + " bytes, more than the " +
                                 std::to_string(maxBytes) + " read from it");
            std::string content = contentOf(m);
            checkCrc(m, record, content);
            return content;
        }
        throw InputError(what_ + " has no member '" + printable(record) + "'");
    }

  private:
    [[noreturn]] void corrupt(const std::string &detail = "") const
    {
        throw InputError(what_ + " is a truncated or corrupt archive" +
                         (detail.empty() ? std::string() : " (" + detail + ")"));
    }

    void readDirectory()
    {
        // The end record sits in the last 22 bytes plus a comment of at most 64 KiB.
        const std::uint64_t tail = std::min<std::uint64_t>(size_, 22 + 0xffff);
        const std::string end = readAt(size_ - tail, static_cast<std::size_t>(tail));
        std::size_t at = std::string::npos;
        for (std::size_t i = end.size() >= 22 ? end.size() - 22 + 1 : 0; i-- > 0;) {
            if (little(end, i, 4) == kEndOfDirectory) {
                at = i;
                break;
            }
        }
        if (at == std::string::npos)
            corrupt("no zip directory at its end");
        std::uint64_t entries = little(end, at + 10, 2);
        std::uint64_t size = little(end, at + 12, 4);
        std::uint64_t offset = little(end, at + 16, 4);
        if (entries == 0xffff || size == 0xffffffff || offset == 0xffffffff) {
            // zip64: a locator right before the end record points at the zip64 end record.
            const std::uint64_t endRecord = size_ - tail + at;
            if (endRecord < 20)
                corrupt("zip64 locator missing");
            const std::string locator = readAt(endRecord - 20, 20);
            if (little(locator, 0, 4) != kZip64Locator)
                corrupt("zip64 locator missing");
            const std::string record = readAt(little(locator, 8, 8), 56);
            if (little(record, 0, 4) != kZip64EndOfDirectory)
                corrupt("zip64 end record missing");
            entries = little(record, 32, 8);
            size = little(record, 40, 8);
            offset = little(record, 48, 8);
        }
        if (entries > limits_.maxMembers)
            throw InputError(what_ + " lists " + std::to_string(entries) +
                             " members, more than the " + std::to_string(limits_.maxMembers) +
                             " a model file may have");
        if (offset > size_ || size > size_ - offset)
            corrupt("its directory lies outside the file");
        const std::string directory = readAt(offset, static_cast<std::size_t>(size));
        std::size_t p = 0;
        for (std::uint64_t e = 0; e < entries; ++e) {
            if (p + 46 > directory.size() || little(directory, p, 4) != kDirectoryEntry)
                corrupt("bad directory entry");
            Member m;
            m.method = static_cast<int>(little(directory, p + 10, 2));
            m.crc = static_cast<std::uint32_t>(little(directory, p + 16, 4));
            m.compressed = little(directory, p + 20, 4);
            m.uncompressed = little(directory, p + 24, 4);
            const std::size_t nameLength = little(directory, p + 28, 2);
            const std::size_t extraLength = little(directory, p + 30, 2);
            const std::size_t commentLength = little(directory, p + 32, 2);
            m.headerOffset = little(directory, p + 42, 4);
            if (p + 46 + nameLength + extraLength + commentLength > directory.size())
                corrupt("bad directory entry");
            m.name = directory.substr(p + 46, nameLength);
            readZip64Extra(directory.substr(p + 46 + nameLength, extraLength), m);
            members_.push_back(std::move(m));
            p += 46 + nameLength + extraLength + commentLength;
        }
    }

    // Sizes and offset of 0xffffffff are in the zip64 extra field, in this order.
    void readZip64Extra(const std::string &extra, Member &m) const
    {
        for (std::size_t p = 0; p + 4 <= extra.size();) {
            const std::uint64_t id = little(extra, p, 2);
            const std::size_t length = little(extra, p + 2, 2);
            if (p + 4 + length > extra.size())
                corrupt("bad extra field");
            if (id == 0x0001) {
                std::size_t q = p + 4;
                for (std::uint64_t *field : {&m.uncompressed, &m.compressed, &m.headerOffset}) {
                    if (*field != 0xffffffff)
                        continue;
                    if (q + 8 > p + 4 + length)
                        corrupt("bad zip64 field");
                    *field = little(extra, q, 8);
                    q += 8;
                }
            }
            p += 4 + length;
        }
    }

    void locateData(Member &m) const
    {
        if (m.headerOffset > size_ || size_ - m.headerOffset < 30)
            corrupt("member '" + m.name + "' lies outside the file");
        const std::string header = readAt(m.headerOffset, 30);
        if (little(header, 0, 4) != kLocalHeader)
            corrupt("member '" + m.name + "' has no header");
        m.dataOffset = m.headerOffset + 30 + little(header, 26, 2) + little(header, 28, 2);
        if (m.dataOffset > size_ || m.compressed > size_ - m.dataOffset)
            corrupt("member '" + m.name + "' lies outside the file");
    }

    void checkSizes(const Member &m, std::uint64_t &inflated) const
    {
        if (m.method == kStored) {
            if (m.uncompressed != m.compressed)
                corrupt("member '" + m.name + "' declares two sizes");
            return;
        }
        if (m.method != kDeflated)
            throw InputError(what_ + ": member '" + m.name + "' uses zip compression method " +
                             std::to_string(m.method) + " (only stored and deflated are read)");
        const std::uint64_t bound = size_ + limits_.inflateAllowance;
        if (m.uncompressed > bound - std::min(bound, inflated))
            throw InputError(what_ + ": member '" + m.name + "' would inflate to " +
                             std::to_string(m.uncompressed) + " bytes, more than a " +
                             std::to_string(size_) + "-byte model file can hold (a zip bomb?)");
        inflated += m.uncompressed;
        inflate(m, nullptr); // counts the real size, stopping past the declared one
    }

    // Inflates a deflated member; fills `out` when given. Throws when the data inflates to more
    // or less than the member declares.
    void inflate(const Member &m, std::string *out) const
    {
        z_stream stream{};
        if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
            throw InputError(what_ + ": cannot inflate member '" + m.name + "'");
        std::uint64_t consumed = 0, produced = 0;
        std::string chunk;
        char buffer[1 << 16];
        int status = Z_OK;
        while (status != Z_STREAM_END) {
            if (stream.avail_in == 0) {
                if (consumed == m.compressed)
                    break;
                const std::size_t take = static_cast<std::size_t>(
                    std::min<std::uint64_t>(m.compressed - consumed, 1 << 20));
                chunk = readAt(m.dataOffset + consumed, take);
                consumed += take;
                stream.next_in = reinterpret_cast<Bytef *>(chunk.data());
                stream.avail_in = static_cast<uInt>(take);
            }
            stream.next_out = reinterpret_cast<Bytef *>(buffer);
            stream.avail_out = sizeof buffer;
            status = ::inflate(&stream, Z_NO_FLUSH);
            if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
                inflateEnd(&stream);
                corrupt("member '" + m.name + "' does not inflate");
            }
            const std::size_t got = sizeof buffer - stream.avail_out;
            produced += got;
            if (produced > m.uncompressed) {
                inflateEnd(&stream);
                throw InputError(what_ + ": member '" + m.name + "' inflates to more than the " +
                                 std::to_string(m.uncompressed) + " bytes it declares");
            }
            if (out)
                out->append(buffer, got);
            if (status == Z_BUF_ERROR && stream.avail_in == 0 && consumed == m.compressed)
                break;
        }
        inflateEnd(&stream);
        if (status != Z_STREAM_END || produced != m.uncompressed)
            corrupt("member '" + m.name + "' inflates to fewer bytes than it declares");
    }

    std::string contentOf(const Member &m) const
    {
        if (m.method == kStored)
            return readAt(m.dataOffset, static_cast<std::size_t>(m.compressed));
        std::string out;
        out.reserve(static_cast<std::size_t>(m.uncompressed));
        inflate(m, &out);
        return out;
    }

    // torch writes every member below one folder named after the archive.
    std::string commonFolder() const
    {
        if (members_.empty())
            return {};
        const std::string &first = members_.front().name;
        const auto slash = first.find('/');
        if (slash == std::string::npos)
            return {};
        const std::string folder = first.substr(0, slash + 1);
        for (const Member &m : members_)
            if (m.name.compare(0, folder.size(), folder) != 0)
                return {};
        return folder;
    }

    static bool endsWith(const std::string &text, const std::string &suffix)
    {
        return text.size() >= suffix.size() &&
               text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
    }

    // libtorch never checks a member's CRC and trusts what it reads: a damaged pickle or code
    // file (source ranges in a .debug_pkl are read lazily, long after loading) can crash it.
    // Tensor data is left unchecked: damage there changes numbers, never control.
    void checkCrc(const Member &m, const std::string &record, const std::string &content) const
    {
        uLong crc = crc32(0L, Z_NULL, 0);
        for (std::size_t done = 0; done < content.size();) {
            const std::size_t chunk = std::min<std::size_t>(content.size() - done, 1u << 30);
            crc = crc32(crc, reinterpret_cast<const Bytef *>(content.data() + done),
                        static_cast<uInt>(chunk));
            done += chunk;
        }
        if (static_cast<std::uint32_t>(crc) != m.crc)
            throw InputError(what_ + ": member '" + record +
                             "' is damaged (its CRC-32 does not match the archive's directory)");
    }

    void scanContent(const Member &m, const std::string &record, ArchiveContents &contents) const
    {
        if (endsWith(record, ".pkl") || endsWith(record, ".debug_pkl")) {
            const bool debug = endsWith(record, ".debug_pkl");
            std::vector<std::string> debugClasses;
            std::vector<std::string> *classes = record == "data.pkl" ? &contents.dataClasses
                                                : debug              ? &debugClasses
                                                                     : nullptr;
            std::string pickle = contentOf(m);
            checkCrc(m, record, pickle);
            const int depth = pickleNestingDepth(pickle, limits_.maxPickleDepth, classes);
            // libtorch's unpickler trusts the stack: a value taken from an empty one, or across a
            // mark, corrupts its memory (one flipped byte in data.pkl is enough).
            if (depth == kMalformedPickle)
                throw InputError(what_ + ": '" + record +
                                 "' is not a well-formed pickle (a damaged or crafted file?)");
            if (depth > limits_.maxPickleDepth)
                throw InputError(what_ + ": '" + record + "' nests values more than " +
                                 std::to_string(limits_.maxPickleDepth) +
                                 " levels deep; no model needs that (a crafted file?)");
            // The pickles libtorch reads at load; traced_inputs.pkl is read on request only
            // (torch 2.x writes its storages empty).
            if (record == "data.pkl" || record == "constants.pkl") {
                const std::string problem = pickledTensorProblem(
                    pickle, record.substr(0, record.size() - 4),
                    [this](const std::string &name) -> std::optional<std::uint64_t> {
                        const auto it = recordSizes_.find(name);
                        if (it == recordSizes_.end())
                            return std::nullopt;
                        return it->second;
                    });
                if (!problem.empty())
                    throw InputError(what_ + ": in '" + record + "', " + printable(problem) +
                                     " (a damaged or crafted file?)");
            }
            if (debug) {
                // torch writes source ranges as tuples, strings and integer lists; a debug
                // pickle naming anything else would have libtorch build it.
                for (const std::string &cls : debugClasses)
                    if (cls != "torch.jit._pickle.build_intlist")
                        throw InputError(what_ + ": its debug information '" + record +
                                         "' names the Python global '" + printable(cls) +
                                         "', which torch never writes there (a crafted file?)");
                contents.debugPickles.emplace_back(record, std::move(pickle));
            }
        } else if (record.compare(0, 5, "code/") == 0 && endsWith(record, ".py")) {
            const std::string code = contentOf(m);
            checkCrc(m, record, code);
            checkCodeNesting(code, record);
            checkClassAssignments(code, record);
        }
    }

    // libtorch 1.13 reads an untyped assignment in a class body as a constant and then crashes
    // looking for its type (`__patameters__ = []`, one flipped byte away from a real file).
    // torch.jit.save writes only these untyped; constants carry `: Final[...]`, enums are apart.
    void checkClassAssignments(const std::string &code, const std::string &record) const
    {
        static const char *const untyped[] = {"__parameters__", "__buffers__",
                                              "__forward_pre_hooks__", "__forward_hooks__"};
        bool inClass = false;
        std::size_t lineNumber = 0;
        for (std::size_t start = 0; start < code.size();) {
            std::size_t end = code.find('\n', start);
            if (end == std::string::npos)
                end = code.size();
            const std::string line = code.substr(start, end - start);
            start = end + 1;
            ++lineNumber;
            if (!line.empty() && line[0] != ' ') {
                inClass =
                    line.compare(0, 6, "class ") == 0 && line.find("(Enum)") == std::string::npos;
                continue;
            }
            if (!inClass || line.size() < 3 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ')
                continue;
            std::size_t i = 2;
            while (i < line.size() &&
                   (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_'))
                ++i;
            const std::string name = line.substr(2, i - 2);
            while (i < line.size() && line[i] == ' ')
                ++i;
            if (name.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] == '=')
                continue;
            if (std::find(std::begin(untyped), std::end(untyped), name) != std::end(untyped))
                continue;
            throw InputError(
                what_ + ": its code '" + record + "' line " + std::to_string(lineNumber) +
                " gives the class attribute `" + name.substr(0, 64) +
                "` a value without a type, which torch.jit.save never writes (a damaged or "
                "crafted file?)");
        }
    }

    void checkCodeNesting(const std::string &code, const std::string &record) const
    {
        int depth = 0, deepest = 0;
        std::size_t indent = 0;
        bool lineStart = true;
        for (char c : code) {
            if (lineStart && c == ' ') {
                ++indent;
                continue;
            }
            if (lineStart && indent / 2 > static_cast<std::size_t>(limits_.maxCodeNesting))
                deepest = limits_.maxCodeNesting + 1;
            lineStart = c == '\n';
            if (lineStart)
                indent = 0;
            if (c == '(' || c == '[' || c == '{')
                deepest = std::max(deepest, ++depth);
            else if ((c == ')' || c == ']' || c == '}') && depth > 0)
                --depth;
            if (deepest > limits_.maxCodeNesting)
                throw InputError(what_ + ": its code '" + record + "' nests more than " +
                                 std::to_string(limits_.maxCodeNesting) +
                                 " levels deep; no model needs that (a crafted file?)");
        }
    }

    std::string readAt(std::uint64_t at, std::size_t n) const { return file_.read(base_ + at, n); }

    RegularFile file_;
    std::string what_;
    const ArchiveLimits &limits_;
    std::uint64_t base_ = 0; // where the archive starts in the file
    std::uint64_t size_ = 0; // its bytes
    std::vector<Member> members_;
    std::map<std::string, std::uint64_t> recordSizes_; // below the top folder: "data/0"
};

namespace {

// A pickle machine that keeps only how deep each value on its stack nests.
class PickleDepthScanner
{
  public:
    PickleDepthScanner(const std::string &bytes, int stopAbove, std::vector<std::string> *classes)
        : bytes_(bytes), stopAbove_(stopAbove), classes_(classes)
    {
    }

    int run()
    {
        while (p_ < bytes_.size()) {
            const unsigned char op = static_cast<unsigned char>(bytes_[p_++]);
            if (op == '.')
                return deepest_;
            if (!step(op))
                return unknownOpcode_ ? -1 : kMalformedPickle;
            if (deepest_ > stopAbove_)
                return deepest_;
        }
        return deepest_;
    }

  private:
    bool skip(std::size_t n)
    {
        if (n > bytes_.size() - p_)
            return false;
        p_ += n;
        return true;
    }
    bool skipLine()
    {
        const auto end = bytes_.find('\n', p_);
        if (end == std::string::npos)
            return false;
        p_ = end + 1;
        return true;
    }
    bool length(int width, std::uint64_t &n)
    {
        if (static_cast<std::size_t>(width) > bytes_.size() - p_)
            return false;
        n = little(bytes_, p_, width);
        p_ += static_cast<std::size_t>(width);
        return true;
    }
    bool skipCounted(int width)
    {
        std::uint64_t n = 0;
        return length(width, n) && n <= bytes_.size() - p_ && skip(static_cast<std::size_t>(n));
    }
    void push(int depth)
    {
        stack_.push_back(depth);
        deepest_ = std::max(deepest_, depth);
    }
    bool pop(int &depth)
    {
        if (stack_.empty() || (!marks_.empty() && stack_.size() == marks_.back()))
            return false;
        depth = stack_.back();
        stack_.pop_back();
        return true;
    }
    // Pops everything above the last mark; the deepest of them.
    bool popToMark(int &depth)
    {
        if (marks_.empty())
            return false;
        depth = 0;
        for (std::size_t i = marks_.back(); i < stack_.size(); ++i)
            depth = std::max(depth, stack_[i]);
        stack_.resize(marks_.back());
        marks_.pop_back();
        return true;
    }
    bool pairsAboveMark() const // dict items come as keys and values
    {
        return !marks_.empty() && (stack_.size() - marks_.back()) % 2 == 0;
    }
    bool wrap(int count) // pops `count` values, pushes a container holding them
    {
        int depth = 0;
        for (int i = 0; i < count; ++i) {
            int d = 0;
            if (!pop(d))
                return false;
            depth = std::max(depth, d);
        }
        push(depth + 1);
        return true;
    }
    bool grow(int depth) // the container on top now holds something `depth` deep
    {
        if (stack_.empty())
            return false;
        stack_.back() = std::max(stack_.back(), depth + 1);
        deepest_ = std::max(deepest_, stack_.back());
        return true;
    }
    bool memoPut(std::uint64_t id)
    {
        if (stack_.empty())
            return false;
        memo_[id] = stack_.back();
        return true;
    }
    bool memoGet(std::uint64_t id)
    {
        auto it = memo_.find(id);
        if (it == memo_.end())
            return false;
        push(it->second);
        return true;
    }

    bool step(unsigned char op)
    {
        int d = 0, e = 0;
        std::uint64_t n = 0;
        switch (op) {
        case '(':
            marks_.push_back(stack_.size());
            return true;
        case '0':
            return pop(d);
        case '1':
            return popToMark(d);
        case '2':
            if (stack_.empty())
                return false;
            push(stack_.back());
            return true;
        case 'F':
        case 'I':
        case 'L':
        case 'S':
        case 'V':
            return skipLine() && (push(0), true);
        case 'J':
            return skip(4) && (push(0), true);
        case 'K':
            return skip(1) && (push(0), true);
        case 'M':
            return skip(2) && (push(0), true);
        case 'G':
            return skip(8) && (push(0), true);
        case 'N':
        case 0x88:
        case 0x89:
            push(0);
            return true;
        case 'P':
            return skipLine() && (push(0), true);
        case 'Q':
            return pop(d) && (push(d + 1), true);
        case 'R':
            return pop(d) && pop(e) && (push(std::max(d, e) + 1), true);
        case 'T':
        case 'X':
        case 'B':
            return skipCounted(4) && (push(0), true);
        case 'U':
        case 'C':
        case 0x8c:
            return skipCounted(1) && (push(0), true);
        case 0x8d:
        case 0x8e:
            return skipCounted(8) && (push(0), true);
        case 0x8a:
            return skipCounted(1) && (push(0), true);
        case 0x8b:
            return skipCounted(4) && (push(0), true);
        case 'a':
            return pop(d) && grow(d);
        case 'b':
            return pop(d) && grow(d);
        case 'c': {
            const std::size_t start = p_;
            if (!skipLine() || !skipLine())
                return false;
            // The first 64 distinct names: one that differs from them all is never missed.
            if (classes_ && classes_->size() < 64) {
                std::string name = bytes_.substr(start, p_ - start - 1);
                name[name.find('\n')] = '.';
                if (std::find(classes_->begin(), classes_->end(), name) == classes_->end())
                    classes_->push_back(name);
            }
            push(0);
            return true;
        }
        case 0x93:
            if (classes_ && classes_->size() < 64 &&
                std::find(classes_->begin(), classes_->end(), kGlobalOnTheStack) == classes_->end())
                classes_->push_back(kGlobalOnTheStack);
            return pop(d) && pop(e) && (push(0), true);
        case 'd':
            return pairsAboveMark() && popToMark(d) && (push(d + 1), true);
        case 'l':
        case 't':
        case 0x91:
            return popToMark(d) && (push(d + 1), true);
        case '}':
        case ']':
        case ')':
        case 0x8f:
            push(1);
            return true;
        case 'u':
            return pairsAboveMark() && popToMark(d) && grow(d);
        case 'e':
        case 0x90:
            return popToMark(d) && grow(d);
        case 's':
            return pop(d) && pop(e) && grow(std::max(d, e));
        case 'g':
        case 'p': { // text memo keys: keep it simple, key by the line
            const std::size_t start = p_;
            if (!skipLine())
                return false;
            n = std::hash<std::string>()(bytes_.substr(start, p_ - start));
            return op == 'g' ? memoGet(n) : memoPut(n);
        }
        case 'h':
            return length(1, n) && memoGet(n);
        case 'j':
            return length(4, n) && memoGet(n);
        case 'q':
            return length(1, n) && memoPut(n);
        case 'r':
            return length(4, n) && memoPut(n);
        case 0x94:
            return memoPut(memo_.size());
        case 0x80:
            return skip(1);
        case 0x95:
            return skip(8);
        case 0x81:
            return pop(d) && pop(e) && (push(std::max(d, e) + 1), true);
        case 0x92:
            return pop(d) && pop(e) && pop(e) && (push(d + 1), true);
        case 0x82:
            return skip(1) && (push(0), true);
        case 0x83:
            return skip(2) && (push(0), true);
        case 0x84:
            return skip(4) && (push(0), true);
        case 0x85:
            return wrap(1);
        case 0x86:
            return wrap(2);
        case 0x87:
            return wrap(3);
        case 'i':
            return skipLine() && skipLine() && popToMark(d) && (push(d + 1), true);
        case 'o':
            return popToMark(d) && (push(d + 1), true);
        default:
            unknownOpcode_ = true;
            return false;
        }
    }

    const std::string &bytes_;
    int stopAbove_;
    std::vector<std::string> *classes_;
    std::size_t p_ = 0;
    std::vector<int> stack_;
    std::vector<std::size_t> marks_;
    std::map<std::uint64_t, int> memo_;
    int deepest_ = 0;
    bool unknownOpcode_ = false;
};

} // namespace

bool ArchiveContents::has(const std::string &record) const
{
    return std::find(records.begin(), records.end(), record) != records.end();
}

bool ArchiveContents::isTorchSave() const
{
    return has("data.pkl") && !has("constants.pkl");
}

std::string ArchiveContents::objectClass() const
{
    for (const std::string &cls : dataClasses) {
        if (cls == kGlobalOnTheStack) // unknown: never taken for an object
            continue;
        const bool bookkeeping = cls.rfind("collections.", 0) == 0 || cls.rfind("torch.", 0) == 0 ||
                                 cls.rfind("builtins.", 0) == 0 || cls.rfind("_codecs.", 0) == 0 ||
                                 cls.rfind("numpy.", 0) == 0;
        if (cls.rfind("torch.nn.modules.", 0) == 0 || !bookkeeping)
            return cls;
    }
    return {};
}

int pickleNestingDepth(const std::string &pickle, int stopAbove, std::vector<std::string> *classes)
{
    return PickleDepthScanner(pickle, stopAbove, classes).run();
}

ArchiveContents checkArchive(const std::string &path, const std::string &what,
                             const ArchiveLimits &limits)
{
    return ArchiveReader(path, what, limits).run();
}

CheckedArchive::CheckedArchive(const std::string &path, const std::string &what,
                               const ArchiveLimits &limits)
    : limits_(std::make_unique<ArchiveLimits>(limits)),
      reader_(std::make_unique<ArchiveReader>(path, what, *limits_)), contents_(reader_->run()),
      path_(path)
{
}

CheckedArchive::~CheckedArchive() = default;

CheckedArchive::CheckedArchive(const CheckedArchive &outer, const std::string &record,
                               const std::string &what)
    : limits_(std::make_unique<ArchiveLimits>(*outer.limits_))
{
    const auto [base, size] = outer.reader_->storedWindow(record, outer.contents_.folder);
    reader_ = std::make_unique<ArchiveReader>(outer.path_, what, *limits_, base, size);
    contents_ = reader_->run();
    path_ = outer.path_;
}

std::string CheckedArchive::read(const std::string &record, std::uint64_t maxBytes) const
{
    return reader_->member(record, maxBytes, contents_.folder);
}

bool ArchiveContents::isExportedProgram() const
{
    return has("archive_format") || has("serialized_exported_program.json");
}

bool isExportedProgramFile(const std::string &path)
{
    try {
        const ArchiveLimits limits;
        ArchiveContents contents;
        contents.records = ArchiveReader(path, path, limits).names();
        return contents.isExportedProgram();
    } catch (const std::exception &) {
        return false; // whoever reads it says what is wrong, in one line
    }
}

} // namespace torchprep
