#include "sources/kafka/table_shapes.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "pipeline/model/columns_json.hpp"

namespace starcdc::kafka {
namespace {

int index_of(const std::vector<Column>& cols, std::string_view name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

SchemaChange change_of(SchemaChangeKind kind, const TableId& table) {
  SchemaChange c;
  c.kind = kind;
  c.table = table;
  return c;
}

}  // namespace

void TableShapes::restore(const TableId& table, std::vector<Column> columns,
                          std::vector<uint16_t> key) {
  Table& t = tables_[table];
  t.schema = registry_.add(table, std::move(columns), std::move(key));
  t.announced = false;
  by_schema_[t.schema] = &t;
  dirty_ = true;
}

const TableSchema* TableShapes::find(const TableId& table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : it->second.schema;
}

void TableShapes::forget(const TableId& table) {
  tables_.erase(table);
  dirty_ = true;
}

const TableSchema* TableShapes::step(Table& t, const TableId& id, std::vector<Column> columns,
                                     std::vector<uint16_t> key) {
  t.schema = registry_.add(id, std::move(columns), std::move(key));
  by_schema_[t.schema] = &t;
  t.names.clear();
  t.index.clear();
  t.checked = nullptr;
  dirty_ = true;
  return t.schema;
}

const TableSchema* TableShapes::resolve(const DecodedMessage& m,
                                        std::vector<SchemaChange>& changes) {
  ++resolves_;  // a new message: images seen before may hold other names now
  Table& t = tables_[m.table];
  // Fast path: the same declared columns as last time and no field the table lacks.
  if (t.schema != nullptr && t.announced && (m.declared.empty() || m.declared == t.last_declared)) {
    bool known = true;
    for (const RowChange& r : m.rows) {
      for (auto image : {r.after, r.before}) {
        if (image.empty()) {
          continue;  // (an insert's before image: no need to drop the cached field order)
        }
        const auto& idx = indexes(t, image);
        known = known && std::find(idx.begin(), idx.end(), -1) == idx.end();
      }
    }
    if (known) {
      return t.schema;
    }
  }
  std::vector<Column> cols;
  std::vector<uint16_t> key;
  if (t.schema != nullptr) {
    cols.assign(t.schema->columns().begin(), t.schema->columns().end());
    key.assign(t.schema->primary_key().begin(), t.schema->primary_key().end());
  }
  const bool created = t.schema == nullptr;
  if (created) {
    cols = m.declared;
  }
  if (t.schema != nullptr && !t.announced) {
    SchemaChange c = change_of(SchemaChangeKind::CreateTable, m.table);
    c.schema = t.schema;
    changes.push_back(std::move(c));
  }
  t.announced = true;
  if (!created && !m.declared.empty() && m.declared != t.last_declared) {
    // Declared columns: gone ones dropped, retyped ones altered, new ones added in place.
    for (size_t i = 0; i < cols.size();) {
      if (index_of(m.declared, cols[i].name) < 0 &&
          std::find(key.begin(), key.end(), static_cast<uint16_t>(i)) == key.end()) {
        SchemaChange c = change_of(SchemaChangeKind::DropColumn, m.table);
        c.column = cols[i].name;
        cols.erase(cols.begin() + static_cast<std::ptrdiff_t>(i));
        for (uint16_t& k : key) {
          k = k > i ? static_cast<uint16_t>(k - 1) : k;
        }
        c.schema = step(t, m.table, cols, key);
        changes.push_back(std::move(c));
      } else {
        ++i;
      }
    }
    for (size_t d = 0; d < m.declared.size(); ++d) {
      const Column& want = m.declared[d];
      const int at = index_of(cols, want.name);
      if (at >= 0) {
        Column& have = cols[static_cast<size_t>(at)];
        // A retype, or a column that became nullable. Added columns are nullable already, so a
        // declared NOT NULL on them is not a change.
        if (have.type != want.type || (want.nullable && !have.nullable)) {
          have.type = want.type;
          have.nullable = have.nullable || want.nullable;
          SchemaChange c = change_of(SchemaChangeKind::AlterColumnType, m.table);
          c.column = want.name;
          c.definition = have;
          c.schema = step(t, m.table, cols, key);
          changes.push_back(std::move(c));
        }
        continue;
      }
      Column added = want;
      added.nullable = true;
      const int after = d == 0 ? -1 : index_of(cols, m.declared[d - 1].name);
      cols.insert(after < 0 ? cols.end() : cols.begin() + after + 1, added);
      for (uint16_t& k : key) {
        k = after >= 0 && k > after ? static_cast<uint16_t>(k + 1) : k;
      }
      SchemaChange c = change_of(SchemaChangeKind::AddColumn, m.table);
      c.column = added.name;
      c.definition = added;
      c.after_column = after < 0 ? "" : cols[static_cast<size_t>(after)].name;
      c.schema = step(t, m.table, cols, key);
      changes.push_back(std::move(c));
    }
  }
  t.last_declared = m.declared;
  // Fields no column holds yet: inferred from their values.
  std::vector<Column> extra;
  for (const RowChange& r : m.rows) {
    for (auto image : {r.after, r.before}) {
      for (const Field& f : image) {
        if (index_of(cols, f.name) >= 0) {
          continue;
        }
        const int seen = index_of(extra, f.name);
        if (seen < 0) {
          extra.push_back(infer_column(f.name, f.value));
        } else if (extra[static_cast<size_t>(seen)].type == "varchar(65533)" &&
                   !f.value.is_null()) {
          extra[static_cast<size_t>(seen)] = infer_column(f.name, f.value);
        }
      }
    }
  }
  if (created) {
    cols.insert(cols.end(), extra.begin(), extra.end());
    for (const std::string& k : m.primary_key) {
      const int i = index_of(cols, k);
      if (i >= 0) {
        key.push_back(static_cast<uint16_t>(i));
        cols[static_cast<size_t>(i)].nullable = false;
      }
    }
    SchemaChange c = change_of(SchemaChangeKind::CreateTable, m.table);
    c.schema = step(t, m.table, std::move(cols), std::move(key));
    changes.push_back(std::move(c));
    return t.schema;
  }
  for (Column& col : extra) {
    col.nullable = true;
    SchemaChange c = change_of(SchemaChangeKind::AddColumn, m.table);
    c.column = col.name;
    c.definition = col;
    c.after_column = cols.empty() ? "" : cols.back().name;
    cols.push_back(col);
    c.schema = step(t, m.table, cols, key);
    changes.push_back(std::move(c));
  }
  return t.schema;
}

const std::vector<int>& TableShapes::indexes(Table& t, std::span<const Field> fields) {
  if (t.checked == fields.data() && t.checked_in == resolves_ && t.names.size() == fields.size()) {
    return t.index;  // this very image, checked by resolve() for this message
  }
  t.checked = fields.data();
  t.checked_in = resolves_;
  bool same = t.names.size() == fields.size();
  for (size_t i = 0; same && i < fields.size(); ++i) {
    same = t.names[i] == fields[i].name;
  }
  if (!same) {
    t.names.assign(fields.size(), {});
    t.index.assign(fields.size(), -1);
    for (size_t i = 0; i < fields.size(); ++i) {
      t.names[i] = fields[i].name;
      t.index[i] = t.schema->find_column(fields[i].name);
    }
  }
  return t.index;
}

bool TableShapes::fill(const TableSchema* schema, std::span<const Field> fields,
                       std::vector<Value>& values, std::vector<uint64_t>& mask) {
  auto it = by_schema_.find(schema);
  const size_t n = schema->columns().size();
  values.assign(n, Value::null());
  mask.assign((n + 63) / 64, 0);
  if (it == by_schema_.end() || it->second->schema != schema) {
    return false;
  }
  const auto& idx = indexes(*it->second, fields);
  size_t seen = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    const int c = idx[i];
    if (c < 0) {
      continue;
    }
    const auto u = static_cast<size_t>(c);
    if ((mask[u / 64] & (uint64_t{1} << (u % 64))) == 0) {
      ++seen;
    }
    mask[u / 64] |= uint64_t{1} << (u % 64);
    values[u] = fields[i].value;
  }
  return seen == n;
}

std::string TableShapes::json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [id, t] : tables_) {
    if (t.schema == nullptr) {
      continue;
    }
    const std::string name = id.str();
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    write_columns_json(w, t.schema->columns(), t.schema->primary_key());
    w.EndObject();
  }
  w.EndObject();
  dirty_ = false;
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace starcdc::kafka
