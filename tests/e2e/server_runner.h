// A real `shoebox serve` for end-to-end tests: started on a free loopback port, stopped with
// SIGTERM (and required to exit cleanly) when destroyed.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {

inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A running `shoebox serve`, stopped (SIGTERM) when destroyed.
class Server {
 public:
  Server(const Cli& cli, const std::filesystem::path& log, std::vector<std::string> extra = {})
      : port_(FreePort()) {
    std::vector<std::string> args = {"serve", "--port", std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = cli.StartLogged(args, log);
    log_ = log;
  }
  ~Server() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "serve did not stop cleanly: " << status;
  }
  int port() const { return port_; }
  std::string log() const { return ReadFile(log_); }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  // Until it answers (a catalog without a model: words only).
  void WaitListening() {
    auto c = Client();
    for (int i = 0; i < 600; ++i) {
      auto r = c.Get("/api/status");
      if (r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "server not answering; log:\n" << log();
  }
  // Until /api/status says the vectors and the model are loaded.
  void WaitReady(const httplib::Headers& headers = {}) {
    auto c = Client();
    for (int i = 0; i < 600; ++i) {
      auto r = c.Get("/api/status", headers);
      if (r && r->status == 200) {
        auto j = nlohmann::json::parse(r->body);
        if (j["vectors"]["state"] == "ready" && j["model"]["state"] == "ready") return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "server not ready; log:\n" << log();
  }

 private:
  int port_;
  pid_t pid_;
  std::filesystem::path log_;
};

}  // namespace shoebox::testing
