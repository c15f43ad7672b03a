// Lightroom writes small Lua tables into its files (the .lrprev "header" section, develop
// settings in the catalog): `name = { key = "text", n = 12, flag = true, { ... }, }`. This
// reads that subset of Lua's table constructor syntax into JSON: keyed fields become object
// members, positional fields an array ("[1]" ... in an object with both, under "[n]" keys).
// Depth and size are bounded; malformed text is an error naming the byte offset.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace shoebox::lightroom {

// `name = value` (a chunk assigning one variable, as Lightroom writes it) or a bare value.
// Returns the value.
Result<nlohmann::json> ParseLuaAssignment(std::string_view text);

}  // namespace shoebox::lightroom
