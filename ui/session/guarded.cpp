#include "guarded.h"

#include "base/errors.h"

namespace torchprep {

QString guarded(const std::function<void()> &work, const QString &activity)
{
    try {
        work();
        return {};
    } catch (const InputError &e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        return QString::fromStdString(firstLine(e.what()));
    } catch (...) {
        return QStringLiteral("unknown error while %1").arg(activity);
    }
}

} // namespace torchprep
