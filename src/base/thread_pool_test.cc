#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace shoebox {
namespace {

TEST(ThreadPool, RunsEveryTaskAndWaits) {
  ThreadPool pool(2);
  std::atomic<int> n{0};
  for (int i = 0; i < 1000; ++i) pool.Submit([&] { n++; });
  pool.Wait();
  EXPECT_EQ(n.load(), 1000);
  EXPECT_EQ(pool.size(), 2u);
}

TEST(ThreadPool, DestructorDrainsQueue) {
  std::atomic<int> n{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 100; ++i) pool.Submit([&] { n++; });
  }
  EXPECT_EQ(n.load(), 100);
}

}  // namespace
}  // namespace shoebox
