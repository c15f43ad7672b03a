#include "search/query.h"

#include <gtest/gtest.h>

namespace shoebox::search {
namespace {

std::vector<std::pair<std::string, float>> Terms(const std::string& q) {
  auto r = ParseQuery(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  std::vector<std::pair<std::string, float>> out;
  if (r.ok())
    for (const auto& t : *r) out.push_back({t.text, t.weight});
  return out;
}

TEST(Query, PlainTextIsOneTerm) {
  EXPECT_EQ(Terms("a photo of a dog"),
            (std::vector<std::pair<std::string, float>>{{"a photo of a dog", 1.0f}}));
  EXPECT_EQ(Terms("  Mount   Fuji  "),
            (std::vector<std::pair<std::string, float>>{{"Mount Fuji", 1.0f}}));
}

TEST(Query, PlusMinusAndWeightsStartTerms) {
  EXPECT_EQ(Terms("beach +sunset -people"), (std::vector<std::pair<std::string, float>>{
                                                {"beach", 1}, {"sunset", 1}, {"people", -1}}));
  EXPECT_EQ(Terms("cat 2:dog"),
            (std::vector<std::pair<std::string, float>>{{"cat", 1}, {"dog", 2}}));
  EXPECT_EQ(Terms("red car -0.5:rain at night"),
            (std::vector<std::pair<std::string, float>>{{"red car", 1}, {"rain at night", -0.5f}}));
  EXPECT_EQ(Terms("café +ñandú"),
            (std::vector<std::pair<std::string, float>>{{"café", 1}, {"ñandú", 1}}));
}

TEST(Query, ColonsInWordsAreText) {
  EXPECT_EQ(Terms("re: the meeting"),
            (std::vector<std::pair<std::string, float>>{{"re: the meeting", 1}}));
}

TEST(Query, MalformedQueriesAreErrors) {
  EXPECT_FALSE(ParseQuery("").ok());
  EXPECT_FALSE(ParseQuery("   ").ok());
  EXPECT_FALSE(ParseQuery("beach +").ok());
  EXPECT_FALSE(ParseQuery("1.2.3:dog").ok());
}

TEST(Query, CombineIsTheNormalisedWeightedSum) {
  auto v = CombineTerms({{1, 0}, {0, 1}}, {3, 4});
  ASSERT_TRUE(v.ok());
  EXPECT_NEAR((*v)[0], 0.6, 1e-6);
  EXPECT_NEAR((*v)[1], 0.8, 1e-6);
  EXPECT_FALSE(CombineTerms({{1, 0}, {1, 0}}, {1, -1}).ok()) << "terms that cancel out";
  EXPECT_FALSE(CombineTerms({{1, 0}, {1, 0, 0}}, {1, 1}).ok());
}

}  // namespace
}  // namespace shoebox::search
