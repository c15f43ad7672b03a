// The feed that watches nothing: every root is rescanned on the watcher's timer instead.
#include <condition_variable>
#include <mutex>

#include "watch/change_feed.h"

namespace shoebox::watch {
namespace {

class PollingOnlyFeed : public ChangeFeed {
 public:
  Status Add(const std::string& root) override {
    return Status(StatusCode::kUnsupported,
                  "no change notifications here for " + root + "; rescanned periodically");
  }
  void Remove(const std::string&) override {}
  std::vector<FileChange> Next(std::chrono::milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return woken_; });
    woken_ = false;
    return {};
  }
  void Wake() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace

std::unique_ptr<ChangeFeed> MakePollingOnlyFeed() { return std::make_unique<PollingOnlyFeed>(); }

#ifndef __linux__
std::unique_ptr<ChangeFeed> MakeChangeFeed() { return MakePollingOnlyFeed(); }
#endif

}  // namespace shoebox::watch
