#pragma once
// The streams between a network's steps: each one declared with its element type and lanes,
// copied (duplicate steps) for every reader beyond the first, and converted (width converter
// steps) for a reader of another width. The steps it adds go into the emitter's step list.
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "codegen/render.hpp"

namespace zynqnn::compiler {

class StreamWiring {
 public:
  explicit StreamWiring(kainjow::mustache::data& steps) : steps_(steps) {}

  void add_reader(const std::string& id) { ++readers_[id]; }
  void declare(const std::string& id, const std::string& type, int lanes, int depth = 2);
  // After `id` is written: copies for each reader beyond the first (a chain of duplicates).
  void fan_out(const std::string& id, const std::string& type, std::int64_t elements);
  // The next unread copy of stream `id`, converted to words of `lanes` elements when its
  // producer writes another width (the same conversions as width_conversions(), in order).
  std::string take(const std::string& id, int lanes);
  const kainjow::mustache::data& streams() const { return streams_; }

 private:
  kainjow::mustache::data& steps_;
  kainjow::mustache::data streams_{kainjow::mustache::data::type::list};
  std::map<std::string, int> readers_;
  std::map<std::string, std::deque<std::string>> copies_;
  std::map<std::string, int> lanes_;              // words' element count of each stream
  std::map<std::string, std::string> types_;      // element type of each stream
  std::map<std::string, std::int64_t> elements_;  // elements per frame of each layer stream
  int converters_ = 0;
};

}  // namespace zynqnn::compiler
