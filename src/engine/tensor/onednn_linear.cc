#include "engine/tensor/onednn_linear.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "engine/tensor/compute_pool.h"
#include "engine/tensor/onednn_rows.h"

// oneDNN's CPU runtime here is OpenMP (Debian builds it so); a thread's setting of the team
// size is what its calls use.
extern "C" void omp_set_num_threads(int n);

namespace shoebox::ops {

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
using Dt = memory::data_type;

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& Stream() {
  thread_local dnnl::stream stream(Engine());
  return stream;
}

Dt SourceType(OnednnType t) {
  switch (t) {
    case OnednnType::kFloat32:
      return Dt::f32;
    case OnednnType::kBf16:
      return Dt::bf16;
    case OnednnType::kInt8:
      return Dt::s8;
  }
  return Dt::f32;
}

// The row count the weights' layout is chosen for: a batch of image tokens. The layouts
// oneDNN picks for float32, bf16 and int8 do not depend on it (checked for 1..1600 rows),
// and a primitive for any other row count accepts the same layout.
constexpr int64_t kLayoutRows = 256;

dnnl::algorithm Algorithm(Activation a, float* alpha) {
  *alpha = 0;
  switch (a) {
    case Activation::kQuickGelu:  // x * sigmoid(1.702 x)
      *alpha = 1.702f;
      return dnnl::algorithm::eltwise_swish;
    case Activation::kGelu:
      return dnnl::algorithm::eltwise_gelu_erf;
    case Activation::kGeluTanh:
      return dnnl::algorithm::eltwise_gelu_tanh;
  }
  return dnnl::algorithm::eltwise_gelu_erf;
}

// The row loops in the best build this CPU runs.
const internal::OnednnRowKernels& Rows() {
  static const internal::OnednnRowKernels portable = {&RowsToBf16, &QuantizeRows, &FinishRows};
  static const internal::OnednnRowKernels* rows = [] {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (internal::Avx2OnednnRows() && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma"))
      return internal::Avx2OnednnRows();
#endif
    return &portable;
  }();
  return *rows;
}

}  // namespace

struct OnednnWeights::Matrix {
  OnednnType type = OnednnType::kFloat32;
  int64_t out = 0, in = 0;
  memory::desc weights_md;
  memory weights;
  std::vector<float> scales;  // int8: per output channel

  // What makes one primitive differ from another for the same weights.
  using Key = std::tuple<int64_t, int64_t, int64_t, bool, bool, int>;  // rows ldx ldy bias acc act
  struct Primitive {
    dnnl::matmul matmul;
    size_t scratch = 0;
    std::string impl;
  };
  std::mutex mu;
  std::map<Key, std::shared_ptr<const Primitive>> primitives;

  std::shared_ptr<const Primitive> Get(int64_t rows, int64_t ldx, int64_t ldy, bool bias,
                                       bool accumulate, int act) {
    const Key key{rows, ldx, ldy, bias, accumulate, act};
    std::lock_guard lock(mu);
    auto it = primitives.find(key);
    if (it != primitives.end()) return it->second;
    auto p = std::make_shared<Primitive>();
    const bool q8 = type == OnednnType::kInt8;
    // int8 sums into int32 rows of their own; the epilogue applies everything else.
    const memory::desc src(
        {rows, in}, SourceType(type),
        type == OnednnType::kFloat32 ? memory::dims{ldx, 1} : memory::dims{in, 1});
    const memory::desc dst({rows, out}, q8 ? Dt::s32 : Dt::f32,
                           q8 ? memory::dims{out, 1} : memory::dims{ldy, 1});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    std::unique_ptr<dnnl::matmul::desc> desc;
    if (!q8) {
      // As the other kernels: act(y + x W^T + bias) when both are asked for.
      dnnl::post_ops po;
      if (accumulate) po.append_sum(1.0f);
      if (act >= 0) {
        float alpha = 0;
        const dnnl::algorithm alg = Algorithm(static_cast<Activation>(act), &alpha);
        po.append_eltwise(1.0f, alg, alpha, 0.0f);
      }
      attr.set_post_ops(po);
    }
    if (!q8 && bias)
      desc = std::make_unique<dnnl::matmul::desc>(src, weights_md,
                                                  memory::desc({1, out}, Dt::f32, Tag::ab), dst);
    else
      desc = std::make_unique<dnnl::matmul::desc>(src, weights_md, dst);
    dnnl::matmul::primitive_desc pd(*desc, attr, Engine());
    p->matmul = dnnl::matmul(pd);
    p->scratch = pd.scratchpad_desc().get_size();
    p->impl = pd.impl_info_str();
    primitives.emplace(key, p);
    return p;
  }
};

const char* OnednnTypeName(OnednnType type) {
  switch (type) {
    case OnednnType::kFloat32:
      return "float32";
    case OnednnType::kBf16:
      return "bf16";
    case OnednnType::kInt8:
      return "int8";
  }
  return "?";
}

std::string OnednnIsa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "other";
  }
}

