#include "app/detail_pane.h"

#include <QBuffer>
#include <QHBoxLayout>
#include <QImageReader>
#include <QMessageBox>
#include <QResizeEvent>
#include <QScrollArea>
#include <QVBoxLayout>

#include "app/file_actions.h"

namespace shoebox::app {
namespace {

using nlohmann::json;

// A field of the asset, or of the library facts beside it.
const json* Field(const json& j, const char* key) {
  if (j.contains(key) && !j[key].is_null()) return &j[key];
  if (j.contains("library") && j["library"].is_object() && j["library"].contains(key) &&
      !j["library"][key].is_null())
    return &j["library"][key];
  return nullptr;
}

QString Str(const json& v) {
  return v.is_string() ? QString::fromStdString(v.get<std::string>())
                       : QString::fromStdString(v.dump());
}

QString Camera(const json& c) {
  const QString make = c.contains("make") && c["make"].is_string() ? Str(c["make"]) : QString();
  const QString model = c.contains("model") && c["model"].is_string() ? Str(c["model"]) : QString();
  // "Canon" + "Canon EOS 350D" is one name, not two.
  if (!make.isEmpty() && model.startsWith(make.split(' ').front(), Qt::CaseInsensitive))
    return model;
  return (make + " " + model).trimmed();
}

QString Bytes(double n) {
  if (n >= 1 << 20) return QString::number(n / (1 << 20), 'f', 1) + " MB";
  return QString::number(n / 1024, 'f', 0) + " KB";
}

QString List(const json& v) {
  QStringList out;
  for (const auto& e : v) out << Str(e);
  return out.join(", ");
}

}  // namespace

DetailPane::DetailPane(web::LibraryService* service, QWidget* parent)
    : QWidget(parent), service_(service) {
  setObjectName("detailPane");
  pool_.setMaxThreadCount(1);
  auto* layout = new QVBoxLayout(this);
  preview_ = new QLabel;
  preview_->setObjectName("preview");
  preview_->setAlignment(Qt::AlignCenter);
  preview_->setMinimumSize(240, 200);
  preview_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
  title_ = new QLabel;
  title_->setObjectName("detailTitle");
  title_->setWordWrap(true);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont f = title_->font();
  f.setPointSizeF(f.pointSizeF() * 1.25);
  f.setBold(true);
  title_->setFont(f);
  facts_ = new QLabel;
  facts_->setObjectName("facts");
  facts_->setWordWrap(true);
  facts_->setTextFormat(Qt::RichText);
  facts_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  facts_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  words_label_ = new QLabel(tr("Text in photo"));
  words_ = new QPlainTextEdit;
  words_->setObjectName("words");
  words_->setReadOnly(true);
  words_->setMaximumHeight(90);
  auto* buttons = new QHBoxLayout;
  similar_ = new QPushButton(tr("More like this"));
  similar_->setObjectName("moreLikeThis");
  open_ = new QPushButton(tr("Open"));
  reveal_ = new QPushButton(tr("Show in folder"));
  copy_ = new QPushButton(tr("Copy"));
  for (QPushButton* b : {similar_, open_, reveal_, copy_}) buttons->addWidget(b);
  layout->addWidget(preview_, 3);
  layout->addWidget(title_);
  layout->addLayout(buttons);
  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(facts_);
  layout->addWidget(scroll, 2);
  layout->addWidget(words_label_);
  layout->addWidget(words_);
  connect(similar_, &QPushButton::clicked, this, [this] {
    if (id_) emit moreLikeThis(id_);
  });
  connect(open_, &QPushButton::clicked, this, [this] {
    if (!path_.isEmpty() && !OpenInDefaultApp(path_))
      QMessageBox::information(this, tr("Open"), tr("No application opens %1").arg(path_));
  });
  connect(reveal_, &QPushButton::clicked, this, [this] {
    if (!path_.isEmpty()) RevealInFileManager(path_);
  });
  connect(copy_, &QPushButton::clicked, this, [this] {
    if (!path_.isEmpty()) CopyToClipboard({path_});
  });
  Show(0);
}

DetailPane::~DetailPane() {
  pool_.clear();
  pool_.waitForDone();
}

void DetailPane::Show(qint64 id) {
  id_ = id;
  path_.clear();
  image_ = QImage();
  preview_->setPixmap({});
  const bool any = id != 0;
  for (QPushButton* b : {similar_, open_, reveal_, copy_}) b->setEnabled(any);
  words_->setVisible(false);
  words_label_->setVisible(false);
  if (!any) {
    title_->setText(tr("No photo selected"));
    facts_->setText(tr("Select a photo to see its details. Space shows it large; Enter opens it."));
    preview_->setText({});
    return;
  }
  title_->setText(tr("Loading…"));
  facts_->clear();
  preview_->setText(tr("Loading preview…"));
  web::LibraryService* s = service_;
  pool_.clear();
  pool_.start([this, s, id] {
    auto asset = s->Asset(id);
    QMetaObject::invokeMethod(
        this, [this, id, asset] { ShowFacts(id, asset); }, Qt::QueuedConnection);
    QImage img;
    QString problem;
    auto original = s->Original(id);
    if (original.ok()) {
      QByteArray bytes;
      if (original->file) {
        auto all = original->file->ReadAll(256ull << 20);
        if (all.ok())
          bytes = QByteArray(reinterpret_cast<const char*>(all->data()),
                             static_cast<qsizetype>(all->size()));
      } else {
        bytes = QByteArray::fromStdString(original->bytes);
      }
      // JPEGs are served as stored: their EXIF orientation is applied here, as the
      // thumbnails have it.
      QBuffer buffer(&bytes);
      QImageReader reader(&buffer);
      reader.setAutoTransform(true);
      if (!reader.read(&img)) problem = tr("The preview could not be decoded.");
      if (!img.isNull() && std::max(img.width(), img.height()) > 2048)
        img = img.scaled(2048, 2048, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    } else {
      problem = QString::fromStdString(original.status().message());
    }
    QMetaObject::invokeMethod(
        this, [this, id, img, problem] { ShowPreview(id, img, problem); }, Qt::QueuedConnection);
  });
}

void DetailPane::ShowFacts(qint64 id, const Result<json>& asset) {
  if (id != id_) return;
  if (!asset.ok()) {
    title_->setText(tr("This photo cannot be shown"));
    facts_->setText(QString::fromStdString(asset.status().message()).toHtmlEscaped());
    emit loaded();
    return;
  }
  const json& j = *asset;
  path_ = j.contains("path") ? Str(j["path"]) : QString();
  const json* title = Field(j, "title");
  title_->setText(title ? Str(*title) : j.contains("name") ? Str(j["name"]) : path_);
  QStringList rows;
  auto row = [&](const QString& label, const QString& value) {
    if (!value.isEmpty())
      rows << QString("<tr><td style='padding-right:10px'><b>%1</b></td><td>%2</td></tr>")
                  .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
  };
  if (const json* t = Field(j, "taken_at")) row(tr("Taken"), Str(*t).replace('T', ' '));
  if (const json* c = Field(j, "camera")) row(tr("Camera"), Camera(*c));
  if (const json* l = Field(j, "lens")) row(tr("Lens"), Str(*l));
  if (j.contains("width") && j["width"].is_number())
    row(tr("Size"),
        QString("%1 × %2").arg(j["width"].get<int64_t>()).arg(j["height"].get<int64_t>()) +
            (j.contains("size") ? "  ·  " + Bytes(j["size"].get<double>()) : ""));
  if (const json* f = Field(j, "format")) row(tr("Format"), Str(*f).toUpper());
  if (const json* g = Field(j, "gps"))
    row(tr("Place"), QString("%1, %2")
                         .arg((*g)["lat"].get<double>(), 0, 'f', 5)
                         .arg((*g)["lon"].get<double>(), 0, 'f', 5));
  if (const json* r = Field(j, "rating"); r && r->is_number() && r->get<int>() > 0)
    row(tr("Rating"), QString(r->get<int>(), QChar(0x2605)));
  if (const json* fav = Field(j, "favorite"); fav && fav->is_boolean() && fav->get<bool>())
    row(tr("Favourite"), tr("yes"));
  if (const json* a = Field(j, "albums"); a && a->is_array() && !a->empty())
    row(tr("Albums"), List(*a));
  if (const json* k = Field(j, "keywords"); k && k->is_array() && !k->empty())
    row(tr("Keywords"), List(*k));
  if (const json* d = Field(j, "description")) row(tr("Description"), Str(*d));
  if (const json* s = Field(j, "source"); s && s->is_object() && s->value("kind", "") != "folder")
    row(tr("Library"), Str((*s)["kind"]) + ": " + Str((*s)["root"]));
  row(tr("File"), path_);
  if (j.contains("files") && j["files"].is_array() && j["files"].size() > 1) {
    QStringList others;
    for (const auto& f : j["files"])
      if (Str(f["path"]) != path_) others << Str(f["path"]) + " (" + Str(f["status"]) + ")";
    row(tr("Also at"), others.join("\n"));
  }
  if (const json* e = Field(j, "error")) row(tr("Problem"), Str(*e));
  facts_->setText("<table>" + rows.join("") + "</table>");
  if (j.contains("text") && j["text"].is_object() && j["text"].contains("ocr") &&
      j["text"]["ocr"].is_string() && !j["text"]["ocr"].get<std::string>().empty()) {
    words_->setPlainText(Str(j["text"]["ocr"]));
    words_->setVisible(true);
    words_label_->setVisible(true);
  }
  emit loaded();
}

void DetailPane::ShowPreview(qint64 id, const QImage& image, const QString& problem) {
  if (id != id_) return;
  image_ = image;
  if (image.isNull()) {
    preview_->setPixmap({});
    preview_->setText(problem);
    return;
  }
  preview_->setText({});
  FitPreview();
}

void DetailPane::FitPreview() {
  if (image_.isNull()) return;
  const qreal dpr = devicePixelRatioF();
  QPixmap px = QPixmap::fromImage(
      image_.scaled(preview_->size() * dpr, Qt::KeepAspectRatio, Qt::SmoothTransformation));
  px.setDevicePixelRatio(dpr);
  preview_->setPixmap(px);
}

void DetailPane::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  FitPreview();
}

}  // namespace shoebox::app
