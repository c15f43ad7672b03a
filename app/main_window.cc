#include "app/main_window.h"

#include <QApplication>
#include <QBuffer>
#include <QDialog>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "app/counts.h"
#include "app/dupes_view.h"
#include "app/file_actions.h"
#include "app/photo_delegate.h"

namespace shoebox::app {
namespace {

constexpr qint64 kMaxDroppedBytes = 50ll << 20;  // the query service's upload limit

QString WatchLine(const watch::WatchStatus& s, bool has_roots) {
  if (!has_roots)
    return QObject::tr("No folders yet: “Add folder…” chooses what to keep searchable");
  QString line;
  switch (s.state) {
    case watch::WatchState::kCatchingUp:
      line = QObject::tr("Catching up with changes…");
      break;
    case watch::WatchState::kIndexing:
      line = s.indexing.size() == 1
                 ? QObject::tr("Indexing %1…")
                       .arg(QFileInfo(QString::fromStdString(s.indexing.front())).fileName())
                 : QObject::tr("Indexing new photos…");
      break;
    case watch::WatchState::kWaitingForLock:
      line = QObject::tr("Waiting: another shoebox is indexing this catalog");
      break;
    case watch::WatchState::kPaused:
      line = QObject::tr("Indexing paused");
      break;
    case watch::WatchState::kStopped:
      line = QObject::tr("Not watching");
      break;
    case watch::WatchState::kWatching:
      line = QObject::tr("Up to date · watching %1")
                 .arg(Count(static_cast<qint64>(s.roots.size()), QObject::tr("folder or library"),
                            QObject::tr("folders and libraries")));
      break;
  }
  if (s.progress.total > 0 &&
      (s.state == watch::WatchState::kIndexing || s.state == watch::WatchState::kCatchingUp)) {
    line += QObject::tr(" %1 of %2").arg(s.progress.done).arg(s.progress.total);
    if (s.progress.eta_seconds > 0)
      line +=
          QObject::tr(", about %1 left")
              .arg(s.progress.eta_seconds < 90
                       ? QObject::tr("%n s", "", static_cast<int>(s.progress.eta_seconds))
                       : QObject::tr("%n min", "", static_cast<int>(s.progress.eta_seconds / 60)));
  }
  for (const auto& r : s.roots)
    if (!r.present) line += " · " + QString::fromStdString(r.path) + ": " + QObject::tr("gone");
  if (!s.problem.ok()) line += " · " + QString::fromStdString(s.problem.message());
  return line;
}

}  // namespace

MainWindow::MainWindow(LibrarySession* session, QWidget* parent)
    : QMainWindow(parent), session_(session) {
  setObjectName("mainWindow");
  setWindowTitle("shoebox");
  setAcceptDrops(true);
  model_ = new PhotoGridModel(session->service(), this);

  auto* bar = new QToolBar(tr("Search"));
  bar->setObjectName("searchBar");
  bar->setMovable(false);
  search_ = new QLineEdit;
  search_->setObjectName("search");
  search_->setPlaceholderText(
      tr("Search your photos: words in them, what they show, or drop an image"));
  search_->setClearButtonEnabled(true);
  search_->setMinimumWidth(280);
  mode_ = new QComboBox;
  mode_->setObjectName("mode");
  mode_->addItem(tr("Words and meaning"), static_cast<int>(search::SearchMode::kHybrid));
  mode_->addItem(tr("Words only"), static_cast<int>(search::SearchMode::kText));
  mode_->addItem(tr("Meaning only"), static_cast<int>(search::SearchMode::kSemantic));
  order_ = new QComboBox;
  order_->setObjectName("order");
  order_->addItem(tr("Newest first"), "newest");
  order_->addItem(tr("Oldest first"), "oldest");
  order_->addItem(tr("By folder"), "path");
  auto* filters = new QPushButton(tr("Filters"));
  filters->setObjectName("filtersToggle");
  filters->setCheckable(true);
  auto* dupes = new QPushButton(tr("Duplicates"));
  dupes->setObjectName("duplicates");
  pause_ = new QPushButton(tr("Pause indexing"));
  pause_->setObjectName("pause");
  pause_->setCheckable(true);
  auto* add = new QPushButton(tr("Add folder…"));
  bar->addWidget(search_);
  bar->addWidget(mode_);
  bar->addSeparator();
  bar->addWidget(order_);
  bar->addWidget(filters);
  bar->addWidget(dupes);
  bar->addSeparator();
  bar->addWidget(add);
  bar->addWidget(pause_);
  addToolBar(bar);

  auto* central = new QWidget;
  auto* v = new QVBoxLayout(central);
  v->setContentsMargins(6, 0, 6, 0);
  filters_ = MakeFilterBar();
  filters_->setVisible(false);
  v->addWidget(filters_);
  heading_ = new QLabel;
  heading_->setObjectName("heading");
  v->addWidget(heading_);
  auto* split = new QSplitter;
  grid_ = new QListView;
  grid_->setObjectName("grid");
  grid_->setViewMode(QListView::IconMode);
  grid_->setResizeMode(QListView::Adjust);
  grid_->setMovement(QListView::Static);
  grid_->setUniformItemSizes(true);  // what keeps layout O(1) per row at 200,000 photos
  grid_->setLayoutMode(QListView::Batched);
  grid_->setBatchSize(2000);
  grid_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  grid_->setDragEnabled(true);
  grid_->setDragDropMode(QAbstractItemView::DragOnly);
  grid_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  grid_->setItemDelegate(new PhotoDelegate(grid_));
  grid_->setModel(model_);
  grid_->setContextMenuPolicy(Qt::CustomContextMenu);
  grid_->setAccessibleName(tr("Photos"));
  detail_ = new DetailPane(session->service());
  split->addWidget(grid_);
  split->addWidget(detail_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  v->addWidget(split, 1);
  setCentralWidget(central);
  watch_ = new QLabel;
  watch_->setObjectName("watchStatus");
  statusBar()->addPermanentWidget(watch_);

  search_delay_.setSingleShot(true);
  search_delay_.setInterval(250);
  connect(&search_delay_, &QTimer::timeout, this, [this] { RunSearch(search_->text()); });
  connect(search_, &QLineEdit::textEdited, this, [this] { search_delay_.start(); });
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    search_delay_.stop();
    RunSearch(search_->text());
  });
  connect(mode_, &QComboBox::currentIndexChanged, this, [this] { RunSearch(search_->text()); });
  connect(order_, &QComboBox::currentIndexChanged, this, [this] {
    if (search_->text().trimmed().isEmpty()) ShowBrowse();
  });
  connect(filters, &QPushButton::toggled, filters_, &QWidget::setVisible);
  connect(dupes, &QPushButton::clicked, this, &MainWindow::OpenDuplicates);
  connect(add, &QPushButton::clicked, this, &MainWindow::AddFolder);
  connect(pause_, &QPushButton::toggled, this, [this](bool on) {
    on ? session_->Pause() : session_->Resume();
    pause_->setText(on ? tr("Resume indexing") : tr("Pause indexing"));
    UpdateWatchStatus();
  });
  connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            const GridItem* it = model_->item(current.row());
            detail_->Show(it ? it->id : 0);
          });
  connect(grid_, &QListView::activated, this, [this](const QModelIndex& i) {
    if (const GridItem* it = model_->item(i.row())) OpenInDefaultApp(it->path);
  });
  connect(grid_, &QWidget::customContextMenuRequested, this, &MainWindow::ShowContextMenu);
  connect(detail_, &DetailPane::moreLikeThis, this, &MainWindow::ShowSimilar);
  connect(model_, &PhotoGridModel::resultsReady, this, &MainWindow::UpdateHeading);
  connect(model_, &PhotoGridModel::failed, this, &MainWindow::UpdateHeading);
  connect(model_, &PhotoGridModel::modelReset, this, [this] {
    if (model_->rowCount() > 0 && !grid_->currentIndex().isValid())
      grid_->setCurrentIndex(model_->index(0));
  });
  // Where the grid is, as the user scrolls a long browse: the month, or the folder, of the
  // first photo on screen.
  connect(grid_->verticalScrollBar(), &QScrollBar::valueChanged, this, &MainWindow::UpdateHeading);
  connect(session_, &LibrarySession::watchChanged, this, &MainWindow::UpdateWatchStatus);
  connect(session_, &LibrarySession::libraryChanged, model_, &PhotoGridModel::Refresh);

  for (const QKeySequence& keys : {QKeySequence("/"), QKeySequence(QKeySequence::Find)}) {
    auto* s = new QShortcut(keys, this);
    connect(s, &QShortcut::activated, this, [this] {
      search_->setFocus();
      search_->selectAll();
    });
  }
  auto* space =
      new QShortcut(QKeySequence(Qt::Key_Space), grid_, nullptr, nullptr, Qt::WidgetShortcut);
  connect(space, &QShortcut::activated, this, &MainWindow::QuickLook);

  // Never larger than the screen (a laptop, a small window manager area).
  const QSize screen = QGuiApplication::primaryScreen()
                           ? QGuiApplication::primaryScreen()->availableGeometry().size()
                           : QSize(1280, 820);
  resize(QSize(1280, 820).boundedTo(screen));
  UpdateWatchStatus();
  ShowBrowse();
}

