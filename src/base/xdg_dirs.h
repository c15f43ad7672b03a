// Where shoebox keeps its own state. Never inside the user's photo folders.
#pragma once

#include <filesystem>

namespace shoebox {

// $XDG_DATA_HOME/shoebox, else ~/.local/share/shoebox.
std::filesystem::path DataDir();
// $XDG_CACHE_HOME/shoebox, else ~/.cache/shoebox.
std::filesystem::path CacheDir();
// $SHOEBOX_DB if set, else DataDir()/catalog.db.
std::filesystem::path DefaultCatalogPath();

}  // namespace shoebox
