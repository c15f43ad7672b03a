#include "pipeline/takeout_import.h"

#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <vector>

#include "base/file_io.h"
#include "library/library_time.h"
#include "library/takeout/sidecar.h"
#include "library/takeout/sidecar_match.h"
#include "pipeline/library_import.h"

namespace shoebox::takeout {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxSidecarBytes = 4 << 20;
// Marks a sidecar that could not be read, followed by why (a JSON text never starts with it).
constexpr char kUnreadable[] = "\x01unreadable:";

std::string WhyUnreadable(const Status& s) {
  if (s.code() == StatusCode::kTooLarge)
    return "too large for a Takeout sidecar (over " + std::to_string(kMaxSidecarBytes >> 20) +
           " MB; Google writes a few KB): not read";
  return "cannot be read: " + s.message();
}

// The photo's id in Google Photos, from the sidecar's "url" (…/photo/<id>), when present.
std::optional<std::string> ExternalId(const std::string& json_text) {
  const std::string key = "photos.google.com/photo/";
  const auto at = json_text.find(key);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + key.size();
  const auto end = json_text.find_first_of("\"?/", start);
  std::string id =
      json_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (id.empty() || id.find("redacted") != std::string::npos) return std::nullopt;
  return id;
}

struct FolderResult {
  int64_t media = 0, with_sidecar = 0, orphans = 0, bad = 0, memberships = 0;
  bool album = false;
};

bool IsJson(const std::string& n) {
  return n.size() >= 5 && n.compare(n.size() - 5, 5, ".json") == 0;
}

// texts: the folder's .json files that could be read, by name.
Result<FolderResult> ApplyFolder(Catalog* cat, int64_t source_id, const fs::path& dir,
                                 const std::vector<std::string>& names,
                                 std::map<std::string, std::string> texts, int64_t now) {
  FolderResult r;
  // Titles settle truncated names.
  std::map<std::string, std::string> titles;
  for (const auto& [n, text] : texts)
    if (auto s = ParseSidecar(text); s.ok() && !s->title.empty()) titles[n] = s->title;
  const FolderPairing pairing = PairSidecars(names, titles);
  std::optional<int64_t> album_id;
  if (pairing.album_metadata) {
    auto album = ParseAlbumMetadata(texts[*pairing.album_metadata]);
    const std::string name =
        album.ok() && !album->title.empty() ? album->title : dir.filename().string();
    auto id = cat->EnsureAlbum(source_id, name);
    if (!id.ok()) return id.status();
    album_id = *id;
    r.album = true;
  }
  for (const auto& m : pairing.media) {
    auto row = cat->FindByPath((dir / m.media).string());
    if (!row.ok()) return row.status();
    if (!*row || !(*row)->file.asset_id) continue;  // not a photo (or not crawled)
    ++r.media;
    const int64_t file_id = (*row)->file.id;
    if (album_id) {
      SHOEBOX_RETURN_IF_ERROR(cat->AddToAlbum(*album_id, file_id));
      ++r.memberships;
    }
    if (!m.sidecar) continue;
    const std::string sidecar_path = (dir / *m.sidecar).string();
    auto text = texts.find(*m.sidecar);
    auto parsed = text == texts.end() ? Result<Sidecar>(IoError("cannot be read"))
                  : text->second.rfind(kUnreadable, 0) == 0
                      ? Result<Sidecar>(IoError(text->second.substr(std::strlen(kUnreadable))))
                      : ParseSidecar(text->second);
    if (!parsed.ok()) {
      ++r.bad;
      SHOEBOX_RETURN_IF_ERROR(cat->RecordError(
          sidecar_path, "Takeout sidecar: " + parsed.status().message(), "file", now));
      continue;
    }
    ++r.with_sidecar;
    const Sidecar& s = *parsed;
    LibraryAsset facts;
    facts.external_id = ExternalId(text->second).value_or("");
    facts.original_filename = s.title;
    facts.description = s.description;
    facts.favorite = s.favorited;
    facts.trashed = s.trashed;
    facts.taken_utc = s.taken_utc;
    if (s.taken_utc) {  // for a photo without its own time: the UTC instant itself
      facts.taken_local = UtcIso(*s.taken_utc).substr(0, 19);
      facts.tz_offset = "+00:00";
    }
    facts.lat = s.lat;
    facts.lon = s.lon;
    facts.alt = s.alt;
    for (const std::string& name : s.people) facts.people.push_back({name, {}, {}, {}, {}});
    SHOEBOX_RETURN_IF_ERROR(WriteLibraryItem(cat, **row, facts, sidecar_path));
    SHOEBOX_RETURN_IF_ERROR(cat->ClearError(sidecar_path));
  }
  for (const auto& o : pairing.orphan_sidecars) {
    ++r.orphans;
    auto s = ParseSidecar(texts[o]);
    const std::string title = s.ok() && !s->title.empty() ? " (" + s->title + ")" : "";
    SHOEBOX_RETURN_IF_ERROR(
        cat->RecordError((dir / o).string(),
                         "Takeout sidecar without its photo" + title +
                             ": the photo is not in the export (videos and items over the "
                             "archive limit are often left out)",
                         "file", now));
  }
  return r;
}

}  // namespace

