// The web server's JSON API, files and defences, end to end: the real `shoebox serve` over a
// catalog indexed from the shared corpus with the tiny golden CLIP model, driven over HTTP.
// Answers are checked against the CLI (same ranking), the catalog and the files themselves.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "catalog/catalog.h"
#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;

std::string Encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Library {
  std::unique_ptr<TempDir> tmp;
  std::unique_ptr<Cli> cli;
  std::filesystem::path model, photos;
  std::unique_ptr<Server> server;
};

Library& Shared() {
  static Library lib = [] {
    Library l;
    l.tmp = std::make_unique<TempDir>();
    l.cli = std::make_unique<Cli>(l.tmp->path() / "home");
    l.model = GoldenSnapshot(l.tmp->path(), "clip/tiny-b32", "clip/tokenizer");
    l.photos = std::filesystem::canonical(CorpusPath() / "photos");
    CliResult r = l.cli->Run({"-q", "index", "--model", l.model.string(), l.photos.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    l.server = std::make_unique<Server>(*l.cli, l.tmp->path() / "serve.log");
    l.server->WaitReady();
    return l;
  }();
  return lib;
}

json Get(const std::string& path, int want_status = 200) {
  auto c = Shared().server->Client();
  auto r = c.Get(path);
  EXPECT_TRUE(r) << path;
  if (!r) return nullptr;
  EXPECT_EQ(r->status, want_status) << path << ": " << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u) << path;
  try {
    return json::parse(r->body);
  } catch (...) {
    ADD_FAILURE() << path << " did not answer JSON: " << r->body;
    return nullptr;
  }
}

int64_t IdOf(const std::string& rel) {
  auto cat = Catalog::Open(Shared().cli->catalog(), false);
  auto row = (*cat)->FindByPath((Shared().photos / rel).string());
  EXPECT_TRUE(row.ok() && *row) << rel;
  return row.ok() && *row ? (*row)->asset.id : -1;
}

// Same order as the CLI, allowing swaps between scores closer than float16 storage resolves;
// the same reasons for each hit (hybrid search: text_search.h).
void ExpectSameRanking(const json& server, const json& cli) {
  ASSERT_EQ(server.size(), cli.size());
  for (size_t i = 0; i < server.size(); ++i) {
    EXPECT_EQ(server[i].value("match", json()), cli[i].value("match", json())) << "rank " << i;
    if (server[i]["score"].is_null() || cli[i]["score"].is_null()) {
      EXPECT_EQ(server[i]["id"], cli[i]["id"]) << "rank " << i << ": found by words alone";
      continue;
    }
    EXPECT_NEAR(server[i]["score"].get<double>(), cli[i]["score"].get<double>(), 2e-3)
        << "rank " << i;
  }
}

TEST(WebApi, StatusReportsTheCatalogAndTheModel) {
  json s = Get("/api/status");
  auto cat = Catalog::Open(Shared().cli->catalog(), false);
  auto stats = (*cat)->Stats();
  EXPECT_EQ(s["assets"], stats->assets);
  EXPECT_EQ(s["files"], stats->files);
  EXPECT_EQ(s["formats"]["jpeg"], stats->by_format["jpeg"]);
  EXPECT_EQ(s["model"]["family"], "clip");
  EXPECT_EQ(s["model"]["state"], "ready");
  EXPECT_EQ(s["vectors"]["state"], "ready");
  EXPECT_EQ(s["indexing"]["pending"], 0);
  EXPECT_EQ(s["vectors"]["count"].get<int64_t>(), s["indexing"]["embedded"].get<int64_t>());
  EXPECT_GT(s["vectors"]["count"].get<int64_t>(), 40);
}

TEST(WebApi, TextSearchRanksAsTheCliAndPages) {
  for (const std::string q : {"a dog on the beach", "red", "perro en la playa +sunset -people"}) {
    json page = Get("/api/search?q=" + Encode(q) + "&n=12");
    CliResult r = Shared().cli->Run({"search", q, "-n", "12", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ExpectSameRanking(page["results"], r.Json());
    EXPECT_TRUE(page["has_more"].get<bool>());
    auto cat = Catalog::Open(Shared().cli->catalog(), false);
    for (const auto& h : page["results"]) {
      // A link to the thumbnail exactly when there is one (no 404s for the page to request).
      const bool has = (*(*cat)->FindByAssetId(h["id"].get<int64_t>()))->asset.has_thumbnail;
      EXPECT_EQ(h["thumb"],
                has ? json("/thumb/" + std::to_string(h["id"].get<int64_t>())) : json(nullptr))
          << h;
      EXPECT_FALSE(h["name"].get<std::string>().empty());
    }
    for (const char* k : {"embed_ms", "scan_ms", "join_ms"})
      EXPECT_TRUE(page["timing"].contains(k)) << k;
    // Pages are slices of one ranking.
    json second = Get("/api/search?q=" + Encode(q) + "&n=6&offset=6");
    ASSERT_EQ(second["results"].size(), 6u);
    for (size_t i = 0; i < 6; ++i)
      EXPECT_EQ(second["results"][i]["id"], page["results"][i + 6]["id"]);
  }
  // The last page says there is no more.
  json all = Get("/api/search?q=red&n=500");
  EXPECT_FALSE(all["has_more"].get<bool>());
  EXPECT_EQ(all["results"].size(), Get("/api/status")["vectors"]["count"].get<size_t>());
}

TEST(WebApi, FiltersSelectBeforeRanking) {
  json png = Get("/api/search?q=a%20photo&n=50&format=png");
  ASSERT_FALSE(png["results"].empty());
  auto cat = Catalog::Open(Shared().cli->catalog(), false);
  for (const auto& h : png["results"]) {
    auto row = (*cat)->FindByAssetId(h["id"].get<int64_t>());
    EXPECT_EQ((*row)->asset.format, "png") << h;
  }
  CliResult r = Shared().cli->Run({"search", "a photo", "-n", "50", "--format", "png", "--json"});
  ExpectSameRanking(png["results"], r.Json());
  json dated = Get("/api/search?q=a%20photo&n=50&after=2008&before=2009-01-01&sort=date");
  std::string last;
  for (const auto& h : dated["results"]) {
    ASSERT_TRUE(h["taken_at"].is_string()) << h;
    const std::string t = h["taken_at"];
    EXPECT_GE(t, "2008");
    EXPECT_LT(t, "2009-01-01");
    EXPECT_GE(t, last) << "sort=date orders by capture time";
    last = t;
  }
  const std::string folder = Encode((Shared().photos / "Vacaciones 2019").string());
  json in_folder = Get("/api/search?q=beach&folder=" + folder);
  ASSERT_FALSE(in_folder["results"].empty());
  for (const auto& h : in_folder["results"])
    EXPECT_NE(h["path"].get<std::string>().find("/Vacaciones 2019/"), std::string::npos) << h;
}

TEST(WebApi, SimilarMatchesTheCliAndExcludesThePhoto) {
  const int64_t id = IdOf("duplicates/coffee original.png");
  json page = Get("/api/similar/" + std::to_string(id) + "?n=10");
  CliResult r = Shared().cli->Run({"similar", std::to_string(id), "-n", "10", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameRanking(page["results"], r.Json());
  for (const auto& h : page["results"]) EXPECT_NE(h["id"], id);
  // The five re-encoded, resized and cropped copies come first.
  std::set<int64_t> top5, copies;
  for (int i = 0; i < 5; ++i) top5.insert(page["results"][i]["id"].get<int64_t>());
  for (const char* f : {"coffee half size.jpg", "coffee q90.jpg", "coffee q35.jpg", "coffee.webp",
                        "coffee cropped.jpg"})
    copies.insert(IdOf(std::string("duplicates/") + f));
  EXPECT_EQ(top5, copies) << page;
  Get("/api/similar/99999999", 404);
  Get("/api/similar/abc", 400);
  Get("/api/similar/1?n=0", 400);
}

TEST(WebApi, ImageUploadSearchesInMemoryAndStoresNothing) {
  auto c = Shared().server->Client();
  const auto photo = Shared().photos / "duplicates/coffee cropped.jpg";
  const std::string bytes = ReadFile(photo);
  const json before = Get("/api/status");
  httplib::MultipartFormDataItems form = {{"image", bytes, "coffee cropped.jpg", "image/jpeg"}};
  auto r = c.Post("/api/search/image?n=5", form);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["results"][0]["id"], IdOf("duplicates/coffee cropped.jpg"));
  EXPECT_GT(j["results"][0]["score"].get<double>(), 0.999);
  // A raw body works too (no multipart).
  r = c.Post("/api/search/image?n=3", bytes, "image/jpeg");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // Nothing was added to the catalog.
  const json after = Get("/api/status");
  EXPECT_EQ(after["assets"], before["assets"]);
  EXPECT_EQ(after["files"], before["files"]);

  auto post = [&](const std::string& data, const std::string& name) {
    httplib::MultipartFormDataItems f = {{"image", data, name, "application/octet-stream"}};
    return c.Post("/api/search/image", f);
  };
  r = post("just some words, not a photo\n", "notes.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415) << r->body;
  EXPECT_NE(r->body.find("not an image"), std::string::npos) << r->body;
  r = post(ReadFile(CorpusPath() / "bad/truncated at 40 percent.jpg").substr(0, 300), "cut.jpg");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status == 422 || r->status == 415) << r->status << " " << r->body;
  r = post(ReadFile(CorpusPath() / "bad/bomb 20000x20000.png"), "bomb.png");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_NE(r->body.find("megapixels"), std::string::npos) << r->body;
  r = post(std::string(51u << 20, '\xff'), "huge.jpg");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  r = post("", "empty.jpg");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  httplib::MultipartFormDataItems wrong = {{"file", bytes, "a.jpg", "image/jpeg"}};
  r = c.Post("/api/search/image", wrong);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
}

TEST(WebApi, AssetCarriesMetadataFilesAndDuplicates) {
  const int64_t id = IdOf("Vacaciones 2019/Playa día 2.jpg");
  json a = Get("/api/assets/" + std::to_string(id));
  EXPECT_EQ(a["id"], id);
  EXPECT_EQ(a["name"], "Playa día 2.jpg");
  EXPECT_EQ(a["taken_at"], "2008-10-22T16:38:20");
  EXPECT_EQ(a["format"], "jpeg");
  EXPECT_EQ(a["folder"], (Shared().photos / "Vacaciones 2019").string());
  EXPECT_EQ(a["original"], "/original/" + std::to_string(id));
  EXPECT_EQ(a["source"]["kind"], "folder");  // library facts ride along (albums, favorite...)
  EXPECT_EQ(a["albums"], json::array());
  ASSERT_EQ(a["files"].size(), 1u);
  EXPECT_EQ(a["files"][0]["status"], "present");
  // The coffee photo exists twice byte for byte, and has near copies.
  const int64_t coffee = IdOf("duplicates/coffee original.png");
  for (int i = 0; i < 100 && Get("/api/dupes")["state"] != "ready"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  json c = Get("/api/assets/" + std::to_string(coffee));
  EXPECT_EQ(c["files"].size(), 2u);
  ASSERT_EQ(c["duplicates"]["exact"].size(), 1u);
  EXPECT_NE(c["duplicates"]["exact"][0].get<std::string>().find("exact copy"), std::string::npos);
  ASSERT_TRUE(c["duplicates"]["near"].is_array());
  std::set<std::string> near;
  for (const auto& n : c["duplicates"]["near"]) near.insert(n["name"]);
  EXPECT_TRUE(near.count("coffee half size.jpg")) << c["duplicates"];
  Get("/api/assets/0", 400);
  Get("/api/assets/123456789", 404);
  Get("/api/assets/12abc", 400);
  Get("/api/assets/99999999999999999999999", 400);
}

TEST(WebApi, RandomReturnsDistinctShowablePhotos) {
  json r = Get("/api/random?n=20");
  ASSERT_EQ(r["results"].size(), 20u);
  std::set<int64_t> ids;
  for (const auto& h : r["results"]) ids.insert(h["id"].get<int64_t>());
  EXPECT_EQ(ids.size(), 20u);
  auto c = Shared().server->Client();
  for (int64_t id : ids) {
    auto t = c.Get("/thumb/" + std::to_string(id));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->status, 200) << id;
  }
  // More than the library holds: every showable photo once.
  json all = Get("/api/random?n=500");
  EXPECT_EQ(all["results"].size(), Get("/api/status")["thumbnails"].get<size_t>());
  Get("/api/random?n=0", 400);
  Get("/api/random?n=x", 400);
}

TEST(WebApi, DupesReportsTheCoffeeGroups) {
  json d;
  for (int i = 0; i < 100; ++i) {
    d = Get("/api/dupes");
    if (d["state"] == "ready") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(d["state"], "ready");
  ASSERT_EQ(d["exact"].size(), 1u);
  EXPECT_EQ(d["exact"][0].size(), 2u);
  // The same groups as `shoebox dupes`, with ids for the thumbnails.
  CliResult r = Shared().cli->Run({"dupes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json cli = r.Json();
  ASSERT_EQ(d["near"].size(), cli["near"].size()) << d;
  bool coffee = false;
  for (size_t g = 0; g < d["near"].size(); ++g) {
    EXPECT_EQ(d["near"][g]["keep"]["path"], cli["near"][g]["keep"]);
    EXPECT_GT(d["near"][g]["keep"]["id"].get<int64_t>(), 0);
    std::vector<std::string> others;
    for (const auto& o : d["near"][g]["others"]) others.push_back(o["path"]);
    EXPECT_EQ(json(others), cli["near"][g]["others"]);
    coffee = coffee || d["near"][g]["keep"]["name"] == "coffee original.png";
  }
  EXPECT_TRUE(coffee) << d;
}

TEST(WebApi, ThumbnailsAreCachedJpegsWithValidators) {
  const int64_t id = IdOf("Vacaciones 2019/Playa día 2.jpg");
  auto c = Shared().server->Client();
  auto r = c.Get("/thumb/" + std::to_string(id));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_NE(r->get_header_value("Cache-Control").find("max-age=31536000"), std::string::npos);
  const std::string etag = r->get_header_value("ETag");
  auto cat = Catalog::Open(Shared().cli->catalog(), false);
  const std::string hash = (*(*cat)->FindByAssetId(id))->asset.hash;
  EXPECT_EQ(etag, "\"" + hash + "\"");
  EXPECT_EQ(r->body, ReadFile(Shared().cli->thumbs() / hash.substr(0, 2) / (hash + ".jpg")));
  auto again = c.Get("/thumb/" + std::to_string(id), {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  // A photo that could not be decoded has no thumbnail: a JSON 404 that says why.
  auto row = (*cat)->FindByPath((Shared().photos / "raw/CanonRaw.cr2").string());
  if (row.ok() && *row && (*row)->asset.id && !(*row)->asset.has_thumbnail) {
    json j = Get("/thumb/" + std::to_string((*row)->asset.id), 404);
    EXPECT_NE(j["error"]["message"].get<std::string>().find("no thumbnail"), std::string::npos);
  }
}

// Several selected photos download as one zip of their originals exactly as stored (a HEIC
// stays a HEIC), under their own names and times; one that cannot be read is named with why.
TEST(WebApi, SelectedPhotosDownloadAsOneZipOfTheirOriginals) {
  auto c = Shared().server->Client();
  const std::string jpeg = "Vacaciones 2019/Playa día 2.jpg", heic = "heif/cheers_1440x960.heic";
  auto r = c.Get("/api/zip?ids=" + std::to_string(IdOf(jpeg)) + "," + std::to_string(IdOf(heic)) +
                 ",77777777");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/zip");
  EXPECT_NE(r->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  std::map<std::string, std::string> members;
  std::map<std::string, int64_t> times;
  archive* a = archive_read_new();
  archive_read_support_format_zip_seekable(a);
  ASSERT_EQ(archive_read_open_memory(a, r->body.data(), r->body.size()), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    if (!data.empty())
      EXPECT_EQ(archive_read_data(a, data.data(), data.size()), ssize_t(data.size()));
    members[archive_entry_pathname(e)] = data;
    times[archive_entry_pathname(e)] = archive_entry_mtime(e);
  }
  archive_read_free(a);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members["Playa día 2.jpg"], ReadFile(Shared().photos / jpeg));
  EXPECT_EQ(members["cheers_1440x960.heic"], ReadFile(Shared().photos / heic));
  struct stat st {};
  ASSERT_EQ(::stat((Shared().photos / jpeg).c_str(), &st), 0);
  EXPECT_LE(std::abs(times["Playa día 2.jpg"] - st.st_mtime), 2);  // zip's DOS time: 2 s steps
  EXPECT_NE(members["NOT INCLUDED.txt"].find("photo 77777777: no photo 77777777"),
            std::string::npos)
      << members["NOT INCLUDED.txt"];
  // Two photos of one name keep both.
  auto twice =
      c.Get("/api/zip?ids=" + std::to_string(IdOf(jpeg)) + "," + std::to_string(IdOf(jpeg)));
  ASSERT_TRUE(twice);
  EXPECT_NE(twice->body.find("Playa día 2 (2).jpg"), std::string::npos);
  Get("/api/zip", 400);
  Get("/api/zip?ids=1,,2", 400);
  Get("/api/zip?ids=../etc/passwd", 400);
  std::string many = "/api/zip?ids=1";
  for (int i = 0; i < 500; ++i) many += ",1";
  Get(many, 400);
}

TEST(WebApi, OriginalsStreamAsStoredOrConvertedForTheBrowser) {
  auto c = Shared().server->Client();
  const auto jpeg = Shared().photos / "Vacaciones 2019/Playa día 2.jpg";
  auto r = c.Get("/original/" + std::to_string(IdOf("Vacaciones 2019/Playa día 2.jpg")));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(r->body, ReadFile(jpeg));
  // A byte range of the same file.
  r = c.Get("/original/" + std::to_string(IdOf("Vacaciones 2019/Playa día 2.jpg")),
            {{"Range", "bytes=10-19"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, ReadFile(jpeg).substr(10, 10));
  // HEIC is converted to an upright JPEG.
  r = c.Get("/original/" + std::to_string(IdOf("heif/cheers_1440x960.heic")));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  ASSERT_GT(r->body.size(), 1000u);
  EXPECT_EQ(static_cast<unsigned char>(r->body[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(r->body[1]), 0xD8);
  Get("/original/0", 400);
  Get("/original/77777777", 404);
}

TEST(WebApi, RequestPathsNeverReachTheFileSystem) {
  auto c = Shared().server->Client();
  for (const std::string path :
       {"/thumb/../../etc/passwd", "/thumb/..%2f..%2fetc%2fpasswd",
        "/thumb/%2e%2e/%2e%2e/etc/passwd", "/original/..%2F..%2Fetc%2Fpasswd",
        "/original/1/../../../etc/passwd", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/index.html/../../etc/passwd", "/app.js%00.html", "/thumb/1%00", "/original//etc/passwd",
        "/src/web/ui/app.js", "/ui/", "/thumb/"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_TRUE(r->status == 404 || r->status == 400) << path << " -> " << r->status;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u) << path;
  }
  // No directory listings, and only GET/HEAD/POST routes exist.
  auto r = c.Delete("/api/assets/1");
  ASSERT_TRUE(r);
  EXPECT_GE(r->status, 400);
}

TEST(WebApi, ForeignHostsAndCrossSiteRequestsAreRefused) {
  auto c = Shared().server->Client();
  auto r =
      c.Get("/api/status", {{"Host", "evil.example:" + std::to_string(Shared().server->port())}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 421);
  r = c.Get("/", {{"Host", "attacker.test"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 421);
  r = c.Get("/api/status", {{"Host", "localhost:" + std::to_string(Shared().server->port())}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const std::string bytes = ReadFile(Shared().photos / "duplicates/coffee cropped.jpg");
  httplib::MultipartFormDataItems form = {{"image", bytes, "c.jpg", "image/jpeg"}};
  r = c.Post("/api/search/image", {{"Origin", "http://evil.example"}}, form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = c.Post("/api/search/image", {{"Sec-Fetch-Site", "cross-site"}}, form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = c.Post("/api/search/image",
             {{"Origin", "http://127.0.0.1:" + std::to_string(Shared().server->port())},
              {"Sec-Fetch-Site", "same-origin"}},
             form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(WebApi, UiIsEmbeddedWithAStrictPolicy) {
  auto c = Shared().server->Client();
  auto r = c.Get("/");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("<script src=\"/app.js\""), std::string::npos);
  EXPECT_EQ(r->body.find("http"), std::string::npos)
      << "the page must not load anything from the network";
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  for (const char* f : {"/app.js", "/style.css", "/favicon.svg"}) {
    auto a = c.Get(f);
    ASSERT_TRUE(a) << f;
    EXPECT_EQ(a->status, 200) << f;
    EXPECT_EQ(a->body.find("https://"), std::string::npos)
        << f << " must not reference the network";
  }
}

TEST(WebApi, TokenIsRequiredWhenConfiguredAndOffLoopback) {
  TempDir tmp;
  Server s(*Shared().cli, tmp / "token.log", {"--token", "s3cret-token"});
  auto c = s.Client();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto get = [](httplib::Client& cl, const std::string& path, const httplib::Headers& h = {}) {
    for (int i = 0; i < 100; ++i) {  // the server may still be binding
      auto res = cl.Get(path, h);
      if (res) return std::make_optional(*res);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::optional<httplib::Response>();
  };
  auto r = get(c, "/api/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = get(c, "/?token=wrong");
  EXPECT_EQ(r->status, 401);
  r = get(c, "/?token=s3cret-token");
  EXPECT_EQ(r->status, 200);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("shoebox_token=s3cret-token"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  r = get(c, "/api/status", {{"Cookie", "shoebox_token=s3cret-token"}});
  EXPECT_EQ(r->status, 200);
  r = get(c, "/api/status", {{"Authorization", "Bearer s3cret-token"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(s.log().find("?token=s3cret-token"), std::string::npos) << s.log();

  // On every interface a token is generated, printed in the URL, and a warning given.
  TempDir tmp2;
  Server open(*Shared().cli, tmp2 / "open.log", {"--host", "0.0.0.0"});
  auto oc = open.Client();
  r = get(oc, "/api/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  const std::string log = open.log();
  EXPECT_NE(log.find("warning"), std::string::npos) << log;
  const auto at = log.find("?token=");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string token = log.substr(at + 7, log.find_first_of(" \n", at) - at - 7);
  EXPECT_GE(token.size(), 16u);
  r = get(oc, "/api/status?token=" + token);
  EXPECT_EQ(r->status, 200);
}

TEST(WebApi, BrowseListsByDateFolderAndFiltersWithoutAQuery) {
  // Everything present and showable, newest first (undated last), paged without overlap.
  auto cat = Catalog::Open(Shared().cli->catalog(), false);
  auto all = (*cat)->List(ListFilter{});
  ASSERT_TRUE(all.ok());
  std::set<int64_t> assets;
  for (const auto& row : *all) assets.insert(row.asset.id);
  json first = Get("/api/browse?n=20");
  EXPECT_EQ(first["has_more"], assets.size() > 20);
  std::vector<json> hits(first["results"].begin(), first["results"].end());
  for (int64_t offset = 20; offset < static_cast<int64_t>(assets.size()); offset += 20) {
    json page = Get("/api/browse?n=20&offset=" + std::to_string(offset));
    EXPECT_EQ(page["has_more"], offset + 20 < static_cast<int64_t>(assets.size()));
    hits.insert(hits.end(), page["results"].begin(), page["results"].end());
  }
  ASSERT_EQ(hits.size(), assets.size());
  std::set<int64_t> seen;
  std::string last = "9999";
  bool undated = false;
  for (const auto& h : hits) {
    EXPECT_TRUE(seen.insert(h["id"].get<int64_t>()).second) << "listed twice: " << h;
    EXPECT_FALSE(h.contains("score"));
    if (h["taken_at"].is_null()) {
      undated = true;
      continue;
    }
    EXPECT_FALSE(undated) << "dated photos come before undated ones";
    EXPECT_LE(h["taken_at"].get<std::string>(), last) << "newest first";
    last = h["taken_at"];
  }
  // Oldest first, and a folder with a date range.
  json oldest = Get("/api/browse?n=5&order=oldest");
  ASSERT_FALSE(oldest["results"].empty());
  EXPECT_LE(oldest["results"][0]["taken_at"].get<std::string>(),
            oldest["results"][1]["taken_at"].get<std::string>());
  const std::string folder = Encode((Shared().photos / "Vacaciones 2019").string());
  json in_folder = Get("/api/browse?order=path&folder=" + folder);
  ASSERT_FALSE(in_folder["results"].empty());
  for (const auto& h : in_folder["results"])
    EXPECT_NE(h["path"].get<std::string>().find("/Vacaciones 2019/"), std::string::npos) << h;
  EXPECT_EQ(in_folder["has_more"], false);
  // Newest first within the folder too (the join plan).
  json folder_newest = Get("/api/browse?folder=" + folder);
  EXPECT_EQ(folder_newest["results"].size(), in_folder["results"].size());
  for (size_t i = 1; i < folder_newest["results"].size(); ++i) {
    const auto& prev = folder_newest["results"][i - 1]["taken_at"];
    const auto& cur = folder_newest["results"][i]["taken_at"];
    if (prev.is_string() && cur.is_string())
      EXPECT_GE(prev.get<std::string>(), cur.get<std::string>());
  }
  json by_path = Get("/api/browse?order=path&n=500");
  for (size_t i = 1; i < by_path["results"].size(); ++i)
    EXPECT_LE(by_path["results"][i - 1]["path"].get<std::string>(),
              by_path["results"][i]["path"].get<std::string>());
  Get("/api/browse?order=sideways", 400);
}

TEST(WebApi, BrowsingNeedsNoModelAndNoVectors) {
  // Catalogued without embeddings, served with no model at all: browsing and filters work,
  // searches say why they cannot.
  TempDir tmp;
  Cli cli(tmp / "home");
  const auto photos = tmp / "photos";
  for (const char* f :
       {"Vacaciones 2019/Playa día 2.jpg", "duplicates/coffee original.png", "png/basn6a16.png"})
    CopyFile(Shared().photos / f, photos / std::filesystem::path(f).filename());
  ASSERT_EQ(cli.Run({"-q", "index", "--no-embed", photos.string()}).exit_code, 0);
  Server s(cli, tmp / "serve.log", {"--model", (tmp / "no-such-model").string()});
  auto c = s.Client();
  json page;
  for (int i = 0; i < 300; ++i) {
    auto r = c.Get("/api/browse?n=10");
    if (r && r->status == 200) {
      page = json::parse(r->body);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(page.is_object()) << s.log();
  EXPECT_EQ(page["results"].size(), 3u);
  page = json::parse(c.Get("/api/browse?format=png")->body);
  EXPECT_EQ(page["results"].size(), 2u);
  // With no model the search box still answers, from the words the library knows (here the
  // file name), and says why it could not do more.
  auto search = c.Get("/api/search?q=coffee");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  json words = json::parse(search->body);
  EXPECT_EQ(words["mode"], "text");
  EXPECT_NE(words["note"].get<std::string>().find("words"), std::string::npos) << words;
  ASSERT_EQ(words["results"].size(), 1u) << words;
  EXPECT_EQ(words["results"][0]["name"], "coffee original.png");
  EXPECT_EQ(words["results"][0]["match"], json::array({"text"}));
  EXPECT_TRUE(words["results"][0]["score"].is_null()) << "no similarity was computed";
  // Asking for the model's search explicitly gets the reason it cannot answer.
  search = c.Get("/api/search?q=coffee&mode=semantic");
  ASSERT_TRUE(search);
  EXPECT_NE(search->status, 200);
  EXPECT_NE(json::parse(search->body)["error"]["message"].get<std::string>(), "") << search->body;
  EXPECT_EQ(c.Get("/api/search?q=coffee&mode=fuzzy")->status, 400);
}

TEST(WebApi, ServingWhileIndexingShowsNewPhotosWithoutRestart) {
  // A second library: the server runs while `index` adds photos to its catalog.
  TempDir tmp;
  Cli cli(tmp / "home");
  const auto photos = tmp / "photos";
  std::filesystem::create_directories(photos);
  CopyFile(Shared().photos / "Vacaciones 2019/Playa día 2.jpg", photos / "a.jpg");
  ASSERT_EQ(cli.Run({"-q", "index", "--model", Shared().model.string(), photos.string()}).exit_code,
            0);
  Server s(cli, tmp / "serve.log");
  s.WaitReady();
  auto c = s.Client();
  ASSERT_EQ(json::parse(c.Get("/api/status")->body)["vectors"]["count"], 1);
  for (const char* f :
       {"duplicates/coffee original.png", "png/basn6a16.png", "webp/Alpha Lossless (1).webp"})
    CopyFile(Shared().photos / f, photos / std::filesystem::path(f).filename());
  CliResult r = cli.Run({"-q", "index", "--model", Shared().model.string(), photos.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json status;
  for (int i = 0; i < 100; ++i) {
    status = json::parse(c.Get("/api/status")->body);
    if (status["vectors"]["count"] == 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status["vectors"]["count"], 4) << status;
  json page = json::parse(c.Get("/api/search?q=coffee&n=10")->body);
  EXPECT_EQ(page["results"].size(), 4u) << page;
}

// A file that could not be read has no photo to open: the page lists every such file with the
// reason indexing recorded, the same list as `shoebox errors`.
TEST(WebApi, UnreadableFilesAreListedWithTheReasonRecordedForEach) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const auto bad = std::filesystem::canonical(CorpusPath() / "bad");
  ASSERT_EQ(cli.Run({"-q", "index", "--no-ocr", bad.string()}).exit_code, 0);
  CliResult errors = cli.Run({"errors", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json expected = errors.Json();
  ASSERT_GE(expected.size(), 5u);
  Server s(cli, tmp / "serve.log");
  s.WaitListening();
  auto c = s.Client();
  const json all = json::parse(c.Get("/api/problems")->body);
  EXPECT_EQ(all["count"], expected.size());
  ASSERT_EQ(all["problems"].size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(all["problems"][i]["path"], expected[i]["path"]);
    EXPECT_EQ(all["problems"][i]["reason"], expected[i]["reason"]);
    EXPECT_EQ(all["problems"][i]["kind"], expected[i]["kind"]);
  }
  const json status = json::parse(c.Get("/api/status")->body);
  EXPECT_EQ(status["errors"].get<size_t>() + status["warnings"].get<size_t>(), expected.size());
  EXPECT_GT(status["errors"], 0);
  const json first = json::parse(c.Get("/api/problems?n=2")->body);
  EXPECT_EQ(first["problems"].size(), 2u);
  EXPECT_EQ(first["count"], expected.size());
  EXPECT_EQ(c.Get("/api/problems?n=0")->status, 400);
}

}  // namespace
}  // namespace shoebox::testing
