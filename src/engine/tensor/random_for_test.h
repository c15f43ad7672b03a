// Test helper: n values drawn from N(0, 1), reproducibly.
#pragma once

#include <random>
#include <vector>

namespace shoebox::ops {

inline std::vector<float> RandomNormal(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace shoebox::ops
