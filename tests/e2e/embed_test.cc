// `shoebox embed` end to end: files in, the reference implementation's normalised embeddings
// out (golden data: the texts and photos of cases.json, row by row).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "engine/weights/safetensors.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

std::filesystem::path Golden() { return GoldenPath(); }

std::filesystem::path Snapshot(const TempDir& tmp, const std::string& model,
                               const std::string& tokenizer) {
  return GoldenSnapshot(tmp.path(), model, tokenizer);
}

std::vector<float> Row(const std::filesystem::path& cases, const std::string& tensor, int row) {
  auto f = SafetensorsFile::Open(cases);
  EXPECT_TRUE(f.ok());
  const TensorView* t = (*f)->Find(tensor);
  auto all = *ToFloat32(*t);
  int64_t dim = t->shape[1];
  return std::vector<float>(all.begin() + row * dim, all.begin() + (row + 1) * dim);
}

float MaxAbsDiff(const nlohmann::json& got, const std::vector<float>& want) {
  EXPECT_EQ(got.size(), want.size());
  float m = 0;
  for (size_t i = 0; i < want.size() && i < got.size(); ++i)
    m = std::max(m, std::fabs(got[i].get<float>() - want[i]));
  return m;
}

struct Family {
  const char* model;
  const char* tokenizer;
};

class EmbedCli : public ::testing::TestWithParam<Family> {};

TEST_P(EmbedCli, TextsAndPhotosMatchTheReference) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto dir = Snapshot(tmp, GetParam().model, GetParam().tokenizer);
  auto cases = Golden() / GetParam().model / "cases.safetensors";
  CliResult text = cli.Run({"embed", "--model", dir.string(), "--text", "a photo of a cat",
                            "--text", "an astronaut riding a horse on the moon"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::istringstream lines(text.out);
  std::string line;
  for (int row = 0; std::getline(lines, line); ++row) {
    auto j = nlohmann::json::parse(line);
    EXPECT_LE(MaxAbsDiff(j["embedding"], Row(cases, "text_embeds_normalized", row)), 1e-5f)
        << j["input"];
  }
  // Photos: astronaut and the alpha PNG have no EXIF orientation, so upright == reference.
  CliResult image = cli.Run({"embed", "--model", dir.string(), "--image",
                             (Golden() / "preprocess/images/astronaut.png").string(), "--image",
                             (Golden() / "preprocess/images/chelsea_alpha.png").string()});
  ASSERT_EQ(image.exit_code, 0) << image.err;
  std::istringstream ilines(image.out);
  for (int row = 0; std::getline(ilines, line); ++row) {
    auto j = nlohmann::json::parse(line);
    EXPECT_LE(MaxAbsDiff(j["embedding"], Row(cases, "image_embeds_normalized", row)), 1e-5f)
        << j["input"];
  }
}

INSTANTIATE_TEST_SUITE_P(Families, EmbedCli,
                         ::testing::Values(Family{"clip/tiny-b32", "clip/tokenizer"},
                                           Family{"siglip/tiny-b16", "siglip/tokenizer"}),
                         [](const auto& info) {
                           return std::string(info.param.model).substr(0, 4);
                         });

double Dot(const nlohmann::json& got, const std::vector<float>& want) {
  double d = 0;
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) d += got[i].get<double>() * want[i];
  return d;
}

