// Every case of the reference SigLIP tokenizer (golden siglip/tokenizer/cases.jsonl), exactly.
#include "engine/tokenizer/siglip_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace shoebox::engine {
namespace {

std::filesystem::path TokenizerDir() { return testing::GoldenPath() / "siglip/tokenizer"; }

TEST(SiglipTokenizer, ReproducesEveryReferenceCase) {
  auto tok = SiglipTokenizer::Load(TokenizerDir());
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  std::ifstream in(TokenizerDir() / "cases.jsonl");
  std::string line;
  int cases = 0, exact = 0;
  while (std::getline(in, line)) {
    auto c = nlohmann::json::parse(line);
    ++cases;
    auto ids = (*tok)->Encode(c["text"].get<std::string>());
    SCOPED_TRACE("case " + std::to_string(c["id"].get<int>()) + " " +
                 c["category"].get<std::string>());
    EXPECT_EQ(ids, c["input_ids"].get<std::vector<int64_t>>());
    exact += ids == c["input_ids"].get<std::vector<int64_t>>();
  }
  EXPECT_EQ(cases, 42);
  std::printf("    %d of %d cases exact\n", exact, cases);
}

TEST(SiglipTokenizer, CanonicalizeDropsOnlyAsciiPunctuation) {
  EXPECT_EQ(SiglipTokenizer::Canonicalize("  ¡Hola, mundo!  ¿qué? "), "¡Hola mundo ¿qué");
  EXPECT_EQ(SiglipTokenizer::Canonicalize("..."), "");
}

TEST(SiglipTokenizer, MalformedModelIsAClearError) {
  testing::TempDir tmp;
  EXPECT_NE(SiglipTokenizer::Load(tmp.path()).status().message().find("spiece.model"),
            std::string::npos);
  testing::WriteFile(tmp / "spiece.model", "\xff\xff\xff garbage");
  auto r = SiglipTokenizer::Load(tmp.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a SentencePiece model"), std::string::npos);
}

}  // namespace
}  // namespace shoebox::engine
