// What `index` and `import KIND` share: their options, and running the index job with them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/cli/cli_common.h"

namespace shoebox::cli {

struct IndexArgs {
  std::vector<std::string> roots;
  std::vector<std::string> exclude;
  unsigned threads = 0;
  uint64_t max_megapixels = 200;
  int thumb_size = 256;
  bool wait = false;
  bool json = false;
  std::string model;
  bool no_embed = false;
  std::string kind;  // "" = by what the folder looks like
  bool force_read = false;
};

void AddIndexOptions(CLI::App* cmd, IndexArgs* args);
void RunIndex(GlobalOptions& g, int& exit_code, const IndexArgs& args);

}  // namespace shoebox::cli
