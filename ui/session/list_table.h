// The look shared by the Studio's row lists (findings, changes): whole rows, one line each,
// alternating colours, no row numbers, the last column taking the rest of the width.
#pragma once

#include <QAbstractItemView>
#include <QHeaderView>
#include <QTableView>

namespace torchprep {

inline void setUpListTable(QTableView *table, QAbstractItemView::SelectionMode mode)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(mode);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setAlternatingRowColors(true);
    table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace torchprep
