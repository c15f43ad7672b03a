// Words compared the way the full-text index compares them (SQLite FTS5's unicode61 tokenizer
// with remove_diacritics 2): lower case, accents dropped ("REUNIÓN" -> "reunion",
// "contraseña" -> "contrasena"), split at anything that is not a letter or digit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shoebox {

// Lower case without diacritics, for Latin letters (Latin-1 and Latin Extended-A); other
// characters are kept as they are.
std::string FoldText(std::string_view utf8);

// The folded words of a text, in order.
std::vector<std::string> FoldedWords(std::string_view utf8);

}  // namespace shoebox
