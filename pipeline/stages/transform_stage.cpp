#include "pipeline/stages/transform_stage.hpp"

#include <algorithm>
#include <set>

#include "pipeline/common/assert.hpp"

namespace starcdc {
namespace {

using transform::Compiled;
using transform::Expr;

std::string rule_label(size_t index, const config::TransformRule& r) {
  return "transform rule " + std::to_string(index + 1) + " (source-table " +
         r.options.get_string("source-table") + ")";
}

// Parses one rule; throws Error(Config) with the rule's label.
TransformStage::Rule parse_rule(size_t index, const config::TransformRule& r) {
  TransformStage::Rule rule;
  rule.label = rule_label(index, r);
  rule.place = r.where.str();
  auto fail = [&](const std::string& message) {
    throw Error(ErrorKind::Config, rule.label + ": " + message, r.where.str());
  };
  std::string error;
  auto pattern = config::TablePattern::parse(r.options.get_string("source-table"), &error);
  if (!pattern) {
    fail("source-table: " + error);
  }
  rule.source = std::move(*pattern);
  for (const char* key : {"partition-keys", "table-options"}) {
    if (r.options.has(key)) {
      fail(std::string(key) +
           " is not supported: starcdc creates StarRocks tables itself; set the sink's "
           "table.create.properties.* instead");
    }
  }
  if (r.options.has("projection")) {
    auto items = transform::parse_projection(r.options.get_string("projection"));
    if (!items.ok()) {
      fail(items.error().what());
    }
    rule.has_projection = true;
    rule.projection = std::move(items).value();
  }
  if (r.options.has("filter")) {
    auto e = transform::parse_expression(r.options.get_string("filter"), "filter");
    if (!e.ok()) {
      fail(e.error().what());
    }
    rule.filter = std::move(e).value();
  }
  if (r.options.has("primary-keys")) {
    rule.primary_keys = r.options.get_list("primary-keys");
  }
  rule.soft_delete = r.options.has("converter-after-transform") &&
                     r.options.get_string("converter-after-transform") == "SOFT_DELETE";
  return rule;
}

const char* event_type(Op op, bool before) {
  switch (op) {
    case Op::Delete:
      return "-D";
    case Op::Update:
      return before ? "-U" : "+U";
    default:
      return "+I";
  }
}

bool all_present(const RowImage& image, const std::vector<uint16_t>& inputs) {
  return std::all_of(inputs.begin(), inputs.end(),
                     [&](uint16_t i) { return i < image.values.size() && image.present.has(i); });
}

}  // namespace

std::vector<TransformStage::Rule> TransformStage::rules_from(
    const std::vector<config::TransformRule>& rules) {
  std::vector<Rule> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    out.push_back(parse_rule(i, rules[i]));
  }
  return out;
}

void TransformStage::check(const std::vector<config::TransformRule>& rules,
                           config::Diagnostics& diags) {
  for (size_t i = 0; i < rules.size(); ++i) {
    try {
      parse_rule(i, rules[i]);
    } catch (const Error& e) {
      diags.error(rules[i].where, e.what());
    }
  }
}

TransformStage::TransformStage(Emitter& next, std::vector<Rule> rules)
    : Stage(next), rules_(std::move(rules)) {}

const TransformStage::Rule* TransformStage::match(const TableId& table) const {
  for (const Rule& r : rules_) {
    if (r.source.matches(table.database, table.table)) {
      return &r;
    }
  }
  return nullptr;
}

const TransformStage::Plan* TransformStage::plan_for(const TableSchema* schema) {
  if (schema == last_schema_) {
    return last_plan_;
  }
  auto [it, inserted] = plans_.try_emplace(schema);
  if (inserted) {
    if (const Rule* r = match(schema->id())) {
      try {
        it->second = build(*r, *schema);
      } catch (...) {
        plans_.erase(it);
        throw;
      }
    }
  }
  last_schema_ = schema;
  last_plan_ = it->second.get();
  return last_plan_;
}

const TableSchema* TransformStage::output_schema(const TableSchema& in, std::vector<Column> columns,
                                                 std::vector<uint16_t> key) {
  auto prev = outputs_.find(in.id());
  if (prev != outputs_.end() && prev->second != nullptr &&
      std::equal(columns.begin(), columns.end(), prev->second->columns().begin(),
                 prev->second->columns().end()) &&
      std::equal(key.begin(), key.end(), prev->second->primary_key().begin(),
                 prev->second->primary_key().end())) {
    return prev->second;
  }
  const uint32_t version = ++versions_[in.id()];
  owned_.push_back(
      std::make_unique<TableSchema>(in.id(), version, std::move(columns), std::move(key)));
  return owned_.back().get();
}

