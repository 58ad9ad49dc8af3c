#include "config/pipeline_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/suggest.hpp"
#include "config/table_pattern.hpp"

namespace starcdc::config {
namespace {

const std::vector<std::string> kBlocks = {"source", "sink", "route", "transform", "pipeline"};

std::optional<std::string> check_listen(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return "'" + text + "' is not host:port, e.g. 127.0.0.1:8089";
  }
  const std::string port = text.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) > 65535) {
    return "'" + port + "' is not a port number (0-65535)";
  }
  return std::nullopt;
}

std::optional<std::string> check_sink_table(const std::string& text) {
  if (text.find('.') == std::string::npos || text.front() == '.' || text.back() == '.') {
    return "'" + text + "' is not database.table";
  }
  return std::nullopt;
}

std::optional<std::string> check_schema_change_names(const std::string& text) {
  static const std::vector<std::string> kNames = {
      "add",          "alter",       "create",     "drop",          "rename",
      "truncate",     "column",      "table",      "add.column",    "alter.column.type",
      "create.table", "drop.column", "drop.table", "rename.column", "truncate.table"};
  for (const auto& n : kNames) {
    if (n == text) {
      return std::nullopt;
    }
  }
  std::string msg = "'" + text + "' is not a schema change name";
  if (auto s = suggest(text, kNames)) {
    msg += "; did you mean '" + *s + "'?";
  }
  return msg;
}

OptionSet make_pipeline_options() {
  OptionSet s("the pipeline block");
  s.add(OptionSpec::make("name", OptionType::String,
                         "Pipeline name, used in logs, metrics, labels and the state directory. "
                         "Defaults to the file name without extension."));
  s.add(OptionSpec::make("schema.change.behavior", OptionType::Enum,
                         "What to do with upstream schema changes: exception (stop at the first "
                         "change of an existing table), evolve (apply every change), try_evolve "
                         "(apply what StarRocks can do, skip the rest), lenient (lose nothing: "
                         "added columns nullable, dropped and "
                         "renamed columns kept in the sink, TRUNCATE and DROP TABLE not "
                         "forwarded), ignore (apply none; rows fill the columns the sink has).")
            .one_of({"exception", "evolve", "try_evolve", "lenient", "ignore"})
            .with_default("lenient"));
  s.add(OptionSpec::make("state.dir", OptionType::String,
                         "Directory for the checkpoint state. Defaults to $STATE_DIRECTORY "
                         "(set by systemd's StateDirectory=), else /var/lib/starcdc/NAME."));
  s.add(OptionSpec::make("checkpoint.interval", OptionType::Duration,
                         "How often an epoch ends and its data is committed.")
            .with_default("5s")
            .range(10, 24LL * 3600 * 1000)
            .alias("execution.checkpointing.interval"));
  s.add(OptionSpec::make("buffer.max-bytes", OptionType::Bytes,
                         "Memory bound for buffered change data between source and sink; above "
                         "it the source stops reading.")
            .with_default("64MiB")
            .range(int64_t{1} << 20, int64_t{1} << 40));
  s.add(OptionSpec::make("admin.listen", OptionType::String,
                         "host:port of the admin HTTP server (/healthz, /status, /metrics). "
                         "Off unless set.")
            .checked(check_listen));
  s.add(OptionSpec::make("shutdown.timeout", OptionType::Duration,
                         "On SIGTERM, how long to wait for the final checkpoint before giving up.")
            .with_default("30s")
            .range(0, 24LL * 3600 * 1000));
  s.add(OptionSpec::make("route-mode", OptionType::Enum,
                         "ALL_MATCH applies every matching route rule; FIRST_MATCH only the first.")
            .one_of({"ALL_MATCH", "FIRST_MATCH"})
            .with_default("ALL_MATCH"));
  s.add(OptionSpec::make("parallelism", OptionType::Int,
                         "Accepted for Flink CDC compatibility; a starcdc pipeline is one process.")
            .with_default("1")
            .range(1, 1024));
  s.add(OptionSpec::make("local-time-zone", OptionType::String,
                         "Session time zone id (Flink CDC compatibility)."));
  s.add(OptionSpec::make("log.level", OptionType::Enum, "Lowest log level written.")
            .one_of({"trace", "debug", "info", "warn", "error"})
            .with_default("info"));
  return s;
}

OptionSet make_route_options() {
  OptionSet s("a route rule");
  s.add(OptionSpec::make("source-table", OptionType::String,
                         "Table pattern of the source tables (db.table, `\\.` = any character).")
            .is_required()
            .checked(check_table_pattern));
  s.add(OptionSpec::make("sink-table", OptionType::String,
                         "Sink table db.table; may use $1.. (capture groups) or the "
                         "replace-symbol.")
            .is_required()
            .checked(check_sink_table));
  s.add(OptionSpec::make("replace-symbol", OptionType::String,
                         "A symbol in sink-table replaced by the source table's name, e.g. <>."));
  s.add(OptionSpec::make("description", OptionType::String, "Free text."));
  return s;
}