std::string OnednnVersion() {
  const dnnl_version_t* v = dnnl_version();
  char buf[48];
  std::snprintf(buf, sizeof buf, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
  return buf;
}

bool OnednnSupports(OnednnType type) {
  // The values of the ISAs are bit sets, each holding the bits of those it extends.
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  auto has = [isa](dnnl::cpu_isa want) {
    const auto bits = static_cast<unsigned>(want);
    return (isa & bits) == bits;
  };
  switch (type) {
    case OnednnType::kFloat32:
      return true;
    case OnednnType::kBf16:  // native bf16 dot products: AVX-512 BF16, AMX
      return has(dnnl::cpu_isa::avx512_core_bf16);
    case OnednnType::kInt8:
      // Without VNNI oneDNN multiplies u8 x s8 pairs into saturating 16-bit sums
      // (vpmaddubsw), which clips large activations; int8_gemm.h's kernel does not.
      return has(dnnl::cpu_isa::avx512_core_vnni) || has(dnnl::cpu_isa::avx2_vnni);
  }
  return false;
}

int64_t OnednnWeights::out() const { return m_ ? m_->out : 0; }
int64_t OnednnWeights::in() const { return m_ ? m_->in : 0; }
OnednnType OnednnWeights::type() const { return m_ ? m_->type : OnednnType::kFloat32; }
size_t OnednnWeights::bytes() const {
  return m_ ? m_->weights_md.get_size() + m_->scales.size() * sizeof(float) : 0;
}

std::string OnednnWeights::Implementation(int64_t rows) const {
  if (!m_) return "";
  try {
    return m_->Get(rows, m_->in, m_->out, true, false, -1)->impl;
  } catch (const dnnl::error&) {
    return "";
  }
}

OnednnWeights OnednnWeights::Make(const float* w, int64_t out, int64_t in, OnednnType type) {
  if (!OnednnSupports(type) || out <= 0 || in <= 0) return {};
  omp_set_num_threads(1);  // the reorder on this thread alone: callers run Make in parallel
  try {
    auto m = std::make_shared<Matrix>();
    m->type = type, m->out = out, m->in = in;
    const Dt dt = SourceType(type);
    const bool q8 = type == OnednnType::kInt8;
    {
      const memory::desc src({kLayoutRows, in}, dt, Tag::ab);
      const memory::desc any({in, out}, dt, Tag::any);
      const memory::desc dst({kLayoutRows, out}, q8 ? Dt::s32 : Dt::f32, Tag::ab);
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, any, dst), Engine());
      m->weights_md = pd.weights_desc();
    }
    // W[out, in] row-major is the [in, out] weights matrix with strides {1, in} (tag ba).
    memory user;
    // Reused between matrices: fresh pages for each of a model's 96 matrices were most of a
    // load's switch to oneDNN (page faults, not arithmetic).
    thread_local std::vector<int8_t> q;
    if (q8) {
      m->scales.resize(static_cast<size_t>(out));
      q.resize(static_cast<size_t>(out * in));
      // One scale per output channel: the same rounding as the activations' rows.
      Rows().quantize(w, out, in, in, q.data(), m->scales.data());
      user = memory(memory::desc({in, out}, Dt::s8, Tag::ba), Engine(), q.data());
    } else {  // the reorder converts float32 to bf16 where asked
      user = memory(memory::desc({in, out}, Dt::f32, Tag::ba), Engine(), const_cast<float*>(w));
    }
    m->weights = memory(m->weights_md, Engine());
    dnnl::reorder(user, m->weights).execute(Stream(), user, m->weights);
    Stream().wait();
    OnednnWeights result;
    result.m_ = std::move(m);
    // A primitive for one row and for a batch, made now, so that a backend that cannot make
    // them is refused here rather than failing inside a forward pass.
    result.m_->Get(1, in, out, true, false, -1);
    result.m_->Get(kLayoutRows, in, out, true, false, -1);
    return result;
  } catch (const dnnl::error& e) {
    return {};
  }
}

OnednnWeights OnednnWeights::Make(const PackedWeights& w, OnednnType type) {
  if (w.empty()) return {};
  thread_local std::vector<float> plain;  // reused, as Make's int8 buffer
  plain.resize(static_cast<size_t>(w.out() * w.in()));
  w.Unpack(plain.data());
  return Make(plain.data(), w.out(), w.in(), type);
}

