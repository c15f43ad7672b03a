// The product tuner with a fake timer: it keeps the fastest backend per shape, times each
// shape once, keeps its choices in a file for later loads on the same machine only, survives
// a damaged file, and falls back when a backend cannot make a product.
#include "engine/tensor/product_tuner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "test_util.h"

namespace shoebox::ops {
namespace {

struct FakeTimer {
  std::map<std::string, double> seconds;  // per backend
  int calls = 0;
  ProductTimer Get() {
    return [this](const std::string& b, Precision, const ProductShape&) {
      ++calls;
      auto it = seconds.find(b);
      return it == seconds.end() ? -1.0 : it->second;
    };
  }
};

const ProductShape kShape{256, 3072, 768};

TEST(ProductTuner, PicksTheFastestBackendAndTimesEachShapeOnce) {
  FakeTimer t{{{"ours", 2.0}, {"onednn", 1.0}}};
  ProductTuner tuner("", t.Get(), "machine A");
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "onednn");
  const int after_first = t.calls;
  EXPECT_EQ(after_first, 2) << "both float32 backends timed";
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "onednn");
  EXPECT_EQ(t.calls, after_first) << "a shape is timed once";
  t.seconds["ours"] = 0.5;
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, {1, 3072, 768}), "ours") << "another row count";
  EXPECT_EQ(tuner.measured(), 2);
}

TEST(ProductTuner, FallsBackWhenABackendCannotMakeTheProduct) {
  FakeTimer t{{{"ours", 5.0}}};  // oneDNN answers -1: it could not make a primitive
  ProductTuner tuner("", t.Get(), "machine A");
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "ours");
  FakeTimer none;
  ProductTuner nothing("", none.Get(), "machine A");
  EXPECT_EQ(nothing.Choose(Precision::kFloat32, kShape), "") << "no backend could run it";
}

TEST(ProductTuner, KeepsItsChoicesForTheSameMachineOnly) {
  testing::TempDir tmp;
  const auto file = tmp / "cache" / "tuning.json";
  FakeTimer t{{{"ours", 2.0}, {"onednn", 1.0}}};
  {
    ProductTuner tuner(file, t.Get(), "machine A");
    EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "onednn");
    ASSERT_TRUE(tuner.Save().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  t.calls = 0;
  t.seconds = {{"ours", 1.0}, {"onednn", 2.0}};
  ProductTuner later(file, t.Get(), "machine A");
  EXPECT_EQ(later.Choose(Precision::kFloat32, kShape), "onednn") << "the kept choice";
  EXPECT_EQ(t.calls, 0) << "nothing timed on a later load";
  EXPECT_EQ(later.measured(), 0);
  ProductTuner elsewhere(file, t.Get(), "machine B");
  EXPECT_EQ(elsewhere.Choose(Precision::kFloat32, kShape), "ours") << "another CPU measures";
  EXPECT_EQ(t.calls, 2);
}

TEST(ProductTuner, ADamagedFileIsIgnoredAndRewritten) {
  testing::TempDir tmp;
  const auto file = tmp / "tuning.json";
  for (const char* bad :
       {"", "{", "[1,2]", "{\"machine\": 3}", "{\"machine\": \"machine A\", \"choices\": 7}",
        "{\"machine\": \"machine A\", \"choices\": {\"float32 256x3072x768\": "
        "\"no-such-backend\"}}"}) {
    testing::WriteFile(file, bad);
    FakeTimer t{{{"ours", 2.0}, {"onednn", 1.0}}};
    ProductTuner tuner(file, t.Get(), "machine A");
    EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "onednn") << bad;
    EXPECT_EQ(t.calls, 2) << bad;
    ASSERT_TRUE(tuner.Save().ok());
    ProductTuner again(file, t.Get(), "machine A");
    EXPECT_EQ(again.Choose(Precision::kFloat32, kShape), "onednn");
    EXPECT_EQ(t.calls, 2) << "rewritten: " << bad;
  }
}

TEST(ProductTuner, ShoeboxKernelForcesABackend) {
  FakeTimer t{{{"ours", 2.0}, {"onednn", 1.0}}};
  ProductTuner tuner("", t.Get(), "machine A");
  ::setenv("SHOEBOX_KERNEL", "avx2", 1);
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, kShape), "ours");
  ::setenv("SHOEBOX_KERNEL", "onednn", 1);
  EXPECT_EQ(tuner.Choose(Precision::kFloat32, {1, 8, 8}), "onednn");
  ::unsetenv("SHOEBOX_KERNEL");
  EXPECT_EQ(t.calls, 0);
}

TEST(ProductTuner, PrecisionNamesRoundTrip) {
  for (Precision p : {Precision::kFloat32, Precision::kBf16, Precision::kInt8}) {
    Precision back = Precision::kFloat32;
    ASSERT_TRUE(ParsePrecision(PrecisionName(p), &back));
    EXPECT_EQ(back, p);
  }
  Precision p;
  EXPECT_TRUE(ParsePrecision("fp32", &p));
  EXPECT_FALSE(ParsePrecision("fp16", &p));
  EXPECT_FALSE(ProductBackends(Precision::kFloat32).empty()) << "float32 always runs";
  EXPECT_NE(MachineKey().find("ours="), std::string::npos);
}

}  // namespace
}  // namespace shoebox::ops
