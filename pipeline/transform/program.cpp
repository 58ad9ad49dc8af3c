#include "pipeline/transform/program.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "pipeline/transform/convert.hpp"
#include "pipeline/transform/node.hpp"

namespace starcdc::transform {
namespace {

[[noreturn]] void runtime_error(const std::string& message) {
  throw Error(ErrorKind::Data, message);
}

Value eval_column(const Node& n, RowContext& c) {
  const auto i = static_cast<size_t>(n.aux);
  return i < c.values.size() && c.present.has(i) ? c.values[i] : Value::null();
}
Value eval_constant(const Node& n, RowContext&) { return n.constant; }
Value eval_text_literal(const Node& n, RowContext&) { return Value::string(n.text); }
Value eval_table_meta(const Node& n, RowContext& c) {
  if (n.aux == 0 || c.table == nullptr) {
    return Value::null();
  }
  return Value::string(n.aux == 1 ? c.table->database : c.table->table);
}
Value eval_event_type(const Node&, RowContext& c) { return Value::string(c.event_type); }
Value eval_op_ts(const Node&, RowContext& c) {
  return Value::temporal(ValueKind::Timestamp, c.op_ts_ms * 1000, 3);
}

Value eval_not(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  return v.is_null() ? v : Value::boolean(v.i == 0);
}
Value eval_and(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  if (!a.is_null() && a.i == 0) {
    return Value::boolean(false);
  }
  const Value b = eval(n.args[1], c);
  if (!b.is_null() && b.i == 0) {
    return Value::boolean(false);
  }
  return a.is_null() || b.is_null() ? Value::null() : Value::boolean(true);
}
Value eval_or(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  if (!a.is_null() && a.i != 0) {
    return Value::boolean(true);
  }
  const Value b = eval(n.args[1], c);
  if (!b.is_null() && b.i != 0) {
    return Value::boolean(true);
  }
  return a.is_null() || b.is_null() ? Value::null() : Value::boolean(false);
}

enum Cmp : int64_t { kEq, kNe, kLt, kLe, kGt, kGe };
bool holds(int64_t op, int c) {
  switch (op) {
    case kEq:
      return c == 0;
    case kNe:
      return c != 0;
    case kLt:
      return c < 0;
    case kLe:
      return c <= 0;
    case kGt:
      return c > 0;
    default:
      return c >= 0;
  }
}
Value eval_compare(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  const Value b = eval(n.args[1], c);
  if (a.is_null() || b.is_null()) {
    return Value::null();
  }
  return Value::boolean(holds(n.aux, compare(a, b)));
}
Value eval_is_null(const Node& n, RowContext& c) {
  return Value::boolean(eval(n.args[0], c).is_null() != n.flag);
}
Value eval_between(const Node& n, RowContext& c) {
  // v >= lo AND v <= hi with SQL's NULL rules (a NULL bound decides nothing when the other
  // one already fails), then NOT for NOT BETWEEN.
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  const Value lo = eval(n.args[1], c);
  const Value hi = eval(n.args[2], c);
  const bool lo_fails = !lo.is_null() && compare(v, lo) < 0;
  const bool hi_fails = !hi.is_null() && compare(v, hi) > 0;
  if (lo_fails || hi_fails) {
    return Value::boolean(n.flag);
  }
  if (lo.is_null() || hi.is_null()) {
    return Value::null();
  }
  return Value::boolean(!n.flag);
}
Value eval_in(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  bool saw_null = false;
  for (size_t i = 1; i < n.args.size(); ++i) {
    const Value x = eval(n.args[i], c);
    if (x.is_null()) {
      saw_null = true;
    } else if (compare(v, x) == 0) {
      return Value::boolean(!n.flag);
    }
  }
  return saw_null ? Value::null() : Value::boolean(n.flag);
}
Value eval_like(const Node& n, RowContext& c) {
  const Value s = eval(n.args[0], c);
  const Value p = eval(n.args[1], c);
  if (s.is_null() || p.is_null()) {
    return Value::null();
  }
  return Value::boolean(like(s.text(), p.text()) != n.flag);
}
Value eval_case(const Node& n, RowContext& c) {
  const size_t pairs = (n.args.size() - (n.flag ? 1 : 0)) / 2;
  for (size_t i = 0; i < pairs; ++i) {
    const Value w = eval(n.args[2 * i], c);
    if (!w.is_null() && w.i != 0) {
      return eval(n.args[2 * i + 1], c);
    }
  }
  return n.flag ? eval(n.args.back(), c) : Value::null();
}
Value eval_cast(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  auto out = cast_value(v, n.type, *c.arena);
  if (out) {
    return *out;
  }
  if (n.flag) {
    return Value::null();  // TRY_CAST
  }
  runtime_error("CAST of '" + std::string(text_of(v, *c.arena)) + "' to " + n.text +
                " failed: not a " + n.text + " value (TRY_CAST gives NULL instead)");
}
Value eval_concat_op(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  const Value b = eval(n.args[1], c);
  if (a.is_null() || b.is_null()) {
    return Value::null();
  }
  const std::string_view x = text_of(a, *c.arena);
  const std::string_view y = text_of(b, *c.arena);
  char* p = c.arena->allocate(x.size() + y.size());
  std::copy(x.begin(), x.end(), p);
  std::copy(y.begin(), y.end(), p + x.size());
  return Value::string(std::string_view(p, x.size() + y.size()));
}

enum Arith : int64_t { kAdd, kSub, kMul, kDiv, kMod, kNeg };

Value eval_arith(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  const Value b = n.aux == kNeg ? Value::int64(0) : eval(n.args[1], c);
  if (a.is_null() || b.is_null()) {
    return Value::null();
  }
  switch (n.type.type) {
    case Type::Int: {
      int64_t x = 0;
      int64_t y = 0;
      if (!to_int(a, x) || !to_int(b, y)) {
        runtime_error("integer operand out of the BIGINT range");
      }
      int64_t r = 0;
      bool overflow = false;
      switch (n.aux) {
        case kAdd:
          overflow = __builtin_add_overflow(x, y, &r);
          break;
        case kSub:
          overflow = __builtin_sub_overflow(x, y, &r);
          break;
        case kMul:
          overflow = __builtin_mul_overflow(x, y, &r);
          break;
        case kNeg:
          overflow = __builtin_sub_overflow(int64_t{0}, x, &r);
          break;
        default:  // kMod
          if (y == 0) {
            return Value::null();
          }
          r = y == -1 ? 0 : x % y;
          break;
      }
      if (overflow) {
        runtime_error("BIGINT overflow in " + n.text);
      }
      return Value::int64(r);
    }
    case Type::Double: {
      const double x = to_double(a);
      const double y = to_double(b);
      switch (n.aux) {
        case kAdd:
          return Value::float64(x + y);
        case kSub:
          return Value::float64(x - y);
        case kMul:
          return Value::float64(x * y);
        case kNeg:
          return Value::float64(-x);
        case kDiv:
          return y == 0 ? Value::null() : Value::float64(x / y);
        default:
          return y == 0 ? Value::null() : Value::float64(std::fmod(x, y));
      }
    }
    default: {  // Decimal
      auto x = to_dec(a);
      auto y = to_dec(b);
      if (!x || !y) {
        runtime_error("not a decimal operand in " + n.text);
      }
      Dec r;
      bool ok = true;
      switch (n.aux) {
        case kAdd:
        case kSub:
        case kMod: {
          const int s = std::max(x->scale, y->scale);
          ok = rescale(*x, s) && rescale(*y, s);
          r.scale = s;
          if (n.aux == kMod) {
            if (y->v == 0) {
              return Value::null();
            }
            r.v = x->v % y->v;
          } else {
            r.v = n.aux == kAdd ? x->v + y->v : x->v - y->v;
          }
          break;
        }
        case kNeg:
          r = *x;
          r.v = -r.v;
          break;
        case kMul:
          ok = !__builtin_mul_overflow(x->v, y->v, &r.v);
          r.scale = x->scale + y->scale;
          break;
        default: {  // kDiv: round(x / y * 10^S) = x.v * 10^(S - xs + ys) / y.v, one more
                    // digit to round
          if (y->v == 0) {
            return Value::null();
          }
          const int k = n.type.scale - x->scale + y->scale + 1;
          Dec num{x->v, 0};
          ok = k >= 0 && rescale(num, k);
          Int128 q = num.v / y->v;
          r.v = q >= 0 ? (q + 5) / 10 : (q - 5) / 10;
          r.scale = n.type.scale;
          break;
        }
      }
      if (!ok || !rescale(r, n.type.scale) || digits(r.v) > kMaxDecimalDigits) {
        runtime_error("DECIMAL overflow in " + n.text);
      }
      return dec_value(r, *c.arena);
    }
  }
}

TypeInfo decimal_of(const TypeInfo& t) {
  switch (t.type) {
    case Type::Decimal:
      return t;
    case Type::UInt:
      return TypeInfo{Type::Decimal, 20, 0, 0};
    default:  // an integer: as many digits as its type holds
      return TypeInfo{Type::Decimal, t.precision == 0 ? uint8_t{19} : t.precision, 0, 0};
  }
}

}  // namespace

void Compiler::fail(const Expr& at, const std::string& message) const {
  throw Error(ErrorKind::Config, std::string(what_) + ", at character " +
                                     std::to_string(at.offset + 1) + ": " + message);
}

Node Compiler::compile(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Literal:
      return literal(e);
    case Expr::Kind::Name:
      return name(e);
    case Expr::Kind::Unary: {
      Node inner = compile(e.args[0]);
      Node n;
      if (e.text == "NOT") {
        if (inner.type.type != Type::Bool && inner.type.type != Type::Null) {
          fail(e, std::string("NOT needs a condition, not ") + type_name(inner.type.type));
        }
        n.fn = eval_not;
        n.type.type = Type::Bool;
      } else {
        if (!is_numeric(inner.type.type) || inner.type.type == Type::Bool) {
          fail(e, std::string("cannot negate a ") + type_name(inner.type.type));
        }
        n.fn = eval_arith;
        n.aux = kNeg;
        n.type = inner.type.type == Type::UInt ? decimal_of(inner.type) : inner.type;
        n.text = to_string(e);
      }
      n.args.push_back(std::move(inner));
      return n;
    }
    case Expr::Kind::Binary:
      return binary(e);
    case Expr::Kind::Call: {
      std::vector<Node> args;
      // TIMESTAMPDIFF(unit, ...) and TIMESTAMPADD(unit, ...) take a unit word, not a column.
      const bool unit_first = e.text == "TIMESTAMPDIFF" || e.text == "TIMESTAMPADD";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i == 0 && unit_first && e.args[0].kind == Expr::Kind::Name) {
          Node unit;
          unit.text = e.args[0].text;
          args.push_back(std::move(unit));
          continue;
        }
        args.push_back(compile(e.args[i]));
      }
      return compile_call(*this, e, std::move(args));
    }
    case Expr::Kind::Cast:
      return cast(e);
    case Expr::Kind::IsNull: {
      Node n;
      n.fn = eval_is_null;
      n.type.type = Type::Bool;
      n.flag = e.negated;
      n.args.push_back(compile(e.args[0]));
      return n;
    }
    case Expr::Kind::Between:
    case Expr::Kind::In: {
      Node n;
      n.fn = e.kind == Expr::Kind::In ? eval_in : eval_between;
      n.type.type = Type::Bool;
      n.flag = e.negated;
      n.args.push_back(compile(e.args[0]));
      for (size_t i = 1; i < e.args.size(); ++i) {
        Node x = compile(e.args[i]);
        make_comparable(e.args[i], n.args[0], x, e.kind == Expr::Kind::In ? "IN" : "BETWEEN");
        n.args.push_back(std::move(x));
      }
      return n;
    }
    case Expr::Kind::Like: {
      Node n;
      n.fn = eval_like;
      n.type.type = Type::Bool;
      n.flag = e.negated;
      for (const Expr& a : e.args) {
        Node x = compile(a);
        if (x.type.type != Type::String && x.type.type != Type::Null) {
          fail(a, std::string("LIKE compares text, not ") + type_name(x.type.type));
        }
        n.args.push_back(std::move(x));
      }
      return n;
    }
    case Expr::Kind::Case: {
      Node n;
      n.fn = eval_case;
      n.flag = e.has_else;
      TypeInfo result;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Node x = compile(e.args[i]);
        const bool is_when = i % 2 == 0 && !(e.has_else && i + 1 == e.args.size());
        if (is_when) {
          if (x.type.type != Type::Bool && x.type.type != Type::Null) {
            fail(e.args[i], std::string("WHEN needs a condition, not ") + type_name(x.type.type));
          }
        } else {
          result = common(e.args[i], result, x.type);
        }
        n.args.push_back(std::move(x));
      }
      for (size_t i = 0; i < n.args.size(); ++i) {
        const bool is_when = i % 2 == 0 && !(e.has_else && i + 1 == n.args.size());
        if (!is_when) {
          n.args[i] = convert(std::move(n.args[i]), result);
        }
      }
      n.type = result;
      return n;
    }
  }
  fail(e, "unsupported expression");
}

