#include "pipeline/stages/schema_stage.hpp"

#include <algorithm>
#include <cstdlib>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc {
namespace {

constexpr std::string_view kComponent = "pipeline.schema";

bool matches(const std::string& name, SchemaChangeKind kind) {
  const std::string full = schema_change_name(kind);  // e.g. "add.column"
  if (name == full) {
    return true;
  }
  // A family is one part of the dotted name: "drop" (drop.column, drop.table), "column"
  // (every column event), "table".
  size_t start = 0;
  while (start <= full.size()) {
    size_t dot = full.find('.', start);
    if (dot == std::string::npos) {
      dot = full.size();
    }
    if (name == full.substr(start, dot - start)) {
      return true;
    }
    start = dot + 1;
  }
  return false;
}

int index_of(std::span<const Column> cols, const std::string& name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string describe(const SchemaChange& c) {
  std::string s = std::string(schema_change_name(c.kind)) + " on " + c.table.str();
  if (!c.column.empty()) {
    s += " (column " + c.column + (c.new_name.empty() ? "" : " to " + c.new_name) + ")";
  }
  return s;
}

// Integer and text types ordered by what they hold; a change within a family to a later one (or
// a longer length) only widens.
int integer_rank(const std::string& t) {
  static const char* kRanks[] = {"tinyint", "smallint", "mediumint", "int", "bigint"};
  for (int i = 0; i < 5; ++i) {
    const std::string k = kRanks[i];
    if (t == k || t == k + " unsigned") {
      return i * 2 + (t.size() > k.size() ? 1 : 0);
    }
  }
  return -1;
}

// "varchar(20)" → ("varchar", 20); ("decimal", 12, 2) for decimal(12,2).
bool sized(const std::string& t, std::string& base, long& a, long& b) {
  const size_t open = t.find('(');
  if (open == std::string::npos || t.back() != ')') {
    return false;
  }
  base = t.substr(0, open);
  const std::string args = t.substr(open + 1, t.size() - open - 2);
  const size_t comma = args.find(',');
  a = std::strtol(args.c_str(), nullptr, 10);
  b = comma == std::string::npos ? 0 : std::strtol(args.c_str() + comma + 1, nullptr, 10);
  return true;
}

// True when a column of type `from` can take type `to` in StarRocks without losing values.
bool widens(const std::string& from, const std::string& to) {
  if (from == to) {
    return true;
  }
  const int rf = integer_rank(from);
  const int rt = integer_rank(to);
  if (rf >= 0 && rt >= 0) {
    const int size_from = rf / 2;
    const int size_to = rt / 2;
    const bool unsigned_from = (rf % 2) == 1;
    const bool unsigned_to = (rt % 2) == 1;
    if (unsigned_from == unsigned_to) {
      return size_to >= size_from;
    }
    return unsigned_from && size_to > size_from;  // signed → unsigned loses the negatives
  }
  std::string bf, bt;
  long af = 0, bf2 = 0, at = 0, bt2 = 0;
  if (sized(from, bf, af, bf2) && sized(to, bt, at, bt2)) {
    if ((bf == "varchar" || bf == "char") && bt == "varchar") {
      return at >= af;
    }
    if (bf == "decimal" && bt == "decimal") {
      return bt2 >= bf2 && at - bt2 >= af - bf2;
    }
  }
  return false;
}

}  // namespace

std::optional<SchemaBehavior> schema_behavior_from(const std::string& name) {
  if (name == "exception") {
    return SchemaBehavior::Exception;
  }
  if (name == "evolve") {
    return SchemaBehavior::Evolve;
  }
  if (name == "try_evolve") {
    return SchemaBehavior::TryEvolve;
  }
  if (name == "lenient") {
    return SchemaBehavior::Lenient;
  }
  if (name == "ignore") {
    return SchemaBehavior::Ignore;
  }
  return std::nullopt;
}

std::set<SchemaChangeKind> allowed_schema_changes(SchemaBehavior behavior,
                                                  const std::vector<std::string>& include,
                                                  const std::vector<std::string>& exclude,
                                                  bool exclude_given) {
  static constexpr SchemaChangeKind kAll[] = {
      SchemaChangeKind::CreateTable,     SchemaChangeKind::AddColumn,
      SchemaChangeKind::DropColumn,      SchemaChangeKind::RenameColumn,
      SchemaChangeKind::AlterColumnType, SchemaChangeKind::TruncateTable,
      SchemaChangeKind::DropTable};
  std::set<SchemaChangeKind> out;
  for (const SchemaChangeKind k : kAll) {
    bool in = include.empty() || std::any_of(include.begin(), include.end(),
                                             [&](const std::string& n) { return matches(n, k); });
    if (std::any_of(exclude.begin(), exclude.end(),
                    [&](const std::string& n) { return matches(n, k); })) {
      in = false;
    }
    if (behavior == SchemaBehavior::Lenient && !exclude_given &&
        (k == SchemaChangeKind::TruncateTable || k == SchemaChangeKind::DropTable)) {
      in = false;
    }
    if (in || k == SchemaChangeKind::CreateTable) {
      out.insert(k);
    }
  }
  return out;
}

SchemaStage::SchemaStage(Emitter& next, SchemaBehavior behavior, std::set<SchemaChangeKind> allowed)
    : Stage(next), behavior_(behavior), allowed_(std::move(allowed)) {}

void SchemaStage::restore(const TableId& table, uint32_t version, std::vector<Column> columns,
                          std::vector<uint16_t> primary_key) {
  owned_.push_back(
      std::make_unique<TableSchema>(table, version, std::move(columns), std::move(primary_key)));
  View& v = views_[table];
  v.sink = owned_.back().get();
  v.maps.clear();
  last_schema_ = nullptr;
  by_schema_.clear();
}

const TableSchema* SchemaStage::make_view(const View& v, const TableSchema& base,
                                          std::vector<Column> columns) {
  std::vector<uint16_t> key;
  for (const uint16_t k : base.primary_key()) {
    const int i = index_of(columns, base.columns()[k].name);
    if (i >= 0) {
      key.push_back(static_cast<uint16_t>(i));
    }
  }
  const uint32_t version = v.sink != nullptr ? v.sink->version() + 1 : base.version();
  owned_.push_back(std::make_unique<TableSchema>(base.id(), version, std::move(columns), key));
  return owned_.back().get();
}

const SchemaStage::Mapping& SchemaStage::mapping(View& v, const TableSchema* source) {
  auto it = v.maps.find(source);
  if (it != v.maps.end()) {
    return it->second;
  }
  Mapping m;
  m.identity = source->columns().size() == v.sink->columns().size();
  for (size_t i = 0; i < v.sink->columns().size(); ++i) {
    const int from = source->find_column(v.sink->columns()[i].name);
    m.from.push_back(from);
    m.identity = m.identity && from == static_cast<int>(i);
  }
  return v.maps.emplace(source, std::move(m)).first->second;
}

RowImage SchemaStage::project(const RowImage& in, const Mapping& m, std::vector<Value>& values,
                              std::vector<uint64_t>& mask) const {
  if (in.empty()) {
    return in;
  }
  values.assign(m.from.size(), Value::null());
  const bool partial = in.present.words != nullptr;
  if (partial) {
    mask.assign((m.from.size() + 63) / 64, 0);
  }
  for (size_t i = 0; i < m.from.size(); ++i) {
    const int f = m.from[i];
    if (f >= 0 && static_cast<size_t>(f) < in.values.size()) {
      values[i] = in.values[static_cast<size_t>(f)];
      if (partial && in.present.has(static_cast<size_t>(f))) {
        mask[i / 64] |= uint64_t{1} << (i % 64);
      }
    }
    // A column the source no longer has: NULL in a full image, untouched in a partial one.
  }
  RowImage out;
  out.values = values;
  out.present.words = partial ? mask.data() : nullptr;
  return out;
}

void SchemaStage::event(const ChangeEvent& e) {
  // The view and mapping of a schema are looked up by its pointer (by name only once).
  if (e.schema != last_schema_) {
    last_schema_ = e.schema;
    auto cached = by_schema_.find(e.schema);
    if (cached == by_schema_.end()) {
      auto it = views_.find(e.schema->id());
      View* v = it == views_.end() || it->second.sink == e.schema ? nullptr : &it->second;
      cached = by_schema_
                   .emplace(e.schema, std::pair{v, v == nullptr ? nullptr : &mapping(*v, e.schema)})
                   .first;
    }
    last_view_ = cached->second.first;
    last_map_ = cached->second.second;
  }
  if (last_view_ == nullptr) {
    next_.event(e);
    return;
  }
  View& v = *last_view_;
  const Mapping& m = *last_map_;
  if (m.identity) {
    ChangeEvent same = e;
    same.schema = v.sink;
    next_.event(same);
    return;
  }
  ChangeEvent out = e;
  out.schema = v.sink;
  out.before = project(e.before, m, before_, before_mask_);
  out.after = project(e.after, m, after_, after_mask_);
  next_.event(out);
}

void SchemaStage::forward(const SchemaChange& c, View& v, const TableSchema* now) {
  SchemaChange copy = c;
  copy.schema = now;
  v.sink = now;
  next_.schema_change(copy);
}

void SchemaStage::known_table_created(const SchemaChange& c, View& v) {
  // The table again (a restart of its copy, another shard of a merged table): the view becomes
  // the union, new columns nullable; the sink adds the ones it lacks.
  std::vector<Column> cols(v.sink->columns().begin(), v.sink->columns().end());
  bool grew = false;
  for (const Column& col : c.schema->columns()) {
    if (index_of(cols, col.name) < 0) {
      if (behavior_ == SchemaBehavior::Exception) {
        throw Error(ErrorKind::Data,
                    "the source's columns of " + c.table.str() + " changed (new column " +
                        col.name + ") and pipeline.schema.change.behavior is exception",
                    c.table.str(), "set schema.change.behavior to lenient or evolve");
      }
      if (behavior_ == SchemaBehavior::Ignore) {
        continue;
      }
      Column added = col;
      added.nullable = true;
      cols.push_back(std::move(added));
      grew = true;
    }
  }
  if (grew) {
    forward(c, v, make_view(v, *c.schema, std::move(cols)));
  } else {
    SchemaChange copy = c;
    copy.schema = v.sink;
    next_.schema_change(copy);
  }
}

void SchemaStage::lenient(const SchemaChange& c, View& v) {
  std::vector<Column> cols(v.sink->columns().begin(), v.sink->columns().end());
  auto make_nullable = [&](const std::string& name) {
    const int i = index_of(cols, name);
    if (i < 0 || cols[static_cast<size_t>(i)].nullable) {
      return;
    }
    cols[static_cast<size_t>(i)].nullable = true;
    SchemaChange alter = c;
    alter.kind = SchemaChangeKind::AlterColumnType;
    alter.column = name;
    alter.new_name.clear();
    alter.definition = cols[static_cast<size_t>(i)];
    forward(alter, v, make_view(v, *v.sink, cols));
  };
  auto add = [&](Column col, const std::string& after) {
    if (index_of(cols, col.name) >= 0) {
      return;
    }
    col.nullable = true;
    const int pos = after.empty() ? -1 : index_of(cols, after);
    cols.insert(pos < 0 ? cols.end() : cols.begin() + pos + 1, col);
    SchemaChange addc = c;
    addc.kind = SchemaChangeKind::AddColumn;
    addc.column = col.name;
    addc.new_name.clear();
    addc.definition = col;
    addc.after_column = pos < 0 ? (cols.size() > 1 ? cols[cols.size() - 2].name : "") : after;
    forward(addc, v, make_view(v, *v.sink, cols));
  };
  switch (c.kind) {
    case SchemaChangeKind::AddColumn:
      add(c.definition, c.after_column);
      return;
    case SchemaChangeKind::DropColumn:
      make_nullable(c.column);
      return;
    case SchemaChangeKind::RenameColumn: {
      make_nullable(c.column);
      const int src = c.schema == nullptr ? -1 : c.schema->find_column(c.new_name);
      if (src >= 0) {
        add(c.schema->columns()[static_cast<size_t>(src)], c.column);
      }
      return;
    }
    case SchemaChangeKind::AlterColumnType: {
      const int i = index_of(cols, c.column);
      if (i < 0) {
        return;
      }
      Column def = c.definition;
      def.nullable = def.nullable || cols[static_cast<size_t>(i)].nullable;
      cols[static_cast<size_t>(i)] = def;
      SchemaChange alter = c;
      alter.definition = def;
      forward(alter, v, make_view(v, *v.sink, cols));
      return;
    }
    default:
      forward(c, v, v.sink);  // an explicitly kept TRUNCATE
      return;
  }
}

void SchemaStage::schema_change(const SchemaChange& c) {
  last_schema_ = nullptr;  // views change below
  by_schema_.clear();
  auto it = views_.find(c.table);
  if (c.kind == SchemaChangeKind::CreateTable) {
    if (it == views_.end()) {
      View& v = views_[c.table];
      forward(c, v, c.schema);
      return;
    }
    known_table_created(c, it->second);
    return;
  }
  if (it == views_.end()) {
    next_.schema_change(c);  // a table the sink has not seen: nothing to map
    return;
  }
  View& v = it->second;
  if (behavior_ == SchemaBehavior::Exception) {
    throw Error(
        ErrorKind::Data,
        "schema change " + describe(c) + " and pipeline.schema.change.behavior is exception",
        c.position_before.json(), "set schema.change.behavior to lenient or evolve");
  }
  if (behavior_ == SchemaBehavior::Ignore || allowed_.count(c.kind) == 0) {
    log::info(kComponent, "Schema change not applied to the sink.",
              {{"change", describe(c)},
               {"why", behavior_ == SchemaBehavior::Ignore
                           ? std::string_view("schema.change.behavior: ignore")
                           : std::string_view("excluded by the sink's schema change lists")}});
    return;  // rows keep the view's columns
  }
  if (c.kind == SchemaChangeKind::DropTable) {
    next_.schema_change(c);
    views_.erase(it);  // a table of that name created later starts afresh
    return;
  }
  if (behavior_ == SchemaBehavior::Lenient) {
    lenient(c, v);
    return;
  }
  if (behavior_ == SchemaBehavior::TryEvolve) {
    // What StarRocks cannot do is skipped (rows keep the sink's columns) instead of failing.
    const int col = c.column.empty() ? -1 : v.sink->find_column(c.column);
    const bool key =
        col >= 0 && std::find(v.sink->primary_key().begin(), v.sink->primary_key().end(),
                              static_cast<uint16_t>(col)) != v.sink->primary_key().end();
    const char* why = nullptr;
    if (key && c.kind != SchemaChangeKind::AddColumn) {
      why = "StarRocks cannot change a key column";
    } else if (c.kind == SchemaChangeKind::AlterColumnType && col >= 0 &&
               !widens(v.sink->columns()[static_cast<size_t>(col)].type, c.definition.type)) {
      why = "StarRocks cannot narrow or convert a column's type";
    }
    if (why != nullptr) {
      log::warn(kComponent, "Schema change not applied to the sink.",
                {{"change", describe(c)}, {"why", std::string_view(why)}});
      return;
    }
  }
  const TableSchema* now = c.schema == nullptr ? v.sink : c.schema;
  if (now != v.sink && now->version() <= v.sink->version()) {
    // Versions name the sink's schema files: keep them rising per sink table.
    now = make_view(v, *now, std::vector<Column>(now->columns().begin(), now->columns().end()));
  }
  forward(c, v, now);
}

}  // namespace starcdc
