#include "orchestrator/plan/deployment_plan.h"

#include <algorithm>
#include <cstdlib>

namespace podctl::plan {
namespace {

// intstr.GetScaledValueFromIntOrPercent.
int64_t scaled(const manifest::IntOrString& v, int64_t total, bool round_up) {
  if (!v.is_string) return v.number;
  int64_t percent = std::atoll(v.text.c_str());
  return round_up ? (percent * total + 99) / 100 : percent * total / 100;
}

struct Sets {
  std::vector<ReplicaSetState> all;  // with the plan's scaling applied
  int new_index = -1;
  ReplicaSetState* fresh() { return new_index < 0 ? nullptr : &all[static_cast<size_t>(new_index)]; }
  int64_t spec_total() const {
    int64_t n = 0;
    for (const auto& s : all) n += s.replicas;
    return n;
  }
  // Old sets, oldest first (controller.ReplicaSetsByCreationTimestamp).
  std::vector<ReplicaSetState*> old_sets() {
    std::vector<ReplicaSetState*> out;
    for (size_t i = 0; i < all.size(); ++i)
      if (static_cast<int>(i) != new_index) out.push_back(&all[i]);
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
      return a->created != b->created ? a->created < b->created : a->name < b->name;
    });
    return out;
  }
};

void scale_to(DeploymentPlan& plan, ReplicaSetState& rs, int64_t replicas) {
  if (rs.replicas == replicas) return;
  rs.replicas = replicas;
  if (plan.create && plan.create->name == rs.name)
    plan.create->replicas = replicas;
  else
    plan.scale[rs.name] = replicas;
}

// The new ReplicaSet: found by its hash, or created with the next revision; an old template used
// again (a rollback) takes the next revision too.
void find_or_create_new(const RolloutSpec& spec, Sets& sets, DeploymentPlan& plan) {
  int64_t max_revision = 0;
  for (const auto& s : sets.all) max_revision = std::max(max_revision, s.revision);
  for (size_t i = 0; i < sets.all.size(); ++i)
    if (sets.all[i].hash == spec.template_hash) sets.new_index = static_cast<int>(i);
  if (auto* fresh = sets.fresh()) {
    if (fresh->revision < max_revision) plan.revise[fresh->name] = fresh->revision = max_revision + 1;
    return;
  }
  ReplicaSetState created;
  created.name = spec.name + "-" + spec.template_hash;
  created.hash = spec.template_hash;
  created.revision = max_revision + 1;
  plan.create = created;
  sets.all.push_back(created);
  sets.new_index = static_cast<int>(sets.all.size() - 1);
}

// rolling.go reconcileNewReplicaSet + NewRSNewReplicas. True when it scaled up.
bool scale_new_for_rolling(const RolloutSpec& spec, Sets& sets, DeploymentPlan& plan) {
  auto& fresh = *sets.fresh();
  if (fresh.replicas == spec.replicas) return false;
  if (fresh.replicas > spec.replicas) {
    scale_to(plan, fresh, spec.replicas);
    return false;
  }
  auto [surge, unavailable] = resolve_fenceposts(spec);
  int64_t max_total = spec.replicas + surge, current = sets.spec_total();
  if (current >= max_total) return false;
  int64_t up = std::min(max_total - current, spec.replicas - fresh.replicas);
  scale_to(plan, fresh, fresh.replicas + up);
  return true;
}

// rolling.go reconcileOldReplicaSets: first the old pods that are not available, then as many
// available ones as minAvailable allows.
void scale_old_for_rolling(const RolloutSpec& spec, Sets& sets, DeploymentPlan& plan) {
  auto old = sets.old_sets();
  int64_t old_total = 0;
  for (const auto* s : old) old_total += s->replicas;
  if (old_total == 0) return;
  auto [surge, unavailable] = resolve_fenceposts(spec);
  int64_t min_available = spec.replicas - unavailable;
  const auto& fresh = *sets.fresh();
  int64_t fresh_unavailable = fresh.replicas - fresh.pods.available;
  int64_t max_scaled_down = sets.spec_total() - min_available - fresh_unavailable;
  if (max_scaled_down <= 0) return;
  int64_t done = 0;
  for (auto* s : old) {
    if (done >= max_scaled_down) break;
    int64_t unhealthy = s->replicas - s->pods.available;
    if (s->replicas == 0 || unhealthy <= 0) continue;
    int64_t down = std::min(max_scaled_down - done, unhealthy);
    scale_to(plan, *s, s->replicas - down);
    done += down;
  }
  int64_t available = 0;
  for (const auto& s : sets.all) available += s.pods.available;
  if (available <= min_available) return;
  int64_t total_down = available - min_available;
  done = 0;
  for (auto* s : old) {
    if (done >= total_down) break;
    if (s->replicas == 0) continue;
    int64_t down = std::min(s->replicas, total_down - done);
    scale_to(plan, *s, s->replicas - down);
    done += down;
  }
}

// recreate.go: every old ReplicaSet to 0, and the new one only once their pods are all gone.
void plan_recreate(const RolloutSpec& spec, Sets& sets, DeploymentPlan& plan) {
  bool old_running = false;
  for (auto* s : sets.old_sets()) {
    scale_to(plan, *s, 0);
    old_running |= s->remaining > 0;
  }
  if (old_running) return;
  scale_to(plan, *sets.fresh(), spec.replicas);
}

