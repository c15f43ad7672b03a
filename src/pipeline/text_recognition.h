// The text stage of `index`: the words in every photo, read by OCR (ocr/text_reader.h).
//
// During the crawl (IndexOptions::text_reader) each new photo is looked at on the worker that
// decoded it, from the bytes already in memory: the gate (ocr/text_gate.h) scores the
// thumbnail the analyzer just made, and only photos that may hold words are decoded again,
// larger, and read. The record is committed with the photo, in the same transaction, so a kill
// loses nothing more than the crawl's own batch. Photos catalogued before (older catalogs,
// `--no-ocr`, a newer OCR version) are caught up by ReadMissingText (`shoebox ocr-missing`, and
// the index job after the crawl). Either way the full-text index is then brought up to date.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "ocr/text_reader.h"
#include "pipeline/indexer.h"

namespace shoebox {

struct TextOptions {
  ocr::OcrOptions reader;  // languages, confidence floor, time limit
  bool read_all = false;   // `--ocr all`: no gate, every photo is read
  unsigned threads = 0;    // ReadMissingText's workers; 0: one per core
  bool progress = true;
};

struct TextReport {
  int64_t read = 0;     // photos OCR read
  int64_t found = 0;    // ... with at least one word
  int64_t skipped = 0;  // the gate saw no text
  int64_t failed = 0;   // could not be decoded / timed out
  double seconds = 0;   // ReadMissingText's wall time
  // Time spent in the gate, the decodes and Tesseract, summed over the threads (during the
  // crawl too): what OCR cost, however it overlapped with the rest of the work.
  double ocr_seconds = 0;
};

// Gate + reader for any number of threads: Tesseract readers (0.13-0.25 s to load eng+spa)
// are made when a photo first needs one, and more of them (up to one per thread) only as
// photos with words keep coming; each is reused.
class OcrStage : public CrawlTextReader {
 public:
  // Fails at once (kNotFound naming the Debian package) when a language is not installed.
  static Result<std::unique_ptr<OcrStage>> Create(const TextOptions& options);
  AssetTextRecord Read(const uint8_t* data, size_t size, ImageFormat format,
                       const std::vector<uint8_t>& thumbnail_jpeg) override;
  const TextOptions& options() const { return options_; }
  // Summed over threads, since Create (TextReport::ocr_seconds).
  double busy_seconds() const { return static_cast<double>(busy_us_.load()) / 1e6; }

 private:
  explicit OcrStage(const TextOptions& options) : options_(options) {}
  AssetTextRecord ReadOnce(const uint8_t* data, size_t size, ImageFormat format,
                           const std::vector<uint8_t>& thumbnail_jpeg);
  // A reader of the pool, made when none is idle and there are few for the work.
  Result<std::unique_ptr<ocr::TextReader>> Take();
  void Give(std::unique_ptr<ocr::TextReader> reader);
  static constexpr int kTakesPerReader = 4;
  TextOptions options_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<ocr::TextReader>> idle_;
  int made_ = 0;
  int64_t takes_ = 0;
  std::atomic<int64_t> busy_us_{0};
};

// The JSON the catalog keeps for a reading's words: [[word, confidence, x, y, w, h], ...].
std::string WordsJson(const std::vector<ocr::OcrWord>& words);

// Reads every photo OCR has not looked at yet (or that an older OCR version read; with
// read_all also those the gate skipped), re-reading each file from disk, in batches of one
// transaction each; then RefreshTextIndex. A kill loses at most the batch in flight.
Result<TextReport> ReadMissingText(Catalog* catalog, OcrStage* stage);

}  // namespace shoebox