Node Compiler::literal(const Expr& e) const {
  Node n;
  n.fn = eval_constant;
  switch (e.literal) {
    case Expr::Literal::Null:
      n.type.type = Type::Null;
      break;
    case Expr::Literal::Bool:
      n.type.type = Type::Bool;
      n.constant = Value::boolean(e.text == "TRUE");
      break;
    case Expr::Literal::Integer: {
      int64_t v = 0;
      auto r = std::from_chars(e.text.data(), e.text.data() + e.text.size(), v);
      if (r.ec == std::errc() && r.ptr == e.text.data() + e.text.size()) {
        n.type.type = Type::Int;
        n.type.precision = static_cast<uint8_t>(digits(v));
        n.constant = Value::int64(v);
        break;
      }
      [[fallthrough]];  // too big for BIGINT: an exact decimal
    }
    case Expr::Literal::Decimal: {
      auto d = parse_dec(e.text);
      if (!d) {
        fail(e, "number " + e.text + " has more than 38 digits");
      }
      n.type = TypeInfo{Type::Decimal, cap(std::max(digits(d->v), d->scale)),
                        static_cast<uint8_t>(d->scale), 0};
      n.text = e.text;
      n.fn = [](const Node& self, RowContext&) { return Value::decimal(self.text); };
      break;
    }
    case Expr::Literal::Double:
      n.type.type = Type::Double;
      n.constant = Value::float64(std::strtod(e.text.c_str(), nullptr));
      break;
    case Expr::Literal::String:
      n.type.type = Type::String;
      n.type.length = static_cast<uint32_t>(char_count(e.text));
      n.text = e.text;
      n.fn = eval_text_literal;
      n.flag = true;  // a literal: comparisons may read it as a number or a date
      break;
  }
  return n;
}