std::unique_ptr<TransformStage::Plan> TransformStage::build(const Rule& rule,
                                                            const TableSchema& in) {
  auto plan = std::make_unique<Plan>();
  plan->rule = &rule;
  auto fail = [&](const std::string& message) {
    throw Error(ErrorKind::Config,
                rule.label + " at " + rule.place + ", on " + in.id().str() + ": " + message,
                in.id().str(),
                "change the rule to fit the table's columns and restart; the pipeline resumes "
                "from its last checkpoint, before this change");
  };
  transform::Aliases aliases;
  for (const auto& item : rule.projection) {
    if (!item.star && !item.alias.empty()) {
      aliases.emplace(item.alias, &item.expr);
    }
  }
  std::vector<Column> columns;
  auto add = [&](Compiled c, Column col) {
    if (std::any_of(columns.begin(), columns.end(),
                    [&](const Column& x) { return x.name == col.name; })) {
      fail("the projection gives two columns named " + col.name + "; rename one with AS");
    }
    columns.push_back(std::move(col));
    plan->columns.push_back(std::move(c));
  };
  if (!rule.has_projection) {
    plan->identity = true;
  }
  for (const auto& item : rule.projection) {
    if (item.star) {
      for (const Column& col : in.columns()) {
        Expr name;
        name.kind = Expr::Kind::Name;
        name.text = col.name;
        add(transform::compile(name, in, {}, "projection").take(), col);
      }
      continue;
    }
    auto compiled = transform::compile(item.expr, in, aliases, "projection");
    if (!compiled.ok()) {
      fail(compiled.error().what());
    }
    Compiled c = std::move(compiled).value();
    Column col;
    if (c.column() >= 0) {
      col = in.columns()[static_cast<size_t>(c.column())];
    } else {
      col.type = transform::column_type(c.type());
      col.nullable = true;
    }
    if (!item.alias.empty()) {
      col.name = item.alias;
    } else if (item.expr.kind == Expr::Kind::Name) {
      col.name = item.expr.text;
    } else {
      fail("projection, at character " + std::to_string(item.offset + 1) + ": " +
           transform::to_string(item.expr) + " needs a name: add AS name");
    }
    add(std::move(c), std::move(col));
  }
  if (rule.filter) {
    auto f = transform::compile(*rule.filter, in, aliases, "filter");
    if (!f.ok()) {
      fail(f.error().what());
    }
    if (f.value().type().type != transform::Type::Bool &&
        f.value().type().type != transform::Type::Null) {
      fail(std::string("filter must be a condition, not ") +
           transform::type_name(f.value().type().type));
    }
    plan->filter = std::move(f).value();
  }
  if (plan->identity && rule.primary_keys.empty()) {
    plan->out = &in;
    outputs_[in.id()] = &in;
    return plan;
  }
  if (plan->identity) {
    columns.assign(in.columns().begin(), in.columns().end());
  }
  std::vector<uint16_t> key;
  if (!rule.primary_keys.empty()) {
    for (const std::string& name : rule.primary_keys) {
      auto it = std::find_if(columns.begin(), columns.end(),
                             [&](const Column& c) { return c.name == name; });
      if (it == columns.end()) {
        fail("primary-keys names " + name + ", which the projection does not give");
      }
      key.push_back(static_cast<uint16_t>(it - columns.begin()));
    }
  } else {
    for (uint16_t k : in.primary_key()) {
      auto it = std::find_if(plan->columns.begin(), plan->columns.end(),
                             [&](const Compiled& c) { return c.column() == k; });
      if (it == plan->columns.end()) {
        fail("the projection leaves out " + in.columns()[k].name + ", a primary key column of " +
             in.id().str() + "; project it or set primary-keys");
      }
      key.push_back(static_cast<uint16_t>(it - plan->columns.begin()));
    }
  }
  for (uint16_t k : key) {
    columns[k].nullable = false;
  }
  if (plan->identity) {
    plan->columns.clear();  // rows keep their values; only the key differs
  }
  plan->out = output_schema(in, std::move(columns), std::move(key));
  outputs_[in.id()] = plan->out;
  return plan;
}