bool LooksLikeTakeout(const std::string& root) {
  std::error_code ec;
  const fs::path p(root);
  return p.filename() == "Takeout" || fs::is_directory(p / "Takeout", ec);
}

namespace {

// Each folder in its own transaction.
Result<TakeoutReport> ApplyFolders(
    Catalog* cat, const std::string& root,
    const std::map<std::string, std::vector<std::string>>& folders,
    const std::function<std::map<std::string, std::string>(
        const std::string& dir, const std::vector<std::string>& names)>& texts_of,
    int64_t now) {
  auto source = cat->EnsureSource("takeout", root, now);
  if (!source.ok()) return source.status();
  TakeoutReport report;
  for (const auto& [dir, names] : folders) {
    Transaction tx = cat->NewTransaction();
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    auto r = ApplyFolder(cat, *source, dir, names, texts_of(dir, names), now);
    if (!r.ok()) return r.status();
    SHOEBOX_RETURN_IF_ERROR(tx.Commit());
    report.media += r->media;
    report.with_sidecar += r->with_sidecar;
    report.orphan_sidecars += r->orphans;
    report.bad_sidecars += r->bad;
    report.albums += r->album ? 1 : 0;
    report.album_memberships += r->memberships;
  }
  return report;
}

}  // namespace

Result<TakeoutReport> ApplyTakeoutMetadata(Catalog* cat, const std::string& root, int64_t now) {
  std::map<std::string, std::vector<std::string>> folders;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec))
      folders[it->path().parent_path().string()].push_back(it->path().filename().string());
  }
  if (ec) return IoError(root + ": " + ec.message());
  return ApplyFolders(
      cat, root, folders,
      [](const std::string& dir, const std::vector<std::string>& names) {
        std::map<std::string, std::string> texts;
        for (const auto& n : names) {
          if (!IsJson(n)) continue;
          auto bytes = ReadWholeFile(fs::path(dir) / n, kMaxSidecarBytes);
          if (bytes.ok())
            texts[n].assign(bytes->begin(), bytes->end());
          else
            texts[n] = kUnreadable + WhyUnreadable(bytes.status());  // reported as a bad sidecar
        }
        return texts;
      },
      now);
}

void TakeoutArchiveCollector::OnMember(const std::string& path) {
  const auto slash = path.rfind('/');
  folders_[path.substr(0, slash)].push_back(path.substr(slash + 1));
}

bool TakeoutArchiveCollector::WantsBytes(const std::string& path) { return IsJson(path); }

void TakeoutArchiveCollector::OnBytes(const std::string& path, Result<std::vector<uint8_t>> bytes) {
  const auto slash = path.rfind('/');
  std::string& text = texts_[path.substr(0, slash)][path.substr(slash + 1)];
  if (bytes.ok())
    text.assign(bytes->begin(), bytes->end());
  else
    text = kUnreadable + WhyUnreadable(bytes.status());
}

Result<TakeoutReport> ApplyTakeoutArchive(Catalog* cat, const std::string& archive,
                                          const TakeoutArchiveCollector& collected, int64_t now) {
  return ApplyFolders(
      cat, archive, collected.folders(),
      [&](const std::string& dir, const std::vector<std::string>&) {
        auto it = collected.texts().find(dir);
        return it == collected.texts().end() ? std::map<std::string, std::string>() : it->second;
      },
      now);
}

}  // namespace shoebox::takeout
