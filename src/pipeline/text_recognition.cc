#include "pipeline/text_recognition.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base/file_io.h"
#include "base/progress.h"
#include "base/thread_pool.h"
#include "imaging/grey_image.h"
#include "imaging/photo_analyzer.h"
#include "ocr/text_gate.h"

namespace shoebox {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Files above this are not re-read for OCR alone (a panorama's words are not worth 2 GB).
constexpr uint64_t kMaxOcrFileBytes = uint64_t{512} << 20;

// A video's words are its poster frame's: the poster, read through the file's descriptor (a
// video is never read whole), handed to the stage as a photo. nullopt when `path` is no video.
std::optional<AssetTextRecord> ReadVideoPoster(const std::string& path, OcrStage* stage) {
  auto head = ReadFilePrefix(path, kSniffBytes);
  if (!head.ok()) return std::nullopt;  // the photo path reads it again and says why
  const ImageFormat format = SniffFormat(head->data(), head->size(), path);
  if (!IsVideoFormat(format)) return std::nullopt;
  auto failed = [](const Status& st) {
    AssetTextRecord rec;
    rec.version = ocr::kOcrVersion;
    rec.state = TextState::kFailed;
    rec.error = st.message();
    rec.read_at = Now();
    return rec;
  };
  auto file = OpenRegularFile(path);
  if (!file.ok()) return failed(file.status());
  auto video = AnalyzeVideo(VideoBytes::FromFile(*file), format, VideoOptions{}, 0);
  if (!video.ok()) return failed(video.status());
  auto jpeg = ThumbnailFromRgb(video->poster->rgb, 4096);
  if (!jpeg.ok()) return failed(jpeg.status());
  return stage->Read(jpeg->data(), jpeg->size(), ImageFormat::kJpeg, {});
}

}  // namespace

std::string WordsJson(const std::vector<ocr::OcrWord>& words) {
  nlohmann::json j = nlohmann::json::array();
  auto r = [](float v) { return std::round(static_cast<double>(v) * 10000) / 10000; };
  for (const auto& w : words)
    j.push_back({w.text, std::round(w.confidence), r(w.x), r(w.y), r(w.w), r(w.h)});
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<OcrStage>> OcrStage::Create(const TextOptions& options) {
  // The language files are checked now (a missing one fails before any work); Tesseract
  // loads them (0.13-0.25 s a reader) only when the first photo passes the gate, which in a
  // camera roll may be never.
  SHOEBOX_RETURN_IF_ERROR(ocr::CheckLanguages(options.reader.languages));
  return std::unique_ptr<OcrStage>(new OcrStage(options));
}

Result<std::unique_ptr<ocr::TextReader>> OcrStage::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  ++takes_;
  const int most = static_cast<int>(
      options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency()));
  for (;;) {
    if (!idle_.empty()) {
      auto r = std::move(idle_.back());
      idle_.pop_back();
      return r;
    }
    // Another reader only once photos with words come often: a camera roll's few would
    // otherwise pay a load each for a reading or two.
    if (made_ == 0 || (made_ < most && takes_ >= kTakesPerReader * made_)) {
      ++made_;
      lock.unlock();
      auto made = ocr::TextReader::Open(options_.reader);
      if (!made.ok()) {
        lock.lock();
        --made_;
        returned_.notify_all();
      }
      return made;
    }
    returned_.wait(lock);
  }
}

void OcrStage::Give(std::unique_ptr<ocr::TextReader> reader) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(reader));
  returned_.notify_one();
}

AssetTextRecord OcrStage::Read(const uint8_t* data, size_t size, ImageFormat format,
                               const std::vector<uint8_t>& thumbnail_jpeg) {
  const auto start = std::chrono::steady_clock::now();
  AssetTextRecord rec = ReadOnce(data, size, format, thumbnail_jpeg);
  busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  return rec;
}

