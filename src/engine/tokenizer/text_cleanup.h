// Text normalisation before CLIP's BPE, reproducing the reference tokenizer's path:
// ftfy.fix_text (the subset that matters for captions and queries), then whitespace
// collapsing and lower-casing: re.sub(r"\s+", " ", ftfy.fix_text(text)).strip().lower().
//
// ftfy fixes implemented: HTML entities (when the text has no '<'), mojibake that is a whole
// UTF-8 string mis-decoded as Windows-1252/Latin-1, Latin ligatures, full-width characters,
// curly quotes, control characters, NFC. Not implemented: ftfy's heuristic partial mojibake
// repair and terminal-escape removal (the golden data README, §3.3, lists the differences).
#pragma once

#include <string>

namespace shoebox::text {

// ftfy.fix_text subset, on UTF-8. Invalid UTF-8 bytes become U+FFFD first.
std::string FixText(const std::string& utf8);

// Python's str.lower(): full Unicode lower-casing (ß stays, İ -> i̇, final sigma).
std::string Lower(const std::string& utf8);

// re.sub(r"\s+", " ", s).strip() with Python's Unicode notion of whitespace.
std::string CollapseWhitespace(const std::string& utf8);

// Code point helpers shared by the tokenizers.
bool IsPythonWhitespace(char32_t c);
bool IsLetter(char32_t c);  // \p{L}
bool IsNumber(char32_t c);  // \p{N}
std::u32string ToUtf32(const std::string& utf8);
std::string ToUtf8(const std::u32string& s);

}  // namespace shoebox::text
