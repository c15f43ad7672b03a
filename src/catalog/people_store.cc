// Who is in which photo (people, faces): written by the indexer (a photo's own XMP regions),
// the sidecar reader and the library importers; read by `info`, `people` and the person filter.
#include "catalog/catalog.h"

namespace shoebox {
namespace {

Result<int64_t> EnsurePerson(Database& db, const std::string& name) {
  auto ins = db.PrepareCached("INSERT INTO people(name) VALUES(?1) ON CONFLICT(name) DO NOTHING");
  if (!ins.ok()) return ins.status();
  SHOEBOX_RETURN_IF_ERROR(ins->Bind(1, name).Run());
  auto sel = db.PrepareCached("SELECT id FROM people WHERE name = ?1");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, name);
  Status st;
  if (!sel->Step(&st)) return st.ok() ? Internal("person vanished after insert") : st;
  return sel->Int(0);
}

}  // namespace

Status Catalog::ReplaceFaces(int64_t asset_id, std::optional<int64_t> file_id,
                             const std::string& origin, const std::vector<FaceRecord>& faces) {
  auto del = file_id ? db_.PrepareCached("DELETE FROM faces WHERE file_id = ?1 AND origin = ?2")
                     : db_.PrepareCached(
                           "DELETE FROM faces WHERE asset_id = ?1 AND file_id IS NULL AND "
                           "origin = ?2");
  if (!del.ok()) return del.status();
  SHOEBOX_RETURN_IF_ERROR(del->Bind(1, file_id ? *file_id : asset_id).Bind(2, origin).Run());
  auto ins = db_.PrepareCached(
      "INSERT INTO faces(asset_id, file_id, person_id, x, y, w, h, origin) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!ins.ok()) return ins.status();
  for (const FaceRecord& f : faces) {
    if (f.person.empty()) continue;
    auto person = EnsurePerson(db_, f.person);
    if (!person.ok()) return person.status();
    ins->Reset();
    ins->Bind(1, asset_id).Bind(2, file_id).Bind(3, *person).Bind(4, f.x).Bind(5, f.y);
    SHOEBOX_RETURN_IF_ERROR(ins->Bind(6, f.w).Bind(7, f.h).Bind(8, origin).Run());
  }
  return Status::Ok();
}

Result<std::vector<PersonFace>> Catalog::FacesOf(int64_t asset_id) {
  // One row per person: a box before none, the photo's own word before a library's.
  auto q = db_.PrepareCached(
      "SELECT name, x, y, w, h, origin FROM ("
      "SELECT p.name, fa.x, fa.y, fa.w, fa.h, fa.origin, ROW_NUMBER() OVER (PARTITION BY "
      "fa.person_id ORDER BY fa.x IS NULL, fa.file_id IS NOT NULL, fa.id) AS rn "
      "FROM faces fa JOIN people p ON p.id = fa.person_id WHERE fa.asset_id = ?1) "
      "WHERE rn = 1 ORDER BY name");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id);
  std::vector<PersonFace> out;
  Status st;
  while (q->Step(&st)) {
    PersonFace f;
    f.face.person = q->Text(0);
    f.face.x = q->OptDouble(1);
    f.face.y = q->OptDouble(2);
    f.face.w = q->OptDouble(3);
    f.face.h = q->OptDouble(4);
    f.origin = q->Text(5);
    out.push_back(std::move(f));
  }
  if (!st.ok()) return st;
  return out;
}

Status Catalog::DropUnusedPeople() {
  return db_.Exec("DELETE FROM people WHERE id NOT IN (SELECT DISTINCT person_id FROM faces)");
}

}  // namespace shoebox
