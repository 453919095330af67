// Checks a zip archive from an untrusted source (a TorchScript file, a file torch.save wrote)
// before libtorch reads any of it: sizes, compression and nesting stay within bounds, so a crafted
// file can neither exhaust memory (a deflate bomb) nor the stack (a pickle nested a million deep).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace torchprep {

struct ArchiveLimits
{
    // Inflating deflated members may produce at most this many bytes in all, beyond the size of
    // the file itself (torch writes its archives uncompressed: real files need none of it).
    std::uint64_t inflateAllowance = 256ull << 20;
    std::uint64_t maxMembers = 1000000;
    // Nesting of tuples, lists, dicts and objects in any pickle. libtorch builds and destroys such
    // values recursively; real models nest a few dozen levels.
    int maxPickleDepth = 10000;
    // Bracket and block nesting in the archive's TorchScript code, which libtorch parses
    // recursively.
    int maxCodeNesting = 2000;
};

struct ArchiveContents
{
    std::string folder;               // the archive's top folder ("resnet18/"), "" when none
    std::vector<std::string> records; // member names below that folder ("data.pkl", "code/...")
    // Classes data.pkl names ("collections.OrderedDict", "torch.nn.modules.conv.Conv2d"): tells a
    // state_dict from a whole module pickled with torch.save(model). The first few only.
    std::vector<std::string> dataClasses;
    // The debug pickles (`code/...py.debug_pkl`), by record name: libtorch reads them lazily,
    // long after loading, and trusts every offset in them; the reader checks them first.
    std::vector<std::pair<std::string, std::string>> debugPickles;

    bool has(const std::string &record) const;
    // A file torch.save wrote (a data.pkl, no TorchScript code).
    bool isTorchSave() const;
    // A program torch.export.save wrote (.pt2): the layout of torch 2.8 and later
    // (`archive_format`) or the one before (`serialized_exported_program.json`).
    bool isExportedProgram() const;
    // The first class data.pkl names that is an object of its own, not tensors and their
    // bookkeeping (torch's, Python's, collections', numpy's): a torch.nn module pickled whole or a
    // library's class. "" for tensors, state_dicts and containers of them.
    std::string objectClass() const;
};

// Reads the archive's directory and checks every member: stored or deflated only, each within
// the file, the declared sizes within the file size plus the allowance, deflated members inflated
// to count their real size (stopping past the bound), pickles scanned for nesting and code for
// bracket depth. Throws InputError (one line, starting with `what`, e.g. "'model.pt'") on the
// first thing out of bounds, and for anything that is not a zip archive.
ArchiveContents checkArchive(const std::string &path, const std::string &what,
                             const ArchiveLimits &limits = ArchiveLimits());

class ArchiveReader;

// True when `path` is a zip archive whose directory names a torch.export program's members:
// tells which reader a model file goes to, before either checks it.
bool isExportedProgramFile(const std::string &path);

// An archive checked as checkArchive() does, whose members can then be read one by one: for
// formats whose members TorchPrep reads itself rather than through libtorch (.pt2).
class CheckedArchive
{
  public:
    CheckedArchive(const std::string &path, const std::string &what,
                   const ArchiveLimits &limits = ArchiveLimits());
    // The archive stored whole (not compressed) as `outer`'s member `record` (a torch.save file
    // inside a .pt2 of torch 2.6), checked the same way; `what` names it in messages.
    CheckedArchive(const CheckedArchive &outer, const std::string &record, const std::string &what);
    ~CheckedArchive();
    CheckedArchive(const CheckedArchive &) = delete;
    CheckedArchive &operator=(const CheckedArchive &) = delete;

    const ArchiveContents &contents() const { return contents_; }
    // The bytes of `record` (below the top folder), its CRC checked. Throws InputError (one
    // line) when there is no such member or it holds more than `maxBytes`.
    std::string read(const std::string &record, std::uint64_t maxBytes) const;

  private:
    std::unique_ptr<ArchiveLimits> limits_; // the reader keeps a reference
    std::unique_ptr<ArchiveReader> reader_;
    ArchiveContents contents_;
    std::string path_;
};

// The deepest nesting of containers in a pickle (protocol 2 to 4, as torch writes them), -1
// when the scan stops at an opcode it does not know (libtorch refuses those itself), or
// kMalformedPickle when an opcode finds the stack without what it takes (an empty stack, a
// missing mark, a memo never put) or the data ends inside one. Stops early and returns a depth
// above `stopAbove` as soon as one is seen.
constexpr int kMalformedPickle = -2;
// Stands in `classes` for a global named by strings on the stack (STACK_GLOBAL, protocol 4),
// whose name no scan reads.
constexpr const char *kGlobalOnTheStack = "?";
int pickleNestingDepth(const std::string &pickle, int stopAbove,
                       std::vector<std::string> *classes = nullptr);

} // namespace torchprep
