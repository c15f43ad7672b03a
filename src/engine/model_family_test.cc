#include "engine/model_family.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoebox::engine {
namespace {

// Tiny towers, so that random weights are quick to draw.
std::string TinyConfig(const std::string& type) {
  const std::string tower =
      R"("hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
         "num_attention_heads": 2)";
  return R"({"model_type": ")" + type + R"(", "projection_dim": 16, "text_config": {)" + tower +
         R"(, "vocab_size": 100}, "vision_config": {)" + tower +
         R"(, "image_size": 32, "patch_size": 16}})";
}

TEST(ModelFamily, AnUnknownModelTypeIsRefusedNamingTheSupportedOnes) {
  auto f = FindModelFamily("bert", "config.json");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(f.status().message().find("'bert'"), std::string::npos);
  EXPECT_NE(f.status().message().find("clip, siglip"), std::string::npos);
  EXPECT_EQ(ParseImageTextConfig(R"({"model_type": "bert"})", "x").status().code(),
            StatusCode::kUnsupported);
}

TEST(ModelFamily, AConfigThatOmitsDefaultsParsesToTheFamilysRealArchitecture) {
  auto clip = ParseImageTextConfig(R"({"model_type": "clip"})", "clip");
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->text.tower.hidden, 512);
  EXPECT_EQ(clip->vision.tower.hidden, 768);
  EXPECT_EQ(clip->vision.patch_size, 32);
  EXPECT_EQ(clip->text.max_positions, 77);
  EXPECT_EQ(clip->projection_dim, 512);
  auto siglip = ParseImageTextConfig(R"({"model_type": "siglip"})", "siglip");
  ASSERT_TRUE(siglip.ok()) << siglip.status().ToString();
  EXPECT_EQ(siglip->text.tower.hidden, 768);
  EXPECT_EQ(siglip->vision.patch_size, 16);
  EXPECT_EQ(siglip->text.max_positions, 64);
  EXPECT_EQ(siglip->text.vocab_size, 32000);
}

TEST(ModelFamily, OnlySiglipTurnsAScoreIntoAProbabilityWithItsLearnedScaleAndBias) {
  for (const char* type : {"clip", "siglip"}) {
    auto net = CreateRandomImageTextNetwork(TinyConfig(type), type, 3);
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    EXPECT_EQ((*net)->family(), type);
    auto family = FindModelFamily(type, type);
    ASSERT_TRUE(family.ok());
    const auto p = (*family)->probability(0.12f, **net);
    if (std::string(type) == "clip") {
      EXPECT_FALSE(p.has_value());
      EXPECT_TRUE((*net)->text_uses_mask());
    } else {
      ASSERT_TRUE(p.has_value());
      const double z = 0.12f * (*net)->logit_scale() + (*net)->logit_bias();
      EXPECT_NEAR(*p, 1.0 / (1.0 + std::exp(-z)), 1e-9);
      EXPECT_GT(*p, 0.0);
      EXPECT_LT(*p, 1.0);
      EXPECT_FALSE((*net)->text_uses_mask());
    }
  }
}

}  // namespace
}  // namespace shoebox::engine
