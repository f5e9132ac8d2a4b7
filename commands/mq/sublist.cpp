#include "commands/mq/sublist.hpp"

#include <algorithm>

#include "proto/nats/protocol.hpp"

namespace commands::mq {

namespace {

// A cache past this many subjects starts again: a publisher to ever-new subjects (inboxes) must
// not make it grow without end.
constexpr std::size_t cache_limit = 4096;

bool has_wildcard(std::string_view subject) {
  // Valid subjects hold '*' and '>' only as whole tokens.
  return subject.find_first_of("*>") != std::string_view::npos;
}

void erase_one(std::vector<subscription*>& v, subscription* s) {
  auto it = std::find(v.begin(), v.end(), s);
  if (it != v.end()) v.erase(it);
}

}  // namespace

void sublist::insert(subscription* s) {
  if (has_wildcard(s->subject))
    wildcard_.push_back(s);
  else
    literal_[s->subject].push_back(s);
  ++count_;
  ++inserts_;
  cache_.clear();
}

void sublist::remove(subscription* s) {
  std::size_t before = 0, after = 0;
  if (has_wildcard(s->subject)) {
    before = wildcard_.size();
    erase_one(wildcard_, s);
    after = wildcard_.size();
  } else if (auto it = literal_.find(s->subject); it != literal_.end()) {
    before = it->second.size();
    erase_one(it->second, s);
    after = it->second.size();
    if (it->second.empty()) literal_.erase(it);
  }
  if (before == after) return;
  --count_;
  ++removes_;
  cache_.clear();
}

const match_result& sublist::match(std::string_view subject) {
  ++matches_;
  if (auto it = cache_.find(subject); it != cache_.end()) {
    ++hits_;
    return *it->second;
  }
  if (cache_.size() >= cache_limit) cache_.clear();
  auto r = std::make_unique<match_result>();
  auto add = [&](subscription* s) {
    if (s->queue.empty()) {
      r->plain.push_back(s);
      return;
    }
    for (auto& g : r->groups)
      if (g.front()->queue == s->queue) {
        g.push_back(s);
        return;
      }
    r->groups.push_back({s});
  };
  if (auto it = literal_.find(subject); it != literal_.end())
    for (auto* s : it->second) add(s);
  for (auto* s : wildcard_)
    if (proto::nats::subject_matches(s->subject, subject)) add(s);
  std::size_t fanout = r->plain.size() + r->groups.size();
  max_fanout_ = std::max(max_fanout_, fanout);
  fanout_sum_ += fanout;
  ++computed_;
  auto& slot = cache_[std::string(subject)];
  slot = std::move(r);
  return *slot;
}

double sublist::avg_fanout() const {
  return computed_ ? double(fanout_sum_) / double(computed_) : 0.0;
}

}  // namespace commands::mq
