#include "sinks/file/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "sinks/common/json_lines_encoder.hpp"
#include "sinks/file/file_options.hpp"

namespace starcdc::file {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kComponent = "sink.file";

std::string sanitize_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  if (out.size() > 128) {
    out.erase(0, out.size() - 128);  // keep the epoch at the end
  }
  return out;
}

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorKind::Internal, what + ": " + std::strerror(errno), path,
              "check free space and permissions of the sink's path");
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    io_error("cannot open for fsync", path);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    io_error("cannot fsync", path);
  }
  ::close(fd);
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      io_error("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

class FileCommitter : public SinkCommitter {
 public:
  struct Delays {
    std::chrono::milliseconds load{0};
    std::chrono::milliseconds prepare{0};
    std::chrono::milliseconds commit{0};
  };
  FileCommitter(asio::io_context& io, std::string root, std::string prefix, bool sync,
                Delays delays)
      : timer_(io),
        root_(std::move(root)),
        txn_dir_(root_ + "/.txn"),
        prefix_(std::move(prefix)),
        sync_(sync),
        delays_(delays) {
    std::error_code ec;
    fs::create_directories(txn_dir_, ec);
    if (ec) {
      throw Error(ErrorKind::Refused, "cannot create the output directory: " + ec.message(),
                  txn_dir_, "set the file sink's path to a writable directory");
    }
  }

  ~FileCommitter() override {
    for (auto& [key, f] : open_) {
      ::close(f.fd);
    }
  }

  asio::awaitable<void> load(const LoadChunk& chunk) override {
    co_await delay(delays_.load);
    auto key = std::make_pair(chunk.epoch, chunk.table);
    auto it = open_.find(key);
    if (it == open_.end()) {
      OpenFile f;
      f.label = label(chunk.table, chunk.epoch);
      f.path = txn_dir_ + "/" + f.label + ".part";
      f.fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (f.fd < 0) {
        io_error("cannot create", f.path);
      }
      it = open_.emplace(key, std::move(f)).first;
    }
    write_all(it->second.fd, chunk.bytes.view(), it->second.path);
    co_return;
  }

  asio::awaitable<std::vector<PreparedTxn>> prepare(uint64_t epoch) override {
    co_await delay(delays_.prepare);
    std::vector<PreparedTxn> out;
    for (auto it = open_.begin(); it != open_.end();) {
      if (it->first.first != epoch) {
        ++it;
        continue;
      }
      OpenFile& f = it->second;
      if (sync_ && ::fsync(f.fd) != 0) {
        io_error("cannot fsync", f.path);
      }
      ::close(f.fd);
      const std::string prepared = txn_dir_ + "/" + f.label + ".prepared";
      if (::rename(f.path.c_str(), prepared.c_str()) != 0) {
        io_error("cannot rename", f.path);
      }
      out.push_back(PreparedTxn{it->first.second, f.label, 0, 0});
      it = open_.erase(it);
    }
    if (sync_ && !out.empty()) {
      fsync_path(txn_dir_, true);
    }
    co_return out;
  }

  asio::awaitable<void> commit(uint64_t epoch, std::vector<PreparedTxn> txns) override {
    co_await delay(delays_.commit);
    for (const auto& t : txns) {
      const std::string dir = root_ + "/" + t.table.str();
      std::error_code ec;
      fs::create_directories(dir, ec);
      const std::string prepared = txn_dir_ + "/" + t.label + ".prepared";
      const std::string final_path = segment_path(t.table, epoch);
      if (::rename(prepared.c_str(), final_path.c_str()) != 0) {
        if (errno == ENOENT && fs::exists(final_path)) {
          continue;  // committed before a restart
        }
        throw Error(ErrorKind::Data,
                    "transaction " + t.label + " of epoch " + std::to_string(epoch) +
                        " is lost: neither prepared nor committed",
                    prepared, "the sink's directory was changed behind starcdc's back");
      }
      if (sync_) {
        fsync_path(dir, true);
      }
    }
    co_return;
  }

  asio::awaitable<void> abort(uint64_t /*epoch*/, std::vector<PreparedTxn> txns) override {
    for (const auto& t : txns) {
      std::error_code ec;
      fs::remove(txn_dir_ + "/" + t.label + ".prepared", ec);
      fs::remove(txn_dir_ + "/" + t.label + ".part", ec);
    }
    co_return;
  }

  asio::awaitable<void> apply(SchemaChange change) override {
    const std::string dir = root_ + "/" + change.table.str();
    std::error_code ec;
    fs::create_directories(dir, ec);
    ByteBuffer b;
    b.append("{\"change\":");
    append_json_string(b, schema_change_name(change.kind));
    if (!change.column.empty()) {
      b.append(",\"column\":");
      append_json_string(b, change.column);
    }
    if (change.schema != nullptr) {
      b.append(",\"version\":");
      b.append_int(change.schema->version());
      b.append(",\"columns\":[");
      bool first = true;
      for (const auto& c : change.schema->columns()) {
        b.append(first ? "{\"name\":" : ",{\"name\":");
        first = false;
        append_json_string(b, c.name);
        b.append(",\"type\":");
        append_json_string(b, c.type);
        b.append(c.nullable ? ",\"nullable\":true}" : ",\"nullable\":false}");
      }
      b.append("],\"primary_key\":[");
      first = true;
      for (uint16_t k : change.schema->primary_key()) {
        if (!first) {
          b.push_back(',');
        }
        first = false;
        append_json_string(b, change.schema->columns()[k].name);
      }
      b.append("]");
    }
    b.append("}\n");
    char name[64];
    if (change.schema != nullptr) {
      std::snprintf(name, sizeof name, "/schema-%06u.json", change.schema->version());
    } else {
      std::snprintf(name, sizeof name, "/%s.json", schema_change_name(change.kind));
    }
    const std::string path = dir + name;
    if (fs::exists(path)) {
      // A replay after a restart (or a table announced again at start): the version is there.
      co_return;
    }
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      io_error("cannot create", tmp);
    }
    write_all(fd, b.view(), tmp);
    if (sync_ && ::fsync(fd) != 0) {
      ::close(fd);
      io_error("cannot fsync", tmp);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      io_error("cannot rename", tmp);
    }
    co_return;
  }

  asio::awaitable<bool> recover(const CheckpointRecord* last) override {
    if (last != nullptr && !last->committed) {
      co_await commit(last->epoch, last->prepared);
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(txn_dir_, ec)) {
      const std::string name = entry.path().filename().string();
      log::warn(kComponent, "Rolled back a transaction begun after the last checkpoint.",
                {{"label", std::string_view(name)}});
      fs::remove(entry.path(), ec);
    }
    co_return true;
  }

 private:
  struct OpenFile {
    int fd = -1;
    std::string label;
    std::string path;
  };

  asio::awaitable<void> delay(std::chrono::milliseconds d) {
    if (d.count() > 0) {
      timer_.expires_after(d);
      co_await timer_.async_wait(asio::use_awaitable);
    }
  }

  std::string label(const TableId& t, uint64_t epoch) const {
    return sanitize_label(prefix_ + "-" + t.database + "_" + t.table + "-" + std::to_string(epoch));
  }

  std::string segment_path(const TableId& t, uint64_t epoch) const {
    char name[32];
    std::snprintf(name, sizeof name, "/%012llu.jsonl", static_cast<unsigned long long>(epoch));
    return root_ + "/" + t.str() + name;
  }

  asio::steady_timer timer_;
  std::string root_;
  std::string txn_dir_;
  std::string prefix_;
  bool sync_;
  Delays delays_;
  std::map<std::pair<uint64_t, TableId>, OpenFile> open_;
};

class FileSink : public Sink {
 public:
  FileSink(const SinkContext& ctx, const config::OptionValues& o)
      : committer_(
            ctx.io, o.get_string("path"),
            o.has("sink.label-prefix") ? o.get_string("sink.label-prefix") : ctx.pipeline,
            o.get_bool("sync"),
            FileCommitter::Delays{o.get_duration("load.delay"), o.get_duration("prepare.delay"),
                                  o.get_duration("commit.delay")}) {}

  std::unique_ptr<RowEncoder> make_encoder(const TableSchema& schema) override {
    return std::make_unique<sink_common::JsonLinesEncoder>(schema);
  }
  SinkCommitter& committer() override { return committer_; }

 private:
  FileCommitter committer_;
};

}  // namespace

SinkFactory file_sink_factory() {
  SinkFactory f;
  f.type = "file";
  f.options = &file_options();
  f.create = [](const SinkContext& ctx, const config::OptionValues& o) {
    return std::make_unique<FileSink>(ctx, o);
  };
  return f;
}

}  // namespace starcdc::file
