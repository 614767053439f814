#include "orchestrator/plan/device_rules.h"

namespace podctl::plan {

std::vector<DeviceRule> container_device_rules(bool privileged) {
  if (privileged) return {{'a', -1, -1, "rwm"}};
  return {
      {'c', -1, -1, "m"},     // mknod of any character device
      {'b', -1, -1, "m"},     // and of any block device; opening them is another matter
      {'c', 1, 3, "rwm"},     // /dev/null
      {'c', 1, 5, "rwm"},     // /dev/zero
      {'c', 1, 7, "rwm"},     // /dev/full
      {'c', 1, 8, "rwm"},     // /dev/random
      {'c', 1, 9, "rwm"},     // /dev/urandom
      {'c', 5, 0, "rwm"},     // /dev/tty
      {'c', 5, 2, "rwm"},     // /dev/ptmx
      {'c', 136, -1, "rwm"},  // /dev/pts/*
      {'c', 10, 200, "rwm"},  // /dev/net/tun
  };
}

std::string v1_rule_line(const DeviceRule& rule) {
  auto number = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
  if (rule.type == 'a') return "a";
  return std::string(1, rule.type) + " " + number(rule.major) + ":" + number(rule.minor) + " " + rule.access;
}

}  // namespace podctl::plan
