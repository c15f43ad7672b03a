#include "library/lightroom/lua_table.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace shoebox::lightroom {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  Result<nlohmann::json> Chunk() {
    Skip();
    // name = value
    size_t save = i_;
    if (IsNameStart()) {
      std::string name = Name();
      Skip();
      if (i_ < t_.size() && t_[i_] == '=') {
        ++i_;
        auto v = Value(0);
        if (!v.ok()) return v;
        Skip();
        if (i_ != t_.size()) return Error("text after the table");
        return v;
      }
      i_ = save;
    }
    auto v = Value(0);
    if (!v.ok()) return v;
    Skip();
    if (i_ != t_.size()) return Error("text after the value");
    return v;
  }

 private:
  Status Error(const std::string& what) const {
    return Corrupt("Lua table: " + what + " at byte " + std::to_string(i_));
  }
  void Skip() {
    while (i_ < t_.size()) {
      if (std::isspace(static_cast<unsigned char>(t_[i_]))) {
        ++i_;
      } else if (t_.substr(i_, 2) == "--") {  // comment to end of line
        while (i_ < t_.size() && t_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }
  bool IsNameStart() const {
    return i_ < t_.size() && (std::isalpha(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_');
  }
  std::string Name() {
    size_t s = i_;
    while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_'))
      ++i_;
    return std::string(t_.substr(s, i_ - s));
  }

  Result<nlohmann::json> String() {
    const char quote = t_[i_++];
    std::string out;
    while (i_ < t_.size() && t_[i_] != quote) {
      char c = t_[i_++];
      if (c == '\\' && i_ < t_.size()) {
        char e = t_[i_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          default:
            out += e;  // \" \\ \' and the rest taken literally
        }
      } else {
        out += c;
      }
    }
    if (i_ >= t_.size()) return Error("unterminated string");
    ++i_;
    return nlohmann::json(out);
  }

  Result<nlohmann::json> Number() {
    const std::string s(t_.substr(i_, std::min<size_t>(64, t_.size() - i_)));
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) return Error("expected a value");
    i_ += static_cast<size_t>(end - s.c_str());
    if (d == static_cast<double>(static_cast<int64_t>(d)) &&
        s.find_first_of(".eE") >= static_cast<size_t>(end - s.c_str()))
      return nlohmann::json(static_cast<int64_t>(d));
    return nlohmann::json(d);
  }

  Result<nlohmann::json> Value(int depth) {
    Skip();
    if (i_ >= t_.size()) return Error("unexpected end");
    const char c = t_[i_];
    if (c == '{') return Table(depth + 1);
    if (c == '"' || c == '\'') return String();
    if (IsNameStart()) {
      const std::string n = Name();
      if (n == "true") return nlohmann::json(true);
      if (n == "false") return nlohmann::json(false);
      if (n == "nil") return nlohmann::json(nullptr);
      return Error("unknown word '" + n + "'");
    }
    return Number();
  }

  Result<nlohmann::json> Table(int depth) {
    if (depth > kMaxDepth) return Error("tables nested too deep");
    ++i_;  // '{'
    nlohmann::json keyed = nlohmann::json::object();
    nlohmann::json positional = nlohmann::json::array();
    for (;;) {
      Skip();
      if (i_ >= t_.size()) return Error("unterminated table");
      if (t_[i_] == '}') {
        ++i_;
        break;
      }
      std::optional<std::string> key;
      if (t_[i_] == '[') {  // [expr] = value
        ++i_;
        auto k = Value(depth);
        if (!k.ok()) return k;
        Skip();
        if (i_ >= t_.size() || t_[i_] != ']') return Error("expected ']'");
        ++i_;
        key = k->is_string() ? k->get<std::string>() : "[" + k->dump() + "]";
        Skip();
        if (i_ >= t_.size() || t_[i_] != '=') return Error("expected '='");
        ++i_;
      } else if (IsNameStart()) {
        size_t save = i_;
        std::string n = Name();
        Skip();
        if (i_ < t_.size() && t_[i_] == '=') {
          ++i_;
          key = n;
        } else {
          i_ = save;
        }
      }
      auto v = Value(depth);
      if (!v.ok()) return v;
      if (key)
        keyed[*key] = std::move(*v);
      else
        positional.push_back(std::move(*v));
      Skip();
      if (i_ < t_.size() && (t_[i_] == ',' || t_[i_] == ';'))
        ++i_;
      else if (i_ < t_.size() && t_[i_] != '}')
        return Error("expected ',' or '}'");
    }
    if (keyed.empty()) return positional;
    for (size_t k = 0; k < positional.size(); ++k)
      keyed["[" + std::to_string(k + 1) + "]"] = positional[k];
    return keyed;
  }

  std::string_view t_;
  size_t i_ = 0;
};

}  // namespace

Result<nlohmann::json> ParseLuaAssignment(std::string_view text) { return Parser(text).Chunk(); }

}  // namespace shoebox::lightroom
