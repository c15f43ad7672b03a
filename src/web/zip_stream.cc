#include "web/zip_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <vector>

namespace shoebox::web {

ZipStream::ZipStream(std::function<bool(const char*, size_t)> out) : out_(std::move(out)) {
  a_ = archive_write_new();
  archive_write_set_format_zip(a_);
  archive_write_set_options(a_, "zip:compression=store");
  archive_write_set_bytes_per_block(a_, 0);  // no padding to blocks: a zip ends where it ends
  archive_write_open(
      a_, this, nullptr,
      [](archive*, void* self, const void* data, size_t size) -> la_ssize_t {
        auto* z = static_cast<ZipStream*>(self);
        if (z->out_failed_ || !z->out_(static_cast<const char*>(data), size)) {
          z->out_failed_ = true;
          return -1;
        }
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
}

ZipStream::~ZipStream() {
  if (a_) archive_write_free(a_);  // closes first when Finish was not called
}

std::string ZipStream::UniqueName(const std::string& name) {
  const std::filesystem::path p(name.empty() ? "photo" : name);
  std::string candidate = p.string();
  for (int n = 2; names_.count(candidate); ++n)
    candidate = p.stem().string() + " (" + std::to_string(n) + ")" + p.extension().string();
  names_.insert(candidate);
  return candidate;
}

Status ZipStream::Failed(const char* what) {
  if (out_failed_) return Cancelled("the client stopped reading the zip");
  return IoError(std::string(what) + ": " + archive_error_string(a_));
}

Status ZipStream::Add(const std::string& name, int64_t mtime_ns,
                      const std::shared_ptr<OpenedFile>& file, const std::string& bytes) {
  const uint64_t size = file ? file->size() : bytes.size();
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, UniqueName(name).c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  archive_entry_set_mtime(e, mtime_ns / 1'000'000'000, mtime_ns % 1'000'000'000);
  const int rc = archive_write_header(a_, e);
  archive_entry_free(e);
  if (rc != ARCHIVE_OK) return Failed("cannot add to the zip");
  if (!file) {
    if (!bytes.empty() && archive_write_data(a_, bytes.data(), bytes.size()) < 0)
      return Failed("cannot write the zip");
    return Status::Ok();
  }
  std::vector<char> buf(256 * 1024);
  for (uint64_t at = 0; at < size;) {
    const ssize_t got = file->ReadAt(at, buf.data(), buf.size());
    if (got <= 0) return IoError("cannot read " + name + " while zipping it");
    if (archive_write_data(a_, buf.data(), static_cast<size_t>(got)) < 0)
      return Failed("cannot write the zip");
    at += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}

Status ZipStream::Finish() {
  if (archive_write_close(a_) != ARCHIVE_OK) return Failed("cannot finish the zip");
  return Status::Ok();
}

}  // namespace shoebox::web
