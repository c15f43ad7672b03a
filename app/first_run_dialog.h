// The first run: what shoebox should keep searchable. Offers the photo libraries found in
// their usual places (library_discovery.h), each with its photo count (counted in the
// background), and the folders the user picks with the system's folder dialog (~/Pictures is
// offered when it exists). Says whether the model for search by meaning is there; without it
// the app works with text search and browsing.
#pragma once

#include <QDialog>
#include <QLabel>
#include <QListWidget>
#include <QThreadPool>
#include <filesystem>

namespace shoebox::app {

class FirstRunDialog : public QDialog {
  Q_OBJECT

 public:
  FirstRunDialog(const std::filesystem::path& home, QWidget* parent = nullptr);
  ~FirstRunDialog() override;

  // What the "Add folder…" button adds once the folder dialog returns.
  void AddFolder(const QString& path);
  // The checked libraries and folders.
  QStringList chosenRoots() const;
  // The rows as shown ("Lightroom catalog — Catalog.lrcat — 4 photos"), for tests.
  QStringList rows() const;
  bool counting() const { return counting_ > 0; }

 signals:
  void countsReady();

 private:
  void AddRow(const QString& text, const QString& path, bool checked);

  QListWidget* list_;
  QLabel* model_;
  QThreadPool pool_;
  int counting_ = 0;
};

}  // namespace shoebox::app
