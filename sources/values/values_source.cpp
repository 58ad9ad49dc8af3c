#include "sources/values/values_source.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <cstring>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "sources/values/inline_events.hpp"
#include "sources/values/values_options.hpp"

namespace starcdc::values {
namespace {

constexpr std::string_view kComponent = "source.values";
constexpr uint64_t kEventsPerPoll = 4096;
constexpr auto kMaxIdleWait = std::chrono::milliseconds(100);
constexpr int64_t kBaseMicros = 1'767'225'600'000'000;  // 2026-01-01 00:00:00 UTC
constexpr size_t kBaseTypes = 5;

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Position position_at(uint64_t row) {
  return Position::from_json("{\"row\":" + std::to_string(row) + "}");
}

uint64_t parse_position(const Position& p) {
  rapidjson::Document d;
  d.Parse(p.json().c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("row") || !d["row"].IsUint64()) {
    throw Error(ErrorKind::Data, "the checkpoint position is not a values-source position",
                p.json(), "the state directory belongs to a pipeline with another source");
  }
  return d["row"].GetUint64();
}

class ValuesSource : public Source {
 public:
  ValuesSource(const SourceContext& ctx, const config::OptionValues& o)
      : schemas_(ctx.schemas),
        timer_(ctx.io),
        database_(o.get_string("database")),
        prefix_(o.get_string("table.prefix")),
        table_count_(static_cast<uint64_t>(o.get_int("table.count"))),
        columns_(static_cast<size_t>(o.get_int("columns"))),
        total_(static_cast<uint64_t>(o.get_int("rows.total"))),
        rate_(static_cast<uint64_t>(o.get_int("rows.per-second"))),
        txn_size_(static_cast<uint64_t>(o.get_int("transaction.size"))),
        mixed_(o.get_string("operations") == "mixed"),
        seed_(static_cast<uint64_t>(o.get_int("seed"))),
        change_every_(static_cast<uint64_t>(o.get_int("schema-change.every"))) {
    if (o.has("events")) {
      config::Diagnostics diags;
      auto events = parse_inline_events(o.get_node("events"), diags);
      if (!events) {
        throw Error(ErrorKind::Config, diags.str(), "source.events");
      }
      inline_ = std::move(*events);
      total_ = inline_.size();
      txn_size_ = 1;
    }
  }

  asio::awaitable<void> open(std::optional<Position> resume_after) override {
    next_ = resume_after ? parse_position(*resume_after) : 0;
    if (inline_.empty()) {
      build_generated_schemas();
    } else {
      build_inline_schemas();
    }
    announce_tables_ = true;
    started_at_ = std::chrono::steady_clock::now();
    started_index_ = next_;
    log::info(kComponent, "Values source open.",
              {{"row", next_},
               {"tables", static_cast<uint64_t>(tables_.size())},
               {"rows_total", total_}});
    co_return;
  }

  asio::awaitable<PollResult> poll(Emitter& out, uint64_t max_events) override {
    if (announce_tables_) {
      announce_tables_ = false;
      for (const TableSchema* s : tables_) {
        SchemaChange c;
        c.kind = SchemaChangeKind::CreateTable;
        c.table = s->id();
        c.schema = s;
        c.position_before = position_at(next_);
        out.schema_change(c);
      }
      co_return PollResult{PollStatus::Progress, position_at(next_)};
    }
    if (total_ != 0 && next_ >= total_) {
      co_return PollResult{PollStatus::EndOfInput, position_at(next_)};
    }
    uint64_t budget = std::clamp<uint64_t>(max_events, 1, kEventsPerPoll);
    if (rate_ > 0) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
      const auto allowed =
          started_index_ + static_cast<uint64_t>(elapsed * static_cast<double>(rate_));
      if (allowed < next_ + txn_size_) {
        const double wait_s =
            static_cast<double>(next_ + txn_size_ - allowed) / static_cast<double>(rate_);
        timer_.expires_after(std::min<std::chrono::steady_clock::duration>(
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(wait_s)),
            kMaxIdleWait));
        co_await timer_.async_wait(asio::use_awaitable);
        co_return PollResult{PollStatus::Idle, boundary()};
      }
      budget = std::min(budget, allowed - next_);
    }
    const uint64_t start = next_;
    // A poll ends at a transaction boundary when the budget allows, else wherever the budget
    // runs out (the runtime then keeps polling before it places a barrier).
    while (next_ - start < budget || (next_ % txn_size_ != 0 && next_ - start < 4 * budget)) {
      if (total_ != 0 && next_ >= total_) {
        break;
      }
      if (inline_.empty()) {
        emit_generated(out);
      } else {
        emit_inline(out);
      }
    }
    co_return PollResult{PollStatus::Progress, boundary()};
  }

