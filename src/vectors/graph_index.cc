// GraphIndex: hnswlib's HNSW graph (HnswIndex) behind the VectorIndex interface, with the ids
// file that vouches for it (index_files.h).
#include <fcntl.h>
#include <unistd.h>

#include "base/file_io.h"
#include "vectors/hnsw_index.h"
#include "vectors/vector_index.h"

namespace shoebox::vectors {
namespace {

class GraphIndex : public VectorIndex {
 public:
  GraphIndex(std::unique_ptr<HnswIndex> graph, int64_t dim, int64_t max_label)
      : graph_(std::move(graph)), dim_(dim), max_label_(max_label) {}
  IndexKind kind() const override { return IndexKind::kGraph; }
  int64_t dim() const override { return dim_; }
  int64_t size() const override { return graph_->size(); }
  std::vector<int64_t> Labels() const override { return graph_->Labels(); }

  Status Add(const float* rows, const int64_t* labels, int64_t n) override {
    // hnswlib would silently overwrite a label it has held, even a removed one.
    for (int64_t i = 0; i < n; ++i)
      if (labels[i] <= max_label_)
        return InvalidArgument("graph: label " + std::to_string(labels[i]) +
                               " is not above every label it has held");
    SHOEBOX_RETURN_IF_ERROR(graph_->Add(rows, labels, n));
    for (int64_t i = 0; i < n; ++i) max_label_ = std::max(max_label_, labels[i]);
    return Status::Ok();
  }

  Status Remove(int64_t label) override { return graph_->Remove(label); }

  Result<std::vector<Neighbor>> Search(const float* query, int64_t k,
                                       const LabelFilter& filter) const override {
    if (filter.is_set()) return Unsupported("an HNSW graph cannot apply a filter before its top-k");
    // One more when the query photo itself must go.
    const auto excluded = filter.excluded();
    std::vector<Neighbor> out;
    for (const Hit& h : graph_->Search(query, k + (excluded ? 1 : 0))) {
      if (h.row == excluded) continue;
      out.push_back({h.row, h.score});  // the graph's "row" is the label
    }
    if (static_cast<int64_t>(out.size()) > k) out.resize(static_cast<size_t>(k));
    return out;
  }

  Status Save(const IndexFiles& files) const override {
    // Graph first, then the ids that vouch for it (with its checksum), each replaced
    // atomically: a crash leaves the old pair, or a new graph whose checksum the old ids file
    // does not match (rebuilt next time).
    const std::string tmp = files.graph.string() + ".tmp";
    SHOEBOX_RETURN_IF_ERROR(graph_->Save(tmp));
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError(tmp + ": " + ErrnoText(errno));
    auto digest = DigestFile(fd, tmp);
    if (digest.ok() && ::fsync(fd) != 0) digest = IoError(tmp + ": " + ErrnoText(errno));
    ::close(fd);
    if (!digest.ok()) return digest.status();
    std::error_code ec;
    std::filesystem::rename(tmp, files.graph, ec);
    if (ec) return IoError(files.graph.string() + ": " + ec.message());
    GraphIds ids{max_label_, digest->size, digest->xxh3, graph_->Labels()};
    return WriteGraphIds(files.graph_ids, ids);
  }

 private:
  std::unique_ptr<HnswIndex> graph_;
  int64_t dim_;
  int64_t max_label_;
};

}  // namespace

Result<std::unique_ptr<VectorIndex>> BuildGraphIndex(const IndexRecipe& recipe, const float* rows,
                                                     const int64_t* ids, int64_t n, int64_t dim) {
  auto built = HnswIndex::Build(rows, ids, n, dim, recipe.hnsw);
  if (!built.ok()) return built.status();
  int64_t max_label = 0;
  for (int64_t i = 0; i < n; ++i) max_label = std::max(max_label, ids ? ids[i] : i);
  return std::unique_ptr<VectorIndex>(new GraphIndex(std::move(*built), dim, max_label));
}

Result<std::unique_ptr<VectorIndex>> LoadGraphIndex(const IndexRecipe& recipe,
                                                    const IndexFiles& files, int64_t dim,
                                                    FileProblem* problem) {
  *problem = FileProblem::kNone;
  auto stored = ReadGraphIds(files.graph_ids, problem);
  if (!stored.ok()) return stored.status();
  const FileDigest digest{stored->graph_size, stored->graph_xxh3};
  auto graph = HnswIndex::Load(files.graph, dim, recipe.hnsw, &digest);
  if (!graph.ok()) {
    *problem = graph.status().code() == StatusCode::kNotFound ? FileProblem::kMissing
                                                              : FileProblem::kDamaged;
    return graph.status();
  }
  if ((*graph)->Labels() != stored->ids) {
    *problem = FileProblem::kDamaged;
    return Corrupt(files.graph.string() + ": the graph holds other photos than its id file lists");
  }
  return std::unique_ptr<VectorIndex>(new GraphIndex(std::move(*graph), dim, stored->max_label));
}

}  // namespace shoebox::vectors
