// `shoebox serve` at library scale: a synthetic catalog of N assets (200,000 by default) with
// clustered 512-d vectors, served by the real LibraryService + WebServer with a random-weight
// text encoder of ViT-B/32's shape (bench/configs/openai-clip-vit-base-patch32.json) and the
// real CLIP tokenizer. Measures start-up (process-local: Open → first /api/status answer),
// time until vectors and model are loaded, and text queries over HTTP, split into text
// encoding, vector scan and catalog join as the server reports them. One asset in five also
// has synthetic OCR text (5-40 words of a Zipf-distributed 20,000-word vocabulary, as memes and
// screenshots would have), so that full-text (mode=text), semantic and hybrid queries are each
// measured (issue 15: text p50 <= 20 ms; hybrid <= text + semantic + 5 ms).
// With --browser DIR (a folder with node_modules/playwright-core, as tests/browser/run.sh leaves
// in WORK/deps), every asset also gets a thumbnail (a few real ones, hard-linked under each
// hash) and bench/web_timeline.mjs drives the page in Debian's Chromium (issue 18): the first
// screen of the timeline, scrubber jumps, the page's memory after scrolling through the
// years, and search to painted thumbnails.
// Usage: serve_bench [--assets N] [--config JSON] [--tokenizer DIR] [--queries Q] [--work DIR]
//                    [--browser DIR]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "bench_util.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "catalog/text_store.h"
#include "sample_thumbnails.h"
#include "search/searcher.h"
#include "vectors/synthetic.h"
#include "web/library_service.h"
#include "web/web_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using namespace shoebox;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double P90(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 9 / 10)];
}

int Fail(const Status& s) {
  std::fprintf(stderr, "serve_bench: %s\n", s.ToString().c_str());
  return 1;
}

// A made-up vocabulary: pronounceable words of 3-10 letters, some with accents.
std::vector<std::string> Vocabulary(int n) {
  static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi",   "pe", "da",
                                     "ri", "zo", "bu", "fa", "go", "hi", "jo", "ción", "ña", "té"};
  std::mt19937 rng(11);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string w;
    const int parts = 2 + static_cast<int>(rng() % 4);
    for (int k = 0; k < parts; ++k) w += kSyllables[rng() % 20];
    out.push_back(w);
  }
  return out;
}

// The OCR text of asset i (one in five has some): Zipf-like word choice, as real text has.
std::string SyntheticText(int64_t i, const std::vector<std::string>& vocab) {
  if (i % 5 != 0) return "";
  std::mt19937 rng(static_cast<uint32_t>(i));
  const int words = 5 + static_cast<int>(rng() % 36);
  std::string text;
  for (int k = 0; k < words; ++k) {
    // rank ~ exp(uniform * ln(n)): frequent words often, the long tail rarely
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const size_t rank =
        std::min(vocab.size() - 1,
                 static_cast<size_t>(std::exp(u * std::log(static_cast<double>(vocab.size())))));
    text += vocab[rank] + (k % 8 == 7 ? "\n" : " ");
  }
  return text;
}

Status BuildCatalog(const std::filesystem::path& path, int64_t n, const ModelRecord& model) {
  auto cat = Catalog::Open(path, true);
  if (!cat.ok()) return cat.status();
  const int64_t now = 1'700'000'000;
  auto source = (*cat)->EnsureSource("folder", "/synthetic/Pictures", now);
  if (!source.ok()) return source.status();
  EmbeddingStore store = (*cat)->Embeddings();
  auto model_id = store.EnsureModel(model, now);
  if (!model_id.ok()) return model_id.status();
  const std::vector<float> vectors =
      vectors::ClusteredVectors(n, model.dim, std::max<int64_t>(16, n / 200), 7);
  const char* formats[] = {"jpeg", "heif", "png", "raw"};
  const std::vector<std::string> vocab = Vocabulary(20000);
  const int64_t batch = 5000;
  for (int64_t start = 0; start < n; start += batch) {
    Transaction tx = (*cat)->NewTransaction();
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    std::vector<EmbeddingRow> rows;
    for (int64_t i = start; i < std::min(n, start + batch); ++i) {
      AssetRecord a;
      char hash[33];
      std::snprintf(hash, sizeof hash, "%032llx", static_cast<unsigned long long>(i + 1));
      a.hash = hash;
      a.size = 2'000'000 + i % 1000;
      a.format = formats[i % 4];
      a.width = 4032;
      a.height = 3024;
      char date[32];
      std::snprintf(date, sizeof date, "%04d-%02d-%02dT12:00:00", 2005 + static_cast<int>(i % 20),
                    1 + static_cast<int>(i % 12), 1 + static_cast<int>(i % 28));
      a.taken_at = date;
      a.make = i % 3 ? "Apple" : "Canon";
      a.has_thumbnail = true;
      auto id = (*cat)->InsertAsset(a, now);
      if (!id.ok()) return id.status();
      SHOEBOX_RETURN_IF_ERROR(
          (*cat)->UpsertFile(bench::SyntheticFile(*source, i, *id, a.size, now)));
      AssetTextRecord text;
      text.version = 1;
      text.languages = "eng+spa";
      text.read_at = now;
      text.text = SyntheticText(i, vocab);
      text.state = text.text.empty() ? TextState::kSkipped : TextState::kRead;
      text.confidence = text.text.empty() ? 0 : 85;
      SHOEBOX_RETURN_IF_ERROR((*cat)->SetAssetText(*id, text));
      EmbeddingRow r;
      r.asset_id = *id;
      r.vector.assign(vectors.begin() + i * model.dim, vectors.begin() + (i + 1) * model.dim);
      rows.push_back(std::move(r));
    }
    SHOEBOX_RETURN_IF_ERROR(tx.Commit());
    SHOEBOX_RETURN_IF_ERROR(store.Put(*model_id, rows));
  }
  auto indexed = (*cat)->RefreshTextIndex();
  return indexed.ok() ? Status::Ok() : indexed.status();
}

