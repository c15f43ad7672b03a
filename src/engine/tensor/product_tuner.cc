#include "engine/tensor/product_tuner.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/file_io.h"
#include "engine/tensor/gemm.h"
#include "engine/tensor/int8_gemm.h"
#include "engine/tensor/onednn_linear.h"

namespace shoebox::ops {

const char* PrecisionName(Precision p) {
  switch (p) {
    case Precision::kFloat32:
      return "float32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kInt8:
      return "int8";
  }
  return "?";
}

bool ParsePrecision(const std::string& name, Precision* out) {
  if (name == "float32" || name == "fp32")
    *out = Precision::kFloat32;
  else if (name == "bf16")
    *out = Precision::kBf16;
  else if (name == "int8")
    *out = Precision::kInt8;
  else
    return false;
  return true;
}

OnednnType OnednnTypeOf(Precision p) {
  switch (p) {
    case Precision::kFloat32:
      return OnednnType::kFloat32;
    case Precision::kBf16:
      return OnednnType::kBf16;
    case Precision::kInt8:
      return OnednnType::kInt8;
  }
  return OnednnType::kFloat32;
}

namespace {

std::string Key(Precision p, const ProductShape& s) {
  return std::string(PrecisionName(p)) + " " + std::to_string(s.rows) + "x" +
         std::to_string(s.out) + "x" + std::to_string(s.in);
}

}  // namespace

std::vector<std::string> ProductBackends(Precision p) {
  std::vector<std::string> b;
  if (p == Precision::kFloat32 || (p == Precision::kInt8 && Int8Available())) b.push_back("ours");
  if (OnednnSupports(OnednnTypeOf(p))) b.push_back("onednn");
  return b;
}

double TimeProduct(const std::string& backend, Precision p, const ProductShape& s) {
  // Values spread like a layer's (the kernels' speed does not depend on them), made cheaply:
  // drawing 2.4 million normal numbers per shape was a third of the tuning time.
  std::vector<float> w(static_cast<size_t>(s.out * s.in)), x(static_cast<size_t>(s.rows * s.in));
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(static_cast<int32_t>(state >> 8) - (1 << 23)) / (1 << 23);
  };
  for (float& v : w) v = next() * 0.05f;
  for (float& v : x) v = next();
  const std::vector<float> bias(static_cast<size_t>(s.out), 0.5f);
  std::vector<float> y(static_cast<size_t>(s.rows * s.out));
  std::function<void()> run;
  PackedWeights f;
  QuantizedWeights q;
  OnednnWeights d;
  if (backend == "onednn") {
    d = OnednnWeights::Make(w.data(), s.out, s.in, OnednnTypeOf(p));
    if (d.empty()) return -1;
    run = [&] { Linear(x.data(), s.rows, d, bias.data(), y.data()); };
  } else if (backend == "ours" && p == Precision::kFloat32) {
    f = PackedWeights::Pack(w.data(), s.out, s.in);
    run = [&] { Linear(x.data(), s.rows, f, bias.data(), y.data()); };
  } else if (backend == "ours" && p == Precision::kInt8) {
    q = QuantizedWeights::Quantize(w.data(), s.out, s.in);
    if (q.empty()) return -1;
    run = [&] { Linear(x.data(), s.rows, q, bias.data(), y.data()); };
  } else {
    return -1;
  }
  run();  // warm-up: primitives made, pages touched
  double best = 1e30;
  for (int i = 0; i < 2; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

std::string MachineKey() {
  std::string model, flags;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line) && (model.empty() || flags.empty());) {
    auto value = [&] { return line.substr(std::min(line.size(), line.find(':') + 2)); };
    if (model.empty() && (line.starts_with("model name") || line.starts_with("CPU part")))
      model = value();
    if (flags.empty() && (line.starts_with("flags") || line.starts_with("Features")))
      flags = value();
  }
  // The flags that decide what the backends generate, not the whole list (microcode-level
  // flags differ between hosts of one cloud machine type).
  std::string isa;
  std::istringstream words(flags);
  for (std::string f; words >> f;)
    if (f.starts_with("avx") || f.starts_with("amx") || f == "fma" || f == "f16c" ||
        f == "asimddp" || f == "sve" || f == "bf16" || f == "i8mm")
      isa += (isa.empty() ? "" : ",") + f;
  return model + " [" + isa + "] ours=" + ActiveKernel() + " " + OnednnVersion() + " " +
         OnednnIsa();
}

ProductTuner::ProductTuner(std::filesystem::path file, ProductTimer timer, std::string machine)
    : file_(std::move(file)), timer_(std::move(timer)), machine_(std::move(machine)) {
  if (file_.empty()) return;
  auto bytes = ReadWholeFile(file_, 1 << 20);
  if (!bytes.ok()) return;
  // Ours, but in a cache directory: anything unexpected is ignored, never trusted.
  auto j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (!j.is_object()) return;
  auto kept_for = j.find("machine");
  if (kept_for == j.end() || !kept_for->is_string() || kept_for->get<std::string>() != machine_)
    return;
  auto c = j.find("choices");
  if (c == j.end() || !c->is_object()) return;
  for (auto it = c->begin(); it != c->end(); ++it)
    if (it.value().is_string()) choices_[it.key()] = it.value().get<std::string>();
}

std::string ProductTuner::Choose(Precision p, const ProductShape& shape) {
  const std::vector<std::string> backends = ProductBackends(p);
  if (backends.empty()) return "";
  const char* forced = std::getenv("SHOEBOX_KERNEL");
  if (forced && *forced) {
    const std::string want = std::string(forced) == "onednn" ? "onednn" : "ours";
    if (std::find(backends.begin(), backends.end(), want) != backends.end()) return want;
  }
  if (backends.size() == 1) return backends.front();  // nothing to choose between
  const std::string key = Key(p, shape);
  auto kept = choices_.find(key);
  if (kept != choices_.end() &&
      std::find(backends.begin(), backends.end(), kept->second) != backends.end())
    return kept->second;
  std::string best;
  double best_s = 0;
  for (const std::string& b : backends) {
    const double s = timer_(b, p, shape);
    if (s < 0) continue;  // could not make it: the next one
    if (best.empty() || s < best_s) best = b, best_s = s;
  }
  if (best.empty()) return "";
  ++measured_;
  dirty_ = true;
  choices_[key] = best;
  return best;
}

std::string ProductTuner::Kept(const std::string& key) const {
  auto it = choices_.find(key);
  return it == choices_.end() ? "" : it->second;
}

void ProductTuner::Keep(const std::string& key, const std::string& value) {
  choices_[key] = value;
  dirty_ = true;
}

Status ProductTuner::Save() {
  if (file_.empty() || !dirty_) return Status::Ok();
  nlohmann::json j = {{"machine", machine_}, {"choices", choices_}};
  const std::string text = j.dump(1);
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  SHOEBOX_RETURN_IF_ERROR(WriteFileAtomic(file_, text.data(), text.size()));
  dirty_ = false;
  return Status::Ok();
}

}  // namespace shoebox::ops
