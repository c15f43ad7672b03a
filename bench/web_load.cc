// Load test of `shoebox serve`: N concurrent keep-alive clients for S seconds, each looping
// "search a query, then fetch the thumbnails of the hits" on loopback. Prints one JSON object
// (requests/s, p50/p99 latency per kind, errors); exits 1 on any error.
// Usage: web_load PORT [--clients 50] [--seconds 20] [--host 127.0.0.1]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Samples {
  std::vector<double> search_ms, thumb_ms;
  int64_t errors = 0;
  std::string first_error;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: web_load PORT [--clients N] [--seconds S] [--host H]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  int clients = 50;
  double seconds = 20;
  std::string host = "127.0.0.1";
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--clients")
      clients = std::atoi(argv[i + 1]);
    else if (k == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (k == "--host")
      host = argv[i + 1];
  }
  const std::vector<std::string> queries = {"a%20dog%20on%20the%20beach",
                                            "red",
                                            "money",
                                            "bokeh",
                                            "surprised%20face",
                                            "mount%20fuji%20from%20a%20plane",
                                            "coffee",
                                            "perro%20en%20la%20playa",
                                            "sunset%20-people",
                                            "a%20photo%20of%20a%20cat",
                                            "waterfall",
                                            "night%20city"};
  std::mutex mu;
  Samples all;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(seconds));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client cli(host, port);
      cli.set_keep_alive(true);
      cli.set_read_timeout(30, 0);
      std::mt19937 rng(static_cast<unsigned>(c) * 7919u + 1);
      Samples mine;
      auto timed = [&](const std::string& path, std::vector<double>* into) -> std::string {
        const auto t0 = Clock::now();
        auto r = cli.Get(path);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!r || (r->status != 200 && r->status != 304)) {
          ++mine.errors;
          if (mine.first_error.empty())
            mine.first_error =
                path + ": " +
                (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error()));
          return {};
        }
        into->push_back(ms);
        return r->body;
      };
      while (Clock::now() < deadline) {
        const std::string q = queries[rng() % queries.size()];
        const int offset = static_cast<int>(rng() % 3) * 20;
        const std::string body =
            timed("/api/search?q=" + q + "&n=20&offset=" + std::to_string(offset), &mine.search_ms);
        if (body.empty()) continue;
        auto j = nlohmann::json::parse(body, nullptr, false);
        if (j.is_discarded()) continue;
        for (const auto& h : j["results"]) {
          if (Clock::now() >= deadline) break;
          if (h["thumb"].is_string()) timed(h["thumb"].get<std::string>(), &mine.thumb_ms);
        }
      }
      std::lock_guard lock(mu);
      all.search_ms.insert(all.search_ms.end(), mine.search_ms.begin(), mine.search_ms.end());
      all.thumb_ms.insert(all.thumb_ms.end(), mine.thumb_ms.begin(), mine.thumb_ms.end());
      all.errors += mine.errors;
      if (all.first_error.empty()) all.first_error = mine.first_error;
    });
  }
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const double n = static_cast<double>(all.search_ms.size() + all.thumb_ms.size());
  nlohmann::json out = {{"clients", clients},
                        {"seconds", wall},
                        {"requests", n},
                        {"requests_per_s", n / wall},
                        {"search",
                         {{"count", all.search_ms.size()},
                          {"p50_ms", Percentile(all.search_ms, 0.5)},
                          {"p99_ms", Percentile(all.search_ms, 0.99)}}},
                        {"thumb",
                         {{"count", all.thumb_ms.size()},
                          {"p50_ms", Percentile(all.thumb_ms, 0.5)},
                          {"p99_ms", Percentile(all.thumb_ms, 0.99)}}},
                        {"errors", all.errors}};
  if (!all.first_error.empty()) out["first_error"] = all.first_error;
  std::printf("%s\n", out.dump().c_str());
  return all.errors == 0 && n > 0 ? 0 : 1;
}