OptionSet make_transform_options() {
  OptionSet s("a transform rule");
  s.add(OptionSpec::make("source-table", OptionType::String, "Table pattern the rule applies to.")
            .is_required()
            .checked(check_table_pattern));
  s.add(OptionSpec::make("projection", OptionType::String,
                         "The result's columns, SQL-select-like: `\\*` (every source column), "
                         "columns, `expr AS name`. Without it the columns stay as they are."));
  s.add(OptionSpec::make("filter", OptionType::String,
                         "SQL-where-like condition; rows for which it is not TRUE are left out. "
                         "It may name the projection's computed columns."));
  s.add(OptionSpec::make("primary-keys", OptionType::List,
                         "Primary key columns of the result (default: the source's key, which "
                         "the projection must then keep)."));
  s.add(OptionSpec::make("partition-keys", OptionType::List,
                         "Not supported (an error): use the sink's table.create.properties.*."));
  s.add(OptionSpec::make("table-options", OptionType::String,
                         "Not supported (an error): use the sink's table.create.properties.*."));
  s.add(OptionSpec::make("converter-after-transform", OptionType::Enum,
                         "SOFT_DELETE turns deletes into inserts (of the deleted row, with "
                         "__data_event_type__ = '-D').")
            .one_of({"SOFT_DELETE"}));
  s.add(OptionSpec::make("description", OptionType::String, "Free text."));
  return s;
}

OptionSet make_common_source_options() {
  OptionSet s("every source");
  s.add(OptionSpec::make("tables", OptionType::List,
                         "Tables to capture: comma-separated table patterns (db.table, `\\.` = "
                         "any character). Empty = every table the source has.")
            .checked(check_table_pattern));
  s.add(
      OptionSpec::make("tables.exclude", OptionType::List, "Table patterns removed after `tables`.")
          .checked(check_table_pattern));
  return s;
}

OptionSet make_common_sink_options() {
  OptionSet s("every sink");
  s.add(OptionSpec::make("include.schema.changes", OptionType::List,
                         "Schema change kinds applied to the sink (Flink CDC names, e.g. "
                         "add.column, column, drop). Empty = all.")
            .checked(check_schema_change_names));
  s.add(OptionSpec::make("exclude.schema.changes", OptionType::List,
                         "Schema change kinds never applied to the sink (wins over include).")
            .checked(check_schema_change_names));
  return s;
}

std::string file_stem(const std::string& path) {
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  const auto dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

std::optional<ConnectorBlock> load_connector(
    const Node& root, const std::string& block, const std::vector<std::string>& types,
    const std::function<const OptionSet*(const std::string&)>& options_of, const OptionSet& common,
    Diagnostics& diags) {
  const Node* node = root.find(block);
  if (node == nullptr) {
    diags.error(Location{root.loc.file, 1, 1}, block + ": missing required block");
    return std::nullopt;
  }
  if (!node->is_map()) {
    diags.error(node->loc,
                block + ": expected a map with `type:` and options, got " + node->kind_name());
    return std::nullopt;
  }
  const Node* type = node->find("type");
  if (type != nullptr && type->is_null() && !type->scalar.empty()) {
    diags.error(type->loc, block + ".type: '" + type->scalar +
                               "' reads as YAML null; quote it if it is a connector name");
    return std::nullopt;
  }
  if (type == nullptr || !type->is_scalar() || type->scalar.empty()) {
    diags.error(type != nullptr ? type->loc : node->loc,
                block + ".type: missing; say which connector, e.g. type: " + types.front());
    return std::nullopt;
  }
  const OptionSet* specific = options_of(type->scalar);
  if (specific == nullptr) {
    std::string list;
    for (const auto& t : types) {
      list += (list.empty() ? "" : ", ") + t;
    }
    std::string msg =
        block + ".type: unknown connector '" + type->scalar + "' (known: " + list + ")";
    if (auto s = suggest(type->scalar, types)) {
      msg += "; did you mean '" + *s + "'?";
    }
    diags.error(type->loc, msg);
    return std::nullopt;
  }
  ConnectorBlock out;
  out.type = type->scalar;
  out.where = node->loc;
  if (const Node* name = node->find("name"); name != nullptr && name->is_scalar()) {
    out.name = name->scalar;
  }
  OptionSet all(block + " '" + out.type + "'");
  all.add_all(common).add_all(*specific);
  out.options = all.parse(*node, {"type", "name"}, diags);
  return out;
}

}  // namespace

const OptionSet& pipeline_options() {
  static const OptionSet s = make_pipeline_options();
  return s;
}
const OptionSet& route_options() {
  static const OptionSet s = make_route_options();
  return s;
}
const OptionSet& transform_options() {
  static const OptionSet s = make_transform_options();
  return s;
}
const OptionSet& common_source_options() {
  static const OptionSet s = make_common_source_options();
  return s;
}
const OptionSet& common_sink_options() {
  static const OptionSet s = make_common_sink_options();
  return s;
}

