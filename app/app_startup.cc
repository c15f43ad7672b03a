#include "app/app_startup.h"

#include <QCommandLineParser>
#include <QSettings>

#include "base/xdg_dirs.h"
#include "watch/library_watcher.h"

namespace shoebox::app {

StartupOptions ParseStartup(const QStringList& arguments) {
  QCommandLineParser p;
  p.setApplicationDescription("shoebox: search your photos by what is in them");
  p.addHelpOption();
  p.addVersionOption();
  QCommandLineOption catalog("catalog",
                             "The catalog to open (default: $SHOEBOX_DB, else the "
                             "data folder's catalog.db)",
                             "path");
  QCommandLineOption no_watch("no-watch", "Do not index folders as they change");
  p.addOption(catalog);
  p.addOption(no_watch);
  p.process(arguments);
  StartupOptions o;
  o.watch = !p.isSet(no_watch);
  o.catalog = p.isSet(catalog) ? std::filesystem::path(p.value(catalog).toStdString())
                               : DefaultCatalogPath();
  return o;
}

QStringList RememberedRoots(const std::filesystem::path& catalog) {
  QStringList roots = QSettings().value("roots").toStringList();
  if (!roots.isEmpty()) return roots;
  auto indexed = watch::IndexedRoots(catalog);
  if (indexed.ok())
    for (const auto& r : *indexed) roots << QString::fromStdString(r);
  return roots;
}

void RememberRoots(const QStringList& roots) { QSettings().setValue("roots", roots); }

}  // namespace shoebox::app
