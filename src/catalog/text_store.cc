// The words of each photo: OCR records, the full-text index's upkeep and coverage
// (catalog/text_store.h). The full-text query, which takes a PhotoFilter, is in
// photo_queries.cc.
#include "catalog/catalog.h"

namespace shoebox {
namespace {

// One asset's document, for the stale ids in text_stale (a batch of them in stale_batch):
// OCR words; library titles, descriptions, original names, keywords and album names of any of
// its files, and the people in it; and the names of its present files from their source's own
// folder down ("Pictures/Trips/IMG_1.jpg" for a root /home/me/Pictures).
constexpr const char* kDocumentsSql = R"sql(
INSERT INTO text_index(rowid, words, about, names)
SELECT a.id,
  (SELECT t.text || COALESCE(' ' || t.joined, '') FROM asset_text t
     WHERE t.asset_id = a.id AND t.state = 1),
  (SELECT group_concat(x, ' ') FROM (
     SELECT li.title AS x FROM files f JOIN library_items li ON li.file_id = f.id WHERE f.asset_id = a.id
     UNION ALL SELECT li.description FROM files f JOIN library_items li ON li.file_id = f.id WHERE f.asset_id = a.id
     UNION ALL SELECT li.original_filename FROM files f JOIN library_items li ON li.file_id = f.id WHERE f.asset_id = a.id
     UNION ALL SELECT k.keyword FROM files f JOIN keywords k ON k.file_id = f.id WHERE f.asset_id = a.id
     UNION ALL SELECT al.name FROM files f JOIN album_files af ON af.file_id = f.id
       JOIN albums al ON al.id = af.album_id WHERE f.asset_id = a.id
     UNION ALL SELECT DISTINCT p.name FROM faces fa JOIN people p ON p.id = fa.person_id
       WHERE fa.asset_id = a.id)),
  (SELECT group_concat(substr(f.path, length(rtrim(s.root, replace(s.root, '/', ''))) + 1), ' ')
     FROM files f JOIN sources s ON s.id = f.source_id WHERE f.asset_id = a.id AND f.status = 0)
FROM stale_batch b JOIN assets a ON a.id = b.asset_id
)sql";

}  // namespace

Status Catalog::SetAssetText(int64_t asset_id, const AssetTextRecord& r) {
  auto q = db_.PrepareCached(
      "INSERT INTO asset_text(asset_id, state, version, languages, confidence, text, words, "
      "gate_score, error, read_at, joined) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT(asset_id) DO UPDATE SET state = excluded.state, version = excluded.version, "
      "languages = excluded.languages, confidence = excluded.confidence, text = excluded.text, "
      "words = excluded.words, gate_score = excluded.gate_score, error = excluded.error, "
      "read_at = excluded.read_at, joined = excluded.joined");
  if (!q.ok()) return q.status();
  auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
  q->Bind(1, asset_id)
      .Bind(2, static_cast<int>(r.state))
      .Bind(3, r.version)
      .Bind(4, opt(r.languages))
      .Bind(5, r.confidence)
      .Bind(6, opt(r.text))
      .Bind(7, opt(r.words_json))
      .Bind(8, r.gate_score)
      .Bind(9, opt(r.error))
      .Bind(10, r.read_at)
      .Bind(11, opt(r.joined));
  return q->Run();
}

Result<std::optional<AssetTextRecord>> Catalog::TextOfAsset(int64_t asset_id) {
  auto q = db_.PrepareCached(
      "SELECT state, version, languages, confidence, text, words, gate_score, error, read_at "
      "FROM asset_text WHERE asset_id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id);
  Status st;
  if (!q->Step(&st)) {
    if (!st.ok()) return st;
    return std::optional<AssetTextRecord>();
  }
  AssetTextRecord r;
  r.state = static_cast<TextState>(q->Int(0));
  r.version = static_cast<int>(q->Int(1));
  r.languages = q->OptText(2).value_or("");
  r.confidence = q->Double(3);
  r.text = q->OptText(4).value_or("");
  r.words_json = q->OptText(5).value_or("");
  r.gate_score = q->OptDouble(6);
  r.error = q->OptText(7).value_or("");
  r.read_at = q->Int(8);
  return std::optional<AssetTextRecord>(std::move(r));
}

Result<std::vector<OcrCandidate>> Catalog::AssetsNeedingOcr(int current_version, bool read_skipped,
                                                            int64_t after_id, int64_t limit) {
  auto q = db_.Prepare(
      "SELECT a.id, (SELECT MIN(f.path) FROM files f WHERE f.asset_id = a.id AND f.status = 0), "
      "a.format FROM assets a LEFT JOIN asset_text t ON t.asset_id = a.id "
      "WHERE a.id > ?1 AND a.error IS NULL "
      "AND EXISTS (SELECT 1 FROM files f WHERE f.asset_id = a.id AND f.status = 0) "
      "AND (t.asset_id IS NULL OR (t.state = 1 AND t.version < ?2) OR (?3 AND t.state = 2) "
      "     OR (t.state = 3 AND t.version < ?2)) "
      "ORDER BY a.id LIMIT ?4");
  if (!q.ok()) return q.status();
  q->Bind(1, after_id).Bind(2, current_version).Bind(3, read_skipped ? 1 : 0).Bind(4, limit);
  std::vector<OcrCandidate> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Int(0), q->Text(1), q->Text(2)});
  if (!st.ok()) return st;
  return out;
}

