#include "search/text_search.h"

#include <algorithm>
#include <unordered_map>

#include "base/text_fold.h"

namespace shoebox::search {
namespace {

constexpr double kRrfK = 60;
constexpr double kAllWordsWeight = 2.0, kSomeWordsWeight = 0.5, kSemanticWeight = 1.0;

// Splits a query into words and "quoted phrases"; a '-' before either excludes it.
struct Piece {
  std::string text;
  bool phrase = false, excluded = false;
};

std::vector<Piece> Pieces(const std::string& q) {
  std::vector<Piece> out;
  size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    if (i >= q.size()) break;
    Piece p;
    while (i < q.size() && (q[i] == '-' || q[i] == '+')) p.excluded = q[i++] == '-';
    if (i < q.size() && q[i] == '"') {
      const size_t end = q.find('"', i + 1);
      p.text = q.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      p.phrase = true;
      i = end == std::string::npos ? q.size() : end + 1;
    } else {
      const size_t start = i;
      while (i < q.size() && !std::isspace(static_cast<unsigned char>(q[i]))) ++i;
      p.text = q.substr(start, i - start);
      // "2:dog" weighs a semantic term; the word is "dog".
      const size_t colon = p.text.find(':');
      if (colon != std::string::npos && colon > 0 &&
          p.text.find_first_not_of("0123456789.") == colon)
        p.text = p.text.substr(colon + 1);
    }
    if (!FoldedWords(p.text).empty()) out.push_back(std::move(p));
  }
  return out;
}

// The query's words found among the photo's words (folded; a query word may begin one).
std::vector<std::string> WordsFound(const TextQuery& q, const IndexedWords& w) {
  const std::vector<std::string> have = FoldedWords(w.words + "\n" + w.about + "\n" + w.names);
  std::vector<std::string> found;
  for (const TextTerm& t : q.terms)
    for (const std::string& word : FoldedWords(t.text)) {
      const bool present = std::any_of(have.begin(), have.end(), [&](const std::string& h) {
        return h.compare(0, word.size(), word) == 0;
      });
      if (present && std::find(found.begin(), found.end(), word) == found.end())
        found.push_back(word);
    }
  return found;
}

void SortByDate(std::vector<SearchHit>* hits) {
  std::stable_sort(hits->begin(), hits->end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.taken_at.has_value() != b.taken_at.has_value()) return a.taken_at.has_value();
    return a.taken_at && *a.taken_at < *b.taken_at;
  });
}

}  // namespace

Result<SearchMode> ParseSearchMode(std::string_view name) {
  if (name == "hybrid") return SearchMode::kHybrid;
  if (name == "text") return SearchMode::kText;
  if (name == "semantic") return SearchMode::kSemantic;
  return InvalidArgument("unknown search mode '" + std::string(name) +
                         "' (hybrid, text or semantic)");
}

const char* SearchModeName(SearchMode mode) {
  switch (mode) {
    case SearchMode::kText:
      return "text";
    case SearchMode::kSemantic:
      return "semantic";
    default:
      return "hybrid";
  }
}

Result<TextQuery> ParseTextQuery(const std::string& query) {
  TextQuery q;
  for (Piece& p : Pieces(query)) {
    TextTerm t{std::move(p.text), !p.phrase};
    (p.excluded ? q.excluded : q.terms).push_back(std::move(t));
  }
  if (q.terms.empty())
    return InvalidArgument("nothing to look for in '" + query +
                           "': give at least one word that is not excluded with '-'");
  return q;
}

