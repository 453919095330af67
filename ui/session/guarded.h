// The one place the Studio turns what the core throws into what a user reads: one line, never
// a stack trace. Background jobs and the synchronous exports both go through it.
#pragma once

#include <QString>

#include <functional>

namespace torchprep {

// Runs `work`; returns "" when it returned, else one line: an InputError's message as it is,
// another exception's first line, or "unknown error while <activity>".
QString guarded(const std::function<void()> &work, const QString &activity);

} // namespace torchprep
