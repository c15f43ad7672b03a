// `shoebox bench search`: exact and approximate vector search on generated clustered data
// (vectors/search_benchmark.h).
#include <cstdio>

#include "tools/cli/cli_common.h"
#include "vectors/search_benchmark.h"

namespace shoebox::cli {

void RegisterBenchSearch(CLI::App* bench, GlobalOptions& g, int& exit_code) {
  struct Args {
    vectors::SearchBenchmarkOptions o;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  vectors::SearchBenchmarkOptions& o = args->o;
  CLI::App* cmd =
      bench->add_subcommand("search", "Vector search speed on generated clustered vectors");
  cmd->add_option("--n", o.n, "Vectors")->capture_default_str();
  cmd->add_option("--dim", o.dim, "Dimensions")->capture_default_str();
  cmd->add_option("--clusters", o.clusters, "Clusters in the generated data")
      ->capture_default_str();
  cmd->add_option("--queries", o.queries, "Queries timed")->capture_default_str();
  cmd->add_option("--ann-n", o.ann_n, "Vectors for the approximate index (default: --n)");
  cmd->add_option("--m", o.hnsw.m, "HNSW links per node")->capture_default_str();
  cmd->add_option("--ef", o.hnsw.ef_search, "HNSW search breadth")->capture_default_str();
  cmd->add_flag("--no-ann", o.no_ann, "Exact search only");
  cmd->add_option("--dump", o.dump,
                  "Also write the generated vectors to this file (float32 rows: max(n, ann-n) "
                  "vectors, then the queries) for the peers in bench/peers/ann_peers.py");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([&exit_code, args] {
    auto j = vectors::RunSearchBenchmark(args->o);
    if (!j.ok()) {
      exit_code = Fail(j.status());
      return;
    }
    if (args->json) {
      std::printf("%s\n", Dump(*j).c_str());
    } else {
      for (auto& [k, v] : j->items()) std::printf("%-14s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
