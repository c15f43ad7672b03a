// The .lrprev section format and the Lua tables inside it (docs/formats.md), built here byte by
// byte: the layout Lightroom Classic writes (32-byte big-endian section headers, a "header"
// section with a `pyramid = {...}` table, JPEG levels), and every way a file can be damaged.
#include "library/lightroom/lrprev.h"

#include <gtest/gtest.h>

#include "library/lightroom/lua_table.h"
#include "test_util.h"

namespace shoebox::lightroom {
namespace {

std::string Section(const std::string& name, const std::string& data) {
  return testing::LrprevSection(name, data);
}

const char kHeader[] =
    "pyramid = {\n\tcolorProfile = \"AdobeRGB\",\n\tcroppedHeight = 2832,\n\tcroppedWidth = 4256,\n"
    "\tdigest = \"0a1b2c3d4e5f60718293a4b5c6d7e8f9\",\n\tfileTimeStamp = "
    "408546219,\n\tformatVersion = 3,\n"
    "\tfromProxy = false,\n\tlevels = {\n\t\t{\n\t\t\theight = 60,\n\t\t\twidth = 90,\n\t\t},\n"
    "\t\t{\n\t\t\theight = 120,\n\t\t\twidth = 180,\n\t\t},\n\t},\n\tquality = \"standard\",\n"
    "\tuuid = \"50025F26-FBAA-4EE4-9C13-1A6D6AA65C83\",\n}\n";

std::string Jpeg(char fill, size_t n) {
  return std::string("\xFF\xD8\xFF\xE0", 4) + std::string(n, fill);
}

TEST(LrprevFormat, ReadsHeaderAndLevels) {
  const std::string file = Section("header", kHeader) + Section("level_1", Jpeg('a', 37)) +
                           Section("level_2", Jpeg('b', 101));
  auto p = ParseLrprev(file);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->uuid, "50025F26-FBAA-4EE4-9C13-1A6D6AA65C83");
  EXPECT_EQ(p->digest, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  EXPECT_EQ(p->cropped_width, 4256);
  ASSERT_EQ(p->sections.size(), 3u);
  EXPECT_EQ(p->sections[0].name, "header");
  EXPECT_EQ(p->sections[0].kind, 1);
  ASSERT_EQ(p->levels.size(), 2u);
  EXPECT_EQ(p->Largest()->number, 2);
  EXPECT_EQ(p->Largest()->width, 180);
  EXPECT_EQ(p->Largest()->height, 120);
  EXPECT_EQ(p->Largest()->jpeg, Jpeg('b', 101));
  EXPECT_EQ(p->Level(1)->jpeg, Jpeg('a', 37));
  EXPECT_EQ(p->Level(3), nullptr);
}

TEST(LrprevFormat, LastPaddingMayBeCutAndHeaderIsOptional) {
  std::string file = Section("level_1", Jpeg('a', 30));
  file.resize(file.size() - 2);  // padding cut short
  auto p = ParseLrprev(file);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->uuid, "");
  EXPECT_EQ(p->Largest()->width, 0);
}

TEST(LrprevFormat, DamageIsNamedWithItsOffset) {
  const std::string good = Section("header", kHeader) + Section("level_1", Jpeg('a', 37));
  struct Case {
    std::string bytes, expect;
  };
  std::string truncated = good.substr(0, good.size() - 30);
  std::string bad_magic = good;
  bad_magic[Section("header", kHeader).size()] = 'X';
  std::string bad_header_len = good;
  bad_header_len[5] = 3;
  const Case cases[] = {
      {"", "empty file"},
      {"AgHg\0", "truncated section header"},
      {truncated, "truncated?"},
      {bad_magic, "no AgHg marker"},
      {bad_header_len, "header length 3 is impossible"},
      {Section("header", kHeader), "no level_N section"},
      {Section("header", "pyramid = { levels = {") + Section("level_1", Jpeg('a', 3)), "Lua table"},
      {Section("level_1", "not a jpeg"), "not a JPEG"},
      {Section("level_x", Jpeg('a', 3)), "bad level name"},
      {std::string(64, '\0'), "no AgHg marker"},
  };
  for (const auto& c : cases) {
    auto p = ParseLrprev(c.bytes);
    ASSERT_FALSE(p.ok()) << c.expect;
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos) << p.status().message();
  }
  auto p = ParseLrprev(bad_magic);
  EXPECT_NE(p.status().message().find("byte " + std::to_string(Section("header", kHeader).size())),
            std::string::npos);
}

TEST(LuaTable, ParsesLightroomStyleTables) {
  auto j = ParseLuaAssignment(kHeader);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["colorProfile"], "AdobeRGB");
  EXPECT_EQ((*j)["fromProxy"], false);
  EXPECT_EQ((*j)["levels"].size(), 2u);
  EXPECT_EQ((*j)["levels"][1]["width"], 180);
  auto k =
      ParseLuaAssignment("s = { [\"a b\"] = 'x\\\"y', 1.5, -2, nil, { }, -- comment\n n = 1e3 }");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ((*k)["a b"], "x\"y");
  EXPECT_EQ((*k)["[1]"], 1.5);
  EXPECT_EQ((*k)["[2]"], -2);
  EXPECT_EQ((*k)["n"], 1000.0);
  for (const char* bad :
       {"x = {", "x = { a = }", "x = \"open", "x = { 1 2 }", "x = {} junk", "x = bogus"}) {
    auto r = ParseLuaAssignment(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_FALSE(ParseLuaAssignment(std::string(100000, '{')).ok()) << "depth is bounded";
}

}  // namespace
}  // namespace shoebox::lightroom
