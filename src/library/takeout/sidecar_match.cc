#include "library/takeout/sidecar_match.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace shoebox::takeout {
namespace {

constexpr std::string_view kJson = ".json";
constexpr std::string_view kSupplemental = ".supplemental-metadata";

// Folder-level album files, as Takeout names them in the languages seen in the wild.
const std::set<std::string, std::less<>> kAlbumMetadata = {
    "metadata.json", "metadane.json",  "Metadaten.json",    "métadonnées.json", "metadatos.json",
    "metadati.json", "metadados.json", "metagegevens.json", "メタデータ.json"};
// Account-level files at the top of the export.
const std::set<std::string, std::less<>> kAccountFiles = {
    "print-subscriptions.json", "shared_album_comments.json", "user-generated-memory-titles.json"};
// Suffixes of edited copies, by export language.
const std::string_view kEditedSuffixes[] = {
    "-edited",   "-bearbeitet", "-modifié",  "-editado",   "-modificato", "-bewerkt", "-redigert",
    "-muokattu", "-edytowane",  "-upravené", "-redigerad", "-編集済み",   "-수정됨",  "-已修改"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Characters, not bytes: Takeout's truncation counts characters.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// "IMG(1).jpg" -> {"IMG.jpg", "(1)"}; nullopt without a trailing "(digits)" on the stem.
std::optional<std::pair<std::string, std::string>> SplitCounter(const std::string& name) {
  const size_t dot = name.rfind('.');
  const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  if (stem.size() < 3 || stem.back() != ')') return std::nullopt;
  const size_t open = stem.rfind('(');
  if (open == std::string::npos || open == 0 || open + 2 >= stem.size()) return std::nullopt;
  for (size_t i = open + 1; i + 1 < stem.size(); ++i)
    if (stem[i] < '0' || stem[i] > '9') return std::nullopt;
  return std::make_pair(stem.substr(0, open) + ext, stem.substr(open));
}

// The original an edited copy was made from: "IMG-edited.jpg" -> "IMG.jpg".
std::optional<std::string> EditedFrom(const std::string& name) {
  const size_t dot = name.rfind('.');
  const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  for (std::string_view suffix : kEditedSuffixes)
    if (stem.size() > suffix.size() && EndsWith(stem, suffix))
      return stem.substr(0, stem.size() - suffix.size()) + ext;
  return std::nullopt;
}

// Sidecar names Takeout writes in full for a media name.
std::vector<std::string> ExactCandidates(const std::string& media) {
  std::vector<std::string> out = {media + std::string(kJson),
                                  media + std::string(kSupplemental) + std::string(kJson)};
  if (auto split = SplitCounter(media)) {
    const auto& [base, counter] = *split;
    out.push_back(base + counter + std::string(kJson));
    out.push_back(base + std::string(kSupplemental) + counter + std::string(kJson));
  }
  return out;
}

// How well a truncated sidecar name fits a media name: the length of the part they share,
// 0 when it cannot be its sidecar.
size_t TruncatedFit(const std::string& media, const std::string& sidecar) {
  const std::string_view base = std::string_view(sidecar).substr(0, sidecar.size() - kJson.size());
  // "<media>.supplemental-met" (any cut of the suffix, at least the dot and one letter).
  const std::string full = media + std::string(kSupplemental);
  if (base.size() > media.size() + 1 && StartsWith(full, base)) return base.size();
  // A long name cut to 46 or 51 characters (".json" included), the media name running on.
  const size_t length = Utf8Length(sidecar);
  if (length >= 46 && length <= 51 && base.size() >= 16 && StartsWith(media, base))
    return base.size();
  return 0;
}

}  // namespace

FolderPairing PairSidecars(const std::vector<std::string>& names,
                           const std::map<std::string, std::string>& titles) {
  FolderPairing out;
  std::set<std::string> unclaimed;
  std::vector<std::string> media;
  for (const auto& n : names) {
    if (!EndsWith(n, kJson)) {
      media.push_back(n);
    } else if (kAlbumMetadata.count(n)) {
      out.album_metadata = n;
    } else if (kAccountFiles.count(n)) {
      out.other_json.push_back(n);
    } else {
      unclaimed.insert(n);
    }
  }
  std::sort(media.begin(), media.end());
  std::map<std::string, std::optional<std::string>> found;  // media -> sidecar
  auto claim = [&](const std::string& m, const std::string& s) {
    found[m] = s;
    unclaimed.erase(s);
  };
  // 1. Names written in full. Edited copies wait: a sidecar of their own is rare, and their
  //    original's must not be taken from it.
  for (const auto& m : media) {
    if (EditedFrom(m)) continue;
    for (const auto& c : ExactCandidates(m))
      if (unclaimed.count(c)) {
        claim(m, c);
        break;
      }
  }
  // 2. Truncated names: the best fitting unclaimed sidecar, the title deciding ties.
  for (const auto& m : media) {
    if (found.count(m) || EditedFrom(m)) continue;
    std::optional<std::string> best;
    size_t best_fit = 0;
    bool best_titled = false;
    for (const auto& s : unclaimed) {
      const size_t fit = TruncatedFit(m, s);
      if (!fit) continue;
      auto t = titles.find(s);
      const bool titled = t != titles.end() && t->second == m;
      if (t != titles.end() && !titled && !t->second.empty())
        continue;  // the sidecar names another file
      if (titled > best_titled || (titled == best_titled && fit > best_fit)) {
        best = s;
        best_fit = fit;
        best_titled = titled;
      }
    }
    if (best) claim(m, *best);
  }
  // 3. Edited copies: their own sidecar if Takeout wrote one, else the original's.
  for (const auto& m : media) {
    auto original = EditedFrom(m);
    if (!original) continue;
    for (const auto& c : ExactCandidates(m))
      if (unclaimed.count(c)) {
        claim(m, c);
        break;
      }
    if (found.count(m)) continue;
    if (auto it = found.find(*original); it != found.end()) {
      found[m] = it->second;
    } else {
      // The original is not in this folder (only the edit was exported): its sidecar still is.
      for (const auto& c : ExactCandidates(*original))
        if (unclaimed.count(c)) {
          claim(m, c);
          break;
        }
    }
  }
  for (const auto& m : media) {
    MediaSidecar ms{m, std::nullopt, EditedFrom(m).has_value()};
    if (auto it = found.find(m); it != found.end()) ms.sidecar = it->second;
    out.media.push_back(ms);
  }
  out.orphan_sidecars.assign(unclaimed.begin(), unclaimed.end());
  return out;
}

}  // namespace shoebox::takeout
