// Which photos a search or a browse looks at: the conditions a user can set (dates, folder,
// camera, library facts). The catalog turns a filter into SQL (photo_queries.cc); nothing
// outside src/catalog sees that SQL.
#pragma once

#include <optional>
#include <string>

namespace shoebox {

struct PhotoFilter {
  std::optional<std::string> after, before;  // capture date, ISO 8601 prefix ("2023", "2023-06-01")
  std::optional<std::string> folder;         // a folder and everything below it
  std::optional<std::string> camera;         // substring of make or model, any case
  std::optional<std::string> format;         // "jpeg", "heif", ...
  std::optional<std::string> source;         // a source root, as `status` lists them
  std::optional<std::string> album;          // album / collection name (library imports)
  std::optional<std::string> keyword;
  std::optional<std::string> person;  // a name, any case, as `shoebox people` lists it
  std::optional<int> min_rating;      // the library's rating, else the EXIF one
  bool favorite = false;
  bool has_gps = false;
  // Photos a library has in its trash, or hides (Apple Photos' Hidden album), are set aside:
  // left out unless asked for.
  bool include_trashed = false;
  bool include_hidden = false;
  bool empty() const {
    return !after && !before && !folder && !camera && !format && !source && !album && !keyword &&
           !person && !min_rating && !favorite && !has_gps;
  }
};

// Whether the filter looks at files (folder, source, library facts), not only at assets.
bool HasFileConditions(const PhotoFilter& filter);

}  // namespace shoebox
