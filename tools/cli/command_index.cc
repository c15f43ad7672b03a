#include <cstdio>
#include <ctime>

#include "base/file_io.h"
#include "base/xdg_dirs.h"
#include "library/apple_photos/photos_library.h"
#include "library/archive/archive_reader.h"
#include "library/capture_one/capture_one_catalog.h"
#include "library/lightroom/lightroom_catalog.h"
#include "pipeline/embedder.h"
#include "pipeline/indexer.h"
#include "pipeline/library_import.h"
#include "pipeline/takeout_import.h"
#include "pipeline/thumbnail_repair.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

namespace {

struct IndexArgs {
  std::vector<std::string> roots;
  std::vector<std::string> exclude;
  unsigned threads = 0;
  uint64_t max_megapixels = 200;
  int thumb_size = 256;
  bool wait = false;
  bool json = false;
  std::string model;
  bool no_embed = false;
  std::string kind;         // "" = by what the folder looks like
  bool force_read = false;  // Lightroom: read a catalog even while its .lock says it is open
};

void RunIndex(GlobalOptions& g, int& exit_code, const std::shared_ptr<IndexArgs>& args);

bool IsLibraryFile(const std::filesystem::path& p) {
  return p.extension() == ".lrcat" || IsArchiveName(p.string());
}

// What a root is, by its structure: a Photos bundle, a Lightroom catalog, a Takeout export.
std::string DetectKind(const std::string& root) {
  if (IsArchiveName(root)) return "takeout";  // a Takeout download (.zip / .tgz), read in place
  if (IsLibraryFile(root)) return "lightroom";
  if (apple_photos::LooksLikePhotosLibrary(root)) return "apple-photos";
  if (capture_one::LooksLikeCaptureOneCatalog(root)) return "capture-one";
  if (takeout::LooksLikeTakeout(root)) return "takeout";
  return "folder";
}

// Where a Lightroom catalog's previews of offline originals are extracted: shoebox's cache,
// one folder per catalog.
std::string LightroomPreviewDir(const std::string& catalog) {
  const std::string hash =
      ContentHashHex(reinterpret_cast<const uint8_t*>(catalog.data()), catalog.size());
  return (CacheDir() / "lightroom-previews" / hash.substr(0, 16)).string();
}

Result<LibraryScan> ReadLibrary(const std::string& kind, const std::string& root,
                                const IndexArgs& args) {
  if (kind == "apple-photos") return apple_photos::ReadPhotosLibrary(root);
  if (kind == "lightroom")
    return lightroom::ReadLightroomLibrary(root, args.force_read, LightroomPreviewDir(root));
  if (kind == "capture-one") return capture_one::ReadCaptureOneCatalog(root, args.force_read);
  return Unsupported("no importer for " + kind);
}

void AddReport(const IndexReport& from, IndexReport* r) {
  r->seen += from.seen;
  r->unchanged += from.unchanged;
  r->added += from.added;
  r->linked += from.linked;
  r->missing += from.missing;
  r->errors += from.errors;
  r->not_images += from.not_images;
  r->folder_problems += from.folder_problems;
  r->seconds += from.seconds;
  r->libraries_found.insert(r->libraries_found.end(), from.libraries_found.begin(),
                            from.libraries_found.end());
}

nlohmann::json LibraryJson(const LibraryScan& scan, const LibraryImportReport& r) {
  return {{"kind", scan.kind},
          {"root", scan.root},
          {"assets", r.assets},
          {"indexed", r.indexed},
          {"stand_ins", r.stand_ins},
          {"offline", r.offline},
          {"problems", r.problems},
          {"albums", r.albums},
          {"keywords", r.keywords},
          {"skipped", r.skipped},
          {"write_seconds", r.write_seconds}};
}

// The options `index` and `import` share.
void AddIndexOptions(CLI::App* cmd, IndexArgs* args) {
  cmd->add_option("--exclude", args->exclude,
                  "Glob of names (or relative paths) to skip; repeatable");
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  cmd->add_option("--max-megapixels", args->max_megapixels,
                  "Refuse images larger than this (decompression bombs)")
      ->capture_default_str();
  cmd->add_option("--thumb-size", args->thumb_size, "Thumbnail long side in pixels")
      ->capture_default_str()
      ->check(CLI::Range(32, 2048));
  cmd->add_option(
      "--model", args->model,
      std::string(
          "Model to embed with: short name, Hub repo or folder (default: $SHOEBOX_MODEL, else ") +
          kDefaultModel + ")");
  cmd->add_flag("--no-embed", args->no_embed, "Catalog only; `shoebox embed-missing` embeds later");
  cmd->add_flag("--wait", args->wait, "Wait for another running index instead of refusing");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
}

void RunIndex(GlobalOptions& g, int& exit_code, const std::shared_ptr<IndexArgs>& args) {
  {
    const int64_t run_started = static_cast<int64_t>(std::time(nullptr));
    std::vector<std::string> roots;
    for (const auto& r : args->roots) {
      std::error_code ec;
      auto canon = std::filesystem::canonical(r, ec);
      if (ec) {
        exit_code = Fail(NotFound("cannot index " + r + ": " + ec.message()));
        return;
      }
      if (!std::filesystem::is_directory(canon, ec) && !IsLibraryFile(canon)) {
        exit_code = Fail(InvalidArgument(r + " is not a folder"));
        return;
      }
      roots.push_back(canon.string());
    }
    // The model first: a wrong --model should fail before a long crawl, not after it.
    std::unique_ptr<Model> model;
    std::string location;
    if (!args->no_embed) {
      const char* env = std::getenv("SHOEBOX_MODEL");
      const bool chosen = !args->model.empty() || (env && *env);
      const std::string name = !args->model.empty() ? args->model
                               : (env && *env)      ? env
                                                    : kDefaultModel;
      auto m = Model::Load(name);
      if (m.ok()) {
        model = std::move(*m);
        location = ModelLocation(name);
      } else if (chosen) {
        exit_code = Fail(m.status());
        return;
      } else if (!g.quiet) {
        std::fprintf(stderr, "shoebox: cataloging without embeddings (search needs them): %s\n",
                     m.status().message().c_str());
      }
    }
    auto path = CatalogPath(g);
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    auto lock = WriterLock::Acquire(path, args->wait);
    if (!lock.ok()) {
      exit_code = Fail(lock.status());
      return;
    }
    auto cat = Catalog::Open(path, true);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    IndexOptions opt;
    opt.exclude = args->exclude;
    opt.threads = args->threads;
    opt.analyze.max_pixels = args->max_megapixels * 1'000'000;
    opt.analyze.thumbnail_size = args->thumb_size;
    opt.show_progress = !g.quiet;
    ThumbnailCache thumbs;
    // New photos are embedded from the decode that makes their thumbnail; the rest (RAW without
    // a large preview, photos catalogued before) by the embedding stage after the crawl.
    std::unique_ptr<InlineEmbedder> inline_embedder;
    if (model) {
      EmbedOptions eopt;
      eopt.location = location;
      auto e = InlineEmbedder::Create(cat->get(), model.get(), eopt);
      if (!e.ok()) {
        exit_code = Fail(e.status());
        return;
      }
      inline_embedder = std::move(*e);
      opt.embedder = inline_embedder.get();
    }
    // Library exports are crawled like folders, then their importer adds what the library
    // knows (albums, descriptions, favourites, dates of photos without EXIF).
    IndexReport r;
    nlohmann::json library;
    for (const auto& root : roots) {
      const std::string kind = !args->kind.empty() ? args->kind : DetectKind(root);
      opt.source_kind = kind;
      if (kind != "folder" && kind != "takeout") {
        auto scan = ReadLibrary(kind, root, *args);
        if (!scan.ok()) {
          exit_code = Fail(scan.status());
          return;
        }
        auto imported =
            ImportLibrary(cat->get(), *scan, thumbs, opt, static_cast<int64_t>(std::time(nullptr)));
        if (!imported.ok()) {
          exit_code = Fail(imported.status());
          return;
        }
        AddReport(imported->index, &r);
        library = LibraryJson(*scan, *imported);
        if (!g.quiet && !args->json)
          std::fprintf(stderr,
                       "%s: %lld photos, %lld catalogued (%lld through a stand-in), %lld albums, "
                       "%lld keywords, "
                       "%lld could not be mapped%s\n",
                       kind.c_str(), static_cast<long long>(imported->assets),
                       static_cast<long long>(imported->indexed),
                       static_cast<long long>(imported->stand_ins),
                       static_cast<long long>(imported->albums),
                       static_cast<long long>(imported->keywords),
                       static_cast<long long>(imported->problems),
                       imported->problems > 0 ? " (see `shoebox errors`)" : "");
        continue;
      }
      const bool archive = IsArchiveName(root) && std::filesystem::is_regular_file(root);
      takeout::TakeoutArchiveCollector collected;
      auto report = archive ? IndexArchive(cat->get(), kind, root, thumbs, opt, &collected)
                            : IndexFolders(cat->get(), {root}, thumbs, opt);
      if (!report.ok()) {
        exit_code = Fail(report.status());
        return;
      }
      AddReport(*report, &r);
      if (kind == "takeout") {
        const auto now = static_cast<int64_t>(std::time(nullptr));
        auto t = archive ? takeout::ApplyTakeoutArchive(cat->get(), root, collected, now)
                         : takeout::ApplyTakeoutMetadata(cat->get(), root, now);
        if (!t.ok()) {
          exit_code = Fail(t.status());
          return;
        }
        library = {{"kind", "takeout"},
                   {"media", t->media},
                   {"with_sidecar", t->with_sidecar},
                   {"orphan_sidecars", t->orphan_sidecars},
                   {"bad_sidecars", t->bad_sidecars},
                   {"albums", t->albums},
                   {"album_memberships", t->album_memberships}};
        if (!g.quiet && !args->json)
          std::fprintf(stderr,
                       "takeout: %lld photos, %lld with sidecars, %lld albums, %lld sidecars "
                       "without their photo%s\n",
                       static_cast<long long>(t->media), static_cast<long long>(t->with_sidecar),
                       static_cast<long long>(t->albums),
                       static_cast<long long>(t->orphan_sidecars),
                       t->orphan_sidecars + t->bad_sidecars > 0 ? " (see `shoebox errors`)" : "");
      }
    }
    // The thumbnail cache may have lost files (deleted to free space, a crash): made again.
    auto repaired = RepairThumbnails(cat->get(), thumbs, opt, run_started);
    if (!repaired.ok()) {
      exit_code = Fail(repaired.status());
      return;
    }
    if (!g.quiet && !args->json && (repaired->rebuilt > 0 || repaired->lost > 0))
      std::fprintf(stderr,
                   "thumbnails: %lld made again (missing from the cache), %lld could not be (file "
                   "changed or gone)\n",
                   static_cast<long long>(repaired->rebuilt),
                   static_cast<long long>(repaired->lost));
    nlohmann::json embedded;
    if (model) {
      auto e = RunEmbedStage(cat->get(), model.get(), location, g.quiet || args->json,
                             inline_embedder->embedded(), inline_embedder->network_seconds());
      if (!e.ok()) {
        exit_code = Fail(e.status());
        return;
      }
      embedded = *e;
    }
    if (!g.quiet && !args->json) {
      for (const auto& lib : r.libraries_found)
        std::fprintf(stderr,
                     "note: %s is a photo library, not crawled as loose files; import it with "
                     "`shoebox index %s`\n",
                     lib.c_str(), lib.c_str());
    }
    if (args->json) {
      nlohmann::json j = {{"seen", r.seen},
                          {"unchanged", r.unchanged},
                          {"added", r.added},
                          {"linked", r.linked},
                          {"missing", r.missing},
                          {"errors", r.errors},
                          {"not_images", r.not_images},
                          {"folder_problems", r.folder_problems},
                          {"seconds", r.seconds},
                          {"catalog", path.string()}};
      j["thumbnails"] = {{"rebuilt", repaired->rebuilt},
                         {"lost", repaired->lost},
                         {"temp_files_removed", repaired->temp_removed}};
      if (!embedded.is_null()) j.update(embedded);
      if (!library.is_null()) j["library"] = library;
      if (!r.libraries_found.empty()) j["libraries_found"] = r.libraries_found;
      std::printf("%s\n", Dump(j).c_str());
    } else if (!g.quiet) {
      std::fprintf(stderr,
                   "indexed %lld files in %.1f s: %lld new, %lld moved/copied, %lld unchanged, "
                   "%lld now missing, %lld errors%s\n",
                   static_cast<long long>(r.seen), r.seconds, static_cast<long long>(r.added),
                   static_cast<long long>(r.linked), static_cast<long long>(r.unchanged),
                   static_cast<long long>(r.missing), static_cast<long long>(r.errors),
                   r.errors + r.folder_problems > 0 ? " (see `shoebox errors`)" : "");
    }
  }
}

}  // namespace

