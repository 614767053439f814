// apps/v1 Deployment and ReplicaSet, and batch/v1 Job documents → typed values.
#include "manifests/parse_internal.h"

namespace podctl::manifest {
namespace {

void read_selector(MapReader& r, LabelSelector& out) {
  r.object(
      "selector", [&](MapReader& s) { read_label_selector(s, out); }, true);
}

void read_template(MapReader& r, PodTemplate& out) {
  r.object(
      "template",
      [&](MapReader& t) {
        t.object("metadata", [&](MapReader& m) { read_object_meta(m, out.metadata, false); });
        t.object(
            "spec", [&](MapReader& s) { read_pod_spec(t.context(), s, out.spec); }, true);
      },
      true);
}

void read_strategy(MapReader& r, DeploymentStrategy& out) {
  r.object("strategy", [&](MapReader& s) {
    s.string("type", out.type);
    out.rolling_update_written = s.has("rollingUpdate");
    s.object("rollingUpdate", [&](MapReader& u) {
      u.int_or_string("maxSurge", out.rolling_update.max_surge);
      u.int_or_string("maxUnavailable", out.rolling_update.max_unavailable);
    });
  });
}

ReplicaSet parse_replica_set(MapReader& top) {
  ReplicaSet rs;
  read_metadata(top, rs.metadata);
  top.object(
      "spec",
      [&](MapReader& s) {
        s.integer("replicas", rs.replicas);
        s.integer("minReadySeconds", rs.min_ready_seconds);
        read_selector(s, rs.selector);
        read_template(s, rs.template_);
      },
      true);
  return rs;
}

Deployment parse_deployment(MapReader& top) {
  Deployment d;
  read_metadata(top, d.metadata);
  top.object(
      "spec",
      [&](MapReader& s) {
        s.integer("replicas", d.replicas);
        s.integer("minReadySeconds", d.min_ready_seconds);
        s.integer("revisionHistoryLimit", d.revision_history_limit);
        s.integer("progressDeadlineSeconds", d.progress_deadline_seconds);
        s.boolean("paused", d.paused);
        read_selector(s, d.selector);
        read_template(s, d.template_);
        read_strategy(s, d.strategy);
      },
      true);
  return d;
}

StatefulSet parse_stateful_set(ParseContext& ctx, MapReader& top) {
  StatefulSet st;
  read_metadata(top, st.metadata);
  top.object(
      "spec",
      [&](MapReader& s) {
        s.integer("replicas", st.replicas);
        s.string("serviceName", st.service_name);
        s.string("podManagementPolicy", st.pod_management_policy);
        s.integer("minReadySeconds", st.min_ready_seconds);
        read_selector(s, st.selector);
        read_template(s, st.template_);
        s.object("updateStrategy", [&](MapReader& u) {
          u.string("type", st.update_strategy);
          u.object("rollingUpdate", [&](MapReader& r) {
            r.integer("partition", st.partition);
            r.unsupported({"maxUnavailable"});
          });
        });
        s.list("volumeClaimTemplates", [&](const YAML::Node& node, const std::string& path) {
          MapReader c(ctx, node, path);
          PersistentVolumeClaim claim;
          c.object(
              "metadata", [&](MapReader& m) { read_object_meta(m, claim.metadata, true); }, true);
          c.object(
              "spec", [&](MapReader& cs) { read_claim_spec(ctx, cs, claim); }, true);
          // A claim template may say what it is (v1, PersistentVolumeClaim): allowed, as by the API server.
          std::string api_version, kind;
          c.string("apiVersion", api_version);
          c.string("kind", kind);
          c.finish();
          st.volume_claim_templates.push_back(std::move(claim));
        });
        s.unsupported({"revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "ordinals"});
      },
      true);
  return st;
}

Job parse_job(MapReader& top) {
  Job j;
  read_metadata(top, j.metadata);
  top.object(
      "spec",
      [&](MapReader& s) {
        s.integer("completions", j.completions);
        s.integer("parallelism", j.parallelism);
        s.integer("backoffLimit", j.backoff_limit);
        s.integer("activeDeadlineSeconds", j.active_deadline_seconds);
        s.integer("ttlSecondsAfterFinished", j.ttl_seconds_after_finished);
        s.string("completionMode", j.completion_mode);
        read_template(s, j.template_);
        s.unsupported({"selector", "manualSelector", "suspend", "podFailurePolicy", "backoffLimitPerIndex",
                       "maxFailedIndexes", "podReplacementPolicy", "successPolicy", "managedBy"});
      },
      true);
  return j;
}

}  // namespace

std::optional<Object> parse_workload(ParseContext& ctx, MapReader& top, const std::string& kind) {
  std::optional<Object> out;
  if (kind == "StatefulSet")
    out = parse_stateful_set(ctx, top);
  else if (kind == "Deployment")
    out = parse_deployment(top);
  else if (kind == "Job")
    out = parse_job(top);
  else
    out = parse_replica_set(top);
  top.read_only({"status"});
  top.finish();
  return out;
}

}  // namespace podctl::manifest