Node Compiler::name(const Expr& e) {
  const int i = input_.find_column(e.text);
  Node n;
  if (i >= 0) {
    n.fn = eval_column;
    n.aux = i;
    n.type = type_of(input_.columns()[static_cast<size_t>(i)]);
    if (std::find(inputs.begin(), inputs.end(), i) == inputs.end()) {
      inputs.push_back(static_cast<uint16_t>(i));
    }
    return n;
  }
  if (e.text == kNamespaceName || e.text == kSchemaName || e.text == kTableName) {
    n.fn = eval_table_meta;
    n.aux = e.text == kNamespaceName ? 0 : (e.text == kSchemaName ? 1 : 2);
    n.type = TypeInfo{Type::String, 0, 0, 255};
    return n;
  }
  if (e.text == kEventType) {
    n.fn = eval_event_type;
    n.type = TypeInfo{Type::String, 0, 0, 2};
    return n;
  }
  if (e.text == kOpTs) {
    n.fn = eval_op_ts;
    n.type = TypeInfo{Type::Timestamp, 0, 3, 0};
    return n;
  }
  if (auto a = aliases_.find(e.text); a != aliases_.end()) {
    if (!expanding_.insert(e.text).second) {
      fail(e, "computed column " + e.text + " refers to itself");
    }
    Node out = compile(*a->second);
    expanding_.erase(e.text);
    return out;
  }
  std::string known;
  for (const Column& col : input_.columns()) {
    known += (known.empty() ? "" : ", ") + col.name;
  }
  fail(e, "unknown column " + e.text + " (" + input_.id().str() + " has " + known +
              "; metadata columns: __namespace_name__, __schema_name__, __table_name__, "
              "__data_event_type__, op_ts)");
}