// sync.go cleanupDeployment: the oldest old ReplicaSets without pods, beyond the history limit.
void plan_history(const RolloutSpec& spec, Sets& sets, DeploymentPlan& plan) {
  std::vector<ReplicaSetState*> idle;
  for (auto* s : sets.old_sets())
    if (s->replicas == 0 && s->remaining == 0) idle.push_back(s);
  std::sort(idle.begin(), idle.end(), [](const auto* a, const auto* b) { return a->revision < b->revision; });
  for (size_t i = 0; static_cast<int64_t>(idle.size() - i) > spec.revision_history_limit; ++i)
    plan.remove.push_back(idle[i]->name);
}

DeploymentStatus count_status(const RolloutSpec& spec, Sets& sets) {
  DeploymentStatus st;
  for (const auto& s : sets.all) {
    st.replicas += s.pods.replicas;
    st.ready += s.pods.ready;
    st.available += s.pods.available;
  }
  st.updated = sets.fresh()->pods.replicas;
  st.unavailable = std::max<int64_t>(0, spec.replicas - st.available);
  return st;
}

const DeploymentCondition* find_condition(const DeploymentStatus& st, const std::string& type) {
  for (const auto& c : st.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

// SetDeploymentCondition: the transition time moves only when the status changes.
DeploymentCondition condition(const DeploymentStatus& previous, std::string type, std::string status,
                              std::string reason, std::string message, WallMillis now) {
  DeploymentCondition c{std::move(type), std::move(status), std::move(reason), std::move(message), now, now};
  if (const auto* old = find_condition(previous, c.type)) {
    if (old->status == c.status) c.last_transition = old->last_transition;
    if (old->status == c.status && old->reason == c.reason && old->message == c.message) c.last_update = old->last_update;
  }
  return c;
}

// progress.go: progressing while anything moves, NewReplicaSetAvailable when complete,
// ProgressDeadlineExceeded after progressDeadlineSeconds without movement.
void set_conditions(const RolloutSpec& spec, const Sets& sets, const DeploymentStatus& previous, bool acted,
                    DeploymentPlan& plan, WallMillis now) {
  auto& st = plan.status;
  auto [surge, max_unavailable] = resolve_fenceposts(spec);
  if (spec.recreate) max_unavailable = 0;
  bool available = st.available >= spec.replicas - max_unavailable;
  st.conditions.push_back(condition(previous, "Available", available ? "True" : "False",
                                    available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                    available ? "Deployment has minimum availability."
                                              : "Deployment does not have minimum availability.",
                                    now));
  const std::string rs = "ReplicaSet \"" + sets.all[static_cast<size_t>(sets.new_index)].name + "\"";
  const auto* was = find_condition(previous, "Progressing");
  bool moved = st.updated > previous.updated || st.replicas < previous.replicas || st.ready > previous.ready ||
               st.available > previous.available;
  DeploymentCondition progressing;
  if (rollout_complete(spec, st)) {
    progressing = condition(previous, "Progressing", "True", "NewReplicaSetAvailable", rs + " has successfully progressed.", now);
  } else if (plan.create) {
    progressing = condition(previous, "Progressing", "True", "NewReplicaSetCreated", "Created new replica set " + rs.substr(11), now);
  } else if (acted || moved || !was || was->reason == "NewReplicaSetAvailable") {
    progressing = condition(previous, "Progressing", "True", "ReplicaSetUpdated", rs + " is progressing.", now);
    progressing.last_update = now;
  } else if (was->reason != "ProgressDeadlineExceeded" && now - was->last_update > spec.progress_deadline_seconds * 1000) {
    progressing = condition(previous, "Progressing", "False", "ProgressDeadlineExceeded", rs + " has timed out progressing.", now);
  } else {
    progressing = *was;
  }
  if (progressing.status == "True" && progressing.reason != "NewReplicaSetAvailable")
    plan.deadline_at = progressing.last_update + spec.progress_deadline_seconds * 1000 + 1;
  st.conditions.push_back(progressing);
}

}  // namespace

std::pair<int64_t, int64_t> resolve_fenceposts(const RolloutSpec& spec) {
  int64_t surge = scaled(spec.max_surge, spec.replicas, true);
  int64_t unavailable = scaled(spec.max_unavailable, spec.replicas, false);
  if (surge == 0 && unavailable == 0) unavailable = 1;
  return {surge, unavailable};
}

bool rollout_complete(const RolloutSpec& spec, const DeploymentStatus& st) {
  return st.updated == spec.replicas && st.replicas == spec.replicas && st.available == spec.replicas;
}

DeploymentPlan plan_deployment(const RolloutSpec& spec, const std::vector<ReplicaSetState>& observed,
                               const DeploymentStatus& previous, WallMillis now) {
  DeploymentPlan plan;
  Sets sets{observed};
  find_or_create_new(spec, sets, plan);
  if (spec.recreate) {
    plan_recreate(spec, sets, plan);
  } else if (!scale_new_for_rolling(spec, sets, plan)) {
    scale_old_for_rolling(spec, sets, plan);
  }
  plan.status = count_status(spec, sets);
  if (rollout_complete(spec, plan.status)) plan_history(spec, sets, plan);
  bool acted = plan.create || !plan.scale.empty();
  set_conditions(spec, sets, previous, acted, plan, now);
  return plan;
}

}  // namespace podctl::plan
