#include "library/private_db_copy.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "base/file_io.h"
#include "base/xdg_dirs.h"

namespace shoebox {

namespace fs = std::filesystem;

namespace {
// Copies left by imports that were killed: their process is gone.
void RemoveLeftovers(const fs::path& parent) {
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("copy-", 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + 5, nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
}
}  // namespace

Result<std::unique_ptr<PrivateDbCopy>> PrivateDbCopy::Open(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound(path + ": no such database file");
  auto head = ReadFilePrefix(path, 16);
  if (!head.ok()) return head.status();
  if (head->size() < 16 || std::memcmp(head->data(), "SQLite format 3", 16) != 0)
    return Corrupt(path +
                   ": not a readable SQLite database (no SQLite header: damaged, encrypted or "
                   "another format)");
  std::unique_ptr<PrivateDbCopy> copy(new PrivateDbCopy());
  copy->original_ = path;
  // In shoebox's cache (on disk; /tmp may be memory, and Photos.sqlite can be gigabytes), one
  // folder per copy, named after the process so a killed import's leftovers can be collected.
  const fs::path parent = CacheDir() / "library-copies";
  fs::create_directories(parent, ec);
  RemoveLeftovers(parent);
  std::string tmpl = (parent / ("copy-" + std::to_string(getpid()) + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data()))
    return IoError("cannot create a folder for a copy of " + path + " in " + parent.string());
  copy->dir_ = tmpl;
  const fs::path target = fs::path(tmpl) / "library.sqlite";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const fs::path from = path + suffix;
    if (*suffix && !fs::exists(from, ec)) continue;
    fs::copy_file(from, target.string() + suffix, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError("cannot copy " + from.string() + ": " + ec.message());
    // The copy is ours to write (WAL replay), whatever the original's permissions were.
    fs::permissions(target.string() + suffix, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
  }
  Status st = copy->db_.Open(target.string(), false, false);
  if (!st.ok()) return IoError(path + ": cannot open as SQLite: " + st.message());
  auto probe = copy->db_.Prepare("SELECT count(*) FROM sqlite_master");
  if (!probe.ok())
    return Corrupt(path + ": not a readable SQLite database (" + probe.status().message() + ")");
  Status step;
  probe->Step(&step);
  if (!step.ok())
    return Corrupt(path + ": not a readable SQLite database (" + step.message() + ")");
  return copy;
}

PrivateDbCopy::~PrivateDbCopy() {
  db_.Close();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

bool PrivateDbCopy::HasTable(const std::string& table) {
  auto q = db_.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!q.ok()) return false;
  q->Bind(1, table);
  Status st;
  return q->Step(&st);
}

bool PrivateDbCopy::HasColumn(const std::string& table, const std::string& column) {
  auto q = db_.Prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
  if (!q.ok()) return false;
  q->Bind(1, table).Bind(2, column);
  Status st;
  return q->Step(&st);
}

}  // namespace shoebox
