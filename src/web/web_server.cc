#include "web/web_server.h"

#include <httplib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "catalog/photo_json.h"
#include "web/ui_assets.h"
#include "web/zip_stream.h"

namespace shoebox::web {
namespace {

using nlohmann::json;

int HttpStatusFor(const shoebox::Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kTooLarge:
      return 413;
    case StatusCode::kUnsupported:
      return 415;
    case StatusCode::kCorrupt:
      return 422;
    case StatusCode::kBusy:
      return 503;
    case StatusCode::kChanged:
      return 409;
    default:
      return 500;
  }
}

void SendJson(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(DumpJson(j), "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, json{{"error", {{"status", status}, {"message", message}}}}, status);
}

void SendError(httplib::Response& res, const shoebox::Status& s) {
  SendError(res, HttpStatusFor(s), s.message());
  if (s.code() == StatusCode::kBusy) res.set_header("Retry-After", "1");
}

template <typename T>
void Reply(httplib::Response& res, const Result<T>& r) {
  if (r.ok())
    SendJson(res, *r);
  else
    SendError(res, r.status());
}

// Strict integer parsing: the whole string, in range, no sign games.
std::optional<int64_t> ParseInt(const std::string& s, int64_t lo, int64_t hi) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int64_t v = std::stoll(s);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

// The number parameter `name` into *out when given (else *out is left alone); false (and the
// reply sent) when it is not a whole number from lo to hi.
bool ParseNumber(const httplib::Request& req, httplib::Response& res, const char* name, int64_t lo,
                 int64_t hi, int64_t* out) {
  if (!req.has_param(name)) return true;
  auto v = ParseInt(req.get_param_value(name), lo, hi);
  if (!v) {
    SendError(res, 400,
              std::string("parameter ") + name + " must be a whole number from " +
                  std::to_string(lo) + " to " + std::to_string(hi));
    return false;
  }
  *out = *v;
  return true;
}

// n, offset and the filters of /api/search and /api/similar; false (and the reply sent) when
// a parameter is malformed.
bool ParsePage(const httplib::Request& req, httplib::Response& res, PageRequest* page) {
  if (!ParseNumber(req, res, "n", 1, 500, &page->n) ||
      !ParseNumber(req, res, "offset", 0, 100000, &page->offset))
    return false;
  auto& f = page->options.filter;
  auto date = [&](const char* name, std::optional<std::string>* out) {
    if (!req.has_param(name) || req.get_param_value(name).empty()) return true;
    const std::string v = req.get_param_value(name);
    // YYYY, YYYY-MM, YYYY-MM-DD (compared as text with the ISO capture time).
    static const char* kShape = "0000-00-00";
    bool ok = v.size() == 4 || v.size() == 7 || v.size() == 10;
    for (size_t i = 0; ok && i < v.size(); ++i)
      ok = kShape[i] == '-' ? v[i] == '-' : (v[i] >= '0' && v[i] <= '9');
    if (ok && v.size() >= 7) ok = v.compare(5, 2, "01") >= 0 && v.compare(5, 2, "12") <= 0;
    if (ok && v.size() == 10) ok = v.compare(8, 2, "01") >= 0 && v.compare(8, 2, "31") <= 0;
    if (!ok) {
      SendError(res, 400,
                std::string("parameter ") + name +
                    " must be a date: YYYY, YYYY-MM or YYYY-MM-DD (month 01-12, day 01-31), got " +
                    v);
      return false;
    }
    *out = v;
    return true;
  };
  if (!date("after", &f.after) || !date("before", &f.before)) return false;
  auto text = [&](const char* name, std::optional<std::string>* out) {
    if (req.has_param(name) && !req.get_param_value(name).empty()) *out = req.get_param_value(name);
  };
  text("folder", &f.folder);
  text("camera", &f.camera);
  text("format", &f.format);
  text("source", &f.source);
  text("album", &f.album);
  text("keyword", &f.keyword);
  text("person", &f.person);
  f.favorite = req.get_param_value("favorite") == "1" || req.get_param_value("favorite") == "true";
  if (req.has_param("rating")) {
    auto r = ParseInt(req.get_param_value("rating"), 0, 5);
    if (!r) {
      SendError(res, 400, "parameter rating must be a whole number from 0 to 5");
      return false;
    }
    f.min_rating = static_cast<int>(*r);
  }
  f.has_gps = req.get_param_value("has_gps") == "1" || req.get_param_value("has_gps") == "true";
  if (req.has_param("min_score")) {
    const std::string v = req.get_param_value("min_score");
    char* end = nullptr;
    const double score = v.empty() ? NAN : std::strtod(v.c_str(), &end);
    if (!std::isfinite(score) || end != v.c_str() + v.size() || score < -1 || score > 1) {
      SendError(
          res, 400,
          "parameter min_score must be a number from -1 to 1 (a cosine similarity), got " + v);
      return false;
    }
    page->options.min_score = static_cast<float>(score);
  }
  page->options.auto_cutoff =
      req.get_param_value("cutoff") == "1" || req.get_param_value("cutoff") == "true";
  const std::string sort = req.get_param_value("sort");
  if (!sort.empty() && sort != "score" && sort != "date") {
    SendError(res, 400, "parameter sort must be score or date");
    return false;
  }
  page->options.sort_by_date = sort == "date";
  return true;
}

bool IfNoneMatch(const httplib::Request& req, const std::string& etag) {
  const std::string v = req.get_header_value("If-None-Match");
  return !v.empty() && (v == "\"" + etag + "\"" || v == "*");
}

void SendFile(const httplib::Request& req, httplib::Response& res, const Result<FileReply>& r,
              bool immutable) {
  if (!r.ok()) return SendError(res, r.status());
  const FileReply& f = *r;
  res.set_header("ETag", "\"" + f.etag + "\"");
  res.set_header("Cache-Control",
                 immutable ? "private, max-age=31536000, immutable" : "private, max-age=3600");
  if (IfNoneMatch(req, f.etag)) {
    res.status = 304;
    return;
  }
  if (!f.bytes.empty()) {
    res.set_content(f.bytes, f.content_type.c_str());
    return;
  }
  // Streamed from the descriptor that was checked: originals can be hundreds of megabytes.
  auto file = f.file;
  const uint64_t base = f.offset, size = f.length ? f.length : file->size();
  res.set_content_provider(
      size, f.content_type, [file, base](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[64 * 1024];
        const ssize_t got = file->ReadAt(base + offset, buf, std::min(length, sizeof buf));
        if (got <= 0) return false;
        return sink.write(buf, static_cast<size_t>(got));
      });
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string NewToken() {
  unsigned char raw[18] = {};
  std::ifstream rnd("/dev/urandom", std::ios::binary);
  rnd.read(reinterpret_cast<char*>(raw), sizeof raw);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t;
  for (unsigned char c : raw) t += kAlphabet[c & 63];
  return t;
}

WebServer::WebServer(LibraryService* service, ServerOptions options)
    : service_(service),
      options_(std::move(options)),
      http_(std::make_unique<GuardedHttpServer>(options_.limits)) {
  http_->set_payload_max_length(options_.max_upload_bytes + (1 << 20));  // + multipart framing
  http_->set_keep_alive_max_count(1000);
  Routes();
}

WebServer::~WebServer() = default;

bool WebServer::HostAllowed(const std::string& host_header) const {
  // Listening on every interface: the name people use is unknowable; the token guards it.
  if (options_.host == "0.0.0.0" || options_.host == "::") return true;
  const std::string port = ":" + std::to_string(port_);
  std::vector<std::string> names = {options_.host};
  if (IsLoopbackHost(options_.host)) names = {options_.host, "localhost", "127.0.0.1", "[::1]"};
  if (options_.host.find(':') != std::string::npos) names.push_back("[" + options_.host + "]");
  for (const auto& n : names)
    if (host_header == n || host_header == n + port) return true;
  return false;
}

std::string WebServer::Url() const {
  std::string host =
      options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  std::string url = "http://" + host + ":" + std::to_string(port_) + "/";
  if (!options_.token.empty()) url += "?token=" + options_.token;
  return url;
}

Status WebServer::Bind() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ <= 0) return IoError("cannot listen on " + options_.host);
  } else {
    if (!http_->bind_to_port(options_.host, options_.port))
      return IoError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                     " (in use? try --port)");
    port_ = options_.port;
  }
  http_->WidenBacklog();
  return Status::Ok();
}

