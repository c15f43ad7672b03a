// What a hostile disk or client does to a running shoebox, end to end: a photo swapped for a
// link, image bombs, slow clients, a lost thumbnail cache, a zip bomb, unclear requests.
// Each runs the real binary on a private copy of a few corpus photos.
#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "catalog/catalog.h"
#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// A few corpus photos copied into a folder of the test's own (the corpus is read-only).
std::filesystem::path CopyPhotos(const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  for (const char* rel :
       {"phones/Apple iPhone 4.jpg", "phones/Samsung GT-I9000 (Galaxy S).jpg", "png/astronaut.png"})
    std::filesystem::copy_file(CorpusPath() / "photos" / rel,
                               to / std::filesystem::path(rel).filename());
  return std::filesystem::canonical(to);
}

int64_t IdOf(const Cli& cli, const std::filesystem::path& path) {
  auto cat = Catalog::Open(cli.catalog(), false);
  auto row = (*cat)->FindByPath(path.string());
  EXPECT_TRUE(row.ok() && *row) << path;
  return row.ok() && *row ? (*row)->asset.id : -1;
}

std::string ErrorMessage(const httplib::Result& r) {
  if (!r) return "(no answer)";
  auto j = json::parse(r->body, nullptr, false);
  return j.is_discarded() ? r->body : j["error"]["message"].get<std::string>();
}

