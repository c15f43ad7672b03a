#include "cli_runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "test_util.h"

extern char** environ;

namespace shoebox::testing {

Cli::Cli(std::filesystem::path home) : home_(std::move(home)) {
  std::filesystem::create_directories(home_);
}

nlohmann::json CliResult::Json() const {
  try {
    return nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\nstdout: " << out << "\nstderr: " << err;
    return nullptr;
  }
}

std::vector<std::string> Cli::Env() const {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("SHOEBOX_DB=", 0) == 0 || kv.rfind("XDG_", 0) == 0 || kv.rfind("HOME=", 0) == 0)
      continue;
    env.push_back(kv);
  }
  env.push_back("HOME=" + home_.string());
  env.push_back("XDG_DATA_HOME=" + (home_ / "data").string());
  env.push_back("XDG_CACHE_HOME=" + (home_ / "cache").string());
  return env;
}

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, int out_fd,
            int err_fd) {
  std::vector<char*> argv, envp;
  std::string bin = SHOEBOX_BIN;
  argv.push_back(bin.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(out_fd >= 0 ? out_fd : devnull, 1);
    ::dup2(err_fd >= 0 ? err_fd : devnull, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

CliResult Cli::Run(const std::vector<std::string>& args) const {
  int out[2], err[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(err, O_CLOEXEC), 0);
  pid_t pid = Spawn(args, Env(), out[1], err[1]);
  ::close(out[1]);
  ::close(err[1]);
  CliResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    ::poll(fds, 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

pid_t Cli::Start(const std::vector<std::string>& args) const { return Spawn(args, Env(), -1, -1); }

pid_t Cli::StartLogged(const std::vector<std::string>& args,
                       const std::filesystem::path& log) const {
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << log;
  pid_t pid = Spawn(args, Env(), fd, fd);
  ::close(fd);
  return pid;
}

std::filesystem::path GoldenSnapshot(const std::filesystem::path& parent, const std::string& model,
                                     const std::string& tokenizer) {
  std::filesystem::path dir =
      parent / ("snapshot-" + std::filesystem::path(model).filename().string());
  std::filesystem::create_directories(dir);
  for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
    std::filesystem::copy_file(GoldenPath() / model / f, dir / f,
                               std::filesystem::copy_options::overwrite_existing);
  for (const auto& e : std::filesystem::directory_iterator(GoldenPath() / tokenizer))
    if (e.path().extension() != ".jsonl")
      std::filesystem::copy_file(e.path(), dir / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
  return dir;
}

std::vector<std::string> SearchFileNames(const Cli& cli, const std::string& query,
                                         const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"search", query, "-n", "50", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult s = cli.Run(args);
  EXPECT_EQ(s.exit_code, 0) << s.err;
  std::vector<std::string> out;
  for (const auto& h : s.Json())
    out.push_back(std::filesystem::path(h["path"].get<std::string>()).filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace shoebox::testing
