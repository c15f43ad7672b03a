// libFuzzer target for what is read from metadata blocks we do not control: a bare EXIF (TIFF)
// block as PNG's eXIf chunk, HEIF and the decoder hand it over, an XMP packet (PNG iTXt,
// sidecars, with their keywords and face regions), and the date strings both carry
// (imaging/photo_metadata.h). exiv2 itself is the system library, uninstrumented; a crash inside it
// still ends the run. Input: the same bytes to every reader. Seeds: fuzz/corpus/metadata/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "imaging/photo_metadata.h"
#include "imaging/xmp_sidecar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shoebox;
  InitMetadataReader();
  std::string warning;
  for (const PhotoMetadata& m :
       {ReadMetadataFromExifBlock(data, size, &warning),
        ReadMetadataFromXmpPacket(reinterpret_cast<const char*>(data), size, &warning)}) {
    if (m.gps_lat && (*m.gps_lat < -90 || *m.gps_lat > 90)) std::abort();
    if (m.gps_lon && (*m.gps_lon < -180 || *m.gps_lon > 180)) std::abort();
    if (m.taken_at && m.taken_at->size() != 19) std::abort();  // always YYYY-MM-DDThh:mm:ss
    for (const FaceRegion& f : m.faces)
      for (int orientation = 1; orientation <= 8; ++orientation) {
        const FaceRegion u = UprightRegion(f, orientation);
        if (u.x && (*u.x < 0 || *u.w <= 0 || *u.x + *u.w > 1.0000001)) std::abort();
        if (u.y && (*u.y < 0 || *u.h <= 0 || *u.y + *u.h > 1.0000001)) std::abort();
      }
  }
  const XmpSidecar sidecar = ReadXmpSidecar(reinterpret_cast<const char*>(data), size, &warning);
  if (sidecar.keywords.size() > 1000) std::abort();
  for (const std::string& k : sidecar.keywords)
    if (k.empty()) std::abort();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string offset;
  if (auto iso = XmpDateToIso(text, &offset); iso && iso->size() != 19) std::abort();
  if (!offset.empty() && offset.size() != 6) std::abort();
  if (auto iso = ExifDateToIso(text); iso && iso->size() != 19) std::abort();
  return 0;
}
