#include "engine/weights/pack_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>

#include "base/file_io.h"

namespace shoebox::engine {
namespace {

constexpr char kMagic[8] = {'S', 'B', 'X', 'P', 'A', 'C', 'K', '2'};
constexpr uint64_t kHeader = 64, kAlign = 4096;

template <typename T>
bool ReadAt(const uint8_t* base, uint64_t size, uint64_t* pos, T* out) {
  if (*pos > size || size - *pos < sizeof(T)) return false;
  std::memcpy(out, base + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

template <typename T>
void Append(std::string* s, const T& v) {
  s->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

}  // namespace

std::unique_ptr<PackCache> PackCache::Open(
    const std::filesystem::path& dir, const std::vector<std::filesystem::path>& checkpoint_files) {
  std::unique_ptr<PackCache> c(new PackCache());
  c->kernel_ = ops::ActiveKernel();
  std::string key = "shoebox-pack-v2\n" + c->kernel_ + "\n";
  for (const auto& f : checkpoint_files) {
    struct stat st {};
    std::error_code ec;
    const auto abs = std::filesystem::absolute(f, ec);
    if (::stat(f.c_str(), &st) != 0) return c;  // no key: no file to trust (nothing mapped)
    key += abs.string() + " " + std::to_string(st.st_size) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + " " +
           std::to_string(st.st_ino) + "\n";
  }
  c->key_hash_ = ContentHashHex(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  c->path_ = dir / (c->key_hash_ + ".pack");
  if (!c->Map()) c->entries_.clear();
  return c;
}

bool PackCache::Map() {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(kHeader)) {
    ::close(fd);
    return false;
  }
  size_ = static_cast<uint64_t>(st.st_size);
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return false;
  const uint64_t size = size_;
  mapping_ = std::shared_ptr<const void>(
      p, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
  base_ = static_cast<const uint8_t*>(p);
  // Header: magic, count, key hash (32 hex), kernel name (16, NUL padded).
  uint32_t count = 0;
  if (std::memcmp(base_, kMagic, 8) != 0) return false;
  std::memcpy(&count, base_ + 8, 4);
  if (std::string(reinterpret_cast<const char*>(base_ + 12), 32) != key_hash_) return false;
  const char* kernel = reinterpret_cast<const char*>(base_ + 44);
  if (std::string(kernel, strnlen(kernel, 16)) != kernel_) return false;
  uint64_t pos = kHeader;
  for (uint32_t i = 0; i < count; ++i) {
    Entry e;
    uint32_t name_len = 0;
    if (!ReadAt(base_, size_, &pos, &e.out) || !ReadAt(base_, size_, &pos, &e.in) ||
        !ReadAt(base_, size_, &pos, &e.floats) || !ReadAt(base_, size_, &pos, &e.offset) ||
        !ReadAt(base_, size_, &pos, &e.xxh3) || !ReadAt(base_, size_, &pos, &name_len) ||
        name_len > 4096 || size_ - pos < name_len)
      return false;
    std::string name(reinterpret_cast<const char*>(base_ + pos), name_len);
    pos += name_len;
    if (e.out <= 0 || e.in <= 0 || e.floats <= 0 || e.offset < 0 || e.offset % kAlign != 0 ||
        e.floats > static_cast<int64_t>(size_ / sizeof(float)) ||
        static_cast<uint64_t>(e.offset) > size_ - static_cast<uint64_t>(e.floats) * sizeof(float) ||
        e.floats != ops::PackedWeights::PackedSize(e.out, e.in, kernel_))
      return false;
    entries_[name] = e;
  }
  return true;
}

ops::PackedWeights PackCache::Get(const std::string& name, int64_t out, int64_t in,
                                  const std::function<ops::PackedWeights()>& make) {
  if (auto it = entries_.find(name);
      it != entries_.end() && it->second.out == out && it->second.in == in) {
    const Entry& e = it->second;
    // Checked before use: a flipped bit in a weight would change every embedding silently.
    const auto* floats = reinterpret_cast<const float*>(base_ + e.offset);
    if (XXH3_64bits(floats, static_cast<size_t>(e.floats) * sizeof(float)) != e.xxh3) {
      if (!reported_damage_)
        std::fprintf(
            stderr,
            "shoebox: %s is damaged (matrix %s fails its checksum): repacked from the checkpoint\n",
            path_.c_str(), name.c_str());
      reported_damage_ = true;
      entries_.erase(it);
    } else if (auto w = ops::PackedWeights::Borrow(mapping_, floats, e.floats, out, in, kernel_)) {
      ++hits_;
      return std::move(*w);
    }
  }
  ops::PackedWeights w = make();
  if (!w.empty() && w.kernel() == kernel_ && !key_hash_.empty()) made_.push_back({name, w});
  return w;
}

Status PackCache::Save() const {
  if (made_.empty() || key_hash_.empty()) return Status::Ok();
  // Everything the file will hold: what was read from it and what was made now.
  std::vector<std::pair<std::string, ops::PackedWeights>> all = made_;
  for (const auto& [name, e] : entries_) {
    bool remade = false;
    for (const auto& m : made_) remade = remade || m.first == name;
    if (remade) continue;
    auto w = ops::PackedWeights::Borrow(mapping_, reinterpret_cast<const float*>(base_ + e.offset),
                                        e.floats, e.out, e.in, kernel_);
    if (w) all.push_back({name, std::move(*w)});
  }
  std::string index;
  uint64_t table = 0;
  for (const auto& [name, w] : all)
    table += 4 * sizeof(int64_t) + sizeof(uint64_t) + sizeof(uint32_t) + name.size();
  uint64_t offset = (kHeader + table + kAlign - 1) / kAlign * kAlign;
  std::vector<uint64_t> offsets;
  for (const auto& [name, w] : all) {
    offsets.push_back(offset);
    Append(&index, static_cast<int64_t>(w.out()));
    Append(&index, static_cast<int64_t>(w.in()));
    Append(&index, static_cast<int64_t>(w.floats()));
    Append(&index, static_cast<int64_t>(offset));
    Append(&index, static_cast<uint64_t>(
                       XXH3_64bits(w.data(), static_cast<size_t>(w.floats()) * sizeof(float))));
    Append(&index, static_cast<uint32_t>(name.size()));
    index += name;
    offset += (static_cast<uint64_t>(w.floats()) * sizeof(float) + kAlign - 1) / kAlign * kAlign;
  }
  std::string header(kHeader, '\0');
  std::memcpy(header.data(), kMagic, 8);
  const uint32_t count = static_cast<uint32_t>(all.size());
  std::memcpy(header.data() + 8, &count, 4);
  std::memcpy(header.data() + 12, key_hash_.data(), 32);
  std::memcpy(header.data() + 44, kernel_.data(), std::min<size_t>(kernel_.size(), 16));
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  const std::string tmp = path_.string() + ".tmp" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return IoError(tmp + ": cannot write the packed-weights cache");
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(index.data(), 1, index.size(), f) == index.size();
  uint64_t at = kHeader + index.size();
  static const char zeros[kAlign] = {};
  for (size_t i = 0; ok && i < all.size(); ++i) {
    ok = std::fwrite(zeros, 1, offsets[i] - at, f) == offsets[i] - at;
    const uint64_t bytes = static_cast<uint64_t>(all[i].second.floats()) * sizeof(float);
    ok = ok && std::fwrite(all[i].second.data(), 1, bytes, f) == bytes;
    at = offsets[i] + bytes;
  }
  ok = std::fclose(f) == 0 && ok;
  if (ok) std::filesystem::rename(tmp, path_, ec);
  if (!ok || ec) {
    std::filesystem::remove(tmp, ec);
    return IoError(path_.string() + ": cannot write the packed-weights cache");
  }
  return Status::Ok();
}

}  // namespace shoebox::engine
