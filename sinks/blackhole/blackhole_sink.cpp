#include "sinks/blackhole/blackhole_sink.hpp"

#include <cstring>
#include <set>

#include "sinks/common/json_lines_encoder.hpp"

namespace starcdc::blackhole {
namespace {

const config::OptionSet& blackhole_options() {
  static const config::OptionSet s = [] {
    config::OptionSet o("sink 'blackhole'");
    o.add(config::OptionSpec::make("format", config::OptionType::Enum,
                                   "none: a 16-byte record per row (measures the pipeline); "
                                   "json: JSON lines as the file sink writes them.")
              .one_of({"none", "json"})
              .with_default("none"));
    return o;
  }();
  return s;
}

// A 16-byte record per row: op, column count and a checksum over the values' words, so every
// value is read as an encoder would read it.
class RecordEncoder : public RowEncoder {
 public:
  void encode(const ChangeEvent& e, ByteBuffer& out) override {
    const RowImage& img = e.after.empty() ? e.before : e.after;
    uint64_t sum = 0;
    for (const Value& v : img.values) {
      sum = sum * 31 + v.u + v.size + static_cast<uint64_t>(v.kind);
    }
    char* p = out.prepare(16);
    const uint64_t head = (static_cast<uint64_t>(e.op) << 56) | img.values.size();
    std::memcpy(p, &head, 8);
    std::memcpy(p + 8, &sum, 8);
    out.commit(16);
  }
};

class BlackholeCommitter : public SinkCommitter {
 public:
  asio::awaitable<void> load(const LoadChunk& chunk) override {
    open_.insert(chunk.table);
    co_return;
  }
  asio::awaitable<std::vector<PreparedTxn>> prepare(uint64_t epoch) override {
    std::vector<PreparedTxn> out;
    for (const auto& t : open_) {
      out.push_back(PreparedTxn{t, "blackhole-" + std::to_string(epoch), 0, 0});
    }
    open_.clear();
    co_return out;
  }
  asio::awaitable<void> commit(uint64_t, std::vector<PreparedTxn>) override { co_return; }
  asio::awaitable<void> abort(uint64_t, std::vector<PreparedTxn>) override { co_return; }
  asio::awaitable<void> apply(SchemaChange) override { co_return; }
  asio::awaitable<bool> recover(const CheckpointRecord*) override { co_return true; }

 private:
  std::set<TableId> open_;
};

class BlackholeSink : public Sink {
 public:
  explicit BlackholeSink(bool json) : json_(json) {}
  std::unique_ptr<RowEncoder> make_encoder(const TableSchema& schema) override {
    if (json_) {
      return std::make_unique<sink_common::JsonLinesEncoder>(schema);
    }
    return std::make_unique<RecordEncoder>();
  }
  SinkCommitter& committer() override { return committer_; }

 private:
  bool json_;
  BlackholeCommitter committer_;
};

}  // namespace

SinkFactory blackhole_sink_factory() {
  SinkFactory f;
  f.type = "blackhole";
  f.options = &blackhole_options();
  f.create = [](const SinkContext&, const config::OptionValues& o) {
    return std::make_unique<BlackholeSink>(o.get_string("format") == "json");
  };
  return f;
}

}  // namespace starcdc::blackhole
