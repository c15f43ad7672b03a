// Runs the real shoebox binary with a private catalog and cache.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shoebox::testing {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
  nlohmann::json Json() const;  // parses out; fails the test when it is not JSON
};

class Cli {
 public:
  // All state (catalog, thumbnails) goes under home.
  explicit Cli(std::filesystem::path home);
  CliResult Run(const std::vector<std::string>& args) const;
  // Starts the binary without waiting; output discarded. Returns the pid.
  pid_t Start(const std::vector<std::string>& args) const;
  // As Start, with stdout and stderr appended to log (servers: read what they printed).
  pid_t StartLogged(const std::vector<std::string>& args, const std::filesystem::path& log) const;
  std::filesystem::path catalog() const { return home_ / "data/shoebox/catalog.db"; }
  std::filesystem::path thumbs() const { return home_ / "cache/shoebox/thumbs"; }

 private:
  std::vector<std::string> Env() const;
  std::filesystem::path home_;
};

// `shoebox search QUERY -n 50 --json EXTRA...`: the file names of the hits, sorted.
std::vector<std::string> SearchFileNames(const Cli& cli, const std::string& query,
                                         const std::vector<std::string>& extra);

// A Hub-style snapshot folder under dir: a golden model (e.g. "clip/tiny-b32") plus its
// family's tokenizer files (e.g. "clip/tokenizer").
std::filesystem::path GoldenSnapshot(const std::filesystem::path& dir, const std::string& model,
                                     const std::string& tokenizer);

}  // namespace shoebox::testing
