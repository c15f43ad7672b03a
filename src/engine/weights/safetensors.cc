#include "engine/weights/safetensors.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace shoebox {
namespace {

bool ParseDType(const std::string& s, DType* out) {
  static const std::pair<const char*, DType> kNames[] = {
      {"F64", DType::kF64}, {"F32", DType::kF32},  {"F16", DType::kF16}, {"BF16", DType::kBF16},
      {"I64", DType::kI64}, {"I32", DType::kI32},  {"I16", DType::kI16}, {"I8", DType::kI8},
      {"U8", DType::kU8},   {"BOOL", DType::kBool}};
  for (const auto& [name, t] : kNames)
    if (s == name) {
      *out = t;
      return true;
    }
  return false;
}

}  // namespace

const char* DTypeName(DType t) {
  switch (t) {
    case DType::kF64:
      return "F64";
    case DType::kF32:
      return "F32";
    case DType::kF16:
      return "F16";
    case DType::kBF16:
      return "BF16";
    case DType::kI64:
      return "I64";
    case DType::kI32:
      return "I32";
    case DType::kI16:
      return "I16";
    case DType::kI8:
      return "I8";
    case DType::kU8:
      return "U8";
    case DType::kBool:
      return "BOOL";
  }
  return "?";
}

size_t DTypeSize(DType t) {
  switch (t) {
    case DType::kF64:
    case DType::kI64:
      return 8;
    case DType::kF32:
    case DType::kI32:
      return 4;
    case DType::kF16:
    case DType::kBF16:
    case DType::kI16:
      return 2;
    case DType::kI8:
    case DType::kU8:
    case DType::kBool:
      return 1;
  }
  return 1;
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Open(const std::filesystem::path& path) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  auto parsed = Parse((*mapped)->data(), (*mapped)->size(), path.string());
  if (!parsed.ok()) return parsed.status();
  (*parsed)->files_.push_back(std::move(*mapped));
  return parsed;
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::FromViews(
    std::map<std::string, TensorView> views, std::map<std::string, std::string> metadata) {
  std::unique_ptr<SafetensorsFile> out(new SafetensorsFile());
  out->tensors_ = std::move(views);
  out->metadata_ = std::move(metadata);
  return out;
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::OpenSharded(
    const std::filesystem::path& index_json) {
  auto mapped = MappedFile::Open(index_json);
  if (!mapped.ok()) return mapped.status();
  nlohmann::json index = nlohmann::json::parse(
      (*mapped)->data(), (*mapped)->data() + (*mapped)->size(), nullptr, false);
  if (index.is_discarded() || !index.is_object() || !index.contains("weight_map") ||
      !index["weight_map"].is_object())
    return Corrupt(index_json.string() + ": no weight_map object");
  std::unique_ptr<SafetensorsFile> out(new SafetensorsFile());
  std::map<std::string, std::unique_ptr<SafetensorsFile>> shards;
  for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
    if (!it.value().is_string())
      return Corrupt(index_json.string() + ": weight_map value is not a file name");
    std::string file = it.value().get<std::string>();
    if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
      return Corrupt(index_json.string() + ": shard name '" + file + "' leaves the model folder");
    if (!shards.count(file)) {
      auto shard = Open(index_json.parent_path() / file);
      if (!shard.ok()) return shard.status();
      shards[file] = std::move(*shard);
    }
    const TensorView* t = shards[file]->Find(it.key());
    if (!t) return Corrupt(index_json.string() + ": '" + it.key() + "' is not in " + file);
    out->tensors_[it.key()] = *t;
  }
  for (auto& [name, shard] : shards)
    for (auto& f : shard->files_) out->files_.push_back(std::move(f));
  return out;
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Parse(const uint8_t* data, size_t size,
                                                                const std::string& label) {
  auto bad = [&](const std::string& why) {
    return Corrupt(label + ": not a valid safetensors file: " + why);
  };
  if (size < 8)
    return bad("shorter than its 8-byte header length (" + std::to_string(size) + " bytes)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | data[i];
  if (n > kMaxHeaderBytes)
    return bad("header length " + std::to_string(n) + " exceeds the 100 MB limit");
  if (n > size - 8)
    return bad("header length " + std::to_string(n) + " runs past the end of the file (" +
               std::to_string(size) + " bytes); truncated?");
  const uint8_t* body = data + 8 + n;
  const uint64_t body_size = size - 8 - n;
  nlohmann::json header =
      nlohmann::json::parse(data + 8, data + 8 + n, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) return bad("header is not a JSON object");

  std::unique_ptr<SafetensorsFile> out(new SafetensorsFile());
  struct Span {
    uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) return bad("__metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          return bad("__metadata__ value for '" + m.key() + "' is not a string");
        out->metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto where = "tensor '" + name.substr(0, 200) + "': ";
    if (!v.is_object()) return bad(where + "entry is not an object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) return bad(where + "missing dtype");
    if (sh == v.end() || !sh->is_array()) return bad(where + "missing shape");
    if (off == v.end() || !off->is_array() || off->size() != 2)
      return bad(where + "missing data_offsets");
    TensorView t;
    t.name = name;
    if (!ParseDType(dt->get<std::string>(), &t.dtype))
      return Unsupported(label + ": " + where + "unsupported dtype " +
                         dt->get<std::string>().substr(0, 20));
    if (sh->size() > 8) return bad(where + "more than 8 dimensions");
    uint64_t elems = 1;
    for (const auto& d : *sh) {
      if (!d.is_number_unsigned())
        return bad(where + "shape has a non-integer or negative dimension");
      uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && elems > std::numeric_limits<uint64_t>::max() / dim)
        return bad(where + "shape overflows");
      elems *= dim;
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    if (elems > std::numeric_limits<uint64_t>::max() / DTypeSize(t.dtype))
      return bad(where + "size overflows");
    uint64_t bytes = elems * DTypeSize(t.dtype);
    if (!(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned())
      return bad(where + "data_offsets are not non-negative integers");
    uint64_t begin = (*off)[0].get<uint64_t>(), end = (*off)[1].get<uint64_t>();
    if (begin > end) return bad(where + "data_offsets begin after they end");
    if (end > body_size)
      return bad(where + "data [" + std::to_string(begin) + ", " + std::to_string(end) +
                 ") lies outside the file's " + std::to_string(body_size) +
                 " data bytes; truncated?");
    if (end - begin != bytes)
      return bad(where + "holds " + std::to_string(end - begin) + " bytes but " +
                 DTypeName(t.dtype) + " x " + std::to_string(elems) + " needs " +
                 std::to_string(bytes));
    t.data = body + begin;
    t.nbytes = static_cast<size_t>(bytes);
    auto [slot, inserted] = out->tensors_.emplace(name, std::move(t));
    if (!inserted) return bad(where + "appears twice");
    spans.push_back({begin, end, &slot->first});
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  uint64_t max_end = 0;
  const std::string* max_name = nullptr;
  for (const Span& s : spans) {
    if (s.end == s.begin) continue;  // empty tensors occupy nothing
    if (s.begin < max_end) return bad("tensors '" + *max_name + "' and '" + *s.name + "' overlap");
    max_end = s.end;
    max_name = s.name;
  }
  return out;
}

void SafetensorsFile::DoneWith(const TensorView& t) const {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(t.data), end = begin + t.nbytes;
  for (const auto& f : files_) {
    const uintptr_t fb = reinterpret_cast<uintptr_t>(f->data()), fe = fb + f->size();
    if (begin < fb || end > fe) continue;
    // Whole pages inside the tensor only: a neighbour may still be in use.
    const uintptr_t first = (begin + page - 1) / page * page, last = end / page * page;
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    return;
  }
}

const TensorView* SafetensorsFile::Find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FF;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float BFloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t{b} << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

Result<std::vector<float>> ToFloat32(const TensorView& t) {
  size_t n = static_cast<size_t>(t.numel());
  std::vector<float> out(n);
  switch (t.dtype) {
    case DType::kF32:
      std::memcpy(out.data(), t.data, n * 4);
      break;
    case DType::kF64:
      for (size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, t.data + 8 * i, 8);
        out[i] = static_cast<float>(d);
      }
      break;
    case DType::kF16:
    case DType::kBF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h = static_cast<uint16_t>(t.data[2 * i] | (t.data[2 * i + 1] << 8));
        out[i] = t.dtype == DType::kF16 ? HalfToFloat(h) : BFloat16ToFloat(h);
      }
      break;
    default:
      return InvalidArgument("tensor '" + t.name + "' is " + DTypeName(t.dtype) +
                             ", not a float type");
  }
  return out;
}

}  // namespace shoebox
