#include "engine/tokenizer/text_cleanup.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>

namespace shoebox::text {
namespace {

// Windows-1252's 0x80-0x9F row (0 = undefined there).
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

int Cp1252Byte(char32_t c) {
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return static_cast<int>(c);
  for (int i = 0; i < 32; ++i)
    if (kCp1252High[i] == c) return 0x80 + i;
  if (c >= 0x80 && c <= 0x9F) return static_cast<int>(c);  // Latin-1 C1 controls
  return -1;
}

bool DecodeUtf8Strict(const std::string& bytes, std::u32string* out) {
  out->clear();
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned char b = static_cast<unsigned char>(bytes[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > bytes.size()) return false;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
      unsigned char cb = static_cast<unsigned char>(bytes[i + k]);
      if ((cb & 0xC0) != 0x80) return false;
      c = (c << 6) | (cb & 0x3F);
    }
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      return false;
    out->push_back(c);
    i += static_cast<size_t>(len);
  }
  return true;
}

// Text that is UTF-8 read as Windows-1252 ("cafÃ©") turns back into what was meant.
std::u32string FixWholeMojibake(const std::u32string& s) {
  bool suspicious = false;
  std::string bytes;
  for (char32_t c : s) {
    int b = Cp1252Byte(c);
    if (b < 0) return s;
    if (b >= 0x80) suspicious = true;
    bytes.push_back(static_cast<char>(b));
  }
  if (!suspicious) return s;
  std::u32string fixed;
  if (!DecodeUtf8Strict(bytes, &fixed)) return s;
  return fixed;
}

std::u32string UnescapeHtml(const std::u32string& s) {
  for (char32_t c : s)
    if (c == U'<') return s;  // ftfy: a literal '<' means this may be real HTML; leave it
  static const std::map<std::u32string, char32_t> kNamed = {
      {U"amp", U'&'},     {U"lt", U'<'},       {U"gt", U'>'},      {U"quot", U'"'},
      {U"apos", U'\''},   {U"nbsp", 0xA0},     {U"copy", 0xA9},    {U"reg", 0xAE},
      {U"trade", 0x2122}, {U"hellip", 0x2026}, {U"mdash", 0x2014}, {U"ndash", 0x2013},
      {U"lsquo", 0x2018}, {U"rsquo", 0x2019},  {U"ldquo", 0x201C}, {U"rdquo", 0x201D},
      {U"eacute", 0xE9},  {U"egrave", 0xE8},   {U"aacute", 0xE1},  {U"iacute", 0xED},
      {U"oacute", 0xF3},  {U"uacute", 0xFA},   {U"ntilde", 0xF1},  {U"uuml", 0xFC},
      {U"ouml", 0xF6},    {U"auml", 0xE4},     {U"ccedil", 0xE7},  {U"deg", 0xB0},
      {U"euro", 0x20AC},  {U"pound", 0xA3}};
  std::u32string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == U'&') {
      size_t semi = s.find(U';', i);
      if (semi != std::u32string::npos && semi - i <= 10 && semi > i + 1) {
        std::u32string name = s.substr(i + 1, semi - i - 1);
        char32_t c = 0;
        if (name[0] == U'#') {
          bool hex = name.size() > 1 && (name[1] == U'x' || name[1] == U'X');
          uint32_t v = 0;
          bool ok = name.size() > (hex ? 2u : 1u);
          for (size_t k = hex ? 2 : 1; k < name.size() && ok; ++k) {
            char32_t d = name[k];
            int digit = d >= U'0' && d <= U'9'          ? static_cast<int>(d - U'0')
                        : hex && d >= U'a' && d <= U'f' ? static_cast<int>(d - U'a' + 10)
                        : hex && d >= U'A' && d <= U'F' ? static_cast<int>(d - U'A' + 10)
                                                        : -1;
            if (digit < 0 || v > 0x10FFFF)
              ok = false;
            else
              v = v * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
          }
          if (ok && v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) c = v;
        } else if (auto it = kNamed.find(name); it != kNamed.end()) {
          c = it->second;
        }
        if (c) {
          out.push_back(c);
          i = semi;
          continue;
        }
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::u32string FixCharacters(const std::u32string& s) {
  static const std::map<char32_t, std::u32string> kLigatures = {
      {0x0132, U"IJ"},  {0x0133, U"ij"},  {0x0149, U"\u02bcn"}, {0x01C7, U"LJ"},
      {0x01C8, U"Lj"},  {0x01C9, U"lj"},  {0x01CA, U"NJ"},      {0x01CB, U"Nj"},
      {0x01CC, U"nj"},  {0xFB00, U"ff"},  {0xFB01, U"fi"},      {0xFB02, U"fl"},
      {0xFB03, U"ffi"}, {0xFB04, U"ffl"}, {0xFB05, U"\u017ft"}, {0xFB06, U"st"}};
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  std::u32string out;
  for (char32_t c : s) {
    if (auto it = kLigatures.find(c); it != kLigatures.end()) {
      out += it->second;
    } else if ((c >= 0xFF01 && c <= 0xFFEF) || c == 0x3000) {  // full- and half-width forms
      icu::UnicodeString u(static_cast<UChar32>(c)), n;
      if (U_SUCCESS(err)) n = nfkc->normalize(u, err);
      std::string utf8;
      n.toUTF8String(utf8);
      out += ToUtf32(utf8);
    } else if ((c >= 0x2018 && c <= 0x201B) || c == 0x02BC) {
      out.push_back(U'\'');
    } else if (c >= 0x201C && c <= 0x201F) {
      out.push_back(U'"');
    } else if ((c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
               (c >= 0x206A && c <= 0x206F) || (c >= 0xFFF9 && c <= 0xFFFC) || c == 0xFEFF ||
               (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE007F)) {
      // ftfy.remove_control_chars
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Normalize(const std::string& utf8, bool nfc) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n =
      nfc ? icu::Normalizer2::getNFCInstance(err) : icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) return utf8;
  icu::UnicodeString out = n->normalize(icu::UnicodeString::fromUTF8(utf8), err);
  if (U_FAILURE(err)) return utf8;
  std::string s;
  out.toUTF8String(s);
  return s;
}

}  // namespace

std::u32string ToUtf32(const std::string& utf8) {
  std::u32string out;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);  // invalid bytes -> U+FFFD
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

std::string ToUtf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80)
      out.push_back(static_cast<char>(c));
    else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool IsPythonWhitespace(char32_t c) {
  // str.isspace(): bidi class WS, B or S, or category Zs.
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85) return true;
  if (c < 0x80) return false;
  return u_isUWhiteSpace(static_cast<UChar32>(c)) ||
         u_charType(static_cast<UChar32>(c)) == U_SPACE_SEPARATOR;
}

bool IsLetter(char32_t c) {
  int8_t t = u_charType(static_cast<UChar32>(c));
  return t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER ||
         t == U_MODIFIER_LETTER || t == U_OTHER_LETTER;
}

bool IsNumber(char32_t c) {
  int8_t t = u_charType(static_cast<UChar32>(c));
  return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

std::string FixText(const std::string& utf8) {
  std::u32string s = ToUtf32(utf8);
  s = UnescapeHtml(s);
  s = FixWholeMojibake(s);
  s = FixCharacters(s);
  return Normalize(ToUtf8(s), /*nfc=*/true);
}

std::string Lower(const std::string& utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string CollapseWhitespace(const std::string& utf8) {
  std::u32string s = ToUtf32(utf8), out;
  bool pending_space = false;
  for (char32_t c : s) {
    if (IsPythonWhitespace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return ToUtf8(out);
}

}  // namespace shoebox::text
