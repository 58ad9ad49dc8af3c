// Error: what stops the pipeline. Kinds map to the process exit codes of DESIGN.md.
#pragma once

#include <stdexcept>
#include <string>

namespace starcdc {

enum class ErrorKind : unsigned char {
  Config,      // exit 2: the configuration is wrong
  Refused,     // exit 3: a source or sink refused us (auth, privilege, binlog off, purged position)
  Data,        // exit 1: undecodable row or message, incompatible schema
  Transient,   // retried; never ends the process by itself
  Overloaded,  // retried like Transient, and the checkpoint interval widens (a sink rate limit)
  Internal,    // exit 1: our bug
};

const char* error_kind_name(ErrorKind kind);
int exit_code_for(ErrorKind kind);

// Thrown to stop the run. `where` is a location in one of the documented forms
// (orders.yaml:12:5, mysql-bin.000042:1234, orders/3@18822, shop.orders.price); `hint` says what
// to do about it.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string where = {}, std::string hint = {})
      : std::runtime_error(message),
        kind_(kind),
        where_(std::move(where)),
        hint_(std::move(hint)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& where() const { return where_; }
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_;
  std::string where_;
  std::string hint_;
};

}  // namespace starcdc
