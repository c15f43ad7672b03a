#include "engine/weights/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace shoebox {
namespace {

// Builds a safetensors byte string from a header and a data section.
std::string Make(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

Result<std::unique_ptr<SafetensorsFile>> Parse(const std::string& bytes) {
  return SafetensorsFile::Parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                "test.safetensors");
}

std::string Error(const std::string& bytes) {
  auto r = Parse(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(Safetensors, ReadsTensorsAndMetadata) {
  float v[3] = {1.5f, -2.0f, 3.25f};
  std::string data(reinterpret_cast<const char*>(v), sizeof v);
  data += std::string("\x00\x3c\x80\x3f", 4);  // F16 1.0 (0x3c00), BF16 1.0 (0x3f80)
  std::string bytes = Make(
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
      R"("h":{"dtype":"F16","shape":[1],"data_offsets":[12,14]},"b":{"dtype":"BF16","shape":[],"data_offsets":[14,16]}})",
      data);
  auto f = Parse(bytes);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->metadata().at("format"), "pt");
  const TensorView* a = (*f)->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->shape, std::vector<int64_t>{3});
  EXPECT_EQ(*ToFloat32(*a), (std::vector<float>{1.5f, -2.0f, 3.25f}));
  EXPECT_EQ((*ToFloat32(*(*f)->Find("h")))[0], 1.0f);
  EXPECT_EQ((*ToFloat32(*(*f)->Find("b")))[0], 1.0f);
  EXPECT_EQ((*f)->Find("b")->numel(), 1);
  EXPECT_EQ((*f)->Find("nope"), nullptr);
}

TEST(Safetensors, HalfConversionCoversSpecialValues) {
  EXPECT_EQ(HalfToFloat(0x0000), 0.0f);
  EXPECT_EQ(HalfToFloat(0xC000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);
  EXPECT_FLOAT_EQ(HalfToFloat(0x0001), 5.9604645e-8f);  // smallest subnormal
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7C00)));
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
  EXPECT_EQ(BFloat16ToFloat(0xC040), -3.0f);
}

TEST(Safetensors, RefusesDamagedFilesWithClearReasons) {
  EXPECT_NE(Error("abc").find("shorter than its 8-byte header"), std::string::npos);
  EXPECT_NE(
      Error(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8)).find("exceeds the 100 MB limit"),
      std::string::npos);
  EXPECT_NE(Error(Make("{}", "").substr(0, 9)).find("runs past the end"), std::string::npos);
  EXPECT_NE(Error(Make("[1,2]", "")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(Error(Make("{\"a\":", "")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(Error(Make(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "1234"))
                .find("outside the file"),
            std::string::npos);
  EXPECT_NE(Error(Make(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "12345678"))
                .find("needs 12"),
            std::string::npos);
  EXPECT_NE(Error(Make(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "1234"))
                .find("negative"),
            std::string::npos);
  EXPECT_NE(
      Error(Make(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})",
                 "1234"))
          .find("overflows"),
      std::string::npos);
  EXPECT_NE(Error(Make(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "1234"))
                .find("begin after"),
            std::string::npos);
  EXPECT_NE(
      Error(
          Make(
              R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
              "12345678"))
          .find("overlap"),
      std::string::npos);
  auto r = Parse(Make(R"({"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", "12345678"));
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(
      Error(Make(R"({"a":{"dtype":"F32","shape":[1]}})", "1234")).find("missing data_offsets"),
      std::string::npos);
  EXPECT_NE(Error(Make(R"({"a":"x"})", "")).find("not an object"), std::string::npos);
  EXPECT_NE(Error(Make(R"({"__metadata__":{"k":1}})", "")).find("not a string"), std::string::npos);
}

TEST(Safetensors, ErrorsNameTheFile) {
  auto r = SafetensorsFile::Open("/no/such/model.safetensors");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/no/such/model.safetensors"), std::string::npos);
}

TEST(Safetensors, IntegerTensorsAreNotFloats) {
  auto f = Parse(
      Make(R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0')));
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(ToFloat32(*(*f)->Find("ids")).ok());
}

}  // namespace
}  // namespace shoebox

namespace shoebox {
namespace {

// Released pages of a mapped file come back with their contents; memory that the reader
// did not map itself (bytes parsed in place) is never touched.
TEST(Safetensors, DoneWithKeepsTheDataReadable) {
  std::vector<float> big(3 * 4096);  // spans whole pages
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i) * 0.5f;
  std::string data(reinterpret_cast<const char*>(big.data()), big.size() * sizeof(float));
  std::string bytes =
      Make(R"({"w":{"dtype":"F32","shape":[12288],"data_offsets":[0,49152]}})", data);
  auto path = std::filesystem::temp_directory_path() /
              ("done_with_" + std::to_string(getpid()) + ".safetensors");
  { std::ofstream(path, std::ios::binary) << bytes; }
  auto f = SafetensorsFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const TensorView* w = (*f)->Find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(*ToFloat32(*w), big);
  (*f)->DoneWith(*w);
  EXPECT_EQ(*ToFloat32(*w), big);
  std::filesystem::remove(path);

  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok());
  (*parsed)->DoneWith(*(*parsed)->Find("w"));
  EXPECT_EQ(*ToFloat32(*(*parsed)->Find("w")), big);
}

}  // namespace
}  // namespace shoebox
