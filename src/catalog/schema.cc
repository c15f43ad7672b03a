#include "catalog/schema.h"

namespace shoebox {

const std::vector<std::string_view>& CatalogMigrations() {
  static const std::vector<std::string_view> kMigrations = {
      // v0 -> v1: sources, files, assets, errors.
      R"sql(
CREATE TABLE sources (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL,             -- 'folder', 'takeout' (later: 'apple-photos', 'lightroom')
  root      TEXT NOT NULL,
  added_at  INTEGER NOT NULL,
  last_scan_at INTEGER,                -- end of the last complete scan: every present file
                                       -- below root was seen then
  UNIQUE (kind, root)
);
CREATE TABLE assets (
  id          INTEGER PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,    -- XXH3-128 of the file bytes, 32 hex digits
  size        INTEGER NOT NULL,
  format      TEXT NOT NULL,
  width       INTEGER,                 -- as stored, before orientation
  height      INTEGER,
  orientation INTEGER NOT NULL DEFAULT 1,
  taken_at    TEXT,                    -- local ISO 8601 without offset
  tz_offset   TEXT,                    -- '+02:00' when the camera recorded it
  make TEXT, model TEXT, lens TEXT,
  gps_lat REAL, gps_lon REAL, gps_alt REAL,
  rating      INTEGER,
  thumb_state INTEGER NOT NULL DEFAULT 0,  -- 0 none, 1 in the thumbnail cache
  error       TEXT,                    -- decode failure reason
  warning     TEXT,                    -- non-fatal trouble
  indexed_at  INTEGER NOT NULL
);
CREATE INDEX assets_taken_at ON assets(taken_at);
CREATE TABLE files (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  path       TEXT NOT NULL UNIQUE,
  folder     TEXT NOT NULL,
  size       INTEGER NOT NULL,
  mtime_ns   INTEGER NOT NULL,
  asset_id   INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  status     INTEGER NOT NULL,         -- 0 present, 1 missing, 2 not an image (remembered to skip)
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,         -- last written; for present files the source's
                                       -- last_scan_at is later (rescans do not touch rows)
  missing_since INTEGER                -- set when status becomes 1
);
CREATE INDEX files_asset ON files(asset_id);
CREATE INDEX files_folder ON files(folder);
CREATE TABLE errors (
  path   TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  kind   TEXT NOT NULL,                -- 'file', 'folder' (not indexed), 'warning' (indexed, damaged)
  at     INTEGER NOT NULL
);
)sql",
      // v1 -> v2: image embeddings per (asset, model).
      R"sql(
CREATE TABLE models (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,    -- hash of config + preprocessing + weight files' names and sizes
  label       TEXT NOT NULL,           -- e.g. 'openai/clip-vit-base-patch32'
  location    TEXT NOT NULL,           -- where it was loaded from (short name, repo id or folder)
  family      TEXT NOT NULL,           -- 'clip', 'siglip'
  dim         INTEGER NOT NULL,
  preprocess_version INTEGER NOT NULL,
  added_at    INTEGER NOT NULL,
  used_at     INTEGER NOT NULL         -- last index run with it: the default for queries
);
CREATE TABLE embeddings (
  asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  vector    BLOB,                      -- dim little-endian float32, L2-normalised; NULL if it failed
  error     TEXT,                      -- why no vector (the photo could not be decoded)
  source    TEXT,                      -- what was embedded: 'photo', or 'thumbnail' when the
                                       -- decoder cannot read the file (RAW, some TIFFs)
  PRIMARY KEY (asset_id, model_id)
) WITHOUT ROWID;
CREATE INDEX embeddings_model ON embeddings(model_id);
)sql",
      // v2 -> v3: counting failed embeddings without reading every vector (a 200k-photo
      // catalog took 8 s for `status`; the vectors live on overflow pages).
      R"sql(
CREATE INDEX embeddings_failed ON embeddings(model_id) WHERE vector IS NULL;
)sql",
      // v3 -> v4: what photo libraries (Takeout, Apple Photos, Lightroom) know about a file
      // beyond its pixels. Per file, not per asset: two copies of one photo may sit in two
      // albums, or carry two titles.
      R"sql(
CREATE TABLE library_items (
  file_id     INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  external_id TEXT,                    -- the library's own id (Photos UUID, Lightroom id_local...)
  original_filename TEXT,
  title       TEXT,
  description TEXT,
  rating      INTEGER,
  favorite    INTEGER NOT NULL DEFAULT 0,
  hidden      INTEGER NOT NULL DEFAULT 0,
  trashed     INTEGER NOT NULL DEFAULT 0,
  taken_utc   INTEGER,                 -- unix seconds, when the library knows the instant
  metadata_path TEXT                   -- the sidecar or database it came from
);
CREATE TABLE albums (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  UNIQUE (source_id, name)
);
CREATE TABLE album_files (
  album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  PRIMARY KEY (album_id, file_id)
) WITHOUT ROWID;
CREATE INDEX album_files_file ON album_files(file_id);
CREATE TABLE keywords (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  keyword TEXT NOT NULL,
  PRIMARY KEY (file_id, keyword)
) WITHOUT ROWID;
)sql",
      // v4 -> v5: what Apple Photos and Lightroom add. A library may hold only a stand-in for a
      // photo (Photos' derivative when the original is in iCloud only, Lightroom's preview
      // when the original's drive is not mounted): the stand-in is the indexed file, and the
      // original's path is kept so `info ORIGINAL` and a later re-import find it.
      R"sql(
