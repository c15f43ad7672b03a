// A library's SQLite database (Photos.sqlite, a Lightroom .lrcat, a Capture One catalog),
// read through a private copy. Opening it in place would write next to it: SQLite creates or
// checkpoints the -wal/-shm files even for readers, and Lightroom or Photos may be running.
// `immutable=1` would avoid the writes but silently ignores the WAL, whose un-checkpointed
// rows are often the newest photos. So the database and its -wal/-shm are copied into a
// private folder under shoebox's cache (`library-copies/`), opened there (SQLite replays the
// WAL into the copy), and removed when this object goes away — or by the next import when the
// process was killed. The library is never written.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/sqlite_db.h"

namespace shoebox {

class PrivateDbCopy {
 public:
  // Fails with a message naming path when it is missing, unreadable or not an SQLite
  // database (checked by reading its schema).
  static Result<std::unique_ptr<PrivateDbCopy>> Open(const std::string& path);
  ~PrivateDbCopy();

  Database& database() { return db_; }
  const std::string& original() const { return original_; }

  // Whether table exists (schemas differ between versions of the same application).
  bool HasTable(const std::string& table);
  bool HasColumn(const std::string& table, const std::string& column);

 private:
  PrivateDbCopy() = default;
  std::string original_, dir_;
  Database db_;
};

}  // namespace shoebox
