// Catalog schema, as an ordered list of migrations. Migration i takes user_version i to
// i+1. Never edit a released migration; append a new one. Documented in docs/formats.md.
#pragma once

#include <string_view>
#include <vector>

namespace shoebox {

const std::vector<std::string_view>& CatalogMigrations();

}  // namespace shoebox
