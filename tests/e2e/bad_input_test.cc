// Bad files end as recorded errors with human reasons; the library is never modified.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;

TEST(BadInput, EveryBadFileIsRecordedWithAHumanReason) {
  TempDir tmp;
  Cli cli(tmp.path());
  std::filesystem::path bad = std::filesystem::canonical(CorpusPath() / "bad");
  CliResult r = cli.Run({"-q", "index", bad.string()});
  EXPECT_EQ(r.exit_code, 0) << "individual bad files must not fail the run: " << r.err;
  json errors = cli.Run({"errors", "--json"}).Json();
  std::map<std::string, json> by_name;
  for (const json& e : errors) {
    ASSERT_TRUE(e.contains("path") && e.contains("reason"));
    by_name[std::filesystem::path(e["path"].get<std::string>()).filename().string()] = e;
  }
  const std::map<std::string, std::string> expected = {
      {"truncated.jpg", "truncated JPEG"},
      {"truncated at 40 percent.jpg", "truncated JPEG"},
      {"empty.jpg", "empty file (0 bytes)"},
      {"README not a photo.jpg", "not an image: the file contains text"},
      {"xcsn0g01 bad IDAT crc.png", "damaged PNG"},
      {"xhdn0g08 bad IHDR crc.png", "damaged PNG"},
      {"its 1cbb1bb3 premature end.jpg", "JPEG"},
      {"its 551c2656 bogus huffman.jpg", "damaged JPEG"},
      {"NegativeArraySizeException.ItemInfoBox.init.heif", "damaged HEIC"},
      {"bomb 20000x20000.png", "400 megapixels, over the limit of 200"},
      // Pixels decode; the EXIF is broken. Indexed, and reported as damaged.
      {"30-type_error.jpg", "metadata damaged"},
  };
  for (const auto& [name, reason] : expected) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(name)) << "no error recorded";
    EXPECT_NE(by_name[name]["reason"].get<std::string>().find(reason), std::string::npos)
        << by_name[name]["reason"];
  }
  EXPECT_EQ(by_name["30-type_error.jpg"]["kind"], "warning");
  // image01137.jpg once sent an EXIF reader into an endless loop. Its metadata is valid
  // to exiv2, so it must simply be indexed, promptly.
  CliResult info = cli.Run({"info", "--json", (bad / "image01137.jpg").string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(info.Json()["error"].is_null());
  EXPECT_EQ(info.Json()["width"], 88);
  json status = cli.Run({"status", "--json"}).Json();
  EXPECT_EQ(status["errors"], 10);
  EXPECT_EQ(status["warnings"], 1);
}

// path -> (size, mtime, content hash) for every entry below root.
std::map<std::string, std::string> Snapshot(const std::filesystem::path& root) {
  std::map<std::string, std::string> out;
  for (auto& e : std::filesystem::recursive_directory_iterator(root)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string facts = std::to_string(st.st_mode) + "/" + std::to_string(st.st_size) + "/" +
                        std::to_string(st.st_mtim.tv_sec) + "." +
                        std::to_string(st.st_mtim.tv_nsec);
    if (e.is_regular_file()) {
      std::string data = ReadFile(e.path());
      facts += "/" + ContentHashHex(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    }
    out[e.path().string()] = facts;
  }
  return out;
}

TEST(BadInput, AMistypedPathFailsAtOnceBeforeAnyModelIsLoadedOrCatalogWritten) {
  TempDir tmp;
  Cli cli(tmp.path());
  CliResult missing = cli.Run({"index", (tmp.path() / "no such folder").string()});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("cannot index"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find("model"), std::string::npos) << "no model was tried: " << missing.err;
  CliResult file = cli.Run({"index", (CorpusPath() / "MANIFEST.md").string()});
  EXPECT_EQ(file.exit_code, 2) << file.err;
  EXPECT_NE(file.err.find("is not a folder"), std::string::npos) << file.err;
  EXPECT_FALSE(std::filesystem::exists(cli.catalog())) << "nothing written for a wrong path";
}

TEST(NeverModifyLibrary, CorpusIsByteIdenticalAfterIndexing) {
  std::filesystem::path corpus = CorpusPath();
  auto before = Snapshot(corpus);
  ASSERT_GT(before.size(), 300u);
  TempDir tmp;
  Cli cli(tmp.path());
  CliResult r = cli.Run({"-q", "index", (corpus / "photos").string(), (corpus / "bad").string(),
                         (corpus / "libraries").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"-q", "index", (corpus / "photos").string()});  // and a rescan
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Snapshot(corpus), before);
  // Everything we wrote is under our own data and cache folders.
  EXPECT_TRUE(std::filesystem::exists(cli.catalog()));
  EXPECT_TRUE(std::filesystem::exists(cli.thumbs()));
}

}  // namespace
}  // namespace shoebox::testing
