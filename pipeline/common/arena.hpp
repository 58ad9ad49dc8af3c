// Arena: bump allocator for text made per event (decoded decimals, converted strings, JSON, WKT,
// computed values).
// Views into it stay valid until reset(); reset() keeps the blocks, so a decoder that has
// warmed up allocates nothing. Thread: the owner's (pipeline).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace starcdc {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns n writable bytes, valid until reset().
  char* allocate(size_t n) {
    if (n > static_cast<size_t>(end_ - cur_)) {
      next_block(n);
    }
    char* p = cur_;
    cur_ += n;
    return p;
  }
  // Gives back the unused tail of the last allocation of `allocated` bytes at `p`.
  void shrink_last(char* p, size_t allocated, size_t used) {
    if (p + allocated == cur_) {
      cur_ = p + used;
    }
  }
  std::string_view copy(std::string_view s) {
    char* p = allocate(s.size());
    if (!s.empty()) {
      std::memcpy(p, s.data(), s.size());
    }
    return {p, s.size()};
  }
  void reset() {
    block_ = 0;
    if (blocks_.empty()) {
      cur_ = end_ = nullptr;
    } else {
      cur_ = blocks_[0].data.get();
      end_ = cur_ + blocks_[0].size;
    }
  }
  size_t capacity_bytes() const {
    size_t n = 0;
    for (const Block& b : blocks_) {
      n += b.size;
    }
    return n;
  }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  static constexpr size_t kBlockBytes = 64 * 1024;

  void next_block(size_t n) {
    // Reuse the following blocks kept from before the last reset() when they are big enough.
    while (!blocks_.empty() && block_ + 1 < blocks_.size()) {
      ++block_;
      if (blocks_[block_].size >= n) {
        cur_ = blocks_[block_].data.get();
        end_ = cur_ + blocks_[block_].size;
        return;
      }
    }
    const size_t size = n > kBlockBytes ? n : kBlockBytes;
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), size});
    block_ = blocks_.size() - 1;
    cur_ = blocks_[block_].data.get();
    end_ = cur_ + size;
  }

  std::vector<Block> blocks_;
  size_t block_ = 0;
  char* cur_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace starcdc
