// Helpers shared by the pipeline unit tests: temp directories, schemas, coroutine runner.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/model/table_schema.hpp"

namespace starcdc::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "starcdc-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline TableSchema schema(const std::string& db, const std::string& table, uint32_t version = 1) {
  return TableSchema(TableId{db, table}, version,
                     {Column{"id", "bigint", false}, Column{"name", "varchar(32)", true}}, {0});
}

// Runs `aw` to completion on a fresh io_context, rethrowing its exception.
template <typename T>
T run_sync(asio::io_context& io, asio::awaitable<T> aw) {
  std::exception_ptr error;
  std::optional<T> result;
  asio::co_spawn(io, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) {
      result = std::move(v);
    }
  });
  io.restart();
  io.run();
  if (error) {
    std::rethrow_exception(error);
  }
  return std::move(*result);
}

inline void run_sync(asio::io_context& io, asio::awaitable<void> aw) {
  std::exception_ptr error;
  asio::co_spawn(io, std::move(aw), [&](std::exception_ptr e) { error = e; });
  io.restart();
  io.run();
  if (error) {
    std::rethrow_exception(error);
  }
}

}  // namespace starcdc::test
