// How the app starts, apart from the window: the command line (--catalog, --no-watch), which
// catalog, and what to watch (the folders chosen before, else what the catalog has indexed,
// else the first-run dialog's choice).
#pragma once

#include <QStringList>
#include <filesystem>
#include <optional>

namespace shoebox::app {

struct StartupOptions {
  std::filesystem::path catalog;  // --catalog, else $SHOEBOX_DB, else the XDG data dir
  bool watch = true;              // --no-watch: browse and search only
};
StartupOptions ParseStartup(const QStringList& arguments);

// The roots remembered in the settings, else the catalog's indexed roots; empty on a first run.
QStringList RememberedRoots(const std::filesystem::path& catalog);
void RememberRoots(const QStringList& roots);

}  // namespace shoebox::app
