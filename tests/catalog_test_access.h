// Tests reach the catalog's connection to set up states no public call makes (a full disk, a
// schema from the future) and to check rows directly. Only tests include this.
#pragma once

#include "catalog/catalog.h"

namespace shoebox {

class CatalogTestAccess {
 public:
  static Database& Db(Catalog& catalog) { return catalog.db_; }
};

inline Database& CatalogDb(Catalog& catalog) { return CatalogTestAccess::Db(catalog); }

}  // namespace shoebox
