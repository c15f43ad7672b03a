// ExactIndex: FlatIndex's scan behind the VectorIndex interface, rows labelled by asset ids.
#include <algorithm>

#include "vectors/vector_index.h"

namespace shoebox::vectors {

LabelFilter LabelFilter::Only(std::vector<int64_t> labels) {
  LabelFilter f;
  f.only_ = true;
  std::sort(labels.begin(), labels.end());
  f.labels_ = std::move(labels);
  return f;
}

bool LabelFilter::Allows(int64_t label) const {
  if (excluded_ && *excluded_ == label) return false;
  return !only_ || std::binary_search(labels_.begin(), labels_.end(), label);
}

IndexFiles IndexFiles::For(const std::filesystem::path& catalog, int64_t model_id,
                           const VectorSetVersion& version) {
  return {VectorFilePath(catalog, model_id), GraphFilePath(catalog, model_id),
          GraphIdsPath(catalog, model_id), version};
}

namespace {

class ExactIndex : public VectorIndex {
 public:
  ExactIndex(std::vector<int64_t> ids, std::unique_ptr<FlatIndex> flat)
      : ids_(std::move(ids)), flat_(std::move(flat)) {}
  IndexKind kind() const override { return IndexKind::kExact; }
  int64_t dim() const override { return flat_->dim(); }
  int64_t size() const override { return flat_->size(); }
  std::vector<int64_t> Labels() const override { return ids_; }

  Status Add(const float* rows, const int64_t* labels, int64_t n) override {
    for (int64_t i = 0; i < n; ++i)
      if ((!ids_.empty() && labels[i] <= ids_.back()) || (i > 0 && labels[i] <= labels[i - 1]))
        return InvalidArgument("exact index: labels must be new and ascending");
    std::vector<float> all = AllRows();
    all.insert(all.end(), rows, rows + n * dim());
    ids_.insert(ids_.end(), labels, labels + n);
    Rebuild(all);
    return Status::Ok();
  }

  Status Remove(int64_t label) override {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), label);
    if (it == ids_.end() || *it != label) return NotFound("no vector " + std::to_string(label));
    const int64_t row = it - ids_.begin();
    std::vector<float> all = AllRows();
    all.erase(all.begin() + row * dim(), all.begin() + (row + 1) * dim());
    ids_.erase(it);
    Rebuild(all);
    return Status::Ok();
  }

  Result<std::vector<Neighbor>> Search(const float* query, int64_t k,
                                       const LabelFilter& filter) const override {
    std::vector<uint8_t> allow;
    if (filter.is_set()) {
      allow.assign(ids_.size(), 0);
      for (const int64_t label : filter.labels()) {
        auto it = std::lower_bound(ids_.begin(), ids_.end(), label);
        if (it != ids_.end() && *it == label) allow[static_cast<size_t>(it - ids_.begin())] = 1;
      }
    }
    if (auto excluded = filter.excluded()) {
      if (allow.empty()) allow.assign(ids_.size(), 1);
      auto it = std::lower_bound(ids_.begin(), ids_.end(), *excluded);
      if (it != ids_.end() && *it == *excluded) allow[static_cast<size_t>(it - ids_.begin())] = 0;
    }
    std::vector<Neighbor> out;
    for (const Hit& h : flat_->Search(query, k, allow.empty() ? nullptr : allow.data()))
      out.push_back({ids_[static_cast<size_t>(h.row)], h.score});
    return out;
  }

  Status Save(const IndexFiles& files) const override {
    const std::vector<float> rows = AllRows();
    return WriteVectorFile(files.vectors, files.version, dim(), ids_.data(), rows.data(), size());
  }

  const FlatIndex& flat() const { return *flat_; }

 private:
  std::vector<float> AllRows() const {
    std::vector<float> all;
    all.reserve(static_cast<size_t>(size() * dim()));
    for (int64_t i = 0; i < size(); ++i) {
      auto r = flat_->Row(i);
      all.insert(all.end(), r.begin(), r.end());
    }
    return all;
  }
  void Rebuild(const std::vector<float>& all) {
    flat_ = std::make_unique<FlatIndex>(all.data(), static_cast<int64_t>(ids_.size()), flat_->dim(),
                                        flat_->storage());
  }

  std::vector<int64_t> ids_;  // label per row, ascending
  std::unique_ptr<FlatIndex> flat_;
};

}  // namespace

std::unique_ptr<VectorIndex> MakeExactIndex(std::vector<int64_t> ids, const float* rows,
                                            int64_t dim, Storage storage,
                                            std::shared_ptr<const void> owner) {
  const auto n = static_cast<int64_t>(ids.size());
  auto flat = storage == Storage::kFloat32 && owner
                  ? std::make_unique<FlatIndex>(std::move(owner), rows, n, dim)
                  : std::make_unique<FlatIndex>(rows, n, dim, storage);
  return std::make_unique<ExactIndex>(std::move(ids), std::move(flat));
}

const FlatIndex& FlatOf(const VectorIndex& exact) {
  return static_cast<const ExactIndex&>(exact).flat();
}

}  // namespace shoebox::vectors
