// StateStore: the checkpoint file of one pipeline, `<state.dir>/checkpoint`.
//
// Format (version 1): a header line `starcdc-checkpoint 1 <length> <crc32>` then `length` bytes of
// JSON. Written atomically: temp file, fsync, rename, fsync of the directory. A state directory
// belongs to one pipeline (its name is in the record) and is locked (flock) while a daemon runs.
// A corrupt, truncated, foreign or newer file is an error, never a fresh start.
#pragma once

#include <optional>
#include <string>

#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/common/result.hpp"

namespace starcdc {

class StateStore {
 public:
  StateStore(std::string dir, std::string pipeline);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Creates the directory if needed and takes the lock. Throws Error(Config) when another
  // process holds it or the directory cannot be created.
  void open_exclusive();
  // Reads the record; nullopt when there is none yet (a first start).
  Result<std::optional<CheckpointRecord>> load() const;
  // Writes the record durably; throws Error(Internal) on I/O failure (the run must stop).
  void save(const CheckpointRecord& record);

  const std::string& dir() const { return dir_; }
  std::string path() const { return dir_ + "/checkpoint"; }

  // Serialization, exposed for tests.
  static std::string encode(const CheckpointRecord& record);
  static Result<CheckpointRecord> decode(const std::string& bytes, const std::string& where);

 private:
  std::string dir_;
  std::string pipeline_;
  int lock_fd_ = -1;
};

}  // namespace starcdc
