#include <cstdio>

#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterPeople(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "people", "The people your libraries and XMP name, with how many photos each is in");
  cmd->add_flag("--json", *json,
                "Print as a JSON array of {name, photos, cover: {id, box}} (box: the face in "
                "the cover photo, fractions of the upright photo)");
  cmd->callback([&g, &exit_code, json] {
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    auto people = (*cat)->People(PhotoFilter{});
    if (!people.ok()) {
      exit_code = Fail(people.status());
      return;
    }
    if (*json) {
      std::printf("%s\n", Dump(PeopleJson(*people)).c_str());
      return;
    }
    for (const PersonSummary& p : *people)
      std::printf("%6lld  %s\n", static_cast<long long>(p.photos), p.name.c_str());
    if (people->empty())
      std::printf(
          "no people named yet: shoebox reads the names Apple Photos, Lightroom, Google Takeout "
          "and XMP face regions give (it does not recognise faces itself)\n");
  });
}

}  // namespace shoebox::cli
