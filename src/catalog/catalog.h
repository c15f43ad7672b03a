// The catalog: everything shoebox knows about a library, in one SQLite file.
//
// Model: a *file* is a path that was seen (size, mtime, present/missing, first/last seen);
// an *asset* is unique content, identified by its XXH3-128 hash, carrying the decoded facts
// (size in pixels, format, orientation, capture time, camera, GPS, thumbnail state, decode
// error). Many files may point at one asset (exact duplicates, moved copies). A *source* is
// one indexed root: a folder, or a library (Takeout export or archive, Apple Photos, Lightroom,
// Capture One), whose importer adds what the library knows in library_items and albums.
//
// Concurrency: one Catalog object per thread. Any number of processes may read while one
// writes (WAL). Writers across processes are serialised by WriterLock (see below).
// Errors: every call returns Status/Result; nothing throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "catalog/embedding_store.h"
#include "catalog/photo_filter.h"
#include "catalog/sqlite_db.h"
#include "catalog/text_store.h"

namespace shoebox {

// kMotionPart: present, but the motion part of a still beside it (an Apple Live Photo's MOV,
// Takeout's PXL_*.MP): shown and served through the still, never a result of its own.
enum class FileStatus : int { kPresent = 0, kMissing = 1, kNotImage = 2, kMotionPart = 3 };

// A person in a photo: a name, and where in the photo when known (fractions of the photo as
// shown: left, top, width, height).
struct FaceRecord {
  std::string person;
  std::optional<double> x, y, w, h;
};

struct AssetRecord {
  int64_t id = 0;
  std::string hash;  // 32 hex digits
  int64_t size = 0;  // bytes
  std::string format;
  std::optional<int> width, height;
  int orientation = 1;
  std::optional<std::string> taken_at;   // local ISO 8601, no offset
  std::optional<std::string> tz_offset;  // "+02:00" when known
  std::optional<std::string> make, model, lens;
  std::optional<double> gps_lat, gps_lon, gps_alt;
  std::optional<int> rating;
  bool has_thumbnail = false;
  std::optional<std::string> error;    // why it could not be decoded
  std::optional<std::string> warning;  // decoded, but something was off (bad EXIF...)
  std::vector<FaceRecord> faces;       // named in the photo's own XMP (written by InsertAsset)
  // Videos (IsVideoFormat's formats): length, codec, and when the poster frame (thumbnail and
  // the asset's own vector) is, in seconds from the start. Absent for photos.
  std::optional<double> duration;
  std::optional<std::string> codec;
  std::optional<double> poster_at;
  // A motion photo's appended video (bytes within the file) and its length in seconds; or
  // the file beside it that is its motion part (a Live Photo's MOV: PairMotionParts).
  std::optional<int64_t> motion_offset, motion_length;
  std::optional<double> motion_duration;
  std::optional<int64_t> motion_file_id;
};

struct FileRecord {
  int64_t id = 0;
  int64_t source_id = 0;
  std::string path;  // absolute
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::optional<int64_t> asset_id;
  FileStatus status = FileStatus::kPresent;
  int64_t first_seen = 0, last_seen = 0;  // unix seconds
  std::optional<int64_t> missing_since;
};

// What a rescan needs to decide "unchanged" without reading the file.
struct KnownFile {
  int64_t id;
  int64_t size;
  int64_t mtime_ns;
  FileStatus status;
  bool has_asset;
};

struct CatalogStats {
  int64_t files = 0, missing = 0, assets = 0, thumbnails = 0, not_images = 0;
  int64_t errors = 0;    // files and folders that could not be indexed
  int64_t warnings = 0;  // indexed, but damaged (bad EXIF, corrupt data decoded leniently)
  std::map<std::string, int64_t> by_format;  // assets per format
  int64_t catalog_bytes = 0;
};

struct ErrorRecord {
  std::string path;
  std::string reason;
  std::string kind;  // "file", "folder" (not indexed) or "warning" (indexed, but damaged)
};

// A photo whose thumbnail the cache should hold, and one present file to make it from.
// A root the catalog has indexed: a folder, an archive or a photo library.
struct SourceRecord {
  int64_t id = 0;
  std::string kind;  // "folder", "takeout", "apple-photos", "lightroom", "capture-one", ...
  std::string root;
  int64_t last_scan_at = 0;  // 0: never finished
};

struct ThumbnailSource {
  int64_t asset_id = 0;
  std::string hash;
  std::string path;  // empty: no file of the photo is present
  int64_t size = 0, mtime_ns = 0;
  bool has_thumbnail = false;  // false: saving it failed before (disk full...)
};

// A file joined with its asset, for `info` and `ls`.
struct PhotoRow {
  FileRecord file;
  AssetRecord asset;
};

// What a photo library (Takeout, Apple Photos, Lightroom) knows about one file.
struct LibraryInfo {
  std::string source_kind, source_root;  // "folder", "takeout", ...
  std::optional<std::string> external_id, original_filename, title, description;
  std::optional<int> rating;
  std::optional<int> pick;                 // Lightroom: 1 picked, -1 rejected, 0 neither
  std::optional<std::string> color_label;  // Lightroom
  std::optional<int> orientation;          // how the library shows it (EXIF value), when it says
  bool favorite = false, hidden = false, trashed = false;
  std::optional<int64_t> taken_utc;
  std::vector<std::string> albums, keywords;
  // Set when the indexed file stands in for an original the library cannot give us now:
  // "derivative" (Apple Photos, original in iCloud only) or "preview" (Lightroom, original
  // offline); original_path is where the library says the original lives.
  std::optional<std::string> stand_in, original_path;
};

struct ListFilter {
  std::optional<std::string> folder;  // prefix of the containing folder
  std::optional<std::string> format;
  std::optional<std::string> after, before;  // ISO dates compared with taken_at
  std::optional<std::string> person;         // a name, any case
  int64_t limit = -1;
};

// What a library (Takeout sidecar, Apple Photos, Lightroom, Capture One) says about one file,
// as stored: see LibraryInfo for the meaning of the fields.
struct LibraryItemRecord {
  int64_t file_id = 0;
  std::optional<std::string> external_id, original_filename, title, description;
  std::optional<int> rating, pick, orientation;
  std::optional<std::string> color_label;
  bool favorite = false, hidden = false, trashed = false;
  std::optional<int64_t> taken_utc;
  std::string metadata_path;  // the database or sidecar the facts were read from
  std::optional<std::string> stand_in, original_path;
};

// The capture time and place a library gives a photo that lacks its own (see FillTimeAndPlace).
struct TimeAndPlace {
  std::optional<std::string> taken_at, tz_offset;
  std::optional<double> lat, lon, alt;
};

// One person in one photo and who said so: "photo" (its own XMP), "sidecar", or a source kind.
struct PersonFace {
  FaceRecord face;
  std::string origin;
};

// A person and the present photos they are in (among those a filter allows), with a face to
// show for them: the asset of their most recent photo with a box, else of their most recent.
// An album, keyword or folder to browse: its name (a folder's path), how many present photos
// have it, and the most recent of them with a thumbnail as its cover.
struct CollectionSummary {
  std::string name;
  int64_t photos = 0;
  int64_t cover_asset_id = 0;
};
enum class CollectionKind { kAlbum, kKeyword, kFolder };

// How many present photos were taken in each month ("YYYY-MM", newest first), and how many
// have no capture time: the timeline's scrubber.
struct Timeline {
  std::vector<std::pair<std::string, int64_t>> months;
  int64_t undated = 0;
};

struct PersonSummary {
  std::string name;
  int64_t photos = 0;
  int64_t cover_asset_id = 0;
  std::optional<FaceRecord> cover_face;
};

// An XMP sidecar as applied to a photo file (pipeline/xmp_sidecars.h): the sidecar as it was,
// the content it was applied to, and the photo's own capture time and place it replaced.
struct AppliedSidecar {
  int64_t file_id = 0;  // the photo
  std::string path;     // the sidecar
  int64_t size = 0, mtime_ns = 0;
  int64_t asset_id = 0;
  TimeAndPlace own;
  // The photo file now (read by AppliedSidecars; not written).
  FileStatus photo_status = FileStatus::kPresent;
  std::optional<int64_t> photo_asset_id;
};

// A file of a folder that holds a sidecar: the sidecars (not-image rows named *.xmp) and the
// photos beside them.
struct FolderEntry {
  int64_t file_id = 0;
  std::string path;
  int64_t size = 0, mtime_ns = 0;
  FileStatus status = FileStatus::kPresent;
  std::optional<int64_t> asset_id;
};

// One file of an asset, for the photo page.
struct AssetFile {
  std::string path;
  FileStatus status = FileStatus::kPresent;
  int64_t size = 0;
};

// One present file of an asset with the asset's facts that rank duplicates.
struct PresentFile {
  int64_t asset_id = 0;
  std::string path;
  int64_t pixels = 0, bytes = 0;
  std::optional<std::string> taken_at;
  std::string hash;
  int64_t source_id = 0;
  std::string source_kind;  // "folder", "takeout", ...
};

enum class BrowseOrder { kNewest, kOldest, kPath };

// One photo on a browsing page: the asset and the first of its files the filter allows.
struct BrowseRow {
  int64_t asset_id = 0;
  std::string path;
  std::optional<std::string> taken_at;
  bool has_thumbnail = false;
  std::optional<double> duration;  // a video's length in seconds
};

struct BrowsePage {
  std::vector<BrowseRow> rows;
  bool has_more = false;
};

struct GcResult {
  int64_t files_removed = 0;
  int64_t assets_removed = 0;
  std::vector<std::string> removed_hashes;  // their thumbnails can go too
};

class Catalog {
 public:
  static constexpr int kSchemaVersion = 11;

