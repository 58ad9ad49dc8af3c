#include "sinks/starrocks/starrocks_sink.hpp"

#include "sinks/starrocks/csv_encoder.hpp"
#include "sinks/starrocks/json_encoder.hpp"
#include "sinks/starrocks/starrocks_options.hpp"
#include "sinks/starrocks/transaction_committer.hpp"

namespace starcdc::starrocks {
namespace {

class StarRocksSink : public Sink {
 public:
  StarRocksSink(const SinkContext& ctx, const config::OptionValues& o)
      : settings_(settings_from(o, ctx.pipeline)), committer_(ctx.io, settings_) {}

  std::unique_ptr<RowEncoder> make_encoder(const TableSchema& schema) override {
    if (settings_.format == BodyFormat::Csv) {
      // Plain Stream Load (at-least-once) reads enclose/escape; transaction loads do not.
      return std::make_unique<CsvRowEncoder>(schema, decode_separator(settings_.column_separator),
                                             decode_separator(settings_.row_delimiter),
                                             settings_.semantic == Semantic::AtLeastOnce);
    }
    return std::make_unique<JsonRowEncoder>(schema);
  }
  SinkCommitter& committer() override { return committer_; }

 private:
  SinkSettings settings_;
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
