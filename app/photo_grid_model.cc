#include "app/photo_grid_model.h"

#include <QMimeData>
#include <QUrl>
#include <algorithm>
#include <atomic>

namespace shoebox::app {
namespace {

constexpr int64_t kFirstPage = 400;       // what the grid shows at once
constexpr int64_t kLaterPage = 50000;     // the rest of a browse, in the background
constexpr size_t kMaxQueuedThumbs = 400;  // older requests (scrolled past) are dropped
constexpr int kThumbLoaders = 2;

GridItem ItemFromJson(const nlohmann::json& j) {
  GridItem it;
  it.id = j.value("id", int64_t{0});
  it.path = QString::fromStdString(j.value("path", std::string()));
  const QString name = QString::fromStdString(j.value("name", std::string()));
  if (name != it.name()) it.own_name = name;
  if (j.contains("taken_at") && j["taken_at"].is_string())
    it.taken = QString::fromStdString(j["taken_at"].get<std::string>());
  it.has_thumb = j.contains("thumb") && !j["thumb"].is_null();
  if (j.contains("match"))
    for (const auto& m : j["match"])
      if (m == "text") it.by_words = true;
  if (j.contains("score") && j["score"].is_number()) it.score = j["score"].get<double>();
  return it;
}

// The thumbnail cropped to fill a square cell, as photo grids show them.
QImage SquareTile(const QImage& img, int side) {
  if (img.isNull()) return img;
  const QImage scaled =
      img.scaled(side, side, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
  return scaled.copy((scaled.width() - side) / 2, (scaled.height() - side) / 2, side, side);
}

}  // namespace

QString GridItem::name() const {
  if (!own_name.isEmpty()) return own_name;
  const int slash = std::max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.mid(slash + 1);
}

PhotoGridModel::PhotoGridModel(web::LibraryService* service, QObject* parent)
    : QAbstractListModel(parent), service_(service) {
  thumbs_.setMaxCost(96 * 1024);  // KiB of decoded tiles: ~750 of them, a few screens
  loaders_.setMaxThreadCount(kThumbLoaders);
  fetchers_.setMaxThreadCount(1);
}

PhotoGridModel::~PhotoGridModel() {
  ++generation_;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.clear();
  }
  fetchers_.clear();
  fetchers_.waitForDone();
  loaders_.waitForDone();
}

int PhotoGridModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(items_.size());
}

const GridItem* PhotoGridModel::item(int row) const {
  if (row < 0 || row >= static_cast<int>(items_.size())) return nullptr;
  return &items_[static_cast<size_t>(row)];
}

QVariant PhotoGridModel::data(const QModelIndex& index, int role) const {
  const GridItem* it = item(index.row());
  if (!it) return {};
  switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
      return it->name();
    case Qt::ToolTipRole:
      return it->taken.isEmpty() ? it->path : it->path + "\n" + it->taken.left(10);
    case Qt::DecorationRole:
      if (QImage* img = thumbs_.object(it->id)) return *img;
      if (it->has_thumb) RequestThumb(it->id);
      return {};
    case kThumbReadyRole:
      return thumbs_.contains(it->id);
    case kIdRole:
      return it->id;
    case kPathRole:
      return it->path;
    case kTakenRole:
      return it->taken;
    case kByWordsRole:
      return it->by_words;
    default:
      return {};
  }
}

Qt::ItemFlags PhotoGridModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsDragEnabled;
}

QStringList PhotoGridModel::mimeTypes() const { return {"text/uri-list"}; }

// Photos dragged out of the grid are their files, as a file manager would drag them.
QMimeData* PhotoGridModel::mimeData(const QModelIndexList& indexes) const {
  QList<QUrl> urls;
  for (const QModelIndex& i : indexes)
    if (const GridItem* it = item(i.row())) urls.push_back(QUrl::fromLocalFile(it->path));
  if (urls.isEmpty()) return nullptr;
  auto* mime = new QMimeData;
  mime->setUrls(urls);
  return mime;
}

void PhotoGridModel::Browse(const std::string& order, const PhotoFilter& filter) {
  web::LibraryService* s = service_;
  Start(
      [s, order, filter](int64_t offset, int64_t n) {
        web::PageRequest p;
        p.n = n;
        p.offset = offset;
        p.options.filter = filter;
        return s->Browse(p, order);
      },
      true);
}

void PhotoGridModel::Search(const QString& query, search::SearchMode mode,
                            const PhotoFilter& filter, int limit) {
  web::LibraryService* s = service_;
  const std::string q = query.toStdString();
  Start(
      [s, q, mode, filter, limit](int64_t offset, int64_t) {
        web::PageRequest p;
        p.n = limit;
        p.offset = offset;
        p.options.filter = filter;
        p.mode = mode;
        return s->SearchText(q, p);
      },
      false);
}

void PhotoGridModel::Similar(qint64 id, const PhotoFilter& filter, int limit) {
  web::LibraryService* s = service_;
  Start(
      [s, id, filter, limit](int64_t offset, int64_t) {
        web::PageRequest p;
        p.n = limit;
        p.offset = offset;
        p.options.filter = filter;
        return s->Similar(id, p);
      },
      false);
}

