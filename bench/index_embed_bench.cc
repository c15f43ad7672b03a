// `shoebox index` end to end with a model: crawl + thumbnail + embedding of camera JPEGs with a
// ViT-B/32-shaped image tower (random weights), against perfect overlap of its two halves,
// each measured alone in the same run (issue 4):
//   decode  = CPU seconds per photo of the crawl's per-photo work on one thread (read, hash,
//             EXIF, the one reduced decode, thumbnail, model input);
//   encode  = CPU seconds per photo of the network at batch 32 on all threads;
//   perfect = cores / (decode + encode) photos/s.        Target: index >= 0.85 x perfect.
// For reference it also runs the previous way (crawl, then a separate embedding stage that
// decodes every photo again).
// Usage: index_embed_bench [--config JSON] [--tokenizer DIR] [--copies N] JPEG...
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/allocator.h"
#include "base/file_io.h"
#include "bench_util.h"
#include "catalog/catalog.h"
#include "embedding/embedding_model.h"
#include "imaging/photo_analyzer.h"
#include "pipeline/embedder.h"
#include "pipeline/indexer.h"

using namespace shoebox;

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Run {
  double wall = 0;
  int64_t embedded = 0;
};

// A first index of dir into a fresh catalog: inline (vectors from the crawl's decode) or the
// previous way (crawl, then EmbedMissing decoding each photo again).
Run Index(const std::filesystem::path& dir, const std::filesystem::path& work,
          EmbeddingModel* model, bool inline_embed) {
  std::filesystem::remove_all(work);
  auto cat = Catalog::Open(work / "catalog.db", true);
  if (!cat.ok()) std::exit(1);
  IndexOptions opt;
  opt.show_progress = false;
  ThumbnailCache thumbs(work / "thumbs");
  EmbedOptions eopt;
  eopt.progress = false;
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<InlineEmbedder> embedder;
  if (inline_embed) {
    embedder = std::move(*InlineEmbedder::Create(cat->get(), model, eopt));
    opt.embedder = embedder.get();
  }
  auto r = IndexFolders(cat->get(), {dir.string()}, thumbs, opt);
  if (!r.ok() || r->errors > 0) {
    std::fprintf(stderr, "index failed\n");
    std::exit(1);
  }
  auto rest = EmbedMissing(**cat, *model, &thumbs, eopt);
  if (!rest.ok()) std::exit(1);
  return {Since(t0), r->embedded + rest->embedded};
}

}  // namespace