Result<std::vector<SearchHit>> SearchByText(Catalog& catalog, const std::string& query,
                                            const SearchOptions& options) {
  auto q = ParseTextQuery(query);
  if (!q.ok()) return q.status();
  const int64_t want = options.n + (options.exclude ? 1 : 0);
  auto found = catalog.SearchText(*q, options.filter, want);
  if (!found.ok()) return found.status();
  TextQuery any = *q;
  any.any = true;
  const bool partial = found->empty() && q->terms.size() > 1;
  if (partial) {
    // Fetch deeper: the photos with the most of the words go first, bm25 after that.
    found = catalog.SearchText(any, options.filter, std::max<int64_t>(want * 4, 100));
    if (!found.ok()) return found.status();
  }
  std::vector<SearchHit> hits;
  for (const TextHit& t : *found) {
    if (options.exclude && *options.exclude == t.asset_id) continue;
    if (!partial && static_cast<int64_t>(hits.size()) >= options.n) break;
    auto row = catalog.FindByAssetId(t.asset_id);
    if (!row.ok()) return row.status();
    if (!*row) continue;
    SearchHit h;
    h.id = t.asset_id;
    h.path = (*row)->file.path;
    h.taken_at = (*row)->asset.taken_at;
    h.has_thumbnail = (*row)->asset.has_thumbnail;
    h.duration = (*row)->asset.duration;
    h.at = (*row)->asset.poster_at;  // a video's words are its poster's
    h.match = {"text"};
    auto words = catalog.IndexedWordsOf(t.asset_id);
    if (!words.ok()) return words.status();
    h.words = WordsFound(*q, *words);
    hits.push_back(std::move(h));
  }
  if (partial) {
    std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
      return a.words.size() > b.words.size();
    });
    if (static_cast<int64_t>(hits.size()) > options.n) hits.resize(static_cast<size_t>(options.n));
  }
  if (options.sort_by_date) SortByDate(&hits);
  return hits;
}

Result<std::vector<SearchHit>> RunSearch(Catalog& catalog, const std::string& query,
                                         SearchMode mode, const SearchOptions& options,
                                         const SemanticSearch& semantic) {
  if (mode == SearchMode::kSemantic) {
    if (!semantic) return NotFound("no model to search by meaning");
    auto hits = semantic(options);
    if (!hits.ok()) return hits.status();
    for (SearchHit& h : *hits) h.match = {"semantic"};
    return hits;
  }
  if (mode == SearchMode::kText || !semantic) return SearchByText(catalog, query, options);
  if (!ParseTextQuery(query).ok())
    return RunSearch(catalog, query, SearchMode::kSemantic, options, semantic);

  // Both rankings, deeper than the page, then fused.
  SearchOptions deeper = options;
  deeper.n = std::max<int64_t>(2 * options.n, 50);
  deeper.sort_by_date = false;
  auto text = SearchByText(catalog, query, deeper);
  if (!text.ok()) return text.status();
  auto meaning = semantic(deeper);
  if (!meaning.ok()) return meaning.status();
  // A text list of partial matches (no photo has every word) weighs less.
  auto q = ParseTextQuery(query);
  bool all_words = true;
  if (q.ok() && !text->empty()) {
    auto first = catalog.SearchText(*q, options.filter, 1);
    all_words = first.ok() && !first->empty();
  }
  const double text_weight = all_words ? kAllWordsWeight : kSomeWordsWeight;
  std::unordered_map<int64_t, size_t> at;
  std::vector<SearchHit> fused;
  for (size_t r = 0; r < text->size(); ++r) {
    SearchHit h = std::move((*text)[r]);
    h.fused = text_weight / (kRrfK + r + 1);
    at[h.id] = fused.size();
    fused.push_back(std::move(h));
  }
  for (size_t r = 0; r < meaning->size(); ++r) {
    SearchHit& s = (*meaning)[r];
    const double add = kSemanticWeight / (kRrfK + r + 1);
    if (auto it = at.find(s.id); it != at.end()) {
      SearchHit& h = fused[it->second];
      h.fused = *h.fused + add;
      h.score = s.score;
      h.probability = s.probability;
      h.at = s.at;
      h.match.push_back("semantic");
    } else {
      s.fused = add;
      s.match = {"semantic"};
      at[s.id] = fused.size();
      fused.push_back(std::move(s));
    }
  }
  std::stable_sort(fused.begin(), fused.end(),
                   [](const SearchHit& a, const SearchHit& b) { return *a.fused > *b.fused; });
  if (static_cast<int64_t>(fused.size()) > options.n) fused.resize(static_cast<size_t>(options.n));
  if (options.sort_by_date) SortByDate(&fused);
  return fused;
}

}  // namespace shoebox::search