AssetTextRecord OcrStage::ReadOnce(const uint8_t* data, size_t size, ImageFormat format,
                                   const std::vector<uint8_t>& thumbnail_jpeg) {
  AssetTextRecord rec;
  rec.version = ocr::kOcrVersion;
  rec.languages = options_.reader.languages;
  rec.read_at = Now();
  // The gate looks at the thumbnail (with `--ocr all` too: it also tells a screenshot from a
  // camera photo, which is read smaller).
  auto small = thumbnail_jpeg.empty() ? DecodeGrey(data, size, format, 256)
                                      : DecodeGrey(thumbnail_jpeg.data(), thumbnail_jpeg.size(),
                                                   ImageFormat::kJpeg, 256);
  if (!small.ok() && !options_.read_all) {
    rec.state = TextState::kFailed;
    rec.error = small.status().message();
    return rec;
  }
  const ocr::TextLook look = small.ok() ? ocr::LookForText(*small) : ocr::TextLook{};
  if (small.ok()) rec.gate_score = look.score;
  if (!options_.read_all && look.score < ocr::kTextScoreThreshold) {
    rec.state = TextState::kSkipped;
    return rec;
  }
  auto grey = DecodeGrey(
      data, size, format,
      look.flat || !small.ok() ? options_.reader.max_long_side : options_.reader.photo_long_side);
  if (!grey.ok()) {
    rec.state = TextState::kFailed;
    rec.error = grey.status().message();
    return rec;
  }
  auto reader = Take();
  if (!reader.ok()) {
    rec.state = TextState::kFailed;
    rec.error = reader.status().message();
    return rec;
  }
  // Outlined captions and light-on-dark text are what memes and screenshots have; a camera
  // photo with a little evidence of words (a sign, a label) gets the plain pass alone, which
  // read every sign of the test set, in half the time.
  const bool light_strokes = look.flat || look.score >= ocr::kStrongTextScore || !small.ok();
  auto reading = (*reader)->Read(*grey, light_strokes);
  Give(std::move(*reader));
  if (!reading.ok()) {
    rec.state = TextState::kFailed;
    rec.error = reading.status().message();
    return rec;
  }
  if (reading->timed_out && reading->words.empty()) {
    rec.state = TextState::kFailed;
    rec.error = "OCR took longer than " + std::to_string(options_.reader.time_limit_ms / 1000) +
                " s (a wall of noise?)";
    return rec;
  }
  rec.state = TextState::kRead;
  rec.text = reading->text;
  rec.confidence = reading->confidence;
  if (!reading->words.empty()) rec.words_json = WordsJson(reading->words);
  rec.joined = ocr::JoinNeighbours(reading->text);
  return rec;
}

Result<TextReport> ReadMissingText(Catalog* catalog, OcrStage* stage) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  const auto start = std::chrono::steady_clock::now();
  const double busy_before = stage->busy_seconds();
  TextReport report;
  auto coverage = catalog->TextCoverageOf(ocr::kOcrVersion);
  if (!coverage.ok()) return coverage.status();
  const int64_t expected =
      coverage->pending + coverage->outdated + (stage->options().read_all ? coverage->skipped : 0);
  Progress progress("reading text", static_cast<uint64_t>(std::max<int64_t>(0, expected)));
  progress.set_enabled(stage->options().progress && expected > 0);
  ThreadPool pool(stage->options().threads);
  const int64_t batch_size = std::max<int64_t>(8, 4 * static_cast<int64_t>(pool.size()));
  int64_t after = 0, done = 0;
  for (;;) {
    auto todo =
        catalog->AssetsNeedingOcr(ocr::kOcrVersion, stage->options().read_all, after, batch_size);
    if (!todo.ok()) return todo.status();
    if (todo->empty()) break;
    std::vector<AssetTextRecord> records(todo->size());
    for (size_t i = 0; i < todo->size(); ++i) {
      pool.Submit([&, i] {
        const OcrCandidate& c = (*todo)[i];
        if (auto video = ReadVideoPoster(c.path, stage)) {
          records[i] = std::move(*video);
          return;
        }
        auto bytes = ReadWholeFile(c.path, kMaxOcrFileBytes);
        if (!bytes.ok()) {
          records[i].state = TextState::kFailed;
          records[i].version = ocr::kOcrVersion;
          records[i].error = bytes.status().message();
          records[i].read_at = Now();
          return;
        }
        const ImageFormat format =
            SniffFormat(bytes->data(), std::min(bytes->size(), kSniffBytes), c.path);
        // No thumbnail at hand here: the gate looks at a 256 px decode of the file.
        records[i] = stage->Read(bytes->data(), bytes->size(), format, {});
      });
    }
    pool.Wait();
    Transaction tx = catalog->NewTransaction();
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    for (size_t i = 0; i < todo->size(); ++i) {
      const AssetTextRecord& r = records[i];
      SHOEBOX_RETURN_IF_ERROR(catalog->SetAssetText((*todo)[i].asset_id, r));
      switch (r.state) {
        case TextState::kRead:
          ++report.read;
          report.found += !r.text.empty();
          break;
        case TextState::kSkipped:
          ++report.skipped;
          break;
        default:
          ++report.failed;
          SHOEBOX_RETURN_IF_ERROR(
              catalog->RecordError((*todo)[i].path, "text not read: " + r.error, "warning", Now()));
      }
    }
    SHOEBOX_RETURN_IF_ERROR(tx.Commit());
    after = todo->back().asset_id;
    done += static_cast<int64_t>(todo->size());
    progress.Update(static_cast<uint64_t>(done));
  }
  progress.Finish();
  auto refreshed = catalog->RefreshTextIndex();
  if (!refreshed.ok()) return refreshed.status();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.ocr_seconds = stage->busy_seconds() - busy_before;
  return report;
}

}  // namespace shoebox