void Compiler::make_comparable(const Expr& at, Node& a, Node& b, const char* what) const {
  const Type x = a.type.type;
  const Type y = b.type.type;
  if (x == Type::Null || y == Type::Null) {
    return;
  }
  auto literal_to = [&](Node& lit, const Node& other) {
    if (!(lit.flag && lit.fn == eval_text_literal)) {
      return false;
    }
    const Type t = other.type.type;
    if (is_temporal(t) || t == Type::Time) {
      auto v =
          parse_temporal(lit.text, t == Type::Date && lit.text.size() > 10 ? Type::DateTime : t);
      if (!v) {
        fail(at, "'" + lit.text + "' is not a " + type_name(t) + " value");
      }
      lit.constant = *v;
      lit.fn = eval_constant;
      lit.type = other.type;
      return true;
    }
    if (is_numeric(t) && t != Type::Bool) {
      auto d = parse_dec(lit.text);
      if (!d) {
        fail(at, "'" + lit.text + "' is not a number");
      }
      lit.fn = [](const Node& self, RowContext&) { return Value::decimal(self.text); };
      lit.type = TypeInfo{Type::Decimal, cap(digits(d->v)), static_cast<uint8_t>(d->scale), 0};
      return true;
    }
    return false;
  };
  if (literal_to(a, b) || literal_to(b, a)) {
    return;
  }
  const bool ok = (is_numeric(x) && is_numeric(y)) || (is_textual(x) && is_textual(y)) ||
                  (is_temporal(x) && is_temporal(y)) || (x == Type::Time && y == Type::Time);
  if (!ok) {
    fail(at, std::string(what) + " cannot compare " + type_name(x) + " with " + type_name(y) +
                 "; CAST one side");
  }
}

