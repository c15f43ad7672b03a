// The frames of an animated GIF or WebP, for a model: a meme often changes meaning mid-loop
// (the caption of its last frame is the joke), so search looks at more than the first frame.
// The first frame is the photo's own model input (thumbnail, vector); this gives the others.
// Frames come composited by the decoder (libvips: GIF via libnsgif, WebP via libwebp's
// demuxer), as a browser shows them; their time comes from the animation's delays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "imaging/model_input.h"

namespace shoebox {

struct AnimationFrame {
  int index = 0;                   // in the animation, from 0
  double at = 0;                   // seconds from the start, when the frame is shown
  std::vector<float> model_input;  // Preprocess(frame, config)
};

// Up to max_frames frames besides the first, spread evenly over the animation; none for a
// still image. Frames larger than max_pixels are refused like a photo would be.
Result<std::vector<AnimationFrame>> DecodeAnimationFrames(const uint8_t* data, size_t size,
                                                          const PreprocessConfig& config,
                                                          int max_frames,
                                                          uint64_t max_pixels = 200'000'000);

// The frames DecodeAnimationFrames picks from an animation of n frames: up to max_frames of
// 1..n-1, evenly spaced, in order.
std::vector<int> PickFrames(int n, int max_frames);

}  // namespace shoebox
