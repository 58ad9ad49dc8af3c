#include "sources/mysql/binlog/byte_reader.hpp"

#include <string>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::binlog {

void throw_truncated(const char* what) {
  throw Error(ErrorKind::Data, std::string("Truncated binlog data while reading ") + what + ".");
}

void throw_malformed(const std::string_view message) {
  throw Error(ErrorKind::Data, std::string(message));
}

}  // namespace starcdc::mysql::binlog
