#include "base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <random>

namespace shoebox {

std::string ErrnoText(int err) { return std::strerror(err); }

namespace {

Status ReadUpTo(const std::filesystem::path& path, uint64_t limit, bool limit_is_error,
                std::vector<uint8_t>* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return NotFound("no such file (gone since it was listed?)");
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

OpenedFile::~OpenedFile() { ::close(fd_); }

ssize_t OpenedFile::ReadAt(uint64_t offset, void* out, size_t n) const {
  for (;;) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    return got;
  }
}

Result<std::vector<uint8_t>> OpenedFile::ReadAll(uint64_t max_bytes) const {
  if (size_ > max_bytes)
    return TooLarge(std::to_string(size_ >> 20) + " MB, over the limit of " +
                    std::to_string(max_bytes >> 20) + " MB");
  std::vector<uint8_t> out(size_);
  uint64_t done = 0;
  while (done < size_) {
    const ssize_t n = ReadAt(done, out.data() + done, size_ - done);
    if (n < 0) return IoError("read failed: " + ErrnoText(errno));
    if (n == 0) return Changed("the file became shorter while it was read");
    done += static_cast<uint64_t>(n);
  }
  return out;
}

Result<std::shared_ptr<OpenedFile>> OpenRegularFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path.string() + " does not exist");
    return IoError("cannot open " + path.string() + ": " + ErrnoText(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return NotFound(path.string() + " is not a regular file");
  }
  return std::make_shared<OpenedFile>(fd, static_cast<uint64_t>(st.st_size));
}

Result<std::shared_ptr<OpenedFile>> OpenUnchanged(const std::filesystem::path& path, uint64_t size,
                                                  int64_t mtime_ns,
                                                  const std::filesystem::path& inside) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT)
      return NotFound(path.string() + " is gone (run `shoebox index` to update the catalog)");
    return IoError("cannot open " + path.string() + ": " + ErrnoText(errno));
  }
  struct Guard {
    int fd;
    ~Guard() {
      if (fd >= 0) ::close(fd);
    }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return IoError("cannot stat " + path.string() + ": " + ErrnoText(errno));
  const std::string rerun = "; run `shoebox index` to update the catalog";
  if (!S_ISREG(st.st_mode)) return Changed(path.string() + " is no longer a regular file" + rerun);
  const int64_t mtime =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  if (static_cast<uint64_t>(st.st_size) != size || mtime != mtime_ns)
    return Changed(path.string() + " has changed since it was indexed (" +
                   std::to_string(st.st_size) + " bytes where " + std::to_string(size) +
                   " were catalogued, or another modification time)" + rerun);
  if (!inside.empty()) {
    std::error_code ec;
#ifdef __linux__
    const auto resolved = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
#else
    const auto resolved = std::filesystem::canonical(path, ec);
#endif
    const auto root = std::filesystem::canonical(inside, ec);
    if (ec)
      return Changed(path.string() + ": its folder " + inside.string() + " cannot be resolved" +
                     rerun);
    const auto [r, p] = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    // A folder link the crawl followed may lead outside the root; the file itself may not.
    std::error_code pec;
    const auto parent = std::filesystem::canonical(path.parent_path(), pec);
    const bool same_folder =
        !pec && resolved.parent_path() == parent && resolved.filename() == path.filename();
    if (resolved.empty() || (r != root.end() && !same_folder))
      return Changed(path.string() + " now leads outside the indexed folder " + inside.string() +
                     rerun);
  }
  guard.fd = -1;
  return std::make_shared<OpenedFile>(fd, static_cast<uint64_t>(st.st_size));
}

namespace {

std::string HashHex(XXH128_hash_t h) {
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

}  // namespace

std::string ContentHashHex(const uint8_t* data, size_t size) {
  return HashHex(XXH3_128bits(data, size));
}

Result<std::string> ContentHashHexOfFile(const OpenedFile& file) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 XXH3_freeState);
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) return Internal("out of memory");
  std::vector<uint8_t> buf(1 << 20);
  uint64_t offset = 0;
  while (offset < file.size()) {
    const ssize_t got =
        file.ReadAt(offset, buf.data(), std::min<uint64_t>(buf.size(), file.size() - offset));
    if (got < 0) return IoError("read failed: " + ErrnoText(errno));
    if (got == 0) return Changed("the file became shorter while it was read");
    XXH3_128bits_update(state.get(), buf.data(), static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
  }
  return HashHex(XXH3_128bits_digest(state.get()));
}

}  // namespace shoebox
