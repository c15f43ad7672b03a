// cpp-httplib's server with the connection handling hardened against slow and greedy clients.
//
// httplib gives each connection a worker thread until it closes, and restarts its read timeout
// on every byte, so a client that sends one header line a second holds a thread indefinitely;
// a hundred such clients starved the fixed pool of every other request. Here instead:
//   - a request's head (request line + headers) must arrive whole within head_timeout of its
//     first byte, else 408 and the connection closes;
//   - an idle keep-alive connection is closed after keep_alive_timeout;
//   - one client address holds at most max_connections_per_address connections at once (the
//     next gets 503 and is closed), so one greedy address cannot take every thread;
//   - worker threads are started as connections need them, up to max_threads, so the slow
//     connections an address may hold never leave none for the others.
// Everything else (parsing, routing, responses) is httplib's own.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace shoebox::web {

struct ConnectionLimits {
  std::chrono::milliseconds head_timeout{5000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds read_timeout{5000};  // between bytes of a body, and for writes
  int max_connections_per_address = 128;
  int max_threads = 512;
};

class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(ConnectionLimits limits);

  // After binding: httplib 0.11 listens with a backlog of 5, so a burst of connections (a
  // page's thumbnails, a flood) waits for SYN retransmits (1 s, then 3 s). listen() again
  // with a longer queue (Linux and the BSDs take the new length).
  void WidenBacklog(int length = 1024);

  // Connections refused for their address, and request heads timed out, since start.
  int64_t refused_connections() const { return refused_.load(); }
  int64_t head_timeouts() const { return head_timeouts_.load(); }

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool Admit(const std::string& address);
  void Release(const std::string& address);

  ConnectionLimits limits_;
  std::mutex mu_;
  std::map<std::string, int> per_address_;
  std::atomic<int64_t> refused_{0}, head_timeouts_{0};
};

}  // namespace shoebox::web
