#include "imaging/jpeg_exif.h"

#include <exiv2/exiv2.hpp>

namespace shoebox {

Result<std::vector<uint8_t>> StampJpegExif(const uint8_t* jpeg, size_t size,
                                           const ExifStamp& stamp) {
  try {
    auto image = Exiv2::ImageFactory::open(jpeg, static_cast<long>(size));
    if (!image.get() || image->imageType() != Exiv2::ImageType::jpeg) return Corrupt("not a JPEG");
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    if (stamp.orientation)
      exif["Exif.Image.Orientation"] = static_cast<uint16_t>(*stamp.orientation);
    if (stamp.date_time_original) {
      exif["Exif.Photo.DateTimeOriginal"] = *stamp.date_time_original;
      exif["Exif.Image.DateTime"] = *stamp.date_time_original;
    }
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
    return std::vector<uint8_t>(buf.pData_, buf.pData_ + buf.size_);
  } catch (const Exiv2::AnyError& e) {
    return Corrupt(std::string("cannot write EXIF: ") + e.what());
  }
}

}  // namespace shoebox
