#pragma once
// The broker's subscription index: which subscriptions a published subject reaches. Literal
// subjects are found by hashing, wildcard ones by matching each; the answer for a subject is
// cached until the next subscribe or unsubscribe, so a steady stream of messages to a few
// subjects costs one hash lookup each.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace commands::mq {

struct broker_client;

struct subscription {
  broker_client* owner = nullptr;
  std::string subject;    ///< may hold wildcards
  std::string queue;      ///< the queue group; empty for none
  std::string sid;        ///< the client's name for it
  std::uint64_t max = 0;  ///< unsubscribe after this many messages; 0: never
  std::uint64_t delivered = 0;
};

/// Who a subject reaches: every plain subscription, and one member of each queue group (the
/// caller picks which).
struct match_result {
  std::vector<subscription*> plain;
  std::vector<std::vector<subscription*>> groups;
};

class sublist {
 public:
  /// Adds a subscription whose subject is valid (proto::nats::valid_subject with wildcards).
  void insert(subscription* s);
  /// Removes it; nothing happens when it is not there.
  void remove(subscription* s);
  /// The subscriptions `subject` reaches. The reference stays valid until the next insert or
  /// remove.
  const match_result& match(std::string_view subject);

  std::size_t size() const { return count_; }
  std::size_t cached() const { return cache_.size(); }
  std::uint64_t inserts() const { return inserts_; }
  std::uint64_t removes() const { return removes_; }
  std::uint64_t matches() const { return matches_; }
  std::uint64_t cache_hits() const { return hits_; }
  /// The largest number of subscriptions one match has returned, and their sum over matches
  /// computed (not cached ones).
  std::size_t max_fanout() const { return max_fanout_; }
  double avg_fanout() const;

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using index = std::unordered_map<std::string, std::vector<subscription*>, hash, std::equal_to<>>;
  index literal_;
  std::vector<subscription*> wildcard_;
  std::unordered_map<std::string, std::unique_ptr<match_result>, hash, std::equal_to<>> cache_;
  std::size_t count_ = 0, max_fanout_ = 0, fanout_sum_ = 0, computed_ = 0;
  std::uint64_t inserts_ = 0, removes_ = 0, matches_ = 0, hits_ = 0;
};

}  // namespace commands::mq
