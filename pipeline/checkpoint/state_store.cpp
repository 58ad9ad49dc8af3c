#include "pipeline/checkpoint/state_store.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/model/columns_json.hpp"

namespace starcdc {
namespace {

constexpr const char* kMagic = "starcdc-checkpoint";

uint32_t crc32_of(const std::string& s) {
  boost::crc_32_type crc;
  crc.process_bytes(s.data(), s.size());
  return crc.checksum();
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::string& data, const std::string& path) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error(ErrorKind::Internal, "cannot write the checkpoint: " + errno_text(), path,
                  "check free space and permissions of the state directory");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void fsync_or_throw(int fd, const std::string& path) {
  if (::fsync(fd) != 0) {
    throw Error(ErrorKind::Internal, "cannot fsync: " + errno_text(), path,
                "check the state directory's file system");
  }
}

Error corrupt(const std::string& where, const std::string& why) {
  return Error(ErrorKind::Data, "the checkpoint file is unreadable: " + why, where,
               "restore the state directory from a backup, or move it away to start over "
               "(the pipeline then starts from its configured start position)");
}

}  // namespace

StateStore::StateStore(std::string dir, std::string pipeline)
    : dir_(std::move(dir)), pipeline_(std::move(pipeline)) {}

StateStore::~StateStore() {
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);
  }
}

void StateStore::open_exclusive() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    throw Error(ErrorKind::Config, "cannot create the state directory: " + ec.message(), dir_,
                "set pipeline.state.dir to a writable directory");
  }
  const std::string lock_path = dir_ + "/lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    throw Error(ErrorKind::Config, "cannot open the state lock: " + errno_text(), lock_path,
                "set pipeline.state.dir to a writable directory");
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw Error(ErrorKind::Config, "the state directory is in use by another starcdc process", dir_,
                "stop the other process, or give this pipeline its own state.dir");
  }
}

std::string StateStore::encode(const CheckpointRecord& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("pipeline");
  w.String(r.pipeline.c_str(), static_cast<rapidjson::SizeType>(r.pipeline.size()));
  w.Key("epoch");
  w.Uint64(r.epoch);
  w.Key("position");
  if (r.position.empty()) {
    w.Null();
  } else {
    w.RawValue(r.position.json().c_str(), r.position.json().size(), rapidjson::kObjectType);
  }
  w.Key("previous_position");
  if (r.previous_position.empty()) {
    w.Null();
  } else {
    w.RawValue(r.previous_position.json().c_str(), r.previous_position.json().size(),
               rapidjson::kObjectType);
  }
  w.Key("committed");
  w.Bool(r.committed);
  w.Key("written_unix_ms");
  w.Int64(r.written_unix_ms);
  w.Key("last_commit_ms");
  w.Int64(r.last_commit_ms);
  w.Key("prepared");
  w.StartArray();
  for (const auto& t : r.prepared) {
    w.StartObject();
    w.Key("database");
    w.String(t.table.database.c_str());
    w.Key("table");
    w.String(t.table.table.c_str());
    w.Key("label");
    w.String(t.label.c_str());
    w.Key("rows");
    w.Uint64(t.rows);
    w.Key("bytes");
    w.Uint64(t.bytes);
    w.EndObject();
  }
  w.EndArray();
  w.Key("tables");
  w.StartObject();
  for (const auto& [name, c] : r.tables) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("rows");
    w.Uint64(c.rows);
    w.Key("bytes");
    w.Uint64(c.bytes);
    w.Key("last_epoch");
    w.Uint64(c.last_epoch);
    w.EndObject();
  }
  w.EndObject();
  w.Key("schemas");
  w.StartObject();
  for (const auto& [id, s] : r.schemas) {
    const std::string name = id.str();
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("version");
    w.Uint(s.version);
    write_columns_json(w, std::span<const Column>(s.columns),
                       std::span<const uint16_t>(s.primary_key));
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  std::string body(sb.GetString(), sb.GetSize());
  char header[96];
  std::snprintf(header, sizeof header, "%s %u %zu %08x\n", kMagic, CheckpointRecord::kFormatVersion,
                body.size(), crc32_of(body));
  return std::string(header) + body + "\n";
}