void PhotoGridModel::SearchImage(const QByteArray& bytes, const QString& name,
                                 const PhotoFilter& filter, int limit) {
  web::LibraryService* s = service_;
  const std::string data = bytes.toStdString();
  const std::string file = name.toStdString();
  Start(
      [s, data, file, filter, limit](int64_t offset, int64_t) {
        web::PageRequest p;
        p.n = limit;
        p.offset = offset;
        p.options.filter = filter;
        return s->SearchImage(data, file, p);
      },
      false);
}

void PhotoGridModel::Refresh() {
  if (!fetch_) return;
  Start(fetch_, paged_);
}

void PhotoGridModel::Start(std::function<Result<nlohmann::json>(int64_t, int64_t)> fetch,
                           bool paged) {
  ++generation_;
  fetch_ = std::move(fetch);
  paged_ = paged;
  fetchers_.clear();  // pages of the previous view not started yet
  if (!loading_) {
    loading_ = true;
    emit loadingChanged(true);
  }
  FetchPage(generation_, 0, paged ? kFirstPage : 0);
}

void PhotoGridModel::FetchPage(quint64 generation, int64_t offset, int64_t n) {
  auto fetch = fetch_;
  const bool paged = paged_;
  fetchers_.start([this, fetch, generation, offset, n, paged] {
    auto page = std::make_shared<Page>();
    {
      Result<nlohmann::json> j = fetch(offset, n);
      if (!j.ok()) {
        page->status = j.status();
      } else {
        if (j->contains("results")) {
          page->rows.reserve((*j)["results"].size());
          for (const auto& r : (*j)["results"]) page->rows.push_back(ItemFromJson(r));
        }
        if (j->contains("note") && (*j)["note"].is_string())
          page->note = QString::fromStdString((*j)["note"].get<std::string>());
        page->has_more = j->value("has_more", false);
      }
    }  // the JSON goes here, on this thread, before the UI thread sees the rows
    QMetaObject::invokeMethod(
        this, [this, generation, page, offset, paged] { Accept(generation, page, offset, paged); },
        Qt::QueuedConnection);
  });
}

void PhotoGridModel::Accept(quint64 generation, std::shared_ptr<Page> page, int64_t offset,
                            bool paged) {
  if (generation != generation_) return;  // a newer query or browse replaced this one
  if (!page->status.ok()) {
    note_ = QString::fromStdString(page->status.message());
    if (offset == 0) {
      beginResetModel();
      items_.clear();
      row_of_.clear();
      endResetModel();
    }
    loading_ = false;
    emit loadingChanged(false);
    emit failed(note_);
    return;
  }
  std::vector<GridItem>& rows = page->rows;
  note_ = page->note;
  if (offset == 0) {
    beginResetModel();
    items_ = std::move(rows);
    row_of_.clear();
    for (size_t i = 0; i < items_.size(); ++i) row_of_.insert(items_[i].id, static_cast<int>(i));
    endResetModel();
  } else if (!rows.empty()) {
    const int first = static_cast<int>(items_.size());
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    items_.reserve(items_.size() + rows.size());
    for (auto& r : rows) {
      row_of_.insert(r.id, static_cast<int>(items_.size()));
      items_.push_back(std::move(r));
    }
    endInsertRows();
  }
  if (paged && page->has_more) {
    FetchPage(generation, static_cast<int64_t>(items_.size()), kLaterPage);
  } else {
    loading_ = false;
    emit loadingChanged(false);
  }
  emit resultsReady();
}

void PhotoGridModel::RequestThumb(qint64 id) const {
  if (requested_.contains(id) || unreadable_.contains(id)) return;
  requested_.insert(id);
  std::lock_guard<std::mutex> lock(queue_mu_);
  queue_.push_front(id);  // what was painted last is what is on screen now
  while (queue_.size() > kMaxQueuedThumbs) {
    requested_.remove(queue_.back());
    queue_.pop_back();
  }
  auto* self = const_cast<PhotoGridModel*>(this);
  if (self->active_loaders_.load() >= kThumbLoaders) return;
  ++self->active_loaders_;
  self->loaders_.start([self] {
    for (;;) {
      qint64 next;
      {
        std::lock_guard<std::mutex> lock(self->queue_mu_);
        if (self->queue_.empty()) {
          --self->active_loaders_;
          return;
        }
        next = self->queue_.front();
        self->queue_.pop_front();
      }
      QImage tile;
      auto reply = self->service_->Thumbnail(next);
      if (reply.ok()) {
        QByteArray bytes;
        if (reply->file) {
          auto all = reply->file->ReadAll(16 << 20);
          if (all.ok())
            bytes = QByteArray(reinterpret_cast<const char*>(all->data()),
                               static_cast<qsizetype>(all->size()));
        } else {
          bytes = QByteArray::fromStdString(reply->bytes);
        }
        QImage img;
        if (img.loadFromData(bytes)) tile = SquareTile(img, kThumbSide);
      }
      QMetaObject::invokeMethod(
          self, [self, next, tile] { self->ThumbLoaded(next, tile); }, Qt::QueuedConnection);
    }
  });
}

void PhotoGridModel::ThumbLoaded(qint64 id, const QImage& image) {
  requested_.remove(id);
  if (image.isNull()) {  // unreadable: the placeholder stays, and it is not asked for again
    unreadable_.insert(id);
    return;
  }
  thumbs_.insert(id, new QImage(image),
                 std::max<int>(1, static_cast<int>(image.sizeInBytes() / 1024)));
  const int row = row_of_.value(id, -1);
  if (row >= 0) {
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {Qt::DecorationRole, kThumbReadyRole});
  }
}

}  // namespace shoebox::app
