#include "sinks/file/file_options.hpp"

namespace starcdc::file {
namespace {

config::OptionSet make() {
  using config::OptionSpec;
  using config::OptionType;
  config::OptionSet s("sink 'file'");
  s.add(OptionSpec::make("path", OptionType::String,
                         "Output directory: one folder per table (db.table) holding one JSON-lines "
                         "file per committed epoch, and the schema versions.")
            .is_required());
  s.add(OptionSpec::make("sink.label-prefix", OptionType::String,
                         "Prefix of transaction labels (file names of pending data). Defaults to "
                         "the pipeline name."));
  s.add(OptionSpec::make("sync", OptionType::Bool,
                         "fsync data files at prepare and directories at commit (off only for "
                         "benchmarks).")
            .with_default("true"));
  s.add(OptionSpec::make("load.delay", OptionType::Duration,
                         "Wait this long before writing each chunk (to test backpressure).")
            .with_default("0ms"));
  s.add(OptionSpec::make("prepare.delay", OptionType::Duration,
                         "Wait this long before each prepare (to test crash recovery).")
            .with_default("0ms"));
  s.add(OptionSpec::make("commit.delay", OptionType::Duration,
                         "Wait this long before each commit (to test crash recovery).")
            .with_default("0ms"));
  return s;
}

}  // namespace

const config::OptionSet& file_options() {
  static const config::OptionSet s = make();
  return s;
}

}  // namespace starcdc::file
