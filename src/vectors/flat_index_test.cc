#include "vectors/flat_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace shoebox::vectors {
namespace {

std::vector<float> UnitRows(int64_t n, int64_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> v(static_cast<size_t>(n * dim));
  for (int64_t r = 0; r < n; ++r) {
    double norm = 0;
    for (int64_t j = 0; j < dim; ++j) norm += std::pow(v[r * dim + j] = d(rng), 2);
    for (int64_t j = 0; j < dim; ++j)
      v[r * dim + j] = static_cast<float>(v[r * dim + j] / std::sqrt(norm));
  }
  return v;
}

std::vector<int64_t> Exact(const std::vector<float>& rows, int64_t n, int64_t dim, const float* q,
                           int64_t k, const std::vector<uint8_t>* allow) {
  std::vector<std::pair<double, int64_t>> s;
  for (int64_t r = 0; r < n; ++r) {
    if (allow && !(*allow)[r]) continue;
    double dot = 0;
    for (int64_t j = 0; j < dim; ++j) dot += double(rows[r * dim + j]) * q[j];
    s.push_back({-dot, r});
  }
  std::sort(s.begin(), s.end());
  std::vector<int64_t> out;
  for (int64_t i = 0; i < k && i < static_cast<int64_t>(s.size()); ++i) out.push_back(s[i].second);
  return out;
}

TEST(FlatIndex, TopKIsTheExactRankingWithAndWithoutAllowList) {
  const int64_t n = 3000, dim = 77;  // dim not a multiple of the 16-wide lanes
  auto rows = UnitRows(n, dim, 1), queries = UnitRows(5, dim, 2);
  FlatIndex index(rows.data(), n, dim);
  std::vector<uint8_t> allow(n);
  for (int64_t i = 0; i < n; ++i) allow[i] = i % 7 == 3;
  for (int qi = 0; qi < 5; ++qi) {
    const float* q = queries.data() + qi * dim;
    auto hits = index.Search(q, 10);
    std::vector<int64_t> got;
    for (const auto& h : hits) got.push_back(h.row);
    EXPECT_EQ(got, Exact(rows, n, dim, q, 10, nullptr));
    for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
    got.clear();
    for (const auto& h : index.Search(q, 10, allow.data())) got.push_back(h.row);
    EXPECT_EQ(got, Exact(rows, n, dim, q, 10, &allow)) << "the filter applies inside the scan";
  }
  EXPECT_EQ(index.Search(queries.data(), 5000).size(), static_cast<size_t>(n));
  EXPECT_TRUE(index.Search(queries.data(), 0).empty());
}

TEST(FlatIndex, Float16StorageKeepsScoresWithinAThousandth) {
  const int64_t n = 500, dim = 512;
  auto rows = UnitRows(n, dim, 3), q = UnitRows(1, dim, 4);
  FlatIndex f32(rows.data(), n, dim), f16(rows.data(), n, dim, Storage::kFloat16);
  std::vector<float> a(n), b(n);
  f32.Scores(q.data(), a.data());
  f16.Scores(q.data(), b.data());
  for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(a[i], b[i], 1e-3);
  auto row = f16.Row(7);
  for (int64_t j = 0; j < dim; ++j) EXPECT_NEAR(row[j], rows[7 * dim + j], 1e-3);
}

TEST(FlatIndex, HalfConversionRoundsToNearest) {
  for (float f : {0.0f, 1.0f, -2.5f, 0.333333f, 1e-3f, -0.0999f, 65504.0f})
    EXPECT_NEAR(HalfToFloatFast(FloatToHalf(f)), f, std::abs(f) / 1024 + 1e-7) << f;
}

}  // namespace
}  // namespace shoebox::vectors
