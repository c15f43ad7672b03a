#include "library/capture_one/capture_one_catalog.h"

#include <gtest/gtest.h>

namespace shoebox::capture_one {
namespace {

TEST(CaptureOneCoordinates, DegreesAndDecimalMinutes) {
  EXPECT_NEAR(*ParseCaptureOneCoordinate("59,56.7543N"), 59.945905, 1e-6);
  EXPECT_NEAR(*ParseCaptureOneCoordinate("10,45.0000E"), 10.75, 1e-9);
  EXPECT_NEAR(*ParseCaptureOneCoordinate("33,52.0S"), -33.866667, 1e-6);
  EXPECT_NEAR(*ParseCaptureOneCoordinate("118,14.5W"), -118.241667, 1e-6);
  for (const char* bad : {"", "59N", "59,56.7543", "x,1N", "59,61.0N", "59,1.0Q", "200,0.0E"})
    EXPECT_FALSE(ParseCaptureOneCoordinate(bad).has_value()) << bad;
}

}  // namespace
}  // namespace shoebox::capture_one
