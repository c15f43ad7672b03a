// The first run: what shoebox should keep searchable. Offers the photo libraries found in
// their usual places (library_discovery.h), each with its photo count (counted in the
// background), and the folders the user picks with the system's folder dialog (~/Pictures is
// offered when it exists). Says whether the model for search by meaning is there; without it
// the app works with text search and browsing.
#pragma once

#include <QDialog>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QThreadPool>
#include <atomic>
#include <filesystem>
#include <string>

namespace shoebox::app {

class FirstRunDialog : public QDialog {
  Q_OBJECT

 public:
  // model: the model offered for search by meaning (a short name or Hub repo).
  FirstRunDialog(const std::filesystem::path& home, QWidget* parent = nullptr,
                 const std::string& model = {});
  ~FirstRunDialog() override;

  // What the "Add folder…" button adds once the folder dialog returns.
  void AddFolder(const QString& path);
  // The checked libraries and folders.
  QStringList chosenRoots() const;
  // The rows as shown ("Lightroom catalog — Catalog.lrcat — 4 photos"), for tests.
  QStringList rows() const;
  bool counting() const { return counting_ > 0; }
  // Whether it says that nothing was found and asks for a folder (the list is empty).
  bool noneFound() const;

  // The model: downloaded in the background with a progress bar; Cancel stops it (what was
  // downloaded stays, and the next download resumes from there).
  void StartModelDownload();
  void CancelModelDownload() { cancel_ = true; }
  QString modelText() const { return model_->text(); }
  bool modelReady() const { return model_ready_; }
  bool downloading() const { return downloading_; }

 signals:
  void countsReady();
  void modelDone();  // downloaded, failed or cancelled

 private:
  void AddRow(const QString& text, const QString& path, bool checked);

  void DownloadFinished(const QString& error, bool cancelled);

  QListWidget* list_;
  QLabel* none_found_;
  QLabel* model_;
  QPushButton* download_;
  QPushButton* cancel_button_;
  QProgressBar* progress_;
  std::string repo_;
  QThreadPool pool_;
  QThreadPool download_pool_;
  std::atomic<bool> cancel_{false};
  bool downloading_ = false;
  bool model_ready_ = false;
  int counting_ = 0;
};

}  // namespace shoebox::app