Result<TextCoverage> Catalog::TextCoverageOf(int current_version) {
  auto q = db_.Prepare(
      "SELECT COUNT(*), "
      "COUNT(CASE WHEN t.state = 1 THEN 1 END), "
      "COUNT(CASE WHEN t.state = 1 AND t.text IS NOT NULL THEN 1 END), "
      "COUNT(CASE WHEN t.state = 2 THEN 1 END), "
      "COUNT(CASE WHEN t.state = 3 THEN 1 END), "
      "COUNT(CASE WHEN t.state = 1 AND t.version < ?1 THEN 1 END), "
      "COUNT(CASE WHEN t.asset_id IS NULL THEN 1 END) "
      "FROM assets a LEFT JOIN asset_text t ON t.asset_id = a.id WHERE a.error IS NULL "
      "AND EXISTS (SELECT 1 FROM files f WHERE f.asset_id = a.id AND f.status = 0)");
  if (!q.ok()) return q.status();
  q->Bind(1, current_version);
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("COUNT returned no row") : st;
  TextCoverage c;
  c.photos = q->Int(0);
  c.read = q->Int(1);
  c.with_text = q->Int(2);
  c.skipped = q->Int(3);
  c.failed = q->Int(4);
  c.outdated = q->Int(5);
  c.pending = q->Int(6);
  return c;
}

Result<int64_t> Catalog::RefreshTextIndex() {
  SHOEBOX_RETURN_IF_ERROR(
      db_.Exec("CREATE TEMP TABLE IF NOT EXISTS stale_batch (asset_id INTEGER PRIMARY KEY)"));
  int64_t total = 0;
  for (;;) {
    Transaction tx(&db_);
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    SHOEBOX_RETURN_IF_ERROR(db_.Exec("DELETE FROM stale_batch"));
    SHOEBOX_RETURN_IF_ERROR(db_.Exec(
        "INSERT INTO stale_batch SELECT asset_id FROM text_stale ORDER BY asset_id LIMIT 5000"));
    int64_t batch = 0;
    {
      auto n = db_.Prepare("SELECT COUNT(*) FROM stale_batch");
      if (!n.ok()) return n.status();
      Status st;
      if (!n->Step(&st)) return st.ok() ? Internal("COUNT returned no row") : st;
      batch = n->Int(0);
    }
    if (batch == 0) return total;
    SHOEBOX_RETURN_IF_ERROR(
        db_.Exec("DELETE FROM text_index WHERE rowid IN (SELECT asset_id FROM stale_batch)"));
    SHOEBOX_RETURN_IF_ERROR(db_.Exec(kDocumentsSql));
    SHOEBOX_RETURN_IF_ERROR(
        db_.Exec("DELETE FROM text_stale WHERE asset_id IN (SELECT asset_id FROM stale_batch)"));
    SHOEBOX_RETURN_IF_ERROR(tx.Commit());
    total += batch;
  }
}

Result<IndexedWords> Catalog::IndexedWordsOf(int64_t asset_id) {
  auto q = db_.PrepareCached("SELECT words, about, names FROM text_index WHERE rowid = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id);
  IndexedWords w;
  Status st;
  if (q->Step(&st)) {
    w.words = q->OptText(0).value_or("");
    w.about = q->OptText(1).value_or("");
    w.names = q->OptText(2).value_or("");
  }
  if (!st.ok()) return st;
  return w;
}

}  // namespace shoebox
