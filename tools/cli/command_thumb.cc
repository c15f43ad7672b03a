#include <cstdio>

#include "base/file_io.h"
#include "pipeline/thumbnail_cache.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterThumb(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string what, out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("thumb", "Write a photo's cached thumbnail (JPEG) to a file");
  cmd->add_option("photo", args->what, "Catalog id or path")->required();
  cmd->add_option("--out", args->out, "Where to write the JPEG")->required();
  cmd->callback([&g, &exit_code, args] {
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    auto row = ResolvePhoto(cat->get(), args->what);
    if (!row.ok()) {
      exit_code = Fail(row.status());
      return;
    }
    ThumbnailCache thumbs;
    auto bytes = row->asset.has_thumbnail ? thumbs.Read(row->asset.hash)
                                          : Result<std::vector<uint8_t>>(NotFound(""));
    if (!bytes.ok()) {
      exit_code = Fail(NotFound("no thumbnail for " + args->what +
                                (row->asset.error ? " (" + *row->asset.error + ")"
                                                  : "; run `shoebox index` again to make it (" +
                                                        (bytes.status().message().empty()
                                                             ? std::string("not in the cache")
                                                             : bytes.status().message()) +
                                                        ")")));
      return;
    }
    Status st = WriteFileAtomic(args->out, bytes->data(), bytes->size());
    if (!st.ok()) exit_code = Fail(st);
  });
}

}  // namespace shoebox::cli
