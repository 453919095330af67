#include "check_style.h"

#include "checks/check_catalogue.h"

#include <QObject>

#include <map>

namespace torchprep {

QColor paletteColor(const std::string &colourKey)
{
    static const std::map<std::string, QColor> palette = {
        {"orange", QColor(0xE6, 0x7E, 0x22)}, {"purple", QColor(0x8E, 0x44, 0xAD)},
        {"blue", QColor(0x29, 0x80, 0xB9)},   {"red", QColor(0xC0, 0x39, 0x2B)},
        {"teal", QColor(0x16, 0xA0, 0x85)},   {"slate", QColor(0x4A, 0x5D, 0x7E)},
    };
    const auto it = palette.find(colourKey);
    return it == palette.end() ? QColor(0x7F, 0x8C, 0x8D) : it->second;
}

QColor checkColor(const std::string &check)
{
    const CheckEntry *entry = findCheck(check);
    return paletteColor(entry ? entry->colourKey : std::string());
}

QString checkTitle(const std::string &check)
{
    const CheckEntry *entry = findCheck(check);
    return entry ? QObject::tr(entry->title.c_str()) : QString::fromStdString(check);
}

QColor opFill()
{
    return QColor(0xFA, 0xFA, 0xFA);
}
QColor layerFill()
{
    return QColor(0xE3, 0xEE, 0xFA);
}
QColor collapsedFill()
{
    return QColor(0xFF, 0xF8, 0xE1);
}

QColor groupFill(int depth)
{
    // Nested groups alternate two light tints so their borders stay readable.
    return depth % 2 ? QColor(0xF4, 0xF6, 0xF8) : QColor(0xEC, 0xEF, 0xF3);
}

QColor selectionColor()
{
    return QColor(0x1E, 0x88, 0xE5);
}

} // namespace torchprep
