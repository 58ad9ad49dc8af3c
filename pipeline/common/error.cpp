#include "pipeline/common/error.hpp"

namespace starcdc {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Config:
      return "config";
    case ErrorKind::Refused:
      return "refused";
    case ErrorKind::Data:
      return "data";
    case ErrorKind::Transient:
      return "transient";
    case ErrorKind::Overloaded:
      return "overloaded";
    case ErrorKind::Internal:
      return "internal";
  }
  return "internal";
}

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Config:
      return 2;
    case ErrorKind::Refused:
      return 3;
    case ErrorKind::Data:
    case ErrorKind::Transient:
    case ErrorKind::Overloaded:
    case ErrorKind::Internal:
      return 1;
  }
  return 1;
}

}  // namespace starcdc
