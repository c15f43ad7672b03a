// Vectors that behave like photo embeddings, for benchmarks and recall tests: uniformly random
// vectors in 512 dimensions have no neighbourhood structure (every point is nearly equidistant
// from every other) and defeat every graph index, which says nothing about real libraries.
//
// Generator: `clusters` centres uniform on the unit sphere; cluster weights w_c = u_c^2 (u
// uniform in (0, 1]: a few large clusters, many small ones, like bursts of photos of one
// scene); each point = normalise(centre + s_c * g / sqrt(dim)) with g standard normal and a
// per-cluster spread s_c uniform in [0.4, 1.2] (cosine to the centre about 0.64-0.93).
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

namespace shoebox::vectors {

// [n, dim] row-major, rows L2-normalised.
std::vector<float> ClusteredVectors(int64_t n, int64_t dim, int64_t clusters, uint64_t seed);

}  // namespace shoebox::vectors