  // Opens the catalog at path, creating it (and its folder) when create is true, and
  // migrates an older schema. Fails with kUnsupported for a catalog written by a newer
  // shoebox, kNotFound when it does not exist and create is false.
  static Result<std::unique_ptr<Catalog>> Open(const std::filesystem::path& path, bool create);

  const std::filesystem::path& path() const { return path_; }
  // A write transaction (BEGIN IMMEDIATE on Begin, rolled back unless committed): group
  // writes in one for speed and atomicity.
  Transaction NewTransaction() { return Transaction(&db_); }
  // The model and vector tables (embedding_store.h), on this catalog's connection.
  EmbeddingStore Embeddings() { return EmbeddingStore(&db_); }
  // Moves the write-ahead log into the database file and empties it (for measuring its size).
  Status Checkpoint() { return db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

  // Sources.
  Result<int64_t> EnsureSource(const std::string& kind, const std::string& root, int64_t now);
  // Every source (a folder, archive or library the catalog has indexed), by root.
  Result<std::vector<SourceRecord>> Sources();

  // Snapshot of every file row under root (path prefix), keyed by path.
  Result<std::unordered_map<std::string, KnownFile>> LoadFilesUnder(const std::string& root);
  // The same for every file row of one source (a library's files may live anywhere).
  Result<std::unordered_map<std::string, KnownFile>> LoadFilesOfSource(int64_t source_id);
  // Every asset hash -> (id, has error), so workers can skip decoding known content.
  Result<std::unordered_map<std::string, int64_t>> LoadAssetIds();

  // Writes; group them in a NewTransaction() for speed and atomicity.
  // Inserts the asset unless its hash exists; returns the id either way.
  Result<int64_t> InsertAsset(const AssetRecord& asset, int64_t now);
  Status UpsertFile(const FileRecord& file);
  // Marks a file (or a remembered non-photo: a sidecar) missing since now; its last_seen
  // becomes the source's last complete scan (the last moment it is known to have been there).
  Status MarkMissing(int64_t file_id, int64_t now);
  // Records that a complete scan of the source finished at now. Unchanged files are not
  // touched one by one (that would cost a write per file on every rescan).
  Status FinishScan(int64_t source_id, int64_t now);
  Status RecordError(const std::string& path, const std::string& reason, const std::string& kind,
                     int64_t now);
  Status ClearError(const std::string& path);
  Status ClearFolderErrorsUnder(const std::string& root);
  // Whether the thumbnail cache holds the asset's thumbnail. Without one, why_not becomes a
  // "thumbnail not saved" warning (ThumbnailSources lists it again); with one, that goes.
  Status SetHasThumbnail(int64_t asset_id, bool has, const std::string& why_not = {});

  // Photos that have, or should have, a thumbnail: those marked as having one, and those
  // whose thumbnail could not be saved; each with a present file (path empty when none is).
  Result<std::vector<ThumbnailSource>> ThumbnailSources();

  // Queries.
  Result<CatalogStats> Stats();
  Result<std::optional<PhotoRow>> FindByPath(const std::string& path);
  // The file that stands in for a library original at this path (see LibraryInfo::stand_in).
  Result<std::optional<PhotoRow>> FindByOriginalPath(const std::string& path);
  // The asset with this id and one of its present files (any file if none is present).
  Result<std::optional<PhotoRow>> FindByAssetId(int64_t asset_id);
  // The file with this id and its asset, whatever its status.
  Result<std::optional<PhotoRow>> FindByFileId(int64_t file_id);

  // Live Photos and Google's motion photos kept as two files (motion_store.cc): a short video
  // (<= 6 s, MOV or MP4) beside a still of the same name (IMG_1234.MOV or IMG_1234_HEVC.MOV
  // and IMG_1234.HEIC or .JPG, or -edited.JPG; Takeout's PXL_1.MP and PXL_1.MP.jpg,
  // PXL_1.MP~2 and PXL_1.MP~2.jpg)
  // becomes the still's motion part: the file is marked kMotionPart (out of every list and
  // search) and the still's asset points to it. Returns how many videos were paired now.
  Result<int64_t> PairMotionParts();
  Result<std::vector<ErrorRecord>> Errors();
  // What the file's library says about it; albums and keywords are the photo's: those of every
  // present file of its asset too (Takeout stores a photo again in each album's folder).
  Result<LibraryInfo> LibraryInfoFor(int64_t file_id);
  Result<std::vector<PhotoRow>> List(const ListFilter& filter);

  // Every file of the asset, present or missing, by path.
  Result<std::vector<AssetFile>> FilesOfAsset(int64_t asset_id);
  // Every present file with its asset's facts, by asset id then path (duplicate detection).
  Result<std::vector<PresentFile>> PresentFiles();
  // The highest asset id (0 when there is none): ids are dense enough to sample at random.
  Result<int64_t> MaxAssetId();
  // Changes whenever another connection (an index job, a watcher) commits; costs no read of
  // the tables, so a reader can poll it to learn whether anything it holds may be stale.
  Result<int64_t> DataVersion();
  // Whether any file of the asset is in a library's trash or hidden by it / whether any photo
  // is set aside in a way the filter does not ask for (photo_filter.h).
  Result<bool> IsSetAside(int64_t asset_id);
  Result<bool> HasSetAside(const PhotoFilter& filter);

  // Filtered queries (photo_queries.cc). The ids of the present photos the filter allows, in
  // no particular order (photos in a library's trash left out unless the filter includes them).
  Result<std::vector<int64_t>> AssetIdsMatching(const PhotoFilter& filter);
  // One page of the photos the filter allows, in the order asked; has_more when a photo follows.
  Result<BrowsePage> Browse(const PhotoFilter& filter, BrowseOrder order, int64_t offset,
                            int64_t n);

  // A library's facts (library_store.cc); the importers in pipeline/ call these inside one
  // transaction per library or folder.
  // Files a library lists that cannot be read now become missing rows of the source (known,
  // not readable) so that their facts have a home; existing rows keep their state.
  Status RecordOfflineFiles(int64_t source_id, const std::vector<std::string>& paths, int64_t now);
  Status UpsertLibraryItem(const LibraryItemRecord& item);
  // Sets the asset's capture time and offset; fills its place only when it has none.
  Status FillTimeAndPlace(int64_t asset_id, const TimeAndPlace& facts);
  // Forgets the source's album memberships and keywords (a re-import writes them whole).
  Status ClearMembershipsAndKeywords(int64_t source_id);
  Result<int64_t> EnsureAlbum(int64_t source_id, const std::string& name);
  Status AddToAlbum(int64_t album_id, int64_t file_id);
  Status AddKeyword(int64_t file_id, const std::string& keyword);
  // Removes the source's albums that have no photo left.
  Status DropEmptyAlbums(int64_t source_id);
  // Replaces the file's keywords (a sidecar's are the whole list).
  Status ReplaceKeywords(int64_t file_id, const std::vector<std::string>& keywords);
  Status DeleteLibraryItem(int64_t file_id);
  // Sets the asset's capture time, offset and place, as given (a sidecar the user edited).
  Status SetTimeAndPlace(int64_t asset_id, const TimeAndPlace& facts);

  // XMP sidecars of folders (library_store.cc). The sidecar rows of the source and every file
  // in a folder that holds one; the sidecars applied to the source's photos.
  Result<std::vector<FolderEntry>> FilesBesideSidecars(int64_t source_id);
  Result<std::vector<AppliedSidecar>> AppliedSidecars(int64_t source_id);
  Status RecordAppliedSidecar(const AppliedSidecar& sidecar);
  Status ForgetAppliedSidecar(int64_t file_id);

  // People (people_store.cc). Replaces who `origin` says is in a photo: what a file's library or
  // sidecar says (file_id given), or the photo's own XMP (file_id nullopt).
  Status ReplaceFaces(int64_t asset_id, std::optional<int64_t> file_id, const std::string& origin,
                      const std::vector<FaceRecord>& faces);
  // Who is in the photo, one entry per person (a box preferred), by name.
  Result<std::vector<PersonFace>> FacesOf(int64_t asset_id);
  // Everyone in the present photos the filter allows, most photos first, then by name.
  Result<std::vector<PersonSummary>> People(const PhotoFilter& filter);
  // Forgets names no photo has any more.
  Status DropUnusedPeople();
  // The albums (by name, across libraries), keywords (case folded) or folders of the present
  // photos the filter allows: albums and folders by name, keywords most used first.
  Result<std::vector<CollectionSummary>> Collections(CollectionKind kind,
                                                     const PhotoFilter& filter);
  // The months of the present photos the filter allows.
  Result<Timeline> PhotoTimeline(const PhotoFilter& filter);

  // Words (text_store.cc; the full-text query is in photo_queries.cc).
  // Records what OCR made of a photo (replacing an earlier record).
  Status SetAssetText(int64_t asset_id, const AssetTextRecord& record);
  Result<std::optional<AssetTextRecord>> TextOfAsset(int64_t asset_id);
  // Photos with a present file and no decode error that OCR has not looked at, or that an
  // older version read (version < current); read_skipped adds those the gate skipped. By
  // asset id, from after_id on, at most limit.
  Result<std::vector<OcrCandidate>> AssetsNeedingOcr(int current_version, bool read_skipped,
                                                     int64_t after_id, int64_t limit);
  Result<TextCoverage> TextCoverageOf(int current_version);
  // Rewrites the text_index rows of every asset whose words changed (text_stale), in
  // transactions of a few thousand; returns how many were rewritten.
  Result<int64_t> RefreshTextIndex();
  Result<IndexedWords> IndexedWordsOf(int64_t asset_id);
  // The photos whose words match, best first (bm25: OCR words weigh most, then library
  // words, then names), among the present photos the filter allows; at most n.
  Result<std::vector<TextHit>> SearchText(const TextQuery& query, const PhotoFilter& filter,
                                          int64_t n);

  // Removes files missing since before cutoff (unix seconds), then assets with no files.
  Result<GcResult> CollectGarbage(int64_t missing_before);

 private:
  friend class CatalogTestAccess;  // tests/catalog_test_access.h: tests set up odd states
  Catalog() = default;
  Status Migrate();

  std::filesystem::path path_;
  Database db_;
};

// Writers take an exclusive advisory lock on "<catalog>.lock" so that two `index` runs never
// interleave. Readers do not need it. Released when destroyed (or when the process dies,
// so a killed indexer never leaves a stale lock).
class WriterLock {
 public:
  // wait=false: fails at once with kBusy if another process holds it.
  static Result<std::unique_ptr<WriterLock>> Acquire(const std::filesystem::path& catalog,
                                                     bool wait);
  ~WriterLock();

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace shoebox
