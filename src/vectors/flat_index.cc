#include "vectors/flat_index.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "engine/tensor/compute_pool.h"
#include "vectors/dot_kernels.h"

namespace shoebox::vectors {
namespace internal {

bool UseDotAvx2() {
#if defined(__x86_64__)
  static const bool yes = [] {
    __builtin_cpu_init();
    return HaveDotAvx2() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("f16c");
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace internal
namespace {

constexpr int kLanes = 16;

bool UseAvx2() { return internal::UseDotAvx2(); }

// Rows scored per block: the block's scores stay in L1 while the heap looks at them.
constexpr int64_t kBlock = 256;

float Dot(const float* a, const float* b, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += a[i + j] * b[i + j];
  float s = 0;
  for (; i < n; ++i) s += a[i] * b[i];
  for (int j = 0; j < kLanes; ++j) s += acc[j];
  return s;
}

float DotHalf(const uint16_t* a, const float* b, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += HalfToFloatFast(a[i + j]) * b[i + j];
  float s = 0;
  for (; i < n; ++i) s += HalfToFloatFast(a[i]) * b[i];
  for (int j = 0; j < kLanes; ++j) s += acc[j];
  return s;
}

}  // namespace

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xFF) - 127 + 15;
  uint32_t mant = x & 0x7FFFFFu;
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7C00u);  // embeddings never get here
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - exp);
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) ++half;  // round to nearest even
  return static_cast<uint16_t>(half);
}

// Branch-free for normal numbers and zero (what normalised embeddings contain); subnormal
// halves (< 6e-5) read as zero, which moves a cosine by under 1e-4 at worst.
float HalfToFloatFast(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t rest = h & 0x7FFFu;
  const uint32_t bits = rest < 0x0400u ? sign : sign | ((rest << 13) + (112u << 23));
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

FlatIndex::FlatIndex(const float* rows, int64_t n, int64_t dim, Storage storage)
    : n_(n), dim_(dim), storage_(storage) {
  const size_t total = static_cast<size_t>(n * dim);
  if (storage == Storage::kFloat32) {
    f32_.assign(rows, rows + total);
  } else {
    f16_.resize(total);
    for (size_t i = 0; i < total; ++i) f16_[i] = FloatToHalf(rows[i]);
  }
  f32p_ = f32_.data();
  f16p_ = f16_.data();
}

FlatIndex::FlatIndex(std::shared_ptr<const void> owner, const float* rows, int64_t n, int64_t dim)
    : n_(n), dim_(dim), storage_(Storage::kFloat32), owner_(std::move(owner)), f32p_(rows) {}

void FlatIndex::ScoreBlock(const float* query, int64_t r0, int64_t n, float* out) const {
  if (UseAvx2()) {
    if (storage_ == Storage::kFloat32)
      internal::DotRowsAvx2(f32p_ + r0 * dim_, n, dim_, query, out);
    else
      internal::DotRowsHalfAvx2(f16p_ + r0 * dim_, n, dim_, query, out);
    return;
  }
  for (int64_t r = 0; r < n; ++r)
    out[r] = storage_ == Storage::kFloat32 ? Dot(f32p_ + (r0 + r) * dim_, query, dim_)
                                           : DotHalf(f16p_ + (r0 + r) * dim_, query, dim_);
}

void FlatIndex::Scores(const float* query, float* out) const {
  for (int64_t r0 = 0; r0 < n_; r0 += kBlock)
    ScoreBlock(query, r0, std::min(kBlock, n_ - r0), out + r0);
}

namespace {

bool Better(const Hit& a, const Hit& b) {
  return a.score > b.score || (a.score == b.score && a.row < b.row);
}

// Below this many rows one thread is faster than waking the others.
constexpr int64_t kParallelRows = 32768;

}  // namespace

std::vector<Hit> FlatIndex::Search(const float* query, int64_t k, const uint8_t* allow) const {
  if (k <= 0) return {};
  const int64_t parts =
      n_ >= kParallelRows ? std::min<int64_t>(ops::ComputePool::Get().threads(), 8) : 1;
  if (parts <= 1) return SearchRange(query, k, allow, 0, n_);
  // Each part keeps its own best k; the merged best k are the same rows in the same order.
  const int64_t chunk = ((n_ + parts - 1) / parts + kBlock - 1) / kBlock * kBlock;
  std::vector<std::vector<Hit>> partial(static_cast<size_t>(parts));
  ops::ParallelFor(parts, [&](int64_t p) {
    const int64_t begin = p * chunk;
    if (begin < n_)
      partial[static_cast<size_t>(p)] =
          SearchRange(query, k, allow, begin, std::min(n_, begin + chunk));
  });
  std::vector<Hit> out;
  for (auto& p : partial) out.insert(out.end(), p.begin(), p.end());
  std::sort(out.begin(), out.end(), Better);
  if (static_cast<int64_t>(out.size()) > k) out.resize(static_cast<size_t>(k));
  return out;
}

std::vector<Hit> FlatIndex::SearchRange(const float* query, int64_t k, const uint8_t* allow,
                                        int64_t begin, int64_t end) const {
  // A min-heap of the best k so far: the worst kept is on top.
  auto worse = [](const Hit& a, const Hit& b) {
    return a.score > b.score || (a.score == b.score && a.row < b.row);
  };
  std::priority_queue<Hit, std::vector<Hit>, decltype(worse)> best(worse);
  float block[kBlock];
  for (int64_t r0 = begin; r0 < end; r0 += kBlock) {
    const int64_t m = std::min(kBlock, end - r0);
    ScoreBlock(query, r0, m,
               block);  // rows the filter drops are scored too: cheaper than branching
    for (int64_t i = 0; i < m; ++i) {
      const int64_t r = r0 + i;
      if (allow && !allow[r]) continue;
      const float s = block[i];
      if (static_cast<int64_t>(best.size()) < k) {
        best.push({r, s});
      } else if (s > best.top().score) {
        best.pop();
        best.push({r, s});
      }
    }
  }
  std::vector<Hit> out;
  while (!best.empty()) {
    out.push_back(best.top());
    best.pop();
  }
  std::sort(out.begin(), out.end(), Better);
  return out;
}

std::vector<float> FlatIndex::Row(int64_t i) const {
  std::vector<float> v(static_cast<size_t>(dim_));
  for (int64_t j = 0; j < dim_; ++j)
    v[static_cast<size_t>(j)] = storage_ == Storage::kFloat32
                                    ? f32p_[static_cast<size_t>(i * dim_ + j)]
                                    : HalfToFloatFast(f16p_[static_cast<size_t>(i * dim_ + j)]);
  return v;
}

}  // namespace shoebox::vectors