void RegisterIndex(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<IndexArgs>();
  CLI::App* cmd = app.add_subcommand("index", "Find and catalog the photos in one or more folders");
  cmd->add_option("paths", args->roots,
                  "Folders to index (Apple Photos libraries, Lightroom and Capture One catalogs, "
                  "Takeout exports and downloads are recognised)")
      ->required();
  AddIndexOptions(cmd, args.get());
  cmd->add_flag(
      "--force-read", args->force_read,
      "Lightroom / Capture One catalogs: read even while their application has them open");
  cmd->callback([&g, &exit_code, args] { RunIndex(g, exit_code, args); });
}

void RegisterImport(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* import =
      app.add_subcommand("import", "Read a photo library export into the catalog (read-only)");
  import->require_subcommand(1);
  auto args = std::make_shared<IndexArgs>();
  // One subcommand per library kind; `is` checks each path before anything is read.
  auto add = [&](const char* kind, const char* help, const char* paths_help,
                 const char* force_read_help, std::function<bool(const std::string&)> is,
                 std::string not_one) {
    CLI::App* cmd = import->add_subcommand(kind, help);
    cmd->add_option("paths", args->roots, paths_help)->required();
    if (force_read_help) cmd->add_flag("--force-read", args->force_read, force_read_help);
    AddIndexOptions(cmd, args.get());
    cmd->callback([&g, &exit_code, args, kind, is, not_one] {
      for (const auto& r : args->roots) {
        if (!is(r)) {
          exit_code = Fail(InvalidArgument(r + " is not " + not_one));
          return;
        }
      }
      args->kind = kind;
      RunIndex(g, exit_code, args);
    });
  };
  add(
      "takeout", "Google Photos Takeout (folders, or .zip / .tgz downloads read in place)",
      "Takeout folders or archives", nullptr, [](const std::string&) { return true; }, "");
  add("apple-photos", "Apple Photos library (.photoslibrary), read-only", "Photos library bundles",
      nullptr, apple_photos::LooksLikePhotosLibrary,
      "an Apple Photos library (no database/Photos.sqlite inside)");
  add(
      "lightroom", "Lightroom Classic catalog (.lrcat), read-only", "Catalog files (.lrcat)",
      "Read the catalog even though its .lock file says Lightroom has it open (a snapshot)",
      [](const std::string& p) { return std::filesystem::path(p).extension() == ".lrcat"; },
      "a Lightroom catalog (.lrcat file)");
  add("capture-one", "Capture One catalog (.cocatalog), read-only",
      "Catalog bundles (.cocatalog folders)",
      "Read the catalog even though its -journal says Capture One is writing it (a snapshot)",
      capture_one::LooksLikeCaptureOneCatalog,
      "a Capture One catalog (a .cocatalog folder with a .cocatalogdb inside)");
}

}  // namespace shoebox::cli
