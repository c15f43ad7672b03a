#include "engine/tensor/gemm.h"

#include <cblas.h>
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

#include "engine/tensor/activation_math.h"
#include "engine/tensor/compute_pool.h"
#include "engine/tensor/kernel_table.h"

namespace shoebox::ops {
namespace {

using internal::KernelTable;

// The portable path: the plain [out, in] layout, CBLAS per slice of output columns, one
// slice per task (OpenBLAS itself is kept single-threaded, see compute_pool.h).
void GenericPack(const float* w, int64_t out, int64_t in, float* dst) {
  std::memcpy(dst, w, static_cast<size_t>(out * in) * sizeof(float));
}

struct GenericJob {
  const float* x;
  int64_t m, ldx;
  const float* w;
  int64_t n, k;
  const float* bias;
  bool accumulate;
  int act;
  float* y;
  int64_t ldy, cols_per_task;
};

void GenericSlice(void* ctx, int64_t task) {
  auto& j = *static_cast<GenericJob*>(ctx);
  const int64_t c0 = task * j.cols_per_task, cols = std::min(j.cols_per_task, j.n - c0);
  if (cols <= 0) return;
  if (j.bias || j.accumulate) {
    for (int64_t r = 0; r < j.m; ++r) {
      float* row = j.y + r * j.ldy + c0;
      if (!j.accumulate)
        std::memcpy(row, j.bias + c0, static_cast<size_t>(cols) * sizeof(float));
      else if (j.bias)
        for (int64_t c = 0; c < cols; ++c) row[c] += j.bias[c0 + c];
    }
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(j.m),
              static_cast<int>(cols), static_cast<int>(j.k), 1.0f, j.x, static_cast<int>(j.ldx),
              j.w + c0 * j.k, static_cast<int>(j.k), (j.bias || j.accumulate) ? 1.0f : 0.0f,
              j.y + c0, static_cast<int>(j.ldy));
  if (j.act >= 0)
    for (int64_t r = 0; r < j.m; ++r) ActivateRow(j.act, j.y + r * j.ldy + c0, cols);
}

void GenericLinear(const float* x, int64_t m, int64_t ldx, const float* w, int64_t n, int64_t k,
                   const float* bias, bool accumulate, int act, float* y, int64_t ldy) {
  ComputePool& pool = ComputePool::Get();
  const int64_t tasks = (m * n * k < (1 << 18)) ? 1 : pool.threads();
  GenericJob j{x, m, ldx, w, n, k, bias, accumulate, act, y, ldy, (n + tasks - 1) / tasks};
  pool.ParallelFor(tasks, &GenericSlice, &j);
}

void GenericActivate(int act, float* x, int64_t n) { ActivateRow(act, x, n); }
void GenericSoftmax(float* x, int64_t n) { SoftmaxRow(x, n); }

const KernelTable kGeneric = {"generic",      0, &GenericPack, &GenericLinear, &GenericActivate,
                              &GenericSoftmax};

bool CpuHas(const char* what) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (std::strcmp(what, "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(what, "avx512") == 0) return __builtin_cpu_supports("avx512f");
#endif
  (void)what;
  return false;
}

std::vector<const KernelTable*> Tables() {
  std::vector<const KernelTable*> t;
  if (internal::Avx512Kernels() && CpuHas("avx512")) t.push_back(internal::Avx512Kernels());
  if (internal::Avx2Kernels() && CpuHas("avx2")) t.push_back(internal::Avx2Kernels());
  t.push_back(&kGeneric);
  return t;
}

const KernelTable* FindTable(const std::string& name) {
  for (const KernelTable* t : Tables())
    if (name == t->name) return t;
  return nullptr;
}

const KernelTable* Active() {
  static const KernelTable* active = [] {
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(1);
#endif
    const char* env = std::getenv("SHOEBOX_KERNEL");
    if (env && *env)
      if (const KernelTable* t = FindTable(env)) return t;
    return Tables().front();
  }();
  return active;
}

}  // namespace

std::vector<std::string> AvailableKernels() {
  std::vector<std::string> names;
  for (const KernelTable* t : Tables()) names.push_back(t->name);
  return names;
}

std::string ActiveKernel() { return Active()->name; }

const std::string& PackedWeights::kernel() const {
  static const std::string none;
  static const std::string names[] = {"generic", "avx2", "avx512"};
  if (!table_) return none;
  for (const auto& n : names)
    if (n == table_->name) return n;
  return none;
}

PackedWeights PackedWeights::Pack(const float* w, int64_t out, int64_t in,
                                  const std::string& kernel) {
  PackedWeights p;
  p.table_ = kernel.empty() ? Active() : FindTable(kernel);
  if (!p.table_) p.table_ = Active();
  p.out_ = out;
  p.in_ = in;
  p.floats_ = p.table_->nr ? internal::PackedFloats(out, in, p.table_->nr) : out * in;
  // Large matrices on 2 MB pages where the kernel offers them: a 600 MB model is otherwise
  // ~150,000 page faults, half of the load time.
  constexpr size_t kHuge = 2u << 20;
  const size_t align = p.floats_ * sizeof(float) >= kHuge ? kHuge : 64;
  size_t bytes = (static_cast<size_t>(p.floats_) * sizeof(float) + align - 1) / align * align;
  float* data = static_cast<float*>(std::aligned_alloc(align, bytes == 0 ? align : bytes));
  if (!data) std::abort();
#ifdef MADV_HUGEPAGE
  if (align == kHuge) madvise(data, bytes, MADV_HUGEPAGE);
#endif
  p.table_->pack(w, out, in, data);
  p.data_.reset(data, [](const float* f) { std::free(const_cast<float*>(f)); });
  return p;
}

int64_t PackedWeights::PackedSize(int64_t out, int64_t in, const std::string& kernel) {
  const KernelTable* t = FindTable(kernel);
  if (!t) return 0;
  return t->nr ? internal::PackedFloats(out, in, t->nr) : out * in;
}

std::optional<PackedWeights> PackedWeights::Borrow(std::shared_ptr<const void> owner,
                                                   const float* data, int64_t floats, int64_t out,
                                                   int64_t in, const std::string& kernel) {
  const KernelTable* t = FindTable(kernel);
  if (!t || out <= 0 || in <= 0 || floats != PackedSize(out, in, kernel) ||
      reinterpret_cast<uintptr_t>(data) % 64 != 0)
    return std::nullopt;
  PackedWeights p;
  p.table_ = t;
  p.out_ = out;
  p.in_ = in;
  p.floats_ = floats;
  p.data_ = std::shared_ptr<const float>(owner, data);
  return p;
}

void Softmax(float* row, int64_t n) { Active()->softmax(row, n); }

void ActivateWithActiveKernel(Activation act, float* x, int64_t n) {
  Active()->activate(static_cast<int>(act), x, n);
}

void PackedWeights::UnpackRows(int64_t first, int64_t count, float* dst) const {
  const float* src = data_.get();
  const int64_t nr = table_->nr;
  if (nr == 0) {
    std::memcpy(dst, src + first * in_, static_cast<size_t>(count * in_) * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    const int64_t r = first + i;
    const float* panel = src + (r / nr) * nr * in_ + r % nr;
    for (int64_t k = 0; k < in_; ++k) dst[i * in_ + k] = panel[k * nr];
  }
}

void Linear(const float* x, int64_t rows, const PackedWeights& w, const float* bias, float* y,
            const LinearOptions& o) {
  const int act = o.activation ? static_cast<int>(*o.activation) : -1;
  w.table_->linear(x, rows, o.ldx ? o.ldx : w.in_, w.data_.get(), w.out_, w.in_, bias, o.accumulate,
                   act, y, o.ldy ? o.ldy : w.out_);
}

}  // namespace shoebox::ops
