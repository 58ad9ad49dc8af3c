#include "sinks/starrocks/starrocks_sink.hpp"

#include "sinks/starrocks/json_encoder.hpp"
#include "sinks/starrocks/starrocks_options.hpp"
#include "sinks/starrocks/transaction_committer.hpp"

namespace starcdc::starrocks {
namespace {

class StarRocksSink : public Sink {
 public:
  StarRocksSink(const SinkContext& ctx, const config::OptionValues& o)
      : committer_(ctx.io, settings_from(o, ctx.pipeline)) {}

  std::unique_ptr<RowEncoder> make_encoder(const TableSchema& schema) override {
    return std::make_unique<JsonRowEncoder>(schema);
  }
  SinkCommitter& committer() override { return committer_; }

 private:
  TransactionCommitter committer_;
};

}  // namespace

SinkFactory starrocks_sink_factory() {
  SinkFactory f;
  f.type = "starrocks";
  f.options = &starrocks_options();
  f.create = [](const SinkContext& ctx, const config::OptionValues& o) {
    return std::make_unique<StarRocksSink>(ctx, o);
  };
  f.check = check_starrocks_options;
  return f;
}

}  // namespace starcdc::starrocks
