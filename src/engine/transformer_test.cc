// The pooled last layer (RunEncoderLayerAt) against the full layer it shortcuts: at the
// positions it computes, the rows must be those of RunEncoderLayer, with and without the
// causal mask and padding.
#include "engine/transformer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/tensor/random_for_test.h"

namespace shoebox::engine {
namespace {

TEST(EncoderLayerAt, PooledPositionsEqualTheFullLayer) {
  TowerConfig cfg;
  cfg.hidden = 64;
  cfg.intermediate = 256;
  cfg.layers = 1;
  cfg.heads = 4;
  WeightLoader w(nullptr, "random", 3);
  auto layers = LoadEncoderLayers(w, "layers.", cfg);
  ASSERT_TRUE(w.Finish().ok());
  const int64_t batch = 3, t = 11, d = cfg.hidden;
  const std::vector<int64_t> positions = {0, 7, 10};
  std::vector<int64_t> valid(batch * t, 1);
  valid[1 * t + 9] = valid[1 * t + 10] = 0;  // padding after sequence 1's position 7
  for (bool causal : {false, true}) {
    for (const int64_t* key_valid : std::vector<const int64_t*>{nullptr, valid.data()}) {
      auto x = ops::RandomNormal(batch * t * d, 9);
      auto full = x;
      Scratch s1, s2;
      RunEncoderLayer(layers[0], cfg, full.data(), batch, t, causal, key_valid, &s1);
      RunEncoderLayerAt(layers[0], cfg, x.data(), batch, t, causal, key_valid, positions.data(),
                        &s2);
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t j = 0; j < d; ++j) {
          const int64_t i = (b * t + positions[b]) * d + j;
          ASSERT_NEAR(x[i], full[i], 1e-5 * (1 + std::fabs(full[i])))
              << "sequence " << b << " causal " << causal << " mask " << (key_valid != nullptr);
        }
    }
  }
}

}  // namespace
}  // namespace shoebox::engine
