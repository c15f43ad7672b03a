#include "app/photo_delegate.h"

#include <QPainter>

#include "app/photo_grid_model.h"

namespace shoebox::app {

void PhotoDelegate::paint(QPainter* p, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const {
  const QRect cell = option.rect.adjusted(kGap / 2, kGap / 2, -kGap / 2, -kGap / 2);
  const QPalette& pal = option.palette;
  const QVariant img = index.data(Qt::DecorationRole);
  if (img.isValid()) {
    p->drawImage(cell, img.value<QImage>());
  } else {
    p->fillRect(cell, pal.color(QPalette::AlternateBase));
  }
  if (index.data(PhotoGridModel::kByWordsRole).toBool()) {
    const QRect badge(cell.right() - 22, cell.top() + 4, 18, 18);
    p->fillRect(badge, pal.color(QPalette::ToolTipBase));
    p->setPen(pal.color(QPalette::ToolTipText));
    p->drawText(badge, Qt::AlignCenter, "T");
  }
  if (option.state & QStyle::State_Selected) {
    QPen pen(pal.color(QPalette::Highlight), 4);
    p->setPen(pen);
    p->drawRect(cell.adjusted(2, 2, -2, -2));
  } else if (option.state & QStyle::State_HasFocus) {
    p->setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DashLine));
    p->drawRect(cell.adjusted(1, 1, -1, -1));
  }
}

QSize PhotoDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const {
  return {PhotoGridModel::kThumbSide + kGap, PhotoGridModel::kThumbSide + kGap};
}

}  // namespace shoebox::app
