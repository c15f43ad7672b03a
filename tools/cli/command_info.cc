#include <cstdio>

#include "tools/cli/cli_common.h"

namespace shoebox::cli {

Result<PhotoRow> ResolvePhoto(Catalog* cat, const std::string& what) {
  bool numeric = !what.empty() && what.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) {
    auto row = cat->FindByAssetId(std::stoll(what));
    if (!row.ok()) return row.status();
    if (*row) return **row;
  }
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(what, ec);
  auto canon = std::filesystem::weakly_canonical(p, ec);
  for (const std::string& candidate : {canon.string(), p.lexically_normal().string()}) {
    auto row = cat->FindByPath(candidate);
    if (!row.ok()) return row.status();
    if (*row) {
      if (!(*row)->file.asset_id) {
        return NotFound(candidate +
                        " is in the catalog but is not a usable photo; see `shoebox errors`");
      }
      return **row;
    }
    // A library original that is indexed through a stand-in (Photos derivative, Lightroom preview).
    auto stand_in = cat->FindByOriginalPath(candidate);
    if (!stand_in.ok()) return stand_in.status();
    if (*stand_in && (*stand_in)->file.asset_id) return **stand_in;
  }
  return NotFound("no photo " + what + " in the catalog");
}

void RegisterInfo(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string what;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("info", "Everything known about one photo (by path or id)");
  cmd->add_option("photo", args->what, "Path or catalog id")->required();
  cmd->add_flag("--json", args->json, "Print as JSON");
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
    nlohmann::json j = PhotoJson(*row);
    auto library = (*cat)->LibraryInfoFor(row->file.id);
    if (!library.ok()) {
      exit_code = Fail(library.status());
      return;
    }
    AddLibraryJson(*library, &j);
    auto text = (*cat)->TextOfAsset(row->asset.id);
    if (!text.ok()) {
      exit_code = Fail(text.status());
      return;
    }
    AddTextJson(*text, &j);
    auto people = (*cat)->FacesOf(row->asset.id);
    if (!people.ok()) {
      exit_code = Fail(people.status());
      return;
    }
    AddPeopleJson(*people, &j);
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
      return;
    }
    for (auto& [k, v] : j.items()) {
      if (v.is_null()) continue;
      if (k == "text") {  // the words, not their boxes
        std::string ocr = v.value("ocr", "");
        for (char& c : ocr)
          if (c == '\n') c = ' ';
        std::printf("%-12s %s%s\n", "text", v["state"].get<std::string>().c_str(),
                    ocr.empty() ? "" : (": " + ocr).c_str());
        continue;
      }
      if (k == "people") {  // the names, not their boxes
        std::string names;
        for (const auto& p : v) names += (names.empty() ? "" : ", ") + p.value("name", "");
        std::printf("%-12s %s\n", "people", names.c_str());
        continue;
      }
      std::printf("%-12s %s\n", k.c_str(),
                  v.is_string() ? v.get<std::string>().c_str() : Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
