// Every case of the reference tokenizer (golden clip/tokenizer/cases.jsonl), exactly.
#include "engine/tokenizer/clip_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/tokenizer/text_cleanup.h"
#include "test_util.h"

namespace shoebox::engine {
namespace {

std::filesystem::path TokenizerDir() { return testing::GoldenPath() / "clip/tokenizer"; }

TEST(ClipTokenizer, ReproducesEveryReferenceCase) {
  auto tok = ClipTokenizer::Load(TokenizerDir());
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  std::ifstream in(TokenizerDir() / "cases.jsonl");
  std::string line;
  int cases = 0, exact = 0;
  while (std::getline(in, line)) {
    auto c = nlohmann::json::parse(line);
    ++cases;
    Encoding e = (*tok)->Encode(c["text"].get<std::string>());
    SCOPED_TRACE("case " + std::to_string(c["id"].get<int>()) + " " +
                 c["category"].get<std::string>());
    EXPECT_EQ(e.ids, c["input_ids"].get<std::vector<int64_t>>());
    EXPECT_EQ(e.attention_mask, c["attention_mask"].get<std::vector<int64_t>>());
    EXPECT_EQ(e.num_tokens, c["num_tokens"].get<int>());
    EXPECT_EQ(e.truncated, c["truncated"].get<bool>());
    exact += e.ids == c["input_ids"].get<std::vector<int64_t>>();
  }
  EXPECT_EQ(cases, 63);
  std::printf("    %d of %d cases exact\n", exact, cases);
}

TEST(ClipTokenizer, MalformedFilesAreClearErrors) {
  testing::TempDir tmp;
  auto missing = ClipTokenizer::Load(tmp.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("vocab.json"), std::string::npos);
  testing::WriteFile(tmp / "vocab.json", "[1,2]");
  EXPECT_NE(ClipTokenizer::Load(tmp.path()).status().message().find("not a JSON object"),
            std::string::npos);
  testing::WriteFile(tmp / "vocab.json", R"({"a": 0, "<|startoftext|>": 1, "<|endoftext|>": 2})");
  testing::WriteFile(tmp / "merges.txt", "#version: 0.2\na b c\n");
  EXPECT_NE(ClipTokenizer::Load(tmp.path()).status().message().find("not 'left right'"),
            std::string::npos);
}

TEST(TextCleanup, PythonSemantics) {
  EXPECT_EQ(text::CollapseWhitespace("  a \t\n b\u00a0c  "), "a b c");
  EXPECT_EQ(text::Lower("ÀÉÎ ΣΑΣ Straße"), "àéî σας straße");  // final sigma, ß kept
  EXPECT_EQ(text::FixText("fish &amp; chips"), "fish & chips");
  EXPECT_EQ(text::FixText("<b> &amp;"), "<b> &amp;");  // looks like HTML: left alone
  EXPECT_EQ(text::FixText("caf\u00c3\u00a9"), "café");
  EXPECT_EQ(text::FixText("café naïve"), "café naïve");
  EXPECT_EQ(text::FixText("e\u0301"), "é");  // NFC
}

TEST(ClipTokenizer, AFolderWithoutVocabJsonSaysWhichFileIsMissingAndWhatToDo) {
  testing::TempDir d;
  testing::WriteFile(d / "merges.txt", "#version: 0.2\n");
  auto tok = ClipTokenizer::Load(d.path());
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), StatusCode::kNotFound);
  EXPECT_NE(tok.status().message().find("vocab.json is missing"), std::string::npos)
      << tok.status().ToString();
  EXPECT_NE(tok.status().message().find("shoebox models pull"), std::string::npos);
}

}  // namespace
}  // namespace shoebox::engine
