#include "state_store.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace emu {
namespace {

constexpr const char* kFileName = "/emulator-state.json";
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_str(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_cells(Writer& w, const Row& row) {
  w.StartArray();
  for (const Cell& c : row) {
    if (c) {
      write_str(w, *c);
    } else {
      w.Null();
    }
  }
  w.EndArray();
}

void write_table(Writer& w, const Table& t) {
  w.StartObject();
  w.Key("name");
  write_str(w, t.name);
  w.Key("id");
  w.Int64(t.id);
  w.Key("primary");
  w.Bool(t.keys_type == KeysType::kPrimary);
  w.Key("key_names");
  w.StartArray();
  for (const std::string& k : t.key_names) {
    write_str(w, k);
  }
  w.EndArray();
  w.Key("distribution");
  w.StartArray();
  for (const std::string& k : t.distribution) {
    write_str(w, k);
  }
  w.EndArray();
  w.Key("buckets");
  w.Int(t.buckets);
  w.Key("comment");
  write_str(w, t.comment);
  w.Key("properties");
  w.StartArray();
  for (const auto& [k, v] : t.properties) {
    w.StartArray();
    write_str(w, k);
    write_str(w, v);
    w.EndArray();
  }
  w.EndArray();
  w.Key("columns");
  w.StartArray();
  for (const Column& c : t.columns) {
    w.StartObject();
    w.Key("name");
    write_str(w, c.name);
    w.Key("type");
    write_str(w, c.type.kind == TypeKind::kString ? std::string("string") : c.type.to_sql());
    w.Key("nullable");
    w.Bool(c.nullable);
    w.Key("key");
    w.Bool(c.is_key);
    w.Key("default");
    if (c.default_value) {
      write_str(w, *c.default_value);
    } else {
      w.Null();
    }
    w.Key("default_current_timestamp");
    w.Bool(c.default_current_timestamp);
    w.Key("comment");
    write_str(w, c.comment);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rows");
  w.StartArray();
  for (const Row* r : t.sorted_rows()) {
    write_cells(w, *r);
  }
  w.EndArray();
  w.EndObject();
}

void write_txn(Writer& w, const Txn& t) {
  w.StartObject();
  w.Key("id");
  w.Int64(t.id);
  w.Key("label");
  write_str(w, t.label);
  w.Key("db");
  write_str(w, t.db);
  w.Key("table");
  write_str(w, t.table);
  w.Key("db_id");
  w.Int64(t.db_id);
  w.Key("state");
  w.String(txn_state_name(t.state));
  w.Key("reason");
  write_str(w, t.reason);
  w.Key("plain");
  w.Bool(t.plain);
  w.Key("loads");
  w.Int(t.loads);
  w.Key("load_bytes");
  w.Uint64(t.load_bytes);
  w.Key("counters");
  w.StartArray();
  w.Uint64(t.counters.total);
  w.Uint64(t.counters.loaded);
  w.Uint64(t.counters.filtered);
  w.Uint64(t.counters.unselected);
  w.EndArray();
  w.Key("merge_condition");
  write_str(w, t.has_params ? t.params.merge_condition : std::string());
  w.Key("pending");
  w.StartArray();
  for (const RowOp& op : t.pending) {
    w.StartObject();
    w.Key("delete");
    w.Bool(op.is_delete);
    w.Key("values");
    write_cells(w, op.values);
    w.Key("present");
    w.StartArray();
    for (bool p : op.present) {
      w.Bool(p);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::string get_str(const rapidjson::Value& v, const char* k) {
  return v.HasMember(k) && v[k].IsString() ? v[k].GetString() : "";
}

Row read_cells(const rapidjson::Value& a) {
  Row r;
  for (const auto& c : a.GetArray()) {
    if (c.IsString()) {
      r.emplace_back(std::string(c.GetString(), c.GetStringLength()));
    } else {
      r.emplace_back(std::nullopt);
    }
  }
  return r;
}

bool read_table(const rapidjson::Value& v, Table* t, std::string* error) {
  t->name = get_str(v, "name");
  t->id = v["id"].GetInt64();
  t->keys_type = v["primary"].GetBool() ? KeysType::kPrimary : KeysType::kDuplicate;
  for (const auto& k : v["key_names"].GetArray()) {
    t->key_names.emplace_back(k.GetString());
  }
  for (const auto& k : v["distribution"].GetArray()) {
    t->distribution.emplace_back(k.GetString());
  }
  t->buckets = v["buckets"].GetInt();
  t->comment = get_str(v, "comment");
  for (const auto& p : v["properties"].GetArray()) {
    t->properties.emplace_back(p[0].GetString(), p[1].GetString());
  }
  for (const auto& c : v["columns"].GetArray()) {
    Column col;
    col.name = get_str(c, "name");
    auto type = parse_column_type(get_str(c, "type"), error);
    if (!type) {
      return false;
    }
    col.type = *type;
    col.nullable = c["nullable"].GetBool();
    col.is_key = c["key"].GetBool();
    if (c["default"].IsString()) {
      col.default_value = c["default"].GetString();
    }
    col.default_current_timestamp = c["default_current_timestamp"].GetBool();
    col.comment = get_str(c, "comment");
    t->columns.push_back(std::move(col));
  }
  for (const auto& r : v["rows"].GetArray()) {
    RowOp op;
    op.values = read_cells(r);
    if (op.values.size() == t->columns.size()) {
      t->apply(std::move(op), "");
    }
  }
  return true;
}

std::optional<TxnState> state_from_name(const std::string& s) {
  for (TxnState st : {TxnState::kPrepare, TxnState::kPrepared, TxnState::kCommitted,
                      TxnState::kVisible, TxnState::kAborted}) {
    if (s == txn_state_name(st)) {
      return st;
    }
  }
  return std::nullopt;
}

}  // namespace

bool save_state(const std::string& dir, const Catalog& catalog, const TxnManager& txns,
                std::string* error) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("format");
  w.Int(1);
  w.Key("next_id");
  w.Int64(catalog.peek_next_id());
  w.Key("databases");
  w.StartArray();
  for (const Database* d : catalog.databases()) {
    w.StartObject();
    w.Key("name");
    write_str(w, d->name);
    w.Key("id");
    w.Int64(d->id);
    w.Key("tables");
    w.StartArray();
    for (const auto& [n, t] : d->tables) {
      write_table(w, *t);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("txns");
  w.StartArray();
  for (const Txn* t : txns.list("")) {
    if (t->state != TxnState::kPrepare) {
      write_txn(w, *t);
    }
  }
  w.EndArray();
  w.EndObject();
  std::string path = dir + kFileName;
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(sb.GetString(), static_cast<std::streamsize>(sb.GetSize()));
    if (!f) {
      *error = "cannot write " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + tmp + " to " + path;
    return false;
  }
  return true;
}

bool load_state(const std::string& dir, Catalog& catalog, TxnManager& txns, std::string* error) {
  std::string path = dir + kFileName;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return true;  // fresh state
  }
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("databases")) {
    *error = path + " is not an emulator state file";
    return false;
  }
  for (const auto& dv : d["databases"].GetArray()) {
    Database* db = catalog.create_db(get_str(dv, "name"));
    db->id = dv["id"].GetInt64();
    for (const auto& tv : dv["tables"].GetArray()) {
      auto t = std::make_unique<Table>();
      if (!read_table(tv, t.get(), error)) {
        *error = path + ": " + *error;
        return false;
      }
      db->tables[lower_name(t->name)] = std::move(t);
    }
  }
  catalog.set_next_id(d["next_id"].GetInt64());
  std::vector<Txn*> committed;
  for (const auto& tv : d["txns"].GetArray()) {
    auto t = std::make_unique<Txn>();
    t->id = tv["id"].GetInt64();
    t->label = get_str(tv, "label");
    t->db = get_str(tv, "db");
    t->table = get_str(tv, "table");
    t->db_id = tv["db_id"].GetInt64();
    auto st = state_from_name(get_str(tv, "state"));
    if (!st) {
      *error = path + ": bad txn state";
      return false;
    }
    t->state = *st;
    t->be_context = false;
    t->reason = get_str(tv, "reason");
    t->plain = tv["plain"].GetBool();
    t->loads = tv["loads"].GetInt();
    t->load_bytes = tv["load_bytes"].GetUint64();
    const auto& c = tv["counters"];
    t->counters = {c[0].GetUint64(), c[1].GetUint64(), c[2].GetUint64(), c[3].GetUint64()};
    t->has_params = true;
    t->params.merge_condition = get_str(tv, "merge_condition");
    for (const auto& ov : tv["pending"].GetArray()) {
      RowOp op;
      op.is_delete = ov["delete"].GetBool();
      op.values = read_cells(ov["values"]);
      for (const auto& p : ov["present"].GetArray()) {
        op.present.push_back(p.GetBool());
      }
      t->pending.push_back(std::move(op));
    }
    if (t->state == TxnState::kCommitted) {
      committed.push_back(t.get());
    }
    txns.restore(std::move(t));
  }
  for (Txn* t : committed) {
    txns.publish_restored(t);
  }
  return true;
}

}  // namespace emu
