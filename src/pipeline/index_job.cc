#include "pipeline/index_job.h"

#include <ctime>

#include "engine/hub/model_store.h"
#include "library/archive/archive_reader.h"

namespace shoebox {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

void AddReport(const IndexReport& from, IndexReport* r) {
  r->seen += from.seen;
  r->unchanged += from.unchanged;
  r->added += from.added;
  r->linked += from.linked;
  r->missing += from.missing;
  r->errors += from.errors;
  r->not_images += from.not_images;
  r->motion_parts += from.motion_parts;
  r->folder_problems += from.folder_problems;
  r->embedded += from.embedded;
  r->text_read += from.text_read;
  r->text_found += from.text_found;
  r->text_skipped += from.text_skipped;
  r->text_failed += from.text_failed;
  r->seconds += from.seconds;
  r->libraries_found.insert(r->libraries_found.end(), from.libraries_found.begin(),
                            from.libraries_found.end());
}

void AddSidecars(const SidecarReport& from, SidecarReport* r) {
  r->sidecars += from.sidecars;
  r->applied += from.applied;
  r->unchanged += from.unchanged;
  r->removed += from.removed;
  r->orphans += from.orphans;
  r->bad += from.bad;
}

// One root: crawled (folders, Takeout) or read by its importer and catalogued (libraries).
Status IndexRoot(Catalog* cat, const Importer& importer, const std::string& root,
                 const IndexJobOptions& o, IndexOptions opt, IndexJobReport* report,
                 IndexJobListener* listener) {
  const ThumbnailCache thumbs;
  opt.source_kind = importer.kind;
  LibraryOutcome outcome{importer.kind, root, std::nullopt, std::nullopt};
  if (importer.read) {
    auto scan = importer.read(root, o.import);
    if (!scan.ok()) return scan.status();
    auto imported = ImportLibrary(cat, *scan, thumbs, opt, Now());
    if (!imported.ok()) return imported.status();
    AddReport(imported->index, &report->crawl);
    outcome.library = *imported;
  } else {
    // Library exports are crawled like folders, then their importer adds what the library
    // knows (albums, descriptions, favourites, dates of photos without EXIF).
    const bool archive = IsArchiveName(root) && std::filesystem::is_regular_file(root);
    takeout::TakeoutArchiveCollector collected;
    auto crawl = archive ? IndexArchive(cat, importer.kind, root, thumbs, opt, &collected)
                         : IndexFolders(cat, {root}, thumbs, opt);
    if (!crawl.ok()) return crawl.status();
    AddReport(*crawl, &report->crawl);
    // A Live Photo's MOV (or Takeout's PXL_1.MP) is its still's motion, not a second photo.
    auto paired = cat->PairMotionParts();
    if (!paired.ok()) return paired.status();
    report->crawl.motion_parts += *paired;
    if (importer.kind == "folder" && !archive) {
      auto sidecars = ApplyXmpSidecars(cat, importer.kind, root, Now());
      if (!sidecars.ok()) return sidecars.status();
      AddSidecars(*sidecars, &report->sidecars);
    }
    if (importer.kind != "takeout") return Status::Ok();
    auto t = archive ? takeout::ApplyTakeoutArchive(cat, root, collected, Now())
                     : takeout::ApplyTakeoutMetadata(cat, root, Now());
    if (!t.ok()) return t.status();
    outcome.takeout = *t;
  }
  // Names no photo has any more (a person untagged in the library) go from `shoebox people`.
  SHOEBOX_RETURN_IF_ERROR(cat->DropUnusedPeople());
  if (listener) listener->LibraryDone(outcome);
  report->libraries.push_back(std::move(outcome));
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> ResolveRoots(const std::vector<std::string>& roots) {
  std::vector<std::string> out;
  for (const auto& r : roots) {
    std::error_code ec;
    auto canon = std::filesystem::canonical(r, ec);
    if (ec) return NotFound("cannot index " + r + ": " + ec.message());
    if (!std::filesystem::is_directory(canon, ec) && !IsLibraryFile(canon.string()))
      return InvalidArgument(r + " is not a folder");
    out.push_back(canon.string());
  }
  return out;
}

std::string ModelLocation(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_directory(arg, ec)) {
    auto canon = std::filesystem::canonical(arg, ec);
    if (!ec) return canon.string();
  }
  return arg;
}

Result<IndexModel> LoadIndexModel(const std::string& name, const ModelLoadOptions& options) {
  IndexModel out;
  auto m = EmbeddingModel::LoadShared(name.empty() ? kDefaultModel : name, options);
  if (m.ok()) {
    out.model = std::move(*m);
    out.location = ModelLocation(name.empty() ? kDefaultModel : name);
  } else if (!name.empty()) {
    return m.status();
  } else {
    out.without = m.status().message();
  }
  return out;
}

Result<EmbedOutcome> EmbedAndKeepIndexCurrent(Catalog* catalog, EmbeddingModel* model,
                                              const std::string& location, bool progress,
                                              IndexJobListener* listener,
                                              const std::atomic<bool>* stop) {
  ThumbnailCache thumbs;
  EmbedOptions opt;
  opt.progress = progress;
  opt.location = location;
  opt.stop = stop;
  auto r = EmbedMissing(*catalog, *model, &thumbs, opt);
  if (!r.ok()) return r.status();
  auto frames = EmbedFrames(*catalog, *model, opt);
  if (!frames.ok()) return frames.status();
  EmbedOutcome out;
  out.model = model->label();
  out.after = *r;
  out.frames = *frames;
  EmbeddingStore store = catalog->Embeddings();
  auto rec = store.FindModel(model->fingerprint());
  if (!rec.ok()) return rec.status();
  if (!*rec) return out;
  // Queries map the vectors from one file beside the catalog and search the graph as saved:
  // both are brought up to date here rather than on the first query.
  auto graph = vectors::KeepIndexCurrent(catalog, **rec, [listener] {
    if (listener) listener->BuildingGraph();
  });
  if (!graph.ok()) {
    out.vector_file = graph.status();  // best effort: queries rebuild what they need
  } else if (graph->state == vectors::GraphState::kUpdated ||
             graph->state == vectors::GraphState::kRebuilt) {
    out.graph = *graph;
    auto coverage = store.Coverage((*rec)->id);
    if (coverage.ok()) out.graph_vectors = coverage->embedded;
  }
  return out;
}

Result<IndexJobReport> RunIndexJob(const std::filesystem::path& catalog_path,
                                   const IndexJobOptions& o, IndexJobListener* listener) {
  const int64_t started = Now();
  const Importer* named = nullptr;
  if (!o.kind.empty() && !(named = FindImporter(o.kind)))
    return InvalidArgument("no importer for " + o.kind);
  auto roots = ResolveRoots(o.roots);
  if (!roots.ok()) return roots.status();
  std::error_code ec;
  std::filesystem::create_directories(catalog_path.parent_path(), ec);
  auto lock = WriterLock::Acquire(catalog_path, o.wait_for_lock);
  if (!lock.ok()) return lock.status();
  auto cat = Catalog::Open(catalog_path, true);
  if (!cat.ok()) return cat.status();
  IndexJobReport report;
  report.catalog = catalog_path;
  IndexOptions opt = o.index;
  // New photos are embedded from the decode that makes their thumbnail; the rest (RAW without
  // a large preview, photos catalogued before) by the embedding stage after the crawl.
  std::unique_ptr<InlineEmbedder> inline_embedder;
  if (o.model) {
    EmbedOptions eopt;
    eopt.location = o.model_location;
    auto e = InlineEmbedder::Create(cat->get(), o.model, eopt);
    if (!e.ok()) return e.status();
    inline_embedder = std::move(*e);
    opt.embedder = inline_embedder.get();
  }
  opt.text_reader = o.text;
  auto stopped = [&] { return opt.stop && opt.stop->load(); };
  for (const auto& root : *roots) {
    if (stopped()) return Cancelled("stopped before " + root);
    const Importer& importer = named ? *named : DetectImporter(root);
    SHOEBOX_RETURN_IF_ERROR(IndexRoot(cat->get(), importer, root, o, opt, &report, listener));
  }
  if (stopped()) return Cancelled("stopped after the crawl");
  // The thumbnail cache may have lost files (deleted to free space, a crash): made again.
  auto repaired = RepairThumbnails(cat->get(), ThumbnailCache(), opt, started);
  if (!repaired.ok()) return repaired.status();
  report.thumbnails = *repaired;
  if (stopped()) return Cancelled("stopped before reading text");
  if (o.text) {
    auto t = ReadMissingText(cat->get(), o.text);
    if (!t.ok()) return t.status();
    report.text = *t;
    report.text->ocr_seconds = o.text->busy_seconds();  // the crawl's readings and these
  } else {
    auto refreshed = (*cat)->RefreshTextIndex();
    if (!refreshed.ok()) return refreshed.status();
  }
  if (o.model) {
    auto e = EmbedAndKeepIndexCurrent(cat->get(), o.model, o.model_location, opt.show_progress,
                                      listener, opt.stop);
    if (!e.ok()) return e.status();
    e->while_indexing = inline_embedder->embedded();
    e->while_indexing_seconds = inline_embedder->network_seconds();
    report.embedding = *e;
  }
  return report;
}

}  // namespace shoebox
