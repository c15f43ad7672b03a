// Test helpers: random inputs and the activations in double precision.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "engine/tensor/ops.h"

namespace shoebox::ops {

inline std::vector<float> RandomNormal(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// The activation functions as their papers define them, in double precision.
inline double ReferenceActivation(Activation a, double x) {
  switch (a) {
    case Activation::kQuickGelu:
      return x / (1 + std::exp(-1.702 * x));
    case Activation::kGelu:
      return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case Activation::kGeluTanh:
      return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  }
  return x;
}

}  // namespace shoebox::ops
