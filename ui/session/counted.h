// "1 finding", "16 findings": counts in English without the "(s)" a missing translation
// file leaves in Qt's %n plurals.
#pragma once

#include <QString>

namespace torchprep {

inline QString counted(long long n, const QString &one, const QString &many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace torchprep