Status WebServer::Run() {
  if (!http_->listen_after_bind()) return IoError("the server stopped unexpectedly");
  return Status::Ok();
}

void WebServer::Stop() { http_->stop(); }

void WebServer::Routes() {
  using httplib::Request;
  using httplib::Response;
  using Handled = httplib::Server::HandlerResponse;

  http_->set_pre_routing_handler([this](const Request& req, Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    if (!HostAllowed(req.get_header_value("Host"))) {
      SendError(res, 421,
                "this server answers only to " + options_.host + ":" + std::to_string(port_) +
                    " (Host header refused)");
      return Handled::Handled;
    }
    if (!options_.token.empty()) {
      const std::string cookie = req.get_header_value("Cookie");
      const bool by_cookie = cookie.find("shoebox_token=" + options_.token) != std::string::npos;
      const bool by_param = req.get_param_value("token") == options_.token;
      const bool by_header = req.get_header_value("Authorization") == "Bearer " + options_.token;
      if (!by_cookie && !by_param && !by_header) {
        SendError(res, 401, "a token is required: open the URL `shoebox serve` printed");
        return Handled::Handled;
      }
      if (by_param && !by_cookie)
        res.set_header("Set-Cookie",
                       "shoebox_token=" + options_.token + "; Path=/; HttpOnly; SameSite=Strict");
    }
    if (req.method != "GET" && req.method != "HEAD") {
      // Only the page itself may POST: a browser always says where a request comes from.
      const std::string origin = req.get_header_value("Origin");
      const std::string site = req.get_header_value("Sec-Fetch-Site");
      const std::string self = "http://" + req.get_header_value("Host");
      if ((!origin.empty() && origin != self) ||
          (!site.empty() && site != "same-origin" && site != "none")) {
        SendError(res, 403, "cross-site requests are refused");
        return Handled::Handled;
      }
    }
    return Handled::Unhandled;
  });
  http_->set_error_handler([this](const Request& req, Response& res) {
    if (!res.body.empty()) return;  // a handler already explained
    const std::string type = req.get_header_value("Content-Type");
    const std::string how =
        "send the image as the form field `image` (multipart/form-data) or as the raw body "
        "with its type, e.g. Content-Type: image/jpeg";
    if (res.status == 413 &&
        (type.empty() || type.rfind("application/x-www-form-urlencoded", 0) == 0))
      return SendError(res, 413,
                       "a body of type " + (type.empty() ? std::string("(none given)") : type) +
                           " is read as a form, limited to 8 KB; " + how);
    if (res.status == 413)
      return SendError(res, 413,
                       "the upload is over the limit of " +
                           std::to_string(options_.max_upload_bytes >> 20) + " MB");
    if (res.status == 404) return SendError(res, 404, "nothing here: " + req.path);
    if (res.status == 400 && type.rfind("multipart/form-data", 0) == 0)
      return SendError(
          res, 400, "the multipart form could not be read (a malformed part or boundary); " + how);
    if (res.status == 400)
      return SendError(res, 400, "the request could not be read (malformed HTTP)");
    SendError(res, res.status, "HTTP error " + std::to_string(res.status));
  });
  http_->set_exception_handler([](const Request&, Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    SendError(res, 500, what);
  });

  // The UI: only the embedded files, by exact name.
  auto ui = [](const Request& req, Response& res) {
    const UiAsset* a = FindUiAsset(req.path == "/" ? "/index.html" : req.path);
    if (!a) return SendError(res, 404, "nothing here: " + req.path);
    res.set_header("ETag", std::string("\"") + a->etag + "\"");
    res.set_header("Cache-Control", "no-cache");
    res.set_header(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    if (IfNoneMatch(req, a->etag)) {
      res.status = 304;
      return;
    }
    res.set_content(reinterpret_cast<const char*>(a->data), a->size, a->content_type);
  };
  http_->Get("/", ui);
  http_->Get(R"(/(index\.html|app\.js|style\.css|favicon\.svg))", ui);

  auto id_of = [](const Request& req, Response& res) -> std::optional<int64_t> {
    auto id = ParseInt(req.matches[1], 1, int64_t{1} << 53);
    if (!id) SendError(res, 400, "a photo id is a positive whole number");
    return id;
  };

  http_->Get("/api/search", [this](const Request& req, Response& res) {
    const std::string q = req.get_param_value("q");
    if (q.empty()) return SendError(res, 400, "parameter q (the words to look for) is required");
    if (q.size() > 1000) return SendError(res, 400, "parameter q is longer than 1000 characters");
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    if (req.has_param("mode")) {
      auto mode = search::ParseSearchMode(req.get_param_value("mode"));
      if (!mode.ok()) return SendError(res, 400, mode.status().message());
      page.mode = *mode;
    }
    Reply(res, service_->SearchText(q, page));
  });
  http_->Get(R"(/api/similar/([^/]+))", [this, id_of](const Request& req, Response& res) {
    auto id = id_of(req, res);
    if (!id) return;
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    std::optional<double> at;
    if (req.has_param("at")) {
      const std::string text = req.get_param_value("at");
      char* end = nullptr;
      const double t = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(t) || t < 0)
        return SendError(res, InvalidArgument("at must be seconds from the start, e.g. at=12.5"));
      at = t;
    }
    Reply(res, service_->Similar(*id, page, at));
  });
  http_->Post("/api/search/image", [this](const Request& req, Response& res) {
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    std::string name = "upload";
    const std::string* body = &req.body;
    httplib::MultipartFormData file;
    if (req.is_multipart_form_data()) {
      if (!req.has_file("image")) return SendError(res, 400, "the form has no field named image");
      file = req.get_file_value("image");
      body = &file.content;
      if (!file.filename.empty()) name = std::filesystem::path(file.filename).filename().string();
    }
    if (body->size() > options_.max_upload_bytes)
      return SendError(res, 413,
                       "the upload is over the limit of " +
                           std::to_string(options_.max_upload_bytes >> 20) + " MB");
    Reply(res, service_->SearchImage(*body, name, page));
  });
  http_->Get(R"(/api/assets/([^/]+))", [this, id_of](const Request& req, Response& res) {
    if (auto id = id_of(req, res)) Reply(res, service_->Asset(*id));
  });
  http_->Get("/api/random", [this](const Request& req, Response& res) {
    int64_t n = 60;
    if (ParseNumber(req, res, "n", 1, 500, &n)) Reply(res, service_->Random(n));
  });
  http_->Get("/api/browse", [this](const Request& req, Response& res) {
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    const std::string order = req.get_param_value("order");
    if (!order.empty() && order != "newest" && order != "oldest" && order != "path")
      return SendError(res, 400, "parameter order must be newest, oldest or path");
    Reply(res, service_->Browse(page, order));
  });
  http_->Get("/api/people", [this](const Request& req, Response& res) {
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    Reply(res, service_->People(page));
  });
  for (const auto& [route, kind] : {std::pair{"/api/albums", CollectionKind::kAlbum},
                                    std::pair{"/api/keywords", CollectionKind::kKeyword},
                                    std::pair{"/api/folders", CollectionKind::kFolder}}) {
    http_->Get(route, [this, kind](const Request& req, Response& res) {
      PageRequest page;
      if (!ParsePage(req, res, &page)) return;
      Reply(res, service_->Collections(kind, page));
    });
  }
  http_->Get("/api/timeline", [this](const Request& req, Response& res) {
    PageRequest page;
    if (!ParsePage(req, res, &page)) return;
    Reply(res, service_->Timeline(page));
  });
  http_->Get("/api/problems", [this](const Request& req, Response& res) {
    int64_t n = 1000;
    if (ParseNumber(req, res, "n", 1, 10000, &n)) Reply(res, service_->Problems(n));
  });
  http_->Get("/api/dupes",
             [this](const Request&, Response& res) { Reply(res, service_->Dupes()); });
  http_->Post("/api/models/setup", [this](const Request& req, Response& res) {
    const std::string model = req.get_param_value("model");
    if (model.empty())
      return SendError(res, 400, "parameter model (a short name, e.g. clip-vit-b32) is required");
    Reply(res, service_->StartModelSetup(model));
  });
  http_->Get("/api/status",
             [this](const Request&, Response& res) { Reply(res, service_->LibraryStatus()); });
  http_->Get(R"(/thumb/([^/]+))", [this, id_of](const Request& req, Response& res) {
    if (auto id = id_of(req, res)) SendFile(req, res, service_->Thumbnail(*id), true);
  });
  // Several photos' originals as one zip: ids=1,2,3 (at most kMaxZipPhotos). Written as it is
  // made; a photo that cannot be read is left out and named, with why, in "NOT INCLUDED.txt".
  http_->Get("/api/zip", [this](const Request& req, Response& res) {
    constexpr size_t kMaxZipPhotos = 500;  // ids in a URL, under httplib's 8 KB limit
    std::vector<int64_t> ids;
    const std::string list = req.get_param_value("ids");
    for (size_t at = 0; at <= list.size() && !list.empty();) {
      const size_t comma = std::min(list.find(',', at), list.size());
      auto id = ParseInt(list.substr(at, comma - at), 1, int64_t{1} << 53);
      if (!id) return SendError(res, 400, "parameter ids is a list of photo ids: ids=12,40,41");
      ids.push_back(*id);
      at = comma + 1;
    }
    if (ids.empty()) return SendError(res, 400, "parameter ids (the photos to zip) is required");
    if (ids.size() > kMaxZipPhotos)
      return SendError(res, 400,
                       "at most " + std::to_string(kMaxZipPhotos) + " photos go in one zip");
    res.set_header("Content-Disposition", "attachment; filename=\"shoebox " +
                                              std::to_string(ids.size()) + " photos.zip\"");
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "application/zip", [this, ids](size_t, httplib::DataSink& sink) {
          ZipStream zip([&sink](const char* data, size_t size) { return sink.write(data, size); });
          std::string skipped;
          for (int64_t id : ids) {
            auto original = service_->StoredOriginal(id);
            Status st = original.ok() ? zip.Add(std::filesystem::path(original->path).filename(),
                                                original->mtime_ns, original->file, original->bytes)
                                      : original.status();
            if (st.code() == StatusCode::kCancelled) return false;
            if (!st.ok()) skipped += "photo " + std::to_string(id) + ": " + st.message() + "\n";
          }
          if (!skipped.empty() && !zip.Add("NOT INCLUDED.txt", 0, nullptr, skipped).ok())
            return false;
          if (!zip.Finish().ok()) return false;
          sink.done();
          return true;
        });
  });
  http_->Get(R"(/original/([^/]+))", [this, id_of](const Request& req, Response& res) {
    if (auto id = id_of(req, res)) SendFile(req, res, service_->Original(*id), false);
  });
  // A motion photo's video, the part of its original after the still.
  http_->Get(R"(/motion/([^/]+))", [this, id_of](const Request& req, Response& res) {
    if (auto id = id_of(req, res)) SendFile(req, res, service_->Motion(*id), false);
  });
}

}  // namespace shoebox::web
