// Catalog queries that take a PhotoFilter, and the small lookups the search and web layers
// need, so that their SQL lives beside the schema.
#include "catalog/catalog.h"

namespace shoebox {
namespace {

// What sets a library item aside unless the filter asks for it: "li.trashed = 1 OR ...".
std::string SetAsideCondition(const PhotoFilter& f) {
  std::string c;
  if (!f.include_trashed) c = "li.trashed = 1";
  if (!f.include_hidden) c += std::string(c.empty() ? "" : " OR ") + "li.hidden = 1";
  return c.empty() ? "0" : c;
}

// A filter's conditions as SQL over a = assets (asset facts) and f = files, s = sources (where
// the file is, what its library says), with parameters ?1..?10 (BindFilter); a query's own
// parameters start at ?20.
struct FilterClauses {
  std::string asset, file;  // " AND ..." each
};

FilterClauses BuildFilterClauses(const PhotoFilter& f) {
  FilterClauses c;
  if (f.after) c.asset += " AND a.taken_at >= ?1";
  if (f.before) c.asset += " AND a.taken_at < ?2";
  if (f.camera)
    c.asset += " AND (instr(lower(a.make), lower(?4)) > 0 OR instr(lower(a.model), lower(?4)) > 0)";
  if (f.format) c.asset += " AND lower(a.format) = lower(?5)";
  if (f.has_gps) c.asset += " AND a.gps_lat IS NOT NULL AND a.gps_lon IS NOT NULL";
  if (f.person)
    c.asset +=
        " AND EXISTS (SELECT 1 FROM faces fa WHERE fa.asset_id = a.id AND fa.person_id = "
        "(SELECT id FROM people WHERE name = ?10))";
  // The folder or below it: an index range ('/' + 1 is '0'), not a function of every row.
  if (f.folder)
    c.file += " AND (f.folder = ?3 OR (f.folder >= ?3 || '/' AND f.folder < ?3 || '0'))";
  if (f.source) c.file += " AND s.root = ?6";
  if (f.album)
    c.file +=
        " AND EXISTS (SELECT 1 FROM album_files af JOIN albums al ON al.id = af.album_id "
        "WHERE af.file_id = f.id AND al.name = ?7)";
  if (f.keyword)
    c.file +=
        " AND EXISTS (SELECT 1 FROM keywords k WHERE k.file_id = f.id AND lower(k.keyword) = "
        "lower(?8))";
  if (f.favorite)
    c.file +=
        " AND EXISTS (SELECT 1 FROM library_items li WHERE li.file_id = f.id AND li.favorite = 1)";
  if (f.min_rating)
    c.file +=
        " AND COALESCE((SELECT li.rating FROM library_items li WHERE li.file_id = f.id), a.rating) "
        ">= ?9";
  if (!f.include_trashed || !f.include_hidden)
    c.file += " AND NOT EXISTS (SELECT 1 FROM library_items li WHERE li.file_id = f.id AND (" +
              SetAsideCondition(f) + "))";
  return c;
}

void BindFilter(Statement& q, const PhotoFilter& f) {
  auto trim = [](std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
  };
  if (f.after) q.Bind(1, *f.after);
  if (f.before) q.Bind(2, *f.before);
  if (f.folder) q.Bind(3, trim(*f.folder));
  if (f.camera) q.Bind(4, *f.camera);
  if (f.format) q.Bind(5, *f.format);
  if (f.source) q.Bind(6, trim(*f.source));
  if (f.album) q.Bind(7, *f.album);
  if (f.keyword) q.Bind(8, *f.keyword);
  if (f.min_rating) q.Bind(9, *f.min_rating);
  if (f.person) q.Bind(10, *f.person);
}

// "WITH allowed AS (...)": the present photos the filter allows, one row per `columns` (over
// a, f, s as in BuildFilterClauses).
std::string AllowedPhotos(const FilterClauses& c, const std::string& columns) {
  return "WITH allowed AS (SELECT DISTINCT " + columns +
         " FROM assets a JOIN files f ON f.asset_id = a.id AND f.status = 0 JOIN sources s ON "
         "s.id = f.source_id WHERE 1" +
         c.asset + c.file + ")";
}

// `select` (e.g. "SELECT DISTINCT a.id") over the present photos the filter allows, joined
// with their files (a, f, s), then `tail` (GROUP BY / ORDER BY / LIMIT).
Result<Statement> PrepareFiltered(Database& db, const PhotoFilter& f, const std::string& select,
                                  const std::string& tail) {
  const FilterClauses c = BuildFilterClauses(f);
  auto q = db.Prepare(select +
                      " FROM assets a JOIN files f ON f.asset_id = a.id AND f.status = 0 "
                      "JOIN sources s ON s.id = f.source_id WHERE 1" +
                      c.asset + c.file + tail);
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  return q;
}

// The same, one row per asset without a join: "SELECT <columns>, <the first path of the asset
// among the files the filter allows> FROM assets a WHERE ..." + tail. Walks an index on assets
// (ORDER BY a.taken_at DESC uses assets_taken_at) and stops at the LIMIT: a first page of
// 200,000 photos costs a few milliseconds instead of a sort of all of them.
Result<Statement> PrepareFilteredAssets(Database& db, const PhotoFilter& f,
                                        const std::string& columns, const std::string& tail,
                                        const std::string& after_path = "") {
  const FilterClauses c = BuildFilterClauses(f);
  const std::string files =
      " FROM files f JOIN sources s ON s.id = f.source_id WHERE f.asset_id = a.id AND f.status = "
      "0" +
      c.file;
  auto q =
      db.Prepare("SELECT " + columns + ", (SELECT MIN(f.path)" + files + ")" + after_path +
                 " FROM assets a WHERE 1" + c.asset + " AND EXISTS (SELECT 1" + files + ")" + tail);
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  return q;
}

// A term as FTS5 query syntax: one quoted string (FTS5 splits it into its tokens, folds them
// like the index, and matches them in order), '*' for a prefix.
std::string FtsTerm(const TextTerm& t) {
  std::string q = "\"";
  for (char c : t.text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  q += "\"";
  if (t.prefix) q += "*";
  return q;
}

}  // namespace

bool HasFileConditions(const PhotoFilter& f) {
  return f.folder || f.source || f.album || f.keyword || f.favorite || f.min_rating;
}

Result<std::vector<int64_t>> Catalog::AssetIdsMatching(const PhotoFilter& filter) {
  auto q = PrepareFiltered(db_, filter, "SELECT DISTINCT a.id", "");
  if (!q.ok()) return q.status();
  std::vector<int64_t> ids;
  Status st;
  while (q->Step(&st)) ids.push_back(q->Int(0));
  if (!st.ok()) return st;
  return ids;
}

Result<BrowsePage> Catalog::Browse(const PhotoFilter& f, BrowseOrder order, int64_t offset,
                                   int64_t n) {
  std::string sort;
  switch (order) {
    case BrowseOrder::kNewest:
      sort = " ORDER BY a.taken_at DESC, a.id DESC";
      break;  // undated last
    case BrowseOrder::kOldest:
      sort = " ORDER BY a.taken_at IS NULL, a.taken_at, a.id";
      break;
    case BrowseOrder::kPath:
      sort = " ORDER BY 4";
      break;  // the path column
  }
  const std::string tail = sort + " LIMIT ?20 OFFSET ?21";
  // Two plans. Filters on files (folder, album...) select few rows through their indexes:
  // join, then sort what matched. Otherwise walk the assets in the order asked (newest first
  // is the taken_at index backwards) and stop at the page.
  auto q =
      HasFileConditions(f)
          ? PrepareFiltered(db_, f,
                            "SELECT a.id, a.taken_at, a.thumb_state, MIN(f.path), a.duration",
                            " GROUP BY a.id" + tail)
          : PrepareFilteredAssets(db_, f, "a.id, a.taken_at, a.thumb_state", tail, ", a.duration");
  if (!q.ok()) return q.status();
  q->Bind(20, n + 1).Bind(21, offset);  // one row more than the page tells whether more follow
  BrowsePage page;
  Status st;
  while (q->Step(&st)) {
    if (static_cast<int64_t>(page.rows.size()) == n) {
      page.has_more = true;
      break;
    }
    page.rows.push_back({q->Int(0), q->Text(3), q->OptText(1), q->Int(2) != 0, q->OptDouble(4)});
  }
  if (!st.ok()) return st;
  return page;
}

Result<std::vector<AssetFile>> Catalog::FilesOfAsset(int64_t asset_id) {
  auto q =
      db_.PrepareCached("SELECT path, status, size FROM files WHERE asset_id = ?1 ORDER BY path");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id);
  std::vector<AssetFile> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Text(0), static_cast<FileStatus>(q->Int(1)), q->Int(2)});
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<PresentFile>> Catalog::PresentFiles() {
  auto q = db_.Prepare(
      "SELECT a.id, f.path, COALESCE(a.width * a.height, 0), a.size, a.taken_at, a.hash, "
      "f.source_id, s.kind FROM assets a JOIN files f ON f.asset_id = a.id AND f.status = 0 JOIN "
      "sources s ON s.id = f.source_id ORDER BY a.id, f.path");
  if (!q.ok()) return q.status();
  std::vector<PresentFile> out;
  Status st;
  while (q->Step(&st))
    out.push_back({q->Int(0), q->Text(1), q->Int(2), q->Int(3), q->OptText(4), q->Text(5),
                   q->Int(6), q->Text(7)});
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> Catalog::MaxAssetId() {
  auto q = db_.PrepareCached("SELECT COALESCE(MAX(id), 0) FROM assets");
  if (!q.ok()) return q.status();
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("MAX(id) returned no row") : st;
  return q->Int(0);
}

Result<int64_t> Catalog::DataVersion() {
  auto q = db_.PrepareCached("PRAGMA data_version");
  if (!q.ok()) return q.status();
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("data_version returned no row") : st;
  return q->Int(0);
}

Result<bool> Catalog::IsSetAside(int64_t asset_id) {
  auto q = db_.PrepareCached(
      "SELECT EXISTS (SELECT 1 FROM files f JOIN library_items li ON li.file_id = f.id "
      "WHERE f.asset_id = ?1 AND (li.trashed = 1 OR li.hidden = 1))");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id);
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("EXISTS returned no row") : st;
  return q->Int(0) != 0;
}

