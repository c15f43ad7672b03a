#include "ocr/reading_quality.h"

#include <gtest/gtest.h>

namespace shoebox::ocr {
namespace {

TEST(WordRecall, CountsEachDrawnWordOnceIgnoringCaseAccentsAndPunctuation) {
  EXPECT_DOUBLE_EQ(WordRecall("REUNIÓN a las ocho", "reunion, A LAS... ocho!"), 1.0);
  EXPECT_DOUBLE_EQ(WordRecall("no no no entry", "no entry"), 0.5);
  EXPECT_DOUBLE_EQ(WordRecall("staff only", "TAFF only"), 0.5);
  EXPECT_DOUBLE_EQ(WordRecall("", "anything"), 1.0);
  EXPECT_DOUBLE_EQ(WordRecall("words", ""), 0.0);
}

TEST(CharacterErrorRate, CountsEditsPerDrawnCharacterAsTheSearchIndexSeesThem) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("REUNIÓN a las ocho", "reunion A LAS, ocho"), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("staff only", "TAFF only"), 0.1);  // one deletion in 10
  EXPECT_DOUBLE_EQ(CharacterErrorRate("contraseña", "CONTRAGENA"), 0.1) << "ñ is one character";
  EXPECT_DOUBLE_EQ(CharacterErrorRate("peligro", "PELI GRO"), 1.0 / 7) << "a split is one edit";
  EXPECT_DOUBLE_EQ(CharacterErrorRate("exit", "exit left"), 5.0 / 4) << "extra words count";
  EXPECT_DOUBLE_EQ(CharacterErrorRate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("exit", ""), 1.0);
}

}  // namespace
}  // namespace shoebox::ocr
