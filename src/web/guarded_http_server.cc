#include "web/guarded_http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

namespace shoebox::web {
namespace {

using Clock = std::chrono::steady_clock;

// Threads started as work arrives (up to max), kept for the server's life: a burst of slow
// connections gets threads of its own instead of queueing everyone else behind it.
class ElasticPool : public httplib::TaskQueue {
 public:
  explicit ElasticPool(size_t max_threads) : max_(max_threads) {}

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mu_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_)
      threads_.emplace_back([this] { Work(); });
    else
      cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();  // enqueue is no longer called: the listener has stopped
  }

 private:
  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stop_ = false;
};

int MsUntil(Clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, INT32_MAX));
}

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

std::string NumericAddress(const sockaddr_storage& a, socklen_t len, int* port) {
  char host[NI_MAXHOST] = {}, serv[NI_MAXSERV] = {};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&a), len, host, sizeof host, serv,
                    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return {};
  if (port) *port = std::atoi(serv);
  return host;
}

std::string PeerAddress(int fd, int* port = nullptr) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return {};
  return NumericAddress(a, len, port);
}

// A buffered socket stream whose reads give up at the head deadline while a request's head
// is arriving, and after read_timeout of silence otherwise.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int fd, const ConnectionLimits& limits) : fd_(fd), limits_(limits) {}

  // Waits for the first byte of the next request; false when the connection stays idle
  // past keep_alive_timeout, closes, or the server stops.
  bool WaitForRequest(const std::atomic<socket_t>& listener) {
    if (begin_ < end_) return true;
    const auto until = Clock::now() + limits_.keep_alive_timeout;
    while (listener != INVALID_SOCKET) {
      const int left = MsUntil(until);
      if (WaitFor(fd_, POLLIN, std::min(left, 100))) return true;
      if (left == 0) return false;
    }
    return false;
  }
  void BeginHead() {
    in_head_ = true;
    head_timed_out_ = false;
    tail_ = 0;
    head_deadline_ = Clock::now() + limits_.head_timeout;
  }
  bool head_timed_out() const { return head_timed_out_; }

  bool is_readable() const override {
    return begin_ < end_ || WaitFor(fd_, POLLIN, static_cast<int>(limits_.read_timeout.count()));
  }
  bool is_writable() const override {
    return WaitFor(fd_, POLLOUT, static_cast<int>(limits_.read_timeout.count()));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      int timeout = static_cast<int>(limits_.read_timeout.count());
      if (in_head_) timeout = std::min(timeout, MsUntil(head_deadline_));
      if (!WaitFor(fd_, POLLIN, timeout)) {
        if (in_head_) head_timed_out_ = true;
        return -1;
      }
      ssize_t n;
      do n = ::recv(fd_, buf_, sizeof buf_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::copy(buf_ + begin_, buf_ + begin_ + n, ptr);
    begin_ += n;
    if (in_head_) WatchForEndOfHead(ptr, n);
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    // httplib answers a head that stopped arriving with 400; the caller sends 408 instead.
    if (head_timed_out_) return static_cast<ssize_t>(size);
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = PeerAddress(fd_, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      ip = NumericAddress(a, len, &port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // The head ends at the first empty line ("\r\n\r\n", or bare "\n\n").
  void WatchForEndOfHead(const char* p, size_t n) {
    for (size_t i = 0; i < n && in_head_; ++i) {
      const char c = p[i];
      if (c == '\n') {
        if (tail_ == 1) in_head_ = false;  // an empty line
        tail_ = 1;
      } else if (c != '\r') {
        tail_ = 0;
      }
    }
  }

  int fd_;
  const ConnectionLimits& limits_;
  char buf_[16 * 1024];
  size_t begin_ = 0, end_ = 0;
  bool in_head_ = false, head_timed_out_ = false;
  int tail_ = 0;  // 1 right after a line ended (only '\r' since)
  Clock::time_point head_deadline_;
};

void WriteAndClose(int fd, const std::string& status_line, const std::string& message, bool retry) {
  const std::string body = "{\"error\":{\"message\":\"" + message + "\"}}";
  std::string r =
      "HTTP/1.1 " + status_line + "\r\nContent-Type: application/json; charset=utf-8\r\n";
  if (retry) r += "Retry-After: 1\r\n";
  r += "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (WaitFor(fd, POLLOUT, 1000)) (void)::send(fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

GuardedHttpServer::GuardedHttpServer(ConnectionLimits limits) : limits_(limits) {
  const size_t max_threads = static_cast<size_t>(std::max(1, limits_.max_threads));
  new_task_queue = [max_threads] { return new ElasticPool(max_threads); };
}

void GuardedHttpServer::WidenBacklog(int length) {
  const socket_t sock = svr_sock_;
  if (sock != INVALID_SOCKET) (void)::listen(sock, length);
}

bool GuardedHttpServer::Admit(const std::string& address) {
  std::lock_guard lock(mu_);
  int& n = per_address_[address];
  if (n >= limits_.max_connections_per_address) return false;
  ++n;
  return true;
}

void GuardedHttpServer::Release(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  // A reply goes out as two writes (head, then body). With Nagle's algorithm the body waits
  // for the client's ACK of the head, which a keep-alive client delays by up to 40 ms: 60
  // thumbnails over 6 connections took 500 ms instead of 30.
  const int on = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  const std::string address = PeerAddress(sock);
  bool ret = false;
  if (!Admit(address)) {
    ++refused_;
    WriteAndClose(sock, "503 Service Unavailable",
                  "too many connections from " + address + " at once", true);
  } else {
    DeadlineStream stream(sock, limits_);
    for (size_t left = keep_alive_max_count_; left > 0; --left) {
      if (!stream.WaitForRequest(svr_sock_)) break;
      stream.BeginHead();
      bool closed = false;
      ret = process_request(stream, left == 1, closed, nullptr);
      if (stream.head_timed_out()) {
        ++head_timeouts_;
        WriteAndClose(sock, "408 Request Timeout", "the request's headers did not arrive in time",
                      false);
        break;
      }
      if (!ret || closed) break;
    }
    Release(address);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace shoebox::web
