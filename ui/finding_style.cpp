#include "finding_style.h"

#include <QObject>

namespace torchprep {

QColor checkColor(const std::string &check)
{
    if (check == "reused_module")
        return QColor(0xE6, 0x7E, 0x22); // orange
    if (check == "missing_module")
        return QColor(0x8E, 0x44, 0xAD); // purple
    if (check == "non_tensor_io")
        return QColor(0x29, 0x80, 0xB9); // blue
    if (check == "dynamic_control_flow")
        return QColor(0xC0, 0x39, 0x2B); // red
    if (check == "input_dependent_constructor")
        return QColor(0x16, 0xA0, 0x85); // teal
    return QColor(0x7F, 0x8C, 0x8D);
}

QString checkTitle(const std::string &check)
{
    if (check == "reused_module")
        return QObject::tr("Reused module");
    if (check == "missing_module")
        return QObject::tr("Functional op");
    if (check == "non_tensor_io")
        return QObject::tr("Non-tensor I/O");
    if (check == "dynamic_control_flow")
        return QObject::tr("Dynamic control flow");
    if (check == "input_dependent_constructor")
        return QObject::tr("Input-dependent constructor");
    return QString::fromStdString(check);
}

QColor opFill() { return QColor(0xFA, 0xFA, 0xFA); }
QColor layerFill() { return QColor(0xE3, 0xEE, 0xFA); }

QColor groupFill(int depth)
{
    // Nested groups alternate two light tints so their borders stay readable.
    return depth % 2 ? QColor(0xF4, 0xF6, 0xF8) : QColor(0xEC, 0xEF, 0xF3);
}

QColor selectionColor() { return QColor(0x1E, 0x88, 0xE5); }

} // namespace torchprep
