// The selected photo: a large preview, its facts (date, camera, size, place, rating, albums,
// keywords), the words read in it, its path and other copies, and what to do with it (more
// like this, open, show in folder, copy). Everything is loaded off the UI thread through the
// query service; a photo whose file changed or vanished says so instead of a preview.
#pragma once

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QThreadPool>
#include <QWidget>
#include <nlohmann/json.hpp>

#include "web/library_service.h"

namespace shoebox::app {

class DetailPane : public QWidget {
  Q_OBJECT

 public:
  explicit DetailPane(web::LibraryService* service, QWidget* parent = nullptr);
  ~DetailPane() override;

  void Show(qint64 id);  // 0: nothing selected
  qint64 shown() const { return id_; }
  QString path() const { return path_; }
  // What the pane shows as text (tests read it instead of pixels).
  QString facts() const { return facts_->text(); }
  QString words() const { return words_->toPlainText(); }
  bool previewShown() const { return !preview_->pixmap().isNull(); }
  QSize previewSize() const { return image_.size(); }  // upright, before fitting

 signals:
  void moreLikeThis(qint64 id);
  void loaded();  // the facts are in (tests)

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void ShowFacts(qint64 id, const Result<nlohmann::json>& asset);
  void ShowPreview(qint64 id, const QImage& image, const QString& problem);
  void FitPreview();

  web::LibraryService* service_;
  QThreadPool pool_;
  qint64 id_ = 0;
  QString path_;
  QImage image_;
  QLabel* preview_;
  QLabel* title_;
  QLabel* facts_;
  QPlainTextEdit* words_;
  QLabel* words_label_;
  QPushButton* similar_;
  QPushButton* open_;
  QPushButton* reveal_;
  QPushButton* copy_;
};

}  // namespace shoebox::app