  // The position after the last event, if it ended a transaction (or the input).
  std::optional<Position> boundary() const {
    if (next_ % txn_size_ == 0 || (total_ != 0 && next_ >= total_)) {
      return position_at(next_);
    }
    return std::nullopt;
  }

  void on_committed(const Position& p) override {
    log::trace(kComponent, "Committed.", {{"position", std::string_view(p.json())}});
  }

  asio::awaitable<void> close() override {
    log::info(kComponent, "Values source closed.", {{"row", next_}});
    co_return;
  }

 private:
  // --- generated mode ---
  Column generated_column(size_t k) const {
    if (k == 0) {
      return Column{"c0", "bigint", false};
    }
    static constexpr const char* kTypes[kBaseTypes] = {"int", "varchar(64)", "decimal(12,2)",
                                                       "datetime(3)", "double"};
    return Column{"c" + std::to_string(k), kTypes[(k - 1) % kBaseTypes], true};
  }

  std::string table_name(uint64_t t) const { return prefix_ + "_" + std::to_string(t); }

  // Schema change q (1-based) happens right before event q * every, on table (q - 1) % count.
  void build_generated_schemas() {
    const uint64_t changes_before =
        change_every_ == 0 ? 0 : (next_ == 0 ? 0 : (next_ - 1) / change_every_);
    tables_.clear();
    for (uint64_t t = 0; t < table_count_; ++t) {
      std::vector<Column> cols;
      for (size_t k = 0; k < columns_; ++k) {
        cols.push_back(generated_column(k));
      }
      uint32_t version = 1;
      for (uint64_t q = 1; q <= changes_before; ++q) {
        if ((q - 1) % table_count_ == t) {
          cols.push_back(Column{"x" + std::to_string(version), "varchar(32)", true});
          ++version;
        }
      }
      tables_.push_back(
          schemas_.add_version(TableId{database_, table_name(t)}, version, std::move(cols), {0}));
    }
  }

  void maybe_change_schema(Emitter& out) {
    if (change_every_ == 0 || next_ == 0 || next_ % change_every_ != 0 || changed_at_ == next_) {
      return;
    }
    changed_at_ = next_;
    const uint64_t q = next_ / change_every_;
    const uint64_t t = (q - 1) % table_count_;
    const TableSchema* old = tables_[t];
    std::vector<Column> cols(old->columns().begin(), old->columns().end());
    Column added{"x" + std::to_string(old->version()), "varchar(32)", true};
    cols.push_back(added);
    const TableSchema* now =
        schemas_.add_version(old->id(), old->version() + 1, std::move(cols), {0});
    tables_[t] = now;
    SchemaChange c;
    c.kind = SchemaChangeKind::AddColumn;
    c.table = now->id();
    c.schema = now;
    c.column = added.name;
    c.definition = added;
    c.position_before = position_at(next_);
    out.schema_change(c);
  }

  // Event index before which the n-th column added to table t (n = 1 for x1) exists.
  uint64_t column_added_at(uint64_t t, uint64_t n) const {
    return (t + 1 + (n - 1) * table_count_) * change_every_;
  }

