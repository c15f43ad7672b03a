#include "app/dupes_view.h"

#include <QHeaderView>
#include <QVBoxLayout>

#include "app/counts.h"

namespace shoebox::app {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QTreeWidgetItem* PhotoItem(QTreeWidgetItem* parent, const nlohmann::json& p, const QString& mark) {
  auto* item = new QTreeWidgetItem(parent);
  item->setText(0, mark);
  item->setText(1, QString::fromStdString(p.value("path", std::string())));
  item->setData(0, kIdRole, static_cast<qint64>(p.value("id", int64_t{0})));
  item->setToolTip(1, item->text(1));
  return item;
}

}  // namespace

DupesView::DupesView(web::LibraryService* service, QWidget* parent)
    : QDialog(parent), service_(service) {
  setObjectName("dupes");
  setWindowTitle(tr("Duplicates"));
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Looking for duplicates…"));
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  tree_ = new QTreeWidget;
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Group"), tr("File")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  tree_->setTextElideMode(Qt::ElideMiddle);
  layout->addWidget(tree_);
  connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const qint64 id = item->data(0, kIdRole).toLongLong();
    if (id) emit showPhoto(id);
  });
  resize(900, 560);
  connect(&timer_, &QTimer::timeout, this, &DupesView::Poll);
  timer_.start(500);
  Poll();
}

void DupesView::Poll() {
  auto dupes = service_->Dupes();
  if (!dupes.ok()) {
    summary_->setText(QString::fromStdString(dupes.status().message()));
    timer_.stop();
    return;
  }
  const auto& j = *dupes;
  if (j.value("state", "") == "computing") return;
  timer_.stop();
  tree_->clear();
  exact_ = near_ = 0;
  auto* exact = new QTreeWidgetItem(tree_, {tr("Identical files")});
  for (const auto& group : j["exact"]) {
    auto* g = new QTreeWidgetItem(exact, {tr("%n copies", "", static_cast<int>(group.size()))});
    bool first = true;
    for (const auto& p : group) {
      PhotoItem(g, p, first ? tr("keep") : QString());
      first = false;
    }
    ++exact_;
  }
  auto* near = new QTreeWidgetItem(tree_, {tr("Near duplicates")});
  for (const auto& group : j["near"]) {
    const double score = group.value("score", 0.0);
    auto* g = new QTreeWidgetItem(
        near, {tr("%n photos, similarity ≥ %1", "", static_cast<int>(group["others"].size() + 1))
                   .arg(std::floor(score * 1000) / 1000, 0, 'f', 3)});
    PhotoItem(g, group["keep"], tr("keep (suggested)"));
    for (const auto& p : group["others"]) PhotoItem(g, p, QString());
    ++near_;
  }
  exact->setText(0, tr("Identical files: %1").arg(Count(exact_, tr("group"), tr("groups"))));
  near->setText(0, tr("Near duplicates: %1").arg(Count(near_, tr("group"), tr("groups"))));
  tree_->expandAll();
  summary_->setText(
      tr("%1 groups of identical files and %2 of near duplicates. shoebox only reports them: "
         "nothing is deleted. Double-click a file to see it.")
          .arg(exact_)
          .arg(near_));
  ready_ = true;
  emit ready_changed();
}

}  // namespace shoebox::app
