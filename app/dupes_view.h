// The duplicates report: identical files (one content at several paths) and near duplicates
// (the same scene: bursts, edits, resized copies), each group with the copy to keep
// suggested. A report only: the app deletes nothing. Computed by the query service in the
// background; the view polls until it is ready.
#pragma once

#include <QDialog>
#include <QLabel>
#include <QTimer>
#include <QTreeWidget>

#include "web/library_service.h"

namespace shoebox::app {

class DupesView : public QDialog {
  Q_OBJECT

 public:
  explicit DupesView(web::LibraryService* service, QWidget* parent = nullptr);
  int exactGroups() const { return exact_; }
  int nearGroups() const { return near_; }
  bool ready() const { return ready_; }
  QTreeWidget* tree() const { return tree_; }

 signals:
  void ready_changed();
  void showPhoto(qint64 id);

 private:
  void Poll();

  web::LibraryService* service_;
  QTreeWidget* tree_;
  QLabel* summary_;
  QTimer timer_;
  int exact_ = 0, near_ = 0;
  bool ready_ = false;
};

}  // namespace shoebox::app