TypeInfo Compiler::common(const Expr& at, const TypeInfo& a, const TypeInfo& b) const {
  if (a.type == Type::Null) {
    return b;
  }
  if (b.type == Type::Null) {
    return a;
  }
  if (a.type == b.type) {
    TypeInfo t = a;
    t.length = a.length == 0 || b.length == 0 ? 0 : std::max(a.length, b.length);
    t.scale = std::max(a.scale, b.scale);
    if (a.type == Type::Decimal) {
      const int whole = std::max(a.precision - a.scale, b.precision - b.scale);
      t.precision = cap(whole + t.scale);
    }
    return t;
  }
  if (is_numeric(a.type) && is_numeric(b.type)) {
    if (a.type == Type::Double || b.type == Type::Double) {
      return TypeInfo{Type::Double, 0, 0, 0};
    }
    return common(at, decimal_of(a), decimal_of(b));
  }
  if (is_temporal(a.type) && is_temporal(b.type)) {
    return TypeInfo{Type::DateTime, 0, std::max(a.scale, b.scale), 0};
  }
  if (is_textual(a.type) && is_textual(b.type)) {
    return TypeInfo{Type::String, 0, 0, 0};
  }
  fail(at, std::string("branches have different types, ") + type_name(a.type) + " and " +
               type_name(b.type) + "; CAST one of them");
}

Node Compiler::convert(Node n, const TypeInfo& to) {
  const TypeInfo& from = n.type;
  if (from.type == to.type && (to.type != Type::Decimal || from.scale == to.scale)) {
    n.type = to;
    return n;
  }
  if (from.type == Type::Null) {
    n.type = to;
    return n;
  }
  Node c;
  c.fn = eval_cast;
  c.type = to;
  c.text = type_name(to.type);
  c.flag = false;
  c.args.push_back(std::move(n));
  return c;
}

Node Compiler::cast(const Expr& e) {
  auto to = cast_target(e.text);
  if (!to) {
    fail(e, "unknown type " + e.text + " in CAST");
  }
  Node n;
  n.fn = eval_cast;
  n.type = *to;
  n.text = e.text;
  n.flag = e.try_cast;
  n.args.push_back(compile(e.args[0]));
  return n;
}

