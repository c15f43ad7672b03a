// The engine as the desktop app holds it: the catalog's query service (the same one behind
// the web app's API, called in-process) and the watcher that keeps the catalog current (the
// same one behind `shoebox watch`). Owns both; tells the window, on the UI thread, when the
// watcher's state changes and when a run changed the library.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "embedding/embedding_model.h"
#include "pipeline/text_recognition.h"
#include "watch/library_watcher.h"
#include "web/library_service.h"

namespace shoebox::app {

struct SessionOptions {
  std::filesystem::path catalog;
  std::string model;  // empty: the default model when it is downloaded, else none
  bool ocr = true;
  bool watch = true;  // false: no watcher (tests of the window alone)
  bool low_priority = true;
  // How the model loads, for queries and the watcher alike (one shared model): as the CLI and
  // the web app load it, in the fastest precision within cosine 0.999 of float32.
  ModelLoadOptions load{.auto_precision = true};
};

class LibrarySession : public QObject, private watch::WatchListener {
  Q_OBJECT

 public:
  // Creates the catalog when there is none (a first run) and opens its query service; the
  // watcher starts with SetRoots. A damaged or newer catalog is an error naming the file.
  static Result<std::unique_ptr<LibrarySession>> Open(SessionOptions options);
  ~LibrarySession() override;

  web::LibraryService* service() { return service_.get(); }
  const std::filesystem::path& catalog() const { return options_.catalog; }

  // Watches these folders and libraries (restarting the watcher; the first run catches up
  // with what changed since the last time).
  void SetRoots(const QStringList& roots);
  QStringList roots() const;
  void Pause();
  void Resume();
  bool paused() const { return paused_.load(); }
  watch::WatchStatus WatchState() const;
  // Why indexing runs without embeddings or OCR (no model downloaded, a language missing).
  QString limits() const;

 signals:
  void watchChanged();    // the watcher's state, roots or progress changed
  void libraryChanged();  // a run added, moved or removed photos

 private:
  explicit LibrarySession(SessionOptions options);
  void StateChanged(const watch::WatchStatus& status) override;
  void RunFinished(const std::vector<std::string>& roots,
                   const Result<IndexJobReport>& report) override;
  void StartWatcher(const std::vector<std::string>& roots);  // on the control thread
  void StopWatcher();
  void Post(std::function<void()> task);

  SessionOptions options_;
  std::unique_ptr<web::LibraryService> service_;
  std::unique_ptr<OcrStage> ocr_;
  std::shared_ptr<EmbeddingModel> model_;  // the service's own when it has loaded the same
  std::string model_location_;
  QString limits_;
  QStringList roots_;
  std::atomic<bool> paused_{false};
  bool model_tried_ = false;  // the control thread's
  mutable std::mutex mu_;     // watcher_ (swapped on the control thread, read by the UI)
  std::unique_ptr<watch::LibraryWatcher> watcher_;
  std::mutex tasks_mu_;
  std::condition_variable tasks_cv_;
  std::deque<std::function<void()>> tasks_;
  bool closing_ = false;
  std::thread control_;  // runs tasks_ in order: watcher restarts, the model's load
};

}  // namespace shoebox::app