  // Fills `row` with the values of (table t, key, version) under schema s, as written by the
  // event at `written_at`: a column added after that event reads NULL, as a row inserted before
  // an ADD COLUMN does upstream. Text goes to arena.
  void fill_row(const TableSchema* s, uint64_t t, uint64_t key, uint64_t version,
                std::vector<Value>& row, ByteBuffer& arena, uint64_t written_at) {
    const size_t n = s->columns().size();
    row.assign(n, Value::null());
    arena.clear();
    arena.reserve(n * 48 + 64);
    row[0] = Value::int64(static_cast<int64_t>(key));
    const uint64_t base = splitmix(seed_ ^ splitmix(t * 0x100000001b3ULL ^ key) ^ (version << 56));
    for (size_t k = 1; k < n; ++k) {
      const uint64_t h = splitmix(base + k * 0x9e3779b97f4a7c15ULL);
      if (k >= columns_) {
        if (written_at >= column_added_at(t, k - columns_ + 1)) {
          row[k] = make_string(arena, h, 12);
        }
        continue;
      }
      switch ((k - 1) % kBaseTypes) {
        case 0:
          row[k] = Value::int64(static_cast<int32_t>(h >> 32));
          break;
        case 1:
          row[k] = make_string(arena, h, 16);
          break;
        case 2: {
          char* p = arena.prepare(24);
          char* e = p;
          const int64_t v = static_cast<int64_t>(h % 10'000'000'000ULL) * ((h >> 63) != 0 ? -1 : 1);
          const int64_t whole = v / 100;
          const int64_t frac = (v < 0 ? -v : v) % 100;
          if (v < 0 && whole == 0) {
            *e++ = '-';
          }
          e = std::to_chars(e, p + 24, whole).ptr;
          *e++ = '.';
          *e++ = static_cast<char>('0' + frac / 10);
          *e++ = static_cast<char>('0' + frac % 10);
          arena.commit(static_cast<uint64_t>(e - p));
          row[k] = Value::decimal(std::string_view(p, static_cast<size_t>(e - p)));
          break;
        }
        case 3:
          row[k] = Value::temporal(
              ValueKind::DateTime,
              kBaseMicros + static_cast<int64_t>(h % (365ULL * 86'400'000ULL)) * 1000, 3);
          break;
        default:
          row[k] = Value::float64(static_cast<double>(h % 100'000'000ULL) / 100.0);
          break;
      }
    }
  }

  static Value make_string(ByteBuffer& arena, uint64_t h, size_t len) {
    static constexpr char kAlphabet[] = "abcdefghijklmnop";
    char* p = arena.prepare(len);
    for (size_t i = 0; i < len; ++i) {
      p[i] = kAlphabet[(h >> ((i % 16) * 4)) & 15];
    }
    arena.commit(len);
    return Value::string(std::string_view(p, len));
  }

  void emit_generated(Emitter& out) {
    maybe_change_schema(out);
    const uint64_t i = next_;
    const uint64_t t = i % table_count_;
    const uint64_t j = i / table_count_;
    const TableSchema* s = tables_[t];
    ChangeEvent e;
    e.schema = s;
    e.commit_ms = unix_ms_now_cached();
    if (!mixed_) {
      e.op = Op::Insert;
      fill_row(s, t, j, 0, after_, after_arena_, i);
      e.after = RowImage{after_, {}};
    } else {
      // Per table: insert 2m (local event 4m), insert 2m+1 (4m+1), update 2m, delete 2m+1.
      const uint64_t m = j / 4;
      const uint64_t inserted_even = (4 * m) * table_count_ + t;
      const uint64_t inserted_odd = (4 * m + 1) * table_count_ + t;
      switch (j % 4) {
        case 0:
        case 1:
          e.op = Op::Insert;
          fill_row(s, t, 2 * m + (j % 4), 0, after_, after_arena_, i);
          e.after = RowImage{after_, {}};
          break;
        case 2:
          e.op = Op::Update;
          fill_row(s, t, 2 * m, 0, before_, before_arena_, inserted_even);
          fill_row(s, t, 2 * m, 1, after_, after_arena_, i);
          e.before = RowImage{before_, {}};
          e.after = RowImage{after_, {}};
          break;
        default:
          e.op = Op::Delete;
          fill_row(s, t, 2 * m + 1, 0, before_, before_arena_, inserted_odd);
          e.before = RowImage{before_, {}};
          break;
      }
    }
    out.event(e);
    ++next_;
  }

  int64_t unix_ms_now_cached() {
    if ((next_ & 1023) == 0 || now_ms_ == 0) {
      now_ms_ = unix_ms_now();
    }
    return now_ms_;
  }

  // --- inline mode ---
  void build_inline_schemas() {
    tables_.clear();
    for (uint64_t i = 0; i < next_ && i < inline_.size(); ++i) {
      apply_inline_schema(inline_[i]);
    }
  }

  const TableSchema* apply_inline_schema(const InlineEvent& ev) {
    if (ev.kind == InlineEvent::Kind::Create) {
      const TableSchema* s = schemas_.add(ev.table, ev.columns, ev.primary_key);
      auto it = std::find_if(tables_.begin(), tables_.end(),
                             [&](const TableSchema* x) { return x->id() == ev.table; });
      if (it == tables_.end()) {
        tables_.push_back(s);
      } else {
        *it = s;
      }
      return s;
    }
    if (ev.kind == InlineEvent::Kind::AddColumn) {
      for (auto& s : tables_) {
        if (s->id() == ev.table) {
          std::vector<Column> cols(s->columns().begin(), s->columns().end());
          cols.push_back(ev.added);
          std::vector<uint16_t> pk(s->primary_key().begin(), s->primary_key().end());
          s = schemas_.add(ev.table, std::move(cols), std::move(pk));
          return s;
        }
      }
    }
    return nullptr;
  }

  // Fills `row` from `cells`; with `mask`, records the listed columns in it (a partial image).
  void fill_inline(const TableSchema* s, const std::vector<InlineCell>& cells,
                   std::vector<Value>& row, std::vector<uint64_t>* mask = nullptr) {
    row.assign(s->columns().size(), Value::null());
    if (mask != nullptr) {
      mask->assign((row.size() + 63) / 64, 0);
    }
    for (const auto& cell : cells) {
      const int k = s->find_column(cell.column);
      if (k >= 0 && mask != nullptr) {
        (*mask)[static_cast<size_t>(k) / 64] |= uint64_t{1} << (static_cast<size_t>(k) % 64);
      }
      if (k < 0 || !cell.text) {
        continue;
      }
      std::string error;
      auto v = value_from_text(s->columns()[static_cast<size_t>(k)].type, *cell.text, &error);
      if (!v) {
        throw Error(ErrorKind::Data, "events: " + cell.column + ": " + error, cell.where.str());
      }
      row[static_cast<size_t>(k)] = *v;
    }
  }

  void emit_inline(Emitter& out) {
    const InlineEvent& ev = inline_[next_];
    if (ev.kind == InlineEvent::Kind::Create || ev.kind == InlineEvent::Kind::AddColumn) {
      const TableSchema* s = apply_inline_schema(ev);
      SchemaChange c;
      c.kind = ev.kind == InlineEvent::Kind::Create ? SchemaChangeKind::CreateTable
                                                    : SchemaChangeKind::AddColumn;
      c.table = ev.table;
      c.schema = s;
      c.column = ev.added.name;
      c.definition = ev.added;
      c.position_before = position_at(next_);
      out.schema_change(c);
      ++next_;
      return;
    }
    const TableSchema* s = nullptr;
    for (const auto* t : tables_) {
      if (t->id() == ev.table) {
        s = t;
      }
    }
    ChangeEvent e;
    e.schema = s;
    e.commit_ms = unix_ms_now();
    switch (ev.kind) {
      case InlineEvent::Kind::Insert:
        e.op = Op::Insert;
        fill_inline(s, ev.after, after_);
        e.after = RowImage{after_, {}};
        break;
      case InlineEvent::Kind::Update:
        e.op = Op::Update;
        if (ev.partial) {
          fill_inline(s, ev.after, after_, &after_mask_);
          fill_inline(s, ev.before, before_, &before_mask_);
          e.after = RowImage{after_, {after_mask_.data()}};
          e.before = RowImage{before_, {before_mask_.data()}};
          break;
        }
        fill_inline(s, ev.after, after_);
        e.after = RowImage{after_, {}};
        fill_inline(s, ev.before.empty() ? ev.after : ev.before, before_);
        e.before = RowImage{before_, {}};
        break;
      default:
        e.op = Op::Delete;
        fill_inline(s, ev.before, before_);
        e.before = RowImage{before_, {}};
        break;
    }
    out.event(e);
    ++next_;
  }

  SchemaRegistry& schemas_;
  asio::steady_timer timer_;
  std::string database_;
  std::string prefix_;
  uint64_t table_count_;
  size_t columns_;
  uint64_t total_;
  uint64_t rate_;
  uint64_t txn_size_;
  bool mixed_;
  uint64_t seed_;
  uint64_t change_every_;
  std::vector<InlineEvent> inline_;

  std::vector<const TableSchema*> tables_;
  uint64_t next_ = 0;
  uint64_t changed_at_ = UINT64_MAX;
  bool announce_tables_ = false;
  std::chrono::steady_clock::time_point started_at_;
  uint64_t started_index_ = 0;
  int64_t now_ms_ = 0;
  std::vector<Value> before_;
  std::vector<Value> after_;
  std::vector<uint64_t> before_mask_;
  std::vector<uint64_t> after_mask_;
  ByteBuffer before_arena_;
  ByteBuffer after_arena_;
};

}  // namespace

SourceFactory values_source_factory() {
  SourceFactory f;
  f.type = "values";
  f.options = &values_options();
  f.create = [](const SourceContext& ctx, const config::OptionValues& o) {
    return std::make_unique<ValuesSource>(ctx, o);
  };
  f.check = check_values_options;
  return f;
}

}  // namespace starcdc::values
