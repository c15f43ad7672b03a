#include "library/folder/folder_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <utility>

#include "base/file_io.h"
#include "imaging/image_format.h"
#include "imaging/xmp_sidecar.h"

namespace shoebox {
namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool Excluded(const std::string& name, const std::string& rel, const WalkOptions& opt) {
  for (const auto& g : opt.exclude) {
    bool with_slash = g.find('/') != std::string::npos;
    if (fnmatch(g.c_str(), with_slash ? rel.c_str() : name.c_str(), 0) == 0) return true;
  }
  return false;
}

// The operating system's own folders: pseudo file systems (by their type) and /dev and /run
// (tmpfs, which also holds users' /tmp, so by their resolved path).
std::optional<std::string> SystemFolder(int fd) {
#ifdef __linux__
  struct statfs fs {};
  if (::fstatfs(fd, &fs) == 0) {
    static const std::pair<unsigned long, const char*> kPseudo[] = {
        {PROC_SUPER_MAGIC, "proc"},       {SYSFS_MAGIC, "sysfs"},
        {DEVPTS_SUPER_MAGIC, "devpts"},   {CGROUP_SUPER_MAGIC, "cgroup"},
        {CGROUP2_SUPER_MAGIC, "cgroup2"}, {DEBUGFS_MAGIC, "debugfs"},
        {TRACEFS_MAGIC, "tracefs"},       {SECURITYFS_MAGIC, "securityfs"},
        {PSTOREFS_MAGIC, "pstore"},       {BPF_FS_MAGIC, "bpf"},
        {0x62656570UL, "configfs"},       {0x19800202UL, "mqueue"},
        {BINFMTFS_MAGIC, "binfmt_misc"},  {0x65735543UL, "fusectl"},
        {HUGETLBFS_MAGIC, "hugetlbfs"},   {SELINUX_MAGIC, "selinuxfs"},
        {EFIVARFS_MAGIC, "efivarfs"}};
    for (const auto& [magic, name] : kPseudo)
      if (static_cast<unsigned long>(fs.f_type) == magic)
        return std::string("a ") + name + " file system";
  }
  std::error_code ec;
  const std::string real =
      std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
  auto under = [&](const char* top) {
    const size_t n = std::strlen(top);
    return !ec && real.compare(0, n, top) == 0 && (real.size() == n || real[n] == '/');
  };
  if (under("/run/media")) return std::nullopt;  // removable drives (udisks) mount here
  for (const char* top : {"/dev", "/run", "/proc", "/sys"})
    if (under(top)) return std::string("the system folder ") + top;
#else
  (void)fd;
#endif
  return std::nullopt;
}

class Walker {
 public:
  Walker(std::string root, const WalkOptions& opt) : root_(std::move(root)), opt_(opt) {}

  void Walk(const std::string& dir, const std::string& rel) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      result_.problems.push_back({dir, "cannot open folder: " + ErrnoText(errno)});
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !visited_.insert({st.st_dev, st.st_ino}).second) {
      ::close(fd);  // already walked (a link back into the tree): stop the loop here
      return;
    }
    if (auto system = SystemFolder(fd)) {
      // `/` linked from a photo folder must not crawl /proc and /sys (146,821 files).
      result_.problems.push_back({dir, "skipped: " + *system + ", not photos"});
      ::close(fd);
      return;
    }
    DIR* d = ::fdopendir(fd);
    if (!d) {
      result_.problems.push_back({dir, "cannot read folder: " + ErrnoText(errno)});
      ::close(fd);
      return;
    }
    result_.folders.push_back(dir);
    std::vector<std::pair<std::string, std::string>> subdirs;
    errno = 0;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (name[0] == '.') continue;  // hidden files and folders (.git, .Trash-1000, .thumbnails)
      std::string child_rel = rel.empty() ? name : rel + "/" + name;
      if (Excluded(name, child_rel, opt_)) continue;
      std::string child = dir == "/" ? "/" + name : dir + "/" + name;
      unsigned char type = e->d_type;
      struct stat cst {};
      bool need_stat = true;
      if (type == DT_DIR) {
        need_stat = false;
      } else if (type == DT_REG) {
        if (EndsWith(name, ".lrcat")) result_.libraries.push_back(child);
        if (opt_.skip_known_non_images && IsKnownNonImageExtension(name) && !IsXmpSidecarName(name))
          continue;
      }
      if (need_stat) {
        // Follows links: a link to a photo is indexed under the link's path.
        if (::fstatat(::dirfd(d), e->d_name, &cst, 0) != 0) {
          if (type == DT_LNK || errno == ENOENT)
            result_.problems.push_back({child, "broken symbolic link"});
          else
            result_.problems.push_back({child, "cannot stat: " + ErrnoText(errno)});
          continue;
        }
        if (S_ISDIR(cst.st_mode)) {
          type = DT_DIR;
        } else if (S_ISREG(cst.st_mode)) {
          if (EndsWith(name, ".lrcat")) result_.libraries.push_back(child);
          int64_t mtime =
              static_cast<int64_t>(cst.st_mtim.tv_sec) * 1'000'000'000 + cst.st_mtim.tv_nsec;
          if (IsXmpSidecarName(name)) {
            result_.sidecars.push_back({child, static_cast<int64_t>(cst.st_size), mtime});
            continue;
          }
          if (opt_.skip_known_non_images && IsKnownNonImageExtension(name)) continue;
          result_.files.push_back({child, static_cast<int64_t>(cst.st_size), mtime});
          continue;
        } else {
          continue;  // FIFOs, sockets, devices: opening one could block forever
        }
      }
      if (type == DT_DIR) {
        if (IsLibraryBundleName(name)) result_.libraries.push_back(child);
        if (IsSkippedFolderName(name)) continue;
        subdirs.emplace_back(child, child_rel);
      }
    }
    ::closedir(d);
    for (auto& [child, child_rel] : subdirs) Walk(child, child_rel);
  }

  WalkResult Take() { return std::move(result_); }

 private:
  std::string root_;
  const WalkOptions& opt_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  WalkResult result_;
};

}  // namespace

bool IsSkippedFolderName(const std::string& name) {
  if (name.empty() || name[0] == '.') return true;
  static const char* kExact[] = {
      "@eaDir",     "#recycle",  "$RECYCLE.BIN", "System Volume Information",
      "lost+found", "#snapshot", "@Recycle",     "@Recently-Snapshot"};
  for (const char* e : kExact)
    if (name == e) return true;
  // Application libraries are imported as such, not crawled as loose files (their caches
  // hold thousands of previews that are not the user's photos).
  return IsLibraryBundleName(name) || EndsWith(name, ".lrdata") || EndsWith(name, ".aplibrary") ||
         EndsWith(name, ".migratedphotolibrary");
}

bool IsLibraryBundleName(const std::string& name) {
  return EndsWith(name, ".photoslibrary") || EndsWith(name, ".cocatalog");
}

Result<WalkResult> WalkFolder(const std::string& root, const WalkOptions& options) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0)
    return NotFound("cannot open " + root + ": " + ErrnoText(errno));
  if (!S_ISDIR(st.st_mode)) return InvalidArgument(root + " is not a folder");
  Walker w(root, options);
  w.Walk(root, "");
  return w.Take();
}

}  // namespace shoebox
