// A random-weight checkpoint of ViT-B/32's shapes (bench/configs), with the golden model's
// preprocessing and CLIP's tokenizer: embedding with it costs what the real model costs.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "engine/image_text_network.h"

namespace shoebox::bench {

inline std::filesystem::path RandomClip(const std::filesystem::path& dir) {
  const std::filesystem::path src(SHOEBOX_SOURCE_DIR);
  auto config = ReadWholeFile(src / "bench/configs/openai-clip-vit-base-patch32.json", 1 << 20);
  if (!config.ok() ||
      !engine::WriteRandomCheckpoint(std::string(config->begin(), config->end()), dir, 1).ok())
    std::exit(1);
  std::filesystem::copy_file(src / "tests/data/golden/clip/tiny-b32/preprocessor_config.json",
                             dir / "preprocessor_config.json",
                             std::filesystem::copy_options::overwrite_existing);
  for (const auto& e :
       std::filesystem::directory_iterator(src / "tests/data/golden/clip/tokenizer"))
    if (e.path().extension() != ".jsonl")
      std::filesystem::copy_file(e.path(), dir / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
  return dir;
}

}  // namespace shoebox::bench
