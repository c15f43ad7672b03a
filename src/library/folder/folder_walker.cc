#include "library/folder/folder_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "base/file_io.h"
#include "imaging/image_format.h"

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
        if (opt_.skip_known_non_images && IsKnownNonImageExtension(name)) continue;
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
          if (opt_.skip_known_non_images && IsKnownNonImageExtension(name)) continue;
          int64_t mtime = static_cast<int64_t>(cst.st_mtim.tv_sec) * 1'000'000'000 + cst.st_mtim.tv_nsec;
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
  static const char* kExact[] = {"@eaDir", "#recycle", "$RECYCLE.BIN", "System Volume Information",
                                 "lost+found", "#snapshot", "@Recycle", "@Recently-Snapshot"};
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
  if (::stat(root.c_str(), &st) != 0) return NotFound("cannot open " + root + ": " + ErrnoText(errno));
  if (!S_ISDIR(st.st_mode)) return InvalidArgument(root + " is not a folder");
  Walker w(root, options);
  w.Walk(root, "");
  return w.Take();
}

}  // namespace shoebox
