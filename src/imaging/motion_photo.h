// Motion photos: a still with a short video appended after it in the same file, as Google
// (Pixel "MP" files: XMP GCamera:MotionPhoto / MicroVideo with the video's length or offset
// from the end) and Samsung ("MotionPhoto_Data" then the video) write them. The still is the
// photo; the video is its motion part, played from the photo's page, never a second result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace shoebox {

struct EmbeddedVideo {
  uint64_t offset = 0, length = 0;  // the MP4's bytes within the file
  double duration_s = 0;
};

// The video appended to a JPEG still: the first ISO-BMFF movie ('ftyp' box, then its boxes
// running to the end of the file) after the JPEG data, checked by opening it as a video.
// nullopt for a plain photo, or when what follows the still is not a readable movie.
std::optional<EmbeddedVideo> FindMotionPhotoVideo(const uint8_t* data, size_t size);

}  // namespace shoebox
