#include "app/library_session.h"

#include <QMetaObject>

#include "catalog/catalog.h"
#include "pipeline/index_job.h"
#include "search/query_service.h"

namespace shoebox::app {

LibrarySession::LibrarySession(SessionOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<LibrarySession>> LibrarySession::Open(SessionOptions options) {
  {
    auto cat = Catalog::Open(options.catalog, true);  // a first run starts with an empty one
    if (!cat.ok()) return cat.status();
  }
  // New photos join the vectors queries use: the catalog's model unless one is named.
  if (options.model.empty()) options.model = search::CatalogModelLocation(options.catalog);
  std::unique_ptr<LibrarySession> s(new LibrarySession(options));
  web::ServiceOptions so;
  so.catalog = options.catalog;
  so.model = options.model;
  so.load = options.load;  // the watcher below shares this one model
  auto service = web::LibraryService::Open(so);
  if (!service.ok()) return service.status();
  s->service_ = std::move(*service);
  if (options.ocr) {
    TextOptions t;
    t.progress = false;
    auto ocr = OcrStage::Create(t);
    if (ocr.ok())
      s->ocr_ = std::move(*ocr);
    else
      s->limits_ +=
          QString::fromStdString("Words in photos are not read: " + ocr.status().message() + "\n");
  }
  return s;
}

LibrarySession::~LibrarySession() {
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    closing_ = true;
  }
  tasks_cv_.notify_all();
  if (control_.joinable()) control_.join();
  StopWatcher();  // stops the run in flight before the model and OCR stage go
}

// Starting and stopping the watcher waits for the run in flight to reach its next file, and
// loading the model takes seconds: both happen here, one after the other, never on the UI
// thread.
void LibrarySession::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    tasks_.push_back(std::move(task));
    if (!control_.joinable())
      control_ = std::thread([this] {
        for (;;) {
          std::function<void()> next;
          {
            std::unique_lock<std::mutex> lock(tasks_mu_);
            tasks_cv_.wait(lock, [&] { return closing_ || !tasks_.empty(); });
            if (closing_) return;
            next = std::move(tasks_.front());
            tasks_.pop_front();
          }
          next();
        }
      });
  }
  tasks_cv_.notify_all();
}

void LibrarySession::SetRoots(const QStringList& roots) {
  roots_ = roots;
  if (!options_.watch) return;
  std::vector<std::string> list;
  for (const QString& r : roots) list.push_back(r.toStdString());
  Post([this, list] {
    StopWatcher();
    if (list.empty()) {
      QMetaObject::invokeMethod(
          this, [this] { emit watchChanged(); }, Qt::QueuedConnection);
      return;
    }
    // Photos are catalogued and searchable by words at once; once the model is loaded the
    // watcher restarts with it, and its first run embeds what was missed.
    StartWatcher(list);
    if (model_ || model_tried_) return;
    model_tried_ = true;
    auto m = LoadIndexModel(options_.model, options_.load);
    if (!m.ok() || !m->model) {
      const std::string why = m.ok() ? m->without : m.status().message();
      QMetaObject::invokeMethod(
          this,
          [this, why] {
            limits_ += QString::fromStdString(
                "Search by meaning needs a model: " + why +
                "\nText search and browsing work meanwhile; download the model from the "
                "first-run window or with `shoebox models pull`.\n");
            emit watchChanged();
          },
          Qt::QueuedConnection);
      return;
    }
    model_ = std::move(m->model);
    model_location_ = m->location;
    StopWatcher();
    StartWatcher(list);
  });
}

// Stopped outside the lock: it waits for the run in flight, and the UI keeps reading the state.
void LibrarySession::StopWatcher() {
  std::unique_ptr<watch::LibraryWatcher> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(watcher_);
  }
  old.reset();
}

void LibrarySession::StartWatcher(const std::vector<std::string>& roots) {
  watch::WatchOptions w;
  w.job.roots = roots;
  w.job.index.show_progress = false;
  w.job.text = ocr_.get();
  w.job.model = model_.get();
  w.job.model_location = model_location_;
  w.low_priority = options_.low_priority;
  auto watcher = watch::LibraryWatcher::Start(options_.catalog, std::move(w), this);
  if (!watcher.ok()) {
    const QString why = QString::fromStdString(watcher.status().message());
    QMetaObject::invokeMethod(
        this,
        [this, why] {
          limits_ += why + "\n";
          emit watchChanged();
        },
        Qt::QueuedConnection);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  watcher_ = std::move(*watcher);
  if (paused_) watcher_->Pause();
}

QStringList LibrarySession::roots() const { return roots_; }

void LibrarySession::Pause() {
  paused_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  if (watcher_) watcher_->Pause();
}

void LibrarySession::Resume() {
  paused_ = false;
  std::lock_guard<std::mutex> lock(mu_);
  if (watcher_) watcher_->Resume();
}

watch::WatchStatus LibrarySession::WatchState() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!watcher_) {
    watch::WatchStatus none;
    none.state = watch::WatchState::kStopped;
    return none;
  }
  return watcher_->status();
}

QString LibrarySession::limits() const { return limits_.trimmed(); }

void LibrarySession::StateChanged(const watch::WatchStatus&) {
  QMetaObject::invokeMethod(
      this, [this] { emit watchChanged(); }, Qt::QueuedConnection);
}

void LibrarySession::RunFinished(const std::vector<std::string>&,
                                 const Result<IndexJobReport>& report) {
  const bool changed =
      report.ok() && (report->crawl.added + report->crawl.linked + report->crawl.missing > 0);
  QMetaObject::invokeMethod(
      this,
      [this, changed] {
        emit watchChanged();
        if (changed) emit libraryChanged();
      },
      Qt::QueuedConnection);
}

}  // namespace shoebox::app
