// Linux's change feed: one inotify watch per folder under each root (inotify is not
// recursive), added as folders appear. A file root (a library's database) is watched through
// its folder, keeping only events for names that start with the file's name (its -wal and
// -journal too). When the kernel's watch limit (fs.inotify.max_user_watches) is reached, Add
// says so and the watcher rescans that root on a timer instead.
#ifdef __linux__

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "watch/change_feed.h"

namespace shoebox::watch {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kDirMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                              IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                              IN_DONT_FOLLOW | IN_EXCL_UNLINK;

bool Under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

std::string WatchLimit() {
  std::ifstream in("/proc/sys/fs/inotify/max_user_watches");
  std::string n;
  in >> n;
  return n.empty() ? "?" : n;
}

class InotifyFeed : public ChangeFeed {
 public:
  InotifyFeed(int fd, int wake_read, int wake_write)
      : fd_(fd), wake_read_(wake_read), wake_write_(wake_write) {}
  ~InotifyFeed() override {
    close(fd_);
    close(wake_read_);
    close(wake_write_);
  }

  Status Add(const std::string& root) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec) return NotFound("cannot watch " + root + ": " + ec.message());
    if (fs::is_directory(st)) {
      tree_roots_.insert(root);
      Status added = AddTree(root);
      if (!added.ok()) RemoveLocked(root);
      return added;
    }
    const fs::path p(root);
    const std::string dir = p.parent_path().string();
    file_names_[dir].insert(p.filename().string());
    return AddDir(dir);
  }

  void Remove(const std::string& root) override {
    std::lock_guard<std::mutex> lock(mu_);
    RemoveLocked(root);
  }

  std::vector<FileChange> Next(std::chrono::milliseconds timeout) override {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    const int n = poll(fds, 2, static_cast<int>(timeout.count()));
    std::vector<FileChange> out;
    if (n <= 0) return out;
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(wake_read_, drain, sizeof drain) > 0) {
      }
    }
    if (fds[0].revents & POLLIN) ReadEvents(&out);
    return out;
  }

  void Wake() override {
    const char c = 1;
    [[maybe_unused]] ssize_t w = write(wake_write_, &c, 1);
  }

 private:
  Status AddDir(const std::string& dir) {
    const int wd = inotify_add_watch(fd_, dir.c_str(), kDirMask);
    if (wd < 0) {
      if (errno == ENOSPC)
        return Status(StatusCode::kTooLarge,
                      "the system's limit of watched folders (fs.inotify.max_user_watches = " +
                          WatchLimit() + ") is reached at " + dir);
      if (errno == EACCES || errno == ENOENT || errno == ENOTDIR)
        return Status::Ok();  // unreadable or gone: the walk reports it, the rescan finds it
      return Status(StatusCode::kUnsupported, "cannot watch " + dir + ": " + std::strerror(errno));
    }
    dirs_[wd] = dir;
    wd_of_[dir] = wd;
    return Status::Ok();
  }

  // dir and every folder below it (links are not followed, as the crawl does not).
  Status AddTree(const std::string& dir) {
    SHOEBOX_RETURN_IF_ERROR(AddDir(dir));
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
        end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code sec;
      if (it->is_symlink(sec) || !it->is_directory(sec)) continue;
      SHOEBOX_RETURN_IF_ERROR(AddDir(it->path().string()));
    }
    return Status::Ok();
  }

  void RemoveLocked(const std::string& root) {
    tree_roots_.erase(root);
    const fs::path p(root);
    if (auto f = file_names_.find(p.parent_path().string()); f != file_names_.end())
      f->second.erase(p.filename().string());
    DropUnder(root, true);
  }

  // Stops watching dir and the folders below it; for_root: dir is a root being removed, so
  // folders another root still covers stay watched.
  void DropUnder(const std::string& dir, bool for_root) {
    for (auto it = wd_of_.begin(); it != wd_of_.end();) {
      if (Under(it->first, dir) && !(for_root ? InTree(it->first, dir) : KeptForFile(it->first))) {
        inotify_rm_watch(fd_, it->second);
        dirs_.erase(it->second);
        it = wd_of_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Whether path stays watched for another root than the one being dropped.
  bool InTree(const std::string& path, const std::string& dropping) const {
    for (const auto& r : tree_roots_)
      if (r != dropping && Under(path, r)) return true;
    return KeptForFile(path);
  }

  bool KeptForFile(const std::string& dir) const {
    auto f = file_names_.find(dir);
    return f != file_names_.end() && !f->second.empty();
  }

  bool Wanted(const std::string& dir, const std::string& name) const {
    for (const auto& r : tree_roots_)
      if (Under(dir, r)) return true;
    if (auto f = file_names_.find(dir); f != file_names_.end())
      for (const auto& n : f->second)
        if (name.compare(0, n.size(), n) == 0) return true;
    return false;
  }

  bool InAnyTree(const std::string& dir) const {
    for (const auto& r : tree_roots_)
      if (Under(dir, r)) return true;
    return false;
  }

  void ReadEvents(std::vector<FileChange>* out) {
    alignas(inotify_event) char buf[64 * 1024];
    std::lock_guard<std::mutex> lock(mu_);
    for (;;) {
      const ssize_t len = read(fd_, buf, sizeof buf);
      if (len <= 0) return;  // EAGAIN: drained
      for (ssize_t off = 0; off < len;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        Handle(*ev, out);
      }
    }
  }

  void Handle(const inotify_event& ev, std::vector<FileChange>* out) {
    if (ev.mask & IN_Q_OVERFLOW) {
      out->push_back({ChangeKind::kLost, ""});
      return;
    }
    auto d = dirs_.find(ev.wd);
    if (d == dirs_.end()) return;
    const std::string dir = d->second;
    if (ev.mask & IN_UNMOUNT) {  // a drive under the root went away: rescan what it held
      out->push_back({ChangeKind::kLost, dir});
      return;
    }
    if (ev.mask & IN_IGNORED) {
      wd_of_.erase(dir);
      dirs_.erase(d);
      return;
    }
    if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      if (tree_roots_.count(dir)) out->push_back({ChangeKind::kRootGone, dir});
      return;
    }
    const std::string name = ev.len ? std::string(ev.name) : std::string();
    if (name.empty() || !Wanted(dir, name)) return;
    const std::string path = dir + "/" + name;
    if (ev.mask & IN_ISDIR) {
      if (ev.mask & (IN_MOVED_FROM | IN_DELETE)) DropUnder(path, false);
      if ((ev.mask & (IN_CREATE | IN_MOVED_TO)) && InAnyTree(dir)) {
        Status added = AddTree(path);
        if (!added.ok()) out->push_back({ChangeKind::kLost, path});  // rescanned as a whole
      }
      out->push_back({ChangeKind::kSettled, path});
      return;
    }
    if (ev.mask & (IN_CREATE | IN_MODIFY))
      out->push_back({ChangeKind::kWriting, path});
    else
      out->push_back({ChangeKind::kSettled, path});
  }

  const int fd_, wake_read_, wake_write_;
  std::mutex mu_;
  std::unordered_map<int, std::string> dirs_;  // watch -> folder
  std::unordered_map<std::string, int> wd_of_;
  std::unordered_set<std::string> tree_roots_;
  std::unordered_map<std::string, std::unordered_set<std::string>> file_names_;  // by folder
};

}  // namespace

std::unique_ptr<ChangeFeed> MakeChangeFeed() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  int pipe_fds[2];
  if (fd < 0 || pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    if (fd >= 0) close(fd);
    return MakePollingOnlyFeed();  // no inotify instances left: rescans still keep it current
  }
  return std::make_unique<InotifyFeed>(fd, pipe_fds[0], pipe_fds[1]);
}

}  // namespace shoebox::watch

#endif  // __linux__