void TransformStage::rethrow(const Plan& p, const ChangeEvent& e, const Error& err,
                             const std::string& column) const {
  throw Error(ErrorKind::Data,
              p.rule->label + " at " + p.rule->place + ", " + column + " of a row of " +
                  e.schema->id().str() + ": " + err.what(),
              e.schema->id().str(),
              "fix the expression (TRY_CAST gives NULL where CAST stops), or the row upstream");
}

bool TransformStage::passes(const Plan& p, const RowImage& image, std::string_view type,
                            const ChangeEvent& e) {
  // An image lacking a column the filter reads (binlog_row_image=MINIMAL) cannot be judged:
  // it passes (a delete of a row the table never held changes nothing).
  if (!p.filter || !all_present(image, p.filter->inputs())) {
    return true;
  }
  transform::RowContext ctx{image.values, image.present, &e.schema->id(), type, e.commit_ms, 0,
                            &arena_};
  try {
    const Value v = p.filter->eval(ctx);
    return !v.is_null() && v.i != 0;
  } catch (const Error& err) {
    rethrow(p, e, err, "the filter");
  }
}

RowImage TransformStage::project(const Plan& p, const RowImage& image, std::string_view type,
                                 const ChangeEvent& e, std::vector<Value>& values,
                                 std::vector<uint64_t>& mask) {
  if (p.identity) {
    return image;
  }
  const size_t n = p.columns.size();
  values.assign(n, Value::null());
  mask.assign((n + 63) / 64, 0);
  bool all = true;
  transform::RowContext ctx{image.values, image.present, &e.schema->id(), type, e.commit_ms, 0,
                            &arena_};
  for (size_t i = 0; i < n; ++i) {
    const Compiled& c = p.columns[i];
    if (!all_present(image, c.inputs())) {
      all = false;
      continue;
    }
    mask[i / 64] |= uint64_t{1} << (i % 64);
    if (c.column() >= 0) {
      values[i] = image.values[static_cast<size_t>(c.column())];
      continue;
    }
    try {
      values[i] = c.eval(ctx);
    } catch (const Error& err) {
      rethrow(p, e, err, "column " + p.out->columns()[i].name);
    }
  }
  return RowImage{values, ColumnMask{all ? nullptr : mask.data()}};
}

void TransformStage::event(const ChangeEvent& e) {
  const Plan* p = plan_for(e.schema);
  if (p == nullptr) {
    next_.event(e);
    return;
  }
  arena_.reset();
  ChangeEvent out;
  out.schema = p->out;
  out.commit_ms = e.commit_ms;
  const bool soft = p->rule->soft_delete;
  switch (e.op) {
    case Op::Insert:
    case Op::Read:
      if (!passes(*p, e.after, "+I", e)) {
        return;
      }
      out.op = e.op;
      out.after = project(*p, e.after, "+I", e, after_, after_mask_);
      break;
    case Op::Delete:
      if (!passes(*p, e.before, "-D", e)) {
        return;
      }
      out.op = soft ? Op::Insert : Op::Delete;
      (soft ? out.after : out.before) = project(*p, e.before, "-D", e, before_, before_mask_);
      break;
    case Op::Update: {
      // An image lacking what the filter reads (MINIMAL) is judged as the other one.
      const bool after_known = !p->filter || all_present(e.after, p->filter->inputs());
      const bool before_known = !p->filter || all_present(e.before, p->filter->inputs());
      bool after_in = passes(*p, e.after, "+U", e);
      bool before_in = passes(*p, e.before, "-U", e);
      if (!after_known && before_known) {
        after_in = before_in;
      } else if (!before_known && after_known) {
        before_in = after_in;
      }
      if (before_in && after_in) {
        out.op = Op::Update;
        out.before = project(*p, e.before, event_type(Op::Update, true), e, before_, before_mask_);
        out.after = project(*p, e.after, event_type(Op::Update, false), e, after_, after_mask_);
      } else if (after_in) {
        out.op = Op::Insert;
        out.after = project(*p, e.after, "+U", e, after_, after_mask_);
      } else if (before_in) {
        out.op = soft ? Op::Insert : Op::Delete;
        (soft ? out.after : out.before) = project(*p, e.before, "-D", e, before_, before_mask_);
      } else {
        return;
      }
      break;
    }
  }
  next_.event(out);
}

