// Standalone check of the AVX-512 kernels against a naive product, for machines without the
// project's libraries (this CPU may hide AVX-512; build static here, copy, run there):
//   g++ -std=c++20 -O3 -static -fno-trapping-math -mavx512f -mfma -Isrc
//   tools/devcheck/avx512_check.cc \
//       src/engine/tensor/compute_pool.cc src/engine/tensor/kernels_avx512.cc -pthread -o
//       avx512_check
// Prints one line per shape; exit 1 on any mismatch, 2 if the CPU lacks AVX-512.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "engine/tensor/compute_pool.h"
#include "engine/tensor/kernel_table.h"

using shoebox::ops::internal::Avx512Kernels;
using shoebox::ops::internal::PackedFloats;

int main() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) {
    std::printf("no avx512f\n");
    return 2;
  }
  const auto* t = Avx512Kernels();
  std::mt19937 rng(1);
  std::normal_distribution<float> nd(0, 1);
  int bad = 0;
  const int shapes[][3] = {{1, 1, 1},     {5, 17, 3},     {13, 96, 257},
                           {50, 768, 64}, {61, 100, 520}, {200, 72, 33}};
  for (auto& s : shapes) {
    int m = s[0], n = s[1], k = s[2];
    std::vector<float> x(m * k), w(n * k), b(n), y(m * n), packed(PackedFloats(n, k, t->nr));
    for (auto& v : x) v = nd(rng);
    for (auto& v : w) v = nd(rng);
    for (auto& v : b) v = nd(rng);
    t->pack(w.data(), n, k, packed.data());
    for (int act = -1; act <= 1; ++act) {
      t->linear(x.data(), m, k, packed.data(), n, k, b.data(), false, act, y.data(), n);
      double worst = 0;
      for (int r = 0; r < m; ++r)
        for (int c = 0; c < n; ++c) {
          double sum = b[c];
          for (int p = 0; p < k; ++p) sum += double(x[r * k + p]) * w[c * k + p];
          if (act == 0) sum = sum / (1 + std::exp(-1.702 * sum));
          if (act == 1) sum = 0.5 * sum * (1 + std::erf(sum / std::sqrt(2.0)));
          worst = std::max(worst, std::abs(y[r * n + c] - sum) / (1 + std::abs(sum)));
        }
      bool ok = worst < 1e-5 + 1e-7 * k;
      bad += !ok;
      std::printf("%s %dx%dx%d act %d: max rel err %.2e %s\n", t->name, m, n, k, act, worst,
                  ok ? "ok" : "BAD");
    }
  }
  // Speed of one large product on one thread.
  int m = 1600, n = 3072, k = 768;
  std::vector<float> x(m * k, 0.5f), w(n * k, 0.25f), y(m * n), packed(PackedFloats(n, k, t->nr));
  t->pack(w.data(), n, k, packed.data());
  auto t0 = std::chrono::steady_clock::now();
  int reps = 0;
  double sec = 0;
  do {
    t->linear(x.data(), m, k, packed.data(), n, k, nullptr, false, -1, y.data(), n);
    ++reps;
    sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (sec < 2);
  std::printf("%dx%dx%d: %.1f GFLOP/s on %d thread(s)\n", m, n, k,
              2.0 * m * n * k * reps / sec / 1e9, shoebox::ops::ComputePool::Get().threads());
  return bad ? 1 : 0;
}
