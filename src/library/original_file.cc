#include "library/original_file.h"

#include <filesystem>

#include "library/archive/archive_reader.h"

namespace shoebox {

Result<std::vector<uint8_t>> OriginalFile::ReadAll() {
  if (in_archive) return bytes;
  return opened->ReadAll(uint64_t{2} << 30);
}

Result<OriginalFile> OpenOriginal(Catalog& catalog, const PhotoRow& row) {
  const FileRecord& file = row.file;
  OriginalFile out;
  std::error_code ec;
  std::optional<ArchivePath> member;
  if (!std::filesystem::exists(file.path, ec)) member = SplitArchivePath(file.path);
  if (member) {
    auto members = ReadArchiveMembers(member->archive, {member->member}, kMaxArchiveMemberBytes);
    if (!members.ok()) return members.status();
    auto it = members->find(member->member);
    if (it == members->end()) return NotFound(file.path + ": no longer in its archive");
    if (!it->second.ok()) return it->second.status();
    if (it->second->size() != static_cast<uint64_t>(file.size))
      return Changed(
          file.path +
          " has changed since it was indexed; run `shoebox index` to update the catalog");
    out.bytes = std::move(*it->second);
    out.in_archive = true;
    return out;
  }
  auto lib = catalog.LibraryInfoFor(file.id);
  const std::string inside =
      lib.ok() && lib->source_kind == "folder" ? lib->source_root : std::string();
  auto f = OpenUnchanged(file.path, static_cast<uint64_t>(file.size), file.mtime_ns, inside);
  if (!f.ok()) return f.status();
  out.opened = std::move(*f);
  return out;
}

}  // namespace shoebox
