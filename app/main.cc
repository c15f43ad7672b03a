// shoebox-app: the desktop app. Opens the catalog, asks what to watch on a first run, and
// shows the main window; the engine runs in this process (app/library_session.h).
#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <clocale>
#include <cstdio>
#include <string>

#include "app/app_startup.h"
#include "app/first_run_dialog.h"
#include "app/library_session.h"
#include "app/main_window.h"
#include "app/system_theme.h"

#ifndef SHOEBOX_VERSION
#define SHOEBOX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // --version and --help need no display (a package check, a terminal over ssh).
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--version" || a == "-v") {
      std::printf("shoebox-app %s\n", SHOEBOX_VERSION);
      return 0;
    }
    if (a == "--help" || a == "-h") {
      QCoreApplication core(argc, argv);
      shoebox::app::ParseStartup(QCoreApplication::arguments());  // prints the help, exits
    }
  }
  QApplication app(argc, argv);
  // QApplication adopts the user's locale for the C library too; Tesseract (and every number
  // the engine parses from a config file) needs the C locale the CLI runs in. Qt's own text
  // handling does not depend on it.
  std::setlocale(LC_ALL, "C");
  QApplication::setOrganizationName("shoebox");
  QApplication::setApplicationName("shoebox-app");
  QApplication::setApplicationVersion(SHOEBOX_VERSION);
  QApplication::setDesktopFileName("shoebox-app");
  shoebox::app::FollowSystemTheme();
  const auto startup = shoebox::app::ParseStartup(QApplication::arguments());
  shoebox::app::SessionOptions so;
  so.catalog = startup.catalog;
  so.watch = startup.watch;
  auto session = shoebox::app::LibrarySession::Open(so);
  if (!session.ok()) {
    QMessageBox::critical(nullptr, "shoebox",
                          QObject::tr("The catalog %1 cannot be opened: %2")
                              .arg(QString::fromStdString(startup.catalog.string()),
                                   QString::fromStdString(session.status().message())));
    return 1;
  }
  QStringList roots = shoebox::app::RememberedRoots(startup.catalog);
  if (roots.isEmpty()) {
    shoebox::app::FirstRunDialog first(QDir::homePath().toStdString());
    if (first.exec() == QDialog::Accepted) {
      roots = first.chosenRoots();
      shoebox::app::RememberRoots(roots);
    }
  }
  (*session)->SetRoots(roots);
  shoebox::app::MainWindow window(session->get());
  window.show();
  return QApplication::exec();
}
