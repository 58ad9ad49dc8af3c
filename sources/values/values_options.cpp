#include "sources/values/values_options.hpp"

#include "sources/values/inline_events.hpp"

namespace starcdc::values {
namespace {

config::OptionSet make() {
  using config::OptionSpec;
  using config::OptionType;
  config::OptionSet s("source 'values'");
  s.add(OptionSpec::make("database", OptionType::String, "Database name of the generated tables.")
            .with_default("app"));
  s.add(OptionSpec::make("table.prefix", OptionType::String,
                         "Generated tables are named PREFIX_0, PREFIX_1, ...")
            .with_default("table"));
  s.add(OptionSpec::make("table.count", OptionType::Int, "Number of generated tables.")
            .with_default("1")
            .range(1, 10000));
  s.add(OptionSpec::make("columns", OptionType::Int,
                         "Columns per generated table: c0 BIGINT primary key, then INT, "
                         "VARCHAR(64), DECIMAL(12,2), DATETIME(3), DOUBLE in turn.")
            .with_default("10")
            .range(2, 1000));
  s.add(OptionSpec::make("rows.total", OptionType::Int,
                         "Change events to generate, then the source ends (the pipeline commits "
                         "and exits 0). 0 = endless.")
            .with_default("1000")
            .range(0, std::numeric_limits<int64_t>::max()));
  s.add(OptionSpec::make("rows.per-second", OptionType::Int,
                         "Rate limit in events per second. 0 = as fast as possible.")
            .with_default("0")
            .range(0, 1'000'000'000));
  s.add(OptionSpec::make("transaction.size", OptionType::Int,
                         "Events per source transaction (checkpoints fall between transactions).")
            .with_default("10")
            .range(1, 1'000'000));
  s.add(OptionSpec::make("operations", OptionType::Enum,
                         "insert-only, or mixed: per table, insert k, insert k+1, update k, "
                         "delete k+1, repeated.")
            .one_of({"insert-only", "mixed"})
            .with_default("mixed"));
  s.add(
      OptionSpec::make("seed", OptionType::Int, "Seed of the generated values.").with_default("1"));
  s.add(OptionSpec::make("schema-change.every", OptionType::Int,
                         "Add a column to one table (in turn) every N events; a multiple of "
                         "transaction.size. 0 = never.")
            .with_default("0")
            .range(0, std::numeric_limits<int64_t>::max()));
  s.add(OptionSpec::make("events", OptionType::Node,
                         "Inline events instead of generated ones: a list of create, insert, "
                         "update, delete, add-column items (see docs/connectors.md); each item is "
                         "one transaction."));
  return s;
}

}  // namespace

const config::OptionSet& values_options() {
  static const config::OptionSet s = make();
  return s;
}

void check_values_options(const config::OptionValues& o, const config::Location& where,
                          config::Diagnostics& diags) {
  const int64_t every = o.has("schema-change.every") ? o.get_int("schema-change.every") : 0;
  const int64_t txn = o.has("transaction.size") ? o.get_int("transaction.size") : 1;
  if (every > 0 && every % txn != 0) {
    diags.error(o.from_file("schema-change.every") ? o.where("schema-change.every") : where,
                "schema-change.every: " + std::to_string(every) +
                    " is not a multiple of transaction.size (" + std::to_string(txn) +
                    "); schema changes happen between transactions");
  }
  if (o.has("events")) {
    (void)parse_inline_events(o.get_node("events"), diags);
  }
}

}  // namespace starcdc::values