// --precision int8: the same files, embeddings within cosine 0.999 of the reference's (both
// are L2-normalised, so the cosine is their dot product), and not the float32 numbers.
TEST_P(EmbedCli, Int8PrecisionStaysWithinCosine0999OfTheReference) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto dir = Snapshot(tmp, GetParam().model, GetParam().tokenizer);
  auto cases = Golden() / GetParam().model / "cases.safetensors";
  const std::string image_path = (Golden() / "preprocess/images/astronaut.png").string();
  CliResult f32 = cli.Run({"embed", "--model", dir.string(), "--text", "a photo of a cat"});
  CliResult q8 = cli.Run(
      {"--precision", "int8", "embed", "--model", dir.string(), "--text", "a photo of a cat"});
  CliResult q8_image =
      cli.Run({"--precision", "int8", "embed", "--model", dir.string(), "--image", image_path});
  ASSERT_EQ(f32.exit_code, 0) << f32.err;
  ASSERT_EQ(q8.exit_code, 0) << q8.err;
  ASSERT_EQ(q8_image.exit_code, 0) << q8_image.err;
  auto text = nlohmann::json::parse(q8.out), text_f32 = nlohmann::json::parse(f32.out);
  EXPECT_GE(Dot(text["embedding"], Row(cases, "text_embeds_normalized", 0)), 0.999);
  EXPECT_GE(Dot(nlohmann::json::parse(q8_image.out)["embedding"],
                Row(cases, "image_embeds_normalized", 0)),
            0.999);
  EXPECT_NE(text["embedding"], text_f32["embedding"]) << "--precision int8 ran in float32";

  CliResult bad = cli.Run({"--precision", "fp8", "embed", "--model", dir.string(), "--text", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  ::setenv("SHOEBOX_PRECISION", "fp8", 1);
  CliResult bad_env = cli.Run({"embed", "--model", dir.string(), "--text", "x"});
  ::unsetenv("SHOEBOX_PRECISION");
  EXPECT_NE(bad_env.exit_code, 0);
  EXPECT_NE(bad_env.err.find("SHOEBOX_PRECISION is 'fp8'"), std::string::npos) << bad_env.err;
}

// `models info` loads the model as indexing does (precision auto) and says what it picked
// and what runs each tower's products; the pick is measured once and kept, and an explicit
// --precision wins over it.
TEST_P(EmbedCli, ModelsInfoSaysWhatAutoPickedAndWhatRunsEachTower) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto dir = Snapshot(tmp, GetParam().model, GetParam().tokenizer);
  CliResult first = cli.Run({"models", "info", dir.string(), "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto j = first.Json();
  const std::string picked = j["precision"];
  EXPECT_TRUE(picked == "float32" || picked == "bf16" || picked == "int8") << picked;
  for (const char* tower : {"image", "text"}) {
    int products = 0;
    for (const auto& [backend, n] : j["backends"][tower].items()) {
      EXPECT_NE(backend.find(picked), std::string::npos) << tower << ": " << backend;
      EXPECT_TRUE(backend.starts_with("ours ") || backend.starts_with("onednn ")) << backend;
      products += n.get<int>();
    }
    EXPECT_EQ(products % 4, 0) << tower << ": four products a layer";
    EXPECT_GT(products, 0) << tower;
  }
  EXPECT_NE(j["onednn"].get<std::string>().find("oneDNN"), std::string::npos);
  ASSERT_TRUE(std::filesystem::exists(j["tuning"].get<std::string>()));
  for (int again = 0; again < 2; ++again) {
    CliResult later = cli.Run({"models", "info", dir.string(), "--json"});
    ASSERT_EQ(later.exit_code, 0) << later.err;
    EXPECT_EQ(later.Json()["precision"], picked) << "the kept choice";
  }
  CliResult f32 = cli.Run({"--precision", "float32", "models", "info", dir.string(), "--json"});
  ASSERT_EQ(f32.exit_code, 0) << f32.err;
  EXPECT_EQ(f32.Json()["precision"], "float32");
}

TEST(EmbedCliErrors, BadPhotoIsReportedAndTheRestEmbedded) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto dir = Snapshot(tmp, "clip/tiny-b32", "clip/tokenizer");
  WriteFile(tmp / "notes.jpg", "not a photo");
  CliResult r = cli.Run({"embed", "--model", dir.string(), "--image", (tmp / "notes.jpg").string(),
                         "--image", (Golden() / "preprocess/images/coins.png").string()});
  EXPECT_EQ(r.exit_code, 1);
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_TRUE(nlohmann::json::parse(first).contains("error"));
  EXPECT_EQ(nlohmann::json::parse(second)["embedding"].size(), 32u);
}

TEST(EmbedCliErrors, MissingModelSaysWhereToPutTheFiles) {
  TempDir tmp;
  Cli cli(tmp / "home");
  CliResult r = cli.Run({"embed", "--model", "openai/clip-vit-base-patch32", "--text", "x"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("not downloaded"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("openai--clip-vit-base-patch32"), std::string::npos) << r.err;
}

TEST(BenchEmbed, ReportsTheFourRates) {
  TempDir tmp;
  Cli cli(tmp / "home");
  CliResult r =
      cli.Run({"bench", "embed", "--config", (Golden() / "clip/tiny-b32/config.json").string(),
               "--seconds", "0.05", "--threads", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = r.Json();
  for (const char* key : {"image_per_s_b1", "image_per_s_b32", "text_per_s_b1", "text_per_s_b32"})
    EXPECT_GT(j[key].get<double>(), 0) << key;
}

TEST(BenchEmbed, Int8ReportsItsRatesAndCosineToFloat32) {
  TempDir tmp;
  Cli cli(tmp / "home");
  CliResult r =
      cli.Run({"bench", "embed", "--config", (Golden() / "clip/tiny-b32/config.json").string(),
               "--seconds", "0.05", "--threads", "1", "--json", "--int8"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = r.Json();
  for (const char* key :
       {"image_per_s_b1_int8", "image_per_s_b32_int8", "text_per_s_b1_int8", "text_per_s_b32_int8"})
    EXPECT_GT(j[key].get<double>(), 0) << key;
  EXPECT_GE(j["int8_cosine_image_min"].get<double>(), 0.999);
  EXPECT_LT(j["int8_cosine_image_min"].get<double>(), 1.0);
  EXPECT_GE(j["int8_cosine_text_min"].get<double>(), 0.999);
}

// What an AVX-512 BF16 / VNNI machine is measured with (issue 19): every mode's rates, its
// worst cosine to float32, and which backend and instruction set ran each tower's products.
TEST(BenchEmbed, EveryPrecisionSaysItsRatesCosinesAndWhatRanIt) {
  TempDir tmp;
  Cli cli(tmp / "home");
  for (const std::string mode : {"bf16", "int8", "float32"}) {
    CliResult r =
        cli.Run({"bench", "embed", "--config", (Golden() / "siglip/tiny-b16/config.json").string(),
                 "--seconds", "0.05", "--threads", "2", "--json", "--precision", mode});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = r.Json();
    EXPECT_TRUE(j["kernel"].is_string());
    EXPECT_NE(j["onednn"].get<std::string>().find("oneDNN"), std::string::npos);
    EXPECT_GT(j["backend_float32"]["image"].size(), 0u);
    EXPECT_GT(j["image_per_s_b32"].get<double>(), 0);
    if (mode == "float32") {
      EXPECT_FALSE(j.contains("image_per_s_b32_float32")) << "float32 is measured once";
      continue;
    }
    if (j.contains(mode)) {  // this CPU lacks it: said so, nothing made up
      EXPECT_EQ(j[mode], "unavailable on this CPU");
      EXPECT_FALSE(j.contains("image_per_s_b32_" + mode));
      continue;
    }
    for (const std::string key : {"image_per_s_b32_", "text_per_s_b1_"})
      EXPECT_GT(j[key + mode].get<double>(), 0) << key << mode;
    EXPECT_GE(j[mode + "_cosine_image_min"].get<double>(), 0.999) << mode;
    EXPECT_GE(j[mode + "_cosine_text_min"].get<double>(), 0.999) << mode;
    for (const auto& [tower, counts] : j["backend_" + mode].items())
      for (const auto& [backend, n] : counts.items())
        EXPECT_NE(backend.find(mode), std::string::npos) << tower << ": " << backend;
  }
}

}  // namespace
}  // namespace shoebox::testing
