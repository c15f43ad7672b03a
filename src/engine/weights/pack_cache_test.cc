#include "engine/weights/pack_cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "test_util.h"

namespace shoebox::engine {
namespace {

ops::PackedWeights Matrix(int64_t out, int64_t in, float base) {
  std::vector<float> w(static_cast<size_t>(out * in));
  for (size_t i = 0; i < w.size(); ++i) w[i] = base + static_cast<float>(i);
  return ops::PackedWeights::Pack(w.data(), out, in);
}

TEST(PackCache, KeepsPackedMatricesAcrossLoadsAndOnlyForTheSameCheckpoint) {
  testing::TempDir tmp;
  testing::WriteFile(tmp / "model.safetensors", "weights");
  int made = 0;
  auto make = [&](int64_t out, int64_t in, float base) {
    return [&made, out, in, base] {
      ++made;
      return Matrix(out, in, base);
    };
  };
  auto first = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  auto a = first->Get("a", 4, 8, make(4, 8, 1));
  auto b = first->Get("b", 16, 8, make(16, 8, 100));
  EXPECT_EQ(made, 2);
  ASSERT_TRUE(first->Save().ok());
  // Copies the file for the fuzz target's seed corpus when asked (see fuzz/README.md).
  if (const char* seed = std::getenv("SHOEBOX_PACK_CACHE_SEED")) {
    auto fixed = PackCache::Open(tmp / "seed", {});
    (void)fixed->Get("a", 4, 8, make(4, 8, 1));
    (void)fixed->Get("b", 16, 8, make(16, 8, 100));
    ASSERT_TRUE(fixed->Save().ok());
    std::filesystem::copy_file(fixed->path(), seed,
                               std::filesystem::copy_options::overwrite_existing);
    made -= 2;
  }
  auto second = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  auto a2 = second->Get("a", 4, 8, make(4, 8, 1));
  auto b2 = second->Get("b", 16, 8, make(16, 8, 100));
  EXPECT_EQ(made, 2) << "both mapped from the file";
  EXPECT_EQ(second->hits(), 2);
  ASSERT_EQ(a2.floats(), a.floats());
  EXPECT_EQ(std::vector<float>(a2.data(), a2.data() + a2.floats()),
            std::vector<float>(a.data(), a.data() + a.floats()));
  EXPECT_EQ(std::vector<float>(b2.data(), b2.data() + b2.floats()),
            std::vector<float>(b.data(), b.data() + b.floats()));
  // Other dimensions under the same name: packed anew, not misread.
  auto other = second->Get("a", 8, 4, make(8, 4, 1));
  EXPECT_EQ(made, 3);
  EXPECT_EQ(other.out(), 8);
  // Another checkpoint (here: the same file rewritten later) has another key and file.
  testing::WriteFile(tmp / "model.safetensors", "weights, new");
  auto third = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  EXPECT_NE(third->path(), second->path());
  (void)third->Get("a", 4, 8, make(4, 8, 1));
  EXPECT_EQ(third->hits(), 0);
  // Garbage where the file should be: ignored.
  testing::WriteFile(third->path(), std::string(100, 'x'));
  auto fifth = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  EXPECT_EQ(fifth->hits(), 0);
}

TEST(PackCache, AFlippedBitInAMatrixIsCaughtAndThatMatrixPackedAgain) {
  testing::TempDir tmp;
  testing::WriteFile(tmp / "model.safetensors", "weights");
  auto first = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  (void)first->Get("a", 4, 8, [] { return Matrix(4, 8, 1); });
  (void)first->Get("b", 16, 8, [] { return Matrix(16, 8, 100); });
  ASSERT_TRUE(first->Save().ok());
  // One bit of the last matrix's floats (the file ends with them) flipped on disk.
  std::string bytes = testing::ReadFile(first->path());
  bytes[bytes.size() - 8] ^= 0x10;
  testing::WriteFile(first->path(), bytes);
  int made = 0;
  auto second = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  const auto want_a = Matrix(4, 8, 1), want_b = Matrix(16, 8, 100);
  auto a = second->Get("a", 4, 8, [&] { return ++made, Matrix(4, 8, 1); });
  auto b = second->Get("b", 16, 8, [&] { return ++made, Matrix(16, 8, 100); });
  EXPECT_EQ(made, 1) << "only the damaged matrix is packed again";
  EXPECT_EQ(second->hits(), 1);
  ASSERT_EQ(b.floats(), want_b.floats());
  EXPECT_EQ(std::vector<float>(b.data(), b.data() + b.floats()),
            std::vector<float>(want_b.data(), want_b.data() + want_b.floats()));
  EXPECT_EQ(std::vector<float>(a.data(), a.data() + a.floats()),
            std::vector<float>(want_a.data(), want_a.data() + want_a.floats()));
  ASSERT_TRUE(second->Save().ok());
  auto third = PackCache::Open(tmp / "cache", {tmp / "model.safetensors"});
  (void)third->Get("a", 4, 8, [&] { return ++made, Matrix(4, 8, 1); });
  (void)third->Get("b", 16, 8, [&] { return ++made, Matrix(16, 8, 100); });
  EXPECT_EQ(made, 1) << "the rewritten file is whole again";
}

}  // namespace
}  // namespace shoebox::engine
