// A zip of originals written straight to an HTTP response as it is made, so that a download of
// hundreds of photos holds one read buffer in memory, not the archive. Members are stored, not
// compressed (photos are compressed already; deflating them costs a core for ~1% less), with
// each file's name and modification time; libarchive writes the zip (Zip64 past 4 GB).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "base/file_io.h"
#include "base/status.h"

struct archive;

namespace shoebox::web {

class ZipStream {
 public:
  // out: told each piece of the zip in order; returning false (the client went away) makes
  // every later call fail with kCancelled.
  explicit ZipStream(std::function<bool(const char* data, size_t size)> out);
  ~ZipStream();
  ZipStream(const ZipStream&) = delete;
  ZipStream& operator=(const ZipStream&) = delete;

  // One member, named `name` (a second "a.jpg" becomes "a (2).jpg"), from an open file or from
  // bytes in memory (file null).
  Status Add(const std::string& name, int64_t mtime_ns, const std::shared_ptr<OpenedFile>& file,
             const std::string& bytes);
  // The central directory; nothing can be added after it.
  Status Finish();

 private:
  std::string UniqueName(const std::string& name);
  Status Failed(const char* what);

  std::function<bool(const char*, size_t)> out_;
  archive* a_ = nullptr;
  bool out_failed_ = false;
  std::set<std::string> names_;
};

}  // namespace shoebox::web