QWidget* MainWindow::MakeFilterBar() {
  auto* w = new QWidget;
  w->setObjectName("filters");
  auto* h = new QHBoxLayout(w);
  h->setContentsMargins(0, 4, 0, 4);
  use_from_ = new QCheckBox(tr("From"));
  from_ = new QDateEdit(QDate::currentDate().addYears(-1));
  use_from_->setObjectName("useFrom");
  use_to_ = new QCheckBox(tr("To"));
  use_to_->setObjectName("useTo");
  to_ = new QDateEdit(QDate::currentDate());
  from_->setObjectName("from");
  to_->setObjectName("to");
  for (QDateEdit* d : {from_, to_}) {
    d->setCalendarPopup(true);
    d->setDisplayFormat("yyyy-MM-dd");
  }
  folder_ = new QLineEdit;
  folder_->setObjectName("folderFilter");
  folder_->setPlaceholderText(tr("Folder"));
  camera_ = new QLineEdit;
  camera_->setPlaceholderText(tr("Camera"));
  album_ = new QLineEdit;
  album_->setPlaceholderText(tr("Album"));
  keyword_ = new QLineEdit;
  keyword_->setPlaceholderText(tr("Keyword"));
  format_ = new QComboBox;
  format_->addItem(tr("Any format"), QString());
  // The catalog's format names (imaging/image_format.h: HEIF files are "heic").
  for (const char* f :
       {"jpeg", "heic", "png", "webp", "tiff", "raw", "gif", "avif", "mp4", "mov", "mkv", "webm"})
    format_->addItem(QString(f).toUpper(), QString(f));
  source_ = new QComboBox;
  source_->addItem(tr("All sources"), QString());
  for (const QString& r : session_->roots()) source_->addItem(QFileInfo(r).fileName(), r);
  rating_ = new QSpinBox;
  rating_->setRange(0, 5);
  rating_->setPrefix(tr("Rating ≥ "));
  favorite_ = new QCheckBox(tr("Favourites"));
  for (QWidget* x :
       std::initializer_list<QWidget*>{use_from_, from_, use_to_, to_, folder_, source_, album_,
                                       keyword_, camera_, format_, rating_, favorite_})
    h->addWidget(x);
  auto rerun = [this] { RunSearch(search_->text()); };
  for (QCheckBox* c : {use_from_, use_to_, favorite_}) connect(c, &QCheckBox::toggled, this, rerun);
  for (QDateEdit* d : {from_, to_}) connect(d, &QDateEdit::dateChanged, this, rerun);
  for (QLineEdit* e : {folder_, camera_, album_, keyword_})
    connect(e, &QLineEdit::editingFinished, this, rerun);
  for (QComboBox* c : {format_, source_}) connect(c, &QComboBox::currentIndexChanged, this, rerun);
  connect(rating_, &QSpinBox::valueChanged, this, rerun);
  return w;
}

