// The local web app: the JSON API (docs/api.md), thumbnails and originals by catalog id, and
// the UI compiled into the binary. cpp-httplib underneath.
//
// Security model: it binds to 127.0.0.1 unless told otherwise; a request whose Host header
// is not the bound name is refused (DNS rebinding); on any other address a token is required
// (query ?token=, then a SameSite=Strict cookie); files are found only through catalog ids,
// never through a path from the request; POSTs must come from the page itself (Origin /
// Sec-Fetch-Site); uploads are size- and pixel-limited (checked before decoding) and decoded a
// few at a time; slow clients and greedy addresses are bounded (guarded_http_server.h).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "web/guarded_http_server.h"
#include "web/library_service.h"

namespace shoebox::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;    // 0: any free port
  std::string token;  // required from clients when not empty
  uint64_t max_upload_bytes = 50ull << 20;
  ConnectionLimits limits;  // slow and greedy clients (web/guarded_http_server.h)
};

// Whether a host may serve without a token: loopback names and addresses only.
bool IsLoopbackHost(const std::string& host);
// A random URL-safe token (from /dev/urandom).
std::string NewToken();

class WebServer {
 public:
  WebServer(LibraryService* service, ServerOptions options);
  ~WebServer();

  // Binds the socket; after this, port() is the real port.
  Status Bind();
  int port() const { return port_; }
  // "http://127.0.0.1:8080/" (with ?token=... when one is required).
  std::string Url() const;
  // Serves until Stop(); returns when stopped.
  Status Run();
  void Stop();

 private:
  void Routes();
  bool HostAllowed(const std::string& host_header) const;

  LibraryService* service_;
  ServerOptions options_;
  int port_ = 0;
  std::unique_ptr<GuardedHttpServer> http_;
};

}  // namespace shoebox::web
