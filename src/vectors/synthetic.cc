#include "vectors/synthetic.h"

#include <cmath>
#include <random>

namespace shoebox::vectors {

std::vector<float> ClusteredVectors(int64_t n, int64_t dim, int64_t clusters, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::uniform_real_distribution<double> uniform(1e-3, 1.0);
  auto normalise = [dim](float* v) {
    double s = 0;
    for (int64_t j = 0; j < dim; ++j) s += double(v[j]) * v[j];
    const float inv = static_cast<float>(1.0 / std::sqrt(s));
    for (int64_t j = 0; j < dim; ++j) v[j] *= inv;
  };
  std::vector<float> centres(static_cast<size_t>(clusters * dim));
  std::vector<double> weights(static_cast<size_t>(clusters));
  std::vector<float> spread(static_cast<size_t>(clusters));
  std::uniform_real_distribution<float> spreads(0.4f, 1.2f);
  for (int64_t c = 0; c < clusters; ++c) {
    for (int64_t j = 0; j < dim; ++j) centres[c * dim + j] = normal(rng);
    normalise(&centres[c * dim]);
    const double u = uniform(rng);
    weights[c] = u * u;
    spread[c] = spreads(rng);
  }
  std::discrete_distribution<int64_t> pick(weights.begin(), weights.end());
  std::vector<float> out(static_cast<size_t>(n * dim));
  const float scale = 1.0f / std::sqrt(static_cast<float>(dim));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = pick(rng);
    float* v = &out[i * dim];
    for (int64_t j = 0; j < dim; ++j) v[j] = centres[c * dim + j] + spread[c] * scale * normal(rng);
    normalise(v);
  }
  return out;
}

}  // namespace shoebox::vectors