PhotoFilter MainWindow::CurrentFilter() const {
  PhotoFilter f;
  if (use_from_->isChecked()) f.after = from_->date().toString(Qt::ISODate).toStdString();
  // "To" includes its own day: the catalog's bound is exclusive.
  if (use_to_->isChecked()) f.before = to_->date().addDays(1).toString(Qt::ISODate).toStdString();
  auto text = [](QLineEdit* e) -> std::optional<std::string> {
    const QString t = e->text().trimmed();
    if (t.isEmpty()) return std::nullopt;
    return t.toStdString();
  };
  f.folder = text(folder_);
  f.camera = text(camera_);
  f.album = text(album_);
  f.keyword = text(keyword_);
  if (!format_->currentData().toString().isEmpty())
    f.format = format_->currentData().toString().toStdString();
  if (!source_->currentData().toString().isEmpty())
    f.source = source_->currentData().toString().toStdString();
  if (rating_->value() > 0) f.min_rating = rating_->value();
  f.favorite = favorite_->isChecked();
  return f;
}

void MainWindow::RunSearch(const QString& query) {
  similar_to_ = 0;
  if (query.trimmed().isEmpty()) {
    ShowBrowse();
    return;
  }
  view_ = tr("Results for “%1”").arg(query.trimmed());
  model_->Search(query, static_cast<search::SearchMode>(mode_->currentData().toInt()),
                 CurrentFilter());
}