ALTER TABLE library_items ADD COLUMN pick INTEGER;          -- Lightroom: 1 picked, -1 rejected
ALTER TABLE library_items ADD COLUMN color_label TEXT;      -- Lightroom: 'Red', ...
ALTER TABLE library_items ADD COLUMN stand_in TEXT;         -- NULL = the original itself; else
                                                            -- 'derivative' or 'preview'
ALTER TABLE library_items ADD COLUMN original_path TEXT;    -- where the library says the original is
CREATE INDEX library_items_original ON library_items(original_path) WHERE original_path IS NOT NULL;
CREATE INDEX files_source ON files(source_id);              -- a library's files, wherever they are
)sql",
      // v5 -> v6: the orientation a library shows a photo with (Lightroom keeps the user's
      // rotations in its catalog, not in the file), as an EXIF value.
      R"sql(
ALTER TABLE library_items ADD COLUMN orientation INTEGER;
)sql",
      // v6 -> v7: how each model's vectors are searched (vectors/index_recipe.h): "auto" picks
      // exact scans or an HNSW graph by size; `shoebox reindex --recipe` sets another.
      R"sql(
ALTER TABLE models ADD COLUMN index_recipe TEXT NOT NULL DEFAULT 'auto';
)sql",
      // v7 -> v8: the words in and around each photo (catalog/text_store.h). asset_text is what
      // OCR made of the pixels; text_index (FTS5, accents folded) holds every word a user may
      // search by: the OCR text, what libraries say (titles, descriptions, keywords, albums) and
      // the file and folder names. Triggers note which assets' words changed in text_stale;
      // RefreshTextIndex rewrites just those rows, so no writer has to know about the index. (The
      // triggers test NOT EXISTS rather than INSERT OR IGNORE: a trigger takes the conflict
      // policy of the statement that fired it, and an upsert's is ABORT.)
      R"sql(
CREATE TABLE asset_text (
  asset_id   INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  state      INTEGER NOT NULL,         -- 1 read, 2 skipped (the gate saw no text), 3 failed
  version    INTEGER NOT NULL,         -- the OCR version that decided (ocr/text_reader.h)
  languages  TEXT,                     -- 'eng+spa'
  confidence REAL,                     -- mean over kept words, 0-100
  text       TEXT,                     -- the words, lines ending in newlines
  words      TEXT,                     -- JSON [[word, confidence, x, y, w, h], ...]; boxes as
                                       -- fractions of the upright image
  joined     TEXT,                     -- neighbouring fragments joined ("Simp LY" -> "SimpLY"):
                                       -- searched, never shown
  gate_score REAL,                     -- ocr/text_gate.h TextScore
  error      TEXT,                     -- why it failed (state 3)
  read_at    INTEGER NOT NULL
);
CREATE INDEX asset_text_state ON asset_text(state, version);
CREATE TABLE text_stale (asset_id INTEGER PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE text_index USING fts5(words, about, names,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');

CREATE TRIGGER text_stale_ocr_ins AFTER INSERT ON asset_text BEGIN
  INSERT INTO text_stale SELECT NEW.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = NEW.asset_id); END;
CREATE TRIGGER text_stale_ocr_upd AFTER UPDATE ON asset_text BEGIN
  INSERT INTO text_stale SELECT NEW.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = NEW.asset_id); END;
CREATE TRIGGER text_stale_ocr_del AFTER DELETE ON asset_text BEGIN
  INSERT INTO text_stale SELECT OLD.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = OLD.asset_id); END;
CREATE TRIGGER text_stale_asset_del AFTER DELETE ON assets BEGIN
  INSERT INTO text_stale SELECT OLD.id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = OLD.id); END;
CREATE TRIGGER text_stale_file_ins AFTER INSERT ON files WHEN NEW.asset_id IS NOT NULL BEGIN
  INSERT INTO text_stale SELECT NEW.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = NEW.asset_id); END;
CREATE TRIGGER text_stale_file_upd AFTER UPDATE OF path, asset_id, status ON files BEGIN
  INSERT INTO text_stale SELECT NEW.asset_id WHERE NEW.asset_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = NEW.asset_id);
  INSERT INTO text_stale SELECT OLD.asset_id WHERE OLD.asset_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = OLD.asset_id); END;
CREATE TRIGGER text_stale_file_del AFTER DELETE ON files WHEN OLD.asset_id IS NOT NULL BEGIN
  INSERT INTO text_stale SELECT OLD.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = OLD.asset_id); END;
