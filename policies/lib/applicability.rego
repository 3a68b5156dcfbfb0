# Applicability: which resources a rule examines. Each rule defines `applicable` (a set of addresses);
# a resource of the rule's applies_to types outside that set is reported "not-applicable", never "pass".
# Applicability is evidence only: it never removes a finding, so it cannot turn a rejection into an acceptance.
package apprunner_guard.lib

# Every App Runner service (for rules that examine each one).
all_services contains s if some s in services

# The service sets a role attribute (a known ARN, a value unknown until apply, or a reference).
has_role(svc, path) if role_arn(svc, path)

has_role(svc, path) if is_unknown(svc, path)

has_role(svc, path) if count(refs_at(svc, path)) > 0

# Services with an instance role / with an access role. A function is evaluated again at every
# call and a rule only once, so the sets are rules (ten rules ask for them) and the functions read them.
services_with_role(kind) := _services_with_role[kind]

_services_with_role[kind] := found if {
	some kind, path in role_paths
	found := {s |
		some s in services
		has_role(input.resources[s], path)
	}
}

# Services that inject something through a map attribute (runtime_environment_variables / _secrets).
services_injecting(attr) := {s |
	some s in services
	count(service_env_entries(s, attr)) > 0
}

# Public services: ingress absent or true (a value unknown until apply is AR-META-001's, cannot-verify).
public_services contains s if {
	some s in services
	is_public(input.resources[s])
}

# Optional rules (the AWS Config parity rules) are off until their parameter is set: they examine nothing,
# and AR-META-001 does not block them.
optional_rule_params := {
	"AR-NET-005": "require_vpc_egress",
	"AR-NET-006": "require_private_ingress",
	"AR-NET-007": "ip_address_type",
	"AR-OPS-005": "vpc_connector_required_tags",
}

rule_enabled(id) if not optional_rule_params[id]

rule_enabled(id) if _param_set(object.get(data.apprunner_guard.params, optional_rule_params[id], null))

_param_set(true)

_param_set(v) if is_string(v)

_param_set(v) if is_array(v)

# The ids of a list that are enabled, in order.
enabled_rules(ids) := [id | some id in ids; rule_enabled(id)]

# Tags of `required` a resource lacks, from its known tags and tags_all (a tag whose value is unknown
# until apply counts as present: the key is there). A wholly unknown map is tags_unknown's case.
missing_tags(res, required) := {t |
	some t in required
	not tags(res)[t]
	not t in unknown_keys(res, "tags")
	not t in unknown_keys(res, "tags_all")
}

# The tags map (or tags_all, where the provider merges default_tags) is wholly unknown until apply.
tags_unknown(res) if is_unknown(res, "tags")

tags_unknown(res) if is_unknown(res, "tags_all")

# Tag keys a user set (known or unknown value), without AWS's reserved aws: prefix.
user_tag_keys(res) := {k |
	some k in ((object.keys(tags(res)) | unknown_keys(res, "tags")) | unknown_keys(res, "tags_all"))
	not startswith(k, "aws:")
}
