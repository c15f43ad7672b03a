#include "app/first_run_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QPushButton>
#include <QVBoxLayout>

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

}  // namespace

FirstRunDialog::FirstRunDialog(const std::filesystem::path& home, QWidget* parent)
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
  const std::string repo = ResolveRepo(kDefaultModel);
  model_->setText(
      IsDownloaded(repo)
          ? tr("Search by meaning: the model %1 is ready.").arg(kDefaultModel)
          : tr("Search by meaning needs the model %1 (about 800 MB, downloaded once). Without it, "
               "text search (words in photos, names, albums, keywords) and browsing work; add it "
               "later with: shoebox models pull %1")
                .arg(kDefaultModel));
  layout->addWidget(model_);
  auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  box->button(QDialogButtonBox::Ok)->setText(tr("Start"));
  connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(box);
  resize(620, 460);

  std::error_code ec;
  if (std::filesystem::is_directory(home / "Pictures", ec))
    AddFolder(QString::fromStdString((home / "Pictures").string()));
  for (const FoundLibrary& lib : FindLibraries(home)) {
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

FirstRunDialog::~FirstRunDialog() { pool_.waitForDone(); }

void FirstRunDialog::AddRow(const QString& text, const QString& path, bool checked) {
  auto* item = new QListWidgetItem(text, list_);
  item->setData(kPathRole, path);
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
  item->setToolTip(path);
}

void FirstRunDialog::AddFolder(const QString& path) {
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->data(kPathRole).toString() == path) return;
  AddRow(tr("Folder") + " — " + path, path, true);
}

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
