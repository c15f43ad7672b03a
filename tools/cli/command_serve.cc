#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

#include "base/xdg_dirs.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/watch_command.h"
#include "web/library_service.h"
#include "web/web_server.h"

namespace shoebox::cli {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

// Best effort: a desktop session has xdg-open (Linux) or open (macOS); failing is fine.
// Forked twice so that the opener is nobody's child to reap.
void OpenInBrowser(const std::string& url) {
  const pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      const int devnull = open("/dev/null", O_WRONLY);  // its complaints are not ours to print
      if (devnull >= 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
      }
#ifdef __APPLE__
      execlp("open", "open", url.c_str(), static_cast<char*>(nullptr));
#else
      execlp("xdg-open", "xdg-open", url.c_str(), static_cast<char*>(nullptr));
#endif
      _exit(127);
    }
    _exit(0);
  }
  if (child > 0) waitpid(child, nullptr, 0);
}

}  // namespace

void RegisterServe(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string host = "127.0.0.1", token, model;
    int port = 8080;
    bool open = false;
    bool watch = false;
    unsigned poll = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Serve the web app on 127.0.0.1 (search, similar, duplicates)");
  cmd->add_option("--port", args->port, "TCP port (0: any free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--host", args->host,
                  "Address to listen on; anything but loopback requires a token")
      ->capture_default_str();
  cmd->add_option("--token", args->token,
                  "Secret clients must present (generated when --host is not loopback)");
  cmd->add_option("--model", args->model,
                  "Model for text and image queries (default: the catalog's latest)");
  cmd->add_flag("--open", args->open, "Open the app in the default browser");
  cmd->add_flag("--watch", args->watch,
                "Keep the catalog current while serving: every folder and library it has "
                "indexed is indexed again as its files change (as `shoebox watch`)");
  cmd->add_option("--poll", args->poll,
                  "With --watch: rescan every this many seconds instead of listening for "
                  "changes (network drives)");
  cmd->callback([&g, &exit_code, args] {
    OnStopSignals([](int) { g_stop_requested = 1; });
    signal(SIGPIPE, SIG_IGN);

    web::ServiceOptions so;
    so.catalog = CatalogPath(g);
    so.model = args->model;
    auto load = ModelOptions(g, ModelUse::kLibrary);
    if (!load.ok()) {
      exit_code = Fail(load.status());
      return;
    }
    so.load = *load;
    auto service = web::LibraryService::Open(so);
    if (!service.ok()) {
      exit_code = Fail(service.status());
      return;
    }
    web::ServerOptions opt;
    opt.host = args->host;
    opt.port = args->port;
    opt.token = args->token;
    if (!web::IsLoopbackHost(opt.host)) {
      if (opt.token.empty()) opt.token = web::NewToken();
      std::fprintf(
          stderr,
          "shoebox: warning: listening on %s makes your photos reachable from other machines; "
          "only clients with the token in the URL below get in\n",
          opt.host.c_str());
    }
    web::WebServer server(service->get(), opt);
    if (Status st = server.Bind(); !st.ok()) {
      exit_code = Fail(st);
      return;
    }
    std::printf("shoebox: serving %s at %s\n", CatalogPath(g).c_str(), server.Url().c_str());
    std::fflush(stdout);
    if (args->open) OpenInBrowser(server.Url());
    PrintingWatchListener watch_lines(false);
    std::optional<WatchingJob> watching;
    if (args->watch) {
      IndexArgs index;
      index.model = args->model;
      auto w = StartWatcher(g, index, &watch_lines, args->poll);
      if (!w.ok()) {
        exit_code = Fail(w.status());
        return;
      }
      watching = std::move(*w);
    }
    std::atomic<bool> done{false};
    std::thread stopper([&] {
      while (!done && !g_stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      server.Stop();
    });
    Status st = server.Run();
    done = true;
    stopper.join();
    if (watching) watching->watcher->Stop();
    if (!st.ok()) exit_code = Fail(st);
    if (!g.quiet) std::fprintf(stderr, "shoebox: server stopped\n");
  });
}

}  // namespace shoebox::cli
