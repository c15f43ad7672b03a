#include "engine/weights/torch_checkpoint.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/image_text_network.h"
#include "engine/weights/safetensors.h"
#include "engine/weights/zip_archive.h"
#include "test_util.h"

namespace shoebox {
namespace {

std::filesystem::path Golden() { return testing::GoldenPath(); }

void Le(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A minimal stored-entries zip, as torch.save writes them.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, dir;
  for (const auto& [name, body] : files) {
    uint64_t offset = out.size();
    Le(&out, 0x04034b50, 4);
    Le(&out, 20, 2);
    Le(&out, 0, 2);
    Le(&out, 0, 2);
    Le(&out, 0, 4);
    Le(&out, 0, 4);
    Le(&out, body.size(), 4);
    Le(&out, body.size(), 4);
    Le(&out, name.size(), 2);
    Le(&out, 0, 2);
    out += name + body;
    Le(&dir, 0x02014b50, 4);
    Le(&dir, 20, 2);
    Le(&dir, 20, 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 4);
    Le(&dir, 0, 4);
    Le(&dir, body.size(), 4);
    Le(&dir, body.size(), 4);
    Le(&dir, name.size(), 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 2);
    Le(&dir, 0, 4);
    Le(&dir, offset, 4);
    dir += name;
  }
  uint64_t dir_offset = out.size();
  out += dir;
  Le(&out, 0x06054b50, 4);
  Le(&out, 0, 2);
  Le(&out, 0, 2);
  Le(&out, files.size(), 2);
  Le(&out, files.size(), 2);
  Le(&out, dir.size(), 4);
  Le(&out, dir_offset, 4);
  Le(&out, 0, 2);
  return out;
}

std::string ErrorOf(const std::string& bytes) {
  auto r = ParseTorchCheckpoint(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                "evil.bin");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(TorchCheckpoint, BinGivesBitIdenticalOutputsToSafetensors) {
  testing::TempDir tmp;
  auto golden = Golden() / "clip/tiny-b16-gelu";
  std::filesystem::create_directories(tmp / "bin");
  std::filesystem::copy_file(golden / "config.json", tmp / "bin/config.json");
  std::filesystem::copy_file(golden / "pytorch_model.bin", tmp / "bin/pytorch_model.bin");
  auto from_bin = engine::LoadImageTextNetwork(tmp / "bin");
  ASSERT_TRUE(from_bin.ok()) << from_bin.status().ToString();
  auto from_st = engine::LoadImageTextNetwork(golden);
  ASSERT_TRUE(from_st.ok());
  auto cases = SafetensorsFile::Open(golden / "cases.safetensors");
  auto pixels = *ToFloat32(*(*cases)->Find("pixel_values"));
  auto a = (*from_bin)->EncodeImages(pixels.data(), 4),
       b = (*from_st)->EncodeImages(pixels.data(), 4);
  EXPECT_EQ(*a, *b);
  const TensorView* ids_t = (*cases)->Find("input_ids");
  std::vector<int64_t> ids(static_cast<size_t>(ids_t->numel()));
  std::memcpy(ids.data(), ids_t->data, ids_t->nbytes);
  EXPECT_EQ(*(*from_bin)->EncodeTexts(ids.data(), nullptr, 8, 77),
            *(*from_st)->EncodeTexts(ids.data(), nullptr, 8, 77));
}

TEST(TorchCheckpoint, ShardedSafetensorsLoadLikeOneFile) {
  testing::TempDir tmp;
  auto golden = Golden() / "clip/tiny-b32";
  auto full = SafetensorsFile::Open(golden / "model.safetensors");
  ASSERT_TRUE(full.ok());
  // Split the tensors over two shards, as the Hub does for large models.
  std::string headers[2] = {"{", "{"}, bodies[2];
  nlohmann::json index = {{"metadata", {}}, {"weight_map", nlohmann::json::object()}};
  int k = 0;
  for (const auto& [name, t] : (*full)->tensors()) {
    int s = k++ % 2;
    std::string file = "model-0000" + std::to_string(s + 1) + "-of-00002.safetensors";
    nlohmann::json shape = t.shape;
    if (headers[s].size() > 1) headers[s] += ",";
    headers[s] += nlohmann::json(name).dump() + ":{\"dtype\":\"" + DTypeName(t.dtype) +
                  "\",\"shape\":" + shape.dump() + ",\"data_offsets\":[" +
                  std::to_string(bodies[s].size()) + "," +
                  std::to_string(bodies[s].size() + t.nbytes) + "]}";
    bodies[s].append(reinterpret_cast<const char*>(t.data), t.nbytes);
    index["weight_map"][name] = file;
  }
  for (int s = 0; s < 2; ++s) {
    headers[s] += "}";
    std::string bytes;
    Le(&bytes, headers[s].size(), 8);
    testing::WriteFile(tmp / ("model-0000" + std::to_string(s + 1) + "-of-00002.safetensors"),
                       bytes + headers[s] + bodies[s]);
  }
  testing::WriteFile(tmp / "model.safetensors.index.json", index.dump());
  std::filesystem::copy_file(golden / "config.json", tmp / "config.json");
  auto sharded = engine::LoadImageTextNetwork(tmp.path());
  ASSERT_TRUE(sharded.ok()) << sharded.status().ToString();
  auto single = engine::LoadImageTextNetwork(golden);
  auto cases = SafetensorsFile::Open(golden / "cases.safetensors");
  auto pixels = *ToFloat32(*(*cases)->Find("pixel_values"));
  EXPECT_EQ(*(*sharded)->EncodeImages(pixels.data(), 2),
            *(*single)->EncodeImages(pixels.data(), 2));
}

TEST(TorchCheckpoint, RefusesPickleCode) {
  // GLOBAL 'os system', then REDUCE: what a malicious checkpoint does.
  std::string evil = std::string("\x80\x02", 2) + "cos\nsystem\nX\x04\x00\x00\x00echo\x85R.";
  std::string msg = ErrorOf(Zip({{"archive/data.pkl", evil}}));
  EXPECT_NE(msg.find("refusing pickle global 'os.system'"), std::string::npos) << msg;
  std::string builtins = std::string("\x80\x02", 2) + "cbuiltins\neval\n.";
  EXPECT_NE(ErrorOf(Zip({{"archive/data.pkl", builtins}})).find("builtins.eval"),
            std::string::npos);
  std::string newobj = std::string("\x80\x02", 2) + ")\x81.";
  EXPECT_NE(ErrorOf(Zip({{"archive/data.pkl", newobj}})).find("unsupported pickle opcode 0x81"),
            std::string::npos);
}

TEST(TorchCheckpoint, DamagedArchivesAreClearErrors) {
  std::string bin = testing::ReadFile(Golden() / "clip/tiny-b16-gelu/pytorch_model.bin");
  EXPECT_NE(ErrorOf(bin.substr(0, bin.size() / 2)).find("end-of-central-directory"),
            std::string::npos);
  EXPECT_NE(ErrorOf("PK not really").find("not a valid zip"), std::string::npos);
  EXPECT_NE(ErrorOf(Zip({{"archive/other", "x"}})).find("no data.pkl"), std::string::npos);
  EXPECT_NE(ErrorOf(Zip({{"archive/data.pkl", std::string("\x80\x02}", 3)}})).find("no STOP"),
            std::string::npos);
  // The fuzz seed (a 2x2 float tensor as torch.save lays it out) with its storage cut short.
  std::string seed = testing::ReadFile(std::filesystem::path(SHOEBOX_SOURCE_DIR) /
                                       "fuzz/corpus/torch_checkpoint/two_by_two.bin");
  auto ok =
      ParseTorchCheckpoint(reinterpret_cast<const uint8_t*>(seed.data()), seed.size(), "seed");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ToFloat32(*(*ok)->Find("a")), (std::vector<float>{1, 2, 3, 4}));
  auto entries =
      ReadZipDirectory(reinterpret_cast<const uint8_t*>(seed.data()), seed.size(), "seed");
  const ZipEntry& pkl = entries->at("archive/data.pkl");
  std::string pickle(reinterpret_cast<const char*>(pkl.data), pkl.size);
  std::string msg =
      ErrorOf(Zip({{"archive/data.pkl", pickle}, {"archive/data/0", std::string(4, '\0')}}));
  EXPECT_NE(msg.find("runs past the end of its storage"), std::string::npos) << msg;
  EXPECT_NE(ErrorOf(Zip({{"archive/data.pkl", pickle}})).find("storage 0 missing"),
            std::string::npos);
}

}  // namespace
}  // namespace shoebox