Node Compiler::binary(const Expr& e) {
  Node a = compile(e.args[0]);
  Node b = compile(e.args[1]);
  Node n;
  const std::string& op = e.text;
  if (op == "AND" || op == "OR") {
    for (const Node* x : {&a, &b}) {
      if (x->type.type != Type::Bool && x->type.type != Type::Null) {
        fail(e, op + " needs conditions, not " + type_name(x->type.type));
      }
    }
    n.fn = op == "AND" ? eval_and : eval_or;
    n.type.type = Type::Bool;
  } else if (op == "||") {
    n.fn = eval_concat_op;
    n.type = TypeInfo{Type::String, 0, 0,
                      a.type.length == 0 || b.type.length == 0 ? 0 : a.type.length + b.type.length};
  } else if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    make_comparable(e, a, b, op.c_str());
    n.fn = eval_compare;
    n.type.type = Type::Bool;
    n.aux = op == "="    ? kEq
            : op == "<>" ? kNe
            : op == "<"  ? kLt
            : op == "<=" ? kLe
            : op == ">"  ? kGt
                         : kGe;
  } else {
    return arithmetic(e, std::move(a), std::move(b));
  }
  n.args.push_back(std::move(a));
  n.args.push_back(std::move(b));
  return n;
}

Node Compiler::arithmetic(const Expr& e, Node a, Node b) {
  for (const Node* x : {&a, &b}) {
    if ((!is_numeric(x->type.type) || x->type.type == Type::Bool) && x->type.type != Type::Null) {
      fail(e, "arithmetic " + e.text + " needs numbers, not " + type_name(x->type.type));
    }
  }
  Node n;
  n.fn = eval_arith;
  n.text = to_string(e);
  const std::string& op = e.text;
  n.aux = op == "+" ? kAdd : op == "-" ? kSub : op == "*" ? kMul : op == "/" ? kDiv : kMod;
  const TypeInfo& x = a.type;
  const TypeInfo& y = b.type;
  if (x.type == Type::Double || y.type == Type::Double) {
    n.type.type = Type::Double;
  } else if (x.type == Type::Int && y.type == Type::Int && n.aux != kDiv) {
    n.type.type = Type::Int;
  } else if (x.type == Type::Null && y.type == Type::Null) {
    n.type.type = Type::Int;
  } else {
    const TypeInfo dx = decimal_of(x.type == Type::Null ? y : x);
    const TypeInfo dy = decimal_of(y.type == Type::Null ? x : y);
    const int wx = dx.precision - dx.scale;
    const int wy = dy.precision - dy.scale;
    int scale = 0;
    int whole = 0;
    switch (n.aux) {
      case kAdd:
      case kSub:
        scale = std::max(dx.scale, dy.scale);
        whole = std::max(wx, wy) + 1;
        break;
      case kMul:
        scale = dx.scale + dy.scale;
        whole = wx + wy;
        break;
      case kDiv:  // as MySQL: four more fraction digits than the dividend
        scale = dx.scale + 4;
        whole = wx + dy.scale;
        break;
      default:
        scale = std::max(dx.scale, dy.scale);
        whole = std::min(wx, wy);
        break;
    }
    scale = std::min(scale, kMaxDecimalDigits - 1);
    n.type = TypeInfo{Type::Decimal, cap(std::min(whole + scale, kMaxDecimalDigits)),
                      static_cast<uint8_t>(scale), 0};
  }
  n.args.push_back(std::move(a));
  n.args.push_back(std::move(b));
  return n;
}

Compiled::Compiled() = default;
Compiled::Compiled(Compiled&&) noexcept = default;
Compiled& Compiled::operator=(Compiled&&) noexcept = default;
Compiled::~Compiled() = default;

Value Compiled::eval(RowContext& ctx) const { return root_->fn(*root_, ctx); }
const TypeInfo& Compiled::type() const { return root_->type; }

Result<Compiled> compile(const Expr& e, const TableSchema& input, const Aliases& aliases,
                         std::string_view what) {
  try {
    Compiler c(input, aliases, what);
    Node root = c.compile(e);
    Compiled out;
    out.root_ = std::make_unique<Node>(std::move(root));
    out.column_ = out.root_->fn == eval_column ? static_cast<int>(out.root_->aux) : -1;
    out.inputs_ = std::move(c.inputs);
    return out;
  } catch (const Error& err) {
    return err;
  }
}

}  // namespace starcdc::transform
