#include "app/first_run_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "app/counts.h"
#include "engine/hub/model_store.h"
#include "pipeline/library_discovery.h"

namespace shoebox::app {
namespace {

QString KindName(const std::string& kind) {
  if (kind == "apple-photos") return QObject::tr("Apple Photos library");
  if (kind == "lightroom") return QObject::tr("Lightroom catalog");
  if (kind == "capture-one") return QObject::tr("Capture One catalog");
  if (kind == "takeout") return QObject::tr("Google Takeout");
  return QObject::tr("Folder");
}

constexpr int kPathRole = Qt::UserRole + 1;

// The reason's first clause, short enough for a line of the dialog.
QString FirstClause(QString why) {
  for (const QString& end : {QString(": "), QString("; "), QString(". "), QString(" (")}) {
    const int at = why.indexOf(end);
    if (at > 20) why.truncate(at);
  }
  if (why.size() > 90) why = why.left(88) + "…";
  return why;
}

}  // namespace

FirstRunDialog::FirstRunDialog(const std::filesystem::path& home, QWidget* parent,
                               const std::string& model)
    : QDialog(parent) {
  setObjectName("firstRun");
  setWindowTitle(tr("Welcome to shoebox"));
  pool_.setMaxThreadCount(1);
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      tr("Choose the photos shoebox should keep searchable. They are read, never changed; "
         "the catalog and thumbnails stay on this computer."));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  list_ = new QListWidget;
  list_->setObjectName("roots");
  layout->addWidget(list_);
  none_found_ = new QLabel(
      tr("No Pictures folder and no photo library (Apple Photos, Lightroom, Capture One, a "
         "Google Takeout in Downloads) were found in their usual places. Add the folders "
         "where your photos are:"));
  none_found_->setObjectName("noneFound");
  none_found_->setWordWrap(true);
  layout->addWidget(none_found_);
  auto* add = new QPushButton(tr("Add folder…"));
  add->setObjectName("addFolder");
  layout->addWidget(add, 0, Qt::AlignLeft);
  connect(add, &QPushButton::clicked, this, [this, home] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a folder of photos"),
                                                          QString::fromStdString(home.string()));
    if (!dir.isEmpty()) AddFolder(dir);
  });
  model_ = new QLabel;
  model_->setObjectName("modelNote");
  model_->setWordWrap(true);
  layout->addWidget(model_);
  auto* model_row = new QHBoxLayout;
  download_ = new QPushButton(tr("Download the model"));
  download_->setObjectName("downloadModel");
  cancel_button_ = new QPushButton(tr("Cancel download"));
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  model_row->addWidget(download_);
  model_row->addWidget(progress_, 1);
  model_row->addWidget(cancel_button_);
  layout->addLayout(model_row);
  progress_->setVisible(false);
  cancel_button_->setVisible(false);
  connect(download_, &QPushButton::clicked, this, &FirstRunDialog::StartModelDownload);
  connect(cancel_button_, &QPushButton::clicked, this, &FirstRunDialog::CancelModelDownload);
  const std::string name = model.empty() ? std::string(kDefaultModel) : model;
  repo_ = ResolveRepo(name);
  model_ready_ = IsDownloaded(repo_);
  download_->setVisible(!model_ready_);
  const QString without =
      tr("Without it, text search (words in photos, names, albums, keywords) and browsing "
         "work; add it later here or with: shoebox models pull %1")
          .arg(QString::fromStdString(name));
  if (model_ready_) {
    model_->setText(
        tr("Search by meaning: the model %1 is ready.").arg(QString::fromStdString(name)));
  } else {
    model_->setText(
        tr("Search by meaning needs the model %1 (downloaded once; finding its size…). ")
            .arg(QString::fromStdString(name)) +
        without);
    download_pool_.setMaxThreadCount(1);
    download_pool_.start([this, name, without] {
      PullOptions o;
      o.show_progress = false;
      auto size = ModelDownloadSize(repo_, o);
      const QString text =
          size.ok() ? tr("Search by meaning needs the model %1 (%2 MB, downloaded once). ")
                              .arg(QString::fromStdString(name))
                              .arg(static_cast<double>(*size) / 1e6, 0, 'f', 0) +
                          without
                    : tr("Search by meaning needs the model %1, which cannot be downloaded now "
                         "(%2). ")
                              .arg(QString::fromStdString(name),
                                   FirstClause(QString::fromStdString(size.status().message()))) +
                          without;
      // The whole reason (which may name the folder to copy the files into) is the tooltip.
      const QString detail =
          size.ok() ? QString() : QString::fromStdString(size.status().message());
      QMetaObject::invokeMethod(
          this,
          [this, text, detail] {
            if (downloading_) return;
            model_->setText(text);
            model_->setToolTip(detail);
          },
          Qt::QueuedConnection);
    });
  }
  auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  box->button(QDialogButtonBox::Ok)->setText(tr("Start"));
  connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(box);
  resize(620, 460);

  std::error_code ec;
  if (std::filesystem::is_directory(home / "Pictures", ec))
    AddFolder(QString::fromStdString((home / "Pictures").string()));
  const std::vector<FoundLibrary> found = FindLibraries(home);
  if (list_->count() == 0 && found.empty()) {  // the hint says why; no empty box
    list_->setVisible(false);
    resize(620, sizeHint().height());
  }
  for (const FoundLibrary& lib : found) {
    const QString name =
        QString::fromStdString(std::filesystem::path(lib.path).filename().string());
    const QString label = KindName(lib.kind) + " — " + name;
    AddRow(label + " — " + tr("counting…"), QString::fromStdString(lib.path), true);
    QListWidgetItem* row = list_->item(list_->count() - 1);
    ++counting_;
    pool_.start([this, lib, label, row] {
      auto n = CountLibraryPhotos(lib);
      const QString text =
          n.ok() ? label + " — " + Count(*n, tr("photo"), tr("photos"))
                 : label + " — " +
                       tr("cannot be read: %1").arg(QString::fromStdString(n.status().message()));
      QMetaObject::invokeMethod(
          this,
          [this, row, text] {
            row->setText(text);
            if (--counting_ == 0) emit countsReady();
          },
          Qt::QueuedConnection);
    });
  }
}

