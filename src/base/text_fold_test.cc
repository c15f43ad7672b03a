#include "base/text_fold.h"

#include <gtest/gtest.h>

namespace shoebox {
namespace {

TEST(TextFold, SpanishAndFrenchAccentsFoldToPlainLowerCase) {
  EXPECT_EQ(FoldText("REUNIÓN a las OCHO"), "reunion a las ocho");
  EXPECT_EQ(FoldText("Contraseña"), "contrasena");
  EXPECT_EQ(FoldText("Ça déjà Ÿ Łódź Œ"), "ca deja y lodz o");
  EXPECT_EQ(FoldText("日本 ×"), "日本 ×");
}

TEST(TextFold, WordsSplitAtPunctuationLikeTheFullTextIndex) {
  EXPECT_EQ(FoldedWords("IMG_1234.JPG — ¡Mañana!"),
            (std::vector<std::string>{"img", "1234", "jpg", "manana"}));
  EXPECT_TRUE(FoldedWords(" .,;").empty());
}

TEST(TextFold, MalformedUtf8IsKeptNotCrashedOn) {
  const std::string bad = "a\xC3\xff\xE2\x82";
  EXPECT_FALSE(FoldText(bad).empty());
  EXPECT_EQ(FoldedWords(bad).front().substr(0, 1), "a");
}

}  // namespace
}  // namespace shoebox
