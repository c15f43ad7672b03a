#include "ocr/word_recall.h"

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

}  // namespace
}  // namespace shoebox::ocr