std::optional<PipelineFile> load_pipeline_text(const std::string& text, const std::string& path,
                                               const ConnectorCatalog& catalog,
                                               const EnvLookup& env, Diagnostics& diags) {
  auto root = parse_yaml(text, path, diags);
  if (!root) {
    return std::nullopt;
  }
  if (!root->is_map()) {
    diags.error(root->loc.line != 0 ? root->loc : Location{path, 1, 1},
                "a pipeline file is a map with source, sink and pipeline blocks, got " +
                    std::string(root->kind_name()));
    return std::nullopt;
  }
  substitute_tree(*root, env, diags);

  for (const auto& e : root->map) {
    if (std::find(kBlocks.begin(), kBlocks.end(), e.key.scalar) == kBlocks.end()) {
      std::string msg = e.key.scalar + ": unknown block";
      if (auto s = suggest(e.key.scalar, kBlocks)) {
        msg += "; did you mean '" + *s + "'?";
      } else {
        msg += " (blocks are source, sink, route, transform, pipeline)";
      }
      diags.error(e.key.loc, msg);
    }
  }

  PipelineFile pf;
  pf.path = path;
  auto source = load_connector(*root, "source", catalog.source_types, catalog.source_options,
                               common_source_options(), diags);
  auto sink = load_connector(*root, "sink", catalog.sink_types, catalog.sink_options,
                             common_sink_options(), diags);

  if (const Node* routes = root->find("route")) {
    if (!routes->is_seq()) {
      diags.error(routes->loc,
                  std::string("route: expected a list of rules, got ") + routes->kind_name());
    } else {
      for (const auto& r : routes->seq) {
        if (!r.is_map()) {
          diags.error(r.loc, std::string("route: a rule is a map, got ") + r.kind_name());
          continue;
        }
        OptionValues v = route_options().parse(r, {}, diags);
        RouteRule rule;
        rule.where = r.loc;
        if (v.has("source-table") && v.has("sink-table")) {
          rule.source_table = v.get_string("source-table");
          rule.sink_table = v.get_string("sink-table");
          rule.replace_symbol = v.has("replace-symbol") ? v.get_string("replace-symbol") : "";
          rule.description = v.has("description") ? v.get_string("description") : "";
          if (!rule.replace_symbol.empty() && rule.sink_table.find('$') != std::string::npos) {
            diags.error(r.loc,
                        "replace-symbol: cannot be combined with $n capture groups in "
                        "sink-table");
          }
          pf.routes.push_back(std::move(rule));
        }
      }
    }
  }

  if (const Node* transforms = root->find("transform")) {
    if (!transforms->is_seq()) {
      diags.error(transforms->loc, std::string("transform: expected a list of rules, got ") +
                                       transforms->kind_name());
    } else {
      for (const auto& t : transforms->seq) {
        if (!t.is_map()) {
          diags.error(t.loc, std::string("transform: a rule is a map, got ") + t.kind_name());
          continue;
        }
        OptionValues v = transform_options().parse(t, {}, diags);
        pf.transforms.push_back({std::move(v), t.loc});
      }
    }
  }

  const Node* pipeline = root->find("pipeline");
  if (pipeline == nullptr) {
    diags.error(Location{path, 1, 1}, "pipeline: missing required block");
  } else if (!pipeline->is_map()) {
    diags.error(pipeline->loc,
                std::string("pipeline: expected a map, got ") + pipeline->kind_name());
  } else {
    pf.pipeline = pipeline_options().parse(*pipeline, {}, diags);
  }

  if (!source || !sink || !diags.empty()) {
    return std::nullopt;
  }
  pf.source = std::move(*source);
  pf.sink = std::move(*sink);
  pf.name = pf.pipeline.has("name") ? pf.pipeline.get_string("name") : file_stem(path);
  if (pf.pipeline.has("state.dir")) {
    pf.state_dir = pf.pipeline.get_string("state.dir");
    if (!pf.state_dir.empty() && pf.state_dir[0] != '/' && path.find('/') != std::string::npos) {
      pf.state_dir = path.substr(0, path.rfind('/') + 1) + pf.state_dir;
    }
  } else if (auto dir = env("STATE_DIRECTORY")) {
    pf.state_dir = *dir;
  } else {
    pf.state_dir = "/var/lib/starcdc/" + pf.name;
  }
  return pf;
}

std::optional<PipelineFile> load_pipeline_file(const std::string& path,
                                               const ConnectorCatalog& catalog,
                                               const EnvLookup& env, Diagnostics& diags) {
  auto text = read_text_file(path, diags);
  if (!text) {
    return std::nullopt;
  }
  return load_pipeline_text(*text, path, catalog, env, diags);
}

}  // namespace starcdc::config
