#include "pipeline/model/change_event.hpp"

namespace starcdc {

const char* op_name(Op op) {
  switch (op) {
    case Op::Insert:
      return "insert";
    case Op::Update:
      return "update";
    case Op::Delete:
      return "delete";
    case Op::Read:
      return "read";
  }
  return "insert";
}

}  // namespace starcdc
