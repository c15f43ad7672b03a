// The main window: one search box (the hybrid words + meaning search, the CLI's syntax),
// filters, the photo grid, the detail pane, and the watcher's state in the status bar.
//
// Keys: / or Ctrl+F search, arrows move, Enter opens the photo, Space shows it large, Esc
// closes that, clears the search or leaves "more like this". An image dropped on the window
// (from a file manager or a browser) is searched by, never stored; photos dragged out of the
// grid are their files.
#pragma once

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

#include "app/detail_pane.h"
#include "app/library_session.h"
#include "app/photo_grid_model.h"

namespace shoebox::app {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(LibrarySession* session, QWidget* parent = nullptr);

  // What the user can do, callable from tests as from the widgets.
  void RunSearch(const QString& query);
  void ShowSimilar(qint64 id);
  void SearchByImage(const QByteArray& bytes, const QString& name);
  void ShowBrowse();
  void OpenDuplicates();
  void QuickLook();

  PhotoGridModel* model() const { return model_; }
  QListView* grid() const { return grid_; }
  DetailPane* detail() const { return detail_; }
  QLineEdit* searchBox() const { return search_; }
  QString heading() const { return heading_->text(); }
  QString watchText() const { return watch_->text(); }
  PhotoFilter CurrentFilter() const;

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  QWidget* MakeFilterBar();
  void UpdateHeading();
  void UpdateWatchStatus();
  void ShowContextMenu(const QPoint& pos);
  QStringList SelectedPaths() const;
  void AddFolder();

  LibrarySession* session_;
  PhotoGridModel* model_;
  QListView* grid_;
  DetailPane* detail_;
  QLineEdit* search_;
  QComboBox* mode_;
  QComboBox* order_;
  QPushButton* pause_;
  QLabel* heading_;
  QLabel* watch_;
  QWidget* filters_;
  QCheckBox* use_from_;
  QCheckBox* use_to_;
  QDateEdit* from_;
  QDateEdit* to_;
  QLineEdit* folder_;
  QLineEdit* camera_;
  QComboBox* format_;
  QComboBox* source_;
  QLineEdit* album_;
  QLineEdit* keyword_;
  QSpinBox* rating_;
  QCheckBox* favorite_;
  QTimer search_delay_;
  QString view_;  // what the grid shows, in words: "Newest first", "Results for “x”"
  qint64 similar_to_ = 0;
};

}  // namespace shoebox::app