void MainWindow::ShowBrowse() {
  similar_to_ = 0;
  view_ = order_->currentText();
  model_->Browse(order_->currentData().toString().toStdString(), CurrentFilter());
}

void MainWindow::ShowSimilar(qint64 id) {
  similar_to_ = id;
  view_ = tr("More like this photo");
  model_->Similar(id, CurrentFilter());
}

void MainWindow::SearchByImage(const QByteArray& bytes, const QString& name) {
  similar_to_ = 0;
  view_ = tr("Photos like %1").arg(name);
  model_->SearchImage(bytes, name, CurrentFilter());
}

void MainWindow::UpdateHeading() {
  QString text = view_;
  const int n = model_->rowCount();
  text += " · " + Count(n, tr("photo"), tr("photos"));
  if (model_->loading()) text += " " + tr("(loading…)");
  if (!model_->note().isEmpty()) text += " · " + model_->note();
  const GridItem* top = model_->item(grid_->indexAt(QPoint(8, 8)).row());
  if (top && grid_->verticalScrollBar()->value() > 0) {
    if (order_->currentData().toString() == "path" && search_->text().trimmed().isEmpty())
      text += " · " + QFileInfo(top->path).absolutePath();
    else if (!top->taken.isEmpty())
      text += " · " +
              QLocale().toString(QDate::fromString(top->taken.left(10), Qt::ISODate), "MMMM yyyy");
  }
  heading_->setText(text);
  if (n > 0 && !grid_->currentIndex().isValid()) grid_->setCurrentIndex(model_->index(0));
}

void MainWindow::UpdateWatchStatus() {
  const watch::WatchStatus s = session_->WatchState();
  QString line = WatchLine(s, !session_->roots().isEmpty());
  watch_->setText(line);
  watch_->setToolTip(session_->limits());
}

