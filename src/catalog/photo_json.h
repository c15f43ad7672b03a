// The JSON shape of a photo (a file joined with its asset), shared by `shoebox info --json`,
// `ls --json` and the web API, so that every consumer sees the same field names.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.h"

namespace shoebox {

nlohmann::json PhotoJson(const PhotoRow& row);
// Adds the library's facts to a PhotoJson: source {kind, root}, external_id,
// original_filename, title, description, albums, keywords, rating (the library's wins over
// EXIF), favorite, hidden, trashed.
void AddLibraryJson(const LibraryInfo& info, nlohmann::json* photo);
// Adds "people": [{"name", "box": [x, y, w, h] (fractions of the upright photo; absent when the
// library named the person without a box), "from": "photo" | "sidecar" | a source kind}], by
// name; nothing when nobody is named.
void AddPeopleJson(const std::vector<PersonFace>& people, nlohmann::json* photo);
// The people of a library, as `shoebox people --json` and /api/people give them: [{"name",
// "photos", "cover": {"id": asset id, "box": [x, y, w, h] when the cover names a face there}}].
nlohmann::json PeopleJson(const std::vector<PersonSummary>& people);
// Adds "text": what OCR made of the photo: {"state": "read" | "skipped" (the gate saw no
// text) | "failed" | "pending", "ocr": the words, "confidence": 0-100, "lang": "eng+spa",
// "words": [[word, confidence, x, y, w, h], ...] (boxes as fractions of the upright image),
// "error"}; "pending" alone when OCR has not looked at it.
void AddTextJson(const std::optional<AssetTextRecord>& text, nlohmann::json* photo);

// OCR's coverage of the library, as `status --json` and /api/status give it: {"photos",
// "read", "with_text", "skipped", "failed", "outdated", "pending"}.
nlohmann::json TextCoverageJson(const TextCoverage& coverage);
// json::dump that never throws: file names need not be valid UTF-8 (bad bytes become U+FFFD).
std::string DumpJson(const nlohmann::json& j, int indent = -1);

}  // namespace shoebox
