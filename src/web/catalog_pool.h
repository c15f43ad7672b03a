// Catalog connections for server threads: a Catalog is one SQLite connection and is used by
// one thread at a time, so each request leases one and gives it back when done. Connections
// are opened on demand and kept (opening costs a schema check).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"

namespace shoebox::web {

class CatalogPool {
 public:
  explicit CatalogPool(std::filesystem::path catalog) : path_(std::move(catalog)) {}

  class Lease {
   public:
    Lease(CatalogPool* pool, std::unique_ptr<Catalog> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) pool_->Release(std::move(c_));
    }
    Catalog& operator*() { return *c_; }
    Catalog* operator->() { return c_.get(); }

   private:
    CatalogPool* pool_;
    std::unique_ptr<Catalog> c_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(c));
      }
    }
    auto c = Catalog::Open(path_, false);
    if (!c.ok()) return c.status();
    return Lease(this, std::move(*c));
  }
  void Release(std::unique_ptr<Catalog> c) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
  }

 private:
  std::filesystem::path path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Catalog>> idle_;
};

}  // namespace shoebox::web
