#include "engine/tensor/compute_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SHOEBOX_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define SHOEBOX_CPU_RELAX() asm volatile("yield")
#else
#define SHOEBOX_CPU_RELAX() ((void)0)
#endif

namespace shoebox::ops {
namespace {

thread_local bool t_in_task = false;

int DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// How long an idle worker keeps polling for the next job before it sleeps: long enough to
// bridge the gaps between the ops of a forward pass, short enough not to steal a core from
// the rest of the program for long.
constexpr auto kSpin = std::chrono::microseconds(300);

}  // namespace

ComputePool& ComputePool::Get() {
  static ComputePool* pool = new ComputePool(0);  // never destroyed: used until exit
  return *pool;
}

ComputePool::ComputePool(int threads) {
  StartWorkers((threads <= 0 ? DefaultThreads() : threads) - 1);
}

ComputePool::~ComputePool() { StopWorkers(); }

void ComputePool::SetThreads(int n) {
  std::lock_guard<std::mutex> lock(job_mu_);
  StopWorkers();
  StartWorkers((n <= 0 ? DefaultThreads() : n) - 1);
}

void ComputePool::StartWorkers(int count) {
  stop_.store(false);
  // A worker starts from the generation at its creation, not at its first run: a job posted
  // before the thread gets scheduled must still count on it.
  const uint32_t now = generation_.load();
  for (int i = 0; i < count; ++i) workers_.emplace_back([this, now] { WorkerLoop(now); });
}

void ComputePool::StopWorkers() {
  stop_.store(true);
  generation_.fetch_add(1);
  { std::lock_guard<std::mutex> lock(sleep_mu_); }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void ComputePool::RunTasks() {
  t_in_task = true;
  for (;;) {
    int64_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n_) break;
    fn_(context_, i);
  }
  t_in_task = false;
}

void ComputePool::WorkerLoop(uint32_t seen) {
  for (;;) {
    auto start = std::chrono::steady_clock::now();
    int polls = 0;
    while (generation_.load(std::memory_order_acquire) == seen) {
      SHOEBOX_CPU_RELAX();
      if (++polls % 256 == 0 && std::chrono::steady_clock::now() - start > kSpin) {
        std::unique_lock<std::mutex> lock(sleep_mu_);
        sleepers_.fetch_add(1);
        while (generation_.load() == seen) wake_.wait(lock);
        sleepers_.fetch_sub(1);
      }
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    RunTasks();
    finished_.fetch_add(1, std::memory_order_release);
  }
}

void ComputePool::ParallelFor(int64_t n, void (*fn)(void*, int64_t), void* context) {
  if (n <= 0) return;
  std::unique_lock<std::mutex> lock(job_mu_, std::defer_lock);
  if (n == 1 || workers_.empty() || t_in_task || !lock.try_lock()) {
    bool outer = t_in_task;
    t_in_task = true;
    for (int64_t i = 0; i < n; ++i) fn(context, i);
    t_in_task = outer;
    return;
  }
  fn_ = fn;
  context_ = context;
  n_ = n;
  next_.store(0, std::memory_order_relaxed);
  finished_.store(0, std::memory_order_relaxed);
  // Every worker takes part in every job (possibly finding no index left), so when all have
  // reported, none still reads fn_: the next job may reuse the fields.
  generation_.fetch_add(1);
  if (sleepers_.load() > 0) {
    // A sleeper checks the generation under sleep_mu_: taking it here means it either saw
    // the new value or is already waiting and gets this notification.
    { std::lock_guard<std::mutex> lock(sleep_mu_); }
    wake_.notify_all();
  }
  RunTasks();
  const int workers = static_cast<int>(workers_.size());
  while (finished_.load(std::memory_order_acquire) != workers) SHOEBOX_CPU_RELAX();
}

}  // namespace shoebox::ops
