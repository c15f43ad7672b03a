#include "tools/cli/index_report.h"

#include <cstdio>

#include "tools/cli/search_common.h"

namespace shoebox::cli {
namespace {

long long L(int64_t v) { return static_cast<long long>(v); }

nlohmann::json LibraryJson(const LibraryOutcome& o) {
  if (o.takeout) {
    const auto& t = *o.takeout;
    return {{"kind", "takeout"},
            {"media", t.media},
            {"with_sidecar", t.with_sidecar},
            {"orphan_sidecars", t.orphan_sidecars},
            {"bad_sidecars", t.bad_sidecars},
            {"albums", t.albums},
            {"album_memberships", t.album_memberships}};
  }
  const auto& r = *o.library;
  return {{"kind", o.kind},
          {"root", o.root},
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

}  // namespace

void PrintingListener::LibraryDone(const LibraryOutcome& o) {
  if (quiet_) return;
  if (o.library) {
    const auto& r = *o.library;
    std::fprintf(stderr,
                 "%s: %lld photos, %lld catalogued (%lld through a stand-in), %lld albums, %lld "
                 "keywords, %lld could not be mapped%s\n",
                 o.kind.c_str(), L(r.assets), L(r.indexed), L(r.stand_ins), L(r.albums),
                 L(r.keywords), L(r.problems), r.problems > 0 ? " (see `shoebox errors`)" : "");
  } else if (o.takeout) {
    const auto& t = *o.takeout;
    std::fprintf(stderr,
                 "takeout: %lld photos, %lld with sidecars, %lld albums, %lld sidecars without "
                 "their photo%s\n",
                 L(t.media), L(t.with_sidecar), L(t.albums), L(t.orphan_sidecars),
                 t.orphan_sidecars + t.bad_sidecars > 0 ? " (see `shoebox errors`)" : "");
  }
}

void PrintingListener::BuildingGraph() {
  if (!quiet_)
    std::fprintf(
        stderr,
        "building the HNSW index (about 2 minutes per 100,000 photos on 2 cores, once)...\n");
}

void PrintEmbedSummary(const EmbedOutcome& e) {
  if (!e.vector_file.ok())
    std::fprintf(stderr, "shoebox: warning: could not update the vector index: %s\n",
                 e.vector_file.message().c_str());
  if (e.graph)
    std::fprintf(stderr, "HNSW index of %lld vectors: %s\n", L(e.graph_vectors),
                 DescribeAnn(*e.graph).c_str());
  if (e.while_indexing > 0)
    std::fprintf(stderr,
                 "embedded %lld photos with %s while indexing them (%.1f s in the network)\n",
                 L(e.while_indexing), e.model.c_str(), e.while_indexing_seconds);
  const EmbedReport& r = e.after;
  if (r.embedded + r.failed > 0)
    std::fprintf(
        stderr, "embedded %lld %sphotos with %s in %.1f s (%.1f photos/s)%s\n", L(r.embedded),
        e.while_indexing > 0 ? "more " : "", e.model.c_str(), r.seconds,
        r.seconds > 0 ? static_cast<double>(r.embedded + r.failed) / r.seconds : 0.0,
        r.failed ? (", " + std::to_string(r.failed) + " could not be decoded").c_str() : "");
  const FrameReport& f = e.frames;
  if (f.animations > 0)
    std::fprintf(
        stderr, "animations: %lld looked at, %lld later frames embedded (%.1f s)%s\n",
        L(f.animations), L(f.frames), f.seconds,
        f.failed ? (", " + std::to_string(f.failed) + " unreadable (see `shoebox errors`)").c_str()
                 : "");
}

nlohmann::json EmbedJson(const EmbedOutcome& e) {
  return {{"model", e.model},
          {"embedded", e.after.embedded + e.while_indexing},
          {"embedded_while_indexing", e.while_indexing},
          {"embed_failed", e.after.failed},
          {"embed_seconds", e.after.seconds + e.while_indexing_seconds},
          {"animations", e.frames.animations},
          {"frames_embedded", e.frames.frames},
          {"ann_index", e.graph ? nlohmann::json(DescribeAnn(*e.graph)) : nlohmann::json()}};
}

void PrintTextSummary(const TextReport& t) {
  if (t.read + t.skipped + t.failed == 0) return;
  char work[64] = "";
  if (t.ocr_seconds >= 0.05) std::snprintf(work, sizeof work, "; %.1f s of OCR", t.ocr_seconds);
  std::fprintf(
      stderr, "read the text of %lld photos (%lld with words%s); %lld skipped as text-free%s\n",
      L(t.read), L(t.found), work, L(t.skipped),
      t.failed ? (", " + std::to_string(t.failed) + " failed (see `shoebox errors`)").c_str() : "");
}

nlohmann::json TextJson(const TextReport& t) {
  return {{"read", t.read},     {"with_text", t.found}, {"skipped", t.skipped},
          {"failed", t.failed}, {"seconds", t.seconds}, {"ocr_seconds", t.ocr_seconds}};
}

namespace {

// The crawl's readings and the catch-up's, as one report.
TextReport TextOfIndex(const IndexJobReport& report) {
  const IndexReport& r = report.crawl;
  TextReport text;
  if (report.text) text = *report.text;
  text.read += r.text_read;
  text.found += r.text_found;
  text.skipped += r.text_skipped;
  text.failed += r.text_failed;
  return text;
}

}  // namespace

void PrintIndexSummary(const IndexJobReport& report) {
  const ThumbnailRepairReport& t = report.thumbnails;
  if (t.rebuilt > 0 || t.lost > 0)
    std::fprintf(stderr,
                 "thumbnails: %lld made again (missing from the cache), %lld could not be (file "
                 "changed or gone)\n",
                 L(t.rebuilt), L(t.lost));
  if (report.embedding) PrintEmbedSummary(*report.embedding);
  const IndexReport& r = report.crawl;
  PrintTextSummary(TextOfIndex(report));
  const SidecarReport& sc = report.sidecars;
  if (sc.applied + sc.removed + sc.bad > 0)
    std::fprintf(
        stderr,
        "XMP sidecars: %lld applied, %lld unchanged, %lld removed (the photos' own "
        "facts back), %lld beside no photo%s\n",
        L(sc.applied), L(sc.unchanged), L(sc.removed), L(sc.orphans),
        sc.bad ? (", " + std::to_string(sc.bad) + " unreadable (see `shoebox errors`)").c_str()
               : "");
  for (const auto& lib : r.libraries_found)
    std::fprintf(stderr,
                 "note: %s is a photo library, not crawled as loose files; import it with "
                 "`shoebox index %s`\n",
                 lib.c_str(), lib.c_str());
  std::fprintf(stderr,
               "indexed %lld files in %.1f s: %lld new, %lld moved/copied, %lld unchanged, %lld "
               "now missing, %lld errors%s\n",
               L(r.seen), r.seconds, L(r.added), L(r.linked), L(r.unchanged), L(r.missing),
               L(r.errors), r.errors + r.folder_problems > 0 ? " (see `shoebox errors`)" : "");
}

nlohmann::json IndexJson(const IndexJobReport& report) {
  const IndexReport& r = report.crawl;
  nlohmann::json j = {{"seen", r.seen},
                      {"unchanged", r.unchanged},
                      {"added", r.added},
                      {"linked", r.linked},
                      {"missing", r.missing},
                      {"errors", r.errors},
                      {"not_images", r.not_images},
                      {"motion_parts", r.motion_parts},
                      {"folder_problems", r.folder_problems},
                      {"seconds", r.seconds},
                      {"catalog", report.catalog.string()}};
  j["thumbnails"] = {{"rebuilt", report.thumbnails.rebuilt},
                     {"lost", report.thumbnails.lost},
                     {"temp_files_removed", report.thumbnails.temp_removed}};
  if (report.embedding) j.update(EmbedJson(*report.embedding));
  j["text"] = TextJson(TextOfIndex(report));
  const SidecarReport& sc = report.sidecars;
  j["sidecars"] = {{"found", sc.sidecars},  {"applied", sc.applied}, {"unchanged", sc.unchanged},
                   {"removed", sc.removed}, {"orphans", sc.orphans}, {"unreadable", sc.bad}};
  if (!report.libraries.empty()) j["library"] = LibraryJson(report.libraries.back());
  if (!r.libraries_found.empty()) j["libraries_found"] = r.libraries_found;
  return j;
}

}  // namespace shoebox::cli
