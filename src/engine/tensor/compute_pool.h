// The one set of threads the inference engine computes on. Matrix products, attention and
// row-wise ops split their work over it; OpenBLAS is kept single-threaded so that no second
// pool competes for the cores (two spinning pools made PyTorch 3x slower on 2 cores).
//
// The function-pointer form is for code compiled with other instruction-set flags, which
// must not instantiate std::function (its inline members would be shared with other files).
//
// Workers spin briefly between jobs (a forward pass issues hundreds of small jobs back to
// back; waking a sleeping thread costs tens of microseconds), then sleep on a futex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shoebox::ops {

class ComputePool {
 public:
  // The process-wide pool (created on first use with one thread per core).
  static ComputePool& Get();

  explicit ComputePool(int threads);
  ~ComputePool();
  ComputePool(const ComputePool&) = delete;
  ComputePool& operator=(const ComputePool&) = delete;

  // Threads that compute, the caller included. n <= 0: one per core.
  void SetThreads(int n);
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(i) for every i in [0, n) on all threads, the caller included, and returns when
  // all have finished. Called from inside a task, or while another thread's job runs, it
  // runs the loop on the calling thread alone (correct, never a deadlock).
  void ParallelFor(int64_t n, void (*fn)(void* context, int64_t i), void* context);
  void ParallelFor(int64_t n, const std::function<void(int64_t)>& fn) {
    ParallelFor(
        n, [](void* f, int64_t i) { (*static_cast<const std::function<void(int64_t)>*>(f))(i); },
        const_cast<std::function<void(int64_t)>*>(&fn));
  }

 private:
  void StartWorkers(int count);
  void StopWorkers();
  void WorkerLoop(uint32_t seen);
  void RunTasks();

  std::mutex job_mu_;  // one job at a time
  std::vector<std::thread> workers_;
  void (*fn_)(void*, int64_t) = nullptr;  // the current job
  void* context_ = nullptr;
  int64_t n_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int> finished_{0};  // workers done with the current job
  std::atomic<uint32_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::mutex sleep_mu_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
};

// Shorthand for ComputePool::Get().ParallelFor.
inline void ParallelFor(int64_t n, const std::function<void(int64_t)>& fn) {
  ComputePool::Get().ParallelFor(n, fn);
}

}  // namespace shoebox::ops
