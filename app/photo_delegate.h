// Paints one grid cell: the square thumbnail (or a placeholder while it loads), the
// selection, and a "T" mark on photos found by their words. Colours come from the palette, so
// the grid follows the system's light or dark theme.
#pragma once

#include <QStyledItemDelegate>

namespace shoebox::app {

class PhotoDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  static constexpr int kGap = 4;
  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace shoebox::app