namespace {

// One product split into row blocks, one per compute-pool thread: each runs oneDNN on one
// thread for its rows, with its own conversion (bf16), quantisation and epilogue (int8).
struct Job {
  const OnednnWeights::Matrix* m;
  const float* x;
  int64_t rows, ldx, ldy, per;  // per: rows in each block
  const float* bias;
  float* y;
  bool accumulate;
  int act;
  std::shared_ptr<const OnednnWeights::Matrix::Primitive> full, last;  // block row counts
};

void RunBlock(void* ctx, int64_t i) {
  const Job& j = *static_cast<const Job*>(ctx);
  const OnednnWeights::Matrix& m = *j.m;
  const int64_t r0 = i * j.per, n = std::min(j.per, j.rows - r0);
  if (n <= 0) return;
  const auto& p = n == j.per ? j.full : j.last;
  const int64_t in = m.in, out = m.out;
  const bool q8 = m.type == OnednnType::kInt8;
  thread_local bool single = [] {
    omp_set_num_threads(1);  // this thread's oneDNN calls run on it alone
    return true;
  }();
  (void)single;
  thread_local std::vector<uint8_t> scratch, source;
  thread_local std::vector<int32_t> sums;
  thread_local std::vector<float> x_scales, v;
  scratch.resize(std::max<size_t>(p->scratch, 1));
  const float* x = j.x + r0 * j.ldx;
  void* src = const_cast<float*>(x);
  void* dst = j.y + r0 * j.ldy;
  if (m.type == OnednnType::kBf16) {
    source.resize(static_cast<size_t>(n * in) * 2);
    auto* b = reinterpret_cast<uint16_t*>(source.data());
    Rows().to_bf16(x, n, in, j.ldx, b);
    src = b;
  } else if (q8) {
    // The int8 mode's activations: one symmetric scale per row (int8_gemm.h).
    source.resize(static_cast<size_t>(n * in));
    sums.resize(static_cast<size_t>(n * out));
    x_scales.resize(static_cast<size_t>(n));
    auto* q = reinterpret_cast<int8_t*>(source.data());
    Rows().quantize(x, n, in, j.ldx, q, x_scales.data());
    src = q;
    dst = sums.data();
  }
  const dnnl::engine& e = Engine();
  const memory::desc src_md(
      {n, in}, SourceType(m.type),
      m.type == OnednnType::kFloat32 ? memory::dims{j.ldx, 1} : memory::dims{in, 1});
  const memory::desc dst_md({n, out}, q8 ? Dt::s32 : Dt::f32,
                            q8 ? memory::dims{out, 1} : memory::dims{j.ldy, 1});
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, memory(src_md, e, src)},
      {DNNL_ARG_WEIGHTS, m.weights},
      {DNNL_ARG_DST, memory(dst_md, e, dst)},
      {DNNL_ARG_SCRATCHPAD,
       memory(memory::desc({static_cast<int64_t>(scratch.size())}, Dt::u8, Tag::a), e,
              scratch.data())}};
  if (j.bias && !q8)
    args.emplace(DNNL_ARG_BIAS,
                 memory(memory::desc({1, out}, Dt::f32, Tag::ab), e, const_cast<float*>(j.bias)));
  p->matmul.execute(Stream(), args);
  Stream().wait();
  if (!q8) return;
  v.resize(static_cast<size_t>(out));
  Rows().finish(
      sums.data(), n, out, x_scales.data(), m.scales.data(), j.bias, j.accumulate, j.act,
      [](int act, float* x, int64_t count) {
        ActivateWithActiveKernel(static_cast<Activation>(act), x, count);
      },
      j.y + r0 * j.ldy, j.ldy, v.data());
}

}  // namespace

void Linear(const float* x, int64_t rows, const OnednnWeights& w, const float* bias, float* y,
            const LinearOptions& o) {
  if (rows <= 0) return;
  OnednnWeights::Matrix& m = *w.m_;
  const bool q8 = m.type == OnednnType::kInt8;
  ComputePool& pool = ComputePool::Get();
  Job j{&m,
        x,
        rows,
        o.ldx ? o.ldx : m.in,
        o.ldy ? o.ldy : m.out,
        0,
        bias,
        y,
        o.accumulate,
        o.activation ? static_cast<int>(*o.activation) : -1,
        nullptr,
        nullptr};
  // Blocks of at least 8 rows (fewer leave the weights' reads unshared for little gain).
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>(pool.threads(), rows / 8));
  j.per = (rows + blocks - 1) / blocks;
  const int64_t last = rows - (blocks - 1) * j.per;
  try {
    auto get = [&](int64_t n) {
      return m.Get(n, q8 ? m.in : j.ldx, q8 ? m.out : j.ldy, bias != nullptr && !q8,
                   o.accumulate && !q8, q8 ? -1 : j.act);
    };
    j.full = get(j.per);
    j.last = last == j.per ? j.full : get(last);
  } catch (const dnnl::error& e) {
    // Make() made primitives for 1 and 256 rows; another row count failing is a bug here.
    std::fprintf(stderr, "shoebox: oneDNN could not make a %lldx%lldx%lld %s product: %s\n",
                 static_cast<long long>(rows), static_cast<long long>(m.in),
                 static_cast<long long>(m.out), OnednnTypeName(m.type), e.what());
    std::abort();
  }
  if (blocks == 1)
    RunBlock(&j, 0);
  else
    pool.ParallelFor(blocks, &RunBlock, &j);
}

}  // namespace shoebox::ops