// A served library: photos indexed with the tiny golden model, `serve` running.
struct Served {
  TempDir tmp;
  Cli cli{tmp.path() / "home"};
  std::filesystem::path photos = CopyPhotos(tmp.path() / "photos");
  std::unique_ptr<Server> server;
  explicit Served(bool with_model = true) {
    std::vector<std::string> args = {"-q", "index"};
    if (with_model) {
      args.push_back("--model");
      args.push_back(GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer").string());
    } else {
      args.push_back("--no-embed");
    }
    args.push_back(photos.string());
    CliResult r = cli.Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    server = std::make_unique<Server>(cli, tmp.path() / "serve.log");
    if (with_model) {
      server->WaitReady();
      return;
    }
    auto c = server->Client();
    for (int i = 0; i < 600 && !c.Get("/api/status"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
};

TEST(Reliability, AnOriginalIsServedOnlyWhileItIsTheFileTheCatalogKnows) {
  Served s;
  const auto photo = s.photos / "Apple iPhone 4.jpg";
  const int64_t id = IdOf(s.cli, photo);
  const std::string original = ReadFile(photo);
  auto c = s.server->Client();
  auto r = c.Get("/original/" + std::to_string(id));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, original);

  // The photo replaced by a link to another readable file: not served.
  WriteFile(s.tmp / "private.txt", "someone's private notes");
  std::filesystem::remove(photo);
  std::filesystem::create_symlink(s.tmp / "private.txt", photo);
  r = c.Get("/original/" + std::to_string(id));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->body.find("private notes"), std::string::npos);
  EXPECT_NE(ErrorMessage(r).find("changed since it was indexed"), std::string::npos) << r->body;
  EXPECT_NE(ErrorMessage(r).find("shoebox index"), std::string::npos) << r->body;

  // Even one forged to the catalogued size and time, if it lies outside the indexed folder.
  std::string forged(original.size(), 'x');
  WriteFile(s.tmp / "forged.bin", forged);
  struct stat st {};
  ASSERT_EQ(::lstat((s.tmp / "forged.bin").c_str(), &st), 0);
  auto cat = Catalog::Open(s.cli.catalog(), false);
  const int64_t mtime = (*(*cat)->FindByPath(photo.string()))->file.mtime_ns;
  struct timespec times[2] = {{0, UTIME_OMIT}, {mtime / 1'000'000'000, mtime % 1'000'000'000}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (s.tmp / "forged.bin").c_str(), times, 0), 0);
  std::filesystem::remove(photo);
  std::filesystem::create_symlink(s.tmp / "forged.bin", photo);
  r = c.Get("/original/" + std::to_string(id));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(ErrorMessage(r).find("outside the indexed folder"), std::string::npos) << r->body;

  // The photo back as it was: served again.
  std::filesystem::remove(photo);
  WriteFile(photo, original);
  ASSERT_EQ(::utimensat(AT_FDCWD, photo.c_str(), times, 0), 0);
  r = c.Get("/original/" + std::to_string(id));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

uint32_t Crc(const std::string& bytes) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Chunk(const std::string& type, const std::string& data) {
  return Be32(static_cast<uint32_t>(data.size())) + type + data + Be32(Crc(type + data));
}

// An RGB PNG of w x h black pixels, small on disk, w*h*3 bytes once decoded; with only its
// first `rows` rows of data when rows < h (a bomb refused from its header needs no more).
std::string BlackPng(uint32_t w, uint32_t h, int level, uint32_t rows) {
  std::string ihdr = Be32(w) + Be32(h) + std::string("\x08\x02\x00\x00\x00", 5);
  std::vector<uint8_t> raw(static_cast<size_t>(rows) * (w * 3 + 1), 0);
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  std::string z(n, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(z.data()), &n, raw.data(),
                      static_cast<uLong>(raw.size()), level),
            Z_OK);
  z.resize(n);
  return std::string("\x89PNG\r\n\x1a\n", 8) + Chunk("IHDR", ihdr) + Chunk("IDAT", z) +
         Chunk("IEND", "");
}

httplib::Result PostImage(const Server& server, const std::string& body, const std::string& type) {
  auto c = server.Client();
  return c.Post("/api/search/image?n=3", body, type.c_str());
}

TEST(Reliability, AnImageBombIsRefusedFromItsHeaderWhileOtherSearchesByImageGoOn) {
  Served s;
  const std::string bomb = BlackPng(14000, 14000, 9, 16);  // 196 megapixels, 0.6 GB decoded
  ASSERT_LT(bomb.size(), 1u << 20);
  const std::string small = ReadFile(s.photos / "Samsung GT-I9000 (Galaxy S).jpg");
  const auto t0 = Clock::now();
  auto bomb_reply = std::async(std::launch::async, [&] {
    auto r = PostImage(*s.server, bomb, "image/png");
    return std::make_pair(r ? r->status : -1, std::make_pair(ErrorMessage(r), MsSince(t0)));
  });
  auto small_reply = std::async(std::launch::async, [&] {
    auto r = PostImage(*s.server, small, "image/jpeg");
    return std::make_pair(r ? r->status : -1, MsSince(t0));
  });
  const auto [bomb_status, bomb_info] = bomb_reply.get();
  const auto [small_status, small_ms] = small_reply.get();
  EXPECT_EQ(bomb_status, 413);
  EXPECT_NE(bomb_info.first.find("14000x14000 (196 megapixels), over the limit of 50"),
            std::string::npos)
      << bomb_info.first;
  EXPECT_EQ(small_status, 200);
  std::printf("image bomb: refused in %.0f ms; a small upload sent beside it answered in %.0f ms\n",
              bomb_info.second, small_ms);
  EXPECT_LT(bomb_info.second, 5000) << "refused from the header, not decoded";

  // Large images within the limit are decoded two at a time with four waiting; more at once
  // are turned away with 503 + Retry-After instead of piling up.
  const std::string big = BlackPng(7000, 7000, 1, 7000);  // 49 megapixels
  std::vector<std::future<std::pair<int, std::string>>> replies;
  for (int i = 0; i < 12; ++i)
    replies.push_back(std::async(std::launch::async, [&] {
      auto c = s.server->Client();
      auto r = c.Post("/api/search/image?n=3", big, "image/png");
      return std::make_pair(r ? r->status : -1,
                            r ? r->get_header_value("Retry-After") : std::string());
    }));
  int ok = 0, busy = 0;
  for (auto& f : replies) {
    auto [status, retry] = f.get();
    if (status == 200) ++ok;
    if (status == 503) {
      ++busy;
      EXPECT_EQ(retry, "1");
    }
  }
  EXPECT_EQ(ok + busy, 12);
  EXPECT_GE(ok, 6) << "two decoding and four waiting are answered";
  EXPECT_GE(busy, 1) << "the rest are told to come back";
  std::printf("12 simultaneous 49 MP uploads: %d answered, %d told 503\n", ok, busy);
}

// A client socket from a chosen loopback address (the per-address cap counts addresses).
int ConnectFrom(const char* from, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from, &local.sin_addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  return fd;
}

TEST(Reliability, SlowClientsCannotKeepNormalRequestsWaiting) {
  Served s(false);
  const int port = s.server->port();
  // 150 connections from one address, each dribbling a header line a second.
  std::vector<int> slow;
  for (int i = 0; i < 150; ++i) {
    slow.push_back(ConnectFrom("127.0.0.2", port));
    const std::string line = "GET /api/status HTTP/1.1\r\n";
    ASSERT_EQ(::send(slow.back(), line.data(), line.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(line.size()));
  }
  std::atomic<bool> stop{false};
  std::thread dribble([&] {
    for (int n = 0; !stop; ++n) {
      const std::string line = "X-Slow-" + std::to_string(n) + ": 1\r\n";
      for (int fd : slow) (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int i = 0; i < 10 && !stop; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Normal requests from another address meanwhile, each on a new connection.
  double worst = 0;
  int answered = 0;
  const auto t0 = Clock::now();
  while (MsSince(t0) < 4000) {
    auto c = s.server->Client();
    c.set_connection_timeout(3, 0);
    const auto t = Clock::now();
    auto r = c.Get("/api/status");
    worst = std::max(worst, MsSince(t));
    if (r && r->status == 200) ++answered;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("normal requests under 150 slow connections: %d answered, slowest %.0f ms\n",
              answered, worst);
  EXPECT_GE(answered, 10);
  EXPECT_LT(worst, 1000);
  // Then every slow connection has its answer: 503 for those over the address's cap at once,
  // 408 for the others when their headers had not arrived within 5 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  stop = true;
  dribble.join();
  int refused = 0, timed_out = 0;
  for (int fd : slow) {
    pollfd p{fd, POLLIN, 0};
    std::string got;
    char buf[512];
    while (::poll(&p, 1, 2000) > 0) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    refused += got.rfind("HTTP/1.1 503", 0) == 0;
    timed_out += got.rfind("HTTP/1.1 408", 0) == 0;
    ::close(fd);
  }
  std::printf("slow connections: %d refused (per-address cap), %d timed out (408)\n", refused,
              timed_out);
  EXPECT_EQ(refused, 150 - 128);
  EXPECT_EQ(timed_out, 128);
}

TEST(Reliability, IndexMakesLostThumbnailsAgainAndRemovesOrphanTemporaryFiles) {
  TempDir tmp;
  Cli cli(tmp.path() / "home");
  const auto photos = CopyPhotos(tmp.path() / "photos");
  ASSERT_EQ(cli.Run({"-q", "index", "--no-embed", photos.string()}).exit_code, 0);
  std::vector<std::filesystem::path> thumbs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(cli.thumbs()))
    if (e.is_regular_file()) thumbs.push_back(e.path());
  ASSERT_EQ(thumbs.size(), 3u);
  // The cache deleted to free space, one file emptied by a crash, and a temporary file left
  // behind by a killed run.
  std::filesystem::remove(thumbs[0]);
  std::filesystem::remove(thumbs[1]);
  WriteFile(thumbs[2], "");
  const auto orphan = thumbs[2].parent_path() / (thumbs[2].filename().string() + ".tmp123456");
  WriteFile(orphan, "half a thumbnail");
  struct timespec old[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, orphan.c_str(), old, 0), 0);
  CliResult r = cli.Run({"index", "--no-embed", "--json", photos.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["thumbnails"]["rebuilt"], 3) << j;
  EXPECT_EQ(j["thumbnails"]["temp_files_removed"], 1) << j;
  for (const auto& t : thumbs) EXPECT_GT(std::filesystem::file_size(t), 0u) << t;
  EXPECT_FALSE(std::filesystem::exists(orphan));
  // `thumb` works for each photo again.
  auto cat = Catalog::Open(cli.catalog(), false);
  for (const char* name : {"Apple iPhone 4.jpg", "astronaut.png"}) {
    const auto out = tmp.path() / (std::string(name) + ".thumb.jpg");
    CliResult t =
        cli.Run({"thumb", std::to_string(IdOf(cli, photos / name)), "--out", out.string()});
    EXPECT_EQ(t.exit_code, 0) << t.err;
  }
  // A thumbnail damaged on disk (a bad sector): never served, and `index` makes it again.
  {
    Server server(cli, tmp.path() / "serve.log");
    auto c = server.Client();
    for (int i = 0; i < 600 && !c.Get("/api/status"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const int64_t id = IdOf(cli, photos / "astronaut.png");
    auto path = cli.thumbs();
    {
      auto cat = Catalog::Open(cli.catalog(), false);
      const std::string hash = (*(*cat)->FindByAssetId(id))->asset.hash;
      path = path / hash.substr(0, 2) / (hash + ".jpg");
    }
    std::string bytes = ReadFile(path);
    bytes[bytes.size() / 2] ^= 0x04;
    WriteFile(path, bytes);
    auto t = c.Get("/thumb/" + std::to_string(id));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->status, 404) << "a damaged thumbnail is not served";
    EXPECT_NE(ErrorMessage(t).find("shoebox index"), std::string::npos) << t->body;
  }
  r = cli.Run({"index", "--no-embed", "--json", photos.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["thumbnails"]["rebuilt"], 1) << r.out;
  // A lost thumbnail whose photo is gone too: no longer offered to pages.
  std::filesystem::remove(thumbs[0]);
  std::filesystem::remove(thumbs[1]);
  for (const auto& e : std::filesystem::directory_iterator(photos))
    std::filesystem::remove(e.path());
  r = cli.Run({"index", "--no-embed", "--json", photos.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto stats = (*Catalog::Open(cli.catalog(), false))->Stats();
  EXPECT_EQ(stats->thumbnails, 1) << "only the thumbnail still in the cache counts";
}

// A zip as Google Takeout downloads are, with one member far over any photo's size.
void WriteZip(const std::filesystem::path& path, const std::string& small_jpeg,
              uint64_t big_bytes) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  auto add = [&](const std::string& name, uint64_t size, const std::function<void()>& data) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    data();
    archive_entry_free(e);
  };
  add("Takeout/Google Photos/Trip/photo.jpg", small_jpeg.size(),
      [&] { archive_write_data(a, small_jpeg.data(), small_jpeg.size()); });
  add("Takeout/Google Photos/Trip/huge.jpg", big_bytes, [&] {
    std::vector<char> zeros(1 << 20, 0);
    for (uint64_t done = 0; done < big_bytes; done += zeros.size())
      archive_write_data(a, zeros.data(), zeros.size());
  });
  archive_write_close(a);
  archive_write_free(a);
}

TEST(Reliability, AnArchiveMemberOverTheLimitIsRefusedByNameWithoutBeingBuffered) {
  TempDir tmp;
  Cli cli(tmp.path() / "home");
  const auto zip = tmp.path() / "takeout-001.zip";
  WriteZip(zip, ReadFile(CorpusPath() / "photos/phones/Apple iPhone 4.jpg"), uint64_t{600} << 20);
  ASSERT_LT(std::filesystem::file_size(zip), 8u << 20);
  // In a child of its own, so that the peak is this run's alone (4 MB units in the status).
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // --no-ocr: the peak measured is the archive reader's; Tesseract's language models add to
    // it once the other photo's words are read (436 MB in all under ASan).
    const int code = cli.Run({"-q", "index", "--no-embed", "--no-ocr", zip.string()}).exit_code;
    rusage usage{};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    ::_exit(code != 0 ? 255 : static_cast<int>(std::min<long>(254, usage.ru_maxrss / 4096)));
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 255) << "index failed";
  const double peak_mb = 4.0 * WEXITSTATUS(status);
  std::printf("a 600 MB member in a %.1f MB zip: index peaked at %.0f MB\n",
              static_cast<double>(std::filesystem::file_size(zip)) / (1 << 20), peak_mb);
  EXPECT_LT(peak_mb, 400) << "the member is refused, not read into memory";
  json errors = cli.Run({"errors", "--json"}).Json();
  bool named = false;
  for (const auto& e : errors)
    if (e["path"].get<std::string>().ends_with("huge.jpg"))
      named = e["reason"].get<std::string>().find("over the limit of 256 MB") != std::string::npos;
  EXPECT_TRUE(named) << errors;
  EXPECT_EQ(json(cli.Run({"status", "--json"}).Json())["assets"], 1)
      << "the other photo is indexed";
}

TEST(Reliability, UnclearRequestsGetMessagesThatSayWhatToDo) {
  Served s;
  auto c = s.server->Client();
  const std::string photo = ReadFile(s.photos / "Samsung GT-I9000 (Galaxy S).jpg");
  // A raw image body sent as a form (curl --data-binary's default type).
  auto r = c.Post("/api/search/image", photo, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(ErrorMessage(r).find("Content-Type: image/jpeg"), std::string::npos) << r->body;
  // ...and with its own type it works.
  r = c.Post("/api/search/image", photo, "image/jpeg");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // A multipart body whose boundary is wrong.
  r = c.Post("/api/search/image",
             "--nope\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nxx\r\n--nope--\r\n",
             "multipart/form-data; boundary=other");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(ErrorMessage(r).find("multipart form could not be read"), std::string::npos) << r->body;
  // Impossible dates and scores.
  for (const char* q : {"after=9999-99-99", "before=2024-13", "after=2024-02-32", "min_score=nan",
                        "min_score=inf", "min_score=2", "min_score=0.5x"}) {
    r = c.Get(std::string("/api/search?q=red&") + q);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << q;
  }
  r = c.Get("/api/search?q=red&after=2019-02-28&min_score=-0.5");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(Reliability, ATooLargeTakeoutSidecarSaysWhy) {
  TempDir tmp;
  Cli cli(tmp.path() / "home");
  const auto album = tmp.path() / "Takeout/Google Photos/Trip";
  std::filesystem::create_directories(album);
  std::filesystem::copy_file(CorpusPath() / "photos/phones/Apple iPhone 4.jpg", album / "a.jpg");
  WriteFile(album / "a.jpg.json", "{\"title\": \"" + std::string(50u << 20, 'x') + "\"}");
  CliResult r =
      cli.Run({"-q", "import", "takeout", "--no-embed", (tmp.path() / "Takeout").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json errors = cli.Run({"errors", "--json"}).Json();
  bool said = false;
  for (const auto& e : errors)
    if (e["path"].get<std::string>().ends_with("a.jpg.json"))
      said = e["reason"].get<std::string>().find("too large for a Takeout sidecar") !=
             std::string::npos;
  EXPECT_TRUE(said) << errors;
}

TEST(Reliability, ADamagedGraphFileNeverCrashesASearchStatusSaysSoAndSearchRebuildsIt) {
  TempDir tmp;
  Cli cli(tmp.path() / "home");
  const auto photos = CopyPhotos(tmp.path() / "photos");
  const auto model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  ASSERT_EQ(cli.Run({"-q", "index", "--model", model.string(), photos.string()}).exit_code, 0);
  CliResult r = cli.Run({"-q", "reindex", "--recipe", "hnsw,M=8,efc=50,ef=50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto graph = cli.catalog().string() + ".model-1.hnsw";
  ASSERT_TRUE(std::filesystem::exists(graph));
  const std::string want = cli.Run({"search", "red", "--json"}).out;
  std::string bytes = ReadFile(graph);
  for (size_t i = 0; i < 8; ++i) bytes[bytes.size() / 2 + 13 * i] ^= 0x5a;  // a bad sector's worth
  WriteFile(graph, bytes);
  json status = cli.Run({"status", "--json"}).Json();
  EXPECT_EQ(status["embeddings"][0]["index_damaged"], true) << status;
  EXPECT_NE(status["embeddings"][0]["index_state"].get<std::string>().find("damaged"),
            std::string::npos)
      << status;
  r = cli.Run({"search", "red", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, want) << "the same answers";
  EXPECT_NE(r.err.find("is damaged"), std::string::npos) << "said once on stderr: " << r.err;
  status = cli.Run({"status", "--json"}).Json();
  EXPECT_EQ(status["embeddings"][0]["index_damaged"], false) << "rebuilt by the search: " << status;
}

}  // namespace
}  // namespace shoebox::testing