void MainWindow::OpenDuplicates() {
  auto* view = new DupesView(session_->service(), this);
  view->setAttribute(Qt::WA_DeleteOnClose);
  connect(view, &DupesView::showPhoto, detail_, &DetailPane::Show);
  view->show();
}

// The selected photo as large as the screen allows; Esc or Space closes it.
void MainWindow::QuickLook() {
  const GridItem* it = model_->item(grid_->currentIndex().row());
  if (!it) return;
  auto* dlg = new QDialog(this);
  dlg->setObjectName("quickLook");
  dlg->setAttribute(Qt::WA_DeleteOnClose);
  dlg->setWindowTitle(it->name());
  auto* layout = new QVBoxLayout(dlg);
  auto* pane = new DetailPane(session_->service());
  layout->addWidget(pane);
  auto* close = new QShortcut(QKeySequence(Qt::Key_Space), dlg);
  connect(close, &QShortcut::activated, dlg, &QDialog::close);
  const QRect screen =
      this->screen() ? this->screen()->availableGeometry() : QRect(0, 0, 1280, 800);
  dlg->resize(screen.width() * 8 / 10, screen.height() * 9 / 10);
  pane->Show(it->id);
  dlg->show();
}

void MainWindow::ShowContextMenu(const QPoint& pos) {
  const QModelIndex i = grid_->indexAt(pos);
  const GridItem* it = model_->item(i.row());
  if (!it) return;
  QMenu menu(this);
  const qint64 id = it->id;
  const QString path = it->path;
  menu.addAction(tr("More like this"), this, [this, id] { ShowSimilar(id); });
  menu.addAction(tr("Open"), this, [path] { OpenInDefaultApp(path); });
  menu.addAction(tr("Show in folder"), this, [path] { RevealInFileManager(path); });
  menu.addAction(tr("Copy"), this, [this] { CopyToClipboard(SelectedPaths()); });
  menu.exec(grid_->viewport()->mapToGlobal(pos));
}

QStringList MainWindow::SelectedPaths() const {
  QStringList out;
  for (const QModelIndex& i : grid_->selectionModel()->selectedIndexes())
    if (const GridItem* it = model_->item(i.row())) out << it->path;
  return out;
}

void MainWindow::AddFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a folder of photos"));
  if (dir.isEmpty()) return;
  QStringList roots = session_->roots();
  if (roots.contains(dir)) return;
  roots << dir;
  QSettings().setValue("roots", roots);
  session_->SetRoots(roots);
  source_->addItem(QFileInfo(dir).fileName(), dir);
}

void MainWindow::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape) {
    if (similar_to_ || !search_->text().isEmpty()) {
      search_->clear();
      ShowBrowse();
      grid_->setFocus();
      return;
    }
  }
  QMainWindow::keyPressEvent(event);
}

// A dropped image: a file from a file manager or the bytes a browser drags.
void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->source() == grid_) return;  // the grid's own photos dragged out and back
  const QMimeData* m = event->mimeData();
  if (m->hasImage() || (m->hasUrls() && !m->urls().isEmpty() && m->urls().front().isLocalFile()))
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QMimeData* m = event->mimeData();
  if (m->hasUrls() && !m->urls().isEmpty() && m->urls().front().isLocalFile()) {
    const QString path = m->urls().front().toLocalFile();
    QFile f(path);
    if (f.size() > kMaxDroppedBytes || !f.open(QIODevice::ReadOnly)) {
      QMessageBox::warning(this, tr("Search by image"),
                           tr("%1 cannot be read or is larger than 50 MB.").arg(path));
      return;
    }
    SearchByImage(f.readAll(), QFileInfo(path).fileName());
  } else if (m->hasImage()) {
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    qvariant_cast<QImage>(m->imageData()).save(&buf, "PNG");
    SearchByImage(png, tr("the dropped image"));
  }
  event->acceptProposedAction();
}

}  // namespace shoebox::app