Result<CheckpointRecord> StateStore::decode(const std::string& bytes, const std::string& where) {
  const auto nl = bytes.find('\n');
  if (nl == std::string::npos) {
    return corrupt(where, "no header line (truncated?)");
  }
  std::istringstream header(bytes.substr(0, nl));
  std::string magic;
  uint32_t version = 0;
  size_t length = 0;
  std::string crc_hex;
  if (!(header >> magic >> version >> length >> crc_hex) || magic != kMagic) {
    return corrupt(where, "not a starcdc checkpoint file");
  }
  if (version > CheckpointRecord::kFormatVersion) {
    return Error(ErrorKind::Config,
                 "the checkpoint was written by a newer starcdc (format " +
                     std::to_string(version) + ", this one reads " +
                     std::to_string(CheckpointRecord::kFormatVersion) + ")",
                 where, "run the newer starcdc version, or restore an older state");
  }
  if (version < 1) {
    return corrupt(where, "format version 0");
  }
  const std::string body = bytes.substr(nl + 1);
  if (body.size() < length) {
    return corrupt(where, "truncated: header says " + std::to_string(length) + " bytes, file has " +
                              std::to_string(body.size()));
  }
  const std::string json = body.substr(0, length);
  char crc_now[16];
  std::snprintf(crc_now, sizeof crc_now, "%08x", crc32_of(json));
  if (crc_hex != crc_now) {
    return corrupt(where, "checksum mismatch (stored " + crc_hex + ", computed " + crc_now + ")");
  }
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return corrupt(where, "the JSON body does not parse");
  }
  CheckpointRecord r;
  auto bad = [&](const char* field) { return corrupt(where, std::string("bad field ") + field); };
  if (!d.HasMember("pipeline") || !d["pipeline"].IsString()) {
    return bad("pipeline");
  }
  r.pipeline = d["pipeline"].GetString();
  if (!d.HasMember("epoch") || !d["epoch"].IsUint64()) {
    return bad("epoch");
  }
  r.epoch = d["epoch"].GetUint64();
  if (!d.HasMember("position")) {
    return bad("position");
  }
  if (!d["position"].IsNull()) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d["position"].Accept(w);
    r.position = Position::from_json(std::string(sb.GetString(), sb.GetSize()));
  }
  if (d.HasMember("previous_position") && d["previous_position"].IsObject()) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d["previous_position"].Accept(w);
    r.previous_position = Position::from_json(std::string(sb.GetString(), sb.GetSize()));
  }
  if (!d.HasMember("committed") || !d["committed"].IsBool()) {
    return bad("committed");
  }
  r.committed = d["committed"].GetBool();
  if (d.HasMember("written_unix_ms") && d["written_unix_ms"].IsInt64()) {
    r.written_unix_ms = d["written_unix_ms"].GetInt64();
  }
  if (d.HasMember("last_commit_ms") && d["last_commit_ms"].IsInt64()) {
    r.last_commit_ms = d["last_commit_ms"].GetInt64();
  }
  if (!d.HasMember("prepared") || !d["prepared"].IsArray()) {
    return bad("prepared");
  }
  for (const auto& t : d["prepared"].GetArray()) {
    if (!t.IsObject() || !t.HasMember("database") || !t["database"].IsString() ||
        !t.HasMember("table") || !t["table"].IsString() || !t.HasMember("label") ||
        !t["label"].IsString()) {
      return bad("prepared[]");
    }
    PreparedTxn p;
    p.table = TableId{t["database"].GetString(), t["table"].GetString()};
    p.label = t["label"].GetString();
    p.rows = t.HasMember("rows") && t["rows"].IsUint64() ? t["rows"].GetUint64() : 0;
    p.bytes = t.HasMember("bytes") && t["bytes"].IsUint64() ? t["bytes"].GetUint64() : 0;
    r.prepared.push_back(std::move(p));
  }
  if (d.HasMember("tables") && d["tables"].IsObject()) {
    for (const auto& m : d["tables"].GetObject()) {
      TableCounters c;
      if (m.value.IsObject()) {
        c.rows = m.value.HasMember("rows") && m.value["rows"].IsUint64()
                     ? m.value["rows"].GetUint64()
                     : 0;
        c.bytes = m.value.HasMember("bytes") && m.value["bytes"].IsUint64()
                      ? m.value["bytes"].GetUint64()
                      : 0;
        c.last_epoch = m.value.HasMember("last_epoch") && m.value["last_epoch"].IsUint64()
                           ? m.value["last_epoch"].GetUint64()
                           : 0;
      }
      r.tables[m.name.GetString()] = c;
    }
  }
  if (d.HasMember("schemas") && d["schemas"].IsObject()) {
    for (const auto& m : d["schemas"].GetObject()) {
      const std::string name = m.name.GetString();
      const size_t dot = name.find('.');
      SinkSchema s;
      if (dot == std::string::npos || !read_columns_json(m.value, s.columns, s.primary_key)) {
        return bad("schemas");
      }
      s.version = m.value.HasMember("version") && m.value["version"].IsUint()
                      ? m.value["version"].GetUint()
                      : 0;
      r.schemas[TableId{name.substr(0, dot), name.substr(dot + 1)}] = std::move(s);
    }
  }
  return r;
}

Result<std::optional<CheckpointRecord>> StateStore::load() const {
  const std::string p = path();
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return std::optional<CheckpointRecord>{};
    }
    return Error(ErrorKind::Config, "cannot read the checkpoint: " + errno_text(), p,
                 "check the permissions of the state directory");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto r = decode(ss.str(), p);
  if (!r.ok()) {
    return r.error();
  }
  if (r.value().pipeline != pipeline_) {
    return Error(ErrorKind::Config,
                 "the state directory belongs to pipeline '" + r.value().pipeline + "', not '" +
                     pipeline_ + "'",
                 dir_, "give each pipeline its own pipeline.state.dir");
  }
  return std::optional<CheckpointRecord>(std::move(r).value());
}

void StateStore::save(const CheckpointRecord& record) {
  const std::string final_path = path();
  const std::string tmp = final_path + ".tmp";
  const std::string data = encode(record);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(ErrorKind::Internal, "cannot create the checkpoint: " + errno_text(), tmp,
                "check free space and permissions of the state directory");
  }
  try {
    write_all(fd, data, tmp);
    fsync_or_throw(fd, tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    throw Error(ErrorKind::Internal, "cannot rename the checkpoint: " + errno_text(), final_path,
                "check the state directory");
  }
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    throw Error(ErrorKind::Internal, "cannot open the state directory: " + errno_text(), dir_, "");
  }
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) {
    throw Error(ErrorKind::Internal, "cannot fsync the state directory: " + errno_text(), dir_,
                "check the state directory's file system");
  }
}

}  // namespace starcdc