FirstRunDialog::~FirstRunDialog() {
  cancel_ = true;
  pool_.waitForDone();
  download_pool_.waitForDone();
}

void FirstRunDialog::StartModelDownload() {
  if (downloading_ || model_ready_) return;
  downloading_ = true;
  cancel_ = false;
  download_->setEnabled(false);
  progress_->setValue(0);
  progress_->setVisible(true);
  cancel_button_->setVisible(true);
  model_->setText(tr("Downloading %1…").arg(QString::fromStdString(repo_)));
  download_pool_.start([this] {
    PullOptions o;
    o.show_progress = false;
    o.on_progress = [this](uint64_t done, uint64_t total) {
      const int permille = total ? static_cast<int>(done * 1000 / total) : 0;
      QMetaObject::invokeMethod(
          progress_, [this, permille] { progress_->setValue(permille); }, Qt::QueuedConnection);
      return !cancel_.load();
    };
    auto pulled = PullModel(repo_, o);
    const bool cancelled = !pulled.ok() && pulled.status().code() == StatusCode::kCancelled;
    const QString error =
        pulled.ok() ? QString() : QString::fromStdString(pulled.status().message());
    QMetaObject::invokeMethod(
        this, [this, error, cancelled] { DownloadFinished(error, cancelled); },
        Qt::QueuedConnection);
  });
}

void FirstRunDialog::DownloadFinished(const QString& error, bool cancelled) {
  downloading_ = false;
  cancel_button_->setVisible(false);
  model_ready_ = error.isEmpty();
  progress_->setVisible(!model_ready_ && !cancelled);
  download_->setEnabled(!model_ready_);
  download_->setVisible(!model_ready_);
  if (model_ready_)
    model_->setText(tr("Search by meaning: the model is downloaded and ready."));
  else if (cancelled)
    model_->setText(
        tr("Download cancelled. Download again to resume where it stopped; "
           "text search and browsing work meanwhile."));
  else
    model_->setText(tr("The model could not be downloaded: %1. Text search and browsing work; "
                       "try again later here or with `shoebox models pull`.")
                        .arg(error));
  emit modelDone();
}

void FirstRunDialog::AddRow(const QString& text, const QString& path, bool checked) {
  auto* item = new QListWidgetItem(text, list_);
  item->setData(kPathRole, path);
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
  item->setToolTip(path);
  none_found_->setVisible(false);
  if (list_->isHidden()) {
    list_->setVisible(true);
    resize(width(), std::max(height(), 460));
  }
}

void FirstRunDialog::AddFolder(const QString& path) {
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->data(kPathRole).toString() == path) return;
  AddRow(tr("Folder") + " — " + path, path, true);
}

bool FirstRunDialog::noneFound() const { return !none_found_->isHidden(); }

QStringList FirstRunDialog::chosenRoots() const {
  QStringList out;
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->checkState() == Qt::Checked)
      out << list_->item(i)->data(kPathRole).toString();
  return out;
}

QStringList FirstRunDialog::rows() const {
  QStringList out;
  for (int i = 0; i < list_->count(); ++i) out << list_->item(i)->text();
  return out;
}

}  // namespace shoebox::app