// A thumbnail for every asset: a few real ones, hard-linked under each asset's hash.
Status LinkThumbnails(const std::filesystem::path& dir, int64_t n) {
  namespace fs = std::filesystem;
  const fs::path done = dir / ("linked-" + std::to_string(n));
  if (fs::exists(done)) return Status::Ok();
  auto samples = bench::SampleThumbnails();
  if (!samples.ok()) return samples.status();
  ThumbnailCache thumbs(dir);
  std::vector<std::string> first;
  for (int64_t i = 0; i < n; ++i) {
    char hash[33];
    std::snprintf(hash, sizeof hash, "%032llx", static_cast<unsigned long long>(i + 1));
    SHOEBOX_RETURN_IF_ERROR(bench::PutSampleThumbnail(thumbs, hash, i, *samples, first));
  }
  return WriteFileAtomic(done, "", 0);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t assets = 200000;
  int queries = 30;
  std::filesystem::path config =
      std::filesystem::path(SHOEBOX_SOURCE_DIR) / "bench/configs/openai-clip-vit-base-patch32.json";
  std::filesystem::path tokenizer =
      std::filesystem::path(SHOEBOX_SOURCE_DIR) / "tests/data/golden/clip/tokenizer";
  std::filesystem::path work = std::filesystem::temp_directory_path() / "shoebox-serve-bench";
  std::filesystem::path browser;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--assets")
      assets = std::atoll(argv[i + 1]);
    else if (k == "--queries")
      queries = std::atoi(argv[i + 1]);
    else if (k == "--config")
      config = argv[i + 1];
    else if (k == "--tokenizer")
      tokenizer = argv[i + 1];
    else if (k == "--work")
      work = argv[i + 1];
    else if (k == "--browser")
      browser = argv[i + 1];
  }
  auto config_text = ReadWholeFile(config, 1 << 20);
  if (!config_text.ok()) return Fail(config_text.status());
  const std::string config_json(config_text->begin(), config_text->end());
  const std::string label = "random " + config.stem().string();

  // The model first: its fingerprint is the record's (the server makes its own copy).
  ModelRecord record;
  {
    auto probe = EmbeddingModel::CreateRandom(config_json, tokenizer, label);
    if (!probe.ok()) return Fail(probe.status());
    record = {0,
              (*probe)->fingerprint(),
              label,
              "(random)",
              (*probe)->family(),
              (*probe)->dim(),
              EmbeddingModel::kPreprocessVersion,
              0};
  }

  std::filesystem::create_directories(work);
  // (-text: the catalogs of earlier versions of this benchmark had no OCR text)
  const auto catalog = work / ("catalog-" + std::to_string(assets) + "-text.db");
  if (!std::filesystem::exists(catalog)) {
    std::fprintf(stderr, "building a synthetic catalog of %lld assets in %s...\n",
                 static_cast<long long>(assets), catalog.c_str());
    const auto t0 = Clock::now();
    Status st = BuildCatalog(catalog.string() + ".tmp", assets, record);
    if (!st.ok()) return Fail(st);
    std::filesystem::rename(catalog.string() + ".tmp", catalog);
    std::fprintf(stderr, "built in %.1f s\n", Ms(t0, Clock::now()) / 1000);
  }

  {
    // As `index` leaves it: the vector file beside the catalog up to date.
    auto cat = Catalog::Open(catalog, false);
    if (!cat.ok()) return Fail(cat.status());
    EmbeddingStore store = (*cat)->Embeddings();
    auto rec = store.FindModel(record.fingerprint);
    if (!rec.ok() || !*rec) return Fail(rec.ok() ? NotFound("model record") : rec.status());
    const auto t0 = Clock::now();
    if (Status st = vectors::UpdateVectorFile(cat->get(), **rec); !st.ok()) return Fail(st);
    std::fprintf(stderr, "vector file up to date in %.0f ms\n", Ms(t0, Clock::now()));
  }

  if (!browser.empty()) {
    const auto t0 = Clock::now();
    if (Status st = LinkThumbnails(work / "thumbs", assets); !st.ok()) return Fail(st);
    std::fprintf(stderr, "thumbnails linked in %.1f s\n", Ms(t0, Clock::now()) / 1000);
  }

  const auto t_open = Clock::now();
  web::ServiceOptions so;
  so.catalog = catalog;
  so.thumbs = work / "thumbs";
  so.model_loader = [&](const ModelRecord&) {
    return EmbeddingModel::CreateRandom(config_json, tokenizer, label);
  };
  auto service = web::LibraryService::Open(so);
  if (!service.ok()) return Fail(service.status());
  web::ServerOptions opt;
  opt.port = 0;
  web::WebServer server(service->get(), opt);
  if (Status st = server.Bind(); !st.ok()) return Fail(st);
  std::thread serving([&] { (void)server.Run(); });
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(120, 0);
  double startup_ms = 0;
  for (int i = 0; i < 10000; ++i) {
    auto r = client.Get("/api/status");
    if (r && r->status == 200) {
      startup_ms = Ms(t_open, Clock::now());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  (*service)->WaitUntilReady();
  const double ready_ms = Ms(t_open, Clock::now());
  auto status = json::parse(client.Get("/api/status")->body);

  const std::vector<std::string> phrases = {"money",
                                            "red",
                                            "bokeh",
                                            "surprised face",
                                            "mount fuji from a plane",
                                            "a dog on the beach",
                                            "birthday cake",
                                            "snow in the mountains",
                                            "receipt",
                                            "screenshot of a chat",
                                            "sunset over the sea",
                                            "my cat sleeping",
                                            "wedding dress",
                                            "night city lights",
                                            "a bowl of ramen",
                                            "whiteboard with notes",
                                            "passport photo",
                                            "fireworks",
                                            "kids playing football",
                                            "old black and white photo",
                                            "autumn leaves",
                                            "a red car",
                                            "perro en la playa",
                                            "concert crowd",
                                            "flowers in a vase",
                                            "rainbow",
                                            "beach +sunset -people",
                                            "cat 2:dog",
                                            "hiking trail in the forest",
                                            "christmas tree"};
  std::vector<double> total, embed, scan, join, client_ms;
  for (int i = 0; i < queries; ++i) {
    const std::string q = phrases[i % phrases.size()] +
                          (i >= static_cast<int>(phrases.size()) ? " " + std::to_string(i) : "");
    httplib::Params params = {{"q", q}, {"n", "60"}};
    const auto t0 = Clock::now();
    auto r = client.Get("/api/search", params, httplib::Headers{});
    const double c = Ms(t0, Clock::now());
    if (!r || r->status != 200) {
      std::fprintf(stderr, "query failed: %s\n", r ? r->body.c_str() : "no answer");
      return 1;
    }
    auto j = json::parse(r->body);
    const auto& t = j["timing"];
    embed.push_back(t["embed_ms"]);
    scan.push_back(t["scan_ms"]);
    join.push_back(t["join_ms"]);
    total.push_back(t["embed_ms"].get<double>() + t["scan_ms"].get<double>() +
                    t["join_ms"].get<double>() + t.value("text_ms", 0.0));
    client_ms.push_back(c);
  }
  // A filtered query (date range + format) over the same vectors.
  std::vector<double> filtered;
  for (int i = 0; i < 10; ++i) {
    httplib::Params params = {
        {"q", phrases[i]}, {"n", "60"}, {"after", "2010"}, {"before", "2015"}, {"format", "jpeg"}};
    auto r = client.Get("/api/search", params, httplib::Headers{});
    auto t = json::parse(r->body)["timing"];
    filtered.push_back(t["embed_ms"].get<double>() + t["scan_ms"].get<double>() +
                       t["join_ms"].get<double>() + t.value("text_ms", 0.0));
  }
  // The three modes on the same queries: words that some photo's text has (two of one asset's
  // words, as a user remembering a meme would type), and the phrases above.
  const std::vector<std::string> vocab = Vocabulary(20000);
  std::vector<std::string> mixed;
  for (int i = 0; i < queries; ++i) {
    std::istringstream words(SyntheticText(int64_t{5} * (i * 997 + 13), vocab));
    std::string a, b;
    words >> a >> b;
    mixed.push_back(i % 2 ? a + " " + b : phrases[i % phrases.size()]);
  }
  struct ModeTimes {
    std::vector<double> server, text, client;
    std::vector<int64_t> hits;
  };
  std::map<std::string, ModeTimes> modes;
  for (int round = 0; round < 2; ++round)  // the first round warms the caches; the second counts
    for (const std::string mode : {"semantic", "text", "hybrid"})
      for (const auto& q : mixed) {
        httplib::Params params = {{"q", q}, {"n", "60"}, {"mode", mode}};
        const auto t0 = Clock::now();
        auto r = client.Get("/api/search", params, httplib::Headers{});
        const double c = Ms(t0, Clock::now());
        if (!r || r->status != 200) {
          std::fprintf(stderr, "%s query failed: %s\n", mode.c_str(), r ? r->body.c_str() : "");
          return 1;
        }
        if (round == 0) continue;
        auto j = json::parse(r->body);
        const auto& t = j["timing"];
        ModeTimes& m = modes[mode];
        m.text.push_back(t.value("text_ms", 0.0));
        m.server.push_back(t["embed_ms"].get<double>() + t["scan_ms"].get<double>() +
                           t["join_ms"].get<double>() + t.value("text_ms", 0.0));
        m.client.push_back(c);
        m.hits.push_back(static_cast<int64_t>(j["results"].size()));
      }
  json by_mode;
  for (auto& [mode, m] : modes)
    by_mode[mode] = {{"server_ms_median", Median(m.server)},
                     {"server_ms_p90", P90(m.server)},
                     {"text_ms_median", Median(m.text)},
                     {"client_ms_median", Median(m.client)},
                     {"mean_hits", std::accumulate(m.hits.begin(), m.hits.end(), 0.0) /
                                       std::max<size_t>(1, m.hits.size())}};
  const double hybrid_budget = Median(modes["text"].server) + Median(modes["semantic"].server) + 5;
  by_mode["hybrid_budget_ms"] = hybrid_budget;
  by_mode["hybrid_within_budget"] = Median(modes["hybrid"].server) <= hybrid_budget;
  by_mode["text_p50_within_20ms"] = Median(modes["text"].server) <= 20;

  // Browsing without a query (catalog only): the first page newest first, a page deep in the
  // listing, and one folder.
  auto browse = [&](httplib::Params params) {
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = Clock::now();
      auto r = client.Get("/api/browse", params, httplib::Headers{});
      ms.push_back(Ms(t0, Clock::now()));
      if (!r || r->status != 200)
        std::fprintf(stderr, "browse failed: %s\n", r ? r->body.c_str() : "no answer");
    }
    return Median(ms);
  };
  const double browse_first = browse({{"n", "60"}});
  const double browse_deep = browse({{"n", "60"}, {"offset", "100000"}});
  const double browse_folder = browse({{"n", "60"}, {"folder", "/synthetic/Pictures/2010"}});
  // Idle: nothing asked, nothing indexed; what the refresh of new vectors costs.
  const double cpu0 = bench::CpuSeconds();
  const auto idle0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const double idle_cpu_percent =
      (bench::CpuSeconds() - cpu0) / (Ms(idle0, Clock::now()) / 1000.0) * 100.0;
  // The page itself, in Chromium.
  json page = nullptr;
  if (!browser.empty()) {
    std::filesystem::copy_file(std::filesystem::path(SHOEBOX_SOURCE_DIR) / "bench/web_timeline.mjs",
                               browser / "web_timeline.mjs",
                               std::filesystem::copy_options::overwrite_existing);
    const std::string cmd = "node '" + (browser / "web_timeline.mjs").string() + "' " +
                            server.Url() + " > '" + (work / "page.json").string() + "'";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "web_timeline.mjs failed\n");
      return 1;
    }
    auto text = ReadWholeFile(work / "page.json", 1 << 20);
    if (!text.ok()) return Fail(text.status());
    page = json::parse(std::string(text->begin(), text->end()));
  }
  server.Stop();
  serving.join();
  json out = {{"assets", assets},
              {"page", page},
              {"idle_cpu_percent_of_a_core", idle_cpu_percent},
              {"browse_first_page_ms", browse_first},
              {"browse_offset_100000_ms", browse_deep},
              {"browse_folder_ms", browse_folder},
              {"startup_ms", startup_ms},
              {"ready_ms", ready_ms},
              {"vectors_load_ms", status["vectors"]["load_ms"]},
              {"model_load_ms", status["model"]["load_ms"]},
              {"queries", queries},
              {"server_ms_median", Median(total)},
              {"server_ms_p90", P90(total)},
              {"embed_ms_median", Median(embed)},
              {"scan_ms_median", Median(scan)},
              {"join_ms_median", Median(join)},
              {"client_ms_median", Median(client_ms)},
              {"filtered_server_ms_median", Median(filtered)},
              {"modes", by_mode}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
