// The photos the grid shows: a browse of the whole library (newest first, oldest first or by
// folder) or a query's results, as a list model the view asks only for the rows it paints.
//
// Rows arrive from the query service on worker threads: the first page at once, then the
// rest of a browse in large pages in the background, so a 200,000-photo library is
// scrollable after its first page. Thumbnails are read from the cache on demand, newest
// request first (what is on screen now), decoded and scaled off the UI thread and kept in a
// bounded cache; a row without one yet paints a placeholder.
#pragma once

#include <QAbstractListModel>
#include <QCache>
#include <QHash>
#include <QImage>
#include <QSet>
#include <QThreadPool>
#include <atomic>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "web/library_service.h"

namespace shoebox::app {

struct GridItem {
  qint64 id = 0;
  QString path, taken;  // taken: ISO 8601 or empty
  QString own_name;     // set only where the name is not the path's last part (a library's)
  QString name() const;
  bool has_thumb = false;
  bool by_words = false;        // found by its words (OCR, names, library text)
  std::optional<double> score;  // cosine, for query results
};

class PhotoGridModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { kIdRole = Qt::UserRole + 1, kPathRole, kTakenRole, kByWordsRole, kThumbReadyRole };
  static constexpr int kThumbSide = 180;  // the cell's image, device-independent pixels

  explicit PhotoGridModel(web::LibraryService* service, QObject* parent = nullptr);
  ~PhotoGridModel() override;

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;

  // Every photo the filter allows, in this order ("newest", "oldest", "path").
  void Browse(const std::string& order, const PhotoFilter& filter);
  // A query in the CLI's language, in this mode; up to `limit` results.
  void Search(const QString& query, search::SearchMode mode, const PhotoFilter& filter,
              int limit = 500);
  void Similar(qint64 id, const PhotoFilter& filter, int limit = 500);
  // An image from outside the library (dropped, pasted): embedded in memory, never stored.
  void SearchImage(const QByteArray& bytes, const QString& name, const PhotoFilter& filter,
                   int limit = 500);
  // The current view again (the library changed), keeping the rows while the new ones load.
  void Refresh();

  const GridItem* item(int row) const;
  bool loading() const { return loading_; }
  QString note() const { return note_; }  // how the last query was answered, or why it failed

 signals:
  void loadingChanged(bool loading);
  // A page of rows or a whole result is in (tests and the status bar wait on it).
  void resultsReady();
  void failed(const QString& message);

 private:
  void Start(std::function<Result<nlohmann::json>(int64_t offset, int64_t n)> fetch, bool paged);
  void FetchPage(quint64 generation, int64_t offset, int64_t n);
  // A page as the fetcher thread made it from the service's JSON (the UI thread only inserts).
  struct Page {
    Status status;
    std::vector<GridItem> rows;
    QString note;
    bool has_more = false;
  };
  void Accept(quint64 generation, std::shared_ptr<Page> page, int64_t offset, bool paged);
  void RequestThumb(qint64 id) const;
  void ThumbLoaded(qint64 id, const QImage& image);

  web::LibraryService* service_;
  std::vector<GridItem> items_;
  QHash<qint64, int> row_of_;
  quint64 generation_ = 0;
  bool loading_ = false;
  QString note_;
  std::function<Result<nlohmann::json>(int64_t, int64_t)> fetch_;
  bool paged_ = false;
  bool replace_on_first_page_ = false;

  // Thumbnails: decoded off the UI thread, most recent request first.
  mutable QCache<qint64, QImage> thumbs_;
  mutable QSet<qint64> requested_;
  QSet<qint64> unreadable_;
  std::atomic<int> active_loaders_{0};
  mutable std::mutex queue_mu_;
  mutable std::deque<qint64> queue_;
  QThreadPool loaders_;   // thumbnails
  QThreadPool fetchers_;  // rows
};

}  // namespace shoebox::app