Result<bool> Catalog::HasSetAside(const PhotoFilter& f) {
  if (f.include_trashed && f.include_hidden) return false;
  auto q = db_.PrepareCached("SELECT EXISTS (SELECT 1 FROM library_items li WHERE " +
                             SetAsideCondition(f) + ")");
  if (!q.ok()) return q.status();
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("EXISTS returned no row") : st;
  return q->Int(0) != 0;
}

}  // namespace shoebox

namespace shoebox {

Result<std::vector<TextHit>> Catalog::SearchText(const TextQuery& query, const PhotoFilter& f,
                                                 int64_t n) {
  std::vector<TextHit> hits;
  if (query.terms.empty() || n <= 0) return hits;
  std::string match;
  for (const TextTerm& t : query.terms) {
    if (!match.empty()) match += query.any ? " OR " : " AND ";
    match += FtsTerm(t);
  }
  if (!query.excluded.empty()) {
    match = "(" + match + ")";
    for (const TextTerm& t : query.excluded) match += " NOT " + FtsTerm(t);
  }
  const FilterClauses c = BuildFilterClauses(f);
  // OCR words weigh most (a meme is its caption), then what the library says, then names.
  auto q = db_.Prepare(
      "SELECT text_index.rowid, bm25(text_index, 4.0, 2.0, 1.0) AS r FROM text_index "
      "JOIN assets a ON a.id = text_index.rowid WHERE text_index MATCH ?20" +
      c.asset +
      " AND EXISTS (SELECT 1 FROM files f JOIN sources s ON s.id = f.source_id "
      "WHERE f.asset_id = a.id AND f.status = 0" +
      c.file + ") ORDER BY r LIMIT ?21");
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  q->Bind(20, match).Bind(21, n);
  Status st;
  while (q->Step(&st)) hits.push_back({q->Int(0), q->Double(1)});
  if (!st.ok()) return st;
  return hits;
}

Result<std::vector<PersonSummary>> Catalog::People(const PhotoFilter& f) {
  const FilterClauses c = BuildFilterClauses(f);
  // The photos the filter allows, who is in them, and per person the cover: the most recent
  // photo with a box around them, else the most recent.
  auto q = db_.Prepare(
      AllowedPhotos(c, "a.id, a.taken_at") +
      ", hits AS (SELECT fa.person_id, fa.asset_id, fa.x, fa.y, fa.w, fa.h, al.taken_at FROM "
      "faces fa JOIN allowed al ON al.id = fa.asset_id), "
      "counts AS (SELECT person_id, COUNT(DISTINCT asset_id) AS n FROM hits GROUP BY person_id), "
      "covers AS (SELECT person_id, asset_id, x, y, w, h, ROW_NUMBER() OVER (PARTITION BY "
      "person_id ORDER BY x IS NULL, taken_at IS NULL, taken_at DESC, asset_id DESC) AS rn FROM "
      "hits) "
      "SELECT p.name, c.n, v.asset_id, v.x, v.y, v.w, v.h FROM counts c JOIN people p ON p.id = "
      "c.person_id JOIN covers v ON v.person_id = c.person_id AND v.rn = 1 "
      "ORDER BY c.n DESC, p.name");
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  std::vector<PersonSummary> out;
  Status st;
  while (q->Step(&st)) {
    PersonSummary p;
    p.name = q->Text(0);
    p.photos = q->Int(1);
    p.cover_asset_id = q->Int(2);
    if (auto x = q->OptDouble(3)) {
      FaceRecord face;
      face.person = p.name;
      face.x = x;
      face.y = q->OptDouble(4);
      face.w = q->OptDouble(5);
      face.h = q->OptDouble(6);
      p.cover_face = face;
    }
    out.push_back(std::move(p));
  }
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<CollectionSummary>> Catalog::Collections(CollectionKind kind,
                                                            const PhotoFilter& f) {
  const FilterClauses c = BuildFilterClauses(f);
  // Each allowed photo file with the collection it is in (one row per album / keyword).
  std::string hits;
  std::string order = "lower(c.name), c.name";
  switch (kind) {
    case CollectionKind::kAlbum:
      hits =
          "SELECT al.name AS name, x.asset_id, x.taken_at, x.thumb_state FROM allowed x JOIN "
          "album_files "
          "af ON "
          "af.file_id = x.file_id JOIN albums al ON al.id = af.album_id";
      break;
    case CollectionKind::kKeyword:
      // One spelling per keyword: the one most files use.
      hits =
          "SELECT (SELECT k2.keyword FROM keywords k2 WHERE lower(k2.keyword) = "
          "lower(k.keyword) GROUP BY k2.keyword ORDER BY COUNT(*) DESC, k2.keyword LIMIT 1) AS "
          "name, x.asset_id, x.taken_at, x.thumb_state FROM allowed x JOIN keywords k ON k.file_id "
          "= "
          "x.file_id";
      order = "c.n DESC, lower(c.name)";
      break;
    case CollectionKind::kFolder:
      hits = "SELECT x.folder AS name, x.asset_id, x.taken_at, x.thumb_state FROM allowed x";
      order = "c.name";
      break;
  }
  auto q = db_.Prepare(
      AllowedPhotos(c, "a.id AS asset_id, a.taken_at, a.thumb_state, f.id AS file_id, f.folder") +
      ", hits AS (" + hits +
      "), counts AS (SELECT name, COUNT(DISTINCT asset_id) AS n FROM hits GROUP BY name), "
      "covers AS (SELECT name, asset_id, ROW_NUMBER() OVER (PARTITION BY name ORDER BY thumb_state "
      "= 0, taken_at IS NULL, taken_at DESC, asset_id DESC) AS rn FROM hits) "
      "SELECT c.name, c.n, v.asset_id FROM counts c JOIN covers v ON v.name = c.name AND v.rn = 1 "
      "ORDER BY " +
      order);
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  std::vector<CollectionSummary> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Text(0), q->Int(1), q->Int(2)});
  if (!st.ok()) return st;
  return out;
}

Result<Timeline> Catalog::PhotoTimeline(const PhotoFilter& f) {
  const FilterClauses c = BuildFilterClauses(f);
  auto q = db_.Prepare(
      AllowedPhotos(c, "a.id, a.taken_at") +
      " SELECT substr(taken_at, 1, 7) AS month, COUNT(*) FROM allowed GROUP BY month ORDER BY "
      "month IS NULL, month DESC");
  if (!q.ok()) return q.status();
  BindFilter(*q, f);
  Timeline out;
  Status st;
  while (q->Step(&st)) {
    if (auto month = q->OptText(0))
      out.months.emplace_back(*month, q->Int(1));
    else
      out.undated = q->Int(1);
  }
  if (!st.ok()) return st;
  return out;
}

}  // namespace shoebox
