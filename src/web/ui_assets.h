// The web UI's files (src/web/ui/), compiled into the binary by cmake/embed_ui.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace shoebox::web {

struct UiAsset {
  const char* path;  // "/index.html"
  const char* content_type;
  const unsigned char* data;
  size_t size;
  const char* etag;  // from the content's SHA-256
};

// nullptr unless path names one of the embedded files exactly.
const UiAsset* FindUiAsset(std::string_view path);

}  // namespace shoebox::web
