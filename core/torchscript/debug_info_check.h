// The source ranges of a TorchScript archive, checked before libtorch reads them. libtorch reads a
// `.debug_pkl` lazily (the first time anything asks where an op came from: our source lines,
// printing a graph, saving the model) and indexes its string table and source texts with the
// numbers in it unchecked: one changed byte, CRC recomputed, and it reads out of bounds.
#pragma once

#include <string>

namespace torchprep {

struct ArchiveContents;

// Throws InputError (one line, starting with `what`) unless every debug pickle of `archive` has
// the layout torch writes (a string table and records, or the older records alone) and every
// number in it stays within what it points into: text and file indices within the string table,
// each range starting within its source's text, line numbers plausible.
void checkDebugInfo(const ArchiveContents &archive, const std::string &what);

} // namespace torchprep
