// Reads each debug pickle as libtorch's ConcreteSourceRangeUnpickler will, but eagerly and with
// every index and range checked, so that its lazy read later stays within bounds.
#include "torchscript/debug_info_check.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/archive_check.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace torchprep {

namespace {

using c10::IValue;

// No source file has this many lines; a larger number is damage, and would overflow an int.
constexpr std::int64_t kMaxLineNumber = 100000000;
// libtorch scans each source's text for line starts: one long string of the table referred to
// a million times is terabytes to scan. Real pickles hold a few MiB of source in all.
constexpr std::uint64_t kMaxSourceBytes = std::uint64_t(256) << 20;

class DebugPickleCheck
{
  public:
    DebugPickleCheck(const std::string &what, const std::string &record)
        : where_(what + ": its debug information '" + printable(record) + "'")
    {
    }

    void run(const std::string &bytes)
    {
        IValue top;
        try {
            top = torch::jit::unpickle(bytes.data(), bytes.size());
        } catch (const std::exception &e) { // c10::Error: what libtorch's own read would throw
            fail("is not a pickle libtorch reads (" + printable(firstLine(e.what())) + ")");
        }
        const auto &outer = tuple(top, "the whole");
        if (outer.size() == 0)
            fail("holds no records");
        // libtorch tells the formats apart by the first element alone.
        if (outer[0].isString() && outer[0].toStringRef() == "FORMAT_WITH_STRING_TABLE") {
            if (outer.size() != 3)
                fail("has " + std::to_string(outer.size()) + " parts where torch writes 3");
            for (const IValue &text : tuple(outer[1], "its string table")) {
                if (!text.isString())
                    fail("has a string table holding " + text.tagKind());
                textLengths_.push_back(text.toStringRef().size());
            }
            checkRecords(tuple(outer[2], "its records"));
        } else {
            checkRecords(outer);
        }
    }

  private:
    [[noreturn]] void fail(const std::string &problem) const
    {
        throw InputError(where_ + " " + problem + " (a damaged or crafted file?)");
    }

    const c10::ivalue::TupleElements &tuple(const IValue &value, const std::string &part) const
    {
        if (!value.isTuple())
            fail("has " + value.tagKind() + " as " + part + ", where torch writes a tuple");
        return value.toTupleRef().elements();
    }

    std::int64_t integer(const IValue &value, const std::string &part) const
    {
        if (!value.isInt())
            fail("has " + value.tagKind() + " as " + part + ", where torch writes an integer");
        return value.toInt();
    }

    template <typename Elements> void checkRecords(const Elements &records)
    {
        std::size_t index = 0;
        for (const IValue &record : records) {
            const std::string part = "record " + std::to_string(index++);
            // (byte offset, source range, tag); torch before 1.11 wrote no tag.
            const auto &fields = tuple(record, part);
            if (fields.size() != 2 && fields.size() != 3)
                fail("has " + part + " of " + std::to_string(fields.size()) +
                     " fields, where torch writes 3");
            integer(fields[0], part + "'s byte offset");
            if (fields.size() == 3)
                integer(fields[2], part + "'s tag");
            checkRange(fields[1], part);
        }
    }

    // (source, start, end). libtorch clamps a range's end to its source's text (torch's own
    // placeholder ranges run 0..1 over an empty text), so only the start must lie within it.
    void checkRange(const IValue &range, const std::string &part)
    {
        const auto &fields = tuple(range, part + "'s range");
        if (fields.size() != 3)
            fail("has a range of " + std::to_string(fields.size()) + " fields in " + part);
        const std::uint64_t length = sourceLength(fields[0], part);
        const std::int64_t start = integer(fields[1], part + "'s start");
        const std::int64_t end = integer(fields[2], part + "'s end");
        if (start < 0 || end < start || static_cast<std::uint64_t>(start) > length)
            fail("has a range " + std::to_string(start) + ".." + std::to_string(end) + " in " +
                 part + ", outside its source of " + std::to_string(length) + " bytes");
    }

    // (text, file, first line): with a string table, the text is a list of indices into it and
    // the file one index; without one, both are strings. The text's length in bytes.
    std::uint64_t sourceLength(const IValue &source, const std::string &part)
    {
        // Sources are shared between records (one tuple, memoized); libtorch reads each once.
        if (source.isTuple()) {
            const auto known = sourceLengths_.find(&source.toTupleRef());
            if (known != sourceLengths_.end())
                return known->second;
        }
        const std::uint64_t length = readSource(source, part);
        sourceBytes_ += length;
        if (sourceBytes_ > kMaxSourceBytes)
            fail("makes libtorch build more than " + std::to_string(kMaxSourceBytes >> 20) +
                 " MiB of source text");
        sourceLengths_.emplace(&source.toTupleRef(), length);
        return length;
    }

    std::uint64_t readSource(const IValue &source, const std::string &part) const
    {
        const auto &fields = tuple(source, part + "'s source");
        if (fields.size() != 3)
            fail("has a source of " + std::to_string(fields.size()) + " fields in " + part);
        const std::int64_t firstLine = integer(fields[2], part + "'s first line");
        if (firstLine < 0 || firstLine > kMaxLineNumber)
            fail("says " + part + "'s source starts at line " + std::to_string(firstLine));
        if (textLengths_.empty()) {
            if (!fields[0].isString())
                fail("has " + fields[0].tagKind() + " as " + part + "'s text");
            if (!fields[1].isNone() && !fields[1].isString())
                fail("has " + fields[1].tagKind() + " as " + part + "'s file name");
            return fields[0].toStringRef().size();
        }
        if (!fields[0].isIntList())
            fail("has " + fields[0].tagKind() + " as " + part +
                 "'s text, where torch writes a list of integers");
        std::uint64_t length = 0;
        for (const std::int64_t index : fields[0].toIntList())
            length += textLength(index, part + "'s text");
        textLength(integer(fields[1], part + "'s file name"), part + "'s file name");
        return length;
    }

    std::uint64_t textLength(std::int64_t index, const std::string &part) const
    {
        if (index < 0 || static_cast<std::uint64_t>(index) >= textLengths_.size())
            fail("points " + part + " at string " + std::to_string(index) + " of a table of " +
                 std::to_string(textLengths_.size()));
        return textLengths_[static_cast<std::size_t>(index)];
    }

    std::string where_;
    std::vector<std::uint64_t> textLengths_; // the string table's entries; empty: none
    std::unordered_map<const c10::ivalue::Tuple *, std::uint64_t> sourceLengths_;
    std::uint64_t sourceBytes_ = 0; // the text of every distinct source
};

} // namespace

void checkDebugInfo(const ArchiveContents &archive, const std::string &what)
{
    for (const auto &[record, bytes] : archive.debugPickles)
        DebugPickleCheck(what, record).run(bytes);
}

} // namespace torchprep
