// libFuzzer target for the Lightroom preview reader (.lrprev sections and the Lua header table
// inside): any bytes must give a Status or a parsed file whose levels lie inside the input,
// never a crash or an out-of-bounds read (run under ASan). Seed corpus: fuzz/corpus/lrprev/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "library/lightroom/lrprev.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto p = shoebox::lightroom::ParseLrprev(bytes);
  if (p.ok()) {
    for (const auto& l : p->levels) {
      if (l.jpeg.data() < bytes.data() ||
          l.jpeg.data() + l.jpeg.size() > bytes.data() + bytes.size())
        std::abort();
    }
  }
  return 0;
}
