#include "vectors/index_recipe.h"

#include <gtest/gtest.h>

namespace shoebox::vectors {
namespace {

TEST(IndexRecipe, ParsesEachKindToItsCanonicalForm) {
  EXPECT_EQ(ParseIndexRecipe("auto")->ToString(), "auto");
  EXPECT_EQ(ParseIndexRecipe(" AUTO , threshold=5000 ")->ToString(), "auto,threshold=5000");
  EXPECT_EQ(ParseIndexRecipe("flat")->ToString(), "flat");
  EXPECT_EQ(ParseIndexRecipe("hnsw")->ToString(), "hnsw,M=32,efc=200,ef=128");
  auto h = ParseIndexRecipe("HNSW,m=48,EF=256,efc=400");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->hnsw.m, 48);
  EXPECT_EQ(h->hnsw.ef_search, 256);
  EXPECT_EQ(h->hnsw.ef_construction, 400);
  EXPECT_EQ(ParseIndexRecipe(h->ToString())->ToString(), h->ToString()) << "stored form reads back";
}

TEST(IndexRecipe, DecidesWhenTheGraphIsUsed) {
  EXPECT_FALSE(ParseIndexRecipe("auto")->UsesGraph(99999));
  EXPECT_TRUE(ParseIndexRecipe("auto")->UsesGraph(100000));
  EXPECT_TRUE(ParseIndexRecipe("auto,threshold=10")->UsesGraph(10));
  EXPECT_FALSE(ParseIndexRecipe("flat")->UsesGraph(5000000));
  EXPECT_TRUE(ParseIndexRecipe("hnsw")->UsesGraph(3));
  EXPECT_FALSE(ParseIndexRecipe("hnsw")->UsesGraph(0));
}

TEST(IndexRecipe, RefusesNonsenseNamingWhatIsWrong) {
  auto message = [](const char* text) { return ParseIndexRecipe(text).status().message(); };
  EXPECT_NE(message("ivf").find("expected auto, flat or hnsw"), std::string::npos);
  EXPECT_NE(message("").find("expected auto, flat or hnsw"), std::string::npos);
  EXPECT_NE(message("flat,M=4").find("'m' is not a setting of flat"), std::string::npos);
  EXPECT_NE(message("auto,ef=4").find("'ef' is not a setting of auto"), std::string::npos);
  EXPECT_NE(message("hnsw,M=1").find("between 2 and 256"), std::string::npos);
  EXPECT_NE(message("hnsw,M").find("not key=value"), std::string::npos);
  EXPECT_NE(message("hnsw,ef=-3").find("positive whole number"), std::string::npos);
  EXPECT_NE(message("hnsw,ef=12x").find("positive whole number"), std::string::npos);
  EXPECT_NE(message("auto,threshold=99999999999999999999").find("positive whole number"),
            std::string::npos);
}

}  // namespace
}  // namespace shoebox::vectors
