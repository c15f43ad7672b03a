// `shoebox bench load --config C`: a real-sized random checkpoint in the config's shapes,
// loaded in a fresh process each time: without the packed-weights cache, the first load that
// writes it, and a load from it (engine/embed_benchmark.h MeasureOneLoad), each then one image;
// then two loads from it in precision auto: the first on this machine (every product shape
// and mode timed) and a later one (the kept choices read).
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "base/file_io.h"
#include "engine/embed_benchmark.h"
#include "engine/image_text_network.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterBenchLoad(CLI::App* bench, GlobalOptions&, int& exit_code) {
  struct Args {
    std::string config, checkpoint, mode;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      bench->add_subcommand("load", "Model load time, with and without the packed-weights cache");
  cmd->add_option("--config", args->config, "A model's config.json")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_option("--checkpoint", args->checkpoint)
      ->group("");  // internal: one load, in this process
  cmd->add_option("--mode", args->mode)->group("");
  cmd->callback([&exit_code, args] {
    if (!args->checkpoint.empty()) {  // the child: one load, one JSON line
      const std::filesystem::path dir = args->checkpoint;
      // The last two: precision auto, as indexing loads, with no kept choices (the first
      // load on a machine measures) and then with them.
      const bool tuned = args->mode.starts_with("auto");
      auto j = engine::MeasureOneLoad(
          dir, args->mode == "no-cache" ? std::filesystem::path() : dir.parent_path() / "packed",
          tuned ? dir.parent_path() / "tuning.json" : std::filesystem::path());
      if (!j.ok()) {
        exit_code = Fail(j.status());
        return;
      }
      std::printf("%s\n", Dump(*j).c_str());
      return;
    }
    auto text = ReadWholeFile(args->config, 16 << 20);
    if (!text.ok()) {
      exit_code = Fail(Status(text.status().code(), args->config + ": " + text.status().message()));
      return;
    }
    const auto tmp = std::filesystem::temp_directory_path() /
                     ("shoebox-bench-load-" + std::to_string(::getpid()));
    Status st =
        engine::WriteRandomCheckpoint(std::string(text->begin(), text->end()), tmp / "model", 1);
    if (!st.ok()) {
      exit_code = Fail(st);
      return;
    }
    nlohmann::json j = {
        {"config", args->config},
        {"checkpoint_mb",
         static_cast<double>(std::filesystem::file_size(tmp / "model/model.safetensors")) /
             (1 << 20)}};
    for (const char* mode :
         {"no-cache", "packing-into-cache", "from-cache", "auto-measuring", "auto-measured"}) {
      std::error_code self_ec;
      const std::string self = std::filesystem::read_symlink("/proc/self/exe", self_ec).string();
      const std::string command = "'" + self + "' bench load --config '" + args->config +
                                  "' --checkpoint '" + (tmp / "model").string() + "' --mode " +
                                  mode;
      std::FILE* child = ::popen(command.c_str(), "r");
      std::string out;
      char buf[4096];
      while (child && std::fgets(buf, sizeof buf, child)) out += buf;
      if (!child || ::pclose(child) != 0 || !nlohmann::json::accept(out)) {
        exit_code = Fail(Internal(std::string("the ") + mode + " load failed: " + out));
        return;
      }
      j[mode] = nlohmann::json::parse(out);
    }
    std::error_code ec;
    j["cache_mb"] = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp / "packed", ec))
      j["cache_mb"] = static_cast<double>(e.file_size()) / (1 << 20);
    std::filesystem::remove_all(tmp, ec);
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
    } else {
      for (auto& [k, v] : j.items()) std::printf("%-20s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
