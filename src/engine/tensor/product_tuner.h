// Which backend runs each matrix product, chosen by measuring on this machine (like FFTW's
// wisdom) instead of guessing from CPU flags: our own kernels (gemm.h, int8_gemm.h) win on
// some shapes and CPUs, oneDNN (onednn_linear.h) on others, and which is which depends on
// the instruction sets, the cache sizes and the row count.
//
// At a model's first load each product shape is timed on every backend that can run its
// precision (a few milliseconds each); the fastest is kept in a small JSON file in the cache
// directory, keyed by the CPU (model name and flags) and the backends' versions, and later
// loads read it instead of measuring. A file made on another machine, or one that does not
// parse, is ignored and rewritten. SHOEBOX_KERNEL=onednn forces oneDNN; the names of our
// own kernels (avx512, avx2, generic) force ours.
//
// File: {"machine": "<key>", "choices": {"<precision> <rows>x<out>x<in>": "<backend>", ...,
// "<other key>": "<value>"}} (see Keep).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox::ops {

// The number format of a model's layer products.
enum class Precision { kFloat32, kBf16, kInt8 };
const char* PrecisionName(Precision p);  // "float32", "bf16", "int8"
// Accepts those names and "fp32".
bool ParsePrecision(const std::string& name, Precision* out);

// The oneDNN number format that runs products of p.
enum class OnednnType;
OnednnType OnednnTypeOf(Precision p);

struct ProductShape {
  int64_t rows = 0, out = 0, in = 0;
};

// Backends that can run products of p here, ours first: "ours" (gemm.h's active kernel in
// float32, int8_gemm.h in int8) and "onednn". Empty: p cannot run on this CPU.
std::vector<std::string> ProductBackends(Precision p);
// Seconds for one product of that shape on that backend (best of a few, random values), or
// a negative number when the backend cannot make it.
double TimeProduct(const std::string& backend, Precision p, const ProductShape& shape);
// The CPU's model name and flags, our kernel's name and oneDNN's version and ISA.
std::string MachineKey();

using ProductTimer =
    std::function<double(const std::string& backend, Precision p, const ProductShape& shape)>;

class ProductTuner {
 public:
  // file: where choices are kept between loads; empty = measured afresh every time.
  explicit ProductTuner(std::filesystem::path file, ProductTimer timer = TimeProduct,
                        std::string machine = MachineKey());
  // The backend for this shape: a forced one, a kept choice, or the fastest when timed now.
  // Empty when no backend can run p here.
  std::string Choose(Precision p, const ProductShape& shape);
  // Other facts measured once per machine and kept in the same file (e.g. which precision a
  // model's `auto` mode picked): the value kept under key, or "".
  std::string Kept(const std::string& key) const;
  void Keep(const std::string& key, const std::string& value);
  // Writes the file (atomically) when something new was measured.
  Status Save();
  int measured() const { return measured_; }  // shapes timed by this tuner

 private:
  std::filesystem::path file_;
  ProductTimer timer_;
  std::string machine_;
  std::map<std::string, std::string> choices_;
  int measured_ = 0;
  bool dirty_ = false;
};

}  // namespace shoebox::ops
