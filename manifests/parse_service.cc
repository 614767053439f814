// v1 Service documents → typed values.
#include "manifests/parse_internal.h"

namespace podctl::manifest {

std::optional<Object> parse_service(ParseContext& ctx, MapReader& top) {
  Service svc;
  read_metadata(top, svc.metadata);
  top.object(
      "spec",
      [&](MapReader& s) {
        s.string("type", svc.type);
        s.string("externalName", svc.external_name);
        s.string_map("selector", svc.selector);
        s.string("clusterIP", svc.cluster_ip);
        s.string("sessionAffinity", svc.session_affinity);
        s.object("sessionAffinityConfig", [&](MapReader& c) {
          c.object("clientIP", [&](MapReader& ip) { ip.integer("timeoutSeconds", svc.affinity_timeout_seconds); });
        });
        s.list("ports", [&](const YAML::Node& node, const std::string& path) {
          MapReader p(ctx, node, path);
          ServicePort port;
          p.string("name", port.name);
          p.string("protocol", port.protocol);
          p.integer("port", port.port, true);
          p.int_or_string("targetPort", port.target_port);
          p.integer("nodePort", port.node_port);
          p.unsupported({"appProtocol"});
          p.finish();
          svc.ports.push_back(std::move(port));
        });
        s.unsupported({"clusterIPs", "externalIPs", "externalTrafficPolicy", "internalTrafficPolicy",
                       "healthCheckNodePort", "ipFamilies", "ipFamilyPolicy", "loadBalancerIP",
                       "loadBalancerSourceRanges", "loadBalancerClass", "allocateLoadBalancerNodePorts",
                       "publishNotReadyAddresses", "trafficDistribution"});
      },
      true);
  top.read_only({"status"});
  top.finish();
  return svc;
}

}  // namespace podctl::manifest
