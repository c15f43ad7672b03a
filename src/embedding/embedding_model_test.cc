#include "embedding/embedding_model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "test_util.h"

namespace shoebox {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// The tiny golden CLIP with its tokenizer, as a downloaded model folder looks.
fs::path TinyClip(const fs::path& dir) {
  const fs::path golden = testing::GoldenPath() / "clip";
  fs::create_directories(dir);
  for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
    fs::copy_file(golden / "tiny-b32" / f, dir / f);
  for (const auto& e : fs::directory_iterator(golden / "tokenizer"))
    if (e.path().extension() != ".jsonl") fs::copy_file(e.path(), dir / e.path().filename());
  return dir;
}

class SharedModelTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("XDG_CACHE_HOME", (dir_ / "cache").c_str(), 1); }
  void TearDown() override { unsetenv("XDG_CACHE_HOME"); }
  TempDir dir_;
};

TEST_F(SharedModelTest, AServiceAndAWatcherAskingForOneModelShareOneCopyOfItsWeights) {
  const fs::path model = TinyClip(dir_ / "tiny");
  auto a = EmbeddingModel::LoadShared(model.string());
  ASSERT_OK(a.status());
  auto b = EmbeddingModel::LoadShared((dir_ / "tiny" / ".." / "tiny").string());  // same folder
  ASSERT_OK(b.status());
  EXPECT_EQ(a->get(), b->get()) << "two copies of one model";
  ModelLoadOptions int8;
  int8.precision = ops::Precision::kInt8;
  auto c = EmbeddingModel::LoadShared(model.string(), int8);
  ASSERT_OK(c.status());
  EXPECT_NE(a->get(), c->get()) << "another precision is another network";

  // Once nobody holds it, it is gone (and a later load reads the files again).
  a->reset();
  b->reset();
  auto d = EmbeddingModel::LoadShared(model.string());
  ASSERT_OK(d.status());
  EXPECT_EQ((*d)->fingerprint(), (*c)->fingerprint());
}

TEST_F(SharedModelTest, QueriesAndBatchesFromTwoThreadsGiveWhatTheyGiveAlone) {
  const fs::path model = TinyClip(dir_ / "tiny");
  auto m = EmbeddingModel::LoadShared(model.string());
  ASSERT_OK(m.status());
  EmbeddingModel& net = **m;
  net.set_turn_images(2);  // a batch of 5 runs as 2 + 2 + 1
  std::vector<float> pixels(static_cast<size_t>(5 * net.prepared_floats()));
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<float>((i * 7919) % 255) / 255.f;
  auto alone_images = net.EmbedPrepared(pixels.data(), 5);
  ASSERT_OK(alone_images.status());
  auto alone_text = net.EmbedText("a dog on a beach");
  ASSERT_OK(alone_text.status());
  net.set_turn_images(0);
  auto whole = net.EmbedPrepared(pixels.data(), 5);
  ASSERT_OK(whole.status());
  ASSERT_EQ(whole->size(), alone_images->size());
  for (size_t i = 0; i < whole->size(); ++i)
    ASSERT_NEAR((*whole)[i], (*alone_images)[i], 1e-4) << "turns changed the vectors at " << i;

  net.set_turn_images(2);
  std::thread indexer([&] {
    for (int r = 0; r < 10; ++r) {
      auto v = net.EmbedPrepared(pixels.data(), 5);
      ASSERT_OK(v.status());
      for (size_t i = 0; i < v->size(); ++i) ASSERT_NEAR((*v)[i], (*alone_images)[i], 1e-4);
    }
  });
  for (int r = 0; r < 30; ++r) {
    auto t = net.EmbedText("a dog on a beach");
    ASSERT_OK(t.status());
    for (size_t i = 0; i < t->size(); ++i) ASSERT_NEAR((*t)[i], (*alone_text)[i], 1e-5);
  }
  indexer.join();
}

TEST_F(SharedModelTest, AModelFolderThatDoesNotExistIsNamedAsAFolderNotAsSomethingToPull) {
  auto m = EmbeddingModel::Load((dir_ / "no-such-model").string());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("does not exist"), std::string::npos) << m.status().message();
  EXPECT_EQ(m.status().message().find("models pull " + dir_.path().string()), std::string::npos)
      << "advises pulling a path: " << m.status().message();
}

TEST_F(SharedModelTest, AModelFolderMissingAFileSaysWhichAndHowToGetTheWholeModel) {
  const fs::path model = TinyClip(dir_ / "partial");
  fs::remove(model / "preprocessor_config.json");
  auto m = EmbeddingModel::Load(model.string());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("has no preprocessor_config.json"), std::string::npos)
      << m.status().message();
  EXPECT_EQ(m.status().message().find("gone since"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace shoebox
