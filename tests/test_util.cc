#include "test_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "base/file_io.h"
#include "imaging/photo_analyzer.h"

namespace shoebox::testing {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path base = tmp && *tmp ? tmp : "/tmp";
  std::random_device rd;
  path_ = base / ("shoebox-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path DataPath(const std::string& rel) {
  return std::filesystem::path(SHOEBOX_SOURCE_DIR) / "tests" / "data" / rel;
}

std::filesystem::path CorpusPath() {
  const char* env = std::getenv("SHOEBOX_CORPUS");
  std::filesystem::path p =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(SHOEBOX_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!std::filesystem::exists(p / "manifest.jsonl")) {
    ADD_FAILURE() << "test corpus not found at " << p << " (set SHOEBOX_CORPUS)";
  }
  return p;
}

std::filesystem::path GoldenPath() {
  const char* env = std::getenv("SHOEBOX_GOLDEN");
  std::filesystem::path p =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(SHOEBOX_SOURCE_DIR) / "tests" / "data" / "golden";
  if (!std::filesystem::exists(p / "README.md")) {
    ADD_FAILURE() << "golden reference data not found at " << p << " (set SHOEBOX_GOLDEN)";
  }
  return p;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << data;
}

void CopyFile(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to.parent_path());
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

std::map<std::string, std::string> SnapshotTree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = ReadFile(e.path());
    const auto mtime = std::filesystem::last_write_time(e.path()).time_since_epoch().count();
    out[e.path().string()] = std::to_string(bytes.size()) + ":" +
                             std::to_string(std::hash<std::string>{}(bytes)) + ":" +
                             std::to_string(mtime);
  }
  return out;
}

std::string LrprevSection(const std::string& name, const std::string& data) {
  std::string h = "AgHg";
  h += '\0';
  h += static_cast<char>(32);
  h += static_cast<char>(1);
  h += static_cast<char>(name == "header" ? 1 : 2);
  auto be64 = [&](uint64_t v) {
    for (int i = 7; i >= 0; --i) h += static_cast<char>(v >> (8 * i) & 0xFF);
  };
  const uint64_t padding = (16 - data.size() % 16) % 16;
  be64(data.size());
  be64(padding);
  std::string n = name;
  n.resize(8, '\0');
  return h + n + data + std::string(padding, '\0');
}

pid_t StartMockHub(const std::filesystem::path& root, std::string* endpoint) {
  int out[2];
  if (::pipe(out) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    const std::string script = std::string(SHOEBOX_SOURCE_DIR) + "/tests/e2e/mock_hub.py";
    ::execlp("python3", "python3", script.c_str(), root.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  // The port, on one line (which may arrive in pieces when Python runs unbuffered).
  std::string port;
  char ch;
  while (::read(out[0], &ch, 1) == 1 && ch != '\n') port.push_back(ch);
  ::close(out[0]);
  if (port.empty()) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  *endpoint = "http://127.0.0.1:" + port;
  return pid;
}

}  // namespace shoebox::testing

namespace shoebox::testing {

std::filesystem::path TestVideos() {
  // Made once per version of the script and kept under $TMPDIR: ctest runs every test in a
  // process of its own, and making the clips takes ~5 s. A finished folder is renamed into
  // place whole, so a reader never sees half of one.
  static const std::filesystem::path dir = [] {
    const std::string script = ReadFile(DataPath("make_videos.sh"));
    const std::filesystem::path tmp =
        std::getenv("TMPDIR") ? std::getenv("TMPDIR") : std::filesystem::temp_directory_path();
    const std::filesystem::path done =
        tmp / ("shoebox-test-videos-" + std::to_string(::getuid()) + "-" +
               ContentHashHex(reinterpret_cast<const uint8_t*>(script.data()), script.size()));
    if (std::filesystem::is_directory(done)) return done;
    const std::filesystem::path part = done.string() + ".part" + std::to_string(::getpid());
    auto quote = [](const std::string& s) {
      std::string q = "'";
      for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    const std::string cmd = quote(DataPath("make_videos.sh").string()) + " " +
                            quote(part.string()) + " " + quote((CorpusPath() / "photos").string());
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::error_code ec;
    std::filesystem::rename(part, done, ec);
    if (ec) std::filesystem::remove_all(part, ec);  // another process got there first
    return done;
  }();
  return dir;
}

std::string AnimatedGif(const std::vector<std::filesystem::path>& frames, int size, int delay_ms) {
  EXPECT_TRUE(InitImaging().ok());
  std::vector<VipsImage*> squares;
  for (const auto& f : frames) {
    VipsImage* t = nullptr;
    EXPECT_EQ(vips_thumbnail(f.c_str(), &t, size, "height", size, "crop", VIPS_INTERESTING_CENTRE,
                             nullptr),
              0)
        << f;
    VipsImage* rgb = nullptr;
    EXPECT_EQ(vips_colourspace(t, &rgb, VIPS_INTERPRETATION_sRGB, nullptr), 0);
    g_object_unref(t);
    VipsImage* flat = rgb;
    if (vips_image_hasalpha(rgb)) {
      EXPECT_EQ(vips_flatten(rgb, &flat, nullptr), 0);
      g_object_unref(rgb);
    }
    squares.push_back(flat);
  }
  VipsImage* strip = nullptr;
  EXPECT_EQ(vips_arrayjoin(squares.data(), &strip, static_cast<int>(squares.size()), "across", 1,
                           nullptr),
            0);
  for (VipsImage* s : squares) g_object_unref(s);
  VipsImage* anim = nullptr;
  EXPECT_EQ(vips_copy(strip, &anim, nullptr), 0);
  g_object_unref(strip);
  vips_image_set_int(anim, "page-height", size);
  std::vector<int> delays(frames.size(), delay_ms);
  vips_image_set_array_int(anim, "delay", delays.data(), static_cast<int>(delays.size()));
  vips_image_set_int(anim, "loop", 0);
  void* buf = nullptr;
  size_t len = 0;
  EXPECT_EQ(vips_gifsave_buffer(anim, &buf, &len, nullptr), 0) << vips_error_buffer();
  g_object_unref(anim);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

}  // namespace shoebox::testing
