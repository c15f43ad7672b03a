#include "app/file_actions.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <QUrl>

namespace shoebox::app {

bool OpenInDefaultApp(const QString& path) {
  return QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

bool RevealInFileManager(const QString& path) {
  return QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
}

void CopyToClipboard(const QStringList& paths) {
  auto* mime = new QMimeData;
  QList<QUrl> urls;
  for (const QString& p : paths) urls.push_back(QUrl::fromLocalFile(p));
  mime->setUrls(urls);
  mime->setText(paths.join('\n'));
  if (paths.size() == 1) {
    QImage img(paths.front());
    if (!img.isNull()) mime->setImageData(img);
  }
  QApplication::clipboard()->setMimeData(mime);
}

}  // namespace shoebox::app
