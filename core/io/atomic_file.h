// Writing an output file so that it appears whole or not at all: the bytes go to an unnamed file
// in the target's folder (O_TMPFILE), linked into place only when complete. A run killed on the
// way leaves nothing behind; where the file system has no unnamed files, a hidden temporary is
// used, and leftovers of dead runs are removed by the next write to the same target.
#pragma once

#include <memory>
#include <ostream>
#include <string>

namespace torchprep {

class AtomicFile
{
  public:
    // Opens the unnamed file. Throws InputError (one line naming `target`) when the folder is
    // missing or not writable, or `target` is a directory.
    explicit AtomicFile(const std::string &target);
    ~AtomicFile(); // discards what was written unless commit() succeeded
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    std::ostream &stream();
    // Flushes, syncs and puts the file in place of `target`. Throws InputError when it cannot.
    void commit();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Writes `bytes` to `target` through an AtomicFile.
void writeFileAtomically(const std::string &target, const std::string &bytes);

} // namespace torchprep
