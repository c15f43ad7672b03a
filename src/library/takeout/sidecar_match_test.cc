#include "library/takeout/sidecar_match.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace shoebox::takeout {
namespace {

std::optional<std::string> SidecarOf(const FolderPairing& p, const std::string& media) {
  for (const auto& m : p.media)
    if (m.media == media) return m.sidecar;
  ADD_FAILURE() << media << " is not among the media";
  return std::nullopt;
}

// Every sidecar of the corpus' real Takeout samples pairs with the file its manifest names
// (or with none when the media was left out), and the folder-level files are recognised.
TEST(TakeoutSidecars, RealExportsPairAsTheManifestSays) {
  const auto corpus = shoebox::testing::CorpusPath();
  std::ifstream manifest(corpus / "manifest.jsonl");
  ASSERT_TRUE(manifest) << "manifest.jsonl";
  std::map<std::filesystem::path, FolderPairing> folders;
  auto pairing = [&](const std::filesystem::path& dir) -> const FolderPairing& {
    auto it = folders.find(dir);
    if (it != folders.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file()) names.push_back(e.path().filename().string());
    return folders[dir] = PairSidecars(names);
  };
  int checked = 0;
  std::string line;
  while (std::getline(manifest, line)) {
    auto j = nlohmann::json::parse(line);
    if (!j.contains("takeout")) continue;
    const auto path = corpus / j["path"].get<std::string>();
    const auto& t = j["takeout"];
    const auto& p = pairing(path.parent_path());
    const std::string name = path.filename().string();
    const std::string role = t.value("role", "");
    if (role == "media sidecar") {
      std::optional<std::string> media;
      for (const auto& m : p.media)
        if (m.sidecar == name) media = m.media;
      if (!t.contains("media") || t["media"].is_null()) {
        EXPECT_FALSE(media) << name << " paired with " << *media;
        EXPECT_NE(std::find(p.orphan_sidecars.begin(), p.orphan_sidecars.end(), name),
                  p.orphan_sidecars.end())
            << name;
      } else {
        EXPECT_EQ(media, std::filesystem::path(t["media"].get<std::string>()).filename().string())
            << name;
      }
    } else if (role.find("album metadata") != std::string::npos) {
      EXPECT_EQ(p.album_metadata, name);
    } else if (role.find("account-level") != std::string::npos) {
      EXPECT_NE(std::find(p.other_json.begin(), p.other_json.end(), name), p.other_json.end())
          << name;
    }
    ++checked;
  }
  EXPECT_GE(checked, 40);
  // The media without any sidecar in the Polish export.
  const auto pl =
      corpus / "libraries/google-takeout/seb-reference-collection/Takeout/Zdjęcia Google";
  for (const auto& e : std::filesystem::recursive_directory_iterator(pl)) {
    if (e.path().filename() == "tia3059641059518022454.gif") {
      EXPECT_EQ(SidecarOf(pairing(e.path().parent_path()), "tia3059641059518022454.gif"),
                std::nullopt);
    }
  }
}

TEST(TakeoutSidecars, CounterMovesBehindTheExtension) {
  auto p = PairSidecars({"IMG.jpg", "IMG(1).jpg", "IMG(2).jpg", "IMG.jpg.json", "IMG.jpg(1).json",
                         "IMG.jpg.supplemental-metadata(2).json"});
  EXPECT_EQ(SidecarOf(p, "IMG.jpg"), "IMG.jpg.json");
  EXPECT_EQ(SidecarOf(p, "IMG(1).jpg"), "IMG.jpg(1).json");
  EXPECT_EQ(SidecarOf(p, "IMG(2).jpg"), "IMG.jpg.supplemental-metadata(2).json");
  EXPECT_TRUE(p.orphan_sidecars.empty());
}

TEST(TakeoutSidecars, TruncatedSupplementalSuffixes) {
  auto p = PairSidecars({"PXL_20240101_123456789.MP.jpg",
                         "PXL_20240101_123456789.MP.jpg.supplemental-met.json", "a.png",
                         "a.png.suppl.json", "b.png", "b.png.s.json"});
  EXPECT_EQ(SidecarOf(p, "PXL_20240101_123456789.MP.jpg"),
            "PXL_20240101_123456789.MP.jpg.supplemental-met.json");
  EXPECT_EQ(SidecarOf(p, "a.png"), "a.png.suppl.json");
  EXPECT_EQ(SidecarOf(p, "b.png"), "b.png.s.json");
}

TEST(TakeoutSidecars, LongNamesCutTo46Or51Characters) {
  // 46 characters including ".json": the name is cut inside the extension.
  const std::string media = "Screenshot_2019-05-01-10-11-12-123_com.whatsapp.png";
  const std::string cut46 = media.substr(0, 41) + ".json";
  ASSERT_EQ(cut46.size(), 46u);
  auto p = PairSidecars({media, cut46});
  EXPECT_EQ(SidecarOf(p, media), cut46);
  // Two files sharing the cut prefix: the title decides.
  const std::string other = media.substr(0, 41) + "_other.png";
  p = PairSidecars({media, other, cut46}, {{cut46, other}});
  EXPECT_EQ(SidecarOf(p, other), cut46);
  EXPECT_EQ(SidecarOf(p, media), std::nullopt);
  // Short names are never matched by prefix: "IMG_1.json" is not the sidecar of "IMG_12.jpg".
  p = PairSidecars({"IMG_12.jpg", "IMG_1.json"});
  EXPECT_EQ(SidecarOf(p, "IMG_12.jpg"), std::nullopt);
  EXPECT_EQ(p.orphan_sidecars, std::vector<std::string>{"IMG_1.json"});
}

TEST(TakeoutSidecars, EditedCopiesShareTheOriginalsSidecar) {
  auto p = PairSidecars({"IMG_1234.jpg", "IMG_1234-edited.jpg", "IMG_1234.jpg.json",
                         "DSC_1-bearbeitet.JPG", "DSC_1.JPG.supplemental-metadata.json",
                         "P1-modifié.png", "P1.png.json"});
  EXPECT_EQ(SidecarOf(p, "IMG_1234.jpg"), "IMG_1234.jpg.json");
  EXPECT_EQ(SidecarOf(p, "IMG_1234-edited.jpg"), "IMG_1234.jpg.json");
  // Only the edit was exported: the original's sidecar is still its description.
  EXPECT_EQ(SidecarOf(p, "DSC_1-bearbeitet.JPG"), "DSC_1.JPG.supplemental-metadata.json");
  EXPECT_EQ(SidecarOf(p, "P1-modifié.png"), "P1.png.json");
  for (const auto& m : p.media) EXPECT_EQ(m.edited_copy, m.media != "IMG_1234.jpg") << m.media;
  EXPECT_TRUE(p.orphan_sidecars.empty());
}

TEST(TakeoutSidecars, FilesWithoutExtensionAndFolderFiles) {
  auto p = PairSidecars(
      {"IMG_0001", "IMG_0001.json", "metadane.json", "print-subscriptions.json", "x.mp4.json"});
  EXPECT_EQ(SidecarOf(p, "IMG_0001"), "IMG_0001.json");
  EXPECT_EQ(p.album_metadata, "metadane.json");
  EXPECT_EQ(p.other_json, std::vector<std::string>{"print-subscriptions.json"});
  EXPECT_EQ(p.orphan_sidecars, std::vector<std::string>{"x.mp4.json"});
}

}  // namespace
}  // namespace shoebox::takeout
