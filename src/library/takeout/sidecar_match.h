// Google Photos Takeout: which JSON sidecar describes which media file, within one folder.
//
// Takeout writes "<media name>.json" next to each photo, but with quirks that every importer
// has to undo (they are what immich-go and GooglePhotosTakeoutHelper handle; the shared
// corpus has real samples of each, see its MANIFEST.md):
//  * 2024+ exports: "<media>.supplemental-metadata.json", cut short when the name is long
//    ("IMG_1234.jpg.supplemental-metad.json", "...supp.json").
//  * long names are truncated to 46 or 51 characters including ".json"
//    ("alignment-temple-5D-32-temple-V-reconstructed..json" for "...reconstructed.png");
//  * a duplicate name's counter moves behind the extension: "IMG(1).jpg" <-> "IMG.jpg(1).json";
//  * edited copies ("IMG-edited.jpg", localised: -bearbeitet, -modifié, -editado, ...) have no
//    sidecar of their own and share the original's;
//  * files without an extension simply get "<name>.json".
// Folder-level "metadata.json" (album title; localised names too) and the account-level JSON
// files are not sidecars.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shoebox::takeout {

struct MediaSidecar {
  std::string media;                   // file name in the folder
  std::optional<std::string> sidecar;  // file name in the folder; nullopt: none found
  bool edited_copy = false;            // shares the sidecar of the original it was edited from
};

struct FolderPairing {
  std::vector<MediaSidecar> media;  // every non-JSON file, in name order
  std::vector<std::string>
      orphan_sidecars;  // sidecars of media not in the folder (videos left out...)
  std::optional<std::string> album_metadata;  // "metadata.json" or a localised name
  std::vector<std::string> other_json;        // account-level files, not about one photo
};

// names: the file names of one folder (not paths). titles: sidecar name -> its "title"
// field, when known; it settles truncated names that could belong to several files.
FolderPairing PairSidecars(const std::vector<std::string>& names,
                           const std::map<std::string, std::string>& titles = {});

}  // namespace shoebox::takeout
