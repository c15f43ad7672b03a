#include "library/archive/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace shoebox {

namespace fs = std::filesystem;

bool IsArchiveName(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".zip", ".tar", ".tgz", ".tar.gz"}) {
    const size_t len = std::char_traits<char>::length(ext);
    if (n.size() > len && n.compare(n.size() - len, len, ext) == 0) return true;
  }
  return false;
}

std::optional<ArchivePath> SplitArchivePath(const std::string& path) {
  // Walk from the end towards the root: the longest prefix that is an archive file.
  for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!IsArchiveName(prefix)) continue;
    std::error_code ec;
    if (fs::is_regular_file(prefix, ec)) return ArchivePath{prefix, path.substr(slash + 1)};
  }
  return std::nullopt;
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const std::string& path) {
  std::unique_ptr<ArchiveReader> r(new ArchiveReader());
  r->path_ = path;
  r->a_ = archive_read_new();
  if (!r->a_) return Internal("libarchive: out of memory");
  archive_read_support_filter_all(r->a_);
  archive_read_support_format_zip(r->a_);
  archive_read_support_format_tar(r->a_);
  archive_read_support_format_gnutar(r->a_);
  if (archive_read_open_filename(r->a_, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    const char* why = archive_error_string(r->a_);
    return Corrupt(path + ": not a readable archive (" + std::string(why ? why : "unknown error") +
                   ")");
  }
  return r;
}

ArchiveReader::~ArchiveReader() {
  if (a_) archive_read_free(a_);
}

Result<bool> ArchiveReader::Next(ArchiveEntry* e) {
  struct archive_entry* entry = nullptr;
  const int rc = archive_read_next_header(a_, &entry);
  if (rc == ARCHIVE_EOF) return false;
  if (rc < ARCHIVE_WARN) {
    const char* why = archive_error_string(a_);
    return Corrupt(path_ + ": damaged after " + (current_.empty() ? "the start" : current_) + " (" +
                   (why ? why : "unknown error") + ")");
  }
  *e = ArchiveEntry();
  const char* name = archive_entry_pathname(entry);
  std::string member = name ? name : "";
  while (member.rfind("./", 0) == 0) member.erase(0, 2);
  current_ = member;
  e->member = member;
  e->regular = archive_entry_filetype(entry) == AE_IFREG;
  e->size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
  current_size_ = e->size;
  e->mtime_ns = static_cast<int64_t>(archive_entry_mtime(entry)) * 1'000'000'000 +
                archive_entry_mtime_nsec(entry);
  if (member.empty() || member[0] == '/' || member == ".." || member.rfind("../", 0) == 0 ||
      member.find("/../") != std::string::npos ||
      (member.size() >= 3 && member.compare(member.size() - 3, 3, "/..") == 0)) {
    e->problem = "unsafe member name '" + member + "' (absolute or leaving the archive)";
  }
  return true;
}

Status ArchiveReader::Read(uint64_t max_bytes, std::vector<uint8_t>* out) {
  out->clear();
  if (current_size_ > 0 && static_cast<uint64_t>(current_size_) > max_bytes)
    return TooLarge(path_ + "/" + current_ + ": " + std::to_string(current_size_) +
                    " bytes, over the limit of " + std::to_string(max_bytes >> 20) +
                    " MB for one file read from an archive");
  // A size the archive states is reserved at once. An unstated one (zip entries written as a
  // stream) is gathered in chunks and joined at the end, so a member that turns out too large
  // never costs more than the limit (a doubling vector would briefly hold one and a half times it).
  const bool known = current_size_ > 0;
  if (known) out->reserve(static_cast<size_t>(current_size_));
  std::vector<std::vector<uint8_t>> chunks;
  uint64_t total = 0;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    const la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      const char* why = archive_error_string(a_);
      return Corrupt(path_ + "/" + current_ + ": cannot be read from the archive (" +
                     (why ? why : "unknown error") + ")");
    }
    total += static_cast<uint64_t>(n);
    if (total > max_bytes)
      return TooLarge(path_ + "/" + current_ + ": over the limit of " +
                      std::to_string(max_bytes >> 20) + " MB for one file read from an archive");
    if (known)
      out->insert(out->end(), buf.begin(), buf.begin() + n);
    else
      chunks.emplace_back(buf.begin(), buf.begin() + n);
  }
  if (!known) {
    out->reserve(static_cast<size_t>(total));
    for (auto& c : chunks) {
      out->insert(out->end(), c.begin(), c.end());
      std::vector<uint8_t>().swap(c);
    }
  }
  return Status::Ok();
}

namespace {
// Reads wanted members from reader onwards into *out until all are there or the archive ends.
Status ReadForward(ArchiveReader* reader, const std::set<std::string>& wanted, uint64_t max_bytes,
                   std::map<std::string, Result<std::vector<uint8_t>>>* out, bool* at_end) {
  ArchiveEntry e;
  *at_end = false;
  while (out->size() < wanted.size()) {
    auto more = reader->Next(&e);
    if (!more.ok()) return more.status();
    if (!*more) {
      *at_end = true;
      break;
    }
    if (!e.regular || e.problem || !wanted.count(e.member) || out->count(e.member)) continue;
    std::vector<uint8_t> bytes;
    Status st = reader->Read(max_bytes, &bytes);
    if (st.ok())
      out->emplace(e.member, std::move(bytes));
    else
      out->emplace(e.member, st);
  }
  return Status::Ok();
}
}  // namespace

Result<std::map<std::string, Result<std::vector<uint8_t>>>> ArchiveCursor::Read(
    const std::set<std::string>& members, uint64_t max_bytes) {
  std::map<std::string, Result<std::vector<uint8_t>>> out;
  bool at_end = false;
  if (reader_) {
    SHOEBOX_RETURN_IF_ERROR(ReadForward(reader_.get(), members, max_bytes, &out, &at_end));
    if (out.size() == members.size()) return out;
  }
  // From the start: the first batch, or members that lie behind the cursor.
  auto reader = ArchiveReader::Open(archive_);
  if (!reader.ok()) return reader.status();
  reader_ = std::move(*reader);
  SHOEBOX_RETURN_IF_ERROR(ReadForward(reader_.get(), members, max_bytes, &out, &at_end));
  if (at_end) reader_.reset();
  return out;
}

Result<std::map<std::string, Result<std::vector<uint8_t>>>> ReadArchiveMembers(
    const std::string& archive, const std::set<std::string>& members, uint64_t max_bytes) {
  return ArchiveCursor(archive).Read(members, max_bytes);
}

}  // namespace shoebox