int main(int argc, char** argv) {
  TuneAllocatorForBatchWork();  // as the CLI does
  std::filesystem::path config =
      std::filesystem::path(SHOEBOX_SOURCE_DIR) / "bench/configs/openai-clip-vit-base-patch32.json";
  std::filesystem::path tokenizer =
      std::filesystem::path(SHOEBOX_SOURCE_DIR) / "tests/data/golden/clip/tokenizer";
  int copies = 16;
  std::vector<std::string> sources;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc)
      config = argv[++i];
    else if (a == "--tokenizer" && i + 1 < argc)
      tokenizer = argv[++i];
    else if (a == "--copies" && i + 1 < argc)
      copies = std::atoi(argv[++i]);
    else
      sources.push_back(a);
  }
  if (sources.empty())
    return std::fprintf(stderr, "usage: index_embed_bench [--config JSON] [--copies N] JPEG...\n"),
           2;
  auto json = ReadWholeFile(config, 1 << 20);
  if (!json.ok()) return std::fprintf(stderr, "%s\n", json.status().message().c_str()), 1;
  auto model =
      EmbeddingModel::CreateRandom(std::string(json->begin(), json->end()), tokenizer, "bench");
  if (!model.ok()) return std::fprintf(stderr, "%s\n", model.status().message().c_str()), 1;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto tmp = std::filesystem::temp_directory_path() /
             ("shoebox-index-embed-bench-" + std::to_string(::getpid()));
  auto files = bench::MakeDistinctCopies(sources, copies, tmp / "library");
  if (files.empty()) return 1;
  const double n = static_cast<double>(files.size());

  // Decode alone: the crawl's per-photo work, one thread.
  AnalyzeOptions aopt;
  aopt.model_input = &(*model)->preprocess();
  std::vector<std::vector<float>> inputs;
  double decode_cpu = 0;
  for (int pass = 0; pass < 2; ++pass) {  // the first pass warms caches and libraries
    inputs.clear();
    const double c0 = bench::CpuSeconds();
    for (const auto& f : files) {
      auto bytes = ReadWholeFile(f, uint64_t{1} << 30);
      (void)ContentHashHex(bytes->data(), bytes->size());
      auto p = AnalyzePhoto(bytes->data(), bytes->size(), f.filename().string(), aopt);
      if (!p.ok() || p->model_input.empty())
        return std::fprintf(stderr, "%s: no model input\n", f.c_str()), 1;
      inputs.push_back(std::move(p->model_input));
    }
    decode_cpu = (bench::CpuSeconds() - c0) / n;
  }
  // The two decodes of the previous way, for reference: thumbnail alone, model input alone.
  auto per_photo =
      [&](const std::function<void(const std::vector<uint8_t>&, const std::string&)>& f) {
        const double c = bench::CpuSeconds();
        for (const auto& file : files) {
          auto bytes = ReadWholeFile(file, uint64_t{1} << 30);
          f(*bytes, file.filename().string());
        }
        return (bench::CpuSeconds() - c) / n;
      };
  const double thumbnail_cpu =
      per_photo([&](const std::vector<uint8_t>& b, const std::string& name) {
        (void)AnalyzePhoto(b.data(), b.size(), name, AnalyzeOptions{});
      });
  const double model_decode_cpu =
      per_photo([&](const std::vector<uint8_t>& b, const std::string& name) {
        (void)(*model)->PrepareBytes(b.data(), b.size(), name);
      });
  // Encode alone: batches of 32 on all threads.
  const int64_t floats = (*model)->prepared_floats();
  std::vector<float> batch(static_cast<size_t>(32 * floats));
  for (size_t i = 0; i < 32; ++i)
    std::copy(inputs[i % inputs.size()].begin(), inputs[i % inputs.size()].end(),
              batch.begin() + i * floats);
  (void)(*model)->EmbedPrepared(batch.data(), 32);  // warm
  const int batches = std::max(2, static_cast<int>(n / 32));
  const double c0 = bench::CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int b = 0; b < batches; ++b) (void)(*model)->EmbedPrepared(batch.data(), 32);
  const double encode_wall = Since(t0) / (batches * 32);
  const double encode_cpu = (bench::CpuSeconds() - c0) / (batches * 32);
  const double perfect = cores / (decode_cpu + encode_cpu);

  Run inline_run = Index(tmp / "library", tmp / "inline", model->get(), true);
  Run two_pass = Index(tmp / "library", tmp / "two-pass", model->get(), false);
  if (inline_run.embedded != static_cast<int64_t>(files.size()) ||
      two_pass.embedded != inline_run.embedded)
    return std::fprintf(stderr, "not every photo was embedded\n"), 1;
  const double ips = n / inline_run.wall;
  std::printf(
      "{\"photos\": %zu, \"cores\": %u, \"decode_cpu_ms\": %.1f, \"encode_cpu_ms\": %.1f, "
      "\"encode_alone_per_s\": %.1f, \"perfect_overlap_per_s\": %.1f, \"index_per_s\": %.1f, "
      "\"ratio_to_perfect\": %.2f, \"two_pass_index_per_s\": %.1f, \"thumbnail_alone_cpu_ms\": "
      "%.1f, "
      "\"model_input_alone_cpu_ms\": %.1f}\n",
      files.size(), cores, 1000 * decode_cpu, 1000 * encode_cpu, 1.0 / encode_wall, perfect, ips,
      ips / perfect, n / two_pass.wall, 1000 * thumbnail_cpu, 1000 * model_decode_cpu);
  std::filesystem::remove_all(tmp);
  return 0;
}