CREATE TRIGGER text_stale_item_ins AFTER INSERT ON library_items BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = NEW.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_item_upd AFTER UPDATE ON library_items BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = NEW.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_item_del AFTER DELETE ON library_items BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = OLD.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_keyword_ins AFTER INSERT ON keywords BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = NEW.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_keyword_del AFTER DELETE ON keywords BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = OLD.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_album_ins AFTER INSERT ON album_files BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = NEW.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_album_del AFTER DELETE ON album_files BEGIN
  INSERT INTO text_stale SELECT asset_id FROM files WHERE id = OLD.file_id AND asset_id IS NOT NULL
    AND asset_id NOT IN (SELECT asset_id FROM text_stale); END;
CREATE TRIGGER text_stale_album_name AFTER UPDATE OF name ON albums BEGIN
  INSERT INTO text_stale SELECT DISTINCT f.asset_id FROM album_files af JOIN files f ON f.id = af.file_id
    WHERE af.album_id = NEW.id AND f.asset_id IS NOT NULL
    AND f.asset_id NOT IN (SELECT asset_id FROM text_stale); END;

INSERT INTO text_stale SELECT id FROM assets;
)sql",
      // v8 -> v9: people, and the XMP sidecars beside photos of folders. A person is a name a
      // library or a photo tool gave (Apple Photos' persons, Lightroom's face regions, Takeout's
      // `people`, XMP regions); a face is one person in one photo, with its box when known.
      // Faces a file's library or sidecar named carry that file (rewritten with it); faces from
      // the photo's own XMP carry none (they are the content's). People's names are words of
      // the photos they are in (text_index's `about`).
      R"sql(
CREATE TABLE people (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE faces (
  id        INTEGER PRIMARY KEY,
  asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  file_id   INTEGER REFERENCES files(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  x REAL, y REAL, w REAL, h REAL,      -- fractions of the upright photo; NULL: no box given
  origin    TEXT NOT NULL              -- 'photo' (its own XMP), 'sidecar', or the source kind
);
CREATE INDEX faces_asset ON faces(asset_id);
CREATE INDEX faces_person ON faces(person_id);
CREATE INDEX faces_file ON faces(file_id) WHERE file_id IS NOT NULL;
CREATE TRIGGER text_stale_face_ins AFTER INSERT ON faces BEGIN
  INSERT INTO text_stale SELECT NEW.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = NEW.asset_id); END;
CREATE TRIGGER text_stale_face_del AFTER DELETE ON faces BEGIN
  INSERT INTO text_stale SELECT OLD.asset_id WHERE NOT EXISTS (SELECT 1 FROM text_stale WHERE asset_id = OLD.asset_id); END;

-- An XMP sidecar applied to a photo of a folder (pipeline/xmp_sidecars.h): which file, as it
-- was then, onto which content, and the photo's own capture time and place that the sidecar's
-- replaced (put back when the sidecar goes).
CREATE TABLE sidecars (
  file_id   INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,  -- the photo
  path      TEXT NOT NULL,
  size      INTEGER NOT NULL,
  mtime_ns  INTEGER NOT NULL,
  asset_id  INTEGER NOT NULL,
  own_taken_at TEXT, own_tz_offset TEXT,
  own_gps_lat REAL, own_gps_lon REAL, own_gps_alt REAL
);
)sql",
      // v9 -> v10: more than one vector per photo. An animated GIF or WebP (a meme that changes
      // meaning mid-loop) is embedded at several frames besides its first (whose vector stays
      // in `embeddings`); `embeddings.frames` says how many were kept (NULL: not looked at).
      R"sql(
ALTER TABLE embeddings ADD COLUMN frames INTEGER;
CREATE TABLE frame_embeddings (
  asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  frame     INTEGER NOT NULL,          -- index in the animation (0, the first, is in embeddings)
  at        REAL NOT NULL,             -- seconds from the start
  vector    BLOB NOT NULL,             -- as embeddings.vector
  PRIMARY KEY (asset_id, model_id, frame)
) WITHOUT ROWID;
CREATE INDEX frame_embeddings_model ON frame_embeddings(model_id);
)sql",
      // v10 -> v11: videos. Catalogued as assets like photos (format 'mp4', 'mov', ...); their
      // poster frame is the thumbnail and the vector in `embeddings`, later frames go to
      // frame_embeddings as an animation's do. Motion photos keep where their video is.
      R"sql(
ALTER TABLE assets ADD COLUMN duration REAL;   -- seconds; NULL for photos
ALTER TABLE assets ADD COLUMN codec TEXT;      -- FFmpeg's name: 'h264', 'hevc', 'vp9'...
ALTER TABLE assets ADD COLUMN poster_at REAL;  -- seconds from the start of the poster frame
-- A motion photo (Google, Samsung): the video appended to the still, as bytes of the file.
ALTER TABLE assets ADD COLUMN motion_offset INTEGER;
ALTER TABLE assets ADD COLUMN motion_length INTEGER;
ALTER TABLE assets ADD COLUMN motion_duration REAL;
-- A Live Photo (two files): the file that is its motion part (files.status 3).
ALTER TABLE assets ADD COLUMN motion_file_id INTEGER;
)sql",
  };
  return kMigrations;
}

}  // namespace shoebox
