#include "catalog.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace emu {

std::string lower_name(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return r;
}

std::string now_datetime_text() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

int Table::column_index(std::string_view n) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i].name;
    if (c.size() == n.size() &&
        std::equal(c.begin(), c.end(), n.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string Table::encode_key(const Row& row) const {
  std::string key;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].is_key) {
      append_key_encoding(columns[i].type, row[i] ? *row[i] : std::string_view(), &key);
    }
  }
  return key;
}

Row Table::default_row() const {
  Row r(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].default_current_timestamp) {
      r[i] = now_datetime_text();
    } else if (columns[i].default_value) {
      r[i] = columns[i].default_value;
    } else if (!columns[i].nullable) {
      r[i].emplace(columns[i].type.is_numeric() ? 1 : 0, '0');
    }
  }
  return r;
}

void Table::apply(RowOp&& op, const std::string& merge_condition) {
  if (keys_type == KeysType::kDuplicate) {
    dup_rows_.push_back(std::move(op.values));
    return;
  }
  std::string key = encode_key(op.values);
  if (op.is_delete) {
    pk_rows_.erase(key);
    return;
  }
  auto it = pk_rows_.find(key);
  if (it == pk_rows_.end()) {
    if (op.present.empty()) {
      pk_rows_.emplace(std::move(key), std::move(op.values));
    } else {
      Row r = default_row();
      for (size_t i = 0; i < columns.size(); ++i) {
        if (op.present[i]) {
          r[i] = std::move(op.values[i]);
        }
      }
      pk_rows_.emplace(std::move(key), std::move(r));
    }
    return;
  }
  if (!merge_condition.empty()) {
    int ci = column_index(merge_condition);
    if (ci >= 0) {
      const Cell& old_v = it->second[static_cast<size_t>(ci)];
      const Cell& new_v = op.values[static_cast<size_t>(ci)];
      if (old_v && (!new_v || compare_values(columns[static_cast<size_t>(ci)].type, *new_v,
                                             *old_v) < 0)) {
        return;  // the update applies only if the new value >= the stored one
      }
    }
  }
  if (op.present.empty()) {
    it->second = std::move(op.values);
  } else {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (op.present[i]) {
        it->second[i] = std::move(op.values[i]);
      }
    }
  }
}

void Table::truncate() {
  pk_rows_.clear();
  dup_rows_.clear();
}

size_t Table::row_count() const {
  return keys_type == KeysType::kPrimary ? pk_rows_.size() : dup_rows_.size();
}

std::vector<const Row*> Table::sorted_rows() const {
  std::vector<const Row*> out;
  if (keys_type == KeysType::kPrimary) {
    out.reserve(pk_rows_.size());
    for (const auto& [k, r] : pk_rows_) {
      out.push_back(&r);
    }
    return out;
  }
  out.reserve(dup_rows_.size());
  for (const Row& r : dup_rows_) {
    out.push_back(&r);
  }
  std::vector<size_t> order;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].is_key) {
      order.push_back(i);
    }
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].is_key) {
      order.push_back(i);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const Row* a, const Row* b) {
    for (size_t i : order) {
      const Cell& x = (*a)[i];
      const Cell& y = (*b)[i];
      if (!x || !y) {
        if (x.has_value() != y.has_value()) {
          return !x.has_value();  // NULL first
        }
        continue;
      }
      int c = compare_values(columns[i].type, *x, *y);
      if (c != 0) {
        return c < 0;
      }
    }
    return false;
  });
  return out;
}

void Table::reshape(const std::vector<Column>& new_columns,
                    const std::vector<std::pair<std::string, std::string>>& renames) {
  std::vector<int> src(new_columns.size(), -1);
  for (size_t i = 0; i < new_columns.size(); ++i) {
    std::string old_name = new_columns[i].name;
    for (const auto& [from, to] : renames) {
      if (lower_name(to) == lower_name(old_name)) {
        old_name = from;
      }
    }
    src[i] = column_index(old_name);
  }
  std::vector<Column> old_columns = columns;
  columns = new_columns;
  Row defaults = default_row();
  auto convert = [&](const Row& r) {
    Row n(new_columns.size());
    for (size_t i = 0; i < new_columns.size(); ++i) {
      if (src[i] < 0) {
        n[i] = defaults[i];
        continue;
      }
      const Cell& c = r[static_cast<size_t>(src[i])];
      if (!c) {
        continue;
      }
      std::string v;
      if (convert_value(new_columns[i].type, *c, &v) == ConvertStatus::kOk) {
        n[i] = std::move(v);
      }
    }
    return n;
  };
  if (keys_type == KeysType::kPrimary) {
    std::map<std::string, Row> rows;
    for (auto& [k, r] : pk_rows_) {
      Row n = convert(r);
      rows.emplace(encode_key(n), std::move(n));
    }
    pk_rows_ = std::move(rows);
  } else {
    for (Row& r : dup_rows_) {
      r = convert(r);
    }
  }
}

Table* Database::find(std::string_view table) const {
  auto it = tables.find(lower_name(table));
  return it == tables.end() ? nullptr : it->second.get();
}

Database* Catalog::find_db(std::string_view name) const {
  auto it = dbs_.find(lower_name(name));
  return it == dbs_.end() ? nullptr : it->second.get();
}

Table* Catalog::find_table(std::string_view db, std::string_view table) const {
  Database* d = find_db(db);
  return d == nullptr ? nullptr : d->find(table);
}

Database* Catalog::create_db(const std::string& name) {
  auto db = std::make_unique<Database>();
  db->name = name;
  db->id = next_id();
  Database* p = db.get();
  dbs_[lower_name(name)] = std::move(db);
  return p;
}

bool Catalog::drop_db(std::string_view name) { return dbs_.erase(lower_name(name)) > 0; }

std::vector<const Database*> Catalog::databases() const {
  std::vector<const Database*> r;
  for (const auto& [n, d] : dbs_) {
    r.push_back(d.get());
  }
  return r;
}

void Catalog::clear() { dbs_.clear(); }

}  // namespace emu
