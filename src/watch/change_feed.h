// What the operating system says about changes under the watched roots, as one stream.
//
// The watcher (library_watcher.h) only needs to know that something under a root may have
// changed, whether a file is still being written, and when a root itself vanished; which
// file changed how is settled by the incremental index job, which compares the folder with
// the catalog (unchanged files are never read). So a feed may merge, drop or repeat changes,
// and report kLost when it cannot tell what happened (the kernel's queue overflowed): the
// watcher then rescans every root.
//
// Implementations: inotify on Linux (inotify_feed.cc); elsewhere MakeChangeFeed() returns a
// feed that watches nothing, and every root is rescanned periodically instead (the same
// fallback Linux uses when its watch limit is reached or a root is on a network drive).
// FSEvents (macOS) and ReadDirectoryChangesW (Windows) fit the same interface.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox::watch {

enum class ChangeKind {
  kWriting,   // a file was created or is being written: wait until it is settled
  kSettled,   // a file was closed after writing, moved in or out, or deleted
  kRootGone,  // the root itself was deleted, moved away or unmounted
  kLost,      // events were dropped: anything may have changed anywhere
};

struct FileChange {
  ChangeKind kind;
  std::string path;  // absolute; empty for kLost
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Starts watching a root: a folder (with everything below it, including folders created
  // later) or a single file such as a library's database (then its folder is watched for
  // changes to that name and its journal). kUnsupported when this feed cannot watch it (no
  // native support, a network file system) and kTooLarge when the system's watch limit is
  // reached: the caller rescans that root periodically instead.
  virtual Status Add(const std::string& root) = 0;
  virtual void Remove(const std::string& root) = 0;
  // The changes since the last call; waits up to timeout for the first one. Returns early,
  // possibly empty, after Wake().
  virtual std::vector<FileChange> Next(std::chrono::milliseconds timeout) = 0;
  // Thread-safe: makes a waiting Next() return.
  virtual void Wake() = 0;
};

// The native feed where there is one (inotify on Linux), else one that watches nothing.
std::unique_ptr<ChangeFeed> MakeChangeFeed();
// The feed that watches nothing (every Add is kUnsupported): waits and wakes only.
std::unique_ptr<ChangeFeed> MakePollingOnlyFeed();

}  // namespace shoebox::watch