void TransformStage::schema_change(const SchemaChange& c) {
  const Rule* rule = match(c.table);
  if (rule == nullptr) {
    next_.schema_change(c);
    return;
  }
  if (c.kind == SchemaChangeKind::DropTable) {
    outputs_.erase(c.table);
    next_.schema_change(c);
    return;
  }
  auto prev_it = outputs_.find(c.table);
  const TableSchema* prev = prev_it == outputs_.end() ? nullptr : prev_it->second;
  const Plan* p = plan_for(c.schema);
  STARCDC_CHECK(p != nullptr, "a transform rule matched the table but made no plan");
  if (c.kind == SchemaChangeKind::CreateTable || c.kind == SchemaChangeKind::TruncateTable ||
      prev == nullptr) {
    SchemaChange copy = c;
    if (c.kind != SchemaChangeKind::TruncateTable) {
      copy.kind = SchemaChangeKind::CreateTable;
    }
    copy.schema = p->out;
    next_.schema_change(copy);
    return;
  }
  if (p->identity && p->out == c.schema) {
    next_.schema_change(c);
    return;
  }
  forward_diff(c, prev, p->out);
}

void TransformStage::forward_diff(const SchemaChange& c, const TableSchema* prev,
                                  const TableSchema* now) {
  if (prev == now) {
    return;  // the change does not reach the result (a column the projection leaves out)
  }
  std::vector<Column> cols(prev->columns().begin(), prev->columns().end());
  auto index = [&](const std::vector<Column>& v, const std::string& name) {
    auto it = std::find_if(v.begin(), v.end(), [&](const Column& x) { return x.name == name; });
    return it == v.end() ? -1 : static_cast<int>(it - v.begin());
  };
  const std::vector<Column> target(now->columns().begin(), now->columns().end());
  std::vector<SchemaChange> steps;
  auto step = [&](SchemaChange s) {
    const uint32_t version = ++versions_[c.table];
    std::vector<uint16_t> key;
    for (uint16_t k : now->primary_key()) {
      const int i = index(cols, target[k].name);
      if (i >= 0) {
        key.push_back(static_cast<uint16_t>(i));
      }
    }
    owned_.push_back(std::make_unique<TableSchema>(c.table, version, cols, std::move(key)));
    s.schema = owned_.back().get();
    steps.push_back(std::move(s));
  };
  SchemaChange base = c;
  base.column.clear();
  base.new_name.clear();
  base.default_value.clear();
  base.after_column.clear();
  if (c.kind == SchemaChangeKind::RenameColumn && index(cols, c.column) >= 0 &&
      index(target, c.column) < 0 && index(target, c.new_name) >= 0 &&
      index(cols, c.new_name) < 0) {
    cols[static_cast<size_t>(index(cols, c.column))].name = c.new_name;
    SchemaChange s = base;
    s.kind = SchemaChangeKind::RenameColumn;
    s.column = c.column;
    s.new_name = c.new_name;
    step(std::move(s));
  }
  for (size_t i = 0; i < cols.size();) {
    if (index(target, cols[i].name) < 0) {
      SchemaChange s = base;
      s.kind = SchemaChangeKind::DropColumn;
      s.column = cols[i].name;
      cols.erase(cols.begin() + static_cast<std::ptrdiff_t>(i));
      step(std::move(s));
    } else {
      ++i;
    }
  }
  for (size_t i = 0; i < target.size(); ++i) {
    if (index(cols, target[i].name) >= 0) {
      continue;
    }
    SchemaChange s = base;
    s.kind = SchemaChangeKind::AddColumn;
    s.column = target[i].name;
    s.definition = target[i];
    s.after_column = i == 0 ? "" : target[i - 1].name;
    if (c.kind == SchemaChangeKind::AddColumn && c.column == target[i].name) {
      s.default_value = c.default_value;
    }
    const int after = i == 0 ? -1 : index(cols, target[i - 1].name);
    cols.insert(after < 0 ? cols.end() : cols.begin() + after + 1, target[i]);
    step(std::move(s));
  }
  for (const Column& t : target) {
    const int i = index(cols, t.name);
    if (i >= 0 && !(cols[static_cast<size_t>(i)] == t)) {
      cols[static_cast<size_t>(i)] = t;
      SchemaChange s = base;
      s.kind = SchemaChangeKind::AlterColumnType;
      s.column = t.name;
      s.definition = t;
      step(std::move(s));
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i + 1 == steps.size() && steps[i].schema->same_shape(*now)) {
      steps[i].schema = now;
    }
    next_.schema_change(steps[i]);
  }
}

}  // namespace starcdc
