// Nearest neighbours by cosine similarity over L2-normalised vectors (so: dot products).
//
// FlatIndex is exact: one pass over contiguous rows, float32 or float16 storage, the dot
// products in AVX2+FMA (+F16C) where the CPU has them (dot_avx2.cc), else loops the compiler
// vectorises (16 independent lanes, no reassociation needed). It is memory-bound: 200,000 x 512
// float32 is 400 MB read per query. An optional allow-list is applied inside the scan, so a
// filtered query still returns k hits when k rows pass the filter (never "top-k, then filter").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shoebox::vectors {

struct Hit {
  int64_t row = 0;  // position in the index
  float score = 0;  // cosine similarity
};

enum class Storage { kFloat32, kFloat16 };

class FlatIndex {
 public:
  // rows: [n, dim] row-major.
  FlatIndex(const float* rows, int64_t n, int64_t dim, Storage storage = Storage::kFloat32);
  // float32 rows used in place (no copy), kept alive by owner (e.g. a mapped vector file).
  FlatIndex(std::shared_ptr<const void> owner, const float* rows, int64_t n, int64_t dim);
  FlatIndex(const FlatIndex&) = delete;  // it may point into itself
  FlatIndex& operator=(const FlatIndex&) = delete;
  int64_t size() const { return n_; }
  int64_t dim() const { return dim_; }
  Storage storage() const { return storage_; }

  // The k best rows for the query, best first (ties: lower row first). allow: null, or one
  // byte per row (0 = skip). Large indexes are scanned on the compute pool's threads (the
  // scan is bound by memory bandwidth, which one core does not saturate).
  std::vector<Hit> Search(const float* query, int64_t k, const uint8_t* allow = nullptr) const;
  // Every row's score (for thresholds: duplicates, relevance cut-offs).
  void Scores(const float* query, float* out) const;
  // Row i as float32.
  std::vector<float> Row(int64_t i) const;

 private:
  void ScoreBlock(const float* query, int64_t r0, int64_t n, float* out) const;
  std::vector<Hit> SearchRange(const float* query, int64_t k, const uint8_t* allow, int64_t begin,
                               int64_t end) const;
  int64_t n_, dim_;
  Storage storage_;
  std::vector<float> f32_;
  std::vector<uint16_t> f16_;
  std::shared_ptr<const void> owner_;
  const float* f32p_ = nullptr;  // f32_.data() or borrowed rows
  const uint16_t* f16p_ = nullptr;
};

uint16_t FloatToHalf(float f);
float HalfToFloatFast(uint16_t h);

}  // namespace shoebox::vectors
