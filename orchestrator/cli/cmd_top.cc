// podctl top pod|node: kubectl top from the cgroups (no metrics server: podctl reads what cAdvisor
// would). CPU is the rate over a short sample (kTopSampleMs), in millicores; memory the working
// set. The node is the machine, as `localhost` is the node in every pod.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "manifests/label_selector.h"
#include "orchestrator/cgroup/cgroup_usage.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/output/table.h"

namespace podctl {
namespace {

using nlohmann::json;

constexpr int kTopSampleMs = 500;

struct Measured {
  std::string ns, pod, container;  // container empty: the whole pod
  std::string v2_cgroup;
  CgroupUsage first;
  uint64_t millicores = 0;
  uint64_t memory = 0;
};

std::string mebibytes(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + "Mi"; }

Result<std::vector<PodRecord>> chosen_pods(const Invocation& inv, const std::string& ns) {
  std::vector<std::string> names(inv.args.begin() + 1, inv.args.end());
  if (int bad = refuse_invalid_names("pod", names); bad) return fail(make_error("invalid pod name"));
  PODCTL_ASSIGN_OR_RETURN(auto selector, selector_option(inv));
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(RootPaths{inv.global.root}, ns));
  std::vector<PodRecord> out;
  for (const auto& name : names) {
    auto it = std::find_if(pods.begin(), pods.end(), [&](const PodRecord& p) { return p.name == name; });
    if (it == pods.end()) return fail(make_error("pods \"" + name + "\" not found"));
    out.push_back(*it);
  }
  if (!names.empty()) return out;
  for (const auto& p : pods) {
    auto labels = p.spec.value("metadata", json::object()).value("labels", std::map<std::string, std::string>{});
    if (!selector || manifest::selector_matches(*selector, labels)) out.push_back(p);
  }
  return out;
}

// The cgroups to read: the pod's, or each running container's.
std::vector<Measured> targets(const std::vector<PodRecord>& pods, bool containers) {
  std::vector<Measured> out;
  for (const auto& p : pods) {
    if (!p.supervisor_alive || p.cgroup.empty()) continue;  // kubectl shows no metrics for those either
    if (!containers) {
      out.push_back({p.ns, p.name, "", p.cgroup, {}, 0, 0});
      continue;
    }
    const json running = p.status.value("runtime", json::object()).value("containers", json::object());
    for (const auto& [name, c] : running.items())
      out.push_back({p.ns, p.name, name, c.value("cgroup", ""), {}, 0, 0});
  }
  return out;
}

void measure(std::vector<Measured>& targets, const ControllerLayout& layout) {
  for (auto& t : targets) t.first = read_cgroup_usage(layout, t.v2_cgroup);
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(kTopSampleMs));
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  for (auto& t : targets) {
    CgroupUsage now = read_cgroup_usage(layout, t.v2_cgroup);
    t.millicores = millicores(t.first, now, static_cast<uint64_t>(elapsed.count()));
    t.memory = now.memory_working_set.value_or(0);
  }
}

int top_pods(const Invocation& inv) {
  const bool all = inv.vm["all-namespaces"].as<bool>(), containers = inv.vm["containers"].as<bool>();
  const std::string ns = all ? "" : inv.global.ns;
  auto pods = chosen_pods(inv, ns);
  if (!pods) return report_error(pods.error().message, pods.error().message.rfind("pods ", 0) == 0 ? 1 : kExitUsage);
  std::string sort_by = inv.get<std::string>("sort-by");
  if (!sort_by.empty() && sort_by != "cpu" && sort_by != "memory")
    return report_error("--sort-by accepts only cpu or memory", kExitUsage);
  auto layout = detect_controllers();
  if (!layout) return report_error(layout.error().message);
  auto measured = targets(*pods, containers);
  if (measured.empty()) {
    std::cerr << "No resources found" << (all ? "" : " in " + ns + " namespace") << ".\n";
    return kExitOk;
  }
  measure(measured, *layout);
  if (!sort_by.empty())
    std::stable_sort(measured.begin(), measured.end(), [&](const Measured& a, const Measured& b) {
      return sort_by == "cpu" ? a.millicores > b.millicores : a.memory > b.memory;
    });
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = containers ? std::vector<std::string>{"POD", "NAME"} : std::vector<std::string>{"NAME"};
  header.insert(header.end(), {"CPU(cores)", "MEMORY(bytes)"});
  if (all) header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  for (const auto& m : measured) {
    std::vector<std::string> row{std::to_string(m.millicores) + "m", mebibytes(m.memory)};
    if (containers) row.insert(row.begin(), m.container);
    row.insert(row.begin(), m.pod);
    if (all) row.insert(row.begin(), m.ns);
    rows.push_back(row);
  }
  print_table(rows, !inv.vm["no-headers"].as<bool>());
  return kExitOk;
}

// /proc/stat's first line: the busy and total jiffies of every CPU.
std::pair<uint64_t, uint64_t> cpu_jiffies() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  uint64_t v, total = 0, idle = 0;
  in >> cpu;
  for (int i = 0; i < 10 && in >> v; ++i) {
    total += v;
    if (i == 3 || i == 4) idle += v;  // idle, iowait
  }
  return {total - idle, total};
}

uint64_t meminfo_kib(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string k, unit;
  uint64_t v;
  while (in >> k >> v >> unit)
    if (k == key + ":") return v;
  return 0;
}

int top_node(const Invocation& inv) {
  if (inv.args.size() > 1 && inv.args[1] != "localhost") return report_error("nodes \"" + inv.args[1] + "\" not found");
  auto [busy0, total0] = cpu_jiffies();
  std::this_thread::sleep_for(std::chrono::milliseconds(kTopSampleMs));
  auto [busy1, total1] = cpu_jiffies();
  long cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  uint64_t millicores = total1 > total0 ? (busy1 - busy0) * 1000 * static_cast<uint64_t>(cpus) / (total1 - total0) : 0;
  uint64_t total = meminfo_kib("MemTotal") * 1024, used = total - meminfo_kib("MemAvailable") * 1024;
  // Percentages of what the node offers pods, as kubectl's: its allocatable (capacity less the
  // kubelet's 100Mi eviction threshold, as the scheduler counts it).
  uint64_t allocatable = total > (100u << 20) ? total - (100u << 20) : total;
  print_table({{"NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"},
              {"localhost", std::to_string(millicores) + "m", std::to_string(millicores / (10 * static_cast<uint64_t>(cpus))) + "%",
               mebibytes(used), std::to_string(used * 100 / allocatable) + "%"}},
             !inv.vm["no-headers"].as<bool>());
  return kExitOk;
}

}  // namespace

int cmd_top(const Invocation& inv) {
  std::string what = inv.args.empty() ? "" : resource_kind(inv.args[0]);
  if (what == "pods") return top_pods(inv);
  if (!inv.args.empty() && (inv.args[0] == "node" || inv.args[0] == "nodes" || inv.args[0] == "no")) return top_node(inv);
  return report_error("usage: podctl top pod [NAME…] [-l SELECTOR] [-A] [--containers] [--sort-by cpu|memory] | top node",
                      kExitUsage);
}

void top_options(po::options_description& d) {
  d.add_options()("selector,l", po::value<std::string>(), "only the pods whose labels match")(
      "all-namespaces,A", po::bool_switch()->default_value(false), "pods of every namespace")(
      "containers", po::bool_switch()->default_value(false), "a line per container")(
      "sort-by", po::value<std::string>()->default_value(""), "cpu or memory, the most first")(
      "no-headers", po::bool_switch()->default_value(false), "print the table without its header line");
}

}  // namespace podctl
