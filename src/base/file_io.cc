#include "base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace shoebox {

std::string ErrnoText(int err) { return std::strerror(err); }

namespace {

Status ReadUpTo(const std::filesystem::path& path, uint64_t limit, bool limit_is_error,
                std::vector<uint8_t>* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return NotFound("file vanished before it could be read");
    return IoError("cannot open: " + ErrnoText(e));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return IoError("cannot stat: " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return Unsupported("not a regular file");
  uint64_t want = static_cast<uint64_t>(st.st_size);
  if (want > limit) {
    if (limit_is_error)
      return TooLarge("file is " + std::to_string(st.st_size >> 20) + " MiB, over the limit of " +
                      std::to_string(limit >> 20) + " MiB");
    want = limit;
  }
  std::vector<uint8_t>& data = *out;
  data.resize(static_cast<size_t>(want));
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read failed: " + ErrnoText(errno));
    }
    if (n == 0) break;  // shrank while we read; keep what is there
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return Status::Ok();
}

}  // namespace

Status ReadWholeFileInto(const std::filesystem::path& path, uint64_t max_bytes,
                         std::vector<uint8_t>* out) {
  return ReadUpTo(path, max_bytes, true, out);
}

Result<std::vector<uint8_t>> ReadWholeFile(const std::filesystem::path& path, uint64_t max_bytes) {
  std::vector<uint8_t> data;
  SHOEBOX_RETURN_IF_ERROR(ReadUpTo(path, max_bytes, true, &data));
  return data;
}

Result<std::vector<uint8_t>> ReadFilePrefix(const std::filesystem::path& path, size_t n) {
  std::vector<uint8_t> data;
  SHOEBOX_RETURN_IF_ERROR(ReadUpTo(path, n, false, &data));
  return data;
}

Status WriteFileAtomic(const std::filesystem::path& path, const void* data, size_t size) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::filesystem::path tmp = path;
  tmp += ".tmp" + std::to_string(rng() % 1000000000);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create " + tmp.string() + ": " + ErrnoText(errno));
  const auto* p = static_cast<const uint8_t*>(data);
  size_t left = size;
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      if (e == ENOSPC) return Status(StatusCode::kDiskFull, "disk full writing " + path.string());
      return IoError("cannot write " + path.string() + ": " + ErrnoText(e));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename into " + path.string() + ": " + ErrnoText(e));
  }
  return Status::Ok();
}

std::string ContentHashHex(const uint8_t* data, size_t size) {
  XXH128_hash_t h = XXH3_128bits(data, size);
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, h);
  static const char* kHex = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[canon.digest[i] >> 4];
    out[2 * i + 1] = kHex[canon.digest[i] & 15];
  }
  return out;
}

}  // namespace shoebox
